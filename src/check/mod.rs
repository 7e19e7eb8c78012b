//! Checks on responses: protocol-level (status, content type, error type, schema) and
//! case assertions.

mod assertion;
mod response;
mod time;

pub(crate) use crate::path::PointerPattern;
pub(crate) use assertion::{evaluate, resolve_bound, CheckError};
pub(crate) use response::check_response;
pub(crate) use time::parse_timestamp;

use crate::outcome::CheckKind;
use crate::vocab::Level;

/// One violated check, before the runner adds the step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    pub(crate) check: CheckKind,
    pub(crate) message: String,
    pub(crate) expected: Option<String>,
    pub(crate) actual: Option<String>,
    /// How strongly the contract backs the check (a `should` check never fails a case
    /// judged at `must` only).
    pub(crate) level: Level,
    /// The case-file line of the assertion that failed, if one did.
    pub(crate) line: Option<u64>,
}

impl Violation {
    pub(crate) fn new(check: CheckKind, message: impl Into<String>) -> Self {
        Violation {
            check,
            message: message.into(),
            expected: None,
            actual: None,
            level: Level::Must,
            line: None,
        }
    }

    /// The same violation as a `should`-level finding.
    pub(crate) fn should(mut self) -> Self {
        self.level = Level::Should;
        self
    }

    pub(crate) fn diff(mut self, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }
}

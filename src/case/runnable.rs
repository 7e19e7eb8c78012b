//! Runnable cases: checked against the contract, with every name resolved.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use super::format::{Capability, CountBounds, Identity, Level, NumberBounds, RawDef, Source};

/// A case ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// must / should.
    pub level: Level,
    /// Document and member checked.
    pub source: Source,
    /// Tags for selecting cases (`--tag`, `--exclude-tag`).
    pub tags: Vec<String>,
    /// Service (folder under `cases/`).
    pub service: String,
    /// Operation (folder under the service).
    pub operation: String,
    /// Capabilities needed: the declared ones and those the steps imply.
    pub requires: BTreeSet<Capability>,
    /// Profile vars the case reads.
    pub profile_vars: BTreeSet<String>,
    /// Whether the case runs alone.
    pub exclusive: bool,
    /// Coverage topics of the case's operation it covers besides the errors its steps
    /// expect: behaviour ids and `<member>.<constraint>` keys.
    pub covers: Vec<String>,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// The case file.
    pub file: PathBuf,
    /// Line of the case's `id`.
    pub line: u64,
    /// Where the `id` stands, and its field path, for diagnostics.
    pub(crate) id_at: (serde_saphyr::Location, String),
}

impl Case {
    /// `service::Operation::id`, the name used by reports and the test harness.
    pub fn full_name(&self) -> String {
        format!("{}::{}::{}", self.service, self.operation, self.id)
    }
}

/// The expected outcome of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The documented success status and output shape.
    Success,
    /// This modelled error, with its modelled status.
    Error(String),
    /// Any 4xx.
    ClientError,
}

/// One call.
#[derive(Debug, Clone)]
pub struct Step {
    /// Operation name.
    pub operation: String,
    /// Identity to call as.
    pub identity: Identity,
    /// Logical input (may hold `${…}` variables).
    pub input: Value,
    /// Malformed-request overrides.
    pub raw: RawDef,
    /// Fault to ask for.
    pub fault: Option<String>,
    /// Follow the paginator.
    pub paginate: bool,
    /// With `paginate`: a last page reached through a token that holds nothing is a
    /// `should` finding (the page before it should have carried no token).
    pub check_last_page: bool,
    /// Up to how many times the call is sent, and which error ends it early.
    pub repeat: Option<super::format::RepeatDef>,
    /// Expected outcome.
    pub expect: Expect,
    /// Body assertions.
    pub assertions: Vec<Assertion>,
    /// Captures: variable name and path.
    pub capture: Vec<(String, String)>,
    /// Cleanup steps registered when this step ran.
    pub cleanup: Vec<Step>,
    /// Added to the step's failures: a likely cause and its fix.
    pub hint: Option<String>,
}

impl Step {
    /// A plain call of `operation` as `identity`, expecting success, with no input yet.
    pub fn call(operation: &str, identity: Identity) -> Step {
        Step {
            operation: operation.to_string(),
            identity,
            input: Value::Null,
            raw: RawDef::default(),
            fault: None,
            paginate: false,
            check_last_page: false,
            repeat: None,
            expect: Expect::Success,
            assertions: vec![],
            capture: vec![],
            cleanup: vec![],
            hint: None,
        }
    }
}

/// One body assertion.
#[derive(Debug, Clone)]
pub struct Assertion {
    /// Path text (may hold variables inside filters).
    pub path: String,
    /// The line of the case file it is written on (0 for generated cases).
    pub line: u64,
    /// The check.
    pub op: AssertOp,
}

/// What an assertion checks.
#[derive(Debug, Clone)]
pub enum AssertOp {
    /// Equal to a JSON value.
    Equals(Value),
    /// Not equal to a JSON value.
    NotEquals(Value),
    /// How many places the path matches.
    Count(CountBounds),
    /// The matched values are pairwise different.
    Unique,
    /// The path matches something.
    Exists,
    /// The path matches nothing.
    Absent,
    /// A string matching a regex.
    Matches(regex::Regex),
    /// Length bounds.
    Length(CountBounds),
    /// Contains (array element subset / substring).
    Contains(Value),
    /// Does not contain.
    NotContains(Value),
    /// Numeric bounds.
    Range(NumberBounds),
    /// Timestamp near another.
    Time {
        /// `now` or a timestamp template.
        near: String,
        /// Signed offset in seconds.
        offset_secs: i64,
        /// How far from the expected instant the value may be.
        within: Duration,
    },
}

impl AssertOp {
    /// The operator's name as written in case files.
    pub fn name(&self) -> &'static str {
        match self {
            AssertOp::Equals(_) => "equals",
            AssertOp::NotEquals(_) => "not_equals",
            AssertOp::Count(_) => "count",
            AssertOp::Unique => "unique",
            AssertOp::Exists => "exists",
            AssertOp::Absent => "absent",
            AssertOp::Matches(_) => "matches",
            AssertOp::Length(_) => "length",
            AssertOp::Contains(_) => "contains",
            AssertOp::NotContains(_) => "not_contains",
            AssertOp::Range(_) => "range",
            AssertOp::Time { .. } => "time",
        }
    }
}

impl Step {
    /// The literal strings of the input (pointer and value) when the step expects a
    /// "not found" error without injecting it: a value meant to name nothing must be
    /// fresh at every execution (`${uuid}`, `${hex:N}`, `${alnum:N}`, `${case_uid}`), since
    /// any fixed, well-formed value may name something on a real target.
    pub fn fixed_values_meant_to_name_nothing(&self) -> Vec<(String, String)> {
        let expects_not_found =
            matches!(&self.expect, Expect::Error(name) if name.contains("NotFound"));
        let mut out = Vec::new();
        if expects_not_found && self.fault.is_none() {
            literal_strings(&self.input, String::new(), &mut out);
        }
        out
    }
}

fn literal_strings(value: &serde_json::Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(s) if !s.contains("${") => out.push((at, s.clone())),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                literal_strings(v, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                literal_strings(v, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod names_tests {
    use super::*;

    #[test]
    fn every_operator_is_named_once() {
        let ops = [
            AssertOp::Equals(Value::Null),
            AssertOp::NotEquals(Value::Null),
            AssertOp::Count(CountBounds::default()),
            AssertOp::Unique,
            AssertOp::Exists,
            AssertOp::Absent,
            AssertOp::Matches(regex::Regex::new("x").unwrap()),
            AssertOp::Length(CountBounds::default()),
            AssertOp::Contains(Value::Null),
            AssertOp::NotContains(Value::Null),
            AssertOp::Range(NumberBounds::default()),
            AssertOp::Time {
                near: "now".into(),
                offset_secs: 0,
                within: Duration::ZERO,
            },
        ];
        let names: Vec<&str> = ops.iter().map(AssertOp::name).collect();
        assert_eq!(names, crate::case::CheckDef::NAMES);
    }
}

//! GitHub Actions workflow annotations: with `GITHUB_ACTIONS=true`, every failing case
//! is printed as an `::error` command pointing at its case file and line.

use std::io::Write;

use crate::error::HarnessError;
use crate::outcome::Status;
use crate::runner::{Reporter, RunEvent};

/// Prints `::error file=…,line=…,title=…::…` lines.
pub struct AnnotationReporter {
    out: Box<dyn Write + Send>,
}

impl AnnotationReporter {
    /// A reporter printing to `out` (stdout in the CLI).
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        AnnotationReporter { out }
    }

    /// Whether the environment asks for annotations (`GITHUB_ACTIONS=true`).
    pub fn wanted() -> bool {
        std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
    }
}

/// Escapes a message per the workflow-command rules.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for AnnotationReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        let RunEvent::CaseFinished { result: r, .. } = event else {
            return Ok(());
        };
        let message = match r.status {
            Status::Fail => r
                .failures
                .iter()
                .map(crate::report::render_failure)
                .collect::<Vec<_>>()
                .join("\n"),
            Status::Error => format!("harness error: {}", r.error.clone().unwrap_or_default()),
            Status::Pass | Status::Skip => return Ok(()),
        };
        let title = format!("{} [{}] {}", r.id, r.level.as_str(), r.title);
        writeln!(
            self.out,
            "::error file={},line={},title={}::{}",
            property(&r.file),
            // At the first failed assertion when there is one, else at the case.
            r.failures
                .iter()
                .find_map(|f| f.line)
                .unwrap_or(r.line)
                .max(1),
            property(&title),
            data(&message)
        )
        .map_err(|source| HarnessError::Io {
            path: "(stdout)".into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(property("x: y, z"), "x%3A y%2C z");
    }
}

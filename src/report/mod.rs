//! Reporters: terminal, JSON (`report.json`) and JUnit (`junit.xml`), all fed by run
//! events.

mod json;
mod junit;
mod terminal;

pub use json::{write_file, JsonReport, JsonReporter, REPORT_FORMAT_VERSION};
pub use junit::JunitReporter;
pub use terminal::TerminalReporter;

use crate::outcome::Failure;

/// A failure as text: the check, the message, and a unified diff of expected vs actual.
pub fn render_failure(f: &Failure) -> String {
    let mut out = format!(
        "step {} {} [{}] {}",
        f.step,
        f.operation,
        f.check.as_str(),
        f.message
    );
    if let (Some(expected), Some(actual)) = (&f.expected, &f.actual) {
        let mut e = expected.clone();
        let mut a = actual.clone();
        for s in [&mut e, &mut a] {
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        let diff = similar::TextDiff::from_lines(&e, &a);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header("expected", "actual")
            .to_string();
        for line in text.lines() {
            out.push_str("\n    ");
            out.push_str(line);
        }
    }
    out
}

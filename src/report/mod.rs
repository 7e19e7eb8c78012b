//! Reporters and report formats. The terminal and GitHub annotations consume run
//! events as they happen; `report.json`, `junit.xml`, `report.md` and `report.html`
//! are all rendered from one [`JsonReport`], so merged shards render like a whole run.

mod annotations;
pub mod baseline;
pub mod diff;
mod html;
mod journal;
mod json;
mod junit;
mod markdown;
mod merge;
mod overview;
mod progress;
mod terminal;

pub use annotations::AnnotationReporter;
pub use journal::{Brief, CaseSource, InMemory, Journal, JournalWriter, JOURNAL_FILE};
pub use json::{
    json_schema, write_all, write_file, write_reports, CoverageTopic, JsonReport, ReportCollector,
    REPORT_FILES, REPORT_FORMAT_VERSION,
};
pub use merge::merge;
pub use progress::Progress;
pub use terminal::{TerminalReporter, Verbosity};

/// Renders a report in one format.
pub mod render {
    pub use super::html::render as html;
    pub use super::junit::render as junit;
    pub use super::markdown::render as markdown;
    pub use super::markdown::render_from as markdown_from;
}

use crate::outcome::Failure;

/// An HTTP status's reason phrase (`Bad Request`), empty for a status without one.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// A failure as the console and reports show it: the step, the check, the message,
/// and a unified diff of expected vs actual when both are known.
pub fn render_failure(f: &Failure) -> String {
    let level = match f.level {
        crate::vocab::Level::Must => "",
        crate::vocab::Level::Should => ", should",
    };
    let mut out = format!(
        "step {} {} [{}{level}] {}",
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

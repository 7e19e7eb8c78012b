//! What a run leaves for people and machines, in three roles:
//! - `live/`: reporters that consume run events as they happen (the console with its
//!   progress line, GitHub annotations);
//! - `files/`: the report files, all rendered from one [`JsonReport`] and the run's
//!   journal (`report.json`, `junit.xml`, `report.md`, `report.html`), so merged
//!   shards render like a whole run;
//! - `compare/`: comparing runs (a baseline's gate, `diff`, `report merge`).
//!
//! The journal (`journal.rs`) is between the first two: a live reporter that writes each
//! finished case to disk, and the source every file is rendered from.

mod compare;
mod files;
pub(crate) mod grouping;
mod journal;
mod live;
mod not_run;

pub use compare::merge::merge;
pub use compare::{baseline, diff};
pub use files::json::{
    json_schema, write_all, write_file, write_reports, CoverageTopic, JsonReport, ReportCollector,
    REPORT_FILES, REPORT_FORMAT_VERSION,
};
pub use journal::{Brief, CaseSource, InMemory, Journal, JournalWriter, JOURNAL_FILE};
pub use live::annotations::AnnotationReporter;
pub use live::progress::Progress;
pub use live::terminal::{TerminalReporter, Verbosity};

/// Renders a report in one format.
pub mod render {
    pub use super::files::html::render as html;
    pub use super::files::junit::render as junit;
    pub use super::files::markdown::render as markdown;
    pub use super::files::markdown::render_from as markdown_from;
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
    let line = f.line.map_or(String::new(), |l| format!(", line {l}"));
    let mut out = format!(
        "step {} {} [{}{level}{line}] {}",
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

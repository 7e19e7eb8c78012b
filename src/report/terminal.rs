//! The console: a line per case, failures with diffs, and a closing count line.

use std::io::Write;

use crate::error::HarnessError;
use crate::outcome::{Status, Summary};
use crate::runner::{Reporter, RunEvent};

/// Prints to a writer (stdout in the CLI).
pub struct TerminalReporter {
    out: Box<dyn Write + Send>,
    summary: Summary,
    /// Calls retried, and cases with a retry.
    retried: (usize, usize),
}

impl TerminalReporter {
    /// A reporter printing to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        TerminalReporter {
            out,
            summary: Summary::default(),
            retried: (0, 0),
        }
    }

    fn write(&mut self, text: &str) -> Result<(), HarnessError> {
        writeln!(self.out, "{text}").map_err(|source| HarnessError::Io {
            path: "(stdout)".into(),
            source,
        })
    }
}

/// ` after 2 retries (HTTP 429 ThrottlingException, HTTP 503)`, when the case had any.
fn retries_note(result: &crate::outcome::CaseResult) -> Option<String> {
    let n = result.retries.len();
    (n > 0).then(|| {
        let reasons: Vec<&str> = result.retries.iter().map(|r| r.reason.as_str()).collect();
        format!(
            " after {n} {} ({})",
            if n == 1 { "retry" } else { "retries" },
            reasons.join(", ")
        )
    })
}

/// A finished case as the console shows it: its line, then what it needs (the skip
/// reason, the harness error, or each failure with its diff), then cleanup warnings.
fn case_text(result: &crate::outcome::CaseResult) -> String {
    let mut text = format!(
        "{:<5} {} ({} ms)",
        result.status.label(),
        result.full_name(),
        result.duration_ms
    );
    if let Some(note) = retries_note(result) {
        text.push_str(&note);
    }
    match result.status {
        Status::Skip => text.push_str(&format!(
            ": {}",
            result.skip_reason.as_deref().unwrap_or("")
        )),
        Status::Error => text.push_str(&format!(": {}", result.error.as_deref().unwrap_or(""))),
        Status::Fail => {
            text.push_str(&format!(
                "\n    {} [{}] {}:{}",
                result.title,
                result.level.as_str(),
                result.file,
                result.line
            ));
            for f in &result.failures {
                text.push_str("\n  ");
                text.push_str(&super::render_failure(f).replace('\n', "\n  "));
            }
        }
        Status::Pass => {
            // Findings of levels this run does not judge (`--level`).
            for f in &result.failures {
                text.push_str("\n  note (not judged): ");
                text.push_str(&super::render_failure(f).replace('\n', "\n  "));
            }
        }
    }
    for w in &result.cleanup_warnings {
        text.push_str(&format!("\n  warning: {w}"));
    }
    text
}

impl Reporter for TerminalReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        match event {
            RunEvent::RunStarted {
                run_id,
                total,
                endpoints,
            } => {
                let targets: Vec<String> =
                    endpoints.iter().map(|(s, e)| format!("{s}={e}")).collect();
                self.write(&format!(
                    "run {run_id}: {total} cases against {}",
                    targets.join(", ")
                ))
            }
            RunEvent::CaseFinished { result } => {
                self.summary.add(result.status);
                if !result.retries.is_empty() {
                    self.retried.0 += result.retries.len();
                    self.retried.1 += 1;
                }
                self.write(&case_text(result))
            }
            RunEvent::RunFinished {
                summary,
                interrupted,
                duration,
                ledger,
            } => {
                if *interrupted {
                    self.write("interrupted: cleanups ran; reports hold what finished")?;
                }
                self.write(&ledger.line())?;
                if self.retried.0 > 0 {
                    self.write(&format!(
                        "retried {} calls in {} cases (throttling, 5xx or lost connections; see `retries` in report.json)",
                        self.retried.0, self.retried.1
                    ))?;
                }
                if summary.errors > 0 {
                    self.write(&format!(
                        "{} errors (harness problems, not verdicts on the target)",
                        summary.errors
                    ))?;
                }
                self.write(&format!("finished in {:.2}s", duration.as_secs_f64()))?;
                self.write(&summary.to_string())?;
                self.out.flush().map_err(|source| HarnessError::Io {
                    path: "(stdout)".into(),
                    source,
                })
            }
        }
    }
}

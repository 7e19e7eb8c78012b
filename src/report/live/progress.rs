//! Live progress on a terminal: one line under the per-case lines — cases done of the
//! total, passed / failed / skipped so far, elapsed time, an estimate of the time left,
//! and the case running longest (timed from when it began to run, not from when it was
//! queued) — redrawn as the run goes. Only when standard error is a terminal and the run is not in CI (`CI`
//! set) nor `--quiet`; the console lines print around it (see [`Progress::print`]).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::error::HarnessError;
use crate::outcome::Summary;
use crate::runner::{Reporter, RunEvent};

/// Cases in flight, by name, with when they started.
type Running = Arc<Mutex<BTreeMap<String, Instant>>>;

/// The progress line, shared by the reporter that updates it and the console that
/// prints around it.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    running: Running,
}

impl Progress {
    /// Whether a progress line belongs on this console: stderr is a terminal, `CI` is
    /// unset, and the run is not `--quiet`.
    pub fn wanted(quiet: bool) -> bool {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        !quiet && !ci && std::io::stderr().is_terminal()
    }

    /// A progress line drawn on standard error.
    pub fn new() -> Progress {
        Progress::to(ProgressDrawTarget::stderr())
    }

    fn to(target: ProgressDrawTarget) -> Progress {
        let running: Running = Arc::default();
        let longest = running.clone();
        let style = ProgressStyle::with_template(
            "{pos}/{len} cases · {msg} · {elapsed} (about {eta} left) · running longest: {longest}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "longest",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let running = longest.lock().unwrap_or_else(|e| e.into_inner());
                let oldest = running.iter().min_by_key(|(_, started)| **started);
                let _ = match oldest {
                    Some((name, started)) => {
                        write!(w, "{name} ({}s)", started.elapsed().as_secs())
                    }
                    None => write!(w, "-"),
                };
            },
        );
        let bar = ProgressBar::with_draw_target(Some(0), target).with_style(style);
        bar.set_message(counts(&Summary::default()));
        Progress { bar, running }
    }

    /// Prints `text` above the progress line (which is hidden meanwhile), so lines
    /// never mix with it.
    pub fn print(&self, f: impl FnOnce()) {
        self.bar.suspend(f);
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

/// `3 passed, 1 failed, 2 skipped` (errors count as failed here).
fn counts(s: &Summary) -> String {
    format!(
        "{} passed, {} failed, {} skipped",
        s.passed,
        s.failed + s.errors,
        s.skipped
    )
}

/// Updates the progress line from run events (the console reporter drives it).
pub(crate) struct ProgressReporter {
    progress: Progress,
    so_far: Summary,
}

impl ProgressReporter {
    /// A reporter driving `progress`.
    pub(crate) fn new(progress: Progress) -> ProgressReporter {
        ProgressReporter {
            progress,
            so_far: Summary::default(),
        }
    }
}

impl Reporter for ProgressReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        let bar = &self.progress.bar;
        let running = &self.progress.running;
        match event {
            RunEvent::RunStarted { total, .. } => {
                bar.set_length(*total as u64);
                bar.enable_steady_tick(Duration::from_millis(250));
            }
            RunEvent::CaseStarted { name } => {
                running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(name.to_string(), Instant::now());
            }
            RunEvent::CaseFinished { result, .. } => {
                running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&result.full_name());
                self.so_far.add(result.status);
                bar.set_message(counts(&self.so_far));
                bar.inc(1);
            }
            RunEvent::RunFinished { .. } => bar.finish_and_clear(),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_wanted_when_quiet() {
        assert!(!Progress::wanted(true));
    }

    #[test]
    fn a_hidden_line_counts_and_names_the_longest_case() {
        let progress = Progress::to(ProgressDrawTarget::hidden());
        let mut r = ProgressReporter::new(progress.clone());
        r.on_event(&RunEvent::RunStarted {
            run_id: "r",
            total: 2,
            endpoints: &[],
        })
        .unwrap();
        r.on_event(&RunEvent::CaseStarted { name: "s::Op::a" })
            .unwrap();
        assert_eq!(progress.bar.length(), Some(2));
        assert!(progress.running.lock().unwrap().contains_key("s::Op::a"));
    }
}

//! The console: a line per case, failures with diffs, then the closing lines: what
//! cleanup left, skips by reason, a recap of every failing case (id, checks,
//! file:line) and the count line last. Coloured on a terminal (see
//! [`crate::console::colour_wanted`]).

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::error::HarnessError;
use crate::outcome::{Status, Summary};
use crate::runner::{Reporter, RunEvent};

/// How much the console says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// The closing lines only (`--quiet`).
    Quiet,
    /// A line per case, failures with diffs, the closing lines.
    #[default]
    Normal,
    /// Also every exchange of every case, redacted (`--verbose`).
    Verbose,
}

/// Prints to a writer (stdout in the CLI).
pub struct TerminalReporter {
    out: Box<dyn Write + Send>,
    verbosity: Verbosity,
    /// The live progress line (on a terminal only): it hears each event before the
    /// lines print, and the lines print around it.
    progress: Option<(
        crate::report::Progress,
        crate::report::live::progress::ProgressReporter,
    )>,
    summary: Summary,
    /// Calls retried, and cases with a retry.
    retried: (usize, usize),
    /// Skipped cases per reason: one closing line instead of a line per case.
    skips: std::collections::BTreeMap<String, usize>,
    /// Failing and erroring cases, for the recap after the run.
    recap: Vec<String>,
    /// Whether lines carry colours.
    colour: bool,
}

impl TerminalReporter {
    /// A reporter printing to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        TerminalReporter {
            out,
            verbosity: Verbosity::Normal,
            progress: None,
            summary: Summary::default(),
            retried: (0, 0),
            skips: std::collections::BTreeMap::new(),
            recap: Vec::new(),
            colour: false,
        }
    }

    /// Colours statuses and counts.
    pub fn with_colour(mut self, colour: bool) -> Self {
        self.colour = colour;
        self
    }

    /// Says as much as `verbosity` asks.
    pub fn with_verbosity(mut self, verbosity: Verbosity) -> Self {
        self.verbosity = verbosity;
        self
    }

    /// Keeps a live progress line under the lines it prints.
    pub fn with_progress(mut self, progress: crate::report::Progress) -> Self {
        let updates = crate::report::live::progress::ProgressReporter::new(progress.clone());
        self.progress = Some((progress, updates));
        self
    }

    fn write(&mut self, text: &str) -> Result<(), HarnessError> {
        let out = &mut self.out;
        let mut result = Ok(());
        let mut print = || result = writeln!(out, "{text}").and_then(|()| out.flush());
        match &self.progress {
            Some((p, _)) => p.print(print),
            None => print(),
        }
        result.map_err(|source| HarnessError::Io {
            path: "(stdout)".into(),
            source,
        })
    }
}

/// Every exchange of a case, as recorded (redacted, bodies clipped): `--verbose`.
fn exchanges_text(result: &crate::outcome::CaseResult) -> String {
    let mut text = String::new();
    for x in &result.exchanges {
        let step = if x.step == 0 {
            "cleanup".to_string()
        } else {
            format!("step {}", x.step)
        };
        let clip = |s: &str| crate::text::clip(s.to_string(), 1024);
        text.push_str(&format!(
            "\n    {step} {}: {} {}",
            x.operation, x.request.method, x.request.url
        ));
        for (name, value) in &x.request.headers {
            text.push_str(&format!("\n      > {name}: {value}"));
        }
        if !x.request.body.is_empty() {
            text.push_str(&format!("\n      > {}", clip(&x.request.body)));
        }
        match &x.response {
            Some(r) => {
                let reason = crate::report::reason_phrase(r.status);
                text.push_str(&format!(
                    "\n      < HTTP {} {reason} ({} ms)",
                    r.status, x.elapsed_ms
                ));
                for (name, value) in &r.headers {
                    text.push_str(&format!("\n      < {name}: {value}"));
                }
                if !r.body.is_empty() {
                    text.push_str(&format!("\n      < {}", clip(&r.body)));
                }
            }
            None => text.push_str("\n      < (no answer)"),
        }
    }
    text
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

fn status_style(status: Status) -> Style {
    let colour = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    match status {
        Status::Pass => colour(AnsiColor::Green),
        Status::Fail => colour(AnsiColor::Red).bold(),
        Status::Error => colour(AnsiColor::Magenta).bold(),
        Status::Skip => colour(AnsiColor::Yellow),
    }
}

/// `text` in `style` when colours are on.
fn paint(colour: bool, style: Style, text: &str) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// A failing or erroring case in the recap: status, name, the kinds of check that
/// failed (or the error), and where the case is written.
fn recap_line(result: &crate::outcome::CaseResult, colour: bool) -> String {
    let what = match result.status {
        Status::Error => crate::text::clip(result.error.clone().unwrap_or_default(), 120),
        _ => {
            let mut kinds: Vec<&str> = result.failures.iter().map(|f| f.check.as_str()).collect();
            kinds.dedup();
            let mut seen = std::collections::BTreeSet::new();
            kinds.retain(|k| seen.insert(*k));
            format!("[{}]", kinds.join(", "))
        }
    };
    format!(
        "  {} {} {what} {}:{}",
        paint(
            colour,
            status_style(result.status),
            &format!("{:<5}", result.status.label())
        ),
        result.full_name(),
        result.file,
        result.line
    )
}

/// A finished case as the console shows it: its line, then what it needs (the skip
/// reason, the harness error, or each failure with its diff), then cleanup warnings.
/// With `grouped`, findings that say the same of every element of an array are one
/// line (see [`crate::report::grouping`]); `--verbose` prints each.
fn case_text(result: &crate::outcome::CaseResult, colour: bool, grouped: bool) -> String {
    let mut text = format!(
        "{} {} ({} ms)",
        paint(
            colour,
            status_style(result.status),
            &format!("{:<5}", result.status.label())
        ),
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
            for f in findings(&result.failures, grouped) {
                text.push_str("\n  ");
                text.push_str(&f.replace('\n', "\n  "));
            }
        }
        Status::Pass => {
            // Findings of levels this run does not judge (`--level`).
            for f in findings(&result.failures, grouped) {
                text.push_str("\n  note (not judged): ");
                text.push_str(&f.replace('\n', "\n  "));
            }
        }
    }
    for w in &result.cleanup_warnings {
        text.push_str(&format!("\n  warning: {w}"));
    }
    text
}

/// A pass with nothing to say: no retries, no findings of a level not judged.
fn plain_pass(result: &crate::outcome::CaseResult) -> bool {
    result.status == Status::Pass
        && result.retries.is_empty()
        && result.failures.is_empty()
        && result.cleanup_warnings.is_empty()
}

/// A case's findings as printed: grouped, or one by one.
fn findings(failures: &[crate::outcome::Failure], grouped: bool) -> Vec<String> {
    if grouped {
        crate::report::grouping::group(failures)
            .iter()
            .map(crate::report::grouping::render_group)
            .collect()
    } else {
        failures.iter().map(crate::report::render_failure).collect()
    }
}

impl Reporter for TerminalReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        // The progress line first: it is cleared before the closing lines print.
        if let Some((_, updates)) = &mut self.progress {
            updates.on_event(event)?;
        }
        match event {
            RunEvent::RunStarted {
                run_id,
                total,
                endpoints,
            } => {
                if self.verbosity == Verbosity::Quiet {
                    return Ok(());
                }
                let targets: Vec<String> =
                    endpoints.iter().map(|(s, e)| format!("{s}={e}")).collect();
                self.write(&format!(
                    "run {run_id}: {total} cases against {}",
                    targets.join(", ")
                ))
            }
            RunEvent::CaseFinished { result, .. } => {
                self.summary.add(result.status);
                if !result.retries.is_empty() {
                    self.retried.0 += result.retries.len();
                    self.retried.1 += 1;
                }
                if result.status == Status::Skip {
                    let reason = result.skip_reason.clone().unwrap_or_default();
                    *self.skips.entry(reason).or_default() += 1;
                }
                if matches!(result.status, Status::Fail | Status::Error) {
                    self.recap.push(recap_line(result, self.colour));
                }
                match self.verbosity {
                    Verbosity::Quiet => Ok(()),
                    // Skips are summed up by reason at the end, passes counted there
                    // (`--verbose` lists each); a pass after retries or with findings
                    // of a level not judged is still shown.
                    Verbosity::Normal if result.status == Status::Skip => Ok(()),
                    Verbosity::Normal if plain_pass(result) => Ok(()),
                    Verbosity::Normal => self.write(&case_text(result, self.colour, true)),
                    Verbosity::Verbose => self
                        .write(&(case_text(result, self.colour, false) + &exchanges_text(result))),
                }
            }
            RunEvent::CaseStarted { .. } => Ok(()),
            RunEvent::RunFinished {
                summary,
                interrupted,
                duration,
                ledger,
            } => self.closing_lines(summary, *interrupted, *duration, ledger),
        }
    }
}

impl TerminalReporter {
    /// After the run: interruption, what cleanup left, retries, harness errors, skips by
    /// reason, the recap of failing cases, the time, and the count line last.
    fn closing_lines(
        &mut self,
        summary: &crate::outcome::Summary,
        interrupted: bool,
        duration: std::time::Duration,
        ledger: &crate::outcome::LedgerSummary,
    ) -> Result<(), HarnessError> {
        if interrupted {
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
        let total = summary.passed + summary.failed + summary.errors + summary.skipped;
        if let Some(line) = crate::report::not_run::not_run_line(total, &self.skips) {
            self.write(&line)?;
        }
        if !self.recap.is_empty() {
            let n = self.recap.len();
            self.write(&format!(
                "{n} failing {}:",
                if n == 1 { "case" } else { "cases" }
            ))?;
            self.recap.sort();
            for line in std::mem::take(&mut self.recap) {
                self.write(&line)?;
            }
        }
        self.write(&format!("finished in {:.2}s", duration.as_secs_f64()))?;
        let style = if summary.failed + summary.errors > 0 {
            status_style(Status::Fail)
        } else {
            status_style(Status::Pass)
        };
        self.write(&paint(self.colour, style, &summary.to_string()))
    }
}

//! Running the suite against every mode, and the kill matrix.

use std::fmt::Write;
use std::sync::Arc;

use super::{Class, Mode};
use crate::case::Case;
use crate::emulator::Emulator;
use crate::error::HarnessError;
use crate::outcome::Status;
use crate::runner::remote_target;
use crate::runner::{self, Collect, RunOptions};
use crate::spec::Contract;

/// What the suite did against one mode.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModeResult {
    /// Mode name.
    pub name: String,
    /// Class ([`Class::Conformant`] for variations).
    pub class: Class,
    /// What the mode gets wrong (or the liberty it takes).
    pub what: String,
    /// Cases that failed (a deviation is killed when this is not empty).
    pub failed: Vec<String>,
    /// Cases that ended in a harness error.
    pub errors: Vec<String>,
    /// Named killers that did not fail.
    pub missed_killers: Vec<String>,
}

impl ModeResult {
    /// Whether this is a deviation no case caught.
    pub fn survived(&self) -> bool {
        self.class != Class::Conformant && self.failed.is_empty()
    }

    /// Whether this is a variation some case wrongly failed.
    pub fn false_failure(&self) -> bool {
        self.class == Class::Conformant && !(self.failed.is_empty() && self.errors.is_empty())
    }
}

/// Every mode's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KillMatrix {
    /// In catalogue order: deviations, then variations.
    pub modes: Vec<ModeResult>,
}

impl KillMatrix {
    /// Whether every deviation was killed (by its named killers) and every variation passed.
    pub fn is_clean(&self) -> bool {
        self.modes
            .iter()
            .all(|m| !m.survived() && !m.false_failure() && m.missed_killers.is_empty())
    }
}

/// Modes run at once (each against its own emulator).
const MODES_IN_FLIGHT: usize = 4;

/// Runs `cases` against each mode (one fresh emulator per mode, a few modes at once).
pub async fn run_modes(
    contract: Arc<Contract>,
    cases: &[Case],
    modes: Vec<Mode>,
    jobs: usize,
) -> Result<KillMatrix, HarnessError> {
    use futures::StreamExt;
    let results: Vec<Result<ModeResult, HarnessError>> = futures::stream::iter(modes)
        .map(|mode| run_mode(contract.clone(), cases, mode, jobs))
        .buffered(MODES_IN_FLIGHT)
        .collect()
        .await;
    Ok(KillMatrix {
        modes: results.into_iter().collect::<Result<_, _>>()?,
    })
}

async fn run_mode(
    contract: Arc<Contract>,
    cases: &[Case],
    mode: Mode,
    jobs: usize,
) -> Result<ModeResult, HarnessError> {
    let emulator = match &mode.middleware {
        Some(m) => Emulator::start_wrapped(contract.clone(), mode.config.clone(), m.clone()).await,
        None => Emulator::start(contract.clone(), mode.config.clone()).await,
    };
    let target = remote_target(&contract, Some(&emulator.uri()), emulator.profile(), false)?;
    let mut options = RunOptions::new();
    options.jobs = jobs;
    let mut collect = Collect::default();
    runner::run(
        contract.clone(),
        cases.to_vec(),
        target,
        options,
        &mut collect,
    )
    .await?;
    let ids = |status: Status| -> Vec<String> {
        collect
            .results
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.id.clone())
            .collect()
    };
    let mut failed = ids(Status::Fail);
    // Named killers first, then the rest by id: stable whatever order cases finished in.
    failed.sort_by_key(|id| (!mode.killers.contains(&id.as_str()), id.clone()));
    let missed_killers = mode
        .killers
        .iter()
        .filter(|k| !failed.iter().any(|f| f == *k))
        .map(|k| k.to_string())
        .collect();
    Ok(ModeResult {
        name: mode.name.to_string(),
        class: mode.class,
        what: mode.what.to_string(),
        errors: {
            let mut e = ids(Status::Error);
            e.sort();
            e
        },
        failed,
        missed_killers,
    })
}

fn verdict(m: &ModeResult) -> &'static str {
    match (
        m.class == Class::Conformant,
        m.survived(),
        m.false_failure(),
    ) {
        (true, _, false) => "passes",
        (true, _, true) => "FALSE FAILURE",
        (false, true, _) => "SURVIVED",
        (false, false, _) if !m.missed_killers.is_empty() => "killed (not by its named killers)",
        _ => "killed",
    }
}

fn summary(matrix: &KillMatrix) -> String {
    let deviations: Vec<_> = matrix
        .modes
        .iter()
        .filter(|m| m.class != Class::Conformant)
        .collect();
    let variations = matrix.modes.len() - deviations.len();
    let killed = deviations.iter().filter(|m| !m.survived()).count();
    let false_failures = matrix.modes.iter().filter(|m| m.false_failure()).count();
    format!(
        "{killed}/{} deviations killed, {} survived; {}/{variations} variations pass",
        deviations.len(),
        deviations.len() - killed,
        variations - false_failures
    )
}

/// The kill matrix as plain text.
pub fn terminal(matrix: &KillMatrix) -> String {
    let mut out = String::new();
    let width = matrix.modes.iter().map(|m| m.name.len()).max().unwrap_or(0);
    for m in &matrix.modes {
        let _ = writeln!(
            out,
            "{:<width$}  {:<24} {:<8} {}",
            m.name,
            m.class.as_str(),
            verdict(m),
            crate::text::head(&m.failed, 3, str::to_string)
        );
        if !m.missed_killers.is_empty() {
            let _ = writeln!(
                out,
                "{:<width$}  named killers that passed: {}",
                "",
                m.missed_killers.join(", ")
            );
        }
    }
    let _ = writeln!(out, "\n{}", summary(matrix));
    out
}

/// The kill matrix as Markdown.
pub fn markdown(matrix: &KillMatrix) -> String {
    let mut out = format!("{}\n\n", summary(matrix));
    out.push_str("| mode | class | deviation / variation | verdict | caught by (failing cases) |\n|---|---|---|---|---|\n");
    for m in &matrix.modes {
        let caught = crate::text::head(&m.failed, 4, |c| format!("`{c}`"));
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            m.name,
            m.class.as_str(),
            m.what.replace('|', "\\|"),
            verdict(m),
            caught
        );
    }
    out
}

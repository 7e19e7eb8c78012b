//! Outcome events: the runner emits them; reporters consume them.

use std::time::Duration;

use crate::error::HarnessError;
use crate::outcome::{CaseResult, LedgerSummary, Summary};

/// Something that happened during a run.
#[derive(Debug)]
pub enum RunEvent<'a> {
    /// The run starts with this many selected cases.
    RunStarted {
        /// The run id (also the report folder).
        run_id: &'a str,
        /// Selected cases.
        total: usize,
        /// Endpoint per service.
        endpoints: &'a [(String, String)],
    },
    /// A case began to run (after waiting for its turn: an exclusive case runs alone).
    CaseStarted {
        /// `service::Operation::id`.
        name: &'a str,
    },
    /// A case finished (in completion order).
    CaseFinished {
        /// Its result.
        result: &'a CaseResult,
        /// How many secrets the run had learned when the result was last scrubbed:
        /// it holds none of them, so a last pass need only look for later ones.
        learned: usize,
    },
    /// The run ended.
    RunFinished {
        /// Cases per verdict.
        summary: Summary,
        /// Whether Ctrl-C stopped the run.
        interrupted: bool,
        /// Wall time.
        duration: Duration,
        /// What the run created and did not delete.
        ledger: &'a LedgerSummary,
    },
}

/// Consumes run events (terminal, JSON, JUnit…).
pub trait Reporter: Send {
    /// Handles one event.
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError>;
}

/// Fans events out to several reporters.
#[derive(Default)]
pub struct Reporters(pub Vec<Box<dyn Reporter>>);

impl Reporter for Reporters {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        self.0.iter_mut().try_for_each(|r| r.on_event(event))
    }
}

/// Collects every result (for tests and for callers that render later).
#[derive(Default)]
pub struct Collect {
    /// Results in completion order.
    pub results: Vec<CaseResult>,
}

impl Reporter for Collect {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        if let RunEvent::CaseFinished { result, .. } = event {
            self.results.push((*result).clone());
        }
        Ok(())
    }
}

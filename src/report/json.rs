//! `report.json`: the whole run, machine-readable and versioned.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::HarnessError;
use crate::outcome::{CaseResult, Summary};
use crate::runner::{Reporter, RunEvent};

/// The version of the report format; bumped on incompatible changes.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The contents of `report.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonReport {
    /// Format version.
    pub format_version: u32,
    /// Run id.
    pub run_id: String,
    /// Endpoint per service.
    pub endpoints: Vec<(String, String)>,
    /// Counts.
    pub summary: Summary,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
    /// Wall time.
    pub duration_ms: u64,
    /// Every case, sorted by full name.
    pub cases: Vec<CaseResult>,
}

/// Writes `report.json` when the run finishes.
pub struct JsonReporter {
    path: PathBuf,
    report: JsonReport,
}

impl JsonReporter {
    /// A reporter writing to `path`.
    pub fn new(path: PathBuf) -> Self {
        JsonReporter {
            path,
            report: JsonReport {
                format_version: REPORT_FORMAT_VERSION,
                run_id: String::new(),
                endpoints: vec![],
                summary: Summary::default(),
                interrupted: false,
                duration_ms: 0,
                cases: vec![],
            },
        }
    }
}

impl Reporter for JsonReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        match event {
            RunEvent::RunStarted {
                run_id, endpoints, ..
            } => {
                self.report.run_id = run_id.to_string();
                self.report.endpoints = endpoints.to_vec();
            }
            RunEvent::CaseFinished { result } => self.report.cases.push((*result).clone()),
            RunEvent::RunFinished {
                summary,
                interrupted,
                duration,
            } => {
                self.report.summary = *summary;
                self.report.interrupted = *interrupted;
                self.report.duration_ms = duration.as_millis() as u64;
                self.report.cases.sort_by_key(|c| c.full_name());
                let text =
                    serde_json::to_string_pretty(&self.report).map_err(|e| HarnessError::Io {
                        path: self.path.clone(),
                        source: std::io::Error::other(e),
                    })?;
                write_file(&self.path, text.as_bytes())?;
            }
        }
        Ok(())
    }
}

/// Writes a file, creating its folder.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), HarnessError> {
    let io = |source| HarnessError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)
}

//! Harness errors: problems with the suite's own inputs or environment, never a verdict
//! on the target. Contract failures are data (see [`crate::outcome`]), not errors.

use std::path::PathBuf;

use crate::case::CaseLoadErrors;

/// A problem that stops the harness before or outside of a verdict.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A spec file could not be read, parsed or compiled.
    #[error(transparent)]
    Spec(#[from] crate::spec::SpecError),
    /// One or more case files are invalid; each error carries its file, line and field.
    #[error(transparent)]
    Cases(#[from] CaseLoadErrors),
    /// The profile or command line does not make a usable run configuration.
    #[error("failed to configure the run: {0}")]
    Config(String),
    /// An input file other than a case file (report, baseline) or a name on the
    /// command line is unusable; the message says which and why.
    #[error("{0}")]
    Input(String),
    /// Output could not be proven free of secrets, so none was written.
    #[error("{0}")]
    Redaction(String),
    /// Writing a report or another output failed.
    #[error("failed to write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl HarnessError {
    /// The exit for a command that ended in this error: problems with what was given
    /// (usage, configuration, specs, cases, baselines, reports) exit 2, nothing having
    /// run; a report that could not be written or redacted exits 3.
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            HarnessError::Io { .. } | HarnessError::Redaction(_) => crate::exit::Exit::HarnessError,
            _ => crate::exit::Exit::Usage,
        }
    }
}

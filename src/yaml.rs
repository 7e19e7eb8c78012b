//! Reading a YAML (or JSON) data file, with the file, line and column of a problem.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// A data file that could not be read or parsed: `failed to read <what> <file>:<line>:<col>: …`.
#[derive(Debug, thiserror::Error)]
#[error("failed to read {what} {}{}: {message}", path.display(), at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ReadError {
    /// What the file is (`profile`, `baseline`).
    pub what: &'static str,
    /// The file.
    pub path: PathBuf,
    /// Line and column of the problem, when it is in the text.
    pub at: Option<(u64, u64)>,
    /// What is wrong.
    pub message: String,
}

/// Reads and parses `path`.
pub(crate) fn read<T: DeserializeOwned>(path: &Path, what: &'static str) -> Result<T, ReadError> {
    let error = |at, message| ReadError {
        what,
        path: path.to_path_buf(),
        at,
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(None, e.to_string()))?;
    serde_saphyr::from_str(&text).map_err(|e| {
        let at = e.location().map(|l| (l.line(), l.column()));
        error(at, e.without_snippet().to_string())
    })
}

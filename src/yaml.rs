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

/// The most bytes read from a case, spec, profile, baseline or model file.
pub(crate) const MAX_INPUT: u64 = 32 * 1024 * 1024;

/// The most bytes read from a report file (`diff`, `report merge`).
pub(crate) const MAX_REPORT: u64 = 256 * 1024 * 1024;

/// Reads a text file of at most `max` bytes. A larger one (or an endless device such
/// as `/dev/zero`) is an error after reading `max + 1` bytes, never a memory blow-up.
pub(crate) fn read_capped(path: &std::path::Path, max: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "failed to read: the file is larger than {} MiB",
            max / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "failed to read: the file is not UTF-8 text",
        )
    })
}

/// The parser's limits for a text of this size. The default budget (250,000 nodes,
/// 1,000,000 events) refuses a legitimate file of a few thousand cases; a node takes at
/// least a byte of text unless an alias repeats it, so allowing as many nodes as the
/// text has bytes (and four events per byte) lets any real file through while an
/// alias bomb, whose expansion outgrows its text by orders of magnitude, is still
/// refused.
pub(crate) fn budget_for(text: &str) -> Option<serde_saphyr::Budget> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(text.len());
    budget.max_events = budget.max_events.max(text.len().saturating_mul(4));
    Some(budget)
}

/// Reads and parses `path`.
pub(crate) fn read<T: DeserializeOwned>(path: &Path, what: &'static str) -> Result<T, ReadError> {
    let error = |at, message| ReadError {
        what,
        path: path.to_path_buf(),
        at,
        message,
    };
    let text = read_capped(path, MAX_INPUT).map_err(|e| error(None, e.to_string()))?;
    serde_saphyr::from_str(&text).map_err(|e| {
        let at = e.location().map(|l| (l.line(), l.column()));
        error(at, e.without_snippet().to_string())
    })
}

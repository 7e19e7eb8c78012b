//! Reading a YAML (or JSON) data file, with the file, line and column of a problem.

use std::path::Path;

use serde::de::DeserializeOwned;

/// Reads and parses `path`; an error says `failed to read <what> <file>:<line>:<col>: …`.
pub(crate) fn read<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("failed to read {what} {}: {e}", path.display()))?;
    serde_saphyr::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        format!(
            "failed to read {what} {}{at}: {}",
            path.display(),
            e.without_snippet()
        )
    })
}

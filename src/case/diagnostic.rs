//! Case-file errors that name the file, line and field, with a miette source span.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde_saphyr::Location;

/// The longest line a diagnostic shows whole.
const MAX_SHOWN_LINE: usize = 1000;

/// The most characters of a message kept (it may quote a value from the file).
const MAX_MESSAGE: usize = 1000;

/// One problem in one case file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("failed to load {}{}: field `{field}`: {message}", file.display(), position(*line, *column))]
#[diagnostic(code(pat_conformance::case_file))]
pub struct CaseLoadError {
    /// The case file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// The path of the bad field, e.g. `cases[0].steps[1].expect.error`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{field}")]
    span: Option<SourceSpan>,
}

impl CaseLoadError {
    pub(crate) fn new(
        file: &Path,
        text: &str,
        at: Option<Location>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column, span) = match at {
            Some(loc) if loc.line() > 0 => {
                let span = loc.span();
                let span = span.byte_offset().map(|offset| {
                    let len = span.byte_len().unwrap_or(1).max(1);
                    SourceSpan::from((offset as usize, len as usize))
                });
                (loc.line(), loc.column(), span)
            }
            _ => (0, 0, None),
        };
        let mut message = crate::text::clip(message.into(), MAX_MESSAGE);
        let mut span = span;
        let mut text = text;
        // A line too long to show (a generated or minified file, a 70 MB line) is
        // quoted as a short excerpt around the column instead of printed whole.
        if let Some(offset) = span.map(|s| s.offset()) {
            let start = text[..offset.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            if end - start > MAX_SHOWN_LINE {
                let near = crate::text::excerpt(&text[start..end], offset - start, 120);
                message.push_str(&format!(" (near: {near})"));
                span = None;
                text = "";
            }
        }
        CaseLoadError {
            file: file.to_path_buf(),
            line,
            column,
            field: field.into(),
            message,
            src: NamedSource::new(file.display().to_string(), text.to_string()),
            span,
        }
    }
}

fn position(line: u64, column: u64) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(":{l}"),
        (l, c) => format!(":{l}:{c}"),
    }
}

/// Every problem found while loading the cases.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("failed to load the cases: {} error(s)", .0.len())]
pub struct CaseLoadErrors(#[related] pub Vec<CaseLoadError>);

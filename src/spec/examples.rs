//! `specs/<service>/examples.yaml`: values of the service's shapes, each declared valid
//! or not. Checked whenever the specs load, so a broken file or an example that no
//! longer matches its declaration stops `validate` and every run.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::SchemaSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Examples {
    examples: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    shape: String,
    from: String,
    valid: bool,
    value: Value,
}

/// Checks every example of `path` against `schemas`; returns how many there were.
pub fn check(path: &Path, schemas: &SchemaSet) -> Result<usize, String> {
    let text = crate::yaml::read_capped(path, crate::yaml::MAX_INPUT).map_err(|e| e.to_string())?;
    let doc: Examples = serde_saphyr::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        format!("{at}{}", e.without_snippet())
    })?;
    for (i, ex) in doc.examples.iter().enumerate() {
        if !schemas.has(&ex.shape) {
            return Err(format!(
                "examples[{i}].shape: `{}` is not a shape",
                ex.shape
            ));
        }
        let violations = schemas.validate(&ex.shape, &ex.value);
        if violations.is_empty() != ex.valid {
            return Err(format!(
                "examples[{i}] ({}): declared {}valid, but {}",
                ex.from,
                if ex.valid { "" } else { "in" },
                match violations.first() {
                    Some(v) => format!("it breaks the schema: {v}"),
                    None => "it matches the schema".into(),
                }
            ));
        }
    }
    Ok(doc.examples.len())
}

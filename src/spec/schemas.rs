//! Compiled JSON Schemas for every shape of a service.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// One way an instance departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemaViolation {
    /// JSON pointer into the instance.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
    /// A length, pattern, range, item-count or enum constraint: input validation in the
    /// models, which clients do not enforce on output. Type, required members and
    /// formats are not constraints in this sense.
    pub constraint: bool,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// Validators for every `$defs` entry of a service's schema document (draft 2020-12,
/// format checking on).
pub struct SchemaSet {
    /// The document the validators are built from (`$schema` and `$defs`).
    wrapper: Value,
    /// Every shape, compiled in one pass over the document (one validator per shape,
    /// each built from the whole document, took 7 ms of every start-up), when first
    /// needed: a command that validates nothing (`list`) never compiles them, which
    /// was a third of its start-up.
    validators: std::sync::OnceLock<Result<jsonschema::ValidatorMap, String>>,
    /// Every shape, with the pointer its validator is found under: built once, as
    /// building it for every validation cost more than the lookup.
    shapes: BTreeMap<String, String>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet")
            .field("shapes", &self.shapes.keys())
            .finish()
    }
}

impl SchemaSet {
    /// Compiles one validator per shape of `document` now: a schema that does not
    /// compile is an error here.
    pub fn compile(document: &Value) -> Result<Self, String> {
        let set = SchemaSet::deferred(document)?;
        set.compiled()?;
        Ok(set)
    }

    /// Checks the shapes' references now and compiles the validators when one is first
    /// used. For specs already known to compile (the built-in ones, which the test
    /// suite compiles): a schema that does not compile makes every validation report it.
    pub fn deferred(document: &Value) -> Result<Self, String> {
        let defs = document
            .get("$defs")
            .and_then(Value::as_object)
            .ok_or_else(|| "failed to find `$defs` in the schema document".to_string())?;
        for name in defs.keys() {
            // A shape that is only a reference back to itself would accept anything.
            let mut seen = vec![name.as_str()];
            let mut current = name.as_str();
            while let Some(next) = defs
                .get(current)
                .and_then(|d| d.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                if seen.contains(&next) {
                    return Err(format!(
                        "shape `{name}` refers to itself through {}",
                        seen.join(" → ")
                    ));
                }
                seen.push(next);
                current = next;
            }
        }
        let wrapper = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": defs,
        });
        let shapes = defs
            .keys()
            .map(|name| (name.clone(), pointer(name)))
            .collect();
        Ok(SchemaSet {
            wrapper,
            validators: std::sync::OnceLock::new(),
            shapes,
        })
    }

    /// The validators, compiled on the first call.
    fn compiled(&self) -> Result<&jsonschema::ValidatorMap, String> {
        self.validators
            .get_or_init(|| {
                let validators = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build_map(&self.wrapper)
                    .map_err(|e| format!("failed to compile the shapes: {e}"))?;
                if let Some(missing) = self
                    .shapes
                    .iter()
                    .find(|(_, pointer)| !validators.contains_key(pointer))
                    .map(|(name, _)| name)
                {
                    return Err(format!("failed to compile shape `{missing}`"));
                }
                Ok(validators)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Compiles the validators now, if no validation has yet: for a thread that has
    /// nothing else to do while a run starts (a schema that does not compile is
    /// reported by the validation that needs it, as before).
    pub fn warm(&self) {
        let _ = self.compiled();
    }

    /// Whether the set has a shape of this name.
    pub fn has(&self, shape: &str) -> bool {
        self.shapes.contains_key(shape)
    }

    /// Validates `instance` against `shape`; an empty list means it conforms.
    ///
    /// # Panics
    /// Never for shapes checked with [`SchemaSet::has`]; the contract loader checks every
    /// shape the catalog names.
    pub fn validate(&self, shape: &str, instance: &Value) -> Vec<SchemaViolation> {
        let validators = match self.compiled() {
            Ok(validators) => validators,
            Err(message) => {
                return vec![SchemaViolation {
                    pointer: String::new(),
                    message: message.clone(),
                    constraint: false,
                }]
            }
        };
        let Some(validator) = self.shapes.get(shape).and_then(|p| validators.get(p)) else {
            return vec![SchemaViolation {
                pointer: String::new(),
                message: format!("no schema for shape `{shape}`"),
                constraint: false,
            }];
        };
        // Most instances conform, and `is_valid` answers without building the error
        // iterator's state (5 % of the emulator's instructions per request went to
        // validating a `{}`): the errors are gathered only when there are some.
        if validator.is_valid(instance) {
            return Vec::new();
        }
        validator
            .iter_errors(instance)
            .map(|error| SchemaViolation {
                pointer: error.instance_path().to_string(),
                message: clip(error.to_string()),
                constraint: is_constraint(error.kind()),
            })
            .collect()
    }
}

/// The `$ref` of a shape: a URI fragment, escaped as a JSON pointer.
pub(crate) fn pointer(shape: &str) -> String {
    format!("#/$defs/{}", shape.replace('~', "~0").replace('/', "~1"))
}

/// Whether a violation is of a constraint trait (length, pattern, range, enum) rather
/// than of the shape's structure (type, required members, timestamp format).
fn is_constraint(kind: &jsonschema::error::ValidationErrorKind) -> bool {
    use jsonschema::error::ValidationErrorKind as K;
    matches!(
        kind,
        K::MinLength { .. }
            | K::MaxLength { .. }
            | K::Pattern { .. }
            | K::Minimum { .. }
            | K::Maximum { .. }
            | K::ExclusiveMinimum { .. }
            | K::ExclusiveMaximum { .. }
            | K::MinItems { .. }
            | K::MaxItems { .. }
            | K::MultipleOf { .. }
            | K::Enum { .. }
    )
}

/// Violation messages quote the offending value; a 10,000-character value would drown
/// the report.
fn clip(message: String) -> String {
    let total = message.chars().count();
    let clipped = crate::text::clip(message, 300);
    if clipped.chars().count() < total {
        format!("{clipped} ({total} characters in all)")
    } else {
        clipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> SchemaSet {
        SchemaSet::compile(&json!({"$defs": {
            "T": {"type": "string", "format": "date-time"},
            "O": {"type": "object", "required": ["t"], "properties": {"t": {"$ref": "#/$defs/T"}}}
        }}))
        .unwrap()
    }

    #[test]
    fn format_checking_is_on() {
        let s = set();
        assert!(s.validate("T", &json!("2026-01-01T00:00:00Z")).is_empty());
        assert!(s
            .validate("T", &json!("2026-01-01T00:00:00.123+00:00"))
            .is_empty());
        assert_eq!(s.validate("T", &json!("yesterday")).len(), 1);
    }

    #[test]
    fn deferred_sets_compile_on_first_use_and_report_what_does_not() {
        let bad = json!({"$defs": {"S": {"type": "string", "pattern": "(unclosed"}}});
        assert!(SchemaSet::compile(&bad).is_err());
        let deferred = SchemaSet::deferred(&bad).expect("references are fine");
        assert!(deferred.validators.get().is_none(), "nothing compiled yet");
        let v = deferred.validate("S", &json!("x"));
        assert_eq!(v.len(), 1);
        assert!(v[0].message.starts_with("failed to compile"), "{v:?}");
        let good = SchemaSet::deferred(&json!({"$defs": {"T": {"type": "string"}}})).unwrap();
        assert!(good.validate("T", &json!("x")).is_empty());
        assert_eq!(good.validate("T", &json!(1)).len(), 1);
    }

    #[test]
    fn shape_names_are_escaped_as_json_pointers() {
        assert_eq!(pointer("Plain"), "#/$defs/Plain");
        assert_eq!(pointer("a/b~c"), "#/$defs/a~1b~0c");
        assert_eq!(pointer("~1"), "#/$defs/~01");
    }

    #[test]
    fn violations_carry_pointers() {
        let v = set().validate("O", &json!({"t": "nope"}));
        assert_eq!(v[0].pointer, "/t");
        let v = set().validate("O", &json!({}));
        assert!(v[0].message.contains("\"t\""), "{v:?}");
        assert!(!v[0].constraint);
    }

    #[test]
    fn constraints_are_told_from_structure() {
        let s = SchemaSet::compile(&json!({"$defs": {
            "S": {"type": "string", "maxLength": 2, "pattern": "^a"},
            "N": {"type": "integer", "maximum": 3}
        }}))
        .unwrap();
        let v = s.validate("S", &json!("bcd"));
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|v| v.constraint), "{v:?}");
        assert!(s.validate("N", &json!(4))[0].constraint);
        assert!(!s.validate("N", &json!("4"))[0].constraint);
        assert!(!s.validate("S", &json!(1))[0].constraint);
    }
}

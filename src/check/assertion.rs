//! Case assertions on a response body.

use crate::path::PathError;
use crate::template::TemplateError;

/// An assertion the run could not evaluate: a harness error for its case, not a
/// verdict on the target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CheckError {
    /// A variable in an operand or bound could not be filled in.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The path does not parse once its variables are filled in.
    #[error(transparent)]
    Path(#[from] PathError),
}
use serde_json::Value;
use time::OffsetDateTime;

use super::{parse_timestamp, PointerPattern, Violation};
use crate::case::{AssertOp, Assertion, Bound, CountBounds};
use crate::outcome::CheckKind;
use crate::template::Scope;

/// JSON equality that compares numbers by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `actual` holds everything in `expected` (objects: a subset of members).
fn subset(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|w| subset(v, w))),
        _ => json_eq(expected, actual),
    }
}

/// Why `contains` cannot compare (the target's value or the case's needle).
#[derive(Debug, thiserror::Error)]
enum Incomparable {
    /// A string searched for something that is not a string.
    #[error("a string cannot contain {0}")]
    NeedleNotText(Value),
    /// Neither an array nor a string was found.
    #[error("{0} is neither an array nor a string")]
    NotAContainer(&'static str),
}

fn contains(haystack: &Value, needle: &Value) -> Result<bool, Incomparable> {
    match haystack {
        Value::Array(items) => Ok(items.iter().any(|item| subset(needle, item))),
        Value::String(s) => match needle {
            Value::String(n) => Ok(s.contains(n.as_str())),
            other => Err(Incomparable::NeedleNotText(other.clone())),
        },
        other => Err(Incomparable::NotAContainer(kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// Evaluates `assertion` on `body`. `Err` is a harness problem (a variable that did not
/// resolve); violations are contract failures.
pub(crate) fn evaluate(
    assertion: &Assertion,
    body: &Value,
    scope: &Scope,
    step_time: OffsetDateTime,
) -> Result<Vec<Violation>, CheckError> {
    let mut violations = violations(assertion, body, scope, step_time)?;
    let line = (assertion.line > 0).then_some(assertion.line);
    for v in &mut violations {
        v.line = line;
    }
    Ok(violations)
}

/// What `assertion` finds wrong in `body`.
fn violations(
    assertion: &Assertion,
    body: &Value,
    scope: &Scope,
    step_time: OffsetDateTime,
) -> Result<Vec<Violation>, CheckError> {
    let path = PointerPattern::parse_with(&assertion.path, |s| scope.expand_text(s))?;
    // For messages only: the path with its variables filled in.
    let path_text = scope
        .expand_text(&assertion.path)
        .unwrap_or_else(|_| assertion.path.clone());
    let found = path.select(body);
    let at = if path_text.is_empty() {
        "/"
    } else {
        path_text.as_str()
    };
    if let Some(verdict) = on_all(&assertion.op, at, &found, scope)? {
        return Ok(verdict.into_iter().collect());
    }
    if found.is_empty() {
        return Ok(vec![fail(format!(
            "{at}: {} check found nothing at this path",
            assertion.op.name()
        ))]);
    }
    let mut violations = Vec::new();
    for (ptr, value) in found {
        let ptr = if ptr.is_empty() { "/".to_string() } else { ptr };
        violations.extend(on_each(&assertion.op, &ptr, value, scope, step_time)?);
    }
    Ok(violations)
}

fn fail(message: String) -> Violation {
    Violation::new(CheckKind::Assertion, message)
}

/// The operators judged on everything the path matched at once (`None` for the
/// others): exists, absent, count, unique.
fn on_all(
    op: &AssertOp,
    at: &str,
    found: &[(String, &Value)],
    scope: &Scope,
) -> Result<Option<Option<Violation>>, CheckError> {
    Ok(Some(match op {
        AssertOp::Exists => found
            .is_empty()
            .then(|| fail(format!("{at}: expected to exist, found nothing"))),
        AssertOp::Absent => {
            let places: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
            (!places.is_empty()).then(|| {
                fail(format!(
                    "{at}: expected to be absent, found at {}",
                    places.join(", ")
                ))
            })
        }
        AssertOp::Count(bounds) => {
            let bounds = &resolve_bounds(bounds, scope)?;
            let n = found.len() as u64;
            (bounds.min.is_some_and(|m| n < m) || bounds.max.is_some_and(|m| n > m)).then(|| {
                fail(format!(
                    "{at}: matched {n} times, expected {}..{}",
                    show(bounds.min),
                    show(bounds.max)
                ))
            })
        }
        AssertOp::Unique => {
            let mut twice = Vec::new();
            for (i, (ptr, value)) in found.iter().enumerate() {
                if let Some((first, _)) = found[..i].iter().find(|(_, v)| json_eq(v, value)) {
                    twice.push(format!("{ptr} repeats {first} ({value})"));
                }
            }
            (!twice.is_empty())
                .then(|| fail(format!("{at}: values are not unique: {}", twice.join("; "))))
        }
        _ => return Ok(None),
    }))
}

/// The operators judged on each matched value.
fn on_each(
    op: &AssertOp,
    ptr: &str,
    value: &Value,
    scope: &Scope,
    step_time: OffsetDateTime,
) -> Result<Option<Violation>, CheckError> {
    Ok(match op {
        AssertOp::Exists | AssertOp::Absent | AssertOp::Count(_) | AssertOp::Unique => None,
        AssertOp::NotEquals(unexpected) => {
            let unexpected = scope.expand(unexpected)?;
            json_eq(&unexpected, value)
                .then(|| fail(format!("{ptr}: equals {unexpected}, which it must not")))
        }
        AssertOp::Equals(expected) => {
            let expected = scope.expand(expected)?;
            (!json_eq(&expected, value)).then(|| {
                fail(format!("{ptr}: not equal to the expected value"))
                    .diff(pretty(&expected), pretty(value))
            })
        }
        AssertOp::Matches(re) => matches(ptr, value, re),
        AssertOp::Length(bounds) => length(ptr, value, &resolve_bounds(bounds, scope)?),
        AssertOp::Contains(needle) => contains_check(ptr, value, &scope.expand(needle)?, true),
        AssertOp::NotContains(needle) => contains_check(ptr, value, &scope.expand(needle)?, false),
        AssertOp::Range(bounds) => range(ptr, value, bounds),
        AssertOp::Time {
            near,
            offset_secs,
            within,
        } => {
            // `near` is usually a value the target sent (a capture): a bad one is the
            // target's failure, not the harness's.
            let base = if near == "now" {
                Ok(step_time)
            } else {
                parse_timestamp(&scope.expand_str(near)?)
            };
            near_time(ptr, value, near, base, *offset_secs, *within)
        }
    })
}

fn matches(ptr: &str, value: &Value, re: &regex::Regex) -> Option<Violation> {
    match value.as_str() {
        Some(s) if re.is_match(s) => None,
        Some(s) => Some(fail(format!("{ptr}: `{s}` does not match /{re}/"))),
        None => Some(fail(format!(
            "{ptr}: expected a string matching /{re}/, got {}",
            kind(value)
        ))),
    }
}

fn length(ptr: &str, value: &Value, bounds: &Resolved) -> Option<Violation> {
    let len = match value {
        Value::String(s) => s.chars().count() as u64,
        Value::Array(a) => a.len() as u64,
        Value::Object(o) => o.len() as u64,
        _ => return Some(fail(format!("{ptr}: {} has no length", kind(value)))),
    };
    (bounds.min.is_some_and(|m| len < m) || bounds.max.is_some_and(|m| len > m)).then(|| {
        fail(format!(
            "{ptr}: length {len} is outside {}..{}",
            show(bounds.min),
            show(bounds.max)
        ))
    })
}

/// `contains` (`wanted`) or `not_contains` (not `wanted`).
fn contains_check(ptr: &str, value: &Value, needle: &Value, wanted: bool) -> Option<Violation> {
    match (contains(value, needle), wanted) {
        (Ok(true), true) | (Ok(false), false) => None,
        (Ok(false), true) => Some(
            fail(format!("{ptr}: does not contain {needle}")).diff(pretty(needle), pretty(value)),
        ),
        (Ok(true), false) => Some(fail(format!("{ptr}: contains {needle}, which it must not"))),
        (Err(e), _) => Some(fail(format!("{ptr}: {e}"))),
    }
}

fn range(ptr: &str, value: &Value, bounds: &crate::case::NumberBounds) -> Option<Violation> {
    let Some(n) = value.as_f64() else {
        return Some(fail(format!(
            "{ptr}: expected a number, got {}",
            kind(value)
        )));
    };
    (bounds.min.is_some_and(|m| n < m) || bounds.max.is_some_and(|m| n > m)).then(|| {
        fail(format!(
            "{ptr}: {n} is outside {}..{}",
            show(bounds.min),
            show(bounds.max)
        ))
    })
}

fn near_time(
    ptr: &str,
    value: &Value,
    near: &str,
    base: Result<OffsetDateTime, super::time::NotATimestamp>,
    offset_secs: i64,
    within: std::time::Duration,
) -> Option<Violation> {
    let target = base.and_then(|b| {
        b.checked_add(time::Duration::seconds(offset_secs))
            .ok_or_else(|| {
                super::time::NotATimestamp::OutOfRange(format!("{near}{offset_secs:+}s"))
            })
    });
    match (target, parse_timestamp(value)) {
        (Err(e), _) => Some(fail(format!(
            "{ptr}: the time it is compared with, {near}: {e}"
        ))),
        (_, Err(e)) => Some(fail(format!("{ptr}: {e}"))),
        (Ok(target), Ok(actual)) => {
            let off = (actual - target).abs();
            let allowed = time::Duration::try_from(within).unwrap_or(time::Duration::MAX);
            (off > allowed).then(|| {
                fail(format!(
                    "{ptr}: {value} is {off} away from {target}, more than the {within:?} allowed"
                ))
            })
        }
    }
}

/// Count bounds with their `${profile.NAME}` references resolved.
struct Resolved {
    min: Option<u64>,
    max: Option<u64>,
}

/// The number a bound stands for (a `${profile.NAME}` holding something else is a
/// harness problem: the profile is the user's input).
pub(crate) fn resolve_bound(bound: &Bound, scope: &Scope) -> Result<u64, TemplateError> {
    match bound {
        Bound::Fixed(n) => Ok(*n),
        Bound::Var(v) => {
            let value = scope.expand_str(v)?;
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(|| TemplateError::NotANumber {
                    var: v.clone(),
                    value: value.to_string(),
                })
        }
    }
}

fn resolve_bounds(bounds: &CountBounds, scope: &Scope) -> Result<Resolved, TemplateError> {
    let one = |b: &Option<Bound>| b.as_ref().map(|b| resolve_bound(b, scope)).transpose();
    Ok(Resolved {
        min: one(&bounds.min)?,
        max: one(&bounds.max)?,
    })
}

fn show<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::NumberBounds;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn scope() -> Scope {
        Scope {
            run_id: "r".into(),
            case_uid: "c".into(),
            profile: BTreeMap::new(),
            captured: BTreeMap::from([
                ("id".into(), json!("b")),
                ("t".into(), json!("2026-01-01T00:00:00Z")),
            ]),
            generated: Default::default(),
        }
    }

    fn check(path: &str, op: AssertOp, body: &Value) -> usize {
        let a = Assertion {
            path: path.into(),
            line: 7,
            op,
        };
        let found = evaluate(&a, body, &scope(), OffsetDateTime::now_utc()).unwrap();
        assert!(
            found.iter().all(|v| v.line == Some(7)),
            "each names its line"
        );
        found.len()
    }

    #[test]
    fn every_operator_passes_and_fails() {
        let body = json!({"items": [{"id": "a", "n": 1}, {"id": "b", "n": 2, "t": "2026-01-01T01:00:00+01:00"}], "s": "hello"});
        assert_eq!(check("/items/0/n", AssertOp::Equals(json!(1.0)), &body), 0);
        assert_eq!(check("/items/0/n", AssertOp::Equals(json!(2)), &body), 1);
        assert_eq!(check("/items/*/id", AssertOp::Exists, &body), 0);
        assert_eq!(
            check("/items/0/id", AssertOp::NotEquals(json!("b")), &body),
            0
        );
        assert_eq!(
            check("/items/1/id", AssertOp::NotEquals(json!("${id}")), &body),
            1
        );
        let once = CountBounds {
            min: Some(1.into()),
            max: Some(1.into()),
        };
        assert_eq!(
            check("/items/[id=b]", AssertOp::Count(once.clone()), &body),
            0
        );
        assert_eq!(check("/items/*", AssertOp::Count(once.clone()), &body), 1);
        assert_eq!(
            check("/items/[id=z]", AssertOp::Count(once.clone()), &body),
            1
        );
        assert_eq!(check("/items/*/id", AssertOp::Unique, &body), 0);
        let twice = json!({"items": [{"id": "a"}, {"id": "a"}]});
        assert_eq!(check("/items/*/id", AssertOp::Unique, &twice), 1);
        assert_eq!(check("/items/*/secret", AssertOp::Exists, &body), 1);
        assert_eq!(check("/items/*/secret", AssertOp::Absent, &body), 0);
        assert_eq!(check("/items/*/n", AssertOp::Absent, &body), 1);
        assert_eq!(
            check(
                "/s",
                AssertOp::Matches(regex::Regex::new("^h").unwrap()),
                &body
            ),
            0
        );
        assert_eq!(
            check(
                "/s",
                AssertOp::Matches(regex::Regex::new("^x").unwrap()),
                &body
            ),
            1
        );
        assert_eq!(
            check(
                "/items",
                AssertOp::Length(CountBounds {
                    min: Some(2.into()),
                    max: Some(2.into())
                }),
                &body
            ),
            0
        );
        assert_eq!(
            check(
                "/items",
                AssertOp::Length(CountBounds {
                    min: Some(3.into()),
                    max: None
                }),
                &body
            ),
            1
        );
        assert_eq!(
            check("/items", AssertOp::Contains(json!({"id": "${id}"})), &body),
            0
        );
        assert_eq!(
            check("/items", AssertOp::Contains(json!({"id": "z"})), &body),
            1
        );
        assert_eq!(
            check("/items", AssertOp::NotContains(json!({"id": "z"})), &body),
            0
        );
        assert_eq!(
            check("/items", AssertOp::NotContains(json!({"id": "a"})), &body),
            1
        );
        assert_eq!(
            check(
                "/items/*/n",
                AssertOp::Range(NumberBounds {
                    min: Some(1.0),
                    max: Some(2.0)
                }),
                &body
            ),
            0
        );
        assert_eq!(
            check(
                "/items/*/n",
                AssertOp::Range(NumberBounds {
                    min: Some(2.0),
                    max: None
                }),
                &body
            ),
            1
        );
        let near = |within: u64| AssertOp::Time {
            near: "${t}".into(),
            offset_secs: 0,
            within: std::time::Duration::from_secs(within),
        };
        assert_eq!(check("/items/[id=${id}]/t", near(0), &body), 0);
        assert_eq!(
            check(
                "/items/[id=${id}]/t",
                AssertOp::Time {
                    near: "${t}".into(),
                    offset_secs: 7200,
                    within: std::time::Duration::from_secs(60)
                },
                &body
            ),
            1
        );
        assert_eq!(check("/nothing", AssertOp::Equals(json!(1)), &body), 1);
    }
}

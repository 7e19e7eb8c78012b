//! Protocol-level checks every response gets: outcome, status, Content-Type, error type
//! and schema.

use serde_json::Value;

use super::Violation;
use crate::case::Expect;
use crate::outcome::CheckKind;
use crate::spec::{OperationSpec, Service};
use crate::transport::HttpResponse;

/// What the protocol checks found.
#[derive(Debug)]
pub(crate) struct Verdict {
    pub(crate) violations: Vec<Violation>,
    /// The parsed body (`{}` for an empty body, `null` if it is not JSON).
    pub(crate) body: Value,
    /// The outcome was wrong (success for error or the reverse): later steps cannot run.
    pub(crate) fatal: bool,
}

fn media_type(header: &str) -> String {
    header
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Removes object members whose value is `null`, at every depth: the JSON protocols'
/// clients read a null member as an absent one, so a server may write either.
fn drop_null_members(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_null_members(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_null_members).collect()),
        other => other,
    }
}

/// Checks `response` to a call of `op_name` against the contract and `expect`.
pub(crate) fn check_response(
    service: &Service,
    op: &OperationSpec,
    expect: &Expect,
    response: &HttpResponse,
) -> Verdict {
    let codec = crate::codec::of(service.spec.protocol);
    let mut violations = Vec::new();
    if let Some(cap) = response.truncated {
        // Nothing in a body cut short can be judged; the rest was never read.
        violations.push(Violation::new(
            CheckKind::Body,
            format!("the response body is larger than {cap} bytes (--max-body); the rest was discarded unread"),
        ));
        return Verdict {
            violations,
            body: Value::Null,
            fatal: true,
        };
    }
    let empty = response.body.iter().all(u8::is_ascii_whitespace);
    let body = if empty {
        Value::Object(Default::default())
    } else {
        codec
            .decode(&response.body)
            .map(drop_null_members)
            .unwrap_or_else(|e| {
                violations.push(Violation::new(
                    CheckKind::Body,
                    format!("the response body is not JSON: {e}"),
                ));
                Value::Null
            })
    };
    if !empty {
        let want = codec.media_type();
        match response.header("content-type") {
            Some(got) if media_type(got) == want => {}
            got => violations.push(
                Violation::new(
                    CheckKind::ContentType,
                    format!("a JSON body must be sent as {want}"),
                )
                .diff(want, got.unwrap_or("(no Content-Type)")),
            ),
        }
    }
    let status = response.status;
    let succeeded = (200..300).contains(&status);
    let actual_type = (!succeeded)
        .then(|| codec.error_type(&response.headers, &body))
        .flatten();
    let message = body
        .get(&service.spec.message_member)
        .or_else(|| body.get("message"))
        .or_else(|| body.get("Message"))
        .and_then(Value::as_str)
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    let actual = if succeeded {
        format!("success (HTTP {status})")
    } else {
        format!(
            "{} (HTTP {status}){message}",
            actual_type.as_deref().unwrap_or("an error with no type")
        )
    };
    let mut fatal = false;
    let mut schema_shape: Option<&str> = None;
    match expect {
        Expect::Success if !succeeded => {
            let expected = format!("success (HTTP {})", op.http.status);
            violations.push(
                Violation::new(
                    CheckKind::Outcome,
                    format!("expected {expected}, got {actual}"),
                )
                .diff(expected, actual),
            );
            fatal = true;
        }
        Expect::Success => {
            if status != op.http.status {
                violations.push(
                    Violation::new(
                        CheckKind::Status,
                        format!("success must be HTTP {}, got {status}", op.http.status),
                    )
                    .diff(op.http.status.to_string(), status.to_string()),
                );
            }
            schema_shape = Some(&op.output);
        }
        Expect::Error(name) => {
            let want_status = service
                .spec
                .errors
                .get(name)
                .map(|e| e.status)
                .unwrap_or(400);
            let expected = format!("{name} (HTTP {want_status})");
            if succeeded {
                violations.push(
                    Violation::new(
                        CheckKind::Outcome,
                        format!("expected {expected}, got {actual}"),
                    )
                    .diff(expected, actual),
                );
                fatal = true;
            } else {
                match &actual_type {
                    None => violations.push(
                        Violation::new(
                            CheckKind::ErrorType,
                            "no error type in X-Amzn-Errortype, __type or code",
                        )
                        .diff(name.as_str(), "(none)"),
                    ),
                    Some(t) if t != name => violations.push(
                        Violation::new(
                            CheckKind::ErrorType,
                            format!("expected error type {name}, got {t}"),
                        )
                        .diff(name.as_str(), t.as_str()),
                    ),
                    Some(_) => {}
                }
                if status != want_status {
                    violations.push(
                        Violation::new(
                            CheckKind::Status,
                            format!("{name} must be HTTP {want_status}, got {status}"),
                        )
                        .diff(want_status.to_string(), status.to_string()),
                    );
                }
            }
        }
        Expect::ClientError => {
            if !(400..500).contains(&status) {
                let expected = "a client error (HTTP 4xx)".to_string();
                violations.push(
                    Violation::new(
                        CheckKind::Outcome,
                        format!("expected {expected}, got {actual}"),
                    )
                    .diff(expected, actual),
                );
                fatal = succeeded;
            }
        }
    }
    if !succeeded {
        // Whatever error came, a modelled one must have its modelled shape.
        schema_shape = actual_type
            .as_deref()
            .filter(|t| service.spec.errors.contains_key(*t));
    }
    if let (Some(shape), false) = (schema_shape, body.is_null()) {
        for v in service.schemas.validate(shape, &body) {
            let violation = Violation::new(CheckKind::Schema, format!("{shape}: {v}"));
            // Constraint traits validate input; on output they are only implied.
            violations.push(if v.constraint {
                violation.should()
            } else {
                violation
            });
        }
    }
    Verdict {
        violations,
        body,
        fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_members_read_as_absent() {
        let v = drop_null_members(json!({"a": null, "b": [{"c": null, "d": 1}, null]}));
        assert_eq!(v, json!({"b": [{"d": 1}, null]}));
    }
}

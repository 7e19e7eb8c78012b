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
    let body = read_body(codec, service, op, response, &mut violations);
    let succeeded = (200..300).contains(&response.status);
    let answer = Answer {
        status: response.status,
        succeeded,
        error_type: (!succeeded)
            .then(|| codec.error_type(&response.headers, &body))
            .flatten(),
        text: String::new(),
    }
    .described(service, &body);
    let (fatal, mut schema_shape) = check_outcome(service, op, expect, &answer, &mut violations);
    if !succeeded {
        // Whatever error came, a modelled one must have its modelled shape.
        schema_shape = answer
            .error_type
            .as_deref()
            .filter(|t| service.spec.errors.contains_key(*t));
    }
    if let (Some(shape), false) = (schema_shape, body.is_null()) {
        check_schema(service, shape, &body, &mut violations);
    }
    Verdict {
        violations,
        body,
        fatal,
    }
}

/// What came back, as the checks see it.
struct Answer {
    status: u16,
    succeeded: bool,
    error_type: Option<String>,
    /// For messages: `success (HTTP 201)` or `ErrorType (HTTP 404): message`.
    text: String,
}

impl Answer {
    fn described(mut self, service: &Service, body: &Value) -> Answer {
        let status = self.status;
        let message = body
            .get(&service.spec.message_member)
            .or_else(|| body.get("message"))
            .or_else(|| body.get("Message"))
            .and_then(Value::as_str)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        self.text = if self.succeeded {
            format!("success (HTTP {status})")
        } else {
            format!(
                "{} (HTTP {status}){message}",
                self.error_type
                    .as_deref()
                    .unwrap_or("an error with no type")
            )
        };
        self
    }
}

/// The body decoded (an empty one reads as `{}`), and its media type checked.
fn read_body(
    codec: &dyn crate::codec::Codec,
    service: &Service,
    op: &OperationSpec,
    response: &HttpResponse,
    violations: &mut Vec<Violation>,
) -> Value {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(Default::default());
    }
    let format = codec.format().name();
    let body = codec
        .decode_answer(&service.shapes, &op.output, &response.body)
        .map(drop_null_members)
        .unwrap_or_else(|e| {
            violations.push(Violation::new(
                CheckKind::Body,
                format!("the response body is not {format}: {e}"),
            ));
            Value::Null
        });
    let allowed = codec.answer_media_types();
    match response.header("content-type") {
        Some(got) if allowed.contains(&media_type(got).as_str()) => {}
        got => violations.push(
            Violation::new(
                CheckKind::ContentType,
                format!(
                    "{} {format} body must be sent as {}",
                    article(format),
                    allowed.join(" or ")
                ),
            )
            .diff(allowed[0], got.unwrap_or("(no Content-Type)")),
        ),
    }
    body
}

/// `a` or `an` before a format's name, as it is read aloud: an acronym by its first
/// letter's name (`an XML body`, `a JSON body`), a word by its first letter.
fn article(name: &str) -> &'static str {
    let acronym = name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase());
    let first = name.chars().next().unwrap_or('x').to_ascii_uppercase();
    let vowel_sound = if acronym {
        "AEFHILMNORSX".contains(first)
    } else {
        "AEIOU".contains(first)
    };
    if vowel_sound {
        "an"
    } else {
        "a"
    }
}

/// Success or error as expected, with the modelled status and error type. Returns
/// whether the step cannot go on, and the shape a success body must have.
fn check_outcome<'s>(
    service: &Service,
    op: &'s OperationSpec,
    expect: &Expect,
    answer: &Answer,
    violations: &mut Vec<Violation>,
) -> (bool, Option<&'s str>) {
    let status = answer.status;
    let outcome = |expected: String| {
        Violation::new(
            CheckKind::Outcome,
            format!("expected {expected}, got {}", answer.text),
        )
        .diff(expected, answer.text.clone())
    };
    match expect {
        Expect::Success if !answer.succeeded => {
            violations.push(outcome(format!("success (HTTP {})", op.http.status)));
            (true, None)
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
            (false, Some(op.output.as_str()))
        }
        Expect::Error(name) => {
            let want_status = service
                .spec
                .errors
                .get(name)
                .map(|e| e.status)
                .unwrap_or(400);
            if answer.succeeded {
                violations.push(outcome(format!("{name} (HTTP {want_status})")));
                return (true, None);
            }
            check_error(name, want_status, answer, violations);
            (false, None)
        }
        Expect::ClientError => {
            let fatal = !(400..500).contains(&status);
            if fatal {
                violations.push(outcome("a client error (HTTP 4xx)".to_string()));
            }
            (fatal && answer.succeeded, None)
        }
    }
}

/// An error answer has the expected type and its modelled status.
fn check_error(name: &str, want_status: u16, answer: &Answer, violations: &mut Vec<Violation>) {
    match &answer.error_type {
        None => violations.push(
            Violation::new(
                CheckKind::ErrorType,
                "no error type in X-Amzn-Errortype, __type or code",
            )
            .diff(name, "(none)"),
        ),
        Some(t) if t != name => violations.push(
            Violation::new(
                CheckKind::ErrorType,
                format!("expected error type {name}, got {t}"),
            )
            .diff(name, t.as_str()),
        ),
        Some(_) => {}
    }
    let status = answer.status;
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

/// The body against its shape; constraint traits validate input, so on output they
/// are only implied (should).
fn check_schema(service: &Service, shape: &str, body: &Value, violations: &mut Vec<Violation>) {
    for v in service.schemas.validate(shape, body) {
        let violation = Violation::new(CheckKind::Schema, format!("{shape}: {v}"));
        violations.push(if v.constraint {
            violation.should()
        } else {
            violation
        });
    }
}

#[cfg(test)]
mod article_tests {
    #[test]
    fn articles_follow_how_names_are_read() {
        assert_eq!(super::article("XML"), "an");
        assert_eq!(super::article("JSON"), "a");
        assert_eq!(super::article("form"), "a");
        assert_eq!(super::article("object"), "an");
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

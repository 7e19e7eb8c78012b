//! Reading the error type off the wire, as the AWS SDKs do for the JSON protocols.

use serde_json::Value;

/// `X-Amzn-Errortype` header first, then the body's `__type`, then `code`; sanitized.
pub(super) fn error_type(header: Option<&str>, body: &Value) -> Option<String> {
    let raw = header
        .filter(|h| !h.trim().is_empty())
        .map(str::to_string)
        .or_else(|| {
            body.get("__type")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| body.get("code").and_then(Value::as_str).map(str::to_string))?;
    Some(sanitize_error_type(&raw))
}

/// Drops everything from the first `:` (a URL suffix), then everything up to and
/// including a `#` (a namespace).
pub(super) fn sanitize_error_type(raw: &str) -> String {
    let no_url = raw.split(':').next().unwrap_or(raw);
    let name = no_url.rsplit('#').next().unwrap_or(no_url);
    name.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sanitizes_like_the_sdks() {
        assert_eq!(
            sanitize_error_type(
                "com.amazonaws.workmail#EntityNotFoundException:http://internal.amazon.com/"
            ),
            "EntityNotFoundException"
        );
        assert_eq!(
            sanitize_error_type("ValidationException"),
            "ValidationException"
        );
        assert_eq!(sanitize_error_type("aws.foo#Bar"), "Bar");
    }

    #[test]
    fn header_wins_over_body() {
        let body = json!({"__type": "A", "code": "B"});
        assert_eq!(error_type(Some("H:http://x"), &body).as_deref(), Some("H"));
        assert_eq!(error_type(None, &body).as_deref(), Some("A"));
        assert_eq!(
            error_type(None, &json!({"code": "B"})).as_deref(),
            Some("B")
        );
        assert_eq!(error_type(None, &json!({})), None);
    }
}

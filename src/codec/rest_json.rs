//! restJson1: the operation's own method and path, labels in the path, members in a
//! JSON body; the error type in `X-Amzn-Errortype`.

use std::collections::BTreeMap;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use super::{json_body, message_body, Codec, Encoded, WireError};
use crate::spec::{OperationSpec, ServiceSpec};

/// RFC 3986 unreserved characters stay; everything else in a label is encoded.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(super) struct RestJson1;

impl Codec for RestJson1 {
    fn media_type(&self) -> &'static str {
        "application/json"
    }

    fn encode(
        &self,
        _service: &ServiceSpec,
        _op_name: &str,
        op: &OperationSpec,
        mut members: Map<String, Value>,
    ) -> Result<Encoded, String> {
        let mut path = op.http.path.clone();
        for label in op.http.labels() {
            let value = match members.remove(label) {
                Some(Value::String(s)) => s,
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let encoded = utf8_percent_encode(&value, LABEL).to_string();
            path = path.replace(&format!("{{{label}}}"), &encoded);
        }
        let has_body =
            !members.is_empty() || !matches!(op.http.method.as_str(), "GET" | "DELETE" | "HEAD");
        let mut headers = Vec::new();
        let body = if has_body {
            headers.push(("content-type".into(), self.media_type().into()));
            json_body(members)?
        } else {
            Vec::new()
        };
        Ok(Encoded {
            method: op.http.method.clone(),
            path,
            headers,
            body,
        })
    }

    fn route(
        &self,
        _service: &ServiceSpec,
        _op_name: &str,
        op: &OperationSpec,
        method: &str,
        path: &str,
        _headers: &http::HeaderMap,
    ) -> Option<BTreeMap<String, String>> {
        (method == op.http.method)
            .then(|| match_path(&op.http.path, path))
            .flatten()
    }

    fn unreadable_body(&self, service: &ServiceSpec) -> WireError {
        WireError {
            name: service.validation_error.clone(),
            status: None,
        }
    }

    fn unsupported_media_type(&self, _service: &ServiceSpec) -> WireError {
        WireError {
            name: "UnsupportedMediaTypeException".into(),
            status: Some(415),
        }
    }

    fn error_answer(
        &self,
        service: &ServiceSpec,
        name: &str,
        message: &str,
    ) -> (Vec<(String, String)>, Value) {
        (
            vec![("x-amzn-errortype".into(), name.to_string())],
            Value::Object(message_body(service, message)),
        )
    }
}

/// Matches `/v1/accessTokens/{id}` against a path, returning the decoded labels.
fn match_path(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut labels = BTreeMap::new();
    for (ts, ps) in t.iter().zip(&p) {
        match ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(label) if !ps.is_empty() => {
                labels.insert(
                    label.to_string(),
                    percent_decode_str(ps).decode_utf8_lossy().into_owned(),
                );
            }
            Some(_) => return None,
            None if ts != ps => return None,
            None => {}
        }
    }
    Some(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates_and_decode_labels() {
        let l = match_path("/v1/accessTokens/{id}", "/v1/accessTokens/a%20b").unwrap();
        assert_eq!(l["id"], "a b");
        assert!(match_path("/v1/accessTokens/{id}", "/v1/accessTokens/").is_none());
        assert!(match_path("/v1/accessTokens", "/v1/accessTokens")
            .unwrap()
            .is_empty());
        assert!(match_path("/v1/accessTokens", "/v2/accessTokens").is_none());
    }
}

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

    fn answer_media_types(&self) -> &'static [&'static str] {
        &["application/json"]
    }

    fn encode(
        &self,
        _service: &ServiceSpec,
        _op_name: &str,
        op: &OperationSpec,
        mut members: Map<String, Value>,
    ) -> Result<Encoded, super::EncodeError> {
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
        let mut query = Vec::new();
        for (member, name) in &op.http.query {
            for text in members.remove(member).iter().flat_map(texts) {
                let (k, v) = (
                    utf8_percent_encode(name, LABEL),
                    utf8_percent_encode(&text, LABEL),
                );
                query.push(format!("{k}={v}"));
            }
        }
        if !query.is_empty() {
            path.push('?');
            path.push_str(&query.join("&"));
        }
        let mut headers = Vec::new();
        for (member, name) in &op.http.headers {
            if let Some(v) = members.remove(member) {
                headers.push((name.to_ascii_lowercase(), texts(&v).join(",")));
            }
        }
        let has_body =
            !members.is_empty() || !matches!(op.http.method.as_str(), "GET" | "DELETE" | "HEAD");
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
        _body: &[u8],
    ) -> Option<BTreeMap<String, String>> {
        (method == op.http.method)
            .then(|| match_path(&op.http.path, path))
            .flatten()
    }

    fn bound_input(
        &self,
        op: &OperationSpec,
        query: Option<&str>,
        headers: &http::HeaderMap,
        _body: &[u8],
    ) -> Map<String, Value> {
        let pairs: Vec<(String, String)> = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                let decode = |s: &str| {
                    percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (decode(k), decode(v))
            })
            .collect();
        let mut input = Map::new();
        for (member, name) in &op.http.query {
            let values: Vec<Value> = pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| Value::String(v.clone()))
                .collect();
            match values.len() {
                0 => {}
                1 => {
                    input.insert(member.clone(), values[0].clone());
                }
                _ => {
                    input.insert(member.clone(), Value::Array(values));
                }
            }
        }
        for (member, name) in &op.http.headers {
            let name = name.to_ascii_lowercase();
            if let Some(v) = headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
                input.insert(member.clone(), Value::String(v.to_string()));
            }
        }
        input
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
    ) -> (Vec<(String, String)>, Vec<u8>) {
        (
            vec![("x-amzn-errortype".into(), name.to_string())],
            Value::Object(message_body(service, message))
                .to_string()
                .into_bytes(),
        )
    }
}

/// A member's value as query or header text: strings as they are, lists element by
/// element, other values as JSON.
fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::Null => vec![],
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(texts).collect(),
        other => vec![other.to_string()],
    }
}

/// Matches `/v1/accessTokens/{id}` against a path, returning the decoded labels.
fn match_path(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    // The emulator tries every operation's template against every request: a template
    // without labels is compared whole, and one with labels segment by segment,
    // without collecting either side.
    let (template, path) = (template.trim_end_matches('/'), path.trim_end_matches('/'));
    if !template.as_bytes().contains(&b'{') {
        return (template == path).then(BTreeMap::new);
    }
    let mut t = template.split('/');
    let mut p = path.split('/');
    let mut labels = BTreeMap::new();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(labels),
            (Some(ts), Some(ps)) => match ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(label) if !ps.is_empty() => {
                    labels.insert(
                        label.to_string(),
                        percent_decode_str(ps).decode_utf8_lossy().into_owned(),
                    );
                }
                Some(_) => return None,
                None if ts != ps => return None,
                None => {}
            },
            _ => return None,
        }
    }
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

#[cfg(test)]
mod binding_tests {
    use super::*;
    use crate::spec::HttpBinding;
    use serde_json::json;

    fn op() -> OperationSpec {
        serde_json::from_value(json!({
            "document": "d", "input": "I", "output": "O", "errors": [],
            "http": {"method": "GET", "path": "/v1/things/{id}", "status": 200,
                "query": {"maxResults": "max-results", "tags": "tag"},
                "headers": {"clientToken": "X-Client-Token"}}
        }))
        .unwrap()
    }

    #[test]
    fn query_and_header_members_round_trip() {
        let op = op();
        let _: &HttpBinding = &op.http;
        let service: ServiceSpec = serde_json::from_value(json!({
            "service": "s", "title": "t", "api_version": "v", "protocol": "restJson1",
            "auth": {"scheme": "bearer"}, "signing_name": "s",
            "endpoint": {"env": "E", "default": "d"}, "schemas": "x",
            "message_member": "message", "validation_error": "V",
            "errors": {}, "operations": {}
        }))
        .unwrap();
        let members =
            json!({"id": "a b", "maxResults": 5, "tags": ["x&y", "z"], "clientToken": "c-1"});
        let Value::Object(members) = members else {
            unreachable!()
        };
        let e = RestJson1.encode(&service, "Get", &op, members).unwrap();
        assert_eq!(e.path, "/v1/things/a%20b?max-results=5&tag=x%26y&tag=z");
        assert!(e.headers.contains(&("x-client-token".into(), "c-1".into())));
        assert!(e.body.is_empty(), "every member left the body");
        let mut headers = http::HeaderMap::new();
        headers.insert("x-client-token", "c-1".parse().unwrap());
        let bound =
            RestJson1.bound_input(&op, e.path.split_once('?').map(|(_, q)| q), &headers, &[]);
        assert_eq!(
            Value::Object(bound),
            json!({"maxResults": "5", "tags": ["x&y", "z"], "clientToken": "c-1"})
        );
    }
}

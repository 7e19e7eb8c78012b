//! awsQuery (IAM, STS, …): every call is `POST /` with a form body naming its
//! operation (`Action=<Operation>&Version=<api version>`) and the members flattened
//! (`List.member.1`, `Struct.Member`); answers are XML,
//! `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…</ResponseMetadata></OpResponse>`,
//! errors `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
//! with the error's code (not its shape name) in `Code`.
//!
//! Answers are read into JSON documents by the operation's output shape (`xml.rs`), so
//! the same schemas, assertions and paths serve every protocol: a success is the
//! members of `<OpResult>`, an error is `{Type, Code, Message, RequestId}` and the
//! members `<Error>` carries besides.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::xml::{self, Element};
use super::{Codec, DecodeError, Encoded, WireError};
use crate::spec::{OperationSpec, ServiceSpec};

/// awsQuery.
pub(super) struct AwsQuery;

/// The media type of awsQuery requests.
const FORM: &str = "application/x-www-form-urlencoded";

/// Members flattened into form pairs, as the AWS SDKs serialize them.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (name, v) in map {
                flatten(&join(prefix, name), v, out);
            }
        }
        // An empty list is sent as the bare member name.
        Value::Array(items) if items.is_empty() => out.push((prefix.to_string(), String::new())),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&join(prefix, &format!("member.{}", i + 1)), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The pairs of a form body.
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The error document of an `<ErrorResponse>` (or a bare `<Error>`).
fn error_document(root: &Element) -> Value {
    let error = root.child("Error").unwrap_or(root);
    let mut doc = Map::new();
    for child in &error.children {
        doc.insert(child.name.clone(), Value::String(child.text.clone()));
    }
    if let Some(id) = root.child("RequestId") {
        doc.insert("RequestId".into(), Value::String(id.text.clone()));
    }
    Value::Object(doc)
}

/// An answer read as a document: the error, or the `<…Result>` members by `schema`.
fn document(
    body: &[u8],
    schema: Option<&Value>,
    shapes: &Map<String, Value>,
) -> Result<Value, DecodeError> {
    let root = xml::parse(body)?;
    if root.name == "ErrorResponse" || root.name == "Error" {
        return Ok(error_document(&root));
    }
    // An HTML page from a proxy, or any other document, is not an answer.
    if !root.name.ends_with("Response") {
        return Err(DecodeError(format!(
            "the root element is <{}>, not an <…Response> or <ErrorResponse>",
            root.name
        )));
    }
    match root.children.iter().find(|c| c.name.ends_with("Result")) {
        Some(result) => Ok(match xml::to_json(result, schema, shapes) {
            // A result with no members reads as an empty object, not as text.
            Value::String(s) if s.trim().is_empty() => Value::Object(Map::new()),
            other => other,
        }),
        None => Ok(Value::Object(Map::new())),
    }
}

impl Codec for AwsQuery {
    fn media_type(&self) -> &'static str {
        FORM
    }

    fn answer_media_types(&self) -> &'static [&'static str] {
        &["text/xml", "application/xml"]
    }

    fn encode(
        &self,
        service: &ServiceSpec,
        op_name: &str,
        _op: &OperationSpec,
        members: Map<String, Value>,
    ) -> Result<Encoded, super::EncodeError> {
        let mut fields = vec![
            ("Action".to_string(), op_name.to_string()),
            ("Version".to_string(), service.api_version.clone()),
        ];
        flatten("", &Value::Object(members), &mut fields);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        Ok(Encoded {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("content-type".into(), format!("{FORM}; charset=utf-8"))],
            body: body.into_bytes(),
        })
    }

    fn route(
        &self,
        _service: &ServiceSpec,
        op_name: &str,
        _op: &OperationSpec,
        method: &str,
        path: &str,
        _headers: &http::HeaderMap,
        body: &[u8],
    ) -> Option<BTreeMap<String, String>> {
        if method != "POST" || path != "/" {
            return None;
        }
        pairs(body)
            .iter()
            .any(|(k, v)| k == "Action" && v == op_name)
            .then(BTreeMap::new)
    }

    /// Every member is in the form body, as text; the server reads it by the schema.
    fn bound_input(
        &self,
        _op: &OperationSpec,
        _query: Option<&str>,
        _headers: &http::HeaderMap,
        body: &[u8],
    ) -> Map<String, Value> {
        pairs(body)
            .into_iter()
            .filter(|(k, _)| k != "Action" && k != "Version")
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    }

    fn decode_request(&self, _body: &[u8]) -> Result<Value, DecodeError> {
        // The members come from `bound_input`; a form body always reads.
        Ok(Value::Object(Map::new()))
    }

    fn unreadable_body(&self, _service: &ServiceSpec) -> WireError {
        WireError {
            name: "MalformedQueryString".into(),
            status: Some(400),
        }
    }

    fn unsupported_media_type(&self, _service: &ServiceSpec) -> WireError {
        WireError {
            name: "MissingAction".into(),
            status: Some(400),
        }
    }

    fn decode(&self, body: &[u8]) -> Result<Value, DecodeError> {
        document(body, None, &Map::new())
    }

    fn decode_answer(
        &self,
        shapes: &Map<String, Value>,
        output: &str,
        body: &[u8],
    ) -> Result<Value, DecodeError> {
        let schema = serde_json::json!({ "$ref": crate::spec::shape_ref(output) });
        document(body, Some(&schema), shapes)
    }

    fn request_format_name(&self) -> &'static str {
        "form"
    }

    fn format(&self) -> &'static dyn super::BodyFormat {
        &xml::Xml
    }

    fn error_type(&self, _headers: &[(String, String)], body: &Value) -> Option<String> {
        body.get("Code")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    }

    fn write_answer(&self, service: &ServiceSpec, op_name: &str, doc: &Value) -> Vec<u8> {
        let ns = xml_namespace(service);
        let mut out = format!("<{op_name}Response xmlns=\"{ns}\">");
        if doc.as_object().is_some_and(|m| !m.is_empty()) {
            out.push_str(&format!("<{op_name}Result>"));
            xml::write_members(&mut out, doc);
            out.push_str(&format!("</{op_name}Result>"));
        }
        out.push_str(&format!(
            "<ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{op_name}Response>",
            uuid::Uuid::new_v4()
        ));
        out.into_bytes()
    }

    fn error_answer(
        &self,
        service: &ServiceSpec,
        name: &str,
        message: &str,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let ns = xml_namespace(service);
        let mut out = format!("<ErrorResponse xmlns=\"{ns}\"><Error><Type>Sender</Type>");
        xml::write_members(
            &mut out,
            &serde_json::json!({"Code": name, "Message": message}),
        );
        out.push_str(&format!(
            "</Error><RequestId>{}</RequestId></ErrorResponse>",
            uuid::Uuid::new_v4()
        ));
        (Vec::new(), out.into_bytes())
    }
}

/// The namespace of the service's answers (`https://iam.amazonaws.com/doc/2010-05-08/`).
fn xml_namespace(service: &ServiceSpec) -> String {
    service.xml_namespace.clone().unwrap_or_else(|| {
        format!(
            "https://{}.amazonaws.com/doc/{}/",
            service.signing_name, service.api_version
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_flatten_as_the_sdks_send_them() {
        let mut out = Vec::new();
        flatten(
            "",
            &json!({"A": "x y", "N": 5, "B": true, "L": ["p", "q"], "E": [], "S": {"T": 1}}),
            &mut out,
        );
        let text: Vec<String> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text,
            [
                "A=x y",
                "B=true",
                "E=",
                "L.member.1=p",
                "L.member.2=q",
                "N=5",
                "S.T=1"
            ]
        );
    }

    #[test]
    fn errors_read_as_their_code() {
        let body = br#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>no user</Message></Error>
  <RequestId>r-1</RequestId></ErrorResponse>"#;
        let doc = AwsQuery.decode(body).unwrap();
        assert_eq!(
            doc,
            json!({"Type": "Sender", "Code": "NoSuchEntity", "Message": "no user", "RequestId": "r-1"})
        );
        assert_eq!(
            AwsQuery.error_type(&[], &doc).as_deref(),
            Some("NoSuchEntity")
        );
        let empty = AwsQuery
            .decode(b"<DeleteXResponse><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DeleteXResponse>")
            .unwrap();
        assert_eq!(empty, json!({}));
        let page = AwsQuery.decode(b"<html><body>Bad gateway</body></html>");
        assert!(page.is_err_and(|e| e.0.contains("<html>")));
    }
}

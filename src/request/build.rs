//! Building a request from logical input, through the service's wire codec.

use serde_json::{Map, Value};

use super::HttpRequest;
use crate::spec::{OperationSpec, ServiceSpec};

/// Builds the unauthenticated request for `input` (already expanded).
pub(crate) fn build(
    service: &ServiceSpec,
    op_name: &str,
    op: &OperationSpec,
    endpoint: &str,
    input: &Value,
) -> Result<HttpRequest, crate::codec::EncodeError> {
    let members: Map<String, Value> = match input {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(crate::codec::EncodeError::NotAnObject),
    };
    let encoded = crate::codec::of(service.protocol).encode(service, op_name, op, members)?;
    let mut headers = vec![(
        "user-agent".to_string(),
        format!("pat-conformance/{}", env!("CARGO_PKG_VERSION")),
    )];
    headers.extend(encoded.headers);
    Ok(HttpRequest {
        method: encoded.method,
        url: format!("{}{}", endpoint.trim_end_matches('/'), encoded.path),
        headers,
        body: encoded.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::HttpBinding;
    use serde_json::json;

    fn op(method: &str, path: &str) -> OperationSpec {
        OperationSpec {
            document: String::new(),
            http: HttpBinding {
                method: method.into(),
                path: path.into(),
                status: 200,
                query: Default::default(),
                headers: Default::default(),
            },
            input: "I".into(),
            output: "O".into(),
            sensitive: vec![],
            creates: None,
            paginator: None,
            idempotent: false,
            errors: vec![],
            behaviours: Default::default(),
            generate: Default::default(),
        }
    }

    fn service(protocol: &str) -> ServiceSpec {
        serde_saphyr::from_str(&format!(
            "service: s\ntitle: t\napi_version: v\nprotocol: {protocol}\ntarget_prefix: Svc\nauth: {{scheme: bearer}}\nsigning_name: s\nendpoint: {{env: E, default: d}}\nschemas: x\nmessage_member: message\nvalidation_error: V\nerrors: {{}}\noperations: {{}}\n"
        ))
        .unwrap()
    }

    #[test]
    fn rest_json_labels_are_encoded_and_left_out_of_the_body() {
        let req = build(
            &service("restJson1"),
            "Del",
            &op("DELETE", "/v1/t/{id}"),
            "http://h/",
            &json!({"id": "a b/ü"}),
        )
        .unwrap();
        assert_eq!(req.url, "http://h/v1/t/a%20b%2F%C3%BC");
        assert!(req.body.is_empty());
        let req = build(
            &service("restJson1"),
            "Put",
            &op("PUT", "/v1/t"),
            "http://h",
            &json!({"name": "n"}),
        )
        .unwrap();
        assert_eq!(req.body, br#"{"name":"n"}"#);
        assert!(req
            .headers
            .contains(&("content-type".into(), "application/json".into())));
    }

    #[test]
    fn aws_json_posts_to_root_with_target() {
        let req = build(
            &service("awsJson1_1"),
            "List",
            &op("POST", "/"),
            "http://h",
            &json!({}),
        )
        .unwrap();
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("POST", "http://h/")
        );
        assert!(req
            .headers
            .contains(&("x-amz-target".into(), "Svc.List".into())));
        assert!(req
            .headers
            .contains(&("content-type".into(), "application/x-amz-json-1.1".into())));
        assert_eq!(req.body, b"{}");
    }
}

//! awsJson1_0 and awsJson1_1: every call is `POST /` naming its operation in
//! `X-Amz-Target`, members in an `application/x-amz-json-1.x` body; the error type in
//! the body's `__type`. The two versions differ only in the media type.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{json_body, message_body, Codec, Encoded, WireError};
use crate::spec::{OperationSpec, ServiceSpec};

/// awsJson of one version.
pub(super) struct AwsJson {
    media_type: &'static str,
    answer_media_types: &'static [&'static str],
}

/// awsJson1_0 (DynamoDB, SQS, …).
pub(super) const AWS_JSON_1_0: AwsJson = AwsJson {
    media_type: "application/x-amz-json-1.0",
    answer_media_types: &["application/x-amz-json-1.0"],
};

/// awsJson1_1 (WorkMail, …).
pub(super) const AWS_JSON_1_1: AwsJson = AwsJson {
    media_type: "application/x-amz-json-1.1",
    answer_media_types: &["application/x-amz-json-1.1"],
};

impl Codec for AwsJson {
    fn media_type(&self) -> &'static str {
        self.media_type
    }

    fn answer_media_types(&self) -> &'static [&'static str] {
        self.answer_media_types
    }

    fn encode(
        &self,
        service: &ServiceSpec,
        op_name: &str,
        _op: &OperationSpec,
        members: Map<String, Value>,
    ) -> Result<Encoded, super::EncodeError> {
        let target = service
            .target(op_name)
            .ok_or_else(|| super::EncodeError::NoTarget(op_name.to_string()))?;
        Ok(Encoded {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![
                ("x-amz-target".into(), target),
                ("content-type".into(), self.media_type().into()),
            ],
            body: json_body(members)?,
        })
    }

    fn route(
        &self,
        service: &ServiceSpec,
        op_name: &str,
        _op: &OperationSpec,
        method: &str,
        path: &str,
        headers: &http::HeaderMap,
        _body: &[u8],
    ) -> Option<BTreeMap<String, String>> {
        static TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");
        let target = headers.get(&TARGET).and_then(|v| v.to_str().ok());
        (method == "POST" && path == "/" && target.is_some_and(|t| service.is_target(t, op_name)))
            .then(BTreeMap::new)
    }

    fn unreadable_body(&self, _service: &ServiceSpec) -> WireError {
        WireError {
            name: "SerializationException".into(),
            status: Some(400),
        }
    }

    fn unsupported_media_type(&self, service: &ServiceSpec) -> WireError {
        self.unreadable_body(service)
    }

    fn error_answer(
        &self,
        service: &ServiceSpec,
        name: &str,
        message: &str,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let mut body = message_body(service, message);
        body.insert("__type".into(), Value::String(name.to_string()));
        (Vec::new(), Value::Object(body).to_string().into_bytes())
    }
}

//! Wire protocols as one seam: a [`Codec`] per protocol turns a logical input into a
//! request, tells a server which operation a request calls, renders an error answer,
//! and names the media type. The request builder, the checks, the generated cases and
//! the emulator all go through it; [`Protocol`] only picks the codec. A new protocol is
//! one file here plus one enum variant (and a body format when its answers are not
//! JSON: `xml.rs` for awsQuery).

mod aws_json;
mod aws_query;
mod encode_error;
mod error_type;
mod format;
mod rest_json;
mod xml;

pub(crate) use encode_error::{DecodeError, EncodeError};
use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub(crate) use format::{BodyFormat, Json};

use crate::spec::{OperationSpec, Protocol, ServiceSpec};

/// A request before authentication, relative to the endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    /// HTTP method.
    pub(crate) method: String,
    /// Path and query, from `/`.
    pub(crate) path: String,
    /// Protocol headers (lower-case names).
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// An error a server answers with that the model may not list (its status then given).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WireError {
    /// Error type.
    pub(crate) name: String,
    /// Status, when the error is not one of the service's modelled errors.
    pub(crate) status: Option<u16>,
}

/// One wire protocol.
pub(crate) trait Codec: Send + Sync {
    /// The media type of request bodies (and of answers, unless
    /// [`Codec::answer_media_types`] says otherwise).
    fn media_type(&self) -> &'static str;

    /// The media types an answer's body may carry (the first is the one servers send).
    fn answer_media_types(&self) -> &'static [&'static str];

    /// Encodes an operation's input members.
    fn encode(
        &self,
        service: &ServiceSpec,
        op_name: &str,
        op: &OperationSpec,
        members: Map<String, Value>,
    ) -> Result<Encoded, EncodeError>;

    /// Whether a request (method, path, headers, body) calls this operation: its path
    /// labels (decoded) if so.
    #[allow(clippy::too_many_arguments)]
    fn route(
        &self,
        service: &ServiceSpec,
        op_name: &str,
        op: &OperationSpec,
        method: &str,
        path: &str,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Option<BTreeMap<String, String>>;

    /// The input members a request carries as text (restJson1's query string and
    /// headers, awsQuery's form body): a server reads them by the input schema.
    fn bound_input(
        &self,
        _op: &OperationSpec,
        _query: Option<&str>,
        _headers: &http::HeaderMap,
        _body: &[u8],
    ) -> Map<String, Value> {
        Map::new()
    }

    /// Decodes a request's body into input members (the members [`Codec::bound_input`]
    /// reads are added to these).
    fn decode_request(&self, body: &[u8]) -> Result<Value, DecodeError> {
        self.decode(body)
    }

    /// Decodes an answer to an operation whose output shape is `output` (a name in
    /// `shapes`, the `$defs`): what the checks, paths and schemas read. A JSON body is
    /// read as it is; an XML one by the shape.
    fn decode_answer(
        &self,
        _shapes: &Map<String, Value>,
        _output: &str,
        body: &[u8],
    ) -> Result<Value, DecodeError> {
        self.decode(body)
    }

    /// A success answer's body for a document of output members.
    fn write_answer(&self, _service: &ServiceSpec, _op_name: &str, doc: &Value) -> Vec<u8> {
        // The same compact text as `Display`, written without the formatter machinery.
        serde_json::to_vec(doc).unwrap_or_default()
    }

    /// The error for a request body the server cannot read.
    fn unreadable_body(&self, service: &ServiceSpec) -> WireError;

    /// The error for a request body of another media type.
    fn unsupported_media_type(&self, service: &ServiceSpec) -> WireError;

    /// Decodes a body without knowing the operation (an error, a page's token).
    fn decode(&self, body: &[u8]) -> Result<Value, DecodeError> {
        serde_json::from_slice(body).map_err(|e| DecodeError(e.to_string()))
    }

    /// What request bodies are, for titles (`JSON`, `form`).
    fn request_format_name(&self) -> &'static str {
        self.format().name()
    }

    /// How this protocol's bodies are read as data (by the redactor and the diff).
    fn format(&self) -> &'static dyn BodyFormat {
        &Json
    }

    /// The error type of an answer, as the AWS SDKs read it: `X-Amzn-Errortype`, then
    /// the body's `__type`, then `code`, without a namespace or URL suffix.
    fn error_type(&self, headers: &[(String, String)], body: &Value) -> Option<String> {
        let header = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-amzn-errortype"))
            .map(|(_, v)| v.as_str());
        error_type::error_type(header, body)
    }

    /// An error answer: its protocol headers and its body.
    fn error_answer(
        &self,
        service: &ServiceSpec,
        name: &str,
        message: &str,
    ) -> (Vec<(String, String)>, Vec<u8>);
}

/// The codec of a protocol.
pub(crate) fn of(protocol: Protocol) -> &'static dyn Codec {
    match protocol {
        Protocol::RestJson1 => &rest_json::RestJson1,
        Protocol::AwsJson1_0 => &aws_json::AWS_JSON_1_0,
        Protocol::AwsJson1_1 => &aws_json::AWS_JSON_1_1,
        Protocol::AwsQuery => &aws_query::AwsQuery,
    }
}

/// A JSON object body, as every JSON protocol writes one.
fn json_body(members: Map<String, Value>) -> Result<Vec<u8>, EncodeError> {
    serde_json::to_vec(&Value::Object(members)).map_err(|e| EncodeError::Json(e.to_string()))
}

/// An error body with the service's message member.
fn message_body(service: &ServiceSpec, message: &str) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert(
        service.message_member.clone(),
        Value::String(message.to_string()),
    );
    body
}

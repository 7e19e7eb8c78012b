//! Responses as each protocol sends them.

use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::spec::{Protocol, Service};

/// A modelled (or protocol-level) error the emulator answers with.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) name: String,
    pub(crate) message: String,
    /// Status for errors the model does not list (protocol-level ones).
    pub(crate) status: Option<u16>,
}

impl ApiError {
    /// A modelled error; its status comes from the spec.
    /// Messages are clipped to [`MAX_MESSAGE`] characters: WorkMail models `Message` with
    /// a maximum length of 256, and a message that echoes a long input must still fit.
    pub(crate) fn new(name: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            name: name.to_string(),
            message: clip(message.into()),
            status: None,
        }
    }

    /// An error outside the model, with its own status.
    pub(crate) fn protocol(name: &str, status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status: Some(status),
            ..ApiError::new(name, message)
        }
    }
}

/// The longest error message the emulator sends.
const MAX_MESSAGE: usize = 200;

fn clip(message: String) -> String {
    if message.chars().count() <= MAX_MESSAGE {
        return message;
    }
    let mut clipped: String = message.chars().take(MAX_MESSAGE - 1).collect();
    clipped.push('…');
    clipped
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A success response with the operation's status.
pub(crate) fn success(service: &Service, status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-amzn-requestid", request_id().as_str())
        .set_body_raw(
            body.to_string().into_bytes(),
            service.spec.protocol.content_type(),
        )
}

/// An error response: restJson1 names the type in `X-Amzn-Errortype`; awsJson1_1 in
/// the body's `__type`. Both carry the service's message member.
pub(crate) fn error(service: &Service, error: &ApiError) -> ResponseTemplate {
    let status = error
        .status
        .or_else(|| service.spec.errors.get(&error.name).map(|e| e.status))
        .unwrap_or(400);
    let mut body = serde_json::Map::new();
    body.insert(
        service.spec.message_member.clone(),
        Value::String(error.message.clone()),
    );
    let mut template =
        ResponseTemplate::new(status).insert_header("x-amzn-requestid", request_id().as_str());
    match service.spec.protocol {
        Protocol::RestJson1 => {
            template = template.insert_header("x-amzn-errortype", error.name.as_str())
        }
        Protocol::AwsJson1_1 => {
            body.insert("__type".into(), Value::String(error.name.clone()));
        }
    }
    template.set_body_raw(
        Value::Object(body).to_string().into_bytes(),
        service.spec.protocol.content_type(),
    )
}

//! Responses as each protocol sends them.

use serde_json::Value;

use crate::spec::Service;

/// A response before it goes on the wire: what a wrapper around the emulator (the
/// mutation self-test) can read and change.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How long to wait before answering (a slow target).
    pub delay: std::time::Duration,
}

impl Reply {
    /// A reply with a JSON body of the given media type.
    pub fn json(status: u16, body: &Value, content_type: &str) -> Reply {
        Reply::bytes(
            status,
            serde_json::to_vec(body).unwrap_or_default(),
            content_type,
        )
    }

    /// A reply with a body of the given media type.
    pub fn bytes(status: u16, body: Vec<u8>, content_type: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type".into(), content_type.into()),
                ("x-amzn-requestid".into(), request_id()),
            ],
            body,
            delay: std::time::Duration::ZERO,
        }
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets header `name`, replacing any value it had.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.remove_header(name);
        self.headers.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Removes header `name`.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// The body as JSON, if it is JSON.
    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Replaces the body with `value`.
    pub fn set_json_body(&mut self, value: &Value) {
        self.body = value.to_string().into_bytes();
    }
}

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
            message: crate::text::clip(message.into(), MAX_MESSAGE),
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

/// A version-4 UUID from the thread's generator: `Uuid::new_v4` asks the kernel for
/// every one, a system call per answer under load.
fn request_id() -> String {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

/// A success response with the operation's status, as the service's codec writes it.
pub(crate) fn success(service: &Service, op_name: &str, status: u16, body: &Value) -> Reply {
    let codec = crate::codec::of(service.spec.protocol);
    Reply::bytes(
        status,
        codec.write_answer(&service.spec, op_name, body),
        codec.answer_media_types()[0],
    )
}

/// An error response, as the service's codec writes one (the type in a header or in
/// the body, the message in the service's message member).
pub(crate) fn error(service: &Service, error: &ApiError) -> Reply {
    let status = error
        .status
        .or_else(|| service.spec.errors.get(&error.name).map(|e| e.status))
        .unwrap_or(400);
    let codec = crate::codec::of(service.spec.protocol);
    let (headers, body) = codec.error_answer(&service.spec, &error.name, &error.message);
    let mut reply = Reply::bytes(status, body, codec.answer_media_types()[0]);
    for (name, value) in headers {
        reply.set_header(&name, value);
    }
    reply
}

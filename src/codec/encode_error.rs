//! Why an operation's input could not be put on the wire, or a body read off it.

/// An input the codec cannot encode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EncodeError {
    /// The step's input is not a JSON object of members.
    #[error("input must be an object")]
    NotAnObject,
    /// The members do not serialize as JSON.
    #[error("failed to write the body as JSON: {0}")]
    Json(String),
    /// An awsJson operation without its `X-Amz-Target` prefix in the spec.
    #[error("awsJson operation {0} has no target")]
    NoTarget(String),
}

/// A body that does not parse in the protocol's format (the parser's words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct DecodeError(pub(crate) String);

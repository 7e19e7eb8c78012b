//! Why an operation's input could not be put on the wire.

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

//! Why a step could not be carried out: a harness error for its case (`ERROR`, exit 3),
//! never a verdict on the target. Each kind says where the run gave up; the message is
//! what the lower layer said.

/// A step that could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StepError {
    /// A variable could not be filled in (`${…}` in input, headers or bounds).
    #[error(transparent)]
    Template(#[from] crate::template::TemplateError),
    /// A capture's path does not parse once filled in.
    #[error(transparent)]
    Path(#[from] crate::path::PathError),
    /// An assertion whose path or operand could not be filled in.
    #[error(transparent)]
    Check(#[from] crate::check::CheckError),
    /// The input could not be encoded for the wire protocol.
    #[error(transparent)]
    Encode(#[from] crate::codec::EncodeError),
    /// The request could not be signed.
    #[error(transparent)]
    Sign(#[from] crate::request::SignError),
    /// No endpoint, or the request could not be sent at all.
    #[error("{0}")]
    Send(String),
    /// The identity has no usable credentials.
    #[error(transparent)]
    Credentials(#[from] super::execute::MissingCredentials),
    /// The step names an operation the service does not have, or pages one without a
    /// paginator.
    #[error("{0}")]
    Operation(String),
    /// A `repeat` bound over the most a step may repeat.
    #[error("{0}")]
    Repeat(String),
    /// A `${…}` was still in the request once it was built: it is not sent.
    #[error("failed to send {operation}: {} holds `{}`, a variable that was never filled in; sent, the case would be judged on that text (write `$${{` for a literal `${{`)", .unexpanded.field, .unexpanded.template)]
    Unexpanded {
        operation: String,
        unexpanded: crate::request::Unexpanded,
    },
    /// The run was interrupted while the step waited.
    #[error("interrupted")]
    Interrupted,
}

/// Whether the case goes on after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// On to the next step.
    Next,
    /// The step failed in a way that makes the rest meaningless.
    Stop,
}

impl Flow {
    /// `Next` when `go_on`.
    pub(crate) fn from_bool(go_on: bool) -> Flow {
        if go_on {
            Flow::Next
        } else {
            Flow::Stop
        }
    }
}

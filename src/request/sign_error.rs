//! Why a request could not be signed.

/// SigV4 signing that failed (the parameters or the request could not be used).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignError {
    /// The signing parameters or the request's parts are unusable.
    #[error("failed to prepare SigV4 signing: {0}")]
    Prepare(String),
    /// The signer refused.
    #[error("failed to sign the request: {0}")]
    Sign(String),
}

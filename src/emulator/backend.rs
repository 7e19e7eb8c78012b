//! What every emulated service implements, and the call it is handed: the bottom of the
//! emulator, so the router depends on the backends' trait and never on a backend.

use serde_json::Value;

use super::wire::ApiError;
use super::EmulatorConfig;

/// A routed, authenticated and validated call.
pub(crate) struct Call<'a> {
    pub(crate) operation: &'a str,
    /// Who calls: the bearer token, or the SigV4 access key id.
    pub(crate) identity: String,
    pub(crate) input: Value,
}

/// One emulated service: its state and the semantics of its operations.
pub(crate) trait Backend: Send {
    /// The service it implements, as its `specs/<service>/service.yaml` names it.
    fn service(&self) -> &'static str;

    /// Carries out a call: the success body, or a modelled error.
    fn handle(&mut self, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError>;

    /// Profile variables naming what the backend holds (ids cases may refer to).
    fn profile_vars(&self, _config: &EmulatorConfig) -> Vec<(String, Value)> {
        Vec::new()
    }
}

/// The answer for an operation a backend does not implement.
pub(crate) fn not_emulated(operation: &str, status: u16) -> ApiError {
    ApiError::protocol(
        "UnknownOperationException",
        status,
        format!("{operation} is not emulated"),
    )
}

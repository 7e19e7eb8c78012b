//! The contract as data: per-service operation catalogs and JSON Schemas under `specs/`.

mod contract;
pub mod examples;
mod members;
mod model_overlay;
mod schemas;
mod service_spec;

pub use contract::{Contract, Service, SpecChecks};
pub(crate) use members::{ConstraintKind, Member};
pub use model_overlay::{
    merge, AuthOverlay, HelperOverlay, ModelOperation, ModelSpec, OperationOverlay, OverlaySpec,
    SHAPES_FILE,
};
pub(crate) use schemas::pointer as shape_ref;
pub use schemas::{SchemaSet, SchemaViolation};
pub use service_spec::{
    AuthScheme, AuthSpec, Creates, EndpointSpec, ErrorSpec, FindCreated, GenerateSpec, HttpBinding,
    OperationSpec, Paginator, Protocol, ServiceSpec,
};

/// A spec file that could not be read, parsed or compiled.
#[derive(Debug, thiserror::Error)]
#[error("failed to load spec {path}: {message}")]
pub struct SpecError {
    /// The file (with `:line:column` when known).
    pub path: std::path::PathBuf,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(
        path: impl Into<std::path::PathBuf>,
        message: impl std::fmt::Display,
    ) -> Self {
        SpecError {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

/// The header a fault-injecting target reads: the value names a modelled error of the
/// operation, which the target answers with instead of carrying out the call.
pub const FAULT_HEADER: &str = "x-pat-conformance-fault";

/// The JSON Schema of the overlay format (what `specs/service.schema.json` holds).
pub fn catalog_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(OverlaySpec)).unwrap_or_default()
}

/// The JSON Schema of the imported-model format (what `specs/model.schema.json` holds).
pub fn model_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ModelSpec)).unwrap_or_default()
}

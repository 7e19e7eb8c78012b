//! The contract as data: per-service operation catalogs and JSON Schemas under `specs/`.

mod catalog;
mod contract;
pub mod examples;
mod schemas;

pub use catalog::{
    AuthScheme, AuthSpec, Creates, EndpointSpec, ErrorSpec, FindCreated, GenerateSpec, HttpBinding,
    OperationSpec, Paginator, Protocol, ServiceSpec,
};
pub(crate) use contract::check_pointer;
pub use contract::{Contract, Service};
pub use schemas::{SchemaSet, SchemaViolation};

/// The header a fault-injecting target reads: the value names a modelled error of the
/// operation, which the target answers with instead of carrying out the call.
pub const FAULT_HEADER: &str = "x-pat-conformance-fault";

/// The JSON Schema of the catalog format (what `specs/service.schema.json` holds).
pub fn catalog_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ServiceSpec)).unwrap_or_default()
}

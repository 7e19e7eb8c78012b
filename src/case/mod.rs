//! Declarative cases: the file format, loading with diagnostics, and runnable cases.

mod assertion;
mod diagnostic;
mod format;
mod load;
mod resolve;
mod runnable;

pub use assertion::{AssertionDef, CheckDef};
pub use diagnostic::{CaseLoadError, CaseLoadErrors};
pub(crate) use load::parse_cases_in;
pub use load::{load_cases, load_cases_in};
pub(crate) use resolve::resolve_generated;

/// Ids of generated cases start with this; hand-written ids may not.
pub const GENERATED_PREFIX: &str = "gen-";
pub use format::{
    Bound, Capability, CaseDef, CaseFile, CountBounds, ExpectDef, Identity, Level, NumberBounds,
    RawDef, RepeatDef, Source, StepDef, TimeDef,
};
pub use runnable::{AssertOp, Assertion, Case, Expect, Step};

/// The JSON Schema of the case-file format (what `specs/case.schema.json` holds).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(CaseFile);
    serde_json::to_value(schema).unwrap_or_default()
}

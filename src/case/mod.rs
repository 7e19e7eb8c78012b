//! Declarative cases: the file format, loading with diagnostics, and runnable cases.

mod diagnostic;
mod load;
mod model;
mod resolve;
mod runnable;

pub use diagnostic::{CaseLoadError, CaseLoadErrors};
pub use load::load_cases;
pub use model::{
    AssertionDef, Capability, CaseDef, CaseFile, CountBounds, ExpectDef, Identity, Level,
    NumberBounds, RawDef, Source, StepDef, TimeDef,
};
pub use runnable::{AssertOp, Assertion, Case, Expect, Step};

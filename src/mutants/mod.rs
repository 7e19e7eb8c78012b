//! The suite's self-test: deliberately broken targets that each break one rule of the
//! contract (deviations, which some case must catch) and conformant variations that
//! take a liberty the contract allows (which no case may fail).
//!
//! Every mode is the embedded emulator behind a [`Middleware`](crate::emulator::Middleware)
//! that rewrites requests or replies, so the emulator itself stays a plain reference
//! implementation. `pat-conformance mutants` prints the kill matrix.

mod catalogue;
mod codecatalyst;
mod common;
mod edit;
mod generic;
mod hook;
mod iam;
mod liberties;
mod matrix;
mod variations;
mod workmail;

use std::sync::Arc;

use crate::emulator::{EmulatorConfig, Middleware};

pub use catalogue::{catalogue, Entry};
pub use matrix::{markdown, run_modes, terminal, KillMatrix, ModeResult};

/// The catalogue as text or Markdown (`mutants --list`).
pub mod list {
    pub use super::catalogue::{markdown, terminal};
}

/// What part of the contract a deviation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The success status.
    SuccessStatus,
    /// A required output member.
    RequiredMember,
    /// A member's JSON type or timestamp format.
    TypeOrFormat,
    /// A length, range or item-count constraint of an output member.
    ResponseConstraint,
    /// An error's status or type.
    ErrorStatusOrType,
    /// Input validation.
    InputValidation,
    /// Pagination.
    Pagination,
    /// What a call changes, or fails to change.
    State,
    /// One caller seeing or changing another's tokens.
    IdentityIsolation,
    /// Authentication.
    Auth,
    /// Content-Type.
    ContentType,
    /// The PAT secret.
    SecretLeak,
    /// Not a deviation: a liberty the contract allows.
    Conformant,
}

impl Class {
    /// The class's name in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::SuccessStatus => "success status",
            Class::RequiredMember => "required member",
            Class::TypeOrFormat => "type / timestamp format",
            Class::ResponseConstraint => "response constraint",
            Class::ErrorStatusOrType => "error status / type",
            Class::InputValidation => "input validation",
            Class::Pagination => "pagination",
            Class::State => "state",
            Class::IdentityIsolation => "identity isolation",
            Class::Auth => "auth",
            Class::ContentType => "content type",
            Class::SecretLeak => "secret leak",
            Class::Conformant => "conformant variation",
        }
    }
}

/// One broken or varied target.
#[derive(Clone)]
pub struct Mode {
    /// Stable name, e.g. `create-answers-200`.
    pub name: &'static str,
    /// What it breaks ([`Class::Conformant`] for variations).
    pub class: Class,
    /// The one detail an implementer got wrong (or the liberty taken).
    pub what: &'static str,
    /// Deviations: cases expected to catch it (each must fail). Variations: empty.
    pub killers: &'static [&'static str],
    /// Emulator settings for this mode.
    pub config: EmulatorConfig,
    /// The rewrite, if any.
    pub middleware: Option<Arc<dyn Middleware>>,
}

impl Mode {
    /// Whether the mode is a deviation (some case must fail) rather than a variation.
    pub fn is_deviation(&self) -> bool {
        self.class != Class::Conformant
    }
}

impl std::fmt::Debug for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mode")
            .field("name", &self.name)
            .field("class", &self.class)
            .finish()
    }
}

/// Every deviation of the catalogue, the derived ones made from the built-in suite.
pub fn deviations() -> Vec<Mode> {
    let mut modes = codecatalyst::modes();
    modes.extend(workmail::modes());
    modes.extend(iam::modes());
    modes.extend(common::modes());
    modes.extend(generic::modes());
    modes
}

/// Every deviation, the derived ones made from `contract` and `cases`: the suite a
/// `mutants` run or a `serve --mode` actually uses (`--specs`, `--cases`).
pub fn deviations_for(contract: &crate::spec::Contract, cases: &[crate::case::Case]) -> Vec<Mode> {
    let mut modes = codecatalyst::modes();
    modes.extend(workmail::modes());
    modes.extend(iam::modes());
    modes.extend(common::modes());
    modes.extend(generic::modes_for(contract, cases));
    modes
}

/// Every conformant variation.
pub fn variations() -> Vec<Mode> {
    let mut modes = variations::modes();
    modes.extend(liberties::modes());
    modes.extend(iam::variations());
    modes
}

fn mode(
    name: &'static str,
    class: Class,
    what: &'static str,
    killers: &'static [&'static str],
    middleware: impl Middleware + 'static,
) -> Mode {
    Mode {
        name,
        class,
        what,
        killers,
        config: EmulatorConfig::default(),
        middleware: Some(Arc::new(middleware)),
    }
}

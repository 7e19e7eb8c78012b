//! The shared vocabulary of cases, profiles, outcomes and the emulator: how strongly a
//! check is backed ([`Level`]), what a target offers ([`Capability`]) and as whom a step
//! calls ([`Identity`]). It sits at the bottom so every layer may name these words.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How strongly the documents back a case.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The documents or the service model require it.
    #[default]
    Must,
    /// The documents imply it.
    Should,
}

impl Level {
    /// Whether this is `must` (for serde's `skip_serializing_if`).
    pub fn is_must(&self) -> bool {
        *self == Level::Must
    }

    /// The weaker of two levels: a `should` check in a `must` case, or any check in a
    /// `should` case, is a `should` finding.
    pub fn weaker(self, other: Level) -> Level {
        self.max(other)
    }

    /// The level's name as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
        }
    }
}

/// What a target must offer for a case to run; a case whose requirement is missing is
/// skipped with the reason.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// A second identity (profile identity `second`).
    SecondIdentity,
    /// An identity with a small token quota (profile identity `limited`).
    LimitedIdentity,
    /// The target honours the `X-Pat-Conformance-Fault` header.
    FaultInjection,
    /// The target checks SigV4 signatures and signing times (AWS does; many emulators
    /// accept any well-formed signature).
    VerifiesSignatures,
}

impl Capability {
    /// The profile identity that gives this capability, if it is one
    /// (`second-identity` is identity `second`).
    pub fn identity(self) -> Option<Identity> {
        Identity::ALL
            .into_iter()
            .find(|i| i.capability() == Some(self))
    }

    /// The capability's name as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::SecondIdentity => "second-identity",
            Capability::LimitedIdentity => "limited-identity",
            Capability::FaultInjection => "fault-injection",
            Capability::VerifiesSignatures => "verifies-signatures",
        }
    }
}

/// Which profile identity a step calls as.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Identity {
    /// The profile's default identity.
    #[default]
    Default,
    /// A second identity (isolation cases).
    Second,
    /// An identity with a small quota (quota cases).
    Limited,
}

impl Identity {
    /// Every identity a profile can define.
    pub const ALL: [Identity; 3] = [Identity::Default, Identity::Second, Identity::Limited];

    /// The identity's name as written in case files and profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Default => "default",
            Identity::Second => "second",
            Identity::Limited => "limited",
        }
    }

    /// The capability a step with this identity needs, if any.
    pub fn capability(self) -> Option<Capability> {
        match self {
            Identity::Default => None,
            Identity::Second => Some(Capability::SecondIdentity),
            Identity::Limited => Some(Capability::LimitedIdentity),
        }
    }
}

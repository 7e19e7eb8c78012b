//! The case file format, as written in `cases/<service>/<Operation>/*.yaml|json`.
//!
//! These types only describe the file; [`super::resolve`] checks them against the
//! contract and turns them into runnable [`super::Case`]s. `specs/case.schema.json` is
//! generated from them (see the `case_schema_is_current` test).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

pub use crate::vocab::{Capability, Identity, Level};

use super::assertion::AssertionDef;

/// A case file: the cases of one operation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// The cases, each with a unique id.
    pub cases: Vec<CaseDef>,
}

/// Which document (and member) a case checks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A seed document (`seeds/…`) or model excerpt (`reference/…`).
    pub document: String,
    /// The member or section checked.
    #[serde(default)]
    pub member: Option<String>,
    /// The words of the document the case rests on.
    #[serde(default)]
    pub quote: Option<String>,
}

/// One case.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    /// Unique id (lowercase, digits and dashes).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// One line saying what the case shows.
    pub title: String,
    /// `must` (required by the documents or model) or `should` (implied).
    pub level: Level,
    /// The document and member the case checks.
    pub source: Source,
    /// Free-form tags, for filtering.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Capabilities beyond those the steps imply (identities and faults imply theirs).
    #[serde(default)]
    pub requires: Vec<Capability>,
    /// Run with no other case in flight (for cases that count or page through
    /// everything an identity has).
    #[serde(default)]
    pub exclusive: bool,
    /// Documented behaviours of the case's operation (ids from `behaviours` in
    /// `specs/<service>/service.yaml`) or input constraints (`<member>.<kind>`) the case
    /// covers; the errors its steps expect count without being listed.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub covers: Vec<Spanned<String>>,
    /// The calls, in order.
    pub steps: Vec<StepDef>,
}

/// Deliberately malformed parts of a request.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDef {
    /// Send this body instead of the serialized input.
    #[serde(default)]
    pub body: Option<String>,
    /// Headers to set (replacing the runner's own).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Headers to leave out.
    #[serde(default)]
    pub remove_headers: Vec<String>,
    /// Send no credentials at all.
    #[serde(default)]
    pub no_auth: bool,
    /// SigV4: sign with the profile's access key id but a wrong secret key (a
    /// well-formed signature that does not verify).
    #[serde(default)]
    pub sign_with_wrong_secret: bool,
    /// SigV4: sign as of this offset from now, e.g. `-20m` (X-Amz-Date outside the
    /// 15 minutes AWS allows).
    #[serde(default)]
    pub sign_at: Option<String>,
}

/// What the step expects. Empty means the documented success.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDef {
    /// A modelled error of the operation; its HTTP status follows from the spec.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
    /// Any 4xx error (for malformed requests whose error type the contract leaves open).
    #[serde(default)]
    pub client_error: bool,
}

/// Repeating a step.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatDef {
    /// How many times at most: a whole number or a `${profile.NAME}` reference.
    pub times: Bound,
    /// A modelled error that ends the repetition early, as an accepted answer (e.g.
    /// the quota was reached sooner because the caller already held tokens).
    #[serde(default)]
    pub until: Option<String>,
}

/// Inclusive bounds on a count.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountBounds {
    /// At least.
    #[serde(default)]
    pub min: Option<Bound>,
    /// At most.
    #[serde(default)]
    pub max: Option<Bound>,
}

/// One end of a count: a whole number, or a string that is one `${profile.NAME}`
/// reference to a whole number the target profile declares (e.g. how many tokens an
/// organization holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// A number written in the case.
    Fixed(u64),
    /// A variable reference, resolved when the case runs.
    Var(String),
}

impl From<u64> for Bound {
    fn from(n: u64) -> Self {
        Bound::Fixed(n)
    }
}

impl Serialize for Bound {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Bound::Fixed(n) => s.serialize_u64(*n),
            Bound::Var(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for Bound {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Bound;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number or a `${profile.NAME}` reference")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Bound, E> {
                Ok(Bound::Fixed(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Bound, E> {
                u64::try_from(n)
                    .map(Bound::Fixed)
                    .map_err(|_| E::custom(format!("a count cannot be negative ({n})")))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Bound, E> {
                if s.trim_start().starts_with("${") {
                    Ok(Bound::Var(s.to_string()))
                } else {
                    Err(E::custom(format!(
                        "`{s}` is neither a whole number nor a `${{profile.NAME}}` reference"
                    )))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl JsonSchema for Bound {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bound".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A whole number, or one `${profile.NAME}` reference to one.",
            "oneOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^\\$\\{"}
            ]
        })
    }
}

/// Inclusive bounds on a number.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberBounds {
    /// At least.
    #[serde(default)]
    pub min: Option<f64>,
    /// At most.
    #[serde(default)]
    pub max: Option<f64>,
}

/// A timestamp check: the value (RFC 3339 string or epoch seconds) must lie within
/// `within` of `near` moved by `offset`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeDef {
    /// `now` (the step's request time) or a timestamp, e.g. `${expires}`.
    #[serde(default = "now")]
    pub near: String,
    /// Signed duration added to `near`, e.g. `+365d`.
    #[serde(default)]
    pub offset: Option<String>,
    /// Tolerance either side, e.g. `1d`; default `0s`.
    #[serde(default)]
    pub within: Option<String>,
}

fn now() -> String {
    "now".to_string()
}

/// One call.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// An operation of the case's service.
    #[schemars(with = "String")]
    pub operation: Spanned<String>,
    /// The profile identity to call as.
    #[serde(default)]
    pub identity: Identity,
    /// Logical input members; the runner serializes them per protocol.
    #[serde(default)]
    #[schemars(with = "Option<Value>")]
    pub input: Option<Spanned<Value>>,
    /// Malformed-request overrides.
    #[serde(default)]
    pub raw: Option<RawDef>,
    /// Ask a fault-injecting target for this modelled error.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub fault: Option<Spanned<String>>,
    /// Follow the paginator to the last page; assertions see every item.
    #[serde(default)]
    pub paginate: bool,
    /// With `paginate`: a token on the last page with items that leads to an empty page
    /// is a `should` finding (SDK paginators tolerate it). For exclusive cases only:
    /// tokens deleted by concurrent cases can empty a last page legitimately.
    #[serde(default)]
    pub check_last_page: bool,
    /// Send the call up to this many times (e.g. up to a quota the profile declares).
    #[serde(default)]
    pub repeat: Option<RepeatDef>,
    /// The expected outcome (default: success).
    #[serde(default)]
    pub expect: ExpectDef,
    /// Assertions on the response body.
    #[serde(default, rename = "assert")]
    pub assertions: Vec<AssertionDef>,
    /// Variables to take from the response body, by path.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub capture: BTreeMap<String, Spanned<String>>,
    /// Steps that always run at the end of the case if this step ran.
    #[serde(default)]
    pub cleanup: Vec<StepDef>,
    /// What a person should know when this step fails (a likely cause and its fix),
    /// added to each of its failures.
    #[serde(default)]
    pub hint: Option<String>,
}

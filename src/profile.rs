//! Target profiles: what a target offers and the values cases need from it (ids of a
//! WorkMail organization, a second identity's token, fault injection…). Cases never
//! hard-code a target's data; they read `${profile.NAME}`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ConfigError, HarnessError};
use crate::vocab::{Capability, Identity};

/// Where an identity's bearer token comes from.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityDef {
    /// The token itself (prefer `bearer_token_env` outside of emulators).
    #[serde(default)]
    pub bearer_token: Option<String>,
    /// An environment variable holding the token.
    #[serde(default)]
    pub bearer_token_env: Option<String>,
}

/// Literal SigV4 credentials, for emulators; real credentials come from the standard
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` variables.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SigV4Credentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token.
    #[serde(default)]
    pub session_token: Option<String>,
}

impl std::fmt::Debug for SigV4Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigV4Credentials(<redacted>)")
    }
}

/// A target profile (`--profile FILE`, YAML or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Endpoint per service (overrides the environment).
    #[serde(default)]
    pub endpoints: BTreeMap<String, String>,
    /// Region for SigV4 and regional endpoints.
    #[serde(default)]
    pub region: Option<String>,
    /// Identities by name (`default`, `second`, `limited`).
    #[serde(default)]
    pub identities: BTreeMap<Identity, IdentityDef>,
    /// SigV4 credentials (emulators only).
    #[serde(default)]
    pub sigv4: Option<SigV4Credentials>,
    /// Capabilities beyond the identities, e.g. `fault-injection`.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Values cases read as `${profile.NAME}`.
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
}

impl Profile {
    /// Reads a profile file.
    pub fn load(path: &Path) -> Result<Profile, HarnessError> {
        let profile: Profile = crate::yaml::read(path, "profile").map_err(ConfigError::from)?;
        profile.check().map_err(|reason| ConfigError::Profile {
            path: path.to_path_buf(),
            reason,
        })?;
        Ok(profile)
    }

    /// What `load` refuses: an identity without a token source, and values that
    /// cannot go into a header or URL (control characters such as CR/LF).
    pub fn check(&self) -> Result<(), String> {
        let clean = |field: String, v: &str| {
            if v.chars().any(char::is_control) {
                Err(format!("{field}: holds a control character (CR, LF, tab…)"))
            } else if v.trim().is_empty() {
                Err(format!("{field}: is empty"))
            } else {
                Ok(())
            }
        };
        for (name, def) in &self.identities {
            let field = format!("identities.{}", name.as_str());
            match (&def.bearer_token, &def.bearer_token_env) {
                (None, None) => {
                    return Err(format!("{field}: needs bearer_token or bearer_token_env"))
                }
                (Some(t), _) => clean(format!("{field}.bearer_token"), t)?,
                (None, Some(e)) => clean(format!("{field}.bearer_token_env"), e)?,
            }
        }
        if let Some(region) = &self.region {
            let ok = !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(format!(
                    "region: `{}` is not a region name (like us-east-1)",
                    region.escape_debug()
                ));
            }
        }
        for (service, url) in &self.endpoints {
            clean(format!("endpoints.{service}"), url)?;
        }
        if let Some(c) = &self.sigv4 {
            clean("sigv4.access_key_id".into(), &c.access_key_id)?;
            clean("sigv4.secret_access_key".into(), &c.secret_access_key)?;
            if let Some(t) = &c.session_token {
                clean("sigv4.session_token".into(), t)?;
            }
        }
        Ok(())
    }

    /// Every capability the target offers: declared ones and those its identities give.
    pub fn capabilities(&self) -> BTreeSet<Capability> {
        let mut caps: BTreeSet<Capability> = self.capabilities.iter().copied().collect();
        for identity in self.identities.keys() {
            caps.extend(identity.capability());
        }
        caps
    }

    /// Where the bearer token of an identity comes from (never the token): the
    /// profile, a named variable, or none.
    pub fn bearer_source(&self, identity: Identity, service_env: Option<&str>) -> String {
        let def = self.identities.get(&identity);
        let set = |var: &str| std::env::var(var).is_ok_and(|v| !v.is_empty());
        if def.is_some_and(|d| d.bearer_token.is_some()) {
            return "the target profile".into();
        }
        if let Some(var) = def.and_then(|d| d.bearer_token_env.as_deref()) {
            return if set(var) {
                format!("${var}")
            } else {
                format!("none (${var} is not set)")
            };
        }
        match (identity, service_env) {
            (Identity::Default, Some(var)) if set(var) => format!("${var}"),
            (Identity::Default, Some(var)) => format!("none (${var} is not set)"),
            _ => "none".into(),
        }
    }

    /// The bearer token of an identity: the profile's value or variable, then (for the
    /// default identity) the service's own variable.
    pub fn bearer_token(&self, identity: Identity, service_env: Option<&str>) -> Option<String> {
        let def = self.identities.get(&identity);
        if let Some(token) = def.and_then(|d| d.bearer_token.clone()) {
            return Some(token);
        }
        if let Some(var) = def.and_then(|d| d.bearer_token_env.as_deref()) {
            return std::env::var(var).ok().filter(|v| !v.is_empty());
        }
        match (identity, service_env) {
            (Identity::Default, Some(var)) => std::env::var(var).ok().filter(|v| !v.is_empty()),
            _ => None,
        }
    }

    /// SigV4 credentials: the profile's, else the standard environment variables.
    pub fn sigv4_credentials(&self) -> Option<SigV4Credentials> {
        if let Some(c) = &self.sigv4 {
            return Some(c.clone());
        }
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(SigV4Credentials {
            access_key_id: get("AWS_ACCESS_KEY_ID")?,
            secret_access_key: get("AWS_SECRET_ACCESS_KEY")?,
            session_token: get("AWS_SESSION_TOKEN"),
        })
    }

    /// Every secret the profile can produce, for redaction.
    pub fn secrets(&self, bearer_envs: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for identity in [Identity::Default, Identity::Second, Identity::Limited] {
            for env in bearer_envs {
                out.extend(self.bearer_token(identity, Some(env)));
            }
        }
        if let Some(c) = self.sigv4_credentials() {
            out.push(c.access_key_id);
            out.push(c.secret_access_key);
            out.extend(c.session_token);
        }
        out
    }
}

/// The JSON Schema of the profile format (what `specs/profile.schema.json` holds).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Profile)).unwrap_or_default()
}

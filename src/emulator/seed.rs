//! `serve --seed FILE`: the emulator started with a user's own data instead of the
//! built-in seeds. A section left out keeps the built-in data of that service.
//!
//! ```yaml
//! workmail:
//!   organizations:
//!     - id: m-11112222333344445555666677778888
//!       alias: my-org
//!       state: Active                 # default Active
//!       users: [{ id: u-1, email: a@example.com }]       # enabled unless `enabled: false`
//!       tokens: [{ id: t-1, user: u-1, name: pat-conformance-disposable-1 }]
//! iam:
//!   users: [pat-conformance-user, pat-conformance-other]
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::spec::Contract;

/// A seed file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// WorkMail's organizations (the built-in ones when absent).
    #[serde(default)]
    pub workmail: Option<WorkmailSeed>,
    /// IAM's users (the built-in two when absent).
    #[serde(default)]
    pub iam: Option<IamSeed>,
}

/// WorkMail's data.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkmailSeed {
    /// Organizations, in listing order.
    pub organizations: Vec<OrganizationSeed>,
}

/// One organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSeed {
    /// Its id (`m-` and 32 hex digits on AWS).
    pub id: String,
    /// Its alias.
    #[serde(default)]
    pub alias: Option<String>,
    /// Its state (`Active` when absent; anything else answers OrganizationStateException).
    #[serde(default)]
    pub state: Option<String>,
    /// Its users.
    #[serde(default)]
    pub users: Vec<UserSeed>,
    /// Its tokens.
    #[serde(default)]
    pub tokens: Vec<TokenSeed>,
}

/// One WorkMail user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    /// Its id.
    pub id: String,
    /// Its email address.
    pub email: String,
    /// Whether it is enabled (default `true`).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// One personal access token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSeed {
    /// Its id.
    pub id: String,
    /// The id of the user holding it (one of the organization's users).
    pub user: String,
    /// Its name.
    pub name: String,
    /// Creation time, epoch seconds (default 2026-01-01).
    #[serde(default)]
    pub created: Option<f64>,
    /// Last use, epoch seconds.
    #[serde(default)]
    pub last_used: Option<f64>,
    /// Expiry, epoch seconds (default a year after creation).
    #[serde(default)]
    pub expires: Option<f64>,
    /// Its scopes.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// IAM's data.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamSeed {
    /// User names.
    pub users: Vec<String>,
}

/// `value` fits `shape` of `service`, or `field` and the first violation.
fn fits(
    contract: &Contract,
    service: &str,
    shape: &str,
    value: &Value,
    field: &str,
) -> Result<(), String> {
    let Some(service) = contract.any_service(service) else {
        return Ok(());
    };
    match service.schemas.validate(shape, value).first() {
        Some(v) => Err(format!("{field}: {v} (the model's {shape})")),
        None => Ok(()),
    }
}

impl Seed {
    /// Reads a seed file: a bad one names its file, line and field. Every value must
    /// fit the model's shape (an emulator serving it must conform).
    pub fn load(path: &Path, contract: &Contract) -> Result<Seed, crate::error::HarnessError> {
        let seed: Seed =
            crate::yaml::read(path, "seed").map_err(crate::error::ConfigError::from)?;
        seed.check(contract)
            .map_err(|reason| crate::error::ConfigError::Seed {
                path: path.to_path_buf(),
                reason,
            })?;
        Ok(seed)
    }

    /// What `load` refuses besides the format: a value outside its model shape, a
    /// token of a user the organization does not have, and an id given twice.
    fn check(&self, contract: &Contract) -> Result<(), String> {
        if let Some(iam) = &self.iam {
            for (i, user) in iam.users.iter().enumerate() {
                fits(
                    contract,
                    "iam",
                    "userNameType",
                    &json!(user),
                    &format!("iam.users[{i}]"),
                )?;
            }
        }
        let Some(wm) = &self.workmail else {
            return Ok(());
        };
        let mut orgs = std::collections::BTreeSet::new();
        for (i, org) in wm.organizations.iter().enumerate() {
            if !orgs.insert(&org.id) {
                return Err(format!(
                    "workmail.organizations[{i}].id: `{}` is given twice",
                    org.id
                ));
            }
            let at = format!("workmail.organizations[{i}]");
            fits(
                contract,
                "workmail",
                "OrganizationId",
                &json!(org.id),
                &format!("{at}.id"),
            )?;
            for (j, user) in org.users.iter().enumerate() {
                fits(
                    contract,
                    "workmail",
                    "WorkMailIdentifier",
                    &json!(user.id),
                    &format!("{at}.users[{j}].id"),
                )?;
                fits(
                    contract,
                    "workmail",
                    "EmailAddress",
                    &json!(user.email),
                    &format!("{at}.users[{j}].email"),
                )?;
            }
            for (j, token) in org.tokens.iter().enumerate() {
                let summary = json!({
                    "PersonalAccessTokenId": token.id,
                    "UserId": token.user,
                    "Name": token.name,
                    "Scopes": token.scopes,
                });
                fits(
                    contract,
                    "workmail",
                    "PersonalAccessTokenSummary",
                    &summary,
                    &format!("{at}.tokens[{j}]"),
                )?;
                if !org.users.iter().any(|u| u.id == token.user) {
                    return Err(format!(
                        "workmail.organizations[{i}].tokens[{j}].user: `{}` is not a user of {}",
                        token.user, org.id
                    ));
                }
            }
        }
        Ok(())
    }
}

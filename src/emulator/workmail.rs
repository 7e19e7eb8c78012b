//! WorkMail personal access tokens: a seeded directory of organizations, users and
//! tokens (WorkMail has no API that creates one).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::backend::{not_emulated, Backend, Call};
use super::pages;
use super::replies::ApiError;
use super::EmulatorConfig;

/// Page size when the caller gives no `MaxResults`.
const DEFAULT_PAGE: usize = 100;

#[derive(Debug, Clone)]
struct User {
    id: String,
    email: String,
    enabled: bool,
}

#[derive(Debug, Clone)]
struct Pat {
    id: String,
    user: String,
    name: String,
    created: f64,
    last_used: Option<f64>,
    expires: f64,
    scopes: Vec<String>,
}

#[derive(Debug, Clone)]
struct Organization {
    alias: String,
    state: String,
    users: Vec<User>,
    tokens: Vec<Pat>,
}

/// The seeded organizations.
#[derive(Debug)]
pub(crate) struct Directory {
    orgs: BTreeMap<String, Organization>,
    /// The built-in seeds, which the profile's vars describe (a user's own seed is
    /// described by `init`).
    builtin: bool,
}

const ACTIVE_ORG: &str = "m-0123456789abcdef0123456789abcdef";
const EMPTY_ORG: &str = "m-fedcba9876543210fedcba9876543210";
const INACTIVE_ORG: &str = "m-00000000000000000000000000000bad";
/// An organization whose one token a case may delete (kept apart from the counted one).
const DISPOSABLE_ORG: &str = "m-d15b05ab1e000000000000000000d15b";
const ALICE: &str = "a1b2c3d4-0000-4000-8000-00000000a11c";
const BOB: &str = "b0b0b0b0-0000-4000-8000-000000000b0b";
const CAROL: &str = "ca401ca4-0000-4000-8000-0000000ca401";
/// How a token a run may delete is named (what `init` and `run --discover` look for).
const DISPOSABLE_PREFIX: &str = "pat-conformance-disposable";

impl Directory {
    /// An active organization with tokens of two users (and a disabled third user), an
    /// active organization with none, and an organization that is not active.
    pub(crate) fn seeded() -> Directory {
        let user = |id: &str, name: &str, enabled| User {
            id: id.into(),
            email: format!("{name}@example.com"),
            enabled,
        };
        let base = 1_767_225_600.0; // 2026-01-01T00:00:00Z
        let named = |n: usize, user: &str, name: String| Pat {
            id: format!("pat-{n:02}-{}", &user[..8]),
            user: user.into(),
            name,
            created: base + n as f64 * 86_400.5,
            last_used: (n % 2 == 0).then_some(base + n as f64 * 90_000.25),
            expires: base + 365.0 * 86_400.0 + n as f64,
            scopes: vec![
                "https://outlook.office.com/EWS.AccessAsUser.All".into(),
                "IMAP".into(),
            ],
        };
        let pat = |n: usize, user: &str| named(n, user, format!("mail client {n}"));
        let mut orgs = BTreeMap::new();
        orgs.insert(
            ACTIVE_ORG.into(),
            Organization {
                alias: "pat-conformance".into(),
                state: "Active".into(),
                users: vec![
                    user(ALICE, "alice", true),
                    user(BOB, "bob", true),
                    user(CAROL, "carol", false),
                ],
                tokens: vec![
                    pat(1, ALICE),
                    pat(2, BOB),
                    pat(3, ALICE),
                    pat(4, BOB),
                    pat(5, ALICE),
                    // Seven in all: no multiple of the page sizes 2 and 3 the walks use.
                    pat(6, BOB),
                    pat(7, ALICE),
                ],
            },
        );
        orgs.insert(
            EMPTY_ORG.into(),
            Organization {
                alias: "pat-conformance-empty".into(),
                state: "Active".into(),
                users: vec![user(ALICE, "alice", true)],
                tokens: vec![],
            },
        );
        orgs.insert(
            DISPOSABLE_ORG.into(),
            Organization {
                alias: "pat-conformance-disposable".into(),
                state: "Active".into(),
                users: vec![user(ALICE, "alice", true)],
                // Named as discovery looks for the one token a run may delete.
                tokens: vec![named(8, ALICE, format!("{DISPOSABLE_PREFIX}-8"))],
            },
        );
        orgs.insert(
            INACTIVE_ORG.into(),
            Organization {
                alias: "pat-conformance-deleted".into(),
                state: "Deleted".into(),
                users: vec![],
                tokens: vec![],
            },
        );
        Directory {
            orgs,
            builtin: true,
        }
    }

    /// A user's own organizations (`serve --seed`).
    pub(crate) fn from_seed(seed: &super::seed::WorkmailSeed) -> Directory {
        let base = 1_767_225_600.0; // 2026-01-01T00:00:00Z
        let orgs = seed
            .organizations
            .iter()
            .map(|o| {
                let users = o
                    .users
                    .iter()
                    .map(|u| User {
                        id: u.id.clone(),
                        email: u.email.clone(),
                        enabled: u.enabled,
                    })
                    .collect();
                let tokens = o
                    .tokens
                    .iter()
                    .map(|t| {
                        let created = t.created.unwrap_or(base);
                        Pat {
                            id: t.id.clone(),
                            user: t.user.clone(),
                            name: t.name.clone(),
                            created,
                            last_used: t.last_used,
                            expires: t.expires.unwrap_or(created + 365.0 * 86_400.0),
                            scopes: t.scopes.clone(),
                        }
                    })
                    .collect();
                let org = Organization {
                    alias: o.alias.clone().unwrap_or_else(|| o.id.clone()),
                    state: o.state.clone().unwrap_or_else(|| "Active".into()),
                    users,
                    tokens,
                };
                (o.id.clone(), org)
            })
            .collect();
        Directory {
            orgs,
            builtin: false,
        }
    }

    /// The profile vars that describe the seeds to cases.
    fn vars(&self) -> BTreeMap<String, String> {
        let held = self
            .orgs
            .get(ACTIVE_ORG)
            .map_or(0, |o| o.tokens.len())
            .to_string();
        let mut vars: BTreeMap<String, String> = [
            ("workmail_organization_id", ACTIVE_ORG),
            ("workmail_empty_organization_id", EMPTY_ORG),
            ("workmail_inactive_organization_id", INACTIVE_ORG),
            ("workmail_user_id", ALICE),
            ("workmail_other_user_id", BOB),
            ("workmail_disabled_user_id", CAROL),
            ("workmail_token_id", "pat-01-a1b2c3d4"),
            ("workmail_other_token_id", "pat-02-b0b0b0b0"),
            ("workmail_disposable_organization_id", DISPOSABLE_ORG),
            ("workmail_disposable_token_id", "pat-08-a1b2c3d4"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        vars.insert("workmail_organization_token_count".into(), held);
        vars
    }
}

impl Backend for Directory {
    fn service(&self) -> &'static str {
        "workmail"
    }

    fn handle(&mut self, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
        match call.operation {
            "ListPersonalAccessTokens" => list(self, config.newest_first, call),
            "GetPersonalAccessTokenMetadata" => get(self, call),
            "DeletePersonalAccessToken" => delete(self, call),
            "ListOrganizations" => list_organizations(self, call),
            "DescribeOrganization" => describe_organization(self, call),
            "ListUsers" => list_users(self, call),
            other => Err(not_emulated(other, 400)),
        }
    }

    fn profile_vars(&self, _config: &EmulatorConfig) -> Vec<(String, Value)> {
        if !self.builtin {
            return Vec::new();
        }
        self.vars()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    }
}

fn list(dir: &Directory, newest_first: bool, call: &Call) -> Result<Value, ApiError> {
    let org_id = call.input["OrganizationId"].as_str().unwrap_or_default();
    let org = active_org(dir, org_id)?;
    let user = match call.input.get("UserId").and_then(Value::as_str) {
        None => None,
        Some(wanted) => Some(enabled_user(org, wanted)?),
    };
    let scope = format!("workmail:{org_id}:{}", user.as_deref().unwrap_or("*"));
    let (size, after) = call.paging(&scope, DEFAULT_PAGE)?;
    // The seed order is the cursor: 1-based position in the organization.
    let mut tokens: Vec<(u64, &Pat)> = (1..)
        .zip(&org.tokens)
        .filter(|(_, t)| user.as_ref().is_none_or(|u| &t.user == u))
        .collect();
    if newest_first {
        tokens = tokens
            .into_iter()
            .rev()
            .map(|(seq, t)| (u64::MAX - seq, t))
            .collect();
    }
    let (page, next) = pages::page(&scope, &tokens, |(seq, _)| *seq, after, size);
    let summaries: Vec<Value> = page.iter().map(|(_, t)| summary(t)).collect();
    Ok(call.page(summaries, next))
}

/// A token's metadata; ResourceNotFoundException (as the model names it for this
/// call) when the organization holds no such token.
fn get(dir: &Directory, call: &Call) -> Result<Value, ApiError> {
    let org = active_org(dir, org_id(call))?;
    let id = token_id(call);
    org.tokens
        .iter()
        .find(|t| t.id == id)
        .map(summary)
        .ok_or_else(|| {
            ApiError::new(
                "ResourceNotFoundException",
                format!("personal access token {id} not found"),
            )
        })
}

/// Deletes a token; a token that is not there is no error (the model marks the call
/// idempotent and names no not-found error).
fn delete(dir: &mut Directory, call: &Call) -> Result<Value, ApiError> {
    let org_id = org_id(call).to_string();
    active_org(dir, &org_id)?;
    let id = token_id(call).to_string();
    if let Some(org) = dir.orgs.get_mut(&org_id) {
        org.tokens.retain(|t| t.id != id);
    }
    Ok(json!({}))
}

fn org_id<'c>(call: &'c Call) -> &'c str {
    call.input["OrganizationId"].as_str().unwrap_or_default()
}

fn token_id<'c>(call: &'c Call) -> &'c str {
    call.input["PersonalAccessTokenId"]
        .as_str()
        .unwrap_or_default()
}

/// The organization, if it exists and is active.
fn active_org<'d>(dir: &'d Directory, org_id: &str) -> Result<&'d Organization, ApiError> {
    let org = dir.orgs.get(org_id).ok_or_else(|| {
        ApiError::new(
            "OrganizationNotFoundException",
            format!("organization {org_id} not found"),
        )
    })?;
    if org.state != "Active" {
        return Err(ApiError::new(
            "OrganizationStateException",
            format!("organization {org_id} is {}", org.state),
        ));
    }
    Ok(org)
}

/// The id of the user named by id or email, if it exists and is enabled.
fn enabled_user(org: &Organization, wanted: &str) -> Result<String, ApiError> {
    let user = org
        .users
        .iter()
        .find(|u| u.id == wanted || u.email == wanted)
        .ok_or_else(|| {
            ApiError::new(
                "EntityNotFoundException",
                format!("user {wanted} not found"),
            )
        })?;
    if !user.enabled {
        return Err(ApiError::new(
            "EntityStateException",
            format!("user {wanted} is disabled"),
        ));
    }
    Ok(user.id.clone())
}

/// Every organization, whatever its state (helper: discovery reads the states).
fn list_organizations(dir: &Directory, call: &Call) -> Result<Value, ApiError> {
    let scope = "workmail:organizations";
    let (size, after) = call.paging(scope, DEFAULT_PAGE)?;
    let orgs: Vec<(u64, (&String, &Organization))> = (1..).zip(&dir.orgs).collect();
    let (page, next) = pages::page(scope, &orgs, |(seq, _)| *seq, after, size);
    let items = page
        .iter()
        .map(|(_, (id, org))| {
            json!({
                "OrganizationId": id,
                "Alias": org.alias,
                "DefaultMailDomain": format!("{}.awsapps.com", org.alias),
                "State": org.state,
            })
        })
        .collect();
    Ok(call.page(items, next))
}

/// One organization, whatever its state.
fn describe_organization(dir: &Directory, call: &Call) -> Result<Value, ApiError> {
    let id = org_id(call);
    let org = dir.orgs.get(id).ok_or_else(|| {
        ApiError::new(
            "OrganizationNotFoundException",
            format!("organization {id} not found"),
        )
    })?;
    Ok(json!({
        "OrganizationId": id,
        "Alias": org.alias,
        "State": org.state,
        "DirectoryType": "VpcDirectory",
        "DefaultMailDomain": format!("{}.awsapps.com", org.alias),
        "ARN": format!("arn:aws:workmail:us-east-1:123456789012:organization/{id}"),
    }))
}

/// An active organization's users, enabled or not.
fn list_users(dir: &Directory, call: &Call) -> Result<Value, ApiError> {
    let id = org_id(call);
    let org = active_org(dir, id)?;
    let scope = format!("workmail:users:{id}");
    let (size, after) = call.paging(&scope, DEFAULT_PAGE)?;
    let users: Vec<(u64, &User)> = (1..).zip(&org.users).collect();
    let (page, next) = pages::page(&scope, &users, |(seq, _)| *seq, after, size);
    let items = page
        .iter()
        .map(|(_, u)| {
            let name = u.email.split('@').next().unwrap_or_default();
            json!({
                "Id": u.id,
                "Email": u.email,
                "Name": name,
                "DisplayName": name,
                "State": if u.enabled { "ENABLED" } else { "DISABLED" },
                "UserRole": "USER",
            })
        })
        .collect();
    Ok(call.page(items, next))
}

/// A token as ListPersonalAccessTokens lists it (and GetPersonalAccessTokenMetadata
/// describes it).
fn summary(t: &Pat) -> Value {
    let mut v = json!({
        "PersonalAccessTokenId": t.id,
        "UserId": t.user,
        "Name": t.name,
        "DateCreated": t.created,
        "ExpiresTime": t.expires,
        "Scopes": t.scopes,
    });
    if let Some(last) = t.last_used {
        v["DateLastUsed"] = json!(last);
    }
    v
}

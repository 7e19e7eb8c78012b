//! WorkMail's data, asked of the target: the organizations (ListOrganizations), each
//! active one's tokens (ListPersonalAccessTokens) and users (ListUsers). WorkMail has
//! no API that makes a token, so a run works with the tokens that exist; the only one
//! it may delete is one named [`DISPOSABLE_PREFIX`]… or the one the user names.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::caller::Caller;
use super::{Discovered, Key, Options};

/// How a token a run may delete is named.
pub const DISPOSABLE_PREFIX: &str = "pat-conformance-disposable";

const SERVICE: &str = "workmail";
/// Most pages discovery reads of one listing.
const MAX_PAGES: usize = 50;

/// Every var this file can find.
const VARS: [&str; 11] = [
    "workmail_organization_id",
    "workmail_organization_token_count",
    "workmail_user_id",
    "workmail_token_id",
    "workmail_other_user_id",
    "workmail_other_token_id",
    "workmail_disabled_user_id",
    "workmail_empty_organization_id",
    "workmail_inactive_organization_id",
    "workmail_disposable_organization_id",
    "workmail_disposable_token_id",
];

/// One organization as discovery saw it.
struct Org {
    id: String,
    state: String,
    /// Its tokens, or what the listing answered instead.
    tokens: Result<Vec<Value>, String>,
    users: Vec<Value>,
}

fn text<'v>(v: &'v Value, member: &str) -> &'v str {
    v.get(member).and_then(Value::as_str).unwrap_or_default()
}

fn disposable(token: &Value) -> bool {
    text(token, "Name").starts_with(DISPOSABLE_PREFIX)
}

/// Finds what `asked` names of WorkMail's vars.
pub(super) async fn discover(
    caller: &Caller<'_>,
    have: &BTreeMap<String, Value>,
    asked: &[Key],
    options: &Options,
    out: &mut Discovered,
) {
    let asks = super::asked_of(&VARS, asked);
    if asks.is_empty() || !caller.reaches(SERVICE) {
        return;
    }
    let listed = match caller
        .walk(SERVICE, "ListOrganizations", json!({}), MAX_PAGES)
        .await
    {
        Ok(orgs) => orgs,
        Err(answer) => {
            for v in asks {
                out.missing(
                    Key::Var(v.into()),
                    format!("ListOrganizations {}", answer.describe()),
                );
            }
            return;
        }
    };
    let mut orgs = Vec::new();
    for o in &listed {
        let id = text(o, "OrganizationId").to_string();
        let state = text(o, "State").to_string();
        let (tokens, users) = if state == "Active" {
            let input = json!({ "OrganizationId": id });
            let tokens = caller
                .walk(
                    SERVICE,
                    "ListPersonalAccessTokens",
                    input.clone(),
                    MAX_PAGES,
                )
                .await
                .map_err(|a| format!("ListPersonalAccessTokens {}", a.describe()));
            let users = caller
                .walk(SERVICE, "ListUsers", input, MAX_PAGES)
                .await
                .unwrap_or_default();
            (tokens, users)
        } else {
            (Err(format!("it is {state}")), Vec::new())
        };
        orgs.push(Org {
            id,
            state,
            tokens,
            users,
        });
    }
    let mut found = |key: &str, value: Value, how: String| {
        if asks.contains(&key) {
            out.found(Key::Var(key.into()), value, how);
        }
    };
    let main = choose_main(&orgs, have.get("workmail_organization_id"));
    if let Some((org, how)) = &main {
        found("workmail_organization_id", json!(org.id), how.clone());
        let tokens = org.tokens.as_deref().unwrap_or_default();
        found(
            "workmail_organization_token_count",
            json!(tokens.len()),
            format!(
                "ListPersonalAccessTokens: the {} tokens of that organization (every page)",
                tokens.len()
            ),
        );
        let holders = holders(tokens);
        if let Some((user, ids)) = holders.first() {
            found(
                "workmail_user_id",
                json!(user),
                format!(
                    "ListPersonalAccessTokens: the user holding the most tokens there ({})",
                    ids.len()
                ),
            );
            found(
                "workmail_token_id",
                json!(ids[0]),
                "ListPersonalAccessTokens: that user's first token".into(),
            );
        }
        if let Some((user, ids)) = holders.get(1) {
            found(
                "workmail_other_user_id",
                json!(user),
                "ListPersonalAccessTokens: another user holding tokens there".into(),
            );
            found(
                "workmail_other_token_id",
                json!(ids[0]),
                "ListPersonalAccessTokens: that other user's first token".into(),
            );
        }
        if let Some(u) = org.users.iter().find(|u| text(u, "State") == "DISABLED") {
            found(
                "workmail_disabled_user_id",
                json!(text(u, "Id")),
                "ListUsers: a DISABLED user of that organization".into(),
            );
        }
    }
    let main_id = main.as_ref().map(|(o, _)| o.id.clone());
    if let Some(o) = orgs.iter().find(|o| {
        o.state == "Active"
            && Some(&o.id) != main_id.as_ref()
            && o.tokens.as_ref().is_ok_and(Vec::is_empty)
    }) {
        found(
            "workmail_empty_organization_id",
            json!(o.id),
            "ListOrganizations: an Active organization whose ListPersonalAccessTokens lists none"
                .into(),
        );
    }
    if let Some(o) = orgs
        .iter()
        .find(|o| o.state != "Active" && !o.state.is_empty())
    {
        found(
            "workmail_inactive_organization_id",
            json!(o.id),
            format!("ListOrganizations: an organization that is {}", o.state),
        );
    }
    let mut disposable = find_disposable(&orgs, options.disposable_token.as_deref());
    // Not in the organization the cases count: its deletion would change the count.
    let mut counted = None;
    if let (Some((org, token, _)), Some(m)) = (&disposable, &main_id) {
        if org == m {
            counted = Some(format!(
                "the disposable token {token} is in {org}, the organization the listing cases count: deleting it would change their count; put it in another organization"
            ));
            disposable = None;
        }
    }
    if let Some((org, token, how)) = &disposable {
        found(
            "workmail_disposable_organization_id",
            json!(org),
            how.clone(),
        );
        found("workmail_disposable_token_id", json!(token), how.clone());
    }
    // What was asked and not found, with the reason.
    for v in asks {
        if out.found.iter().any(|f| f.key == Key::Var(v.into())) {
            continue;
        }
        let why = match (&counted, v.starts_with("workmail_disposable_")) {
            (Some(why), true) => why.clone(),
            _ => why_not(v, &orgs, main.as_ref().map(|(o, _)| *o), options),
        };
        out.missing(Key::Var(v.into()), why);
    }
}

/// The organization the cases read: the profile's, else the Active one whose tokens
/// belong to the most users (then the most tokens).
fn choose_main<'o>(orgs: &'o [Org], named: Option<&Value>) -> Option<(&'o Org, String)> {
    if let Some(id) = named.and_then(Value::as_str) {
        return orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| (o, "the profile's organization".to_string()));
    }
    orgs.iter()
        .filter(|o| o.state == "Active")
        .filter_map(|o| {
            let tokens = o.tokens.as_ref().ok()?;
            let users = holders(tokens).len();
            (users > 0).then_some((users, tokens.len(), o))
        })
        // An organization without a disposable token first: deleting it would change
        // the count the listing cases check.
        .max_by_key(|(users, tokens, o)| {
            let apart = !o.tokens.as_deref().unwrap_or_default().iter().any(disposable);
            (apart, *users, *tokens, std::cmp::Reverse(o.id.clone()))
        })
        .map(|(users, tokens, o)| {
            (
                o,
                format!("ListOrganizations: the Active organization whose tokens belong to the most users ({users} users, {tokens} tokens)"),
            )
        })
}

/// The users holding tokens that are not disposable, most tokens first: each with the
/// ids of its tokens, in listing order.
fn holders(tokens: &[Value]) -> Vec<(String, Vec<String>)> {
    let mut by_user: Vec<(String, Vec<String>)> = Vec::new();
    for t in tokens.iter().filter(|t| !disposable(t)) {
        let (user, id) = (text(t, "UserId"), text(t, "PersonalAccessTokenId"));
        if user.is_empty() || id.is_empty() {
            continue;
        }
        match by_user.iter_mut().find(|(u, _)| u == user) {
            Some((_, ids)) => ids.push(id.to_string()),
            None => by_user.push((user.to_string(), vec![id.to_string()])),
        }
    }
    by_user.sort_by_key(|(_, ids)| std::cmp::Reverse(ids.len()));
    by_user
}

/// The token a run may delete: the one the user named, else the first named
/// [`DISPOSABLE_PREFIX`]…; never any other.
fn find_disposable(orgs: &[Org], named: Option<&str>) -> Option<(String, String, String)> {
    for o in orgs {
        for t in o.tokens.as_deref().unwrap_or_default() {
            let id = text(t, "PersonalAccessTokenId");
            let hit = match named {
                Some(n) => id == n,
                None => disposable(t),
            };
            if hit {
                let how = match named {
                    Some(_) => "--disposable-token: the token you named (ListPersonalAccessTokens shows it)".to_string(),
                    None => format!("ListPersonalAccessTokens: the token named `{}` (named {DISPOSABLE_PREFIX}…: the only kind a run deletes)", text(t, "Name")),
                };
                return Some((o.id.clone(), id.to_string(), how));
            }
        }
    }
    None
}

/// Why `var` was not found.
fn why_not(var: &str, orgs: &[Org], main: Option<&Org>, options: &Options) -> String {
    let active = orgs.iter().filter(|o| o.state == "Active").count();
    let listing_failed = orgs
        .iter()
        .find_map(|o| o.tokens.as_ref().err().filter(|_| o.state == "Active"));
    match var {
        "workmail_disposable_organization_id" | "workmail_disposable_token_id" => match &options.disposable_token {
            Some(n) => format!("--disposable-token {n} names no token of an Active organization"),
            None => format!("no token is named {DISPOSABLE_PREFIX}…: a run deletes only such a token (make one, or name one with --disposable-token)"),
        },
        "workmail_inactive_organization_id" => "ListOrganizations lists no organization that is not Active".into(),
        "workmail_empty_organization_id" => "no other Active organization lists no tokens".into(),
        "workmail_disabled_user_id" => match main {
            Some(o) => format!("ListUsers shows no DISABLED user in {}", o.id),
            None => "no organization to look in".into(),
        },
        "workmail_other_user_id" | "workmail_other_token_id" => match main {
            Some(o) => format!("only one user holds tokens in {}", o.id),
            None => "no organization to look in".into(),
        },
        _ => match listing_failed {
            Some(why) if active > 0 => why.clone(),
            _ if active == 0 => format!("ListOrganizations lists no Active organization ({} in all)", orgs.len()),
            _ => "no Active organization holds a token (make one for a user of it)".into(),
        },
    }
}

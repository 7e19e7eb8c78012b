//! IAM's two users, asked of the target: users named `pat-conformance-…` (ListUsers),
//! made by CreateUser only when asked and then tagged [`SUITE_TAG`]; [`remove`]
//! deletes only users so tagged (and their service-specific credentials first).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::caller::{Answer, Caller};
use super::{Discovered, Key, Options};
use crate::runner::Target;
use crate::spec::Contract;

/// The tag key on users `init --create-iam-users` makes (value [`TAG_VALUE`]).
pub const SUITE_TAG: &str = "pat-conformance";
const TAG_VALUE: &str = "made by init; init --remove deletes it";
/// What the users the cases act on are named.
const PREFIX: &str = "pat-conformance-";
/// The names `--create-iam-users` gives, in order.
const NAMES: [&str; 2] = ["pat-conformance-user", "pat-conformance-other"];
const VARS: [&str; 2] = ["iam_user_name", "iam_other_user_name"];
const SERVICE: &str = "iam";
const MAX_PAGES: usize = 50;

/// The users named `pat-conformance-…`: the conventional names first, then by name.
async fn suite_users(caller: &Caller<'_>) -> Result<Vec<String>, Answer> {
    let users = caller
        .walk(SERVICE, "ListUsers", json!({}), MAX_PAGES)
        .await?;
    let mut names: Vec<String> = users
        .iter()
        .filter_map(|u| u.get("UserName").and_then(Value::as_str))
        .filter(|n| n.starts_with(PREFIX))
        .map(str::to_string)
        .collect();
    names.sort_by_key(|n| {
        (
            NAMES.iter().position(|c| c == n).unwrap_or(NAMES.len()),
            n.clone(),
        )
    });
    Ok(names)
}

/// Finds (or, when asked, makes) the users `asked` names.
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
    let mut names = match suite_users(caller).await {
        Ok(n) => n,
        Err(answer) => {
            for v in asks {
                out.missing(
                    Key::Var(v.into()),
                    format!("ListUsers {}", answer.describe()),
                );
            }
            return;
        }
    };
    // Users the profile names already are not handed out twice.
    let taken: Vec<&str> = VARS.iter().filter_map(|v| have.get(*v)?.as_str()).collect();
    names.retain(|n| !taken.contains(&n.as_str()));
    let listed = names.len();
    if options.create_iam_users {
        for name in NAMES {
            if names.len() >= asks.len() {
                break;
            }
            if names.iter().any(|n| n == name) || taken.contains(&name) {
                continue;
            }
            let input = json!({
                "UserName": name,
                "Tags": [{ "Key": SUITE_TAG, "Value": TAG_VALUE }],
            });
            match caller.call(SERVICE, "CreateUser", input).await {
                Answer::Ok(_) => {
                    out.created_users.push(name.to_string());
                    names.push(name.to_string());
                }
                other => {
                    out.missing(
                        Key::Var(asks[names.len()].into()),
                        format!("CreateUser {name} {}", other.describe()),
                    );
                    break;
                }
            }
        }
    }
    for (var, name) in asks.iter().zip(names.iter()) {
        let how = if out.created_users.contains(name) {
            format!("CreateUser (--create-iam-users): made, tagged {SUITE_TAG}")
        } else {
            format!("ListUsers: a user named {PREFIX}…")
        };
        out.found(Key::Var(var.to_string()), json!(name), how);
    }
    for var in asks.iter().skip(names.len()) {
        if out
            .missing
            .iter()
            .any(|m| m.key == Key::Var(var.to_string()))
        {
            continue;
        }
        out.missing(
            Key::Var(var.to_string()),
            format!(
                "ListUsers shows {listed} user(s) named {PREFIX}… and the cases need {}: make them with `init --create-iam-users`, or name yours in the profile",
                asks.len()
            ),
        );
    }
}

/// What [`remove`] did.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    /// Users deleted.
    pub users: Vec<String>,
    /// Their service-specific credentials deleted first.
    pub credentials: usize,
    /// What could not be done, one line each.
    pub problems: Vec<String>,
}

/// Deletes the IAM users `init --create-iam-users` made: named `pat-conformance-…`
/// and tagged [`SUITE_TAG`] (GetUser shows the tags); a user without the tag is never
/// touched. Their service-specific credentials go first (IAM refuses to delete a user
/// holding any).
pub async fn remove(contract: &Contract, target: &Target, timeout: std::time::Duration) -> Removed {
    let mut removed = Removed::default();
    let caller = match Caller::new(contract, target, timeout) {
        Ok(c) => c,
        Err(why) => {
            removed.problems.push(why);
            return removed;
        }
    };
    if !caller.reaches(SERVICE) {
        removed.problems.push("no endpoint for iam".into());
        return removed;
    }
    let names = match suite_users(&caller).await {
        Ok(n) => n,
        Err(a) => {
            removed.problems.push(format!("ListUsers {}", a.describe()));
            return removed;
        }
    };
    for name in names {
        let tagged = match caller
            .call(SERVICE, "GetUser", json!({ "UserName": name }))
            .await
        {
            Answer::Ok(doc) => doc
                .pointer("/User/Tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| {
                    tags.iter()
                        .any(|t| t.get("Key").and_then(Value::as_str) == Some(SUITE_TAG))
                }),
            other => {
                removed
                    .problems
                    .push(format!("GetUser {name} {}", other.describe()));
                continue;
            }
        };
        if !tagged {
            continue;
        }
        let held = caller
            .walk(
                SERVICE,
                "ListServiceSpecificCredentials",
                json!({ "UserName": name }),
                MAX_PAGES,
            )
            .await
            .unwrap_or_default();
        for c in held {
            let Some(id) = c.get("ServiceSpecificCredentialId").and_then(Value::as_str) else {
                continue;
            };
            let input = json!({ "UserName": name, "ServiceSpecificCredentialId": id });
            match caller
                .call(SERVICE, "DeleteServiceSpecificCredential", input)
                .await
            {
                Answer::Ok(_) => removed.credentials += 1,
                other => removed.problems.push(format!(
                    "DeleteServiceSpecificCredential {id} of {name} {}",
                    other.describe()
                )),
            }
        }
        match caller
            .call(SERVICE, "DeleteUser", json!({ "UserName": name }))
            .await
        {
            Answer::Ok(_) => removed.users.push(name),
            other => removed
                .problems
                .push(format!("DeleteUser {name} {}", other.describe())),
        }
    }
    removed
}

//! WorkMail replies that break the contract: members, epoch-second timestamps, error
//! types and statuses, content type.

use serde_json::{json, Value};

use crate::emulator::Reply;
use crate::mutants::edit::{self, body, ok};
use crate::mutants::hook::{error_named, is, on_reply};
use crate::mutants::workmail as wm;
use crate::mutants::{mode, Class, Mode};

fn wm_timestamps(f: impl Fn(f64) -> Value + Send + Sync + 'static) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        wm::summaries(r, |item| {
            for key in ["DateCreated", "DateLastUsed", "ExpiresTime"] {
                if let Some(t) = item.get(key).and_then(Value::as_f64) {
                    item.insert(key.into(), f(t));
                }
            }
        })
    }
}

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "wm-error-omits-type",
            RequiredMember,
            "WorkMail errors carry no __type, so SDKs \
            cannot tell them apart",
            &["wm-unknown-organization", "wm-disabled-user"],
            on_reply(is(wm::LIST), |r| {
                if !ok(r) {
                    body(r, |v| {
                        v.as_object_mut().map(|o| o.remove("__type"));
                    })
                }
            }),
        ),
        mode(
            "wm-timestamps-in-milliseconds",
            TypeOrFormat,
            "WorkMail timestamps are epoch \
            milliseconds",
            &["wm-timestamps-are-epoch-seconds"],
            on_reply(is(wm::LIST), wm_timestamps(|t| json!(t * 1000.0))),
        ),
        mode(
            "wm-timestamps-as-strings",
            TypeOrFormat,
            "WorkMail timestamps are RFC 3339 \
            strings (restJson style)",
            &["wm-timestamps-are-epoch-seconds", "wm-list-organization"],
            on_reply(
                is(wm::LIST),
                wm_timestamps(|t| {
                    json!(format!(
                        "{}",
                        time::OffsetDateTime::from_unix_timestamp(t as i64)
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ))
                }),
            ),
        ),
        mode(
            "wm-scopes-as-string",
            TypeOrFormat,
            "WorkMail Scopes is a comma-separated string \
            instead of a list",
            &["wm-list-organization", "wm-scopes-listed"],
            on_reply(is(wm::LIST), |r| {
                wm::summaries(r, |i| {
                    if let Some(list) = i.get("Scopes").and_then(Value::as_array) {
                        let joined: Vec<String> = list
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect();
                        i.insert("Scopes".into(), json!(joined.join(",")));
                    }
                })
            }),
        ),
        mode(
            "wm-scopes-empty",
            ResponseConstraint,
            "WorkMail Scopes is an empty list (model \
            1..10 items)",
            &["wm-list-organization", "wm-scopes-listed"],
            on_reply(is(wm::LIST), |r| {
                wm::summaries(r, |i| {
                    i.insert("Scopes".into(), json!([]));
                })
            }),
        ),
        mode(
            "wm-errors-as-500",
            ErrorStatusOrType,
            "WorkMail client errors travel as 500",
            &["wm-unknown-organization"],
            on_reply(is(wm::LIST), |r| {
                if !ok(r) {
                    r.status = 500
                }
            }),
        ),
        mode(
            "wm-org-not-found-as-entity-not-found",
            ErrorStatusOrType,
            "an unknown \
            organization is reported as EntityNotFoundException",
            &["wm-unknown-organization"],
            on_reply(
                is(wm::LIST),
                error_named("OrganizationNotFoundException", |r| {
                    edit::rename_error(r, "EntityNotFoundException")
                }),
            ),
        ),
        mode(
            "wm-get-not-found-as-entity-not-found",
            ErrorStatusOrType,
            "an unknown token is \
            EntityNotFoundException (ListPersonalAccessTokens' error) instead of the \
            ResourceNotFoundException GetPersonalAccessTokenMetadata models",
            &[
                "wm-get-unknown-token",
                "gen-get-personal-access-token-metadata-personal-access-token-id-length-max",
            ],
            on_reply(
                is(wm::GET),
                error_named("ResourceNotFoundException", |r| {
                    edit::rename_error(r, "EntityNotFoundException")
                }),
            ),
        ),
        mode(
            "wm-get-org-errors-as-500",
            ErrorStatusOrType,
            "GetPersonalAccessTokenMetadata's \
            organization errors travel as 500",
            &[
                "wm-get-unknown-organization",
                "wm-get-inactive-organization",
            ],
            on_reply(is(wm::GET), |r| {
                if !ok(r) {
                    r.status = 500
                }
            }),
        ),
        mode(
            "wm-get-timestamps-in-milliseconds",
            TypeOrFormat,
            "GetPersonalAccessTokenMetadata timestamps are epoch milliseconds",
            &[
                "wm-get-timestamps-are-epoch-seconds",
                "wm-get-matches-listing",
            ],
            on_reply(is(wm::GET), |r| {
                wm::tokens(wm::GET, r, |t| {
                    for key in ["DateCreated", "DateLastUsed", "ExpiresTime"] {
                        if let Some(n) = t.get(key).and_then(Value::as_f64) {
                            t.insert(key.into(), json!(n * 1000.0));
                        }
                    }
                })
            }),
        ),
        mode(
            "wm-served-as-application-json",
            ContentType,
            "WorkMail answers application/json \
            instead of application/x-amz-json-1.1",
            &["wm-list-organization"],
            on_reply(is(wm::LIST), |r| {
                r.set_header("content-type", "application/json")
            }),
        ),
    ]
}

//! Deviations in what a reply looks like: statuses, members, types, constraints, error
//! shapes and content types.

use crate::emulator::Request;
use serde_json::{json, Value};

use super::edit::{self, body, error_type, items, ok, op, Op};
use super::{mode, Class, Mode};
use crate::emulator::Reply;

/// A deviation that rewrites the replies of `which` operations.
fn on_reply(
    which: impl Fn(Op) -> bool + Send + Sync + 'static,
    f: impl Fn(&mut Reply) + Send + Sync + 'static,
) -> impl crate::emulator::Middleware {
    move |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let mut reply = inner(req);
        if which(op(req)) {
            f(&mut reply);
        }
        reply
    }
}

fn success(f: impl Fn(&mut Value) + Send + Sync + 'static) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        if ok(r) {
            body(r, &f);
        }
    }
}

fn is(o: Op) -> impl Fn(Op) -> bool {
    move |x| x == o
}

fn error_named(name: &'static str, f: impl Fn(&mut Reply) + Send + Sync) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        if error_type(r).as_deref() == Some(name) {
            f(r);
        }
    }
}

fn wm_timestamps(f: impl Fn(f64) -> Value + Send + Sync + 'static) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        items(r, |item| {
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
        // Success status.
        mode(
            "create-answers-200",
            SuccessStatus,
            "CreateAccessToken succeeds with 200 instead \
            of the modelled 201",
            &["create-returns-documented-members"],
            on_reply(is(Op::Create), |r| {
                if r.status == 201 {
                    r.status = 200
                }
            }),
        ),
        mode(
            "delete-answers-204",
            SuccessStatus,
            "DeleteAccessToken succeeds with 204 and no \
            body instead of 200 {}",
            &["delete-lifecycle", "delete-twice-not-found"],
            on_reply(is(Op::Delete), |r| {
                if r.status == 200 {
                    r.status = 204;
                    r.body.clear();
                    r.remove_header("content-type")
                }
            }),
        ),
        mode(
            "empty-list-answers-204",
            SuccessStatus,
            "an empty listing answers 204 with no body",
            &[
                "wm-empty-organization",
                "wm-empty-organization-no-next-token",
            ],
            on_reply(
                |o| matches!(o, Op::List | Op::WmList),
                |r| {
                    let empty = r.json_body().is_some_and(|v| {
                        ["items", "PersonalAccessTokenSummaries"].iter().any(|k| {
                            v.get(*k)
                                .and_then(Value::as_array)
                                .is_some_and(Vec::is_empty)
                        })
                    });
                    if ok(r) && empty {
                        r.status = 204;
                        r.body.clear();
                        r.remove_header("content-type")
                    }
                },
            ),
        ),
        // Required members.
        mode(
            "create-omits-secret",
            RequiredMember,
            "CreateAccessToken leaves out the required \
            secret",
            &["create-returns-documented-members"],
            on_reply(
                is(Op::Create),
                success(|v| {
                    v.as_object_mut().map(|o| o.remove("secret"));
                }),
            ),
        ),
        mode(
            "create-omits-access-token-id",
            RequiredMember,
            "CreateAccessToken leaves out the \
            required accessTokenId",
            &["create-returns-documented-members", "create-ids-are-unique"],
            on_reply(
                is(Op::Create),
                success(|v| {
                    v.as_object_mut().map(|o| o.remove("accessTokenId"));
                }),
            ),
        ),
        mode(
            "list-omits-empty-items",
            RequiredMember,
            "ListAccessTokens leaves out the \
            required items when there are none",
            &["list-only-own-tokens"],
            on_reply(
                is(Op::List),
                success(|v| {
                    if v["items"].as_array().is_some_and(Vec::is_empty) {
                        v.as_object_mut().map(|o| o.remove("items"));
                    }
                }),
            ),
        ),
        mode(
            "list-items-omit-name",
            RequiredMember,
            "list items leave out the required name",
            &["list-contains-created-token", "list-non-ascii-name-listed"],
            on_reply(is(Op::List), |r| {
                if ok(r) {
                    items(r, |i| {
                        i.remove("name");
                    })
                }
            }),
        ),
        mode(
            "wm-error-omits-type",
            RequiredMember,
            "WorkMail errors carry no __type, so SDKs \
            cannot tell them apart",
            &["wm-unknown-organization", "wm-disabled-user"],
            on_reply(is(Op::WmList), |r| {
                if !ok(r) {
                    body(r, |v| {
                        v.as_object_mut().map(|o| o.remove("__type"));
                    })
                }
            }),
        ),
        // Types and timestamp formats.
        mode(
            "create-expiry-epoch-seconds",
            TypeOrFormat,
            "CreateAccessToken writes \
            expiresTime as epoch seconds (awsJson style) instead of RFC 3339",
            &[
                "create-returns-documented-members",
                "create-default-expiry-one-year",
            ],
            on_reply(
                is(Op::Create),
                success(|v| {
                    if let Some(t) = v["expiresTime"].as_str().and_then(|s| {
                        time::OffsetDateTime::parse(
                            s,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                    }) {
                        v["expiresTime"] = json!(t.unix_timestamp());
                    }
                }),
            ),
        ),
        mode(
            "list-expiry-without-offset",
            TypeOrFormat,
            "list items write expiresTime without \
            a time zone (2027-01-01T00:00:00)",
            &["list-contains-created-token"],
            on_reply(is(Op::List), |r| {
                if ok(r) {
                    items(r, |i| {
                        if let Some(s) = i.get("expiresTime").and_then(Value::as_str) {
                            let s = s.trim_end_matches('Z').to_string();
                            i.insert("expiresTime".into(), json!(s));
                        }
                    })
                }
            }),
        ),
        mode(
            "create-id-as-number",
            TypeOrFormat,
            "CreateAccessToken writes accessTokenId as a \
            JSON number",
            &["create-returns-documented-members"],
            on_reply(
                is(Op::Create),
                success(|v| v["accessTokenId"] = json!(12345)),
            ),
        ),
        mode(
            "wm-timestamps-in-milliseconds",
            TypeOrFormat,
            "WorkMail timestamps are epoch \
            milliseconds",
            &["wm-timestamps-are-epoch-seconds"],
            on_reply(is(Op::WmList), wm_timestamps(|t| json!(t * 1000.0))),
        ),
        mode(
            "wm-timestamps-as-strings",
            TypeOrFormat,
            "WorkMail timestamps are RFC 3339 \
            strings (restJson style)",
            &["wm-timestamps-are-epoch-seconds", "wm-list-organization"],
            on_reply(
                is(Op::WmList),
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
            on_reply(is(Op::WmList), |r| {
                items(r, |i| {
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
        // Constraints on output members.
        mode(
            "create-secret-empty",
            ResponseConstraint,
            "CreateAccessToken returns an empty \
            secret (model length 1..4000)",
            &["create-returns-documented-members"],
            on_reply(is(Op::Create), success(|v| v["secret"] = json!(""))),
        ),
        mode(
            "create-id-over-36-characters",
            ResponseConstraint,
            "accessTokenId longer than \
            the model's 36 characters",
            &["create-returns-documented-members"],
            on_reply(
                is(Op::Create),
                success(|v| {
                    if let Some(id) = v["accessTokenId"].as_str() {
                        v["accessTokenId"] = json!(format!("{id}-with-a-suffix"));
                    }
                }),
            ),
        ),
        mode(
            "wm-scopes-empty",
            ResponseConstraint,
            "WorkMail Scopes is an empty list (model \
            1..10 items)",
            &["wm-list-organization", "wm-scopes-listed"],
            on_reply(is(Op::WmList), |r| {
                items(r, |i| {
                    i.insert("Scopes".into(), json!([]));
                })
            }),
        ),
        // Error status and type.
        mode(
            "not-found-as-400",
            ErrorStatusOrType,
            "ResourceNotFoundException travels as 400 \
            instead of 404",
            &["delete-unknown-id"],
            on_reply(
                edit::is_codecatalyst_op,
                error_named("ResourceNotFoundException", |r| r.status = 400),
            ),
        ),
        mode(
            "access-denied-as-401",
            ErrorStatusOrType,
            "AccessDeniedException travels as 401 \
            instead of 403",
            &["gen-create-access-token-no-auth"],
            on_reply(
                edit::is_codecatalyst_op,
                error_named("AccessDeniedException", |r| r.status = 401),
            ),
        ),
        mode(
            "validation-named-bad-request",
            ErrorStatusOrType,
            "input errors are called \
            BadRequestException, which the model does not know",
            &["gen-create-access-token-name-length-above-max"],
            on_reply(
                edit::is_codecatalyst_op,
                error_named("ValidationException", |r| {
                    edit::rename_error(r, "BadRequestException")
                }),
            ),
        ),
        mode(
            "quota-as-429",
            ErrorStatusOrType,
            "ServiceQuotaExceededException travels as 429 \
            instead of 402",
            &["create-quota-exceeded"],
            on_reply(
                is(Op::Create),
                error_named("ServiceQuotaExceededException", |r| r.status = 429),
            ),
        ),
        mode(
            "wm-errors-as-500",
            ErrorStatusOrType,
            "WorkMail client errors travel as 500",
            &["wm-unknown-organization"],
            on_reply(is(Op::WmList), |r| {
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
                is(Op::WmList),
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
                is(Op::WmGet),
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
            on_reply(is(Op::WmGet), |r| {
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
            on_reply(is(Op::WmGet), |r| {
                edit::wm_tokens(Op::WmGet, r, |t| {
                    for key in ["DateCreated", "DateLastUsed", "ExpiresTime"] {
                        if let Some(n) = t.get(key).and_then(Value::as_f64) {
                            t.insert(key.into(), json!(n * 1000.0));
                        }
                    }
                })
            }),
        ),
        // Content type.
        mode(
            "json-served-as-text-plain",
            ContentType,
            "CodeCatalyst bodies are sent as text/plain",
            &["create-returns-documented-members"],
            on_reply(edit::is_codecatalyst_op, |r| {
                if !r.body.is_empty() {
                    r.set_header("content-type", "text/plain")
                }
            }),
        ),
        mode(
            "wm-served-as-application-json",
            ContentType,
            "WorkMail answers application/json \
            instead of application/x-amz-json-1.1",
            &["wm-list-organization"],
            on_reply(is(Op::WmList), |r| {
                r.set_header("content-type", "application/json")
            }),
        ),
    ]
}

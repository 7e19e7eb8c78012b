//! CodeCatalyst behaviour that breaks the contract: validation skipped, pages
//! mis-sized, tokens that are not created or not deleted (or deleted too widely).

use serde_json::{json, Value};

use crate::emulator::{Reply, Request};
use crate::mutants::codecatalyst as cc;
use crate::mutants::edit::{auth, body, input, ok, op, with_input};
use crate::mutants::hook::{is, on_request, Inner};
use crate::mutants::{mode, Class, Mode};

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "name-length-truncated",
            InputValidation,
            "names over 100 characters are silently cut to 100 \
            instead of rejected",
            &["gen-create-access-token-name-length-above-max"],
            on_request(is(cc::CREATE), |r| {
                with_input(r, |i| {
                    if let Some(n) = i.get("name").and_then(Value::as_str) {
                        if n.chars().count() > 100 {
                            let cut: String = n.chars().take(100).collect();
                            i.insert("name".into(), json!(cut));
                        }
                    }
                })
            }),
        ),
        mode(
            "name-required-unchecked",
            InputValidation,
            "a create without a name gets the name `unnamed` \
            instead of a ValidationException",
            &["gen-create-access-token-name-missing"],
            on_request(is(cc::CREATE), |r| {
                with_input(r, |i| {
                    i.entry("name").or_insert(json!("unnamed"));
                })
            }),
        ),
        mode(
            "past-expiry-accepted",
            InputValidation,
            "an expiresTime in the past is ignored (default \
            expiry) instead of rejected",
            &["create-expiry-in-the-past"],
            on_request(is(cc::CREATE), |r| {
                with_input(r, |i| {
                    let past = i
                        .get("expiresTime")
                        .and_then(Value::as_str)
                        .and_then(|s| {
                            time::OffsetDateTime::parse(
                                s,
                                &time::format_description::well_known::Rfc3339,
                            )
                            .ok()
                        })
                        .is_some_and(|t| t < time::OffsetDateTime::now_utc());
                    if past {
                        i.remove("expiresTime");
                    }
                })
            }),
        ),
        mode(
            "max-results-clamped",
            InputValidation,
            "maxResults over 10 is clamped to 10 instead of rejected",
            &["gen-list-access-tokens-max-results-range-above-max"],
            on_request(is(cc::LIST), |r| {
                with_input(r, |i| {
                    if i.get("maxResults")
                        .and_then(Value::as_i64)
                        .is_some_and(|n| n > 10)
                    {
                        i.insert("maxResults".into(), json!(10));
                    }
                })
            }),
        ),
        mode(
            "list-ignores-max-results",
            Pagination,
            "ListAccessTokens ignores maxResults and returns every token at once",
            &["list-max-results-one"],
            on_request(is(cc::LIST), |r| {
                with_input(r, |i| {
                    i.remove("maxResults");
                })
            }),
        ),
        mode(
            "pages-overlap",
            Pagination,
            "every page after the first repeats the first item of the listing",
            &["list-walks-every-page", "list-next-token-moves-on"],
            |req: &Request, inner: Inner| {
                let mut reply = inner(req);
                if op(req) == cc::LIST && ok(&reply) && input(req, "nextToken").is_some() {
                    let first = inner(&with_input(req, |i| {
                        i.remove("nextToken");
                        i.insert("maxResults".into(), json!(1));
                    }));
                    if let Some(item) = first.json_body().and_then(|v| v["items"].get(0).cloned()) {
                        body(&mut reply, |v| {
                            if let Some(list) = v["items"].as_array_mut() {
                                list.insert(0, item);
                            }
                        });
                    }
                }
                reply
            },
        ),
        mode(
            "delete-is-noop",
            State,
            "DeleteAccessToken answers 200 but deletes nothing",
            &["delete-lifecycle", "delete-unknown-id"],
            |req: &Request, inner: Inner| {
                if op(req) == cc::DELETE
                    && auth(req).is_some_and(|a| a.starts_with("Bearer "))
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                inner(req)
            },
        ),
        mode(
            "create-not-persisted",
            State,
            "CreateAccessToken answers 201 but the token is never stored",
            &["list-contains-created-token", "delete-lifecycle"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == cc::CREATE && reply.status == 201 {
                    if let Some(id) = reply
                        .json_body()
                        .and_then(|v| v["accessTokenId"].as_str().map(str::to_string))
                    {
                        inner(&cc::call(
                            req,
                            "DELETE",
                            &format!("/v1/accessTokens/{id}"),
                            Value::Null,
                            None,
                        ));
                    }
                }
                reply
            },
        ),
        mode(
            "delete-twice-succeeds",
            State,
            "deleting a token that is gone answers 200 instead of ResourceNotFoundException",
            &["delete-twice-not-found", "delete-unknown-id"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == cc::DELETE
                    && reply.status == 404
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                reply
            },
        ),
        mode(
            "quota-not-enforced",
            State,
            "creates beyond the quota answer 201 (with a token that is never stored)",
            &["create-quota-exceeded", "create-up-to-declared-quota"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == cc::CREATE
                    && reply.status == 402
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    let name = input(req, "name").unwrap_or(json!("unnamed"));
                    let expires = (time::OffsetDateTime::now_utc() + time::Duration::days(365))
                        .replace_nanosecond(0)
                        .ok()
                        .and_then(|t| {
                            t.format(&time::format_description::well_known::Rfc3339)
                                .ok()
                        });
                    return Reply::json(
                        201,
                        &json!({
                            "secret": "s".repeat(40),
                            "name": name,
                            "expiresTime": expires,
                            "accessTokenId": uuid::Uuid::new_v4().to_string()
                        }),
                        "application/json",
                    );
                }
                reply
            },
        ),
        mode(
            "delete-removes-all-tokens",
            State,
            "DeleteAccessToken deletes every token of the caller, not just the one named",
            &["delete-removes-only-that-token"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == cc::DELETE && ok(&reply) {
                    for item in cc::all_ids(req, inner, None) {
                        if let Some(id) = item["id"].as_str() {
                            inner(&cc::call(
                                req,
                                "DELETE",
                                &format!("/v1/accessTokens/{id}"),
                                Value::Null,
                                None,
                            ));
                        }
                    }
                }
                reply
            },
        ),
    ]
}

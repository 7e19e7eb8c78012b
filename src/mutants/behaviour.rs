//! Deviations in what a target does: validation it skips, pagination it gets wrong,
//! state it fails to change (or changes too much), isolation, auth and secrets.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{json, Value};
use wiremock::Request;

use super::edit::{
    self, body, error_type, input, items, listing, ok, op, with_header, with_input, Mw, Op,
};
use super::{mode, Class, Mode};
use crate::emulator::{Middleware, Reply};

type Inner<'a> = &'a dyn Fn(&Request) -> Reply;

/// A deviation that rewrites the requests of `which` before the emulator sees them.
fn on_request(
    which: impl Fn(Op) -> bool + Send + Sync + 'static,
    f: impl Fn(&Request) -> Request + Send + Sync + 'static,
) -> impl Middleware {
    Mw(move |req: &Request, inner: Inner| {
        if which(op(req)) {
            inner(&f(req))
        } else {
            inner(req)
        }
    })
}

fn is(o: Op) -> impl Fn(Op) -> bool {
    move |x| x == o
}

fn auth(req: &Request) -> Option<String> {
    req.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A CodeCatalyst call as `authorization`.
fn call(
    req: &Request,
    method: &str,
    path: &str,
    body: Value,
    authorization: Option<&str>,
) -> Request {
    let mut r = req.clone();
    r.method = method.parse().unwrap_or(r.method);
    r.url.set_path(path);
    r.body = if body.is_null() {
        vec![]
    } else {
        body.to_string().into_bytes()
    };
    r.headers.remove("x-pat-conformance-fault");
    if let Some(a) = authorization.and_then(|a| a.parse().ok()) {
        r.headers.insert("authorization", a);
    }
    if !r.body.is_empty() {
        r.headers.insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
    }
    r
}

/// Every token id the caller of `req` has, walking the pages.
fn all_ids(req: &Request, inner: Inner, authorization: Option<&str>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..100 {
        let mut input = json!({"maxResults": 10});
        if let Some(t) = &next {
            input["nextToken"] = json!(t);
        }
        let reply = inner(&call(req, "POST", "/v1/accessTokens", input, authorization));
        let Some(v) = reply.json_body() else { break };
        out.extend(v["items"].as_array().cloned().unwrap_or_default());
        next = v["nextToken"].as_str().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    out
}

fn wm_error(name: &str, message: &str) -> Reply {
    Reply::json(
        400,
        &json!({"__type": name, "Message": message}),
        "application/x-amz-json-1.1",
    )
}

pub(super) fn modes() -> Vec<Mode> {
    let mut modes = validation();
    modes.extend(pagination());
    modes.extend(state());
    modes.extend(isolation_auth_secret());
    modes.extend(signatures());
    modes
}

/// SigV4 checked less than AWS checks it (the emulator's own setting, no rewrite).
fn signatures() -> Vec<Mode> {
    let with = |name, what, killers, signatures| Mode {
        name,
        class: Class::Auth,
        what,
        killers,
        config: crate::emulator::EmulatorConfig {
            signatures,
            ..Default::default()
        },
        middleware: None,
    };
    vec![
        with(
            "wm-signature-not-verified",
            "WorkMail accepts any well-formed SigV4 header, even one signed with a wrong \
                secret key",
            &["gen-list-personal-access-tokens-wrong-secret"],
            crate::emulator::SignatureCheck::Off,
        ),
        with(
            "wm-stale-signature-accepted",
            "WorkMail accepts a valid signature made 20 minutes ago (AWS allows 15)",
            &["gen-list-personal-access-tokens-stale-signature"],
            crate::emulator::SignatureCheck::IgnoreTime,
        ),
    ]
}

fn validation() -> Vec<Mode> {
    use Class::InputValidation as V;
    vec![
        mode(
            "name-length-truncated",
            V,
            "names over 100 characters are silently cut to 100 \
            instead of rejected",
            &["gen-create-access-token-name-length-above-max"],
            on_request(is(Op::Create), |r| {
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
            V,
            "a create without a name gets the name `unnamed` \
            instead of a ValidationException",
            &["gen-create-access-token-name-missing"],
            on_request(is(Op::Create), |r| {
                with_input(r, |i| {
                    i.entry("name").or_insert(json!("unnamed"));
                })
            }),
        ),
        mode(
            "past-expiry-accepted",
            V,
            "an expiresTime in the past is ignored (default \
            expiry) instead of rejected",
            &["create-expiry-in-the-past"],
            on_request(is(Op::Create), |r| {
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
            V,
            "maxResults over 10 is clamped to 10 instead of rejected",
            &["gen-list-access-tokens-max-results-range-above-max"],
            on_request(is(Op::List), |r| {
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
            "wm-max-results-clamped",
            V,
            "MaxResults outside 1..100 is clamped instead of \
            rejected",
            &[
                "gen-list-personal-access-tokens-max-results-range-below-min",
                "gen-list-personal-access-tokens-max-results-range-above-max",
            ],
            on_request(is(Op::WmList), |r| {
                with_input(r, |i| {
                    if let Some(n) = i.get("MaxResults").and_then(Value::as_i64) {
                        i.insert("MaxResults".into(), json!(n.clamp(1, 100)));
                    }
                })
            }),
        ),
        mode(
            "wm-organization-id-unchecked",
            V,
            "a malformed OrganizationId is looked up \
            (OrganizationNotFoundException) instead of rejected",
            &[
                "gen-list-personal-access-tokens-organization-id-pattern-violation",
                "gen-list-personal-access-tokens-organization-id-length-above-max",
            ],
            Mw(|req: &Request, inner: Inner| {
                let org = input(req, "OrganizationId");
                let well_formed = org.as_ref().and_then(Value::as_str).is_some_and(|o| {
                    o.len() == 34
                        && o.starts_with("m-")
                        && o[2..]
                            .chars()
                            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                });
                if op(req) == Op::WmList
                    && org.as_ref().is_some_and(Value::is_string)
                    && !well_formed
                {
                    return wm_error("OrganizationNotFoundException", "organization not found");
                }
                inner(req)
            }),
        ),
    ]
}

/// An off-by-one cursor: with pages of two or more, every page after the first starts
/// with the last item of the page before (with pages of one it would never end, so it
/// is right there).
fn repeat_at_boundary() -> impl Middleware {
    let last_item_of: Mutex<BTreeMap<String, Value>> = Mutex::default();
    Mw(move |req: &Request, inner: Inner| {
        let Some(pages) = listing(req) else {
            return inner(req);
        };
        let (size_key, items_key) = (pages.limit_key.as_str(), pages.items.as_str());
        let token = input(req, &pages.input_token).and_then(|t| t.as_str().map(str::to_string));
        let size = input(req, size_key).and_then(|s| s.as_u64());
        let remembered = token.and_then(|t| {
            last_item_of
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&t)
                .cloned()
        });
        let (req, repeated) = match (remembered, size) {
            (Some(item), Some(size)) if size >= 2 => (
                with_input(req, |i| {
                    i.insert(size_key.into(), json!(size - 1));
                }),
                Some(item),
            ),
            _ => (req.clone(), None),
        };
        let mut reply = inner(&req);
        if ok(&reply) {
            body(&mut reply, |v| {
                if let (Some(item), Some(list)) = (repeated, v[items_key].as_array_mut()) {
                    list.insert(0, item);
                }
                if let (Some(next), Some(last)) = (
                    v.get(&pages.output_token).and_then(Value::as_str),
                    v[items_key].as_array().and_then(|l| l.last()),
                ) {
                    last_item_of
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(next.to_string(), last.clone());
                }
            });
        }
        reply
    })
}

/// The last page with items carries a token, which leads to an empty page.
fn trailing_token() -> impl Middleware {
    const TRAILING: &str = "trailing-token-to-an-empty-page";
    Mw(|req: &Request, inner: Inner| {
        let Some(pages) = listing(req) else {
            return inner(req);
        };
        let (token_in, token_out) = (pages.input_token.as_str(), pages.output_token.as_str());
        let items_key = pages.items.as_str();
        let trailing = input(req, token_in).is_some_and(|t| t.as_str() == Some(TRAILING));
        if trailing {
            let mut reply = inner(&with_input(req, |i| {
                i.remove(token_in);
            }));
            body(&mut reply, |v| {
                v[items_key] = json!([]);
                if let Some(o) = v.as_object_mut() {
                    o.remove(token_out);
                }
            });
            return reply;
        }
        let mut reply = inner(req);
        if ok(&reply) {
            body(&mut reply, |v| {
                let has_items = v[items_key].as_array().is_some_and(|l| !l.is_empty());
                if v.get(token_out).is_none() && has_items {
                    v[token_out] = json!(TRAILING);
                }
            });
        }
        reply
    })
}

fn pagination() -> Vec<Mode> {
    use Class::Pagination as P;
    const RESTART: &str = "restart-from-the-top";
    vec![
        mode(
            "pages-repeat-last-item",
            P,
            "an off-by-one cursor: with pages of 2 or more, each page repeats the last item of \
                the page before",
            &[
                "list-walks-at-page-sizes-1-2-3-10",
                "wm-walks-at-page-sizes-1-2-3-100",
            ],
            repeat_at_boundary(),
        ),
        mode(
            "trailing-token",
            P,
            "the last page with items carries a token that leads to an empty page",
            &[
                "list-walks-at-page-sizes-1-2-3-10",
                "list-walks-every-page",
                "wm-walks-at-page-sizes-1-2-3-100",
                "wm-walks-every-summary-once",
            ],
            trailing_token(),
        ),
        mode(
            "list-ignores-max-results",
            P,
            "ListAccessTokens ignores maxResults and returns every token at once",
            &["list-max-results-one"],
            on_request(is(Op::List), |r| {
                with_input(r, |i| {
                    i.remove("maxResults");
                })
            }),
        ),
        mode(
            "wm-ignores-max-results",
            P,
            "ListPersonalAccessTokens ignores MaxResults",
            &["wm-max-results-one"],
            on_request(is(Op::WmList), |r| {
                with_input(r, |i| {
                    i.remove("MaxResults");
                })
            }),
        ),
        mode(
            "last-page-restarts",
            P,
            "the last page carries a nextToken that starts the listing over",
            &["list-walks-every-page", "wm-walks-every-summary-once"],
            Mw(|req: &Request, inner: Inner| {
                let (token, listing) = match op(req) {
                    Op::List => ("nextToken", true),
                    Op::WmList => ("NextToken", true),
                    _ => ("", false),
                };
                if !listing {
                    return inner(req);
                }
                let restart = input(req, token)
                    .and_then(|t| t.as_str().map(|t| t == RESTART))
                    .unwrap_or(false);
                let req = if restart {
                    with_input(req, |i| {
                        i.remove(token);
                    })
                } else {
                    req.clone()
                };
                let mut reply = inner(&req);
                if ok(&reply) {
                    body(&mut reply, |v| {
                        if v.get(token).is_none() {
                            v[token] = json!(RESTART);
                        }
                    });
                }
                reply
            }),
        ),
        mode(
            "pages-overlap",
            P,
            "every page after the first repeats the first item of the listing",
            &["list-walks-every-page", "list-next-token-moves-on"],
            Mw(|req: &Request, inner: Inner| {
                let mut reply = inner(req);
                if op(req) == Op::List && ok(&reply) && input(req, "nextToken").is_some() {
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
            }),
        ),
        mode(
            "wm-next-token-ignored",
            P,
            "NextToken is ignored: every call returns the first page",
            &["wm-walks-every-summary-once", "wm-next-token-moves-on"],
            on_request(is(Op::WmList), |r| {
                with_input(r, |i| {
                    i.remove("NextToken");
                })
            }),
        ),
        mode(
            "wm-unknown-next-token-restarts",
            P,
            "a NextToken the service never issued starts over instead of being rejected",
            &["wm-unknown-next-token"],
            Mw(|req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::WmList
                    && error_type(&reply).as_deref() == Some("InvalidParameterException")
                    && input(req, "NextToken").is_some()
                {
                    return inner(&with_input(req, |i| {
                        i.remove("NextToken");
                    }));
                }
                reply
            }),
        ),
    ]
}

fn state() -> Vec<Mode> {
    use Class::State as S;
    vec![
        mode(
            "wm-delete-is-noop",
            S,
            "DeletePersonalAccessToken answers {} but deletes nothing",
            &["wm-delete-then-gone"],
            Mw(|req: &Request, inner: Inner| {
                if op(req) == Op::WmDelete && !req.headers.contains_key("x-pat-conformance-fault") {
                    let reply = inner(&with_header(
                        req,
                        "x-amz-target",
                        "WorkMailService.GetPersonalAccessTokenMetadata",
                    ));
                    if ok(&reply) {
                        return Reply::json(200, &json!({}), "application/x-amz-json-1.1");
                    }
                }
                inner(req)
            }),
        ),
        mode(
            "wm-delete-absent-not-found",
            S,
            "deleting a token that does not exist answers ResourceNotFoundException, an error \
                the model does not list for the call",
            &["wm-delete-absent-succeeds"],
            Mw(|req: &Request, inner: Inner| {
                if op(req) == Op::WmDelete && !req.headers.contains_key("x-pat-conformance-fault") {
                    let probe = inner(&with_header(
                        req,
                        "x-amz-target",
                        "WorkMailService.GetPersonalAccessTokenMetadata",
                    ));
                    if error_type(&probe).as_deref() == Some("ResourceNotFoundException") {
                        return probe;
                    }
                }
                inner(req)
            }),
        ),
        mode(
            "wm-get-names-the-caller",
            S,
            "GetPersonalAccessTokenMetadata names the organization's first user as every \
                token's owner",
            &["wm-get-other-users-token"],
            Mw(|req: &Request, inner: Inner| {
                let mut reply = inner(req);
                if op(req) == Op::WmGet && ok(&reply) {
                    edit::wm_tokens(Op::WmGet, &mut reply, |t| {
                        t.insert(
                            "UserId".into(),
                            json!("a1b2c3d4-0000-4000-8000-00000000a11c"),
                        );
                    });
                }
                reply
            }),
        ),
        mode(
            "delete-is-noop",
            S,
            "DeleteAccessToken answers 200 but deletes nothing",
            &["delete-lifecycle", "delete-unknown-id"],
            Mw(|req: &Request, inner: Inner| {
                if op(req) == Op::Delete
                    && auth(req).is_some_and(|a| a.starts_with("Bearer "))
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                inner(req)
            }),
        ),
        mode(
            "create-not-persisted",
            S,
            "CreateAccessToken answers 201 but the token is never stored",
            &["list-contains-created-token", "delete-lifecycle"],
            Mw(|req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Create && reply.status == 201 {
                    if let Some(id) = reply
                        .json_body()
                        .and_then(|v| v["accessTokenId"].as_str().map(str::to_string))
                    {
                        inner(&call(
                            req,
                            "DELETE",
                            &format!("/v1/accessTokens/{id}"),
                            Value::Null,
                            None,
                        ));
                    }
                }
                reply
            }),
        ),
        mode(
            "delete-twice-succeeds",
            S,
            "deleting a token that is gone answers 200 instead of ResourceNotFoundException",
            &["delete-twice-not-found", "delete-unknown-id"],
            Mw(|req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Delete
                    && reply.status == 404
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                reply
            }),
        ),
        mode(
            "quota-not-enforced",
            S,
            "creates beyond the quota answer 201 (with a token that is never stored)",
            &["create-quota-exceeded", "create-up-to-declared-quota"],
            Mw(|req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Create
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
            }),
        ),
        mode(
            "delete-removes-all-tokens",
            S,
            "DeleteAccessToken deletes every token of the caller, not just the one named",
            &["delete-removes-only-that-token"],
            Mw(|req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Delete && ok(&reply) {
                    for item in all_ids(req, inner, None) {
                        if let Some(id) = item["id"].as_str() {
                            inner(&call(
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
            }),
        ),
        mode(
            "wm-user-filter-ignored",
            S,
            "UserId is ignored: the whole organization is listed",
            &["wm-user-filter", "wm-unknown-user"],
            on_request(is(Op::WmList), |r| {
                with_input(r, |i| {
                    i.remove("UserId");
                })
            }),
        ),
    ]
}

fn isolation_auth_secret() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "delete-ignores-owner",
            IdentityIsolation,
            "a caller can delete another caller's token",
            &["delete-other-identitys-token"],
            {
                let seen: Mutex<Vec<String>> = Mutex::new(vec![]);
                Mw(move |req: &Request, inner: Inner| {
                    let me = auth(req);
                    if let Some(a) = &me {
                        let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
                        if a.starts_with("Bearer ") && !s.contains(a) {
                            s.push(a.clone());
                        }
                    }
                    let reply = inner(req);
                    if op(req) != Op::Delete || reply.status != 404 {
                        return reply;
                    }
                    let others: Vec<String> =
                        seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    for other in others.iter().filter(|o| Some(*o) != me.as_ref()) {
                        let retry = inner(&with_header(req, "authorization", other));
                        if ok(&retry) {
                            return retry;
                        }
                    }
                    reply
                })
            },
        ),
        mode(
            "list-shows-every-identity",
            IdentityIsolation,
            "ListAccessTokens lists every caller's tokens",
            &["list-only-own-tokens", "list-second-identity-sees-its-own"],
            {
                let seen: Mutex<Vec<String>> = Mutex::new(vec![]);
                Mw(move |req: &Request, inner: Inner| {
                    let me = auth(req);
                    if let Some(a) = &me {
                        let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
                        if a.starts_with("Bearer ") && !s.contains(a) {
                            s.push(a.clone());
                        }
                    }
                    let mut reply = inner(req);
                    if op(req) == Op::List && ok(&reply) {
                        let others: Vec<String> =
                            seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
                        let mut extra = Vec::new();
                        for other in others.iter().filter(|o| Some(*o) != me.as_ref()) {
                            extra.extend(all_ids(req, inner, Some(other)));
                        }
                        body(&mut reply, |v| {
                            if let Some(list) = v["items"].as_array_mut() {
                                list.extend(extra);
                            }
                        });
                    }
                    reply
                })
            },
        ),
        mode(
            "auth-not-required",
            Auth,
            "CodeCatalyst calls without a bearer token are served as an anonymous caller",
            &[
                "gen-create-access-token-no-auth",
                "gen-list-access-tokens-no-auth",
            ],
            on_request(edit::is_codecatalyst_op, |r| {
                if auth(r).is_none() {
                    with_header(r, "authorization", "Bearer anonymous-caller")
                } else {
                    r.clone()
                }
            }),
        ),
        mode(
            "any-auth-scheme-accepted",
            Auth,
            "an Authorization of another scheme (Basic) is taken as a bearer token",
            &["gen-create-access-token-malformed-auth"],
            on_request(edit::is_codecatalyst_op, |r| match auth(r) {
                Some(a) if a.starts_with("Basic ") => {
                    with_header(r, "authorization", &a.replacen("Basic ", "Bearer ", 1))
                }
                _ => r.clone(),
            }),
        ),
        mode(
            "wm-sigv4-not-required",
            Auth,
            "WorkMail calls without a signature are served",
            &["gen-list-personal-access-tokens-no-auth"],
            on_request(is(Op::WmList), |r| {
                if auth(r).is_none() {
                    // Served as if the emulator's own caller had signed it.
                    let mut r = r.clone();
                    crate::emulator::sign_as_emulator(&mut r, "us-east-1", "workmail");
                    r
                } else {
                    r.clone()
                }
            }),
        ),
        mode(
            "any-request-content-type-accepted",
            ContentType,
            "a JSON body sent as text/plain is read as JSON",
            &[
                "gen-create-access-token-wrong-content-type",
                "gen-list-personal-access-tokens-wrong-content-type",
            ],
            Mw(|req: &Request, inner: Inner| {
                let fixed = match op(req) {
                    Op::Create | Op::List => with_header(req, "content-type", "application/json"),
                    Op::WmList => with_header(req, "content-type", "application/x-amz-json-1.1"),
                    _ => req.clone(),
                };
                inner(&fixed)
            }),
        ),
        mode(
            "list-leaks-secret",
            SecretLeak,
            "list items carry the secret CreateAccessToken returned",
            &["list-contains-created-token", "list-secret-never-listed"],
            secret_leak(Op::List),
        ),
        mode(
            "delete-returns-secret",
            SecretLeak,
            "DeleteAccessToken answers with the deleted token's secret",
            &["delete-response-carries-no-secret"],
            secret_leak(Op::Delete),
        ),
    ]
}

/// Remembers every secret CreateAccessToken hands out and puts it back into the replies
/// of `leak_on` (list items, or the delete answer) for the token concerned.
fn secret_leak(leak_on: Op) -> impl Middleware {
    let secrets: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    Mw(move |req: &Request, inner: Inner| {
        let mut reply = inner(req);
        let mut known = secrets.lock().unwrap_or_else(|e| e.into_inner());
        match op(req) {
            Op::Create if ok(&reply) => {
                if let Some(v) = reply.json_body() {
                    if let (Some(id), Some(s)) = (v["accessTokenId"].as_str(), v["secret"].as_str())
                    {
                        known.insert(id.to_string(), s.to_string());
                    }
                }
            }
            Op::List if leak_on == Op::List && ok(&reply) => items(&mut reply, |i| {
                if let Some(s) = i
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| known.get(id))
                {
                    i.insert("secret".into(), json!(s));
                }
            }),
            Op::Delete if leak_on == Op::Delete && ok(&reply) => {
                let id = req
                    .url
                    .path()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if let Some(s) = known.get(&id) {
                    body(&mut reply, |v| v["secret"] = json!(s));
                }
            }
            _ => {}
        }
        reply
    })
}

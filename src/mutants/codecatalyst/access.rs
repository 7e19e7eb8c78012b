//! CodeCatalyst access that breaks the contract: one caller seeing or deleting
//! another's tokens, auth not required, and the secret leaking.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::emulator::{Middleware, Request};
use crate::mutants::codecatalyst as cc;
use crate::mutants::edit::{auth, body, ok, op, with_header};
use crate::mutants::hook::{on_request, Inner};
use crate::mutants::{mode, Class, Mode};

/// Remembers every secret CreateAccessToken hands out and puts it back into the replies
/// of `leak_on` (list items, or the delete answer) for the token concerned.
fn secret_leak(leak_on: &'static str) -> impl Middleware {
    let secrets: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    move |req: &Request, inner: Inner| {
        let mut reply = inner(req);
        let mut known = secrets.lock().unwrap_or_else(|e| e.into_inner());
        match op(req) {
            cc::CREATE if ok(&reply) => {
                if let Some(v) = reply.json_body() {
                    if let (Some(id), Some(s)) = (v["accessTokenId"].as_str(), v["secret"].as_str())
                    {
                        known.insert(id.to_string(), s.to_string());
                    }
                }
            }
            cc::LIST if leak_on == cc::LIST && ok(&reply) => cc::items(&mut reply, |i| {
                if let Some(s) = i
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| known.get(id))
                {
                    i.insert("secret".into(), json!(s));
                }
            }),
            cc::DELETE if leak_on == cc::DELETE && ok(&reply) => {
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
    }
}

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "delete-ignores-owner",
            IdentityIsolation,
            "a caller can delete another caller's token",
            &["delete-other-identitys-token"],
            {
                let seen: Mutex<Vec<String>> = Mutex::new(vec![]);
                move |req: &Request, inner: Inner| {
                    let me = auth(req);
                    if let Some(a) = &me {
                        let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
                        if a.starts_with("Bearer ") && !s.contains(a) {
                            s.push(a.clone());
                        }
                    }
                    let reply = inner(req);
                    if op(req) != cc::DELETE || reply.status != 404 {
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
                }
            },
        ),
        mode(
            "list-shows-every-identity",
            IdentityIsolation,
            "ListAccessTokens lists every caller's tokens",
            &["list-only-own-tokens", "list-second-identity-sees-its-own"],
            {
                let seen: Mutex<Vec<String>> = Mutex::new(vec![]);
                move |req: &Request, inner: Inner| {
                    let me = auth(req);
                    if let Some(a) = &me {
                        let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
                        if a.starts_with("Bearer ") && !s.contains(a) {
                            s.push(a.clone());
                        }
                    }
                    let mut reply = inner(req);
                    if op(req) == cc::LIST && ok(&reply) {
                        let others: Vec<String> =
                            seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
                        let mut extra = Vec::new();
                        for other in others.iter().filter(|o| Some(*o) != me.as_ref()) {
                            extra.extend(cc::all_ids(req, inner, Some(other)));
                        }
                        body(&mut reply, |v| {
                            if let Some(list) = v["items"].as_array_mut() {
                                list.extend(extra);
                            }
                        });
                    }
                    reply
                }
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
            on_request(cc::owns, |r| {
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
            on_request(cc::owns, |r| match auth(r) {
                Some(a) if a.starts_with("Basic ") => {
                    with_header(r, "authorization", &a.replacen("Basic ", "Bearer ", 1))
                }
                _ => r.clone(),
            }),
        ),
        mode(
            "list-leaks-secret",
            SecretLeak,
            "list items carry the secret CreateAccessToken returned",
            &["list-contains-created-token", "list-secret-never-listed"],
            secret_leak(cc::LIST),
        ),
        mode(
            "delete-returns-secret",
            SecretLeak,
            "DeleteAccessToken answers with the deleted token's secret",
            &["delete-response-carries-no-secret"],
            secret_leak(cc::DELETE),
        ),
    ]
}

//! Deviations in what a target does: validation it skips, pagination it gets wrong,
//! state it fails to change (or changes too much), isolation, auth and secrets.

use crate::emulator::Request;
use serde_json::{json, Value};

mod isolation;
mod pagination;
mod state;
mod validation;

use isolation::isolation_auth_secret;
use pagination::pagination;
use state::state;
use validation::validation;

use super::edit::{op, Op};
use super::{Class, Mode};
use crate::emulator::{Middleware, Reply};

type Inner<'a> = &'a dyn Fn(&Request) -> Reply;

/// A deviation that rewrites the requests of `which` before the emulator sees them.
fn on_request(
    which: impl Fn(Op) -> bool + Send + Sync + 'static,
    f: impl Fn(&Request) -> Request + Send + Sync + 'static,
) -> impl Middleware {
    move |req: &Request, inner: Inner| {
        if which(op(req)) {
            inner(&f(req))
        } else {
            inner(req)
        }
    }
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

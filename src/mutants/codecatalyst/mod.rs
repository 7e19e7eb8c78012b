//! Deviations and variations of CodeCatalyst's access-token operations (restJson1,
//! bearer token), beside the emulator's CodeCatalyst backend.

use serde_json::json;
use serde_json::Value;

use crate::emulator::Request;
use crate::mutants::hook::Inner;

use crate::emulator::Reply;

/// `CreateAccessToken`.
pub(super) const CREATE: &str = "CreateAccessToken";
/// `ListAccessTokens`.
pub(super) const LIST: &str = "ListAccessTokens";
/// `DeleteAccessToken`.
pub(super) const DELETE: &str = "DeleteAccessToken";

/// Whether `op` is one of CodeCatalyst's operations.
pub(super) fn owns(op: &str) -> bool {
    [CREATE, LIST, DELETE].contains(&op)
}

/// Applies `f` to every token of a `ListAccessTokens` reply.
pub(super) fn items(reply: &mut Reply, f: impl FnMut(&mut serde_json::Map<String, Value>)) {
    super::edit::members(reply, "items", f);
}

/// A CodeCatalyst call as `authorization`.
pub(super) fn call(
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
pub(super) fn all_ids(req: &Request, inner: Inner, authorization: Option<&str>) -> Vec<Value> {
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

mod access;
mod behaviour;
mod replies;

/// Every CodeCatalyst deviation.
pub(super) fn modes() -> Vec<super::Mode> {
    let mut modes = replies::modes();
    modes.extend(behaviour::modes());
    modes.extend(access::modes());
    modes
}

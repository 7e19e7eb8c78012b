//! Small tools for rewriting requests and replies in broken targets.

use crate::emulator::Request;
use serde_json::Value;

use crate::emulator::Reply;

/// The operation a request calls, routed by the specs' codecs as the emulator routes
/// it (`""` for a request no operation serves).
pub(super) fn op(req: &Request) -> &str {
    req.routed.as_ref().map_or("", |r| r.operation.as_str())
}

/// The paginator of the operation a request calls (from the specs), if it pages.
pub(super) fn listing(req: &Request) -> Option<crate::spec::Paginator> {
    req.routed.as_ref()?.paginator.clone()
}

/// Edits the JSON body of a reply, if it has one.
pub(super) fn body(reply: &mut Reply, f: impl FnOnce(&mut Value)) {
    if let Some(mut v) = reply.json_body() {
        f(&mut v);
        reply.set_json_body(&v);
    }
}

/// A copy of `req` with its JSON body edited (an empty body counts as `{}`).
pub(super) fn with_input(
    original: &Request,
    f: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Request {
    let mut req = original.clone();
    let mut input = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    f(&mut input);
    req.body = Value::Object(input).to_string().into_bytes();
    keep_signed(original, req)
}

/// A rewrite of a request with a valid SigV4 signature is signed again (as of the
/// original time), so the emulator sees the rewrite and not a broken signature; a
/// request whose signature was bad to begin with stays bad.
fn keep_signed(original: &Request, mut edited: Request) -> Request {
    crate::emulator::keep_signed(original, &mut edited);
    edited
}

/// The pairs of a form body (awsQuery).
pub(super) fn form(req: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The request's form member `name` (awsQuery).
pub(super) fn form_member(req: &Request, name: &str) -> Option<String> {
    form(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A copy of `req` with its form body (awsQuery) edited, signed again like any rewrite.
pub(super) fn with_form(original: &Request, f: impl FnOnce(&mut Vec<(String, String)>)) -> Request {
    let mut req = original.clone();
    let mut pairs = form(original);
    f(&mut pairs);
    req.body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes();
    keep_signed(original, req)
}

/// Edits the text of a reply's body (an XML answer) in place.
pub(super) fn text(reply: &mut Reply, f: impl FnOnce(&str) -> String) {
    let edited = f(&String::from_utf8_lossy(&reply.body));
    reply.body = edited.into_bytes();
}

/// The request's JSON input member `name`.
pub(super) fn input(req: &Request, name: &str) -> Option<Value> {
    serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| v.get(name).cloned())
}

/// A copy of `req` with header `name` set.
pub(super) fn with_header(original: &Request, name: &'static str, value: &str) -> Request {
    let mut req = original.clone();
    if let Ok(v) = value.parse() {
        req.headers.insert(name, v);
    }
    keep_signed(original, req)
}

/// The error type a reply carries (header, then `__type`), if any.
pub(super) fn error_type(reply: &Reply) -> Option<String> {
    reply
        .header("x-amzn-errortype")
        .map(str::to_string)
        .or_else(|| {
            reply
                .json_body()
                .and_then(|v| v.get("__type").and_then(Value::as_str).map(str::to_string))
        })
}

/// Renames the error type wherever the reply carries it.
pub(super) fn rename_error(reply: &mut Reply, name: &str) {
    if reply.header("x-amzn-errortype").is_some() {
        reply.set_header("x-amzn-errortype", name);
    }
    body(reply, |v| {
        if v.get("__type").is_some() {
            v["__type"] = Value::String(name.to_string());
        }
    });
}

/// Applies `f` to every object of the reply's array member `key`.
pub(super) fn members(
    reply: &mut Reply,
    key: &str,
    mut f: impl FnMut(&mut serde_json::Map<String, Value>),
) {
    body(reply, |v| {
        if let Some(Value::Array(list)) = v.get_mut(key) {
            for item in list.iter_mut().filter_map(Value::as_object_mut) {
                f(item);
            }
        }
    });
}

/// Applies `f` to every item of a listing's reply: the member its paginator names.
pub(super) fn items(
    req: &Request,
    reply: &mut Reply,
    f: impl FnMut(&mut serde_json::Map<String, Value>),
) {
    if let Some(pages) = listing(req) {
        members(reply, &pages.items, f);
    }
}

/// Whether the reply is a success (2xx).
pub(super) fn ok(reply: &Reply) -> bool {
    (200..300).contains(&reply.status)
}

/// The request's `authorization` header.
pub(super) fn auth(req: &Request) -> Option<String> {
    req.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

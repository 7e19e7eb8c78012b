//! How a deviation attaches to the emulator: a rewrite of the replies, or of the
//! requests, of the operations it picks by name.

use serde_json::Value;

use super::edit::{body, error_type, ok};
use crate::emulator::{Middleware, Reply, Request};

/// The emulator (and any middleware inside this one), as a middleware sees it.
pub(super) type Inner<'a> = &'a dyn Fn(&Request) -> Reply;

/// A deviation that rewrites the replies of the operations `which` picks.
pub(super) fn on_reply(
    which: impl Fn(&str) -> bool + Send + Sync + 'static,
    f: impl Fn(&mut Reply) + Send + Sync + 'static,
) -> impl Middleware {
    move |req: &Request, inner: Inner| {
        let mut reply = inner(req);
        if which(super::edit::op(req)) {
            f(&mut reply);
        }
        reply
    }
}

/// A deviation that rewrites the requests of the operations `which` picks before the
/// emulator sees them.
pub(super) fn on_request(
    which: impl Fn(&str) -> bool + Send + Sync + 'static,
    f: impl Fn(&Request) -> Request + Send + Sync + 'static,
) -> impl Middleware {
    move |req: &Request, inner: Inner| {
        if which(super::edit::op(req)) {
            inner(&f(req))
        } else {
            inner(req)
        }
    }
}

/// Picks the one operation named `name`.
pub(super) fn is(name: &'static str) -> impl Fn(&str) -> bool {
    move |op| op == name
}

pub(super) fn success(f: impl Fn(&mut Value) + Send + Sync + 'static) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        if ok(r) {
            body(r, &f);
        }
    }
}

pub(super) fn error_named(
    name: &'static str,
    f: impl Fn(&mut Reply) + Send + Sync,
) -> impl Fn(&mut Reply) {
    move |r: &mut Reply| {
        if error_type(r).as_deref() == Some(name) {
            f(r);
        }
    }
}

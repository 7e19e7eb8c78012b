//! Deviations any service can have, made for every listing by its paginator and for
//! every operation by its protocol: empty pages, trailing or repeating tokens, any
//! request content type accepted.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::emulator::{Middleware, Request};
use crate::mutants::edit::{body, input, listing, ok, with_header, with_input};
use crate::mutants::hook::Inner;
use crate::mutants::{mode, Class, Mode};

/// An off-by-one cursor: with pages of two or more, every page after the first starts
/// with the last item of the page before (with pages of one it would never end, so it
/// is right there).
fn repeat_at_boundary() -> impl Middleware {
    let last_item_of: Mutex<BTreeMap<String, Value>> = Mutex::default();
    move |req: &Request, inner: Inner| {
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
    }
}

/// The last page with items carries a token, which leads to an empty page.
fn trailing_token() -> impl Middleware {
    const TRAILING: &str = "trailing-token-to-an-empty-page";
    |req: &Request, inner: Inner| {
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
    }
}

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    const RESTART: &str = "restart-from-the-top";
    vec![
        mode(
            "empty-list-answers-204",
            SuccessStatus,
            "an empty listing answers 204 with no body",
            &[
                "wm-empty-organization",
                "wm-empty-organization-no-next-token",
            ],
            |req: &Request, inner: Inner| {
                let mut r = inner(req);
                let Some(pages) = listing(req) else { return r };
                let empty = r.json_body().is_some_and(|v| {
                    v.get(&pages.items)
                        .and_then(Value::as_array)
                        .is_some_and(Vec::is_empty)
                });
                if ok(&r) && empty {
                    r.status = 204;
                    r.body.clear();
                    r.remove_header("content-type")
                }
                r
            },
        ),
        mode(
            "pages-repeat-last-item",
            Pagination,
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
            Pagination,
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
            "last-page-restarts",
            Pagination,
            "the last page carries a nextToken that starts the listing over",
            &["list-walks-every-page", "wm-walks-every-summary-once"],
            |req: &Request, inner: Inner| {
                let Some(pages) = listing(req) else {
                    return inner(req);
                };
                let (token, next) = (pages.input_token.as_str(), pages.output_token.as_str());
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
                        if v.get(next).is_none() {
                            v[next] = json!(RESTART);
                        }
                    });
                }
                reply
            },
        ),
        mode(
            "any-request-content-type-accepted",
            ContentType,
            "a JSON body sent as text/plain is read as JSON",
            &[
                "gen-create-access-token-wrong-content-type",
                "gen-list-personal-access-tokens-wrong-content-type",
            ],
            |req: &Request, inner: Inner| {
                // Every body the target reads is taken for what the protocol expects.
                match &req.routed {
                    Some(routed) if !req.body.is_empty() => {
                        inner(&with_header(req, "content-type", routed.media_type))
                    }
                    _ => inner(req),
                }
            },
        ),
    ]
}

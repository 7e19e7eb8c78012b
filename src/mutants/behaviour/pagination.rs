//! Deviations in pagination: cursors off by one, trailing and restarting tokens,
//! ignored page sizes and tokens.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::emulator::Request;
use serde_json::{json, Value};

use super::super::edit::{body, error_type, input, listing, ok, op, with_input, Op};
use super::super::{mode, Class, Mode};
use super::{is, on_request, Inner};
use crate::emulator::Middleware;

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

pub(super) fn pagination() -> Vec<Mode> {
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
            |req: &Request, inner: Inner| {
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
            },
        ),
        mode(
            "pages-overlap",
            P,
            "every page after the first repeats the first item of the listing",
            &["list-walks-every-page", "list-next-token-moves-on"],
            |req: &Request, inner: Inner| {
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
            },
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
            |req: &Request, inner: Inner| {
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
            },
        ),
    ]
}

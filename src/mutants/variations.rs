//! Conformant variations: liberties the contract allows. No case may fail on them.

use std::sync::Arc;

use crate::emulator::Request;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::edit::{body, error_type, input, items, listing, ok, op, with_input};
use super::{codecatalyst as cc, workmail as wm};
use super::{Class, Mode};
use crate::emulator::{EmulatorConfig, Middleware, Reply};

type Inner<'a> = &'a dyn Fn(&Request) -> Reply;

pub(crate) fn variation(
    name: &'static str,
    what: &'static str,
    middleware: Option<Arc<dyn Middleware>>,
) -> Mode {
    Mode {
        name,
        class: Class::Conformant,
        what,
        killers: &[],
        config: EmulatorConfig::default(),
        middleware,
    }
}

pub(crate) fn replies(
    f: impl Fn(&Request, &mut Reply) + Send + Sync + 'static,
) -> Option<Arc<dyn Middleware>> {
    Some(Arc::new(move |req: &Request, inner: Inner| {
        let mut reply = inner(req);
        f(req, &mut reply);
        reply
    }))
}

/// Rewrites every error type the reply carries with `f`.
fn error_types(f: fn(&str, &Request) -> String) -> Option<Arc<dyn Middleware>> {
    replies(move |req, r| {
        if ok(r) {
            return;
        }
        if let Some(name) = error_type(r) {
            let renamed = f(&name, req);
            if r.header("x-amzn-errortype").is_some() {
                r.set_header("x-amzn-errortype", renamed.clone());
            }
            body(r, |v| {
                if v.get("__type").is_some() {
                    v["__type"] = json!(renamed);
                }
            });
        }
    })
}

/// Rewrites every CodeCatalyst expiresTime with `f`.
fn expiry(f: fn(OffsetDateTime) -> String) -> Option<Arc<dyn Middleware>> {
    replies(move |req, r| {
        let fix = |v: &mut serde_json::Map<String, Value>| {
            if let Some(t) = v
                .get("expiresTime")
                .and_then(Value::as_str)
                .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            {
                v.insert("expiresTime".into(), json!(f(t)));
            }
        };
        match op(req) {
            cc::CREATE => body(r, |v| {
                if let Some(o) = v.as_object_mut() {
                    fix(o)
                }
            }),
            cc::LIST => cc::items(r, fix),
            _ => {}
        }
    })
}

fn wm_times(f: fn(f64) -> f64) -> Option<Arc<dyn Middleware>> {
    replies(move |req, r| {
        wm::tokens(op(req), r, |i| {
            for key in ["DateCreated", "DateLastUsed", "ExpiresTime"] {
                if let Some(t) = i.get(key).and_then(Value::as_f64) {
                    i.insert(key.into(), json!(f(t)));
                }
            }
        });
    })
}

/// Tokens of the `empty-pages` variation: `REAL` + a token of the emulator leads to
/// the emulator's page; `GAP` + a token leads to an empty page first.
const REAL: &str = "pce-real-";
const GAP: &str = "pce-gap-";

/// Every listing starts with an empty page that carries a token, and an empty page
/// with a token stands between every two pages (AWS services do this while they
/// filter): any paginated operation, keys from the specs.
fn empty_pages() -> Option<Arc<dyn Middleware>> {
    Some(Arc::new(|req: &Request, inner: Inner| {
        let Some(p) = listing(req) else {
            return inner(req);
        };
        let token = input(req, &p.input_token).and_then(|v| v.as_str().map(str::to_string));
        let forward = |t: &str| {
            inner(&with_input(req, |i| {
                if t.is_empty() {
                    i.remove(&p.input_token);
                } else {
                    i.insert(p.input_token.clone(), json!(t));
                }
            }))
        };
        let emptied = |mut r: Reply, next: String| {
            if ok(&r) {
                body(&mut r, |v| {
                    v[&p.items] = json!([]);
                    v[&p.output_token] = json!(next);
                });
            }
            r
        };
        match token.as_deref() {
            None => emptied(inner(req), REAL.to_string()),
            Some(t) if t.starts_with(GAP) => {
                let real = &t[GAP.len()..];
                emptied(forward(real), format!("{REAL}{real}"))
            }
            Some(t) if t.starts_with(REAL) => {
                let mut r = forward(&t[REAL.len()..]);
                if ok(&r) {
                    body(&mut r, |v| {
                        let next = v.get(&p.output_token).and_then(Value::as_str);
                        if let Some(n) = next.filter(|n| !n.is_empty()).map(str::to_string) {
                            v[&p.output_token] = json!(format!("{GAP}{n}"));
                        }
                    });
                }
                r
            }
            Some(_) => inner(req),
        }
    }))
}

pub(super) fn modes() -> Vec<Mode> {
    let mut newest_first = variation(
        "newest-first",
        "listings come newest first (the contract fixes no order)",
        None,
    );
    newest_first.config = EmulatorConfig {
        newest_first: true,
        ..EmulatorConfig::default()
    };
    vec![
        variation(
            "extra-members",
            "every body and list item carries members the model does not know",
            replies(|req, r| {
                body(r, |v| {
                    if let Some(o) = v.as_object_mut() {
                        o.insert(
                            "patConformanceExtra".into(),
                            json!({"note": "unmodelled", "list": [1, 2]}),
                        );
                    }
                });
                items(req, r, |i| {
                    i.insert("patConformanceExtra".into(), json!(true));
                });
            }),
        ),
        variation(
            "lowercase-header-names",
            "every response header name is lower case",
            replies(|_, r| {
                r.headers
                    .iter_mut()
                    .for_each(|(n, _)| *n = n.to_ascii_lowercase())
            }),
        ),
        variation(
            "error-type-in-body-code",
            "restJson1 errors name their type in the body's `code` instead of X-Amzn-Errortype",
            replies(|_, r| {
                if let Some(name) = r.header("x-amzn-errortype").map(str::to_string) {
                    r.remove_header("x-amzn-errortype");
                    body(r, |v| v["code"] = json!(name));
                }
            }),
        ),
        variation(
            "namespaced-error-types",
            "error types are written `namespace#Name`",
            error_types(|name, req| {
                let ns = if wm::owns(op(req)) {
                    "com.amazonaws.workmail"
                } else {
                    "com.amazonaws.codecatalyst"
                };
                format!("{ns}#{name}")
            }),
        ),
        variation(
            "error-types-with-uri-suffix",
            "error types are written `Name:http://…`",
            error_types(|name, _| {
                format!("{name}:http://internal.amazon.com/coral/com.amazon.coral.validate/")
            }),
        ),
        variation(
            "short-pages",
            "pages hold one item whatever valid maxResults asks for",
            Some(Arc::new(|req: &Request, inner: Inner| {
                let (key, max) = match op(req) {
                    cc::LIST => ("maxResults", 10),
                    wm::LIST => ("MaxResults", 100),
                    _ => return inner(req),
                };
                let valid = serde_json::from_slice::<Value>(&req.body)
                    .ok()
                    .and_then(|v| v.get(key).and_then(Value::as_i64))
                    .is_some_and(|n| (1..=max).contains(&n));
                if valid {
                    inner(&with_input(req, |i| {
                        i.insert(key.into(), json!(1));
                    }))
                } else {
                    inner(req)
                }
            })),
        ),
        variation(
            "empty-pages",
            "every listing starts with an empty page carrying a token, and an empty page with \
                a token stands between every two pages",
            empty_pages(),
        ),
        newest_first,
        variation(
            "timestamps-plus-00-00-with-fraction",
            "CodeCatalyst timestamps are written with milliseconds and `+00:00` \
            (`2027-01-01T00:00:00.000+00:00`; the same instant)",
            // Only the form changes: the instant's own milliseconds, never another
            // instant (a requested `…43.195Z` once came back `…43.500+00:00`).
            expiry(|t| {
                format!(
                    "{}.{:03}+00:00",
                    t.format(&time::macros::format_description!(
                        "[year]-[month]-[day]T[hour]:[minute]:[second]"
                    ))
                    .unwrap_or_default(),
                    t.millisecond()
                )
            }),
        ),
        variation(
            "timestamps-other-offset",
            "CodeCatalyst timestamps are written in +05:30 (the same instant)",
            expiry(|t| {
                t.to_offset(UtcOffset::from_hms(5, 30, 0).unwrap_or(UtcOffset::UTC))
                    .format(&Rfc3339)
                    .unwrap_or_default()
            }),
        ),
        variation(
            "wm-epoch-fractions",
            "WorkMail epochs carry fractions of a second",
            wm_times(|t| t.floor() + 0.375),
        ),
        variation(
            "wm-epoch-integers",
            "WorkMail epochs are whole seconds",
            wm_times(f64::floor),
        ),
    ]
}

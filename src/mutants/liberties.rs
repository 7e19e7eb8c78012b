//! More conformant variations: what servers written by other teams, in other languages
//! and frameworks, may legitimately do differently from the embedded emulator (ids,
//! messages, page sizes and tokens, secrets, headers, JSON framing). No case may fail
//! on any of them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::emulator::Request;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::edit::{body, input, listing, ok, op, with_input};
use super::variations::{replies, variation};
use super::Mode;
use super::{codecatalyst as cc, workmail as wm};
use crate::emulator::{Middleware, Reply};

type Inner<'a> = &'a dyn Fn(&Request) -> Reply;

/// How a JSON value is written.
struct Style {
    /// Object members last to first.
    reverse: bool,
    /// Newlines and indentation.
    pretty: bool,
    /// Large numbers in exponent notation (`1.7672256e9`).
    exponent: bool,
}

fn write(v: &Value, style: &Style, depth: usize, out: &mut String) {
    let (nl, pad, inner_pad) = if style.pretty {
        ("\n", "  ".repeat(depth), "  ".repeat(depth + 1))
    } else {
        ("", String::new(), String::new())
    };
    match v {
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            if style.reverse {
                members.reverse();
            }
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                out.push_str(if i == 0 { nl } else { "," });
                if i > 0 {
                    out.push_str(nl);
                }
                out.push_str(&inner_pad);
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(if style.pretty { ": " } else { ":" });
                write(v, style, depth + 1, out);
            }
            if !members.is_empty() {
                out.push_str(nl);
                out.push_str(&pad);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, v) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(nl);
                out.push_str(&inner_pad);
                write(v, style, depth + 1, out);
            }
            if !list.is_empty() {
                out.push_str(nl);
                out.push_str(&pad);
            }
            out.push(']');
        }
        Value::Number(n) if style.exponent && n.as_f64().is_some_and(|f| f.abs() >= 1e6) => {
            out.push_str(&format!("{:e}", n.as_f64().unwrap_or_default()))
        }
        other => out.push_str(&other.to_string()),
    }
}

fn restyle(r: &mut Reply, style: Style) {
    if let Some(v) = r.json_body() {
        let mut text = String::new();
        write(&v, &style, 0, &mut text);
        r.body = text.into_bytes();
    }
}

/// CodeCatalyst ids with characters that need escaping in URLs and paths (`/ ] = ~`
/// instead of the UUID's dashes); the model allows any 1 to 36 characters.
fn id_out(id: &str) -> String {
    let mut marks = ['/', ']', '=', '~'].into_iter();
    id.chars()
        .map(|c| {
            if c == '-' {
                marks.next().unwrap_or('-')
            } else {
                c
            }
        })
        .collect()
}

fn id_in(id: &str) -> String {
    id.chars()
        .map(|c| if "/]=~".contains(c) { '-' } else { c })
        .collect()
}

fn reserved_character_ids() -> impl Middleware {
    |req: &Request, inner: Inner| {
        let mut req = req.clone();
        if op(&req) == cc::DELETE {
            let path = req.url.path().to_string();
            if let Some((head, label)) = path.rsplit_once('/') {
                let id = percent_decode_str(label).decode_utf8_lossy().to_string();
                let id = utf8_percent_encode(&id_in(&id), NON_ALPHANUMERIC).to_string();
                req.url.set_path(&format!("{head}/{id}"));
            }
        }
        let mut reply = inner(&req);
        if ok(&reply) && op(&req) == cc::CREATE {
            body(&mut reply, |v| {
                if let Some(id) = v["accessTokenId"].as_str().map(id_out) {
                    v["accessTokenId"] = json!(id);
                }
            });
        }
        if ok(&reply) && op(&req) == cc::LIST {
            cc::items(&mut reply, |i| {
                if let Some(id) = i.get("id").and_then(Value::as_str).map(id_out) {
                    i.insert("id".into(), json!(id));
                }
            });
        }
        reply
    }
}

/// Page tokens of the target's own making: long, random at every issue, with `+ / =`.
fn opaque_page_tokens() -> impl Middleware {
    let issued: Mutex<BTreeMap<String, String>> = Mutex::default();
    move |req: &Request, inner: Inner| {
        let Some(pages) = listing(req) else {
            return inner(req);
        };
        let (token_in, token_out) = (pages.input_token.as_str(), pages.output_token.as_str());
        let sent = input(req, token_in).and_then(|t| t.as_str().map(str::to_string));
        let req = match sent {
            Some(t) => {
                let real = issued
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&t)
                    .cloned();
                // A token it never issued goes on as it came, to be rejected.
                with_input(req, |i| {
                    i.insert(token_in.into(), json!(real.unwrap_or(t)));
                })
            }
            None => req.clone(),
        };
        let mut reply = inner(&req);
        body(&mut reply, |v| {
            if let Some(real) = v.get(token_out).and_then(Value::as_str).map(str::to_string) {
                let mine = format!(
                    "{}+/{}==",
                    crate::template::Alphabet::Alnum.random(700),
                    crate::template::Alphabet::Hex.random(16)
                );
                issued
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(mine.clone(), real);
                v[token_out] = json!(mine);
            }
        });
        reply
    }
}

/// Without a page size, pages of two (the default page size is the server's choice).
fn default_page_size_two() -> impl Middleware {
    |req: &Request, inner: Inner| match listing(req) {
        // A malformed body stays as it came.
        Some(pages)
            if input(req, &pages.limit_key).is_none()
                && serde_json::from_slice::<Value>(&req.body).is_ok_and(|v| v.is_object()) =>
        {
            inner(&with_input(req, |i| {
                i.insert(pages.limit_key.clone(), json!(2));
            }))
        }
        _ => inner(req),
    }
}

pub(super) fn modes() -> Vec<Mode> {
    vec![
        variation(
            "ids-with-url-reserved-characters",
            "CodeCatalyst token ids hold `/ ] = ~` (any 1 to 36 characters are allowed)",
            Some(Arc::new(reserved_character_ids())),
        ),
        variation(
            "error-messages-reworded",
            "every error message is worded differently (message texts are free)",
            replies(|_, r| {
                if !ok(r) {
                    body(r, |v| {
                        for key in ["message", "Message"] {
                            if v.get(key).is_some() {
                                v[key] = json!("Die Anfrage wurde abgelehnt.");
                            }
                        }
                    })
                }
            }),
        ),
        variation(
            "wm-error-messages-absent",
            "WorkMail errors carry no Message (the model makes it optional)",
            replies(|req, r| {
                if !ok(r) && wm::owns(op(req)) {
                    body(r, |v| {
                        v.as_object_mut().map(|o| o.remove("Message"));
                    })
                }
            }),
        ),
        variation(
            "null-for-absent-members",
            "absent optional members are written as JSON null (clients read null as absent)",
            replies(|req, r| {
                if !ok(r) {
                    return;
                }
                if let Some(pages) = listing(req) {
                    body(r, |v| {
                        if v.get(&pages.output_token).is_none() {
                            v[&pages.output_token] = Value::Null;
                        }
                    });
                }
                wm::tokens(op(req), r, |i| {
                    if !i.contains_key("DateLastUsed") {
                        i.insert("DateLastUsed".into(), Value::Null);
                    }
                });
            }),
        ),
        variation(
            "pretty-printed-json",
            "bodies are indented over several lines",
            replies(|_, r| {
                restyle(
                    r,
                    Style {
                        reverse: false,
                        pretty: true,
                        exponent: false,
                    },
                )
            }),
        ),
        variation(
            "members-in-reverse-order",
            "object members come in another order than the model lists them",
            replies(|_, r| {
                restyle(
                    r,
                    Style {
                        reverse: true,
                        pretty: false,
                        exponent: false,
                    },
                )
            }),
        ),
        variation(
            "wm-epochs-in-exponent-notation",
            "WorkMail epoch seconds are written like 1.7672256e9 (a JSON number all the same)",
            replies(|req, r| {
                if op(req) == wm::LIST {
                    restyle(
                        r,
                        Style {
                            reverse: false,
                            pretty: false,
                            exponent: true,
                        },
                    )
                }
            }),
        ),
        variation(
            "extra-response-headers",
            "replies carry headers of the target's front end (request ids, Date, Server, \
                cookies, caching)",
            replies(|_, r| {
                for (name, value) in [
                    ("x-amz-apigw-id", "Zx8Ab3F2oAMEaKw="),
                    (
                        "x-amzn-trace-id",
                        "Root=1-67891233-abcdef012345678912345678",
                    ),
                    ("date", "Tue, 01 Dec 2026 23:00:00 GMT"),
                    ("server", "pat-conformance-variation/1.0"),
                    ("cache-control", "no-store"),
                    ("set-cookie", "AWSALB=abc; Path=/; HttpOnly"),
                    ("vary", "Origin"),
                ] {
                    r.headers.push((name.into(), value.into()));
                }
            }),
        ),
        variation(
            "media-type-parameters",
            "Content-Type carries parameters (`; charset=UTF-8`)",
            replies(|_, r| {
                if let Some(t) = r.header("content-type").map(str::to_string) {
                    r.set_header("content-type", format!("{t}; charset=UTF-8"));
                }
            }),
        ),
        variation(
            "opaque-page-tokens",
            "page tokens are long, random at every issue, and hold `+ / =`",
            Some(Arc::new(opaque_page_tokens())),
        ),
        variation(
            "default-page-size-two",
            "without maxResults, pages hold two items (the default page size is the server's \
                choice)",
            Some(Arc::new(default_page_size_two())),
        ),
        variation(
            "connection-close",
            "every reply closes its connection (`Connection: close`)",
            replies(|_, r| r.set_header("connection", "close")),
        ),
        variation(
            "other-secret-shape",
            "PAT secrets are long and use `+ / = _ -` (the model allows 1 to 4000 characters)",
            replies(|req, r| {
                if ok(r) && op(req) == cc::CREATE {
                    body(r, |v| {
                        let secret = format!(
                            "ccpat_{}+/_-{}==",
                            crate::template::Alphabet::Alnum.random(300),
                            crate::template::Alphabet::Hex.random(40)
                        );
                        v["secret"] = json!(secret);
                    });
                }
            }),
        ),
        variation(
            "empty-body-for-empty-output",
            "the deletes answer 200 with no body at all (their outputs have no members)",
            replies(|req, r| {
                if ok(r) && matches!(op(req), cc::DELETE | wm::DELETE) {
                    r.body.clear();
                    r.remove_header("content-type");
                }
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_need_escaping() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let out = id_out(id);
        assert_eq!(out, "0f8fad5b/d9cb]469f=a165~70867728950e");
        assert_eq!(id_in(&out), id);
    }

    #[test]
    fn restyled_json_reads_the_same() {
        let v = json!({"a": [1, {"b": 1767225600.5, "c": "x"}], "d": {}});
        for (reverse, pretty, exponent) in [
            (true, false, false),
            (false, true, false),
            (false, false, true),
        ] {
            let mut text = String::new();
            write(
                &v,
                &Style {
                    reverse,
                    pretty,
                    exponent,
                },
                0,
                &mut text,
            );
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v, "{text}");
        }
    }
}

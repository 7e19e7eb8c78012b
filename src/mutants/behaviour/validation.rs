//! Deviations in input validation: what a target lets through, clamps or checks too late.

use crate::emulator::Request;
use serde_json::{json, Value};

use super::super::edit::{input, op, with_input, Op};
use super::super::{mode, Class, Mode};
use super::{is, on_request, wm_error, Inner};

pub(super) fn validation() -> Vec<Mode> {
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
            |req: &Request, inner: Inner| {
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
            },
        ),
    ]
}

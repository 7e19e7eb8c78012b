//! WorkMail behaviour that breaks the contract: validation, pagination, deletes that
//! do nothing or too much, SigV4 not required.

use serde_json::{json, Value};

use crate::emulator::{Reply, Request};
use crate::mutants::edit::{auth, error_type, input, ok, op, with_header, with_input};
use crate::mutants::hook::{is, on_request, Inner};
use crate::mutants::workmail as wm;
use crate::mutants::{mode, Class, Mode};

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "wm-max-results-clamped",
            InputValidation,
            "MaxResults outside 1..100 is clamped instead of \
            rejected",
            &[
                "gen-list-personal-access-tokens-max-results-range-below-min",
                "gen-list-personal-access-tokens-max-results-range-above-max",
            ],
            on_request(is(wm::LIST), |r| {
                with_input(r, |i| {
                    if let Some(n) = i.get("MaxResults").and_then(Value::as_i64) {
                        i.insert("MaxResults".into(), json!(n.clamp(1, 100)));
                    }
                })
            }),
        ),
        mode(
            "wm-organization-id-unchecked",
            InputValidation,
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
                if op(req) == wm::LIST && org.as_ref().is_some_and(Value::is_string) && !well_formed
                {
                    return wm::error("OrganizationNotFoundException", "organization not found");
                }
                inner(req)
            },
        ),
        mode(
            "wm-ignores-max-results",
            Pagination,
            "ListPersonalAccessTokens ignores MaxResults",
            &["wm-max-results-one"],
            on_request(is(wm::LIST), |r| {
                with_input(r, |i| {
                    i.remove("MaxResults");
                })
            }),
        ),
        mode(
            "wm-next-token-ignored",
            Pagination,
            "NextToken is ignored: every call returns the first page",
            &["wm-walks-every-summary-once", "wm-next-token-moves-on"],
            on_request(is(wm::LIST), |r| {
                with_input(r, |i| {
                    i.remove("NextToken");
                })
            }),
        ),
        mode(
            "wm-unknown-next-token-restarts",
            Pagination,
            "a NextToken the service never issued starts over instead of being rejected",
            &["wm-unknown-next-token"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == wm::LIST
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
        mode(
            "wm-delete-is-noop",
            State,
            "DeletePersonalAccessToken answers {} but deletes nothing",
            &["wm-delete-then-gone"],
            |req: &Request, inner: Inner| {
                if op(req) == wm::DELETE && !req.headers.contains_key("x-pat-conformance-fault") {
                    let reply = inner(&with_header(
                        req,
                        "x-amz-target",
                        "WorkMailService.GetPersonalAccessTokenMetadata",
                    ));
                    if ok(&reply) {
                        return Reply::json(200, &json!({}), "application/x-amz-json-1.1");
                    }
                }
                inner(req)
            },
        ),
        mode(
            "wm-delete-absent-not-found",
            State,
            "deleting a token that does not exist answers ResourceNotFoundException, an error \
                the model does not list for the call",
            &["wm-delete-absent-succeeds"],
            |req: &Request, inner: Inner| {
                if op(req) == wm::DELETE && !req.headers.contains_key("x-pat-conformance-fault") {
                    let probe = inner(&with_header(
                        req,
                        "x-amz-target",
                        "WorkMailService.GetPersonalAccessTokenMetadata",
                    ));
                    if error_type(&probe).as_deref() == Some("ResourceNotFoundException") {
                        return probe;
                    }
                }
                inner(req)
            },
        ),
        mode(
            "wm-get-names-the-caller",
            State,
            "GetPersonalAccessTokenMetadata names the organization's first user as every \
                token's owner",
            &["wm-get-other-users-token"],
            |req: &Request, inner: Inner| {
                let mut reply = inner(req);
                if op(req) == wm::GET && ok(&reply) {
                    wm::tokens(wm::GET, &mut reply, |t| {
                        t.insert(
                            "UserId".into(),
                            json!("a1b2c3d4-0000-4000-8000-00000000a11c"),
                        );
                    });
                }
                reply
            },
        ),
        mode(
            "wm-user-filter-ignored",
            State,
            "UserId is ignored: the whole organization is listed",
            &["wm-user-filter", "wm-unknown-user"],
            on_request(is(wm::LIST), |r| {
                with_input(r, |i| {
                    i.remove("UserId");
                })
            }),
        ),
        mode(
            "wm-sigv4-not-required",
            Auth,
            "WorkMail calls without a signature are served",
            &["gen-list-personal-access-tokens-no-auth"],
            on_request(is(wm::LIST), |r| {
                if auth(r).is_none() {
                    // Served as if the emulator's own caller had signed it.
                    let mut r = r.clone();
                    crate::emulator::sign_as_emulator(&mut r, "us-east-1", "workmail");
                    r
                } else {
                    r.clone()
                }
            }),
        ),
    ]
}

/// SigV4 checked less than AWS checks it (the emulator's own setting, no rewrite).
pub(super) fn signatures() -> Vec<Mode> {
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

//! IAM behaviour and answers that break the contract: the limit, paging, errors, the
//! secrets, expiry, status and the XML itself.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{call, elements, CREATE, LIST, RESET, UPDATE};
use crate::emulator::{Reply, Request};
use crate::mutants::edit::{self, form_member, op, with_form};
use crate::mutants::hook::{is, on_reply, on_request, Inner};
use crate::mutants::{mode, Class, Mode};

/// The error code of an XML error answer.
fn code(reply: &Reply) -> Option<String> {
    elements(&String::from_utf8_lossy(&reply.body), "Code")
        .into_iter()
        .next()
}

/// Renames the code of an XML error answer.
fn rename_code(reply: &mut Reply, from: &str, to: &str) {
    if code(reply).as_deref() == Some(from) {
        edit::text(reply, |t| {
            t.replace(
                &format!("<Code>{from}</Code>"),
                &format!("<Code>{to}</Code>"),
            )
        });
    }
}

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        mode(
            "iam-limit-not-enforced",
            State,
            "a third credential for a service replaces the oldest instead of failing with \
            LimitExceeded",
            &["iam-third-credential-limit-exceeded"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) != CREATE || code(&reply).as_deref() != Some("LimitExceeded") {
                    return reply;
                }
                let user = form_member(req, "UserName").unwrap_or_default();
                let service = form_member(req, "ServiceName").unwrap_or_default();
                let listing = call(
                    req,
                    inner,
                    LIST,
                    &[("UserName", &user), ("ServiceName", &service)],
                );
                let held = elements(
                    &String::from_utf8_lossy(&listing.body),
                    "ServiceSpecificCredentialId",
                );
                if let Some(oldest) = held.first() {
                    call(
                        req,
                        inner,
                        super::DELETE,
                        &[("UserName", &user), ("ServiceSpecificCredentialId", oldest)],
                    );
                }
                inner(req)
            },
        ),
        mode(
            "iam-max-items-ignored",
            Pagination,
            "MaxItems is ignored: every credential comes on one page",
            &["iam-list-max-items-one"],
            on_request(is(LIST), |r| {
                with_form(r, |f| f.retain(|(k, _)| k != "MaxItems"))
            }),
        ),
        mode(
            "iam-marker-ignored",
            Pagination,
            "Marker is ignored: every page starts the listing over",
            &["iam-list-max-items-one", "iam-list-walk-pages-of-two"],
            on_request(is(LIST), |r| {
                with_form(r, |f| f.retain(|(k, _)| k != "Marker"))
            }),
        ),
        mode(
            "iam-truncated-always-false",
            Pagination,
            "IsTruncated is false even when a Marker leads to more",
            &["iam-list-max-items-one"],
            on_reply(is(LIST), |r| {
                edit::text(r, |t| {
                    t.replace(
                        "<IsTruncated>true</IsTruncated>",
                        "<IsTruncated>false</IsTruncated>",
                    )
                })
            }),
        ),
        mode(
            "iam-unsupported-as-no-such-entity",
            ErrorStatusOrType,
            "an unsupported service is reported as NoSuchEntity instead of NotSupportedService",
            &["iam-unsupported-service"],
            on_reply(super::owns, |r| {
                rename_code(r, "NotSupportedService", "NoSuchEntity")
            }),
        ),
        mode(
            "iam-no-such-entity-as-400",
            ErrorStatusOrType,
            "NoSuchEntity travels as 400 instead of the modelled 404",
            &["iam-delete-unknown-credential", "iam-list-unknown-user"],
            on_reply(super::owns, |r| {
                if code(r).as_deref() == Some("NoSuchEntity") {
                    r.status = 400;
                }
            }),
        ),
        mode(
            "iam-api-key-age-ignored",
            State,
            "CredentialAgeDays is ignored: an API key created with an age never expires",
            &["iam-create-api-key-with-age"],
            on_request(is(CREATE), |r| {
                with_form(r, |f| f.retain(|(k, _)| k != "CredentialAgeDays"))
            }),
        ),
        mode(
            "iam-bedrock-age-ignored",
            State,
            "CredentialAgeDays is ignored for Bedrock API keys only: they never expire, \
            while CloudWatch Logs keys do",
            &["iam-api-key-age-bedrock-min", "iam-api-key-age-bedrock-max"],
            on_request(is(CREATE), |r| {
                if form_member(r, "ServiceName").as_deref() != Some("bedrock.amazonaws.com") {
                    return r.clone();
                }
                with_form(r, |f| f.retain(|(k, _)| k != "CredentialAgeDays"))
            }),
        ),
        mode(
            "iam-age-bounds-not-enforced",
            InputValidation,
            "a CredentialAgeDays under 1 or over 36600 is not refused: the key is made \
            without an expiry",
            &[
                "iam-api-key-age-bedrock-0-refused",
                "iam-api-key-age-bedrock-36601-refused",
                "iam-api-key-age-logs-0-refused",
                "iam-api-key-age-logs-36601-refused",
            ],
            on_request(is(CREATE), |r| {
                let out_of_range = form_member(r, "CredentialAgeDays")
                    .and_then(|d| d.parse::<i64>().ok())
                    .is_some_and(|d| !(1..=36600).contains(&d));
                if !out_of_range {
                    return r.clone();
                }
                with_form(r, |f| f.retain(|(k, _)| k != "CredentialAgeDays"))
            }),
        ),
        mode(
            "iam-password-in-listing",
            SecretLeak,
            "the listing carries each credential's password",
            &["iam-list-carries-no-secret"],
            on_reply(is(LIST), |r| {
                edit::text(r, |t| {
                    t.replace(
                        "<UserName>",
                        "<ServicePassword>leaked-password-0123456789</ServicePassword><UserName>",
                    )
                })
            }),
        ),
        mode(
            "iam-update-ignored",
            State,
            "UpdateServiceSpecificCredential succeeds and changes nothing",
            &["iam-update-status-listed"],
            |req: &Request, inner: Inner| {
                if op(req) == UPDATE && form_member(req, "Status").as_deref() == Some("Inactive") {
                    // Succeeds as the real call would, and leaves the credential Active.
                    return inner(&with_form(req, |f| {
                        for (k, v) in f.iter_mut() {
                            if k == "Status" {
                                *v = "Active".into();
                            }
                        }
                    }));
                }
                inner(req)
            },
        ),
        mode(
            "iam-reset-keeps-password",
            SecretLeak,
            "a reset answers the password the credential was created with",
            &["iam-reset-returns-new-password"],
            {
                let first: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
                move |req: &Request, inner: Inner| {
                    let mut reply = inner(req);
                    let text = String::from_utf8_lossy(&reply.body).into_owned();
                    let id = elements(&text, "ServiceSpecificCredentialId")
                        .into_iter()
                        .next();
                    let password = elements(&text, "ServicePassword").into_iter().next();
                    let mut first = first.lock().unwrap_or_else(|e| e.into_inner());
                    match (op(req), id, password) {
                        (CREATE, Some(id), Some(p)) => {
                            first.insert(id, p);
                        }
                        (RESET, Some(id), Some(p)) => {
                            if let Some(old) = first.get(&id) {
                                edit::text(&mut reply, |t| t.replace(&p, old));
                            }
                        }
                        _ => {}
                    }
                    reply
                }
            },
        ),
        mode(
            "iam-answers-json",
            ContentType,
            "IAM answers JSON documents (application/json) instead of XML",
            &[
                "iam-create-password-credential",
                "iam-list-documented-members",
            ],
            on_reply(super::owns, |r| {
                if let Ok(doc) = crate::codec::of(crate::spec::Protocol::AwsQuery).decode(&r.body) {
                    r.set_json_body(&doc);
                    r.set_header("content-type", "application/json");
                }
            }),
        ),
    ]
}

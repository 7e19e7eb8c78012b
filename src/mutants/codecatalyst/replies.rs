//! CodeCatalyst replies that break the contract: statuses, members, types, constraints,
//! error shapes and content types.

use serde_json::{json, Value};

use crate::mutants::codecatalyst as cc;
use crate::mutants::edit::{self, ok};
use crate::mutants::hook::{error_named, is, on_reply, success};
use crate::mutants::{mode, Class, Mode};

pub(super) fn modes() -> Vec<Mode> {
    use Class::*;
    vec![
        // Success status.
        mode(
            "create-answers-200",
            SuccessStatus,
            "CreateAccessToken succeeds with 200 instead \
            of the modelled 201",
            &["create-returns-documented-members"],
            on_reply(is(cc::CREATE), |r| {
                if r.status == 201 {
                    r.status = 200
                }
            }),
        ),
        mode(
            "delete-answers-204",
            SuccessStatus,
            "DeleteAccessToken succeeds with 204 and no \
            body instead of 200 {}",
            &["delete-lifecycle", "delete-twice-not-found"],
            on_reply(is(cc::DELETE), |r| {
                if r.status == 200 {
                    r.status = 204;
                    r.body.clear();
                    r.remove_header("content-type")
                }
            }),
        ),
        // Required members.
        mode(
            "create-omits-secret",
            RequiredMember,
            "CreateAccessToken leaves out the required \
            secret",
            &["create-returns-documented-members"],
            on_reply(
                is(cc::CREATE),
                success(|v| {
                    v.as_object_mut().map(|o| o.remove("secret"));
                }),
            ),
        ),
        mode(
            "create-omits-access-token-id",
            RequiredMember,
            "CreateAccessToken leaves out the \
            required accessTokenId",
            &["create-returns-documented-members", "create-ids-are-unique"],
            on_reply(
                is(cc::CREATE),
                success(|v| {
                    v.as_object_mut().map(|o| o.remove("accessTokenId"));
                }),
            ),
        ),
        mode(
            "list-omits-empty-items",
            RequiredMember,
            "ListAccessTokens leaves out the \
            required items when there are none",
            &["list-only-own-tokens"],
            on_reply(
                is(cc::LIST),
                success(|v| {
                    if v["items"].as_array().is_some_and(Vec::is_empty) {
                        v.as_object_mut().map(|o| o.remove("items"));
                    }
                }),
            ),
        ),
        mode(
            "list-items-omit-name",
            RequiredMember,
            "list items leave out the required name",
            &["list-contains-created-token", "list-non-ascii-name-listed"],
            on_reply(is(cc::LIST), |r| {
                if ok(r) {
                    cc::items(r, |i| {
                        i.remove("name");
                    })
                }
            }),
        ),
        // Types and timestamp formats.
        mode(
            "create-expiry-epoch-seconds",
            TypeOrFormat,
            "CreateAccessToken writes \
            expiresTime as epoch seconds (awsJson style) instead of RFC 3339",
            &[
                "create-returns-documented-members",
                "create-default-expiry-one-year",
            ],
            on_reply(
                is(cc::CREATE),
                success(|v| {
                    if let Some(t) = v["expiresTime"].as_str().and_then(|s| {
                        time::OffsetDateTime::parse(
                            s,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                    }) {
                        v["expiresTime"] = json!(t.unix_timestamp());
                    }
                }),
            ),
        ),
        mode(
            "list-expiry-without-offset",
            TypeOrFormat,
            "list items write expiresTime without \
            a time zone (2027-01-01T00:00:00)",
            &["list-contains-created-token"],
            on_reply(is(cc::LIST), |r| {
                if ok(r) {
                    cc::items(r, |i| {
                        if let Some(s) = i.get("expiresTime").and_then(Value::as_str) {
                            let s = s.trim_end_matches('Z').to_string();
                            i.insert("expiresTime".into(), json!(s));
                        }
                    })
                }
            }),
        ),
        mode(
            "create-id-as-number",
            TypeOrFormat,
            "CreateAccessToken writes accessTokenId as a \
            JSON number",
            &["create-returns-documented-members"],
            on_reply(
                is(cc::CREATE),
                success(|v| v["accessTokenId"] = json!(12345)),
            ),
        ),
        // Constraints on output members.
        mode(
            "create-secret-empty",
            ResponseConstraint,
            "CreateAccessToken returns an empty \
            secret (model length 1..4000)",
            &["create-returns-documented-members"],
            on_reply(is(cc::CREATE), success(|v| v["secret"] = json!(""))),
        ),
        mode(
            "create-id-over-36-characters",
            ResponseConstraint,
            "accessTokenId longer than \
            the model's 36 characters",
            &["create-returns-documented-members"],
            on_reply(
                is(cc::CREATE),
                success(|v| {
                    if let Some(id) = v["accessTokenId"].as_str() {
                        v["accessTokenId"] = json!(format!("{id}-with-a-suffix"));
                    }
                }),
            ),
        ),
        // Error status and type.
        mode(
            "not-found-as-400",
            ErrorStatusOrType,
            "ResourceNotFoundException travels as 400 \
            instead of 404",
            &["delete-unknown-id"],
            on_reply(
                cc::owns,
                error_named("ResourceNotFoundException", |r| r.status = 400),
            ),
        ),
        mode(
            "access-denied-as-401",
            ErrorStatusOrType,
            "AccessDeniedException travels as 401 \
            instead of 403",
            &["gen-create-access-token-no-auth"],
            on_reply(
                cc::owns,
                error_named("AccessDeniedException", |r| r.status = 401),
            ),
        ),
        mode(
            "validation-named-bad-request",
            ErrorStatusOrType,
            "input errors are called \
            BadRequestException, which the model does not know",
            &["gen-create-access-token-name-length-above-max"],
            on_reply(
                cc::owns,
                error_named("ValidationException", |r| {
                    edit::rename_error(r, "BadRequestException")
                }),
            ),
        ),
        mode(
            "quota-as-429",
            ErrorStatusOrType,
            "ServiceQuotaExceededException travels as 429 \
            instead of 402",
            &["create-quota-exceeded"],
            on_reply(
                is(cc::CREATE),
                error_named("ServiceQuotaExceededException", |r| r.status = 429),
            ),
        ),
        // Content type.
        mode(
            "json-served-as-text-plain",
            ContentType,
            "CodeCatalyst bodies are sent as text/plain",
            &["create-returns-documented-members"],
            on_reply(cc::owns, |r| {
                if !r.body.is_empty() {
                    r.set_header("content-type", "text/plain")
                }
            }),
        ),
    ]
}

//! Deviations in state: deletes that delete nothing or too much, creates never
//! stored, quotas not enforced, filters ignored.

use crate::emulator::Request;
use serde_json::{json, Value};

use super::super::edit::{self, error_type, input, ok, op, with_header, with_input, Op};
use super::super::{mode, Class, Mode};
use super::{all_ids, auth, call, is, on_request, Inner};
use crate::emulator::Reply;

pub(super) fn state() -> Vec<Mode> {
    use Class::State as S;
    vec![
        mode(
            "wm-delete-is-noop",
            S,
            "DeletePersonalAccessToken answers {} but deletes nothing",
            &["wm-delete-then-gone"],
            |req: &Request, inner: Inner| {
                if op(req) == Op::WmDelete && !req.headers.contains_key("x-pat-conformance-fault") {
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
            S,
            "deleting a token that does not exist answers ResourceNotFoundException, an error \
                the model does not list for the call",
            &["wm-delete-absent-succeeds"],
            |req: &Request, inner: Inner| {
                if op(req) == Op::WmDelete && !req.headers.contains_key("x-pat-conformance-fault") {
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
            S,
            "GetPersonalAccessTokenMetadata names the organization's first user as every \
                token's owner",
            &["wm-get-other-users-token"],
            |req: &Request, inner: Inner| {
                let mut reply = inner(req);
                if op(req) == Op::WmGet && ok(&reply) {
                    edit::wm_tokens(Op::WmGet, &mut reply, |t| {
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
            "delete-is-noop",
            S,
            "DeleteAccessToken answers 200 but deletes nothing",
            &["delete-lifecycle", "delete-unknown-id"],
            |req: &Request, inner: Inner| {
                if op(req) == Op::Delete
                    && auth(req).is_some_and(|a| a.starts_with("Bearer "))
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                inner(req)
            },
        ),
        mode(
            "create-not-persisted",
            S,
            "CreateAccessToken answers 201 but the token is never stored",
            &["list-contains-created-token", "delete-lifecycle"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Create && reply.status == 201 {
                    if let Some(id) = reply
                        .json_body()
                        .and_then(|v| v["accessTokenId"].as_str().map(str::to_string))
                    {
                        inner(&call(
                            req,
                            "DELETE",
                            &format!("/v1/accessTokens/{id}"),
                            Value::Null,
                            None,
                        ));
                    }
                }
                reply
            },
        ),
        mode(
            "delete-twice-succeeds",
            S,
            "deleting a token that is gone answers 200 instead of ResourceNotFoundException",
            &["delete-twice-not-found", "delete-unknown-id"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Delete
                    && reply.status == 404
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    return Reply::json(200, &json!({}), "application/json");
                }
                reply
            },
        ),
        mode(
            "quota-not-enforced",
            S,
            "creates beyond the quota answer 201 (with a token that is never stored)",
            &["create-quota-exceeded", "create-up-to-declared-quota"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Create
                    && reply.status == 402
                    && !req.headers.contains_key("x-pat-conformance-fault")
                {
                    let name = input(req, "name").unwrap_or(json!("unnamed"));
                    let expires = (time::OffsetDateTime::now_utc() + time::Duration::days(365))
                        .replace_nanosecond(0)
                        .ok()
                        .and_then(|t| {
                            t.format(&time::format_description::well_known::Rfc3339)
                                .ok()
                        });
                    return Reply::json(
                        201,
                        &json!({
                            "secret": "s".repeat(40),
                            "name": name,
                            "expiresTime": expires,
                            "accessTokenId": uuid::Uuid::new_v4().to_string()
                        }),
                        "application/json",
                    );
                }
                reply
            },
        ),
        mode(
            "delete-removes-all-tokens",
            S,
            "DeleteAccessToken deletes every token of the caller, not just the one named",
            &["delete-removes-only-that-token"],
            |req: &Request, inner: Inner| {
                let reply = inner(req);
                if op(req) == Op::Delete && ok(&reply) {
                    for item in all_ids(req, inner, None) {
                        if let Some(id) = item["id"].as_str() {
                            inner(&call(
                                req,
                                "DELETE",
                                &format!("/v1/accessTokens/{id}"),
                                Value::Null,
                                None,
                            ));
                        }
                    }
                }
                reply
            },
        ),
        mode(
            "wm-user-filter-ignored",
            S,
            "UserId is ignored: the whole organization is listed",
            &["wm-user-filter", "wm-unknown-user"],
            on_request(is(Op::WmList), |r| {
                with_input(r, |i| {
                    i.remove("UserId");
                })
            }),
        ),
    ]
}

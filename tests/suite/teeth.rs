//! Teeth: broken wiremock fixtures, each breaking one rule, must make the case that
//! guards the rule fail on the expected check (and nothing here may pass by accident).

use libtest_mimic::Trial;
use pat_conformance::outcome::{CheckKind, Status};
use serde_json::json;
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{block_on, case, describe, run_cases};

fn json_body(status: u16, body: serde_json::Value, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), content_type)
}

fn created() -> serde_json::Value {
    json!({"secret": "fixture-secret-value", "name": "n", "expiresTime": "2027-01-01T00:00:00Z", "accessTokenId": "fixture-id"})
}

struct Fixture {
    name: &'static str,
    case: &'static str,
    check: CheckKind,
    mocks: fn() -> Vec<Mock>,
}

fn delete_ok() -> Mock {
    Mock::given(method("DELETE")).respond_with(json_body(200, json!({}), "application/json"))
}

fn fixtures() -> Vec<Fixture> {
    vec![
        Fixture {
            name: "wrong_success_status",
            case: "create-returns-documented-members",
            check: CheckKind::Status,
            mocks: || {
                vec![
                    Mock::given(method("PUT")).respond_with(json_body(
                        200,
                        created(),
                        "application/json",
                    )),
                    delete_ok(),
                ]
            },
        },
        Fixture {
            name: "missing_required_member",
            case: "create-returns-documented-members",
            check: CheckKind::Schema,
            mocks: || {
                let mut body = created();
                body.as_object_mut().unwrap().remove("accessTokenId");
                vec![Mock::given(method("PUT")).respond_with(json_body(
                    201,
                    body,
                    "application/json",
                ))]
            },
        },
        Fixture {
            name: "wrong_error_type",
            case: "delete-unknown-id",
            check: CheckKind::ErrorType,
            mocks: || {
                vec![Mock::given(method("DELETE"))
                    .and(path_regex("^/v1/accessTokens/.+$"))
                    .respond_with(
                        json_body(404, json!({"message": "nope"}), "application/json")
                            .insert_header("x-amzn-errortype", "AccessDeniedException"),
                    )]
            },
        },
        Fixture {
            name: "wrong_error_status",
            case: "delete-unknown-id",
            check: CheckKind::Status,
            mocks: || {
                vec![Mock::given(method("DELETE")).respond_with(
                    json_body(400, json!({"message": "nope"}), "application/json")
                        .insert_header("x-amzn-errortype", "ResourceNotFoundException"),
                )]
            },
        },
        Fixture {
            name: "accepts_invalid_input",
            case: "gen-create-access-token-name-length-above-max",
            check: CheckKind::Outcome,
            mocks: || {
                vec![
                    Mock::given(method("PUT")).respond_with(json_body(
                        201,
                        created(),
                        "application/json",
                    )),
                    delete_ok(),
                ]
            },
        },
        Fixture {
            name: "millisecond_timestamps",
            case: "wm-timestamps-are-epoch-seconds",
            check: CheckKind::Assertion,
            mocks: || {
                let body = json!({"PersonalAccessTokenSummaries": [{"PersonalAccessTokenId": "p1", "DateCreated": 1767225600000u64, "ExpiresTime": 1798761600000u64}]});
                vec![Mock::given(method("POST"))
                    .and(path("/"))
                    .respond_with(json_body(200, body, "application/x-amz-json-1.1"))]
            },
        },
        Fixture {
            name: "wrong_content_type",
            case: "wm-list-organization",
            check: CheckKind::ContentType,
            mocks: || {
                let body =
                    json!({"PersonalAccessTokenSummaries": [{"PersonalAccessTokenId": "p1"}]});
                vec![Mock::given(method("POST"))
                    .and(header(
                        "x-amz-target",
                        "WorkMailService.ListPersonalAccessTokens",
                    ))
                    .respond_with(json_body(200, body, "application/json"))]
            },
        },
    ]
}

pub fn trials() -> Vec<Trial> {
    fixtures()
        .into_iter()
        .map(|f| {
            Trial::test(format!("teeth::{}", f.name), move || {
                block_on(async {
                    let server = MockServer::start().await;
                    for mock in (f.mocks)() {
                        mock.mount(&server).await;
                    }
                    let results = run_cases(vec![case(f.case)], Some(server.uri())).await;
                    let r = &results[0];
                    if r.status != Status::Fail {
                        return Err(format!(
                            "{} must fail against the {} fixture:\n{}",
                            f.case,
                            f.name,
                            describe(r)
                        )
                        .into());
                    }
                    if !r.failures.iter().any(|x| x.check == f.check) {
                        return Err(format!(
                            "{} failed, but not on the {} check:\n{}",
                            f.case,
                            f.check.as_str(),
                            describe(r)
                        )
                        .into());
                    }
                    Ok(())
                })
            })
        })
        .collect()
}

//! Trust: no false failures on what the contract leaves open, and what the target sent
//! is never mistaken for a harness problem.

use std::sync::Arc;

use libtest_mimic::Trial;
use pat_conformance::case::Level;
use pat_conformance::emulator::Reply;
use pat_conformance::emulator::Request;
use pat_conformance::outcome::{CheckKind, Status};
use serde_json::{json, Value};

use crate::support::{block_on, case, describe, run_wrapped, suite, Edit};

type Result = std::result::Result<(), libtest_mimic::Failed>;

fn is_list(req: &Request) -> bool {
    req.method.as_str() == "POST" && req.url.path() == "/v1/accessTokens"
}

fn is_create(req: &Request) -> bool {
    req.method.as_str() == "PUT" && req.url.path() == "/v1/accessTokens"
}

fn edit_json(reply: &mut Reply, f: impl FnOnce(&mut Value)) {
    if let Some(mut v) = reply.json_body() {
        f(&mut v);
        reply.set_json_body(&v);
    }
}

/// Every built-in and generated case, run by the binary against the embedded emulator
/// (whose profile fills in every var): no request that went out holds a `${…}`, as is
/// or percent-encoded, and none was held back by the guard before the wire (which
/// would be an ERROR naming it).
fn no_unexpanded_variable_on_the_wire() -> Result {
    let dir = crate::cli::temp_dir("unexpanded");
    let out = crate::cli::bin()
        .args(["run", "--quiet", "--reports"])
        .arg(&dir)
        .output()?;
    let said = crate::cli::text(&out);
    if said.contains("never filled in") || out.status.code() != Some(0) {
        return Err(format!("the run did not pass clean:\n{said}").into());
    }
    let folder = crate::leftovers::report_folder(&dir)?;
    let report: Value = serde_json::from_slice(&std::fs::read(folder.join("report.json"))?)?;
    let cases = report["cases"].as_array().ok_or("no cases")?;
    let mut sent = 0;
    let mut held = Vec::new();
    for c in cases {
        for exchange in c["exchanges"].as_array().into_iter().flatten() {
            sent += 1;
            let request = exchange["request"].to_string().to_ascii_lowercase();
            if request.contains("${") || request.contains("%24%7b") {
                held.push(format!("{}: {}", c["id"], exchange["request"]));
            }
        }
    }
    if cases.len() < 300 || sent < 800 {
        return Err(format!("too little was run: {} cases, {sent} requests", cases.len()).into());
    }
    if !held.is_empty() {
        return Err(format!(
            "requests with a variable never filled in:\n{}",
            held.join("\n")
        )
        .into());
    }
    Ok(())
}

/// Every step of every case, generated ones included, that expects a "not found" error
/// sends only values that are fresh at every execution.
fn no_fixed_value_names_nothing() -> Result {
    let mut checked = 0;
    let mut fixed = Vec::new();
    for c in &suite().cases {
        let mut steps: Vec<_> = c.steps.iter().collect();
        while let Some(step) = steps.pop() {
            steps.extend(step.cleanup.iter());
            if matches!(&step.expect, pat_conformance::case::Expect::Error(e) if e.contains("NotFound"))
                && step.fault.is_none()
            {
                checked += 1;
            }
            for (at, value) in step.fixed_values_meant_to_name_nothing() {
                fixed.push(format!("{} {}{at} = {value:?}", c.id, step.operation));
            }
        }
    }
    if checked < 5 {
        return Err(format!(
            "only {checked} steps expect a not-found error: the check proves nothing"
        )
        .into());
    }
    if !fixed.is_empty() {
        return Err(format!("fixed values meant to name nothing:\n{}", fixed.join("\n")).into());
    }
    Ok(())
}

/// An error message that echoes a 256-character input is longer than the model's
/// `Message` limit: a `should` finding, never a `must` failure, and judged at `must`
/// only, every case passes.
fn long_error_messages_are_should_findings() -> Result {
    let echo = Arc::new(Edit(|_: &Request, r: &mut Reply| {
        if r.status >= 400 {
            edit_json(r, |v| {
                for key in ["message", "Message"] {
                    if let Some(Value::String(m)) = v.get_mut(key) {
                        m.push_str(&format!(" (you sent {})", "a".repeat(300)));
                    }
                }
            });
        }
    }));
    let all = suite().cases.clone();
    block_on(async {
        let report = run_wrapped(all.clone(), echo.clone(), vec![]).await;
        let mut should = 0;
        for r in &report.cases {
            for f in &r.failures {
                if f.level == Level::Must {
                    return Err(format!("a must-level failure:\n{}", describe(r)).into());
                }
                should += usize::from(f.check == CheckKind::Schema);
            }
        }
        if should == 0 {
            return Err("no should-level schema finding: the long messages were not seen".into());
        }
        let judged = run_wrapped(all, echo, vec![Level::Must]).await;
        if let Some(r) = judged
            .cases
            .iter()
            .find(|r| r.status != Status::Pass && r.status != Status::Skip)
        {
            return Err(
                format!("judged at must only, a case did not pass:\n{}", describe(r)).into(),
            );
        }
        if !judged.cases.iter().any(|r| !r.failures.is_empty()) {
            return Err("judged at must only, the should findings were not reported".into());
        }
        Ok(())
    })
}

struct Sent {
    name: &'static str,
    case: &'static str,
    check: CheckKind,
    edit: fn(&Request, &mut Reply),
}

fn sent() -> Vec<Sent> {
    vec![
        Sent {
            name: "timestamp-without-offset",
            case: "delete-lifecycle",
            check: CheckKind::Schema,
            edit: |req, r| {
                let strip = |v: &mut Value| {
                    if let Some(Value::String(t)) = v.get_mut("expiresTime") {
                        *t = t.trim_end_matches('Z').to_string();
                    }
                };
                if is_create(req) {
                    edit_json(r, strip);
                } else if is_list(req) {
                    edit_json(r, |v| {
                        if let Some(Value::Array(items)) = v.get_mut("items") {
                            items.iter_mut().for_each(strip);
                        }
                    });
                }
            },
        },
        Sent {
            name: "body-not-json",
            case: "list-contains-created-token",
            check: CheckKind::Body,
            edit: |req, r| {
                if is_list(req) {
                    r.body = b"{\"items\": [".to_vec();
                }
            },
        },
        Sent {
            name: "wrong-type-at-assertion-path",
            case: "delete-lifecycle",
            check: CheckKind::Assertion,
            edit: |req, r| {
                if is_list(req) {
                    edit_json(r, |v| v["items"] = json!({"not": "an array"}));
                }
            },
        },
        Sent {
            name: "page-token-leads-nowhere",
            case: "list-contains-created-token",
            check: CheckKind::Outcome,
            edit: |req, r| {
                if is_list(req) && r.status == 200 {
                    edit_json(r, |v| {
                        if v.get("nextToken").is_none() {
                            v["nextToken"] = json!("a-token-that-leads-nowhere");
                        }
                    });
                }
            },
        },
        Sent {
            name: "capture-missing",
            case: "delete-twice-not-found",
            check: CheckKind::Capture,
            edit: |req, r| {
                if is_create(req) {
                    edit_json(r, |v| {
                        v.as_object_mut().map(|o| o.remove("accessTokenId"));
                    });
                }
            },
        },
    ]
}

pub fn trials() -> Vec<Trial> {
    let mut trials = vec![
        Trial::test(
            "trust::no_fixed_value_names_nothing",
            no_fixed_value_names_nothing,
        ),
        Trial::test(
            "trust::no_request_holds_an_unexpanded_variable",
            no_unexpanded_variable_on_the_wire,
        ),
        Trial::test(
            "trust::long_error_messages_are_should_findings",
            long_error_messages_are_should_findings,
        ),
    ];
    for s in sent() {
        trials.push(Trial::test(
            format!("trust::fail_not_error::{}", s.name),
            move || {
                block_on(async {
                    let edit = s.edit;
                    let mw = Arc::new(Edit(move |req: &Request, r: &mut Reply| edit(req, r)));
                    let report = run_wrapped(vec![case(s.case)], mw, vec![]).await;
                    let r = &report.cases[0];
                    if r.status != Status::Fail {
                        return Err(format!(
                            "what the target sent must be a contract failure, not {:?}:\n{}",
                            r.status,
                            describe(r)
                        )
                        .into());
                    }
                    if !r.failures.iter().any(|f| f.check == s.check) {
                        return Err(format!(
                            "failed, but not on the {} check:\n{}",
                            s.check.as_str(),
                            describe(r)
                        )
                        .into());
                    }
                    Ok(())
                })
            },
        ));
    }
    trials
}

//! Retries as the SDKs make them: transient answers (429 / ThrottlingException, 503) are
//! tried again and recorded; an expected error is never retried; a create is retried
//! only when it cannot have run, and no attempt leaves a token behind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply};
use pat_conformance::outcome::{CaseResult, Status};
use pat_conformance::runner::RunOptions;
use serde_json::json;

use crate::interrupt::tokens_left;
use crate::support::{block_on, case, describe, run_at, Background};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("retries::throttling_and_503_are_retried", transient_answers),
        Trial::test("retries::max_attempts_1_never_retries", no_retries),
        Trial::test("retries::an_expected_error_is_not_retried", expected_error),
        Trial::test(
            "retries::a_throttled_create_is_retried_and_cleaned_up",
            throttled_create,
        ),
        Trial::test(
            "retries::a_create_that_may_have_run_is_not_retried",
            lost_create,
        ),
        Trial::test(
            "retries::the_console_says_a_case_passed_after_retries",
            console,
        ),
        Trial::test(
            "retries::a_create_whose_connection_closed_before_an_answer_is_sent_again",
            closed_before_answer,
        ),
    ]
}

/// Drops the connection of the first request of every create, before carrying it out
/// (what a load balancer closing an idle keep-alive connection does to a request).
struct DropFirstCreate {
    dropped: AtomicUsize,
    seen: std::sync::Mutex<std::collections::HashSet<Vec<u8>>>,
}

impl Middleware for DropFirstCreate {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let create = req.method.as_str() == "PUT";
        let first = create
            && self
                .seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(req.body.clone());
        if first {
            self.dropped.fetch_add(1, Ordering::SeqCst);
            // Unwinding out of the handler drops the connection unanswered.
            std::panic::resume_unwind(Box::new("connection closed"));
        }
        inner(req)
    }
}

fn closed_before_answer() -> Result<(), Failed> {
    let mw = Arc::new(DropFirstCreate {
        dropped: AtomicUsize::new(0),
        seen: std::sync::Mutex::default(),
    });
    let bg = Background::start(Some(mw.clone()));
    let ids = ["create-returns-documented-members", "create-ids-are-unique"];
    let results = run(&bg, &ids, 3);
    if mw.dropped.load(Ordering::SeqCst) < 3 {
        return Err("fewer connections dropped than creates: the test proves nothing".into());
    }
    for r in &results {
        let resent = r
            .retries
            .iter()
            .any(|x| x.reason.contains("showed the create was not carried out"));
        if r.status != Status::Pass || !resent {
            return Err(format!("{:?}\n{}", r.retries, describe(r)).into());
        }
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!("{left} tokens left").into());
    }
    Ok(())
}

/// Answers the first `n` calls of each operation whose target or path contains `which`
/// with a transient error (alternately 429 ThrottlingException and 503) without
/// passing them on; `forward` passes the failing ones on first (the call runs, its
/// answer is lost).
struct Flaky {
    which: &'static str,
    n: usize,
    forward: bool,
    seen: AtomicUsize,
}

impl Flaky {
    fn new(which: &'static str, n: usize, forward: bool) -> Arc<Flaky> {
        Arc::new(Flaky {
            which,
            n,
            forward,
            seen: AtomicUsize::new(0),
        })
    }
}

impl Middleware for Flaky {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        if req.headers.contains_key(crate::interrupt::DIRECT) {
            return inner(req);
        }
        let target = req
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let op = format!("{} {} {target}", req.method, req.url.path());
        if !op.contains(self.which) {
            return inner(req);
        }
        let seen = self.seen.fetch_add(1, Ordering::SeqCst);
        if seen >= self.n {
            return inner(req);
        }
        if self.forward {
            let _ = inner(req);
        }
        if seen % 2 == 0 {
            let aws_json = !target.is_empty();
            let mut r = Reply::json(
                if aws_json { 400 } else { 429 },
                &json!({"__type": "ThrottlingException", "message": "slow down", "Message": "slow down"}),
                if aws_json {
                    "application/x-amz-json-1.1"
                } else {
                    "application/json"
                },
            );
            if !aws_json {
                r.set_header("x-amzn-errortype", "ThrottlingException");
            }
            r
        } else {
            Reply::json(503, &json!({"message": "unavailable"}), "application/json")
        }
    }
}

fn options(max_attempts: u32) -> RunOptions {
    let mut o = RunOptions::new();
    o.retry.max_attempts = max_attempts;
    o.retry.base = Duration::from_millis(2);
    // The preflight's calls would take the faults these trials script.
    o.preflight = false;
    o
}

fn run(bg: &Background, ids: &[&str], max_attempts: u32) -> Vec<CaseResult> {
    let cases = ids.iter().map(|id| case(id)).collect();
    block_on(run_at(
        cases,
        &bg.uri,
        bg.profile.clone(),
        options(max_attempts),
    ))
    .cases
}

fn transient_answers() -> Result<(), Failed> {
    for (which, id) in [
        ("ListPersonalAccessTokens", "wm-list-organization"),
        ("POST /v1/accessTokens", "list-only-own-tokens"),
    ] {
        let bg = Background::start(Some(Flaky::new(which, 2, false)));
        let r = run(&bg, &[id], 3).remove(0);
        let reasons: Vec<&str> = r.retries.iter().map(|x| x.reason.as_str()).collect();
        let throttled = reasons
            .first()
            .is_some_and(|x| x.contains("ThrottlingException"));
        let unavailable = reasons.get(1).is_some_and(|x| x.contains("503"));
        if r.status != Status::Pass || reasons.len() != 2 || !throttled || !unavailable {
            return Err(format!("{id}: {reasons:?}\n{}", describe(&r)).into());
        }
    }
    Ok(())
}

fn no_retries() -> Result<(), Failed> {
    let bg = Background::start(Some(Flaky::new("ListPersonalAccessTokens", 1, false)));
    let r = run(&bg, &["wm-list-organization"], 1).remove(0);
    if r.status != Status::Fail || !r.retries.is_empty() {
        return Err(format!("--max-attempts 1 retried or passed:\n{}", describe(&r)).into());
    }
    Ok(())
}

/// The generated fault case asks for ThrottlingException and gets it: one attempt.
fn expected_error() -> Result<(), Failed> {
    let bg = Background::start(None);
    let r = run(
        &bg,
        &["gen-create-access-token-fault-throttling-exception"],
        3,
    )
    .remove(0);
    let attempts = r.exchanges.iter().filter(|x| x.step == 1).count();
    if r.status != Status::Pass || !r.retries.is_empty() || attempts != 1 {
        return Err(format!("{attempts} attempts:\n{}", describe(&r)).into());
    }
    Ok(())
}

/// A throttled create is tried again, and the token the retry made is deleted at the
/// end of the case. When the throttled attempt did run after all (a target that
/// lies), its token is found by name and deleted too.
fn throttled_create() -> Result<(), Failed> {
    for ran in [false, true] {
        let bg = Background::start(Some(Flaky::new("PUT /v1/accessTokens", 1, ran)));
        let r = run(&bg, &["create-returns-documented-members"], 3).remove(0);
        if r.status != Status::Pass || r.retries.len() != 1 {
            return Err(format!("not retried once:\n{}", describe(&r)).into());
        }
        let left = tokens_left(&bg)?;
        if left != 0 {
            return Err(format!("throttled attempt ran: {ran}: {left} tokens left").into());
        }
    }
    Ok(())
}

/// Both attempts of a create run on the target: the first is answered "throttled" (a
/// target that lies) and retried, the second 503, which is not retried (the model does
/// not mark CreateAccessToken idempotent). Both tokens are found by name and deleted.
fn lost_create() -> Result<(), Failed> {
    // The first failing answer is a throttle (retried: the target claims it did not
    // run), the second a 503 (not retried).
    let bg = Background::start(Some(Flaky::new("PUT /v1/accessTokens", 2, true)));
    let r = run(&bg, &["create-returns-documented-members"], 3).remove(0);
    let creates = r.exchanges.iter().filter(|x| x.step == 1).count();
    if r.status != Status::Fail || r.retries.len() != 1 || creates != 2 {
        return Err(format!("{creates} create attempts:\n{}", describe(&r)).into());
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!("{left} tokens left on the target").into());
    }
    Ok(())
}

fn console() -> Result<(), Failed> {
    use crate::cli::{expect_code, temp_dir, text};
    let bg = Background::start(Some(Flaky::new("ListPersonalAccessTokens", 1, false)));
    let dir = temp_dir("retries-console");
    let profile = bg.write_profile(&dir);
    let out = crate::cli::bin()
        .args([
            "run",
            "--id",
            "wm-list-organization",
            "--no-preflight",
            "--profile",
        ])
        .arg(&profile)
        .arg("--reports")
        .arg(dir.join("reports"))
        .output()?;
    expect_code(&out, 0)?;
    let printed = text(&out);
    for says in [
        "after 1 retry (HTTP 400 ThrottlingException)",
        "retried 1 calls in 1 cases",
    ] {
        if !printed.contains(says) {
            return Err(format!("the console does not say `{says}`:\n{printed}").into());
        }
    }
    let report = std::fs::read_to_string(
        std::fs::read_dir(dir.join("reports"))?
            .next()
            .ok_or("no report folder")??
            .path()
            .join("report.json"),
    )?;
    if !report.contains("\"retries\"") {
        return Err("report.json does not record the retry".into());
    }
    Ok(())
}

//! Nothing left behind, whatever the target or the terminal does: a closed stdout, a
//! target that refuses after doing the work (429 or 400 after creating), one that
//! names another token's id, one that carries out every throttled attempt, a SIGKILL
//! (then `sweep`), and the closing line checked against what a listing shows.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply};
use pat_conformance::report::JsonReport;
use pat_conformance::runner::RunOptions;
use serde_json::json;

use crate::cli::{bin, temp_dir, text};
use crate::interrupt::{tokens_left, DIRECT};
use crate::support::Background;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "leftovers::closed_stdout_mid_run_leaves_nothing",
            closed_stdout,
        ),
        Trial::test(
            "leftovers::list_into_a_closed_pipe_exits_quietly",
            list_closed,
        ),
        Trial::test("leftovers::a_429_after_creating_leaves_nothing", || {
            refused(429, "ThrottlingException")
        }),
        Trial::test("leftovers::a_400_after_creating_leaves_nothing", || {
            refused(400, "ValidationException")
        }),
        Trial::test(
            "leftovers::a_create_naming_another_id_is_swept_by_name",
            wrong_id,
        ),
        Trial::test(
            "leftovers::every_throttled_attempt_carried_out_is_counted",
            throttled_but_done,
        ),
        Trial::test("leftovers::sigkill_then_sweep_leaves_nothing", sigkill)
            .with_ignored_flag(!cfg!(unix)),
        Trial::test(
            "leftovers::a_short_name_is_swept_after_sigkill_keeping_what_was_there",
            short_name_sigkill,
        )
        .with_ignored_flag(!cfg!(unix)),
    ]
}

/// CodeCatalyst cases that create tokens and share the identities; the last names its
/// token with one random character, too short to carry the run id (it runs alone, and
/// what it made is told by a listing before the create).
const CREATING: [&str; 5] = [
    "create-returns-documented-members",
    "create-ids-are-unique",
    "create-name-non-ascii-echoed",
    "create-name-punctuation-echoed",
    "gen-create-access-token-name-length-min",
];

fn is_create(req: &pat_conformance::emulator::Request, reply: &Reply) -> bool {
    req.method.as_str() == "PUT" && reply.status == 201 && !req.headers.contains_key(DIRECT)
}

/// Runs `ids` against `bg` with at most `attempts` per call.
fn run_ids(bg: &Background, ids: &[&str], attempts: u32) -> JsonReport {
    let mut options = RunOptions::new();
    options.timeout = Duration::from_secs(5);
    options.retry.max_attempts = attempts;
    crate::safety::run_named(bg, ids, &bg.uri, options)
}

/// The run's closing line says what a listing of the target shows: nothing left.
fn nothing_left(bg: &Background, report: &JsonReport, made: usize) -> Result<(), Failed> {
    if made == 0 {
        return Err("no create reached the target: the test proves nothing".into());
    }
    let left = tokens_left(bg)?;
    let line = report.ledger.line();
    if left != 0 {
        return Err(format!("{left} of {made} tokens were left; the run said:\n{line}").into());
    }
    let listed = line.contains("nothing left on the target (the final listing")
        && line.contains("shows none of this run's)");
    if !listed {
        return Err(format!("the target holds nothing, but the run said:\n{line}").into());
    }
    Ok(())
}

/// Carries out every create, then answers it with `status` / `error` instead.
struct RefuseAfter {
    status: u16,
    error: &'static str,
    pub(crate) created: Arc<AtomicUsize>,
}

impl Middleware for RefuseAfter {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let reply = inner(req);
        if !is_create(req, &reply) {
            return reply;
        }
        self.created.fetch_add(1, Ordering::SeqCst);
        error_reply(self.status, self.error, "refused after the work was done")
    }
}

/// A restJson1 error answer.
fn error_reply(status: u16, error: &str, message: &str) -> Reply {
    let mut reply = Reply::json(status, &json!({ "message": message }), "application/json");
    reply.set_header("x-amzn-errortype", error);
    reply
}

fn refused(status: u16, error: &'static str) -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(RefuseAfter {
        status,
        error,
        created: created.clone(),
    })));
    let report = run_ids(&bg, &CREATING, 1);
    let made = created.load(Ordering::SeqCst);
    nothing_left(&bg, &report, made)?;
    if report.ledger.created != made || report.ledger.deleted != made {
        return Err(format!(
            "the target made {made} tokens; the ledger says {:?}",
            report.ledger
        )
        .into());
    }
    Ok(())
}

fn wrong_id() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let counter = created.clone();
    let edit = crate::support::Edit(
        move |req: &pat_conformance::emulator::Request, reply: &mut Reply| {
            if !is_create(req, reply) {
                return;
            }
            counter.fetch_add(1, Ordering::SeqCst);
            if let Some(mut body) = reply.json_body() {
                body["accessTokenId"] = json!(uuid::Uuid::new_v4().to_string());
                reply.set_json_body(&body);
            }
        },
    );
    let bg = Background::start(Some(Arc::new(edit)));
    let report = run_ids(&bg, &CREATING, 3);
    let made = created.load(Ordering::SeqCst);
    nothing_left(&bg, &report, made)?;
    let l = &report.ledger;
    let listing = l.listing.clone().unwrap_or_default();
    if l.deleted != 0 || l.not_found != made || listing.found != made || listing.swept != made {
        return Err(format!(
            "every undo should have answered 404 and the final listing found all {made}: {l:?}"
        )
        .into());
    }
    Ok(())
}

/// Answers the first two attempts of every create 429, though it carried them out.
struct ThrottleButDo {
    seen: Mutex<std::collections::HashMap<String, usize>>,
    pub(crate) created: Arc<AtomicUsize>,
}

impl Middleware for ThrottleButDo {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let reply = inner(req);
        if !is_create(req, &reply) {
            return reply;
        }
        self.created.fetch_add(1, Ordering::SeqCst);
        let name = serde_json::from_slice::<serde_json::Value>(&req.body)
            .ok()
            .and_then(|b| b["name"].as_str().map(str::to_string))
            .unwrap_or_default();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen.entry(name).or_default();
        *n += 1;
        if *n > 2 {
            return reply;
        }
        error_reply(429, "ThrottlingException", "slow down")
    }
}

fn throttled_but_done() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(ThrottleButDo {
        seen: Mutex::default(),
        created: created.clone(),
    })));
    let report = run_ids(&bg, &CREATING[..2], 3);
    let made = created.load(Ordering::SeqCst);
    nothing_left(&bg, &report, made)?;
    if report.ledger.created != made {
        return Err(format!(
            "the target carried out {made} creates; the ledger counts {}",
            report.ledger.created
        )
        .into());
    }
    Ok(())
}

/// The report folder a run wrote under `dir`.
pub(crate) fn report_folder(dir: &std::path::Path) -> Result<std::path::PathBuf, Failed> {
    std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .ok_or_else(|| Failed::from("no report folder"))
}

fn closed_stdout() -> Result<(), Failed> {
    let bg = Background::start(None);
    let dir = temp_dir("closed-stdout");
    let profile = bg.write_profile(&dir);
    let mut child = bin()
        .args(["run", "--service", "codecatalyst", "--profile"])
        .arg(&profile)
        .arg("--reports")
        .arg(dir.join("reports"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    for _ in 0..3 {
        lines.next().ok_or("the run printed fewer than 3 lines")??;
    }
    // What `| head -3` does: the reader goes away mid-run.
    drop(lines);
    let out = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(0) || stderr.contains("panicked") {
        return Err(format!(
            "exit {:?} after stdout closed:\n{stderr}",
            out.status.code()
        )
        .into());
    }
    let report = report_folder(&dir.join("reports"))?.join("report.json");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report)?)?;
    if report["summary"]["passed"].as_u64().unwrap_or(0) < 20 {
        return Err(format!("the run did not carry on: {}", report["summary"]).into());
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!("{left} tokens left after stdout closed").into());
    }
    Ok(())
}

fn list_closed() -> Result<(), Failed> {
    let mut child = bin()
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("stdout")?;
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let out = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if first.is_empty() || out.status.code() != Some(0) || !stderr.is_empty() {
        return Err(format!("exit {:?}, stderr:\n{stderr}", out.status.code()).into());
    }
    Ok(())
}

/// Deletes answer 503 without deleting while `hold` is set; counts creates.
struct HoldDeletes {
    hold: Arc<AtomicBool>,
    created: Arc<AtomicUsize>,
}

impl Middleware for HoldDeletes {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let delete = req.method.as_str() == "DELETE" && !req.headers.contains_key(DIRECT);
        if delete && self.hold.load(Ordering::SeqCst) {
            return error_reply(503, "ServiceUnavailableException", "busy");
        }
        let reply = inner(req);
        if is_create(req, &reply) {
            self.created.fetch_add(1, Ordering::SeqCst);
        }
        reply
    }
}

/// An emulator whose deletes are held (503) until `hold` is cleared, and a count of
/// the creates it carried out: what a killed run leaves stays there to be counted.
pub(crate) fn holding() -> (Background, Arc<AtomicBool>, Arc<AtomicUsize>) {
    let hold = Arc::new(AtomicBool::new(true));
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(HoldDeletes {
        hold: hold.clone(),
        created: created.clone(),
    })));
    (bg, hold, created)
}

/// Runs the suite (`run` with `args`) against `profile`, and SIGKILLs it once the
/// target has carried out `creates` creates (or a minute passed): what the OOM killer
/// or a runner's hard cancel does, no handler runs.
pub(crate) fn kill_when(
    args: &[&str],
    profile: &std::path::Path,
    reports: &std::path::Path,
    created: &AtomicUsize,
    creates: usize,
) -> Result<(), Failed> {
    let mut child = bin()
        .arg("run")
        .args(args)
        .arg("--profile")
        .arg(profile)
        .arg("--reports")
        .arg(reports)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let until = Instant::now() + Duration::from_secs(60);
    while created.load(Ordering::SeqCst) < creates && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill()?;
    child.wait()?;
    Ok(())
}

/// `sweep` with `args` against `profile`.
pub(crate) fn run_sweep(
    profile: &std::path::Path,
    args: &[&str],
) -> std::io::Result<std::process::Output> {
    bin()
        .arg("sweep")
        .args(args)
        .arg("--profile")
        .arg(profile)
        .output()
}

fn sigkill() -> Result<(), Failed> {
    let (bg, hold, created) = holding();
    let dir = temp_dir("sigkill");
    let profile = bg.write_profile(&dir);
    let reports = dir.join("reports");
    let run = [
        "--service",
        "codecatalyst",
        "--exclude-tag",
        "generated",
        "--jobs",
        "4",
    ];
    kill_when(&run, &profile, &reports, &created, 6)?;
    hold.store(false, Ordering::SeqCst);
    let before = tokens_left(&bg)?;
    if before == 0 {
        return Err("the killed run left nothing: the test proves nothing".into());
    }
    let folder = report_folder(&reports)?;
    let sweep = |extra: &[&str]| run_sweep(&profile, extra);
    let dry = sweep(&["--all-runs", "--dry-run"])?;
    if dry.status.code() != Some(0) || tokens_left(&bg)? != before {
        return Err(format!("a dry run must delete nothing:\n{}", text(&dry)).into());
    }
    let from = folder.to_str().ok_or("path")?;
    let out = sweep(&["--from", from])?;
    let left = tokens_left(&bg)?;
    if out.status.code() != Some(0) || left != 0 {
        return Err(format!(
            "sweep exited {:?} and left {left} of {before} tokens:\n{}",
            out.status.code(),
            text(&out)
        )
        .into());
    }
    if !text(&out).contains("0 still listed") {
        return Err(format!(
            "sweep does not say what the listing showed:\n{}",
            text(&out)
        )
        .into());
    }
    Ok(())
}

/// A case whose token's name is a literal too short to carry the run id (`x1`), killed
/// after its create while deletes are held: `sweep --from` deletes the run's `x1` by
/// what the listing before the create showed, and keeps the `x1` that was there first.
fn short_name_sigkill() -> Result<(), Failed> {
    let (bg, hold, created) = holding();
    let dir = temp_dir("short-name-sigkill");
    let profile = bg.write_profile(&dir);
    let own = dir.join("own");
    let file = own.join("codecatalyst/CreateAccessToken");
    std::fs::create_dir_all(&file)?;
    std::fs::write(
        file.join("short.yaml"),
        "cases:\n  - id: own-short-name\n    title: A token named with a two-character literal\n    level: must\n    source: { document: seeds/002_bfee6f76a8d413e7.txt }\n    steps:\n      - operation: CreateAccessToken\n        input: { name: x1 }\n",
    )?;
    let (status, _) = bg.call(reqwest::Method::PUT, r#"{"name":"x1"}"#.into())?;
    if status != 201 {
        return Err(format!("the token made before the run answered {status}").into());
    }
    let listed = |bg: &Background| -> Result<Vec<String>, Failed> {
        let body = crate::interrupt::list_direct(bg)?;
        Ok(body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| i["name"] == "x1")
            .filter_map(|i| i["id"].as_str().map(str::to_string))
            .collect())
    };
    let there = listed(&bg)?;
    let reports = dir.join("reports");
    let own = own.to_str().ok_or("path")?;
    let run = ["--add-cases", own, "--id", "own-short-name"];
    kill_when(&run, &profile, &reports, &created, 2)?;
    hold.store(false, Ordering::SeqCst);
    let before = listed(&bg)?;
    if before.len() != 2 {
        return Err(format!("expected the earlier x1 and the run's, found {before:?}").into());
    }
    let folder = report_folder(&reports)?;
    let out = run_sweep(&profile, &["--from", folder.to_str().ok_or("path")?])?;
    let after = listed(&bg)?;
    if out.status.code() != Some(0) || after != there {
        return Err(format!(
            "sweep exited {:?}; x1 tokens before the run {there:?}, after the sweep {after:?}:\n{}",
            out.status.code(),
            text(&out)
        )
        .into());
    }
    Ok(())
}

//! Signals, the way CI sends them: SIGINT (Ctrl-C), SIGTERM (a cancelled or timed-out
//! job) and SIGHUP each stop the run, let creates in flight get their answer, delete
//! every token the run created, write partial reports and exit 130. A second signal
//! stops waiting and reports what may be left.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply};
use serde_json::Value;

use crate::cli::temp_dir;
use crate::support::{block_on, Background};

pub fn trials() -> Vec<Trial> {
    let unix = cfg!(unix);
    vec![
        Trial::test("interrupt::sigint_cleans_up_and_exits_130", || {
            one_signal("INT")
        })
        .with_ignored_flag(!unix),
        Trial::test("interrupt::sigterm_cleans_up_and_exits_130", || {
            one_signal("TERM")
        })
        .with_ignored_flag(!unix),
        Trial::test("interrupt::sighup_cleans_up_and_exits_130", || {
            one_signal("HUP")
        })
        .with_ignored_flag(!unix),
        Trial::test(
            "interrupt::second_signal_stops_waiting_and_reports_what_is_left",
            second_signal,
        )
        .with_ignored_flag(!unix),
        Trial::test(
            "interrupt::sigkill_leaves_finished_cases_in_the_journal",
            sigkill,
        )
        .with_ignored_flag(!unix),
    ]
}

/// Creates are carried out at once but answered late (so a signal lands while their
/// answers are on the way); listings take 5 s. Counts the tokens created. The test's
/// own look at the target skips the delays.
pub(crate) struct Slow {
    pub(crate) created: Arc<AtomicUsize>,
    pub(crate) create_delay: Duration,
}

pub(crate) const DIRECT: &str = "x-test-direct";

impl Middleware for Slow {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let mut reply = inner(req);
        if req.headers.contains_key(DIRECT) {
            return reply;
        }
        let listing = req.method.as_str() == "POST" && req.url.path() == "/v1/accessTokens";
        if listing {
            reply.delay = Duration::from_secs(5);
        }
        if req.method.as_str() == "PUT" && reply.status == 201 {
            self.created.fetch_add(1, Ordering::SeqCst);
            reply.delay = self.create_delay;
        }
        reply
    }
}

/// The first page (up to 10, the most CodeCatalyst allows) of `token`'s tokens,
/// bypassing the test's middleware.
fn first_page(bg: &Background, token: &str) -> Result<Value, Failed> {
    block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{}/v1/accessTokens", bg.uri))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header(DIRECT, "1")
            .body("{\"maxResults\": 10}")
            .send()
            .await?;
        Ok::<_, Failed>(resp.json().await?)
    })
}

/// The default identity's first page of tokens.
pub(crate) fn list_direct(bg: &Background) -> Result<Value, Failed> {
    first_page(bg, &bg.default_token()?)
}

/// How many tokens the profile's identities still hold (first page of each is enough:
/// any token at all is a leftover).
pub(crate) fn tokens_left(bg: &Background) -> Result<usize, Failed> {
    let mut left = 0;
    for def in bg.profile.identities.values() {
        let token = def.bearer_token.clone().ok_or("token")?;
        left += first_page(bg, &token)?["items"]
            .as_array()
            .map_or(0, Vec::len);
    }
    Ok(left)
}

/// Starts the hand-written CodeCatalyst cases against `bg`, reports under `dir`.
fn spawn_run(
    bg: &Background,
    dir: &Path,
    output: fn() -> std::process::Stdio,
) -> std::io::Result<std::process::Child> {
    let profile = bg.write_profile(dir);
    crate::cli::bin()
        .args([
            "run",
            "--service",
            "codecatalyst",
            "--exclude-tag",
            "generated",
        ])
        .arg("--profile")
        .arg(&profile)
        .arg("--reports")
        .arg(dir.join("reports"))
        .stdout(output())
        .stderr(output())
        .spawn()
}

/// Starts a CodeCatalyst run against `bg` and sends `signals` once tokens exist.
fn run_and_signal(
    bg: &Background,
    created: &AtomicUsize,
    dir: &Path,
    signals: &[&str],
    min_created: usize,
) -> Result<(std::process::Output, Duration), Failed> {
    let child = spawn_run(bg, dir, std::process::Stdio::piped)?;
    // Signal once tokens exist, however busy the machine is.
    let waiting = Instant::now();
    while created.load(Ordering::SeqCst) < min_created
        && waiting.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    for signal in signals {
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()?;
        if !status.success() {
            return Err(format!("kill -{signal} failed").into());
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let started = Instant::now();
    let out = child.wait_with_output()?;
    Ok((out, started.elapsed()))
}

fn one_signal(signal: &str) -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(Slow {
        created: created.clone(),
        create_delay: Duration::from_millis(1500),
    })));
    let dir = temp_dir("interrupt");
    let (out, took) = run_and_signal(&bg, &created, &dir, &[signal], 3)?;
    let text = crate::cli::text(&out);
    if out.status.code() != Some(130) {
        return Err(format!("expected exit 130, got {:?}\n{text}", out.status.code()).into());
    }
    if took > Duration::from_secs(20) {
        return Err("the interrupted run took too long to stop".into());
    }
    if created.load(Ordering::SeqCst) == 0 {
        return Err("no token was created before the signal: the test proves nothing".into());
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!("{left} tokens were left on the target\n{text}").into());
    }
    let report = read_report(&dir.join("reports"))?;
    if report["interrupted"] != Value::Bool(true) {
        return Err("report.json does not say the run was interrupted".into());
    }
    let ledger = &report["ledger"];
    let made = created.load(Ordering::SeqCst) as u64;
    if ledger["created"].as_u64() != Some(made) || ledger["deleted"].as_u64() != Some(made) {
        return Err(format!("the ledger says {ledger}, the target saw {made} creates").into());
    }
    if !text.contains("nothing left on the target") {
        return Err(format!("no closing ledger line\n{text}").into());
    }
    Ok(())
}

fn second_signal() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    // Answers to creates take 20 s: only a second signal can end the wait.
    let bg = Background::start(Some(Arc::new(Slow {
        created: created.clone(),
        create_delay: Duration::from_secs(20),
    })));
    let dir = temp_dir("interrupt-twice");
    let (out, took) = run_and_signal(&bg, &created, &dir, &["TERM", "TERM"], 1)?;
    let text = crate::cli::text(&out);
    if out.status.code() != Some(130) {
        return Err(format!("expected exit 130, got {:?}\n{text}", out.status.code()).into());
    }
    if took > Duration::from_secs(10) {
        return Err(format!("the second signal did not stop the wait ({took:?})\n{text}").into());
    }
    let report = read_report(&dir.join("reports"))?;
    let left = report["ledger"]["left"].as_array().map_or(0, Vec::len);
    if left == 0
        || !text.contains("may be left on the target")
        || !text.contains("pat-conformance sweep --from")
    {
        return Err(format!("the run did not report what may be left\n{text}").into());
    }
    Ok(())
}

/// SIGKILL cannot be handled: no report is written, but every case that finished
/// before it is in `journal.jsonl`, whole (its result and its exchanges).
fn sigkill() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    // Listings take 5 s: the run is still going when a few cases have finished.
    let bg = Background::start(Some(Arc::new(Slow {
        created: created.clone(),
        create_delay: Duration::ZERO,
    })));
    let dir = temp_dir("sigkill");
    let mut child = spawn_run(&bg, &dir, std::process::Stdio::null)?;
    let finished = |text: &str| text.lines().filter(|l| l.starts_with("{\"case\":")).count();
    let waiting = Instant::now();
    let journal = loop {
        let found = std::fs::read_dir(dir.join("reports"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("journal.jsonl"))
            .find(|p| std::fs::read_to_string(p).is_ok_and(|t| finished(&t) >= 2));
        if let Some(path) = found {
            break path;
        }
        if waiting.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            return Err("no case finished within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill()?;
    child.wait()?;
    let mut text = std::fs::read_to_string(&journal)?;
    // A line being written when the process died may be cut: only it.
    if !text.ends_with('\n') {
        text.truncate(text.rfind('\n').map_or(0, |i| i + 1));
    }
    let lines: Vec<Value> = text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("a journal line is cut or not JSON ({e}):\n{text}"))?;
    if lines.first().and_then(|l| l.get("started")).is_none() {
        return Err("the journal does not start with `started`".into());
    }
    for (i, line) in lines.iter().enumerate() {
        if line.get("case").is_some()
            && i + 1 < lines.len()
            && lines[i + 1].get("exchanges").is_none()
        {
            return Err(format!("case {} lost its exchanges line", line["case"]["id"]).into());
        }
    }
    if finished(&text) < 2 {
        return Err("the finished cases are not in the journal".into());
    }
    let reports = journal.parent().ok_or("no folder")?.join("report.json");
    if reports.exists() {
        return Err("a killed run wrote report.json: the test proves nothing".into());
    }
    Ok(())
}

fn read_report(root: &Path) -> Result<Value, Failed> {
    let path = std::fs::read_dir(root)?
        .filter_map(Result::ok)
        .map(|e| e.path().join("report.json"))
        .find(|p| p.is_file())
        .ok_or("no partial report")?;
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

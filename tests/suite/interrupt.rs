//! Ctrl-C: running cases stop, every token they created is deleted, partial reports
//! are written, and the process exits 130.

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
    vec![
        Trial::test("interrupt::ctrl_c_cleans_up_and_exits_130", ctrl_c)
            .with_ignored_flag(!cfg!(unix)),
    ]
}

/// Listings take 5 s, so cases are caught between their creates and their checks;
/// counts the tokens created. The test's own check skips the delay.
struct SlowLists(Arc<AtomicUsize>);

const DIRECT: &str = "x-test-direct";

impl Middleware for SlowLists {
    fn handle(
        &self,
        req: &wiremock::Request,
        inner: &dyn Fn(&wiremock::Request) -> Reply,
    ) -> Reply {
        let mut reply = inner(req);
        let listing = req.method.as_str() == "POST" && req.url.path() == "/v1/accessTokens";
        if listing && !req.headers.contains_key(DIRECT) {
            reply.delay = Duration::from_secs(5);
        }
        if req.method.as_str() == "PUT" && reply.status == 201 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        reply
    }
}

/// How many tokens the profile's identities still hold (first page of each is enough:
/// any token at all is a leftover).
fn tokens_left(bg: &Background) -> Result<usize, Failed> {
    block_on(async {
        let client = reqwest::Client::new();
        let mut left = 0;
        for def in bg.profile.identities.values() {
            let token = def.bearer_token.clone().ok_or("token")?;
            let resp = client
                .post(format!("{}/v1/accessTokens", bg.uri))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .header(DIRECT, "1")
                .body("{\"maxResults\": 10}")
                .send()
                .await?;
            let v: Value = resp.json().await?;
            left += v["items"].as_array().map_or(0, Vec::len);
        }
        Ok::<_, Failed>(left)
    })
}

fn ctrl_c() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(SlowLists(created.clone()))));
    let dir = temp_dir("interrupt");
    let profile = bg.write_profile(&dir);
    let reports = dir.join("reports");
    let child = crate::cli::bin()
        .args([
            "run",
            "--service",
            "codecatalyst",
            "--exclude-tag",
            "generated",
            "--profile",
        ])
        .arg(&profile)
        .arg("--reports")
        .arg(&reports)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    // Interrupt once tokens exist (the listings that follow take 5 s), however busy the
    // machine is.
    let waiting = Instant::now();
    while created.load(Ordering::SeqCst) < 3 && waiting.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    if !status.success() {
        return Err("kill -INT failed".into());
    }
    let started = Instant::now();
    let out = child.wait_with_output()?;
    if out.status.code() != Some(130) {
        return Err(format!(
            "expected exit 130, got {:?}\n{}",
            out.status.code(),
            crate::cli::text(&out)
        )
        .into());
    }
    if started.elapsed() > Duration::from_secs(20) {
        return Err("the interrupted run took too long to stop".into());
    }
    if created.load(Ordering::SeqCst) == 0 {
        return Err("no token was created before the interrupt: the test proves nothing".into());
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!(
            "{left} tokens were left on the target\n{}",
            crate::cli::text(&out)
        )
        .into());
    }
    let report = find_report(&reports).ok_or("no partial report")?;
    let v: Value = serde_json::from_str(&std::fs::read_to_string(report)?)?;
    if v["interrupted"] != Value::Bool(true) {
        return Err("report.json does not say the run was interrupted".into());
    }
    Ok(())
}

fn find_report(root: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("report.json"))
        .find(|p| p.is_file())
}

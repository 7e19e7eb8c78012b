//! Safe under faults and hostile targets: lost answers to creates are recovered, bodies
//! and memory are bounded, redirects are judged not followed, echoed secrets are masked
//! in every output (escaped ones too), and the emulator refuses huge requests.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply};
use pat_conformance::report::JsonReport;
use pat_conformance::runner::RunOptions;

use crate::cli::{bin, temp_dir, text};
use crate::interrupt::{tokens_left, DIRECT};
use crate::support::{block_on, suite, Background};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("safety::create_timing_out_is_found_and_deleted", || {
            lost_create(Lose::Late)
        }),
        Trial::test(
            "safety::create_with_reset_connection_is_found_and_deleted",
            || lost_create(Lose::Reset),
        ),
        Trial::test("safety::redirects_are_judged_not_followed", redirects),
        Trial::test(
            "safety::huge_and_endless_bodies_keep_memory_flat",
            huge_bodies,
        )
        .with_ignored_flag(!cfg!(target_os = "linux")),
        Trial::test(
            "safety::escaped_and_signed_echoes_are_masked_everywhere",
            echoes,
        ),
        Trial::test("safety::emulator_refuses_huge_request_bodies", huge_request),
        Trial::test(
            "safety::emulator_closes_idle_and_slowloris_connections",
            idle_connections,
        )
        .with_ignored_flag(!cfg!(target_os = "linux")),
        Trial::test(
            "safety::workmail_delete_needs_a_disposable_token",
            disposable_token,
        ),
    ]
}

#[derive(Clone, Copy)]
enum Lose {
    /// The create is carried out, its answer comes after the run's timeout.
    Late,
    /// The create is carried out, then the connection drops without an answer.
    Reset,
}

struct LoseCreates {
    how: Lose,
    created: Arc<AtomicUsize>,
}

impl Middleware for LoseCreates {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let mut reply = inner(req);
        if req.method.as_str() == "PUT" && reply.status == 201 && !req.headers.contains_key(DIRECT)
        {
            self.created.fetch_add(1, Ordering::SeqCst);
            match self.how {
                Lose::Late => reply.delay = Duration::from_secs(3),
                // Unwinding out of the handler drops the connection unanswered.
                Lose::Reset => std::panic::resume_unwind(Box::new("connection lost")),
            }
        }
        reply
    }
}

/// Runs `ids` against `uri` with the emulator profile and a 1 s timeout.
fn run_ids(bg: &Background, ids: &[&str], endpoint: &str) -> JsonReport {
    let mut options = RunOptions::new();
    options.timeout = Duration::from_secs(1);
    run_named(bg, ids, endpoint, options)
}

/// Runs the cases named `ids` against `endpoint` with `bg`'s profile.
pub(crate) fn run_named(
    bg: &Background,
    ids: &[&str],
    endpoint: &str,
    options: RunOptions,
) -> JsonReport {
    let cases = suite()
        .cases
        .iter()
        .filter(|c| ids.contains(&c.id.as_str()))
        .cloned()
        .collect();
    block_on(crate::support::run_at(
        cases,
        endpoint,
        bg.profile.clone(),
        options,
    ))
}

fn lost_create(how: Lose) -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(LoseCreates {
        how,
        created: created.clone(),
    })));
    let ids = [
        "create-returns-documented-members",
        "create-ids-are-unique",
        "create-name-non-ascii-echoed",
    ];
    let report = run_ids(&bg, &ids, &bg.uri);
    let made = created.load(Ordering::SeqCst);
    if made == 0 {
        return Err("no create reached the target: the test proves nothing".into());
    }
    let left = tokens_left(&bg)?;
    if left != 0 {
        return Err(format!("{left} of {made} tokens were left: {:?}", report.ledger).into());
    }
    let l = &report.ledger;
    if l.created != made || l.deleted != made || !l.left.is_empty() {
        return Err(format!("the ledger says {l:?}, the target saw {made} creates").into());
    }
    if report.cases.iter().any(|c| c.status.as_str() == "pass") {
        return Err("a case whose create got no answer passed".into());
    }
    Ok(())
}

/// Answers everything with a redirect to `to`.
fn redirector(to: String) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).ok();
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            let Ok((mut s, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            s.set_nonblocking(false).ok();
            if read_request(&mut s).is_none() {
                continue;
            }
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {to}/v1/accessTokens\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            let _ = s.write_all(answer.as_bytes());
        }
    });
    (uri, handle)
}

/// Reads one request (head and Content-Length body); `None` when the peer went away.
fn read_request(s: &mut std::net::TcpStream) -> Option<String> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).ok()?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(head);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Count(Arc<AtomicUsize>);

impl Middleware for Count {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        self.0.fetch_add(1, Ordering::SeqCst);
        inner(req)
    }
}

fn redirects() -> Result<(), Failed> {
    let reached = Arc::new(AtomicUsize::new(0));
    let other = Background::start(Some(Arc::new(Count(reached.clone()))));
    let (uri, _thread) = redirector(other.uri.clone());
    let ids: Vec<&str> = suite()
        .cases
        .iter()
        .filter(|c| !c.tags.iter().any(|t| t == "generated"))
        .map(|c| c.id.as_str())
        .collect();
    let report = run_ids(&other, &ids, &uri);
    if reached.load(Ordering::SeqCst) != 0 {
        return Err(format!(
            "{} requests (with their credentials) reached the redirect's target",
            reached.load(Ordering::SeqCst)
        )
        .into());
    }
    let passed: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.status.as_str() == "pass")
        .map(|c| c.id.clone())
        .collect();
    if !passed.is_empty() {
        return Err(format!("cases passed on a 307: {passed:?}").into());
    }
    if report.summary.failed < 20 {
        return Err(format!("too few cases judged the 307: {}", report.summary).into());
    }
    Ok(())
}

/// Serves a body of `size` bytes, or an endless chunked one when `None`, to every request.
fn body_server(size: Option<usize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(120);
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                if read_request(&mut s).is_none() {
                    return;
                }
                let block = vec![b' '; 64 * 1024];
                let head = match size {
                    Some(n) => format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {n}\r\n\r\n"),
                    None => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".into(),
                };
                if s.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let mut sent = 0;
                while Instant::now() < until {
                    let ok = match size {
                        Some(n) if sent >= n => break,
                        Some(n) => s.write_all(&block[..block.len().min(n - sent)]).is_ok(),
                        None => {
                            let chunk = format!("{:x}\r\n", block.len());
                            s.write_all(chunk.as_bytes()).is_ok()
                                && s.write_all(&block).is_ok()
                                && s.write_all(b"\r\n").is_ok()
                        }
                    };
                    if !ok {
                        break;
                    }
                    sent += block.len();
                }
            });
        }
    });
    uri
}

/// Runs the binary, returning its output and peak resident memory in MB.
#[cfg(target_os = "linux")]
fn run_measured(args: &[&str], dir: &Path) -> Result<(String, i32, f64), Failed> {
    let out_path = dir.join("out.txt");
    let out = std::fs::File::create(&out_path)?;
    let child = bin()
        .args(args)
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()?;
    // ru_maxrss also counts the pages the child shared with this (large) test process
    // between fork and exec; VmHWM of the exec'd program is its own high-water mark.
    let status_file = format!("/proc/{}/status", child.id());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak_kb = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(text) = std::fs::read_to_string(&status_file) {
                    if let Some(kb) = text
                        .lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    {
                        peak_kb = peak_kb.max(kb);
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            peak_kb
        })
    };
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `status` and `usage` are valid for writing.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    if pid <= 0 {
        return Err("wait4 failed".into());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let polled_kb = poller.join().unwrap_or(0);
    let text = std::fs::read_to_string(out_path)?;
    // The child's own peak, seen while it ran (0 if it ended before the first look;
    // then fall back to ru_maxrss).
    let peak_kb = if polled_kb > 0 {
        polled_kb
    } else {
        usage.ru_maxrss as u64
    };
    Ok((text, code, peak_kb as f64 / 1024.0))
}

#[cfg(not(target_os = "linux"))]
fn run_measured(_: &[&str], _: &Path) -> Result<(String, i32, f64), Failed> {
    Err("linux only".into())
}

fn huge_bodies() -> Result<(), Failed> {
    let profile_source = Background::start(None);
    let dir = temp_dir("huge-bodies");
    let profile = profile_source.write_profile(&dir);
    let profile = profile.to_str().ok_or("path")?;
    let runs = [
        ("10 MB", Some(10_000_000), "16"),
        ("10 MB", Some(10_000_000), "64"),
        ("50 MB", Some(50_000_000), "16"),
        ("50 MB", Some(50_000_000), "64"),
        ("endless", None, "64"),
    ];
    for (label, size, jobs) in runs {
        let uri = body_server(size);
        let label = format!("{label} at {jobs} jobs");
        let reports = dir.join(format!("reports-{}", label.replace(' ', "")));
        let reports = reports.to_str().ok_or("path")?;
        let args = [
            "run",
            "--endpoint",
            &uri,
            "--profile",
            profile,
            "--reports",
            reports,
            "--operation",
            "ListAccessTokens",
            "--operation",
            "ListPersonalAccessTokens",
            "--exclude-tag",
            "generated",
            "--timeout",
            "20s",
            // One body budget for the whole run: memory does not grow with jobs.
            "--jobs",
            jobs,
        ];
        let started = Instant::now();
        let (out, code, peak) = run_measured(&args, &dir)?;
        eprintln!(
            "{label} bodies: peak RSS {peak:.1} MB, {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if code != 1 {
            return Err(
                format!("{label}: expected exit 1 (contract failure), got {code}\n{out}").into(),
            );
        }
        if !out.contains("larger than") {
            return Err(format!("{label}: no failure names the body size\n{out}").into());
        }
        if peak > 100.0 {
            return Err(format!("{label}: peak RSS {peak:.1} MB is over 100 MB").into());
        }
        let size: u64 = walk_size(Path::new(reports));
        if size > 20_000_000 {
            return Err(format!("{label}: the reports take {size} bytes").into());
        }
    }
    Ok(())
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                walk_size(&p)
            } else {
                p.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// Echoes the request's credentials into every JSON answer, every character
/// `\u`-escaped, and the Authorization header raw into a response header.
struct Echo;

fn u_escape(s: &str) -> String {
    s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

impl Middleware for Echo {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let mut reply = inner(req);
        let header = |n: &str| {
            req.headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let auth = header("authorization");
        let echoed = format!("{auth} {}", header("x-amz-security-token"));
        if reply.body.starts_with(b"{") {
            let (pct, b64) = encoded(&echoed);
            let mut body = format!(
                "{{\"echo\":\"{}\",\"echo_pct\":\"{pct}\",\"echo_b64\":\"{b64}\",",
                u_escape(&echoed)
            )
            .into_bytes();
            body.extend_from_slice(&reply.body[1..]);
            if reply.body.len() == 2 {
                body.truncate(body.len() - 2);
                body.extend_from_slice(b"}");
            }
            reply.body = body;
        }
        reply.set_header("x-echo", auth);
        reply
    }
}

/// `text` percent-encoded (every non-alphanumeric character) and base64-encoded.
fn encoded(text: &str) -> (String, String) {
    use base64::Engine as _;
    (
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string(),
        base64::engine::general_purpose::STANDARD.encode(text),
    )
}

fn echoes() -> Result<(), Failed> {
    let bg = Background::start(Some(Arc::new(Echo)));
    let dir = temp_dir("echoes");
    let profile = bg.write_profile(&dir);
    let mut outputs = String::new();
    let mut reports = Vec::new();
    for run in ["a", "b"] {
        let out = bin()
            .args(["run", "--exclude-tag", "generated", "--profile"])
            .arg(&profile)
            .arg("--reports")
            .arg(dir.join(run))
            .output()?;
        outputs.push_str(&text(&out));
        let report = std::fs::read_dir(dir.join(run))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .next()
            .ok_or("no report folder")?;
        for file in ["report.json", "report.html", "report.md", "junit.xml"] {
            outputs.push_str(&std::fs::read_to_string(report.join(file))?);
        }
        reports.push(report.join("report.json"));
    }
    let diff = bin().arg("diff").args(&reports).output()?;
    outputs.push_str(&text(&diff));
    let creds = bg.profile.sigv4.clone().ok_or("sigv4")?;
    let mut secrets: Vec<String> = bg
        .profile
        .identities
        .values()
        .filter_map(|d| d.bearer_token.clone())
        .collect();
    secrets.push(creds.access_key_id.clone());
    secrets.push(creds.secret_access_key.clone());
    secrets.extend(creds.session_token.clone());
    for secret in &secrets {
        let json_escaped = serde_json::to_string(secret)?;
        let (pct, _) = encoded(secret);
        for form in [
            secret.clone(),
            u_escape(secret),
            json_escaped.trim_matches('"').to_string(),
            pct,
        ] {
            if outputs.contains(&form) {
                return Err(format!("a credential appears in the output as `{form}`").into());
            }
        }
    }
    // Base64 inside the echoed header: any 16 characters of the credential's own
    // base64 (at the alignment the echo puts it) must be gone.
    for secret in &secrets {
        use base64::Engine as _;
        for skip in 0..3 {
            let bytes = &secret.as_bytes()[skip..];
            let whole = &bytes[..bytes.len() / 3 * 3];
            let form = base64::engine::general_purpose::STANDARD_NO_PAD.encode(whole);
            if form.len() >= 16 && outputs.contains(&form[..16]) {
                return Err(format!("a credential appears base64-encoded: {}", &form[..16]).into());
            }
        }
    }
    let signature = regex::Regex::new(r"Signature(=|%3D)[0-9a-f]{64}")?;
    if let Some(m) = signature.find(&outputs) {
        return Err(format!("a SigV4 signature appears in the output: {}", m.as_str()).into());
    }
    // The echo member inside a recorded body (report.json escapes its quotes); the temp
    // folder's name also holds "echo", so a bare word would prove nothing.
    if !outputs.contains(r#"\"echo_b64\":\""#) || !outputs.contains("<redacted>") {
        return Err("the echoes never reached the reports: the test proves nothing".into());
    }
    Ok(())
}

fn huge_request() -> Result<(), Failed> {
    let bg = Background::start(None);
    let name = "a".repeat(2 * pat_conformance::emulator::MAX_REQUEST_BODY);
    let (status, _) = bg.call(reqwest::Method::PUT, format!("{{\"name\":\"{name}\"}}"))?;
    if status != 413 {
        return Err(format!("a 2 MiB request got HTTP {status}, expected 413").into());
    }
    Ok(())
}

/// WorkMail cannot create tokens, so the case that deletes one runs only when the
/// profile names a disposable one: without the var it is skipped saying so and the
/// token survives (a later run finds it); with it the token is gone (a third run's
/// first step, which requires the token, fails).
fn disposable_token() -> Result<(), Failed> {
    use pat_conformance::emulator::{Emulator, EmulatorConfig};
    use pat_conformance::outcome::Status;
    let case = crate::support::case("wm-delete-then-gone");
    block_on(async {
        let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
        let uri = emulator.uri();
        let run =
            |profile| crate::support::run_at(vec![case.clone()], &uri, profile, RunOptions::new());
        let mut without = emulator.profile();
        without.vars.remove("workmail_disposable_token_id");
        let skipped = run(without).await.cases.remove(0);
        let reason = skipped.skip_reason.clone().unwrap_or_default();
        if skipped.status != Status::Skip || !reason.contains("workmail_disposable_token_id") {
            return Err(format!(
                "without a disposable token: {:?} ({reason})",
                skipped.status
            )
            .into());
        }
        let deleted = run(emulator.profile()).await.cases.remove(0);
        if deleted.status != Status::Pass {
            return Err(format!(
                "the token did not survive the skipped run, or the delete failed:\n{}",
                crate::support::describe(&deleted)
            )
            .into());
        }
        let again = run(emulator.profile()).await.cases.remove(0);
        if again.status != Status::Fail {
            return Err(format!(
                "after the delete the token still exists:\n{}",
                crate::support::describe(&again)
            )
            .into());
        }
        // The failure says why and what to do (the step's `hint`).
        let first = again.failures.first().map_or("", |f| f.message.as_str());
        if !first.contains("hint: the disposable token must exist") || !first.contains("reset") {
            return Err(format!(
                "the second run's failure gives no hint:\n{}",
                crate::support::describe(&again)
            )
            .into());
        }
        Ok(())
    })
}

/// Resident memory of a process in MB (Linux).
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// Whether the server has closed `s` (a read sees the end, or a reset).
fn closed_by_server(s: &mut std::net::TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(50))).ok();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
}

fn idle_connections() -> Result<(), Failed> {
    use std::io::BufRead;
    let mut serve = bin()
        .args(["serve", "--port", "0", "--idle-timeout", "2s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let stdout = serve.stdout.take().ok_or("stdout")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let address = loop {
        let line = lines.next().ok_or("serve printed no address")??;
        if let Some(rest) = line.strip_prefix("emulator listening on http://") {
            break rest.split_whitespace().next().unwrap_or("").to_string();
        }
    };
    let result = (|| -> Result<(), Failed> {
        let before = rss_mb(serve.id());
        let mut idle = Vec::new();
        for _ in 0..2000 {
            idle.push(std::net::TcpStream::connect(&address)?);
        }
        let mut slow = Vec::new();
        for _ in 0..50 {
            let mut s = std::net::TcpStream::connect(&address)?;
            s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")?;
            slow.push(s);
        }
        // A keep-alive connection that made one request and then went quiet.
        let mut kept = std::net::TcpStream::connect(&address)?;
        kept.write_all(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")?;
        std::thread::sleep(Duration::from_millis(500));
        let during = rss_mb(serve.id());
        // Slowloris keeps dribbling; the whole head never arrives.
        let until = Instant::now() + Duration::from_secs(4);
        while Instant::now() < until {
            for s in &mut slow {
                let _ = s.write_all(b"a");
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        let open = |v: &mut Vec<std::net::TcpStream>| {
            v.iter_mut().map(closed_by_server).filter(|c| !c).count()
        };
        let (idle_open, slow_open) = (open(&mut idle), open(&mut slow));
        let kept_open = !closed_by_server(&mut kept);
        drop((idle, slow, kept));
        std::thread::sleep(Duration::from_millis(300));
        let after = rss_mb(serve.id());
        eprintln!(
            "serve RSS: {before:.1} MB before, {during:.1} MB with 2,051 connections, {after:.1} MB after they were closed"
        );
        if idle_open + slow_open > 0 || kept_open {
            return Err(format!(
                "still open after the 2 s idle timeout: {idle_open} idle, {slow_open} slowloris, keep-alive {kept_open}"
            )
            .into());
        }
        if during - before > 64.0 || after - before > 32.0 {
            return Err(
                format!("serve grew from {before:.1} MB to {during:.1} / {after:.1} MB").into(),
            );
        }
        Ok(())
    })();
    let _ = serve.kill();
    let _ = serve.wait();
    result
}

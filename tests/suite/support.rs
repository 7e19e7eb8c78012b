//! Shared helpers: a runtime per trial, the bundled suite, running cases.

use std::future::Future;
use std::sync::OnceLock;

use pat_conformance::case::Case;
use pat_conformance::emulator::{Emulator, EmulatorConfig};
use pat_conformance::outcome::CaseResult;
use pat_conformance::report::{JsonReport, ReportCollector};
use pat_conformance::runner::remote_target;
use pat_conformance::runner::{self, RunOptions};
use pat_conformance::suite::Suite;

/// Runs a future to completion on a fresh multi-thread runtime.
pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

/// The suite shipped in this repository, loaded once.
pub fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| {
        Suite::bundled().unwrap_or_else(|e| panic!("the bundled suite must load: {e}"))
    })
}

/// A bundled case by id.
pub fn case(id: &str) -> Case {
    suite()
        .cases
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// Runs `cases` with the emulator's profile against `endpoint` (the emulator itself when
/// `None`).
pub async fn run_cases(cases: Vec<Case>, endpoint: Option<String>) -> Vec<CaseResult> {
    run_report(cases, endpoint).await.cases
}

/// Like [`run_cases`], returning the whole report.
pub async fn run_report(cases: Vec<Case>, endpoint: Option<String>) -> JsonReport {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let endpoint = endpoint.unwrap_or_else(|| emulator.uri());
    run_at(cases, &endpoint, emulator.profile(), RunOptions::new()).await
}

/// Runs `cases` against `endpoint` with `profile` and `options`; the whole report.
pub async fn run_at(
    cases: Vec<Case>,
    endpoint: &str,
    profile: pat_conformance::profile::Profile,
    options: RunOptions,
) -> JsonReport {
    let target =
        remote_target(&suite().contract, Some(endpoint), profile, false).expect("a target");
    let mut collector = ReportCollector::new();
    runner::run(
        suite().contract.clone(),
        cases,
        target,
        options,
        &mut collector,
    )
    .await
    .expect("the run completes");
    collector.report()
}

/// Runs `cases` against the embedded emulator behind `middleware`, judging `levels`
/// (empty: every level).
pub async fn run_wrapped(
    cases: Vec<Case>,
    middleware: std::sync::Arc<dyn pat_conformance::emulator::Middleware>,
    levels: Vec<pat_conformance::case::Level>,
) -> JsonReport {
    let emulator = Emulator::start_wrapped(
        suite().contract.clone(),
        EmulatorConfig::default(),
        middleware,
    )
    .await;
    let mut options = RunOptions::new();
    options.levels = levels;
    run_at(cases, &emulator.uri(), emulator.profile(), options).await
}

/// A middleware from a closure that edits the emulator's reply to each request.
pub struct Edit<F>(pub F);

impl<F> pat_conformance::emulator::Middleware for Edit<F>
where
    F: Fn(&pat_conformance::emulator::Request, &mut pat_conformance::emulator::Reply) + Send + Sync,
{
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> pat_conformance::emulator::Reply,
    ) -> pat_conformance::emulator::Reply {
        let mut reply = inner(req);
        (self.0)(req, &mut reply);
        reply
    }
}

/// A result as readable text, for failure messages.
pub fn describe(r: &CaseResult) -> String {
    let mut text = format!("{} {:?}", r.full_name(), r.status);
    for f in &r.failures {
        text.push_str(&format!(
            "\n  {}",
            pat_conformance::report::render_failure(f)
        ));
    }
    if let Some(e) = &r.error {
        text.push_str(&format!("\n  error: {e}"));
    }
    if let Some(s) = &r.skip_reason {
        text.push_str(&format!("\n  skipped: {s}"));
    }
    text
}

/// An emulator (optionally behind a middleware) serving from its own thread until
/// dropped, for tests that drive the binary against it.
pub struct Background {
    /// Its URL.
    pub uri: String,
    /// A profile for it.
    pub profile: pat_conformance::profile::Profile,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Starts one.
    pub fn start(
        middleware: Option<std::sync::Arc<dyn pat_conformance::emulator::Middleware>>,
    ) -> Background {
        Background::start_with(EmulatorConfig::default(), middleware)
    }

    /// Starts one with `config`.
    pub fn start_with(
        config: EmulatorConfig,
        middleware: Option<std::sync::Arc<dyn pat_conformance::emulator::Middleware>>,
    ) -> Background {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            block_on(async move {
                let contract = suite().contract.clone();
                let emulator = match middleware {
                    Some(m) => Emulator::start_wrapped(contract, config, m).await,
                    None => Emulator::start(contract, config).await,
                };
                let _ = ready_tx.send((emulator.uri(), emulator.profile()));
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
            })
        });
        let (uri, profile) = ready_rx.recv().expect("the emulator starts");
        Background {
            uri,
            profile,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Writes its profile (endpoints pointing at it) to `dir/profile.json`.
    pub fn write_profile(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let mut profile = self.profile.clone();
        for url in profile.endpoints.values_mut() {
            *url = self.uri.clone();
        }
        let path = dir.join("profile.json");
        std::fs::write(&path, serde_json::to_string_pretty(&profile).expect("json"))
            .expect("write");
        path
    }
}

impl Background {
    /// The default identity's bearer token.
    pub fn default_token(&self) -> Result<String, libtest_mimic::Failed> {
        Ok(self
            .profile
            .identities
            .get(&pat_conformance::case::Identity::Default)
            .and_then(|d| d.bearer_token.clone())
            .ok_or("the profile has no default token")?)
    }

    /// Sends `body` to `/v1/accessTokens` as the default identity; the answer's status
    /// and `X-Amzn-Errortype`.
    pub fn call(
        &self,
        method: reqwest::Method,
        body: String,
    ) -> Result<(u16, String), libtest_mimic::Failed> {
        let token = self.default_token()?;
        block_on(async {
            let resp = reqwest::Client::new()
                .request(method, format!("{}/v1/accessTokens", self.uri))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            let kind = resp
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            Ok((resp.status().as_u16(), kind))
        })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

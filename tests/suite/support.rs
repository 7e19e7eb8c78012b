//! Shared helpers: a runtime per trial, the bundled suite, running cases.

use std::future::Future;
use std::sync::OnceLock;

use pat_conformance::case::Case;
use pat_conformance::config::remote_target;
use pat_conformance::emulator::{Emulator, EmulatorConfig};
use pat_conformance::outcome::CaseResult;
use pat_conformance::runner::{self, Collect, RunOptions};
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
    let suite = suite();
    let emulator = Emulator::start(suite.contract.clone(), EmulatorConfig::default()).await;
    let endpoint = endpoint.unwrap_or_else(|| emulator.uri());
    let target =
        remote_target(&suite.contract, Some(&endpoint), emulator.profile()).expect("a target");
    let mut collect = Collect::default();
    runner::run(
        suite.contract.clone(),
        cases,
        target,
        RunOptions::new(),
        &mut collect,
    )
    .await
    .expect("the run completes");
    collect.results
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

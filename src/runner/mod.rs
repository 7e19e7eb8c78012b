//! The runner: drives cases concurrently against a target and emits outcome events.

mod events;
mod execute;
mod select;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{RwLock, Semaphore};
use tokio_util::sync::CancellationToken;

pub use events::{Collect, Reporter, Reporters, RunEvent};
pub use select::{shard, Filter};

use crate::case::Case;
use crate::error::HarnessError;
use crate::outcome::{CaseResult, Status, Summary};
use crate::profile::Profile;
use crate::redact::Redactor;
use crate::spec::Contract;
use crate::transport::Transport;

/// Where and as whom cases run.
#[derive(Debug, Clone)]
pub struct Target {
    /// Endpoint per service name.
    pub endpoints: Vec<(String, String)>,
    /// The target profile.
    pub profile: Profile,
    /// SigV4 region.
    pub region: String,
}

impl Target {
    /// The endpoint of a service.
    pub fn endpoint(&self, service: &str) -> Option<&str> {
        self.endpoints
            .iter()
            .find(|(s, _)| s == service)
            .map(|(_, e)| e.as_str())
    }
}

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Cases in flight at once.
    pub jobs: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The run id (used in names via `${run_id}` and as report folder).
    pub run_id: String,
    /// Cancelled on Ctrl-C: cases stop, cleanups still run.
    pub cancel: CancellationToken,
}

impl RunOptions {
    /// Defaults: one job per core, 30 s timeout, a fresh run id.
    pub fn new() -> RunOptions {
        RunOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            timeout: Duration::from_secs(30),
            run_id: new_run_id(),
            cancel: CancellationToken::new(),
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions::new()
    }
}

/// A run id: UTC time plus a random suffix, e.g. `20261122T103000Z-4f2a`.
pub fn new_run_id() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = now.format(&fmt).unwrap_or_else(|_| "run".into());
    format!("{stamp}-{:04x}", rand::random::<u16>())
}

/// The end of a run.
#[derive(Clone)]
pub struct RunOutcome {
    /// Counts.
    pub summary: Summary,
    /// Whether Ctrl-C stopped it.
    pub interrupted: bool,
    /// Every secret the run learned, for a last pass over what gets written.
    pub scrubber: Scrubber,
}

/// Replaces every secret a run learned. Results are scrubbed as each case ends; a
/// secret first seen by a later case is caught by this pass over the finished report.
#[derive(Clone)]
pub struct Scrubber(Redactor);

impl Scrubber {
    /// `text` with every known secret masked.
    pub fn scrub(&self, text: &str) -> String {
        self.0.scrub(text)
    }

    /// A report with every known secret masked.
    pub fn report(&self, report: &crate::report::JsonReport) -> crate::report::JsonReport {
        serde_json::to_string(report)
            .ok()
            .map(|text| self.scrub(&text))
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_else(|| report.clone())
    }
}

impl RunOutcome {
    /// The process exit for this outcome.
    pub fn exit(&self) -> crate::exit::Exit {
        if self.interrupted {
            crate::exit::Exit::Interrupted
        } else {
            self.summary.exit()
        }
    }
}

/// Runs `cases` against `target`, reporting every event to `reporter`.
pub async fn run(
    contract: Arc<Contract>,
    cases: Vec<Case>,
    target: Target,
    options: RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<RunOutcome, HarnessError> {
    let start = Instant::now();
    let transport = Transport::new(options.timeout).map_err(HarnessError::Config)?;
    let sensitive_names: Vec<String> = contract
        .services
        .iter()
        .flat_map(|s| s.spec.operations.values())
        .flat_map(|op| op.sensitive.iter())
        .filter_map(|p| p.rsplit('/').next().map(str::to_string))
        .collect();
    let redactor = Redactor::with_names(sensitive_names);
    let bearer_envs: Vec<&str> = contract
        .services
        .iter()
        .filter_map(|s| s.spec.auth.token_env.as_deref())
        .collect();
    for secret in target.profile.secrets(&bearer_envs) {
        redactor.add(&secret);
    }
    reporter.on_event(&RunEvent::RunStarted {
        run_id: &options.run_id,
        total: cases.len(),
        endpoints: &target.endpoints,
    })?;
    let scrubber = Scrubber(redactor.clone());
    let ctx = Arc::new(execute::Ctx {
        contract,
        target,
        transport,
        redactor,
        run_id: options.run_id.clone(),
        cancel: options.cancel.clone(),
    });
    let slots = Arc::new(Semaphore::new(options.jobs.max(1)));
    let exclusive = Arc::new(RwLock::new(()));
    let mut tasks = tokio::task::JoinSet::new();
    // Exclusive cases go last so they wait for the shared ones in bulk, not one by one.
    let mut ordered = cases;
    ordered.sort_by_key(|c| c.exclusive);
    for case in ordered {
        let (ctx, slots, exclusive) = (ctx.clone(), slots.clone(), exclusive.clone());
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            if case.exclusive {
                let _alone = exclusive.write().await;
                execute::run_case(&ctx, &case).await
            } else {
                let _shared = exclusive.read().await;
                execute::run_case(&ctx, &case).await
            }
        });
    }
    let mut summary = Summary::default();
    while let Some(joined) = tasks.join_next().await {
        let result: CaseResult = match joined {
            Ok(result) => result,
            Err(e) => panic_result(e),
        };
        summary.add(result.status);
        reporter.on_event(&RunEvent::CaseFinished { result: &result })?;
    }
    let interrupted = options.cancel.is_cancelled();
    reporter.on_event(&RunEvent::RunFinished {
        summary,
        interrupted,
        duration: start.elapsed(),
    })?;
    Ok(RunOutcome {
        summary,
        interrupted,
        scrubber,
    })
}

fn panic_result(e: tokio::task::JoinError) -> CaseResult {
    CaseResult {
        id: "(unknown)".into(),
        service: String::new(),
        operation: String::new(),
        title: String::new(),
        level: crate::case::Level::Must,
        tags: vec![],
        file: String::new(),
        line: 0,
        status: Status::Error,
        duration_ms: 0,
        failures: vec![],
        error: Some(format!("a case task failed: {e}")),
        skip_reason: None,
        cleanup_warnings: vec![],
        exchanges: vec![],
    }
}

//! The runner: drives cases concurrently against a target and emits outcome events.

mod call;
mod credentials;
mod events;
mod execute;
mod ledger;
mod made_log;
mod preflight;
mod retry;
mod select;
mod step_error;
mod sweep;
mod target;
mod undo;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

pub use credentials::{from_aws_config, named_aws_profile, profile_defined, Found};
pub use events::{Collect, Reporter, Reporters, RunEvent};
pub(crate) use execute::target_credentials;
pub use made_log::{read_log, LogRead, Logged, LoggedName, MADE_BY_ID_FILE};
pub use retry::RetryPolicy;
pub use select::{shard, Filter};
pub(crate) use sweep::sweepable;
pub use sweep::{Names, Swept};
pub(crate) use target::{check_url, env};
pub use target::{remote_target, Target};

use crate::case::Case;
use crate::error::HarnessError;
use crate::outcome::{CaseResult, Status, Summary};
use crate::redact::Redactor;
use crate::spec::Contract;
use crate::transport::Transport;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Cases in flight at once.
    pub jobs: usize,
    /// Per-request time budget: connecting, the headers and the whole body.
    pub timeout: Duration,
    /// Most bytes of a response body read per exchange.
    pub max_body: usize,
    /// The run id (used in names via `${run_id}` and as report folder).
    pub run_id: String,
    /// Cancelled on the first signal: no new step starts, creates in flight get their
    /// answer, cleanups run.
    pub cancel: CancellationToken,
    /// Cancelled on the second signal: stop waiting for anything, cleanups included;
    /// what may be left is reported.
    pub abandon: CancellationToken,
    /// The levels whose findings fail a case (`--level`); empty judges every level.
    /// A `should` finding in a case judged at `must` only is reported, not failed.
    pub levels: Vec<crate::vocab::Level>,
    /// How transient answers are retried.
    pub retry: RetryPolicy,
    /// Most requests per second over the whole run (`--rate`); none: unlimited.
    pub rate: Option<f64>,
    /// Probe each selected service's endpoint before any case (see `preflight`): an
    /// endpoint that is down or not the API stops the run with
    /// [`HarnessError::Unreachable`].
    pub preflight: bool,
    /// The run's report folder: what carries no name is logged there before it is
    /// created ([`MADE_BY_ID_FILE`]), for `sweep --from` after a SIGKILL. None: not
    /// logged.
    pub reports: Option<std::path::PathBuf>,
}

impl RunOptions {
    /// Defaults: one job per core, 30 s timeout, a fresh run id.
    pub fn new() -> RunOptions {
        RunOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            timeout: Duration::from_secs(30),
            max_body: crate::transport::DEFAULT_MAX_BODY,
            run_id: new_run_id(),
            cancel: CancellationToken::new(),
            abandon: CancellationToken::new(),
            levels: Vec::new(),
            retry: RetryPolicy::default(),
            rate: None,
            preflight: true,
            reports: None,
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
    /// Cases per verdict.
    pub summary: Summary,
    /// Whether a signal stopped it.
    pub interrupted: bool,
    /// Every secret the run learned, for a last pass over what gets written.
    pub scrubber: Scrubber,
}

/// Replaces every secret a run learned. Results are scrubbed as each case ends; a
/// secret first seen by a later case is caught by this pass over the finished report.
#[derive(Clone)]
pub struct Scrubber(Redactor);

impl Scrubber {
    /// A scrubber over the secrets `redactor` knows (and will learn).
    pub(crate) fn new(redactor: Redactor) -> Scrubber {
        Scrubber(redactor)
    }

    /// `text` with every known secret masked.
    pub fn scrub(&self, text: &str) -> String {
        self.0.scrub(text)
    }

    /// One JSON line of the journal, checked for every known secret (as is, escaped
    /// once or twice): a clean line is kept byte for byte; one that holds a secret is
    /// scrubbed as data and checked again. Fails closed like [`Scrubber::scrubbed`].
    pub fn line<'a>(&self, line: &'a str) -> Result<std::borrow::Cow<'a, str>, HarnessError> {
        if !self.0.leaks(line) {
            return Ok(std::borrow::Cow::Borrowed(line));
        }
        let mut value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| refuse(e.to_string()))?;
        self.clean(&mut value)?;
        Ok(std::borrow::Cow::Owned(value.to_string()))
    }

    /// How many secrets it knows: a text scrubbed now holds none of the first this many.
    pub fn learned(&self) -> usize {
        self.0.learned()
    }

    /// Whether `text`, scrubbed when the run knew `learned` secrets, holds one learned
    /// since (as is or escaped): such a line is scrubbed again with [`Scrubber::line`].
    pub fn leaks_since(&self, learned: usize, text: &str) -> bool {
        self.0.leaks_since(learned, text)
    }

    /// A value (a report, or its head) with every known secret masked, scrubbed as
    /// data (every string, and every JSON document inside a string). Fails closed: if
    /// it cannot be scrubbed, or a known secret (as is or escaped) survives, it is an
    /// error and nothing may be written.
    pub fn scrubbed<T: serde::Serialize + serde::de::DeserializeOwned>(
        &self,
        value: &T,
    ) -> Result<T, HarnessError> {
        let mut value = serde_json::to_value(value).map_err(|e| refuse(e.to_string()))?;
        self.clean(&mut value)?;
        serde_json::from_value(value).map_err(|e| refuse(e.to_string()))
    }

    /// Scrubs `value` as data, then checks that no known secret survived.
    fn clean(&self, value: &mut serde_json::Value) -> Result<(), HarnessError> {
        self.0.scrub_value(value);
        if self.0.leaks(&value.to_string()) {
            return Err(refuse("a known secret survived scrubbing".into()));
        }
        Ok(())
    }
}

/// The error when output cannot be proven free of secrets.
fn refuse(why: String) -> HarnessError {
    HarnessError::Redaction(format!(
        "failed to redact the report ({why}); nothing was written"
    ))
}

impl RunOutcome {
    /// What decides the exit of this run.
    pub fn findings(&self) -> crate::exit::Findings {
        self.summary.findings(self.interrupted)
    }
}

/// Compiles, on a thread of its own, what the first exchanges would otherwise compile
/// on the run's one thread: the selected services' schemas and the redaction patterns.
/// It overlaps the preflight and the first connections; whatever needs a part before
/// it is done waits for it (each part is compiled once). In a run of 40 scenarios
/// against `serve` that work was 10 M of 109 M instructions, all on the one thread.
fn warm(contract: &Arc<Contract>, services: &[String]) {
    let contract = contract.clone();
    let services = services.to_vec();
    let spawned = std::thread::Builder::new()
        .name("warm".into())
        .spawn(move || {
            crate::redact::warm();
            for name in &services {
                if let Some(service) = contract.service(name) {
                    service.schemas.warm();
                }
            }
        });
    // Without a thread the same work happens at first use, as before.
    drop(spawned);
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
    let mut services: Vec<String> = cases.iter().map(|c| c.service.clone()).collect();
    services.sort();
    services.dedup();
    warm(&contract, &services);
    let mut target = target;
    if options.preflight {
        let found = preflight::problems(&contract, &target, &services, options.timeout).await;
        if !found.stops.is_empty() {
            return Err(HarnessError::Unreachable(found.stops));
        }
        let unserved: Vec<&String> = found.unserved.iter().map(|(s, _)| s).collect();
        target.endpoints.retain(|(s, _)| !unserved.contains(&s));
        target.unserved = found.unserved;
    }
    let ctx = context(contract, target, &options)?;
    reporter.on_event(&RunEvent::RunStarted {
        run_id: &options.run_id,
        total: cases.len(),
        endpoints: &ctx.target.endpoints,
    })?;
    let scrubber = Scrubber::new(ctx.redactor.clone());
    let summary = run_all(&ctx, cases, options.jobs, reporter).await?;
    let interrupted = options.cancel.is_cancelled();
    // What the ledger says is checked against the target: each identity that created
    // something is listed, and what carries the run id is deleted.
    let (listing, clean) = match sweep::final_listing(&ctx).await {
        Some((listing, clean)) => (Some(listing), clean),
        None => (None, Vec::new()),
    };
    // Reasons quote answers and errors: scrubbed like everything else printed.
    let mut ledger = ctx.ledger.summary(&clean);
    ledger.listing = listing.map(|mut l| {
        l.unverified = l.unverified.iter().map(|u| ctx.redactor.scrub(u)).collect();
        l
    });
    for left in &mut ledger.left {
        left.what = ctx.redactor.scrub(&left.what);
        left.reason = ctx.redactor.scrub(&left.reason);
    }
    reporter.on_event(&RunEvent::RunFinished {
        summary,
        interrupted,
        duration: start.elapsed(),
        ledger: &ledger,
    })?;
    Ok(RunOutcome {
        summary,
        interrupted,
        scrubber,
    })
}

/// What every case of a run shares: the client, the redactor, the ledger.
fn context(
    contract: Arc<Contract>,
    target: Target,
    options: &RunOptions,
) -> Result<Arc<execute::Ctx>, HarnessError> {
    let transport = Transport::new(
        options.timeout,
        options.max_body,
        needs_tls(&target.endpoints),
    )?;
    let redactor = redactor_for(&contract, &target);
    Ok(Arc::new(execute::Ctx {
        contract,
        target,
        transport,
        redactor,
        run_id: options.run_id.clone(),
        cancel: options.cancel.clone(),
        abandon: options.abandon.clone(),
        ledger: Arc::new(match &options.reports {
            Some(dir) => ledger::Ledger::logging(dir),
            None => ledger::Ledger::default(),
        }),
        judged: options.levels.clone(),
        retry: options.retry.clone(),
        pacer: options.rate.map(|r| Arc::new(retry::Pacer::new(r))),
        recorded: std::sync::atomic::AtomicUsize::new(0),
    }))
}

/// Sweeps what earlier runs left (`pat-conformance sweep`): for every service in the
/// contract whose creates can be found by listing, every identity with credentials is
/// listed and each item whose name `names` matches is deleted (unless `dry_run`), then
/// listed again. What carries no name is swept only from what a run logged (`logged`,
/// read from its report folder with [`read_log`]; `None`: no folder was named).
/// Errors (and messages) are scrubbed.
pub async fn sweep(
    contract: Arc<Contract>,
    target: Target,
    options: RunOptions,
    names: Names,
    dry_run: bool,
    logged: Option<&[Logged]>,
    named: &[LoggedName],
) -> Result<Vec<Swept>, HarnessError> {
    let ctx = context(contract, target, &options)?;
    let mut out = Vec::new();
    for service in &ctx.contract.services {
        if ctx.target.endpoint(service.name()).is_none() {
            continue;
        }
        if !sweep::sweepable(service) {
            if sweep::found_by_id(service) {
                out.extend(sweep_logged(&ctx, service, logged, dry_run).await);
            }
            continue;
        }
        let identities: Vec<crate::vocab::Identity> = crate::vocab::Identity::ALL
            .into_iter()
            .filter(|i| execute::credentials(&ctx, service, *i).is_ok())
            .collect();
        if identities.is_empty() {
            out.push(Swept {
                service: service.name().to_string(),
                identity: "(none)".into(),
                errors: vec![execute::credentials(&ctx, service, Default::default())
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default()],
                ..Swept::default()
            });
        }
        for identity in identities {
            let swept = sweep::sweep_one(&ctx, service, identity, &names, named, dry_run).await;
            out.push(scrubbed(&ctx, swept));
        }
    }
    Ok(out)
}

/// Sweeps what carries no name by what a run logged of `service`, one result per
/// identity that created there; or says why it is not swept.
async fn sweep_logged(
    ctx: &execute::Ctx,
    service: &crate::spec::Service,
    logged: Option<&[Logged]>,
    dry_run: bool,
) -> Vec<Swept> {
    let not_swept = |why: &str| Swept {
        service: service.name().to_string(),
        identity: "(any)".into(),
        by_id: true,
        not_swept: Some(why.to_string()),
        ..Swept::default()
    };
    let Some(logged) = logged else {
        return vec![not_swept(
            "what it creates carries no name holding a run id; only `--from` a run's report folder sweeps it, by what that run logged in made-by-id.jsonl",
        )];
    };
    let mut by_identity: std::collections::BTreeMap<crate::vocab::Identity, Vec<Logged>> =
        Default::default();
    for l in logged.iter().filter(|l| l.service == service.name()) {
        by_identity.entry(l.identity).or_default().push(l.clone());
    }
    if by_identity.is_empty() {
        return vec![not_swept("the run logged no create of it")];
    }
    let mut out = Vec::new();
    for (identity, scopes) in by_identity {
        let swept = sweep::sweep_by_id(ctx, service, identity, &scopes, dry_run).await;
        out.push(scrubbed(ctx, swept));
    }
    out
}

/// A sweep's result with its messages and names scrubbed of every known secret.
fn scrubbed(ctx: &execute::Ctx, mut swept: Swept) -> Swept {
    swept.errors = swept.errors.iter().map(|e| ctx.redactor.scrub(e)).collect();
    swept.found = swept.found.iter().map(|e| ctx.redactor.scrub(e)).collect();
    swept
}

/// A redactor that knows the contract's sensitive member names and the profile's
/// secrets before the first request.
fn redactor_for(contract: &Contract, target: &Target) -> Redactor {
    let redactor = Redactor::with_names(contract.sensitive_members().into_iter().collect());
    let bearer_envs: Vec<&str> = contract
        .services
        .iter()
        .filter_map(|s| s.spec.auth.token_env.as_deref())
        .collect();
    for secret in target.profile.secrets(&bearer_envs) {
        redactor.add(&secret);
    }
    redactor
}

/// A finished case waiting to be reported.
struct Held {
    result: CaseResult,
    /// Secrets the redactor knew when the case started.
    learned: usize,
    /// Creates entered in the ledger when it finished.
    watermark: usize,
}

/// Runs every case, at most `jobs` at once (exclusive ones alone), reporting each as
/// it finishes. A finished case is held until every create entered before it finished
/// has its answer, then scrubbed again if the run learned secrets meanwhile: a target
/// that leaks a token's secret into another answer before the create returns it
/// cannot get that secret printed.
async fn run_all(
    ctx: &Arc<execute::Ctx>,
    cases: Vec<Case>,
    jobs: usize,
    reporter: &mut dyn Reporter,
) -> Result<Summary, HarnessError> {
    let jobs = jobs.max(1);
    let mut tasks = tokio::task::JoinSet::new();
    // Exclusive cases go last, so they wait for the shared ones in bulk, not one by one.
    let mut ordered = cases;
    ordered.sort_by_key(|c| c.exclusive);
    let mut summary = Summary::default();
    let mut held: std::collections::VecDeque<Held> = std::collections::VecDeque::new();
    // At most `jobs` cases are in flight, and no more are spawned: a case not yet
    // started costs only its definition, and a finished one is reported and dropped.
    // An exclusive case is spawned only once nothing is in flight, and nothing is
    // spawned beside it: deciding here, not by a lock taken inside the tasks, keeps
    // the order whatever order the runtime first polls the tasks in.
    let mut pending = ordered.into_iter().peekable();
    let mut alone = false;
    // A case says when it really starts.
    let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel::<String>();
    loop {
        if tasks.is_empty() {
            alone = false;
        }
        while tasks.len() < jobs && !alone {
            let Some(next) = pending.peek() else { break };
            if next.exclusive && !tasks.is_empty() {
                break;
            }
            let Some(case) = pending.next() else { break };
            alone = case.exclusive;
            let name = format!("{}::{}::{}", case.service, case.operation, case.id);
            let (ctx, started_tx) = (ctx.clone(), started_tx.clone());
            tasks.spawn(async move {
                let learned = ctx.redactor.learned();
                let _ = started_tx.send(name);
                let result = execute::run_case(&ctx, &case).await;
                (result, learned)
            });
        }
        // Starts first: a case's start is always reported before its end.
        let joined = tokio::select! {
            biased;
            Some(name) = started.recv() => {
                reporter.on_event(&RunEvent::CaseStarted { name: &name })?;
                continue;
            }
            joined = tasks.join_next() => joined,
        };
        let Some(joined) = joined else {
            break;
        };
        let (result, learned) = match joined {
            Ok(done) => done,
            Err(e) => (panic_result(e), 0),
        };
        held.push_back(Held {
            result,
            learned,
            watermark: ctx.ledger.len(),
        });
        while held
            .front()
            .is_some_and(|h| !ctx.ledger.in_flight_before(h.watermark))
        {
            if let Some(h) = held.pop_front() {
                report(ctx, h, &mut summary, reporter)?;
            }
        }
    }
    // Every case has ended: nothing is in flight any more.
    while let Some(h) = held.pop_front() {
        report(ctx, h, &mut summary, reporter)?;
    }
    Ok(summary)
}

/// Reports a finished case, scrubbed again when secrets were learned since it started.
fn report(
    ctx: &execute::Ctx,
    mut h: Held,
    summary: &mut Summary,
    reporter: &mut dyn Reporter,
) -> Result<(), HarnessError> {
    // Counted before the scrub: every secret among the first `learned` is gone.
    let learned = ctx.redactor.learned();
    if learned != h.learned {
        ctx.redactor.rescrub(&mut h.result);
    }
    summary.add(h.result.status);
    reporter.on_event(&RunEvent::CaseFinished {
        result: &h.result,
        learned,
    })
}

/// Whether any endpoint is anything but plain HTTP.
fn needs_tls(endpoints: &[(String, String)]) -> bool {
    endpoints.iter().any(|(_, e)| {
        !e.get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    })
}

fn panic_result(e: tokio::task::JoinError) -> CaseResult {
    CaseResult {
        id: "(unknown)".into(),
        service: String::new(),
        operation: String::new(),
        title: String::new(),
        level: crate::vocab::Level::Must,
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
        retries: vec![],
        generated: vec![],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_http_endpoints_go_without_tls() {
        let e = |urls: &[&str]| -> Vec<(String, String)> {
            urls.iter()
                .map(|u| ("s".to_string(), u.to_string()))
                .collect()
        };
        assert!(!super::needs_tls(&e(&["http://127.0.0.1:1", "HTTP://x"])));
        assert!(super::needs_tls(&e(&["http://a", "https://b"])));
        assert!(super::needs_tls(&e(&["HTTPS://b"])));
        assert!(super::needs_tls(&e(&["ftp"])));
    }
}

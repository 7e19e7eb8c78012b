//! Executing one case: steps, checks, captures, and cleanups that always run.

mod paging;

use super::step_error::{Flow, StepError};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::ledger::{Fate, Ledger, Ticket};
use super::Target;
use crate::case::{Case, Step};
use crate::check::{self, PointerPattern, Violation};
use crate::outcome::{CaseResult, CheckKind, Exchange, Failure, Status};
use crate::redact::Redactor;
use crate::request::Credentials;
use crate::spec::{AuthScheme, Contract, OperationSpec, Service};
use crate::template::Scope;
use crate::transport::Transport;
use crate::vocab::{Identity, Level};

/// Most bytes of a body kept in a report (the checks saw all that was read).
pub(super) const RECORDED_BODY: usize = 64 * 1024;

/// Bytes of bodies a run keeps at up to [`RECORDED_BODY`] each; past it, each body is
/// kept at up to [`RECORDED_SMALL`].
pub(super) const RECORDED_TOTAL: usize = 3 * 1024 * 1024;

/// Most bytes of a body kept once the run has kept [`RECORDED_TOTAL`].
pub(super) const RECORDED_SMALL: usize = 2 * 1024;

/// Most bytes of a failure's message, expected or actual value kept in a report.
const RECORDED_TEXT: usize = 16 * 1024;

/// Most times a step may repeat (`repeat.times`).
const MAX_REPEAT: u64 = 10_000;

/// Most pages a paginated step follows before calling the paginator broken.
const MAX_PAGES: usize = 200;

/// Shared by every case of a run.
pub(super) struct Ctx {
    pub(super) contract: Arc<Contract>,
    pub(super) target: Target,
    pub(super) transport: Transport,
    pub(super) redactor: Redactor,
    pub(super) run_id: String,
    /// First signal: no new step starts; creates in flight still get their answer.
    pub(super) cancel: CancellationToken,
    /// Second signal: stop waiting for anything, cleanups included.
    pub(super) abandon: CancellationToken,
    pub(super) ledger: Arc<Ledger>,
    /// The levels whose findings fail a case (empty: every level). Findings of other
    /// levels are still reported.
    pub(super) judged: Vec<Level>,
    /// How transient answers are retried.
    pub(super) retry: super::RetryPolicy,
    /// Spaces requests when the run has a rate (`--rate`).
    pub(super) pacer: Option<Arc<super::retry::Pacer>>,
    /// Bytes of bodies recorded so far (see [`RECORDED_TOTAL`]).
    pub(super) recorded: std::sync::atomic::AtomicUsize,
}

impl Ctx {
    /// Whether a finding of `level` fails its case.
    fn judges(&self, level: Level) -> bool {
        self.judged.is_empty() || self.judged.contains(&level)
    }
}

/// Undos of creates run side by side, at most this many at once.
const CLEANUP_BATCH: usize = 8;

/// A call that undoes something a case created.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cleanup {
    pub(super) operation: String,
    pub(super) identity: Identity,
    pub(super) input: Value,
    /// The ledger entry of the create it undoes.
    pub(super) ticket: Option<Ticket>,
}

/// Which calls a first interrupt may cut short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Phase {
    /// A case step: dropped on interrupt, unless it creates something.
    Step,
    /// Cleanup and recovery: only a second signal stops them.
    Cleanup,
}

/// The state of one case execution.
pub(super) struct Execution<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) service: &'a Service,
    pub(super) case_id: &'a str,
    /// The case's level: every finding is at most this strong.
    level: Level,
    pub(super) scope: Scope,
    failures: Vec<Failure>,
    pub(super) exchanges: Vec<Exchange>,
    pub(super) retries: Vec<crate::outcome::Retry>,
    pub(super) cleanups: Vec<Cleanup>,
    pub(super) warnings: Vec<String>,
    error: Option<String>,
    /// A step was cut short by an interrupt.
    pub(super) interrupted: bool,
    /// For a create found by id: the ids its listing showed just before it was sent
    /// (`None`: not such a create, or the listing could not be had).
    pub(super) before_create: Option<std::collections::BTreeSet<String>>,
}

/// Why a case cannot run on this target, if it cannot.
fn skip_reason(ctx: &Ctx, case: &Case, service: &Service) -> Option<String> {
    // Where the service is comes first: a case of a service with no endpoint is not
    // waiting for a var.
    if let Some((_, why)) = ctx.target.unserved.iter().find(|(s, _)| s == &case.service) {
        return Some(why.clone());
    }
    if ctx.target.endpoint(&case.service).is_none() {
        return Some(format!(
            "no endpoint for {} (set one, or pass --aws for the public endpoint)",
            case.service
        ));
    }
    let caps = ctx.target.profile.capabilities();
    if let Some(missing) = case.requires.iter().find(|c| !caps.contains(c)) {
        // An identity is named as the profile names it (`identities.second`).
        return Some(match missing.identity() {
            Some(i) => format!("the target profile has no identity `{}`", i.as_str()),
            None => format!("the target profile lacks capability `{}`", missing.as_str()),
        });
    }
    if let Some(var) = case
        .profile_vars
        .iter()
        .find(|v| !ctx.target.profile.vars.contains_key(*v))
    {
        return Some(format!("the target profile has no var `{var}`"));
    }
    let mut identities = Vec::new();
    collect_identities(&case.steps, &mut identities);
    for identity in identities {
        if let Err(reason) = credentials(ctx, service, identity) {
            return Some(reason.to_string());
        }
    }
    None
}

fn collect_identities(steps: &[Step], into: &mut Vec<Identity>) {
    for step in steps {
        if !into.contains(&step.identity) && !step.raw.no_auth {
            into.push(step.identity);
        }
        collect_identities(&step.cleanup, into);
    }
}

pub(super) fn credentials(
    ctx: &Ctx,
    service: &Service,
    identity: Identity,
) -> Result<Credentials, MissingCredentials> {
    target_credentials(&ctx.target, &service.spec, identity)
}

/// Why an identity cannot call a service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MissingCredentials {
    /// A bearer-token service, and no token for the identity.
    #[error(
        "no bearer token for identity `{}` (set it in the profile{})",
        identity.as_str(),
        env.as_deref().map(|e| format!(" or {e}")).unwrap_or_default()
    )]
    BearerToken {
        /// The identity.
        identity: Identity,
        /// The variable the service reads the token from, if any.
        env: Option<String>,
    },
    /// A SigV4 service, and no keys found.
    #[error("no SigV4 credentials (name a profile with --aws-profile, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the target profile `sigv4`)")]
    SigV4,
}

/// The credentials `target` has for `identity` on a service, or why it has none.
pub(crate) fn target_credentials(
    target: &super::Target,
    spec: &crate::spec::ServiceSpec,
    identity: Identity,
) -> Result<Credentials, MissingCredentials> {
    let profile = &target.profile;
    match spec.auth.scheme {
        AuthScheme::Bearer => {
            let env = spec.auth.token_env.as_deref();
            profile
                .bearer_token(identity, env)
                .map(Credentials::Bearer)
                .ok_or_else(|| MissingCredentials::BearerToken {
                    identity,
                    env: env.map(str::to_string),
                })
        }
        AuthScheme::Sigv4 => profile
            .sigv4_credentials()
            .map(|credentials| Credentials::SigV4 {
                credentials,
                region: spec
                    .signing_region
                    .clone()
                    .unwrap_or_else(|| target.region.clone()),
                signing_name: spec.signing_name.clone(),
                time: std::time::SystemTime::now(),
            })
            .ok_or(MissingCredentials::SigV4),
    }
}

/// Runs one case to its result. Never panics on target behaviour.
pub(super) async fn run_case(ctx: &Ctx, case: &Case) -> CaseResult {
    let start = Instant::now();
    let mut result = empty_result(case);
    let Some(service) = ctx.contract.service(&case.service) else {
        result.status = Status::Error;
        result.error = Some(format!("service {} is not in the contract", case.service));
        return result;
    };
    if ctx.cancel.is_cancelled() {
        result.status = Status::Skip;
        result.skip_reason = Some("the run was interrupted".into());
        return result;
    }
    if let Some(reason) = skip_reason(ctx, case, service) {
        result.status = Status::Skip;
        result.skip_reason = Some(reason);
        return result;
    }
    let mut exec = Execution::detached(ctx, service, &case.id);
    exec.level = case.level;
    exec.scope.case_uid = format!("{}-{:08x}", ctx.run_id, rand::random::<u32>());
    // Made up too: `diff` tells this case's items in a listing from other cases'.
    exec.scope.generated.keep(exec.scope.case_uid.clone());
    // A panic in the harness is this case's error; its cleanups still run.
    let steps = std::panic::AssertUnwindSafe(exec.run_steps(&case.steps));
    if let Err(panic) = futures::FutureExt::catch_unwind(steps).await {
        exec.error = Some(format!(
            "the harness panicked while running this case: {}",
            panic_message(&*panic)
        ));
    }
    exec.run_cleanups().await;
    result.duration_ms = start.elapsed().as_millis() as u64;
    finish(ctx, exec, result)
}

impl<'a> Execution<'a> {
    /// An execution named `label`, at level must, whose case uid is the run id: what
    /// a case starts from, and all that the final listing and `sweep` need (their
    /// calls are made, retried and learned from like a case's, then dropped).
    pub(super) fn detached(ctx: &'a Ctx, service: &'a Service, label: &'a str) -> Self {
        Execution {
            ctx,
            service,
            case_id: label,
            level: Level::Must,
            scope: Scope {
                run_id: ctx.run_id.clone(),
                case_uid: ctx.run_id.clone(),
                profile: ctx.target.profile.vars.clone(),
                captured: BTreeMap::new(),
                generated: Default::default(),
            },
            failures: vec![],
            exchanges: vec![],
            retries: vec![],
            cleanups: vec![],
            warnings: vec![],
            error: None,
            interrupted: false,
            before_create: None,
        }
    }
}

/// A result for `case` before it runs.
fn empty_result(case: &Case) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        service: case.service.clone(),
        operation: case.operation.clone(),
        title: case.title.clone(),
        level: case.level,
        tags: case.tags.clone(),
        file: crate::embedded::shown(&case.file),
        line: case.line,
        status: Status::Pass,
        duration_ms: 0,
        failures: vec![],
        error: None,
        skip_reason: None,
        cleanup_warnings: vec![],
        exchanges: vec![],
        retries: vec![],
        generated: vec![],
    }
}

/// The verdict of a finished execution, with everything it recorded scrubbed.
fn finish(ctx: &Ctx, mut exec: Execution<'_>, mut result: CaseResult) -> CaseResult {
    let interrupted = exec.interrupted || ctx.cancel.is_cancelled();
    result.status = if let Some(error) = exec.error.take() {
        result.error = Some(error);
        Status::Error
    } else if exec.failures.iter().any(|f| ctx.judges(f.level)) {
        Status::Fail
    } else if interrupted {
        result.skip_reason = Some("the run was interrupted".into());
        Status::Skip
    } else {
        Status::Pass
    };
    result.failures = exec.failures;
    result.cleanup_warnings = exec.warnings;
    result.retries = exec.retries;
    result.generated = exec.scope.generated.values();
    ctx.redactor.scrub_texts(&mut result);
    // Clipped after scrubbing: a cut through a secret would hide it from the scrub.
    for f in &mut result.failures {
        let clip = |t: &mut String| *t = crate::text::clip_bytes(std::mem::take(t), RECORDED_TEXT);
        clip(&mut f.message);
        f.expected.iter_mut().for_each(clip);
        f.actual.iter_mut().for_each(clip);
    }
    result.exchanges = exec.exchanges;
    result
}

/// The text of a panic payload.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

impl Execution<'_> {
    async fn run_steps(&mut self, steps: &[Step]) {
        for (i, step) in steps.iter().enumerate() {
            if self.ctx.cancel.is_cancelled() {
                self.interrupted = true;
                break;
            }
            if !self.run_step(i + 1, step).await {
                break;
            }
        }
    }

    fn operation(&self, name: &str) -> Result<&OperationSpec, StepError> {
        self.service.operation(name).ok_or_else(|| {
            StepError::Operation(format!(
                "{name} is not an operation of {}",
                self.service.name()
            ))
        })
    }

    fn fail(&mut self, step: usize, operation: &str, v: Violation) {
        self.failures.push(Failure {
            step,
            operation: operation.to_string(),
            check: v.check,
            message: v.message,
            expected: v.expected,
            actual: v.actual,
            level: self.level.weaker(v.level),
            line: v.line,
        });
    }

    /// Runs one step; `false` stops the case.
    async fn run_step(&mut self, n: usize, step: &Step) -> bool {
        let before = self.failures.len();
        let go_on = self.run_step_checked(n, step).await;
        if let Some(hint) = &step.hint {
            for f in &mut self.failures[before..] {
                f.message = format!("{} (hint: {hint})", f.message);
            }
        }
        go_on
    }

    async fn run_step_checked(&mut self, n: usize, step: &Step) -> bool {
        match self.try_step(n, step).await {
            Ok(flow) => flow == Flow::Next,
            Err(_) if self.interrupted => false,
            Err(error) => {
                self.error = Some(format!("step {n} ({}): {error}", step.operation));
                false
            }
        }
    }

    async fn try_step(&mut self, n: usize, step: &Step) -> Result<Flow, StepError> {
        let op = self.operation(&step.operation)?.clone();
        let input = self
            .scope
            .expand(&step.input)
            .map_err(StepError::Template)?;
        let step_time = OffsetDateTime::now_utc();
        let (body, flow) = if step.paginate {
            self.paginate(n, step, &op, input).await?
        } else {
            self.send_repeated(n, step, &op, input).await?
        };
        if flow == Flow::Stop {
            return Ok(Flow::Stop);
        }
        for assertion in &step.assertions {
            let violations = check::evaluate(assertion, &body, &self.scope, step_time)?;
            for v in violations {
                self.fail(n, &step.operation, v);
            }
        }
        for (name, path) in &step.capture {
            let found =
                PointerPattern::parse_with(path, |s| self.scope.expand_text(s))?.select(&body);
            match found.as_slice() {
                // Sensitive values were learned when the response was recorded.
                [(_, value)] => {
                    self.scope.captured.insert(name.clone(), (*value).clone());
                }
                other => {
                    let v = Violation::new(
                        CheckKind::Capture,
                        format!(
                            "capture `{name}`: {path} matched {} values, expected one",
                            other.len()
                        ),
                    );
                    self.fail(n, &step.operation, v);
                    return Ok(Flow::Stop);
                }
            }
        }
        for cleanup in &step.cleanup {
            match self.scope.expand(&cleanup.input) {
                Ok(input) => {
                    self.push_cleanup(Cleanup {
                        operation: cleanup.operation.clone(),
                        identity: cleanup.identity,
                        input,
                        ticket: None,
                    });
                }
                Err(e) => self
                    .warnings
                    .push(format!("cleanup {} not registered: {e}", cleanup.operation)),
            }
        }
        Ok(Flow::Next)
    }

    /// Queues a cleanup unless the same call is queued already (two attempts of a
    /// create cannot both own one token). Whether it was queued.
    pub(super) fn push_cleanup(&mut self, cleanup: Cleanup) -> bool {
        let same = |c: &Cleanup| {
            c.operation == cleanup.operation
                && c.identity == cleanup.identity
                && c.input == cleanup.input
        };
        if self.cleanups.iter().any(same) {
            return false;
        }
        self.cleanups.push(cleanup);
        true
    }

    /// Runs every registered cleanup, newest first. A "not found" answer means the case
    /// already removed the thing and is fine.
    async fn run_cleanups(&mut self) {
        while let Some(first) = self.cleanups.pop() {
            // Undoing creates deletes distinct things: up to CLEANUP_BATCH at once, so a
            // case that made a hundred tokens does not wait for a hundred round trips
            // in a row. Cleanups a case wrote itself run one by one, in order.
            let mut batch = vec![first];
            while batch[0].ticket.is_some()
                && batch.len() < CLEANUP_BATCH
                && self.cleanups.last().is_some_and(|c| c.ticket.is_some())
            {
                batch.extend(self.cleanups.pop());
            }
            let steps: Vec<Step> = batch
                .iter()
                .map(|c| Step::call(&c.operation, c.identity))
                .collect();
            let ops: Vec<Result<OperationSpec, StepError>> = batch
                .iter()
                .map(|c| self.operation(&c.operation).cloned())
                .collect();
            let results = {
                let this = &*self;
                let calls = batch
                    .iter()
                    .zip(&steps)
                    .zip(&ops)
                    .map(|((c, step), op)| async move {
                        match op {
                            Err(e) => Err(e.clone()),
                            Ok(op) => {
                                this.call_shared(
                                    0,
                                    step,
                                    op,
                                    &c.input,
                                    Phase::Cleanup,
                                    this.ctx.retry.max_attempts,
                                )
                                .await
                            }
                        }
                    });
                futures::future::join_all(calls).await
            };
            for (((cleanup, step), op), called) in
                batch.into_iter().zip(&steps).zip(&ops).zip(results)
            {
                let answer = match (op, called) {
                    (Err(e), _) => Err(e.clone()),
                    (Ok(_), Err(e)) => Err(e),
                    (Ok(op), Ok(called)) => {
                        self.absorb(step, op, &cleanup.input, Phase::Cleanup, called)
                            .await
                    }
                };
                let fate = match answer {
                    Ok(r) if (200..300).contains(&r.status) => Fate::Deleted,
                    // Gone already, or never what the create made: the final listing
                    // looks for the latter by name.
                    Ok(r) if r.status == 404 => Fate::NotFound,
                    Ok(r) => Fate::Left(format!(
                        "cleanup {} {} answered HTTP {}",
                        cleanup.operation, cleanup.input, r.status
                    )),
                    Err(e) => Fate::Left(format!(
                        "cleanup {} {} failed ({e})",
                        cleanup.operation, cleanup.input
                    )),
                };
                if let Fate::Left(why) = &fate {
                    self.warnings
                        .push(format!("{why}; it may be left on the target"));
                }
                if let Some(ticket) = cleanup.ticket {
                    self.ctx.ledger.settle(ticket, fate);
                }
            }
        }
    }
}

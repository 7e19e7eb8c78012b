//! One call as a case makes it: built and signed afresh for each attempt, sent,
//! retried after a transient answer when the rules allow (see [`super::retry`]),
//! recorded redacted, and — for a create — entered in the ledger before it is sent.

use serde_json::Value;

use super::execute::{
    credentials, Execution, Phase, RECORDED_BODY, RECORDED_SMALL, RECORDED_TOTAL,
};
use super::ledger::Ticket;
use super::step_error::StepError;
use crate::case::Step;
use crate::outcome::{Exchange, RecordedRequest, RecordedResponse};
use crate::request::{self, authenticate, Credentials, HttpRequest};
use crate::spec::{OperationSpec, FAULT_HEADER};
use crate::transport::{HttpResponse, SendError};

// What is recorded of a body cut short is within what the transport kept of it.
const _: () = assert!(RECORDED_BODY + 8 * 1024 <= crate::transport::KEPT_OF_CUT);

impl Execution<'_> {
    /// Builds, authenticates, sends and records one call, trying again after a
    /// transient answer when the retry rules allow (see [`super::retry`]). Every
    /// attempt is built afresh (a new signature), recorded, and — for a create —
    /// entered in the ledger before it is sent, so no attempt can leave a token behind.
    pub(super) async fn call(
        &mut self,
        n: usize,
        step: &Step,
        op: &OperationSpec,
        input: &Value,
        phase: Phase,
    ) -> Result<HttpResponse, StepError> {
        let mut budget = self.ctx.retry.max_attempts;
        // A create found by id (it carries no name) is preceded by a listing: what is
        // listed after it and not before is what it made, should its answer be lost.
        if op.creates.is_some() && phase == Phase::Step {
            self.before_create = self.list_before(op, step.identity, input).await;
        }
        loop {
            let called = self.call_shared(n, step, op, input, phase, budget).await?;
            let used = called.attempts;
            // A create whose connection failed before any answer (a load balancer
            // closing an idle keep-alive connection) most likely never arrived: it is
            // sent again once a listing by name shows it was not carried out.
            let lost = match &called.response {
                Err(e) if e.before_answer => Some(e.message.clone()),
                _ => None,
            };
            let again = lost.filter(|_| {
                called.ticket.is_some()
                    && used < budget
                    && phase == Phase::Step
                    && step.fault.is_none()
                    && self.findable(op, input)
                    && !self.ctx.cancel.is_cancelled()
            });
            let ticket = called.ticket;
            let result = self.absorb(step, op, input, phase, called).await;
            let not_created = ticket.is_some_and(|t| self.ctx.ledger.not_created(t));
            match again {
                Some(reason) if not_created => {
                    self.retries.push(crate::outcome::Retry {
                        step: n,
                        operation: step.operation.clone(),
                        attempt: used,
                        reason: format!(
                            "{reason}; a listing by name showed the create was not carried out"
                        ),
                        waited_ms: 0,
                    });
                    budget -= used;
                }
                _ => return result,
            }
        }
    }

    /// Records a call's attempts and settles what its creates made.
    pub(super) async fn absorb(
        &mut self,
        step: &Step,
        op: &OperationSpec,
        input: &Value,
        phase: Phase,
        called: Called,
    ) -> Result<HttpResponse, StepError> {
        self.exchanges.extend(called.exchanges);
        self.retries.extend(called.retries);
        if let Some(ticket) = called.ticket {
            self.settle_create(ticket, op, step.identity, input, &called.response)
                .await;
        }
        for ticket in called.throttled_creates {
            self.verify_not_created(ticket, op, step.identity, input)
                .await;
        }
        if called.response.is_err() && self.ctx.cancel.is_cancelled() && phase == Phase::Step {
            self.interrupted = true;
        }
        called.response.map_err(|e| StepError::Send(e.message))
    }

    /// A call and its retries (at most `budget` attempts), needing only shared access
    /// (so cleanups can run side by side); what it recorded and what its creates need
    /// settled come back.
    pub(super) async fn call_shared(
        &self,
        n: usize,
        step: &Step,
        op: &OperationSpec,
        input: &Value,
        phase: Phase,
        budget: u32,
    ) -> Result<Called, StepError> {
        let (mut exchanges, mut retries, mut throttled_creates) =
            (Vec::new(), Vec::new(), Vec::new());
        let mut attempt = 1;
        loop {
            let (response, ticket, exchange) = self.attempt(n, step, op, input, phase).await?;
            exchanges.push(exchange);
            let retry = &self.ctx.retry;
            let transient = super::retry::transient(self.service.spec.protocol, &response)
                .filter(|t| super::retry::may_retry(step, op, t))
                .filter(|_| attempt < budget && !self.ctx.cancel.is_cancelled());
            let Some(t) = transient else {
                return Ok(Called {
                    response,
                    ticket,
                    throttled_creates,
                    exchanges,
                    retries,
                    attempts: attempt,
                });
            };
            if let Some(ticket) = ticket {
                match &response {
                    // Refused before it was sent: certainly nothing made.
                    Err(_) => self
                        .ctx
                        .ledger
                        .settle(ticket, super::ledger::Fate::NotCreated),
                    // The target says it did not run: checked by name afterwards.
                    Ok(_) => throttled_creates.push(ticket),
                }
            }
            let wait = retry.backoff(attempt, t.retry_after);
            retries.push(crate::outcome::Retry {
                step: n,
                operation: step.operation.clone(),
                attempt,
                reason: t.reason,
                waited_ms: wait.as_millis() as u64,
            });
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.ctx.cancel.cancelled() => {}
            }
            attempt += 1;
        }
    }

    /// One attempt of a call: its answer, its ledger entry (a create), its exchange.
    async fn attempt(
        &self,
        n: usize,
        step: &Step,
        op: &OperationSpec,
        input: &Value,
        phase: Phase,
    ) -> Result<(Result<HttpResponse, SendError>, Option<Ticket>, Exchange), StepError> {
        let endpoint = self
            .ctx
            .target
            .endpoint(self.service.name())
            .ok_or_else(|| StepError::Send("no endpoint for the service".into()))?
            .to_string();
        let mut req = request::build(&self.service.spec, &step.operation, op, &endpoint, input)?;
        self.apply_raw(step, &mut req)?;
        if let Some(unexpanded) = req.unexpanded().filter(|_| !escapes(step)) {
            return Err(StepError::Unexpanded {
                operation: step.operation.clone(),
                unexpanded,
            });
        }
        if let Some(pacer) = &self.ctx.pacer {
            pacer.wait().await;
        }
        // Entered before it is sent, so a lost answer cannot lose what it made.
        let ticket = op.creates.as_ref().map(|_| {
            let what = self.describe_created(op, input);
            self.ctx.ledger.open(super::ledger::Opening {
                case: self.case_id,
                service: self.service.name(),
                operation: &step.operation,
                identity: step.identity,
                what,
                findable: self.findable(op, input),
            })
        });
        // A create in flight keeps going on the first interrupt: its answer says what
        // to delete. Other steps stop at once; cleanups stop only on a second signal.
        let stop = if ticket.is_some() || phase == Phase::Cleanup {
            &self.ctx.abandon
        } else {
            &self.ctx.cancel
        };
        let response = tokio::select! {
            r = self.ctx.transport.send(&req) => r,
            _ = stop.cancelled() => Err(SendError {
                maybe_delivered: true,
                before_answer: false,
                message: "stopped by a signal while waiting for the answer".into(),
            }),
        };
        let exchange = self.exchange(n, &step.operation, &req, response.as_ref().ok());
        Ok((response, ticket, exchange))
    }

    fn apply_raw(&self, step: &Step, req: &mut HttpRequest) -> Result<(), StepError> {
        let raw = &step.raw;
        if let Some(body) = &raw.body {
            req.body = self
                .scope
                .expand_text(body)
                .map_err(StepError::Template)?
                .into_bytes();
        }
        if let Some(fault) = &step.fault {
            req.set_header(FAULT_HEADER, fault.clone());
        }
        let is_auth = |name: &str| name.eq_ignore_ascii_case("authorization");
        for (name, value) in raw.headers.iter().filter(|(n, _)| !is_auth(n)) {
            let value = self.scope.expand_text(value).map_err(StepError::Template)?;
            req.set_header(name, value);
        }
        for name in raw.remove_headers.iter().filter(|n| !is_auth(n)) {
            req.remove_header(name);
        }
        if !raw.no_auth {
            let mut creds = credentials(self.ctx, self.service, step.identity)?;
            if let Credentials::SigV4 {
                credentials, time, ..
            } = &mut creds
            {
                if raw.sign_with_wrong_secret {
                    credentials.secret_access_key =
                        format!("wrong/{}", crate::template::Alphabet::Alnum.random(36));
                }
                if let Some(offset) = &raw.sign_at {
                    let secs =
                        crate::template::parse_offset(offset).map_err(StepError::Template)?;
                    let shift = std::time::Duration::from_secs(secs.unsigned_abs());
                    *time = if secs < 0 {
                        time.checked_sub(shift)
                    } else {
                        time.checked_add(shift)
                    }
                    .ok_or(StepError::Template(
                        crate::template::TemplateError::Unrepresentable(secs),
                    ))?;
                }
            }
            authenticate(req, &creds)?;
        }
        for (name, value) in raw.headers.iter().filter(|(n, _)| is_auth(n)) {
            let value = self.scope.expand_text(value).map_err(StepError::Template)?;
            req.set_header(name, value);
        }
        if raw.remove_headers.iter().any(|n| is_auth(n)) {
            req.remove_header("authorization");
        }
        Ok(())
    }

    /// An exchange as recorded: redacted, bodies clipped.
    fn exchange(
        &self,
        n: usize,
        operation: &str,
        req: &HttpRequest,
        resp: Option<&HttpResponse>,
    ) -> Exchange {
        let redactor = &self.ctx.redactor;
        let format = crate::codec::of(self.service.spec.protocol).format();
        // Bodies are kept at up to RECORDED_BODY each until the run has kept
        // RECORDED_TOTAL, then at up to RECORDED_SMALL: reports stay small whatever
        // the target sends.
        let clip = |text: String| {
            let kept = self.ctx.recorded.load(std::sync::atomic::Ordering::Relaxed);
            let limit = if kept < RECORDED_TOTAL {
                RECORDED_BODY
            } else {
                RECORDED_SMALL
            };
            let text = crate::text::clip_bytes(text, limit);
            self.ctx
                .recorded
                .fetch_add(text.len(), std::sync::atomic::Ordering::Relaxed);
            text
        };
        let response = resp.map(|r| RecordedResponse {
            status: r.status,
            headers: redactor.headers(&r.headers),
            body: match r.truncated {
                Some(cap) => format!(
                    "{} [the target sent more than {cap} bytes; the rest was discarded unread]",
                    // Only what can be kept is scrubbed (with room for a secret that
                    // straddles the cut): no copies of megabytes that are dropped anyway.
                    clip(redactor.partial_body(
                        format,
                        &r.body[..r.body.len().min(RECORDED_BODY + 8 * 1024)]
                    ))
                ),
                None => clip(redactor.body(format, &r.body)),
            },
        });
        Exchange {
            step: n,
            operation: operation.to_string(),
            request: RecordedRequest {
                method: req.method.clone(),
                url: redactor.scrub(&req.url),
                headers: redactor.headers(&req.headers),
                body: clip(redactor.body(format, &req.body)),
            },
            response,
            elapsed_ms: resp.map(|r| r.elapsed.as_millis() as u64).unwrap_or(0),
        }
    }
}

/// What one call (all its attempts) did, before it is recorded in the case.
pub(super) struct Called {
    response: Result<HttpResponse, SendError>,
    /// The last attempt's ledger entry, when the call creates something.
    ticket: Option<Ticket>,
    /// Earlier attempts answered "throttled": looked for by name afterwards.
    throttled_creates: Vec<Ticket>,
    exchanges: Vec<Exchange>,
    retries: Vec<crate::outcome::Retry>,
    /// How many attempts it made.
    attempts: u32,
}

/// Whether the step writes a literal `${` on purpose (`$${`): then a `${` on the wire
/// is what the case meant to send.
fn escapes(step: &Step) -> bool {
    let raw = &step.raw;
    step.input.to_string().contains("$${")
        || raw.body.as_deref().is_some_and(|b| b.contains("$${"))
        || raw.headers.values().any(|v| v.contains("$${"))
}

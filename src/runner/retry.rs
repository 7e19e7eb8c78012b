//! Retries as the AWS SDKs' standard mode makes them: throttling (429, the throttling
//! error codes), 5xx and connection failures are retried with capped exponential
//! backoff and full jitter, up to `--max-attempts`; `--rate` spaces every request of
//! the run. Never retried: a step that expects that very error or injects a fault, and
//! a call that may have reached the target when repeating it could duplicate state (an
//! operation that creates something, unless the model marks it idempotent).

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::case::{Expect, Step};
use crate::spec::{OperationSpec, Protocol};
use crate::transport::{HttpResponse, SendError};

/// Error codes the SDKs treat as throttling.
const THROTTLING: [&str; 10] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "SlowDown",
];

/// How a run retries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1: never retry).
    pub max_attempts: u32,
    /// The first backoff's upper bound; each further one doubles it.
    pub base: Duration,
    /// No backoff is longer.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff up to 500 ms, 1 s, … capped at 20 s (the SDKs' standard mode
    /// starts at 1 s; a conformance run prefers to move on sooner).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`: a random share of the doubled base
    /// (full jitter), or what `Retry-After` asks for, never more than the cap.
    pub(super) fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.cap);
        let jittered = ceiling.mul_f64(rand::random::<f64>());
        retry_after.map_or(jittered, |r| r.min(self.cap))
    }
}

/// Why an answer (or its absence) is worth another attempt.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Transient {
    /// For the report: `HTTP 429 ThrottlingException`, `HTTP 503`, the connection error.
    pub(super) reason: String,
    /// The error type of the answer, if it named one.
    pub(super) error_type: Option<String>,
    /// The request may have been carried out (a 5xx, a timeout, a reset): repeating it
    /// may repeat its effect. Throttled and refused requests were not.
    pub(super) may_have_run: bool,
    /// `Retry-After`, when the target sent one.
    pub(super) retry_after: Option<Duration>,
}

/// Whether an outcome is transient, as the SDKs judge it.
pub(super) fn transient(
    protocol: Protocol,
    response: &Result<HttpResponse, SendError>,
) -> Option<Transient> {
    let r = match response {
        Err(e) => {
            return Some(Transient {
                reason: e.message.clone(),
                error_type: None,
                may_have_run: e.maybe_delivered,
                retry_after: None,
            })
        }
        Ok(r) if r.status < 400 => return None,
        Ok(r) => r,
    };
    let body: Value = crate::codec::of(protocol)
        .decode(&r.body)
        .unwrap_or(Value::Null);
    let kind = crate::codec::of(protocol).error_type(&r.headers, &body);
    let throttled = r.status == 429 || kind.as_deref().is_some_and(|k| THROTTLING.contains(&k));
    if !throttled && !(500..600).contains(&r.status) {
        return None;
    }
    let retry_after = r
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Some(Transient {
        reason: match &kind {
            Some(kind) => format!("HTTP {} {kind}", r.status),
            None => format!("HTTP {}", r.status),
        },
        error_type: kind,
        may_have_run: !throttled,
        retry_after,
    })
}

/// Whether the step may be retried after `t`: not when it asked for this answer, and
/// not when a repeat could duplicate what the first attempt may have done.
pub(super) fn may_retry(step: &Step, op: &OperationSpec, t: &Transient) -> bool {
    if step.fault.is_some() {
        return false;
    }
    if let Expect::Error(name) = &step.expect {
        if t.error_type.as_deref() == Some(name.as_str()) {
            return false;
        }
    }
    !t.may_have_run || op.idempotent || op.creates.is_none()
}

/// Spaces the run's requests at most `rate` per second, in the order they ask.
#[derive(Debug)]
pub(super) struct Pacer {
    interval: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl Pacer {
    pub(super) fn new(rate: f64) -> Pacer {
        Pacer {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's slot.
    pub(super) async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Result<HttpResponse, SendError> {
        Ok(HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
            truncated: None,
            elapsed: Duration::ZERO,
        })
    }

    #[test]
    fn throttling_and_server_errors_are_transient() {
        let p = Protocol::AwsJson1_1;
        let t = transient(p, &response(400, r#"{"__type":"ThrottlingException"}"#)).unwrap();
        assert!(!t.may_have_run);
        assert_eq!(t.reason, "HTTP 400 ThrottlingException");
        assert!(transient(p, &response(503, "")).unwrap().may_have_run);
        assert!(transient(
            p,
            &response(400, r#"{"__type":"InvalidParameterException"}"#)
        )
        .is_none());
        assert!(transient(p, &response(200, "{}")).is_none());
    }

    #[test]
    fn an_expected_error_or_a_create_that_may_have_run_is_not_retried() {
        let op = |creates: bool| -> OperationSpec {
            let mut v = serde_json::json!({
                "document": "d", "input": "I", "output": "O", "errors": [],
                "http": {"method": "PUT", "path": "/", "status": 201}
            });
            if creates {
                v["creates"] = serde_json::json!({"undo": "Del", "input": {"id": "/id"}});
            }
            serde_json::from_value(v).unwrap()
        };
        let throttled = Transient {
            reason: "HTTP 429 ThrottlingException".into(),
            error_type: Some("ThrottlingException".into()),
            may_have_run: false,
            retry_after: None,
        };
        let mut step = Step::call("Put", crate::vocab::Identity::Default);
        assert!(may_retry(&step, &op(true), &throttled));
        step.expect = Expect::Error("ThrottlingException".into());
        assert!(!may_retry(&step, &op(true), &throttled));
        step.expect = Expect::Error("ValidationException".into());
        assert!(may_retry(&step, &op(true), &throttled));
        let unavailable = Transient {
            reason: "HTTP 503".into(),
            error_type: None,
            may_have_run: true,
            retry_after: None,
        };
        assert!(!may_retry(&step, &op(true), &unavailable));
        assert!(may_retry(&step, &op(false), &unavailable));
        step.fault = Some("ThrottlingException".into());
        assert!(!may_retry(&step, &op(false), &throttled));
    }

    /// Pacing is a lower bound: five requests at 100 per second cannot all go out in
    /// less than 40 ms (only the lower bound is checked; a slow machine only adds).
    #[test]
    fn the_pacer_spaces_requests() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let started = Instant::now();
        rt.block_on(async {
            let pacer = Pacer::new(100.0);
            for _ in 0..5 {
                pacer.wait().await;
            }
        });
        assert!(
            started.elapsed() >= Duration::from_millis(40),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn backoff_doubles_within_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(250),
        };
        for attempt in 1..6 {
            let d = policy.backoff(attempt, None);
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1))).min(policy.cap);
            assert!(d <= ceiling, "{attempt}: {d:?}");
        }
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(9))),
            Duration::from_millis(250)
        );
    }
}

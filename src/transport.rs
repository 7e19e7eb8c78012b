//! Sending requests: one shared reqwest client. Every exchange is bounded: redirects
//! are never followed (a 3xx is the answer being judged), at most `max_body` bytes of a
//! response body are read (the rest is discarded unread), and one time budget covers
//! connecting, the headers and the whole body. Memory is bounded by one budget for the
//! whole run, not per exchange: the first 64 KiB of a body are free, and a body that
//! grows past them takes its share of [`BODY_BUDGET`] (its declared length, else
//! `max_body`) in one go and gives it back as soon as it has been read, so however many
//! cases are in flight (`--jobs`), at most that many bytes of large bodies are being
//! read at once. A reader waits for its share holding none (no reader can wait on
//! another), and the wait does not count against `--timeout`: the time budget is the
//! target's time, never the run's own.

use std::time::{Duration, Instant};

use crate::request::HttpRequest;

/// The default cap on a response body read per exchange.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// Bytes of large response bodies held at once across the whole run.
pub const BODY_BUDGET: usize = 16 * 1024 * 1024;

/// A body declared at most this long is read without taking a share of the budget:
/// the ordinary answer costs nothing extra.
const SMALL_BODY: usize = 64 * 1024;

/// What is kept of a body cut short at `max_body`: more than a report records of it.
pub(crate) const KEPT_OF_CUT: usize = 128 * 1024;

/// How long an idle connection stays in the client's pool.
const POOL_IDLE: Duration = Duration::from_secs(5);

/// A response as received.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    /// The body; when `truncated`, only its first [`KEPT_OF_CUT`] bytes (a body cut
    /// short is judged by its size alone, and reports keep less than that of it).
    pub(crate) body: Vec<u8>,
    /// The target sent more than `max_body` bytes; the rest was discarded.
    pub(crate) truncated: Option<usize>,
    /// The target's time: from sending to the body's end, less any wait for a share of
    /// [`BODY_BUDGET`].
    pub(crate) elapsed: Duration,
}

impl HttpResponse {
    /// The first header of this name (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request got no complete answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SendError {
    /// The request may have reached the target (it was written, or we cannot tell).
    pub(crate) maybe_delivered: bool,
    /// The connection failed before any answer began (closed or reset while the
    /// request was written or the head awaited; not a timeout): what a load balancer
    /// closing an idle keep-alive connection looks like. The request most likely never
    /// arrived, though that is not certain.
    pub(crate) before_answer: bool,
    pub(crate) message: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The HTTP client of a run.
#[derive(Clone)]
pub(crate) struct Transport {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
    /// [`BODY_BUDGET`] in KiB.
    budget: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Transport {
    /// A client for a run. `tls` says whether any endpoint may need it: loading the
    /// system's trusted roots (rustls-platform-verifier) costs about 4 ms, a tenth of
    /// the whole default suite, and a run against plain-HTTP endpoints (the emulator,
    /// `serve`, a local gateway) never uses them. Without `tls` no root is trusted, so
    /// an HTTPS request could only fail, never go unverified.
    pub(crate) fn new(
        timeout: Duration,
        max_body: usize,
        tls: bool,
    ) -> Result<Transport, crate::error::ConfigError> {
        // No client-wide timeout: `send` keeps its own clock, which a wait for the body
        // budget does not run.
        let mut builder = reqwest::Client::builder()
            .connect_timeout(timeout)
            // Shorter than servers' keep-alive timeouts (the emulator's 15 s, load
            // balancers' 60 s): a connection the server may be closing is not reused.
            .pool_idle_timeout(POOL_IDLE)
            .redirect(reqwest::redirect::Policy::none());
        if !tls {
            builder = builder.tls_certs_only([]);
        }
        let client = builder
            .build()
            .map_err(|e| crate::error::ConfigError::Client(e.to_string()))?;
        Ok(Transport {
            client,
            timeout,
            max_body,
            budget: std::sync::Arc::new(tokio::sync::Semaphore::new(BODY_BUDGET / 1024)),
        })
    }

    /// Sends `request`; an `Err` is a harness problem (connection refused, timeout).
    pub(crate) async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, SendError> {
        let mut clock = Clock {
            start: Instant::now(),
            paused: Duration::ZERO,
            timeout: self.timeout,
        };
        self.exchange(request, &mut clock).await
    }

    async fn exchange(
        &self,
        request: &HttpRequest,
        clock: &mut Clock,
    ) -> Result<HttpResponse, SendError> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| SendError {
                maybe_delivered: false,
                before_answer: false,
                message: format!("failed to use method {}: {e}", request.method),
            })?;
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = clock.within(builder.send()).await?.map_err(|e| {
            let timeout = e.is_timeout();
            let mut error = describe(e);
            error.before_answer = error.maybe_delivered && !timeout;
            error
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // The first SMALL_BODY bytes are free; a body that grows past them reserves the
        // rest of what it may hold (its declared length, else `max_body`) in one go,
        // holding no share while it waits, so readers can never wait on one another.
        // The share is given back once the body has been read: it bounds the bytes
        // being read at once, and waiting for it is not the target's time.
        let declared = response.content_length();
        let cap = declared.map_or(self.max_body, |n| (n as usize).min(self.max_body));
        let mut body = Vec::with_capacity(cap.min(SMALL_BODY));
        let mut share = None;
        let mut truncated = None;
        while let Some(chunk) = clock.within(response.chunk()).await?.map_err(describe)? {
            let room = self.max_body - body.len();
            let take = chunk.len().min(room);
            if share.is_none() && body.len() + take > SMALL_BODY {
                let kib = cap.div_ceil(1024).min(BODY_BUDGET / 1024) as u32;
                let waiting = Instant::now();
                share = self.budget.clone().acquire_many_owned(kib).await.ok();
                clock.pause(waiting.elapsed());
                // Sized once for what may be read (no doubling copies of a large or
                // endless body): the share counts these bytes, and pages never written
                // are never resident.
                body.reserve_exact(cap - body.len());
            }
            body.extend_from_slice(&chunk[..take]);
            if take < chunk.len() {
                truncated = Some(self.max_body);
                // Dropping the response closes the connection: the rest is never read.
                break;
            }
        }
        if truncated.is_some() && body.len() > KEPT_OF_CUT {
            body.truncate(KEPT_OF_CUT);
            body.shrink_to_fit();
        }
        // Read: the bytes are the case's now, judged at once and then dropped.
        drop(share);
        Ok(HttpResponse {
            status,
            headers,
            body,
            truncated,
            elapsed: clock.elapsed(),
        })
    }
}

/// One exchange's time budget: `--timeout` of the target's time, from sending to the
/// body's end. A wait for a share of the body budget pushes the deadline back by as
/// long: it is this run's own doing, never the target's.
struct Clock {
    start: Instant,
    paused: Duration,
    timeout: Duration,
}

impl Clock {
    /// `future`, or the timeout's error when the deadline passes first.
    async fn within<T>(
        &self,
        future: impl std::future::Future<Output = T>,
    ) -> Result<T, SendError> {
        let deadline = self.start + self.timeout + self.paused;
        tokio::time::timeout_at(deadline.into(), future)
            .await
            .map_err(|_| SendError {
                maybe_delivered: true,
                before_answer: false,
                message: format!(
                    "request timed out: no complete answer within {}",
                    humantime::format_duration(self.timeout)
                ),
            })
    }

    fn pause(&mut self, waited: Duration) {
        self.paused += waited;
    }

    /// The target's time so far.
    fn elapsed(&self) -> Duration {
        self.start.elapsed().saturating_sub(self.paused)
    }
}

fn describe(e: reqwest::Error) -> SendError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "failed to connect"
    } else {
        "failed"
    };
    let mut msg = format!("request {what}: {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    SendError {
        // A refused connection never carried the request; anything later may have.
        maybe_delivered: !e.is_connect(),
        before_answer: false,
        message: msg,
    }
}

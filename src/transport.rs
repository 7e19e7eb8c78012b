//! Sending requests: one shared reqwest client. Every exchange is bounded: redirects
//! are never followed (a 3xx is the answer being judged), at most `max_body` bytes of a
//! response body are read (the rest is discarded unread), and one time budget covers
//! connecting, the headers and the whole body. Memory is bounded by one budget for the
//! whole run, not per exchange: a body that may be large takes its share of
//! [`BODY_BUDGET`] before it is read and holds it until its response is dropped, so
//! however many cases are in flight (`--jobs`), at most that many bytes of large bodies
//! are held at once; the other exchanges wait (within their time budget).

use std::time::{Duration, Instant};

use crate::request::HttpRequest;

/// The default cap on a response body read per exchange.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// Bytes of large response bodies held at once across the whole run.
pub const BODY_BUDGET: usize = 16 * 1024 * 1024;

/// A body declared at most this long is read without taking a share of the budget:
/// the ordinary answer costs nothing extra.
const SMALL_BODY: usize = 64 * 1024;

/// How long an idle connection stays in the client's pool.
const POOL_IDLE: Duration = Duration::from_secs(5);

/// A response as received.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    /// The body, or its first `max_body` bytes when `truncated`.
    pub(crate) body: Vec<u8>,
    /// The target sent more than `max_body` bytes; the rest was discarded.
    pub(crate) truncated: Option<usize>,
    pub(crate) elapsed: Duration,
    /// Its share of [`BODY_BUDGET`], given back when the last copy is dropped.
    pub(crate) _share: Option<std::sync::Arc<tokio::sync::OwnedSemaphorePermit>>,
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
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
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
        let start = Instant::now();
        match tokio::time::timeout(self.timeout, self.exchange(request, start)).await {
            Ok(result) => result,
            Err(_) => Err(SendError {
                maybe_delivered: true,
                before_answer: false,
                message: format!(
                    "request timed out: no complete answer within {}",
                    humantime::format_duration(self.timeout)
                ),
            }),
        }
    }

    async fn exchange(
        &self,
        request: &HttpRequest,
        start: Instant,
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
        let mut response = builder.send().await.map_err(|e| {
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
        // A body that may be large waits for its share of the run's budget.
        let declared = response.content_length();
        let need = declared.map_or(self.max_body, |n| (n as usize).min(self.max_body));
        let share = if need > SMALL_BODY {
            let kib = need.div_ceil(1024).min(BODY_BUDGET / 1024) as u32;
            let permit = self.budget.clone().acquire_many_owned(kib).await;
            permit.ok().map(std::sync::Arc::new)
        } else {
            None
        };
        // Sized once for what may be read (no doubling copies of a large or endless
        // body): the share above already counts these bytes, and pages never written
        // are never resident.
        let mut body = Vec::with_capacity(need);
        let mut truncated = None;
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            let room = self.max_body - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = Some(self.max_body);
                // Dropping the response closes the connection: the rest is never read.
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            truncated,
            elapsed: start.elapsed(),
            _share: share,
        })
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

//! The emulator's HTTP front: HTTP/1.1 on hyper, one task per connection. It bounds
//! what a client can make it hold: a request body is read up to [`MAX_REQUEST_BODY`]
//! (a larger one is answered 413 without reading the rest), and nothing is kept after a
//! request is answered. A connection that does not complete a request head within the
//! idle timeout (an idle keep-alive connection, or a slowloris client dribbling its
//! headers) is closed. Requests reach the emulator as [`super::Request`] values, so
//! middlewares see the same type as before.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use super::Request;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use tokio_util::sync::CancellationToken;

use super::replies::Reply;

/// The largest request body the emulator reads.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// Answers one request.
pub(crate) type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Serves `handler` on `listener` until `stop` is cancelled.
pub(crate) fn spawn(
    listener: tokio::net::TcpListener,
    handler: Handler,
    idle_timeout: std::time::Duration,
    stop: CancellationToken,
) {
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => continue,
                },
                _ = stop.cancelled() => return,
            };
            let _ = stream.set_nodelay(true);
            let handler = handler.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                let activity = Arc::new(Activity::new());
                let seen = activity.clone();
                let service = hyper::service::service_fn(move |req| {
                    let handler = handler.clone();
                    let busy = seen.start();
                    async move {
                        let response = answer(req, &handler).await;
                        drop(busy);
                        Ok::<_, Infallible>(response)
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                tokio::select! {
                    _ = conn => {}
                    _ = activity.idle(idle_timeout) => {}
                    _ = stop.cancelled() => {}
                }
            });
        }
    });
}

/// What the idle guard of one connection reads: when a request last started or
/// finished, and how many are being answered. A connection with none being answered
/// for the idle timeout (an idle keep-alive connection, or one whose request head never
/// completes: slowloris) is closed. This replaces hyper's header-read timeout, which
/// armed a timer for every request (7–13 % of the emulator's throughput under wrk, in
/// two measurements); the guard sleeps about once per timeout per connection. An answer
/// still being written when the guard fires is cut: answers are small, and a client
/// that takes the whole timeout to read one is treated as idle.
struct Activity {
    opened: std::time::Instant,
    /// Milliseconds after `opened`.
    last: AtomicU64,
    busy: AtomicUsize,
}

/// A request being answered; it counts as activity when it starts and when it ends
/// (also when its task is dropped or unwinds).
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: std::time::Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let now = self.opened.elapsed().as_millis() as u64;
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    fn start(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::Relaxed);
        self.touch();
        Busy(self.clone())
    }

    /// Completes once the connection has answered nothing for `timeout`.
    async fn idle(&self, timeout: std::time::Duration) {
        loop {
            let now = self.opened.elapsed();
            let last = std::time::Duration::from_millis(self.last.load(Ordering::Relaxed));
            let quiet = now.saturating_sub(last);
            let wait = if self.busy.load(Ordering::Relaxed) > 0 {
                timeout
            } else if quiet >= timeout {
                return;
            } else {
                timeout - quiet
            };
            tokio::time::sleep(wait.max(std::time::Duration::from_millis(1))).await;
        }
    }
}

async fn answer(req: hyper::Request<Incoming>, handler: &Handler) -> hyper::Response<Full<Bytes>> {
    let reply = match read(req).await {
        Ok(request) => handler(&request),
        Err(reply) => reply,
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = hyper::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| {
            let mut r = hyper::Response::new(Full::new(Bytes::new()));
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}

/// Most bytes of a refused body read (and dropped) so the client, still sending, gets
/// the 413 rather than a reset connection; beyond it the connection is closed.
const MAX_DRAINED: usize = 64 * 1024 * 1024;

/// Reads and drops the rest of a refused body, up to [`MAX_DRAINED`]: nothing is kept.
async fn drain(body: &mut Incoming, mut read: usize) {
    while read < MAX_DRAINED {
        match body.frame().await {
            Some(Ok(frame)) => read += frame.data_ref().map_or(0, |d| d.len()),
            _ => return,
        }
    }
}

fn too_large() -> Reply {
    let mut reply = Reply::json(
        413,
        &serde_json::json!({
            "message": format!("the request body is larger than {MAX_REQUEST_BODY} bytes")
        }),
        "application/json",
    );
    reply.set_header("x-amzn-errortype", "RequestEntityTooLargeException");
    reply.set_header("connection", "close");
    reply
}

/// The base every request target is read against.
fn base() -> &'static url::Url {
    static BASE: std::sync::OnceLock<url::Url> = std::sync::OnceLock::new();
    BASE.get_or_init(|| url::Url::parse("http://localhost/").expect("a valid base URL"))
}

/// The request with its body, or the reply refusing it.
async fn read(req: hyper::Request<Incoming>) -> Result<Request, Reply> {
    let (parts, mut body) = req.into_parts();
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_REQUEST_BODY as u64) {
        drain(&mut body, 0).await;
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        if let Some(data) = frame.data_ref() {
            if bytes.len() + data.len() > MAX_REQUEST_BODY {
                let read = bytes.len() + data.len();
                drop(bytes);
                drain(&mut body, read).await;
                return Err(too_large());
            }
            bytes.extend_from_slice(data);
        }
    }
    // Read relative to a fixed base: the Host header stays in the headers, and parsing
    // it into the URL of every request (IDNA and all) was 7% of the emulator's time.
    let target = parts.uri.to_string();
    let url = if target.starts_with("//") {
        // Joined, `//x/y` would name host x.
        url::Url::parse(&format!("http://localhost{target}"))
    } else {
        base().join(&target)
    }
    .map_err(|_| {
        Reply::json(
            400,
            &serde_json::json!({"message": "bad request target"}),
            "application/json",
        )
    })?;
    Ok(Request {
        url,
        method: parts.method,
        headers: parts.headers,
        body: bytes,
        routed: None,
    })
}

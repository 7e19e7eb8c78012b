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
            // The connection runs alone in its task, and a watchdog task closes it (by
            // aborting that task) when it idles or the server stops. Polled beside the
            // connection in one `select!`, the idle timer and the stop signal were
            // polled again at every wake of the connection: on every request.
            let connection = tokio::spawn(async move {
                let _ = conn.await;
            });
            let abort = connection.abort_handle();
            tokio::spawn(async move {
                tokio::select! {
                    _ = connection => {}
                    _ = activity.idle(idle_timeout) => abort.abort(),
                    _ = stop.cancelled() => abort.abort(),
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

/// A request being answered: the guard does not fire while one is, and its end counts
/// as activity (also when its task is dropped or unwinds). Its start need not: the
/// guard waits a whole timeout whenever it finds a request being answered.
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
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    let status = hyper::StatusCode::from_u16(reply.status);
    let headers = response.headers_mut();
    headers.reserve(reply.headers.len());
    for (name, value) in reply.headers {
        // The value's bytes are moved into the header, not copied.
        let name = match name.as_str() {
            // The names every reply has, without parsing them again.
            "content-type" => Ok(hyper::header::CONTENT_TYPE),
            "x-amzn-requestid" => Ok(REQUEST_ID.clone()),
            name => hyper::header::HeaderName::from_bytes(name.as_bytes()),
        };
        let value = hyper::header::HeaderValue::from_maybe_shared(Bytes::from(value));
        match (name, value) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => return server_error(),
        }
    }
    match status {
        Ok(status) => *response.status_mut() = status,
        Err(_) => return server_error(),
    }
    response
}

/// The request-id header every reply carries.
static REQUEST_ID: hyper::header::HeaderName =
    hyper::header::HeaderName::from_static("x-amzn-requestid");

/// The answer to a reply that cannot go on the wire (a header or status a middleware
/// made invalid).
fn server_error() -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
    r
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

/// A request target read as a URL. The last target a worker thread read is kept with
/// its URL: clients send the same one again and again (`/` for every awsJson and
/// awsQuery call, one collection path for most REST calls), and parsing it was the
/// largest single cost of answering.
fn parse_target(target: &str) -> Result<url::Url, url::ParseError> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, url::Url)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(url) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(seen, _)| seen == target)
            .map(|(_, url)| url.clone())
    }) {
        return Ok(url);
    }
    let url = if target.starts_with("//") {
        // Joined, `//x/y` would name host x.
        url::Url::parse(&format!("http://localhost{target}"))
    } else {
        base().join(target)
    }?;
    LAST.set(Some((target.to_string(), url.clone())));
    Ok(url)
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
    let target: std::borrow::Cow<str> = match parts.uri.path_and_query() {
        // The usual origin form (`/path?query`), read without formatting the URI.
        Some(pq) if parts.uri.scheme().is_none() && parts.uri.authority().is_none() => {
            pq.as_str().into()
        }
        _ => parts.uri.to_string().into(),
    };
    let url = parse_target(&target).map_err(|_| {
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

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn a_kept_target_reads_as_a_fresh_one_does() {
        for target in [
            "/v1/accessTokens?maxResults=2",
            "/",
            "/v1/accessTokens?maxResults=2",
        ] {
            let url = parse_target(target).unwrap();
            let fresh = url::Url::parse("http://localhost/")
                .unwrap()
                .join(target)
                .unwrap();
            assert_eq!(url, fresh, "{target}");
        }
        // A target after another is its own, not the one kept.
        assert_eq!(parse_target("/a?x=1").unwrap().query(), Some("x=1"));
        assert_eq!(parse_target("/a").unwrap().query(), None);
        // `//x/y` is a path here, not a host.
        let url = parse_target("//x/y").unwrap();
        assert_eq!((url.host_str(), url.path()), (Some("localhost"), "//x/y"));
    }
}

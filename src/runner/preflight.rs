//! The preflight: one harmless request per selected service before any case runs. An
//! endpoint that is down, speaks the other scheme, or is not this API (a base path in
//! the endpoint, another server on the port) stops the run with one message saying
//! what to fix, instead of an ERROR per case each repeating a connect error.
//!
//! The probe is the service's first list operation (it has a paginator: read-only by
//! the model) with an empty input, signed as the default identity. Any answer that is
//! not a 404 passes (a 400 for a missing required member included), and so does a 404
//! carrying an error type the model declares for the operation: only what no
//! conforming implementation answers stops the run.

use std::time::Duration;

use serde_json::Value;

use super::execute::target_credentials;
use super::Target;
use crate::case::Identity;
use crate::spec::{Contract, OperationSpec, ServiceSpec};
use crate::transport::{SendError, Transport};

/// Longest wait for a probe's answer (the run's `--timeout` when shorter).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the preflight found: services an endpoint does not serve while it serves
/// others of the run (their cases skip), and the problems that stop the run, one
/// message per endpoint and cause.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// `(service, why)`: answered 404 to every operation at an endpoint where another
    /// selected service answered like its API.
    pub(crate) unserved: Vec<(String, String)>,
    /// What stops the run (empty when it may go on).
    pub(crate) stops: Vec<String>,
}

/// Probes every service in `services` that has an endpoint.
pub(crate) async fn problems(
    contract: &Contract,
    target: &Target,
    services: &[String],
    timeout: Duration,
) -> Found {
    let timeout = timeout.min(PROBE_TIMEOUT);
    let probes = services.iter().filter_map(|name| {
        let service = contract.service(name)?;
        let endpoint = target.endpoint(name)?;
        Some(probe(&service.spec, endpoint, target, timeout))
    });
    let found: Vec<Problem> = futures::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect();
    let mut result = Found::default();
    // A service that answers 404 everywhere at an endpoint that serves another
    // selected service is not implemented there: the endpoint is right. Only at a
    // root endpoint: behind a base path (`…/v1`) a 404 means the path is wrong, even
    // when one protocol's answers ignore the path.
    let at_root = |endpoint: &str| {
        reqwest::Url::parse(endpoint).is_ok_and(|u| u.path() == "/" || u.path().is_empty())
    };
    let serves_another = |p: &Problem| {
        at_root(&p.endpoint)
            && services.iter().any(|other| {
                other != &p.service
                    && target.endpoint(other) == Some(p.endpoint.as_str())
                    && !found.iter().any(|q| &q.service == other)
            })
    };
    let mut stopping = Vec::new();
    for problem in &found {
        if problem.not_found && serves_another(problem) {
            result.unserved.push((
                problem.service.clone(),
                format!(
                    "{} does not serve {}: every operation answered 404",
                    problem.endpoint, problem.service
                ),
            ));
        } else {
            stopping.push(problem);
        }
    }
    // Services behind one endpoint that fail the same way are one message.
    let mut merged: Vec<(Vec<&str>, &Problem)> = Vec::new();
    for problem in stopping {
        match merged
            .iter_mut()
            .find(|(_, p)| p.endpoint == problem.endpoint && p.what == problem.what)
        {
            Some((services, _)) => services.push(&problem.service),
            None => merged.push((vec![&problem.service], problem)),
        }
    }
    result.stops = merged
        .into_iter()
        .map(|(services, p)| {
            format!(
                "{} at {} {}",
                crate::text::and_list(&services),
                p.endpoint,
                p.what
            )
        })
        .collect();
    result
}

/// What one probe found wrong.
struct Problem {
    service: String,
    endpoint: String,
    /// What happened and the likely fix, after "<service> at <endpoint> ".
    what: String,
    /// Every operation answered 404 (the others: no answer at all).
    not_found: bool,
}

/// A label value no target holds: a probe names nothing that exists.
const NOBODY: &str = "pat-conformance-preflight";

/// The request probing one operation: no input but its path labels (which name nothing
/// that exists), and for an operation that creates, a body no server can read, so that
/// not even a server that skips validation creates anything.
fn probe_request(
    spec: &ServiceSpec,
    op_name: &str,
    op: &OperationSpec,
    endpoint: &str,
    target: &Target,
) -> Option<crate::request::HttpRequest> {
    let input: serde_json::Map<String, Value> = op
        .http
        .labels()
        .into_iter()
        .map(|label| (label.trim_end_matches('+').to_string(), Value::from(NOBODY)))
        .collect();
    let mut request =
        crate::request::build(spec, op_name, op, endpoint, &Value::Object(input)).ok()?;
    if op.creates.is_some() {
        request.body = b"{".to_vec();
    }
    if let Ok(credentials) = target_credentials(target, spec, Identity::Default) {
        crate::request::authenticate(&mut request, &credentials).ok()?;
    }
    Some(request)
}

/// How one operation's probe went.
enum Answer {
    /// Not a 404, or a 404 with an error type the model declares for the operation.
    Api,
    /// A 404 no conforming implementation gives: the request went to no operation.
    NotFound(String),
    /// No answer.
    Failed(SendError),
}

/// One service's probe: every operation is called once. `None` when any answered like
/// the API: only a target where every operation answers 404, or none answers at all,
/// is stopped (a server that implements some operations gets its verdicts).
async fn probe(
    spec: &ServiceSpec,
    endpoint: &str,
    target: &Target,
    timeout: Duration,
) -> Option<Problem> {
    let transport = Transport::new(timeout, 64 * 1024, endpoint.starts_with("https://")).ok()?;
    let codec = crate::codec::of(spec.protocol);
    let calls = spec.operations.iter().filter_map(|(op_name, op)| {
        let request = probe_request(spec, op_name, op, endpoint, target)?;
        let transport = transport.clone();
        Some(async move {
            match transport.send(&request).await {
                Ok(answer) if answer.status == 404 => {
                    let body = codec.decode(&answer.body).unwrap_or(Value::Null);
                    let modelled = codec
                        .error_type(&answer.headers, &body)
                        .is_some_and(|t| op.errors.contains(&t));
                    if modelled {
                        Answer::Api
                    } else {
                        Answer::NotFound(format!("{op_name}: {} {}", request.method, request.url))
                    }
                }
                Ok(_) => Answer::Api,
                Err(error) => Answer::Failed(error),
            }
        })
    });
    let answers = futures::future::join_all(calls).await;
    if answers.is_empty() || answers.iter().any(|a| matches!(a, Answer::Api)) {
        return None;
    }
    let problem = |what: String, not_found: bool| Problem {
        service: spec.service.clone(),
        endpoint: endpoint.to_string(),
        what,
        not_found,
    };
    if let Some(error) = answers.iter().find_map(|a| match a {
        Answer::Failed(e) => Some(e),
        _ => None,
    }) {
        return Some(problem(unreachable(endpoint, error, timeout).await, false));
    }
    let first = answers.iter().find_map(|a| match a {
        Answer::NotFound(call) => Some(call.as_str()),
        _ => None,
    })?;
    Some(problem(
        format!(
            "answered 404 to every operation (e.g. {first}): this is not the {} API. An endpoint \
             is the service's root (scheme, host, port) with no base path; operation paths are \
             added to it",
            spec.title
        ),
        true,
    ))
}

/// What a failed probe says, with the likely fix.
async fn unreachable(endpoint: &str, error: &SendError, timeout: Duration) -> String {
    // The root cause, without the request URL reqwest repeats.
    let said = error
        .message
        .rsplit_once("client error (")
        .and_then(|(_, rest)| rest.split_once("): "))
        .map_or(error.message.as_str(), |(_, cause)| cause);
    let lower = said.to_ascii_lowercase();
    let hint = if lower.contains("connection refused") {
        "nothing listens there: is the server running, and on this port?".to_string()
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        "the host name does not resolve".to_string()
    } else if lower.contains("timed out") {
        format!(
            "no answer within {}: is the address right, and reachable from here?",
            humantime::format_duration(timeout)
        )
    } else if let Some(other) = other_scheme(endpoint, timeout).await {
        format!("it speaks the other scheme: use {other}")
    } else {
        "the connection failed before any answer".to_string()
    };
    format!("cannot be reached: {hint} ({said})")
}

/// The endpoint with the other scheme, when the server at its host and port speaks
/// that one: plain HTTP behind `https://`, or TLS behind `http://`.
async fn other_scheme(endpoint: &str, timeout: Duration) -> Option<String> {
    let url = reqwest::Url::parse(endpoint).ok()?;
    let host = url.host_str()?.to_string();
    let port = url.port_or_known_default()?;
    let (other, scheme) = match url.scheme() {
        "https" => ("http", "http://"),
        _ => ("https", "https://"),
    };
    let path = url.path().trim_end_matches('/');
    // The port stays what it was: explicit, as the other scheme's default differs.
    let switched = format!("{scheme}{host}:{port}{path}");
    let speaks = match other {
        "http" => answers_plain_http(&format!("{host}:{port}"), &host, timeout).await,
        _ => answers_tls(&switched, timeout).await,
    };
    speaks.then_some(switched)
}

/// Whether the server at `address` answers a plain HTTP request.
async fn answers_plain_http(address: &str, host: &str, timeout: Duration) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
        let head = format!("HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await.ok()?;
        let mut first = [0u8; 5];
        stream.read_exact(&mut first).await.ok()?;
        Some(&first == b"HTTP/")
    };
    matches!(tokio::time::timeout(timeout, attempt).await, Ok(Some(true)))
}

/// Whether `url` (https) completes a TLS handshake, or fails only on the certificate
/// (a self-signed one still means the server speaks TLS).
async fn answers_tls(url: &str, timeout: Duration) -> bool {
    let Ok(transport) = Transport::new(timeout, 1024, true) else {
        return false;
    };
    let request = crate::request::HttpRequest {
        method: "HEAD".into(),
        url: url.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    match transport.send(&request).await {
        Ok(_) => true,
        Err(e) => e.message.to_ascii_lowercase().contains("certificate"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_probe_carries_no_readable_body_and_labels_name_nobody() {
        let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let contract = Contract::load(&specs).expect("the specs");
        let target = Target {
            endpoints: Vec::new(),
            profile: Default::default(),
            region: "us-east-1".into(),
            sigv4_missing: None,
            unserved: Vec::new(),
        };
        let mut probed = 0;
        for service in &contract.services {
            for (name, op) in &service.spec.operations {
                let request = probe_request(&service.spec, name, op, "http://h", &target)
                    .expect("a probe request");
                if op.creates.is_some() {
                    assert!(
                        serde_json::from_slice::<Value>(&request.body).is_err(),
                        "{name}"
                    );
                }
                for label in op.http.labels() {
                    assert!(!request.url.contains(&format!("{{{label}}}")), "{name}");
                    assert!(request.url.contains(NOBODY), "{name}");
                }
                probed += 1;
            }
        }
        assert_eq!(probed, 11);
    }
}

//! One call to a target for discovery: an operation of the specs (under test or a
//! helper) with a logical input, signed as the default identity, answered as a
//! document or a modelled error. Nothing here retries or records: discovery asks a
//! few read-only questions and says what it could not learn.

use std::time::Duration;

use serde_json::Value;

use crate::case::Identity;
use crate::request::Credentials;
use crate::runner::Target;
use crate::spec::{Contract, Service};
use crate::transport::Transport;

/// What a call answered.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// A success, read by the operation's output shape.
    Ok(Value),
    /// An error answer: its status and type (as the AWS SDKs read it; empty if none).
    Refused { status: u16, error: String },
    /// No answer, or no request could be made (no endpoint, no credentials).
    Failed(String),
}

impl Answer {
    /// How the answer reads after the operation's name in a reason: `answered 404
    /// UnknownOperationException`, or `got no answer from …`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Answer::Ok(_) => "answered with a success".into(),
            Answer::Refused { status, error } if error.is_empty() => {
                format!("answered {status} (no error type an SDK reads)")
            }
            Answer::Refused { status, error } => format!("answered {status} {error}"),
            Answer::Failed(why) => format!("got {why}"),
        }
    }
}

/// How a call is changed for a probe.
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe {
    /// Extra headers.
    pub(crate) headers: Vec<(String, String)>,
    /// Sign with a secret that is not the profile's (the access key stays).
    pub(crate) wrong_secret: bool,
    /// Authenticate with this bearer token instead of the profile's.
    pub(crate) bearer: Option<String>,
}

/// Calls the target for discovery.
pub(crate) struct Caller<'a> {
    pub(crate) contract: &'a Contract,
    pub(crate) target: &'a Target,
    transport: Transport,
    /// Endpoints that gave no answer, with why: not asked again (a host that drops
    /// packets would otherwise cost a timeout per question before the preflight says
    /// it is unreachable).
    silent: std::sync::Mutex<Vec<(String, String)>>,
}

impl<'a> Caller<'a> {
    /// A caller with its own transport (TLS when any endpoint needs it), waiting at
    /// most `timeout` for each answer.
    pub(crate) fn new(
        contract: &'a Contract,
        target: &'a Target,
        timeout: Duration,
    ) -> Result<Caller<'a>, String> {
        let tls = target
            .endpoints
            .iter()
            .any(|(_, e)| e.starts_with("https://"));
        let transport = Transport::new(timeout, 8 * 1024 * 1024, tls).map_err(|e| e.to_string())?;
        Ok(Caller {
            contract,
            target,
            transport,
            silent: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Whether the target has an endpoint for `service`.
    pub(crate) fn reaches(&self, service: &str) -> bool {
        self.target.endpoint(service).is_some()
    }

    /// Calls `operation` of `service` with `input`.
    pub(crate) async fn call(&self, service: &str, operation: &str, input: Value) -> Answer {
        self.probe(service, operation, input, &Probe::default())
            .await
    }

    /// Calls `operation` of `service` with `input`, changed as `probe` says.
    pub(crate) async fn probe(
        &self,
        service: &str,
        operation: &str,
        input: Value,
        probe: &Probe,
    ) -> Answer {
        let Some(svc) = self.contract.any_service(service) else {
            return Answer::Failed(format!("{service} is not a service of the specs"));
        };
        let Some(endpoint) = self.target.endpoint(service) else {
            return Answer::Failed(format!("no endpoint for {service}"));
        };
        let Some(op) = svc.callable(operation) else {
            return Answer::Failed(format!("{operation} is not an operation of {service}"));
        };
        let mut request = match crate::request::build(&svc.spec, operation, op, endpoint, &input) {
            Ok(r) => r,
            Err(e) => return Answer::Failed(format!("failed to encode {operation}: {e}")),
        };
        for (name, value) in &probe.headers {
            request.set_header(name, value.clone());
        }
        let credentials = match credentials(self.target, svc, probe) {
            Ok(c) => c,
            Err(why) => return Answer::Failed(why),
        };
        if let Err(e) = crate::request::authenticate(&mut request, &credentials) {
            return Answer::Failed(format!("failed to sign {operation}: {e}"));
        }
        let silent = |s: &std::sync::Mutex<Vec<(String, String)>>| {
            s.lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(e, _)| e == endpoint)
                .map(|(_, why)| why.clone())
        };
        if let Some(why) = silent(&self.silent) {
            return Answer::Failed(why);
        }
        let answer = match self.transport.send(&request).await {
            Ok(a) => a,
            Err(e) => {
                let why = format!("no answer from {endpoint}: {}", e.message);
                self.silent
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((endpoint.to_string(), why.clone()));
                return Answer::Failed(why);
            }
        };
        let codec = crate::codec::of(svc.spec.protocol);
        if (200..300).contains(&answer.status) {
            return match codec.decode_answer(&svc.shapes, &op.output, &answer.body) {
                Ok(doc) => Answer::Ok(doc),
                Err(e) => Answer::Failed(format!(
                    "{operation} answered {} with a body that does not read: {}",
                    answer.status, e.0
                )),
            };
        }
        let body = codec.decode(&answer.body).unwrap_or(Value::Null);
        Answer::Refused {
            status: answer.status,
            error: codec.error_type(&answer.headers, &body).unwrap_or_default(),
        }
    }

    /// Every item of a paginated operation, following its page token (at most
    /// `max_pages` pages): the items, or the answer that stopped the walk.
    pub(crate) async fn walk(
        &self,
        service: &str,
        operation: &str,
        input: Value,
        max_pages: usize,
    ) -> Result<Vec<Value>, Answer> {
        let paginator = self
            .contract
            .any_service(service)
            .and_then(|s| s.callable(operation))
            .and_then(|op| op.paginator.clone());
        let Some(p) = paginator else {
            return Err(Answer::Failed(format!("{operation} has no paginator")));
        };
        let mut items = Vec::new();
        let mut input = input;
        for _ in 0..max_pages {
            let doc = match self.call(service, operation, input.clone()).await {
                Answer::Ok(doc) => doc,
                other => return Err(other),
            };
            if let Some(page) = doc.get(&p.items).and_then(Value::as_array) {
                items.extend(page.iter().cloned());
            }
            match doc.get(&p.output_token).and_then(Value::as_str) {
                Some(next) if !next.is_empty() => {
                    input[p.input_token.as_str()] = Value::String(next.to_string());
                }
                _ => return Ok(items),
            }
        }
        Ok(items)
    }
}

/// The default identity's credentials for `service`, changed as `probe` says.
fn credentials(target: &Target, service: &Service, probe: &Probe) -> Result<Credentials, String> {
    if let Some(token) = &probe.bearer {
        return Ok(Credentials::Bearer(token.clone()));
    }
    let mut credentials =
        crate::runner::target_credentials(target, &service.spec, Identity::Default)
            .map_err(|e| e.to_string())?;
    if probe.wrong_secret {
        if let Credentials::SigV4 { credentials, .. } = &mut credentials {
            credentials.secret_access_key = format!("{}x", credentials.secret_access_key);
        }
    }
    Ok(credentials)
}

//! Routing a request to an operation by the specs, then the protocol-level work every
//! operation shares: fault injection, auth, content type, JSON parsing, input
//! validation against the input schema.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::request::{Request, Routed};
use serde_json::{Map, Value};

use super::backend::Call;
use super::replies::{self, ApiError, Reply};
use super::State;
use crate::spec::{AuthScheme, Contract, Service, FAULT_HEADER};

/// The emulator's routing: every request goes through [`Router::reply`].
pub(crate) struct Router {
    contract: Arc<Contract>,
    state: Arc<Mutex<State>>,
    /// How SigV4 is checked (fixed for the emulator's life).
    signatures: super::SignatureCheck,
}

impl Router {
    pub(crate) fn new(contract: Arc<Contract>, state: Arc<Mutex<State>>) -> Router {
        let signatures = state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .config
            .signatures;
        Router {
            contract,
            state,
            signatures,
        }
    }
}

/// The service and operation a request calls (by the codecs' wire shapes), with its
/// decoded path labels.
fn route<'c>(
    contract: &'c Contract,
    req: &Request,
) -> Option<(&'c Service, &'c str, BTreeMap<String, String>)> {
    let (method, path) = (req.method.as_str(), req.url.path());
    contract.all_services().find_map(|service| {
        let codec = crate::codec::of(service.spec.protocol);
        service.callables().find_map(|(name, op)| {
            let labels = codec.route(
                &service.spec,
                name,
                op,
                method,
                path,
                &req.headers,
                &req.body,
            )?;
            Some((service, name.as_str(), labels))
        })
    })
}

impl Router {
    /// The operation `req` calls, for a middleware: routed by the codecs exactly as
    /// [`Router::reply`] routes it.
    pub(crate) fn routed(&self, req: &Request) -> Option<Routed> {
        let (service, name, _) = route(&self.contract, req)?;
        Some(Routed {
            operation: name.to_string(),
            paginator: service.callable(name).and_then(|op| op.paginator.clone()),
            media_type: crate::codec::of(service.spec.protocol).media_type(),
        })
    }
}

/// An awsQuery request no operation serves (no form body, or an `Action` the service
/// does not have), for the service its signature names: answered as that service
/// answers, in XML (`MissingAction` for a body that is not a form, `InvalidAction`
/// otherwise), where the JSON services answer `UnknownOperationException`.
fn unrouted_query(contract: &Contract, req: &Request) -> Option<Reply> {
    let scope = header(req, &http::header::AUTHORIZATION)?
        .split("Credential=")
        .nth(1)?
        .split(',')
        .next()?;
    let signing_name = scope.split('/').nth(3)?;
    let service = contract.all_services().find(|s| {
        s.spec.signing_name == signing_name && s.spec.protocol == crate::spec::Protocol::AwsQuery
    })?;
    let codec = crate::codec::of(service.spec.protocol);
    let media = header(req, &http::header::CONTENT_TYPE)
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let error = if media == codec.media_type() {
        ApiError::protocol(
            "InvalidAction",
            400,
            "the Action is not valid for this endpoint",
        )
    } else {
        let e = codec.unsupported_media_type(&service.spec);
        ApiError::protocol(
            &e.name,
            e.status.unwrap_or(400),
            "the request has no form body naming an Action",
        )
    };
    Some(replies::error(service, &error))
}

/// A header's value as text. Names are given as `HeaderName`s: looked up by `&str`,
/// each name was parsed and lower-cased again on every request.
fn header<'r>(req: &'r Request, name: &http::HeaderName) -> Option<&'r str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// SigV4's time header, as a name.
static X_AMZ_DATE: http::HeaderName = http::HeaderName::from_static("x-amz-date");

/// The fault-injection header, as a name.
static FAULT: http::HeaderName = http::HeaderName::from_static(FAULT_HEADER);

/// Lets a wrapper (the mutation self-test's broken targets) sit between the wire and
/// the emulator: it sees every request (with the operation it calls, in
/// [`Request::routed`]) and every reply, and may change either.
pub trait Middleware: Send + Sync {
    /// Answers `req`; `inner` is the conforming emulator, callable any number of times.
    fn handle(&self, req: &Request, inner: &dyn Fn(&Request) -> Reply) -> Reply;
}

/// A closure is a middleware.
impl<F> Middleware for F
where
    F: Fn(&Request, &dyn Fn(&Request) -> Reply) -> Reply + Send + Sync,
{
    fn handle(&self, req: &Request, inner: &dyn Fn(&Request) -> Reply) -> Reply {
        self(req, inner)
    }
}

impl Router {
    /// The emulator's answer to `req`.
    pub(crate) fn reply(&self, req: &Request) -> Reply {
        if req.method == http::Method::POST && req.url.path() == super::RESET_PATH {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let seed = state.config.seed.clone();
            state.backends = super::backends(seed.as_deref());
            return Reply::json(200, &serde_json::json!({"reset": true}), "application/json");
        }
        if req.method == http::Method::GET && req.url.path() == super::HEALTH_PATH {
            return Reply::json(200, &self.health(), "application/json");
        }
        let Some((service, op_name, labels)) = route(&self.contract, req) else {
            if let Some(reply) = unrouted_query(&self.contract, req) {
                return reply;
            }
            let mut reply = Reply::json(
                404,
                &serde_json::json!({"message": "no operation matches this request"}),
                "application/json",
            );
            reply.set_header("x-amzn-errortype", "UnknownOperationException");
            return reply;
        };
        match self.handle(service, op_name, labels, req) {
            Ok(body) => {
                let status = service
                    .callable(op_name)
                    .map(|op| op.http.status)
                    .unwrap_or(200);
                replies::success(service, op_name, status, &body)
            }
            Err(e) => replies::error(service, &e),
        }
    }

    /// The health document: every service the emulator serves, from the specs.
    fn health(&self) -> Value {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let services: Map<String, Value> = self
            .contract
            .all_services()
            .map(|s| {
                let running = state.backends.iter().any(|b| b.service() == s.name());
                let names = |ops: &BTreeMap<String, crate::spec::OperationSpec>| {
                    ops.keys().cloned().collect::<Vec<_>>()
                };
                let about = serde_json::json!({
                    "state": if running { "running" } else { "not emulated" },
                    "protocol": s.spec.protocol.name(),
                    "operations": names(&s.spec.operations),
                    "helpers": names(&s.spec.helpers),
                });
                (s.name().to_string(), about)
            })
            .collect();
        serde_json::json!({
            "status": "running",
            "version": env!("CARGO_PKG_VERSION"),
            "services": services,
        })
    }

    fn handle(
        &self,
        service: &Service,
        op_name: &str,
        labels: BTreeMap<String, String>,
        req: &Request,
    ) -> Result<Value, ApiError> {
        let op = service.callable(op_name).ok_or_else(|| {
            ApiError::protocol("UnknownOperationException", 404, "unknown operation")
        })?;
        if let Some(fault) = header(req, &FAULT) {
            return Err(if op.errors.iter().any(|e| e == fault) {
                ApiError::new(fault, format!("injected fault {fault}"))
            } else {
                ApiError::new(
                    &service.spec.validation_error,
                    format!("{fault} is not an error of {op_name}"),
                )
            });
        }
        let identity = authenticate(service, req, self.signatures)?;
        let mut input = parse_input(service, req, labels)?;
        bind_input(service, op_name, op, req, &mut input);
        let violations = service.schemas.validate(&op.input, &input);
        if let Some(v) = violations.first() {
            return Err(ApiError::new(
                &service.spec.validation_error,
                format!("1 validation error detected: {v}"),
            ));
        }
        let call = Call {
            operation: op_name,
            identity,
            input,
            paginator: op.paginator.as_ref(),
            validation_error: &service.spec.validation_error,
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State { config, backends } = &mut *state;
        match backends.iter_mut().find(|b| b.service() == service.name()) {
            Some(backend) => backend.handle(config, &call),
            None => Err(ApiError::protocol(
                "UnknownOperationException",
                404,
                format!("the emulator does not implement {}", service.name()),
            )),
        }
    }
}

fn authenticate(
    service: &Service,
    req: &Request,
    signatures: super::SignatureCheck,
) -> Result<String, ApiError> {
    let auth = header(req, &http::header::AUTHORIZATION)
        .unwrap_or("")
        .trim();
    match service.spec.auth.scheme {
        AuthScheme::Bearer => match auth.strip_prefix("Bearer ").map(str::trim) {
            Some(token) if !token.is_empty() && !token.contains(char::is_whitespace) => {
                Ok(token.to_string())
            }
            // The error the spec names for a refused credential.
            _ => Err(ApiError::new(
                service
                    .spec
                    .auth
                    .error
                    .as_deref()
                    .unwrap_or("AccessDeniedException"),
                "missing or malformed bearer token",
            )),
        },
        AuthScheme::Sigv4 if signatures != super::SignatureCheck::Off => super::sigv4::verify(
            req,
            auth,
            &super::credentials(),
            signatures == super::SignatureCheck::Full,
        ),
        AuthScheme::Sigv4 => {
            let scope = format!("/{}/aws4_request", service.spec.signing_name);
            let key = auth
                .strip_prefix("AWS4-HMAC-SHA256 Credential=")
                .and_then(|rest| rest.split_once(','))
                .filter(|(cred, rest)| cred.ends_with(&scope) && rest.contains("Signature="))
                .and_then(|(cred, _)| cred.split('/').next());
            match (key, header(req, &X_AMZ_DATE)) {
                (Some(key), Some(_)) => Ok(key.to_string()),
                _ => Err(ApiError::protocol(
                    "com.amazon.coral.service#MissingAuthenticationTokenException",
                    400,
                    "Missing or malformed AWS Signature Version 4 authentication",
                )),
            }
        }
    }
}

/// Adds the members the request carries in its query string and headers, read as the
/// input schema types them (text on the wire: `5` is a number where the member is one).
fn bind_input(
    service: &Service,
    op_name: &str,
    op: &crate::spec::OperationSpec,
    req: &Request,
    input: &mut Value,
) {
    let codec = crate::codec::of(service.spec.protocol);
    let bound = codec.bound_input(op, req.url.query(), &req.headers, &req.body);
    if bound.is_empty() {
        return;
    }
    let members = service.input_members(op_name);
    if let Value::Object(map) = input {
        for (member, value) in bound {
            let ty = members
                .iter()
                .find(|m| m.name == member)
                .and_then(|m| m.ty.as_deref());
            map.insert(member, coerce(ty, value));
        }
    }
}

/// Wire text read as the schema types a member: numbers and booleans parsed (text that
/// does not parse stays text, for the schema check to refuse), a single value of a
/// list member made a list (its elements stay text: the flattened member view does not
/// give the item type).
fn coerce(ty: Option<&str>, v: Value) -> Value {
    let Value::String(text) = &v else { return v };
    let parsed = match ty {
        Some("integer") => text.parse::<i64>().ok().map(Value::from),
        Some("number") => text.parse::<f64>().ok().map(Value::from),
        Some("boolean") => text.parse::<bool>().ok().map(Value::from),
        Some("array") => Some(Value::Array(vec![v.clone()])),
        _ => None,
    };
    parsed.unwrap_or(v)
}

fn parse_input(
    service: &Service,
    req: &Request,
    labels: BTreeMap<String, String>,
) -> Result<Value, ApiError> {
    let codec = crate::codec::of(service.spec.protocol);
    let wire_error = |e: crate::codec::WireError, msg: String| match e.status {
        Some(status) => ApiError::protocol(&e.name, status, msg),
        None => ApiError::new(&e.name, msg),
    };
    let bad_body = |msg: String| wire_error(codec.unreadable_body(&service.spec), msg);
    let mut input = Map::new();
    if !req.body.iter().all(u8::is_ascii_whitespace) {
        let content_type = header(req, &http::header::CONTENT_TYPE).unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != codec.media_type() {
            return Err(wire_error(
                codec.unsupported_media_type(&service.spec),
                format!("unsupported Content-Type `{content_type}`"),
            ));
        }
        match codec.decode_request(&req.body) {
            Ok(Value::Object(map)) => input = map,
            Ok(_) => return Err(bad_body("the request body must be a JSON object".into())),
            Err(e) => return Err(bad_body(format!("the request body is not valid JSON: {e}"))),
        }
    }
    for (label, value) in labels {
        input.insert(label, Value::String(value));
    }
    Ok(Value::Object(input))
}

#[cfg(test)]
mod coerce_tests {
    use super::coerce;
    use serde_json::json;

    #[test]
    fn wire_text_takes_the_schema_type() {
        assert_eq!(coerce(Some("integer"), json!("5")), json!(5));
        assert_eq!(coerce(Some("integer"), json!("five")), json!("five"));
        assert_eq!(coerce(Some("boolean"), json!("true")), json!(true));
        assert_eq!(coerce(Some("number"), json!("1.5")), json!(1.5));
        assert_eq!(coerce(Some("array"), json!("x")), json!(["x"]));
        assert_eq!(coerce(Some("string"), json!("5")), json!("5"));
        assert_eq!(coerce(Some("array"), json!(["a", "b"])), json!(["a", "b"]));
    }
}

//! Capabilities and identities, proved with harmless calls: each probe is a read-only
//! listing with no input (which names nothing that exists), changed in one way.
//! - `verifies-signatures`: signed with a wrong secret, the call is refused, and
//!   refused otherwise than when signed right.
//! - `fault-injection`: with the fault header naming one of the operation's errors
//!   that the plain call does not answer, the call answers that error.
//! - identity `second`: a made-up bearer token is accepted, and is not shown the
//!   default identity's items; it is then taken, as an assumption said so, as an
//!   identity of its own (as LocalStack and `serve` treat every token).
//!
//! Every service the target has an endpoint for must pass a probe for the capability.

use serde_json::{json, Value};

use super::caller::{Answer, Caller, Probe};
use super::{Discovered, Key};
use crate::spec::{AuthScheme, Service, FAULT_HEADER};
use crate::vocab::{Capability, Identity};

/// A service's first paginated operation under test (read-only by the model).
fn listing(service: &Service) -> Option<&str> {
    service
        .spec
        .operations
        .iter()
        .find(|(_, op)| op.paginator.is_some() && op.creates.is_none())
        .map(|(name, _)| name.as_str())
}

/// The services the target has an endpoint for, each with its listing.
fn reached<'c>(caller: &Caller<'c>) -> Vec<(&'c Service, &'c str)> {
    caller
        .contract
        .services
        .iter()
        .filter(|s| caller.reaches(s.name()))
        .filter_map(|s| Some((s, listing(s)?)))
        .collect()
}

/// Whether an answer says the service is not there: a 404 whose error type the
/// operation does not model (UnknownOperation, a proxy's page). Such a service is left
/// out of a probe; the preflight then skips its cases.
fn not_served(service: &Service, op: &str, a: &Answer) -> bool {
    match a {
        Answer::Refused { status: 404, error } => !service
            .operation(op)
            .is_some_and(|o| o.errors.contains(error)),
        _ => false,
    }
}

/// The answer's error type, if it is an error.
fn error_of(a: &Answer) -> Option<&str> {
    match a {
        Answer::Refused { error, .. } => Some(error),
        _ => None,
    }
}

/// Runs the probes `asked` names.
pub(super) async fn discover(caller: &Caller<'_>, asked: &[Key], out: &mut Discovered) {
    if asked.contains(&Key::Capability(Capability::VerifiesSignatures)) {
        signatures(caller, out).await;
    }
    if asked.contains(&Key::Capability(Capability::FaultInjection)) {
        faults(caller, out).await;
    }
    if asked.contains(&Key::Identity(Identity::Second)) {
        second(caller, out).await;
    }
    if asked.contains(&Key::Identity(Identity::Limited)) {
        out.missing(
            Key::Identity(Identity::Limited),
            "an identity with a small token quota: only you can give one (identities.limited)",
        );
    }
    if asked.contains(&Key::Var("codecatalyst_token_quota".into())) {
        out.missing(
            Key::Var("codecatalyst_token_quota".into()),
            "the default identity's token quota: learning it would mean creating tokens until refused, which discovery never does",
        );
    }
}

async fn signatures(caller: &Caller<'_>, out: &mut Discovered) {
    let key = Key::Capability(Capability::VerifiesSignatures);
    let signed: Vec<_> = reached(caller)
        .into_iter()
        .filter(|(s, _)| s.spec.auth.scheme == AuthScheme::Sigv4)
        .collect();
    if signed.is_empty() {
        return out.missing(key, "no SigV4 service has an endpoint");
    }
    let mut proofs = Vec::new();
    for (service, op) in signed {
        let right = caller.call(service.name(), op, json!({})).await;
        if let Answer::Failed(why) = &right {
            return out.missing(key, format!("{op} could not be called: {why}"));
        }
        if not_served(service, op, &right) {
            continue;
        }
        let wrong_secret = Probe {
            wrong_secret: true,
            ..Probe::default()
        };
        let wrong = caller
            .probe(service.name(), op, json!({}), &wrong_secret)
            .await;
        let refused = matches!(&wrong, Answer::Refused { status, .. } if (400..500).contains(status))
            && error_of(&wrong) != error_of(&right);
        if !refused {
            return out.missing(
                key,
                format!(
                    "{op} signed with a wrong secret {} (signed right: {}): the target does not check signatures",
                    wrong.describe(),
                    right.describe()
                ),
            );
        }
        proofs.push(format!(
            "{op} signed with a wrong secret {}",
            wrong.describe()
        ));
    }
    if proofs.is_empty() {
        return out.missing(key, "no SigV4 service answered like its API");
    }
    out.found(key, json!(true), proofs.join("; "));
}

async fn faults(caller: &Caller<'_>, out: &mut Discovered) {
    let key = Key::Capability(Capability::FaultInjection);
    let services = reached(caller);
    if services.is_empty() {
        return out.missing(key, "no service has an endpoint");
    }
    let mut proofs = Vec::new();
    for (service, op) in services {
        let plain = caller.call(service.name(), op, json!({})).await;
        if let Answer::Failed(why) = &plain {
            return out.missing(key, format!("{op} could not be called: {why}"));
        }
        if not_served(service, op, &plain) {
            continue;
        }
        let spec = service.operation(op).map(|o| &o.errors);
        // An error the plain call does not answer, 4xx first (a 5xx reads as trouble).
        let status = |e: &str| service.spec.errors.get(e).map_or(500, |x| x.status);
        let mut candidates: Vec<&String> = spec
            .into_iter()
            .flatten()
            .filter(|e| {
                Some(e.as_str()) != error_of(&plain) && **e != service.spec.validation_error
            })
            .collect();
        candidates.sort_by_key(|e| (status(e) >= 500, status(e)));
        let Some(fault) = candidates.first() else {
            return out.missing(key, format!("{op} has no error to inject"));
        };
        let with_header = Probe {
            headers: vec![(FAULT_HEADER.to_string(), fault.to_string())],
            ..Probe::default()
        };
        let answer = caller
            .probe(service.name(), op, json!({}), &with_header)
            .await;
        if error_of(&answer) != Some(fault.as_str()) {
            return out.missing(
                key,
                format!("{op} with `{FAULT_HEADER}: {fault}` {}", answer.describe()),
            );
        }
        proofs.push(format!("{op} answered the injected {fault}"));
    }
    if proofs.is_empty() {
        return out.missing(key, "no service answered like its API");
    }
    out.found(key, json!(true), proofs.join("; "));
}

async fn second(caller: &Caller<'_>, out: &mut Discovered) {
    let key = Key::Identity(Identity::Second);
    let bearer: Vec<_> = reached(caller)
        .into_iter()
        .filter(|(s, _)| s.spec.auth.scheme == AuthScheme::Bearer)
        .collect();
    let Some((service, op)) = bearer.first() else {
        return out.missing(key, "no bearer-token service has an endpoint");
    };
    let token = format!("pat-conformance-made-up-{}", uuid::Uuid::new_v4().simple());
    let probe = Probe {
        bearer: Some(token.clone()),
        ..Probe::default()
    };
    let items = |a: &Answer| -> Vec<Value> {
        let key = service
            .operation(op)
            .and_then(|o| o.paginator.as_ref())
            .map(|p| p.items.clone())
            .unwrap_or_default();
        match a {
            Answer::Ok(doc) => doc
                .get(&key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    };
    match caller.probe(service.name(), op, json!({}), &probe).await {
        Answer::Ok(doc) => {
            // A target that takes every token as the same caller shows the made-up
            // token the default identity's items: then it is no identity of its own.
            let own = items(&caller.call(service.name(), op, json!({})).await);
            let seen = items(&Answer::Ok(doc));
            if own.iter().any(|item| seen.contains(item)) {
                return out.missing(
                    key,
                    format!("{op} accepted a made-up bearer token but listed the default identity's items to it: every token is the same caller there; give a second identity's token (identities.second)"),
                );
            }
            let checked = if own.is_empty() {
                "the default identity lists nothing, so that could not be checked"
            } else {
                "it was not shown the default identity's items"
            };
            out.found.push(super::Found {
                key,
                value: Value::String(token),
                how: format!("{op} accepted a made-up bearer token: assumed each token is an identity of its own, as LocalStack and serve do ({checked})"),
                assumed: true,
            })
        }
        other => out.missing(
            key,
            format!(
                "a second identity's bearer token: only you can give one (identities.second; a made-up token {})",
                other.describe()
            ),
        ),
    }
}

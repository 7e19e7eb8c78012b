//! Deviations derived from the specs, like generated cases: for every operation of the
//! built-in suite, a target that answers success with another 2xx status, and one that
//! leaves out the first required member of the output. A new operation or service gets
//! them with no Rust change; their killers are hand-written cases with a plain call of
//! the operation expecting success (a deviation of one operation leaves the steps before
//! it as they are on the conforming emulator, so the call is reached on every run).

use std::sync::OnceLock;

use serde_json::Value;

use super::edit::{body, ok};
use super::{Class, Mode};
use crate::case::{Case, Expect};
use crate::emulator::{Middleware, Reply, Request};
use crate::generate::kebab;
use crate::spec::Contract;

/// Killers named per generic deviation, at most.
const KILLERS: usize = 3;

/// One derived deviation, as data (names and texts live for the process: the
/// catalogue is built once).
#[derive(Clone)]
struct Derived {
    name: &'static str,
    class: Class,
    what: &'static str,
    killers: &'static [&'static str],
    operation: String,
    change: Change,
}

#[derive(Clone)]
enum Change {
    /// Success answered with this status instead of the modelled one.
    Status(u16),
    /// Success answered without this required output member.
    Omit(String),
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A request with nothing deliberately malformed.
fn plain(raw: &crate::case::RawDef) -> bool {
    raw.body.is_none()
        && raw.headers.is_empty()
        && raw.remove_headers.is_empty()
        && !raw.no_auth
        && !raw.sign_with_wrong_secret
        && raw.sign_at.is_none()
}

/// Hand-written cases with a plain call of `operation` expecting success.
fn killers(cases: &[Case], service: &str, operation: &str) -> Vec<String> {
    let mut ids: Vec<String> = cases
        .iter()
        .filter(|c| c.service == service && !c.tags.iter().any(|t| t == "generated"))
        .filter(|c| {
            c.steps.iter().any(|s| {
                s.operation == operation
                    && matches!(s.expect, Expect::Success)
                    && s.fault.is_none()
                    && plain(&s.raw)
            })
        })
        .map(|c| c.id.clone())
        .collect();
    ids.sort();
    ids.truncate(KILLERS);
    ids
}

fn derive(contract: &Contract, cases: &[Case]) -> Vec<Derived> {
    let mut out = Vec::new();
    for service in &contract.services {
        for (name, op) in &service.spec.operations {
            let found = killers(cases, service.name(), name);
            if found.is_empty() {
                continue;
            }
            let named: &'static [&'static str] = Box::leak(
                found
                    .into_iter()
                    .map(leak)
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            );
            let status = op.http.status;
            let other = if status == 200 { 202 } else { 200 };
            out.push(Derived {
                name: leak(format!("generic-{}-answers-{other}", kebab(name))),
                class: Class::SuccessStatus,
                what: leak(format!(
                    "{name} succeeds with {other} instead of the modelled {status} (derived from the spec)"
                )),
                killers: named,
                operation: name.clone(),
                change: Change::Status(other),
            });
            let required = service
                .shapes
                .get(&op.output)
                .and_then(|s| s.get("required"))
                .and_then(Value::as_array)
                .and_then(|r| r.first())
                .and_then(Value::as_str);
            if let Some(member) = required {
                out.push(Derived {
                    name: leak(format!("generic-{}-omits-{}", kebab(name), kebab(member))),
                    class: Class::RequiredMember,
                    what: leak(format!(
                        "{name} leaves out the required {member} (derived from the spec)"
                    )),
                    killers: named,
                    operation: name.clone(),
                    change: Change::Omit(member.to_string()),
                });
            }
        }
    }
    out
}

/// The derived deviations of the built-in suite, computed once.
fn catalogue() -> &'static [Derived] {
    static DERIVED: OnceLock<Vec<Derived>> = OnceLock::new();
    DERIVED.get_or_init(|| match crate::suite::Suite::bundled() {
        Ok(suite) => derive(&suite.contract, &suite.cases),
        Err(_) => Vec::new(),
    })
}

fn middleware(d: &Derived) -> impl Middleware {
    let (operation, change) = (d.operation.clone(), d.change.clone());
    move |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let mut reply = inner(req);
        let mine = req
            .routed
            .as_ref()
            .is_some_and(|r| r.operation == operation);
        if mine && ok(&reply) {
            match &change {
                Change::Status(s) => reply.status = *s,
                Change::Omit(member) => body(&mut reply, |v| {
                    if let Some(o) = v.as_object_mut() {
                        o.remove(member);
                    }
                }),
            }
        }
        reply
    }
}

/// Every derived deviation of the built-in suite, as modes of the self-test.
pub(super) fn modes() -> Vec<Mode> {
    catalogue().iter().map(as_mode).collect()
}

/// Every derived deviation of another suite (its names and texts are kept for the
/// process, like the built-in ones).
pub(super) fn modes_for(contract: &Contract, cases: &[Case]) -> Vec<Mode> {
    derive(contract, cases).iter().map(as_mode).collect()
}

fn as_mode(d: &Derived) -> Mode {
    super::mode(d.name, d.class, d.what, d.killers, middleware(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_with_a_plain_first_call_gets_a_status_deviation() {
        let derived = catalogue();
        assert!(derived.len() >= 6, "{}", derived.len());
        assert!(derived.iter().all(|d| !d.killers.is_empty()));
        assert!(derived
            .iter()
            .any(|d| d.name == "generic-list-personal-access-tokens-answers-202"));
    }
}

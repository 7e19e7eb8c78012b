//! Deviations and variations of IAM's service-specific credentials (awsQuery: form
//! requests, XML answers), beside the emulator's IAM backend. Their rewrites edit the
//! form and the XML text, as an implementer's mistakes would show on the wire.

use regex::Regex;

use crate::emulator::{Reply, Request};
use crate::mutants::hook::Inner;

mod deviations;
mod variations;

/// `CreateServiceSpecificCredential`.
pub(super) const CREATE: &str = "CreateServiceSpecificCredential";
/// `ListServiceSpecificCredentials`.
pub(super) const LIST: &str = "ListServiceSpecificCredentials";
/// `DeleteServiceSpecificCredential`.
pub(super) const DELETE: &str = "DeleteServiceSpecificCredential";
/// `ResetServiceSpecificCredential`.
pub(super) const RESET: &str = "ResetServiceSpecificCredential";
/// `UpdateServiceSpecificCredential`.
pub(super) const UPDATE: &str = "UpdateServiceSpecificCredential";

/// Whether `op` is one of IAM's operations.
pub(super) fn owns(op: &str) -> bool {
    [CREATE, LIST, DELETE, RESET, UPDATE].contains(&op)
}

/// Every IAM deviation.
pub(super) fn modes() -> Vec<super::Mode> {
    deviations::modes()
}

/// Every IAM conformant variation.
pub(super) fn variations() -> Vec<super::Mode> {
    variations::modes()
}

/// The text of every `<name>` element in `xml` (each name's pattern compiled once: a
/// deviation reads every answer of a run).
fn elements(xml: &str, name: &str) -> Vec<String> {
    static PATTERNS: std::sync::LazyLock<
        std::sync::Mutex<std::collections::BTreeMap<String, Regex>>,
    > = std::sync::LazyLock::new(Default::default);
    let re = PATTERNS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(name.to_string())
        .or_insert_with(|| {
            Regex::new(&format!("<{name}>([^<]*)</{name}>")).expect("an element pattern")
        })
        .clone();
    re.captures_iter(xml).map(|c| c[1].to_string()).collect()
}

/// Calls `action` with `pairs` (besides Action and Version) as the caller of `req`.
fn call(req: &Request, inner: Inner, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let version = super::edit::form_member(req, "Version").unwrap_or_default();
    let edited = super::edit::with_form(req, |form| {
        form.clear();
        form.push(("Action".into(), action.into()));
        form.push(("Version".into(), version));
        form.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    });
    inner(&edited)
}

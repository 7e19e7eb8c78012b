//! The profile `init` writes: YAML whose every discovered value carries a comment
//! saying where it came from, and whose end names what was not found, why, and how
//! many cases skip for it. Values are written as JSON scalars (valid YAML), so no
//! value is ever read back as another type.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Discovered, Key};
use crate::profile::Profile;

/// One JSON value on one line.
fn scalar(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A comment that stays one line.
fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The profile text: `base` (what the user gave: endpoints, region, identities,
/// credentials, vars) with what `found` adds, commented. `skipped(keys)` is how many
/// cases skip for a missing key; `header` opens the file (one comment line each).
pub fn profile_text(
    base: &Profile,
    found: &Discovered,
    skipped: &dyn Fn(&[&Key]) -> usize,
    header: &[String],
) -> String {
    let mut out = String::from("# yaml-language-server: $schema=https://raw.githubusercontent.com/pat-conformance/pat-conformance/main/specs/profile.schema.json\n");
    for line in header {
        let _ = writeln!(out, "# {}", comment(line));
    }
    if !base.endpoints.is_empty() {
        out.push_str("endpoints:\n");
        for (service, url) in &base.endpoints {
            let _ = writeln!(out, "  {service}: {}", scalar(&Value::from(url.as_str())));
        }
    }
    if let Some(region) = &base.region {
        let _ = writeln!(out, "region: {}", scalar(&Value::from(region.as_str())));
    }
    let made_up: Vec<_> = found
        .found
        .iter()
        .filter_map(|f| match &f.key {
            Key::Identity(i) => Some((*i, f)),
            _ => None,
        })
        .collect();
    if !base.identities.is_empty() || !made_up.is_empty() {
        out.push_str("identities:\n");
        for (identity, def) in &base.identities {
            let _ = writeln!(
                out,
                "  {}: {}",
                identity.as_str(),
                serde_json::to_string(def).unwrap_or_default()
            );
        }
        for (identity, f) in made_up {
            let _ = writeln!(out, "  # {}", comment(&f.how));
            let _ = writeln!(
                out,
                "  {}: {{\"bearer_token\": {}}}",
                identity.as_str(),
                scalar(&f.value)
            );
        }
    }
    if let Some(sigv4) = &base.sigv4 {
        // Only what the user's own profile held (an emulator's literal keys).
        let _ = writeln!(
            out,
            "sigv4: {}",
            serde_json::to_string(sigv4).unwrap_or_default()
        );
    }
    let caps: Vec<_> = found
        .found
        .iter()
        .filter_map(|f| match &f.key {
            Key::Capability(c) if !base.capabilities.contains(c) => Some((*c, f)),
            _ => None,
        })
        .collect();
    if !base.capabilities.is_empty() || !caps.is_empty() {
        out.push_str("capabilities:\n");
        for c in &base.capabilities {
            let _ = writeln!(out, "  - {}", c.as_str());
        }
        for (c, f) in caps {
            let _ = writeln!(out, "  # {}", comment(&f.how));
            let _ = writeln!(out, "  - {}", c.as_str());
        }
    }
    let vars: Vec<_> = found
        .found
        .iter()
        .filter_map(|f| match &f.key {
            Key::Var(v) if !base.vars.contains_key(v) => Some((v, f)),
            _ => None,
        })
        .collect();
    if !base.vars.is_empty() || !vars.is_empty() {
        out.push_str("vars:\n");
        for (name, value) in &base.vars {
            let _ = writeln!(out, "  {name}: {}", scalar(value));
        }
        for (name, f) in vars {
            let _ = writeln!(out, "  # {}", comment(&f.how));
            let _ = writeln!(out, "  {name}: {}", scalar(&f.value));
        }
    }
    if !found.missing.is_empty() {
        out.push_str("# Not found (the cases that need them are skipped):\n");
        for m in &found.missing {
            let n = skipped(&[&m.key]);
            let _ = writeln!(
                out,
                "#   {}: {} ({n} case{})",
                m.key.describe(),
                comment(&m.why),
                if n == 1 { "" } else { "s" }
            );
        }
    }
    out
}

/// What discovery found and did not, as console lines: one per value (a made-up
/// bearer token is never printed), then one per reason a value was not found, naming
/// the values and the number of cases that skip for them.
pub fn summary_lines(found: &Discovered, skipped: &dyn Fn(&[&Key]) -> usize) -> Vec<String> {
    let mut lines = vec![format!(
        "discovered {} value{}, {} not found",
        found.found.len(),
        if found.found.len() == 1 { "" } else { "s" },
        found.missing.len()
    )];
    for user in &found.created_users {
        lines.push(format!(
            "  made IAM user {user} (tagged pat-conformance; `init --remove` deletes it)"
        ));
    }
    for f in &found.found {
        let value = match &f.key {
            Key::Var(_) => format!(" = {}", scalar(&f.value)),
            _ => String::new(),
        };
        let assumed = if f.assumed { " [assumed]" } else { "" };
        lines.push(format!(
            "  found {}{value}{assumed}: {}",
            f.key.describe(),
            comment(&f.how)
        ));
    }
    // Values missing for one reason (every WorkMail var when ListOrganizations is not
    // there) are one line, counting the cases that need any of them.
    let mut groups: Vec<(&str, Vec<&Key>)> = Vec::new();
    for m in &found.missing {
        match groups.iter_mut().find(|(why, _)| *why == m.why) {
            Some((_, keys)) => keys.push(&m.key),
            None => groups.push((&m.why, vec![&m.key])),
        }
    }
    for (why, keys) in groups {
        let n = skipped(&keys);
        let names: Vec<String> = keys.iter().map(|k| k.describe()).collect();
        lines.push(format!(
            "  not found {}: {} ({n} case{} skip)",
            crate::text::and_list(&names),
            comment(why),
            if n == 1 { "" } else { "s" }
        ));
    }
    lines
}

//! `pat-conformance diff OLD.json NEW.json`: what changed between two runs — outcomes,
//! and for cases whose responses changed, a unified diff of the normalised responses
//! (run-unique values such as ids, secrets, tokens and timestamps replaced by stable
//! placeholders, so only real changes show).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use regex::Regex;
use serde_json::Value;

use super::JsonReport;
use crate::outcome::{CaseResult, Status};
use crate::spec::Contract;

/// One case whose outcome or responses changed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseChange {
    /// `service::Operation::id`.
    pub case: String,
    /// Outcome before (none: the case is new).
    pub old: Option<Status>,
    /// Outcome now (none: the case is gone).
    pub new: Option<Status>,
    /// Unified diff of the normalised responses, when they differ.
    pub response_diff: Option<String>,
}

/// Everything that changed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunDiff {
    /// Changed cases, by name.
    pub changes: Vec<CaseChange>,
    /// Cases compared.
    pub compared: usize,
}

/// Makes responses comparable across runs: timestamps, uuids, run ids and volatile
/// members become placeholders.
struct Normaliser<'a> {
    patterns: Vec<(Regex, &'static str)>,
    /// Members shown as placeholders (from the specs: ids, page tokens, secrets).
    volatile: BTreeSet<String>,
    /// The specs: each case's service says how its bodies are read.
    contract: &'a Contract,
}

impl<'a> Normaliser<'a> {
    fn new(contract: &'a Contract) -> Normaliser<'a> {
        let re = |p: &str| Regex::new(p).expect("a valid built-in pattern");
        Normaliser {
            patterns: vec![
                (
                    re(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"),
                    "<timestamp>",
                ),
                (
                    re(
                        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
                    ),
                    "<uuid>",
                ),
                (re(r"\d{8}T\d{6}Z-[0-9a-f]{4}(-[0-9a-f]{8})?"), "<run-id>"),
            ],
            volatile: contract.volatile_members(),
            contract,
        }
    }

    fn text(&self, s: &str) -> String {
        // Reports are scrubbed when written; credentials by shape are masked again here
        // in case a report came from elsewhere.
        let s = crate::redact::mask_shapes(s);
        self.patterns.iter().fold(s, |acc, (re, with)| {
            re.replace_all(&acc, *with).into_owned()
        })
    }

    fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(x)),
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if self.volatile.contains(k.as_str()) && x.is_string() {
                        *x = Value::String(format!("<{k}>"));
                    } else {
                        self.value(x);
                    }
                }
            }
            _ => {}
        }
    }

    /// A case's responses as stable text.
    fn case(&self, c: &CaseResult) -> String {
        // A service the specs no longer have: its bodies are compared as text.
        let format = self
            .contract
            .service(&c.service)
            .map(|s| crate::codec::of(s.spec.protocol).format());
        let mut out = String::new();
        for x in &c.exchanges {
            let step = if x.step == 0 {
                "cleanup".to_string()
            } else {
                format!("step {}", x.step)
            };
            let _ = writeln!(out, "{step} {}", x.operation);
            match &x.response {
                None => out.push_str("  (no response)\n"),
                Some(r) => {
                    let _ = writeln!(out, "  HTTP {}", r.status);
                    let body = match format.and_then(|f| Some((f, f.document(&r.body)?))) {
                        Some((f, mut doc)) => {
                            self.value(&mut doc);
                            f.write_document(&doc, true)
                        }
                        None => self.text(&r.body),
                    };
                    for line in body.lines() {
                        let _ = writeln!(out, "  {line}");
                    }
                }
            }
        }
        out
    }
}

/// Compares two runs; volatile members (see [`Contract::volatile_members`]) are not a
/// change, and bodies are read as their service's protocol writes them.
pub fn diff(old: &JsonReport, new: &JsonReport, contract: &Contract) -> RunDiff {
    let n = Normaliser::new(contract);
    let index = |r: &JsonReport| -> BTreeMap<String, CaseResult> {
        r.cases.iter().map(|c| (c.full_name(), c.clone())).collect()
    };
    let (before, after) = (index(old), index(new));
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = RunDiff::default();
    for name in names {
        let (a, b) = (before.get(name), after.get(name));
        if a.is_some() && b.is_some() {
            out.compared += 1;
        }
        let response_diff = match (a, b) {
            (Some(a), Some(b)) => {
                let (ta, tb) = (n.case(a), n.case(b));
                (ta != tb).then(|| {
                    similar::TextDiff::from_lines(&ta, &tb)
                        .unified_diff()
                        .context_radius(2)
                        .header("old", "new")
                        .to_string()
                })
            }
            _ => None,
        };
        let (old_status, new_status) = (a.map(|c| c.status), b.map(|c| c.status));
        if old_status != new_status || response_diff.is_some() {
            out.changes.push(CaseChange {
                case: name.clone(),
                old: old_status,
                new: new_status,
                response_diff,
            });
        }
    }
    out
}

fn status(s: Option<Status>) -> &'static str {
    s.map_or("absent", Status::as_str)
}

/// The diff as console text.
pub fn terminal(d: &RunDiff) -> String {
    let mut out = String::new();
    for c in &d.changes {
        let _ = writeln!(
            out,
            "{:<6} → {:<6} {}",
            status(c.old),
            status(c.new),
            c.case
        );
        if let Some(diff) = &c.response_diff {
            for line in diff.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    let _ = writeln!(
        out,
        "{} changed of {} compared",
        d.changes.len(),
        d.compared
    );
    out
}

/// The diff as Markdown.
pub fn markdown(d: &RunDiff) -> String {
    let mut out = format!(
        "## pat-conformance: {} changed of {} compared\n\n",
        d.changes.len(),
        d.compared
    );
    if d.changes.is_empty() {
        return out;
    }
    out.push_str("| case | before | now |\n|---|---|---|\n");
    for c in &d.changes {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            c.case,
            status(c.old),
            status(c.new)
        );
    }
    for c in d.changes.iter().filter(|c| c.response_diff.is_some()) {
        let _ = writeln!(
            out,
            "\n<details><summary><code>{}</code> responses changed</summary>\n\n```diff\n{}```\n\n</details>",
            c.case,
            c.response_diff.as_deref().unwrap_or_default()
        );
    }
    out
}

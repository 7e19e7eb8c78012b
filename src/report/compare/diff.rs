//! `pat-conformance diff OLD.json NEW.json`: what changed between two runs — outcomes,
//! and for cases whose responses changed, a unified diff of the normalised responses
//! (run-unique values such as ids, secrets, tokens and timestamps replaced by stable
//! placeholders, so only real changes show).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use regex::Regex;
use serde_json::Value;

use crate::outcome::{CaseResult, Status};
use crate::report::JsonReport;
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
    /// Per body format (by name) that is masked as text (XML): each volatile member's
    /// pattern and placeholder.
    text_masks: BTreeMap<&'static str, Vec<(Regex, String)>>,
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
            text_masks: BTreeMap::new(),
        }
        .with_text_masks()
    }

    /// The textual masks of every format the contract's services answer in.
    fn with_text_masks(mut self) -> Self {
        for service in &self.contract.services {
            let format = crate::codec::of(service.spec.protocol).format();
            let masks: Vec<(Regex, String)> = self
                .volatile
                .iter()
                .filter_map(|name| {
                    let (pattern, with) = format.member_mask(name, &format!("<{name}>"));
                    Some((Regex::new(&pattern).ok()?, with))
                })
                .collect();
            self.text_masks.insert(format.name(), masks);
        }
        self
    }

    /// What a case's run made up: the values it generated, and the volatile members'
    /// values in its bodies that are masked as text (an XML answer's credential id,
    /// echoed in a later error message).
    fn made_up(&self, c: &CaseResult) -> Vec<String> {
        let mut made = c.generated.clone();
        let format = self
            .contract
            .service(&c.service)
            .map(|s| crate::codec::of(s.spec.protocol).format());
        let masks = format.and_then(|f| self.text_masks.get(f.name()));
        for x in &c.exchanges {
            let Some(r) = &x.response else { continue };
            for (re, _) in masks.into_iter().flatten() {
                for cap in re.captures_iter(&r.body) {
                    if let (Some(open), Some(close)) = (cap.get(1), cap.get(2)) {
                        made.push(r.body[open.end()..close.start()].to_string());
                    }
                }
            }
        }
        made
    }

    /// A body that is not read as a document: its volatile members masked by the
    /// format's textual match (XML), then normalised as text.
    fn body_text(&self, format: Option<&dyn crate::codec::BodyFormat>, body: &str) -> String {
        let masks = format.and_then(|f| self.text_masks.get(f.name()));
        let masked = masks
            .into_iter()
            .flatten()
            .fold(body.to_string(), |acc, (re, with)| {
                re.replace_all(&acc, with.as_str()).into_owned()
            });
        self.text(&masked)
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

    /// A listing shows what every case had in flight at that moment: items another case
    /// of the run created (they carry the run id but none of this case's made-up
    /// values) are left out, so only this case's items and what the target held
    /// before the run are compared. Which items a page that is not the last holds is
    /// not fixed (the order is the target's, and other cases' items come and go): such
    /// a page's items are a placeholder.
    fn listing(&self, c: &CaseResult, operation: &str, doc: &mut Value) {
        let Some(paginator) = self
            .contract
            .service(&c.service)
            .and_then(|s| s.operation(operation))
            .and_then(|op| op.paginator.as_ref())
        else {
            return;
        };
        let more = doc
            .get(&paginator.output_token)
            .is_some_and(|t| !t.is_null());
        if more {
            if let Some(items) = doc.get_mut(&paginator.items) {
                *items = Value::String("<the items of a page that is not the last>".into());
            }
            return;
        }
        let Some(Value::Array(items)) = doc.get_mut(&paginator.items) else {
            return;
        };
        let run_id = &self.patterns[2].0;
        items.retain(|item| {
            let text = item.to_string();
            !run_id.is_match(&text) || c.generated.iter().any(|g| text.contains(g.as_str()))
        });
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
                // A cleanup's body is the harness's bookkeeping, not the case's contract:
                // a lookup listing shows whatever other cases had in flight then.
                Some(r) if x.step == 0 => {
                    let _ = writeln!(out, "  HTTP {}", r.status);
                }
                Some(r) => {
                    let _ = writeln!(out, "  HTTP {}", r.status);
                    let body = match format.and_then(|f| Some((f, f.document(&r.body)?))) {
                        Some((f, mut doc)) => {
                            self.listing(c, &x.operation, &mut doc);
                            self.value(&mut doc);
                            f.write_document(&doc, true)
                        }
                        None => self.body_text(format, &r.body),
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
                let (ma, mb) = (n.made_up(a), n.made_up(b));
                let changed = ta != tb && !same_but_made_up(&ta, &tb, &ma, &mb);
                changed.then(|| {
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

/// Whether two renderings differ only where each run has a value its case made up at
/// random (a name of one random letter, an id that names nothing, echoed in a
/// message): word by word, every differing pair is made up on both sides. Matching
/// whole words, not substrings, keeps a one-letter value from hiding a real change.
fn same_but_made_up(old: &str, new: &str, old_made: &[String], new_made: &[String]) -> bool {
    let (a, b) = (words(old), words(new));
    let made_up = |word: &str, made: &[String]| {
        // A message clipped in the report ends inside the value: a long enough prefix.
        made.iter().any(|m| {
            m == word
                || (m.starts_with(word) && word.len() >= 8.min(m.len()))
                // A made-up value inside a word (`ACCA<random>`, `<id>.`) of 8 or more.
                || (m.len() >= 8 && word.contains(m.as_str()))
        })
    };
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || (made_up(x, old_made) && made_up(y, new_made)))
}

/// `text` as maximal runs of ASCII letters and digits, and each other character alone.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        out.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        out.push(&text[s..]);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn made(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn made_up_words_are_not_a_change_but_anything_else_is() {
        let old = "personal access token o not found";
        let new = "personal access token p not found";
        assert!(same_but_made_up(old, new, &made(&["o"]), &made(&["p"])));
        // A made-up letter does not hide a change of a word that holds it.
        let changed = "personal access token p not here";
        assert!(!same_but_made_up(
            old,
            changed,
            &made(&["o"]),
            &made(&["p"])
        ));
        // Only values made up on both sides.
        assert!(!same_but_made_up(old, new, &made(&["o"]), &made(&[])));
        // A value clipped in the report still counts.
        let clipped_old = "user knqegf4vjbinb95… not found";
        let clipped_new = "user ky4f2oyqmntx87u… not found";
        let (o, n) = ("knqegf4vjbinb95ga22g2", "ky4f2oyqmntx87uih7a96");
        assert!(same_but_made_up(
            clipped_old,
            clipped_new,
            &made(&[o]),
            &made(&[n])
        ));
    }
}

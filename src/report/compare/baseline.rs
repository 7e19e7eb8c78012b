//! Baselines: the expected outcome of each case, so CI fails on regressions only.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::HarnessError;
use crate::exit::Findings;
use crate::outcome::Status;
use crate::report::JsonReport;

/// An expected outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// The case passes.
    Pass,
    /// The case fails (a known deviation of the target).
    Fail,
    /// The case is skipped (the target lacks what it needs).
    Skip,
}

impl Expected {
    fn of(status: Status) -> Expected {
        match status {
            Status::Pass => Expected::Pass,
            Status::Skip => Expected::Skip,
            Status::Fail | Status::Error => Expected::Fail,
        }
    }

    /// The outcome as written in baselines.
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Pass => "pass",
            Expected::Fail => "fail",
            Expected::Skip => "skip",
        }
    }
}

/// One case's entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The expected outcome.
    pub expect: Expected,
    /// Why (for known failures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An issue or ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A baseline file (YAML or JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Expected outcome per case id.
    pub cases: BTreeMap<String, Entry>,
}

/// A case whose outcome the comparison talks about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Case id.
    pub id: String,
    /// What the baseline expected (none: a new case).
    pub expected: Option<Expected>,
    /// What happened.
    pub actual: Status,
    /// The baseline's reason, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The baseline's link, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A run against its baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    /// Expected to pass (or skip), now failing or in error: these fail the gate.
    pub regressions: Vec<Change>,
    /// Not in the baseline and failing or in error: these fail the gate too.
    pub new_failures: Vec<Change>,
    /// Expected to fail, now passing: update the baseline.
    pub fixed: Vec<Change>,
    /// Expected to fail and still failing.
    pub known_failures: Vec<Change>,
    /// Other differences that do not fail the gate (now skipped, newly passing cases).
    pub other: Vec<Change>,
}

impl Comparison {
    /// Whether the run fails the gate.
    pub fn fails(&self) -> bool {
        !self.regressions.is_empty() || !self.new_failures.is_empty()
    }

    /// What decides the exit of a run gated by this comparison: regressions and new
    /// failures count (those that are errors as harness problems); known failures and
    /// fixed cases do not.
    pub fn findings(&self, interrupted: bool) -> Findings {
        let counted = || self.regressions.iter().chain(&self.new_failures);
        Findings {
            interrupted,
            harness_errors: counted().filter(|ch| ch.actual == Status::Error).count(),
            failures: counted().count(),
            ..Default::default()
        }
    }
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, HarnessError> {
        Ok(crate::yaml::read(path, "baseline").map_err(crate::error::InputError::from)?)
    }

    /// Compares a run with this baseline. Cases the run did not select are ignored.
    pub fn compare(&self, report: &JsonReport) -> Comparison {
        self.compare_cases(report.cases.iter().map(|c| (c.id.as_str(), c.status)))
    }

    /// Compares a run's cases (id and status) with this baseline.
    pub fn compare_cases<'a>(
        &self,
        cases: impl IntoIterator<Item = (&'a str, Status)>,
    ) -> Comparison {
        let mut c = Comparison::default();
        for (id, status) in cases {
            let entry = self.cases.get(id);
            let change = Change {
                id: id.to_string(),
                expected: entry.map(|e| e.expect),
                actual: status,
                reason: entry.and_then(|e| e.reason.clone()),
                link: entry.and_then(|e| e.link.clone()),
            };
            let broken = matches!(status, Status::Fail | Status::Error);
            match (entry.map(|e| e.expect), broken) {
                (None, true) => c.new_failures.push(change),
                (None, false) => c.other.push(change),
                (Some(Expected::Fail), true) => c.known_failures.push(change),
                (Some(Expected::Fail), false) if status == Status::Pass => c.fixed.push(change),
                (Some(_), true) => c.regressions.push(change),
                (Some(expected), false) if expected != Expected::of(status) => c.other.push(change),
                _ => {}
            }
        }
        c
    }

    /// This baseline rewritten to what `report` shows; reasons and links of entries
    /// whose outcome did not change are kept, and cases the run did not select stay.
    pub fn updated(&self, report: &JsonReport) -> Baseline {
        self.updated_cases(report.cases.iter().map(|c| (c.id.as_str(), c.status)))
    }

    /// Like [`Baseline::updated`] for a run's cases (id and status).
    pub fn updated_cases<'a>(
        &self,
        cases: impl IntoIterator<Item = (&'a str, Status)>,
    ) -> Baseline {
        let mut next = self.clone();
        for (id, status) in cases {
            let expect = Expected::of(status);
            let keep = self.cases.get(id).filter(|e| e.expect == expect);
            next.cases.insert(
                id.to_string(),
                keep.cloned().unwrap_or(Entry {
                    expect,
                    reason: None,
                    link: None,
                }),
            );
        }
        next
    }

    /// The baseline as YAML, one line per case.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(
            "# pat-conformance baseline: the expected outcome (pass, fail, skip) of each case.\n\
             # `run --baseline FILE` fails only on regressions and new failures;\n\
             # `run --baseline FILE --update-baseline` rewrites it.\ncases:\n",
        );
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        for (id, e) in &self.cases {
            let _ = write!(out, "  {id}: {{ expect: {}", e.expect.as_str());
            if let Some(r) = &e.reason {
                let _ = write!(out, ", reason: {}", quote(r));
            }
            if let Some(l) = &e.link {
                let _ = write!(out, ", link: {}", quote(l));
            }
            out.push_str(" }\n");
        }
        out
    }
}

/// The comparison as console lines.
pub fn describe(c: &Comparison) -> String {
    let mut out = String::new();
    let line = |out: &mut String, label: &str, ch: &Change| {
        let expected = ch.expected.map_or("new", Expected::as_str);
        let why = ch
            .reason
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{label:<10} {} (expected {expected}, now {}){why}",
            ch.id,
            ch.actual.as_str()
        );
    };
    for ch in &c.regressions {
        line(&mut out, "REGRESSED", ch);
    }
    for ch in &c.new_failures {
        line(&mut out, "NEW FAIL", ch);
    }
    for ch in &c.fixed {
        line(&mut out, "FIXED", ch);
    }
    let _ = writeln!(
        out,
        "baseline: {} regressed, {} new failures, {} fixed, {} known failures",
        c.regressions.len(),
        c.new_failures.len(),
        c.fixed.len(),
        c.known_failures.len()
    );
    out
}

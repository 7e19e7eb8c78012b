//! What a person reads first: verdicts per service, operation and level, and the
//! status of each documented topic from the cases that cover it. Shared by
//! `report.md` and `report.html`, computed from the cases' briefs alone.

use std::collections::{BTreeMap, HashMap};

use crate::outcome::Status;
use crate::report::journal::Brief;
use crate::report::CoverageTopic;
use crate::vocab::Level;

/// Cases of one status each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Error => self.errors += 1,
            Status::Skip => self.skipped += 1,
        }
    }

    /// No case at all.
    pub fn is_empty(&self) -> bool {
        self.passed + self.failed + self.errors + self.skipped == 0
    }

    /// The cell's verdict: `fail` when any case failed or errored, `pass` when some
    /// passed and none failed, `skip` when every case was skipped, `none` without cases.
    pub fn verdict(&self) -> &'static str {
        if self.failed + self.errors > 0 {
            "fail"
        } else if self.passed > 0 {
            "pass"
        } else if self.skipped > 0 {
            "skip"
        } else {
            "none"
        }
    }

    /// `12 passed · 1 failed · 3 skipped`, zeros left out; `—` without cases.
    pub fn text(&self) -> String {
        let parts: Vec<String> = [
            (self.passed, "passed"),
            (self.failed, "failed"),
            (self.errors, "errors"),
            (self.skipped, "skipped"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "—".into()
        } else {
            parts.join(" · ")
        }
    }
}

/// One operation's verdicts per level.
#[derive(Debug, Clone, Default)]
pub(crate) struct OperationRow {
    pub service: String,
    pub operation: String,
    pub must: Counts,
    pub should: Counts,
}

/// A row per operation, by service and operation.
pub(crate) fn by_operation(briefs: &[Brief]) -> Vec<OperationRow> {
    let mut rows: BTreeMap<(String, String), OperationRow> = BTreeMap::new();
    for b in briefs {
        let row = rows
            .entry((b.service.clone(), b.operation.clone()))
            .or_insert_with(|| OperationRow {
                service: b.service.clone(),
                operation: b.operation.clone(),
                ..OperationRow::default()
            });
        match b.level {
            Level::Must => row.must.add(b.status),
            Level::Should => row.should.add(b.status),
        }
    }
    rows.into_values().collect()
}

/// A documented topic's status from its covering cases.
pub(crate) fn topic_counts(topic: &CoverageTopic, status: &HashMap<&str, Status>) -> Counts {
    let mut counts = Counts::default();
    for id in &topic.cases {
        if let Some(s) = status.get(id.as_str()) {
            counts.add(*s);
        }
    }
    counts
}

/// Case id → status.
pub(crate) fn statuses(briefs: &[Brief]) -> HashMap<&str, Status> {
    briefs.iter().map(|b| (b.id.as_str(), b.status)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_wins_and_zeros_are_left_out() {
        let mut c = Counts::default();
        assert_eq!((c.verdict(), c.text().as_str()), ("none", "—"));
        c.add(Status::Skip);
        assert_eq!(c.verdict(), "skip");
        c.add(Status::Pass);
        assert_eq!(c.verdict(), "pass");
        c.add(Status::Error);
        assert_eq!(c.verdict(), "fail");
        assert_eq!(c.text(), "1 passed · 1 errors · 1 skipped");
    }
}

//! The cleanup ledger: every create is entered before it is sent and settled when its
//! fate is known (not created, created, deleted, or left with a reason). What is not
//! settled as gone at the end of the run is reported as possibly left on the target.

use std::sync::Mutex;

use crate::outcome::{LedgerSummary, LeftBehind};
use crate::vocab::Identity;

/// The fate of one create.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fate {
    /// Sent; no answer yet.
    InFlight,
    /// It took no effect (an error answer, or not found by listing).
    NotCreated,
    /// It exists on the target.
    Created,
    /// It was created and deleted again.
    Deleted,
    /// It may exist and will not be deleted by this run.
    Left(String),
}

#[derive(Debug)]
struct Entry {
    case: String,
    operation: String,
    identity: Identity,
    what: String,
    fate: Fate,
}

/// A handle on one ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticket(usize);

/// Every create of a run.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    entries: Mutex<Vec<Entry>>,
}

impl Ledger {
    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Enters a create about to be sent.
    pub(crate) fn open(
        &self,
        case: &str,
        operation: &str,
        identity: Identity,
        what: String,
    ) -> Ticket {
        let mut entries = self.entries();
        entries.push(Entry {
            case: case.to_string(),
            operation: operation.to_string(),
            identity,
            what,
            fate: Fate::InFlight,
        });
        Ticket(entries.len() - 1)
    }

    /// Records what became of a create.
    pub(crate) fn settle(&self, ticket: Ticket, fate: Fate) {
        if let Some(e) = self.entries().get_mut(ticket.0) {
            // A deletion is final; a later "left" from a duplicate cleanup cannot undo it.
            if e.fate != Fate::Deleted {
                e.fate = fate;
            }
        }
    }

    /// What the run created, deleted and may have left.
    pub(crate) fn summary(&self) -> LedgerSummary {
        let mut s = LedgerSummary::default();
        for e in self.entries().iter() {
            let reason = match &e.fate {
                Fate::NotCreated => continue,
                Fate::Deleted => {
                    s.created += 1;
                    s.deleted += 1;
                    continue;
                }
                Fate::Created => {
                    s.created += 1;
                    "created, and its cleanup never ran".to_string()
                }
                Fate::InFlight => "no answer to the create arrived, so it may exist".to_string(),
                Fate::Left(why) => why.clone(),
            };
            s.left.push(LeftBehind {
                case: e.case.clone(),
                operation: e.operation.clone(),
                identity: e.identity.as_str().to_string(),
                what: e.what.clone(),
                reason,
            });
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fate_is_counted() {
        let l = Ledger::default();
        let a = l.open("c1", "Create", Identity::Default, "a".into());
        let b = l.open("c2", "Create", Identity::Default, "b".into());
        let c = l.open("c3", "Create", Identity::Second, "c".into());
        let _d = l.open("c4", "Create", Identity::Default, "d".into());
        let e = l.open("c5", "Create", Identity::Default, "e".into());
        l.settle(a, Fate::Deleted);
        l.settle(a, Fate::Left("late".into()));
        l.settle(b, Fate::NotCreated);
        l.settle(c, Fate::Created);
        l.settle(e, Fate::Left("cleanup answered 500".into()));
        let s = l.summary();
        assert_eq!((s.created, s.deleted), (2, 1));
        let left: Vec<_> = s.left.iter().map(|l| l.what.as_str()).collect();
        assert_eq!(left, ["c", "d", "e"]);
        assert!(s.line().contains("3 may be left"), "{}", s.line());
    }
}

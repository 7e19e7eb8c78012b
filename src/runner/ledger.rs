//! The cleanup ledger: every create is entered before it is sent and settled when its
//! fate is known (not created, created, deleted, already gone, or left with a reason).
//! What is not settled as gone at the end of the run is reported as possibly left on
//! the target, unless the final listing (see [`super::sweep`]) showed it is not there.

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
    /// It was created and deleted again (the undo call answered success).
    Deleted,
    /// It was created, and the undo call answered "not found": the case deleted it
    /// itself, or the create named something other than what it made. Never counted
    /// as deleted; the final listing looks for what it made by name.
    NotFound,
    /// It may exist and will not be deleted by this run.
    Left(String),
}

#[derive(Debug)]
struct Entry {
    case: String,
    service: String,
    operation: String,
    identity: Identity,
    what: String,
    /// Its name carries the run id, so the final listing can tell whether it is gone.
    findable: bool,
    fate: Fate,
}

/// A handle on one ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticket(usize);

/// Who a create was made for, and what it was (for [`Ledger::open`]).
pub(crate) struct Opening<'a> {
    pub(crate) case: &'a str,
    pub(crate) service: &'a str,
    pub(crate) operation: &'a str,
    pub(crate) identity: Identity,
    pub(crate) what: String,
    pub(crate) findable: bool,
}

/// Something a create made that carries no name, known by its id: where the final
/// listing looks for it (see [`crate::spec::FindCreated::id`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MadeById {
    pub(crate) service: String,
    pub(crate) identity: Identity,
    /// The listing's input that shows it (from the create's input).
    pub(crate) list_input: serde_json::Map<String, serde_json::Value>,
    pub(crate) id: String,
}

/// Every create of a run.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    entries: Mutex<Vec<Entry>>,
    /// The entries still in flight, by index (locked after `entries` when both are):
    /// whether any create before a point is in flight is asked once per finished
    /// case, and a scan of the entries made that quadratic in a long run.
    in_flight: Mutex<std::collections::BTreeSet<usize>>,
    by_id: Mutex<ById>,
    /// Names too short for the run id that creates used, with the items of that name
    /// their first listing showed: what the final listing looks for besides the run id.
    named: Mutex<Vec<super::made_log::LoggedName>>,
    /// Where what carries no name is logged before it is created, for `sweep`.
    log: Option<super::made_log::MadeLog>,
}

/// What creates made, by id, with a set of their keys: a repeat is recognised without
/// comparing it with every earlier one (quadratic over a long run).
#[derive(Debug, Default)]
struct ById {
    made: Vec<MadeById>,
    keys: std::collections::HashSet<String>,
}

impl Ledger {
    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A ledger that also logs what carries no name in the report folder `dir` (see
    /// [`super::made_log`]), so a killed run's creates can be swept.
    pub(crate) fn logging(dir: &std::path::Path) -> Ledger {
        Ledger {
            log: Some(super::made_log::MadeLog::new(dir)),
            ..Ledger::default()
        }
    }

    /// Logs what a listing before a create found by id showed: written before the
    /// create is sent.
    pub(crate) fn listed_before(
        &self,
        service: &str,
        identity: Identity,
        list_input: &serde_json::Map<String, serde_json::Value>,
        ids: &std::collections::BTreeSet<String>,
    ) {
        if let Some(log) = &self.log {
            log.listed(service, identity, list_input, ids);
        }
    }

    /// Remembers (and logs, before the create is sent) the items named `name` that a
    /// listing showed before a create of that name: the first listing of a name is
    /// what was there before the run.
    pub(crate) fn listed_by_name(
        &self,
        service: &str,
        identity: Identity,
        name: &str,
        keys: &std::collections::BTreeSet<String>,
    ) {
        if let Some(log) = &self.log {
            log.listed_by_name(service, identity, name, keys);
        }
        let mut named = self.named.lock().unwrap_or_else(|e| e.into_inner());
        super::made_log::add_name(
            &mut named,
            super::made_log::LoggedName {
                service: service.to_string(),
                identity,
                name: name.to_string(),
                before: keys.clone(),
            },
        );
    }

    /// The short names the run's creates used (see [`Ledger::listed_by_name`]).
    pub(crate) fn names(&self) -> Vec<super::made_log::LoggedName> {
        self.named.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Remembers what a create made, by id, for the final listing (and logs it).
    pub(crate) fn made_by_id(&self, made: MadeById) {
        let mut by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        let key = format!(
            "{}\u{0}{:?}\u{0}{}\u{0}{}",
            made.service,
            made.identity,
            made.id,
            serde_json::to_string(&made.list_input).unwrap_or_default()
        );
        if by_id.keys.insert(key) {
            if let Some(log) = &self.log {
                log.made(&made.service, made.identity, &made.list_input, &made.id);
            }
            by_id.made.push(made);
        }
    }

    /// What creates of `service` made as `identity`, known by id.
    pub(crate) fn ids(&self, service: &str, identity: Identity) -> Vec<MadeById> {
        let by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        by_id
            .made
            .iter()
            .filter(|m| m.service == service && m.identity == identity)
            .cloned()
            .collect()
    }

    /// Enters a create about to be sent.
    pub(crate) fn open(&self, o: Opening<'_>) -> Ticket {
        let mut entries = self.entries();
        entries.push(Entry {
            case: o.case.to_string(),
            service: o.service.to_string(),
            operation: o.operation.to_string(),
            identity: o.identity,
            what: o.what,
            findable: o.findable,
            fate: Fate::InFlight,
        });
        self.in_flight_set().insert(entries.len() - 1);
        Ticket(entries.len() - 1)
    }

    /// A further thing the create of `ticket` made (a create carried out on several
    /// attempts), entered as created, with `note` after its description.
    pub(crate) fn another(&self, ticket: Ticket, note: &str) -> Ticket {
        let mut entries = self.entries();
        let Some(e) = entries.get(ticket.0) else {
            return ticket;
        };
        let copy = Entry {
            case: e.case.clone(),
            service: e.service.clone(),
            operation: e.operation.clone(),
            identity: e.identity,
            what: format!("{} ({note})", e.what),
            findable: e.findable,
            fate: Fate::Created,
        };
        entries.push(copy);
        Ticket(entries.len() - 1)
    }

    /// Records what became of a create.
    pub(crate) fn settle(&self, ticket: Ticket, fate: Fate) {
        if let Some(e) = self.entries().get_mut(ticket.0) {
            // A deletion is final; a later "left" from a duplicate cleanup cannot undo it.
            if e.fate != Fate::Deleted {
                let mut in_flight = self.in_flight_set();
                if fate == Fate::InFlight {
                    in_flight.insert(ticket.0);
                } else {
                    in_flight.remove(&ticket.0);
                }
                e.fate = fate;
            }
        }
    }

    /// Whether a create is settled as not carried out.
    pub(crate) fn not_created(&self, ticket: Ticket) -> bool {
        self.entries()
            .get(ticket.0)
            .is_some_and(|e| e.fate == Fate::NotCreated)
    }

    /// Whether any create entered before `ticket_count` entries existed is still
    /// waiting for its answer.
    pub(crate) fn in_flight_before(&self, ticket_count: usize) -> bool {
        self.in_flight_set()
            .first()
            .is_some_and(|&first| first < ticket_count)
    }

    fn in_flight_set(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeSet<usize>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many creates were entered so far.
    pub(crate) fn len(&self) -> usize {
        self.entries().len()
    }

    /// Every (service, identity) the run created something as, in order of first use.
    pub(crate) fn scopes(&self) -> Vec<(String, Identity)> {
        let mut out: Vec<(String, Identity)> = Vec::new();
        for e in self.entries().iter() {
            if !out.iter().any(|(s, i)| *s == e.service && *i == e.identity) {
                out.push((e.service.clone(), e.identity));
            }
        }
        out
    }

    /// What the run created, deleted and may have left. `listed_clean` holds the
    /// (service, identity) pairs whose final listing showed nothing of this run: there,
    /// a create whose name carries the run id is known not to be on the target.
    pub(crate) fn summary(&self, listed_clean: &[(String, Identity)]) -> LedgerSummary {
        let mut s = LedgerSummary::default();
        for e in self.entries().iter() {
            let verified_gone = e.findable
                && listed_clean
                    .iter()
                    .any(|(svc, id)| *svc == e.service && *id == e.identity);
            let reason = match &e.fate {
                Fate::NotCreated => continue,
                Fate::Deleted => {
                    s.created += 1;
                    s.deleted += 1;
                    continue;
                }
                Fate::NotFound => {
                    s.created += 1;
                    s.not_found += 1;
                    continue;
                }
                _ if verified_gone => {
                    if e.fate == Fate::Created {
                        s.created += 1;
                    }
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

    fn open(l: &Ledger, case: &str, identity: Identity, what: &str, findable: bool) -> Ticket {
        l.open(Opening {
            case,
            service: "svc",
            operation: "Create",
            identity,
            what: what.into(),
            findable,
        })
    }

    #[test]
    fn in_flight_before_sees_only_earlier_unanswered_creates() {
        let l = Ledger::default();
        let a = open(&l, "c1", Identity::Default, "a", false);
        let b = open(&l, "c2", Identity::Default, "b", false);
        assert!(l.in_flight_before(1) && l.in_flight_before(2));
        assert!(!l.in_flight_before(0));
        l.settle(a, Fate::Created);
        assert!(!l.in_flight_before(1), "a was answered");
        assert!(l.in_flight_before(2), "b was not");
        let _c = l.another(a, "second attempt");
        l.settle(b, Fate::Deleted);
        l.settle(b, Fate::InFlight);
        assert!(
            !l.in_flight_before(3),
            "a deletion is final; copies are created"
        );
    }

    #[test]
    fn every_fate_is_counted() {
        let l = Ledger::default();
        let a = open(&l, "c1", Identity::Default, "a", false);
        let b = open(&l, "c2", Identity::Default, "b", false);
        let c = open(&l, "c3", Identity::Second, "c", false);
        let _d = open(&l, "c4", Identity::Default, "d", false);
        let e = open(&l, "c5", Identity::Default, "e", false);
        let f = open(&l, "c6", Identity::Default, "f", false);
        l.settle(a, Fate::Deleted);
        l.settle(a, Fate::Left("late".into()));
        l.settle(b, Fate::NotCreated);
        l.settle(c, Fate::Created);
        l.settle(e, Fate::Left("cleanup answered 500".into()));
        l.settle(f, Fate::NotFound);
        let s = l.summary(&[]);
        assert_eq!((s.created, s.deleted, s.not_found), (3, 1, 1));
        let left: Vec<_> = s.left.iter().map(|l| l.what.as_str()).collect();
        assert_eq!(left, ["c", "d", "e"]);
        assert!(s.line().contains("3 may be left"), "{}", s.line());
    }

    #[test]
    fn a_clean_final_listing_settles_only_findable_creates_of_its_scope() {
        let l = Ledger::default();
        let lost = open(&l, "c1", Identity::Default, "pat-run", true);
        let fixed = open(&l, "c2", Identity::Default, "a", false);
        let other = open(&l, "c3", Identity::Second, "pat-run-2", true);
        for t in [lost, fixed, other] {
            l.settle(t, Fate::Left("the answer was lost".into()));
        }
        let clean = [("svc".to_string(), Identity::Default)];
        let left: Vec<_> = l.summary(&clean).left.into_iter().map(|l| l.what).collect();
        assert_eq!(left, ["a", "pat-run-2"]);
        assert!(!l.in_flight_before(3));
        let _late = open(&l, "c4", Identity::Default, "x", true);
        assert!(l.in_flight_before(4) && !l.in_flight_before(3));
        assert_eq!(l.scopes().len(), 2);
    }
}

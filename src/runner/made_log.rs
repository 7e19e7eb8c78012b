//! The log of what carries no name (IAM's service-specific credentials) or a name too
//! short for the run id, written in the report folder *before* each such create is
//! sent: the listing it was made in and the ids (or, for a short name, the items of
//! that name) that listing showed, then each id a create made. A run killed by
//! SIGKILL never reaches its cleanups or its final listing, and its journal holds
//! only finished cases; this log is what lets `sweep --from` find those creates
//! again: in each logged listing, what the run made and what was not there when the
//! run first listed it.
//!
//! One JSON object per line, each written whole with one `write` on a file opened for
//! appending, so a kill leaves at most a torn last line (which a reader skips).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::vocab::Identity;

/// The log's file name in a report folder.
pub const MADE_BY_ID_FILE: &str = "made-by-id.jsonl";

/// One line of the log.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    /// A listing read before a create was sent, and the ids it showed.
    Listed {
        service: String,
        identity: Identity,
        list_input: Map<String, Value>,
        ids: BTreeSet<String>,
    },
    /// A listing read before a create whose name cannot carry the run id (too short
    /// for it), and the items of that name it showed (each by what deletes it).
    ListedByName {
        service: String,
        identity: Identity,
        name: String,
        keys: BTreeSet<String>,
    },
    /// An id a create made (from its answer, or found by listing).
    Made {
        service: String,
        identity: Identity,
        list_input: Map<String, Value>,
        id: String,
    },
}

/// Appends to a run's log; the file is made at the first line, so a run that creates
/// nothing by id leaves none.
#[derive(Debug)]
pub(crate) struct MadeLog {
    path: PathBuf,
    out: Mutex<Option<File>>,
}

impl MadeLog {
    /// A log in the report folder `dir`.
    pub(crate) fn new(dir: &Path) -> MadeLog {
        MadeLog {
            path: dir.join(MADE_BY_ID_FILE),
            out: Mutex::new(None),
        }
    }

    /// Logs the ids a listing showed before a create is sent.
    pub(crate) fn listed(
        &self,
        service: &str,
        identity: Identity,
        list_input: &Map<String, Value>,
        ids: &BTreeSet<String>,
    ) {
        self.append(&Line::Listed {
            service: service.to_string(),
            identity,
            list_input: list_input.clone(),
            ids: ids.clone(),
        });
    }

    /// Logs the items named `name` that a listing showed before a create of that name.
    pub(crate) fn listed_by_name(
        &self,
        service: &str,
        identity: Identity,
        name: &str,
        keys: &BTreeSet<String>,
    ) {
        self.append(&Line::ListedByName {
            service: service.to_string(),
            identity,
            name: name.to_string(),
            keys: keys.clone(),
        });
    }

    /// Logs an id a create made.
    pub(crate) fn made(
        &self,
        service: &str,
        identity: Identity,
        list_input: &Map<String, Value>,
        id: &str,
    ) {
        self.append(&Line::Made {
            service: service.to_string(),
            identity,
            list_input: list_input.clone(),
            id: id.to_string(),
        });
    }

    /// Writes one whole line. A log that cannot be written costs only what a later
    /// `sweep` could find (the run itself still cleans up), so it is not an error.
    fn append(&self, line: &Line) {
        let Ok(mut bytes) = serde_json::to_vec(line) else {
            return;
        };
        bytes.push(b'\n');
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if out.is_none() {
            *out = File::options()
                .create(true)
                .append(true)
                .open(&self.path)
                .ok();
        }
        if let Some(file) = out.as_mut() {
            let _ = file.write_all(&bytes);
        }
    }
}

/// What a run logged for one listing (service, identity and the listing's input).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Logged {
    /// The service.
    pub service: String,
    /// Who listed and created.
    pub identity: Identity,
    /// The listing's input (the user and the service of a credential).
    pub list_input: Map<String, Value>,
    /// The ids the run's first listing showed, before any of its creates there: what
    /// was there before the run. `None` when no listing was logged.
    pub before: Option<BTreeSet<String>>,
    /// The ids the run's creates made.
    pub made: BTreeSet<String>,
}

impl Logged {
    /// Whether a listed id is the run's: it made it, or it was not there when the run
    /// first listed (the creating cases run alone, on users made for the suite).
    pub fn is_ours(&self, id: &str) -> bool {
        self.made.contains(id) || self.before.as_ref().is_some_and(|b| !b.contains(id))
    }
}

/// A name too short to carry the run id that a run created with, and the items of that
/// name its first listing showed (what was there before): any other item of that name
/// is the run's (the case that creates it runs alone).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoggedName {
    /// The service.
    pub service: String,
    /// Who listed and created.
    pub identity: Identity,
    /// The name (the `find.match` member's value).
    pub name: String,
    /// The items of that name listed before the run's first create of it, each by
    /// what deletes it (the undo's input, as JSON).
    pub before: BTreeSet<String>,
}

impl LoggedName {
    /// Whether a listed item named `name`, known by `key`, is the run's.
    pub fn is_ours(&self, name: &str, key: &str) -> bool {
        self.name == name && !self.before.contains(key)
    }
}

/// Adds what a listing before a create of `name` showed, unless that name was listed
/// before (the first listing is what was there before the run).
pub(crate) fn add_name(names: &mut Vec<LoggedName>, entry: LoggedName) {
    let known = names.iter().any(|n| {
        n.service == entry.service && n.identity == entry.identity && n.name == entry.name
    });
    if !known {
        names.push(entry);
    }
}

/// What [`read_log`] read: one entry per listing, and what could not be read.
#[derive(Debug, Default)]
pub struct LogRead {
    /// One entry per listing, in the order first logged.
    pub logged: Vec<Logged>,
    /// Names too short for the run id, with what their first listing showed.
    pub named: Vec<LoggedName>,
    /// Lines (or the file) that could not be read, each saying which: what they held
    /// is not swept, and the sweep says so.
    pub problems: Vec<String>,
}

/// Reads the log in the report folder `dir`. No log (a run that made nothing by id, or
/// an older version's) is no entry. A torn last line (the kill came mid-write) is
/// skipped; any other line that does not read is skipped and named in `problems`, so
/// one bad line does not keep the sweep from the rest.
pub fn read_log(dir: &Path) -> LogRead {
    let path = dir.join(MADE_BY_ID_FILE);
    let mut read = LogRead::default();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return read,
        Err(e) => {
            read.problems
                .push(format!("failed to read {}: {e}", path.display()));
            return read;
        }
    };
    let whole = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (n, raw) in lines.iter().enumerate() {
        let line: Line = match serde_json::from_str(raw) {
            Ok(line) => line,
            Err(_) if n + 1 == lines.len() && !whole => break,
            Err(e) => {
                read.problems.push(format!(
                    "failed to read {} line {}: {e}; what it held is not swept",
                    path.display(),
                    n + 1
                ));
                continue;
            }
        };
        if let Line::ListedByName {
            service,
            identity,
            name,
            keys,
        } = line
        {
            add_name(
                &mut read.named,
                LoggedName {
                    service,
                    identity,
                    name,
                    before: keys,
                },
            );
            continue;
        }
        let (service, identity, list_input) = match &line {
            Line::Listed {
                service,
                identity,
                list_input,
                ..
            }
            | Line::Made {
                service,
                identity,
                list_input,
                ..
            } => (service, *identity, list_input),
            Line::ListedByName { .. } => continue,
        };
        let key = format!(
            "{service}\u{0}{}\u{0}{}",
            identity.as_str(),
            Value::Object(list_input.clone())
        );
        let out = &mut read.logged;
        let at = *index.entry(key).or_insert_with(|| {
            out.push(Logged {
                service: service.clone(),
                identity,
                list_input: list_input.clone(),
                ..Logged::default()
            });
            out.len() - 1
        });
        let entry = &mut out[at];
        match line {
            Line::Listed { ids, .. } => {
                entry.before.get_or_insert(ids);
            }
            Line::Made { id, .. } => {
                entry.made.insert(id);
            }
            Line::ListedByName { .. } => {}
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pat-made-log-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn input(user: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("UserName".into(), Value::from(user));
        m
    }

    fn ids(of: &[&str]) -> BTreeSet<String> {
        of.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_listing_is_the_baseline_and_every_made_id_is_kept() {
        let dir = folder("baseline");
        let log = MadeLog::new(&dir);
        log.listed("iam", Identity::Default, &input("a"), &ids(&["OLD"]));
        log.made("iam", Identity::Default, &input("a"), "NEW1");
        // A later listing shows the run's own create: not the baseline.
        log.listed(
            "iam",
            Identity::Default,
            &input("a"),
            &ids(&["OLD", "NEW1"]),
        );
        log.listed("iam", Identity::Default, &input("b"), &ids(&[]));
        let read = read_log(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let read = read.logged;
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].before, Some(ids(&["OLD"])));
        assert_eq!(read[0].made, ids(&["NEW1"]));
        assert!(read[0].is_ours("NEW1") && read[0].is_ours("NEW2"));
        assert!(!read[0].is_ours("OLD"));
        assert_eq!(read[1].list_input, input("b"));
        assert!(read[1].is_ours("ANY"));
    }

    #[test]
    fn a_short_name_keeps_its_first_listing() {
        let dir = folder("short-name");
        let log = MadeLog::new(&dir);
        log.listed_by_name("cc", Identity::Default, "2", &ids(&["{\"id\":\"OLD\"}"]));
        log.made("iam", Identity::Default, &input("a"), "NEW1");
        log.listed_by_name("cc", Identity::Default, "2", &ids(&[]));
        log.listed_by_name("cc", Identity::Second, "2", &ids(&[]));
        let read = read_log(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert_eq!(read.logged.len(), 1);
        assert_eq!(read.named.len(), 2);
        let first = &read.named[0];
        assert!(
            !first.is_ours("2", "{\"id\":\"OLD\"}"),
            "there before the run"
        );
        assert!(first.is_ours("2", "{\"id\":\"NEW\"}"));
        assert!(!first.is_ours("3", "{\"id\":\"NEW\"}"), "another name");
    }

    #[test]
    fn without_a_listing_only_made_ids_are_ours() {
        let logged = Logged {
            made: ids(&["NEW"]),
            ..Logged::default()
        };
        assert!(logged.is_ours("NEW"));
        assert!(!logged.is_ours("OTHER"));
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_a_bad_one_elsewhere_is_named() {
        let dir = folder("torn");
        let log = MadeLog::new(&dir);
        log.listed("iam", Identity::Default, &input("a"), &ids(&[]));
        drop(log);
        let path = dir.join(MADE_BY_ID_FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"made\":{\"serv");
        std::fs::write(&path, &text).unwrap();
        let torn = read_log(&dir);
        std::fs::write(&path, format!("{{}}\n{text}\n")).unwrap();
        let bad = read_log(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(torn.logged.len(), 1);
        assert!(torn.problems.is_empty(), "{:?}", torn.problems);
        // Lines 1 and 3 are bad; line 2 is still read.
        assert_eq!(bad.logged.len(), 1);
        assert_eq!(bad.problems.len(), 2, "{:?}", bad.problems);
        assert!(bad.problems[0].contains("line 1"), "{:?}", bad.problems);
        assert!(bad.problems[1].contains("line 3"), "{:?}", bad.problems);
        assert!(bad.problems[0].contains(MADE_BY_ID_FILE));
    }

    #[test]
    fn no_log_is_nothing_logged() {
        let dir = folder("none");
        let read = read_log(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(read.logged.is_empty() && read.problems.is_empty());
    }
}

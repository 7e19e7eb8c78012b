//! The run journal: every case is written to `journal.jsonl` in the run's report folder
//! as it ends and dropped from memory, so a run's memory does not grow with its cases
//! (only a short [`Brief`] per case stays). After the run the journal is scrubbed once
//! more with every secret the run learned, and the reports are rendered from it by
//! streaming, one case at a time.
//!
//! Each case takes two lines: `{"case": …}` (the result without its exchanges) and
//! `{"exchanges": […]}`, so renderers that need no exchanges (JUnit, Markdown) never
//! parse them. The first line is `{"started": …}` and, when the run ended, the last is
//! `{"finished": …}`; a journal cut short by a crash still holds every finished case.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::JsonReport;
use crate::error::HarnessError;
use crate::outcome::{CaseResult, Status};
use crate::runner::{Reporter, RunEvent, Scrubber};

/// The journal's file name inside a run's report folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// One case as a report lists it, without loading it.
#[derive(Debug, Clone)]
pub struct Brief {
    /// Case id.
    pub id: String,
    /// `service::operation::id`.
    pub full_name: String,
    /// Its verdict.
    pub status: Status,
    /// Its service.
    pub service: String,
    /// Its operation.
    pub operation: String,
    /// Its level.
    pub level: crate::vocab::Level,
    /// Its tags.
    pub tags: Vec<String>,
    /// Why it did not run, when it was skipped.
    pub skip_reason: Option<String>,
    /// Where the source keeps it (a position, or a byte offset).
    at: u64,
    /// Bytes of the case line and of the exchanges line (journals only).
    lens: (u64, u64),
}

/// The cases of a report: in memory, or in a run's journal on disk.
pub trait CaseSource {
    /// Every case, sorted by full name.
    fn briefs(&self) -> &[Brief];
    /// One case, with its exchanges or without them (then `exchanges` is empty).
    fn load(&self, brief: &Brief, exchanges: bool) -> Result<CaseResult, HarnessError>;
}

/// The cases of a report held in memory (merged reports, tests).
pub struct InMemory<'a> {
    cases: &'a [CaseResult],
    briefs: Vec<Brief>,
}

impl<'a> InMemory<'a> {
    /// A source over `cases`.
    pub fn new(cases: &'a [CaseResult]) -> InMemory<'a> {
        let mut briefs: Vec<Brief> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| Brief {
                id: c.id.clone(),
                full_name: c.full_name(),
                status: c.status,
                service: c.service.clone(),
                operation: c.operation.clone(),
                level: c.level,
                tags: c.tags.clone(),
                skip_reason: c.skip_reason.clone(),
                at: i as u64,
                lens: (0, 0),
            })
            .collect();
        briefs.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        InMemory { cases, briefs }
    }
}

impl CaseSource for InMemory<'_> {
    fn briefs(&self) -> &[Brief] {
        &self.briefs
    }

    fn load(&self, brief: &Brief, exchanges: bool) -> Result<CaseResult, HarnessError> {
        let case = &self.cases[brief.at as usize];
        Ok(if exchanges {
            case.clone()
        } else {
            case.without_exchanges()
        })
    }
}

/// Writes the journal as the run goes (a [`Reporter`]); [`JournalWriter::finish`]
/// turns it into a [`Journal`] to render reports from.
#[derive(Clone)]
pub struct JournalWriter {
    inner: Arc<Mutex<Writing>>,
}

struct Writing {
    path: PathBuf,
    out: Option<File>,
    head: JsonReport,
    /// Set when a write failed: the journal is incomplete and says so at the end.
    failed: Option<String>,
    /// Bytes written so far.
    offset: u64,
    /// Each write: where it is, and how many secrets its text was scrubbed of.
    writes: Vec<Written>,
    /// Each case written, indexed as it was written (valid while no line changes).
    briefs: Vec<Brief>,
}

/// One write to the journal (one or two whole lines).
struct Written {
    at: u64,
    len: u64,
    learned: usize,
}

impl JournalWriter {
    /// A journal at `dir/journal.jsonl`; the file is created when the run starts.
    pub fn new(dir: &Path) -> JournalWriter {
        JournalWriter {
            inner: Arc::new(Mutex::new(Writing {
                path: dir.join(JOURNAL_FILE),
                out: None,
                head: JsonReport::new(""),
                failed: None,
                offset: 0,
                writes: Vec::new(),
                briefs: Vec::new(),
            })),
        }
    }

    /// A journal at `dir/journal.jsonl`, created now: a folder that cannot be written
    /// is found before the run starts.
    pub fn create(dir: &Path) -> std::io::Result<JournalWriter> {
        let writer = JournalWriter::new(dir);
        {
            let mut w = writer.inner.lock().unwrap_or_else(|e| e.into_inner());
            std::fs::create_dir_all(dir)?;
            let file = File::create(&w.path)?;
            w.out = Some(file);
        }
        Ok(writer)
    }

    /// Checks the journal for every secret the run learned after each line was
    /// written, and indexes it. Usually nothing is found: the file stays as it is and
    /// the index made while writing is kept. Otherwise every line is scrubbed again (a
    /// line that still holds a secret is parsed and scrubbed as data; nothing is kept
    /// that fails the check) and the file is replaced by its scrubbed copy.
    pub fn finish(self, scrubber: &Scrubber) -> Result<Journal, HarnessError> {
        let mut w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let path = w.path.clone();
        let io = |source| HarnessError::Io {
            path: path.clone(),
            source,
        };
        drop(w.out.take());
        if let Some(why) = &w.failed {
            return Err(HarnessError::Io {
                path: path.clone(),
                source: std::io::Error::other(why.clone()),
            });
        }
        let head = std::mem::replace(&mut w.head, JsonReport::new(""));
        let writes = std::mem::take(&mut w.writes);
        let mut briefs = std::mem::take(&mut w.briefs);
        drop(w);
        if !JournalWriter::holds_later_secrets(&path, &writes, scrubber).map_err(io)? {
            briefs.sort_by(|a, b| a.full_name.cmp(&b.full_name));
            let file = File::open(&path).map_err(io)?;
            return Ok(Journal {
                head,
                path,
                file: Mutex::new(file),
                briefs,
            });
        }
        let scrubbed = path.with_extension("jsonl.part");
        let mut out = BufWriter::new(File::create(&scrubbed).map_err(io)?);
        let mut input = BufReader::new(File::open(&path).map_err(io)?);
        briefs.clear();
        let mut offset = 0u64;
        let mut line = String::new();
        let mut pending: Option<Brief> = None;
        loop {
            line.clear();
            if input.read_line(&mut line).map_err(io)? == 0 {
                break;
            }
            let text = match scrubber.line(line.trim_end_matches('\n')) {
                Ok(text) => text,
                Err(e) => {
                    // Fail closed: a journal that cannot be cleaned is not kept.
                    drop(out);
                    let _ = std::fs::remove_file(&scrubbed);
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
            };
            let len = text.len() as u64 + 1;
            out.write_all(text.as_bytes()).map_err(io)?;
            out.write_all(b"\n").map_err(io)?;
            if text.starts_with("{\"case\":") {
                let case = serde_json::from_str::<CaseLine>(&text)
                    .map_err(|e| io(std::io::Error::other(e)))?
                    .case;
                pending = Some(Brief {
                    full_name: case.full_name(),
                    id: case.id,
                    status: case.status,
                    service: case.service,
                    operation: case.operation,
                    level: case.level,
                    tags: case.tags,
                    skip_reason: case.skip_reason,
                    at: offset,
                    lens: (len, 0),
                });
            } else if text.starts_with("{\"exchanges\":") {
                if let Some(mut brief) = pending.take() {
                    brief.lens.1 = len;
                    briefs.push(brief);
                }
            }
            offset += len;
        }
        out.flush().map_err(io)?;
        drop(out);
        std::fs::rename(&scrubbed, &path).map_err(io)?;
        briefs.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        let file = File::open(&path).map_err(io)?;
        Ok(Journal {
            head,
            path,
            file: Mutex::new(file),
            briefs,
        })
    }

    /// Whether a write's text holds a secret learned after it was written (each write
    /// is read back only when the run learned secrets since).
    fn holds_later_secrets(
        path: &Path,
        writes: &[Written],
        scrubber: &Scrubber,
    ) -> std::io::Result<bool> {
        let total = scrubber.learned();
        let mut file = BufReader::with_capacity(256 * 1024, File::open(path)?);
        let mut bytes = Vec::new();
        let mut pos = 0u64;
        for w in writes.iter().filter(|w| w.learned < total) {
            if w.at != pos {
                file.seek(SeekFrom::Start(w.at))?;
            }
            bytes.resize(w.len as usize, 0);
            file.read_exact(&mut bytes)?;
            pos = w.at + w.len;
            let text = String::from_utf8_lossy(&bytes);
            if scrubber.leaks_since(w.learned, &text) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Appends `bytes` (whole lines) in one write.
    fn write(w: &mut Writing, bytes: serde_json::Result<Vec<u8>>) {
        JournalWriter::write_scrubbed(w, bytes, 0);
    }

    /// Appends `bytes` (whole lines) in one write, scrubbed of the first `learned`
    /// secrets of the run.
    fn write_scrubbed(w: &mut Writing, bytes: serde_json::Result<Vec<u8>>, learned: usize) {
        if w.failed.is_some() {
            return;
        }
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(e) => {
                w.failed = Some(format!("failed to write the journal: {e}"));
                return;
            }
        };
        let result = (|| -> std::io::Result<()> {
            let out = match &mut w.out {
                Some(out) => out,
                None => {
                    if let Some(dir) = w.path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    w.out.insert(File::create(&w.path)?)
                }
            };
            // One write per event: a case and its exchanges land together, and a
            // finished case survives a crash of the run that follows it.
            out.write_all(&bytes)
        })();
        match result {
            Ok(()) => {
                let len = bytes.len() as u64;
                w.writes.push(Written {
                    at: w.offset,
                    len,
                    learned,
                });
                w.offset += len;
            }
            Err(e) => w.failed = Some(format!("failed to write the journal: {e}")),
        }
    }

    /// `{"KEY":VALUE}` and a newline, appended to `bytes`.
    fn line<T: serde::Serialize + ?Sized>(
        mut bytes: Vec<u8>,
        key: &str,
        value: &T,
    ) -> serde_json::Result<Vec<u8>> {
        bytes.extend_from_slice(b"{\"");
        bytes.extend_from_slice(key.as_bytes());
        bytes.extend_from_slice(b"\":");
        serde_json::to_writer(&mut bytes, value)?;
        bytes.extend_from_slice(b"}\n");
        Ok(bytes)
    }
}

impl Reporter for JournalWriter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        let mut w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let w = &mut *w;
        match event {
            RunEvent::RunStarted {
                run_id,
                endpoints,
                total,
            } => {
                w.head.run_id = run_id.to_string();
                w.head.endpoints = endpoints.to_vec();
                let started = serde_json::json!({
                    "run_id": run_id, "endpoints": endpoints, "total": total });
                JournalWriter::write(w, JournalWriter::line(Vec::new(), "started", &started));
            }
            RunEvent::CaseFinished { result, learned } => {
                // The result is written as it is, not built into a JSON value first.
                let mut case_len = 0;
                let bytes = JournalWriter::line(
                    Vec::with_capacity(16 * 1024),
                    "case",
                    &result.without_exchanges(),
                )
                .and_then(|b| {
                    case_len = b.len() as u64;
                    JournalWriter::line(b, "exchanges", &result.exchanges)
                });
                let at = w.offset;
                JournalWriter::write_scrubbed(w, bytes, *learned);
                if let Some(last) = w.writes.last().filter(|x| x.at == at) {
                    let len = last.len;
                    w.briefs.push(Brief {
                        id: result.id.clone(),
                        full_name: result.full_name(),
                        status: result.status,
                        service: result.service.clone(),
                        operation: result.operation.clone(),
                        level: result.level,
                        tags: result.tags.clone(),
                        skip_reason: result.skip_reason.clone(),
                        at,
                        lens: (case_len, len - case_len),
                    });
                }
            }
            RunEvent::RunFinished {
                summary,
                interrupted,
                duration,
                ledger,
            } => {
                w.head.summary = *summary;
                w.head.interrupted = *interrupted;
                w.head.duration_ms = duration.as_millis() as u64;
                w.head.ledger = (*ledger).clone();
                let finished = serde_json::json!({
                    "summary": summary, "interrupted": interrupted,
                    "duration_ms": w.head.duration_ms, "ledger": ledger });
                JournalWriter::write(w, JournalWriter::line(Vec::new(), "finished", &finished));
            }
            RunEvent::CaseStarted { .. } => {}
        }
        Ok(())
    }
}

/// A journal's `{"case": …}` line.
#[derive(serde::Deserialize)]
struct CaseLine {
    case: CaseResult,
}

/// A journal's `{"exchanges": […]}` line.
#[derive(serde::Deserialize)]
struct ExchangesLine {
    exchanges: Vec<crate::outcome::Exchange>,
}

/// A finished run's journal, scrubbed and indexed: the cases of its reports.
pub struct Journal {
    /// Everything of the report but its cases.
    pub head: JsonReport,
    path: PathBuf,
    file: Mutex<File>,
    briefs: Vec<Brief>,
}

impl Journal {
    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl CaseSource for Journal {
    fn briefs(&self) -> &[Brief] {
        &self.briefs
    }

    fn load(&self, brief: &Brief, exchanges: bool) -> Result<CaseResult, HarnessError> {
        let bad = |e: String| HarnessError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(format!("failed to read a case back: {e}")),
        };
        let len = brief.lens.0 + if exchanges { brief.lens.1 } else { 0 };
        let mut bytes = vec![0; len as usize];
        {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(brief.at))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| bad(e.to_string()))?;
        }
        let mut lines = bytes.split(|b| *b == b'\n');
        let head = lines.next().unwrap_or_default();
        let mut case = serde_json::from_slice::<CaseLine>(head)
            .map_err(|e| bad(e.to_string()))?
            .case;
        if exchanges {
            let line = lines.next().unwrap_or_default();
            case.exchanges = serde_json::from_slice::<ExchangesLine>(line)
                .map_err(|e| bad(e.to_string()))?
                .exchanges;
        }
        Ok(case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Exchange, LedgerSummary, RecordedRequest, Summary};
    use crate::redact::Redactor;

    fn case(id: &str, body: &str) -> CaseResult {
        CaseResult {
            id: id.into(),
            service: "codecatalyst".into(),
            operation: "ListAccessTokens".into(),
            title: String::new(),
            level: crate::vocab::Level::Must,
            tags: vec![],
            file: "f.yaml".into(),
            line: 1,
            status: Status::Pass,
            duration_ms: 1,
            failures: vec![],
            error: None,
            skip_reason: None,
            cleanup_warnings: vec![],
            exchanges: vec![Exchange {
                step: 1,
                operation: "ListAccessTokens".into(),
                request: RecordedRequest {
                    method: "POST".into(),
                    url: "http://x/".into(),
                    headers: vec![],
                    body: body.into(),
                },
                response: None,
                elapsed_ms: 0,
            }],
            retries: vec![],
            generated: vec![],
        }
    }

    #[test]
    fn a_secret_learned_later_is_scrubbed_from_earlier_cases() -> Result<(), HarnessError> {
        let dir = std::env::temp_dir().join(format!("journal-{}", std::process::id()));
        let redactor = Redactor::with_names(vec![]);
        let mut writer = JournalWriter::new(&dir);
        writer.on_event(&RunEvent::RunStarted {
            run_id: "r",
            total: 2,
            endpoints: &[],
        })?;
        let late = "late-secret-0123456789";
        writer.on_event(&RunEvent::CaseFinished {
            result: &case("b", &format!("saw {late} early")),
            learned: 0,
        })?;
        writer.on_event(&RunEvent::CaseFinished {
            result: &case("a", "nothing"),
            learned: 0,
        })?;
        writer.on_event(&RunEvent::RunFinished {
            summary: Summary::default(),
            interrupted: false,
            duration: std::time::Duration::ZERO,
            ledger: &LedgerSummary::default(),
        })?;
        redactor.add(late);
        let journal = writer.finish(&Scrubber::new(redactor))?;
        let text = std::fs::read_to_string(journal.path()).unwrap_or_default();
        assert!(
            !text.contains(late) && text.contains("saw <redacted> early"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 6, "{text}");
        let names: Vec<_> = journal.briefs().iter().map(|b| b.id.as_str()).collect();
        assert_eq!(names, ["a", "b"], "sorted by full name");
        let b = journal.load(&journal.briefs()[1], true)?;
        assert_eq!(b.exchanges[0].request.body, "saw <redacted> early");
        assert!(journal
            .load(&journal.briefs()[1], false)?
            .exchanges
            .is_empty());
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn a_journal_clean_of_later_secrets_is_kept_as_written() -> Result<(), HarnessError> {
        use std::os::unix::fs::MetadataExt;
        let dir = std::env::temp_dir().join(format!("journal-kept-{}", std::process::id()));
        let redactor = Redactor::with_names(vec![]);
        let mut writer = JournalWriter::create(&dir).map_err(|source| HarnessError::Io {
            path: dir.clone(),
            source,
        })?;
        writer.on_event(&RunEvent::RunStarted {
            run_id: "r",
            total: 2,
            endpoints: &[],
        })?;
        redactor.add("first-secret-0123456789");
        writer.on_event(&RunEvent::CaseFinished {
            result: &case("b", "body of b"),
            learned: redactor.learned(),
        })?;
        redactor.add("second-secret-0123456789");
        writer.on_event(&RunEvent::CaseFinished {
            result: &case("a", "body of a"),
            learned: 0,
        })?;
        let path = dir.join(JOURNAL_FILE);
        let inode = std::fs::metadata(&path).map(|m| m.ino()).unwrap_or(0);
        let journal = writer.finish(&Scrubber::new(redactor))?;
        assert_eq!(
            std::fs::metadata(&path).map(|m| m.ino()).unwrap_or(1),
            inode,
            "not rewritten"
        );
        let names: Vec<_> = journal.briefs().iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            names,
            ["a", "b"],
            "indexed while written, sorted by full name"
        );
        for (brief, body) in journal.briefs().iter().zip(["body of a", "body of b"]) {
            let case = journal.load(brief, true)?;
            assert_eq!(case.exchanges[0].request.body, body);
            assert_eq!(case.status, brief.status);
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}

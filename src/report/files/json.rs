//! `report.json`: the whole run, machine-readable and versioned
//! (`specs/report.schema.json`). Every other format is rendered from it, so a merged
//! report (`report merge`) renders exactly like a whole run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use std::io::Write;

use crate::error::HarnessError;
use crate::outcome::{CaseResult, LedgerSummary, Summary};
use crate::report::compare::baseline::Comparison;
use crate::report::journal::{CaseSource, InMemory};
use crate::runner::{Reporter, RunEvent};

/// The version of the report format; bumped on incompatible changes.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The contents of `report.json`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonReport {
    /// Format version.
    pub format_version: u32,
    /// Run id.
    pub run_id: String,
    /// Endpoint per service.
    pub endpoints: Vec<(String, String)>,
    /// `K/N` when the run was one shard; merged reports list every shard they hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<String>,
    /// Cases per verdict.
    pub summary: Summary,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
    /// Wall time (merged reports: the longest shard).
    pub duration_ms: u64,
    /// What the run created on the target and did not delete.
    #[serde(default)]
    pub ledger: LedgerSummary,
    /// Every case, sorted by full name.
    pub cases: Vec<CaseResult>,
    /// The comparison with a baseline, when the run had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Comparison>,
    /// The tool and version that ran (`pat-conformance 0.1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Which suite ran (built-in or from folders, with the embedded suite's
    /// fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    /// When the run started (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// The documented topics of every operation that ran (errors, input constraints,
    /// behaviours) and the ids of the cases that cover each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<CoverageTopic>,
}

/// One documented topic of an operation and the cases covering it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageTopic {
    /// The service of the operation.
    pub service: String,
    /// The operation the topic belongs to.
    pub operation: String,
    /// `error`, `constraint` or `behaviour`.
    pub kind: String,
    /// The error name, `<member>.<kind>`, or the behaviour id.
    pub topic: String,
    /// Ids of the cases that cover it.
    pub cases: Vec<String>,
}

impl JsonReport {
    /// An empty report for run `run_id`.
    pub fn new(run_id: &str) -> JsonReport {
        JsonReport {
            format_version: REPORT_FORMAT_VERSION,
            run_id: run_id.to_string(),
            endpoints: vec![],
            shards: vec![],
            summary: Summary::default(),
            interrupted: false,
            duration_ms: 0,
            ledger: LedgerSummary::default(),
            cases: vec![],
            baseline: None,
            tool: None,
            suite: None,
            started_at: None,
            coverage: vec![],
        }
    }

    /// Reads a `report.json`, checking its format version.
    pub fn load(path: &Path) -> Result<JsonReport, HarnessError> {
        let bad = |reason: String| {
            HarnessError::from(crate::error::InputError::Report {
                path: path.to_path_buf(),
                reason,
            })
        };
        let text = crate::yaml::read_capped(path, crate::yaml::MAX_REPORT)
            .map_err(|e| bad(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let version = value
            .get("format_version")
            .and_then(serde_json::Value::as_u64);
        if version != Some(REPORT_FORMAT_VERSION as u64) {
            return Err(bad(format!(
                "format_version {version:?} is not {REPORT_FORMAT_VERSION}"
            )));
        }
        let mut track = serde_path_to_error::Track::new();
        let de = serde_path_to_error::Deserializer::new(value, &mut track);
        JsonReport::deserialize(de).map_err(|e| bad(format!("field `{}`: {e}", track.path())))
    }

    /// Recomputes the counts from the cases.
    pub fn recount(&mut self) {
        let mut summary = Summary::default();
        for case in &self.cases {
            summary.add(case.status);
        }
        self.summary = summary;
    }
}

/// The JSON Schema of `report.json` (what `specs/report.schema.json` holds).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(JsonReport)).unwrap_or_default()
}

/// Collects a run into a [`JsonReport`], readable through [`ReportCollector::report`]
/// after the run.
#[derive(Clone)]
pub struct ReportCollector {
    report: Arc<Mutex<JsonReport>>,
}

impl ReportCollector {
    /// A collector for a run.
    pub fn new() -> Self {
        ReportCollector {
            report: Arc::new(Mutex::new(JsonReport::new(""))),
        }
    }

    /// The report so far (whole once the run finished).
    pub fn report(&self) -> JsonReport {
        self.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Default for ReportCollector {
    fn default() -> Self {
        ReportCollector::new()
    }
}

impl Reporter for ReportCollector {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        let mut report = self.report.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            RunEvent::RunStarted {
                run_id, endpoints, ..
            } => {
                report.run_id = run_id.to_string();
                report.endpoints = endpoints.to_vec();
            }
            RunEvent::CaseFinished { result, .. } => report.cases.push((*result).clone()),
            RunEvent::RunFinished {
                summary,
                interrupted,
                duration,
                ledger,
            } => {
                report.ledger = (*ledger).clone();
                report.summary = *summary;
                report.interrupted = *interrupted;
                report.duration_ms = duration.as_millis() as u64;
                report.cases.sort_by_key(|c| c.full_name());
            }
            RunEvent::CaseStarted { .. } => {}
        }
        Ok(())
    }
}

/// The files [`write_all`] writes, by name.
pub const REPORT_FILES: [&str; 4] = ["report.json", "junit.xml", "report.md", "report.html"];

/// Writes `report.json`, `junit.xml`, `report.md` and `report.html` into `dir`.
pub fn write_all(dir: &Path, report: &JsonReport) -> Result<Vec<PathBuf>, HarnessError> {
    write_reports(dir, report, &InMemory::new(&report.cases))
}

/// Writes the report files into `dir` from a report's head (its `cases` are not read)
/// and its cases, streaming: one case per file being written is in memory at a time.
/// `report.json` is written on a thread of its own beside the other three: each reads
/// every case back, and a run's reports were written on one core.
pub fn write_reports(
    dir: &Path,
    head: &JsonReport,
    cases: &(dyn CaseSource + Sync),
) -> Result<Vec<PathBuf>, HarnessError> {
    std::fs::create_dir_all(dir).map_err(|source| HarnessError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let (first, rest) = REPORT_FILES.split_at(1);
    let (first, rest) = std::thread::scope(|scope| {
        let json = scope.spawn(|| write_files(dir, first, head, cases));
        let rest = write_files(dir, rest, head, cases);
        let first = json
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, rest)
    });
    // The first failure in file order, as when they were written one after another.
    let mut written = first?;
    written.extend(rest?);
    Ok(written)
}

/// Writes the report files `names` into `dir`, in order.
fn write_files(
    dir: &Path,
    names: &[&str],
    head: &JsonReport,
    cases: &dyn CaseSource,
) -> Result<Vec<PathBuf>, HarnessError> {
    let mut written = Vec::new();
    for &name in names {
        let path = dir.join(name);
        let io = |source| HarnessError::Io {
            path: path.clone(),
            source,
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
        match name {
            "report.json" => {
                let streamed = Streamed { head, cases };
                serde_json::to_writer(&mut out, &streamed)
                    .map_err(|e| io(std::io::Error::other(e)))?;
            }
            "junit.xml" => {
                let text = crate::report::files::junit::render_from(head, cases)?;
                out.write_all(text.as_bytes()).map_err(io)?;
            }
            "report.md" => {
                let text = crate::report::files::markdown::render_from(head, cases)?;
                out.write_all(text.as_bytes()).map_err(io)?;
            }
            _ => crate::report::files::html::write(head, cases, &mut out).map_err(io)?,
        }
        out.flush().map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

/// `report.json` with its cases read one at a time from a [`CaseSource`]. Serialises
/// exactly like [`JsonReport`] (a test compares the two).
struct Streamed<'a> {
    head: &'a JsonReport,
    cases: &'a dyn CaseSource,
}

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let h = self.head;
        let mut st = s.serialize_struct("JsonReport", 10)?;
        st.serialize_field("format_version", &h.format_version)?;
        st.serialize_field("run_id", &h.run_id)?;
        st.serialize_field("endpoints", &h.endpoints)?;
        if h.shards.is_empty() {
            st.skip_field("shards")?;
        } else {
            st.serialize_field("shards", &h.shards)?;
        }
        st.serialize_field("summary", &h.summary)?;
        st.serialize_field("interrupted", &h.interrupted)?;
        st.serialize_field("duration_ms", &h.duration_ms)?;
        st.serialize_field("ledger", &h.ledger)?;
        st.serialize_field("cases", &StreamedCases(self.cases))?;
        match &h.baseline {
            Some(b) => st.serialize_field("baseline", b)?,
            None => st.skip_field("baseline")?,
        }
        st.end()
    }
}

struct StreamedCases<'a>(&'a dyn CaseSource);

impl Serialize for StreamedCases<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let briefs = self.0.briefs();
        let mut seq = s.serialize_seq(Some(briefs.len()))?;
        for brief in briefs {
            let case = self.0.load(brief, true).map_err(S::Error::custom)?;
            seq.serialize_element(&case)?;
        }
        seq.end()
    }
}

/// Writes a file, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), HarnessError> {
    let io = |source| HarnessError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)
}

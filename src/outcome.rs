//! What a case run produced: its status, every violated check, and the exchanges.

use serde::{Deserialize, Serialize};

use crate::vocab::Level;

/// The verdict on one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every check held.
    Pass,
    /// The target broke the contract.
    Fail,
    /// A harness problem: bad case, refused connection, timeout.
    Error,
    /// A capability or profile value is missing.
    Skip,
}

impl Status {
    /// The status as written in report.json (`pass`, `fail`, `error`, `skip`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skip => "skip",
        }
    }

    /// Upper-case label for terminals.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::Skip => "SKIP",
        }
    }
}

/// The kind of check that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// Success where an error was expected, or the reverse.
    Outcome,
    /// HTTP status.
    Status,
    /// Response Content-Type.
    ContentType,
    /// Error type on the wire.
    ErrorType,
    /// The body is not JSON.
    Body,
    /// The body against the output or error schema.
    Schema,
    /// A case assertion.
    Assertion,
    /// A capture found nothing.
    Capture,
    /// The paginator did not end or repeated itself.
    Pagination,
}

impl CheckKind {
    /// The kind's name, as in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Outcome => "outcome",
            CheckKind::Status => "status",
            CheckKind::ContentType => "content-type",
            CheckKind::ErrorType => "error-type",
            CheckKind::Body => "body",
            CheckKind::Schema => "schema",
            CheckKind::Assertion => "assertion",
            CheckKind::Capture => "capture",
            CheckKind::Pagination => "pagination",
        }
    }
}

/// One violated check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Failure {
    /// 1-based step number.
    pub step: usize,
    /// The step's operation.
    pub operation: String,
    /// What kind of check.
    pub check: CheckKind,
    /// What went wrong.
    pub message: String,
    /// Expected value (rendered), for diffs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Actual value (rendered), for diffs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// `should` for a finding the documents only imply (an output constraint, free
    /// text, a check of a `should` case); absent means `must`.
    #[serde(default, skip_serializing_if = "Level::is_must")]
    pub level: Level,
    /// For a failed assertion: the line of the case file it is written on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// A request as sent (secrets redacted).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `PUT`.
    pub method: String,
    /// The whole URL the request went to (query included).
    pub url: String,
    /// Header names and values as sent; credentials masked.
    pub headers: Vec<(String, String)>,
    /// Body as text.
    pub body: String,
}

/// A response as received (secrets redacted).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordedResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values as received; echoed credentials masked.
    pub headers: Vec<(String, String)>,
    /// Body as text.
    pub body: String,
}

/// One call tried again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Retry {
    /// The step (0 for a cleanup).
    pub step: usize,
    /// The operation called.
    pub operation: String,
    /// The attempt that got the transient answer (1 is the first).
    pub attempt: u32,
    /// What it got: `HTTP 429 ThrottlingException`, `HTTP 503`, a connection error.
    pub reason: String,
    /// How long the runner waited before the next attempt.
    pub waited_ms: u64,
}

/// One request/response pair.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Exchange {
    /// 1-based step number (cleanup calls use 0).
    pub step: usize,
    /// The operation the step called.
    pub operation: String,
    /// The request.
    pub request: RecordedRequest,
    /// The response, if one came.
    pub response: Option<RecordedResponse>,
    /// Round-trip time in milliseconds.
    pub elapsed_ms: u64,
}

/// The result of one case.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// The service the case belongs to (`codecatalyst`, `workmail`).
    pub service: String,
    /// The operation the case is filed under.
    pub operation: String,
    /// One line saying what the case checks.
    pub title: String,
    /// must / should.
    pub level: Level,
    /// Tags for selecting cases (`--tag`), e.g. `pagination`, `generated`.
    pub tags: Vec<String>,
    /// Case file and line.
    pub file: String,
    /// Line of the case in its file.
    pub line: u64,
    /// Pass, fail, error (a harness problem) or skip.
    pub status: Status,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Violated checks (status `fail`).
    #[serde(default)]
    pub failures: Vec<Failure>,
    /// The harness problem (status `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the case was skipped (status `skip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Cleanup calls that did not succeed (resources possibly left on the target).
    #[serde(default)]
    pub cleanup_warnings: Vec<String>,
    /// Every exchange, in order.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// Calls that were tried again after a transient answer (throttling, 5xx, a lost
    /// connection); a case that passed with retries says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retries: Vec<Retry>,
    /// Values the case made up at random (`${uuid}`, `${hex:N}`, `${alnum:N}`): `diff`
    /// shows them as placeholders, so two conforming runs show no change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generated: Vec<String>,
}

impl CaseResult {
    /// This result without its exchanges (everything else cloned): what reports that
    /// show no exchanges need, and the `case` line of the journal.
    pub fn without_exchanges(&self) -> CaseResult {
        CaseResult {
            id: self.id.clone(),
            service: self.service.clone(),
            operation: self.operation.clone(),
            title: self.title.clone(),
            level: self.level,
            tags: self.tags.clone(),
            file: self.file.clone(),
            line: self.line,
            status: self.status,
            duration_ms: self.duration_ms,
            failures: self.failures.clone(),
            error: self.error.clone(),
            skip_reason: self.skip_reason.clone(),
            cleanup_warnings: self.cleanup_warnings.clone(),
            exchanges: Vec::new(),
            retries: self.retries.clone(),
            generated: self.generated.clone(),
        }
    }

    /// `service::Operation::id`.
    pub fn full_name(&self) -> String {
        format!("{}::{}::{}", self.service, self.operation, self.id)
    }
}

/// Counts over a run.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Summary {
    /// Cases that conformed.
    pub passed: usize,
    /// Cases where the target broke the contract.
    pub failed: usize,
    /// Cases the harness could not finish (not a verdict on the target).
    pub errors: usize,
    /// Cases the target profile could not serve (a missing identity, var or capability).
    pub skipped: usize,
}

impl Summary {
    /// Adds one result.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Error => self.errors += 1,
            Status::Skip => self.skipped += 1,
        }
    }

    /// What decides the exit of a finished run with these counts.
    pub fn findings(&self, interrupted: bool) -> crate::exit::Findings {
        crate::exit::Findings {
            interrupted,
            harness_errors: self.errors,
            failures: self.failed,
            ..Default::default()
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// What a run created on the target and whether it deleted it again: the cleanup
/// ledger, checked against a final listing. Every create is entered before it is sent,
/// so a lost answer is accounted for; after the cases, each identity's listing is read
/// and whatever carries the run id is deleted, so the closing line says what a listing
/// showed, not what the run assumed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LedgerSummary {
    /// Creates known to have taken effect (answered, or found by listing).
    pub created: usize,
    /// Of those, deleted again (the undo call answered success).
    pub deleted: usize,
    /// Of those, already gone when the undo call came (it answered "not found"): the
    /// case deleted it itself, or the create named something other than what it made
    /// (then the final listing finds it by name).
    #[serde(default)]
    pub not_found: usize,
    /// The final listing, when the run created anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<FinalListing>,
    /// What may still be on the target, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<LeftBehind>,
}

/// What the listings read after every case had ended showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FinalListing {
    /// The listings read: `service as identity`.
    pub listed: Vec<String>,
    /// Items carrying the run id that were still listed after the cases' cleanups.
    pub found: usize,
    /// Of those, deleted by the final sweep.
    pub swept: usize,
    /// Items carrying the run id listed at the very end (0 when the run left nothing
    /// it can recognise).
    pub still_listed: usize,
    /// Listings that could not be read, with the reason: there nothing is verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
}

/// Something a run may have left on the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeftBehind {
    /// The case that created it.
    pub case: String,
    /// The create operation.
    pub operation: String,
    /// The identity it was created as.
    pub identity: String,
    /// What identifies it (its name or id).
    pub what: String,
    /// Why it is not known to be gone.
    pub reason: String,
}

impl LedgerSummary {
    /// The run's closing line about what it left behind. "Nothing left" is said only
    /// when no create is unaccounted for and the final listing (when the run created
    /// anything) showed none of this run's items.
    pub fn line(&self) -> String {
        let mut head = format!(
            "cleanup: created {}, deleted {}",
            self.created, self.deleted
        );
        if self.not_found > 0 {
            head.push_str(&format!(" ({} already gone)", self.not_found));
        }
        let mut listing = String::new();
        if let Some(l) = &self.listing {
            if l.found > 0 {
                listing.push_str(&format!(
                    "found {} more of this run's and deleted {}, then ",
                    l.found, l.swept
                ));
            }
            listing.push_str(&match (l.still_listed, l.unverified.is_empty()) {
                (0, true) => "shows none of this run's".to_string(),
                (0, false) => "shows none of this run's where it could be read".to_string(),
                (n, _) => format!("still shows {n} of this run's"),
            });
        }
        let mut out = match (&self.listing, self.clean()) {
            (None, true) => format!("{head}, nothing left on the target"),
            (Some(_), true) => {
                format!("{head}, nothing left on the target (the final listing {listing})")
            }
            (None, false) => head,
            (Some(_), false) => format!("{head}; the final listing {listing}"),
        };
        if !self.left.is_empty() {
            out.push_str(&format!("; {} may be left on the target:", self.left.len()));
        }
        if let Some(l) = &self.listing {
            for why in &l.unverified {
                out.push_str(&format!("\n  not verified: {why}"));
            }
        }
        for l in &self.left {
            out.push_str(&format!(
                "\n  {} {} as {} ({}): {}",
                l.operation, l.what, l.identity, l.case, l.reason
            ));
        }
        out
    }

    /// Whether the run is known to have left nothing: no create unaccounted for, and
    /// the final listing (when there was one) read everywhere and showing none.
    pub fn clean(&self) -> bool {
        self.left.is_empty()
            && self
                .listing
                .as_ref()
                .is_none_or(|l| l.still_listed == 0 && l.unverified.is_empty())
    }

    /// Adds another shard's ledger.
    pub fn absorb(&mut self, other: &LedgerSummary) {
        self.created += other.created;
        self.deleted += other.deleted;
        self.not_found += other.not_found;
        if let Some(theirs) = &other.listing {
            let ours = self.listing.get_or_insert_with(FinalListing::default);
            ours.listed.extend(theirs.listed.iter().cloned());
            ours.found += theirs.found;
            ours.swept += theirs.swept;
            ours.still_listed += theirs.still_listed;
            ours.unverified.extend(theirs.unverified.iter().cloned());
        }
        self.left.extend(other.left.iter().cloned());
    }
}

//! `junit.xml`, via quick-junit: a test suite per operation, a test case per case.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::json::write_file;
use crate::error::HarnessError;
use crate::outcome::{CaseResult, Status};
use crate::runner::{Reporter, RunEvent};

/// Writes `junit.xml` when the run finishes.
pub struct JunitReporter {
    path: PathBuf,
    run_id: String,
    results: Vec<CaseResult>,
}

impl JunitReporter {
    /// A reporter writing to `path`.
    pub fn new(path: PathBuf) -> Self {
        JunitReporter {
            path,
            run_id: String::new(),
            results: vec![],
        }
    }
}

fn test_case(r: &CaseResult) -> TestCase {
    let status = match r.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(r.skip_reason.clone().unwrap_or_default());
            s
        }
        Status::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = r
                .failures
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            s.set_message(format!("[{}] {first}", r.level.as_str()));
            s.set_type("contract");
            let details: Vec<String> = r.failures.iter().map(super::render_failure).collect();
            s.set_description(format!("{}:{}\n{}", r.file, r.line, details.join("\n")));
            s
        }
        Status::Error => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(r.error.clone().unwrap_or_default());
            s.set_type("harness");
            s
        }
    };
    let mut case = TestCase::new(r.id.clone(), status);
    case.set_classname(format!("{}.{}", r.service, r.operation));
    case.set_time(Duration::from_millis(r.duration_ms));
    case
}

impl Reporter for JunitReporter {
    fn on_event(&mut self, event: &RunEvent<'_>) -> Result<(), HarnessError> {
        match event {
            RunEvent::RunStarted { run_id, .. } => self.run_id = run_id.to_string(),
            RunEvent::CaseFinished { result } => self.results.push((*result).clone()),
            RunEvent::RunFinished { duration, .. } => {
                let mut suites: BTreeMap<String, Vec<&CaseResult>> = BTreeMap::new();
                for r in &self.results {
                    suites
                        .entry(format!("{}::{}", r.service, r.operation))
                        .or_default()
                        .push(r);
                }
                let mut report = Report::new(format!("pat-conformance {}", self.run_id));
                report.set_time(*duration);
                for (name, mut results) in suites {
                    results.sort_by_key(|r| r.id.clone());
                    let mut suite = TestSuite::new(name);
                    suite.add_test_cases(results.into_iter().map(test_case));
                    report.add_test_suite(suite);
                }
                let xml = report.to_string().map_err(|e| HarnessError::Io {
                    path: self.path.clone(),
                    source: std::io::Error::other(e),
                })?;
                write_file(&self.path, xml.as_bytes())?;
            }
        }
        Ok(())
    }
}

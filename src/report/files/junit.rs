//! `junit.xml`, via quick-junit: a test suite per operation, a test case per case
//! with the `file` and `line` it is written at.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::error::HarnessError;
use crate::outcome::{CaseResult, Status};
use crate::report::journal::{CaseSource, InMemory};
use crate::report::JsonReport;

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
            let details: Vec<String> = r
                .failures
                .iter()
                .map(crate::report::render_failure)
                .collect();
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
    // Where the case is written: GitHub and GitLab test views annotate with these.
    if !r.file.is_empty() {
        case.extra.insert("file".into(), r.file.clone().into());
        case.extra.insert("line".into(), r.line.to_string().into());
    }
    case
}

/// `junit.xml` for a report: a test suite per operation, a test case per case.
pub fn render(report: &JsonReport) -> Result<String, HarnessError> {
    render_from(report, &InMemory::new(&report.cases))
}

/// `junit.xml` from a report's head and its cases, read one at a time (without their
/// exchanges, which JUnit does not show).
pub(crate) fn render_from(
    head: &JsonReport,
    cases: &dyn CaseSource,
) -> Result<String, HarnessError> {
    let mut suites: BTreeMap<String, Vec<TestCase>> = BTreeMap::new();
    let mut briefs: Vec<_> = cases.briefs().iter().collect();
    briefs.sort_by(|a, b| a.id.cmp(&b.id));
    for brief in briefs {
        let r = cases.load(brief, false)?;
        suites
            .entry(format!("{}::{}", r.service, r.operation))
            .or_default()
            .push(test_case(&r));
    }
    let mut junit = Report::new(format!("pat-conformance {}", head.run_id));
    junit.set_time(Duration::from_millis(head.duration_ms));
    for (name, tests) in suites {
        let mut suite = TestSuite::new(name);
        suite.add_test_cases(tests);
        junit.add_test_suite(suite);
    }
    junit.to_string().map_err(|e| HarnessError::Io {
        path: "junit.xml".into(),
        source: std::io::Error::other(e),
    })
}

//! `junit.xml`, via quick-junit: a test suite per operation, a test case per case.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::JsonReport;
use crate::outcome::{CaseResult, Status};

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

/// `junit.xml` for a report: a test suite per operation, a test case per case.
pub fn render(report: &JsonReport) -> Result<String, quick_junit::SerializeError> {
    let mut suites: BTreeMap<String, Vec<&CaseResult>> = BTreeMap::new();
    for r in &report.cases {
        suites
            .entry(format!("{}::{}", r.service, r.operation))
            .or_default()
            .push(r);
    }
    let mut junit = Report::new(format!("pat-conformance {}", report.run_id));
    junit.set_time(Duration::from_millis(report.duration_ms));
    for (name, mut results) in suites {
        results.sort_by_key(|r| r.id.clone());
        let mut suite = TestSuite::new(name);
        suite.add_test_cases(results.into_iter().map(test_case));
        junit.add_test_suite(suite);
    }
    junit.to_string()
}

//! `report merge`: one whole-run report from the reports of several shards.

use std::collections::BTreeSet;

use crate::error::InputError;
use crate::report::JsonReport;

/// Merges shard reports; a case may appear in only one of them.
pub fn merge(reports: Vec<JsonReport>) -> Result<JsonReport, InputError> {
    let mut iter = reports.into_iter();
    let Some(mut merged) = iter.next() else {
        return Err(InputError::Merge("no reports given".into()));
    };
    merged.baseline = None;
    let mut run_ids = vec![merged.run_id.clone()];
    let mut seen: BTreeSet<String> = merged.cases.iter().map(|c| c.full_name()).collect();
    for report in iter {
        for case in report.cases {
            if !seen.insert(case.full_name()) {
                return Err(InputError::Merge(format!(
                    "case {} is in more than one report",
                    case.full_name()
                )));
            }
            merged.cases.push(case);
        }
        for endpoint in report.endpoints {
            if !merged.endpoints.contains(&endpoint) {
                merged.endpoints.push(endpoint);
            }
        }
        merged.shards.extend(report.shards);
        // Each shard covered topics with its own cases: the union of both.
        for topic in report.coverage {
            let same = merged.coverage.iter_mut().find(|t| {
                (&t.service, &t.operation, &t.kind, &t.topic)
                    == (&topic.service, &topic.operation, &topic.kind, &topic.topic)
            });
            match same {
                Some(t) => {
                    t.cases.extend(topic.cases);
                    t.cases.sort();
                    t.cases.dedup();
                }
                None => merged.coverage.push(topic),
            }
        }
        merged.ledger.absorb(&report.ledger);
        merged.interrupted |= report.interrupted;
        merged.duration_ms = merged.duration_ms.max(report.duration_ms);
        if !run_ids.contains(&report.run_id) {
            run_ids.push(report.run_id);
        }
    }
    merged.run_id = run_ids.join("+");
    merged.shards.sort();
    merged.shards.dedup();
    merged.cases.sort_by_key(|c| c.full_name());
    merged.recount();
    Ok(merged)
}

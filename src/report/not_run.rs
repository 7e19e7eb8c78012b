//! The sentence every surface (console, report.md, the step summary) says when cases
//! did not run: `205 of 318 not run: 74 the target profile has no var …; …`, grouped
//! by reason, most first. A run that skipped says so in words, never only in a count.

use std::collections::BTreeMap;

/// `N of TOTAL not run: …`, or `None` when every case ran.
pub(crate) fn not_run_line(total: usize, skips: &BTreeMap<String, usize>) -> Option<String> {
    let n: usize = skips.values().sum();
    if n == 0 {
        return None;
    }
    let mut groups: Vec<(&String, &usize)> = skips.iter().collect();
    groups.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = groups.iter().map(|(r, k)| format!("{k} {r}")).collect();
    Some(format!("{n} of {total} not run: {}", parts.join("; ")))
}

/// The same sentence for a finished report, from its cases' skip reasons.
pub(crate) fn of_report(
    summary: &crate::outcome::Summary,
    briefs: &[crate::report::journal::Brief],
) -> Option<String> {
    let mut skips = BTreeMap::new();
    for b in briefs
        .iter()
        .filter(|b| b.status == crate::outcome::Status::Skip)
    {
        *skips
            .entry(b.skip_reason.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    let total = summary.passed + summary.failed + summary.errors + summary.skipped;
    not_run_line(total, &skips)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_are_counted_against_the_whole_and_grouped_most_first() {
        let skips = BTreeMap::from([("b".to_string(), 1), ("a".to_string(), 3)]);
        assert_eq!(
            not_run_line(10, &skips).as_deref(),
            Some("4 of 10 not run: 3 a; 1 b")
        );
        assert_eq!(not_run_line(10, &BTreeMap::new()), None);
    }
}

//! Choosing which cases run.

use crate::case::Case;
use crate::vocab::Level;

/// Case filters; an empty list matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only cases of these services (empty: every service).
    pub services: Vec<String>,
    /// Only cases of these operations (empty: every operation).
    pub operations: Vec<String>,
    /// Tags (a case matches if it has any).
    pub tags: Vec<String>,
    /// Tags to leave out.
    pub exclude_tags: Vec<String>,
    /// Case ids (exact).
    pub ids: Vec<String>,
    /// Only cases of these levels (empty: both).
    pub levels: Vec<Level>,
}

impl Filter {
    /// Whether `case` is selected.
    pub fn matches(&self, case: &Case) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        any(&self.services, &case.service)
            && any(&self.operations, &case.operation)
            && any(&self.ids, &case.id)
            && (self.tags.is_empty() || case.tags.iter().any(|t| self.tags.contains(t)))
            && !case.tags.iter().any(|t| self.exclude_tags.contains(t))
            && (self.levels.is_empty() || self.levels.contains(&case.level))
    }

    /// Whether some generated case could match: `false` when the filter excludes the
    /// `generated` tag, asks only for tags no generated case carries, or names only
    /// ids outside the generated `gen-` prefix. Then a run does not make them: for a
    /// run of 40 case files they were a tenth of its instructions.
    pub fn may_select_generated(&self) -> bool {
        use crate::generate::{GENERATED_PREFIX, GENERATED_TAG, GENERATED_TAGS};
        let excluded = self.exclude_tags.iter().any(|t| t == GENERATED_TAG);
        let tag_outside = !self.tags.is_empty()
            && !self
                .tags
                .iter()
                .any(|t| GENERATED_TAGS.contains(&t.as_str()));
        let id_outside =
            !self.ids.is_empty() && !self.ids.iter().any(|id| id.starts_with(GENERATED_PREFIX));
        !(excluded || tag_outside || id_outside)
    }
}

/// Shard `k` of `n` (1-based): the cases sorted by full name, every `n`-th from the
/// `k`-th. Deterministic for a given set of cases; the shards of one `n` partition it.
pub fn shard(mut cases: Vec<Case>, k: usize, n: usize) -> Vec<Case> {
    cases.sort_by_key(|c| c.full_name());
    cases
        .into_iter()
        .enumerate()
        .filter(|(i, _)| n > 0 && i % n == k.saturating_sub(1))
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Filter;
    use crate::generate::generated_cases;

    fn filter(tags: &[&str], exclude: &[&str], ids: &[&str]) -> Filter {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Filter {
            tags: own(tags),
            exclude_tags: own(exclude),
            ids: own(ids),
            ..Filter::default()
        }
    }

    /// The shortcut is only right if it never drops a case the filter would select:
    /// for each filter it calls hopeless, no generated case of the built-in contract
    /// matches, and for each it keeps, one does.
    #[test]
    fn a_filter_said_to_select_no_generated_case_selects_none() {
        let suite = crate::suite::Suite::bundled().expect("the built-in suite loads");
        let generated = generated_cases(&suite.contract).expect("generated cases resolve");
        assert!(!generated.is_empty());
        let none = [
            filter(&["bench"], &[], &[]),
            filter(&["smoke", "destructive"], &[], &[]),
            filter(&[], &["generated"], &[]),
            filter(&["boundary"], &["generated"], &[]),
            filter(&[], &[], &["cc-create-basic"]),
        ];
        for f in &none {
            assert!(!f.may_select_generated(), "{f:?}");
            assert!(!generated.iter().any(|c| f.matches(c)), "{f:?}");
        }
        let id = generated[0].id.clone();
        let some = [
            Filter::default(),
            filter(&["boundary"], &[], &[]),
            filter(&["fault", "bench"], &[], &[]),
            filter(&["protocol"], &["destructive"], &[]),
            filter(&[], &[], &[id.as_str()]),
        ];
        for f in &some {
            assert!(f.may_select_generated(), "{f:?}");
            assert!(generated.iter().any(|c| f.matches(c)), "{f:?}");
        }
    }
}

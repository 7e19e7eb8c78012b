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

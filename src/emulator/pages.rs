//! Opaque pagination tokens: an offset bound to the listing it came from.

fn fingerprint(scope: &str) -> u32 {
    // FNV-1a: stable across runs, so a token only fits the listing that issued it.
    scope.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// The token for the page starting at `offset` of the listing `scope`.
pub(crate) fn encode(scope: &str, offset: usize) -> String {
    format!("pg1{:08x}{:08x}", fingerprint(scope), offset)
}

/// The offset a token stands for, if it was issued for `scope`.
pub(crate) fn decode(scope: &str, token: &str) -> Option<usize> {
    let rest = token.strip_prefix("pg1")?;
    if rest.len() != 16 || u32::from_str_radix(&rest[..8], 16).ok()? != fingerprint(scope) {
        return None;
    }
    usize::from_str_radix(&rest[8..], 16).ok()
}

/// One page of `items` starting at `offset`, and the next token if more remain.
pub(crate) fn page<T: Clone>(
    scope: &str,
    items: &[T],
    offset: usize,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let end = offset.saturating_add(size).min(items.len());
    let page = items
        .get(offset..end)
        .map(<[T]>::to_vec)
        .unwrap_or_default();
    let next = (end < items.len()).then(|| encode(scope, end));
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_scoped() {
        let t = encode("alice", 10);
        assert_eq!(decode("alice", &t), Some(10));
        assert_eq!(decode("bob", &t), None);
        assert_eq!(decode("alice", "garbage"), None);
        let (p, next) = page("s", &[1, 2, 3], 0, 2);
        assert_eq!(p, vec![1, 2]);
        assert_eq!(
            page("s", &[1, 2, 3], decode("s", &next.unwrap()).unwrap(), 2),
            (vec![3], None)
        );
    }
}

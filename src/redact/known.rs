//! The secrets a run has learned, indexed for one pass over any text: each secret is
//! kept with its encoded forms (JSON-escaped, percent- and base64-encoded), indexed by
//! its first bytes, and every occurrence in a text is masked as one span.

use std::collections::HashSet;

use super::{MASK, MIN_SECRET_LEN};

/// Bits (as a power of two) in the filter over the windows that start a known form,
/// to begin with; it doubles whenever a sixteenth of its bits would be set, so a run
/// that learned 10,000 secrets rejects positions as cheaply as one that learned ten.
const FILTER_BITS_LOG2: u32 = 16;

/// The first [`MIN_SECRET_LEN`] bytes of `bytes` as a number.
fn window(bytes: &[u8]) -> u64 {
    let mut w = 0u64;
    for b in &bytes[..MIN_SECRET_LEN] {
        w = (w << 8) | u64::from(*b);
    }
    w
}

/// A cheap hash of a window, for a filter of `2^log2` bits.
fn filter_bit(w: u64, log2: u32) -> usize {
    (w.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - log2)) as usize
}

/// The known secrets, each as is and JSON-escaped once and twice, indexed by their
/// first [`MIN_SECRET_LEN`] bytes. A search looks at each position of the text once
/// (a bit test rejects almost every one) and compares whole forms only where a known
/// form starts, so it takes time linear in the text and independent of how many
/// secrets a run learned; memory is the forms themselves and a small index. (An
/// Aho-Corasick automaton rebuilt as secrets arrive cost quadratic time, or, built in
/// tiers, about 3 KB per secret while building: 30 MB at 10,000 cases.)
pub(super) struct Known {
    pub(super) values: HashSet<String>,
    forms: Vec<String>,
    /// Where each secret's forms begin in `forms`, in the order they were learned.
    firsts: Vec<u32>,
    starts: std::collections::HashMap<u64, Vec<u32>>,
    filter: Vec<u64>,
    filter_log2: u32,
}

impl Default for Known {
    fn default() -> Known {
        Known {
            values: HashSet::new(),
            forms: Vec::new(),
            firsts: Vec::new(),
            starts: std::collections::HashMap::new(),
            filter: vec![0; (1 << FILTER_BITS_LOG2) / 64],
            filter_log2: FILTER_BITS_LOG2,
        }
    }
}

impl Known {
    pub(super) fn insert(&mut self, secret: &str) -> bool {
        if !self.values.insert(secret.to_string()) {
            return false;
        }
        self.firsts.push(self.forms.len() as u32);
        // As is, and as a JSON string holds it once or twice escaped (a document
        // inside a string of a journal line).
        let once = escape(secret);
        if once != secret {
            self.index(escape(&once));
            self.index(once.clone());
        }
        self.index(secret.to_string());
        for form in encoded_forms(secret) {
            if form != secret && form != once {
                self.index(form);
            }
        }
        true
    }

    fn index(&mut self, form: String) {
        let w = window(form.as_bytes());
        if self.starts.len() * 16 >= 1 << self.filter_log2 {
            self.grow_filter();
        }
        self.set_filter(w);
        self.starts
            .entry(w)
            .or_default()
            .push(self.forms.len() as u32);
        self.forms.push(form);
    }

    fn set_filter(&mut self, w: u64) {
        let bit = filter_bit(w, self.filter_log2);
        self.filter[bit / 64] |= 1 << (bit % 64);
    }

    /// Twice the bits, every known window set again: the share of positions that pass
    /// the filter stays under a sixteenth.
    fn grow_filter(&mut self) {
        self.filter_log2 += 1;
        self.filter = vec![0; (1usize << self.filter_log2) / 64];
        let windows: Vec<u64> = self.starts.keys().copied().collect();
        for w in windows {
            self.set_filter(w);
        }
    }

    /// Every occurrence of every form, overlapping ones included.
    pub(super) fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.spans_from(0, text)
    }

    /// Whether a secret learned after the first `learned` ones is in `text`: a text
    /// scrubbed when the run knew `learned` secrets holds none of those.
    pub(super) fn holds_since(&self, learned: usize, text: &str) -> bool {
        match self.firsts.get(learned) {
            Some(&first) => !self.spans_from(first, text).is_empty(),
            None => false,
        }
    }

    /// Every occurrence of the forms from `first` on.
    fn spans_from(&self, first: u32, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        if self.forms.len() <= first as usize || bytes.len() < MIN_SECRET_LEN {
            return spans;
        }
        let mut w = window(bytes);
        let mask = (1u64 << (8 * MIN_SECRET_LEN)) - 1;
        for at in 0..=bytes.len() - MIN_SECRET_LEN {
            if at > 0 {
                w = ((w << 8) | u64::from(bytes[at + MIN_SECRET_LEN - 1])) & mask;
            }
            let bit = filter_bit(w, self.filter_log2);
            if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            for &i in self.starts.get(&w).into_iter().flatten() {
                if i < first {
                    continue;
                }
                let form = self.forms[i as usize].as_bytes();
                if bytes[at..].starts_with(form) {
                    spans.push((at, at + form.len()));
                }
            }
        }
        spans
    }

    /// `text` with the union of all occurrences masked: where two secrets overlap,
    /// no character of either survives.
    pub(super) fn replace(&self, text: &str) -> String {
        let spans = self.spans(text);
        if spans.is_empty() {
            return text.to_string();
        }
        // Spans come in order of their start.
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut iter = spans.into_iter().peekable();
        while let Some((start, mut end)) = iter.next() {
            while let Some(&(s, e)) = iter.peek() {
                if s > end {
                    break;
                }
                end = end.max(e);
                iter.next();
            }
            if start >= at {
                out.push_str(&text[at..start]);
                out.push_str(MASK);
            }
            at = at.max(end);
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Characters that percent-encoders leave as they are (RFC 3986 unreserved). Encoders
/// differ on the rest, so forms are made with this set and with every
/// non-alphanumeric character escaped, in upper- and lowercase hex.
pub(super) const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The shortest base64 run worth masking: a shorter one matches by chance.
const MIN_BASE64_FORM: usize = 12;

/// The secret as a target may echo it encoded: percent-encoded (a query string, a
/// form body, `Signature%3D…`), and base64 inside any base64 text (standard and
/// URL-safe alphabets, at each of the three byte alignments it can start at; only the
/// characters that depend on the secret alone, so one or two characters at either end
/// of the masked run may stay).
fn encoded_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut forms = Vec::new();
    for set in [UNRESERVED, percent_encoding::NON_ALPHANUMERIC] {
        let upper = percent_encoding::utf8_percent_encode(secret, set).to_string();
        let lower = lower_hex_escapes(&upper);
        forms.push(upper);
        forms.push(lower);
    }
    let bytes = secret.as_bytes();
    for skip in 0..3 {
        let Some(rest) = bytes.get(skip..) else { break };
        let whole = &rest[..rest.len() / 3 * 3];
        for engine in [
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ] {
            let form = engine.encode(whole);
            if form.len() >= MIN_BASE64_FORM {
                forms.push(form);
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// `%2F` → `%2f`: the hex digits of every escape in lowercase.
pub(super) fn lower_hex_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            out.extend(chars.by_ref().take(2).map(|h| h.to_ascii_lowercase()));
        }
    }
    out
}

/// `text` as the inside of a JSON string.
pub(super) fn escape(text: &str) -> String {
    let quoted = serde_json::Value::from(text).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter keeps rejecting positions as secrets accumulate: with 20,000 learned
    /// (about 60,000 forms, which would set most bits of a fixed 65,536-bit filter),
    /// under a tenth of the bits are set, and every secret is still found.
    #[test]
    fn filter_stays_sparse_as_secrets_accumulate() {
        let mut known = Known::default();
        let secrets: Vec<String> = (0..20_000)
            .map(|i| format!("{}-{i:05}", uuid::Uuid::new_v4().simple()))
            .collect();
        for s in &secrets {
            known.insert(s);
        }
        let set: u32 = known.filter.iter().map(|w| w.count_ones()).sum();
        let share = f64::from(set) / (known.filter.len() * 64) as f64;
        assert!(share < 0.1, "{share:.3} of the filter's bits are set");
        for s in [&secrets[0], &secrets[9_999], &secrets[19_999]] {
            let text = format!("before {s} after");
            assert_eq!(known.replace(&text), format!("before {MASK} after"));
        }
    }
}

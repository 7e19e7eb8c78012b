//! The secrets a run has learned, indexed for one pass over any text: each secret is
//! kept with its encoded forms (JSON-escaped, percent- and base64-encoded), indexed by
//! a few bytes from its middle, and every occurrence in a text is masked as one span.

use std::collections::HashMap;
use std::collections::HashSet;

use super::{MASK, MIN_SECRET_LEN};

/// Bits (as a power of two) in the filter over the grams that index a known form, to
/// begin with; it doubles whenever a sixteenth of its bits would be set, so a run that
/// learned 10,000 secrets rejects positions as cheaply as one that learned ten.
const FILTER_BITS_LOG2: u32 = 16;

/// Bytes of text read at each position a search looks at.
const GRAM: usize = 4;

/// A search looks at every `STRIDE`th position of a text only. Every form is at least
/// [`MIN_SECRET_LEN`] bytes long and is indexed by its grams at `STRIDE` consecutive
/// offsets, so wherever a form starts, exactly one of the positions looked at reads one
/// of its indexed grams: a third of the positions, where every position was hashed.
const STRIDE: usize = 3;

const _: () = assert!(STRIDE + GRAM - 1 <= MIN_SECRET_LEN);

/// `GRAM` bytes as a number.
fn gram(bytes: &[u8]) -> u32 {
    let mut w = [0u8; GRAM];
    w.copy_from_slice(&bytes[..GRAM]);
    u32::from_le_bytes(w)
}

/// A cheap hash of a gram, for a filter of `2^log2` bits.
fn filter_bit(w: u32, log2: u32) -> usize {
    (u64::from(w).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - log2)) as usize
}

/// Where a form may start when a search reads an indexed gram: the form, and the
/// gram's offset in it; `next` chains the entries of one gram (`u32::MAX` ends it).
struct Entry {
    form: u32,
    offset: u32,
    next: u32,
}

/// The known secrets, each as is and JSON-escaped once and twice (and encoded),
/// indexed by grams from the middle of each form (so secrets that share a prefix, such
/// as `pat_`, do not share index entries). A search reads a gram at every third
/// position of the text (a bit test rejects almost every one) and compares whole forms
/// only where an indexed gram is, so it takes time linear in the text and independent
/// of how many secrets a run learned; memory is the forms themselves and a small index.
/// (An Aho-Corasick automaton rebuilt as secrets arrive cost quadratic time, or, built
/// in tiers, about 3 KB per secret while building: 30 MB at 10,000 cases.)
pub(super) struct Known {
    pub(super) values: HashSet<String>,
    forms: Vec<String>,
    /// Where each secret's forms begin in `forms`, in the order they were learned.
    firsts: Vec<u32>,
    /// The last entry of each indexed gram.
    heads: HashMap<u32, u32>,
    entries: Vec<Entry>,
    filter: Vec<u64>,
    filter_log2: u32,
}

impl Default for Known {
    fn default() -> Known {
        Known {
            values: HashSet::new(),
            forms: Vec::new(),
            firsts: Vec::new(),
            heads: HashMap::new(),
            entries: Vec::new(),
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

    /// Indexes `form` (at least [`MIN_SECRET_LEN`] bytes: every secret and each of its
    /// forms is) by its grams at `STRIDE` consecutive offsets around its middle.
    fn index(&mut self, form: String) {
        let bytes = form.as_bytes();
        let middle = (bytes.len() - (STRIDE + GRAM - 1)) / 2;
        let id = self.forms.len() as u32;
        for offset in middle..middle + STRIDE {
            let w = gram(&bytes[offset..]);
            if self.heads.len() * 16 >= 1 << self.filter_log2 {
                self.grow_filter();
            }
            self.set_filter(w);
            let next = self.heads.get(&w).copied().unwrap_or(u32::MAX);
            self.heads.insert(w, self.entries.len() as u32);
            self.entries.push(Entry {
                form: id,
                offset: offset as u32,
                next,
            });
        }
        self.forms.push(form);
    }

    fn set_filter(&mut self, w: u32) {
        let bit = filter_bit(w, self.filter_log2);
        self.filter[bit / 64] |= 1 << (bit % 64);
    }

    /// Twice the bits, every indexed gram set again: the share of positions that pass
    /// the filter stays under a sixteenth.
    fn grow_filter(&mut self) {
        self.filter_log2 += 1;
        self.filter = vec![0; (1usize << self.filter_log2) / 64];
        let grams: Vec<u32> = self.heads.keys().copied().collect();
        for w in grams {
            self.set_filter(w);
        }
    }

    /// Every occurrence of every form, overlapping ones included, in order of start.
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

    /// Every occurrence of the forms from `first` on, in order of start.
    fn spans_from(&self, first: u32, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        if self.forms.len() <= first as usize || bytes.len() < MIN_SECRET_LEN {
            return spans;
        }
        for (n, chunk) in bytes.windows(GRAM).step_by(STRIDE).enumerate() {
            let w = gram(chunk);
            let bit = filter_bit(w, self.filter_log2);
            if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            let at = n * STRIDE;
            let mut next = self.heads.get(&w).copied().unwrap_or(u32::MAX);
            while let Some(entry) = self.entries.get(next as usize) {
                next = entry.next;
                let Some(start) = at.checked_sub(entry.offset as usize) else {
                    continue;
                };
                if entry.form < first {
                    continue;
                }
                let form = self.forms[entry.form as usize].as_bytes();
                if bytes[start..].starts_with(form) {
                    spans.push((start, start + form.len()));
                }
            }
        }
        // Found where their indexed gram is, not where they start.
        spans.sort_unstable();
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

    /// Every occurrence of every form, found by comparing each form at each position.
    fn naive(known: &Known, text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        for at in 0..text.len() {
            for form in &known.forms {
                if text.as_bytes()[at..].starts_with(form.as_bytes()) {
                    spans.push((at, at + form.len()));
                }
            }
        }
        spans.sort_unstable();
        spans
    }

    /// The search looks at every third position only: a form is still found at every
    /// alignment, at the very start and end of a text, of the shortest length, beside
    /// and across others, and among secrets that share a prefix.
    #[test]
    fn every_occurrence_is_found_at_every_alignment() {
        let mut known = Known::default();
        let secrets = [
            "abcdef",
            "pat_0123456789",
            "pat_0123456780",
            "pat_01234567",
            "x\"y\\z/w+=",
            "ZZZZZZZZ",
        ];
        for s in secrets {
            known.insert(s);
        }
        for s in secrets {
            for pad in 0..7 {
                for tail in 0..4 {
                    let text = format!("{}{s}{}", "-".repeat(pad), ".".repeat(tail));
                    assert_eq!(known.spans(&text), naive(&known, &text), "{text:?}");
                    assert_eq!(known.replace(&text).matches(MASK).count(), 1, "{text:?}");
                }
            }
        }
        let text = "pat_0123456789pat_0123456780 abcdefabcdef ZZZZZZZZZZZ pat_01234567";
        assert_eq!(known.spans(text), naive(&known, text));
        assert!(!known.replace(text).contains("pat_0"));
        // Shorter than the shortest form, or holding only part of one.
        assert!(known.spans("abcde").is_empty());
        assert!(known.spans("pat_0123456").is_empty());
    }

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

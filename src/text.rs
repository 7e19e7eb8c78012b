//! Shortening text for people: long values in messages, long lists in tables.

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// `text` cut to `max` characters, ending in `…` when cut.
pub(crate) fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// `text` cut to at most `max` bytes (on a character boundary), with a marker saying
/// how long it was.
pub(crate) fn clip_bytes(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [truncated: {} bytes in all]", &text[..end], text.len())
}

/// The first `limit` items, each through `show`, then `+N more`, joined by `, `.
pub(crate) fn head(items: &[String], limit: usize, show: impl Fn(&str) -> String) -> String {
    let mut shown: Vec<String> = items.iter().take(limit).map(|i| show(i)).collect();
    if items.len() > limit {
        shown.push(format!("+{} more", items.len() - limit));
    }
    shown.join(", ")
}

/// At most `max` characters of `line` around byte `at`, marked `…` where cut: what a
/// diagnostic quotes of a line that may be megabytes long.
pub(crate) fn excerpt(line: &str, at: usize, max: usize) -> String {
    if line.chars().count() <= max {
        return line.to_string();
    }
    let mut start = at.saturating_sub(max / 2).min(line.len());
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    let body: String = line[start..].chars().take(max).collect();
    let head = if start > 0 { "…" } else { "" };
    let tail = if start + body.len() < line.len() {
        "…"
    } else {
        ""
    };
    format!("{head}{body}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_and_heads() {
        assert_eq!(clip("abcdef".into(), 4), "abc…");
        assert_eq!(clip("abc".into(), 4), "abc");
        assert_eq!(
            clip_bytes("aé".repeat(3), 5),
            "aéa… [truncated: 9 bytes in all]"
        );
        assert_eq!(clip_bytes("abc".into(), 4), "abc");
        let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(head(&items, 2, |s| format!("`{s}`")), "`a`, `b`, +1 more");
        assert_eq!(head(&items, 3, str::to_string), "a, b, c");
    }
}

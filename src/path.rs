//! Paths into a JSON body: a JSON pointer whose segments may also be `*` (every element
//! of an array or object) or `[member=value]` (the array elements whose `member` equals
//! `value`, compared as text).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Any,
    Filter { member: String, value: String },
}

/// A parsed path.
/// A path that does not parse, or whose variables cannot be filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PathError {
    /// Not empty and not starting with `/`.
    #[error("path `{0}` must be empty or start with `/`")]
    NoSlash(String),
    /// A JSON pointer not empty and not starting with `/`.
    #[error("`{0}` must be empty or start with `/`")]
    PointerNoSlash(String),
    /// `[…]` that is not `[member=value]`.
    #[error("filter `{0}` must be `[member=value]`")]
    BadFilter(String),
    /// `~` followed by anything but 0 or 1.
    #[error("`{0}`: `~` must be followed by 0 or 1 (`~0` is ~, `~1` is /)")]
    BadEscape(String),
    /// A variable in a key or filter that could not be filled in.
    #[error("{0}")]
    Expand(String),
}

/// Where a message is all that is wanted (diagnostics quote it).
impl From<PathError> for String {
    fn from(e: PathError) -> String {
        e.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PointerPattern {
    segments: Vec<Segment>,
}

impl PointerPattern {
    /// Parses `""` (the whole body) or `/a/*/[id=x]/b`.
    pub(crate) fn parse(text: &str) -> Result<PointerPattern, PathError> {
        Self::parse_with(text, |s| Ok::<_, PathError>(s.to_string()))
    }

    /// Parses a path whose keys and filter values may hold `${…}` variables, expanding
    /// them with `expand` only after the path is split: a value the target sent (an id
    /// with `/`, `]` or `=` in it) is matched literally and can never break the path.
    pub(crate) fn parse_with<E: std::fmt::Display>(
        text: &str,
        expand: impl Fn(&str) -> Result<String, E>,
    ) -> Result<PointerPattern, PathError> {
        let expand = |s: &str| expand(s).map_err(|e| PathError::Expand(e.to_string()));
        if text.is_empty() {
            return Ok(PointerPattern { segments: vec![] });
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PathError::NoSlash(text.to_string()));
        };
        let segments = split_segments(rest)
            .into_iter()
            .map(|seg| {
                if seg == "*" {
                    Ok(Segment::Any)
                } else if seg.starts_with('[') || seg.ends_with(']') {
                    let inner = seg
                        .strip_prefix('[')
                        .and_then(|s| s.strip_suffix(']'))
                        .ok_or_else(|| PathError::BadFilter(seg.to_string()))?;
                    let (member, value) = inner
                        .split_once('=')
                        .filter(|(m, _)| !m.is_empty())
                        .ok_or_else(|| PathError::BadFilter(seg.to_string()))?;
                    Ok(Segment::Filter {
                        member: expand(member)?,
                        value: expand(value)?,
                    })
                } else {
                    check_pointer(&format!("/{seg}"))?;
                    Ok(Segment::Key(expand(
                        &seg.replace("~1", "/").replace("~0", "~"),
                    )?))
                }
            })
            .collect::<Result<_, PathError>>()?;
        Ok(PointerPattern { segments })
    }

    /// Every value the path reaches, with its concrete JSON pointer.
    pub(crate) fn select<'v>(&self, root: &'v Value) -> Vec<(String, &'v Value)> {
        let mut current = vec![(String::new(), root)];
        for seg in &self.segments {
            let mut next = Vec::new();
            for (ptr, value) in current {
                match (seg, value) {
                    (Segment::Key(k), Value::Object(map)) => {
                        if let Some(v) = map.get(k) {
                            next.push((format!("{ptr}/{}", escape(k)), v));
                        }
                    }
                    (Segment::Key(k), Value::Array(items)) => {
                        if let Some(v) = k.parse::<usize>().ok().and_then(|i| items.get(i)) {
                            next.push((format!("{ptr}/{k}"), v));
                        }
                    }
                    (Segment::Any, Value::Array(items)) => next.extend(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (format!("{ptr}/{i}"), v)),
                    ),
                    (Segment::Any, Value::Object(map)) => {
                        next.extend(map.iter().map(|(k, v)| (format!("{ptr}/{}", escape(k)), v)))
                    }
                    (
                        Segment::Filter {
                            member,
                            value: want,
                        },
                        Value::Array(items),
                    ) => next.extend(items.iter().enumerate().filter_map(|(i, v)| {
                        let got = v.get(member)?;
                        let got = got.as_str().map(str::to_string).unwrap_or(got.to_string());
                        (got == *want).then(|| (format!("{ptr}/{i}"), v))
                    })),
                    _ => {}
                }
            }
            current = next;
        }
        current
    }
}

/// Splits at `/`, except inside `${…}` (a variable reference is never cut in two).
fn split_segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut depth) = (0, 0usize);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b'/' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// JSON pointer syntax (RFC 6901): empty, or `/` segments where `~` is only `~0`/`~1`.
pub(crate) fn check_pointer(pointer: &str) -> Result<(), PathError> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(PathError::PointerNoSlash(pointer.to_string()));
    }
    let mut chars = pointer.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err(PathError::BadEscape(pointer.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_keys_wildcards_and_filters() {
        let body = json!({"items": [{"id": "a", "n": 1}, {"id": "b", "n": 2}], "x/y": 3});
        let p = |s: &str| PointerPattern::parse(s).unwrap();
        assert_eq!(p("/items/1/id").select(&body)[0].1, &json!("b"));
        assert_eq!(p("/items/*/n").select(&body).len(), 2);
        let hit = p("/items/[id=b]/n").select(&body);
        assert_eq!(hit, vec![("/items/1/n".to_string(), &json!(2))]);
        assert!(p("/items/[id=c]").select(&body).is_empty());
        assert_eq!(p("/x~1y").select(&body)[0].1, &json!(3));
        assert_eq!(p("").select(&body).len(), 1);
    }

    #[test]
    fn variables_expand_after_the_split() {
        let body = json!({"items": [{"id": "a/b]=c", "n": 1}]});
        let expand = |s: &str| Ok::<_, PathError>(s.replace("${id}", "a/b]=c"));
        let p = PointerPattern::parse_with("/items/[id=${id}]/n", expand).unwrap();
        assert_eq!(p.select(&body)[0].1, &json!(1));
    }

    #[test]
    fn rejects_malformed_paths() {
        assert!(PointerPattern::parse("items").is_err());
        assert!(PointerPattern::parse("/items/[id]").is_err());
    }
}

//! The constrained members of an operation's input, read from the schema document.

use serde_json::{Map, Value};

use super::OperationSpec;

/// A kind of constraint, as named in coverage (`<member>.<kind>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ConstraintKind {
    Required,
    Type,
    Length,
    Range,
    Pattern,
    Format,
}

impl ConstraintKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Required => "required",
            ConstraintKind::Type => "type",
            ConstraintKind::Length => "length",
            ConstraintKind::Range => "range",
            ConstraintKind::Pattern => "pattern",
            ConstraintKind::Format => "format",
        }
    }
}

/// One input member with its constraints, `$ref`s followed.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) required: bool,
    /// Bound to a URI label (restJson1): always present, never typed or empty.
    pub(crate) label: bool,
    /// Sent as text in the query string or a header (restJson1): its JSON type does
    /// not show on the wire, so there is no wrong-type case for it.
    pub(crate) outside_body: bool,
    /// Every member of the protocol travels as text (awsQuery's form): a string cannot
    /// have the wrong type, a number or flag only as text that does not read as one.
    pub(crate) as_text: bool,
    /// `pattern`, compiled once per process when the members are first read (the
    /// generator tests candidate values against it); `None` when the regex crate cannot
    /// compile it.
    pub(crate) pattern_re: Option<Pattern>,
    pub(crate) ty: Option<String>,
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) minimum: Option<i64>,
    pub(crate) maximum: Option<i64>,
    pub(crate) pattern: Option<String>,
    /// A value of allowed length that breaks `pattern`, found once when the member is
    /// read (see [`Member::pattern_violation`]).
    violation: Option<String>,
    pub(crate) format: Option<String>,
    /// The `x-source` notes met on the way, nearest first.
    pub(crate) source: String,
}

impl Member {
    /// The constraint of `kind`, in words, for the coverage matrix.
    pub(crate) fn describe(&self, kind: ConstraintKind) -> String {
        let bounds = |lo: Option<String>, hi: Option<String>| {
            format!("{}..{}", lo.unwrap_or_default(), hi.unwrap_or_default())
        };
        match kind {
            ConstraintKind::Required => "required".into(),
            ConstraintKind::Type => self.ty.clone().unwrap_or_default(),
            ConstraintKind::Length => format!(
                "length {}",
                bounds(
                    self.min_length.map(|n| n.to_string()),
                    self.max_length.map(|n| n.to_string())
                )
            ),
            ConstraintKind::Range => format!(
                "range {}",
                bounds(
                    self.minimum.map(|n| n.to_string()),
                    self.maximum.map(|n| n.to_string())
                )
            ),
            ConstraintKind::Pattern => {
                format!("pattern {}", self.pattern.clone().unwrap_or_default())
            }
            ConstraintKind::Format => format!("format {}", self.format.clone().unwrap_or_default()),
        }
    }

    /// The constraint kinds this member has, each a coverage topic.
    pub(crate) fn kinds(&self) -> Vec<ConstraintKind> {
        let mut kinds = Vec::new();
        if self.required && !self.label {
            kinds.push(ConstraintKind::Required);
        }
        let text_string = self.as_text && self.ty.as_deref() == Some("string");
        if self.ty.is_some() && !self.label && !self.outside_body && !text_string {
            kinds.push(ConstraintKind::Type);
        }
        if self.min_length.is_some() || self.max_length.is_some() {
            kinds.push(ConstraintKind::Length);
        }
        if self.minimum.is_some() || self.maximum.is_some() {
            kinds.push(ConstraintKind::Range);
        }
        // A pattern every string matches (WorkMail's NextToken: `[\S\s]*|…`) constrains
        // nothing: no case can break it, so it is no topic either.
        if self.pattern_violation().is_some() {
            kinds.push(ConstraintKind::Pattern);
        }
        if self.format.is_some() {
            kinds.push(ConstraintKind::Format);
        }
        kinds
    }

    /// A string of allowed length that does not match the pattern, if the probes find
    /// one (punctuation, space, `<`, letters).
    pub(crate) fn pattern_violation(&self) -> Option<&str> {
        self.violation.as_deref()
    }
}

/// A string of allowed length that does not match `pattern`, if the probes find one
/// (punctuation, space, `<`, letters).
fn probe(re: &Pattern, min_length: Option<u64>) -> Option<String> {
    let n = min_length.unwrap_or(1).max(1) as usize;
    ["!", " ", "<", "a"]
        .iter()
        .map(|c| c.repeat(n))
        .find(|s| !re.is_match(s))
}

/// A member's pattern, compiled for what the generator tries against it: ASCII probes
/// and samples. Its classes are compiled over ASCII, which matches ASCII text exactly
/// as the Unicode classes do and compiles about ten times faster (IAM's `[\w+=,.@-]+`
/// took a millisecond, at every start); other text is matched with the full pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    source: String,
    ascii: Option<regex::bytes::Regex>,
    /// The full pattern, compiled when text that is not ASCII first meets it.
    unicode: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// `None` when the regex crate cannot compile `source`.
    fn new(source: &str) -> Option<Pattern> {
        let ascii = regex::bytes::RegexBuilder::new(source)
            .unicode(false)
            .build()
            .ok();
        let unicode = std::sync::OnceLock::new();
        if ascii.is_none() {
            // Unicode classes (`\p{L}`) need Unicode: compile it now to know it does.
            let _ = unicode.set(Some(regex::Regex::new(source).ok()?));
        }
        Some(Pattern {
            source: source.to_string(),
            ascii,
            unicode,
        })
    }

    /// Whether `text` matches (anywhere, as JSON Schema's `pattern` does).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match &self.ascii {
            Some(re) if text.is_ascii() => re.is_match(text.as_bytes()),
            _ => self
                .unicode
                .get_or_init(|| regex::Regex::new(&self.source).ok())
                .as_ref()
                .is_some_and(|re| re.is_match(text)),
        }
    }
}

/// `pattern` compiled, once per process: operations share members (IAM's five all take
/// `UserName`).
fn compiled(pattern: &str) -> Option<Pattern> {
    type Cache = std::collections::HashMap<String, Option<Pattern>>;
    static CACHE: std::sync::OnceLock<std::sync::Mutex<Cache>> = std::sync::OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| Pattern::new(pattern))
        .clone()
}

/// The longest string a generated case holds; length limits above it get no edge cases.
pub(crate) const MAX_GENERATED_LENGTH: u64 = 64 * 1024;

/// The members of `op`'s input shape, in schema order (read once per service, when a
/// command first asks: see [`super::Service::input_members`]).
pub(crate) fn read_members(
    shapes: &Map<String, Value>,
    op: &OperationSpec,
    as_text: bool,
) -> Vec<Member> {
    let Some(input) = shapes.get(&op.input).map(|s| follow(shapes, s)) else {
        return vec![];
    };
    let required: Vec<&str> = input
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let labels = op.http.labels();
    let Some(props) = input.get("properties").and_then(Value::as_object) else {
        return vec![];
    };
    props
        .iter()
        .map(|(name, schema)| {
            let s = follow(shapes, schema);
            let uint = |k: &str| s.get(k).and_then(Value::as_u64);
            let int = |k: &str| s.get(k).and_then(Value::as_i64);
            let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
            let pattern_re = text("pattern").and_then(|p| compiled(&p));
            Member {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                label: labels.contains(&name.as_str()),
                outside_body: op.http.query.contains_key(name)
                    || op.http.headers.contains_key(name),
                as_text,
                pattern_re: pattern_re.clone(),
                ty: text("type"),
                // Longer edges would be allocations of that size: not generated.
                min_length: uint("minLength").filter(|n| *n <= MAX_GENERATED_LENGTH),
                max_length: uint("maxLength").filter(|n| *n <= MAX_GENERATED_LENGTH),
                minimum: int("minimum"),
                maximum: int("maximum"),
                violation: pattern_re.as_ref().and_then(|re| {
                    probe(re, uint("minLength").filter(|n| *n <= MAX_GENERATED_LENGTH))
                }),
                pattern: text("pattern"),
                format: text("format"),
                source: text("x-source").unwrap_or_default(),
            }
        })
        .collect()
}

/// A schema with its `$ref` chain merged in (the nearer keyword wins).
fn follow(shapes: &Map<String, Value>, schema: &Value) -> Map<String, Value> {
    let mut merged = Map::new();
    let mut current = Some(schema);
    let mut hops = 0;
    while let Some(Value::Object(map)) = current {
        for (k, v) in map {
            if k != "$ref" && !merged.contains_key(k) {
                merged.insert(k.clone(), v.clone());
            }
        }
        current = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| shapes.get(name));
        hops += 1;
        if hops > 16 {
            break;
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_outside_the_body_have_no_wrong_type_topic() {
        let member = |outside_body| Member {
            name: "maxResults".into(),
            required: true,
            label: false,
            outside_body,
            as_text: false,
            pattern_re: None,
            ty: Some("integer".into()),
            min_length: None,
            max_length: None,
            minimum: Some(1),
            maximum: None,
            pattern: None,
            violation: None,
            format: None,
            source: String::new(),
        };
        assert!(member(false).kinds().contains(&ConstraintKind::Type));
        let in_query = member(true).kinds();
        assert!(!in_query.contains(&ConstraintKind::Type));
        assert!(in_query.contains(&ConstraintKind::Required));
        assert!(in_query.contains(&ConstraintKind::Range));
    }

    #[test]
    fn a_pattern_matches_as_its_unicode_regex_does() {
        let patterns = [
            r"[\w+=,.@-]+",
            r"^[\w]+$",
            "[\u{20}-\u{FF}]+",
            r"[^\x00-\x1F\x7F\x3C\x3E\x5C]+",
            r"^m-[0-9a-f]{32}$",
            r"[\S\s]*|[a-zA-Z0-9/+=]{1,1024}",
            r"^\p{L}+$",
            r"^.$",
            r"(?i)^abc\s\d$",
        ];
        let texts = [
            "", "!", " ", "<", "a", "abc", "ABC 1", "é", "ÿ", "Ā", "日本", "a\u{85}b", "x\ny",
        ];
        for p in patterns {
            let full = regex::Regex::new(p).unwrap();
            let ours = Pattern::new(p).unwrap();
            for t in texts {
                assert_eq!(ours.is_match(t), full.is_match(t), "{p} against {t:?}");
            }
        }
        // The ASCII form is the one used for ASCII text, where it is cheaper; the
        // Unicode one is compiled when other text first comes, and kept.
        let user = Pattern::new(r"[\w+=,.@-]+").unwrap();
        assert!(user.ascii.is_some() && user.unicode.get().is_none());
        assert!(user.is_match("é") && user.unicode.get().is_some_and(Option::is_some));
        assert!(Pattern::new(r"(").is_none());
    }

    #[test]
    fn refs_are_followed_and_the_nearer_keyword_wins() {
        let shapes = json!({
            "Name": {"x-source": "shape", "type": "string", "maxLength": 5},
        });
        let shapes = shapes.as_object().unwrap();
        let m = follow(
            shapes,
            &json!({"$ref": "#/$defs/Name", "x-source": "member"}),
        );
        assert_eq!(m["x-source"], "member");
        assert_eq!(m["maxLength"], 5);
    }
}

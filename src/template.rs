//! `${…}` variables in case values: run-unique values, profile values and captures.
//!
//! | syntax | value |
//! |---|---|
//! | `${run_id}` | the run's id |
//! | `${case_uid}` | unique per case execution (use it in names) |
//! | `${case_uid:N}` | exactly N characters holding the case uid (padded with `a`), or, when N is too short for it, the run id; below the run id's 21 characters, random letters and digits |
//! | `${uuid}` | a fresh UUID at every use |
//! | `${hex:N}`, `${alnum:N}` | N fresh random lowercase hex digits / letters and digits (1 ≤ N ≤ 4096) |
//! | `${now}`, `${now+365d}`, `${now-1h}` | an RFC 3339 UTC time relative to now |
//! | `${profile.NAME}` | a value from the target profile's `vars` |
//! | `${NAME}` | a value captured by an earlier step |
//!
//! `$${` writes a literal `${`. A string that is exactly one variable takes the
//! variable's JSON type (a captured number stays a number).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A variable reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VarRef {
    RunId,
    CaseUid,
    /// Exactly `len` characters carrying as much of the run's identity as fits.
    CaseUidOf {
        len: usize,
    },
    Uuid,
    /// `len` random characters from `alphabet`, fresh at every use.
    Random {
        alphabet: Alphabet,
        len: usize,
    },
    Now {
        offset_secs: i64,
    },
    Profile(String),
    Captured(String),
}

/// The characters of a random value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `0-9a-f`.
    Hex,
    /// `a-z0-9`.
    Alnum,
}

impl Alphabet {
    fn chars(self) -> &'static [u8] {
        match self {
            Alphabet::Hex => b"0123456789abcdef",
            Alphabet::Alnum => b"abcdefghijklmnopqrstuvwxyz0123456789",
        }
    }

    /// Its name in `${NAME:N}`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Alphabet::Hex => "hex",
            Alphabet::Alnum => "alnum",
        }
    }

    /// `len` random characters.
    pub(crate) fn random(self, len: usize) -> String {
        use rand::Rng;
        let chars = self.chars();
        let mut rng = rand::rng();
        (0..len)
            .map(|_| chars[rng.random_range(0..chars.len())] as char)
            .collect()
    }
}

/// The longest random value a case may ask for.
const MAX_RANDOM_LEN: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Var(VarRef),
}

/// A `${…}` that cannot be read or filled in. The messages are the case-file
/// diagnostics' and the run's, word for word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TemplateError {
    /// `${…}` holding something that is no variable.
    #[error("`{0}` is not a variable name")]
    NotAVariable(String),
    /// `${hex:N}` and the like with an unusable `N`.
    #[error("`{0}`: the length must be a whole number from 1 to {MAX_RANDOM_LEN}")]
    BadLength(String),
    /// An offset over [`MAX_OFFSET_SECS`].
    #[error("`{0}` is too far: offsets may be at most 200 years ({MAX_OFFSET_SECS}s)")]
    TooFar(String),
    /// Text that is no duration.
    #[error("`{text}` is not a duration ({why})")]
    NotADuration {
        /// What was written.
        text: String,
        /// What the parser said.
        why: String,
    },
    /// `${` without its `}`.
    #[error("unclosed `${{` in `{0}`")]
    Unclosed(String),
    /// `${now±…}` outside the representable times.
    #[error("now{0:+}s is not a representable time")]
    Unrepresentable(i64),
    /// `${profile.NAME}` that the target profile does not define.
    #[error("the profile has no var `{0}`")]
    NoProfileVar(String),
    /// `${NAME}` that no earlier step captured.
    #[error("variable `{0}` was not captured")]
    NotCaptured(String),
    /// A bound (`repeat.times`, `count`) whose variable holds no whole number.
    #[error("{var} is {value}, not a whole number")]
    NotANumber {
        /// The variable as written.
        var: String,
        /// What it holds.
        value: String,
    },
}

/// Where a message is all that is wanted (diagnostics quote it).
impl From<TemplateError> for String {
    fn from(e: TemplateError) -> String {
        e.to_string()
    }
}

fn parse_var(name: &str) -> Result<VarRef, TemplateError> {
    let name = name.trim();
    Ok(match name {
        "run_id" => VarRef::RunId,
        "case_uid" => VarRef::CaseUid,
        "uuid" => VarRef::Uuid,
        "now" => VarRef::Now { offset_secs: 0 },
        _ if name.starts_with("now+") || name.starts_with("now-") => VarRef::Now {
            offset_secs: parse_offset(&name[3..])?,
        },
        _ if name.starts_with("case_uid:") => VarRef::CaseUidOf {
            len: parse_len(name, &name["case_uid:".len()..])?,
        },
        _ if name.starts_with("hex:") || name.starts_with("alnum:") => {
            let (kind, len) = name.split_once(':').unwrap_or_default();
            let alphabet = if kind == "hex" {
                Alphabet::Hex
            } else {
                Alphabet::Alnum
            };
            let len = parse_len(name, len)?;
            VarRef::Random { alphabet, len }
        }
        _ => match name.strip_prefix("profile.") {
            Some(p) if is_ident(p) => VarRef::Profile(p.to_string()),
            _ if is_ident(name) => VarRef::Captured(name.to_string()),
            _ => return Err(TemplateError::NotAVariable(name.to_string())),
        },
    })
}

/// The `N` of `${NAME:N}`: a whole number from 1 to [`MAX_RANDOM_LEN`].
fn parse_len(name: &str, len: &str) -> Result<usize, TemplateError> {
    len.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_RANDOM_LEN).contains(n))
        .ok_or_else(|| TemplateError::BadLength(name.to_string()))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The largest time offset a case may use (about 200 years): times stay representable.
pub(crate) const MAX_OFFSET_SECS: u64 = 200 * 366 * 86_400;

/// Parses a signed offset such as `+365d`, `-1h` or `30d`, within ±[`MAX_OFFSET_SECS`].
pub(crate) fn parse_offset(s: &str) -> Result<i64, TemplateError> {
    let s = s.trim();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let secs = parse_duration(rest)?.as_secs();
    if secs > MAX_OFFSET_SECS {
        return Err(TemplateError::TooFar(s.to_string()));
    }
    Ok(sign * secs as i64)
}

/// Parses a human duration such as `365d`, `1h`, `90s` or `1day 2h`.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, TemplateError> {
    humantime::parse_duration(s.trim()).map_err(|e| TemplateError::NotADuration {
        text: s.to_string(),
        why: e.to_string(),
    })
}

fn parse(s: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        lit.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("$${") {
            lit.push_str("${");
            rest = after;
        } else if let Some(after) = rest.strip_prefix("${") {
            let end = after
                .find('}')
                .ok_or_else(|| TemplateError::Unclosed(s.to_string()))?;
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(Part::Var(parse_var(&after[..end])?));
            rest = &after[end + 1..];
        } else {
            lit.push('$');
            rest = &rest[1..];
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(parts)
}

/// Every variable referenced anywhere in `value`.
pub(crate) fn refs(value: &Value) -> Result<Vec<VarRef>, TemplateError> {
    let mut out = Vec::new();
    collect(value, &mut out)?;
    Ok(out)
}

/// Every variable referenced in a string.
/// The length of a run id (`20261122T103000Z-4f2a`): the least a `${case_uid:N}` needs
/// to carry it.
pub(crate) const RUN_ID_LEN: usize = 21;

/// Whether every value `s` expands to carries the run id (a name the final listing
/// and `sweep` can find by it).
pub(crate) fn carries_run_id(s: &str) -> bool {
    refs_in_str(s).is_ok_and(|refs| {
        refs.iter().any(|r| match r {
            VarRef::RunId | VarRef::CaseUid => true,
            VarRef::CaseUidOf { len } => *len >= RUN_ID_LEN,
            _ => false,
        })
    })
}

pub(crate) fn refs_in_str(s: &str) -> Result<Vec<VarRef>, TemplateError> {
    Ok(parse(s)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Var(v) => Some(v),
            Part::Lit(_) => None,
        })
        .collect())
}

fn collect(value: &Value, out: &mut Vec<VarRef>) -> Result<(), TemplateError> {
    match value {
        Value::String(s) => out.extend(refs_in_str(s)?),
        Value::Array(items) => items.iter().try_for_each(|v| collect(v, out))?,
        Value::Object(map) => map.values().try_for_each(|v| collect(v, out))?,
        _ => {}
    }
    Ok(())
}

/// What variables resolve to during one case execution.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) run_id: String,
    pub(crate) case_uid: String,
    pub(crate) profile: BTreeMap<String, Value>,
    pub(crate) captured: BTreeMap<String, Value>,
    /// Every value made up at random while expanding (`${uuid}`, `${hex:N}`,
    /// `${alnum:N}`, a random `${case_uid:N}`), in order: the case's result keeps them
    /// so `diff` can tell a made-up value from a change.
    pub(crate) generated: Generated,
}

/// The values a scope made up at random (shared by its clones).
#[derive(Debug, Clone, Default)]
pub(crate) struct Generated(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Generated {
    pub(crate) fn keep(&self, value: String) -> Value {
        if let Ok(mut kept) = self.0.lock() {
            kept.push(value.clone());
        }
        Value::String(value)
    }

    /// Everything kept so far.
    pub(crate) fn values(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Scope {
    fn resolve(&self, var: &VarRef) -> Result<Value, TemplateError> {
        Ok(match var {
            VarRef::RunId => Value::String(self.run_id.clone()),
            VarRef::CaseUid => Value::String(self.case_uid.clone()),
            VarRef::CaseUidOf { len } => {
                let len = *len;
                let head = [&self.case_uid, &self.run_id]
                    .into_iter()
                    .find(|h| h.len() <= len)
                    .map_or("", |h| h.as_str());
                // The uid already makes it unique: fixed padding keeps two runs'
                // answers comparable (`diff` shows the uid as a placeholder).
                if head.is_empty() {
                    return Ok(self.generated.keep(Alphabet::Alnum.random(len)));
                }
                Value::String(format!("{head}{}", "a".repeat(len - head.len())))
            }
            VarRef::Uuid => self.generated.keep(uuid::Uuid::new_v4().to_string()),
            VarRef::Random { alphabet, len } => self.generated.keep(alphabet.random(*len)),
            VarRef::Now { offset_secs } => {
                let t = OffsetDateTime::now_utc()
                    .checked_add(time::Duration::seconds(*offset_secs))
                    .ok_or(TemplateError::Unrepresentable(*offset_secs))?;
                let t = t.replace_nanosecond(0).unwrap_or(t);
                Value::String(
                    t.format(&Rfc3339)
                        .map_err(|_| TemplateError::Unrepresentable(*offset_secs))?,
                )
            }
            VarRef::Profile(name) => self
                .profile
                .get(name)
                .cloned()
                .ok_or_else(|| TemplateError::NoProfileVar(name.clone()))?,
            VarRef::Captured(name) => self
                .captured
                .get(name)
                .cloned()
                .ok_or_else(|| TemplateError::NotCaptured(name.clone()))?,
        })
    }

    /// Expands every string in `value`.
    pub(crate) fn expand(&self, value: &Value) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(s) => self.expand_str(s)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.expand(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.expand(v)?)))
                    .collect::<Result<_, TemplateError>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Expands one string; a lone variable keeps its JSON type.
    pub(crate) fn expand_str(&self, s: &str) -> Result<Value, TemplateError> {
        let parts = parse(s)?;
        if let [Part::Var(var)] = parts.as_slice() {
            return self.resolve(var);
        }
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Lit(l) => out.push_str(&l),
                Part::Var(var) => match self.resolve(&var)? {
                    Value::String(s) => out.push_str(&s),
                    other => out.push_str(&other.to_string()),
                },
            }
        }
        Ok(Value::String(out))
    }

    /// Expands a string and renders it as text.
    pub(crate) fn expand_text(&self, s: &str) -> Result<String, TemplateError> {
        Ok(match self.expand_str(s)? {
            Value::String(s) => s,
            other => other.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Scope {
        Scope {
            run_id: "r1".into(),
            case_uid: "c1".into(),
            profile: BTreeMap::from([("org".into(), json!("m-1")), ("n".into(), json!(3))]),
            captured: BTreeMap::from([("id".into(), json!("tok"))]),
            generated: Generated::default(),
        }
    }

    #[test]
    fn expands_and_keeps_types() {
        let s = scope();
        assert_eq!(s.expand_str("${profile.n}").unwrap(), json!(3));
        assert_eq!(
            s.expand_str("a-${run_id}-${case_uid}").unwrap(),
            json!("a-r1-c1")
        );
        assert_eq!(s.expand_str("$${id}").unwrap(), json!("${id}"));
        assert_eq!(s.expand_str("cost $5").unwrap(), json!("cost $5"));
        assert_eq!(
            s.expand(&json!({"x": ["${id}"]})).unwrap(),
            json!({"x": ["tok"]})
        );
    }

    #[test]
    fn now_with_offset_is_rfc3339() {
        let v = scope().expand_str("${now+1d}").unwrap();
        let t = OffsetDateTime::parse(v.as_str().unwrap(), &Rfc3339).unwrap();
        let delta = t - OffsetDateTime::now_utc();
        assert!((delta.whole_hours() - 24).abs() <= 1, "{delta}");
    }

    #[test]
    fn random_values_are_fresh_and_well_formed() {
        let s = scope();
        let a = s.expand_text("m-${hex:32}").unwrap();
        let b = s.expand_text("m-${hex:32}").unwrap();
        assert_ne!(a, b);
        assert!(
            regex::Regex::new("^m-[0-9a-f]{32}$").unwrap().is_match(&a),
            "{a}"
        );
        for (n, head) in [(40, "c1"), (2, "c1"), (1, "r")] {
            let v = s.expand_text(&format!("${{case_uid:{n}}}")).unwrap();
            assert_eq!(v.len(), n, "{v}");
            assert!(v.starts_with(head) || n < 2, "{v}");
        }
        let c = s.expand_text("${alnum:7}").unwrap();
        assert!(
            c.len() == 7
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert!(refs_in_str("${hex:0}").is_err());
        assert!(refs_in_str("${alnum:x}").is_err());
        assert!(refs_in_str("${hex:5000}").is_err());
    }

    #[test]
    fn rejects_bad_references() {
        assert!(refs_in_str("${a b}").is_err());
        assert!(refs_in_str("${oops").is_err());
        assert!(refs_in_str("${now+soon}").is_err());
        assert!(scope().expand_str("${missing}").is_err());
        assert_eq!(
            refs_in_str("${profile.x}${y}").unwrap(),
            vec![VarRef::Profile("x".into()), VarRef::Captured("y".into())]
        );
    }
}

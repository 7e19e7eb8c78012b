//! Boundary and negative values for every constrained input member.

use serde_json::{json, Value};

use super::draft::{Draft, Origin};
use crate::spec::{ConstraintKind, Member};
use crate::vocab::Level;

/// Appends the boundary cases of one operation.
pub(super) fn cases(at: &Origin, drafts: &mut Vec<Draft>) {
    for member in at.service.input_members(at.name) {
        for kind in member.kinds() {
            match kind {
                ConstraintKind::Required => required(at, member, drafts),
                ConstraintKind::Type => wrong_type(at, member, drafts),
                ConstraintKind::Length => length(at, member, drafts),
                ConstraintKind::Range => range(at, member, drafts),
                ConstraintKind::Pattern => pattern(at, member, drafts),
                ConstraintKind::Format => format(at, member, drafts),
            }
        }
    }
}

/// A draft for one value of `member`, covering `<member>.<kind>`.
fn draft(
    at: &Origin,
    member: &Member,
    kind: ConstraintKind,
    suffix: &str,
    title: String,
    value: Option<Value>,
    valid: bool,
) -> Draft {
    let expect = if valid {
        at.valid_outcome(Some(&member.name))
    } else {
        at.invalid_outcome()
    };
    let verdict = match &expect {
        crate::case::Expect::Success => "is accepted".to_string(),
        crate::case::Expect::Error(e) if valid => format!("passes validation (answer: {e})"),
        crate::case::Expect::Error(e) => format!("is rejected with {e}"),
        crate::case::Expect::ClientError => "is rejected with a client error".to_string(),
    };
    let mut d = Draft::new(
        format!("{}-{suffix}", super::kebab(&member.name)),
        format!("{} {title} {verdict}", member.name),
        expect,
    );
    d.member = Some(member.name.clone());
    d.quote = member.source.clone();
    d.covers = vec![format!("{}.{}", member.name, kind.as_str())];
    d.input = at.input_with(&member.name, value);
    d
}

fn required(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let t = "missing (a required member)".to_string();
    out.push(draft(
        at,
        m,
        ConstraintKind::Required,
        "missing",
        t,
        None,
        false,
    ));
}

fn wrong_type(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let kind = ConstraintKind::Type;
    // A protocol that sends every member as text (awsQuery's form) has no types to
    // confuse: only text that does not read as the member's type is wrong.
    let text = m.as_text;
    let (value, what) = match m.ty.as_deref() {
        Some("string") if text => return,
        Some("boolean") if text => (json!("maybe"), "as text that is not true or false"),
        Some("string") => (json!(12345), "as a JSON number instead of a string"),
        Some("integer") | Some("number") if text => (json!("five"), "as text that is not a number"),
        Some("integer") | Some("number") => (json!("5"), "as a JSON string instead of a number"),
        _ => return,
    };
    // Frameworks may answer a mistyped member with a serialization error of their own
    // instead of the modelled validation error: the model implies, not requires, it.
    let mut d = draft(at, m, kind, "wrong-type", what.into(), Some(value), false);
    d.level = Level::Should;
    out.push(d);
    if m.ty.as_deref() == Some("integer") {
        let t = "as a fraction (1.5) instead of an integer".to_string();
        let mut d = draft(at, m, kind, "not-an-integer", t, Some(json!(1.5)), false);
        d.level = Level::Should;
        out.push(d);
    }
}

/// A string of `n` characters that satisfies the member's pattern, if a simple one does.
fn filler(m: &Member, n: u64) -> Option<String> {
    ["a", "0", "A"]
        .iter()
        .map(|c| c.repeat(n as usize))
        .find(|s| matches_pattern(m, s))
}

/// `${alnum:N}` (fresh random letters and digits at every execution) when such values
/// satisfy the member's pattern: a valid value may be sent as one that names nothing,
/// and a fixed one might name something on a real target.
fn random(m: &Member, n: u64) -> Option<String> {
    let alphabet = crate::template::Alphabet::Alnum;
    let fits = ["a", "0"]
        .iter()
        .map(|c| c.repeat(n as usize))
        .chain((0..16).map(|_| alphabet.random(n as usize)))
        .all(|s| matches_pattern(m, &s));
    fits.then(|| format!("${{{}:{n}}}", alphabet.name()))
}

/// `${case_uid:N}` when `m` is the member a create is found by (`creates.find.match`)
/// and such a value fits its pattern: a token made by a length-edge case can then be
/// found and deleted if its answer is lost, and swept after a kill. Below the run id's
/// length a name cannot carry it: such a case runs alone, and what its create made is
/// told from what was there by a listing before the create (see `runner/undo.rs`).
fn run_named(at: &Origin, m: &Member, n: u64) -> Option<String> {
    let find = at.op.creates.as_ref()?.find.as_ref()?;
    if find.match_member.as_deref() != Some(m.name.as_str())
        || n < crate::template::RUN_ID_LEN as u64
        || n as usize > 4096
    {
        return None;
    }
    let sample = format!("20261122T103000Z-4f2a-0123abcd{}", "a".repeat(n as usize));
    let sample = &sample[..n as usize];
    matches_pattern(m, sample).then(|| format!("${{case_uid:{n}}}"))
}

fn matches_pattern(m: &Member, s: &str) -> bool {
    match (&m.pattern, &m.pattern_re) {
        (None, _) => true,
        (Some(_), Some(re)) => re.is_match(s),
        // A pattern the regex crate cannot compile: nothing is known to match it.
        (Some(_), None) => false,
    }
}

fn opaque(at: &Origin, m: &Member) -> bool {
    at.op.generate.opaque.contains(&m.name)
}

fn length(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let kind = ConstraintKind::Length;
    let min = m.min_length.unwrap_or(0);
    let chars = |n: u64| {
        if n == 1 {
            "character".to_string()
        } else {
            "characters".to_string()
        }
    };
    // Invalid lengths: a value of the wrong length, pattern-conforming where possible so
    // that only the length is wrong. A label cannot be empty on the wire.
    if min > 0 && !(m.label && min == 1) {
        let n = min - 1;
        let v = run_named(at, m, n)
            .or_else(|| filler(m, n))
            .unwrap_or_else(|| "a".repeat(n as usize));
        let t = format!("of {n} {} (one under the minimum {min})", chars(n));
        out.push(draft(
            at,
            m,
            kind,
            "length-below-min",
            t,
            Some(json!(v)),
            false,
        ));
    }
    if let Some(max) = m.max_length {
        let n = max + 1;
        let v = run_named(at, m, n)
            .or_else(|| filler(m, n))
            .unwrap_or_else(|| "a".repeat(n as usize));
        let t = format!("of {n} characters (one over the maximum {max})");
        out.push(draft(
            at,
            m,
            kind,
            "length-above-max",
            t,
            Some(json!(v)),
            false,
        ));
    }
    if opaque(at, m) {
        return;
    }
    let mut valid = vec![];
    if min > 0 {
        valid.push(("length-min", min, "the minimum"));
    }
    if let Some(max) = m.max_length {
        if Some(max) == m.min_length {
            valid = vec![("length-exact", max, "the only allowed length")];
        } else {
            valid.push(("length-max", max, "the maximum"));
        }
    }
    for (suffix, n, what) in valid {
        if let Some(v) = run_named(at, m, n)
            .or_else(|| random(m, n))
            .or_else(|| filler(m, n))
        {
            let t = format!("of {n} {} ({what})", chars(n));
            out.push(draft(at, m, kind, suffix, t, Some(json!(v)), true));
        }
    }
}

fn range(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let kind = ConstraintKind::Range;
    let valid = !opaque(at, m);
    if let Some(min) = m.minimum {
        if let Some(below) = min.checked_sub(1) {
            let t = format!("{below} (one under the minimum {min})");
            out.push(draft(
                at,
                m,
                kind,
                "range-below-min",
                t,
                Some(json!(below)),
                false,
            ));
        }
        if valid {
            let t = format!("{min} (the minimum)");
            out.push(draft(at, m, kind, "range-min", t, Some(json!(min)), true));
        }
    }
    if let Some(max) = m.maximum {
        if valid {
            let t = format!("{max} (the maximum)");
            out.push(draft(at, m, kind, "range-max", t, Some(json!(max)), true));
        }
        if let Some(above) = max.checked_add(1) {
            let t = format!("{above} (one over the maximum {max})");
            out.push(draft(
                at,
                m,
                kind,
                "range-above-max",
                t,
                Some(json!(above)),
                false,
            ));
        }
    }
}

fn pattern(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let Some(p) = &m.pattern else { return };
    if let Some(v) = m.pattern_violation() {
        let t = format!("of allowed length but not matching `{p}` ({v:?})");
        out.push(draft(
            at,
            m,
            ConstraintKind::Pattern,
            "pattern-violation",
            t,
            Some(json!(v)),
            false,
        ));
    }
}

fn format(at: &Origin, m: &Member, out: &mut Vec<Draft>) {
    let Some(f) = &m.format else { return };
    let t = format!("that is not a {f} (\"next tuesday\")");
    let mut d = draft(
        at,
        m,
        ConstraintKind::Format,
        "format-violation",
        t,
        Some(json!("next tuesday")),
        false,
    );
    // A timestamp that does not parse may surface as a serialization error instead.
    d.level = Level::Should;
    out.push(d);
}

//! Resolving a case's assertions: the path, the one operator and its operands
//! (variables, bounds, durations), each checked so a run never meets a bad one.

use serde_json::Value;

use super::{check_refs, Ctx, Vars};
use crate::case::assertion::{AssertionDef, CheckDef};
use crate::case::format::{Bound, CountBounds};
use crate::case::runnable::{AssertOp, Assertion};
use crate::path::PointerPattern;
use crate::template::{self};

pub(super) fn resolve_assertion(
    ctx: &mut Ctx,
    def: &AssertionDef,
    field: &str,
    vars: &mut Vars,
) -> Option<Assertion> {
    let at = Some(def.path.referenced);
    if let Err(message) = PointerPattern::parse(&def.path.value) {
        ctx.error(at, &format!("{field}.path"), message);
    }
    check_refs(
        ctx,
        at,
        &format!("{field}.path"),
        template::refs_in_str(&def.path.value),
        vars,
    );
    let f = format!("{field}.{}", def.check.name());
    let op = match &def.check {
        CheckDef::Equals(v) => value_op(ctx, at, &f, vars, v, AssertOp::Equals),
        CheckDef::NotEquals(v) => value_op(ctx, at, &f, vars, v, AssertOp::NotEquals),
        CheckDef::Contains(v) => value_op(ctx, at, &f, vars, v, AssertOp::Contains),
        CheckDef::NotContains(v) => value_op(ctx, at, &f, vars, v, AssertOp::NotContains),
        CheckDef::Count(b) => AssertOp::Count(bounds(ctx, at, &f, vars, b)),
        CheckDef::Length(b) => AssertOp::Length(bounds(ctx, at, &f, vars, b)),
        CheckDef::Range(b) => {
            if let Some(why) = impossible_range(b) {
                ctx.error(at, &format!("{f}.range"), why);
            }
            AssertOp::Range(*b)
        }
        CheckDef::Exists(true) | CheckDef::Absent(false) => AssertOp::Exists,
        CheckDef::Exists(false) | CheckDef::Absent(true) => AssertOp::Absent,
        CheckDef::Unique(true) => AssertOp::Unique,
        CheckDef::Unique(false) => {
            ctx.error(at, &f, "`unique: false` checks nothing; leave it out");
            return None;
        }
        CheckDef::Matches(re) => match regex::Regex::new(re) {
            Ok(re) => AssertOp::Matches(re),
            Err(e) => {
                ctx.error(at, &f, format!("not a regular expression: {e}"));
                return None;
            }
        },
        CheckDef::Time(t) => resolve_time(ctx, at, t, &f, vars),
    };
    Some(Assertion {
        path: def.path.value.clone(),
        line: def.path.referenced.line(),
        op,
    })
}

/// An operator that takes a JSON value (which may hold references).
fn value_op(
    ctx: &mut Ctx,
    at: Option<serde_saphyr::Location>,
    field: &str,
    vars: &mut Vars,
    value: &Value,
    make: fn(Value) -> AssertOp,
) -> AssertOp {
    check_refs(ctx, at, field, template::refs(value), vars);
    make(value.clone())
}

/// `count` and `length` bounds, whose ends may be references.
fn bounds(
    ctx: &mut Ctx,
    at: Option<serde_saphyr::Location>,
    field: &str,
    vars: &mut Vars,
    b: &CountBounds,
) -> CountBounds {
    for end in [&b.min, &b.max].into_iter().flatten() {
        if let Bound::Var(v) = end {
            check_refs(ctx, at, field, template::refs_in_str(v), vars);
        }
    }
    if let (Some(Bound::Fixed(min)), Some(Bound::Fixed(max))) = (&b.min, &b.max) {
        if min > max {
            ctx.error(
                at,
                field,
                format!("min {min} is more than max {max}: no value can pass"),
            );
        }
    }
    b.clone()
}

/// Why `range` bounds can be met by no number, if they cannot.
fn impossible_range(b: &crate::case::format::NumberBounds) -> Option<String> {
    for (name, end) in [("min", b.min), ("max", b.max)] {
        if end.is_some_and(|v| !v.is_finite()) {
            return Some(format!("{name} must be a finite number"));
        }
    }
    match (b.min, b.max) {
        (Some(min), Some(max)) if min > max => Some(format!(
            "min {min} is more than max {max}: no value can pass"
        )),
        _ => None,
    }
}

/// `time: { near, offset, within }`.
fn resolve_time(
    ctx: &mut Ctx,
    at: Option<serde_saphyr::Location>,
    t: &crate::case::format::TimeDef,
    f: &str,
    vars: &mut Vars,
) -> AssertOp {
    if t.near != "now" {
        let refs = template::refs_in_str(&t.near);
        // A literal time (no `${…}`) must be one: `0000-00-00` is refused here, not
        // blamed on the target when the case runs.
        if refs.as_ref().is_ok_and(Vec::is_empty) {
            let literal = t.near.replace("$${", "${");
            if let Err(e) = time::OffsetDateTime::parse(
                &literal,
                &time::format_description::well_known::Rfc3339,
            ) {
                ctx.error(
                    at,
                    &format!("{f}.near"),
                    format!(
                        "`{}` is not `now`, a `${{…}}` reference or an RFC 3339 time ({e})",
                        t.near
                    ),
                );
            }
        }
        check_refs(ctx, at, f, refs, vars);
    }
    let offset_secs = match t.offset.as_deref().map(template::parse_offset) {
        None => 0,
        Some(Ok(secs)) => secs,
        Some(Err(message)) => {
            ctx.error(at, &format!("{f}.offset"), message);
            0
        }
    };
    let within = match t.within.as_deref().map(template::parse_duration) {
        None => std::time::Duration::ZERO,
        Some(Ok(d)) => d,
        Some(Err(message)) => {
            ctx.error(at, &format!("{f}.within"), message);
            std::time::Duration::ZERO
        }
    };
    AssertOp::Time {
        near: t.near.clone(),
        offset_secs,
        within,
    }
}

//! Checking parsed case files against the contract: every name, variable, path and
//! operator is resolved here, so a run never meets a bad case.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use serde_saphyr::Location;

mod assertions;

use super::diagnostic::CaseLoadError;
use super::format::{Bound, CaseDef, CaseFile, ExpectDef, StepDef};
use super::runnable::{Case, Expect, Step};
use crate::path::PointerPattern;
use crate::spec::Service;
use crate::template::{self, VarRef};
use assertions::resolve_assertion;

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    service: &'a Service,
    errors: &'a mut Vec<CaseLoadError>,
    /// A case generated from the specs (its id carries the generated prefix).
    generated: bool,
}

impl Ctx<'_> {
    fn error(&mut self, at: Option<Location>, field: &str, message: impl Into<String>) {
        self.errors
            .push(CaseLoadError::new(self.file, self.text, at, field, message));
    }
}

/// Variables known at a point of a case, and the profile vars it reads.
#[derive(Default, Clone)]
struct Vars {
    captured: BTreeSet<String>,
    profile: BTreeSet<String>,
}

pub(super) fn resolve_file(
    file: &Path,
    text: &str,
    parsed: &CaseFile,
    service: &Service,
    operation: &str,
    cases: &mut Vec<Case>,
    errors: &mut Vec<CaseLoadError>,
) {
    let mut ctx = Ctx {
        file,
        text,
        service,
        errors,
        generated: false,
    };
    if parsed.cases.is_empty() {
        ctx.error(None, "cases", "a case file needs at least one case");
    }
    for (i, def) in parsed.cases.iter().enumerate() {
        let before = ctx.errors.len();
        let case = resolve_case(&mut ctx, def, &format!("cases[{i}]"), operation);
        if ctx.errors.len() == before {
            cases.push(case);
        }
    }
}

/// Resolves a case generated from the specs exactly as a hand-written one is resolved.
/// An error means the specs generate a case their contract does not allow (a typo in
/// `generate`); errors name the service file.
pub(crate) fn resolve_generated(
    service: &Service,
    def: &CaseDef,
    operation: &str,
) -> Result<Case, Vec<CaseLoadError>> {
    let mut errors = Vec::new();
    let mut ctx = Ctx {
        file: &service.path,
        text: "",
        service,
        errors: &mut errors,
        generated: true,
    };
    let case = resolve_case(&mut ctx, def, "cases[0]", operation);
    if errors.is_empty() {
        Ok(case)
    } else {
        Err(errors)
    }
}

fn resolve_case(ctx: &mut Ctx, def: &CaseDef, field: &str, operation: &str) -> Case {
    check_id(ctx, def, field);
    let topics = if def.covers.is_empty() {
        BTreeSet::new()
    } else {
        coverage_topics(ctx.service, operation)
    };
    for (i, spanned) in def.covers.iter().enumerate() {
        let topic = &spanned.value;
        if !topics.contains(topic) {
            ctx.error(
                Some(spanned.referenced),
                &format!("{field}.covers[{i}]"),
                format!(
                    "`{topic}` is not a behaviour or constraint of {operation} (expected one of: {})",
                    topics.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    if def.steps.is_empty() {
        ctx.error(
            Some(def.id.referenced),
            &format!("{field}.steps"),
            "a case needs at least one step",
        );
    }
    let mut vars = Vars::default();
    let steps: Vec<Step> = def
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| resolve_step(ctx, s, &format!("{field}.steps[{i}]"), &mut vars))
        .collect();
    let mut requires: BTreeSet<_> = def.requires.iter().copied().collect();
    collect_requirements(&steps, &mut requires);
    Case {
        id: def.id.value.clone(),
        title: def.title.clone(),
        level: def.level,
        source: def.source.clone(),
        tags: def.tags.clone(),
        service: ctx.service.name().to_string(),
        operation: operation.to_string(),
        requires,
        profile_vars: vars.profile,
        exclusive: def.exclusive || names_without_run_id(ctx.service, &steps),
        covers: def.covers.iter().map(|t| t.value.clone()).collect(),
        steps,
        file: ctx.file.to_path_buf(),
        line: def.id.referenced.line(),
        id_at: (def.id.referenced, format!("{field}.id")),
    }
}

/// Whether a step creates something found by a name (`creates.find.match`) whose
/// value cannot carry the run id (too short for it, or a literal): what it made is
/// then told from what was there by a listing before the create, which holds only
/// while nothing else creates at the same time, so the case runs alone.
fn names_without_run_id(service: &crate::spec::Service, steps: &[Step]) -> bool {
    steps.iter().any(|step| {
        let member = service
            .operation(&step.operation)
            .and_then(|op| op.creates.as_ref())
            .and_then(|c| c.find.as_ref())
            .and_then(|f| f.match_member.as_deref());
        match member.and_then(|m| step.input.get(m)) {
            Some(Value::String(name)) => !template::carries_run_id(name),
            Some(_) => true,
            None => false,
        }
    })
}

/// An id is lowercase letters, digits and dashes; the generated prefix is only for
/// generated cases.
fn check_id(ctx: &mut Ctx, def: &CaseDef, field: &str) {
    let id = &def.id.value;
    let valid_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id {
        ctx.error(
            Some(def.id.referenced),
            &format!("{field}.id"),
            format!("`{id}` is not a valid id (lowercase letters, digits and dashes)"),
        );
    }
    if id.starts_with(super::GENERATED_PREFIX) != ctx.generated {
        ctx.error(
            Some(def.id.referenced),
            &format!("{field}.id"),
            if ctx.generated {
                format!(
                    "`{id}`: generated ids start with `{}`",
                    super::GENERATED_PREFIX
                )
            } else {
                format!(
                    "`{id}`: ids starting with `{}` are reserved for generated cases",
                    super::GENERATED_PREFIX
                )
            },
        );
    }
}

/// What a case of `operation` may list under `covers`.
fn coverage_topics(service: &Service, operation: &str) -> BTreeSet<String> {
    let Some(op) = service.operation(operation) else {
        return BTreeSet::new();
    };
    let mut topics: BTreeSet<String> = op.behaviours.keys().cloned().collect();
    for member in service.input_members(operation) {
        for kind in member.kinds() {
            topics.insert(format!("{}.{}", member.name, kind.as_str()));
        }
    }
    topics
}

fn collect_requirements(steps: &[Step], into: &mut BTreeSet<super::Capability>) {
    for step in steps {
        into.extend(step.identity.capability());
        if step.fault.is_some() {
            into.insert(super::Capability::FaultInjection);
        }
        collect_requirements(&step.cleanup, into);
    }
}

fn check_refs(
    ctx: &mut Ctx,
    at: Option<Location>,
    field: &str,
    refs: Result<Vec<VarRef>, crate::template::TemplateError>,
    vars: &mut Vars,
) {
    match refs {
        Err(e) => ctx.error(at, field, e.to_string()),
        Ok(refs) => {
            for r in refs {
                match r {
                    VarRef::Profile(name) => {
                        vars.profile.insert(name);
                    }
                    VarRef::Captured(name) if !vars.captured.contains(&name) => ctx.error(
                        at,
                        field,
                        format!("undefined variable `{name}` (not captured by an earlier step; profile values are `${{profile.{name}}}`)"),
                    ),
                    _ => {}
                }
            }
        }
    }
}

fn resolve_step(ctx: &mut Ctx, def: &StepDef, field: &str, vars: &mut Vars) -> Step {
    let op_name = &def.operation.value;
    let at = Some(def.operation.referenced);
    let Some(op) = ctx.service.operation(op_name) else {
        unknown_operation(ctx, def, field);
        return empty_step(def);
    };
    let input = resolve_input(ctx, def, field, vars);
    let raw = def.raw.clone().unwrap_or_default();
    check_raw(ctx, &raw, at, field, vars);
    let fault = def.fault.as_ref().map(|f| {
        check_error_name(
            ctx,
            Some(f.referenced),
            &format!("{field}.fault"),
            &f.value,
            op_name,
            op,
        );
        f.value.clone()
    });
    check_repeat_and_paging(ctx, def, op_name, op, field, vars);
    let expect = resolve_expect(
        ctx,
        &def.expect,
        &format!("{field}.expect"),
        op_name,
        &op.errors,
        at,
    );
    let assertions = def
        .assertions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| resolve_assertion(ctx, a, &format!("{field}.assert[{i}]"), vars))
        .collect();
    let capture = resolve_captures(ctx, def, field, vars);
    let cleanup = def
        .cleanup
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut inner = vars.clone();
            let step = resolve_step(ctx, s, &format!("{field}.cleanup[{i}]"), &mut inner);
            vars.profile.extend(inner.profile);
            step
        })
        .collect();
    let step = Step {
        operation: op_name.clone(),
        identity: def.identity,
        input,
        raw,
        fault,
        paginate: def.paginate,
        check_last_page: def.check_last_page,
        repeat: def.repeat.clone(),
        expect,
        assertions,
        capture,
        cleanup,
        hint: def.hint.clone(),
    };
    check_fixed_values(ctx, def, &step, field);
    step
}

fn unknown_operation(ctx: &mut Ctx, def: &StepDef, field: &str) {
    let known: Vec<&str> = ctx
        .service
        .spec
        .operations
        .keys()
        .map(String::as_str)
        .collect();
    let message = format!(
        "`{}` is not an operation of {} (expected one of: {})",
        def.operation.value,
        ctx.service.name(),
        known.join(", ")
    );
    ctx.error(
        Some(def.operation.referenced),
        &format!("{field}.operation"),
        message,
    );
}

fn resolve_input(ctx: &mut Ctx, def: &StepDef, field: &str, vars: &mut Vars) -> Value {
    let Some(spanned) = &def.input else {
        return Value::Object(Default::default());
    };
    if !spanned.value.is_object() {
        ctx.error(
            Some(spanned.referenced),
            &format!("{field}.input"),
            "input must be a mapping of members",
        );
    }
    check_refs(
        ctx,
        Some(spanned.referenced),
        &format!("{field}.input"),
        template::refs(&spanned.value),
        vars,
    );
    spanned.value.clone()
}

/// Variables in raw headers and body; SigV4-only options on a SigV4 service.
fn check_raw(
    ctx: &mut Ctx,
    raw: &super::RawDef,
    at: Option<serde_saphyr::Location>,
    field: &str,
    vars: &mut Vars,
) {
    for (name, value) in &raw.headers {
        let f = format!("{field}.raw.headers.{name}");
        check_refs(ctx, at, &f, template::refs_in_str(value), vars);
    }
    if let Some(body) = &raw.body {
        let f = format!("{field}.raw.body");
        check_refs(ctx, at, &f, template::refs_in_str(body), vars);
    }
    let sigv4 = ctx.service.spec.auth.scheme == crate::spec::AuthScheme::Sigv4;
    if (raw.sign_with_wrong_secret || raw.sign_at.is_some()) && !sigv4 {
        let service = ctx.service.name().to_string();
        ctx.error(
            at,
            &format!("{field}.raw"),
            format!(
                "sign_with_wrong_secret and sign_at apply to SigV4, which {service} does not use"
            ),
        );
    }
    if let Some(Err(e)) = raw.sign_at.as_deref().map(template::parse_offset) {
        ctx.error(at, &format!("{field}.raw.sign_at"), e);
    }
}

/// `name` must be one of the operation's modelled errors.
fn check_error_name(
    ctx: &mut Ctx,
    at: Option<serde_saphyr::Location>,
    field: &str,
    name: &str,
    op_name: &str,
    op: &crate::spec::OperationSpec,
) {
    if !op.errors.iter().any(|e| e == name) {
        ctx.error(
            at,
            field,
            format!(
                "`{name}` is not an error of {op_name} (expected one of: {})",
                op.errors.join(", ")
            ),
        );
    }
}

/// `repeat`, `paginate` and `check_last_page` fit the operation and each other.
fn check_repeat_and_paging(
    ctx: &mut Ctx,
    def: &StepDef,
    op_name: &str,
    op: &crate::spec::OperationSpec,
    field: &str,
    vars: &mut Vars,
) {
    let at = Some(def.operation.referenced);
    if let Some(repeat) = &def.repeat {
        if let Bound::Var(v) = &repeat.times {
            let f = format!("{field}.repeat.times");
            check_refs(ctx, at, &f, template::refs_in_str(v), vars);
        }
        if let Some(until) = &repeat.until {
            let f = format!("{field}.repeat.until");
            check_error_name(ctx, at, &f, until, op_name, op);
        }
        if def.paginate {
            ctx.error(
                at,
                &format!("{field}.repeat"),
                "a paginated step cannot repeat",
            );
        }
    }
    if def.check_last_page && !def.paginate {
        ctx.error(
            at,
            &format!("{field}.check_last_page"),
            "check_last_page needs `paginate: true`",
        );
    }
    if def.paginate && op.paginator.is_none() {
        ctx.error(
            at,
            &format!("{field}.paginate"),
            format!("{op_name} has no paginator"),
        );
    }
}

fn resolve_captures(
    ctx: &mut Ctx,
    def: &StepDef,
    field: &str,
    vars: &mut Vars,
) -> Vec<(String, String)> {
    let mut capture = Vec::new();
    for (name, path) in &def.capture {
        let f = format!("{field}.capture.{name}");
        if let Err(message) = PointerPattern::parse(&path.value) {
            ctx.error(Some(path.referenced), &f, message);
        }
        check_refs(
            ctx,
            Some(path.referenced),
            &f,
            template::refs_in_str(&path.value),
            vars,
        );
        capture.push((name.clone(), path.value.clone()));
    }
    for (name, _) in &capture {
        vars.captured.insert(name.clone());
    }
    capture
}

/// A fixed value meant to name nothing (an unknown id) may name something on a real
/// target: it must be fresh at every execution.
fn check_fixed_values(ctx: &mut Ctx, def: &StepDef, step: &Step, field: &str) {
    for (pointer, value) in step.fixed_values_meant_to_name_nothing() {
        ctx.error(
            def.input.as_ref().map(|i| i.referenced),
            &format!("{field}.input{}", pointer.replace('/', ".")),
            format!(
                "the fixed value {value:?} is meant to name nothing, but a real target may hold it: \
                 make it fresh at every execution (${{uuid}}, ${{hex:N}}, ${{alnum:N}} or ${{case_uid}})"
            ),
        );
    }
}

fn resolve_expect(
    ctx: &mut Ctx,
    def: &ExpectDef,
    field: &str,
    op_name: &str,
    errors: &[String],
    at: Option<Location>,
) -> Expect {
    match (&def.error, def.client_error) {
        (Some(_), true) => {
            ctx.error(at, field, "set `error` or `client_error`, not both");
            Expect::ClientError
        }
        (Some(e), false) => {
            if !errors.contains(&e.value) {
                ctx.error(
                    Some(e.referenced),
                    &format!("{field}.error"),
                    format!(
                        "`{}` is not an error {op_name} can return (expected one of: {})",
                        e.value,
                        errors.join(", ")
                    ),
                );
            }
            Expect::Error(e.value.clone())
        }
        (None, true) => Expect::ClientError,
        (None, false) => Expect::Success,
    }
}

fn empty_step(def: &StepDef) -> Step {
    Step::call(&def.operation.value, def.identity)
}

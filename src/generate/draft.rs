//! Turning a generated input into a runnable [`Case`].

use serde_json::{Map, Value};
use serde_saphyr::{Location, Spanned};

use super::{kebab, GENERATED_PREFIX, GENERATED_TAG};
use crate::case::{
    resolve_generated, Case, CaseDef, CaseLoadError, Expect, ExpectDef, RawDef, Source, StepDef,
};
use crate::spec::{OperationSpec, Service};
use crate::vocab::{Identity, Level};

/// The operation a case is generated for, and where it is written down.
pub(super) struct Origin<'a> {
    pub(super) service: &'a Service,
    pub(super) name: &'a str,
    pub(super) op: &'a OperationSpec,
    /// Line of the operation in `service.yaml`.
    line: u64,
}

impl<'a> Origin<'a> {
    pub(super) fn new(service: &'a Service, name: &'a str, op: &'a OperationSpec) -> Self {
        Origin {
            service,
            name,
            op,
            line: service.operation_lines.get(name).copied().unwrap_or(0),
        }
    }

    /// What a valid input gets: success, or the error `generate.expect` names.
    pub(super) fn valid_outcome(&self, member: Option<&str>) -> Expect {
        let gen = &self.op.generate;
        member
            .and_then(|m| gen.valid.get(m))
            .or(gen.expect.as_ref())
            .map_or(Expect::Success, |e| Expect::Error(e.clone()))
    }

    /// What an invalid input gets: the service's validation error, or any 4xx when the
    /// operation does not model it.
    pub(super) fn invalid_outcome(&self) -> Expect {
        let validation = &self.service.spec.validation_error;
        if self.op.errors.contains(validation) {
            Expect::Error(validation.clone())
        } else {
            Expect::ClientError
        }
    }

    /// The base input with `member` set (or removed, for `None`).
    pub(super) fn input_with(&self, member: &str, value: Option<Value>) -> Map<String, Value> {
        let mut input = self.op.generate.base.clone();
        match value {
            Some(v) => input.insert(member.to_string(), v),
            None => input.remove(member),
        };
        input
    }
}

/// A generated case before it becomes a [`Case`].
pub(super) struct Draft {
    /// Id after `gen-<operation>-`.
    pub(super) suffix: String,
    pub(super) title: String,
    pub(super) level: Level,
    /// `boundary`, `protocol` or `fault`.
    pub(super) family: &'static str,
    pub(super) member: Option<String>,
    pub(super) quote: String,
    pub(super) covers: Vec<String>,
    pub(super) input: Map<String, Value>,
    pub(super) raw: RawDef,
    pub(super) fault: Option<String>,
    pub(super) expect: Expect,
    /// Capabilities beyond those the step implies.
    pub(super) requires: Vec<crate::vocab::Capability>,
}

impl Draft {
    pub(super) fn new(suffix: String, title: String, expect: Expect) -> Draft {
        Draft {
            suffix,
            title,
            level: Level::Must,
            family: "boundary",
            member: None,
            quote: String::new(),
            covers: vec![],
            input: Map::new(),
            raw: RawDef::default(),
            fault: None,
            expect,
            requires: Vec::new(),
        }
    }

    /// The case as a case file would hold it, resolved like a hand-written one. An
    /// error means `generate` in the specs asks for a case the contract refuses.
    pub(super) fn finish(self, at: &Origin) -> Result<Case, Vec<CaseLoadError>> {
        let spanned = |value: String| Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN);
        let expect = match self.expect {
            Expect::Success => ExpectDef::default(),
            Expect::ClientError => ExpectDef {
                client_error: true,
                ..ExpectDef::default()
            },
            Expect::Error(e) => ExpectDef {
                error: Some(spanned(e)),
                ..ExpectDef::default()
            },
        };
        let step = StepDef {
            operation: spanned(at.name.to_string()),
            identity: Identity::Default,
            input: Some(Spanned::new(
                Value::Object(self.input),
                Location::UNKNOWN,
                Location::UNKNOWN,
            )),
            raw: Some(self.raw),
            fault: self.fault.map(spanned),
            paginate: false,
            check_last_page: false,
            repeat: None,
            expect,
            assertions: Vec::new(),
            capture: Default::default(),
            cleanup: Vec::new(),
            hint: None,
        };
        let def = CaseDef {
            id: spanned(format!(
                "{GENERATED_PREFIX}{}-{}",
                kebab(at.name),
                self.suffix
            )),
            title: self.title,
            level: self.level,
            source: Source {
                document: at.op.document.clone(),
                member: self.member,
                quote: (!self.quote.is_empty()).then_some(self.quote),
            },
            tags: vec![GENERATED_TAG.to_string(), self.family.to_string()],
            requires: self.requires,
            exclusive: false,
            covers: self.covers.into_iter().map(spanned).collect(),
            steps: vec![step],
        };
        let mut case = resolve_generated(at.service, &def, at.name).map_err(|errors| {
            errors
                .into_iter()
                .map(|mut e| {
                    e.line = at.line;
                    e.field = format!(
                        "operations.{}.generate ({}): {}",
                        at.name, def.id.value, e.field
                    );
                    e
                })
                .collect::<Vec<_>>()
        })?;
        case.line = at.line;
        case.id_at = (Location::UNKNOWN, "generated".to_string());
        Ok(case)
    }
}

//! Turning a generated input into a runnable [`Case`].

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{kebab, GENERATED_PREFIX, GENERATED_TAG};
use crate::case::{Case, Expect, RawDef, Source, Step};
use crate::spec::{OperationSpec, Service};
use crate::template::{self, VarRef};
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

    pub(super) fn finish(self, at: &Origin) -> Case {
        let mut step = Step::call(at.name, Identity::Default);
        step.input = Value::Object(self.input);
        step.raw = self.raw;
        step.fault = self.fault;
        step.expect = self.expect;
        let mut profile_vars = BTreeSet::new();
        let body_refs = step.raw.body.as_deref().map(template::refs_in_str);
        let refs = template::refs(&step.input)
            .unwrap_or_default()
            .into_iter()
            .chain(body_refs.and_then(Result::ok).unwrap_or_default());
        for r in refs {
            if let VarRef::Profile(name) = r {
                profile_vars.insert(name);
            }
        }
        let mut requires: BTreeSet<_> = self.requires.into_iter().collect();
        if step.fault.is_some() {
            requires.insert(crate::vocab::Capability::FaultInjection);
        }
        let id = format!("{GENERATED_PREFIX}{}-{}", kebab(at.name), self.suffix);
        Case {
            id,
            title: self.title,
            level: self.level,
            source: Source {
                document: at.op.document.clone(),
                member: self.member,
                quote: (!self.quote.is_empty()).then_some(self.quote),
            },
            tags: vec![GENERATED_TAG.to_string(), self.family.to_string()],
            service: at.service.name().to_string(),
            operation: at.name.to_string(),
            requires,
            profile_vars,
            exclusive: false,
            covers: self.covers,
            steps: vec![step],
            file: at.service.path.clone(),
            line: at.line,
            id_at: (serde_saphyr::Location::UNKNOWN, "generated".to_string()),
        }
    }
}

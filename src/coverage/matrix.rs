//! Building the matrix from the contract and the cases.

use crate::case::{Case, Expect, Step};
use crate::spec::Contract;

/// What a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicKind {
    /// A modelled error of the operation.
    Error,
    /// A constraint of an input member (`<member>.<kind>`).
    Constraint,
    /// A documented behaviour (`behaviours` in `service.yaml`).
    Behaviour,
}

impl TopicKind {
    /// The kind's name in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Error => "error",
            TopicKind::Constraint => "constraint",
            TopicKind::Behaviour => "behaviour",
        }
    }
}

/// One topic of one operation, with the cases that cover it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// The service of the operation.
    pub service: String,
    /// The operation the topic belongs to.
    pub operation: String,
    /// Error, constraint or behaviour.
    pub kind: TopicKind,
    /// Error name, `<member>.<kind>`, or behaviour id.
    pub topic: String,
    /// HTTP status, the constraint's bounds, or the behaviour's text.
    pub detail: String,
    /// Ids of the covering cases.
    pub cases: Vec<String>,
}

/// Every row of every operation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Matrix {
    /// Rows, by service, operation, kind and topic.
    pub rows: Vec<Row>,
}

impl Matrix {
    /// The rows no case covers.
    pub fn gaps(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.cases.is_empty()).collect()
    }
}

/// Builds the matrix of `contract` over `cases`.
pub fn matrix(contract: &Contract, cases: &[Case]) -> Matrix {
    matrix_of(contract, cases, |_, _| true)
}

/// The matrix's rows of the operations `wanted` accepts (by service and operation
/// name). A service whose operations are all left out is not read: its members' patterns
/// are not compiled (IAM's take a millisecond).
pub fn matrix_of(
    contract: &Contract,
    cases: &[Case],
    wanted: impl Fn(&str, &str) -> bool,
) -> Matrix {
    let mut rows = Vec::new();
    for service in &contract.services {
        for (name, op) in &service.spec.operations {
            if !wanted(service.name(), name) {
                continue;
            }
            let row = |kind, topic: String, detail: String, cases: Vec<String>| Row {
                service: service.name().to_string(),
                operation: name.clone(),
                kind,
                topic,
                detail,
                cases,
            };
            for error in &op.errors {
                let status = service.spec.errors.get(error).map_or(0, |e| e.status);
                let covering = cases
                    .iter()
                    .filter(|c| c.service == service.name() && expects(&c.steps, name, error))
                    .map(|c| c.id.clone())
                    .collect();
                rows.push(row(
                    TopicKind::Error,
                    error.clone(),
                    format!("HTTP {status}"),
                    covering,
                ));
            }
            for member in service.input_members(name) {
                for kind in member.kinds() {
                    let topic = format!("{}.{}", member.name, kind.as_str());
                    rows.push(row(
                        TopicKind::Constraint,
                        topic.clone(),
                        member.describe(kind),
                        covering(cases, service.name(), name, &topic),
                    ));
                }
            }
            for (id, text) in &op.behaviours {
                rows.push(row(
                    TopicKind::Behaviour,
                    id.clone(),
                    text.clone(),
                    covering(cases, service.name(), name, id),
                ));
            }
        }
    }
    Matrix { rows }
}

fn covering(cases: &[Case], service: &str, operation: &str, topic: &str) -> Vec<String> {
    cases
        .iter()
        .filter(|c| c.service == service && c.operation == operation)
        .filter(|c| c.covers.iter().any(|t| t == topic))
        .map(|c| c.id.clone())
        .collect()
}

/// Whether a step (or cleanup) of `operation` expects `error`.
fn expects(steps: &[Step], operation: &str, error: &str) -> bool {
    steps.iter().any(|s| {
        (s.operation == operation && s.expect == Expect::Error(error.to_string()))
            || expects(&s.cleanup, operation, error)
    })
}

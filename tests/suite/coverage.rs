//! The corpus is complete: every documented error, input constraint and behaviour has a
//! case, generated cases are stable and filterable, and the gap check has teeth.

use libtest_mimic::{Failed, Trial};
use pat_conformance::case::{Expect, Level};
use pat_conformance::coverage::{matrix, TopicKind};
use pat_conformance::generate::{generated_cases, GENERATED_TAG};
use pat_conformance::runner::Filter;

use crate::support::suite;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("coverage::no_gaps", no_gaps),
        Trial::test("coverage::gap_is_reported", gap_is_reported),
        Trial::test("coverage::at_least_120_cases", enough_cases),
        Trial::test("coverage::generated_ids_are_stable", generated_stable),
        Trial::test(
            "coverage::generated_can_be_filtered_out",
            generated_filtered,
        ),
        Trial::test(
            "coverage::every_case_names_a_source_document",
            level_and_source,
        ),
    ]
}

fn no_gaps() -> Result<(), Failed> {
    let s = suite();
    let m = matrix(&s.contract, &s.cases);
    let gaps: Vec<String> = m
        .gaps()
        .iter()
        .map(|r| {
            format!(
                "{}::{} {} {}",
                r.service,
                r.operation,
                r.kind.as_str(),
                r.topic
            )
        })
        .collect();
    if !gaps.is_empty() {
        return Err(format!("uncovered: {}", gaps.join("; ")).into());
    }
    for kind in [
        TopicKind::Error,
        TopicKind::Constraint,
        TopicKind::Behaviour,
    ] {
        if !m.rows.iter().any(|r| r.kind == kind) {
            return Err(format!("the matrix has no {} rows", kind.as_str()).into());
        }
    }
    Ok(())
}

/// Dropping the cases that expect ConflictException, and those that cover `name.length`,
/// must open exactly those gaps.
fn gap_is_reported() -> Result<(), Failed> {
    let s = suite();
    let conflict = Expect::Error("ConflictException".into());
    let fewer: Vec<_> = s
        .cases
        .iter()
        .filter(|c| !c.steps.iter().any(|st| st.expect == conflict))
        .filter(|c| !c.covers.iter().any(|t| t == "name.length"))
        .cloned()
        .collect();
    let m = matrix(&s.contract, &fewer);
    let mut gaps: Vec<String> = m
        .gaps()
        .iter()
        .map(|r| format!("{}:{}", r.operation, r.topic))
        .collect();
    gaps.sort();
    let expected = [
        "CreateAccessToken:ConflictException",
        "CreateAccessToken:name.length",
        "DeleteAccessToken:ConflictException",
        "ListAccessTokens:ConflictException",
    ];
    if gaps != expected {
        return Err(format!("expected gaps {expected:?}, got {gaps:?}").into());
    }
    Ok(())
}

fn enough_cases() -> Result<(), Failed> {
    let s = suite();
    let generated = s
        .cases
        .iter()
        .filter(|c| c.tags.iter().any(|t| t == GENERATED_TAG))
        .count();
    let written = s.cases.len() - generated;
    if s.cases.len() < 120 || generated < 50 || written < 40 {
        return Err(format!(
            "{} cases ({written} hand-written, {generated} generated)",
            s.cases.len()
        )
        .into());
    }
    Ok(())
}

fn generated_stable() -> Result<(), Failed> {
    let s = suite();
    let a: Vec<String> = generated_cases(&s.contract)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let b: Vec<String> = generated_cases(&s.contract)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if a != b {
        return Err("two generations gave different ids".into());
    }
    for id in [
        "gen-create-access-token-name-length-above-max",
        "gen-list-access-tokens-max-results-range-above-max",
        "gen-delete-access-token-id-length-max",
        "gen-list-personal-access-tokens-organization-id-pattern-violation",
        "gen-list-personal-access-tokens-max-results-range-below-min",
        "gen-list-personal-access-tokens-fault-organization-state-exception",
    ] {
        if !a.iter().any(|x| x == id) {
            return Err(format!("generated id `{id}` is missing").into());
        }
    }
    let mut sorted = a.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != a.len() {
        return Err("generated ids are not unique".into());
    }
    Ok(())
}

fn generated_filtered() -> Result<(), Failed> {
    let s = suite();
    let filter = Filter {
        exclude_tags: vec![GENERATED_TAG.into()],
        ..Filter::default()
    };
    let kept: Vec<_> = s.cases.iter().filter(|c| filter.matches(c)).collect();
    if kept.iter().any(|c| c.id.starts_with("gen-")) || kept.is_empty() {
        return Err("--exclude-tag generated must leave exactly the hand-written cases".into());
    }
    let must = Filter {
        levels: vec![Level::Must],
        ..Filter::default()
    };
    if s.cases
        .iter()
        .filter(|c| must.matches(c))
        .any(|c| c.level != Level::Must)
    {
        return Err("--level must selected a should case".into());
    }
    Ok(())
}

/// Every source names one of the documents the project comes from (`seeds/…` or
/// `reference/…`, see shared/reference/README.md), or the model excerpt a service was
/// imported from, vendored beside its specs (`specs/iam/service-2.json`: IAM has no
/// seed document); level is required by the format.
fn level_and_source() -> Result<(), Failed> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for case in &suite().cases {
        let doc = case.source.document.trim();
        let file = doc.split(' ').next().unwrap_or("");
        let vendored = file.starts_with("specs/")
            && file.ends_with("/service-2.json")
            && root.join(file).is_file();
        if !(doc.starts_with("seeds/") || doc.starts_with("reference/") || vendored) {
            return Err(format!(
                "{}: source `{doc}` is not a seed or reference document",
                case.id
            )
            .into());
        }
    }
    Ok(())
}

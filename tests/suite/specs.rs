//! The contract data itself: seed examples validate, violations do not; generated
//! format schemas are current; every case file matches the case schema.

use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};
use serde_json::Value;

use crate::support::suite;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("specs::examples", examples),
        Trial::test("specs::generated_schemas_are_current", generated_schemas),
        Trial::test("specs::case_files_match_case_schema", case_files_match),
    ]
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Loading the specs checks every `examples.yaml` (seed examples validate, violations
/// do not); here: that there are enough of them, and that a wrong declaration stops the
/// load naming the file.
fn examples() -> Result<(), Failed> {
    let mut checked = 0;
    for service in &suite().contract.services {
        let path = root()
            .join("specs")
            .join(service.name())
            .join("examples.yaml");
        checked += pat_conformance::spec::examples::check(&path, &service.schemas)?;
    }
    if checked < 10 {
        return Err(format!("only {checked} examples checked").into());
    }
    let specs = crate::cli::temp_dir("examples").join("specs");
    crate::fuzz::copy_dir(&root().join("specs"), &specs)?;
    let path = specs.join("codecatalyst/examples.yaml");
    let text = std::fs::read_to_string(&path)?;
    std::fs::write(&path, text.replacen("valid: true", "valid: false", 1))?;
    match pat_conformance::spec::Contract::load(&specs) {
        Ok(_) => Err("a wrongly declared example did not stop the load".into()),
        Err(e) if e.to_string().contains("examples.yaml") => Ok(()),
        Err(e) => Err(format!("the load failed without naming examples.yaml: {e}").into()),
    }
}

fn generated_schemas() -> Result<(), Failed> {
    let schemas = [
        (
            "specs/case.schema.json",
            pat_conformance::case::json_schema(),
        ),
        (
            "specs/service.schema.json",
            pat_conformance::spec::catalog_json_schema(),
        ),
        (
            "specs/profile.schema.json",
            pat_conformance::profile::json_schema(),
        ),
        (
            "specs/report.schema.json",
            pat_conformance::report::json_schema(),
        ),
    ];
    for (rel, generated) in schemas {
        let path = root().join(rel);
        let text = serde_json::to_string_pretty(&generated)? + "\n";
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&path, &text)?;
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != text {
            return Err(format!(
                "{rel} is out of date with the Rust types (BLESS=1 to regenerate)"
            )
            .into());
        }
    }
    Ok(())
}

fn case_files_match() -> Result<(), Failed> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(
        root().join("specs/case.schema.json"),
    )?)?;
    let validator = jsonschema::validator_for(&schema)?;
    let mut stack = vec![root().join("cases")];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let doc: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path)?)?;
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            if !errors.is_empty() {
                return Err(format!(
                    "{} does not match specs/case.schema.json: {errors:?}",
                    path.display()
                )
                .into());
            }
            files += 1;
        }
    }
    if files == 0 {
        return Err("no case files found".into());
    }
    Ok(())
}

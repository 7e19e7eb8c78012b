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
        Trial::test("specs::imported_specs_match_their_models", no_drift),
        Trial::test("specs::import_refuses_other_protocols", other_protocols),
        Trial::test(
            "specs::an_imported_operation_needs_no_rust_change",
            imported_operation,
        ),
        Trial::test("specs::the_binary_carries_its_suite", embedded_suite),
    ]
}

/// Every `model.yaml` and `shapes.schema.json` is what `import-model` makes of the
/// vendored model it names, for the operations it lists: the committed specs are
/// derived, not transcribed. BLESS=1 re-imports them.
fn no_drift() -> Result<(), Failed> {
    let mut compared = 0;
    for entry in std::fs::read_dir(root().join("specs"))? {
        let dir = entry?.path();
        let model_path = dir.join("model.yaml");
        if !model_path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&model_path)?;
        let model: pat_conformance::spec::ModelSpec =
            serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", model_path.display()))?;
        let source = std::fs::read_to_string(dir.join(&model.source))?;
        let ops: Vec<String> = model.operations.keys().cloned().collect();
        let imported = pat_conformance::import::import(&source, &model.source, &ops)?;
        let shapes_path = dir.join("shapes.schema.json");
        for (path, fresh) in [
            (&model_path, imported.model_text()),
            (&shapes_path, imported.shapes_text()),
        ] {
            if std::env::var_os("BLESS").is_some() {
                std::fs::write(path, &fresh)?;
            }
            if std::fs::read_to_string(path)? != fresh {
                return Err(format!(
                    "{} differs from what import-model makes of {} (re-import, or BLESS=1)",
                    path.display(),
                    model.source
                )
                .into());
            }
            compared += 1;
        }
    }
    if compared < 4 {
        return Err(format!("only {compared} imported files compared").into());
    }
    Ok(())
}

/// A model of another protocol (EC2's `ec2`, rest-xml) is refused, naming the
/// protocols supported; awsJson1_0 and awsQuery are read as such.
fn other_protocols() -> Result<(), Failed> {
    let model = std::fs::read_to_string(root().join("specs/workmail/service-2.json"))?;
    let ec2 = model
        .replace("\"protocol\": \"json\"", "\"protocol\": \"ec2\"")
        .replace(
            "\"protocols\": [\n      \"json\"\n    ]",
            "\"protocols\": [\"ec2\"]",
        );
    if ec2 == model {
        return Err("the model did not change: the test proves nothing".into());
    }
    match pat_conformance::import::import(&ec2, "m.json", &[]) {
        Ok(_) => return Err("an ec2-protocol model was imported".into()),
        Err(e) => {
            let text = e.to_string();
            if !(text.contains("`ec2`") && text.contains("awsJson1_0") && text.contains("`query`"))
            {
                return Err(format!("unclear refusal: {text}").into());
            }
        }
    }
    let iam = std::fs::read_to_string(root().join("specs/iam/service-2.json"))?;
    let imported = pat_conformance::import::import(&iam, "m.json", &[])?;
    if imported.model.protocol != pat_conformance::spec::Protocol::AwsQuery
        || !imported.model.errors.contains_key("NoSuchEntity")
    {
        return Err("IAM's query model is not read as awsQuery with errors by code".into());
    }
    let json10 = model.replace("\"jsonVersion\": \"1.1\"", "\"jsonVersion\": \"1.0\"");
    let imported = pat_conformance::import::import(&json10, "m.json", &[])?;
    if imported.model.protocol != pat_conformance::spec::Protocol::AwsJson1_0 {
        return Err(format!("jsonVersion 1.0 read as {:?}", imported.model.protocol).into());
    }
    Ok(())
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
            "specs/model.schema.json",
            pat_conformance::spec::model_json_schema(),
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

/// The claim that the contract is data: a service this binary has never seen (an
/// awsJson1_0 model in tests/golden), imported into an empty specs folder, plus one
/// hand-written case, validates, lists its generated cases and shows coverage rows for
/// every constraint and error, without touching Rust.
fn imported_operation() -> Result<(), Failed> {
    use crate::cli::{bin, expect_code, temp_dir, text};
    let dir = temp_dir("import-proof");
    let model = root().join("tests/golden/acme-tokens.model.json");
    let out = bin()
        .args(["import-model"])
        .arg(&model)
        .args(["--out"])
        .arg(dir.join("specs/acmetokens"))
        .output()?;
    expect_code(&out, 0)?;
    let cases = dir.join("cases/acmetokens/DescribeToken");
    std::fs::create_dir_all(&cases)?;
    std::fs::write(
        cases.join("describe.yaml"),
        "cases:\n  - id: describe-unknown-token\n    title: An unknown token gives TokenNotFoundException\n    level: must\n    source: { document: acme-tokens.model.json }\n    steps:\n      - operation: DescribeToken\n        input: { TokenId: \"t-${hex:8}\" }\n        expect: { error: TokenNotFoundException }\n",
    )?;
    let run = |command: &str| {
        bin()
            .arg(command)
            .arg("--specs")
            .arg(dir.join("specs"))
            .arg("--cases")
            .arg(dir.join("cases"))
            .output()
    };
    let checks: [(&str, &[&str]); 3] = [
        (
            "validate",
            &["Acme Tokens (acmetokens, API version 2026-01-01, awsJson1_0): 1 operation"],
        ),
        (
            "list",
            &[
                "acmetokens::DescribeToken::describe-unknown-token",
                "gen-describe-token-token-id-length-above-max",
                "gen-describe-token-token-id-pattern-violation",
                "gen-describe-token-fault-token-not-found-exception",
                "application/x-amz-json-1.0",
            ],
        ),
        (
            "coverage",
            &[
                "constraint TokenId.length",
                "constraint TokenId.pattern",
                "error      TokenNotFoundException    2  describe-unknown-token",
                "0 gaps",
            ],
        ),
    ];
    for (command, says) in checks {
        let out = run(command)?;
        expect_code(&out, 0).map_err(|e| format!("{command}: {:?}", e.message()))?;
        let printed = text(&out);
        if let Some(missing) = says.iter().find(|s| !printed.contains(*s)) {
            return Err(format!("{command} does not say `{missing}`:\n{printed}").into());
        }
    }
    // The model was copied beside its specs, so the import can be checked for drift.
    if !dir
        .join("specs/acmetokens/acme-tokens.model.json")
        .is_file()
    {
        return Err("the model was not copied beside the imported specs".into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A copy of the binary in a folder with no specs or cases nearby (its cache there too)
/// lists, validates and runs the full suite it was built with: it never needs the
/// source tree it was compiled in.
fn embedded_suite() -> Result<(), Failed> {
    use crate::cli::{expect_code, temp_dir, text};
    let dir = temp_dir("embedded");
    let binary = dir.join("pat-conformance");
    std::fs::copy(env!("CARGO_BIN_EXE_pat-conformance"), &binary)?;
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&binary);
        cmd.current_dir(&dir)
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env_remove("AWS_ENDPOINT_URL")
            .args(args);
        cmd.output()
    };
    let expected = format!("{} cases", suite().cases.len());
    let out = run(&["list"])?;
    expect_code(&out, 0)?;
    let printed = text(&out);
    if !printed.contains(&expected) {
        return Err(format!("`list` does not say `{expected}`:\n{printed}").into());
    }
    let out = run(&["run", "--service", "workmail"])?;
    expect_code(&out, 0)?;
    for out in [run(&["validate"])?, run(&["coverage"])?] {
        expect_code(&out, 0)?;
    }
    let cached: Vec<_> = std::fs::read_dir(dir.join("cache"))?.collect::<Result<_, _>>()?;
    if cached.len() != 1 {
        return Err(format!(
            "expected one written-out suite in the cache, found {}",
            cached.len()
        )
        .into());
    }
    // What runs is the written-out copy, not the source tree: break a case file there
    // and `validate` names that file.
    let copy = cached[0]
        .path()
        .join("cases/codecatalyst/CreateAccessToken");
    let file = std::fs::read_dir(&copy)?
        .next()
        .ok_or("no case file in the copy")??
        .path();
    std::fs::write(&file, "cases: [ { id: broken } ]\n")?;
    let out = run(&["validate"])?;
    expect_code(&out, 2)?;
    if !text(&out).contains(&cached[0].path().display().to_string()) {
        return Err(format!("the broken copy was not what loaded:\n{}", text(&out)).into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

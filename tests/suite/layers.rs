//! The layering rule of `src/lib.rs`, enforced: every `crate::` path in a module names
//! a module of a lower layer.

use std::collections::BTreeMap;
use std::path::Path;

use libtest_mimic::{Failed, Trial};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("layers::imports_only_point_down", imports_point_down),
        Trial::test("layers::an_upward_import_is_caught", upward_caught),
        Trial::test(
            "layers::self_test_deviations_stay_with_their_service",
            deviations_stay_with_their_service,
        ),
    ]
}

/// Layer per top-level module, from the numbered list in `src/lib.rs`.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((number, names)) = rest.split_once(". `") else {
            continue;
        };
        let Ok(layer) = number.trim().parse::<usize>() else {
            continue;
        };
        let names = format!("`{names}");
        for name in names.split('`').skip(1).step_by(2) {
            map.insert(name.to_string(), layer);
        }
    }
    map
}

fn files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Every `crate::` path in `text` (outside unit tests) that does not point down.
fn violations(
    file: &str,
    module: &str,
    text: &str,
    layer: &BTreeMap<String, usize>,
) -> Vec<String> {
    let own = layer.get(module).copied().unwrap_or(0);
    let mut wrong = Vec::new();
    // Unit tests may reach anywhere.
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    for (n, line) in code.lines().enumerate() {
        for part in line.split("crate::").skip(1) {
            let dep: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if dep == module || dep.is_empty() {
                continue;
            }
            match layer.get(&dep) {
                Some(&l) if l < own => {}
                Some(&l) => wrong.push(format!(
                    "{file}:{}: `{module}` (layer {own}) imports `{dep}` (layer {l})",
                    n + 1
                )),
                None => wrong.push(format!("{file}:{}: `{dep}` is in no layer", n + 1)),
            }
        }
    }
    wrong
}

/// The check has teeth: the spec layer naming the runner, or a sibling, is caught;
/// a test module may name anything.
fn upward_caught() -> Result<(), Failed> {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))?;
    let layer = layers(&lib);
    let up = "use crate::runner::Target;\nuse crate::path::PointerPattern;\n";
    let sideways = "use crate::outcome::Status;\n";
    let in_tests = "#[cfg(test)]\nmod tests { use crate::cli::execute; }\n";
    let found = |module: &str, text: &str| violations("x.rs", module, text, &layer).len();
    if found("spec", up) != 1 || found("spec", sideways) != 1 || found("spec", in_tests) != 0 {
        return Err(format!(
            "expected 1, 1, 0 violations, got {}, {}, {}",
            found("spec", up),
            found("spec", sideways),
            found("spec", in_tests)
        )
        .into());
    }
    Ok(())
}

fn imports_point_down() -> Result<(), Failed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layer = layers(&std::fs::read_to_string(root.join("lib.rs"))?);
    if layer.len() < 20 {
        return Err(format!("the layer list in src/lib.rs is not readable: {layer:?}").into());
    }
    let mut all = Vec::new();
    files(&root, &mut all);
    let mut wrong = Vec::new();
    for file in all {
        let rel = file
            .strip_prefix(&root)?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let module = rel.split('/').next().unwrap_or("").trim_end_matches(".rs");
        if !layer.contains_key(module) {
            wrong.push(format!(
                "src/{rel}: module `{module}` is in no layer of src/lib.rs"
            ));
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        wrong.extend(violations(&format!("src/{rel}"), module, &text, &layer));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n").into())
    }
}

/// What `text` (one file of the self-test, `src/mutants/…`) names that it should not:
/// a service folder names no other service's folder; a file outside them (common,
/// generic, the tools) names no service folder and no operation of the specs; the
/// module root gathers the folders.
fn misplaced(rel: &str, text: &str, services: &[String], operations: &[String]) -> Vec<String> {
    let own = services
        .iter()
        .find(|s| rel.starts_with(&format!("mutants/{s}/")));
    let mut wrong = Vec::new();
    for (n, line) in text.lines().enumerate() {
        // `mutants/mod.rs` gathers every service's deviations; only it may name them all.
        let others = services
            .iter()
            .filter(|s| Some(*s) != own && rel != "mutants/mod.rs");
        for s in others {
            if line.contains(&format!("mutants::{s}")) || line.contains(&format!("{s}::")) {
                wrong.push(format!("src/{rel}:{}: names the {s} deviations", n + 1));
            }
        }
        if own.is_none() {
            for op in operations {
                if line.contains(&format!("\"{op}\"")) {
                    wrong.push(format!("src/{rel}:{}: names the operation {op}", n + 1));
                }
            }
        }
    }
    wrong
}

/// The self-test is grouped per service: `src/mutants/<service>/` holds one service's
/// deviations and names no other's; the deviations every service has (`common.rs`,
/// `generic.rs`) name no operation. Variations (`variations.rs`, `liberties.rs`) take
/// liberties with named members of both services and are not held to it.
fn deviations_stay_with_their_service() -> Result<(), Failed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let contract = pat_conformance::spec::Contract::load(&root.join("specs"))?;
    let operations: Vec<String> = contract
        .services
        .iter()
        .flat_map(|s| s.spec.operations.keys().cloned())
        .collect();
    let mutants = root.join("src/mutants");
    let mut services = Vec::new();
    for entry in std::fs::read_dir(&mutants)? {
        let path = entry?.path();
        if path.is_dir() {
            services.extend(path.file_name().map(|n| n.to_string_lossy().to_string()));
        }
    }
    services.sort();
    let named: Vec<String> = contract
        .services
        .iter()
        .map(|s| s.name().to_string())
        .collect();
    if services.len() < 2 || services.iter().any(|s| !named.contains(s)) {
        return Err(format!("service folders {services:?} are not services of {named:?}").into());
    }
    // Teeth: a WorkMail name in the CodeCatalyst folder, and an operation in common.rs.
    let stray = misplaced(
        "mutants/codecatalyst/x.rs",
        "use crate::mutants::workmail as wm;",
        &services,
        &operations,
    );
    let named_op = misplaced(
        "mutants/common.rs",
        "on_reply(is(\"ListAccessTokens\"), f)",
        &services,
        &operations,
    );
    if stray.len() != 1 || named_op.len() != 1 {
        return Err(
            format!("the check missed a misplaced deviation: {stray:?} {named_op:?}").into(),
        );
    }
    let mut all = Vec::new();
    files(&mutants, &mut all);
    let mut wrong = Vec::new();
    for file in all {
        let rel = file
            .strip_prefix(root.join("src"))?
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("variations.rs") || rel.ends_with("liberties.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        wrong.extend(misplaced(&rel, code, &services, &operations));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n").into())
    }
}

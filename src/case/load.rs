//! Finding and parsing case files under `cases/<service>/<Operation>/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::diagnostic::{CaseLoadError, CaseLoadErrors};
use super::format::CaseFile;
use super::resolve::resolve_file;
use super::runnable::Case;
use crate::spec::Contract;

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Below this many files per core, loading stays on one thread.
const FILES_PER_THREAD: usize = 16;

/// Loads and checks every case under `dir`. Collects every problem in every file
/// before failing, so one run shows them all.
pub fn load_cases(dir: &Path, contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
    load_cases_in(&[dir.to_path_buf()], contract)
}

/// Loads every case under each of `dirs` (a suite's cases and the folders added to
/// them), in order; an id used twice, within a folder or across them, is an error.
pub fn load_cases_in(dirs: &[PathBuf], contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
    let mut errors = Vec::new();
    let mut cases = Vec::new();
    let files: Vec<(PathBuf, &Path)> = dirs
        .iter()
        .flat_map(|dir| {
            case_files(dir, &mut errors)
                .into_iter()
                .map(move |f| (f, dir.as_path()))
                .collect::<Vec<_>>()
        })
        .collect();
    // Parsing YAML is most of loading (about 0.1 ms for a small file): many files are
    // parsed on every core, in order-preserving chunks; a few stay on this thread.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len() / FILES_PER_THREAD)
        .max(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let parts: Vec<(Vec<Case>, Vec<CaseLoadError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let (mut cases, mut errors) = (Vec::new(), Vec::new());
                    for (file, dir) in part {
                        load_file(file, dir, contract, &mut cases, &mut errors);
                    }
                    (cases, errors)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for (part_cases, part_errors) in parts {
        cases.extend(part_cases);
        errors.extend(part_errors);
    }
    let mut seen: HashMap<String, (PathBuf, u64)> = HashMap::new();
    for case in &cases {
        if let Some((file, line)) = seen.get(&case.id) {
            let text =
                crate::yaml::read_capped(&case.file, crate::yaml::MAX_INPUT).unwrap_or_default();
            let (at, field) = &case.id_at;
            errors.push(CaseLoadError::new(
                &case.file,
                &text,
                Some(*at),
                field.as_str(),
                format!(
                    "id `{}` is already used at {}:{line}",
                    case.id,
                    file.display()
                ),
            ));
        } else {
            seen.insert(case.id.clone(), (case.file.clone(), case.line));
        }
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(CaseLoadErrors(errors))
    }
}

fn case_files(dir: &Path, errors: &mut Vec<CaseLoadError>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    if let Ok(real) = std::fs::canonicalize(dir) {
        seen.insert(real);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(CaseLoadError::new(
                    &d,
                    "",
                    None,
                    "(directory)",
                    format!("failed to read: {e}"),
                ));
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // Follows links, so a link to a file counts; FIFOs, sockets and devices
            // are skipped (reading one could block forever).
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                // A folder reached twice (links to `.`, loops) is walked once.
                if std::fs::canonicalize(&path).is_ok_and(|real| seen.insert(real)) {
                    stack.push(path);
                }
            } else if meta.is_file()
                && path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn load_file(
    file: &Path,
    root: &Path,
    contract: &Contract,
    cases: &mut Vec<Case>,
    errors: &mut Vec<CaseLoadError>,
) {
    let text = match crate::yaml::read_capped(file, crate::yaml::MAX_INPUT) {
        Ok(text) => text,
        Err(e) => {
            errors.push(CaseLoadError::new(
                file,
                "",
                None,
                "(file)",
                format!("failed to read: {e}"),
            ));
            return;
        }
    };
    let rel: Vec<String> = file
        .strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (service_name, operation) = match rel.as_slice() {
        [s, o, _] => (s.as_str(), o.as_str()),
        _ => {
            errors.push(CaseLoadError::new(
                file,
                &text,
                None,
                "(path)",
                "case files live at cases/<service>/<Operation>/<name>.yaml",
            ));
            return;
        }
    };
    let Some(service) = contract.service(service_name) else {
        let known: Vec<&str> = contract.services.iter().map(|s| s.name()).collect();
        errors.push(CaseLoadError::new(
            file,
            &text,
            None,
            "(path)",
            format!(
                "`{service_name}` is not a service in specs/ (expected one of: {})",
                known.join(", ")
            ),
        ));
        return;
    };
    if service.operation(operation).is_none() {
        let known: Vec<&String> = service.spec.operations.keys().collect();
        errors.push(CaseLoadError::new(
            file,
            &text,
            None,
            "(path)",
            format!(
                "`{operation}` is not an operation of {service_name} (expected one of: {})",
                known
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return;
    }
    match parse(&text) {
        Ok(parsed) => resolve_file(file, &text, &parsed, service, operation, cases, errors),
        Err((field, message, at)) => {
            errors.push(CaseLoadError::new(file, &text, at, field, message))
        }
    }
}

/// Parses a case file (YAML, or JSON, which is YAML too), keeping the path of the field
/// where parsing stopped.
fn parse(text: &str) -> Result<CaseFile, (String, String, Option<serde_saphyr::Location>)> {
    let options = serde_saphyr::options! { with_snippet: false, emit_comments: false, budget: crate::yaml::budget_for(text) };
    // Tracking the path of every field costs about a third of parsing: a file that
    // parses does without it, and one that does not is parsed again to name its field.
    if let Ok(file) = serde_saphyr::from_str_with_options::<CaseFile>(text, options.clone()) {
        return Ok(file);
    }
    let mut field = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize::<_, CaseFile>(de).map_err(|e| {
            field = e.path().to_string();
            e.into_inner()
        })
    });
    result.map_err(|e| {
        let mut message = e.without_snippet().to_string();
        // The location is reported separately; drop the parser's own copy of it.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        let field = if field.is_empty() || field == "." {
            "(document)".to_string()
        } else {
            field
        };
        (field, message, e.location())
    })
}

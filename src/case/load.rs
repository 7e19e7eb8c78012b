//! Finding and parsing case files under `cases/<service>/<Operation>/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::diagnostic::{CaseLoadError, CaseLoadErrors};
use super::format::CaseFile;
use super::resolve::resolve_file;
use super::runnable::Case;
use crate::spec::Contract;

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Below this much case text per core, parsing stays on one thread (starting a thread
/// costs about what parsing a few hundred bytes does).
const BYTES_PER_THREAD: usize = 16 * 1024;

/// Loads and checks every case under `dir`. Collects every problem in every file
/// before failing, so one run shows them all.
pub fn load_cases(dir: &Path, contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
    load_cases_in(&[dir.to_path_buf()], contract)
}

/// Loads every case under each of `dirs` (a suite's cases and the folders added to
/// them), in order; an id used twice, within a folder or across them, is an error.
pub fn load_cases_in(dirs: &[PathBuf], contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
    parse_cases_in(dirs).resolve(contract)
}

/// Case files read and parsed, not yet checked against a contract: parsing needs none,
/// so the suite parses them while its contract loads.
pub(crate) struct ParsedFiles {
    files: Vec<ParsedFile>,
    errors: Vec<CaseLoadError>,
}

struct ParsedFile {
    file: PathBuf,
    /// The folder the file was found under (its path below it names the operation).
    root: PathBuf,
    text: String,
    parsed: Result<CaseFile, (String, String, Option<serde_saphyr::Location>)>,
}

/// Finds and parses every case file under each of `dirs`, in order.
pub(crate) fn parse_cases_in(dirs: &[PathBuf]) -> ParsedFiles {
    let mut errors = Vec::new();
    let files: Vec<(PathBuf, &Path)> = dirs
        .iter()
        .flat_map(|dir| {
            case_files(dir, &mut errors)
                .into_iter()
                .map(move |f| (f, dir.as_path()))
                .collect::<Vec<_>>()
        })
        .collect();
    // Reading is cheap; parsing YAML is most of a start-up (1–2 ms per 8 KB on a CI core):
    // files are read here, then parsed on every core in order-preserving chunks when
    // there is enough text to share.
    let mut read = Vec::with_capacity(files.len());
    for (file, dir) in &files {
        match crate::yaml::read_capped(file, crate::yaml::MAX_INPUT) {
            Ok(text) => read.push((file.as_path(), *dir, text)),
            Err(e) => errors.push(CaseLoadError::new(
                file,
                "",
                None,
                "(file)",
                format!("failed to read: {e}"),
            )),
        }
    }
    let bytes: usize = read.iter().map(|(_, _, text)| text.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(bytes / BYTES_PER_THREAD)
        .max(1);
    let chunk = read.len().div_ceil(threads).max(1);
    let parts: Vec<Vec<ParsedFile>> = std::thread::scope(|scope| {
        let handles: Vec<_> = read
            .chunks_mut(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter_mut()
                        .map(|(file, dir, text)| {
                            let text = std::mem::take(text);
                            ParsedFile {
                                file: file.to_path_buf(),
                                root: dir.to_path_buf(),
                                parsed: parse(&text),
                                text,
                            }
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    ParsedFiles {
        files: parts.into_iter().flatten().collect(),
        errors,
    }
}

impl ParsedFiles {
    /// Checks every parsed file against `contract` and resolves its cases; every
    /// problem in every file is collected before failing.
    pub(crate) fn resolve(self, contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
        let ParsedFiles { files, mut errors } = self;
        let mut cases = Vec::new();
        // By value: each file's text and parse tree are freed as soon as its cases are
        // made, so the cases of a large suite reuse that memory rather than adding to it.
        for file in files {
            resolve_parsed(&file, contract, &mut cases, &mut errors);
        }
        check_unique_ids(cases, errors)
    }
}

/// An id used twice, within a folder or across them, is an error naming both places.
fn check_unique_ids(
    cases: Vec<Case>,
    mut errors: Vec<CaseLoadError>,
) -> Result<Vec<Case>, CaseLoadErrors> {
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

/// Checks that a parsed file sits at `cases/<service>/<Operation>/` of a service and
/// operation of `contract`, then resolves its cases.
fn resolve_parsed(
    parsed: &ParsedFile,
    contract: &Contract,
    cases: &mut Vec<Case>,
    errors: &mut Vec<CaseLoadError>,
) {
    let ParsedFile {
        file, root, text, ..
    } = parsed;
    let (file, text) = (file.as_path(), text.as_str());
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
                text,
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
            text,
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
            text,
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
    match &parsed.parsed {
        Ok(def) => resolve_file(file, text, def, service, operation, cases, errors),
        Err((field, message, at)) => errors.push(CaseLoadError::new(
            file,
            text,
            *at,
            field.as_str(),
            message.as_str(),
        )),
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

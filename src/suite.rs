//! The suite: the contract under `specs/` and the cases under `cases/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::case::{parse_cases_in, Case};
use crate::error::HarnessError;
use crate::generate::generated_cases;
use crate::spec::{Contract, SpecChecks};

/// Specs and cases (hand-written and generated from the specs), loaded and cross-checked.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The contract.
    pub contract: Arc<Contract>,
    /// Every case, in file order.
    pub cases: Vec<Case>,
}

impl Suite {
    /// Loads `specs_dir` and `cases_dir`, checking the specs in full; every case-file
    /// problem is reported at once.
    pub fn load(specs_dir: &Path, cases_dir: &Path) -> Result<Suite, HarnessError> {
        let source = SuiteSource {
            specs: specs_dir.to_path_buf(),
            builtin_specs: false,
            cases: cases_dir.to_path_buf(),
            builtin_cases: false,
            added: vec![],
            generated: true,
        };
        Suite::load_source_with(&source, SpecChecks::Full)
    }

    /// Loads the suite `source` names: its specs, its cases and every added folder's.
    /// Built-in specs are trusted to compile (see [`SpecChecks::Builtin`]); a user's
    /// are checked in full.
    pub fn load_source(source: &SuiteSource) -> Result<Suite, HarnessError> {
        let checks = if source.builtin_specs {
            SpecChecks::Builtin
        } else {
            SpecChecks::Full
        };
        Suite::load_source_with(source, checks)
    }

    /// Loads the suite `source` names, checking its specs as `checks` says.
    ///
    /// Case files are parsed while the contract loads and the generated cases are
    /// made (parsing needs no contract, and it is most of a start-up); they are
    /// checked against the contract once both are done.
    pub fn load_source_with(
        source: &SuiteSource,
        checks: SpecChecks,
    ) -> Result<Suite, HarnessError> {
        let mut dirs = vec![source.cases.clone()];
        dirs.extend(source.added.iter().cloned());
        let (contract, generated, parsed) = std::thread::scope(|scope| {
            let parsing = scope.spawn(|| parse_cases_in(&dirs));
            let loaded = Contract::load_with(&source.specs, checks).map(|contract| {
                let generated = if source.generated {
                    generated_cases(&contract)
                } else {
                    Ok(Vec::new())
                };
                (contract, generated)
            });
            let parsed = parsing
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            loaded.map(|(contract, generated)| (contract, generated, parsed))
        })?;
        let contract = Arc::new(contract);
        // Both kinds are checked before either's errors are reported: all at once.
        match (parsed.resolve(&contract), generated) {
            (Ok(mut cases), Ok(generated)) => {
                cases.extend(generated);
                Ok(Suite { contract, cases })
            }
            (Err(mut a), Err(b)) => {
                a.0.extend(b.0);
                Err(a.into())
            }
            (Err(e), _) | (_, Err(e)) => Err(e.into()),
        }
    }

    /// The suite embedded in this binary (see [`crate::embedded`]).
    pub fn bundled() -> Result<Suite, HarnessError> {
        let (specs, cases) = crate::embedded::dirs().map_err(|source| HarnessError::Io {
            path: PathBuf::from("the embedded suite"),
            source,
        })?;
        Suite::load(&specs, &cases)
    }
}

/// Where a suite's specs and cases come from. The built-in suite (embedded in the
/// binary) unless the user named folders: a `specs/` or `cases/` folder that happens to
/// be in the working directory is never picked up by itself.
#[derive(Debug, Clone)]
pub struct SuiteSource {
    /// The specs folder.
    pub specs: PathBuf,
    /// Whether `specs` is the built-in copy.
    pub builtin_specs: bool,
    /// The cases folder the suite starts from.
    pub cases: PathBuf,
    /// Whether `cases` is the built-in copy.
    pub builtin_cases: bool,
    /// Folders whose cases are added (`--add-cases`), in order.
    pub added: Vec<PathBuf>,
    /// Whether the cases generated from the specs are made: not when the run's filters
    /// can select none of them ([`crate::runner::Filter::may_select_generated`]), so a
    /// run of a few case files does not pay for a few hundred cases it drops. `validate`
    /// and the mutation self-test always make them.
    pub generated: bool,
}

impl SuiteSource {
    /// `--specs` and `--cases` replace the built-in folders; `--add-cases` folders add
    /// to the cases. An added folder that is not a folder is an error naming it.
    pub fn resolve(
        specs: Option<&Path>,
        cases: Option<&Path>,
        added: &[PathBuf],
    ) -> Result<SuiteSource, HarnessError> {
        for dir in added {
            if !dir.is_dir() {
                return Err(crate::error::ConfigError::Value {
                    option: "--add-cases",
                    value: dir.display().to_string(),
                    reason: "is not a folder".into(),
                }
                .into());
            }
        }
        let builtin = if specs.is_none() || cases.is_none() {
            Some(crate::embedded::dirs().map_err(|source| HarnessError::Io {
                path: PathBuf::from("the embedded suite"),
                source,
            })?)
        } else {
            None
        };
        let pick = |given: Option<&Path>, builtin: Option<PathBuf>| match given {
            Some(dir) => (dir.to_path_buf(), false),
            None => (builtin.unwrap_or_default(), true),
        };
        let (specs, builtin_specs) = pick(specs, builtin.as_ref().map(|b| b.0.clone()));
        let (cases, builtin_cases) = pick(cases, builtin.map(|b| b.1));
        Ok(SuiteSource {
            specs,
            builtin_specs,
            cases,
            builtin_cases,
            added: added.to_vec(),
            generated: true,
        })
    }

    /// One line saying where `cases` (loaded from this source) came from, e.g.
    /// `suite: built-in specs and cases of pat-conformance 0.1.0 (185 cases) + 3 cases
    /// from my-cases`.
    pub fn describe(&self, cases: &[Case]) -> String {
        let from = |dir: &Path| cases.iter().filter(|c| c.file.starts_with(dir)).count();
        let added: Vec<String> = self
            .added
            .iter()
            .map(|dir| format!(" + {} from {}", plural(from(dir)), dir.display()))
            .collect();
        let base = plural(cases.len() - self.added.iter().map(|d| from(d)).sum::<usize>());
        let version = env!("CARGO_PKG_VERSION");
        let generated = if self.generated {
            "generated ones included"
        } else {
            "none generated: the filters select no generated case"
        };
        let head = match (self.builtin_specs, self.builtin_cases) {
            (true, true) if self.generated => {
                format!("built-in specs and cases of pat-conformance {version} ({base})")
            }
            (true, true) => format!(
                "built-in specs and cases of pat-conformance {version} ({base}, {generated})"
            ),
            (true, false) => format!(
                "built-in specs; cases from {} instead of the built-in ones ({base}, {generated})",
                self.cases.display()
            ),
            (false, true) => format!(
                "specs from {}; built-in cases ({base}, {generated})",
                self.specs.display()
            ),
            (false, false) => format!(
                "specs from {}, cases from {} ({base}, {generated})",
                self.specs.display(),
                self.cases.display()
            ),
        };
        format!("suite: {head}{}", added.concat())
    }
}

/// `1 case`, `3 cases`.
fn plural(n: usize) -> String {
    format!("{n} case{}", if n == 1 { "" } else { "s" })
}

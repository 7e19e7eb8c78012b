//! The suite: the contract under `specs/` and the cases under `cases/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::case::{load_cases, Case};
use crate::error::HarnessError;
use crate::generate::generated_cases;
use crate::spec::Contract;

/// Specs and cases (hand-written and generated from the specs), loaded and cross-checked.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The contract.
    pub contract: Arc<Contract>,
    /// Every case, in file order.
    pub cases: Vec<Case>,
}

impl Suite {
    /// Loads `specs_dir` and `cases_dir`; every case-file problem is reported at once.
    pub fn load(specs_dir: &Path, cases_dir: &Path) -> Result<Suite, HarnessError> {
        let contract = Arc::new(Contract::load(specs_dir)?);
        // Both kinds are loaded before either's errors are reported: all at once.
        match (load_cases(cases_dir, &contract), generated_cases(&contract)) {
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

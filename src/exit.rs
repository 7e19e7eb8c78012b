//! Process exit codes, all in one place. The README documents the same table.

/// What a `pat-conformance` process reports to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every selected case conforms (or was skipped).
    Conforms = 0,
    /// The target broke the contract: at least one case failed. Also: `coverage` found a
    /// documented topic without a case; `mutants` saw a deviation survive or a
    /// conformant variation fail.
    ContractFailure = 1,
    /// Bad usage, configuration, spec, case, baseline or report file; nothing was run.
    Usage = 2,
    /// A harness problem during the run (unreachable target, timeout): the verdict is
    /// incomplete. Takes precedence over contract failures.
    HarnessError = 3,
    /// Every case that ran conforms, but some were skipped (the target profile lacks
    /// what they need) and `--fail-on-skip` asks that every selected case run.
    NotRun = 4,
    /// The run was interrupted (Ctrl-C); cleanups ran and partial reports were written.
    Interrupted = 130,
}

/// What a finished command found: everything that decides its exit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings {
    /// A signal stopped it.
    pub interrupted: bool,
    /// Harness problems that count (a run's errors; under a baseline, only errors that
    /// are regressions or new failures).
    pub harness_errors: usize,
    /// Contract failures that count (under a baseline: regressions and new failures;
    /// for `coverage`: gaps; for `mutants`: survivors and false failures).
    pub failures: usize,
    /// Skipped cases that count (only with `--fail-on-skip`).
    pub skipped: usize,
}

impl Exit {
    /// The one place an exit is decided: an interruption first, then a harness
    /// problem (the verdict is incomplete), then a contract failure, then skips that
    /// count.
    pub fn decide(findings: Findings) -> Exit {
        if findings.interrupted {
            Exit::Interrupted
        } else if findings.harness_errors > 0 {
            Exit::HarnessError
        } else if findings.failures > 0 {
            Exit::ContractFailure
        } else if findings.skipped > 0 {
            Exit::NotRun
        } else {
            Exit::Conforms
        }
    }

    /// The numeric process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code() as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interruption_then_harness_then_contract() {
        let f = |interrupted, harness_errors, failures, skipped| {
            Exit::decide(Findings {
                interrupted,
                harness_errors,
                failures,
                skipped,
            })
        };
        assert_eq!(f(true, 1, 1, 1), Exit::Interrupted);
        assert_eq!(f(false, 1, 1, 1), Exit::HarnessError);
        assert_eq!(f(false, 0, 1, 1), Exit::ContractFailure);
        assert_eq!(f(false, 0, 0, 1), Exit::NotRun);
        assert_eq!(f(false, 0, 0, 0), Exit::Conforms);
        assert_eq!(Exit::NotRun.code(), 4);
    }
}

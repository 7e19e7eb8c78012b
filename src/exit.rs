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
    /// The run was interrupted (Ctrl-C); cleanups ran and partial reports were written.
    Interrupted = 130,
}

impl Exit {
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

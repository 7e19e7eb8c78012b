//! What a run needs, checked: where the suite comes from, which cases, the target,
//! and how to run and report them.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{ConfigError, HarnessError};
use crate::profile::Profile;
use crate::runner::Filter;

/// Where the cases run.
#[derive(Debug, Clone)]
pub enum TargetChoice {
    /// The embedded emulator, started for the run.
    Embedded,
    /// A real or emulated endpoint.
    Remote {
        /// `--endpoint`: one URL for every service.
        endpoint: Option<String>,
        /// The profile (empty when none was given).
        profile: Box<Profile>,
        /// `--aws`: services with no other endpoint use the public AWS one.
        public: bool,
    },
}

/// Everything a run needs, checked.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where the specs and cases come from.
    pub suite: crate::suite::SuiteSource,
    /// Which cases.
    pub filter: Filter,
    /// The embedded emulator, or an endpoint with its profile.
    pub target: TargetChoice,
    /// Cases in flight.
    pub jobs: usize,
    /// Per-request time budget (connect, headers and the whole body).
    pub timeout: Duration,
    /// Most bytes of a response body read per exchange.
    pub max_body: usize,
    /// Reports root.
    pub reports_dir: PathBuf,
    /// Expected outcomes to gate on.
    pub baseline: Option<PathBuf>,
    /// Rewrite the baseline from this run.
    pub update_baseline: bool,
    /// Run only shard `k` of `n` (1-based).
    pub shard: Option<(usize, usize)>,
    /// Attempts per call (`--max-attempts`; 1 never retries).
    pub max_attempts: u32,
    /// Most requests per second (`--rate`).
    pub rate: Option<f64>,
    /// Probe the endpoints before the cases (off with `--no-preflight`).
    pub preflight: bool,
    /// The AWS shared-config profile SigV4 credentials come from (`--aws-profile`).
    pub aws_profile: Option<String>,
    /// How much the console says (`--quiet`, `--verbose`).
    pub verbosity: crate::report::Verbosity,
    /// Ask the target for what the profile lacks before the cases (`--discover`).
    pub discover: bool,
    /// A skipped case counts against the run (`--fail-on-skip`).
    pub fail_on_skip: bool,
}

impl RunConfig {
    /// The runner's options for this configuration (a fresh run id and cancellation
    /// tokens; wire the tokens to signals before the run).
    pub fn options(&self) -> crate::runner::RunOptions {
        let mut options = crate::runner::RunOptions::new();
        options.jobs = self.jobs;
        options.timeout = self.timeout;
        options.max_body = self.max_body;
        options.levels = self.filter.levels.clone();
        options.retry.max_attempts = self.max_attempts;
        options.rate = self.rate;
        options.preflight = self.preflight;
        options
    }
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(text: &str) -> Result<(usize, usize), HarnessError> {
    let bad = || {
        HarnessError::from(ConfigError::Value {
            option: "--shard",
            value: text.to_string(),
            reason: "expected K/N with 1 <= K <= N, e.g. 1/2".into(),
        })
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Whether any `AWS_ENDPOINT_URL*` variable is set.
pub(crate) fn endpoint_env_set() -> bool {
    std::env::vars().any(|(k, v)| k.starts_with("AWS_ENDPOINT_URL") && !v.trim().is_empty())
}

/// Parses a byte size: `4194304`, `512KiB`, `4MiB`, `1MB` (KB/MB are 1000-based).
pub fn parse_size(text: &str) -> Result<usize, HarnessError> {
    let bad = |why: &str| {
        HarnessError::from(ConfigError::Value {
            option: "--max-body",
            value: text.to_string(),
            reason: why.to_string(),
        })
    };
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: usize = number
        .parse()
        .map_err(|_| bad("expected a number of bytes, e.g. 4MiB"))?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" | "k" => 1024,
        "mb" => 1_000_000,
        "mib" | "m" => 1024 * 1024,
        "gb" => 1_000_000_000,
        "gib" | "g" => 1024 * 1024 * 1024,
        other => {
            return Err(bad(&format!(
                "unknown unit `{other}` (B, KiB, MiB, GiB, KB, MB, GB)"
            )))
        }
    };
    let size = number.checked_mul(factor).ok_or_else(|| bad("too large"))?;
    if size == 0 {
        return Err(bad("must be more than 0"));
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4MiB").ok(), Some(4 * 1024 * 1024));
        assert_eq!(parse_size("512 KiB").ok(), Some(512 * 1024));
        assert_eq!(parse_size("1MB").ok(), Some(1_000_000));
        assert_eq!(parse_size("100").ok(), Some(100));
        for bad in ["", "0", "4XB", "MiB", "99999999999999999999GiB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}

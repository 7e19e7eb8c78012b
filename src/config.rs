//! The validated run configuration, built from command-line arguments and the
//! environment (the "high-level" view; `cli::args` is the raw one).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::case::Level;
use crate::cli::args::{FilterArgs, LevelArg, RunArgs, SuiteArgs};
use crate::error::HarnessError;
use crate::profile::Profile;
use crate::runner::{Filter, Target};
use crate::spec::Contract;
use crate::suite::bundled_dir;

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
    /// Specs folder.
    pub specs_dir: PathBuf,
    /// Cases folder.
    pub cases_dir: PathBuf,
    /// Which cases.
    pub filter: Filter,
    /// Where.
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
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(text: &str) -> Result<(usize, usize), HarnessError> {
    let bad = || {
        HarnessError::Config(format!(
            "--shard `{text}`: expected K/N with 1 <= K <= N, e.g. 1/2"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Reads an environment variable, treating empty as unset.
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves `--specs` / `--cases`: the given folder, else `./specs`, else the bundled one.
pub fn suite_dirs(args: &SuiteArgs) -> (PathBuf, PathBuf) {
    let pick = |given: &Option<PathBuf>, name: &str| {
        given.clone().unwrap_or_else(|| {
            let local = Path::new(name);
            if local.is_dir() {
                local.to_path_buf()
            } else {
                bundled_dir(name)
            }
        })
    };
    (pick(&args.specs, "specs"), pick(&args.cases, "cases"))
}

impl Filter {
    /// The filter the arguments describe.
    pub fn from_args(args: &FilterArgs) -> Filter {
        Filter {
            services: args.services.clone(),
            operations: args.operations.clone(),
            tags: args.tags.clone(),
            exclude_tags: args.exclude_tags.clone(),
            ids: args.ids.clone(),
            levels: args
                .levels
                .iter()
                .map(|l| match l {
                    LevelArg::Must => Level::Must,
                    LevelArg::Should => Level::Should,
                })
                .collect(),
        }
    }
}

/// Whether any `AWS_ENDPOINT_URL*` variable is set.
fn endpoint_env_set() -> bool {
    std::env::vars().any(|(k, v)| k.starts_with("AWS_ENDPOINT_URL") && !v.trim().is_empty())
}

impl RunConfig {
    /// Validates `run` arguments.
    pub fn from_args(args: &RunArgs) -> Result<RunConfig, HarnessError> {
        let (specs_dir, cases_dir) = suite_dirs(&args.suite);
        let timeout = humantime::parse_duration(&args.timeout)
            .map_err(|e| HarnessError::Config(format!("--timeout `{}`: {e}", args.timeout)))?;
        if timeout.is_zero() {
            return Err(HarnessError::Config(
                "--timeout must be more than 0s".into(),
            ));
        }
        let jobs = args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        });
        if jobs == 0 {
            return Err(HarnessError::Config("--jobs must be at least 1".into()));
        }
        if let Some(e) = &args.endpoint {
            check_url(e)?;
        }
        if args.update_baseline && args.baseline.is_none() {
            return Err(HarnessError::Config(
                "--update-baseline needs --baseline FILE".into(),
            ));
        }
        let profile = args.profile.as_deref().map(Profile::load).transpose()?;
        let remote = args.endpoint.is_some() || args.aws || profile.is_some() || endpoint_env_set();
        let target = if remote {
            TargetChoice::Remote {
                endpoint: args.endpoint.clone(),
                profile: Box::new(profile.unwrap_or_default()),
                public: args.aws,
            }
        } else {
            TargetChoice::Embedded
        };
        Ok(RunConfig {
            specs_dir,
            cases_dir,
            filter: Filter::from_args(&args.filter),
            target,
            jobs,
            timeout,
            max_body: parse_size(&args.max_body)?,
            reports_dir: args.reports.clone(),
            baseline: args.baseline.clone(),
            update_baseline: args.update_baseline,
            shard: args.shard.as_deref().map(parse_shard).transpose()?,
        })
    }
}

/// Parses a byte size: `4194304`, `512KiB`, `4MiB`, `1MB` (KB/MB are 1000-based).
pub fn parse_size(text: &str) -> Result<usize, HarnessError> {
    let bad = |why: &str| HarnessError::Config(format!("--max-body `{text}`: {why}"));
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

fn check_url(url: &str) -> Result<(), HarnessError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(HarnessError::Config(format!(
            "endpoint `{url}` must start with http:// or https://"
        )))
    }
}

/// The endpoints and region of a remote target. Per service, first of: `--endpoint`,
/// the profile, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, and (only with
/// `public`, i.e. `--aws`) the public endpoint. A service left with none has no
/// endpoint (its cases skip); no endpoint at all, or a profile naming a service the
/// contract does not have, is a configuration error.
pub fn remote_target(
    contract: &Contract,
    endpoint: Option<&str>,
    profile: Profile,
    public: bool,
) -> Result<Target, HarnessError> {
    let known: Vec<&str> = contract.services.iter().map(|s| s.name()).collect();
    if let Some(unknown) = profile
        .endpoints
        .keys()
        .find(|k| !known.contains(&k.as_str()))
    {
        return Err(HarnessError::Config(format!(
            "the profile's endpoints name `{unknown}`, which is not a service of the suite ({})",
            known.join(", ")
        )));
    }
    let region = profile
        .region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string());
    let mut endpoints = Vec::new();
    for service in &contract.services {
        let url = endpoint
            .map(str::to_string)
            .or_else(|| profile.endpoints.get(service.name()).cloned())
            .or_else(|| env(&service.spec.endpoint.env))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| public.then(|| service.spec.endpoint.default.replace("{region}", &region)));
        if let Some(url) = url {
            check_url(&url)?;
            endpoints.push((service.name().to_string(), url));
        }
    }
    if endpoints.is_empty() {
        return Err(HarnessError::Config(
            "no endpoint selected: pass --endpoint URL, set `endpoints` in the profile or AWS_ENDPOINT_URL, or --aws for the public AWS endpoints".into(),
        ));
    }
    Ok(Target {
        endpoints,
        profile,
        region,
    })
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

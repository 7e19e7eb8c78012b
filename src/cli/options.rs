//! From the command line's raw arguments to the library's validated configuration
//! (ripgrep's lowargs → hiargs): the only place the clap types meet the library.

use super::args::{FilterArgs, InitArgs, LevelArg, RunArgs, SuiteArgs, TargetArgs};
use crate::config::{
    endpoint_env_set, parse_shard, parse_size, InitOptions, RunConfig, TargetChoice,
};
use crate::discover::Options as DiscoverOptions;
use crate::error::{ConfigError, HarnessError};
use crate::profile::Profile;
use crate::report::Verbosity;
use crate::runner::{check_url, Filter};
use crate::suite::SuiteSource;
use crate::vocab::Level;

/// `--specs`, `--cases` and `--add-cases`, resolved.
pub fn suite_source(args: &SuiteArgs) -> Result<SuiteSource, HarnessError> {
    SuiteSource::resolve(
        args.specs.as_deref(),
        args.cases.as_deref(),
        &args.add_cases,
    )
}

/// `--specs`, `--cases` and `--add-cases` for a command that keeps only what `filter`
/// selects: the generated cases are not made when it can select none of them.
pub fn filtered_source(args: &SuiteArgs, filter: &Filter) -> Result<SuiteSource, HarnessError> {
    let mut source = suite_source(args)?;
    source.generated = filter.may_select_generated();
    Ok(source)
}

/// The filter the arguments describe.
pub fn filter(args: &FilterArgs) -> Filter {
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

/// Cases in flight against a remote target unless `--jobs` says otherwise.
pub const REMOTE_JOBS: usize = 16;

/// `--timeout`: a duration above zero.
fn timeout(text: &str) -> Result<std::time::Duration, HarnessError> {
    let timeout = humantime::parse_duration(text).map_err(|e| ConfigError::Value {
        option: "--timeout",
        value: text.to_string(),
        reason: e.to_string(),
    })?;
    if timeout.is_zero() {
        return Err(ConfigError::Value {
            option: "--timeout",
            value: text.to_string(),
            reason: "must be more than 0s".into(),
        }
        .into());
    }
    Ok(timeout)
}

/// `--max-attempts` at least 1, `--rate` above 0, `--update-baseline` with a baseline.
fn check_retries_and_rate(args: &RunArgs) -> Result<(), HarnessError> {
    if args.max_attempts == 0 {
        return Err(ConfigError::Value {
            option: "--max-attempts",
            value: "0".into(),
            reason: "must be at least 1 (1 never retries)".into(),
        }
        .into());
    }
    if let Some(rate) = args.rate.filter(|r| !(r.is_finite() && *r > 0.0)) {
        return Err(ConfigError::Value {
            option: "--rate",
            value: rate.to_string(),
            reason: "must be a number of requests per second above 0".into(),
        }
        .into());
    }
    if args.update_baseline && args.baseline.is_none() {
        return Err(ConfigError::Options("--update-baseline needs --baseline FILE").into());
    }
    Ok(())
}

/// The target the options name: remote when any of `--endpoint`, `--aws`, `--profile`
/// or an `AWS_ENDPOINT_URL*` variable names one, else the embedded emulator.
fn target_choice(args: &TargetArgs) -> Result<(TargetChoice, bool), HarnessError> {
    let profile = args.profile.as_deref().map(Profile::load).transpose()?;
    let remote = args.endpoint.is_some() || args.aws || profile.is_some() || endpoint_env_set();
    if let Some(e) = &args.endpoint {
        check_url(e)?;
    }
    let target = if remote {
        TargetChoice::Remote {
            endpoint: args.endpoint.clone(),
            profile: Box::new(profile.unwrap_or_default()),
            public: args.aws,
        }
    } else {
        TargetChoice::Embedded
    };
    Ok((target, remote))
}

/// Validates `init` arguments: the configuration of a run that only asks (one call
/// at a time, no retries, no preflight), and what `init` does besides.
pub fn init_config(args: &InitArgs) -> Result<(RunConfig, InitOptions), HarnessError> {
    let filter = Filter {
        services: args.services.clone(),
        ..Filter::default()
    };
    let suite = filtered_source(&args.suite, &filter)?;
    let (target, _) = target_choice(&args.target)?;
    let config = RunConfig {
        suite,
        filter,
        target,
        jobs: 1,
        timeout: timeout(&args.timeout)?,
        max_body: parse_size("4MiB")?,
        reports_dir: "reports".into(),
        baseline: None,
        update_baseline: false,
        shard: None,
        max_attempts: 1,
        rate: None,
        preflight: false,
        aws_profile: args.target.aws_profile.clone(),
        verbosity: Verbosity::Normal,
        discover: true,
        fail_on_skip: false,
    };
    let init = InitOptions {
        out: args.out.clone(),
        force: args.force,
        discover: DiscoverOptions {
            create_iam_users: args.create_iam_users,
            disposable_token: args.disposable_token.clone(),
            timeout: config.timeout,
        },
        remove: args.remove,
    };
    Ok((config, init))
}

/// Validates `run` arguments into a run configuration.
pub fn run_config(args: &RunArgs) -> Result<RunConfig, HarnessError> {
    let filter = filter(&args.filter);
    let suite = filtered_source(&args.suite, &filter)?;
    let timeout = timeout(&args.timeout)?;
    let (target, remote) = target_choice(&args.target)?;
    // A remote target keeps the run waiting on the network, not on cores.
    let jobs = args.jobs.unwrap_or(if remote {
        REMOTE_JOBS
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    if jobs == 0 {
        return Err(ConfigError::Value {
            option: "--jobs",
            value: jobs.to_string(),
            reason: "must be at least 1".into(),
        }
        .into());
    }
    check_retries_and_rate(args)?;
    Ok(RunConfig {
        suite,
        filter,
        target,
        jobs,
        timeout,
        max_body: parse_size(&args.max_body)?,
        reports_dir: args.reports.clone(),
        baseline: args.baseline.clone(),
        update_baseline: args.update_baseline,
        shard: args.shard.as_deref().map(parse_shard).transpose()?,
        max_attempts: args.max_attempts,
        rate: args.rate,
        preflight: !args.no_preflight,
        aws_profile: args.target.aws_profile.clone(),
        discover: args.discover,
        fail_on_skip: args.fail_on_skip,
        verbosity: match (args.quiet, args.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        },
    })
}

//! `pat-conformance sweep`: deletes what an earlier run left (every listed item whose
//! name carries its run id; with `--from`, also what carries no name and the run
//! logged it made), for when the run itself could not: SIGKILL, the OOM killer, a CI
//! runner's hard cancel, a crash.

use std::path::Path;
use std::sync::Arc;

use super::args::SweepArgs;
use crate::error::{ConfigError, HarnessError, InputError};
use crate::exit::{Exit, Findings};
use crate::profile::Profile;
use crate::runner::{self, Names, RunOptions};
use crate::spec::Contract;

/// Most bytes of a journal's first line read to learn its run id.
const MAX_FIRST_LINE: u64 = 64 * 1024;

/// Runs the command.
pub(super) async fn sweep(args: &SweepArgs) -> Result<Exit, HarnessError> {
    let names = names(args)?;
    let contract = contract(args)?;
    let timeout = humantime::parse_duration(&args.timeout).map_err(|e| ConfigError::Value {
        option: "--timeout",
        value: args.timeout.clone(),
        reason: e.to_string(),
    })?;
    if let Some(e) = &args.target.endpoint {
        runner::check_url(e)?;
    }
    let mut profile = match &args.target.profile {
        Some(path) => Profile::load(path)?,
        None => Profile::default(),
    };
    if args.target.endpoint.is_none()
        && !args.target.aws
        && args.target.profile.is_none()
        && !crate::config::endpoint_env_set()
    {
        return Err(ConfigError::Options(
            "sweep needs a target: --endpoint URL, --profile FILE (with endpoints) or --aws",
        )
        .into());
    }
    // What carries no name is swept by what the run logged in its report folder.
    let read = args
        .from
        .as_deref()
        .map(|p| runner::read_log(&folder_of(p)));
    let problems = read.as_ref().map_or(0, |r| r.problems.len());
    for problem in read.iter().flat_map(|r| &r.problems) {
        outln!("sweep: {problem}");
    }
    let (logged, named) = match read {
        Some(r) => (Some(r.logged), r.named),
        None => (None, Vec::new()),
    };
    let sigv4 = contract
        .services
        .iter()
        .filter(|s| selected(args, s))
        .any(|s| {
            s.spec.auth.scheme == crate::spec::AuthScheme::Sigv4
                && (runner::sweepable(s)
                    || logged
                        .as_ref()
                        .is_some_and(|l| l.iter().any(|l| l.service == s.name())))
        });
    if sigv4 {
        let _ = crate::config::sigv4_credentials(&mut profile, args.target.aws_profile.as_deref())
            .await;
    }
    // The profile is checked against every service (it may name them all), then only
    // those named with `--service` are swept.
    let target = runner::remote_target(
        &contract,
        args.target.endpoint.as_deref(),
        profile,
        args.target.aws,
    )?;
    let mut contract = contract;
    contract.services.retain(|s| selected(args, s));
    let contract = Arc::new(contract);
    let mut options = RunOptions::new();
    options.timeout = timeout;
    let what = match &names {
        Names::Run(id) => format!("names carrying run id {id}"),
        Names::AnyRun => "names carrying any run id".to_string(),
    };
    let what = match &logged {
        Some(l) if !l.is_empty() => format!(
            "{what}, and what it made that carries no name (by {})",
            runner::MADE_BY_ID_FILE
        ),
        _ => what,
    };
    let what = match named.len() {
        0 => what,
        n => format!("{what}, and {n} name(s) too short for the run id that it logged"),
    };
    outln!(
        "sweep: {what}{}",
        if args.dry_run { " (dry run)" } else { "" }
    );
    let swept = runner::sweep(
        contract,
        target,
        options,
        names,
        args.dry_run,
        logged.as_deref(),
        &named,
    )
    .await?;
    let mut findings = print_swept(&swept, args.dry_run);
    // A log line that did not read may have named something still there.
    findings.harness_errors += problems;
    Ok(Exit::decide(findings))
}

/// The contract to sweep with: the built-in specs (or `--specs`); each service named
/// with `--service` must be one of them.
fn contract(args: &SweepArgs) -> Result<Contract, HarnessError> {
    let specs = crate::suite::SuiteSource::resolve(args.specs.as_deref(), None, &[])?.specs;
    let contract = Contract::load(&specs)?;
    if let Some(unknown) = args.services.iter().find(|s| contract.service(s).is_none()) {
        let known: Vec<&str> = contract.services.iter().map(|s| s.name()).collect();
        return Err(ConfigError::UnknownService {
            name: unknown.clone(),
            known: known.join(", "),
        }
        .into());
    }
    Ok(contract)
}

/// Whether `service` is swept: every service, or only those named with `--service`.
fn selected(args: &SweepArgs, service: &crate::spec::Service) -> bool {
    args.services.is_empty() || args.services.iter().any(|n| n == service.name())
}

/// What each service's listing showed and what was deleted; the findings that decide
/// the exit (a failed listing or delete, or something still listed).
fn print_swept(swept: &[runner::Swept], dry_run: bool) -> Findings {
    let verb = if dry_run { "would delete" } else { "deleted" };
    let mut findings = Findings::default();
    for s in swept {
        if let Some(why) = &s.not_swept {
            outln!("{}: not swept: {why}", s.service);
            continue;
        }
        outln!(
            "{} as {}: {} listed {}, {verb} {}, {} still listed",
            s.service,
            s.identity,
            s.found.len(),
            if s.by_id {
                "that the run made (by id)"
            } else {
                "with those names"
            },
            if dry_run { s.found.len() } else { s.deleted },
            s.still_listed
        );
        // One line per name: a case that made a hundred tokens of one name says so once.
        let mut names: std::collections::BTreeMap<&str, usize> = Default::default();
        for name in &s.found {
            *names.entry(name.as_str()).or_default() += 1;
        }
        for (name, n) in names {
            match n {
                1 => outln!("  {name}"),
                n => outln!("  {name} (×{n})"),
            }
        }
        for e in &s.errors {
            outln!("  error: {e}");
        }
        if !dry_run {
            findings.harness_errors += s.errors.len() + s.still_listed;
        }
    }
    if swept.is_empty() {
        outln!("sweep: no service of this target can be listed for what a run creates");
    }
    findings
}

/// Which names the arguments select.
fn names(args: &SweepArgs) -> Result<Names, HarnessError> {
    if args.all_runs {
        return Ok(Names::AnyRun);
    }
    let (id, option) = match (&args.run_id, &args.from) {
        (Some(id), _) => (id.clone(), "--run-id"),
        (None, Some(path)) => (run_id_of(path)?, "--from"),
        (None, None) => {
            return Err(ConfigError::Options("sweep needs --run-id, --from or --all-runs").into())
        }
    };
    if !Names::is_run_id(&id) {
        return Err(ConfigError::Value {
            option,
            value: id,
            reason: "is not a run id (like 20261122T103000Z-4f2a)".into(),
        }
        .into());
    }
    Ok(Names::Run(id))
}

/// The report folder `--from` names: the folder itself, or the journal's.
fn folder_of(path: &Path) -> std::path::PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The run id a report folder or journal belongs to: the journal's first line says.
/// A run killed before it started its cases leaves an empty journal (made when the run
/// checked that reports can be written); its folder is named by the run id, so that
/// name is used and the sweep lists as for any run.
fn run_id_of(path: &Path) -> Result<String, HarnessError> {
    use std::io::{BufRead, Read};
    let journal = if path.is_dir() {
        path.join(crate::report::JOURNAL_FILE)
    } else {
        path.to_path_buf()
    };
    let bad = |reason: String| InputError::Report {
        path: journal.clone(),
        reason,
    };
    let file = std::fs::File::open(&journal).map_err(|e| bad(format!("failed to open: {e}")))?;
    let mut first = String::new();
    std::io::BufReader::new(file.take(MAX_FIRST_LINE))
        .read_line(&mut first)
        .map_err(|e| bad(format!("failed to read: {e}")))?;
    if first.is_empty() {
        let folder = journal.parent().and_then(Path::file_name);
        return match folder.and_then(|f| f.to_str()) {
            Some(name) if Names::is_run_id(name) => Ok(name.to_string()),
            _ => Err(bad(
                "it is empty (the run stopped before it started any case), and its folder \
                 is not named by a run id: name the run with --run-id"
                    .into(),
            )
            .into()),
        };
    }
    let value: serde_json::Value = serde_json::from_str(&first)
        .map_err(|e| bad(format!("failed to read its first line as JSON: {e}")))?;
    value
        .pointer("/started/run_id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad("its first line names no run id (`started.run_id`)".into()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name/journal.jsonl`, empty, in a fresh folder of its own (`tag` tells the tests
    /// apart; each removes its folder).
    fn folder(tag: &str, name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir()
            .join(format!("pat-sweep-{tag}-{}", std::process::id()))
            .join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(crate::report::JOURNAL_FILE), "").unwrap();
        dir
    }

    #[test]
    fn an_empty_journal_takes_the_run_id_from_its_folder() {
        let dir = folder("named", "20261204T144356Z-1b98");
        let journal = dir.join(crate::report::JOURNAL_FILE);
        let (by_folder, by_file) = (run_id_of(&dir), run_id_of(&journal));
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
        assert_eq!(by_folder.unwrap(), "20261204T144356Z-1b98");
        assert_eq!(by_file.unwrap(), "20261204T144356Z-1b98");
    }

    #[test]
    fn an_empty_journal_elsewhere_asks_for_the_run_id() {
        let dir = folder("other", "copied-reports");
        let result = run_id_of(&dir);
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
        let message = result.unwrap_err().to_string();
        assert!(message.contains("is empty"), "{message}");
        assert!(message.contains("--run-id"), "{message}");
    }
}

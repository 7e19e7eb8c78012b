//! A run from its configuration: the suite, the target, the reporters and the gate,
//! built here so that the command line only parses and dispatches.

use super::credentials::{print_bearer_sources, require_credentials, sigv4_credentials};
use super::{RunConfig, TargetChoice};
use crate::case::Case;
use crate::emulator::{Emulator, EmulatorConfig};
use crate::error::{ConfigError, HarnessError};
use crate::exit::{Exit, Findings};
use crate::report::baseline::{self, Baseline};
use crate::report::{AnnotationReporter, CaseSource, JournalWriter, JsonReport, TerminalReporter};
use crate::runner::remote_target;
use crate::runner::{self, Reporters, RunOptions};
use crate::suite::Suite;

/// Runs the suite as `config` says with `options` (from [`RunConfig::options`], with
/// whatever cancellation the caller wired to them): loads and selects the cases,
/// starts the target, checks credentials, runs, gates on the baseline and writes the
/// reports. The exit is decided by [`Exit::decide`].
pub async fn run(config: &RunConfig, mut options: RunOptions) -> Result<Exit, HarnessError> {
    let mut suite = Suite::load_source(&config.suite)?;
    let described = config.suite.describe(&suite.cases);
    outln!("{described}");
    let cases = select(config, std::mem::take(&mut suite.cases))?;
    let about = About {
        suite: described,
        started_at: now_rfc3339(),
        coverage: coverage_topics(&suite.contract, &cases),
    };
    let baseline = match &config.baseline {
        Some(path) if path.exists() || !config.update_baseline => Some(Baseline::load(path)?),
        Some(_) => Some(Baseline::default()),
        None => None,
    };
    let sigv4_selected = sigv4_selected(&suite, &cases);
    // The embedded emulator, when it is the target, lives until the run ends.
    let (mut target, _emulator) = target(config, &suite, sigv4_selected).await?;
    if matches!(config.target, TargetChoice::Remote { .. }) {
        print_bearer_sources(&suite, &cases, &target);
        require_credentials(&suite, &cases, &target)?;
        if sigv4_selected {
            outln!("SigV4 signing region: {}", target.region);
        }
        if config.discover {
            target.profile = discovered(&suite, &cases, &target, config).await;
        }
    }
    let dir = config.reports_dir.join(&options.run_id);
    let journal = open_journal(&dir)?;
    options.reports = Some(dir.clone());
    let mut reporters = reporters(config, &journal);
    let outcome = runner::run(
        suite.contract.clone(),
        cases,
        target,
        options,
        &mut reporters,
    )
    .await;
    drop(reporters);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            remove_if_empty(&dir);
            return Err(e);
        }
    };
    let journal = journal.finish(&outcome.scrubber)?;
    let mut head = outcome.scrubber.scrubbed(&journal.head)?;
    if let Some((k, n)) = config.shard {
        head.shards = vec![format!("{k}/{n}")];
    }
    about.fill(&mut head);
    let mut findings = outcome.findings();
    if let (Some(base), Some(path)) = (&baseline, &config.baseline) {
        let update = config.update_baseline;
        findings = gate(base, path, update, &mut head, &journal, outcome.interrupted)?;
    }
    if config.fail_on_skip {
        findings.skipped = head.summary.skipped;
    }
    crate::report::write_reports(&dir, &head, &journal)?;
    step_summary(&head, &journal)?;
    outln!("reports: {}", dir.display());
    if !head.ledger.clean() {
        outln!(
            "to delete what this run may have left: pat-conformance sweep --from {} with the same target options",
            dir.display()
        );
    }
    Ok(Exit::decide(findings))
}

/// The target's profile completed by discovery (`run --discover`), with what was found
/// and not found printed (each line unless `--quiet`, which keeps the count).
async fn discovered(
    suite: &Suite,
    cases: &[Case],
    target: &runner::Target,
    config: &RunConfig,
) -> crate::profile::Profile {
    let services: Vec<String> = target.endpoints.iter().map(|(s, _)| s.clone()).collect();
    let wanted = crate::discover::wanted(cases, &services);
    let options = crate::discover::Options {
        timeout: config.timeout,
        ..crate::discover::Options::default()
    };
    let found = crate::discover::discover(&suite.contract, target, &wanted, &options).await;
    let skipped = |keys: &[&crate::discover::Key]| crate::discover::cases_needing(cases, keys);
    let lines = crate::discover::summary_lines(&found, &skipped);
    let shown = if config.verbosity == crate::report::Verbosity::Quiet {
        1
    } else {
        lines.len()
    };
    for line in lines.iter().take(shown) {
        outln!("{line}");
    }
    found.apply(target.profile.clone())
}

/// The run's journal in `dir`, made before any case to prove reports can be written.
fn open_journal(dir: &std::path::Path) -> Result<JournalWriter, ConfigError> {
    JournalWriter::create(dir).map_err(|source| ConfigError::Reports {
        path: dir.to_path_buf(),
        hint: if source.kind() == std::io::ErrorKind::PermissionDenied {
            " (in a container, run as your own user: --user \"$(id -u):$(id -g)\")"
        } else {
            ""
        },
        source,
    })
}

/// A run refused before any case (the preflight): the folder made to check that
/// reports can be written holds an empty journal, and would look like a run that was
/// killed, so it goes.
fn remove_if_empty(dir: &std::path::Path) {
    if std::fs::metadata(dir.join(crate::report::JOURNAL_FILE)).is_ok_and(|m| m.len() == 0) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The console (with its progress line on a terminal), the journal every report is
/// rendered from, and workflow annotations under GitHub Actions.
fn reporters(config: &RunConfig, journal: &JournalWriter) -> Reporters {
    let quiet = config.verbosity == crate::report::Verbosity::Quiet;
    let mut terminal = TerminalReporter::new(Box::new(crate::console::Stdout))
        .with_verbosity(config.verbosity)
        .with_colour(crate::console::colour_wanted());
    if crate::report::Progress::wanted(quiet) {
        terminal = terminal.with_progress(crate::report::Progress::new());
    }
    let mut reporters = Reporters(vec![Box::new(terminal)]);
    reporters.0.push(Box::new(journal.clone()));
    if AnnotationReporter::wanted() {
        reporters.0.push(Box::new(AnnotationReporter::new(Box::new(
            crate::console::Stdout,
        ))));
    }
    reporters
}

/// The cases the filters and the shard select; warns about profile variables no
/// selected case uses.
fn select(config: &RunConfig, all: Vec<Case>) -> Result<Vec<Case>, HarnessError> {
    let mut cases: Vec<_> = all
        .into_iter()
        .filter(|c| config.filter.matches(c))
        .collect();
    if let Some((k, n)) = config.shard {
        cases = runner::shard(cases, k, n);
    }
    if cases.is_empty() {
        return Err(ConfigError::NoCases.into());
    }
    if let TargetChoice::Remote { profile, .. } = &config.target {
        // One line, however many: a profile written by `serve --write-profile` has a
        // var for every case, and a run narrowed to one case printed a dozen lines.
        let unused: Vec<String> = profile
            .vars
            .keys()
            .filter(|var| !cases.iter().any(|c| c.profile_vars.contains(*var)))
            .map(|var| format!("`{var}`"))
            .collect();
        match unused.len() {
            0 => {}
            1 => errln!(
                "warning: the profile's var {} is used by no selected case",
                unused[0]
            ),
            _ => errln!(
                "warning: the profile's vars {} are used by no selected case",
                unused.join(", ")
            ),
        }
    }
    Ok(cases)
}

/// Whether any of `cases` calls a SigV4 service (then SigV4 credentials are looked for).
pub(super) fn sigv4_selected(suite: &Suite, cases: &[Case]) -> bool {
    cases.iter().any(|c| {
        suite
            .contract
            .service(&c.service)
            .is_some_and(|s| s.spec.auth.scheme == crate::spec::AuthScheme::Sigv4)
    })
}

/// The run's target, and the embedded emulator when it is the target.
pub(crate) async fn target(
    config: &RunConfig,
    suite: &Suite,
    sigv4_selected: bool,
) -> Result<(runner::Target, Option<Emulator>), HarnessError> {
    Ok(match &config.target {
        TargetChoice::Embedded => {
            let emulator = Emulator::start(suite.contract.clone(), EmulatorConfig::default()).await;
            let profile = emulator.profile();
            (
                remote_target(&suite.contract, Some(&emulator.uri()), profile, false)?,
                Some(emulator),
            )
        }
        TargetChoice::Remote {
            endpoint,
            profile,
            public,
        } => {
            let mut profile = (**profile).clone();
            let mut missing = None;
            if sigv4_selected {
                named_profile_exists(config, &profile).await?;
                missing = sigv4_credentials(&mut profile, config.aws_profile.as_deref()).await;
            }
            let mut target = remote_target(&suite.contract, endpoint.as_deref(), profile, *public)?;
            target.sigv4_missing = missing;
            (target, None)
        }
    })
}

/// A named AWS profile that does not exist is exit 2 naming it, whatever keys the
/// environment holds: `--aws-profile` always, `AWS_PROFILE` unless the target profile
/// holds literal keys (then the environment's profile is not what signs).
async fn named_profile_exists(
    config: &RunConfig,
    profile: &crate::profile::Profile,
) -> Result<(), HarnessError> {
    let Some((name, by)) = runner::named_aws_profile(config.aws_profile.as_deref()) else {
        return Ok(());
    };
    if by == "AWS_PROFILE" && profile.sigv4.is_some() {
        return Ok(());
    }
    match runner::profile_defined(&name).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let fix = match by {
                "--aws-profile" => "name one the files define, or leave out --aws-profile to use the environment's keys".to_string(),
                _ => "name one the files define, or unset it: `env -u AWS_PROFILE pat-conformance run …`".to_string(),
            };
            Err(ConfigError::AwsProfile {
                name,
                by,
                why: e.to_string(),
                fix,
            }
            .into())
        }
    }
}

/// Compares the run with its baseline (printing the verdict, rewriting the file when
/// `update`, i.e. `--update-baseline`) and returns what decides the exit under it.
fn gate(
    base: &Baseline,
    path: &std::path::Path,
    update: bool,
    head: &mut JsonReport,
    journal: &crate::report::Journal,
    interrupted: bool,
) -> Result<Findings, HarnessError> {
    let statuses = || journal.briefs().iter().map(|b| (b.id.as_str(), b.status));
    let comparison = base.compare_cases(statuses());
    {
        use std::io::Write as _;
        let _ = write!(
            crate::console::Stdout,
            "{}",
            baseline::describe(&comparison)
        );
    }
    let mut findings = comparison.findings(interrupted);
    head.baseline = Some(comparison);
    if update {
        crate::report::write_file(path, base.updated_cases(statuses()).to_yaml().as_bytes())?;
        outln!("baseline updated: {}", path.display());
        // The rewritten baseline expects these failures.
        findings.failures = 0;
    }
    Ok(findings)
}

/// Appends `report.md` to `$GITHUB_STEP_SUMMARY` when it is set.
pub(crate) fn step_summary(head: &JsonReport, cases: &dyn CaseSource) -> Result<(), HarnessError> {
    let Some(path) = crate::runner::env("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    use std::io::Write;
    let io = |source| HarnessError::Io {
        path: path.clone().into(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    let text = crate::report::render::markdown_from(head, cases)?;
    file.write_all(text.as_bytes()).map_err(io)
}

/// What a report says about the run besides its cases: the tool, the suite, the
/// start time and the documented topics the selected cases cover.
struct About {
    suite: String,
    started_at: String,
    coverage: Vec<crate::report::CoverageTopic>,
}

impl About {
    fn fill(self, head: &mut JsonReport) {
        head.tool = Some(format!("pat-conformance {}", env!("CARGO_PKG_VERSION")));
        let suite = self.suite.trim_start_matches("suite: ").to_string();
        head.suite = Some(format!(
            "{suite}; embedded suite {}",
            crate::embedded::suite_fingerprint()
        ));
        head.started_at = Some(self.started_at);
        head.coverage = self.coverage;
    }
}

pub(super) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The coverage rows of the operations the selected cases call, covered by those cases.
fn coverage_topics(
    contract: &crate::spec::Contract,
    cases: &[Case],
) -> Vec<crate::report::CoverageTopic> {
    let ran: std::collections::BTreeSet<(&str, &str)> = cases
        .iter()
        .map(|c| (c.service.as_str(), c.operation.as_str()))
        .collect();
    crate::coverage::matrix_of(contract, cases, |s, o| ran.contains(&(s, o)))
        .rows
        .into_iter()
        .map(|r| crate::report::CoverageTopic {
            service: r.service,
            operation: r.operation,
            kind: r.kind.as_str().to_string(),
            topic: r.topic,
            cases: r.cases,
        })
        .collect()
}

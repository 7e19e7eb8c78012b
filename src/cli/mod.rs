//! The command line: parse into a validated configuration, then hand over to the
//! library. `main.rs` only renders what comes back.

pub mod args;
pub mod config;
mod signals;
mod sweep;

use std::sync::Arc;

use crate::case::Case;
use crate::config::{RunConfig, TargetChoice};
use crate::emulator::{Emulator, EmulatorConfig};
use crate::error::{ConfigError, HarnessError, InputError};
use crate::exit::{Exit, Findings};
use crate::report::baseline::{self, Baseline};
use crate::report::{
    AnnotationReporter, CaseSource, InMemory, JournalWriter, JsonReport, TerminalReporter,
};
use crate::runner::remote_target;
use crate::runner::{self, Reporters, RunOptions};
use crate::suite::Suite;
use crate::vocab::Identity;
use args::{
    Cli, Command, CoverageArgs, DiffArgs, ImportArgs, ListArgs, MergeArgs, MutantsArgs, OutputArgs,
    OutputFormat, ReportCommand, RunArgs, ServeArgs, SuiteArgs,
};
use config::suite_source;

/// The async runtime a command runs on. Measured with `bench/run`: one thread runs
/// the cases faster than a pool at every size (a case is a chain of short waits on
/// sockets, and waking a task on another core costs more than the work it does):
/// the default suite 68 → 56 ms, 400 scenarios against `serve` 199 → 173 ms, 10,030
/// cases 10.1 → 7.1 s and 78 → 61 MB. The emulator under outside load (`serve`) and
/// the mutation self-test (many emulators at once) use every core.
pub fn runtime(cli: &Cli) -> std::io::Result<tokio::runtime::Runtime> {
    match cli.command {
        Command::Serve(_) | Command::Mutants(_) => tokio::runtime::Runtime::new(),
        _ => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
    }
}

/// Runs a parsed command line.
pub async fn execute(cli: Cli) -> Result<Exit, HarnessError> {
    match cli.command {
        Command::Run(args) => run(&args).await,
        Command::Serve(args) => serve(&args).await,
        Command::List(args) => list(&args),
        Command::Validate(args) => validate(&args),
        Command::Coverage(args) => coverage(&args),
        Command::Mutants(args) => mutants(&args).await,
        Command::Diff(args) => diff(&args),
        Command::Report(ReportCommand::Merge(args)) => merge(&args),
        Command::ImportModel(args) => import_model(&args),
        Command::Sweep(args) => sweep::sweep(&args).await,
    }
}

fn load(args: &SuiteArgs) -> Result<Suite, HarnessError> {
    Suite::load_source(&suite_source(args)?)
}

async fn run(args: &RunArgs) -> Result<Exit, HarnessError> {
    let config = config::run_config(args)?;
    let mut suite = Suite::load_source(&config.suite)?;
    let described = config.suite.describe(&suite.cases);
    outln!("{described}");
    let cases = select(&config, std::mem::take(&mut suite.cases))?;
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
    // The embedded emulator, when it is the target, lives until the run ends.
    let sigv4_selected = cases.iter().any(|c| {
        suite
            .contract
            .service(&c.service)
            .is_some_and(|s| s.spec.auth.scheme == crate::spec::AuthScheme::Sigv4)
    });
    let (target, _emulator) = target(&config, &suite, sigv4_selected).await?;
    if matches!(config.target, TargetChoice::Remote { .. }) {
        print_bearer_sources(&suite, &cases, &target);
        require_credentials(&suite, &cases, &target)?;
        if sigv4_selected {
            outln!("SigV4 signing region: {}", target.region);
        }
    }
    let mut options = RunOptions::new();
    options.jobs = config.jobs;
    options.timeout = config.timeout;
    options.max_body = config.max_body;
    options.levels = config.filter.levels.clone();
    options.retry.max_attempts = config.max_attempts;
    options.rate = config.rate;
    options.preflight = config.preflight;
    signals::watch(options.cancel.clone(), options.abandon.clone());
    let dir = config.reports_dir.join(&options.run_id);
    let journal = JournalWriter::create(&dir).map_err(|source| ConfigError::Reports {
        path: dir.clone(),
        hint: if source.kind() == std::io::ErrorKind::PermissionDenied {
            " (in a container, run as your own user: --user \"$(id -u):$(id -g)\")"
        } else {
            ""
        },
        source,
    })?;
    let quiet = config.verbosity == crate::report::Verbosity::Quiet;
    let progress = crate::report::Progress::wanted(quiet).then(crate::report::Progress::new);
    let mut terminal = TerminalReporter::new(Box::new(crate::console::Stdout))
        .with_verbosity(config.verbosity)
        .with_colour(crate::console::colour_wanted());
    if let Some(p) = &progress {
        terminal = terminal.with_progress(p.clone());
    }
    // The progress line hears each event first: it is cleared before the closing
    // lines print.
    let mut reporters = Reporters(Vec::new());
    if let Some(p) = progress {
        reporters
            .0
            .push(Box::new(crate::report::ProgressReporter::new(p)));
    }
    reporters.0.push(Box::new(terminal));
    reporters.0.push(Box::new(journal.clone()));
    if AnnotationReporter::wanted() {
        reporters.0.push(Box::new(AnnotationReporter::new(Box::new(
            crate::console::Stdout,
        ))));
    }
    let outcome = runner::run(
        suite.contract.clone(),
        cases,
        target,
        options,
        &mut reporters,
    )
    .await?;
    drop(reporters);
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
        for var in profile.vars.keys() {
            if !cases.iter().any(|c| c.profile_vars.contains(var)) {
                errln!("warning: the profile's var `{var}` is used by no selected case");
            }
        }
    }
    Ok(cases)
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
                missing = sigv4_credentials(&mut profile, config.aws_profile.as_deref()).await;
            }
            let mut target = remote_target(&suite.contract, endpoint.as_deref(), profile, *public)?;
            target.sigv4_missing = missing;
            (target, None)
        }
    })
}

/// Where each selected bearer-token service's default token comes from (never the
/// token).
fn print_bearer_sources(suite: &Suite, cases: &[Case], target: &runner::Target) {
    for service in &suite.contract.services {
        let auth = &service.spec.auth;
        let selected = cases.iter().any(|c| c.service == service.name());
        if selected && auth.scheme == crate::spec::AuthScheme::Bearer {
            let source = target
                .profile
                .bearer_source(crate::vocab::Identity::Default, auth.token_env.as_deref());
            outln!("bearer token for {}: {source}", service.name());
        }
    }
}

/// Every selected service must have credentials for its default identity: without
/// them every case of it would be skipped and the run would pass having tested nothing
/// (a fork's pull request in CI, whose secrets are missing). Exit 2 naming what was
/// tried and the fix.
fn require_credentials(
    suite: &Suite,
    cases: &[Case],
    target: &runner::Target,
) -> Result<(), HarnessError> {
    let selected: Vec<&crate::spec::Service> = suite
        .contract
        .services
        .iter()
        .filter(|s| cases.iter().any(|c| c.service == s.name()))
        .filter(|s| target.endpoint(s.name()).is_some())
        .collect();
    for service in &selected {
        let auth = &service.spec.auth;
        let why = match auth.scheme {
            crate::spec::AuthScheme::Bearer => {
                let env = auth.token_env.as_deref();
                if target
                    .profile
                    .bearer_token(Identity::Default, env)
                    .is_some()
                {
                    continue;
                }
                let source = target.profile.bearer_source(Identity::Default, env);
                let source = source.strip_prefix("none ").unwrap_or(&source).to_string();
                // The variable the profile names, else the service's own.
                let named = target
                    .profile
                    .identities
                    .get(&Identity::Default)
                    .and_then(|d| d.bearer_token_env.as_deref());
                let var = named.or(env).unwrap_or("its variable");
                format!(
                    "no bearer token for the default identity {source}; set {var} or identities.default.bearer_token in the profile"
                )
            }
            crate::spec::AuthScheme::Sigv4 => {
                if target.profile.sigv4_credentials().is_some() {
                    continue;
                }
                format!(
                    "no SigV4 credentials ({}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a profile with --aws-profile, or put sigv4 keys in the target profile",
                    target.sigv4_missing.as_deref().unwrap_or("none found")
                )
            }
        };
        let others: Vec<&str> = selected
            .iter()
            .map(|s| s.name())
            .filter(|n| *n != service.name())
            .collect();
        let fix = match others.as_slice() {
            [] => "nothing can be tested without them".to_string(),
            _ => format!(
                "or leave {} out: {}",
                service.name(),
                others
                    .iter()
                    .map(|o| format!("--service {o}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        return Err(ConfigError::NoCredentials {
            service: service.name().to_string(),
            why,
            fix,
        }
        .into());
    }
    Ok(())
}

/// Fills in SigV4 credentials (and the region, when nothing names one) from the AWS
/// SDK's own loader unless the target profile holds literal ones; prints which source
/// was used, never the secret.
/// Why none were found, if none were.
pub(crate) async fn sigv4_credentials(
    profile: &mut crate::profile::Profile,
    aws_profile: Option<&str>,
) -> Option<String> {
    if profile.sigv4.is_some() {
        outln!("SigV4 credentials: the target profile");
        return None;
    }
    match runner::from_aws_config(aws_profile).await {
        Ok(found) => {
            outln!("SigV4 credentials: {}", found.source);
            profile.sigv4 = Some(found.credentials);
            let env_region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .any(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
            if profile.region.is_none() && !env_region {
                profile.region = found.region;
            }
        }
        Err(why) => {
            outln!("SigV4 credentials: none");
            return Some(why);
        }
    }
    None
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
fn step_summary(head: &JsonReport, cases: &dyn CaseSource) -> Result<(), HarnessError> {
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

fn import_model(args: &ImportArgs) -> Result<Exit, HarnessError> {
    let written = crate::import::import_into(&args.model, &args.operations, &args.out)?;
    for path in written {
        outln!("wrote {}", path.display());
    }
    let overlay = args.out.join("service.yaml");
    outln!(
        "check it with: pat-conformance validate --specs {}",
        args.out.parent().unwrap_or(&args.out).display()
    );
    if overlay.exists() {
        outln!(
            "what people know stays in {} (never overwritten)",
            overlay.display()
        );
    }
    Ok(Exit::Conforms)
}

fn diff(args: &DiffArgs) -> Result<Exit, HarnessError> {
    let old = JsonReport::load(&args.old)?;
    let new = JsonReport::load(&args.new)?;
    let specs = crate::suite::SuiteSource::resolve(args.specs.as_deref(), None, &[])?.specs;
    let contract = crate::spec::Contract::load(&specs)?;
    let d = crate::report::diff::diff(&old, &new, &contract);
    emit(
        &args.out,
        &d,
        crate::report::diff::terminal,
        crate::report::diff::markdown,
    )?;
    Ok(Exit::Conforms)
}

fn merge(args: &MergeArgs) -> Result<Exit, HarnessError> {
    let reports = args
        .reports
        .iter()
        .map(|p| JsonReport::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut merged = crate::report::merge(reports).map_err(InputError::Merge)?;
    // A merged report's exit is its counts' (an interrupted shard already exited 130).
    let mut findings = merged.summary.findings(false);
    if let Some(path) = &args.baseline {
        let comparison = Baseline::load(path)?.compare(&merged);
        {
            use std::io::Write as _;
            let _ = write!(
                crate::console::Stdout,
                "{}",
                baseline::describe(&comparison)
            );
        }
        findings = comparison.findings(merged.interrupted);
        merged.baseline = Some(comparison);
    }
    crate::report::write_all(&args.out, &merged)?;
    step_summary(&merged, &InMemory::new(&merged.cases))?;
    outln!(
        "merged {} reports: {} ({})",
        args.reports.len(),
        merged.summary,
        args.out.display()
    );
    Ok(Exit::decide(findings))
}

/// A mode of the mutation self-test by name.
fn find_mode(name: &str) -> Result<crate::mutants::Mode, HarnessError> {
    crate::mutants::deviations()
        .into_iter()
        .chain(crate::mutants::variations())
        .find(|m| m.name == name)
        .ok_or_else(|| InputError::UnknownMode(name.to_string()).into())
}

async fn serve(args: &ServeArgs) -> Result<Exit, HarnessError> {
    let suite = load(&args.suite)?;
    let mode = args.mode.as_deref().map(find_mode).transpose()?;
    let listener =
        std::net::TcpListener::bind((args.host.as_str(), args.port)).map_err(|source| {
            ConfigError::Listen {
                address: format!("{}:{}", args.host, args.port),
                source,
            }
        })?;
    let (mut config, middleware) = match &mode {
        Some(m) => (m.config.clone(), m.middleware.clone()),
        None => (EmulatorConfig::default(), None),
    };
    config.idle_timeout = humantime::parse_duration(&args.idle_timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| ConfigError::Value {
            option: "--idle-timeout",
            value: args.idle_timeout.clone(),
            reason: "must be a duration above 0s, e.g. 15s".into(),
        })?;
    let emulator =
        Emulator::start_on(Arc::clone(&suite.contract), config, listener, middleware).await;
    if let Some(m) = &mode {
        outln!("mode {} ({}): {}", m.name, m.class.as_str(), m.what);
    }
    if let Some(path) = &args.write_profile {
        let text = serde_json::to_string_pretty(&emulator.profile())
            .map_err(|e| InputError::Render(e.to_string()))?;
        crate::report::write_file(path, text.as_bytes())?;
        outln!(
            "profile written to {} (use: run --profile {})",
            path.display(),
            path.display()
        );
    }
    outln!(
        "emulator listening on {} (connections idle for {} are closed)",
        emulator.uri(),
        args.idle_timeout
    );
    outln!("CodeCatalyst (bearer token): any token is accepted; each token is its own identity");
    outln!(
        "WorkMail (SigV4, signing name `workmail`): any access key is accepted, with or without a session token (`test`/`test` as with LocalStack); the signing time must be within 15 minutes; requests signed with the emulator's own key {} are verified (a wrong secret is refused)",
        crate::emulator::emulator_key()
    );
    outln!(
        "reset: POST {}{} puts every service back in its initial state (the disposable WorkMail token included)",
        emulator.uri(),
        crate::emulator::RESET_PATH
    );
    outln!(
        "fault injection: header `{}: <ErrorName>`",
        crate::spec::FAULT_HEADER
    );
    stopped().await;
    Ok(Exit::Conforms)
}

/// Ctrl-C, or SIGTERM: what `docker stop` sends. As a container's first process
/// `serve` has no default handler for it, so without this it would wait to be killed.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn list(args: &ListArgs) -> Result<Exit, HarnessError> {
    let suite = load(&args.suite)?;
    let filter = config::filter(&args.filter);
    let mut count = 0;
    for case in suite.cases.iter().filter(|c| filter.matches(c)) {
        count += 1;
        let requires: Vec<&str> = case.requires.iter().map(|c| c.as_str()).collect();
        let mut line = format!(
            "{} [{}] {}",
            case.full_name(),
            case.level.as_str(),
            case.title
        );
        if !case.tags.is_empty() {
            line.push_str(&format!(" tags={}", case.tags.join(",")));
        }
        if !requires.is_empty() {
            line.push_str(&format!(" requires={}", requires.join(",")));
        }
        outln!("{line}");
    }
    outln!("{count} cases");
    Ok(Exit::Conforms)
}

fn validate(args: &SuiteArgs) -> Result<Exit, HarnessError> {
    let source = suite_source(args)?;
    let suite = Suite::load_source(&source)?;
    outln!("{}", source.describe(&suite.cases));
    let operations: usize = suite
        .contract
        .services
        .iter()
        .map(|s| s.spec.operations.len())
        .sum();
    for service in &suite.contract.services {
        let spec = &service.spec;
        outln!(
            "{} ({}, API version {}, {}): {} operation{}",
            spec.title,
            spec.service,
            spec.api_version,
            spec.protocol.name(),
            spec.operations.len(),
            if spec.operations.len() == 1 { "" } else { "s" }
        );
    }
    outln!(
        "ok: {} services, {operations} operations, {} cases",
        suite.contract.services.len(),
        suite.cases.len()
    );
    Ok(Exit::Conforms)
}

/// Renders a result in the chosen format and prints or writes it.
fn emit<T: serde::Serialize>(
    out: &OutputArgs,
    value: &T,
    terminal: impl FnOnce(&T) -> String,
    markdown: impl FnOnce(&T) -> String,
) -> Result<(), HarnessError> {
    let text = match out.format {
        OutputFormat::Terminal => terminal(value),
        OutputFormat::Markdown => markdown(value),
        OutputFormat::Json => {
            serde_json::to_string_pretty(value).map_err(|e| InputError::Render(e.to_string()))?
        }
    };
    match &out.output {
        Some(path) => crate::report::write_file(path, text.as_bytes()),
        None => {
            {
                use std::io::Write as _;
                let _ = write!(crate::console::Stdout, "{text}");
            }
            Ok(())
        }
    }
}

async fn mutants(args: &MutantsArgs) -> Result<Exit, HarnessError> {
    if args.list {
        emit(
            &args.out,
            &crate::mutants::catalogue(),
            crate::mutants::list::terminal,
            crate::mutants::list::markdown,
        )?;
        return Ok(Exit::Conforms);
    }
    let suite = load(&args.suite)?;
    let mut modes = crate::mutants::deviations();
    modes.extend(crate::mutants::variations());
    if !args.modes.is_empty() {
        modes = args
            .modes
            .iter()
            .map(|n| find_mode(n))
            .collect::<Result<_, _>>()?;
    }
    let matrix = crate::mutants::run_modes(
        suite.contract.clone(),
        &suite.cases,
        modes,
        args.jobs.max(1),
    )
    .await?;
    emit(
        &args.out,
        &matrix,
        crate::mutants::terminal,
        crate::mutants::markdown,
    )?;
    Ok(Exit::decide(Findings {
        failures: usize::from(!matrix.is_clean()),
        ..Findings::default()
    }))
}

fn coverage(args: &CoverageArgs) -> Result<Exit, HarnessError> {
    let suite = load(&args.suite)?;
    let matrix = crate::coverage::matrix(&suite.contract, &suite.cases);
    emit(
        &args.out,
        &matrix,
        crate::coverage::terminal,
        crate::coverage::markdown,
    )?;
    let gaps = matrix.gaps();
    for gap in &gaps {
        errln!(
            "gap: {}::{} {} `{}` has no case",
            gap.service,
            gap.operation,
            gap.kind.as_str(),
            gap.topic
        );
    }
    Ok(Exit::decide(Findings {
        failures: gaps.len(),
        ..Findings::default()
    }))
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

fn now_rfc3339() -> String {
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
    crate::coverage::matrix(contract, cases)
        .rows
        .into_iter()
        .filter(|r| ran.contains(&(r.service.as_str(), r.operation.as_str())))
        .map(|r| crate::report::CoverageTopic {
            service: r.service,
            operation: r.operation,
            kind: r.kind.as_str().to_string(),
            topic: r.topic,
            cases: r.cases,
        })
        .collect()
}

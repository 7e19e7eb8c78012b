//! The command line: parse into a validated configuration, then hand over to the
//! library. `main.rs` only renders what comes back.

pub mod args;
pub mod options;
mod signals;
mod sweep;

use std::sync::Arc;

use crate::emulator::{Emulator, EmulatorConfig};
use crate::error::{ConfigError, HarnessError, InputError};
use crate::exit::{Exit, Findings};
use crate::report::baseline::{self, Baseline};
use crate::report::{InMemory, JsonReport};
use crate::suite::Suite;
use args::{
    Cli, Command, CoverageArgs, DiffArgs, ImportArgs, ListArgs, MergeArgs, MutantsArgs, OutputArgs,
    OutputFormat, ReportCommand, RunArgs, ServeArgs, SuiteArgs,
};
use options::suite_source;

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
        Command::Init(args) => {
            let (config, init) = options::init_config(&args)?;
            crate::config::init(&config, &init).await
        }
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
    let config = options::run_config(args)?;
    let options = config.options();
    signals::watch(options.cancel.clone(), options.abandon.clone());
    crate::config::run(&config, options).await
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
    let mut merged = crate::report::merge(reports)?;
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
    crate::config::step_summary(&merged, &InMemory::new(&merged.cases))?;
    outln!(
        "merged {} reports: {} ({})",
        args.reports.len(),
        merged.summary,
        args.out.display()
    );
    Ok(Exit::decide(findings))
}

/// A mode of the mutation self-test by name.
fn find_mode(suite: &Suite, name: &str) -> Result<crate::mutants::Mode, HarnessError> {
    crate::mutants::deviations_for(&suite.contract, &suite.cases)
        .into_iter()
        .chain(crate::mutants::variations())
        .find(|m| m.name == name)
        .ok_or_else(|| InputError::UnknownMode(name.to_string()).into())
}

async fn serve(args: &ServeArgs) -> Result<Exit, HarnessError> {
    let suite = load(&args.suite)?;
    let mode = args
        .mode
        .as_deref()
        .map(|n| find_mode(&suite, n))
        .transpose()?;
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
    if let Some(path) = &args.seed {
        config.seed = Some(std::sync::Arc::new(crate::emulator::Seed::load(
            path,
            &suite.contract,
        )?));
    }
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
    let every = matches!(args.host.as_str(), "0.0.0.0" | "::" | "[::]");
    outln!(
        "emulator listening on {}{} (connections idle for {} are closed)",
        emulator.uri(),
        if every {
            " and every other interface of this host"
        } else {
            ""
        },
        args.idle_timeout
    );
    for service in suite.contract.all_services() {
        outln!("{}", accepts(service));
    }
    for line in seeded(&emulator.profile()) {
        outln!("{line}");
    }
    if let Some(path) = &args.seed {
        outln!(
            "seeded from {}: what it names replaces the built-in data of that service; `pat-conformance init --endpoint {}` finds the ids the cases need",
            path.display(),
            emulator.uri()
        );
    }
    outln!(
        "health: GET {}{} answers the services and their state in JSON",
        emulator.uri(),
        crate::emulator::HEALTH_PATH
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

/// What the emulator holds, per service (the profile's vars, which name ids and no
/// secret), and its identities by name only (their bearer tokens are secrets, written
/// by `--write-profile` alone).
fn seeded(profile: &crate::profile::Profile) -> Vec<String> {
    let mut by_service: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (name, value) in &profile.vars {
        let service = name.split('_').next().unwrap_or(name);
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        by_service
            .entry(service)
            .or_default()
            .push(format!("{name}={value}"));
    }
    let mut lines: Vec<String> = by_service
        .into_iter()
        .map(|(service, vars)| format!("seeded {service}: {}", vars.join(", ")))
        .collect();
    let identities: Vec<&str> = profile.identities.keys().map(|i| i.as_str()).collect();
    lines.push(format!(
        "identities: {} (bearer tokens; written by --write-profile, never printed)",
        identities.join(", ")
    ));
    lines
}

/// What `serve` accepts for one service, from its spec: its operations, protocol and
/// how it authenticates callers.
fn accepts(service: &crate::spec::Service) -> String {
    let spec = &service.spec;
    let ops: Vec<&str> = spec.operations.keys().map(String::as_str).collect();
    let auth = match spec.auth.scheme {
        crate::spec::AuthScheme::Bearer => {
            "bearer token: any token is accepted; each token is its own identity".to_string()
        }
        crate::spec::AuthScheme::Sigv4 => format!(
            "SigV4, signing name `{}`: any access key is accepted, with or without a session token; the signing time must be within 15 minutes; requests signed with the emulator's own key {} or with LocalStack's `test`/`test` are verified (a wrong secret is refused)",
            spec.signing_name,
            crate::emulator::emulator_key()
        ),
    };
    let helpers: Vec<&str> = spec.helpers.keys().map(String::as_str).collect();
    let ops = match (ops.is_empty(), helpers.is_empty()) {
        (_, true) => ops.join(", "),
        (true, false) => format!("for discovery {}", helpers.join(", ")),
        (false, false) => format!("{}; for discovery {}", ops.join(", "), helpers.join(", ")),
    };
    format!("{} ({}, {ops}): {auth}", spec.title, spec.protocol.name())
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
    use std::fmt::Write as _;
    let filter = options::filter(&args.filter);
    let suite = Suite::load_source(&options::filtered_source(&args.suite, &filter)?)?;
    let mut count = 0;
    // One write, not one per line (standard output is line-buffered).
    let mut out = String::with_capacity(128 * suite.cases.len());
    for case in suite.cases.iter().filter(|c| filter.matches(c)) {
        count += 1;
        let _ = write!(
            out,
            "{} [{}] {}",
            case.full_name(),
            case.level.as_str(),
            case.title
        );
        if !case.tags.is_empty() {
            let _ = write!(out, " tags={}", case.tags.join(","));
        }
        if !case.requires.is_empty() {
            let requires: Vec<&str> = case.requires.iter().map(|c| c.as_str()).collect();
            let _ = write!(out, " requires={}", requires.join(","));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{count} cases");
    let _ = std::io::Write::write_all(&mut crate::console::Stdout, out.as_bytes());
    let _ = std::io::Write::flush(&mut crate::console::Stdout);
    // The process ends now: freeing every case, schema and pattern one by one took
    // longer than printing them.
    std::mem::forget(suite);
    Ok(Exit::Conforms)
}

fn validate(args: &SuiteArgs) -> Result<Exit, HarnessError> {
    let source = suite_source(args)?;
    // `validate` checks the built-in specs in full too: it is how one proves them.
    let suite = Suite::load_source_with(&source, crate::spec::SpecChecks::Full)?;
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
    let mut modes = crate::mutants::deviations_for(&suite.contract, &suite.cases);
    modes.extend(crate::mutants::variations());
    if !args.modes.is_empty() {
        modes = args
            .modes
            .iter()
            .map(|n| find_mode(&suite, n))
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

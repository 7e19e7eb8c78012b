//! Command-line arguments as typed (the "low-level" view; see `config` for the
//! validated run configuration).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Contract conformance suite for the AWS personal-access-token APIs.
#[derive(Debug, Parser)]
#[command(name = "pat-conformance", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// What to do: run the suite, serve the emulator, list, validate, compare or merge reports, sweep, self-test.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cases against a target (the embedded emulator when none is given).
    Run(Box<RunArgs>),
    /// Run the embedded emulator until Ctrl-C.
    Serve(ServeArgs),
    /// Ask a target for the data its cases need (organizations, users, tokens,
    /// capabilities) and write a complete profile, each value with where it came from.
    Init(InitArgs),
    /// List the cases the filters select.
    List(ListArgs),
    /// Check specs and case files without running anything.
    Validate(SuiteArgs),
    /// Show which cases cover each documented error, constraint and behaviour; exits 1
    /// when anything is uncovered.
    Coverage(CoverageArgs),
    /// Run the suite against deliberately broken targets (each must be caught) and
    /// conformant variations (none may fail); print the kill matrix. Exits 1 on a
    /// survivor or a false failure.
    Mutants(MutantsArgs),
    /// Compare two runs' report.json: outcome changes and response diffs.
    Diff(DiffArgs),
    /// Work with report files.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Delete what earlier runs left on a target (after SIGKILL, a crash or a CI
    /// runner's hard cancel): every listed item whose name carries the run id. Exits 0
    /// when a listing afterwards shows none, 3 otherwise.
    Sweep(SweepArgs),
    /// Write a service's model.yaml and shapes.schema.json from an AWS service model
    /// (botocore `service-2.json`), and a starting service.yaml overlay if it has none.
    ImportModel(ImportArgs),
}

/// `import-model`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The service model (botocore `service-2.json` format, or an excerpt of it).
    pub model: PathBuf,
    /// Import only these operations (comma-separated); all by default.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub operations: Vec<String>,
    /// The service's specs folder, e.g. specs/workmail.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// How a command prints what it computed.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format (`json` is the result as data).
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: OutputFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `mutants`.
#[derive(Debug, Clone, Args)]
pub struct MutantsArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Only these modes (repeatable).
    #[arg(long = "mode", value_name = "NAME")]
    pub modes: Vec<String>,
    /// Cases in flight at once against each mode.
    #[arg(long, short = 'j', default_value_t = 8)]
    pub jobs: usize,
    /// List the modes (name, class, what, the cases that must catch each) without
    /// running anything.
    #[arg(long)]
    pub list: bool,
}

/// Output format of `coverage`, `mutants` and `diff`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// A plain-text table.
    Terminal,
    /// Markdown tables (for docs and PR comments).
    Markdown,
    /// The matrix as JSON.
    Json,
}

/// `coverage`.
#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Where the suite's data lives.
#[derive(Debug, Clone, Args)]
pub struct SuiteArgs {
    /// A specs folder instead of the built-in specs.
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
    /// A cases folder instead of the built-in cases (generated cases stay).
    #[arg(long, value_name = "DIR")]
    pub cases: Option<PathBuf>,
    /// A folder of your own cases to run beside the built-in ones, laid out as
    /// <service>/<Operation>/<name>.yaml (repeatable).
    #[arg(long, value_name = "DIR")]
    pub add_cases: Vec<PathBuf>,
}

/// Case level, for filtering.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LevelArg {
    /// Required by the documents or the model.
    Must,
    /// Implied by the documents.
    Should,
}

/// Which cases run.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Only this service (repeatable).
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// Only this operation (repeatable).
    #[arg(long = "operation", value_name = "NAME")]
    pub operations: Vec<String>,
    /// Only cases with this tag (repeatable; any matches).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out cases with this tag (repeatable).
    #[arg(long = "exclude-tag", value_name = "TAG")]
    pub exclude_tags: Vec<String>,
    /// Only this case id (repeatable).
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Only this level (repeatable).
    #[arg(long = "level", value_enum)]
    pub levels: Vec<LevelArg>,
}

/// `run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Ask the target for the data the profile lacks before the cases (as `init`
    /// does, in memory for this run); the first lines say what was found and what not.
    #[arg(long)]
    pub discover: bool,
    /// A skipped case fails the run (exit 4 when nothing else did): every selected case
    /// must run.
    #[arg(long)]
    pub fail_on_skip: bool,
    /// Cases in flight at once (default: 16 against a remote target, where the run
    /// waits on the network; the number of cores for the embedded emulator).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Print only the closing lines (no line per case, no progress).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print every exchange of every case (redacted, bodies clipped to 1 KiB).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Attempts per call: throttling, 5xx and lost connections are retried with
    /// exponential backoff and jitter (1: never retry).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_attempts: u32,
    /// Most requests per second over the whole run (default: unlimited).
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Do not probe the endpoints before the cases (the probe calls each operation
    /// once, with input that names nothing: a target whose first answers are scripted
    /// may want it off).
    #[arg(long)]
    pub no_preflight: bool,
    /// Per-request timeout, e.g. `30s`.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub timeout: String,
    /// Most bytes of a response body read per exchange (e.g. `4MiB`, `512KiB`); a larger
    /// body fails its check and the rest is discarded unread.
    #[arg(long, default_value = "4MiB", value_name = "SIZE")]
    pub max_body: String,
    /// Folder for reports/<run-id>/ (report.json, junit.xml, report.md, report.html).
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
    /// Expected outcomes: exit 1 only on regressions and new failures.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Rewrite the --baseline file from this run's outcomes.
    #[arg(long)]
    pub update_baseline: bool,
    /// Run only shard K of N (cases split deterministically by name).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

/// Where a target is and who calls it (`run`, `init`).
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Endpoint for every service (overrides the profile and AWS_ENDPOINT_URL*).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Use the public AWS endpoints.
    #[arg(long, conflicts_with = "endpoint")]
    pub aws: bool,
    /// Target profile (YAML/JSON): identities, capabilities, vars, endpoints.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The AWS shared-config profile for SigV4 credentials and region (default:
    /// `AWS_PROFILE`, else `default`); the AWS SDK's own loader finds them (environment,
    /// config and credentials files, SSO, credential_process, web identity, ECS, EC2).
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,
}

/// `init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Only this service (repeatable).
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// The profile to write.
    #[arg(
        long,
        short = 'o',
        default_value = "pat-conformance.profile.yaml",
        value_name = "FILE"
    )]
    pub out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Make the two IAM users the cases act on (pat-conformance-user,
    /// pat-conformance-other) when fewer users named pat-conformance-* exist; they are
    /// tagged `pat-conformance`, and `init --remove` deletes them.
    #[arg(long)]
    pub create_iam_users: bool,
    /// The WorkMail token a run may delete, by id (default: one named
    /// pat-conformance-disposable…, else none: no other token is ever picked).
    #[arg(long, value_name = "ID")]
    pub disposable_token: Option<String>,
    /// Delete the IAM users `--create-iam-users` made (tagged `pat-conformance`) and
    /// their service-specific credentials; write nothing.
    #[arg(long, conflicts_with_all = ["create_iam_users", "force"])]
    pub remove: bool,
    /// Per-request timeout, e.g. `30s`.
    #[arg(long, default_value = "15s", value_name = "DURATION")]
    pub timeout: String,
}

/// `diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The earlier report.json.
    pub old: PathBuf,
    /// The later report.json.
    pub new: PathBuf,
    /// Specs folder: which members are ids, page tokens or secrets (default: the
    /// built-in specs; a ./specs folder is never picked up by itself).
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `report`.
#[derive(Debug, Clone, Subcommand)]
pub enum ReportCommand {
    /// Merge shard reports into one whole-run report (and every other format).
    Merge(MergeArgs),
}

/// `report merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The shards' report.json files.
    #[arg(required = true, num_args = 1..)]
    pub reports: Vec<PathBuf>,
    /// Folder for the merged report files.
    #[arg(long, value_name = "DIR", default_value = "reports/merged")]
    pub out: PathBuf,
    /// Compare the merged run with a baseline (exit 1 on regressions).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Port to listen on (0 picks one).
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Address to listen on (0.0.0.0: every interface, as in a container, where the
    /// image sets PAT_CONFORMANCE_SERVE_HOST=0.0.0.0).
    #[arg(long, default_value = "127.0.0.1", env = "PAT_CONFORMANCE_SERVE_HOST")]
    pub host: String,
    /// Write a target profile for this emulator (for `run --profile`).
    #[arg(long, value_name = "FILE")]
    pub write_profile: Option<PathBuf>,
    /// Close a connection that has not sent a whole request head for this long (an
    /// idle keep-alive connection, or a client sending its headers slowly).
    #[arg(long, default_value = "15s", value_name = "DURATION")]
    pub idle_timeout: String,
    /// Serve a deviation or variation of the mutation self-test instead of the
    /// conforming emulator (names: `pat-conformance mutants`).
    #[arg(long, value_name = "NAME")]
    pub mode: Option<String>,
    /// Start with your own data (YAML: `workmail.organizations` with users and tokens,
    /// `iam.users`; a section left out keeps the built-in one). `init` then finds the
    /// ids the cases need.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}

/// `list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// `sweep`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["run_id", "from", "all_runs"])))]
pub struct SweepArgs {
    /// The specs folder (default: the built-in specs; a ./specs folder is never picked
    /// up by itself).
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
    /// The run whose leftovers to delete (its report folder's name, e.g.
    /// 20261122T103000Z-4f2a).
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
    /// The run's report folder (reports/<run-id>) or its journal.jsonl. Also sweeps
    /// what carries no name (IAM credentials) by the folder's made-by-id.jsonl.
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,
    /// Every name any run of this tool makes (anything carrying a run id).
    #[arg(long)]
    pub all_runs: bool,
    /// List what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only this service (repeatable).
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Per-request timeout, e.g. `30s`.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub timeout: String,
}

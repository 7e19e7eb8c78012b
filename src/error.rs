//! Harness errors: problems with the suite's own inputs or environment, never a verdict
//! on the target. Contract failures are data (see [`crate::outcome`]), not errors.

use std::path::PathBuf;

use crate::case::CaseLoadErrors;

/// A problem that stops the harness before or outside of a verdict.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A spec file could not be read, parsed or compiled.
    #[error(transparent)]
    Spec(#[from] crate::spec::SpecError),
    /// One or more case files are invalid; each error carries its file, line and field.
    #[error(transparent)]
    Cases(#[from] CaseLoadErrors),
    /// The profile or command line does not make a usable run configuration.
    #[error("failed to configure the run: {0}")]
    Config(ConfigError),
    /// An input file other than a case file (report, baseline) or a name on the
    /// command line is unusable.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The preflight found an endpoint down, speaking the other scheme, or not the API:
    /// nothing was run. One message per endpoint.
    #[error("failed to reach the target, nothing was run:\n  {}", .0.join("\n  "))]
    Unreachable(Vec<String>),
    /// Output could not be proven free of secrets, so none was written.
    #[error("{0}")]
    Redaction(String),
    /// A service model could not be imported.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// Writing a report or another output failed.
    #[error("failed to write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What makes a run configuration unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A command-line value that does not parse or is out of range.
    #[error("{option} `{value}`: {reason}")]
    Value {
        /// The option, e.g. `--timeout`.
        option: &'static str,
        /// What was given.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// Options that need each other, or exclude each other.
    #[error("{0}")]
    Options(&'static str),
    /// An endpoint that is not an HTTP(S) URL.
    #[error("endpoint `{0}` must start with http:// or https://")]
    Endpoint(String),
    /// An endpoint that does not parse as a URL (a port over 65535, no host).
    #[error("endpoint `{url}` is not a usable URL: {reason}")]
    EndpointUrl {
        /// The endpoint as given.
        url: String,
        /// What the URL parser said.
        reason: String,
    },
    /// A profile naming a service the suite does not have.
    #[error(
        "the profile's endpoints name `{name}`, which is not a service of the suite ({known})"
    )]
    UnknownService {
        /// The name in the profile.
        name: String,
        /// The suite's services, comma-separated.
        known: String,
    },
    /// A selected service has no credentials for its default identity: a run would
    /// skip every case and pass having tested nothing.
    #[error("failed to find credentials for {service}: {why}; {fix}")]
    NoCredentials {
        /// The service.
        service: String,
        /// What was tried and what it said.
        why: String,
        /// How to give it credentials, or leave it out.
        fix: String,
    },
    /// The AWS profile a run names (`--aws-profile`, `AWS_PROFILE`) cannot be used:
    /// never replaced by other keys, as the AWS CLI does not.
    #[error("failed to use AWS profile `{name}` (named by {by}): {why}; {fix}")]
    AwsProfile {
        /// The profile's name.
        name: String,
        /// `--aws-profile` or `AWS_PROFILE`.
        by: &'static str,
        /// What the shared files say.
        why: String,
        /// A command that runs.
        fix: String,
    },
    /// A seed file (`serve --seed`) that breaks a rule its format cannot state.
    #[error("failed to load seed {path}: {reason}")]
    Seed {
        /// The file.
        path: std::path::PathBuf,
        /// The field and what is wrong.
        reason: String,
    },
    /// A file a command would write exists.
    #[error(
        "failed to write {0}: it exists (pass --force to overwrite it, or --out another file)"
    )]
    Exists(std::path::PathBuf),
    /// No service has an endpoint.
    #[error("no endpoint selected: pass --endpoint URL, set `endpoints` in the profile or AWS_ENDPOINT_URL, or --aws for the public AWS endpoints")]
    NoEndpoint,
    /// The filters leave no case.
    #[error("no case matches the filters")]
    NoCases,
    /// The profile file is unreadable.
    #[error(transparent)]
    ProfileFile(#[from] crate::yaml::ReadError),
    /// The profile reads but is inconsistent.
    #[error("failed to load profile {}: {reason}", path.display())]
    Profile {
        /// The profile file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("failed to build the HTTP client: {0}")]
    Client(String),
    /// The reports folder cannot be written: found before any case runs, so nothing
    /// is created on the target only for its reports to be lost.
    #[error("failed to write reports to {}: {source}; nothing was run. Pick a writable --reports folder{hint}", path.display())]
    Reports {
        /// The run's report folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
        /// A hint for containers, or empty.
        hint: &'static str,
    },
    /// `serve` could not listen.
    #[error("failed to listen on {address}: {source}")]
    Listen {
        /// Host and port.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What makes an input file (report, baseline) or a name on the command line unusable.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A baseline file that does not read.
    #[error(transparent)]
    File(#[from] crate::yaml::ReadError),
    /// A report that does not read or is of another format version.
    #[error("failed to read report {}: {reason}", path.display())]
    Report {
        /// The report file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Shard reports that do not merge.
    #[error("failed to merge: {0}")]
    Merge(String),
    /// A mutation mode that does not exist.
    #[error("failed to find mode `{0}` (see `pat-conformance mutants`)")]
    UnknownMode(String),
    /// A value that could not be rendered as JSON.
    #[error("failed to render JSON: {0}")]
    Render(String),
}

// By hand rather than `#[from]`: the message already holds the cause, so it must not
// also be the error's source (printed again as its cause).
impl From<ConfigError> for HarnessError {
    fn from(e: ConfigError) -> Self {
        HarnessError::Config(e)
    }
}

impl HarnessError {
    /// The exit for a command that ended in this error: problems with what was given
    /// (usage, configuration, specs, cases, baselines, reports) exit 2, nothing having
    /// run; a report that could not be written or redacted exits 3.
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            HarnessError::Io { .. }
            | HarnessError::Unreachable(_)
            | HarnessError::Redaction(_)
            | HarnessError::Import(crate::import::ImportError::Write { .. }) => {
                crate::exit::Exit::HarnessError
            }
            _ => crate::exit::Exit::Usage,
        }
    }
}

//! SigV4 credentials and region as the AWS SDKs find them: the SDK for Rust's own
//! loader (`aws-config`) — environment, shared config and credentials files (with
//! `--aws-profile` / `AWS_PROFILE`), SSO, `credential_process`, web identity, ECS and
//! EC2 instance roles. Literal credentials in a target profile (for emulators) win.

use aws_credential_types::provider::ProvideCredentials;

use crate::profile::SigV4Credentials;

/// Credentials found by the SDK's default chain, and where.
pub struct Found {
    /// The credentials.
    pub credentials: SigV4Credentials,
    /// Which provider gave them (`Environment`, `ProfileFile`, `Sso`, …), never the
    /// secret.
    pub source: String,
    /// The region the shared config names, if any.
    pub region: Option<String>,
}

/// Why the AWS SDK's loader gave no SigV4 credentials (printed as the reason of a
/// configuration error: what was tried and what the SDK said).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsConfigError {
    /// The loaded config has no credentials provider at all.
    #[error("the AWS SDK config has no credentials provider")]
    NoProvider,
    /// The provider (chain or named profile) found none.
    #[error("{tried} gave none: {causes}")]
    NoneFound {
        /// What was asked.
        tried: String,
        /// The SDK's error and its causes.
        causes: String,
    },
    /// The shared files could not be read.
    #[error("failed to read the shared config and credentials files: {0}")]
    SharedFiles(String),
    /// `--aws-profile` names a profile the shared files do not define.
    #[error("profile `{name}` is not defined in the shared config or credentials files ({known})")]
    UnknownProfile {
        /// The name given.
        name: String,
        /// What the files define.
        known: String,
    },
}

/// Asks the SDK's default credential chain (of `aws_profile`, else `AWS_PROFILE`, else
/// `default`). Why none was found, as text fit to print.
///
/// An explicitly named profile wins over environment keys, as in the AWS CLI: with
/// `aws_profile` the credentials come from that profile of the shared files alone
/// (including its SSO, `credential_process` and role settings), and a profile that
/// does not exist is an error, not a fall-back.
pub async fn from_aws_config(aws_profile: Option<&str>) -> Result<Found, AwsConfigError> {
    if let Some(name) = aws_profile {
        profile_defined(name).await?;
    }
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(name) = aws_profile {
        let provider = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(name)
            .build();
        loader = loader.profile_name(name).credentials_provider(provider);
    }
    let config = loader.load().await;
    let provider = config
        .credentials_provider()
        .ok_or(AwsConfigError::NoProvider)?;
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| AwsConfigError::NoneFound {
            tried: match aws_profile {
                Some(name) => {
                    format!("profile `{name}` of the shared config and credentials files")
                }
                None => "the AWS SDK's default chain (environment, shared files, SSO, web identity, ECS, EC2)".to_string(),
            },
            causes: causes(&e),
        })?;
    // `Credentials` names its provider only in its Debug form (which masks the secret).
    let debug = format!("{creds:?}");
    let provider_name = debug
        .split("provider_name: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown provider")
        .to_string();
    let profile = aws_profile
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    let source = match profile {
        Some(p) => format!("aws-config {provider_name} (profile `{p}`)"),
        None => format!("aws-config {provider_name}"),
    };
    Ok(Found {
        credentials: SigV4Credentials {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: creds.secret_access_key().to_string(),
            session_token: creds.session_token().map(str::to_string),
        },
        source,
        region: config.region().map(|r| r.to_string()),
    })
}

/// An error with every cause under it, `: `-separated (the SDK's top-level message
/// alone, "an error occurred while loading credentials", says nothing).
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// A named profile must exist in the shared config or credentials files: the SDK's
/// own answer for one that does not ("the credential provider was not enabled", or,
/// through `AWS_PROFILE`, "failed to load IMDS session token") does not say so.
pub async fn profile_defined(name: &str) -> Result<(), AwsConfigError> {
    use aws_types::os_shim_internal::{Env, Fs};
    // The default files (`~/.aws/config`, `~/.aws/credentials`, or their variables).
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &Default::default(), None)
        .await
        .map_err(|e| AwsConfigError::SharedFiles(causes(&e)))?;
    if set.get_profile(name).is_some() {
        return Ok(());
    }
    let mut known: Vec<&str> = set.profiles().collect();
    known.sort();
    Err(AwsConfigError::UnknownProfile {
        name: name.to_string(),
        known: if known.is_empty() {
            "they define no profile".to_string()
        } else {
            format!("they define: {}", known.join(", "))
        },
    })
}

/// The AWS shared-config profile a run names, and what named it: `--aws-profile`,
/// else `AWS_PROFILE` (when set and not empty).
pub fn named_aws_profile(flag: Option<&str>) -> Option<(String, &'static str)> {
    match flag {
        Some(name) => Some((name.to_string(), "--aws-profile")),
        None => std::env::var("AWS_PROFILE")
            .ok()
            .filter(|p| !p.is_empty())
            .map(|p| (p, "AWS_PROFILE")),
    }
}

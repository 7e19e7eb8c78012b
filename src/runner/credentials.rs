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

/// Asks the SDK's default credential chain (of `aws_profile`, else `AWS_PROFILE`, else
/// `default`). Why none was found, as text fit to print.
pub async fn from_aws_config(aws_profile: Option<&str>) -> Result<Found, String> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(name) = aws_profile {
        loader = loader.profile_name(name);
    }
    let config = loader.load().await;
    let provider = config
        .credentials_provider()
        .ok_or("the AWS SDK config has no credentials provider")?;
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| format!("the AWS SDK's credential chain found none ({e})"))?;
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

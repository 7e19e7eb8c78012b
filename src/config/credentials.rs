//! Credentials before a run: where each bearer token comes from, SigV4 keys from the
//! AWS SDK's loader, and the refusal to run a service that has none.

use crate::case::Case;
use crate::error::{ConfigError, HarnessError};
use crate::runner;
use crate::suite::Suite;
use crate::vocab::Identity;

/// Where each selected bearer-token service's default token comes from (never the
/// token).
pub(crate) fn print_bearer_sources(suite: &Suite, cases: &[Case], target: &runner::Target) {
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
pub(crate) fn require_credentials(
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
    let mut missing = Vec::new();
    for service in &selected {
        if let Some(why) = missing_credentials(service, target) {
            missing.push((service.name(), why));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    // The command offered must run: it keeps only services that have credentials.
    let ready: Vec<&str> = selected
        .iter()
        .map(|s| s.name())
        .filter(|n| !missing.iter().any(|(m, _)| m == n))
        .collect();
    let names: Vec<&str> = missing.iter().map(|(n, _)| *n).collect();
    let fix = match ready.as_slice() {
        [] => "nothing can be tested without them".to_string(),
        _ => format!(
            "or leave {} out: {}",
            crate::text::and_list(&names),
            ready
                .iter()
                .map(|o| format!("--service {o}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    Err(ConfigError::NoCredentials {
        service: crate::text::and_list(&names),
        // Every SigV4 service misses the same keys: said once.
        why: missing
            .iter()
            .map(|(_, why)| why.as_str())
            .fold(Vec::new(), |mut whys, why| {
                if !whys.contains(&why) {
                    whys.push(why);
                }
                whys
            })
            .join("; "),
        fix,
    }
    .into())
}

/// Why `service`'s default identity has no credentials, if it has none.
fn missing_credentials(service: &crate::spec::Service, target: &runner::Target) -> Option<String> {
    let auth = &service.spec.auth;
    match auth.scheme {
        crate::spec::AuthScheme::Bearer => {
            let env = auth.token_env.as_deref();
            if target
                .profile
                .bearer_token(Identity::Default, env)
                .is_some()
            {
                return None;
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
            Some(format!(
                "no bearer token for {}'s default identity {source}; set {var} or identities.default.bearer_token in the profile",
                service.name()
            ))
        }
        crate::spec::AuthScheme::Sigv4 => {
            // Keys in the environment do not stand in for a named profile that gave
            // none: the named profile wins, as in the AWS CLI.
            if target.sigv4_missing.is_none() && target.profile.sigv4_credentials().is_some() {
                return None;
            }
            Some(format!(
                "no SigV4 credentials ({}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a profile with --aws-profile, or put sigv4 keys in the target profile",
                target.sigv4_missing.as_deref().unwrap_or("none found")
            ))
        }
    }
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
            return Some(why.to_string());
        }
    }
    None
}

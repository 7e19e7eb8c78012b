//! Where and as whom cases run: the endpoints per service, the profile and the region.

use crate::error::{ConfigError, HarnessError};
use crate::profile::Profile;
use crate::spec::Contract;

/// Where and as whom cases run.
#[derive(Debug, Clone)]
pub struct Target {
    /// Endpoint per service name.
    pub endpoints: Vec<(String, String)>,
    /// The target profile.
    pub profile: Profile,
    /// SigV4 region.
    pub region: String,
    /// Why the AWS SDK's loader found no SigV4 credentials, when it was asked and
    /// found none.
    pub sigv4_missing: Option<String>,
    /// Services whose endpoint serves other services of the run but not them (every
    /// operation answered 404 in the preflight), with why: their cases are skipped.
    pub unserved: Vec<(String, String)>,
}

impl Target {
    /// The endpoint of a service.
    pub fn endpoint(&self, service: &str) -> Option<&str> {
        self.endpoints
            .iter()
            .find(|(s, _)| s == service)
            .map(|(_, e)| e.as_str())
    }
}

/// Reads an environment variable, treating empty as unset.
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// An endpoint must be an HTTP(S) URL.
pub(crate) fn check_url(url: &str) -> Result<(), HarnessError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ConfigError::Endpoint(url.to_string()).into());
    }
    // The URL parser refuses what no request can go to (a port over 65535, no host):
    // a configuration error now, not one connect error per case later.
    match reqwest::Url::parse(url) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => Err(ConfigError::EndpointUrl {
            url: url.to_string(),
            reason: "it names no host".into(),
        }
        .into()),
        Err(e) => Err(ConfigError::EndpointUrl {
            url: url.to_string(),
            reason: e.to_string(),
        }
        .into()),
    }
}

/// The endpoints and region of a remote target. Per service, first of: `--endpoint`,
/// the profile, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, and (only with
/// `public`, i.e. `--aws`) the public endpoint. A service left with none has no
/// endpoint (its cases skip); no endpoint at all, or a profile naming a service the
/// contract does not have, is a configuration error.
pub fn remote_target(
    contract: &Contract,
    endpoint: Option<&str>,
    profile: Profile,
    public: bool,
) -> Result<Target, HarnessError> {
    let known: Vec<&str> = contract.services.iter().map(|s| s.name()).collect();
    if let Some(unknown) = profile
        .endpoints
        .keys()
        .find(|k| !known.contains(&k.as_str()))
    {
        return Err(ConfigError::UnknownService {
            name: unknown.clone(),
            known: known.join(", "),
        }
        .into());
    }
    let region = profile
        .region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string());
    let mut endpoints = Vec::new();
    for service in &contract.services {
        let url = endpoint
            .map(str::to_string)
            .or_else(|| profile.endpoints.get(service.name()).cloned())
            .or_else(|| env(&service.spec.endpoint.env))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| public.then(|| service.spec.endpoint.default.replace("{region}", &region)));
        if let Some(url) = url {
            check_url(&url)?;
            endpoints.push((service.name().to_string(), url));
        }
    }
    if endpoints.is_empty() {
        return Err(ConfigError::NoEndpoint.into());
    }
    Ok(Target {
        endpoints,
        profile,
        region,
        sigv4_missing: None,
        unserved: Vec::new(),
    })
}

//! `init`: a complete profile from what the target answers. The profile the user gave
//! (if any) is the base and is never changed; what discovery finds is added with where
//! it came from; what it cannot find is named with why and how many cases skip for it.
//! Credentials the SDK loader found are used to ask, never written.

use std::path::PathBuf;

use super::credentials::{print_bearer_sources, require_credentials};
use super::{RunConfig, TargetChoice};
use crate::case::Case;
use crate::discover::{self, Key};
use crate::error::{ConfigError, HarnessError};
use crate::exit::{Exit, Findings};
use crate::suite::Suite;

/// What `init` does besides asking.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The profile to write.
    pub out: PathBuf,
    /// Overwrite `out` if it exists.
    pub force: bool,
    /// What discovery may do besides reading.
    pub discover: discover::Options,
    /// Delete the IAM users an earlier `init --create-iam-users` made, and nothing else.
    pub remove: bool,
}

/// Runs `init` against the target `config` names.
pub async fn init(config: &RunConfig, init: &InitOptions) -> Result<Exit, HarnessError> {
    let TargetChoice::Remote {
        endpoint, profile, ..
    } = &config.target
    else {
        return Err(ConfigError::Options(
            "init asks a target: pass --endpoint URL, --profile FILE, --aws, or set AWS_ENDPOINT_URL",
        )
        .into());
    };
    if !init.remove && init.out.exists() && !init.force {
        return Err(ConfigError::Exists(init.out.clone()).into());
    }
    let suite = Suite::load_source(&config.suite)?;
    let cases: Vec<Case> = suite
        .cases
        .iter()
        .filter(|c| config.filter.matches(c))
        .cloned()
        .collect();
    if cases.is_empty() {
        return Err(ConfigError::NoCases.into());
    }
    let sigv4 = super::session::sigv4_selected(&suite, &cases);
    let (target, _) = super::session::target(config, &suite, sigv4).await?;
    print_bearer_sources(&suite, &cases, &target);
    require_credentials(&suite, &cases, &target)?;
    if init.remove {
        return Ok(removed(
            discover::remove(&suite.contract, &target, config.timeout).await,
        ));
    }
    let services: Vec<String> = target.endpoints.iter().map(|(s, _)| s.clone()).collect();
    let wanted = discover::wanted(&cases, &services);
    let found = discover::discover(&suite.contract, &target, &wanted, &init.discover).await;
    let skipped = |keys: &[&Key]| discover::cases_needing(&cases, keys);
    for line in discover::summary_lines(&found, &skipped) {
        outln!("{line}");
    }
    // The base is the user's own profile: never the keys the SDK loader found.
    let mut base = (**profile).clone();
    if let Some(url) = endpoint {
        for service in &services {
            base.endpoints.insert(service.clone(), url.clone());
        }
    }
    let header = vec![
        format!(
            "Written by `pat-conformance init` ({}) on {} against {}.",
            env!("CARGO_PKG_VERSION"),
            super::session::now_rfc3339().get(..10).unwrap_or("today"),
            target
                .endpoints
                .iter()
                .map(|(s, e)| format!("{s}={e}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "Each value found says where it came from; edit freely. Credentials are not written: they come from the environment, --aws-profile or the SDK's chain.".to_string(),
        format!("Run: pat-conformance run --profile {}", init.out.display()),
    ];
    let text = discover::profile_text(&base, &found, &skipped, &header);
    crate::report::write_file(&init.out, text.as_bytes())?;
    let complete = found.apply(base);
    let runnable = cases
        .iter()
        .filter(|c| services.contains(&c.service) && can_run(&complete, c))
        .count();
    outln!(
        "wrote {}: {runnable} of {} cases have what they need (run: pat-conformance run --profile {})",
        init.out.display(),
        cases.len(),
        init.out.display()
    );
    Ok(Exit::Conforms)
}

/// Whether a profile gives a case every var and capability it needs (its service's
/// endpoint is checked by the caller).
fn can_run(profile: &crate::profile::Profile, case: &Case) -> bool {
    let caps = profile.capabilities();
    case.requires.iter().all(|c| caps.contains(c))
        && case
            .profile_vars
            .iter()
            .all(|v| profile.vars.contains_key(v))
}

/// What `init --remove` did, printed; a problem is a harness error (exit 3).
fn removed(r: discover::Removed) -> Exit {
    for user in &r.users {
        outln!("deleted IAM user {user}");
    }
    outln!(
        "removed {} IAM user{} made by init ({} service-specific credential{} first)",
        r.users.len(),
        if r.users.len() == 1 { "" } else { "s" },
        r.credentials,
        if r.credentials == 1 { "" } else { "s" }
    );
    for p in &r.problems {
        outln!("not removed: {p}");
    }
    Exit::decide(Findings {
        harness_errors: r.problems.len(),
        ..Findings::default()
    })
}

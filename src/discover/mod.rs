//! Discovery: asking a target for the data its cases need (`init`, `run --discover`)
//! instead of asking the user. WorkMail's organizations, users and tokens come from
//! ListOrganizations, ListUsers and ListPersonalAccessTokens; IAM's two users from
//! ListUsers (made by CreateUser only when asked); capabilities from harmless probes
//! (a wrong signature, the fault header, a made-up bearer token). Every value says
//! where it came from; every value not found says why.
//!
//! Rules that protect real accounts: nothing is deleted here; the one WorkMail token a
//! run may delete is one named `pat-conformance-disposable…` or the one the user names;
//! IAM users are made only with `create_iam_users`, tagged as the suite's, and
//! [`remove`] deletes only users so tagged.

mod caller;
mod iam;
mod probes;
mod workmail;
mod written;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::profile::{IdentityDef, Profile};
use crate::runner::Target;
use crate::spec::Contract;
use crate::vocab::{Capability, Identity};

pub use iam::{remove, Removed, SUITE_TAG};
pub use workmail::DISPOSABLE_PREFIX;
pub use written::{profile_text, summary_lines};

/// How discovery asks, and what it may do besides reading.
#[derive(Debug, Clone)]
pub struct Options {
    /// Make the two IAM users when fewer exist (tagged [`SUITE_TAG`]).
    pub create_iam_users: bool,
    /// The WorkMail token a run may delete, by id (else one named
    /// [`DISPOSABLE_PREFIX`]…, else none).
    pub disposable_token: Option<String>,
    /// Longest wait for one answer.
    pub timeout: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            create_iam_users: false,
            disposable_token: None,
            timeout: std::time::Duration::from_secs(15),
        }
    }
}

/// Something a profile can hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// `vars.NAME`.
    Var(String),
    /// `capabilities: [NAME]`.
    Capability(Capability),
    /// `identities.NAME`.
    Identity(Identity),
}

impl Key {
    /// How the profile names it: `vars.workmail_user_id`, `capabilities: fault-injection`.
    pub fn describe(&self) -> String {
        match self {
            Key::Var(v) => format!("vars.{v}"),
            Key::Capability(c) => format!("capability {}", c.as_str()),
            Key::Identity(i) => format!("identities.{}", i.as_str()),
        }
    }

    /// The capability a case needs for it, when it is one.
    pub fn capability(&self) -> Option<Capability> {
        match self {
            Key::Var(_) => None,
            Key::Capability(c) => Some(*c),
            Key::Identity(i) => i.capability(),
        }
    }
}

/// A value discovery found, and how.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where it goes in the profile.
    pub key: Key,
    /// The value (a var's value, a made-up bearer token, `true` for a capability).
    pub value: Value,
    /// Where it came from: `ListOrganizations: the Active organization whose …`.
    pub how: String,
    /// Taken on trust rather than proved (the made-up second identity).
    pub assumed: bool,
}

/// A value discovery could not find, and why.
#[derive(Debug, Clone)]
pub struct Missing {
    /// What is missing.
    pub key: Key,
    /// Why: what the target answered, or why it cannot be asked.
    pub why: String,
}

/// What one discovery learned.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// Values found, in the order found.
    pub found: Vec<Found>,
    /// Values wanted and not found.
    pub missing: Vec<Missing>,
    /// IAM users made (only with [`Options::create_iam_users`]).
    pub created_users: Vec<String>,
}

impl Discovered {
    fn found(&mut self, key: Key, value: Value, how: impl Into<String>) {
        self.found.push(Found {
            key,
            value,
            how: how.into(),
            assumed: false,
        });
    }

    fn missing(&mut self, key: Key, why: impl Into<String>) {
        self.missing.push(Missing {
            key,
            why: why.into(),
        });
    }

    /// `profile` with every value found added; what it held already is kept.
    pub fn apply(&self, mut profile: Profile) -> Profile {
        for f in &self.found {
            match &f.key {
                Key::Var(name) => {
                    profile.vars.entry(name.clone()).or_insert(f.value.clone());
                }
                Key::Capability(c) => {
                    if !profile.capabilities.contains(c) {
                        profile.capabilities.push(*c);
                    }
                }
                Key::Identity(i) => {
                    profile.identities.entry(*i).or_insert(IdentityDef {
                        bearer_token: f.value.as_str().map(str::to_string),
                        bearer_token_env: None,
                    });
                }
            }
        }
        profile
    }
}

/// Which of `vars` (one service's rules) `asked` names.
fn asked_of(vars: &[&'static str], asked: &[Key]) -> Vec<&'static str> {
    vars.iter()
        .copied()
        .filter(|v| asked.contains(&Key::Var(v.to_string())))
        .collect()
}

/// Asks the target for what `wanted` names and the profile lacks.
pub async fn discover(
    contract: &Contract,
    target: &Target,
    wanted: &[Key],
    options: &Options,
) -> Discovered {
    let mut out = Discovered::default();
    let caller = match caller::Caller::new(contract, target, options.timeout) {
        Ok(c) => c,
        Err(why) => {
            for key in wanted {
                out.missing(key.clone(), format!("no client could be made: {why}"));
            }
            return out;
        }
    };
    let profile = &target.profile;
    let lacks = |key: &Key| {
        wanted.contains(key)
            && match key {
                Key::Var(v) => !profile.vars.contains_key(v),
                Key::Capability(c) => !profile.capabilities().contains(c),
                Key::Identity(i) => !profile.identities.contains_key(i),
            }
    };
    let asked: Vec<Key> = wanted.iter().filter(|k| lacks(k)).cloned().collect();
    workmail::discover(&caller, &profile.vars, &asked, options, &mut out).await;
    iam::discover(&caller, &profile.vars, &asked, options, &mut out).await;
    probes::discover(&caller, &asked, &mut out).await;
    // A wanted value no rule looked for is named too.
    for key in &asked {
        let seen =
            out.found.iter().any(|f| &f.key == key) || out.missing.iter().any(|m| &m.key == key);
        if !seen {
            out.missing(
                key.clone(),
                "discovery has no way to learn it; set it in the profile",
            );
        }
    }
    out
}

/// What the selected cases need from a profile: every var they read and every
/// capability they require, for the services `services` names.
pub fn wanted(cases: &[crate::case::Case], services: &[String]) -> Vec<Key> {
    let mut keys: BTreeMap<Key, ()> = BTreeMap::new();
    for case in cases.iter().filter(|c| services.contains(&c.service)) {
        for v in &case.profile_vars {
            keys.insert(Key::Var(v.clone()), ());
        }
        for c in &case.requires {
            let key = match c.identity() {
                Some(i) => Key::Identity(i),
                None => Key::Capability(*c),
            };
            keys.insert(key, ());
        }
    }
    keys.into_keys().collect()
}

/// How many of `cases` need any of `keys` (and so skip without them).
pub fn cases_needing(cases: &[crate::case::Case], keys: &[&Key]) -> usize {
    cases
        .iter()
        .filter(|c| {
            keys.iter().any(|key| match key {
                Key::Var(v) => c.profile_vars.contains(v),
                other => other
                    .capability()
                    .is_some_and(|cap| c.requires.contains(&cap)),
            })
        })
        .count()
}

//! pat-conformance: a contract conformance suite for the AWS personal-access-token APIs
//! (CodeCatalyst CreateAccessToken / ListAccessTokens / DeleteAccessToken over restJson1
//! with bearer auth; WorkMail ListPersonalAccessTokens over awsJson1_1 with SigV4).
//!
//! The data flows spec → case → request (protocol, auth) → transport → checks →
//! outcome → reporters. The embedded emulator ([`emulator`]) shares the spec types but
//! none of the runner's code.

pub mod case;
pub(crate) mod check;
pub mod cli;
pub(crate) mod codec;
pub mod config;
pub mod coverage;
pub mod emulator;
pub mod error;
pub mod exit;
pub mod generate;
pub mod mutants;
pub mod outcome;
pub(crate) mod path;
pub mod profile;
pub(crate) mod redact;
pub mod report;
pub(crate) mod request;
pub mod runner;
pub mod spec;
pub mod suite;
pub(crate) mod template;
pub(crate) mod text;
pub(crate) mod transport;
pub mod vocab;
pub(crate) mod yaml;

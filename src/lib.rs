//! pat-conformance: a contract conformance suite for the AWS personal-access-token APIs,
//! eleven operations of three services: CodeCatalyst CreateAccessToken /
//! ListAccessTokens / DeleteAccessToken over restJson1 with bearer auth; WorkMail
//! ListPersonalAccessTokens, GetPersonalAccessTokenMetadata and
//! DeletePersonalAccessToken over awsJson1_1 with SigV4; IAM
//! Create/List/Delete/Reset/UpdateServiceSpecificCredential over awsQuery with SigV4.
//!
//! The data flows spec → case → request (protocol, auth) → transport → checks →
//! outcome → reporters. The embedded emulator ([`emulator`]) shares the spec types but
//! none of the runner's code.
//!
//! Layers, bottom first. A module imports only from layers below its own (the test
//! `layers::imports_only_point_down` reads this list and every `crate::` path in
//! `src/`, and fails on an import that points up or sideways):
//!
//! 0. `text` `yaml` `exit` `vocab` `template` `path` `embedded` `console` — words and small
//!    tools; the suite built into the binary; standard output that survives a closed pipe
//! 1. `spec` `outcome` — the contract as data; what a case produced
//! 2. `codec` `case` `import` — wire protocols; case files checked against the contract;
//!    specs derived from AWS service models
//! 3. `error` — harness errors, gathering the lower layers' own
//! 4. `profile` `generate` — targets' identities; cases derived from the specs
//! 5. `request` `redact` — building and signing requests; masking secrets
//! 6. `transport` — HTTP with bounds
//! 7. `check` `emulator` — judging answers; the embedded target
//! 8. `runner` — running cases, emitting events
//! 9. `report` `suite` `coverage` `discover` — consuming events; the loaded suite;
//!    coverage; asking a target for the data its cases need
//! 10. `config` `mutants` — a validated run configuration and the run it builds; the
//!     self-test
//! 11. `cli` — the command line

#[macro_use]
pub mod console;
pub mod case;
pub(crate) mod check;
pub mod cli;
pub(crate) mod codec;
pub mod config;
pub mod coverage;
pub mod discover;
pub mod embedded;
pub mod emulator;
pub mod error;
pub mod exit;
pub mod generate;
pub mod import;
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

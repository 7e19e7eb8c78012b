//! The validated run configuration and the run it describes: what a run needs,
//! checked, with no command-line parser in sight (`cli::options` builds a
//! [`RunConfig`] from the arguments; a library user builds it directly), and
//! [`run`], which builds the run's parts from it (suite, target, reporters, gate).

mod credentials;
mod init;
mod run_config;
mod session;

pub(crate) use credentials::sigv4_credentials;
pub use init::{init, InitOptions};
pub(crate) use run_config::endpoint_env_set;
pub use run_config::{parse_shard, parse_size, RunConfig, TargetChoice};
pub use session::run;
pub(crate) use session::step_summary;

//! The embedded emulator: a reference implementation of the eleven operations on its own
//! small hyper server (`server.rs`), routed and validated by the same specs the runner
//! uses (and none of the runner's code). One backend per service (`backend.rs`); the
//! self-test's middlewares wrap it.
//!
//! Fault injection: a request with `X-Pat-Conformance-Fault: <ErrorName>` is answered
//! with that modelled error of the operation instead of being carried out.

mod backend;
mod codecatalyst;
mod iam;
mod pages;
mod replies;
mod request;
mod router;
mod seed;
mod server;
mod sigv4;
mod sts;
mod workmail;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use replies::Reply;
pub use request::{Request, Routed};
pub use router::Middleware;
pub use seed::Seed;
pub use server::MAX_REQUEST_BODY;

pub(crate) use sigv4::{keep_signed, sign_as_emulator};

use crate::profile::{IdentityDef, Profile, SigV4Credentials};
use crate::spec::Contract;
use crate::vocab::{Capability, Identity};

/// Emulator settings.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Tokens an identity may hold at once (CodeCatalyst).
    pub default_quota: usize,
    /// Per-identity quotas, by bearer token.
    pub quotas: BTreeMap<String, usize>,
    /// List newest first instead of oldest first (the contract fixes no order).
    pub newest_first: bool,
    /// How SigV4 signatures are checked.
    pub signatures: SignatureCheck,
    /// How long a connection may sit without a complete request head: an idle
    /// keep-alive connection, or one sending its headers slowly (slowloris), is closed
    /// after it. [`IDLE_TIMEOUT`] by default.
    pub idle_timeout: std::time::Duration,
    /// A user's own data (`serve --seed FILE`) instead of the built-in seeds.
    pub seed: Option<Arc<Seed>>,
}

/// `POST` here puts every service back in its initial state (the disposable WorkMail
/// token included), so the destructive cases can run again against one `serve`.
pub const RESET_PATH: &str = "/_pat-conformance/reset";

/// `GET` here answers the emulator's services and their state in JSON (LocalStack's
/// `/_localstack/health`): `{"status": "running", "services": {"iam": {"state":
/// "running", "protocol": …, "operations": […], "helpers": […]}, …}, "version": …}`.
pub const HEALTH_PATH: &str = "/_pat-conformance/health";

/// How long the emulator keeps a connection that has not sent a whole request head.
pub const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// How the emulator checks SigV4 (a deviation may check less).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureCheck {
    /// Any access key is accepted (as LocalStack does); a request signed with the
    /// emulator's own key (or with `test`/`test`) must verify; every signing time must be at most 15 minutes
    /// away (what AWS does).
    #[default]
    Full,
    /// The signature must verify; its time is not checked.
    IgnoreTime,
    /// Any well-formed SigV4 header is accepted (what many emulators do).
    Off,
}

/// The SigV4 credentials the emulator's profile hands out: the ones whose signatures
/// it verifies (any other key is accepted unverified).
pub(crate) fn credentials() -> SigV4Credentials {
    SigV4Credentials {
        access_key_id: "AKIAEMULATOR7EXAMPLE".into(),
        secret_access_key: "emulator/secret/access/key/not-real".into(),
        session_token: Some("emulator-session-token-not-real".into()),
    }
}

/// The access key id whose signatures the emulator verifies (never a secret).
pub fn emulator_key() -> String {
    credentials().access_key_id
}

/// Bearer tokens of the identities the emulator's profile offers.
const DEFAULT_TOKEN: &str = "emulator-bearer-default-7f3a9c";
const SECOND_TOKEN: &str = "emulator-bearer-second-51be02";
const LIMITED_TOKEN: &str = "emulator-bearer-limited-c0ffee";

/// A listener on a free local port.
fn local_listener() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free local port")
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            default_quota: 100,
            quotas: BTreeMap::from([(LIMITED_TOKEN.to_string(), 1)]),
            newest_first: false,
            signatures: SignatureCheck::Full,
            idle_timeout: IDLE_TIMEOUT,
            seed: None,
        }
    }
}

/// Mutable state behind the emulator.
pub(crate) struct State {
    pub(crate) config: EmulatorConfig,
    /// One per emulated service.
    pub(crate) backends: Vec<Box<dyn backend::Backend>>,
}

/// Every emulated service, in its initial state: the built-in seeds, or the sections
/// of `seed` that it has.
pub(crate) fn backends(seed: Option<&Seed>) -> Vec<Box<dyn backend::Backend>> {
    let workmail = match seed.and_then(|s| s.workmail.as_ref()) {
        Some(own) => workmail::Directory::from_seed(own),
        None => workmail::Directory::seeded(),
    };
    let iam = match seed.and_then(|s| s.iam.as_ref()) {
        Some(own) => iam::Users::named(&own.users),
        None => iam::Users::seeded(),
    };
    vec![
        Box::new(codecatalyst::Tokens::default()),
        Box::new(workmail),
        Box::new(iam),
        Box::new(sts::Identity),
    ]
}

/// A running emulator; it stops when dropped.
pub struct Emulator {
    uri: String,
    /// The contract's services, each served at `uri`.
    services: Vec<String>,
    /// What the backends hold that cases may name (declared in the profile).
    vars: BTreeMap<String, serde_json::Value>,
    _stop: tokio_util::sync::DropGuard,
}

impl Emulator {
    /// Starts an emulator on a random local port.
    pub async fn start(contract: Arc<Contract>, config: EmulatorConfig) -> Emulator {
        Self::serve(contract, config, local_listener(), None)
    }

    /// Starts an emulator behind `middleware`, which sees every request and reply.
    pub async fn start_wrapped(
        contract: Arc<Contract>,
        config: EmulatorConfig,
        middleware: Arc<dyn Middleware>,
    ) -> Emulator {
        Self::serve(contract, config, local_listener(), Some(middleware))
    }

    /// Starts an emulator on `listener` (for `pat-conformance serve`).
    /// `middleware`, if given, sees every request and reply (a broken target).
    pub async fn start_on(
        contract: Arc<Contract>,
        config: EmulatorConfig,
        listener: std::net::TcpListener,
        middleware: Option<Arc<dyn Middleware>>,
    ) -> Emulator {
        Self::serve(contract, config, listener, middleware)
    }

    fn serve(
        contract: Arc<Contract>,
        config: EmulatorConfig,
        listener: std::net::TcpListener,
        middleware: Option<Arc<dyn Middleware>>,
    ) -> Emulator {
        // Listening on every interface (`--host 0.0.0.0`, the container's default):
        // clients on this machine reach it at the loopback address, which is what the
        // URL and a written profile name.
        let address = listener
            .local_addr()
            .map(|mut a| {
                if a.ip().is_unspecified() {
                    a.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                a.to_string()
            })
            .unwrap_or_else(|_| "127.0.0.1:0".into());
        let services = contract
            .services
            .iter()
            .map(|s| s.name().to_string())
            .collect();
        let backends = backends(config.seed.as_deref());
        let vars = backends
            .iter()
            .flat_map(|b| b.profile_vars(&config))
            .collect();
        let idle_timeout = config.idle_timeout;
        let state = Arc::new(Mutex::new(State { config, backends }));
        let router = Arc::new(router::Router::new(contract, state));
        let handler: server::Handler = match middleware {
            None => Arc::new(move |req| router.reply(req)),
            Some(middleware) => Arc::new(move |req: &Request| {
                let mut req = req.clone();
                req.routed = router.routed(&req);
                middleware.handle(&req, &|r| router.reply(r))
            }),
        };
        let stop = tokio_util::sync::CancellationToken::new();
        let listener = listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener))
            .expect("a listening socket can be handed to tokio");
        server::spawn(listener, handler, idle_timeout, stop.clone());
        Emulator {
            uri: format!("http://{address}"),
            services,
            vars,
            _stop: stop.drop_guard(),
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:43117`.
    pub fn uri(&self) -> String {
        self.uri.clone()
    }

    /// A profile that lets every case run against this emulator.
    pub fn profile(&self) -> Profile {
        let uri = self.uri();
        let identity = |t: &str| IdentityDef {
            bearer_token: Some(t.to_string()),
            bearer_token_env: None,
        };
        Profile {
            endpoints: self
                .services
                .iter()
                .map(|s| (s.clone(), uri.clone()))
                .collect(),
            region: Some("us-east-1".into()),
            identities: BTreeMap::from([
                (Identity::Default, identity(DEFAULT_TOKEN)),
                (Identity::Second, identity(SECOND_TOKEN)),
                (Identity::Limited, identity(LIMITED_TOKEN)),
            ]),
            sigv4: Some(credentials()),
            capabilities: vec![Capability::FaultInjection, Capability::VerifiesSignatures],
            vars: self.vars.clone(),
        }
    }
}

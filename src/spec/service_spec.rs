//! The merged specification of one service: what `model.yaml` and `service.yaml`
//! (see `model_overlay`) say together, as the runner, generator and emulator read it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The wire protocol a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Protocol {
    /// REST with JSON bodies; errors in `X-Amzn-Errortype` / `__type` / `code`.
    #[serde(rename = "restJson1")]
    RestJson1,
    /// `POST /` with `X-Amz-Target`; bodies `application/x-amz-json-1.0`.
    #[serde(rename = "awsJson1_0")]
    AwsJson1_0,
    /// `POST /` with `X-Amz-Target`; bodies `application/x-amz-json-1.1`.
    #[serde(rename = "awsJson1_1")]
    AwsJson1_1,
    /// `POST /` with a form body (`Action`, `Version`, members flattened); XML answers.
    #[serde(rename = "awsQuery")]
    AwsQuery,
}

impl Protocol {
    /// The protocol's name as written in catalogs.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "restJson1",
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::AwsQuery => "awsQuery",
        }
    }

    /// Whether every input member travels as text (awsQuery's form body), so a server
    /// reads its type from the model and not from the wire.
    pub fn members_as_text(self) -> bool {
        self == Protocol::AwsQuery
    }

    /// Errors every service of the protocol may answer that models do not list (all
    /// HTTP 400): awsQuery's `ValidationError` for input that breaks a constraint.
    pub fn unmodelled_errors(self) -> &'static [&'static str] {
        match self {
            Protocol::AwsQuery => &["ValidationError"],
            _ => &[],
        }
    }
}

/// How requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// AWS Signature Version 4.
    Sigv4,
}

/// Authentication of a service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// The scheme.
    pub scheme: AuthScheme,
    /// For bearer auth: the environment variable the AWS tooling reads the token from.
    #[serde(default)]
    pub token_env: Option<String>,
    /// The modelled error a call with missing or malformed credentials gets; unset
    /// means any 4xx (the service models none).
    #[serde(default)]
    pub error: Option<String>,
    /// An `Authorization` value that no service can accept, for the generated
    /// malformed-credential case (none is generated without it).
    #[serde(default)]
    pub malformed: Option<String>,
}

/// Where the service lives.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// The per-service endpoint variable of the AWS tooling (`AWS_ENDPOINT_URL_<SERVICE>`).
    pub env: String,
    /// The public endpoint; `{region}` is replaced.
    pub default: String,
}

/// A modelled error of a service.
#[derive(PartialEq, Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The HTTP status the error travels with.
    pub status: u16,
}

/// HTTP binding of an operation.
#[derive(PartialEq, Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpBinding {
    /// HTTP method.
    pub method: String,
    /// Path template; `{member}` labels take input members.
    pub path: String,
    /// Success status.
    pub status: u16,
    /// Input members sent in the query string: member → parameter name (restJson1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Input members sent as headers: member → header name (restJson1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl HttpBinding {
    /// The names of the path labels, in order.
    pub fn labels(&self) -> Vec<&str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }
}

/// What a successful call creates, and how to undo it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Creates {
    /// The operation that deletes what was created.
    pub undo: String,
    /// Input members of the undo call, each taken from the created output by JSON pointer.
    pub input: BTreeMap<String, String>,
    /// How to find what a create made when its answer was lost (interrupt, timeout,
    /// reset connection, unreadable body); without it such a create is reported as
    /// possibly left on the target.
    #[serde(default)]
    pub find: Option<FindCreated>,
}

/// Finding a created thing by listing: by a name that holds the run id (`match`), or,
/// for things that carry no name, by what the listing shows after the create that it
/// did not show before it (`id`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindCreated {
    /// The (paginated) list operation that shows it.
    pub list: String,
    /// The create's input member that identifies it; a listed item matches when its
    /// member of the same name is equal. Only values unique to the run (holding the run
    /// id) are looked for, so nothing the run did not make is ever deleted.
    #[serde(rename = "match", default)]
    pub match_member: Option<String>,
    /// Instead of `match`: the listed items' member that identifies them (IAM's
    /// `ServiceSpecificCredentialId`). Before each create the run lists (with
    /// `list_input`) and remembers the ids; what a create whose answer was lost made is
    /// what the listing shows after it and did not before. Only sound when nothing else
    /// creates there meanwhile: the cases that create run alone (`exclusive`) and the
    /// profile names users made for the suite.
    #[serde(default)]
    pub id: Option<String>,
    /// Input members of the listing call, each taken from the create's input by JSON
    /// pointer (IAM lists one user's credentials for one service).
    #[serde(default)]
    pub list_input: BTreeMap<String, String>,
    /// Input members of the undo call, each taken from the listed item by JSON pointer.
    pub input: BTreeMap<String, String>,
}

/// Paginator keys of a list operation.
#[derive(PartialEq, Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Paginator {
    /// Input member that carries the continuation token.
    pub input_token: String,
    /// Output member that carries the continuation token.
    pub output_token: String,
    /// Input member that limits the page size.
    pub limit_key: String,
    /// Output member holding the page's items.
    pub items: String,
}

/// One operation of the catalog.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// The seed document the operation comes from.
    pub document: String,
    /// HTTP binding (restJson1), or the fixed `POST /` (awsJson1_1).
    pub http: HttpBinding,
    /// Input shape in the service's schema file.
    pub input: String,
    /// Output shape in the service's schema file.
    pub output: String,
    /// JSON pointers of sensitive output members (redacted everywhere).
    #[serde(default)]
    pub sensitive: Vec<String>,
    /// What a successful call creates, for automatic cleanup.
    #[serde(default)]
    pub creates: Option<Creates>,
    /// Paginator keys, for list operations.
    #[serde(default)]
    pub paginator: Option<Paginator>,
    /// Whether the model marks the operation idempotent.
    #[serde(default)]
    pub idempotent: bool,
    /// The errors the operation can return.
    pub errors: Vec<String>,
    /// Documented behaviours, by id: what cases cover besides errors and constraints
    /// (`covers:` in a case names them; `pat-conformance coverage` lists them).
    #[serde(default)]
    pub behaviours: BTreeMap<String, String>,
    /// How to derive boundary and negative cases from the input shape.
    #[serde(default)]
    pub generate: GenerateSpec,
}

/// What the case generator needs beyond the input schema.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateSpec {
    /// A valid input (may hold `${…}` variables); each generated case changes one member.
    #[serde(default)]
    pub base: serde_json::Map<String, serde_json::Value>,
    /// The modelled error a valid input gets (when `base` names nothing that exists, as a
    /// random id); unset means success.
    #[serde(default)]
    pub expect: Option<String>,
    /// Per member: the modelled error a valid value of that member gets instead.
    #[serde(default)]
    pub valid: BTreeMap<String, String>,
    /// Members whose valid values only the service can issue (page tokens): only
    /// invalid values are generated for them.
    #[serde(default)]
    pub opaque: Vec<String>,
}

/// A service's operation catalog.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Short name; also the folder under `specs/` and `cases/`.
    pub service: String,
    /// Human name.
    pub title: String,
    /// Model API version.
    pub api_version: String,
    /// Wire protocol.
    pub protocol: Protocol,
    /// awsJson1_1 target prefix.
    #[serde(default)]
    pub target_prefix: Option<String>,
    /// The XML namespace of the answers (awsQuery), from the model's `xmlNamespace`.
    #[serde(default)]
    pub xml_namespace: Option<String>,
    /// How callers authenticate (bearer token or SigV4) and what a refusal looks like.
    pub auth: AuthSpec,
    /// SigV4 signing name (also used for the bearer-token variable).
    pub signing_name: String,
    /// The region every request is signed for (a global service), else the profile's.
    #[serde(default)]
    pub signing_region: Option<String>,
    /// Endpoint conventions.
    pub endpoint: EndpointSpec,
    /// Schema file (relative to the service folder) whose `$defs` hold every shape.
    pub schemas: String,
    /// The error member that carries the message.
    pub message_member: String,
    /// The error a service returns for invalid input.
    pub validation_error: String,
    /// Members whose values the target makes up (see [`super::OverlaySpec::identifiers`]).
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Modelled errors with their HTTP status.
    pub errors: BTreeMap<String, ErrorSpec>,
    /// Operations by name: the contract under test.
    pub operations: BTreeMap<String, OperationSpec>,
    /// Operations the suite only calls to learn a target's data (`init`,
    /// `run --discover`) and the emulator serves: never generated, counted or covered.
    #[serde(default)]
    pub helpers: BTreeMap<String, OperationSpec>,
}

impl ServiceSpec {
    /// The `X-Amz-Target` of an operation (awsJson): `<target_prefix>.<Operation>`.
    pub fn target(&self, name: &str) -> Option<String> {
        self.target_prefix
            .as_ref()
            .map(|prefix| format!("{prefix}.{name}"))
    }

    /// Whether `target` is the `X-Amz-Target` of operation `name` (what
    /// [`ServiceSpec::target`] makes), compared in place: the emulator asks it of every
    /// operation for every request.
    pub fn is_target(&self, target: &str, name: &str) -> bool {
        self.target_prefix.as_deref().is_some_and(|prefix| {
            target
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                == Some(name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ServiceSpec;
    use serde_json::json;

    #[test]
    fn a_target_is_recognised_exactly_as_it_is_made() {
        let service: ServiceSpec = serde_json::from_value(json!({
            "service": "s", "title": "t", "api_version": "v", "protocol": "awsJson1_1",
            "auth": {"scheme": "sigv4"}, "signing_name": "s", "target_prefix": "WorkMailService",
            "endpoint": {"env": "E", "default": "d"}, "schemas": "x",
            "message_member": "Message", "validation_error": "V",
            "errors": {}, "operations": {}
        }))
        .unwrap();
        let made = service.target("ListUsers").unwrap();
        assert!(service.is_target(&made, "ListUsers"));
        for other in [
            "WorkMailService.ListUser",
            "WorkMailServiceListUsers",
            "X.ListUsers",
            "WorkMailService.ListUsers2",
            "",
        ] {
            assert!(!service.is_target(other, "ListUsers"), "{other}");
        }
    }
}

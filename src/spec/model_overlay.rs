//! A service's catalog in two files: `model.yaml`, everything the AWS service model
//! determines (written by `pat-conformance import-model`, never edited by hand), and
//! `service.yaml`, the overlay of what only people know (seed documents, documented
//! behaviours, generation hints, what a create needs undone, which error means invalid
//! input, the public endpoint). [`merge`] joins them into one [`ServiceSpec`]; neither
//! file may say what the other one says.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::service_spec::{
    AuthScheme, AuthSpec, Creates, EndpointSpec, ErrorSpec, GenerateSpec, HttpBinding,
    OperationSpec, Paginator, Protocol, ServiceSpec,
};

/// `model.yaml`: what a service model determines.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The model file this was imported from (relative to the service folder).
    pub source: String,
    /// Short name (the model's signing name, else its endpoint prefix); also the
    /// folder under `specs/` and `cases/`.
    pub service: String,
    /// `serviceFullName`.
    pub title: String,
    /// `apiVersion`.
    pub api_version: String,
    /// Wire protocol.
    pub protocol: Protocol,
    /// `targetPrefix` (awsJson).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_prefix: Option<String>,
    /// The XML namespace of the answers (awsQuery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml_namespace: Option<String>,
    /// Authentication scheme.
    pub auth: AuthScheme,
    /// Where the AWS SDKs read a bearer token for this service
    /// (`AWS_BEARER_TOKEN_` + signing name upper-cased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// SigV4 signing name.
    pub signing_name: String,
    /// The per-service endpoint variable (`AWS_ENDPOINT_URL_` + service id).
    pub endpoint_env: String,
    /// The member of error shapes that carries the message.
    pub message_member: String,
    /// Errors of the imported operations, with their HTTP status.
    pub errors: BTreeMap<String, ErrorSpec>,
    /// The imported operations.
    pub operations: BTreeMap<String, ModelOperation>,
}

/// What a model determines about one operation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelOperation {
    /// HTTP binding.
    pub http: HttpBinding,
    /// Input shape.
    pub input: String,
    /// Output shape.
    pub output: String,
    /// Whether the model marks the operation idempotent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub idempotent: bool,
    /// Paginator keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<Paginator>,
    /// Modelled errors.
    pub errors: Vec<String>,
    /// JSON pointers of output members whose shape is sensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
}

/// `service.yaml`: what people know about a service, over its `model.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverlaySpec {
    /// Must equal the model's `service`.
    pub service: String,
    /// Authentication facts the model leaves out.
    #[serde(default)]
    pub auth: AuthOverlay,
    /// The public endpoint (`{region}` is replaced); models do not carry it.
    pub endpoint: String,
    /// The region every request is signed for, whatever the profile's region (a global
    /// service: IAM signs for us-east-1).
    #[serde(default)]
    pub signing_region: Option<String>,
    /// The error the service returns for invalid input.
    pub validation_error: String,
    /// Members whose values the target makes up (ids): a run-to-run `diff` shows them
    /// as placeholders. Page tokens and sensitive members are volatile without being
    /// listed here.
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Per operation of the model: what people know. Every imported operation needs
    /// an entry here or in `helpers`.
    pub operations: BTreeMap<String, OperationOverlay>,
    /// Operations of the model that are not under test: the suite calls them to learn
    /// a target's data (`init`, `run --discover`) and the emulator serves them, but no
    /// case is generated, counted or covered for them.
    #[serde(default)]
    pub helpers: BTreeMap<String, HelperOverlay>,
}

/// Why the suite calls an operation it does not test.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelperOverlay {
    /// The document it comes from.
    pub document: String,
    /// What discovery asks it.
    pub purpose: String,
}

/// Authentication facts a model leaves out.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthOverlay {
    /// The modelled error for a missing or invalid credential, if the service names one.
    #[serde(default)]
    pub error: Option<String>,
    /// A malformed `Authorization` value for the generated malformed-auth case.
    #[serde(default)]
    pub malformed: Option<String>,
}

/// What people know about one operation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationOverlay {
    /// The seed document the operation comes from.
    pub document: String,
    /// What a successful call creates, for automatic cleanup.
    #[serde(default)]
    pub creates: Option<Creates>,
    /// The paginator, when the model names none but its members page (IAM's `Marker`,
    /// `MaxItems` and `IsTruncated` have no botocore paginator for every operation).
    #[serde(default)]
    pub paginator: Option<Paginator>,
    /// Documented behaviours, by id: what cases cover besides errors and constraints.
    #[serde(default)]
    pub behaviours: BTreeMap<String, String>,
    /// How to derive boundary and negative cases from the input shape.
    #[serde(default)]
    pub generate: GenerateSpec,
}

/// The schema file every imported service has.
pub const SHAPES_FILE: &str = "shapes.schema.json";

/// Joins a model and its overlay. An operation in one and not the other is an error.
pub fn merge(model: ModelSpec, overlay: OverlaySpec) -> Result<ServiceSpec, String> {
    if overlay.service != model.service {
        return Err(format!(
            "service: `{}` is not the model's `{}`",
            overlay.service, model.service
        ));
    }
    if let Some(name) = overlay
        .operations
        .keys()
        .chain(overlay.helpers.keys())
        .find(|n| !model.operations.contains_key(*n))
    {
        return Err(format!(
            "operations.{name}: not an operation of model.yaml (import it with import-model --operations)"
        ));
    }
    if let Some(name) = overlay
        .helpers
        .keys()
        .find(|n| overlay.operations.contains_key(*n))
    {
        return Err(format!(
            "helpers.{name}: also under `operations`; an operation is tested or a helper, not both"
        ));
    }
    let mut overlays = overlay.operations;
    let mut helper_overlays = overlay.helpers;
    let mut operations = BTreeMap::new();
    let mut helpers = BTreeMap::new();
    for (name, op) in model.operations {
        if let Some(h) = helper_overlays.remove(&name) {
            helpers.insert(
                name,
                OperationSpec {
                    document: h.document,
                    http: op.http,
                    input: op.input,
                    output: op.output,
                    sensitive: op.sensitive,
                    creates: None,
                    paginator: op.paginator,
                    idempotent: op.idempotent,
                    errors: op.errors,
                    behaviours: BTreeMap::new(),
                    generate: GenerateSpec::default(),
                },
            );
            continue;
        }
        let Some(o) = overlays.remove(&name) else {
            return Err(format!(
                "operations.{name}: model.yaml imports it but service.yaml does not describe it (needs at least `document`, or an entry under `helpers`)"
            ));
        };
        operations.insert(
            name,
            OperationSpec {
                document: o.document,
                http: op.http,
                input: op.input,
                output: op.output,
                sensitive: op.sensitive,
                creates: o.creates,
                paginator: op.paginator.or(o.paginator),
                idempotent: op.idempotent,
                errors: op.errors,
                behaviours: o.behaviours,
                generate: o.generate,
            },
        );
    }
    Ok(ServiceSpec {
        service: model.service,
        title: model.title,
        api_version: model.api_version,
        protocol: model.protocol,
        target_prefix: model.target_prefix,
        xml_namespace: model.xml_namespace,
        auth: AuthSpec {
            scheme: model.auth,
            token_env: model.token_env,
            error: overlay.auth.error,
            malformed: overlay.auth.malformed,
        },
        signing_name: model.signing_name,
        signing_region: overlay.signing_region,
        endpoint: EndpointSpec {
            env: model.endpoint_env,
            default: overlay.endpoint,
        },
        schemas: SHAPES_FILE.to_string(),
        message_member: model.message_member,
        validation_error: overlay.validation_error,
        identifiers: overlay.identifiers,
        errors: model.errors,
        operations,
        helpers,
    })
}

//! The wire half of a model: protocol, auth, endpoint conventions, HTTP bindings,
//! statuses, errors, paginators and sensitive members, as `model.yaml` holds them.

use std::collections::{BTreeMap, BTreeSet};

use super::botocore::{Model, Operation, Shape};
use super::shapes::UNIT;
use super::ImportError;
use crate::spec::{
    AuthScheme, ErrorSpec, HttpBinding, ModelOperation, ModelSpec, Paginator, Protocol,
};

/// The protocol of a model: the first of `protocols` the suite speaks, else `protocol`.
fn protocol(model: &Model) -> Result<Protocol, ImportError> {
    let m = &model.metadata;
    let candidates = m.protocols.iter().chain(std::iter::once(&m.protocol));
    let mut first = None;
    for p in candidates {
        first.get_or_insert(p.clone());
        match (p.as_str(), m.json_version.as_deref()) {
            ("rest-json", _) => return Ok(Protocol::RestJson1),
            ("json", Some("1.0")) => return Ok(Protocol::AwsJson1_0),
            ("json", _) => return Ok(Protocol::AwsJson1_1),
            ("query", _) => return Ok(Protocol::AwsQuery),
            _ => {}
        }
    }
    Err(ImportError::Protocol(first.unwrap_or_default()))
}

/// SigV4 or bearer, from `auth` (newer models) or `signatureVersion`.
fn auth(model: &Model) -> Result<AuthScheme, ImportError> {
    let m = &model.metadata;
    let named = m
        .auth
        .iter()
        .map(String::as_str)
        .chain(m.signature_version.as_deref());
    for a in named {
        match a {
            "aws.auth#sigv4" | "v4" => return Ok(AuthScheme::Sigv4),
            "smithy.api#httpBearerAuth" | "bearer" => return Ok(AuthScheme::Bearer),
            _ => {}
        }
    }
    let given = m.auth.first().cloned().or(m.signature_version.clone());
    Err(ImportError::Auth(given.unwrap_or_else(|| "none".into())))
}

/// The shapes the operations name directly (inputs, outputs, errors).
pub(super) fn root_shapes(model: &Model, names: &[String]) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for name in names {
        let op = &model.operations[name];
        roots.insert(op.input.as_ref().map_or(UNIT.into(), |r| r.shape.clone()));
        roots.insert(op.output.as_ref().map_or(UNIT.into(), |r| r.shape.clone()));
        roots.extend(op.errors.iter().map(|e| e.shape.clone()));
    }
    roots
}

/// `model.yaml` for the operations `names`.
pub(super) fn model_spec(
    model: &Model,
    names: &[String],
    source: &str,
) -> Result<ModelSpec, ImportError> {
    let m = &model.metadata;
    let protocol = protocol(model)?;
    let auth = auth(model)?;
    let signing_name = m
        .signing_name
        .clone()
        .unwrap_or_else(|| m.endpoint_prefix.clone());
    let mut errors = BTreeMap::new();
    let mut operations = BTreeMap::new();
    for name in names {
        let op = &model.operations[name];
        for e in &op.errors {
            let shape = shape(model, &e.shape)?;
            errors.insert(
                e.shape.clone(),
                ErrorSpec {
                    status: error_status(shape),
                },
            );
        }
        operations.insert(name.clone(), operation(model, name, op, protocol)?);
    }
    Ok(ModelSpec {
        source: source.to_string(),
        service: signing_name.clone(),
        title: m.service_full_name.clone(),
        api_version: m.api_version.clone(),
        protocol,
        target_prefix: m.target_prefix.clone(),
        xml_namespace: m.xml_namespace.clone(),
        auth,
        token_env: (auth == AuthScheme::Bearer)
            .then(|| format!("AWS_BEARER_TOKEN_{}", env_name(&signing_name))),
        signing_name,
        endpoint_env: format!("AWS_ENDPOINT_URL_{}", env_name(&m.service_id)),
        message_member: message_member(model, errors.keys()),
        errors,
        operations,
    })
}

/// `Service Id` → `SERVICE_ID`, as the AWS tooling names its variables.
fn env_name(id: &str) -> String {
    id.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn shape<'m>(model: &'m Model, name: &str) -> Result<&'m Shape, ImportError> {
    model
        .shapes
        .get(name)
        .ok_or_else(|| ImportError::MissingShape(name.to_string()))
}

/// The status of an error shape: its `httpStatusCode`, else 400 for a client error and
/// 500 for a server fault (the JSON protocols' rule).
fn error_status(shape: &Shape) -> u16 {
    let e = shape.error.as_ref();
    e.and_then(|e| e.http_status_code).unwrap_or_else(|| {
        let server = shape.fault || e.and_then(|e| e.sender_fault) == Some(false);
        if server {
            500
        } else {
            400
        }
    })
}

/// The member of the error shapes that carries the message (`message` or `Message`).
fn message_member<'a>(model: &Model, errors: impl Iterator<Item = &'a String>) -> String {
    errors
        .filter_map(|e| model.shapes.get(e))
        .flat_map(|s| s.members.keys())
        .find(|m| m.eq_ignore_ascii_case("message"))
        .cloned()
        .unwrap_or_else(|| "message".into())
}

/// One operation's wire facts.
fn operation(
    model: &Model,
    name: &str,
    op: &Operation,
    protocol: Protocol,
) -> Result<ModelOperation, ImportError> {
    let input = op.input.as_ref().map_or(UNIT.into(), |r| r.shape.clone());
    let output = op.output.as_ref().map_or(UNIT.into(), |r| r.shape.clone());
    let http = match protocol {
        Protocol::RestJson1 => rest_binding(model, name, op, &input)?,
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::AwsQuery => HttpBinding {
            method: "POST".into(),
            path: "/".into(),
            status: 200,
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
        },
    };
    let paginator = match model.paginators.get(name) {
        None => None,
        Some(p) => Some(paginator(name, p)?),
    };
    let mut sensitive = Vec::new();
    if let Some(out) = model.shapes.get(&output) {
        sensitive_members(model, out, String::new(), 0, &mut sensitive);
    }
    Ok(ModelOperation {
        http,
        input,
        output,
        idempotent: op.idempotent,
        paginator,
        errors: op.errors.iter().map(|e| e.shape.clone()).collect(),
        sensitive,
    })
}

/// restJson1: method, path (labels), success status, and the members bound to the
/// query string or to headers. A prefix-headers map member is refused.
fn rest_binding(
    model: &Model,
    name: &str,
    op: &Operation,
    input: &str,
) -> Result<HttpBinding, ImportError> {
    let path = op
        .http
        .request_uri
        .split('?')
        .next()
        .unwrap_or("/")
        .replace("+}", "}");
    let mut query = BTreeMap::new();
    let mut headers = BTreeMap::new();
    if let Some(shape) = model.shapes.get(input) {
        for (member, r) in &shape.members {
            let wire = r.location_name.clone().unwrap_or_else(|| member.clone());
            match r.location.as_deref() {
                Some("querystring") => {
                    query.insert(member.clone(), wire);
                }
                Some("header") => {
                    headers.insert(member.clone(), wire);
                }
                Some("headers") => {
                    return Err(ImportError::Unsupported {
                        shape: format!("operation {name}"),
                        what: format!("member `{member}` bound to prefixed headers (`{wire}`)"),
                    })
                }
                _ => {}
            }
        }
    }
    Ok(HttpBinding {
        method: op.http.method.clone(),
        path,
        status: op.http.response_code.unwrap_or(200),
        query,
        headers,
    })
}

fn paginator(name: &str, p: &super::botocore::Paginator) -> Result<Paginator, ImportError> {
    let one = |keys: Option<&super::botocore::OneOrMany>, what: &str| match keys
        .map(|k| k.0.as_slice())
    {
        Some([key]) => Ok(key.clone()),
        _ => Err(ImportError::Unsupported {
            shape: format!("paginator {name}"),
            what: format!("a `{what}` that is not exactly one member"),
        }),
    };
    Ok(Paginator {
        input_token: one(Some(&p.input_token), "input_token")?,
        output_token: one(Some(&p.output_token), "output_token")?,
        limit_key: p
            .limit_key
            .clone()
            .ok_or_else(|| ImportError::Unsupported {
                shape: format!("paginator {name}"),
                what: "a paginator without `limit_key`".into(),
            })?,
        items: one(p.result_key.as_ref(), "result_key")?,
    })
}

/// JSON pointers of output members whose shape is sensitive (`*` for list elements).
fn sensitive_members(
    model: &Model,
    shape: &Shape,
    at: String,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > 8 {
        return;
    }
    for (member, r) in &shape.members {
        let Some(target) = model.shapes.get(&r.shape) else {
            continue;
        };
        let here = format!("{at}/{member}");
        if target.sensitive {
            out.push(here);
        } else if target.kind == "structure" {
            sensitive_members(model, target, here, depth + 1, out);
        } else if let Some(item) = target
            .member
            .as_ref()
            .and_then(|m| model.shapes.get(&m.shape))
        {
            if item.sensitive {
                out.push(format!("{here}/*"));
            } else if item.kind == "structure" {
                sensitive_members(model, item, format!("{here}/*"), depth + 1, out);
            }
        }
    }
}

/// A first `service.yaml` for a newly imported service: every field people must fill
/// in, with the model's defaults where it has a guess.
pub(super) fn overlay_skeleton(model: &ModelSpec) -> String {
    let validation = [
        "ValidationException",
        "InvalidParameterException",
        "InvalidInputException",
    ]
    .into_iter()
    .find(|e| model.errors.contains_key(*e))
    .map(str::to_string)
    .or_else(|| model.errors.keys().next().cloned())
    .unwrap_or_else(|| "ValidationException".into());
    let mut out = format!(
        "# yaml-language-server: $schema=../service.schema.json\n\
         # What people know about {title}, over model.yaml (which import-model rewrites).\n\
         # import-model wrote this file once and never overwrites it: edit freely.\n\
         service: {service}\n\
         # The public endpoint ({{region}} is replaced); models do not carry it.\n\
         endpoint: \"https://{service}.{{region}}.amazonaws.com\"\n\
         # The modelled error for invalid input.\n\
         validation_error: {validation}\n\
         operations:\n",
        title = model.title,
        service = model.service,
    );
    for name in model.operations.keys() {
        out.push_str(&format!(
            "  {name}:\n    # The document this operation's cases quote.\n    document: \"{} ({name})\"\n",
            model.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{import, ImportError};
    use crate::spec::{AuthScheme, Protocol};

    /// A restJson1 model with one operation; `member` is the input member's binding.
    fn model(member: serde_json::Value, error: serde_json::Value) -> String {
        json!({
            "metadata": {"apiVersion": "1", "endpointPrefix": "svc", "protocol": "rest-json",
                "serviceFullName": "Svc", "serviceId": "My Svc", "signatureVersion": "bearer",
                "signingName": "svc"},
            "operations": {"Put": {"http": {"method": "PUT", "requestUri": "/v1/things/{id}?x=1",
                "responseCode": 201}, "input": {"shape": "PutIn"},
                "errors": [{"shape": "Boom"}]}},
            "shapes": {
                "PutIn": {"type": "structure", "required": ["id"], "members": {"id": member}},
                "Id": {"type": "string", "min": 1},
                "Boom": error
            }
        })
        .to_string()
    }

    #[test]
    fn bindings_statuses_and_conventions() {
        let text = model(
            json!({"shape": "Id", "location": "uri", "locationName": "id"}),
            json!({"type": "structure", "members": {"Message": {"shape": "Id"}}, "fault": true}),
        );
        let imported = import(&text, "m.json", &[]).unwrap();
        let m = &imported.model;
        assert_eq!(
            (m.protocol, m.auth),
            (Protocol::RestJson1, AuthScheme::Bearer)
        );
        assert_eq!(m.endpoint_env, "AWS_ENDPOINT_URL_MY_SVC");
        assert_eq!(m.token_env.as_deref(), Some("AWS_BEARER_TOKEN_SVC"));
        let op = &m.operations["Put"];
        assert_eq!(
            (op.http.path.as_str(), op.http.status),
            ("/v1/things/{id}", 201)
        );
        // No input or output shape: an empty structure stands in.
        assert_eq!(op.output, "Unit");
        // A server fault without a status travels as 500.
        assert_eq!(m.errors["Boom"].status, 500);
        assert_eq!(m.message_member, "Message");
        assert_eq!(imported.shapes["$defs"]["Id"]["minLength"], 1);
    }

    #[test]
    fn query_and_header_bindings_are_kept_prefix_headers_refused() {
        let text = model(
            json!({"shape": "Id", "location": "querystring", "locationName": "token-id"}),
            json!({"type": "structure", "members": {}}),
        );
        let imported = import(&text, "m.json", &[]).unwrap();
        let http = &imported.model.operations["Put"].http;
        assert_eq!(http.query["id"], "token-id");
        let text = model(
            json!({"shape": "Id", "location": "header", "locationName": "X-Token"}),
            json!({"type": "structure", "members": {}}),
        );
        let imported = import(&text, "m.json", &[]).unwrap();
        assert_eq!(
            imported.model.operations["Put"].http.headers["id"],
            "X-Token"
        );
        let text = model(
            json!({"shape": "Id", "location": "headers", "locationName": "X-Meta-"}),
            json!({"type": "structure", "members": {}}),
        );
        let e = import(&text, "m.json", &[]).unwrap_err();
        assert!(matches!(e, ImportError::Unsupported { .. }), "{e}");
        let e = import(&text, "m.json", &["Get".into()]).unwrap_err();
        assert!(e.to_string().contains("it has: Put"), "{e}");
    }
}

//! The AWS service model format the SDKs ship (botocore's `service-2.json`): only the
//! parts the importer reads. Unknown keys (documentation, endpoint rules, …) are
//! ignored, as every SDK generator ignores what it does not use.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A service model.
#[derive(Debug, Deserialize)]
pub(crate) struct Model {
    pub(crate) metadata: Metadata,
    pub(crate) operations: BTreeMap<String, Operation>,
    pub(crate) shapes: BTreeMap<String, Shape>,
    #[serde(default)]
    pub(crate) paginators: BTreeMap<String, Paginator>,
}

/// `metadata`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata {
    pub(crate) api_version: String,
    pub(crate) endpoint_prefix: String,
    #[serde(default)]
    pub(crate) json_version: Option<String>,
    pub(crate) protocol: String,
    #[serde(default)]
    pub(crate) protocols: Vec<String>,
    pub(crate) service_full_name: String,
    pub(crate) service_id: String,
    #[serde(default)]
    pub(crate) signature_version: Option<String>,
    #[serde(default)]
    pub(crate) signing_name: Option<String>,
    #[serde(default)]
    pub(crate) target_prefix: Option<String>,
    #[serde(default)]
    pub(crate) uid: Option<String>,
    #[serde(default)]
    pub(crate) xml_namespace: Option<String>,
    #[serde(default)]
    pub(crate) auth: Vec<String>,
}

/// An operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Operation {
    pub(crate) http: Http,
    #[serde(default)]
    pub(crate) input: Option<ShapeRef>,
    #[serde(default)]
    pub(crate) output: Option<ShapeRef>,
    #[serde(default)]
    pub(crate) errors: Vec<ShapeRef>,
    #[serde(default)]
    pub(crate) idempotent: bool,
}

/// An operation's HTTP binding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Http {
    pub(crate) method: String,
    pub(crate) request_uri: String,
    #[serde(default)]
    pub(crate) response_code: Option<u16>,
}

/// A reference to a shape, with the member traits botocore puts on it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShapeRef {
    pub(crate) shape: String,
    #[serde(default)]
    pub(crate) location: Option<String>,
    #[serde(default)]
    pub(crate) location_name: Option<String>,
    #[serde(default)]
    pub(crate) json_name: Option<String>,
    #[serde(default)]
    pub(crate) timestamp_format: Option<String>,
}

/// A shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Shape {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) required: Vec<String>,
    #[serde(default)]
    pub(crate) members: BTreeMap<String, ShapeRef>,
    #[serde(default)]
    pub(crate) member: Option<Box<ShapeRef>>,
    #[serde(default)]
    pub(crate) key: Option<Box<ShapeRef>>,
    #[serde(default)]
    pub(crate) value: Option<Box<ShapeRef>>,
    #[serde(default)]
    pub(crate) min: Option<f64>,
    #[serde(default)]
    pub(crate) max: Option<f64>,
    #[serde(default)]
    pub(crate) pattern: Option<String>,
    #[serde(default, rename = "enum")]
    pub(crate) values: Vec<String>,
    #[serde(default)]
    pub(crate) sensitive: bool,
    #[serde(default)]
    pub(crate) fault: bool,
    #[serde(default)]
    pub(crate) error: Option<ErrorTrait>,
    #[serde(default)]
    pub(crate) timestamp_format: Option<String>,
    #[serde(default)]
    pub(crate) union: bool,
}

/// An error shape's `error` trait.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorTrait {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) http_status_code: Option<u16>,
    #[serde(default)]
    pub(crate) sender_fault: Option<bool>,
}

/// A paginator (`paginators-1.json`, or the excerpt's `paginators`).
#[derive(Debug, Deserialize)]
pub(crate) struct Paginator {
    pub(crate) input_token: OneOrMany,
    pub(crate) output_token: OneOrMany,
    #[serde(default)]
    pub(crate) limit_key: Option<String>,
    #[serde(default)]
    pub(crate) result_key: Option<OneOrMany>,
}

/// A paginator key: botocore allows one name or a list.
#[derive(Debug, Deserialize)]
#[serde(from = "serde_json::Value")]
pub(crate) struct OneOrMany(pub(crate) Vec<String>);

impl From<serde_json::Value> for OneOrMany {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::String(s) => OneOrMany(vec![s]),
            serde_json::Value::Array(a) => OneOrMany(
                a.into_iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => OneOrMany(Vec::new()),
        }
    }
}

/// awsQuery names an error on the wire by its code (`NoSuchEntity`), not its shape
/// (`NoSuchEntityException`): the error shapes are renamed to their codes, so the
/// specs, schemas and cases know errors by what a client reads.
pub(crate) fn errors_by_code(model: &mut Model) {
    let renames: BTreeMap<String, String> = model
        .shapes
        .iter()
        .filter_map(|(name, shape)| {
            let code = shape.error.as_ref()?.code.clone()?;
            (code != *name).then(|| (name.clone(), code))
        })
        .collect();
    for (from, to) in &renames {
        if let Some(shape) = model.shapes.remove(from) {
            model.shapes.insert(to.clone(), shape);
        }
    }
    for op in model.operations.values_mut() {
        for e in &mut op.errors {
            if let Some(to) = renames.get(&e.shape) {
                e.shape = to.clone();
            }
        }
    }
}

//! Model shapes as JSON Schemas (draft 2020-12): one `$defs` entry per shape the
//! imported operations reach, with every constraint the model states and an `x-source`
//! naming the model shape. Objects stay open (responses may carry unmodelled members)
//! and patterns unanchored unless the model anchors them: Smithy and JSON Schema agree
//! that a pattern matches anywhere in the string.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::botocore::{Model, Shape, ShapeRef};
use super::ImportError;
use crate::spec::Protocol;

/// The name of the empty structure an operation without input or output gets.
pub(super) const UNIT: &str = "Unit";

/// The `$defs` for `roots` and every shape they reach, by model shape name.
pub(super) fn defs(
    model: &Model,
    roots: &BTreeSet<String>,
    protocol: Protocol,
    source: &str,
) -> Result<Map<String, Value>, ImportError> {
    let mut todo: Vec<String> = roots.iter().cloned().collect();
    let mut seen = BTreeSet::new();
    let mut defs = BTreeMap::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if name == UNIT && !model.shapes.contains_key(UNIT) {
            defs.insert(
                name,
                json!({"x-source": "no shape in the model", "type": "object"}),
            );
            continue;
        }
        let shape = model
            .shapes
            .get(&name)
            .ok_or_else(|| ImportError::MissingShape(name.clone()))?;
        todo.extend(references(shape).map(|r| r.shape.clone()));
        defs.insert(name.clone(), schema(&name, shape, protocol, source)?);
    }
    Ok(defs.into_iter().collect())
}

/// The shapes a shape refers to.
fn references(shape: &Shape) -> impl Iterator<Item = &ShapeRef> {
    shape
        .members
        .values()
        .chain(shape.member.as_deref())
        .chain(shape.key.as_deref())
        .chain(shape.value.as_deref())
}

/// A number as JSON: an integer when it is one.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// The schema of one shape.
fn schema(
    name: &str,
    shape: &Shape,
    protocol: Protocol,
    source: &str,
) -> Result<Value, ImportError> {
    let mut s = Map::new();
    s.insert("x-source".into(), json!(format!("{source} shape {name}")));
    let bounds = |s: &mut Map<String, Value>, min: &str, max: &str| {
        if let Some(n) = shape.min {
            s.insert(min.into(), number(n));
        }
        if let Some(n) = shape.max {
            s.insert(max.into(), number(n));
        }
    };
    match shape.kind.as_str() {
        "structure" => structure(shape, protocol, &mut s),
        "list" => {
            s.insert("type".into(), json!("array"));
            let member = shape
                .member
                .as_deref()
                .ok_or_else(|| bad(name, "a list without `member`"))?;
            s.insert("items".into(), member_schema(member, protocol));
            bounds(&mut s, "minItems", "maxItems");
        }
        "map" => {
            s.insert("type".into(), json!("object"));
            let value = shape
                .value
                .as_deref()
                .ok_or_else(|| bad(name, "a map without `value`"))?;
            s.insert(
                "additionalProperties".into(),
                member_schema(value, protocol),
            );
            bounds(&mut s, "minProperties", "maxProperties");
        }
        "string" => {
            s.insert("type".into(), json!("string"));
            bounds(&mut s, "minLength", "maxLength");
            if let Some(p) = &shape.pattern {
                s.insert("pattern".into(), json!(p));
            }
            if !shape.values.is_empty() {
                s.insert("enum".into(), json!(shape.values));
            }
        }
        "integer" | "long" | "short" | "byte" => {
            s.insert("type".into(), json!("integer"));
            bounds(&mut s, "minimum", "maximum");
        }
        "float" | "double" | "bigInteger" | "bigDecimal" => {
            s.insert("type".into(), json!("number"));
            bounds(&mut s, "minimum", "maximum");
        }
        "boolean" => {
            s.insert("type".into(), json!("boolean"));
        }
        "blob" => {
            s.insert("type".into(), json!("string"));
            s.insert("contentEncoding".into(), json!("base64"));
        }
        "timestamp" => {
            s.extend(timestamp(shape.timestamp_format.as_deref(), protocol));
        }
        "document" => {}
        other => return Err(bad(name, &format!("shape type `{other}`"))),
    }
    Ok(Value::Object(s))
}

fn bad(name: &str, what: &str) -> ImportError {
    ImportError::Unsupported {
        shape: name.to_string(),
        what: what.to_string(),
    }
}

/// A structure (or union, or error): its members by wire name, its required members.
fn structure(shape: &Shape, protocol: Protocol, s: &mut Map<String, Value>) {
    s.insert("type".into(), json!("object"));
    let wire = |member: &str| -> String {
        let r = &shape.members[member];
        match (protocol, &r.json_name) {
            (Protocol::RestJson1, Some(json_name)) => json_name.clone(),
            _ => member.to_string(),
        }
    };
    let required: Vec<String> = shape
        .required
        .iter()
        .filter(|m| shape.members.contains_key(*m))
        .map(|m| wire(m))
        .collect();
    if !required.is_empty() {
        s.insert("required".into(), json!(required));
    }
    let properties: Map<String, Value> = shape
        .members
        .iter()
        .map(|(m, r)| (wire(m), member_schema(r, protocol)))
        .collect();
    s.insert("properties".into(), Value::Object(properties));
    if shape.union {
        s.insert("minProperties".into(), json!(1));
        s.insert("maxProperties".into(), json!(1));
    }
}

/// A member: a reference to its shape, or (a timestamp format set on the member) the
/// timestamp schema itself.
fn member_schema(r: &ShapeRef, protocol: Protocol) -> Value {
    match &r.timestamp_format {
        Some(format) => Value::Object(timestamp(Some(format), protocol)),
        None => json!({"$ref": crate::spec::shape_ref(&r.shape)}),
    }
}

/// A timestamp in a body: the model's format, else the protocol's default for bodies:
/// epoch seconds as a number for the JSON protocols (restJson1, awsJson1_0,
/// awsJson1_1), ISO 8601 text for awsQuery's XML.
fn timestamp(format: Option<&str>, protocol: Protocol) -> Map<String, Value> {
    let default = match protocol {
        Protocol::AwsQuery => "iso8601",
        _ => "unixTimestamp",
    };
    let v = match format.unwrap_or(default) {
        "iso8601" => json!({"type": "string", "format": "date-time"}),
        "rfc822" => json!({"type": "string", "x-timestamp-format": "http-date"}),
        _ => json!({"type": "number"}),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

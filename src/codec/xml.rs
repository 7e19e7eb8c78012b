//! XML bodies (awsQuery answers): read into an element tree with quick-xml, turned
//! into the JSON documents the checks, schemas and paths use by the model's shapes
//! (the shapes say which element is a list, a number or a flag), and written from
//! such documents by the emulator.
//!
//! What the reading allows, because another implementation may do it: any namespace
//! prefix or none (local names are compared), whitespace and comments between
//! elements, elements in any order, elements the model does not know (read as text,
//! or as an object of their children), a list's items under any element name
//! (`member` by convention), and an XML declaration or none.

use serde_json::{Map, Value};

use super::format::BodyFormat;
use super::DecodeError;

/// One element: its local name, its child elements and its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

impl Element {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Most nested elements read: a document deeper than this is refused, not recursed.
const MAX_DEPTH: usize = 64;

/// The root element of an XML document.
pub(crate) fn parse(body: &[u8]) -> Result<Element, DecodeError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|e| DecodeError(e.to_string()))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let bad = |e: String| DecodeError(format!("not well-formed XML: {e}"));
    loop {
        let event = reader.read_event().map_err(|e| bad(e.to_string()))?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!("more than {MAX_DEPTH} nested elements")));
                }
                stack.push(Element {
                    name: local(e.local_name().as_ref()),
                    ..Element::default()
                });
            }
            Event::Empty(e) => {
                let element = Element {
                    name: local(e.local_name().as_ref()),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| bad("an end tag with no start".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| bad(e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                } else if !s.trim().is_empty() {
                    return Err(bad("text outside the root element".into()));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| bad(format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => return Err(bad("the document ends before its root element does".into())),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// The schema `schema` names, following `$ref`s into `shapes` (the `$defs`).
fn resolve<'s>(shapes: &'s Map<String, Value>, schema: &'s Value) -> &'s Value {
    let mut at = schema;
    for _ in 0..16 {
        match at.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.rsplit('/').next().and_then(|n| shapes.get(n)) {
                Some(next) => at = next,
                None => return at,
            },
            None => return at,
        }
    }
    at
}

/// An element read as the shape `schema` says (`None`: a member the model does not
/// know, read as text, or as an object of its children when it has some).
pub(crate) fn to_json(
    element: &Element,
    schema: Option<&Value>,
    shapes: &Map<String, Value>,
) -> Value {
    let schema = schema.map(|s| resolve(shapes, s));
    let ty = schema.and_then(|s| s.get("type")).and_then(Value::as_str);
    let text = || element.text.clone();
    match ty {
        Some("object") => {
            let properties = schema.and_then(|s| s.get("properties"));
            let mut out = Map::new();
            for child in &element.children {
                let member = properties.and_then(|p| p.get(&child.name));
                out.insert(child.name.clone(), to_json(child, member, shapes));
            }
            Value::Object(out)
        }
        Some("array") => {
            let items = schema.and_then(|s| s.get("items"));
            Value::Array(
                element
                    .children
                    .iter()
                    .map(|c| to_json(c, items, shapes))
                    .collect(),
            )
        }
        // Text that does not read as the type stays text, for the schema to refuse.
        Some("integer") => element
            .text
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::String(text()), Value::from),
        Some("number") => element
            .text
            .trim()
            .parse::<f64>()
            .map_or_else(|_| Value::String(text()), Value::from),
        Some("boolean") => match element.text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text()),
        },
        Some(_) => Value::String(text()),
        None if element.children.is_empty() => Value::String(text()),
        None => {
            let mut out = Map::new();
            for child in &element.children {
                out.insert(child.name.clone(), to_json(child, None, shapes));
            }
            Value::Object(out)
        }
    }
}

/// A JSON document written as the children of an element (the emulator's answers):
/// objects as elements, arrays as `member` elements, scalars as text.
pub(crate) fn write_members(out: &mut String, doc: &Value) {
    match doc {
        Value::Object(map) => {
            for (name, value) in map {
                if value.is_null() {
                    continue;
                }
                out.push('<');
                out.push_str(name);
                out.push('>');
                write_members(out, value);
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str("<member>");
                write_members(out, item);
                out.push_str("</member>");
            }
        }
        Value::String(s) => out.push_str(&quick_xml::escape::escape(s.as_str())),
        Value::Null => {}
        other => out.push_str(&other.to_string()),
    }
}

/// XML bodies, for the redactor and the run diff: they are masked as text (by member
/// element), not rewritten, so a recorded answer keeps its exact layout.
pub(crate) struct Xml;

impl BodyFormat for Xml {
    fn name(&self) -> &'static str {
        "XML"
    }

    fn malformed(&self) -> &'static str {
        "<unterminated"
    }

    fn document(&self, _body: &str) -> Option<Value> {
        None
    }

    fn write_document(&self, doc: &Value, _pretty: bool) -> String {
        let mut out = String::new();
        write_members(&mut out, doc);
        out
    }

    fn member_mask(&self, name: &str, mask: &str) -> (String, String) {
        let name = regex::escape(name);
        (
            format!(r"(<(?:[\w.-]+:)?{name}(?:\s[^>]*)?>)[^<]*(<|$)"),
            format!("${{1}}{mask}${{2}}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shapes() -> Map<String, Value> {
        json!({
            "Out": {"type": "object", "properties": {
                "Items": {"$ref": "#/$defs/List"},
                "IsTruncated": {"type": "boolean"},
                "Max": {"type": "integer"}
            }},
            "List": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
            "Item": {"type": "object", "properties": {"Id": {"type": "string"}}}
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn reads_by_shape_with_namespaces_whitespace_and_unknown_members() {
        let body = br#"<?xml version="1.0"?>
<x:R xmlns:x="urn:a">
  <!-- a comment -->
  <x:Max> 7 </x:Max>
  <Extra><A>1</A></Extra>
  <Items>
    <member><Id>a&amp;b&#33;</Id></member>
    <item><Id><![CDATA[<c>]]></Id></item>
  </Items>
  <IsTruncated>false</IsTruncated>
</x:R>"#;
        let root = parse(body).unwrap();
        let shapes = shapes();
        let doc = to_json(&root, Some(&json!({"$ref": "#/$defs/Out"})), &shapes);
        assert_eq!(
            doc,
            json!({"Max": 7, "Extra": {"A": "1"}, "IsTruncated": false,
                   "Items": [{"Id": "a&b!"}, {"Id": "<c>"}]})
        );
    }

    #[test]
    fn text_that_is_not_the_type_stays_text_and_bad_xml_is_refused() {
        let shapes = shapes();
        let root = parse(b"<R><Max>seven</Max><IsTruncated>yes</IsTruncated></R>").unwrap();
        let doc = to_json(&root, Some(&json!({"$ref": "#/$defs/Out"})), &shapes);
        assert_eq!(doc, json!({"Max": "seven", "IsTruncated": "yes"}));
        assert!(parse(b"<R><A></R>").is_err());
        assert!(parse(b"{\"json\": true}").is_err());
        assert!(parse(b"<R>").is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn writes_and_masks_members() {
        let mut out = String::new();
        write_members(&mut out, &json!({"A": {"B": ["x<y", 2]}, "C": true}));
        assert_eq!(
            out,
            "<A><B><member>x&lt;y</member><member>2</member></B></A><C>true</C>"
        );
        let (p, with) = Xml.member_mask("ServicePassword", "<m>");
        let re = regex::Regex::new(&p).unwrap();
        assert_eq!(
            re.replace_all(
                "<ServicePassword>abc</ServicePassword><iam:ServicePassword>d",
                with.as_str()
            ),
            "<ServicePassword><m></ServicePassword><iam:ServicePassword><m>"
        );
    }
}

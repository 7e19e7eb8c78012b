//! An assertion as written in a case file: a path and exactly one check, read straight
//! into [`CheckDef`] (one variant per operator). A second operator, or none, is a parse
//! error at its place in the file.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::format::{CountBounds, NumberBounds, TimeDef};

/// One assertion on a response body: where to look and the one check to make there.
#[derive(Debug)]
pub struct AssertionDef {
    /// Where to look: a JSON pointer whose segments may also be `*` (every element) or
    /// `[member=value]` (the elements whose member equals value).
    pub path: Spanned<String>,
    /// The check.
    pub check: CheckDef,
}

/// The check of an assertion, by operator (the key it is written under).
#[derive(Debug)]
pub enum CheckDef {
    /// `equals`: equal to this JSON value.
    Equals(Value),
    /// `not_equals`: not equal to this JSON value.
    NotEquals(Value),
    /// `count`: the number of places the path matches.
    Count(CountBounds),
    /// `unique`: the matched values are pairwise different (`false` is refused).
    Unique(bool),
    /// `exists`: `true`, the path matches something; `false`, nothing.
    Exists(bool),
    /// `absent`: `true`, the path matches nothing; `false`, something.
    Absent(bool),
    /// `matches`: a string matching this regular expression.
    Matches(String),
    /// `length`: length of a string, array or object.
    Length(CountBounds),
    /// `contains`: an array element containing this value (objects: a subset), or a
    /// substring.
    Contains(Value),
    /// `not_contains`: the opposite of `contains`.
    NotContains(Value),
    /// `range`: a number within these bounds.
    Range(NumberBounds),
    /// `time`: a timestamp near another.
    Time(TimeDef),
}

impl CheckDef {
    /// Every operator, as written in case files.
    pub const NAMES: [&'static str; 12] = [
        "equals",
        "not_equals",
        "count",
        "unique",
        "exists",
        "absent",
        "matches",
        "length",
        "contains",
        "not_contains",
        "range",
        "time",
    ];

    /// Reads the value of operator `name` (one of [`CheckDef::NAMES`]).
    fn read<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<CheckDef, A::Error> {
        Ok(match name {
            "equals" => CheckDef::Equals(map.next_value()?),
            "not_equals" => CheckDef::NotEquals(map.next_value()?),
            "count" => CheckDef::Count(map.next_value()?),
            "unique" => CheckDef::Unique(map.next_value()?),
            "exists" => CheckDef::Exists(map.next_value()?),
            "absent" => CheckDef::Absent(map.next_value()?),
            "matches" => CheckDef::Matches(map.next_value()?),
            "length" => CheckDef::Length(map.next_value()?),
            "contains" => CheckDef::Contains(map.next_value()?),
            "not_contains" => CheckDef::NotContains(map.next_value()?),
            "range" => CheckDef::Range(map.next_value()?),
            "time" => CheckDef::Time(map.next_value()?),
            other => return Err(unknown(other)),
        })
    }

    /// The operator's name.
    pub fn name(&self) -> &'static str {
        match self {
            CheckDef::Equals(_) => "equals",
            CheckDef::NotEquals(_) => "not_equals",
            CheckDef::Count(_) => "count",
            CheckDef::Unique(_) => "unique",
            CheckDef::Exists(_) => "exists",
            CheckDef::Absent(_) => "absent",
            CheckDef::Matches(_) => "matches",
            CheckDef::Length(_) => "length",
            CheckDef::Contains(_) => "contains",
            CheckDef::NotContains(_) => "not_contains",
            CheckDef::Range(_) => "range",
            CheckDef::Time(_) => "time",
        }
    }
}

impl<'de> Deserialize<'de> for AssertionDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AssertionVisitor)
    }
}

/// An assertion key that is neither `path` nor an operator.
fn unknown<E: de::Error>(key: &str) -> E {
    E::custom(format!(
        "unknown field `{key}`, expected `path` or one check ({})",
        CheckDef::NAMES.join(", ")
    ))
}

struct AssertionVisitor;

impl<'de> Visitor<'de> for AssertionVisitor {
    type Value = AssertionDef;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an assertion: `path` and exactly one check")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AssertionDef, A::Error> {
        let mut path: Option<Spanned<String>> = None;
        let mut check: Option<CheckDef> = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "path" {
                if path.is_some() {
                    return Err(de::Error::duplicate_field("path"));
                }
                path = Some(map.next_value()?);
                continue;
            }
            if !CheckDef::NAMES.contains(&key.as_str()) {
                return Err(unknown(&key));
            }
            if let Some(first) = &check {
                return Err(de::Error::custom(format!(
                    "an assertion needs exactly one check; `{}` and `{key}` both given \
                     (write two assertions on the same path)",
                    first.name()
                )));
            }
            check = Some(CheckDef::read(&key, &mut map)?);
        }
        let path = path.ok_or_else(|| de::Error::missing_field("path"))?;
        let check = check.ok_or_else(|| {
            de::Error::custom(format!(
                "an assertion needs exactly one check ({}); found none",
                CheckDef::NAMES.join(", ")
            ))
        })?;
        Ok(AssertionDef { path, check })
    }
}

impl JsonSchema for AssertionDef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        AssertionShape::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        AssertionShape::json_schema(generator)
    }
}

/// One assertion on a response body. Set `path` and exactly one check.
///
/// `path` is a JSON pointer whose segments may also be `*` (every element) or
/// `[member=value]` (the elements whose member equals value).
#[derive(JsonSchema)]
#[schemars(rename = "AssertionDef")]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only: the file is read by `AssertionDef`
pub(super) struct AssertionShape {
    /// Where to look.
    #[schemars(with = "String")]
    path: Spanned<String>,
    /// Equal to this JSON value.
    #[serde(default)]
    equals: Option<Value>,
    /// `true`: the path matches something; `false`: it matches nothing.
    #[serde(default)]
    exists: Option<bool>,
    /// `true`: the path matches nothing (same as `exists: false`).
    #[serde(default)]
    absent: Option<bool>,
    /// A string matching this regular expression.
    #[serde(default)]
    matches: Option<String>,
    /// Length of a string, array or object.
    #[serde(default)]
    length: Option<CountBounds>,
    /// An array with an element containing this value (objects: a subset), or a string
    /// containing this substring.
    #[serde(default)]
    contains: Option<Value>,
    /// The opposite of `contains`.
    #[serde(default)]
    not_contains: Option<Value>,
    /// Not equal to this JSON value.
    #[serde(default)]
    not_equals: Option<Value>,
    /// The number of places the path matches (`[member=value]` filters and `*` can match
    /// many, e.g. "listed exactly once").
    #[serde(default)]
    count: Option<CountBounds>,
    /// `true`: the values the path matches are pairwise different (no item listed
    /// twice across pages).
    #[serde(default)]
    unique: Option<bool>,
    /// A number within these bounds.
    #[serde(default)]
    range: Option<NumberBounds>,
    /// A timestamp near another.
    #[serde(default)]
    time: Option<TimeDef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<AssertionDef, String> {
        serde_saphyr::from_str::<AssertionDef>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn every_operator_reads_into_its_variant() {
        let samples = [
            "1",
            "1",
            "{min: 1}",
            "true",
            "true",
            "true",
            "'x'",
            "{max: 2}",
            "1",
            "1",
            "{min: 0}",
            "{near: now}",
        ];
        for (name, sample) in CheckDef::NAMES.iter().zip(samples) {
            let def = parse(&format!("{{path: /a, {name}: {sample}}}")).unwrap();
            assert_eq!(def.check.name(), *name);
        }
    }

    #[test]
    fn one_check_exactly() {
        let two = parse("{path: /a, equals: 1, exists: true}").unwrap_err();
        assert!(two.contains("`equals` and `exists` both given"), "{two}");
        let none = parse("{path: /a}").unwrap_err();
        assert!(none.contains("found none"), "{none}");
        let unknown = parse("{path: /a, equal: 1}").unwrap_err();
        assert!(unknown.contains("unknown field `equal`"), "{unknown}");
    }
}

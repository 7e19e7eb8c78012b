//! Timestamps on the wire: RFC 3339 strings (restJson1) or epoch seconds (awsJson1_1).

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A value that is no timestamp in either wire format (a finding about the target's
/// answer, worded for the failure it becomes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NotATimestamp {
    /// A string that is not RFC 3339.
    #[error("`{text}` is not an RFC 3339 timestamp ({why})")]
    Rfc3339 {
        /// The string.
        text: String,
        /// What the parser said.
        why: String,
    },
    /// A number out of the representable range.
    #[error("{number} is not a plausible epoch-seconds timestamp ({why})")]
    Epoch {
        /// The number.
        number: String,
        /// What the conversion said.
        why: String,
    },
    /// Neither a string nor a number.
    #[error("{0} is not a timestamp")]
    Other(String),
    /// A time plus an offset that leaves the representable range.
    #[error("{0} is not a representable time")]
    OutOfRange(String),
}

/// Reads an RFC 3339 string (any offset, any fraction) or a number of epoch seconds.
pub(crate) fn parse_timestamp(value: &Value) -> Result<OffsetDateTime, NotATimestamp> {
    match value {
        Value::String(s) => {
            OffsetDateTime::parse(s, &Rfc3339).map_err(|e| NotATimestamp::Rfc3339 {
                text: s.clone(),
                why: e.to_string(),
            })
        }
        Value::Number(n) => {
            let secs = n
                .as_f64()
                .ok_or_else(|| NotATimestamp::Other(n.to_string()))?;
            let nanos = (secs * 1e9) as i128;
            OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|e| NotATimestamp::Epoch {
                number: n.to_string(),
                why: e.to_string(),
            })
        }
        other => Err(NotATimestamp::Other(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_wire_formats() {
        let a = parse_timestamp(&json!("2026-01-01T00:00:00Z")).unwrap();
        let b = parse_timestamp(&json!("2026-01-01T01:00:00.000+01:00")).unwrap();
        let c = parse_timestamp(&json!(1767225600.0)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(parse_timestamp(&json!("2026-01-01")).is_err());
        assert!(parse_timestamp(&json!(1e20)).is_err());
    }
}

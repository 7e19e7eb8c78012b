//! Timestamps on the wire: RFC 3339 strings (restJson1) or epoch seconds (awsJson1_1).

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Reads an RFC 3339 string (any offset, any fraction) or a number of epoch seconds.
pub(crate) fn parse_timestamp(value: &Value) -> Result<OffsetDateTime, String> {
    match value {
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map_err(|e| format!("`{s}` is not an RFC 3339 timestamp ({e})")),
        Value::Number(n) => {
            let secs = n
                .as_f64()
                .ok_or_else(|| format!("{n} is not a number of seconds"))?;
            let nanos = (secs * 1e9) as i128;
            OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|e| format!("{n} is not a plausible epoch-seconds timestamp ({e})"))
        }
        other => Err(format!("{other} is not a timestamp")),
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

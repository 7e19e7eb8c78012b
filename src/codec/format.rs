//! Body formats: how a protocol's bodies are read as data and written back, so the
//! redactor masks sensitive members and the run diff normalises volatile ones in any
//! protocol's bodies (JSON for restJson1 and awsJson; XML would be a second format).

use serde_json::Value;

/// How bodies of one kind are read as a document of members.
pub(crate) trait BodyFormat: Send + Sync {
    /// Its name as people write it (`JSON`).
    fn name(&self) -> &'static str;

    /// A body that is not well-formed in this format (cut off mid-document).
    fn malformed(&self) -> &'static str;

    /// A body read as a document of members, when it is one.
    fn document(&self, body: &str) -> Option<Value>;

    /// A document written back as body text; `pretty` lays it out on several lines.
    fn write_document(&self, doc: &Value, pretty: bool) -> String;

    /// For body text that is not parsed (a body cut short): a regex matching the value
    /// of member `name`, and its replacement, which keeps group 1 and writes `mask`.
    fn member_mask(&self, name: &str, mask: &str) -> (String, String);
}

/// JSON bodies (restJson1, awsJson1_0, awsJson1_1), and the JSON inside reports.
pub(crate) struct Json;

impl BodyFormat for Json {
    fn name(&self) -> &'static str {
        "JSON"
    }

    fn malformed(&self) -> &'static str {
        r#"{"unterminated": "#
    }

    fn document(&self, body: &str) -> Option<Value> {
        let t = body.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            serde_json::from_str(body).ok()
        } else {
            None
        }
    }

    fn write_document(&self, doc: &Value, pretty: bool) -> String {
        if pretty {
            serde_json::to_string_pretty(doc).unwrap_or_default()
        } else {
            doc.to_string()
        }
    }

    fn member_mask(&self, name: &str, mask: &str) -> (String, String) {
        (
            format!(r#"("{}"\s*:\s*)"(?:[^"\\]|\\.)*("|$)"#, regex::escape(name)),
            format!("${{1}}\"{mask}\""),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_documents_and_masks_cut_members() {
        assert!(Json.document("not json").is_none());
        assert!(Json.document(Json.malformed()).is_none());
        assert!(Json.document("  {\"a\":1}").is_some());
        let (p, with) = Json.member_mask("secret", "<m>");
        let re = regex::Regex::new(&p).unwrap();
        assert_eq!(
            re.replace_all(r#"{"secret" : "ab\"c"#, with.as_str()),
            r#"{"secret" : "<m>""#
        );
    }
}

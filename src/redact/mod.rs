//! Redaction: secrets never reach output, logs or reports. Known secret values (bearer
//! tokens, AWS keys, every PAT secret a run sees) are replaced wherever they appear;
//! credentials headers and sensitive members are masked by name; SigV4 signatures,
//! access key ids and bearer credentials are masked by shape. JSON is scrubbed as data
//! (every string value, after unescaping), so an escaped echo (`\u0041…`) cannot hide a
//! secret.

use std::sync::{Arc, LazyLock, RwLock};

use regex::Regex;
use serde_json::Value;

use crate::codec::BodyFormat;

/// What replaces a secret.
pub(crate) const MASK: &str = "<redacted>";

/// Shorter values are too likely to occur by chance to be replaced everywhere.
const MIN_SECRET_LEN: usize = 6;

/// Headers whose whole value is a credential.
const SECRET_HEADERS: [&str; 3] = ["x-amz-security-token", "cookie", "set-cookie"];

/// Credentials recognisable by their shape, wherever they appear.
static SHAPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("a valid built-in pattern");
    vec![
        // SigV4: the signature in an Authorization header or a presigned query.
        (
            re(r"((?:X-Amz-)?Signature(?:=|%3[dD]))[0-9a-fA-F]{16,}"),
            "${1}<redacted>",
        ),
        (
            re(r"(X-Amz-Security-Token(?:=|%3[dD]))[^&\s\x22,]+"),
            "${1}<redacted>",
        ),
        // Access key ids (long-term AKIA…, temporary ASIA…). ASCII word boundaries:
        // they mask at least what Unicode ones do (`éAKIA…` too), and compile in a
        // fraction of the time (the Unicode word class was most of every run's
        // start-up cost for redaction).
        (
            re(r"(?-u:\b)(?:AKIA|ASIA)[A-Z0-9]{12,}(?-u:\b)"),
            "<redacted>",
        ),
        (
            re(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{6,}"),
            "${1}<redacted>",
        ),
    ]
});

/// Whether any of [`SHAPES`] may occur: one pass (on literal prefixes) instead of four
/// for the text that holds none, which is nearly all of it.
static ANY_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)signature(?:=|%3d)|x-amz-security-token(?:=|%3d)|akia|asia|bearer\s")
        .expect("a valid built-in pattern")
});

/// Compiles the credential-shape patterns now rather than at the first body masked.
pub(crate) fn warm() {
    LazyLock::force(&ANY_SHAPE);
    LazyLock::force(&SHAPES);
}

/// Masks credentials recognisable by shape (signatures, access key ids, bearer values).
pub(crate) fn mask_shapes(text: &str) -> String {
    if !ANY_SHAPE.is_match(text) {
        return text.to_string();
    }
    let mut out = std::borrow::Cow::Borrowed(text);
    for (re, with) in SHAPES.iter() {
        if let std::borrow::Cow::Owned(s) = re.replace_all(&out, *with) {
            out = std::borrow::Cow::Owned(s);
        }
    }
    out.into_owned()
}

mod known;

use known::Known;

/// A set of secrets that grows during a run, shared by every case.
#[derive(Clone)]
pub(crate) struct Redactor {
    known: Arc<RwLock<Known>>,
    /// Member names that are sensitive wherever they appear (`secret`), so a target
    /// that leaks a secret into another operation's answer is masked too.
    names: Arc<Vec<String>>,
    /// Per codec (by media type): a pattern and replacement masking each of `names` in
    /// body text that is not parsed, built the first time a body of that kind is cut.
    member_masks: Arc<RwLock<MemberMasks>>,
}

/// Masks of sensitive members in unparsed text, per codec media type.
type MemberMasks = std::collections::HashMap<&'static str, Arc<Vec<(Regex, String)>>>;

impl Redactor {
    /// A redactor that also masks members of these names anywhere in a body.
    pub(crate) fn with_names(names: Vec<String>) -> Redactor {
        Redactor {
            known: Arc::default(),
            names: Arc::new(names),
            member_masks: Arc::default(),
        }
    }

    /// The member masks of a codec's bodies.
    fn member_masks(&self, format: &dyn BodyFormat) -> Arc<Vec<(Regex, String)>> {
        let key = format.name();
        if let Some(m) = self
            .member_masks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
        {
            return m.clone();
        }
        let masks: Vec<(Regex, String)> = self
            .names
            .iter()
            .filter_map(|name| {
                let (pattern, with) = format.member_mask(name, MASK);
                Some((Regex::new(&pattern).ok()?, with))
            })
            .collect();
        let masks = Arc::new(masks);
        self.member_masks
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, masks.clone());
        masks
    }

    /// Remembers a secret value.
    pub(crate) fn add(&self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let fresh = {
            let known = self.known.read().unwrap_or_else(|e| e.into_inner());
            !known.values.contains(secret)
        };
        if fresh {
            let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
            known.insert(secret);
        }
    }

    /// How many secrets it has learned so far: when this has not changed since a
    /// text was scrubbed, scrubbing it again would change nothing.
    pub(crate) fn learned(&self) -> usize {
        self.known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values
            .len()
    }

    /// Scrubs every text of a case's result but its exchanges (recorded scrubbed):
    /// the error, the failures, the cleanup warnings and the retry reasons.
    pub(crate) fn scrub_texts(&self, result: &mut crate::outcome::CaseResult) {
        let text = |s: &mut String| *s = self.scrub(s);
        if let Some(e) = &mut result.error {
            text(e);
        }
        for f in &mut result.failures {
            text(&mut f.message);
            f.expected.iter_mut().for_each(text);
            f.actual.iter_mut().for_each(text);
        }
        result.cleanup_warnings.iter_mut().for_each(text);
        for r in &mut result.retries {
            text(&mut r.reason);
        }
    }

    /// Scrubs again every text of a finished case that reaches the console or a
    /// report, its exchanges included: for secrets learned (by another case) after its
    /// texts were recorded.
    pub(crate) fn rescrub(&self, result: &mut crate::outcome::CaseResult) {
        self.scrub_texts(result);
        let text = |s: &mut String| *s = self.scrub(s);
        let headers = |h: &mut Vec<(String, String)>| {
            for (_, v) in h.iter_mut() {
                text(v);
            }
        };
        for x in &mut result.exchanges {
            text(&mut x.request.url);
            text(&mut x.request.body);
            headers(&mut x.request.headers);
            if let Some(r) = &mut x.response {
                text(&mut r.body);
                headers(&mut r.headers);
            }
        }
    }

    /// Replaces every known secret and every credential-shaped value in `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        mask_shapes(&known.replace(text))
    }

    /// Scrubs every string (and member name) in a JSON value, masking and remembering
    /// sensitive members by name; a string that is itself JSON is scrubbed as data too.
    /// Returns whether anything changed.
    pub(crate) fn scrub_value(&self, v: &mut Value) -> bool {
        match v {
            Value::String(s) => {
                let scrubbed = self.scrub_string(s);
                let changed = scrubbed != *s;
                *s = scrubbed;
                changed
            }
            Value::Array(a) => a.iter_mut().fold(false, |c, x| self.scrub_value(x) | c),
            Value::Object(o) => {
                let mut changed = false;
                for (k, mut x) in std::mem::take(o) {
                    if self.names.contains(&k) {
                        if let Some(s) = x.as_str() {
                            if s != MASK {
                                self.add(s);
                                x = Value::String(MASK.into());
                                changed = true;
                            }
                        }
                    }
                    changed |= self.scrub_value(&mut x);
                    let key = self.scrub(&k);
                    changed |= key != k;
                    o.insert(key, x);
                }
                changed
            }
            _ => false,
        }
    }

    /// A string scrubbed as text, or as data when it holds a JSON document (a value
    /// in a failure message, an exchange in a report).
    fn scrub_string(&self, s: &str) -> String {
        self.scrub_document(&crate::codec::Json, s)
    }

    /// Text scrubbed as data when the codec reads it as a document, else as text. A
    /// document with nothing to mask and no escapes keeps its layout (a pretty-printed
    /// value in a failure stays readable); otherwise it is written back from the data.
    fn scrub_document(&self, format: &dyn BodyFormat, s: &str) -> String {
        self.scrub_parsed(format, s, format.document(s))
    }

    /// [`Redactor::scrub_document`] for text already read as `doc` (if it is one).
    fn scrub_parsed(&self, format: &dyn BodyFormat, s: &str, doc: Option<Value>) -> String {
        if let Some(mut doc) = doc {
            if self.scrub_value(&mut doc) || s.contains('\\') {
                let text = format.write_document(&doc, s.contains('\n'));
                return self.scrub(&text);
            }
        }
        self.scrub(s)
    }

    /// Masks credential headers (keeping the auth scheme) and scrubs the rest.
    pub(crate) fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let lower = name.to_ascii_lowercase();
                let value = if lower == "authorization" {
                    let scheme = value.split_whitespace().next().unwrap_or("");
                    format!("{scheme} {MASK}")
                } else if SECRET_HEADERS.contains(&lower.as_str()) {
                    MASK.to_string()
                } else {
                    self.scrub(value)
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// A body as text fit to record: a document (as its codec reads it) is scrubbed as
    /// data and written back without escapes it does not need; anything else as text.
    /// A body the format does not read as a document (XML, which is masked as text to
    /// keep its layout; anything not well-formed) has its sensitive members masked by
    /// the format's textual match, as a body cut short does.
    pub(crate) fn body(&self, format: &dyn BodyFormat, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        match format.document(&text) {
            Some(doc) => self.scrub_parsed(format, &text, Some(doc)),
            None => self.partial_body(format, body),
        }
    }

    /// Like [`Redactor::body`] for a body cut short: it is never parsed (a partial
    /// document of megabytes would be built into a value only to fail at its end), so
    /// sensitive members are masked by a textual match (the codec's member mask).
    pub(crate) fn partial_body(&self, format: &dyn BodyFormat, body: &[u8]) -> String {
        let mut text = String::from_utf8_lossy(body).into_owned();
        for (re, with) in self.member_masks(format).iter() {
            // The masked values are secrets from now on, wherever else they turn up
            // (a capture, a failure message), as with a member masked in a document.
            for c in re.captures_iter(&text) {
                if let (Some(open), Some(close)) = (c.get(1), c.get(2)) {
                    let value = text[open.end()..close.start()].trim_matches('"');
                    if value != MASK {
                        self.add(value);
                    }
                }
            }
            text = re.replace_all(&text, with.as_str()).into_owned();
        }
        self.scrub(&text)
    }

    /// Whether a known secret is still in `text`, as is or JSON-escaped: the last
    /// check before anything is written.
    pub(crate) fn leaks(&self, text: &str) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        !known.spans(text).is_empty()
    }

    /// Whether a secret learned after the first `learned` (see [`Redactor::learned`])
    /// is in `text`: the check of a text scrubbed when the run knew `learned` secrets.
    pub(crate) fn leaks_since(&self, learned: usize, text: &str) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        known.holds_since(learned, text)
    }
}

#[cfg(test)]
mod tests {
    use super::known::{lower_hex_escapes, UNRESERVED};
    use super::*;

    #[test]
    fn percent_and_base64_echoes_are_masked() {
        use base64::Engine as _;
        let secret = "pat/Secret+Value=42_xyz-0123456789";
        let r = Redactor::with_names(vec![]);
        r.add(secret);
        let pct = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        for text in [
            format!("?token={pct}&x=1"),
            format!("?token={}", lower_hex_escapes(&pct)),
            format!(
                "?token={}",
                percent_encoding::utf8_percent_encode(secret, UNRESERVED)
            ),
        ] {
            assert!(!r.scrub(&text).contains("Secret"), "{text}");
            assert!(r.leaks(&text), "{text}");
        }
        for prefix in ["", "a", "ab", "abc:"] {
            for engine in [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::URL_SAFE,
            ] {
                let echoed = engine.encode(format!("{prefix}{secret}!"));
                let scrubbed = r.scrub(&echoed);
                assert!(
                    scrubbed.contains(MASK),
                    "{prefix:?}: {echoed} -> {scrubbed}"
                );
                let left = scrubbed.replace(MASK, "");
                assert!(left.len() <= 12, "{prefix:?}: too much left: {left}");
            }
        }
        let sig = "Credential%3DAKID%2F, Signature%3D0123456789abcdef0123456789abcdef";
        assert!(
            !mask_shapes(sig).contains("0123456789abcdef"),
            "{}",
            mask_shapes(sig)
        );
    }

    #[test]
    fn access_key_ids_are_masked_between_any_non_ascii_letters() {
        let key = "AKIAABCDEFGHIJKLMNOP";
        for text in [format!("id {key}."), format!("é{key}é"), format!("名{key}")] {
            assert_eq!(mask_shapes(&text), text.replace(key, MASK), "{text}");
        }
        // Inside a longer ASCII word it is not a key id.
        let word = format!("X{key}");
        assert_eq!(mask_shapes(&word), word);
    }

    #[test]
    fn partial_bodies_mask_members_without_parsing() {
        let r = Redactor::with_names(vec!["secret".into()]);
        let cut = br#"{"items":[{"secret": "abc\"def", "n": 1}, {"secret":"ghi-cut-off"#;
        let out = r.partial_body(&crate::codec::Json, cut);
        assert!(!out.contains("abc") && !out.contains("ghi"), "{out}");
        assert!(out.contains(r#""n": 1"#), "{out}");
    }

    #[test]
    fn masks_headers_members_and_known_values() {
        let r = Redactor::with_names(vec!["secret".into()]);
        r.add("tok-123456");
        r.add("abc");
        let h = r.headers(&[
            ("Authorization".into(), "Bearer tok-123456".into()),
            ("X-Amz-Security-Token".into(), "sess".into()),
            ("x-echo".into(), "saw tok-123456".into()),
        ]);
        assert_eq!(h[0].1, "Bearer <redacted>");
        assert_eq!(h[1].1, "<redacted>");
        assert_eq!(h[2].1, "saw <redacted>");
        let b = r.body(
            &crate::codec::Json,
            br#"{"secret":"pat-secret-value","name":"n"}"#,
        );
        assert!(!b.contains("pat-secret-value"), "{b}");
        assert_eq!(r.scrub("later pat-secret-value"), "later <redacted>");
        assert_eq!(r.scrub("abc"), "abc", "short values are not secrets");
        // A pretty value with nothing to hide keeps its layout.
        let pretty = "{\n  \"a\": 1\n}";
        let mut v = serde_json::json!({ "actual": pretty });
        assert!(!r.scrub_value(&mut v));
        assert_eq!(v["actual"], pretty);
        let b = r.body(
            &crate::codec::Json,
            br#"{"items":[{"id":"1","secret":"leaked-secret-1"}]}"#,
        );
        assert!(!b.contains("leaked-secret-1"), "{b}");
        assert_eq!(r.scrub("echo leaked-secret-1"), "echo <redacted>");
    }

    #[test]
    fn escaped_echoes_and_signatures_are_masked() {
        let r = Redactor::with_names(vec![]);
        r.add("Abc\"def/ghi");
        r.add("AKIDSECRET0123");
        // A target echoing a secret JSON-escaped, one character as \u0041.
        let b = r.body(
            &crate::codec::Json,
            br#"{"message":"saw \u0041KIDSECRET0123 and Abc\"def\/ghi"}"#,
        );
        assert!(!b.contains("KIDSECRET0123") && !b.contains("def"), "{b}");
        assert!(!r.leaks(&b));
        assert!(r.leaks("x Abc\\\"def/ghi y"), "the escaped form is found");
        // A JSON document inside a string (an exchange body in a report).
        let mut v = serde_json::json!({"body": "{\"m\":\"\\u0041KIDSECRET0123\"}"});
        r.scrub_value(&mut v);
        assert!(!v.to_string().contains("KIDSECRET"), "{v}");
        let sig = "AWS4-HMAC-SHA256 Credential=AKIAEMULATOR7EXAMPLE/20261129/us-east-1/workmail/aws4_request, SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let s = r.scrub(&format!("echo: {sig}"));
        assert!(
            !s.contains("0123456789abcdef") && !s.contains("AKIAEMULATOR"),
            "{s}"
        );
        assert_eq!(r.scrub("Bearer abcdefgh"), "Bearer <redacted>");
    }

    #[test]
    fn overlapping_secrets_leave_no_character() {
        let r = Redactor::with_names(vec![]);
        r.add("abcdef-123");
        r.add("def-123-xyz");
        assert_eq!(r.scrub("0abcdef-123-xyz9"), "0<redacted>9");
        assert_eq!(r.scrub("abcdef-123 def-123-xyz"), "<redacted> <redacted>");
    }

    #[test]
    fn twenty_thousand_secrets() {
        let r = Redactor::with_names(vec![]);
        for i in 0..20_000 {
            r.add(&format!("secret-value-{i:05}"));
        }
        assert_eq!(
            r.scrub("a secret-value-00000 b secret-value-19999 c"),
            "a <redacted> b <redacted> c"
        );
        assert!(r.leaks("x secret-value-12345"));
        assert!(!r.leaks("x secret-value-2"));
        assert!(!r.leaks("short"));
    }

    #[test]
    fn leaks_since_sees_only_later_secrets() {
        let r = Redactor::with_names(vec![]);
        r.add("early-secret-one");
        let learned = r.learned();
        r.add("late-secret-two\"quoted");
        let text = "early-secret-one and late-secret-two\\\"quoted";
        assert!(r.leaks(text));
        assert!(r.leaks_since(0, text));
        assert!(r.leaks_since(learned, text), "the late one, JSON-escaped");
        assert!(!r.leaks_since(learned, "early-secret-one only"));
        assert!(!r.leaks_since(r.learned(), text), "nothing learned since");
        r.add("early-secret-one");
        assert_eq!(r.learned(), 2, "a secret learned twice counts once");
    }

    #[test]
    fn many_secrets_one_pass() {
        let r = Redactor::with_names(vec![]);
        for i in 0..2000 {
            r.add(&format!("secret-value-{i:05}"));
        }
        r.add("secret-value-00001-longer");
        assert_eq!(
            r.scrub("a secret-value-01999 b secret-value-00001-longer c"),
            "a <redacted> b <redacted> c"
        );
    }
}

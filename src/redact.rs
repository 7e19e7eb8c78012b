//! Redaction: secrets never reach output, logs or reports. Known secret values (bearer
//! tokens, AWS keys, every PAT secret a run sees) are replaced wherever they appear;
//! credentials headers and sensitive members are masked by name.

use std::sync::{Arc, RwLock};

use serde_json::Value;

/// What replaces a secret.
pub(crate) const MASK: &str = "<redacted>";

/// Shorter values are too likely to occur by chance to be replaced everywhere.
const MIN_SECRET_LEN: usize = 6;

/// Headers whose whole value is a credential.
const SECRET_HEADERS: [&str; 3] = ["x-amz-security-token", "cookie", "set-cookie"];

/// A set of secrets that grows during a run, shared by every case.
#[derive(Clone)]
pub(crate) struct Redactor {
    secrets: Arc<RwLock<Vec<String>>>,
    /// Member names that are sensitive wherever they appear (`secret`), so a target
    /// that leaks a secret into another operation's answer is masked too.
    names: Arc<Vec<String>>,
}

impl Redactor {
    /// A redactor that also masks members of these names anywhere in a body.
    pub(crate) fn with_names(names: Vec<String>) -> Redactor {
        Redactor {
            secrets: Arc::default(),
            names: Arc::new(names),
        }
    }

    /// Masks (and remembers) every string member named like a sensitive member.
    fn mask_names(&self, v: &mut Value) -> bool {
        let mut changed = false;
        match v {
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if self.names.iter().any(|n| n == k) {
                        if let Some(s) = x.as_str() {
                            if s != MASK {
                                self.add(s);
                                *x = Value::String(MASK.into());
                                changed = true;
                            }
                        }
                    } else {
                        changed |= self.mask_names(x);
                    }
                }
            }
            Value::Array(a) => {
                for x in a {
                    changed |= self.mask_names(x);
                }
            }
            _ => {}
        }
        changed
    }

    /// Remembers a secret value.
    pub(crate) fn add(&self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_string());
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Replaces every known secret in `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_string();
        for s in secrets.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
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

    /// Masks (and remembers) every sensitive member, wherever it stands, and scrubs
    /// the text.
    pub(crate) fn body(&self, body: &[u8]) -> String {
        if let Ok(mut json) = serde_json::from_slice::<Value>(body) {
            if self.mask_names(&mut json) {
                return self.scrub(&json.to_string());
            }
        }
        self.scrub(&String::from_utf8_lossy(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let b = r.body(br#"{"secret":"pat-secret-value","name":"n"}"#);
        assert!(!b.contains("pat-secret-value"), "{b}");
        assert_eq!(r.scrub("later pat-secret-value"), "later <redacted>");
        assert_eq!(r.scrub("abc"), "abc", "short values are not secrets");
        let b = r.body(br#"{"items":[{"id":"1","secret":"leaked-secret-1"}]}"#);
        assert!(!b.contains("leaked-secret-1"), "{b}");
        assert_eq!(r.scrub("echo leaked-secret-1"), "echo <redacted>");
    }
}

//! The last guard before the wire: a `${…}` that was never filled in (a template
//! encoded before it was expanded, say, so percent-encoding hid it from the expander)
//! must not be sent, or the case is judged on the literal text instead of what it
//! names.

use std::borrow::Cow;

use super::HttpRequest;

/// A variable left in a request: where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unexpanded {
    /// `the URL`, `the body` or `header NAME`.
    pub(crate) field: String,
    /// The template as it would have been sent, decoded (`${profile.iam_user_name}`).
    pub(crate) template: String,
}

impl HttpRequest {
    /// The first `${…}` left in the URL, a header or the body, read as sent and
    /// percent-decoded (form bodies and query strings encode `${` as `%24%7B`).
    pub(crate) fn unexpanded(&self) -> Option<Unexpanded> {
        let found = |field: String, text: &str| {
            template_in(text).map(|template| Unexpanded { field, template })
        };
        found("the URL".into(), &self.url)
            .or_else(|| {
                self.headers
                    .iter()
                    .find_map(|(name, value)| found(format!("header {name}"), value))
            })
            .or_else(|| found("the body".into(), &String::from_utf8_lossy(&self.body)))
    }
}

/// `${…}` in `text`, as is or percent-encoded.
fn template_in(text: &str) -> Option<String> {
    let encoded = || {
        let marked = text
            .as_bytes()
            .windows(6)
            .any(|w| w.eq_ignore_ascii_case(b"%24%7b"));
        marked.then(|| {
            let spaced: Cow<'_, str> = if text.contains('+') {
                Cow::Owned(text.replace('+', " "))
            } else {
                Cow::Borrowed(text)
            };
            percent_encoding::percent_decode_str(&spaced)
                .decode_utf8_lossy()
                .into_owned()
        })
    };
    let decoded;
    let text = if text.contains("${") {
        text
    } else {
        decoded = encoded()?;
        decoded.as_str()
    };
    let start = text.find("${")?;
    let rest = &text[start..];
    let end = rest.find('}').map_or(rest.len(), |e| e + 1);
    Some(crate::text::clip(rest[..end].to_string(), 80))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, body: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: url.into(),
            headers: vec![("x-a".into(), "b".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_percent_encoded_template_in_a_form_body_is_found() {
        let req = request(
            "http://h/",
            "Action=ListServiceSpecificCredentials&UserName=%24%7Bprofile.iam_user_name%7D",
        );
        assert_eq!(
            req.unexpanded(),
            Some(Unexpanded {
                field: "the body".into(),
                template: "${profile.iam_user_name}".into()
            })
        );
    }

    #[test]
    fn templates_are_found_in_urls_headers_and_json() {
        let url = request("http://h/v1/%24%7bid%7D", "{}");
        assert_eq!(url.unexpanded().map(|u| u.field), Some("the URL".into()));
        let mut header = request("http://h/", "{}");
        header.set_header("x-token", "${token}");
        assert_eq!(
            header.unexpanded().map(|u| (u.field, u.template)),
            Some(("header x-token".into(), "${token}".into()))
        );
        let json = request("http://h/", r#"{"name":"${case_uid}"}"#);
        assert_eq!(
            json.unexpanded().map(|u| u.template),
            Some("${case_uid}".into())
        );
    }

    #[test]
    fn an_expanded_request_has_none() {
        let req = request("http://h/v1/a%24b", "Action=X&Name=a%24%7C&Price=%2410");
        assert_eq!(req.unexpanded(), None);
        assert_eq!(request("http://h/", r#"{"p":"$5 {x}"}"#).unexpanded(), None);
    }
}

//! Liberties an awsQuery implementation may take with its XML: another layout, prefixed
//! elements, another member order, members the model does not know, `application/xml`,
//! an empty list left out. No case may fail on them.

use regex::Regex;

use super::owns;
use crate::emulator::Reply;
use crate::mutants::edit::{self, op};
use crate::mutants::variations::{replies, variation};
use crate::mutants::Mode;

/// Rewrites the XML text of every IAM answer with `f`.
fn xml(
    f: impl Fn(&str) -> String + Send + Sync + 'static,
) -> Option<std::sync::Arc<dyn crate::emulator::Middleware>> {
    replies(move |req, r: &mut Reply| {
        if owns(op(req)) {
            edit::text(r, &f);
        }
    })
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a variation pattern")
}

pub(super) fn modes() -> Vec<Mode> {
    let close_open = re(r"(</[^>]+>)(<)");
    let open_open = re(r"(<[A-Za-z][^>/]*>)(<[A-Za-z])");
    let tags = re(r"<(/?)([A-Za-z])");
    let user_first =
        re(r"(<(?:member|ServiceSpecificCredential)>)(.*?)(<UserName>[^<]*</UserName>)");
    let result = re(r"(<[A-Za-z]+Result>)");
    let request_id = re(r"<RequestId>[^<]*</RequestId>");
    vec![
        variation(
            "iam-xml-declared-and-indented",
            "an XML declaration, then one element per line, indented",
            xml(move |t| {
                let t = close_open.replace_all(t, "$1\n  $2");
                let t = open_open.replace_all(&t, "$1\n  $2");
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{t}\n")
            }),
        ),
        variation(
            "iam-xml-prefixed-elements",
            "every element in a prefixed namespace (`<iam:UserName>`)",
            xml(move |t| {
                tags.replace_all(t, "<${1}iam:$2")
                    .replacen(" xmlns=", " xmlns:iam=", 1)
            }),
        ),
        variation(
            "iam-xml-member-order",
            "UserName first in each credential, where the emulator writes it last",
            xml(move |t| user_first.replace_all(t, "$1$3$2").into_owned()),
        ),
        variation(
            "iam-xml-unknown-elements",
            "elements the model does not know, at the top of every result",
            xml(move |t| {
                result
                    .replace_all(
                        t,
                        "$1<PatConformanceExtra><Note>unmodelled</Note></PatConformanceExtra>",
                    )
                    .into_owned()
            }),
        ),
        variation(
            "iam-xml-as-application-xml",
            "answers as application/xml instead of text/xml",
            replies(|req, r| {
                if owns(op(req)) {
                    r.set_header("content-type", "application/xml");
                }
            }),
        ),
        variation(
            "iam-request-id-forms",
            "request ids that are not UUIDs, and the error's inside <Error> as well",
            xml(move |t| {
                let t = request_id
                    .replace_all(t, "<RequestId>0A1B2C3D4E5F6A7B-req</RequestId>")
                    .into_owned();
                t.replace(
                    "</Message></Error>",
                    "</Message><RequestId>0A1B2C3D4E5F6A7B-req</RequestId></Error>",
                )
            }),
        ),
        variation(
            "iam-empty-list-left-out",
            "an empty ServiceSpecificCredentials left out of the answer",
            xml(|t| {
                t.replace(
                    "<ServiceSpecificCredentials></ServiceSpecificCredentials>",
                    "",
                )
            }),
        ),
    ]
}

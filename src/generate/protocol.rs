//! Protocol-level cases every operation gets: credentials, malformed bodies, content
//! type, unknown members, and one fault case per modelled error.

use serde_json::{json, Value};

use super::draft::{Draft, Origin};
use crate::case::Expect;
use crate::vocab::Level;

/// Appends the protocol and fault cases of one operation.
pub(super) fn cases(at: &Origin, out: &mut Vec<Draft>) {
    let mut drafts = vec![no_auth(at)];
    drafts.extend(malformed_auth(at));
    drafts.extend(bad_signatures(at));
    if has_body(at) {
        // A form body (awsQuery) reads whatever its bytes: it cannot be malformed.
        if !at.service.spec.protocol.members_as_text() {
            drafts.push(malformed_json(at));
        }
        drafts.extend([wrong_content_type(at), unknown_member(at)]);
    }
    drafts.extend(faults(at));
    out.extend(drafts.into_iter().map(|mut d| {
        d.family = if d.fault.is_some() {
            "fault"
        } else {
            "protocol"
        };
        d
    }));
}

/// Whether the operation sends a body (some input member is neither a URI label nor
/// sent in the query string or a header).
fn has_body(at: &Origin) -> bool {
    at.service
        .input_members(at.name)
        .iter()
        .any(|m| !m.label && !m.outside_body)
}

fn auth_outcome(at: &Origin) -> Expect {
    match &at.service.spec.auth.error {
        Some(e) if at.op.errors.contains(e) => Expect::Error(e.clone()),
        _ => Expect::ClientError,
    }
}

fn verdict(expect: &Expect) -> String {
    match expect {
        Expect::Error(e) => e.to_string(),
        _ => "a client error".to_string(),
    }
}

fn base(at: &Origin) -> serde_json::Map<String, Value> {
    at.op.generate.base.clone()
}

fn no_auth(at: &Origin) -> Draft {
    let expect = auth_outcome(at);
    let title = format!("A call without credentials gets {}", verdict(&expect));
    let mut d = Draft::new("no-auth".into(), title, expect);
    d.quote = auth_quote(at);
    d.input = base(at);
    d.raw.no_auth = true;
    d
}

fn malformed_auth(at: &Origin) -> Option<Draft> {
    let header = at.service.spec.auth.malformed.clone()?;
    let expect = auth_outcome(at);
    let title = format!("A malformed Authorization header gets {}", verdict(&expect));
    let mut d = Draft::new("malformed-auth".into(), title, expect);
    d.quote = auth_quote(at);
    d.input = base(at);
    d.raw.no_auth = true;
    d.raw.headers.insert("Authorization".into(), header);
    Some(d)
}

/// SigV4 only: a well-formed signature that does not verify, and one made 20 minutes
/// ago (AWS allows 15). For targets that check signatures (`verifies-signatures`).
fn bad_signatures(at: &Origin) -> Vec<Draft> {
    if at.service.spec.auth.scheme != crate::spec::AuthScheme::Sigv4 {
        return vec![];
    }
    let expect = auth_outcome(at);
    let wrong = format!(
        "A well-formed signature made with a wrong secret key gets {}",
        verdict(&expect)
    );
    let stale = format!(
        "A signature made 20 minutes ago (X-Amz-Date outside the 15 minutes allowed) gets {}",
        verdict(&expect)
    );
    let mut drafts = vec![
        Draft::new("wrong-secret".into(), wrong, expect.clone()),
        Draft::new("stale-signature".into(), stale, expect),
    ];
    drafts[0].raw.sign_with_wrong_secret = true;
    drafts[1].raw.sign_at = Some("-20m".into());
    for d in &mut drafts {
        d.quote = "AWS Signature Version 4: the signature and its time are verified".into();
        d.input = base(at);
        d.requires = vec![crate::vocab::Capability::VerifiesSignatures];
    }
    drafts
}

fn auth_quote(at: &Origin) -> String {
    let scheme = match at.service.spec.auth.scheme {
        crate::spec::AuthScheme::Bearer => "bearer token",
        crate::spec::AuthScheme::Sigv4 => "AWS Signature Version 4",
    };
    format!("every call is authenticated with a {scheme}")
}

fn body_format(at: &Origin) -> &'static dyn crate::codec::BodyFormat {
    crate::codec::of(at.service.spec.protocol).format()
}

/// Its id keeps `json` whatever the format: ids are what baselines remember.
fn malformed_json(at: &Origin) -> Draft {
    let format = body_format(at);
    let title = format!(
        "A body that is not {} gets a client error, never a server error",
        format.name()
    );
    let mut d = Draft::new("malformed-json".into(), title, Expect::ClientError);
    d.quote = format!(
        "{} bodies are {}",
        at.service.spec.protocol.name(),
        format.name()
    );
    d.raw.body = Some(format.malformed().into());
    d
}

fn wrong_content_type(at: &Origin) -> Draft {
    let protocol = at.service.spec.protocol;
    let title = format!(
        "A {} body sent as text/plain instead of {} gets a client error",
        crate::codec::of(protocol).request_format_name(),
        crate::codec::of(protocol).media_type()
    );
    let mut d = Draft::new("wrong-content-type".into(), title, Expect::ClientError);
    // Services differ in how strictly they read Content-Type; the protocol implies it.
    d.level = Level::Should;
    d.quote = format!(
        "{} requests carry Content-Type {}",
        protocol.name(),
        crate::codec::of(protocol).media_type()
    );
    // The body is the valid input, encoded at run time once its variables are filled
    // in: encoded here, a `${profile.…}` would reach the wire percent-encoded, never
    // expanded, and the case would pass on the bad value instead of the Content-Type.
    d.input = base(at);
    d.raw
        .headers
        .insert("Content-Type".into(), "text/plain".into());
    d
}

fn unknown_member(at: &Origin) -> Draft {
    let expect = at.valid_outcome(None);
    let title = "An input member the model does not know is ignored".to_string();
    let mut d = Draft::new("unknown-member-ignored".into(), title, expect);
    // Newer clients send members older services do not know; Smithy servers ignore them.
    d.level = Level::Should;
    d.quote = "unknown members are ignored for forward compatibility".into();
    d.input = base(at);
    d.input.insert(
        "patConformanceUnknownMember".into(),
        json!("ignored-${case_uid}"),
    );
    d
}

fn faults(at: &Origin) -> Vec<Draft> {
    at.op
        .errors
        .iter()
        .map(|error| {
            let status = at.service.spec.errors.get(error).map_or(0, |e| e.status);
            let title = format!("{error} travels as HTTP {status} with a body SDKs parse");
            let mut d = Draft::new(
                format!("fault-{}", super::kebab(error)),
                title,
                Expect::Error(error.clone()),
            );
            d.quote = format!("model: {error} (HTTP {status})");
            d.input = base(at);
            d.fault = Some(error.clone());
            d
        })
        .collect()
}

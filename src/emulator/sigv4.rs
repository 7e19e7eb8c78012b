//! Verifying AWS Signature Version 4, as LocalStack-style emulators do and no looser:
//! every access key is accepted (`test`/`test` included, with or without a session
//! token), the signing time must lie within 15 minutes of now as AWS requires, and a
//! request signed with the emulator's own key, or with LocalStack's `test`/`test`, is
//! verified — the signature is made again with aws-sigv4 from what the request says it
//! signed — so a wrong secret is refused.

use std::time::{Duration, SystemTime};

use super::Request;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use super::replies::ApiError;
use crate::profile::SigV4Credentials;

/// How far X-Amz-Date may be from now.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// What an `Authorization: AWS4-HMAC-SHA256 …` header says.
struct Parsed<'a> {
    key: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse(auth: &str) -> Option<Parsed<'_>> {
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let mut scope = credential?.split('/');
    let (key, _date, region, service, terminal) = (
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
    );
    (terminal == "aws4_request" && scope.next().is_none()).then_some(())?;
    Some(Parsed {
        key,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

fn signing_time(req: &Request) -> Option<SystemTime> {
    let text = req.headers.get("x-amz-date")?.to_str().ok()?;
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let t = time::PrimitiveDateTime::parse(text, &format)
        .ok()?
        .assume_utc();
    Some(t.into())
}

fn invalid_signature(message: impl Into<String>) -> ApiError {
    ApiError::protocol("InvalidSignatureException", 403, message)
}

/// Checks the request's SigV4 signature; the access key id on success.
/// The access key (and secret) LocalStack users set: `test`/`test`.
pub(crate) const LOCALSTACK_KEY: &str = "test";

pub(crate) fn verify(
    req: &Request,
    auth: &str,
    known: &SigV4Credentials,
    check_time: bool,
) -> Result<String, ApiError> {
    let malformed = || {
        ApiError::protocol(
            "com.amazon.coral.service#MissingAuthenticationTokenException",
            400,
            "Missing or malformed AWS Signature Version 4 authentication",
        )
    };
    let parsed = parse(auth).ok_or_else(malformed)?;
    let time = signing_time(req).ok_or_else(malformed)?;
    let session = req
        .headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    let ours = parsed.key == known.access_key_id;
    // LocalStack's convention: access key `test` has the secret `test` (any session
    // token). Its signatures are verified too, so a wrong secret is refused with the
    // keys emulator users set, and a suite can prove the target checks signatures.
    let localstack = SigV4Credentials {
        access_key_id: LOCALSTACK_KEY.into(),
        secret_access_key: LOCALSTACK_KEY.into(),
        session_token: None,
    };
    let secret_known = if ours {
        Some(known)
    } else if parsed.key == LOCALSTACK_KEY {
        Some(&localstack)
    } else {
        None
    };
    // With the emulator's key, a session token is optional, but if sent it is its own.
    if ours && session.is_some() && session != known.session_token.as_deref() {
        return Err(ApiError::protocol(
            "UnrecognizedClientException",
            403,
            "The security token included in the request is invalid.",
        ));
    }
    let now = SystemTime::now();
    let skew = now
        .duration_since(time)
        .or_else(|_| time.duration_since(now))
        .unwrap_or_default();
    if check_time && skew > MAX_SKEW {
        // The measured skew is left out: it moves by a second between runs, and two
        // runs of the same target must answer alike (see `pat-conformance diff`).
        return Err(invalid_signature(format!(
            "Signature expired: the signing time is more than {} s away from now.",
            MAX_SKEW.as_secs()
        )));
    }
    let Some(known) = secret_known else {
        // A key whose secret the emulator does not know cannot be verified.
        return Ok(parsed.key.to_string());
    };
    // Sign again what the request says was signed; the signer adds the date and token.
    let headers: Vec<(&str, &str)> = parsed
        .signed_headers
        .iter()
        .filter(|h| !matches!(**h, "x-amz-date" | "x-amz-security-token"))
        .filter_map(|h| {
            let value = req.headers.get(*h)?.to_str().ok()?;
            Some((*h, value))
        })
        .collect();
    let scope = Scope {
        region: parsed.region,
        service: parsed.service,
        time,
    };
    let (_, expected) = sign_parts(req, headers, known, session, &scope).ok_or_else(malformed)?;
    if expected != parsed.signature {
        return Err(invalid_signature(
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(parsed.key.to_string())
}

/// Where and when a request is signed.
struct Scope<'a> {
    region: &'a str,
    service: &'a str,
    time: SystemTime,
}

/// The headers aws-sigv4 adds to sign `headers` of `req` with `known` (and `session`),
/// and the signature: one signer for verifying and for signing again.
fn sign_parts(
    req: &Request,
    headers: Vec<(&str, &str)>,
    known: &SigV4Credentials,
    session: Option<&str>,
    scope: &Scope,
) -> Option<(Vec<(String, String)>, String)> {
    let identity = aws_credential_types::Credentials::new(
        &known.access_key_id,
        &known.secret_access_key,
        session.map(str::to_string),
        None,
        "pat-conformance-emulator",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(scope.time)
        .settings(SigningSettings::default())
        .build()
        .ok()?
        .into();
    let signable = SignableRequest::new(
        req.method.as_str(),
        req.url.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(&req.body),
    )
    .ok()?;
    let (instructions, signature) = sign(signable, &params).ok()?.into_parts();
    let (added, _) = instructions.into_parts();
    let added = added
        .into_iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect();
    Some((added, signature))
}

/// Signs `edited` with the emulator's credentials in the scope and at the time
/// `original` was signed, if `original` carried a signature that verifies: a rewrite of
/// a signed request stays signed, a request signed badly stays bad.
pub(crate) fn keep_signed(original: &Request, edited: &mut Request) {
    let Some(auth) = original
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let known = super::credentials();
    if verify(original, auth, &known, true).ok().as_deref() != Some(&known.access_key_id) {
        return;
    }
    let (Some(parsed), Some(time)) = (parse(auth), signing_time(original)) else {
        return;
    };
    let scope = Scope {
        region: parsed.region,
        service: parsed.service,
        time,
    };
    sign_as(edited, &known, &scope);
}

/// Signs `req` with the emulator's credentials now, for `service` in `region` (a
/// caller the target serves without asking for a signature).
pub(crate) fn sign_as_emulator(req: &mut Request, region: &str, service: &str) {
    let scope = Scope {
        region,
        service,
        time: SystemTime::now(),
    };
    sign_as(req, &super::credentials(), &scope);
}

fn sign_as(req: &mut Request, known: &SigV4Credentials, scope: &Scope) {
    for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
        req.headers.remove(name);
    }
    let current = req.clone();
    let headers: Vec<(&str, &str)> = current
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let session = known.session_token.as_deref();
    let Some((added, _)) = sign_parts(&current, headers, known, session, scope) else {
        return;
    };
    for (name, value) in added {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            req.headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_authorization_header() {
        let p = parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/workmail/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc").unwrap();
        assert_eq!(
            (p.key, p.region, p.service),
            ("AKID", "us-east-1", "workmail")
        );
        assert_eq!(p.signed_headers, vec!["host", "x-amz-date"]);
        assert_eq!(p.signature, "abc");
        assert!(parse("AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc").is_none());
        assert!(parse("Bearer x").is_none());
    }
}

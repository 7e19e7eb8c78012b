//! Verifying AWS Signature Version 4 for the credentials the emulator hands out: the
//! signature is made again with aws-sigv4 from what the request says it signed, and the
//! signing time must lie within 15 minutes of now, as AWS requires.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use wiremock::Request;

use super::wire::ApiError;
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
    if parsed.key != known.access_key_id {
        return Err(ApiError::protocol(
            "UnrecognizedClientException",
            403,
            "The security token included in the request is invalid.",
        ));
    }
    let session = req
        .headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    if known.session_token.is_some() && session != known.session_token.as_deref() {
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
        return Err(invalid_signature(format!(
            "Signature expired: the signing time is {} s away from now, more than the {} s allowed.",
            skew.as_secs(),
            MAX_SKEW.as_secs()
        )));
    }
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
        .region(parsed.region)
        .name(parsed.service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| malformed())?
        .into();
    let url = req.url.as_str();
    let signable = SignableRequest::new(
        req.method.as_str(),
        url,
        headers.into_iter(),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|_| malformed())?;
    let (_, expected) = sign(signable, &params)
        .map_err(|_| malformed())?
        .into_parts();
    if expected != parsed.signature {
        return Err(invalid_signature(
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(parsed.key.to_string())
}

/// Whether `req` carries a SigV4 signature that verifies for the emulator's credentials.
pub(crate) fn verifies(req: &Request) -> bool {
    req.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|auth| verify(req, auth, &super::credentials(), true).is_ok())
}

/// Signs `req` with the emulator's credentials as of `time` (for rewrites of a signed
/// request that must stay signed, and for a caller the target serves without asking).
pub(crate) fn sign_as_emulator(req: &mut Request, time: SystemTime) {
    let known = super::credentials();
    for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
        req.headers.remove(name);
    }
    let identity = aws_credential_types::Credentials::new(
        &known.access_key_id,
        &known.secret_access_key,
        known.session_token.clone(),
        None,
        "pat-conformance-emulator",
    )
    .into();
    let Ok(params) = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("workmail")
        .time(time)
        .settings(SigningSettings::default())
        .build()
    else {
        return;
    };
    let params = params.into();
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let url = req.url.to_string();
    let Ok(signable) = SignableRequest::new(
        req.method.as_str(),
        &url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&req.body),
    ) else {
        return;
    };
    let Ok(output) = sign(signable, &params) else {
        return;
    };
    let (instructions, _) = output.into_parts();
    let (new_headers, _) = instructions.into_parts();
    for h in new_headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(h.name().as_bytes()),
            http::HeaderValue::from_str(h.value()),
        ) {
            req.headers.insert(name, value);
        }
    }
}

/// The signing time of `req`, if it says one.
pub(crate) fn signed_at(req: &Request) -> Option<SystemTime> {
    signing_time(req)
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

//! Authentication: bearer tokens and SigV4 (signed with the aws-sigv4 crate).

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use super::HttpRequest;
use crate::profile::SigV4Credentials;

/// Credentials for one request.
pub(crate) enum Credentials {
    Bearer(String),
    SigV4 {
        credentials: SigV4Credentials,
        region: String,
        signing_name: String,
        /// When the request is signed (now, unless a case asks for a stale signature).
        time: SystemTime,
    },
}

/// Adds the authentication headers to `request`.
pub(crate) fn authenticate(
    request: &mut HttpRequest,
    credentials: &Credentials,
) -> Result<(), super::SignError> {
    match credentials {
        Credentials::Bearer(token) => {
            request.set_header("authorization", format!("Bearer {token}"));
            Ok(())
        }
        Credentials::SigV4 {
            credentials,
            region,
            signing_name,
            time,
        } => {
            let identity = aws_credential_types::Credentials::new(
                &credentials.access_key_id,
                &credentials.secret_access_key,
                credentials.session_token.clone(),
                None,
                "pat-conformance",
            )
            .into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region(region)
                .name(signing_name)
                .time(*time)
                .settings(SigningSettings::default())
                .build()
                .map_err(|e| super::SignError::Prepare(e.to_string()))?
                .into();
            let signable = SignableRequest::new(
                &request.method,
                &request.url,
                request
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
                SignableBody::Bytes(&request.body),
            )
            .map_err(|e| super::SignError::Prepare(e.to_string()))?;
            let (instructions, _signature) = sign(signable, &params)
                .map_err(|e| super::SignError::Sign(e.to_string()))?
                .into_parts();
            let (headers, _params) = instructions.into_parts();
            for header in headers {
                request.set_header(header.name(), header.value());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4_adds_a_v4_authorization_header() {
        let mut req = HttpRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:9/".into(),
            headers: vec![(
                "x-amz-target".into(),
                "WorkMailService.ListPersonalAccessTokens".into(),
            )],
            body: b"{}".to_vec(),
        };
        let creds = Credentials::SigV4 {
            credentials: SigV4Credentials {
                access_key_id: "AKIDEXAMPLE".into(),
                secret_access_key: "secret".into(),
                session_token: Some("session".into()),
            },
            region: "us-east-1".into(),
            time: SystemTime::now(),
            signing_name: "workmail".into(),
        };
        authenticate(&mut req, &creds).unwrap();
        let auth = &req
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap()
            .1;
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
            "{auth}"
        );
        assert!(auth.contains("/us-east-1/workmail/aws4_request"), "{auth}");
        assert!(req
            .headers
            .iter()
            .any(|(n, v)| n == "x-amz-security-token" && v == "session"));
        assert!(req.headers.iter().any(|(n, _)| n == "x-amz-date"));
    }
}

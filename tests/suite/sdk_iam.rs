//! aws-sdk-iam against the emulator: proof that it speaks awsQuery (form requests
//! signed with SigV4 for iam/us-east-1, XML answers the SDK parses, errors by code).

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_iam::types::StatusType;
use libtest_mimic::Trial;
use pat_conformance::emulator::{Emulator, EmulatorConfig};

use crate::support::{block_on, suite};

pub fn trials() -> Vec<Trial> {
    vec![Trial::test(
        "sdk::iam_create_page_update_reset_delete_and_typed_errors",
        || block_on(iam()),
    )]
}

type R = Result<(), libtest_mimic::Failed>;

/// An IAM client for the emulator, signing with the key its profile hands out (the
/// emulator verifies that signature).
fn client(emulator: &Emulator) -> aws_sdk_iam::Client {
    client_at(&emulator.uri(), &emulator.profile())
}

/// An IAM client for an emulator at `uri` with `profile`'s SigV4 keys.
pub(crate) fn client_at(
    uri: &str,
    profile: &pat_conformance::profile::Profile,
) -> aws_sdk_iam::Client {
    let keys = profile.sigv4.clone().expect("SigV4 credentials");
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(uri)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            &keys.access_key_id,
            &keys.secret_access_key,
            keys.session_token.clone(),
            None,
            "test",
        ))
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

async fn iam() -> R {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let user = emulator.profile().vars["iam_user_name"]
        .as_str()
        .ok_or("no iam_user_name")?
        .to_string();
    let iam = client(&emulator);

    // A password and two API keys (one with an age): the SDK reads each from the XML.
    let password = iam
        .create_service_specific_credential()
        .user_name(&user)
        .service_name("codecommit.amazonaws.com")
        .send()
        .await?;
    let password = password
        .service_specific_credential()
        .ok_or("no credential")?;
    assert!(!password.service_password().is_empty());
    assert_eq!(password.status(), &StatusType::Active);
    assert_eq!(password.user_name(), user);
    let created = password.create_date().secs();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    assert!(
        (created - now.as_secs() as i64).abs() < 600,
        "CreateDate is now"
    );
    let key = iam
        .create_service_specific_credential()
        .user_name(&user)
        .service_name("bedrock.amazonaws.com")
        .credential_age_days(30)
        .send()
        .await?;
    let key = key.service_specific_credential().ok_or("no credential")?;
    assert!(key
        .service_credential_secret()
        .is_some_and(|s| !s.is_empty()));
    assert!(key.service_credential_alias().is_some());
    let expires = key.expiration_date().ok_or("no ExpirationDate")?.secs();
    assert!(((expires - key.create_date().secs()) - 30 * 86_400).abs() < 60);
    iam.create_service_specific_credential()
        .user_name(&user)
        .service_name("logs.amazonaws.com")
        .send()
        .await?;

    // Pages of one, by Marker, until IsTruncated is false: all three, once each.
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..10 {
        let page = iam
            .list_service_specific_credentials()
            .user_name(&user)
            .max_items(1)
            .set_marker(marker.clone())
            .send()
            .await?;
        assert!(page.service_specific_credentials().len() <= 1);
        seen.extend(
            page.service_specific_credentials()
                .iter()
                .map(|c| c.service_specific_credential_id().to_string()),
        );
        if !page.is_truncated() {
            break;
        }
        marker = page.marker().map(str::to_string);
    }
    assert_eq!(seen.len(), 3, "three credentials over the pages: {seen:?}");
    assert!(seen.contains(&password.service_specific_credential_id().to_string()));

    // Update to Inactive, as the listing then shows; reset gives a new password.
    let id = password.service_specific_credential_id();
    iam.update_service_specific_credential()
        .user_name(&user)
        .service_specific_credential_id(id)
        .status(StatusType::Inactive)
        .send()
        .await?;
    let listed = iam
        .list_service_specific_credentials()
        .user_name(&user)
        .service_name("codecommit.amazonaws.com")
        .send()
        .await?;
    let status = listed.service_specific_credentials()[0].status().clone();
    assert_eq!(status, StatusType::Inactive);
    let reset = iam
        .reset_service_specific_credential()
        .user_name(&user)
        .service_specific_credential_id(id)
        .send()
        .await?;
    let new = reset.service_specific_credential().ok_or("no credential")?;
    assert_ne!(new.service_password(), password.service_password());

    // Typed errors: the limit, an unsupported service, an unknown credential.
    iam.create_service_specific_credential()
        .user_name(&user)
        .service_name("codecommit.amazonaws.com")
        .send()
        .await?;
    let third = iam
        .create_service_specific_credential()
        .user_name(&user)
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .expect_err("a third CodeCommit credential");
    assert!(
        third
            .as_service_error()
            .is_some_and(|e| e.is_limit_exceeded_exception()),
        "{third:?}"
    );
    let unsupported = iam
        .create_service_specific_credential()
        .user_name(&user)
        .service_name("ec2.amazonaws.com")
        .send()
        .await
        .expect_err("ec2 takes no service-specific credentials");
    assert!(
        unsupported
            .as_service_error()
            .is_some_and(|e| e.is_service_not_supported_exception()),
        "{unsupported:?}"
    );
    iam.delete_service_specific_credential()
        .user_name(&user)
        .service_specific_credential_id(id)
        .send()
        .await?;
    let again = iam
        .delete_service_specific_credential()
        .user_name(&user)
        .service_specific_credential_id(id)
        .send()
        .await
        .expect_err("the credential is gone");
    assert!(
        again
            .as_service_error()
            .is_some_and(|e| e.is_no_such_entity_exception()),
        "{again:?}"
    );
    Ok(())
}

/// Safety for what carries no name: IAM creates whose answers are lost (late, or the
/// connection dropped after the credential was made) are found by what the listing
/// shows after them and not before, and deleted; nothing is left on the target and the
/// ledger agrees with what the target saw.
pub fn safety_trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "safety::iam_create_timing_out_is_found_by_id_and_deleted",
            || lost_iam_create(false),
        ),
        Trial::test(
            "safety::iam_create_with_reset_connection_is_found_by_id_and_deleted",
            || lost_iam_create(true),
        ),
    ]
}

/// Makes every IAM create, then answers it too late or not at all.
struct LoseIamCreates {
    reset: bool,
    created: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl pat_conformance::emulator::Middleware for LoseIamCreates {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> pat_conformance::emulator::Reply,
    ) -> pat_conformance::emulator::Reply {
        let mut reply = inner(req);
        let create =
            String::from_utf8_lossy(&req.body).contains("Action=CreateServiceSpecificCredential");
        if create && reply.status == 200 {
            self.created
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.reset {
                // Unwinding out of the handler drops the connection unanswered.
                std::panic::resume_unwind(Box::new("connection lost"));
            }
            reply.delay = std::time::Duration::from_secs(3);
        }
        reply
    }
}

/// Every credential id of the profile's two IAM users, read with the SDK: what a run
/// left on the target.
pub(crate) fn credential_ids(
    profile: &pat_conformance::profile::Profile,
    iam: &aws_sdk_iam::Client,
) -> Result<Vec<String>, libtest_mimic::Failed> {
    let mut ids = Vec::new();
    for user in ["iam_user_name", "iam_other_user_name"] {
        let name = profile.vars[user].as_str().ok_or("a user var")?;
        let listed = block_on(
            iam.list_service_specific_credentials()
                .user_name(name)
                .send(),
        )?;
        ids.extend(
            listed
                .service_specific_credentials()
                .iter()
                .map(|c| c.service_specific_credential_id().to_string()),
        );
    }
    Ok(ids)
}

fn lost_iam_create(reset: bool) -> R {
    let created = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let bg = crate::support::Background::start(Some(std::sync::Arc::new(LoseIamCreates {
        reset,
        created: created.clone(),
    })));
    let ids = [
        "iam-create-password-credential",
        "iam-create-api-key",
        "iam-created-credential-listed",
    ];
    let mut options = pat_conformance::runner::RunOptions::new();
    options.timeout = std::time::Duration::from_secs(1);
    let report = crate::safety::run_named(&bg, &ids, &bg.uri, options);
    let made = created.load(std::sync::atomic::Ordering::SeqCst);
    if made == 0 {
        return Err("no create reached the target: the test proves nothing".into());
    }
    // What the target still holds, read with the SDK (both users, every service).
    let iam = client_at(&bg.uri, &bg.profile);
    let left = credential_ids(&bg.profile, &iam)?.len();
    if left != 0 {
        return Err(format!(
            "{left} of {made} credentials were left: {:?}",
            report.ledger
        )
        .into());
    }
    let l = &report.ledger;
    if l.created != made || l.deleted != made || !l.left.is_empty() {
        return Err(format!("the ledger says {l:?}, the target saw {made} creates").into());
    }
    if report.cases.iter().any(|c| c.status.as_str() == "pass") {
        return Err("a case whose create got no answer passed".into());
    }
    Ok(())
}

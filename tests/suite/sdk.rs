//! The official AWS SDK for Rust clients against the emulator: proof that it speaks the
//! real wire protocols (restJson1 + bearer, awsJson1_1 + SigV4).

use aws_sdk_codecatalyst::config::{BehaviorVersion, Region, Token};
use libtest_mimic::Trial;
use pat_conformance::emulator::{Emulator, EmulatorConfig};

use crate::support::{block_on, suite};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("sdk::codecatalyst_create_list_delete", || {
            block_on(codecatalyst())
        }),
        Trial::test(
            "sdk::workmail_paginator_and_errors",
            || block_on(workmail()),
        ),
        Trial::test("sdk::workmail_get_and_delete", || {
            block_on(workmail_get_and_delete())
        }),
        Trial::test(
            "sdk::localstack_style_test_test_credentials_work_against_serve",
            localstack_style,
        ),
    ]
}

type R = Result<(), libtest_mimic::Failed>;

async fn codecatalyst() -> R {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let conf = aws_sdk_codecatalyst::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.uri())
        .region(Region::new("us-west-2"))
        .bearer_token(Token::new("sdk-test-identity", None))
        .build();
    let client = aws_sdk_codecatalyst::Client::from_conf(conf);
    let mut ids = Vec::new();
    for i in 0..12 {
        let created = client
            .create_access_token()
            .name(format!("sdk-{i}"))
            .send()
            .await?;
        assert_eq!(created.name(), format!("sdk-{i}"));
        assert!(!created.secret().is_empty());
        let year = created.expires_time().secs()
            - std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs() as i64;
        assert!(
            (year - 365 * 86_400).abs() < 86_400,
            "default expiry one year away, got {year}s"
        );
        ids.push(created.access_token_id().to_string());
    }
    let listed: Vec<_> = client
        .list_access_tokens()
        .max_results(5)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    let listed_ids: Vec<&str> = listed.iter().map(|t| t.id()).collect();
    assert_eq!(
        listed_ids,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "the SDK paginator sees every token once"
    );
    client.delete_access_token().id(&ids[0]).send().await?;
    let err = client
        .delete_access_token()
        .id(&ids[0])
        .send()
        .await
        .expect_err("second delete fails");
    let service_error = err.into_service_error();
    assert!(
        service_error.is_resource_not_found_exception(),
        "typed error, got {service_error:?}"
    );
    let other = aws_sdk_codecatalyst::Client::from_conf(
        aws_sdk_codecatalyst::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(emulator.uri())
            .region(Region::new("us-west-2"))
            .bearer_token(Token::new("sdk-other-identity", None))
            .build(),
    );
    let theirs = other.list_access_tokens().send().await?;
    assert!(
        theirs.items().is_empty(),
        "another identity sees none of the tokens"
    );
    Ok(())
}

async fn workmail() -> R {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let vars = emulator.profile().vars;
    let org = vars["workmail_organization_id"]
        .as_str()
        .unwrap()
        .to_string();
    // The emulator verifies SigV4 for the credentials its profile hands out: the SDK's
    // own signatures must verify, and a wrong secret must not.
    let keys = emulator.profile().sigv4.expect("SigV4 credentials");
    let client_with = |secret: &str| workmail_client(&emulator, secret);
    let client = client_with(&keys.secret_access_key);
    let err = client_with("a-wrong-secret")
        .list_personal_access_tokens()
        .organization_id(&org)
        .send()
        .await
        .expect_err("a wrong secret key is refused");
    let raw = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(raw, Some(403), "a signature that does not verify: {err:?}");
    let all: Vec<_> = client
        .list_personal_access_tokens()
        .organization_id(&org)
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    let held: usize = vars["workmail_organization_token_count"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .expect("the profile declares the token count");
    assert_eq!(all.len(), held, "the paginator walks every page");
    let created = all[0].date_created().expect("DateCreated");
    assert!(
        (1_000_000_000..5_000_000_000).contains(&created.secs()),
        "epoch seconds, got {}",
        created.secs()
    );
    assert!(!all[0].scopes().is_empty());
    let err = client
        .list_personal_access_tokens()
        .organization_id(format!("m-{:032x}", rand::random::<u128>()))
        .send()
        .await
        .expect_err("unknown organization");
    let service_error = err.into_service_error();
    assert!(
        service_error.is_organization_not_found_exception(),
        "typed error, got {service_error:?}"
    );
    let err = client
        .list_personal_access_tokens()
        .organization_id("not-an-org")
        .send()
        .await
        .expect_err("bad id");
    assert!(err.into_service_error().is_invalid_parameter_exception());
    Ok(())
}

/// A WorkMail client for the emulator, signing with its key id and `secret`.
fn workmail_client(emulator: &Emulator, secret: &str) -> aws_sdk_workmail::Client {
    let keys = emulator.profile().sigv4.expect("SigV4 credentials");
    let conf = aws_sdk_workmail::Config::builder()
        .behavior_version(aws_sdk_workmail::config::BehaviorVersion::latest())
        .endpoint_url(emulator.uri())
        .region(aws_sdk_workmail::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_workmail::config::Credentials::new(
            &keys.access_key_id,
            secret,
            keys.session_token.clone(),
            None,
            "test",
        ))
        .build();
    aws_sdk_workmail::Client::from_conf(conf)
}

/// GetPersonalAccessTokenMetadata and DeletePersonalAccessToken through the SDK: the
/// metadata, the typed ResourceNotFoundException, a delete (and a delete again, which
/// succeeds), and typed organization errors.
async fn workmail_get_and_delete() -> R {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let vars = emulator.profile().vars;
    let var = |name: &str| vars[name].as_str().unwrap_or_default().to_string();
    let keys = emulator.profile().sigv4.expect("SigV4 credentials");
    let client = workmail_client(&emulator, &keys.secret_access_key);
    let (org, token) = (var("workmail_organization_id"), var("workmail_token_id"));
    let meta = client
        .get_personal_access_token_metadata()
        .organization_id(&org)
        .personal_access_token_id(&token)
        .send()
        .await?;
    assert_eq!(meta.personal_access_token_id(), Some(token.as_str()));
    assert_eq!(meta.user_id(), Some(var("workmail_user_id").as_str()));
    assert!(meta
        .date_created()
        .is_some_and(|d| d.secs() > 1_000_000_000));
    let missing = client
        .get_personal_access_token_metadata()
        .organization_id(&org)
        .personal_access_token_id(uuid::Uuid::new_v4().to_string())
        .send()
        .await
        .expect_err("an unknown token")
        .into_service_error();
    assert!(
        missing.is_resource_not_found_exception(),
        "typed ResourceNotFoundException, got {missing:?}"
    );
    let (dorg, dtoken) = (
        var("workmail_disposable_organization_id"),
        var("workmail_disposable_token_id"),
    );
    for _ in 0..2 {
        client
            .delete_personal_access_token()
            .organization_id(&dorg)
            .personal_access_token_id(&dtoken)
            .send()
            .await?;
    }
    let gone = client
        .get_personal_access_token_metadata()
        .organization_id(&dorg)
        .personal_access_token_id(&dtoken)
        .send()
        .await
        .expect_err("a deleted token")
        .into_service_error();
    assert!(gone.is_resource_not_found_exception(), "{gone:?}");
    let no_org = client
        .delete_personal_access_token()
        .organization_id(format!("m-{:032x}", rand::random::<u128>()))
        .personal_access_token_id(&dtoken)
        .send()
        .await
        .expect_err("an unknown organization")
        .into_service_error();
    assert!(no_org.is_organization_not_found_exception(), "{no_org:?}");
    let inactive = client
        .get_personal_access_token_metadata()
        .organization_id(var("workmail_inactive_organization_id"))
        .personal_access_token_id(&token)
        .send()
        .await
        .expect_err("an inactive organization")
        .into_service_error();
    assert!(inactive.is_organization_state_exception(), "{inactive:?}");
    Ok(())
}

/// `pat-conformance serve` on every interface (as in the container image; the written
/// profile names 127.0.0.1) answers clients configured as for LocalStack (key `test`,
/// secret `test`, no session token): the SDK for Rust for every WorkMail operation,
/// and boto3 (when Python has it) for all six operations, the destructive delete
/// included, then the reset endpoint (`POST /_pat-conformance/reset`) brings the
/// deleted token back so a second run can delete it again. A wrong secret for the
/// emulator's own key is still refused.
fn localstack_style() -> R {
    let dir = crate::cli::temp_dir("localstack-style");
    let profile = dir.join("emulator.json");
    // As the container image runs it: on every interface.
    let mut serve = crate::cli::bin()
        .env("PAT_CONFORMANCE_SERVE_HOST", "0.0.0.0")
        .args(["serve", "--port", "0", "--write-profile"])
        .arg(&profile)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let started = std::time::Instant::now();
    while !profile.exists() && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let result = (|| -> R {
        let written: pat_conformance::profile::Profile =
            serde_json::from_str(&std::fs::read_to_string(&profile)?)?;
        let url = written
            .endpoints
            .get("workmail")
            .ok_or("no endpoint")?
            .clone();
        // Listening on 0.0.0.0, the profile names the address clients here can reach.
        if !url.starts_with("http://127.0.0.1:") {
            return Err(format!("the written endpoint is {url}").into());
        }
        let var = |name: &str| written.vars[name].as_str().unwrap_or_default().to_string();
        block_on(async {
            let client = |key: &str, secret: &str| {
                aws_sdk_workmail::Client::from_conf(
                    aws_sdk_workmail::Config::builder()
                        .behavior_version(aws_sdk_workmail::config::BehaviorVersion::latest())
                        .endpoint_url(&url)
                        .region(aws_sdk_workmail::config::Region::new("us-east-1"))
                        .credentials_provider(aws_sdk_workmail::config::Credentials::new(
                            key, secret, None, None, "test",
                        ))
                        .build(),
                )
            };
            let wm = client("test", "test");
            let org = var("workmail_organization_id");
            let listed = wm
                .list_personal_access_tokens()
                .organization_id(&org)
                .send()
                .await?;
            let first = listed.personal_access_token_summaries()[0]
                .personal_access_token_id()
                .ok_or("an id")?
                .to_string();
            wm.get_personal_access_token_metadata()
                .organization_id(&org)
                .personal_access_token_id(&first)
                .send()
                .await?;
            // Deleting a token that does not exist succeeds: nothing real is deleted.
            wm.delete_personal_access_token()
                .organization_id(&org)
                .personal_access_token_id("pat-00-00000000")
                .send()
                .await?;
            let keys = written.sigv4.clone().ok_or("the emulator's keys")?;
            let refused = client(&keys.access_key_id, "a-wrong-secret")
                .list_personal_access_tokens()
                .organization_id(&org)
                .send()
                .await
                .expect_err("a wrong secret for the emulator's key is refused");
            let status = refused.raw_response().map(|r| r.status().as_u16());
            if status != Some(403) {
                return Err(format!("a wrong secret got {status:?}").into());
            }
            Ok::<(), libtest_mimic::Failed>(())
        })?;
        let boto3 = std::process::Command::new("python3")
            .args(["-c", "import boto3"])
            .output();
        if !boto3.is_ok_and(|o| o.status.success()) {
            eprintln!("boto3 is not installed: the boto3 half of this trial did not run");
            return Ok(());
        }
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/suite/scripts/boto3_test_test.py"
        );
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&url)
            .arg(&profile)
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", dir.join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
            .output()?;
        let said = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || said.trim_end().lines().last() != Some("ok") {
            return Err(format!(
                "boto3 with test/test:\n{said}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(())
    })();
    let _ = serve.kill();
    let _ = serve.wait();
    result
}

//! The discovery operations `serve` answers, called by the official AWS SDK for Rust
//! with LocalStack's `test`/`test` keys: WorkMail ListOrganizations, DescribeOrganization
//! and ListUsers; IAM CreateUser (tagged), GetUser, ListUsers and DeleteUser; STS
//! GetCallerIdentity. Each SDK parses what the emulator writes from the model's shapes.

use aws_sdk_workmail::types::EntityState;
use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Emulator, EmulatorConfig};

use crate::support::{block_on, suite};

pub fn trials() -> Vec<Trial> {
    vec![Trial::test(
        "sdk::discovery_operations_answer_the_sdks_with_test_keys",
        || block_on(discovery()),
    )]
}

macro_rules! client {
    ($sdk:ident, $uri:expr) => {{
        let conf = $sdk::Config::builder()
            .behavior_version($sdk::config::BehaviorVersion::latest())
            .endpoint_url($uri)
            .region($sdk::config::Region::new("us-east-1"))
            .credentials_provider($sdk::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build();
        $sdk::Client::from_conf(conf)
    }};
}

async fn discovery() -> Result<(), Failed> {
    let emulator = Emulator::start(suite().contract.clone(), EmulatorConfig::default()).await;
    let uri = emulator.uri();
    let vars = emulator.profile().vars;
    let var = |k: &str| vars[k].as_str().unwrap_or_default().to_string();

    let workmail = client!(aws_sdk_workmail, &uri);
    let orgs = workmail.list_organizations().max_results(2).send().await?;
    let mut all = orgs.organization_summaries().to_vec();
    let mut next = orgs.next_token().map(str::to_string);
    while let Some(token) = next {
        let page = workmail
            .list_organizations()
            .next_token(token)
            .send()
            .await?;
        all.extend(page.organization_summaries().iter().cloned());
        next = page.next_token().map(str::to_string);
    }
    let active = var("workmail_organization_id");
    let states: Vec<(String, String)> = all
        .iter()
        .map(|o| {
            (
                o.organization_id().unwrap_or_default().to_string(),
                o.state().unwrap_or_default().to_string(),
            )
        })
        .collect();
    if !states.contains(&(active.clone(), "Active".into()))
        || !states
            .iter()
            .any(|(id, s)| *id == var("workmail_inactive_organization_id") && s != "Active")
    {
        return Err(format!("ListOrganizations: {states:?}").into());
    }
    let described = workmail
        .describe_organization()
        .organization_id(&active)
        .send()
        .await?;
    assert_eq!(described.state(), Some("Active"));
    let users = workmail
        .list_users()
        .organization_id(&active)
        .send()
        .await?;
    let disabled = users
        .users()
        .iter()
        .find(|u| u.state() == Some(&EntityState::Disabled))
        .and_then(|u| u.id())
        .ok_or("no DISABLED user")?;
    assert_eq!(disabled, var("workmail_disabled_user_id"));
    let missing = workmail
        .describe_organization()
        .organization_id("m-00000000000000000000000000000000")
        .send()
        .await;
    let error = missing
        .err()
        .ok_or("an unknown organization was described")?
        .into_service_error();
    if !error.is_organization_not_found_exception() {
        return Err(format!("DescribeOrganization of nothing: {error:?}").into());
    }

    let iam = client!(aws_sdk_iam, &uri);
    let tag = aws_sdk_iam::types::Tag::builder()
        .key("pat-conformance")
        .value("sdk")
        .build()?;
    let made = iam
        .create_user()
        .user_name("pat-conformance-sdk")
        .tags(tag)
        .send()
        .await?;
    assert_eq!(
        made.user().map(|u| u.user_name()),
        Some("pat-conformance-sdk")
    );
    let got = iam
        .get_user()
        .user_name("pat-conformance-sdk")
        .send()
        .await?;
    let tags = got.user().map(|u| u.tags().to_vec()).unwrap_or_default();
    if !tags
        .iter()
        .any(|t| t.key() == "pat-conformance" && t.value() == "sdk")
    {
        return Err(format!("GetUser lost the tags: {tags:?}").into());
    }
    let me = iam.get_user().send().await?;
    assert_eq!(
        me.user().map(|u| u.user_name()),
        Some(var("iam_user_name").as_str())
    );
    let listed: Vec<String> = iam
        .list_users()
        .into_paginator()
        .page_size(1)
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?
        .into_iter()
        .map(|u| u.user_name().to_string())
        .collect();
    for name in [
        var("iam_user_name"),
        var("iam_other_user_name"),
        "pat-conformance-sdk".into(),
    ] {
        if !listed.contains(&name) {
            return Err(format!("ListUsers (pages of 1) misses {name}: {listed:?}").into());
        }
    }
    let again = iam
        .create_user()
        .user_name("pat-conformance-sdk")
        .send()
        .await;
    let error = again
        .err()
        .ok_or("a user was made twice")?
        .into_service_error();
    if !error.is_entity_already_exists_exception() {
        return Err(format!("CreateUser twice: {error:?}").into());
    }
    iam.delete_user()
        .user_name("pat-conformance-sdk")
        .send()
        .await?;
    let gone = iam.get_user().user_name("pat-conformance-sdk").send().await;
    let error = gone
        .err()
        .ok_or("a deleted user is still there")?
        .into_service_error();
    if !error.is_no_such_entity_exception() {
        return Err(format!("GetUser after delete: {error:?}").into());
    }

    let sts = client!(aws_sdk_sts, &uri);
    let who = sts.get_caller_identity().send().await?;
    if who.account().is_none_or(|a| a.len() != 12)
        || who.arn().is_none_or(|a| !a.starts_with("arn:aws:iam::"))
    {
        return Err(format!("GetCallerIdentity: {who:?}").into());
    }
    Ok(())
}

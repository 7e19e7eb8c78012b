//! Discovery (`init`, `run --discover`): a stranger's first run against a target named
//! by an endpoint and `test`/`test` keys tests nearly everything, with the data the
//! target itself gives; targets that cannot answer are named per value and the run
//! goes on; and the rules that protect real accounts hold.

use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{EmulatorConfig, Reply, Request, SignatureCheck};

use crate::cli::{bin, expect_code, text};
use crate::support::Background;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "discovery::init_then_run_tests_at_least_95_percent_against_serve",
            init_then_run,
        ),
        Trial::test(
            "discovery::run_discover_tests_the_same_and_fail_on_skip_exits_4",
            run_discover,
        ),
        Trial::test(
            "discovery::a_target_without_discovery_operations_is_named_per_value_and_runs_on",
            without_discovery_operations,
        ),
        Trial::test("discovery::an_iam_only_target_runs_iam_fully", iam_only),
        Trial::test(
            "discovery::no_workmail_token_is_picked_to_delete_unless_named_so",
            disposable_only_by_name,
        ),
        Trial::test(
            "discovery::iam_users_are_made_only_when_asked_and_removed_only_when_tagged",
            iam_users_only_when_asked,
        ),
        Trial::test(
            "discovery::capabilities_are_proved_not_assumed",
            capabilities_proved,
        ),
        Trial::test(
            "discovery::init_writes_no_credential_and_never_overwrites",
            init_writes_no_credential,
        ),
        Trial::test(
            "discovery::serve_seed_is_served_checked_and_found",
            seeded_serve,
        ),
        Trial::test(
            "discovery::a_made_up_token_that_is_the_same_caller_is_no_second_identity",
            same_caller,
        ),
    ]
}

/// The keys LocalStack users set, and a bearer token.
fn stranger(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_BEARER_TOKEN_CODECATALYST", "test")
}

fn tempdir(name: &str) -> Result<std::path::PathBuf, Failed> {
    let dir = std::env::temp_dir().join(format!(
        "pat-conformance-discovery-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `init --endpoint <uri> --out <dir>/p.yaml` plus `extra`, as a stranger.
fn init(bg: &Background, dir: &std::path::Path, extra: &[&str]) -> Result<Output, Failed> {
    Ok(stranger(&mut bin())
        .args(["init", "--endpoint", &bg.uri, "--force", "--out"])
        .arg(dir.join("p.yaml"))
        .args(extra)
        .output()?)
}

/// `run` plus `args`, as a stranger, reports under `dir`.
fn run(dir: &std::path::Path, args: &[&str]) -> Result<Output, Failed> {
    Ok(stranger(&mut bin())
        .args(["run", "--quiet", "--reports"])
        .arg(dir.join("reports"))
        .args(args)
        .output()?)
}

/// `(passed, failed, skipped)` from the closing line.
fn counts(out: &Output) -> Result<(usize, usize, usize), Failed> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains(" passed, ") && l.ends_with(" skipped"))
        .ok_or_else(|| format!("no closing line\n{}", text(out)))?;
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .collect();
    match n[..] {
        [p, f, s] => Ok((p, f, s)),
        _ => Err(format!("unreadable closing line `{line}`").into()),
    }
}

/// Whether a `not found` line of discovery names `key` (alone, or in a list of values
/// missing for one reason) and says `why`.
fn not_found(said: &str, key: &str, why: &str) -> bool {
    said.lines().any(|l| {
        l.trim_start()
            .strip_prefix("not found ")
            .and_then(|rest| rest.split_once(": "))
            .is_some_and(|(keys, reason)| {
                keys.split([',', ' ']).any(|k| k == key) && reason.contains(why)
            })
    })
}

fn reset(bg: &Background) -> Result<(), Failed> {
    let url = format!("{}{}", bg.uri, pat_conformance::emulator::RESET_PATH);
    crate::support::block_on(async { reqwest::Client::new().post(url).send().await })?;
    Ok(())
}

fn init_then_run() -> Result<(), Failed> {
    let bg = Background::start(None);
    let dir = tempdir("init")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    // Each value says where it came from.
    for said in [
        "# ListOrganizations: the Active organization",
        "workmail_organization_id:",
        "# ListUsers: a user named pat-conformance-",
        "iam_other_user_name:",
        "- fault-injection",
        "- verifies-signatures",
    ] {
        if !profile.contains(said) {
            return Err(format!("the profile lacks `{said}`:\n{profile}").into());
        }
    }
    let out = run(&dir, &["--profile", &dir.join("p.yaml").to_string_lossy()])?;
    expect_code(&out, 0)?;
    let (passed, failed, skipped) = counts(&out)?;
    let total = passed + failed + skipped;
    if failed != 0 || passed * 100 < total * 95 {
        return Err(format!("{passed} of {total} ran\n{}", text(&out)).into());
    }
    let said = String::from_utf8_lossy(&out.stdout);
    if !said.contains(&format!("{skipped} of {total} not run: ")) {
        return Err(format!("no `not run` line\n{}", text(&out)).into());
    }
    // report.md and report.html say it too.
    for entry in std::fs::read_dir(dir.join("reports"))? {
        let run = entry?.path();
        for file in ["report.md", "report.html"] {
            let report = std::fs::read_to_string(run.join(file))?;
            if !report.contains(&format!("{skipped} of {total} not run: ")) {
                return Err(format!("{file} does not say what did not run").into());
            }
        }
    }
    Ok(())
}

fn run_discover() -> Result<(), Failed> {
    let bg = Background::start(None);
    let dir = tempdir("run")?;
    let out = run(&dir, &["--endpoint", &bg.uri, "--discover"])?;
    expect_code(&out, 0)?;
    let (passed, failed, skipped) = counts(&out)?;
    let total = passed + failed + skipped;
    if failed != 0 || passed * 100 < total * 95 {
        return Err(format!("{passed} of {total} ran\n{}", text(&out)).into());
    }
    if !String::from_utf8_lossy(&out.stdout).contains("discovered ") {
        return Err(format!(
            "the first lines do not say what was discovered\n{}",
            text(&out)
        )
        .into());
    }
    // Skips are a decision: --fail-on-skip makes them exit 4 (and report.md says so).
    reset(&bg)?;
    let out = run(
        &dir,
        &["--endpoint", &bg.uri, "--discover", "--fail-on-skip"],
    )?;
    expect_code(&out, 4)?;
    // Without discovery the same target skips most cases, and says so in words.
    let out = run(&dir, &["--endpoint", &bg.uri])?;
    expect_code(&out, 0)?;
    let (p, _, s) = counts(&out)?;
    let said = String::from_utf8_lossy(&out.stdout);
    if !said.contains(&format!("{s} of {} not run: ", p + s)) || s < 100 {
        return Err(format!("expected most cases not run, said so\n{}", text(&out)).into());
    }
    Ok(())
}

/// The operations discovery calls; the contract's are served.
const HELPERS: [&str; 7] = [
    "ListOrganizations",
    "DescribeOrganization",
    "ListUsers",
    "GetUser",
    "CreateUser",
    "DeleteUser",
    "GetCallerIdentity",
];

fn unknown_operation() -> Reply {
    let mut reply = Reply::json(
        404,
        &serde_json::json!({"message": "unknown operation"}),
        "application/json",
    );
    reply.set_header("x-amzn-errortype", "UnknownOperationException");
    reply
}

fn without_discovery_operations() -> Result<(), Failed> {
    let middleware = |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let helper = req
            .routed
            .as_ref()
            .is_some_and(|r| HELPERS.contains(&r.operation.as_str()));
        if helper {
            unknown_operation()
        } else {
            inner(req)
        }
    };
    let bg = Background::start(Some(Arc::new(middleware)));
    let dir = tempdir("none")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let said = String::from_utf8_lossy(&out.stdout);
    for var in [
        "workmail_organization_id",
        "workmail_token_id",
        "iam_user_name",
    ] {
        if !not_found(&said, &format!("vars.{var}"), "answered 404") {
            return Err(format!("`{var}` is not named with the answer\n{}", text(&out)).into());
        }
    }
    // The run goes on with what it has: probes still prove the capabilities.
    let out = run(&dir, &["--endpoint", &bg.uri, "--discover"])?;
    expect_code(&out, 0)?;
    let (passed, failed, _) = counts(&out)?;
    if failed != 0 || passed < 100 {
        return Err(format!("the run did not go on\n{}", text(&out)).into());
    }
    Ok(())
}

fn iam_only() -> Result<(), Failed> {
    let middleware = |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let form = String::from_utf8_lossy(&req.body).contains("Action=");
        let signed_iam = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("/iam/aws4_request"));
        if form || signed_iam {
            inner(req)
        } else {
            unknown_operation()
        }
    };
    let bg = Background::start(Some(Arc::new(middleware)));
    let dir = tempdir("iam")?;
    let out = run(&dir, &["--endpoint", &bg.uri, "--discover"])?;
    expect_code(&out, 0)?;
    let said = String::from_utf8_lossy(&out.stdout);
    let iam_cases = crate::support::suite()
        .cases
        .iter()
        .filter(|c| c.service == "iam")
        .count();
    let (passed, failed, _) = counts(&out)?;
    // --quiet keeps discovery's count; the closing line names the services not served.
    let named = said.contains("discovered ")
        && said.contains("does not serve workmail")
        && said.contains("does not serve codecatalyst");
    if failed != 0 || passed < iam_cases || !named {
        return Err(format!("{passed} passed of {iam_cases} IAM cases\n{}", text(&out)).into());
    }
    Ok(())
}

fn disposable_only_by_name() -> Result<(), Failed> {
    // The target's disposable token loses its name: nothing may be picked then.
    let middleware = |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let mut reply = inner(req);
        let listing = req
            .routed
            .as_ref()
            .is_some_and(|r| r.operation == "ListPersonalAccessTokens");
        if let (true, Some(mut body)) = (listing, reply.json_body()) {
            if let Some(items) = body["PersonalAccessTokenSummaries"].as_array_mut() {
                for t in items {
                    t["Name"] = serde_json::json!("mail client");
                }
            }
            reply.body = serde_json::to_vec(&body).unwrap_or_default();
            reply.remove_header("content-length");
        }
        reply
    };
    let bg = Background::start(Some(Arc::new(middleware)));
    let dir = tempdir("disposable")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    let said = String::from_utf8_lossy(&out.stdout);
    if profile.contains("\n  workmail_disposable_token_id:")
        || !not_found(
            &said,
            "vars.workmail_disposable_token_id",
            "no token is named pat-conformance-disposable",
        )
    {
        return Err(format!(
            "a token not named disposable was picked\n{}\n{profile}",
            text(&out)
        )
        .into());
    }
    // A token the user names in the counted organization is refused, with why.
    let counted = bg.profile.vars["workmail_other_token_id"]
        .as_str()
        .ok_or("no token id")?
        .to_string();
    let out = init(&bg, &dir, &["--disposable-token", &counted])?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    if profile.contains("\n  workmail_disposable_token_id:")
        || !String::from_utf8_lossy(&out.stdout).contains("would change their count")
    {
        return Err(format!(
            "a token of the counted organization was taken\n{}",
            text(&out)
        )
        .into());
    }
    // A token the user names elsewhere is taken.
    let named = bg.profile.vars["workmail_disposable_token_id"]
        .as_str()
        .ok_or("no token id")?
        .to_string();
    let out = init(&bg, &dir, &["--disposable-token", &named])?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    if !profile.contains(&format!("workmail_disposable_token_id: \"{named}\"")) {
        return Err(format!("the named token was not taken\n{profile}").into());
    }
    Ok(())
}

fn iam_users_only_when_asked() -> Result<(), Failed> {
    let creates = Arc::new(AtomicUsize::new(0));
    let seen = creates.clone();
    let middleware = move |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        if req
            .routed
            .as_ref()
            .is_some_and(|r| r.operation == "CreateUser")
        {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        inner(req)
    };
    let bg = Background::start(Some(Arc::new(middleware)));
    let iam = crate::sdk_iam::client_at(&bg.uri, &bg.profile);
    // One of the two users named pat-conformance-* is gone: the target has one.
    crate::support::block_on(iam.delete_user().user_name("pat-conformance-other").send())?;
    let dir = tempdir("users")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let said = String::from_utf8_lossy(&out.stdout);
    if creates.load(Ordering::SeqCst) != 0 || !said.contains("not found vars.iam_other_user_name") {
        return Err(format!(
            "a user was made unasked, or the gap is not named\n{}",
            text(&out)
        )
        .into());
    }
    // Asked: the missing one is made, tagged as the suite's.
    let out = init(&bg, &dir, &["--create-iam-users"])?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    if creates.load(Ordering::SeqCst) != 1
        || !profile.contains("iam_other_user_name: \"pat-conformance-other\"")
    {
        return Err(format!(
            "--create-iam-users did not make the one missing user\n{}\n{profile}",
            text(&out)
        )
        .into());
    }
    let tags = crate::support::block_on(iam.get_user().user_name("pat-conformance-other").send())?;
    let tagged = tags
        .user()
        .map(|u| {
            u.tags()
                .iter()
                .any(|t| t.key() == pat_conformance::discover::SUITE_TAG)
        })
        .unwrap_or(false);
    if !tagged {
        return Err("the user made is not tagged as the suite's".into());
    }
    // Removal deletes the tagged user only: the one the target had stays.
    let out = stranger(&mut bin())
        .args(["init", "--endpoint", &bg.uri, "--remove"])
        .output()?;
    expect_code(&out, 0)?;
    let gone =
        crate::support::block_on(iam.get_user().user_name("pat-conformance-other").send()).is_err();
    let kept =
        crate::support::block_on(iam.get_user().user_name("pat-conformance-user").send()).is_ok();
    if !gone || !kept {
        return Err(format!(
            "removed the wrong users (made one gone: {gone}, own one kept: {kept})\n{}",
            text(&out)
        )
        .into());
    }
    Ok(())
}

fn capabilities_proved() -> Result<(), Failed> {
    // A target that checks no signature and ignores the fault header.
    let config = EmulatorConfig {
        signatures: SignatureCheck::Off,
        ..EmulatorConfig::default()
    };
    let middleware = |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let mut plain = req.clone();
        plain.headers.remove(pat_conformance::spec::FAULT_HEADER);
        inner(&plain)
    };
    let bg = Background::start_with(config, Some(Arc::new(middleware)));
    let dir = tempdir("caps")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let said = String::from_utf8_lossy(&out.stdout);
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    let refused = said.contains("not found capability verifies-signatures: ")
        && said.contains("the target does not check signatures")
        && said.contains("not found capability fault-injection: ");
    if !refused
        || profile.contains("- fault-injection")
        || profile.contains("- verifies-signatures")
    {
        return Err(format!("a capability was assumed\n{}\n{profile}", text(&out)).into());
    }
    Ok(())
}

fn init_writes_no_credential() -> Result<(), Failed> {
    let bg = Background::start(None);
    let dir = tempdir("secret")?;
    let keys = bg.profile.sigv4.clone().ok_or("no keys")?;
    let write = |force: bool| {
        let mut cmd = bin();
        cmd.env("AWS_ACCESS_KEY_ID", &keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &keys.secret_access_key)
            .env(
                "AWS_BEARER_TOKEN_CODECATALYST",
                "bearer-secret-never-written",
            )
            .args(["init", "--endpoint", &bg.uri, "--out"])
            .arg(dir.join("p.yaml"));
        if force {
            cmd.arg("--force");
        }
        cmd.output()
    };
    let out = write(false)?;
    expect_code(&out, 0)?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    for secret in [
        keys.secret_access_key.as_str(),
        "bearer-secret-never-written",
    ] {
        if profile.contains(secret) || String::from_utf8_lossy(&out.stdout).contains(secret) {
            return Err(format!("a credential was written or printed\n{profile}").into());
        }
    }
    // A second init does not overwrite the first without --force (exit 2, file kept).
    std::fs::write(dir.join("p.yaml"), "# mine\n")?;
    let out = write(false)?;
    expect_code(&out, 2)?;
    if std::fs::read_to_string(dir.join("p.yaml"))? != "# mine\n" {
        return Err("the profile was overwritten".into());
    }
    expect_code(&write(true)?, 0)?;
    Ok(())
}

/// `serve --seed FILE` serves a user's own data, which `init` then finds; a seed whose
/// values break the model is refused (exit 2, naming the field), since an emulator
/// serving it would not conform.
fn seeded_serve() -> Result<(), Failed> {
    let dir = tempdir("seed")?;
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "workmail:\n  organizations:\n    - id: m-11112222333344445555666677778888\n      users: [{ id: short, email: a@example.com }]\n",
    )?;
    let out = bin()
        .args(["serve", "--port", "0", "--seed"])
        .arg(&bad)
        .output()?;
    expect_code(&out, 2)?;
    if !text(&out).contains("workmail.organizations[0].users[0].id") {
        return Err(format!("the bad field is not named\n{}", text(&out)).into());
    }
    let good = dir.join("seed.yaml");
    std::fs::write(
        &good,
        "workmail:\n  organizations:\n    - id: m-11112222333344445555666677778888\n      users:\n        - { id: 11111111-0000-4000-8000-00000000a001, email: ann@example.com }\n        - { id: 22222222-0000-4000-8000-00000000b002, email: ben@example.com }\n      tokens:\n        - { id: t-0001, user: 11111111-0000-4000-8000-00000000a001, name: laptop, scopes: [IMAP] }\n        - { id: t-0002, user: 22222222-0000-4000-8000-00000000b002, name: phone, scopes: [IMAP] }\niam:\n  users: [pat-conformance-a, pat-conformance-b]\n",
    )?;
    let mut serve = bin()
        .args(["serve", "--port", "0", "--seed"])
        .arg(&good)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut uri = None;
    {
        use std::io::BufRead;
        let stdout = serve.stdout.take().ok_or("no stdout")?;
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(rest) = line.strip_prefix("emulator listening on ") {
                uri = rest.split(' ').next().map(str::to_string);
            }
            if line.starts_with("fault injection:") {
                break;
            }
        }
    }
    let result = (|| -> Result<(), Failed> {
        let uri = uri.ok_or("no address in the banner")?;
        let out = stranger(&mut bin())
            .args(["init", "--endpoint", &uri, "--out"])
            .arg(dir.join("p.yaml"))
            .output()?;
        expect_code(&out, 0)?;
        let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
        for want in [
            "workmail_organization_id: \"m-11112222333344445555666677778888\"",
            "workmail_other_token_id: \"t-0002\"",
            "iam_user_name: \"pat-conformance-a\"",
        ] {
            if !profile.contains(want) {
                return Err(format!("init did not find the seed's `{want}`\n{profile}").into());
            }
        }
        Ok(())
    })();
    let _ = serve.kill();
    let _ = serve.wait();
    result
}

/// A target that takes every bearer token as the same caller: the made-up token is
/// shown the default identity's token, so it is not taken as a second identity (the
/// isolation cases would fail for the assumption, not for the target).
fn same_caller() -> Result<(), Failed> {
    let middleware = |req: &Request, inner: &dyn Fn(&Request) -> Reply| {
        let mut one = req.clone();
        if one
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.starts_with("Bearer "))
        {
            one.headers.insert(
                "authorization",
                http::HeaderValue::from_static("Bearer test"),
            );
        }
        inner(&one)
    };
    let bg = Background::start(Some(Arc::new(middleware)));
    let made = crate::support::block_on(async {
        reqwest::Client::new()
            .put(format!("{}/v1/accessTokens", bg.uri))
            .bearer_auth("test")
            .header("content-type", "application/json")
            .body(r#"{"name":"held-by-default"}"#)
            .send()
            .await
            .map(|r| r.status().as_u16())
    })?;
    if made != 201 {
        return Err(format!("the default identity's token was not made: {made}").into());
    }
    let dir = tempdir("same")?;
    let out = init(&bg, &dir, &[])?;
    expect_code(&out, 0)?;
    let said = String::from_utf8_lossy(&out.stdout);
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    if profile.contains("\n  second:") || !said.contains("every token is the same caller there") {
        return Err(format!(
            "a made-up token of the same caller was taken as identity second\n{}\n{profile}",
            text(&out)
        )
        .into());
    }
    // On serve (each token its own identity) it is still taken, said to be assumed.
    let bg = Background::start(None);
    let out = init(&bg, &dir, &[])?;
    let profile = std::fs::read_to_string(dir.join("p.yaml"))?;
    if !profile.contains("\n  second:")
        || !String::from_utf8_lossy(&out.stdout).contains("found identities.second [assumed]")
    {
        return Err(format!("serve's made-up identity was not taken\n{}", text(&out)).into());
    }
    Ok(())
}

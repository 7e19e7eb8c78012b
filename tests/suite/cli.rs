//! The binary's exit codes and outputs: 0 conforms, 1 contract failure, 2 bad case
//! files, 3 unreachable target; reports written; secrets never printed or stored.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Emulator, EmulatorConfig};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{block_on, suite};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "cli::run_against_emulator_exits_0_and_writes_reports",
            conforming_run,
        ),
        Trial::test(
            "cli::broken_endpoint_exits_1_naming_case_and_check",
            broken_endpoint,
        ),
        Trial::test(
            "cli::bad_case_files_exit_2_with_file_line_field",
            bad_case_files,
        ),
        Trial::test(
            "cli::an_endpoint_down_or_wrong_stops_the_run_before_any_case",
            unreachable,
        ),
        Trial::test("cli::coverage_exits_0_without_gaps_and_1_with", coverage),
        Trial::test(
            "cli::an_unwritable_reports_folder_stops_the_run_before_any_case",
            unwritable_reports,
        ),
        Trial::test("cli::unknown_mode_exits_2", unknown_mode),
        Trial::test(
            "cli::sigv4_credentials_come_from_the_shared_files",
            shared_credentials,
        ),
        Trial::test(
            "cli::a_service_without_a_bearer_token_is_a_configuration_error",
            missing_bearer_token,
        ),
        Trial::test(
            "cli::a_named_aws_profile_that_does_not_exist_is_exit_2_whatever_is_set",
            unknown_aws_profile,
        ),
        Trial::test(
            "cli::the_command_offered_for_missing_credentials_runs",
            offered_command_runs,
        ),
        Trial::test("cli::progress_only_on_a_terminal", progress),
        Trial::test("cli::bearer_token_source_is_printed", bearer_source),
        Trial::test("cli::quiet_and_verbose", quiet_and_verbose),
        Trial::test("cli::skips_are_summed_up_by_reason", skips_by_reason),
        Trial::test(
            "cli::folders_in_the_working_directory_never_replace_the_suite",
            suite_source,
        ),
    ]
}

pub(crate) fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pat-conformance"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    // No instance-metadata probe when a run looks for SigV4 credentials: tests are
    // not on EC2, and the probe's timeouts would only slow them.
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Runs one case with a profile, its reports under `dir/reports`.
pub(crate) fn run_one(id: &str, profile: &Path, dir: &Path) -> std::io::Result<Output> {
    bin()
        .args(["run", "--id", id, "--profile"])
        .arg(profile)
        .arg("--reports")
        .arg(dir.join("reports"))
        .output()
}

/// A fresh folder for one trial, under this test process's root in the temp folder.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = temp_root().join(format!("{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The folder every [`temp_dir`] of this process is made in.
fn temp_root() -> &'static Path {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        std::env::temp_dir().join(format!("pat-conformance-tests-{}", std::process::id()))
    })
}

/// Removes every folder [`temp_dir`] made (when the trials have ended).
pub(crate) fn remove_temp_root() {
    let _ = std::fs::remove_dir_all(temp_root());
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn expect_code(out: &Output, code: i32) -> Result<(), Failed> {
    if out.status.code() != Some(code) {
        return Err(format!(
            "expected exit {code}, got {:?}\n{}",
            out.status.code(),
            text(out)
        )
        .into());
    }
    Ok(())
}

fn conforming_run() -> Result<(), Failed> {
    let reports = temp_dir("reports");
    let out = bin()
        .args(["run", "--reports"])
        .arg(&reports)
        .args(["--service", "codecatalyst"])
        .output()?;
    expect_code(&out, 0)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout
        .lines()
        .rev()
        .find(|l| l.contains(" passed, "))
        .ok_or("no summary line")?;
    if !summary.ends_with(" 0 failed, 0 skipped") {
        return Err(format!("unexpected summary `{summary}`").into());
    }
    let run_dir = std::fs::read_dir(&reports)?
        .next()
        .ok_or("no report folder")??
        .path();
    let report = std::fs::read_to_string(run_dir.join("report.json"))?;
    let junit = std::fs::read_to_string(run_dir.join("junit.xml"))?;
    if !junit.contains("<testsuites") || !junit.contains("create-returns-documented-members") {
        return Err("junit.xml lacks the cases".into());
    }
    let parsed: serde_json::Value = serde_json::from_str(&report)?;
    if parsed["summary"]["failed"] != json!(0)
        || parsed["cases"].as_array().map_or(0, |c| c.len()) < 20
    {
        return Err("report.json does not hold the run".into());
    }
    // Redaction: the emulator's bearer tokens and every CreateAccessToken secret stay out.
    let emulator_profile = block_on(async {
        Emulator::start(suite().contract.clone(), EmulatorConfig::default())
            .await
            .profile()
    });
    for def in emulator_profile.identities.values() {
        let token = def.bearer_token.as_deref().ok_or("emulator token")?;
        for (name, body) in [
            ("stdout", stdout.as_ref()),
            ("report.json", report.as_str()),
            ("junit.xml", junit.as_str()),
        ] {
            if body.contains(token) {
                return Err(format!("{name} leaks a bearer token").into());
            }
        }
    }
    let secrets_seen = report.matches(r#"\"secret\":\"<redacted>\""#).count();
    if secrets_seen == 0 || report.contains(r#"\"secret\":\"\w"#) {
        return Err("CreateAccessToken secrets are not redacted in report.json".into());
    }
    Ok(())
}

fn write_profile(dir: &Path, endpoint: &str) -> Result<PathBuf, Failed> {
    let mut profile = block_on(async {
        Emulator::start(suite().contract.clone(), EmulatorConfig::default())
            .await
            .profile()
    });
    for url in profile.endpoints.values_mut() {
        *url = endpoint.to_string();
    }
    let path = dir.join("profile.json");
    std::fs::write(&path, serde_json::to_string_pretty(&profile)?)?;
    Ok(path)
}

fn broken_endpoint() -> Result<(), Failed> {
    let rt = tokio::runtime::Runtime::new()?;
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        let body = json!({"secret": "s3cr3t-fixture", "name": "n", "expiresTime": "2027-01-01T00:00:00Z", "accessTokenId": "id"});
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_string().into_bytes(), "application/json"))
            .mount(&server)
            .await;
        Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json")).mount(&server).await;
        server
    });
    let dir = temp_dir("broken");
    let profile = write_profile(&dir, &server.uri())?;
    let out = run_one("create-returns-documented-members", &profile, &dir)?;
    expect_code(&out, 1)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "FAIL  codecatalyst::CreateAccessToken::create-returns-documented-members",
        "[status] success must be HTTP 201, got 200",
        "-201",
        "+200",
        "0 passed, 1 failed, 0 skipped",
    ] {
        if !stdout.contains(needle) {
            return Err(format!("output lacks `{needle}`\n{}", text(&out)).into());
        }
    }
    if stdout.contains("s3cr3t-fixture") {
        return Err("the PAT secret leaked to the console".into());
    }
    // A run narrowed by `--id` to a hand-written case makes no generated case, and
    // says so in its suite line.
    if !stdout.contains("none generated: the filters select no generated case") {
        return Err(format!(
            "the suite line does not say no case was generated\n{}",
            text(&out)
        )
        .into());
    }
    // The emulator's profile has vars this one case does not use: one warning names
    // them all (it was a line per var).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings = stderr.matches("warning: the profile's").count();
    if warnings != 1 || !stderr.contains("are used by no selected case") {
        return Err(format!(
            "want one warning naming the unused vars, got {warnings}\n{}",
            text(&out)
        )
        .into());
    }
    drop(server);
    Ok(())
}

fn bad_case_files() -> Result<(), Failed> {
    let out = bin()
        .args(["validate", "--cases", "tests/golden/bad-cases/cases"])
        .output()?;
    expect_code(&out, 2)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "01-unknown-field.yaml:9:9",
        "field `cases[0].steps[0].expekt`",
        "unknown field `expekt`",
        "03-wrong-error.yaml",
        "field `cases[0].steps[0].expect.error`",
    ] {
        if !stderr.contains(needle) {
            return Err(format!("stderr lacks `{needle}`\n{}", text(&out)).into());
        }
    }
    Ok(())
}

/// The preflight: an endpoint that refuses, speaks the other scheme, or answers every
/// operation 404 (a base path in the endpoint) stops the run before any case with one
/// message per endpoint and cause, exit 3; a target answering 404 with an error type
/// the model declares is the API and gets its verdicts.
fn unreachable() -> Result<(), Failed> {
    let dir = temp_dir("unreachable");
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let refused = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let bg = crate::support::Background::start(None);
    let https = bg.uri.replace("http://", "https://");
    let stopped = |endpoint: &str| -> Result<String, Failed> {
        let profile = write_profile(&dir, endpoint)?;
        let out = bin()
            .args(["run", "--profile"])
            .arg(&profile)
            .arg("--reports")
            .arg(dir.join("reports"))
            .output()?;
        expect_code(&out, 3)?;
        let printed = text(&out);
        if printed.contains("ERROR ") || printed.contains(" passed, ") {
            return Err(format!("cases ran against {endpoint}:\n{printed}").into());
        }
        // No run folder is left: an empty one would look like a killed run to sweep.
        let left = std::fs::read_dir(dir.join("reports")).map_or(0, |d| d.count());
        if left != 0 {
            return Err(format!("a refused run left {left} report folder(s)").into());
        }
        Ok(printed)
    };
    for (endpoint, says) in [
        (
            refused.clone(),
            format!("codecatalyst, iam and workmail at {refused} cannot be reached: nothing listens there: is the server running"),
        ),
        (
            https.clone(),
            format!("at {https} cannot be reached: it speaks the other scheme: use {}", bg.uri),
        ),
        (
            format!("{}/v1", bg.uri),
            "codecatalyst at".to_string() + &format!(" {}/v1 answered 404 to every operation", bg.uri),
        ),
    ] {
        let printed = stopped(&endpoint)?;
        if !printed.contains(&says) || printed.matches("cannot be reached").count() > 1 {
            return Err(format!("expected one `{says}`:\n{printed}").into());
        }
    }
    // 404 with a modelled error type is an answer of the API: the cases run (and fail).
    let rt = tokio::runtime::Runtime::new()?;
    let modelled = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(404)
                    .insert_header("x-amzn-errortype", "ResourceNotFoundException")
                    .set_body_raw("{\"message\":\"no such space\"}", "application/json"),
            )
            .mount(&server)
            .await;
        server
    });
    let profile = write_profile(&dir, &modelled.uri())?;
    let out = run_one("list-walks-every-page", &profile, &dir)?;
    expect_code(&out, 1)?;
    Ok(())
}

fn coverage() -> Result<(), Failed> {
    let dir = temp_dir("coverage");
    let md = dir.join("coverage.md");
    let out = bin()
        .args(["coverage", "--format", "markdown", "-o"])
        .arg(&md)
        .output()?;
    expect_code(&out, 0)?;
    let text_md = std::fs::read_to_string(&md)?;
    if !text_md.contains("0 gaps") || !text_md.contains("| error | `ConflictException` |") {
        return Err(format!("unexpected markdown:\n{text_md}").into());
    }
    // A cases folder without the fault and quota cases leaves gaps: exit 1, named on stderr.
    let cases = dir.join("cases/codecatalyst/CreateAccessToken");
    std::fs::create_dir_all(&cases)?;
    std::fs::write(
        cases.join("one.yaml"),
        "cases:\n  - id: one\n    title: t\n    level: must\n    source: { document: d }\n    steps: [ { operation: CreateAccessToken, input: { name: a } } ]\n",
    )?;
    let out = bin()
        .args(["coverage", "--cases"])
        .arg(dir.join("cases"))
        .output()?;
    expect_code(&out, 1)?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.contains("gap: codecatalyst::CreateAccessToken behaviour `quota` has no case") {
        return Err(format!("gaps not named:\n{}", text(&out)).into());
    }
    Ok(())
}

fn unknown_mode() -> Result<(), Failed> {
    for args in [["serve", "--mode"], ["mutants", "--mode"]] {
        let out = bin().args(args).arg("no-such-mode").output()?;
        expect_code(&out, 2)?;
        if !String::from_utf8_lossy(&out.stderr).contains("failed to find mode `no-such-mode`") {
            return Err(format!("mode not named\n{}", text(&out)).into());
        }
    }
    Ok(())
}

/// SigV4 credentials and region from a shared config and credentials file (found by
/// the AWS SDK's loader through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and
/// `--aws-profile`): the WorkMail cases pass, the source is printed, the secret never.
/// Without the profile, the default chain finds nothing and the cases are skipped.
fn shared_credentials() -> Result<(), Failed> {
    let bg = crate::support::Background::start(None);
    let keys = bg.profile.sigv4.clone().ok_or("the emulator's keys")?;
    let dir = temp_dir("shared-credentials");
    let mut profile = bg.profile.clone();
    profile.sigv4 = None;
    profile.region = None;
    for url in profile.endpoints.values_mut() {
        *url = bg.uri.clone();
    }
    let profile_path = dir.join("profile.json");
    std::fs::write(&profile_path, serde_json::to_string(&profile)?)?;
    std::fs::write(dir.join("config"), "[profile pat]\nregion = eu-west-1\n")?;
    std::fs::write(
        dir.join("credentials"),
        format!(
            "[pat]\naws_access_key_id = {}\naws_secret_access_key = {}\n{}",
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token
                .as_ref()
                .map(|t| format!("aws_session_token = {t}\n"))
                .unwrap_or_default()
        ),
    )?;
    let run = |aws_profile: Option<&str>, env_keys: bool| {
        let mut cmd = bin();
        if env_keys {
            // Keys in the environment lose to an explicitly named profile (AWS CLI).
            cmd.env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTWRONG1")
                .env("AWS_SECRET_ACCESS_KEY", "environment/secret/that/must/lose");
        } else {
            cmd.env_remove("AWS_ACCESS_KEY_ID")
                .env_remove("AWS_SECRET_ACCESS_KEY");
        }
        cmd.args([
            "run",
            "--service",
            "workmail",
            "--exclude-tag",
            "generated",
            "--profile",
        ])
        .arg(&profile_path)
        .arg("--reports")
        .arg(dir.join("reports"))
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", &dir);
        if let Some(p) = aws_profile {
            cmd.args(["--aws-profile", p]);
        }
        cmd.output()
    };
    let out = run(Some("pat"), true)?;
    expect_code(&out, 0)?;
    let printed = text(&out);
    if !printed.contains("SigV4 credentials: aws-config ProfileFile (profile `pat`)") {
        return Err(format!("the source is not printed:\n{printed}").into());
    }
    if !printed.contains("SigV4 signing region: eu-west-1") {
        return Err(format!("the signing region is not printed:\n{printed}").into());
    }
    if printed.contains(&keys.secret_access_key) {
        return Err("the secret key was printed".into());
    }
    if !printed.contains(" 0 failed, 0 skipped") {
        return Err(format!("not every WorkMail case ran and passed:\n{printed}").into());
    }
    // No credentials, a profile that does not exist: configuration errors, not a
    // green run that skipped everything.
    for (aws_profile, says) in [
        (None, "failed to find credentials for workmail: no SigV4 credentials"),
        (
            Some("nope"),
            "profile `nope` is not defined in the shared config or credentials files (they define: pat)",
        ),
    ] {
        let out = run(aws_profile, false)?;
        expect_code(&out, 2)?;
        let printed = text(&out);
        if !printed.contains(says) || printed.contains(" passed, ") {
            return Err(format!("{aws_profile:?}: expected `{says}`:\n{printed}").into());
        }
    }
    Ok(())
}

/// A selected bearer-token service without a token for its default identity is a
/// configuration error naming where the token was looked for and the fix.
fn missing_bearer_token() -> Result<(), Failed> {
    let dir = temp_dir("missing-bearer");
    let cases = [
        ("{}", "$AWS_BEARER_TOKEN_CODECATALYST is not set"),
        (
            "{\"identities\": {\"default\": {\"bearer_token_env\": \"PAT_NOT_SET_ANYWHERE\"}}}",
            "$PAT_NOT_SET_ANYWHERE is not set",
        ),
    ];
    for (i, (profile, says)) in cases.iter().enumerate() {
        let path = dir.join(format!("p{i}.json"));
        std::fs::write(&path, profile)?;
        let out = bin()
            .args(["run", "--endpoint", "http://127.0.0.1:9", "--profile"])
            .arg(&path)
            .arg("--reports")
            .arg(dir.join("r"))
            .env_remove("AWS_BEARER_TOKEN_CODECATALYST")
            .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE12")
            .env("AWS_SECRET_ACCESS_KEY", "example/secret/key/value")
            .output()?;
        expect_code(&out, 2)?;
        let printed = text(&out);
        let fix = "or leave codecatalyst out: --service iam --service workmail";
        // The variable to set is the one the profile names, if it names one.
        let var = says.trim_start_matches('$').split(' ').next().unwrap_or("");
        if !printed.contains(says)
            || !printed.contains(fix)
            || !printed.contains(&format!("; set {var} or"))
        {
            return Err(format!("expected `{says}` and `{fix}`:\n{printed}").into());
        }
    }
    Ok(())
}

/// `--aws-profile NAME` or `AWS_PROFILE=NAME` for a profile the shared files do not
/// define is exit 2 naming it, with or without keys in the environment (they once stood
/// in for it: "SigV4 credentials: none", then every SigV4 case ran) and whatever the
/// SDK's chain would have tried next (`AWS_PROFILE` once said "failed to load IMDS
/// session token").
fn unknown_aws_profile() -> Result<(), Failed> {
    let dir = temp_dir("unknown-aws-profile");
    std::fs::write(dir.join("config"), "[profile pat]\nregion = eu-west-1\n")?;
    for (by_flag, keys) in [(true, true), (true, false), (false, true), (false, false)] {
        let mut cmd = bin();
        cmd.args(["run", "--endpoint", "http://127.0.0.1:9", "--reports"])
            .arg(dir.join("r"))
            .env("AWS_CONFIG_FILE", dir.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_BEARER_TOKEN_CODECATALYST", "token")
            .env("HOME", &dir)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        if by_flag {
            cmd.args(["--aws-profile", "doesnotexist"]);
        } else {
            cmd.env("AWS_PROFILE", "doesnotexist");
        }
        if keys {
            cmd.env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test");
        }
        let out = cmd.output()?;
        let printed = text(&out);
        let by = if by_flag {
            "--aws-profile"
        } else {
            "AWS_PROFILE"
        };
        let says = format!(
            "failed to use AWS profile `doesnotexist` (named by {by}): profile `doesnotexist` is not defined in the shared config or credentials files (they define: pat)"
        );
        if out.status.code() != Some(2) || !printed.contains(&says) || printed.contains(" passed, ")
        {
            return Err(
                format!("{by}, keys {keys}: expected exit 2 and `{says}`:\n{printed}").into(),
            );
        }
    }
    Ok(())
}

/// With only a bearer token, the error offers a command that leaves out every service
/// without credentials (it once offered `--service codecatalyst --service workmail`,
/// which then failed on WorkMail); that command, run as offered, passes.
fn offered_command_runs() -> Result<(), Failed> {
    let bg = crate::support::Background::start(None);
    let dir = temp_dir("offered-command");
    let mut profile = bg.profile.clone();
    profile.sigv4 = None;
    for url in profile.endpoints.values_mut() {
        *url = bg.uri.clone();
    }
    let path = dir.join("bearer-only.json");
    std::fs::write(&path, serde_json::to_string(&profile)?)?;
    let run = |extra: &[&str]| {
        bin()
            .args(["run", "--quiet", "--profile"])
            .arg(&path)
            .arg("--reports")
            .arg(dir.join("r"))
            .args(extra)
            .env("AWS_CONFIG_FILE", dir.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", &dir)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .output()
    };
    let out = run(&[])?;
    expect_code(&out, 2)?;
    let printed = text(&out);
    let offered = printed
        .lines()
        .find_map(|l| l.split_once("; or leave iam and workmail out: "))
        .map(|(_, args)| args.trim().to_string())
        .ok_or_else(|| format!("no command that leaves both SigV4 services out:\n{printed}"))?;
    let args: Vec<&str> = offered.split_whitespace().collect();
    if args != ["--service", "codecatalyst"] {
        return Err(format!("offered `{offered}`").into());
    }
    let out = run(&args)?;
    expect_code(&out, 0)?;
    if !text(&out).contains(" passed, 0 failed") {
        return Err(format!("the offered command did not pass:\n{}", text(&out)).into());
    }
    Ok(())
}

/// What marks the live progress line.
const PROGRESS: &str = " cases \u{b7} ";

/// Off a terminal (a pipe, as in CI) no progress line is drawn; on a terminal (a
/// pseudo-terminal from `script`) it is, the per-case lines stay whole, and `CI` set
/// turns it off again.
fn progress() -> Result<(), Failed> {
    let dir = temp_dir("progress");
    let reports = dir.join("reports");
    let out = bin().arg("run").arg("--reports").arg(&reports).output()?;
    expect_code(&out, 0)?;
    if text(&out).contains(PROGRESS) {
        return Err(format!("a progress line off a terminal:\n{}", text(&out)).into());
    }
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("`script` is not installed: the terminal half of this trial did not run");
        return Ok(());
    }
    let binary = env!("CARGO_BIN_EXE_pat-conformance");
    let on_tty = |ci: bool| -> Result<String, Failed> {
        let log = dir.join(format!("tty-{ci}.log"));
        let mut cmd = Command::new("script");
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("-qfec")
            // `--verbose`: a line for every case, passes included.
            .arg(format!(
                "{binary} run --verbose --reports {}",
                reports.display()
            ))
            .arg(&log)
            .env_remove("CI");
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                cmd.env_remove(k);
            }
        }
        if ci {
            cmd.env("CI", "true");
        }
        expect_code(&cmd.output()?, 0)?;
        Ok(String::from_utf8_lossy(&std::fs::read(&log)?).into_owned())
    };
    let tty = on_tty(false)?;
    if !tty.contains(PROGRESS) {
        return Err(format!("no progress line on a terminal:\n{tty}").into());
    }
    // The progress line is redrawn with carriage returns: between them, a per-case
    // line must stand alone, whole, never run into the progress text.
    let mixed = tty
        .split(['\r', '\n'])
        .filter(|seg| seg.contains("PASS "))
        .find(|seg| seg.contains(PROGRESS) || !seg.trim_end().ends_with(" ms)"));
    if let Some(seg) = mixed {
        return Err(format!("a per-case line ran into the progress line: {seg:?}").into());
    }
    if on_tty(true)?.contains(PROGRESS) {
        return Err("a progress line in CI".into());
    }
    Ok(())
}

/// `--quiet` prints the closing lines only; `--verbose` adds every exchange.
fn quiet_and_verbose() -> Result<(), Failed> {
    let dir = temp_dir("verbosity");
    let run = |flag: &str| {
        bin()
            .args(["run", "--id", "wm-get-unknown-token", flag, "--reports"])
            .arg(dir.join("reports"))
            .output()
    };
    let quiet = text(&run("--quiet")?);
    if quiet.contains("PASS") || !quiet.contains("1 passed, 0 failed, 0 skipped") {
        return Err(format!("--quiet:\n{quiet}").into());
    }
    let verbose = text(&run("--verbose")?);
    // Status lines and headers, redacted: the signature never shows.
    if !verbose.contains("step 1 GetPersonalAccessTokenMetadata: POST")
        || !verbose.contains("< HTTP 400 Bad Request")
        || !verbose
            .to_lowercase()
            .contains("> x-amz-target: workmailservice.getpersonalaccesstokenmetadata")
        || !verbose
            .to_lowercase()
            .contains("< content-type: application/x-amz-json-1.1")
        || verbose.contains("Signature=")
    {
        return Err(format!("--verbose:\n{verbose}").into());
    }
    Ok(())
}

/// A run against a remote target says where the bearer token comes from, never the
/// token: the profile, or the variable (set or not).
fn bearer_source() -> Result<(), Failed> {
    let bg = crate::support::Background::start(None);
    let dir = temp_dir("bearer-source");
    let profile = bg.write_profile(&dir);
    let token = bg
        .profile
        .identities
        .get(&pat_conformance::case::Identity::Default)
        .and_then(|d| d.bearer_token.clone())
        .ok_or("the emulator's token")?;
    let out = run_one("create-returns-documented-members", &profile, &dir)?;
    expect_code(&out, 0)?;
    let printed = text(&out);
    if !printed.contains("bearer token for codecatalyst: the target profile") {
        return Err(format!("no bearer source:\n{printed}").into());
    }
    if printed.contains(&token) {
        return Err("the bearer token was printed".into());
    }
    Ok(())
}

/// Skipped cases are not a line each: one closing line sums them up by reason, most
/// first, the counts adding up to the summary's; `--verbose` still lists each.
fn skips_by_reason() -> Result<(), Failed> {
    let bg = crate::support::Background::start(None);
    let dir = temp_dir("skips");
    let mut profile = bg.profile.clone();
    profile.capabilities.clear();
    let path = dir.join("profile.json");
    std::fs::write(&path, serde_json::to_string(&profile)?)?;
    let run = |verbose: bool| {
        let mut cmd = bin();
        cmd.args(["run", "--service", "workmail", "--profile"])
            .arg(&path)
            .arg("--reports")
            .arg(dir.join("reports"));
        if verbose {
            cmd.arg("--verbose");
        }
        cmd.output()
    };
    let out = run(false)?;
    expect_code(&out, 0)?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if stdout.lines().any(|l| l.starts_with("SKIP")) {
        return Err(format!("a line per skipped case:\n{stdout}").into());
    }
    let grouped = stdout
        .lines()
        .find(|l| l.contains(" not run: "))
        .ok_or_else(|| format!("no grouped skip line:\n{stdout}"))?;
    let (head, groups) = grouped.split_once(" not run: ").ok_or("shape")?;
    // `18 of 106 not run`: the skips, of every case selected.
    let (total, selected) = head.split_once(" of ").ok_or("no `N of M`")?;
    if !stdout.contains(&format!(": {selected} cases against")) {
        return Err(
            format!("`{head}` does not count against the {selected} cases run:\n{stdout}").into(),
        );
    }
    let counts: Vec<usize> = groups
        .split("; ")
        .map(|g| g.split(' ').next().unwrap_or("").parse().unwrap_or(0))
        .collect();
    let summary = stdout
        .lines()
        .find(|l| l.ends_with(&format!(" {total} skipped")))
        .ok_or_else(|| format!("the summary does not count {total} skipped:\n{stdout}"))?;
    if counts.iter().sum::<usize>().to_string() != total
        || counts.windows(2).any(|w| w[0] < w[1])
        || !groups.contains("lacks capability `fault-injection`")
    {
        return Err(format!("`{grouped}` does not add up to `{summary}`").into());
    }
    let verbose = String::from_utf8_lossy(&run(true)?.stdout).into_owned();
    let listed = verbose.lines().filter(|l| l.starts_with("SKIP")).count();
    if listed.to_string() != total {
        return Err(format!("--verbose lists {listed} skipped cases, not {total}").into());
    }
    Ok(())
}

/// A `cases/` or `specs/` folder in the working directory is not picked up: the built-in
/// suite runs and the run says so. `--add-cases` adds a folder of one's own, `--cases`
/// replaces the built-in cases; each says which suite ran.
fn suite_source() -> Result<(), Failed> {
    let dir = temp_dir("stray");
    let own = "cases:\n  - id: my-own-list\n    title: My own list case\n    level: must\n    \
               source: { document: seeds/000_e8de8842c077f848.txt, member: items }\n    \
               steps:\n      - operation: ListAccessTokens\n        input: {}\n";
    for folder in ["cases", "mine"] {
        let ops = dir.join(folder).join("codecatalyst/ListAccessTokens");
        std::fs::create_dir_all(&ops)?;
        std::fs::write(ops.join("own.yaml"), own)?;
    }
    // An unrelated specs folder: not a suite's at all.
    std::fs::create_dir_all(dir.join("specs"))?;
    std::fs::write(dir.join("specs/openapi.yaml"), "openapi: 3.0.0\n")?;
    let run = |extra: &[&str]| {
        bin()
            .current_dir(&dir)
            .args(["run", "--quiet", "--reports", "reports"])
            .args(extra)
            .output()
    };
    let default = run(&[])?;
    expect_code(&default, 0)?;
    let printed = text(&default);
    let builtin = suite().cases.len();
    let says = format!(
        "suite: built-in specs and cases of pat-conformance {} ({builtin} cases)",
        env!("CARGO_PKG_VERSION")
    );
    if !printed.contains(&says) || !printed.contains(&format!("{builtin} passed")) {
        return Err(format!("expected `{says}`, all passing:\n{printed}").into());
    }
    let added = run(&["--add-cases", "mine"])?;
    expect_code(&added, 0)?;
    let printed = text(&added);
    if !printed.contains(&format!("({builtin} cases) + 1 case from mine"))
        || !printed.contains(&format!("{} passed", builtin + 1))
    {
        return Err(format!("--add-cases:\n{printed}").into());
    }
    let replaced = run(&["--cases", "cases"])?;
    expect_code(&replaced, 0)?;
    let printed = text(&replaced);
    if !printed.contains("cases from cases instead of the built-in ones") {
        return Err(format!("--cases:\n{printed}").into());
    }
    Ok(())
}

/// A reports folder that cannot be made (here: under a file; a container user without
/// write access gets the same) is found before any case: exit 2, nothing created on
/// the target, nothing printed but the error.
fn unwritable_reports() -> Result<(), Failed> {
    let dir = temp_dir("unwritable-reports");
    std::fs::write(dir.join("blocker"), "a file, not a folder")?;
    let out = bin()
        .args(["run", "--service", "codecatalyst", "--reports"])
        .arg(dir.join("blocker").join("reports"))
        .output()?;
    expect_code(&out, 2)?;
    let all = text(&out);
    if !all.contains("failed to write reports to") || !all.contains("nothing was run") {
        return Err(format!("the error does not say what failed:\n{all}").into());
    }
    if all.contains("PASS") || all.contains("cleanup: created") {
        return Err(
            format!("cases ran although their reports could not be written:\n{all}").into(),
        );
    }
    Ok(())
}

//! CI gating: baselines, redaction over every output, sharding and merging, the report
//! schema, a self-contained HTML report, and snapshots of the rendered formats.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply};
use pat_conformance::mutants::deviations;
use pat_conformance::outcome::Status;
use pat_conformance::report::{self, JsonReport};
use pat_conformance::runner;
use serde_json::{json, Value};

use crate::cli::{bin, expect_code, temp_dir, text};
use crate::support::{block_on, suite, Background};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("reports::baseline_gates_on_regressions_only", baseline_gate),
        Trial::test("reports::redaction_in_every_output", redaction),
        Trial::test("reports::shards_merge_to_the_whole_run", shards),
        Trial::test("reports::report_json_matches_its_schema", schema),
        Trial::test("reports::reports_stream_from_the_journal", journal),
        Trial::test("reports::html_is_self_contained", html),
        Trial::test("reports::rendered_formats_snapshot", snapshots),
        Trial::test(
            "reports::diff_normalises_run_unique_values",
            diff_normalises,
        ),
        Trial::test("reports::emulator_baseline_is_current", emulator_baseline),
        Trial::test("reports::html_renders_offline_in_chromium", html_in_browser)
            .with_ignored_flag(chromium().is_none()),
    ]
}

fn run_cli(
    args: &[&str],
    extra: &[&Path],
    env: &[(&str, &Path)],
) -> Result<std::process::Output, Failed> {
    let mut cmd = bin();
    cmd.args(args);
    for p in extra {
        cmd.arg(p);
    }
    cmd.env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd.output()?)
}

fn write(path: &Path, text: &str) -> Result<PathBuf, Failed> {
    std::fs::write(path, text)?;
    Ok(path.to_path_buf())
}

const GATED: [&str; 4] = [
    "--id",
    "create-returns-documented-members",
    "--id",
    "delete-unknown-id",
];

fn gated_run(
    profile: &Path,
    reports: &Path,
    baseline: &Path,
    update: bool,
) -> Result<std::process::Output, Failed> {
    let mut args = vec!["run"];
    args.extend(GATED);
    if update {
        args.push("--update-baseline");
    }
    let mut cmd = bin();
    cmd.args(&args)
        .arg("--profile")
        .arg(profile)
        .arg("--reports")
        .arg(reports)
        .arg("--baseline")
        .arg(baseline)
        .env_remove("GITHUB_ACTIONS");
    Ok(cmd.output()?)
}

/// A regression exits 1, a known failure exits 0, a new failing case exits 1, a fixed
/// case is reported, and `--update-baseline` rewrites the file.
fn baseline_gate() -> Result<(), Failed> {
    let dir = temp_dir("baseline");
    let broken_mode = deviations()
        .into_iter()
        .find(|m| m.name == "create-answers-200")
        .ok_or("mode")?;
    let broken = Background::start(broken_mode.middleware.clone());
    let broken_profile = broken.write_profile(&temp_dir("broken"));
    let all_pass = write(&dir.join("pass.yaml"), "cases:\n  create-returns-documented-members: { expect: pass }\n  delete-unknown-id: { expect: pass }\n")?;
    let known = "cases:\n  create-returns-documented-members: { expect: fail, reason: \"answers 200\", link: \"https://example.com/issue/1\" }\n  delete-unknown-id: { expect: pass }\n";
    let known_fail = write(&dir.join("known.yaml"), known)?;
    let without = write(
        &dir.join("new.yaml"),
        "cases:\n  delete-unknown-id: { expect: pass }\n",
    )?;

    let out = gated_run(&broken_profile, &dir, &all_pass, false)?;
    expect_code(&out, 1)?;
    if !String::from_utf8_lossy(&out.stdout)
        .contains("REGRESSED  create-returns-documented-members")
    {
        return Err(format!("regression not named\n{}", text(&out)).into());
    }
    let out = gated_run(&broken_profile, &dir, &known_fail, false)?;
    expect_code(&out, 0)?;
    if !String::from_utf8_lossy(&out.stdout).contains("1 known failures") {
        return Err(format!("known failure not counted\n{}", text(&out)).into());
    }
    let out = gated_run(&broken_profile, &dir, &without, false)?;
    expect_code(&out, 1)?;
    if !String::from_utf8_lossy(&out.stdout)
        .contains("NEW FAIL   create-returns-documented-members")
    {
        return Err(format!("new failure not named\n{}", text(&out)).into());
    }
    drop(broken);

    let good = Background::start(None);
    let good_profile = good.write_profile(&temp_dir("good"));
    let out = gated_run(&good_profile, &dir, &known_fail, false)?;
    expect_code(&out, 0)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.contains("FIXED      create-returns-documented-members") {
        return Err(format!("fixed case not reported\n{}", text(&out)).into());
    }
    let report_md = newest_file(&dir, "report.md")?;
    if !std::fs::read_to_string(report_md)?.contains("Fixed (update the baseline)") {
        return Err("report.md lacks the fixed section".into());
    }
    let out = gated_run(&good_profile, &dir, &known_fail, true)?;
    expect_code(&out, 0)?;
    let rewritten = std::fs::read_to_string(&known_fail)?;
    if rewritten == known
        || !rewritten.contains("create-returns-documented-members: { expect: pass }")
        || !rewritten.contains("delete-unknown-id: { expect: pass }")
    {
        return Err(format!("--update-baseline did not rewrite the file:\n{rewritten}").into());
    }
    Ok(())
}

fn newest_file(root: &Path, name: &str) -> Result<PathBuf, Failed> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(name).is_file())
        .collect();
    dirs.sort_by_key(|p| {
        std::fs::metadata(p.join(name))
            .and_then(|m| m.modified())
            .ok()
    });
    Ok(dirs.pop().ok_or("no report")?.join(name))
}

const PLANTED_SECRET: &str = "plantedPatSecretQ7w9Zx31Lm";
const PLANTED_BEARERS: [&str; 3] = [
    "planted-bearer-default-8c1f",
    "planted-bearer-second-42aa",
    "planted-bearer-limited-9d0e",
];
const PLANTED_SECRET_KEY: &str = "plantedSigV4SecretKey/Zq8Rt5";
const PLANTED_SESSION: &str = "plantedSessionTokenFwoGZXIvYXdzE";

/// The emulator, except that every PAT secret is the planted one and the target leaks
/// it into list items and error messages (so the redactor is tested where a target
/// misbehaves, too).
struct Planting(Arc<AtomicUsize>);

impl Middleware for Planting {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> Reply,
    ) -> Reply {
        let mut reply = inner(req);
        let mut body = reply.json_body().unwrap_or(Value::Null);
        let path = req.url.path();
        let ok = (200..300).contains(&reply.status);
        if req.method.as_str() == "PUT" && ok {
            body["secret"] = json!(PLANTED_SECRET);
            self.0.fetch_add(1, Ordering::SeqCst);
        } else if req.method.as_str() == "POST" && path == "/v1/accessTokens" && ok {
            if let Some(items) = body["items"].as_array_mut() {
                items
                    .iter_mut()
                    .for_each(|i| i["secret"] = json!(PLANTED_SECRET));
            }
        } else if !ok && body.get("message").is_some() {
            body["message"] = json!(format!("failed; your secret is {PLANTED_SECRET}"));
        }
        if !body.is_null() {
            reply.set_json_body(&body);
        }
        reply
    }
}

fn planted_profile(bg: &Background, dir: &Path) -> Result<PathBuf, Failed> {
    let mut profile = serde_json::to_value(&bg.profile)?;
    for (name, token) in ["default", "second", "limited"].iter().zip(PLANTED_BEARERS) {
        profile["identities"][name]["bearer_token"] = json!(token);
    }
    profile["sigv4"]["secret_access_key"] = json!(PLANTED_SECRET_KEY);
    profile["sigv4"]["session_token"] = json!(PLANTED_SESSION);
    for url in profile["endpoints"]
        .as_object_mut()
        .ok_or("endpoints")?
        .values_mut()
    {
        *url = json!(bg.uri);
    }
    write(
        &dir.join("profile.json"),
        &serde_json::to_string_pretty(&profile)?,
    )
}

fn all_files(root: &Path, into: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                all_files(&p, into);
            } else {
                into.push(p);
            }
        }
    }
}

/// Plants known secrets (PAT secret, bearer tokens, SigV4 secret key, session token)
/// and scans every stream and file of run, shard runs, merge and diff for them.
fn redaction() -> Result<(), Failed> {
    let planted = Arc::new(AtomicUsize::new(0));
    let bg = Background::start(Some(Arc::new(Planting(planted.clone()))));
    let dir = temp_dir("redaction");
    let profile = planted_profile(&bg, &dir)?;
    let (whole, shards, merged) = (dir.join("whole"), dir.join("shards"), dir.join("merged"));
    let summary = dir.join("step-summary.md");
    let baseline = suite_file("reports/baseline-emulator.yaml");
    let env = [
        ("GITHUB_ACTIONS", Path::new("true")),
        ("GITHUB_STEP_SUMMARY", summary.as_path()),
    ];
    let mut outputs = Vec::new();
    let out = run_cli(
        &["run", "--profile"],
        &[
            &profile,
            Path::new("--reports"),
            &whole,
            Path::new("--baseline"),
            &baseline,
        ],
        &env,
    )?;
    expect_code(&out, 1)?;
    outputs.push(out);
    for shard in ["1/2", "2/2"] {
        let out = run_cli(
            &["run", "--shard", shard, "--profile"],
            &[&profile, Path::new("--reports"), &shards],
            &env,
        )?;
        outputs.push(out);
    }
    let mut shard_reports = Vec::new();
    all_files(&shards, &mut shard_reports);
    shard_reports.retain(|p| p.ends_with("report.json"));
    let refs: Vec<&Path> = shard_reports.iter().map(PathBuf::as_path).collect();
    let mut merge_args: Vec<&Path> = refs.clone();
    merge_args.extend([Path::new("--out"), merged.as_path()]);
    let out = run_cli(&["report", "merge"], &merge_args, &env)?;
    expect_code(&out, 1)?;
    outputs.push(out);
    let whole_json = newest_file(&whole, "report.json")?;
    let diff_md = dir.join("diff.md");
    outputs.push(run_cli(
        &["diff"],
        &[&whole_json, &merged.join("report.json")],
        &[],
    )?);
    outputs.push(run_cli(
        &["diff", "--format", "markdown", "-o"],
        &[&diff_md, &whole_json, &merged.join("report.json")],
        &[],
    )?);

    if planted.load(Ordering::SeqCst) == 0 {
        return Err("the planted secret never went on the wire".into());
    }
    let mut texts: Vec<(String, String)> = outputs
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            [
                (
                    format!("stdout of command {i}"),
                    String::from_utf8_lossy(&o.stdout).into_owned(),
                ),
                (
                    format!("stderr of command {i}"),
                    String::from_utf8_lossy(&o.stderr).into_owned(),
                ),
            ]
        })
        .collect();
    let mut files = Vec::new();
    all_files(&dir, &mut files);
    files.retain(|p| !p.ends_with("profile.json"));
    for f in &files {
        texts.push((f.display().to_string(), std::fs::read_to_string(f)?));
    }
    let formats = [
        "report.json",
        "junit.xml",
        "report.md",
        "report.html",
        "step-summary.md",
        "diff.md",
    ];
    for name in formats {
        if !files.iter().any(|f| f.ends_with(name)) {
            return Err(format!("no {name} was written").into());
        }
    }
    if !texts.iter().any(|(_, t)| t.contains("::error file=")) {
        return Err("no GitHub annotation was printed".into());
    }
    let mut needles = vec![
        PLANTED_SECRET,
        PLANTED_SECRET_KEY,
        PLANTED_SESSION,
        "Signature=",
    ];
    needles.extend(PLANTED_BEARERS);
    for (name, body) in &texts {
        for needle in &needles {
            if body.contains(needle) {
                return Err(format!("{name} contains `{needle}`").into());
            }
        }
    }
    if !texts.iter().any(|(_, t)| t.contains("<redacted>")) {
        return Err("nothing was redacted: the scan proves nothing".into());
    }
    Ok(())
}

fn suite_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn collect_report(cases: Vec<pat_conformance::case::Case>) -> JsonReport {
    block_on(crate::support::run_report(cases, None))
}

/// Two shards merged give the same per-case outcomes as one unsharded run.
fn shards() -> Result<(), Failed> {
    let all = suite().cases.clone();
    let whole = collect_report(all.clone());
    let one = collect_report(runner::shard(all.clone(), 1, 2));
    let two = collect_report(runner::shard(all.clone(), 2, 2));
    if one.cases.is_empty() || two.cases.is_empty() {
        return Err("a shard is empty".into());
    }
    let merged = report::merge(vec![one, two])?;
    let outcomes = |r: &JsonReport| -> BTreeMap<String, Status> {
        r.cases.iter().map(|c| (c.full_name(), c.status)).collect()
    };
    if outcomes(&merged) != outcomes(&whole) || merged.summary != whole.summary {
        return Err("merged shards differ from the whole run".into());
    }
    if merged.cases.len() != all.len() {
        return Err(format!("merged {} of {} cases", merged.cases.len(), all.len()).into());
    }
    let again = runner::shard(all.clone(), 1, 2);
    if again
        .iter()
        .map(|c| &c.id)
        .ne(runner::shard(all, 1, 2).iter().map(|c| &c.id))
    {
        return Err("sharding is not deterministic".into());
    }
    if report::merge(vec![merged.clone(), merged]).is_ok() {
        return Err("merging a case twice must fail".into());
    }
    Ok(())
}

fn sample_report() -> JsonReport {
    let ids = [
        "create-returns-documented-members",
        "delete-unknown-id",
        "gen-create-access-token-name-length-above-max",
    ];
    let cases = suite()
        .cases
        .iter()
        .filter(|c| ids.contains(&c.id.as_str()))
        .cloned()
        .collect();
    collect_report(cases)
}

fn schema() -> Result<(), Failed> {
    let dir = temp_dir("schema");
    let sample = sample_report();
    report::write_all(&dir, &sample)?;
    // Streamed case by case, report.json is what serialising the whole report gives.
    if std::fs::read_to_string(dir.join("report.json"))? != serde_json::to_string(&sample)? {
        return Err("the streamed report.json differs from the serialised report".into());
    }
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(suite_file(
        "specs/report.schema.json",
    ))?)?;
    let instance: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json"))?)?;
    let validator = jsonschema::validator_for(&schema)?;
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(format!("report.json breaks specs/report.schema.json: {errors:?}").into());
    }
    let loaded = JsonReport::load(&dir.join("report.json"))?;
    if loaded.cases.len() != 3 {
        return Err("the report does not load back".into());
    }
    Ok(())
}

/// A run writes each case to `journal.jsonl` as it ends; every report is rendered from
/// it and holds each case exactly as the journal does.
fn journal() -> Result<(), Failed> {
    let root = temp_dir("journal");
    let out = run_cli(&["run", "--tag", "smoke", "--reports"], &[&root], &[])?;
    expect_code(&out, 0)?;
    let journal = newest_file(&root, "journal.jsonl")?;
    let dir = journal.parent().ok_or("no report folder")?;
    let lines: Vec<Value> = std::fs::read_to_string(&journal)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let first = lines.first().and_then(|l| l.get("started"));
    let last = lines.last().and_then(|l| l.get("finished"));
    if first.is_none() || last.is_none() {
        return Err("the journal does not start with `started` and end with `finished`".into());
    }
    let mut from_journal = BTreeMap::new();
    for pair in lines[1..lines.len() - 1].chunks(2) {
        let (Some(case), Some(exchanges)) = (
            pair[0].get("case"),
            pair.get(1).and_then(|l| l.get("exchanges")),
        ) else {
            return Err(format!("not a case and its exchanges: {pair:?}").into());
        };
        let mut case = case.clone();
        case["exchanges"] = exchanges.clone();
        from_journal.insert(case["id"].as_str().unwrap_or_default().to_string(), case);
    }
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json"))?)?;
    let cases = report["cases"].as_array().ok_or("no cases")?;
    if cases.len() != from_journal.len() || cases.len() < 3 {
        return Err(format!(
            "{} cases in report.json, {} in the journal",
            cases.len(),
            from_journal.len()
        )
        .into());
    }
    let mut previous = String::new();
    for case in cases {
        let name = format!(
            "{}::{}::{}",
            case["service"].as_str().unwrap_or_default(),
            case["operation"].as_str().unwrap_or_default(),
            case["id"].as_str().unwrap_or_default()
        );
        if name < previous {
            return Err(format!("report.json is not sorted: {name} after {previous}").into());
        }
        previous = name;
        if from_journal.get(case["id"].as_str().unwrap_or_default()) != Some(case) {
            return Err(format!("report.json and the journal differ on {}", case["id"]).into());
        }
        if case["exchanges"].as_array().is_none_or(|x| x.is_empty()) {
            return Err(format!("{} lost its exchanges", case["id"]).into());
        }
    }
    let junit = std::fs::read_to_string(dir.join("junit.xml"))?;
    let html = std::fs::read_to_string(dir.join("report.html"))?;
    for id in from_journal.keys() {
        if !junit.contains(&format!("name=\"{id}\"")) || !html.contains(id.as_str()) {
            return Err(format!("{id} is missing from junit.xml or report.html").into());
        }
    }
    Ok(())
}

fn html() -> Result<(), Failed> {
    let page = report::render::html(&sample_report());
    for forbidden in [
        "src=",
        "<link",
        "url(",
        "@import",
        "<iframe",
        "fetch(",
        "XMLHttpRequest",
        "WebSocket",
    ] {
        if page.contains(forbidden) {
            return Err(format!("report.html needs the network: `{forbidden}`").into());
        }
    }
    // One inline script (filters, lazy bodies, anchors), reaching nothing outside.
    if page.matches("<script").count() != 1 {
        return Err("report.html must hold exactly its one inline script".into());
    }
    for needed in [
        "<style>",
        "create-returns-documented-members",
        "HTTP 201",
        "<details",
    ] {
        if !page.contains(needed) {
            return Err(format!("report.html lacks `{needed}`").into());
        }
    }
    Ok(())
}

/// A fixed report (no run-unique values) rendered in every format.
fn fixture() -> JsonReport {
    let text =
        std::fs::read_to_string(suite_file("tests/golden/report-fixture.json")).expect("fixture");
    serde_json::from_str(&text).expect("fixture parses")
}

fn snapshots() -> Result<(), Failed> {
    let r = fixture();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(suite_file("tests/golden/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    // libtest-mimic turns a panicking assertion into a failed trial.
    settings.bind(|| {
        insta::assert_snapshot!("report.md", report::render::markdown(&r));
        insta::assert_snapshot!("junit.xml", report::render::junit(&r).expect("junit"));
        insta::assert_snapshot!("report.html", report::render::html(&r));
        let mut newer = r.clone();
        newer.cases[0].status = Status::Pass;
        newer.cases[0].failures.clear();
        if let Some(resp) = newer.cases[0].exchanges[0].response.as_mut() {
            resp.status = 201;
        }
        let d = report::diff::diff(&r, &newer, &suite().contract);
        insta::assert_snapshot!("diff.txt", report::diff::terminal(&d));
    });
    Ok(())
}

/// Responses that differ only in ids, secrets, tokens and timestamps are not a change.
fn diff_normalises() -> Result<(), Failed> {
    // From the specs: identifiers, page tokens, sensitive members.
    let volatile: Vec<String> = suite().contract.volatile_members().into_iter().collect();
    let expected = [
        "Marker",
        "NextToken",
        "PersonalAccessTokenId",
        "RequestId",
        "ServiceCredentialAlias",
        "ServiceCredentialSecret",
        "ServicePassword",
        "ServiceSpecificCredentialId",
        "accessTokenId",
        "id",
        "nextToken",
        "secret",
    ];
    if volatile != expected {
        return Err(format!("volatile members {volatile:?}, expected {expected:?}").into());
    }
    // The whole suite twice: random names of one letter, ids that name nothing echoed
    // in messages, unknown organizations — none is a change.
    let a = collect_report(suite().cases.clone());
    let mut b = collect_report(suite().cases.clone());
    let d = report::diff::diff(&a, &b, &suite().contract);
    if !d.changes.is_empty() || d.compared != suite().cases.len() {
        return Err(format!(
            "two conforming runs differ:\n{}",
            report::diff::terminal(&d)
        )
        .into());
    }
    // A real change still shows: a made-up value echoed where another word was.
    let case = b
        .cases
        .iter_mut()
        .find(|c| c.id == "wm-get-unknown-token")
        .ok_or("wm-get-unknown-token")?;
    let response = case.exchanges[0].response.as_mut().ok_or("a response")?;
    response.body = response.body.replace("not found", "not fund");
    let d = report::diff::diff(&a, &b, &suite().contract);
    if d.changes.len() != 1 {
        return Err(format!(
            "the changed message is not shown:\n{}",
            report::diff::terminal(&d)
        )
        .into());
    }
    Ok(())
}

/// The committed baseline lists every case as passing, and the emulator meets it.
fn emulator_baseline() -> Result<(), Failed> {
    let path = suite_file("reports/baseline-emulator.yaml");
    let baseline = report::baseline::Baseline::load(&path)?;
    let ids: Vec<&String> = suite().cases.iter().map(|c| &c.id).collect();
    let listed: Vec<&String> = baseline.cases.keys().collect();
    let mut sorted = ids.clone();
    sorted.sort();
    if sorted != listed {
        return Err("reports/baseline-emulator.yaml does not list exactly the bundled cases (run with --update-baseline)".into());
    }
    let dir = temp_dir("emulator-baseline");
    let out = run_cli(
        &["run", "--reports"],
        &[&dir, Path::new("--baseline"), &path],
        &[],
    )?;
    expect_code(&out, 0)?;
    if !String::from_utf8_lossy(&out.stdout)
        .contains("baseline: 0 regressed, 0 new failures, 0 fixed, 0 known failures")
    {
        return Err(format!("unexpected baseline verdict\n{}", text(&out)).into());
    }
    Ok(())
}

/// Chromium, if this machine has it (`.ci/run` installs it where it can).
pub(crate) fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Opens report.html in headless Chromium with every network route closed, and checks
/// the rendered page holds the cases and their diffs.
fn html_in_browser() -> Result<(), Failed> {
    let browser = chromium().ok_or("no chromium")?;
    let dir = temp_dir("html-browser");
    let page = dir.join("report.html");
    write(&page, &report::render::html(&fixture()))?;
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()?;
    let dom = String::from_utf8_lossy(&out.stdout);
    for needed in [
        "create-returns-documented-members",
        "success must be HTTP 201, got 200",
        "</html>",
    ] {
        if !dom.contains(needed) {
            return Err(format!("the rendered page lacks `{needed}`:\n{}", text(&out)).into());
        }
    }
    Ok(())
}

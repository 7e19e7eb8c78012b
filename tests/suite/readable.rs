//! What people read: report.md parsed as CommonMark in every state a run can end in,
//! the report.html dashboard opened in headless Chromium (matrix, a filter, an
//! anchor, no cache-folder path; a screenshot kept), and the console's recap and
//! colours (`NO_COLOR`, `CLICOLOR_FORCE`).

use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};
use pat_conformance::outcome::Status;
use pat_conformance::report::{self, JsonReport};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::json;

use crate::cli::{bin, expect_code, temp_dir, text};
use crate::support::Background;

pub fn trials() -> Vec<Trial> {
    let no_browser = crate::reports::chromium().is_none();
    vec![
        Trial::test(
            "readable::markdown_is_commonmark_in_every_state",
            markdown_states,
        ),
        Trial::test("readable::dashboard_in_chromium", dashboard).with_ignored_flag(no_browser),
        Trial::test(
            "readable::console_recaps_failures_and_colours_on_request",
            console,
        ),
        Trial::test(
            "readable::a_case_starts_when_it_runs_not_when_queued",
            start_events,
        ),
        Trial::test(
            "readable::findings_over_array_elements_are_one_line",
            grouped_findings,
        ),
    ]
}

/// Against a target writing WorkMail timestamps as strings (16 failing cases, 14
/// findings a case on the listing's elements before grouping; 653 console lines), the
/// console prints at most 120 lines and still names every failing case, each check
/// and each path pattern; `--verbose` keeps every element's line; report.md groups
/// and keeps the whole list in a `<details>`.
fn grouped_findings() -> Result<(), Failed> {
    let dir = temp_dir("grouped-findings");
    let mode = pat_conformance::mutants::deviations()
        .into_iter()
        .find(|m| m.name == "wm-timestamps-as-strings")
        .ok_or("no such mode")?;
    let bg = Background::start(mode.middleware.clone());
    let profile = bg.write_profile(&dir);
    let run = |verbose: bool, reports: &str| {
        let mut cmd = bin();
        cmd.args(["run", "--profile"])
            .arg(&profile)
            .arg("--reports")
            .arg(dir.join(reports));
        if verbose {
            cmd.arg("--verbose");
        }
        let reset = format!("{}{}", bg.uri, pat_conformance::emulator::RESET_PATH);
        crate::support::block_on(reqwest::Client::new().post(reset).send())?;
        Ok::<_, Failed>(cmd.output()?)
    };
    let out = run(false, "r1")?;
    expect_code(&out, 1)?;
    let console = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines = console.lines().count();
    if lines > 120 {
        return Err(format!("{lines} console lines:\n{console}").into());
    }
    let folder = crate::leftovers::report_folder(&dir.join("r1"))?;
    let report: JsonReport = serde_json::from_slice(&std::fs::read(folder.join("report.json"))?)?;
    let failing: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    if failing.len() != 16 {
        return Err(format!("expected 16 failing cases, got {}", failing.len()).into());
    }
    for case in &failing {
        if !console.contains(&format!("FAIL  {}", case.full_name())) {
            return Err(format!("the console does not name {}", case.id).into());
        }
        for f in &case.failures {
            let pattern = f.message.split(": ").find(|p| p.starts_with('/')).map(|p| {
                p.split('/')
                    .map(|s| if s.parse::<u32>().is_ok() { "*" } else { s })
                    .collect::<Vec<_>>()
                    .join("/")
            });
            // Its line names its check and its path pattern (or, with no path, its
            // message); a schema finding may instead be folded into the assertion
            // line of the same path pattern, which says so.
            let named = console.lines().any(|l| {
                l.contains(&format!("[{}", f.check.as_str()))
                    && match &pattern {
                        Some(p) => l.contains(p.as_str()) || l.contains(&f.message),
                        None => l.contains(&f.message),
                    }
            });
            let folded = f.check.as_str() == "schema"
                && pattern.as_ref().is_some_and(|p| {
                    console.lines().any(|l| {
                        l.contains("[assertion")
                            && l.contains(p.as_str())
                            && l.contains("the schema check reports the same")
                    })
                });
            if !named && !folded {
                return Err(
                    format!("{}: `{}` is not named:\n{console}", case.id, f.message).into(),
                );
            }
        }
    }
    if !console.contains("/PersonalAccessTokenSummaries/*/DateCreated: 7 items:") {
        return Err(format!("no grouped line:\n{console}").into());
    }
    let verbose = run(true, "r2")?;
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    if !verbose.contains("/PersonalAccessTokenSummaries/6/DateCreated") {
        return Err("--verbose does not keep every element's line".into());
    }
    // report.md groups too, says where every finding is, and so still has room for
    // every failing case (the full lists once pushed two past its size limit).
    let md = std::fs::read_to_string(folder.join("report.md"))?;
    if !md.contains("/*/DateCreated: 7 items")
        || !md.contains("grouped above; each is listed in report.html")
    {
        return Err(format!("report.md does not group or say where the list is:\n{md}").into());
    }
    if let Some(case) = failing.iter().find(|c| !md.contains(&c.full_name())) {
        return Err(format!("report.md lacks {}:\n{md}", case.id).into());
    }
    Ok(())
}

/// Records start and finish events with when they came.
struct Order(Vec<(String, std::time::Instant)>);

impl pat_conformance::runner::Reporter for Order {
    fn on_event(
        &mut self,
        event: &pat_conformance::runner::RunEvent<'_>,
    ) -> Result<(), pat_conformance::error::HarnessError> {
        use pat_conformance::runner::RunEvent;
        let now = std::time::Instant::now();
        match event {
            RunEvent::CaseStarted { name } => self.0.push((format!("start {name}"), now)),
            RunEvent::CaseFinished { result, .. } => {
                // When it ended its work: the event itself may be held back until
                // creates in flight have their answers.
                let ran = std::time::Duration::from_millis(result.duration_ms);
                self.0
                    .push((format!("ran {}", result.full_name()), now - ran));
                self.0.push((format!("end {}", result.full_name()), now))
            }
            _ => {}
        }
        Ok(())
    }
}

/// Every answer 40 ms late: a shared case that takes a while.
struct Slow;

impl pat_conformance::emulator::Middleware for Slow {
    fn handle(
        &self,
        req: &pat_conformance::emulator::Request,
        inner: &dyn Fn(&pat_conformance::emulator::Request) -> pat_conformance::emulator::Reply,
    ) -> pat_conformance::emulator::Reply {
        std::thread::sleep(std::time::Duration::from_millis(40));
        inner(req)
    }
}

/// An exclusive case handed to a worker beside a shared one waits for it: the
/// progress line's "running longest" must not count that wait, so the exclusive
/// case's start event comes once the shared case has run, not when it was queued.
fn start_events() -> Result<(), Failed> {
    let shared = crate::support::case("create-returns-documented-members");
    let exclusive = crate::support::case("list-walks-every-page");
    if shared.exclusive || !exclusive.exclusive {
        return Err("the chosen cases no longer are shared and exclusive".into());
    }
    let name =
        |c: &pat_conformance::case::Case| format!("{}::{}::{}", c.service, c.operation, c.id);
    let (exclusive_name, shared_name) = (name(&exclusive), name(&shared));
    let bg = Background::start(Some(std::sync::Arc::new(Slow)));
    let order = crate::support::block_on(async {
        let contract = crate::support::suite().contract.clone();
        let target = pat_conformance::runner::remote_target(
            &contract,
            Some(&bg.uri),
            bg.profile.clone(),
            false,
        )
        .expect("a target");
        let mut options = pat_conformance::runner::RunOptions::new();
        options.jobs = 4;
        options.preflight = false;
        let mut order = Order(Vec::new());
        pat_conformance::runner::run(
            contract,
            vec![shared, exclusive],
            target,
            options,
            &mut order,
        )
        .await
        .expect("the run completes");
        order.0
    });
    let at = |what: &str| order.iter().find(|(e, _)| e == what).map(|(_, t)| *t);
    let (Some(shared_start), Some(ex_start)) = (
        at(&format!("start {shared_name}")),
        at(&format!("start {exclusive_name}")),
    ) else {
        return Err(format!(
            "events missing: {:?}",
            order.iter().map(|(e, _)| e).collect::<Vec<_>>()
        )
        .into());
    };
    let ran = order
        .iter()
        .find(|(e, _)| e == &format!("end {shared_name}"))
        .zip(
            order
                .iter()
                .find(|(e, _)| e == &format!("ran {shared_name}")),
        )
        .map(|((_, end), (_, began))| end.duration_since(*began))
        .ok_or("no end")?;
    let waited = ex_start.duration_since(shared_start);
    if ran < std::time::Duration::from_millis(60) || waited < ran * 3 / 4 {
        return Err(format!(
            "the exclusive case was reported started {waited:?} after the shared one, which ran {ran:?}"
        )
        .into());
    }
    Ok(())
}

fn fixture() -> JsonReport {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report-fixture.json"),
    )
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture parses")
}

/// What a CommonMark parser makes of report.md.
struct Parsed {
    headings: Vec<String>,
    code: Vec<String>,
    tables: usize,
}

fn parse(md: &str) -> Parsed {
    let mut parsed = Parsed {
        headings: vec![],
        code: vec![],
        tables: 0,
    };
    let (mut in_heading, mut in_code) = (false, false);
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                parsed.headings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => "indented".into(),
                };
                parsed.code.push(format!("[{info}] "));
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Table(_)) => parsed.tables += 1,
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    if let Some(h) = parsed.headings.last_mut() {
                        h.push_str(&t);
                    }
                }
                if in_code {
                    if let Some(c) = parsed.code.last_mut() {
                        c.push_str(&t);
                    }
                }
            }
            _ => {}
        }
    }
    parsed
}

/// The states a run ends in, each as a report.
fn states() -> Vec<(&'static str, JsonReport)> {
    let failing = fixture();
    let mut passing = fixture();
    for c in &mut passing.cases {
        c.status = Status::Pass;
        c.failures.clear();
    }
    passing.recount();
    let mut left = fixture();
    left.ledger = serde_json::from_value(json!({
        "created": 3, "deleted": 1, "not_found": 0,
        "left": [{"case": "create-returns-documented-members", "operation": "CreateAccessToken",
                  "identity": "default", "what": "name \"pat-x\"", "reason": "the answer was lost"}]
    }))
    .expect("ledger");
    let mut interrupted = fixture();
    interrupted.interrupted = true;
    let mut gated = fixture();
    gated.baseline = Some(
        serde_json::from_value(json!({
            "regressions": [{"id": "create-returns-documented-members", "expected": "pass", "actual": "fail",
                             "reason": "a | pipe and `code`", "link": "https://example.com/1"}],
            "new_failures": [], "fixed": [{"id": "delete-unknown-id", "expected": "fail", "actual": "pass"}],
            "known_failures": [], "other": []
        }))
        .expect("comparison"),
    );
    let mut long = fixture();
    let template = long.cases[0].clone();
    for i in 0..400 {
        let mut c = template.clone();
        c.id = format!("copy-{i:03}");
        long.cases.push(c);
    }
    long.recount();
    vec![
        ("passing", passing),
        ("failing", failing),
        ("something left on the target", left),
        ("interrupted", interrupted),
        ("gated by a baseline", gated),
        ("cut at the size limit", long),
    ]
}

fn markdown_states() -> Result<(), Failed> {
    let mut wrong = Vec::new();
    for (state, r) in states() {
        let md = report::render::markdown(&r);
        let parsed = parse(&md);
        let broken = r.summary.failed + r.summary.errors;
        for code in &parsed.code {
            if code.contains("###") || code.contains("<details>") || code.contains("| service |") {
                wrong.push(format!(
                    "{state}: a code block swallowed the summary: {code:.120}"
                ));
            }
        }
        if parsed.tables < 2 {
            wrong.push(format!(
                "{state}: {} tables (counts and per-operation expected)",
                parsed.tables
            ));
        }
        if broken > 0 && !parsed.headings.iter().any(|h| h.starts_with("Failures")) {
            wrong.push(format!(
                "{state}: no Failures heading: {:?}",
                parsed.headings
            ));
        }
        if md.matches("<details>").count() != md.matches("</details>").count() {
            wrong.push(format!("{state}: unbalanced <details>"));
        }
        if r.baseline.is_some() && !parsed.headings.iter().any(|h| h.starts_with("Baseline")) {
            wrong.push(format!("{state}: no Baseline heading"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n").into())
    }
}

fn chrome(page: &str, extra: &[&str]) -> Result<String, Failed> {
    let browser = crate::reports::chromium().ok_or("no chromium")?;
    let profile = temp_dir("chromium-profile");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(page)
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A real run against a target that writes WorkMail timestamps as strings: some
/// cases fail, most pass, and every file is from the built-in suite.
fn broken_run(dir: &Path) -> Result<PathBuf, Failed> {
    let mode = pat_conformance::mutants::deviations()
        .into_iter()
        .find(|m| m.name == "wm-timestamps-as-strings")
        .ok_or("no such mode")?;
    let bg = Background::start(mode.middleware.clone());
    let profile = bg.write_profile(dir);
    let reports = dir.join("reports");
    let out = bin()
        .args(["run", "--profile"])
        .arg(&profile)
        .arg("--reports")
        .arg(&reports)
        .output()?;
    expect_code(&out, 1)?;
    let run = std::fs::read_dir(&reports)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .ok_or("no report folder")?;
    Ok(run.join("report.html"))
}

fn dashboard() -> Result<(), Failed> {
    let dir = temp_dir("dashboard");
    let page = broken_run(&dir)?;
    let html = std::fs::read_to_string(&page)?;
    if html.contains(".cache/pat-conformance") || html.contains("/tmp/") {
        return Err("the page names the cache folder the embedded suite was read from".into());
    }
    let url = format!("file://{}", page.display());
    let dom = chrome(&url, &["--dump-dom"])?;
    for needed in [
        "id=\"overview\"",
        "<td>ListPersonalAccessTokens</td>",
        "id=\"topics\"",
        "cases/workmail/ListPersonalAccessTokens/list.yaml",
        "wm-timestamps-are-epoch-seconds",
        "✘ failed here",
        "HTTP/1.1 200 OK",
    ] {
        if !dom.contains(needed) {
            return Err(format!("the dashboard lacks `{needed}`").into());
        }
    }
    let count = |dom: &str, status: &str, hidden: bool| {
        dom.split("<details class=\"case ")
            .skip(1)
            .filter(|c| c.starts_with(status))
            .filter(|c| {
                let tag = &c[..c.find('>').unwrap_or(0)];
                tag.contains(" hidden") == hidden
            })
            .count()
    };
    if count(&dom, "pass", false) == 0 || count(&dom, "fail", false) == 0 {
        return Err("without a filter, passing and failing cases are shown".into());
    }
    // The status filter, set from the query string, hides every passing case.
    let filtered = chrome(
        &format!("{url}?status=fail&service=workmail"),
        &["--dump-dom"],
    )?;
    if count(&filtered, "pass", false) != 0
        || count(&filtered, "fail", false) == 0
        || count(&filtered, "pass", true) == 0
    {
        return Err("the status filter does not hide passing cases".into());
    }
    // An anchor opens its case and renders its (lazy) body.
    let marker = "<details class=\"case pass\" id=\"";
    let start = html.find(marker).ok_or("no passing case")? + marker.len();
    let id = html[start..start + html[start..].find('"').ok_or("id")?].to_string();
    let anchored = chrome(&format!("{url}#{id}"), &["--dump-dom"])?;
    let at = anchored
        .find(&format!("id=\"{id}\""))
        .ok_or("the anchored case is gone")?;
    let element = &anchored[at..at + anchored[at..].find("</details>\n").unwrap_or(0)];
    let tag = &element[..element.find('>').unwrap_or(0)];
    if !tag.contains("open") || !element.contains("HTTP/1.1") {
        return Err(format!("the anchor did not open its case: {tag}").into());
    }
    // A screenshot, for people.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-dashboard.png");
    let _ = chrome(
        &url,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
        ],
    )?;
    if std::fs::metadata(&shot).map_or(0, |m| m.len()) < 10_000 {
        return Err(format!("no screenshot at {}", shot.display()).into());
    }
    Ok(())
}

fn console() -> Result<(), Failed> {
    let mode = pat_conformance::mutants::deviations()
        .into_iter()
        .find(|m| m.name == "wm-timestamps-as-strings")
        .ok_or("no such mode")?;
    let bg = Background::start(mode.middleware.clone());
    let dir = temp_dir("console-recap");
    let profile = bg.write_profile(&dir);
    let run = |env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args([
            "run",
            "--service",
            "workmail",
            "--exclude-tag",
            "generated",
            "--profile",
        ])
        .arg(&profile)
        .arg("--reports")
        .arg(dir.join("reports"));
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output()
    };
    let plain = run(&[])?;
    expect_code(&plain, 1)?;
    let out = String::from_utf8_lossy(&plain.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    let recap_at = lines
        .iter()
        .position(|l| l.ends_with("failing cases:") || l.ends_with("failing case:"))
        .ok_or_else(|| format!("no recap:\n{out}"))?;
    let recap: Vec<&&str> = lines[recap_at + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .collect();
    let wanted = "wm-timestamps-are-epoch-seconds [schema";
    let file = "] cases/workmail/ListPersonalAccessTokens/list.yaml:";
    if !recap.iter().any(|l| l.contains(wanted) && l.contains(file)) {
        return Err(format!("the recap lacks `{wanted}`:\n{out}").into());
    }
    if !lines.last().is_some_and(|l| l.starts_with("reports: "))
        || !lines[lines.len() - 2].contains(" failed, ")
    {
        return Err(format!("the count line is not last:\n{out}").into());
    }
    // A failed assertion names the line it is written on.
    let file = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cases/workmail/ListPersonalAccessTokens/list.yaml"),
    )?;
    let line = file
        .lines()
        .position(|l| l.contains("path: /PersonalAccessTokenSummaries/*/DateCreated, range"))
        .ok_or("the range assertion moved")?
        + 1;
    // (Grouped over the listing's elements: one line for all of them.)
    if !out.contains(&format!(
        "[assertion, line {line}] /PersonalAccessTokenSummaries/*/DateCreated: 7 items"
    )) {
        return Err(format!("the failed assertion does not name its line {line}:\n{out}").into());
    }
    if out.contains('\u{1b}') {
        return Err("colours on a pipe without CLICOLOR_FORCE".into());
    }
    let forced = run(&[("CLICOLOR_FORCE", "1")])?;
    if !String::from_utf8_lossy(&forced.stdout).contains("\u{1b}[") {
        return Err("CLICOLOR_FORCE=1 gives no colour".into());
    }
    let both = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])?;
    if !String::from_utf8_lossy(&both.stdout).contains("\u{1b}[") {
        return Err("CLICOLOR_FORCE must win over NO_COLOR".into());
    }
    // On a terminal (a pseudo-terminal from `script`), colours unless NO_COLOR.
    let on_tty = |no_color: bool| -> Result<String, Failed> {
        let command = format!(
            "{} run --service workmail --id wm-timestamps-are-epoch-seconds --profile {} --reports {}",
            env!("CARGO_BIN_EXE_pat-conformance"),
            profile.display(),
            dir.join("reports").display()
        );
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env("TERM", "xterm-256color")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CI");
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let tty = on_tty(false)?;
    let tty_plain = on_tty(true)?;
    // A colour is an SGR sequence (`ESC [ … m`); the progress line's cursor moves are not.
    let sgr = regex::Regex::new(r"\x1b\[[0-9;]*m")?;
    if !sgr.is_match(&tty) || !tty.contains("FAIL") {
        return Err(format!("no colour on a terminal:\n{}", text(&plain)).into());
    }
    if sgr.is_match(&tty_plain) {
        return Err(format!("NO_COLOR still colours:\n{tty_plain}").into());
    }
    Ok(())
}

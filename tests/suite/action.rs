//! The GitHub Action's scripts (`.github/action/`), run here the way `action.yml` runs
//! them: the installer takes a release folder (a `file://` URL standing in for the
//! GitHub release) and refuses an archive whose checksum differs; the run step turns
//! the inputs into arguments and writes the step's outputs and summary; the `always()`
//! step sweeps a run that a hard cancel killed. The README's five-line example is the
//! one `.ci/run` lints.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use pat_conformance::report::JsonReport;

use crate::cli::{temp_dir, text};
use crate::interrupt::tokens_left;

pub fn trials() -> Vec<Trial> {
    // The scripts name Linux release targets and use GNU tools.
    let not_linux = !cfg!(target_os = "linux");
    vec![
        Trial::test("action::install_verifies_the_release_checksum", install)
            .with_ignored_flag(not_linux),
        Trial::test(
            "action::install_builds_from_source_when_there_is_no_release",
            install_from_source,
        )
        .with_ignored_flag(not_linux),
        Trial::test("action::run_passes_the_inputs_and_writes_outputs", run)
            .with_ignored_flag(not_linux),
        Trial::test(
            "action::an_endpoint_and_test_keys_run_nearly_everything_by_discovery",
            endpoint_only,
        )
        .with_ignored_flag(not_linux),
        Trial::test(
            "action::a_hard_cancelled_run_is_swept_by_the_always_step",
            hard_cancel,
        )
        .with_ignored_flag(not_linux),
        Trial::test(
            "action::the_readme_example_is_the_linted_one",
            readme_example,
        ),
    ]
}

fn script(name: &str) -> Command {
    let mut cmd = Command::new(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".github/action")
            .join(name),
    );
    // What a runner's step has: none of this machine's AWS settings.
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k.starts_with("INPUT_") || k.starts_with("GITHUB_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// A release folder as the release job makes it: the archive for this machine (the
/// test's own binary inside) and SHA256SUMS.
fn release_folder(dir: &Path) -> Result<PathBuf, Failed> {
    let arch = std::env::consts::ARCH;
    let target = format!("{arch}-unknown-linux-musl");
    let name = format!("pat-conformance-{target}");
    let stage = dir.join("stage").join(&name);
    std::fs::create_dir_all(&stage)?;
    std::fs::copy(
        env!("CARGO_BIN_EXE_pat-conformance"),
        stage.join("pat-conformance"),
    )?;
    let release = dir.join("release");
    std::fs::create_dir_all(&release)?;
    let archive = format!("{name}.tar.gz");
    let ok = Command::new("tar")
        .arg("-C")
        .arg(dir.join("stage"))
        .arg("-czf")
        .arg(release.join(&archive))
        .arg(&name)
        .status()?;
    if !ok.success() {
        return Err("tar failed".into());
    }
    let sums = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&release)
        .output()?;
    std::fs::write(release.join("SHA256SUMS"), &sums.stdout)?;
    Ok(release)
}

fn install_from(release: &Path, dest: &Path) -> std::io::Result<Output> {
    script("install.sh")
        .env("VERSION", "v0.1.0")
        .env("REPO", "example/pat-conformance")
        .env("DEST", dest)
        .env("BASE_URL", format!("file://{}", release.display()))
        .output()
}

fn install() -> Result<(), Failed> {
    let dir = temp_dir("action-install");
    let release = release_folder(&dir)?;
    let dest = dir.join("bin");
    let out = install_from(&release, &dest)?;
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    if out.status.code() != Some(0) || Path::new(&last) != dest.join("pat-conformance") {
        return Err(format!("install failed or named no binary:\n{}", text(&out)).into());
    }
    let version = Command::new(&last).arg("--version").output()?;
    if !String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")) {
        return Err(format!("the installed binary does not run:\n{}", text(&version)).into());
    }

    // One byte changed in the archive: refused, nothing installed.
    let archive = std::fs::read_dir(&release)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "gz"))
        .ok_or("no archive")?;
    let mut bytes = std::fs::read(&archive)?;
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&archive, bytes)?;
    let dest2 = dir.join("bin2");
    let out = install_from(&release, &dest2)?;
    if out.status.code() != Some(1)
        || !text(&out).contains("does not match its checksum")
        || dest2.join("pat-conformance").exists()
    {
        return Err(format!("a corrupted archive was not refused:\n{}", text(&out)).into());
    }

    // A release without this machine's archive, and only a release asked for: a
    // clear error.
    let out = script("install.sh")
        .env("VERSION", "v9.9.9")
        .env("REPO", "example/pat-conformance")
        .env("FROM", "release")
        .env("DEST", dir.join("bin3"))
        .env(
            "BASE_URL",
            format!("file://{}", dir.join("nothing").display()),
        )
        .output()?;
    if out.status.code() != Some(1) || !text(&out).contains("failed to download") {
        return Err(format!("a missing release was not explained:\n{}", text(&out)).into());
    }
    Ok(())
}

/// Under `uses: ./`, a branch, a commit SHA or a fork there is no release (no
/// `REPO`, or none of its version): the installer builds the checkout it is in with
/// `cargo install --path … --locked`, says so, and the binary runs. (The dev profile
/// and this project's target folder keep the trial to the build already done.)
fn install_from_source() -> Result<(), Failed> {
    let dir = temp_dir("action-source");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let github_output = dir.join("github-output");
    for (repo, version, why) in [
        ("", "", "no release was asked for"),
        ("example/pat-conformance", "v9.9.9", "has no release files"),
    ] {
        let dest = dir.join(format!("bin-{}", repo.len()));
        let out = script("install.sh")
            .env("REPO", repo)
            .env("VERSION", version)
            .env("DEST", &dest)
            .env(
                "BASE_URL",
                format!("file://{}", dir.join("nothing").display()),
            )
            .env("CARGO_INSTALL_PROFILE", "dev")
            .env("CARGO_TARGET_DIR", root.join("target"))
            .env("GITHUB_OUTPUT", &github_output)
            .output()?;
        let said = text(&out);
        let last = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .to_string();
        if out.status.code() != Some(0)
            || Path::new(&last) != dest.join("pat-conformance")
            || !said.contains("building from source at")
            || !said.contains(why)
            || !said.contains("installed from source")
        {
            return Err(format!("REPO '{repo}': no build from source:\n{said}").into());
        }
        let version = Command::new(&last).arg("--version").output()?;
        if !String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")) {
            return Err(format!("the built binary does not run:\n{}", text(&version)).into());
        }
    }
    let outputs = std::fs::read_to_string(&github_output)?;
    if outputs.lines().filter(|l| *l == "how=source").count() != 2 {
        return Err(format!("the step's outputs do not say how:\n{outputs}").into());
    }
    Ok(())
}

fn report_of(dir: &str) -> Result<JsonReport, Failed> {
    let json = std::fs::read_to_string(Path::new(dir).join("report.json"))?;
    Ok(serde_json::from_str(&json)?)
}

fn outputs(file: &Path) -> Result<(String, String), Failed> {
    let text = std::fs::read_to_string(file)?;
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(str::to_string)
            .ok_or_else(|| format!("no {key} in GITHUB_OUTPUT:\n{text}"))
    };
    Ok((get("exit-code")?, get("report-dir")?))
}

/// The README's example, as a stranger writes it: an endpoint and `test`/`test` keys.
/// Discovery is on by default, so the run tests at least 95 % of the cases, and the
/// step summary says what did not run.
fn endpoint_only() -> Result<(), Failed> {
    let bg = crate::support::Background::start(None);
    let dir = temp_dir("action-endpoint");
    let output = dir.join("github_output");
    let summary = dir.join("step_summary");
    std::fs::write(&output, "")?;
    let out = script("run.sh")
        .current_dir(&dir)
        .env("BIN", env!("CARGO_BIN_EXE_pat-conformance"))
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_BEARER_TOKEN_CODECATALYST", "test")
        .env("INPUT_ENDPOINT", &bg.uri)
        .env("INPUT_ARGS", "--quiet")
        .output()?;
    let (code, report_dir) = outputs(&output)?;
    if code != "0" {
        return Err(format!("the run step failed (exit-code={code}):\n{}", text(&out)).into());
    }
    let report = report_of(&dir.join(&report_dir).to_string_lossy())?;
    let s = &report.summary;
    let total = s.passed + s.failed + s.errors + s.skipped;
    if s.failed + s.errors != 0 || s.passed * 100 < total * 95 {
        return Err(format!("{} of {total} passed:\n{}", s.passed, text(&out)).into());
    }
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    if !summary.contains(&format!("{} of {total} not run: ", s.skipped)) {
        return Err(format!("the step summary does not say what did not run:\n{summary}").into());
    }
    Ok(())
}

fn run() -> Result<(), Failed> {
    let dir = temp_dir("action-run");
    let output = dir.join("github_output");
    let summary = dir.join("step_summary");
    std::fs::write(&output, "")?;
    let out = script("run.sh")
        .current_dir(&dir)
        .env("BIN", env!("CARGO_BIN_EXE_pat-conformance"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("INPUT_SERVICES", "codecatalyst, workmail")
        .env("INPUT_LEVEL", "must")
        .env("INPUT_SHARD", "1/3")
        .env("INPUT_REPORTS", "out")
        .env("INPUT_ARGS", "--exclude-tag generated --jobs 2")
        .output()?;
    let (code, report_dir) = outputs(&output)?;
    if out.status.code() != Some(0) || code != "0" {
        return Err(format!("the run step failed (exit-code={code}):\n{}", text(&out)).into());
    }
    let report = report_of(&dir.join(&report_dir).to_string_lossy())?;
    let cases = &report.cases;
    if cases.is_empty()
        || report.shards != ["1/3"]
        || cases
            .iter()
            .any(|c| c.tags.iter().any(|t| t == "generated"))
        || cases
            .iter()
            .any(|c| c.level != pat_conformance::vocab::Level::Must)
    {
        return Err(format!(
            "the inputs did not reach the run: {} cases, shards {:?}",
            cases.len(),
            report.shards
        )
        .into());
    }
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    if !summary.contains("passed") {
        return Err(format!("no step summary written:\n{summary}").into());
    }

    // A bad input is the run's exit 2, passed on as the step's exit code and output.
    std::fs::write(&output, "")?;
    let out = script("run.sh")
        .current_dir(&dir)
        .env("BIN", env!("CARGO_BIN_EXE_pat-conformance"))
        .env("GITHUB_OUTPUT", &output)
        .env("INPUT_LEVEL", "sometimes")
        .output()?;
    let (code, _) = outputs(&output)?;
    if out.status.code() != Some(2) || code != "2" {
        return Err(format!("a bad level did not exit 2:\n{}", text(&out)).into());
    }
    Ok(())
}

/// What a runner's hard cancel does to the run step: SIGKILL to the step's whole
/// process group (the shell and the binary), no handler runs. The `always()` step
/// then sweeps the unfinished run and nothing is left on the target.
fn hard_cancel() -> Result<(), Failed> {
    let (bg, hold, created) = crate::leftovers::holding();
    let dir = temp_dir("action-cancel");
    let profile = bg.write_profile(&dir);
    let env = |cmd: &mut Command| {
        cmd.current_dir(&dir)
            .env("BIN", env!("CARGO_BIN_EXE_pat-conformance"))
            .env("INPUT_PROFILE", &profile)
            .env("INPUT_SERVICES", "codecatalyst")
            .env("INPUT_REPORTS", "reports");
    };
    let mut step = script("run.sh");
    env(&mut step);
    let mut child = step
        .env("INPUT_ARGS", "--exclude-tag generated --jobs 4")
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let until = Instant::now() + Duration::from_secs(60);
    while created.load(Ordering::SeqCst) < 6 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let group = i32::try_from(child.id())?;
    // SAFETY: kill(2) on the process group this test spawned.
    unsafe { libc::kill(-group, libc::SIGKILL) };
    child.wait()?;
    hold.store(false, Ordering::SeqCst);
    let before = tokens_left(&bg)?;
    if before == 0 {
        return Err("the killed run left nothing: the test proves nothing".into());
    }
    let mut sweep = script("sweep-killed.sh");
    env(&mut sweep);
    let out = sweep.output()?;
    let left = tokens_left(&bg)?;
    if out.status.code() != Some(0) || left != 0 || !text(&out).contains("did not finish") {
        return Err(format!(
            "the always() step exited {:?} and left {left} of {before} tokens:\n{}",
            out.status.code(),
            text(&out)
        )
        .into());
    }
    // A finished run is left alone: a second pass sweeps nothing.
    let again = {
        let mut cmd = script("run.sh");
        env(&mut cmd);
        cmd.env("INPUT_ARGS", "--id create-returns-documented-members")
            .output()?
    };
    if again.status.code() != Some(0) {
        return Err(format!("a run after the sweep failed:\n{}", text(&again)).into());
    }
    let mut sweep = script("sweep-killed.sh");
    env(&mut sweep);
    let out = sweep.output()?;
    if text(&out).matches("did not finish").count() != 1 {
        return Err(format!("only the killed run is swept again:\n{}", text(&out)).into());
    }
    Ok(())
}

/// The README's action example is the `uses:` step of docs/examples/conformance.yml,
/// which `.ci/run` checks with actionlint.
fn readme_example() -> Result<(), Failed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let example = std::fs::read_to_string(root.join("docs/examples/conformance.yml"))?;
    let step: Vec<&str> = example
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("- uses: pat-conformance/"))
        .collect();
    if step.len() < 3 {
        return Err("docs/examples/conformance.yml has no pat-conformance step".into());
    }
    let indent = step[0].len() - step[0].trim_start().len();
    let snippet: String = step
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("").trim_end()))
        .collect();
    if !readme.contains(&snippet) {
        return Err(format!("README.md does not show the linted example step:\n{snippet}").into());
    }
    Ok(())
}

//! The documentation says what the code does: every count of the built-in suite in
//! README.md and docs/ is checked against the suite, the mutation catalogue in
//! docs/mutants.md is generated (`BLESS=1` rewrites it), every trial group is
//! described in docs/tests.md, and every relative link points at a file that exists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};
use regex::Regex;

use crate::support::suite;

const BEGIN: &str = "<!-- catalogue: generated, do not edit -->\n";
const END: &str = "<!-- end of catalogue -->\n";

/// `groups`: the test binary's trial groups (the part of a name before `::`).
pub fn trials(groups: BTreeSet<String>) -> Vec<Trial> {
    vec![
        Trial::test("docs::counts_match_the_suite", counts),
        Trial::test("docs::mutant_catalogue_is_current", catalogue),
        Trial::test("docs::every_trial_group_is_described", move || {
            described(&groups)
        }),
        Trial::test("docs::relative_links_resolve", links),
        Trial::test("docs::every_surface_names_every_service", surfaces),
        Trial::test("docs::readme_claims_match_the_binary", readme_claims),
        Trial::test("docs::readme_is_a_guide_of_at_most_400_lines", || {
            let lines = std::fs::read_to_string(root().join("README.md"))?
                .lines()
                .count();
            if lines > 400 {
                return Err(format!("README.md has {lines} lines; mechanics go to docs/").into());
            }
            Ok(())
        }),
    ]
}

/// Each service of the built-in specs is named (by its spec name, any case) by every
/// surface a user meets: `--help`, the Cargo description, action.yml's description and
/// `services` input, lib.rs's docs and the README; the docs that give the number of
/// operations give the specs' number.
fn surfaces() -> Result<(), Failed> {
    let contract = &suite().contract;
    let operations: usize = contract
        .services
        .iter()
        .map(|s| s.spec.operations.len())
        .sum();
    let help = crate::cli::bin().arg("--help").output()?;
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let cargo = std::fs::read_to_string(root().join("Cargo.toml"))?;
    let description = cargo
        .lines()
        .find(|l| l.starts_with("description = "))
        .ok_or("Cargo.toml has no description")?
        .to_string();
    let action = std::fs::read_to_string(root().join("action.yml"))?;
    let action_description = action
        .split("\ninputs:")
        .next()
        .unwrap_or_default()
        .to_string();
    let services_input = action
        .lines()
        .skip_while(|l| l.trim() != "services:")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let lib = std::fs::read_to_string(root().join("src/lib.rs"))?;
    let lib_docs: String = lib.lines().take_while(|l| l.starts_with("//!")).collect();
    let readme = std::fs::read_to_string(root().join("README.md"))?;
    let mut missing = Vec::new();
    for (surface, text) in [
        ("--help", &help),
        ("Cargo.toml description", &description),
        ("action.yml description", &action_description),
        ("action.yml services input", &services_input),
        ("lib.rs docs", &lib_docs),
        ("README.md", &readme),
    ] {
        let lower = text.to_lowercase();
        for service in &contract.services {
            if !lower.contains(service.name()) {
                missing.push(format!("{surface} does not name {}", service.name()));
            }
        }
    }
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    let count = Regex::new(r"\b(\w+) operations\b")?;
    for (path, text) in documents()?
        .into_iter()
        .chain([(root().join("src/lib.rs"), lib.clone())])
        .chain([(
            root().join("src/emulator/mod.rs"),
            std::fs::read_to_string(root().join("src/emulator/mod.rs"))?,
        )])
    {
        for cap in count.captures_iter(&text) {
            let word = cap[1].to_lowercase();
            let said = word
                .parse::<usize>()
                .ok()
                .or_else(|| words.iter().position(|w| *w == word));
            if let Some(n) = said.filter(|n| *n != operations && *n > 2) {
                missing.push(format!(
                    "{} says {n} operations; the specs have {operations}",
                    rel(&path)
                ));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n").into())
    }
}

/// What the README says of the binary's output is what it prints: the closing lines'
/// order, an identity's name in a skip reason (as the profile writes it), and `serve`'s
/// banner naming each service with its operations.
fn readme_claims() -> Result<(), Failed> {
    let readme = std::fs::read_to_string(root().join("README.md"))?;
    let dir = crate::cli::temp_dir("readme-claims");
    // The closing lines: the count line, then the reports folder.
    if !readme.contains("the count line, then the reports folder") {
        return Err("README no longer says how the run ends; update this trial".into());
    }
    let bg = crate::support::Background::start(None);
    let mut profile = bg.profile.clone();
    profile
        .identities
        .remove(&pat_conformance::case::Identity::Second);
    for url in profile.endpoints.values_mut() {
        *url = bg.uri.clone();
    }
    let path = dir.join("no-second.json");
    std::fs::write(&path, serde_json::to_string(&profile)?)?;
    let out = crate::cli::bin()
        .args(["run", "--service", "codecatalyst", "--profile"])
        .arg(&path)
        .arg("--reports")
        .arg(dir.join("r"))
        .output()?;
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = printed.lines().collect();
    let n = lines.len();
    if n < 2 || !lines[n - 1].starts_with("reports: ") || !lines[n - 2].contains(" passed, ") {
        return Err(format!("the run does not end as the README says:\n{printed}").into());
    }
    // Skip reasons name the identity as the README's profile writes it.
    if !printed.contains("the target profile has no identity `second`")
        || !readme.contains("  second:  {")
    {
        return Err(
            format!("a missing identity is not named as the profile names it:\n{printed}").into(),
        );
    }
    // The banner: each service with its operations.
    if !readme.contains("Its banner prints, for each") {
        return Err("README no longer describes the banner; update this trial".into());
    }
    let profile_out = dir.join("serve.json");
    let mut serve = crate::cli::bin()
        .args(["serve", "--port", "0", "--write-profile"])
        .arg(&profile_out)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut banner = String::new();
    {
        use std::io::BufRead;
        let stdout = serve.stdout.take().ok_or("no stdout")?;
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line?;
            let done = line.starts_with("fault injection:");
            banner.push_str(&line);
            banner.push('\n');
            if done {
                break;
            }
        }
    }
    // It prints what it is seeded with (ids, no secret) and answers its health.
    let health = banner
        .lines()
        .find_map(|l| l.strip_prefix("health: GET "))
        .and_then(|l| l.split(' ').next())
        .map(str::to_string);
    let health = match health {
        Some(url) => crate::support::block_on(async {
            reqwest::get(url).await?.json::<serde_json::Value>().await
        })
        .ok(),
        None => None,
    };
    let _ = serve.kill();
    let _ = serve.wait();
    if !readme.contains("It prints what it is seeded with")
        || !readme.contains("/_pat-conformance/health")
    {
        return Err(
            "README no longer describes the seeds and the health endpoint; update this trial"
                .into(),
        );
    }
    let written: pat_conformance::profile::Profile =
        serde_json::from_str(&std::fs::read_to_string(&profile_out)?)?;
    let secret = written
        .sigv4
        .as_ref()
        .map(|k| k.secret_access_key.clone())
        .unwrap_or_default();
    let tokens: Vec<String> = written
        .identities
        .values()
        .filter_map(|d| d.bearer_token.clone())
        .collect();
    let id = written.vars["workmail_organization_id"]
        .as_str()
        .unwrap_or("?");
    if !banner.contains(&format!("workmail_organization_id={id}"))
        || secret.is_empty()
        || banner.contains(&secret)
        || tokens.iter().any(|t| banner.contains(t.as_str()))
    {
        return Err(
            format!("the banner does not name the seeds, or names a secret:\n{banner}").into(),
        );
    }
    let running = |name: &str| {
        health
            .as_ref()
            .and_then(|h| h["services"][name]["state"].as_str())
            == Some("running")
    };
    if !["codecatalyst", "iam", "workmail", "sts"]
        .into_iter()
        .all(running)
    {
        return Err(
            format!("the health endpoint does not answer every service: {health:?}").into(),
        );
    }
    for service in &suite().contract.services {
        let line = banner
            .lines()
            .find(|l| l.starts_with(&service.spec.title))
            .ok_or_else(|| {
                format!(
                    "the banner has no line for {}:\n{banner}",
                    service.spec.title
                )
            })?;
        for op in service.spec.operations.keys() {
            if !line.contains(op.as_str()) {
                return Err(
                    format!("the banner's {} line lacks {op}:\n{banner}", service.name()).into(),
                );
            }
        }
    }
    Ok(())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown file under docs/.
fn documents() -> Result<Vec<(PathBuf, String)>, Failed> {
    let mut docs = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    docs.sort();
    docs.into_iter()
        .map(|p| Ok((p.clone(), std::fs::read_to_string(&p)?)))
        .collect()
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Each pattern's numbers must equal the suite's; and each pattern must be used
/// somewhere, so the check cannot pass by matching nothing.
fn counts() -> Result<(), Failed> {
    let suite = suite();
    let total = suite.cases.len();
    let generated = suite
        .cases
        .iter()
        .filter(|c| c.tags.iter().any(|t| t == "generated"))
        .count();
    let topics = pat_conformance::coverage::matrix(&suite.contract, &suite.cases)
        .rows
        .len();
    let deviations = pat_conformance::mutants::deviations().len();
    let variations = pat_conformance::mutants::variations().len();
    let checks: Vec<(&str, Regex, Vec<usize>)> = vec![
        (
            "cases: hand-written, generated",
            Regex::new(r"(\d+)\s+cases:\s+(\d+)\s+hand-written,\s+(\d+)\s+generated")?,
            vec![total, total - generated, generated],
        ),
        (
            "the suite line",
            Regex::new(r"cases\s+of\s+pat-conformance\s+[0-9.]+\s+\((\d+)\s+cases\)")?,
            vec![total],
        ),
        ("topics", Regex::new(r"(\d+) topics")?, vec![topics]),
        (
            "deviations",
            Regex::new(r"(^|[^≥\d])(\d+) deviations")?,
            vec![deviations],
        ),
        (
            "variations",
            Regex::new(r"(\d+)\s+conformant\s+variations")?,
            vec![variations],
        ),
    ];
    let mut wrong = Vec::new();
    for (what, re, want) in &checks {
        let mut seen = 0;
        for (path, text) in documents()? {
            // A count may be wrapped onto the next line.
            for cap in re.captures_iter(&text) {
                seen += 1;
                let got: Vec<usize> = cap
                    .iter()
                    .skip(1)
                    .flatten()
                    .filter_map(|m| m.as_str().parse().ok())
                    .collect();
                if &got != want {
                    let at = cap.get(0).map_or(0, |m| m.start());
                    let line = text[..at].matches('\n').count() + 1;
                    wrong.push(format!(
                        "{}:{line}: {what}: says {got:?}, the suite has {want:?}",
                        rel(&path)
                    ));
                }
            }
        }
        if seen == 0 {
            wrong.push(format!("no document states the {what} count any more"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n").into())
    }
}

fn catalogue() -> Result<(), Failed> {
    let path = root().join("docs/mutants.md");
    let text = std::fs::read_to_string(&path)?;
    let start = text
        .find(BEGIN)
        .ok_or("docs/mutants.md lost its catalogue marker")?
        + BEGIN.len();
    let end = text[start..]
        .find(END)
        .ok_or("docs/mutants.md lost its end-of-catalogue marker")?
        + start;
    let entries = pat_conformance::mutants::catalogue();
    let fresh = pat_conformance::mutants::list::markdown(&entries);
    if text[start..end] == fresh {
        return Ok(());
    }
    if std::env::var_os("BLESS").is_some() {
        let updated = format!("{}{fresh}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated)?;
        return Ok(());
    }
    Err("docs/mutants.md's catalogue differs from `pat-conformance mutants --list --format markdown` (BLESS=1 to rewrite)".into())
}

fn described(groups: &BTreeSet<String>) -> Result<(), Failed> {
    let text = std::fs::read_to_string(root().join("docs/tests.md"))?;
    let missing: Vec<&String> = groups
        .iter()
        .filter(|g| !text.contains(&format!("`{g}::")))
        .collect();
    if groups.len() < 10 || !missing.is_empty() {
        return Err(format!(
            "docs/tests.md does not describe these trial groups: {missing:?} (of {})",
            groups.len()
        )
        .into());
    }
    Ok(())
}

fn links() -> Result<(), Failed> {
    let re = Regex::new(r"\]\(([^)#:\s]+)(#[^)]*)?\)")?;
    let mut broken = Vec::new();
    let mut seen = 0;
    for (path, text) in documents()? {
        let dir = path.parent().unwrap_or(root());
        for (n, line) in text.lines().enumerate() {
            for cap in re.captures_iter(line) {
                seen += 1;
                let target = dir.join(&cap[1]);
                if !target.exists() {
                    broken.push(format!("{}:{}: {}", rel(&path), n + 1, &cap[1]));
                }
            }
        }
    }
    if seen < 5 || !broken.is_empty() {
        return Err(format!("broken links ({seen} checked): {broken:#?}").into());
    }
    Ok(())
}

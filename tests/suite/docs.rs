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
    ]
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

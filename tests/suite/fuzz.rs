//! Property test of every loader: case files, specs, profiles, baselines and reports,
//! mutated at random (truncated, bytes changed, lines swapped, hostile snippets such as
//! far time offsets, huge limits, alias bombs and deep nesting put in), must load or
//! fail with a message: never panic, never hang. Seeded, so a failure can be replayed
//! with its seed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use libtest_mimic::{Failed, Trial};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::cli::temp_dir;
use crate::support::suite;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("fuzz::loaders_never_panic_or_hang", loaders),
        Trial::test("fuzz::extreme_schema_limits_are_bounded", extreme_limits),
    ]
}

const HOSTILE: [&str; 16] = [
    "${now+9999999999999d}",
    "offset: +9999999999999d",
    "maxLength: 18446744073709551615",
    "\"maxLength\": 1000000000,",
    "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "!!binary AAAA",
    "\u{0}",
    "path: /a~2b",
    "path: \"/items/[id=\"",
    "\"maxResults\": -1e19,",
    "1e99999",
    "\"$ref\": \"#/$defs/Self\",",
    "time: { near: now, offset: -9999999999999d }",
    "- - - - - - -",
    "\"format_version\": 1,",
];

fn mutate(text: &str, rng: &mut StdRng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..rng.random_range(1..4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..6) {
            0 => lines.truncate(i),
            1 => {
                let line = &mut lines[i];
                if !line.is_empty() {
                    let mut chars: Vec<char> = line.chars().collect();
                    let at = rng.random_range(0..chars.len());
                    chars[at] = char::from(rng.random_range(32u8..127));
                    *line = chars.into_iter().collect();
                }
            }
            2 => {
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
            }
            3 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            _ => {
                let indent: String = lines[i].chars().take_while(|c| *c == ' ').collect();
                let snippet = HOSTILE[rng.random_range(0..HOSTILE.len())];
                lines.insert(i, format!("{indent}{snippet}"));
            }
        }
    }
    lines.join("\n")
}

/// Runs `f` on its own thread: a panic or a run over 20 s is the failure.
fn guarded<T: Send + 'static>(
    what: String,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failed> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(format!("{what}: the loader panicked").into()),
        Err(_) => Err(format!("{what}: the loader hung (no answer in 20 s)").into()),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

pub(crate) fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn loaders() -> Result<(), Failed> {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261129);
    let iterations: usize = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = temp_dir("fuzz");
    let case_text =
        std::fs::read_to_string(root().join("cases/codecatalyst/CreateAccessToken/create.yaml"))?;
    let profile_text =
        serde_json::to_string_pretty(&crate::support::Background::start(None).profile)?;
    let baseline_text = std::fs::read_to_string(root().join("reports/baseline-emulator.yaml"))?;
    let report_text = std::fs::read_to_string(root().join("tests/golden/report-fixture.json"))?;
    let service_text = std::fs::read_to_string(root().join("specs/codecatalyst/service.yaml"))?;
    let shapes_text =
        std::fs::read_to_string(root().join("specs/codecatalyst/shapes.schema.json"))?;
    let mut outcomes = [0usize; 2];
    for i in 0..iterations {
        let what = format!("seed {seed} iteration {i}");
        // Case files.
        let cases = dir.join(format!("cases-{i}/codecatalyst/CreateAccessToken"));
        std::fs::create_dir_all(&cases)?;
        std::fs::write(cases.join("f.yaml"), mutate(&case_text, &mut rng))?;
        let cases_root = dir.join(format!("cases-{i}"));
        let ok = guarded(format!("{what} case file"), move || {
            pat_conformance::case::load_cases(&cases_root, &suite().contract).is_ok()
        })?;
        outcomes[ok as usize] += 1;
        // Profiles, baselines, reports.
        for (name, text) in [
            ("profile.json", &profile_text),
            ("baseline.yaml", &baseline_text),
            ("report.json", &report_text),
        ] {
            let path = dir.join(format!("{i}-{name}"));
            std::fs::write(&path, mutate(text, &mut rng))?;
            let ok = guarded(format!("{what} {name}"), move || match name {
                "profile.json" => pat_conformance::profile::Profile::load(&path).is_ok(),
                "baseline.yaml" => pat_conformance::report::baseline::Baseline::load(&path).is_ok(),
                _ => pat_conformance::report::JsonReport::load(&path).is_ok(),
            })?;
            outcomes[ok as usize] += 1;
        }
        // Specs (fewer: each load compiles every schema).
        if i % 4 == 0 {
            let specs = dir.join(format!("specs-{i}"));
            copy_dir(&root().join("specs"), &specs)?;
            let service = specs.join("codecatalyst");
            if rng.random_bool(0.5) {
                std::fs::write(
                    service.join("service.yaml"),
                    mutate(&service_text, &mut rng),
                )?;
            } else {
                std::fs::write(
                    service.join("shapes.schema.json"),
                    mutate(&shapes_text, &mut rng),
                )?;
            }
            let ok = guarded(format!("{what} specs"), move || {
                // Loading also generates the boundary cases from the schemas.
                pat_conformance::spec::Contract::load(&specs)
                    .is_ok_and(|c| pat_conformance::generate::generated_cases(&c).is_ok())
            })?;
            outcomes[ok as usize] += 1;
        }
    }
    // Both sides must be reached, or the mutations test nothing.
    if outcomes[0] == 0 || outcomes[1] == 0 {
        return Err(format!(
            "every load {} (rejected, loaded = {outcomes:?})",
            if outcomes[1] == 0 {
                "failed"
            } else {
                "succeeded"
            }
        )
        .into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Limits at the edge of their types must neither overflow nor allocate that much.
fn extreme_limits() -> Result<(), Failed> {
    let specs = temp_dir("extreme").join("specs");
    copy_dir(&root().join("specs"), &specs)?;
    let path = specs.join("codecatalyst/shapes.schema.json");
    let text = std::fs::read_to_string(&path)?;
    let changed = text
        .replace("\"maxLength\": 100", "\"maxLength\": 18446744073709551615")
        .replace("\"minLength\": 1,", "\"minLength\": 1000000000,")
        .replace(
            "\"maximum\": 10 ",
            "\"maximum\": 9223372036854775807, \"minimum\": -9223372036854775808 ",
        );
    if changed == text {
        return Err("the schema did not change: the test proves nothing".into());
    }
    std::fs::write(&path, changed)?;
    // The seed examples no longer fit such limits (the load would rightly refuse them).
    std::fs::remove_file(specs.join("codecatalyst/examples.yaml"))?;
    let count = guarded("extreme limits".into(), move || {
        let contract = pat_conformance::spec::Contract::load(&specs).map_err(|e| e.to_string())?;
        pat_conformance::generate::generated_cases(&contract)
            .map(|cases| cases.len())
            .map_err(|e| format!("{e}: {:?}", e.0))
    })??;
    if count == 0 {
        return Err("no case was generated".into());
    }
    Ok(())
}

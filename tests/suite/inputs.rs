//! Nothing silent: profiles, specs and case folders that used to be accepted (and then
//! sent a run somewhere unexpected, failed the target for our mistake, or hung) are
//! refused with exit 2 and a message naming what is wrong; odd files in `cases/` are
//! skipped without hanging.

use std::path::Path;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};

use crate::cli::{bin, expect_code, temp_dir, text};
use crate::fuzz::copy_dir;
use crate::support::Background;

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "inputs::bad_profiles_exit_2_naming_the_problem",
            bad_profiles,
        ),
        Trial::test("inputs::bad_specs_exit_2_naming_the_problem", bad_specs),
        Trial::test(
            "inputs::a_file_of_4000_cases_loads_and_an_alias_bomb_does_not",
            big_file,
        ),
        Trial::test(
            "inputs::many_files_load_in_order_with_every_error",
            many_files,
        ),
        Trial::test(
            "inputs::fifos_and_link_loops_in_cases_are_skipped",
            odd_files,
        )
        .with_ignored_flag(!cfg!(unix)),
        Trial::test(
            "inputs::emulator_rejects_max_results_beyond_any_integer",
            huge_max_results,
        ),
        Trial::test(
            "inputs::impossible_values_are_refused_by_validate",
            impossible_values,
        ),
        Trial::test("inputs::a_70_mb_line_gets_a_short_diagnostic", huge_line),
        Trial::test(
            "inputs::endless_and_oversized_files_are_refused",
            endless_files,
        )
        .with_ignored_flag(!cfg!(unix)),
    ]
}

/// A case file with one case whose ListAccessTokens step asserts `assertion`.
fn one_case(assertion: &str) -> String {
    format!(
        "cases:\n  - id: odd\n    title: t\n    level: must\n    source: {{ document: d, member: m }}\n    steps:\n      - operation: ListAccessTokens\n        assert:\n          - {assertion}\n"
    )
}

/// Runs `validate` over a cases folder holding `files`.
fn validate_cases(dir: &Path, files: &[(&str, String)]) -> std::io::Result<std::process::Output> {
    let cases = dir.join("cases/codecatalyst/ListAccessTokens");
    std::fs::create_dir_all(&cases)?;
    for (name, text) in files {
        std::fs::write(cases.join(name), text)?;
    }
    bin()
        .arg("validate")
        .arg("--cases")
        .arg(dir.join("cases"))
        .output()
}

fn impossible_values() -> Result<(), Failed> {
    let checks = [
        (
            "{ path: /items, time: { near: \"0000-00-00\" } }",
            "is not `now`, a `${…}` reference or an RFC 3339 time",
        ),
        (
            "{ path: /items, length: { min: 18446744073709551615, max: 0 } }",
            "min 18446744073709551615 is more than max 0",
        ),
        (
            "{ path: /items, range: { min: .nan } }",
            "min must be a finite number",
        ),
        (
            "{ path: /items, range: { min: 2, max: 1 } }",
            "min 2 is more than max 1",
        ),
    ];
    for (i, (assertion, says)) in checks.iter().enumerate() {
        let dir = temp_dir(&format!("impossible-{i}"));
        let out = validate_cases(&dir, &[("odd.yaml", one_case(assertion))])?;
        expect_code(&out, 2).map_err(|e| format!("{assertion}: {:?}", e.message()))?;
        if !text(&out).contains(says) || !text(&out).contains("odd.yaml:") {
            return Err(format!(
                "{assertion}: does not say `{says}` with file:line\n{}",
                text(&out)
            )
            .into());
        }
    }
    let dir = temp_dir("impossible-port");
    let out = bin()
        .args(["run", "--endpoint", "http://127.0.0.1:99999"])
        .arg("--reports")
        .arg(dir.join("r"))
        .output()?;
    expect_code(&out, 2)?;
    if !text(&out).contains("is not a usable URL") {
        return Err(format!("port 99999:\n{}", text(&out)).into());
    }
    Ok(())
}

fn huge_line() -> Result<(), Failed> {
    let dir = temp_dir("huge-line");
    // A valid file whose one assertion is followed by 70 MB of junk on the same line.
    let junk = "x".repeat(70 * 1024 * 1024);
    let file = one_case(&format!("{{ path: /items, bogus: 1, junk: \"{junk}\" }}"));
    drop(junk);
    let started = Instant::now();
    let out = validate_cases(&dir, &[("huge.yaml", file)])?;
    let took = started.elapsed();
    expect_code(&out, 2)?;
    let shown = out.stdout.len() + out.stderr.len();
    if shown > 8 * 1024 || took > Duration::from_secs(30) {
        return Err(format!("{shown} bytes of output in {took:?}").into());
    }
    if !text(&out).contains("huge.yaml:") {
        return Err(format!("the file is not named:\n{}", text(&out)).into());
    }
    Ok(())
}

fn endless_files() -> Result<(), Failed> {
    let dir = temp_dir("endless");
    let out = bin().args(["run", "--profile", "/dev/zero"]).output()?;
    expect_code(&out, 2)?;
    if !text(&out).contains("larger than") {
        return Err(format!("/dev/zero as a profile:\n{}", text(&out)).into());
    }
    let report = dir.join("r.json");
    std::fs::write(&report, "{}")?;
    let out = bin().arg("diff").arg("/dev/zero").arg(&report).output()?;
    expect_code(&out, 2)?;
    if !text(&out).contains("larger than") {
        return Err(format!("/dev/zero as a report:\n{}", text(&out)).into());
    }
    Ok(())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bad_profiles() -> Result<(), Failed> {
    let dir = temp_dir("bad-profiles");
    let cases = [
        ("empty", "{}", "no endpoint selected"),
        (
            "unknown service",
            "endpoints: { codecatlyst: \"http://127.0.0.1:9\" }",
            "`codecatlyst`",
        ),
        (
            "identity without token",
            "endpoints: { codecatalyst: \"http://127.0.0.1:9\" }\nidentities: { default: {} }",
            "needs bearer_token or bearer_token_env",
        ),
        (
            "CR/LF in a token",
            "endpoints: { codecatalyst: \"http://127.0.0.1:9\" }\nidentities: { default: { bearer_token: \"abc\\r\\nX-Injected: 1\" } }",
            "identities.default.bearer_token: holds a control character",
        ),
        (
            "CR/LF in the region",
            "endpoints: { codecatalyst: \"http://127.0.0.1:9\" }\nregion: \"us-east-1\\r\\n\"",
            "region:",
        ),
    ];
    for (i, (what, yaml, says)) in cases.iter().enumerate() {
        let path = dir.join(format!("p{i}.yaml"));
        std::fs::write(&path, yaml)?;
        let out = bin().arg("run").arg("--profile").arg(&path).output()?;
        expect_code(&out, 2).map_err(|e| format!("{what}: {:?}", e.message()))?;
        if !text(&out).contains(says) {
            return Err(
                format!("{what}: the message does not say `{says}`\n{}", text(&out)).into(),
            );
        }
    }
    Ok(())
}

fn bad_specs() -> Result<(), Failed> {
    let edits = [
        (
            "unclosed path label",
            "codecatalyst/model.yaml",
            "path: /v1/accessTokens/{id}",
            "path: /v1/accessTokens/{id",
            "has a label without its closing `}`",
        ),
        (
            "a shape that refers to itself",
            "codecatalyst/shapes.schema.json",
            "\"AccessTokenName\": {",
            "\"AccessTokenName\": { \"$ref\": \"#/$defs/AccessTokenName\",",
            "refers to itself",
        ),
        (
            "a bad pointer",
            "codecatalyst/service.yaml",
            "input: { id: /accessTokenId }",
            "input: { id: /access~2TokenId }",
            "`~` must be followed by 0 or 1",
        ),
        (
            "a typo in a generation base",
            "codecatalyst/service.yaml",
            "base: { id: \"${uuid}\" }",
            "base: { id: \"${uuidd}\" }",
            "`${uuidd}` is not a variable of a generated case",
        ),
        (
            "an overlay for an operation the model does not import",
            "workmail/service.yaml",
            "operations:\n",
            "operations:\n  RotatePersonalAccessToken: { document: x }\n",
            "not an operation of model.yaml",
        ),
        (
            "an imported operation the overlay does not describe",
            "workmail/model.yaml",
            "operations:\n",
            "operations:\n  RotatePersonalAccessToken: { http: { method: POST, path: /, status: 200 }, input: ListPersonalAccessTokensRequest, output: ListPersonalAccessTokensResponse, errors: [] }\n",
            "service.yaml does not describe it",
        ),
        (
            "a model field in the overlay",
            "workmail/service.yaml",
            "validation_error: InvalidParameterException",
            "validation_error: InvalidParameterException\nprotocol: awsJson1_1",
            "unknown field `protocol`",
        ),
        (
            // Generated cases go through the resolver: a fixed id in a call expected
            // to find nothing is refused there as in a case file.
            "a generated case that expects not-found for a fixed id",
            "workmail/service.yaml",
            "PersonalAccessTokenId: \"${uuid}\" }\n      # A well-formed id that names no token.",
            "PersonalAccessTokenId: \"no-such-token\" }\n      # A well-formed id that names no token.",
            "operations.GetPersonalAccessTokenMetadata.generate (gen-get-personal-access-token-metadata-unknown-member-ignored)",
        ),
        (
            "recovery through an unpaginated operation",
            "codecatalyst/service.yaml",
            "list: ListAccessTokens",
            "list: DeleteAccessToken",
            "is not a paginated operation",
        ),
        (
            "a find by both a name and an id",
            "iam/service.yaml",
            "id: ServiceSpecificCredentialId\n",
            "id: ServiceSpecificCredentialId\n        match: UserName\n",
            "give exactly one of `match` (a name holding the run id) and `id`",
        ),
        (
            "a find by neither a name nor an id",
            "iam/service.yaml",
            "        id: ServiceSpecificCredentialId\n",
            "",
            "give exactly one of `match` (a name holding the run id) and `id`",
        ),
    ];
    for (i, (what, file, from, to, says)) in edits.iter().enumerate() {
        let specs = temp_dir(&format!("bad-specs-{i}")).join("specs");
        copy_dir(&root().join("specs"), &specs)?;
        let path = specs.join(file);
        let text_before = std::fs::read_to_string(&path)?;
        if !text_before.contains(from) {
            return Err(
                format!("{what}: `{from}` is not in {file}: the test proves nothing").into(),
            );
        }
        std::fs::write(&path, text_before.replacen(from, to, 1))?;
        let out = bin().arg("validate").arg("--specs").arg(&specs).output()?;
        expect_code(&out, 2).map_err(|e| format!("{what}: {:?}", e.message()))?;
        if !text(&out).contains(says) {
            return Err(
                format!("{what}: the message does not say `{says}`\n{}", text(&out)).into(),
            );
        }
    }
    Ok(())
}

fn odd_files() -> Result<(), Failed> {
    let cases = temp_dir("odd-files").join("cases");
    copy_dir(&root().join("cases"), &cases)?;
    let status = std::process::Command::new("mkfifo")
        .arg(cases.join("codecatalyst/f.yaml"))
        .status()?;
    if !status.success() {
        return Err("mkfifo failed".into());
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", cases.join("codecatalyst/loop-a"))?;
        std::os::unix::fs::symlink(".", cases.join("codecatalyst/loop-b"))?;
    }
    let expected = bin().arg("validate").output()?;
    let mut child = bin()
        .arg("validate")
        .arg("--cases")
        .arg(&cases)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    while child.try_wait()?.is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill()?;
            return Err("validate hung on a FIFO or a link loop in cases/".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output()?;
    expect_code(&out, 0)?;
    // The first line names the folder the cases came from; the rest must not change.
    let loaded = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    if loaded(&out) != loaded(&expected) {
        return Err(format!(
            "the odd files changed what loads:\n{}\nvs\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&expected.stdout)
        )
        .into());
    }
    Ok(())
}

fn huge_max_results() -> Result<(), Failed> {
    let bg = Background::start(None);
    let (status, kind) = bg.call(reqwest::Method::POST, "{\"maxResults\": -1e19}".into())?;
    if status != 400 || kind != "ValidationException" {
        return Err(format!("maxResults -1e19 got HTTP {status} {kind}").into());
    }
    Ok(())
}

/// Many case files are parsed on several threads: the cases still come in file order,
/// and a bad field in two of the files is reported for each, in file order too.
fn many_files() -> Result<(), Failed> {
    let contract = pat_conformance::spec::Contract::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
    )?;
    let dir = temp_dir("many-files");
    let ops = dir.join("codecatalyst/CreateAccessToken");
    std::fs::create_dir_all(&ops)?;
    let bad = [13, 61];
    for i in 0..80 {
        let level = if bad.contains(&i) {
            "sometimes"
        } else {
            "must"
        };
        std::fs::write(
            ops.join(format!("f{i:03}.yaml")),
            format!(
                "cases:\n  - id: many-{i:03}\n    title: t\n    level: {level}\n    \
                 source: {{ document: seeds/002_bfee6f76a8d413e7.txt }}\n    steps:\n      \
                 - operation: CreateAccessToken\n        input: {{ name: \"pat-${{case_uid}}\" }}\n"
            ),
        )?;
    }
    let errors = match pat_conformance::case::load_cases(&dir, &contract) {
        Ok(_) => return Err("two bad files loaded".into()),
        Err(e) => e.0,
    };
    let files: Vec<String> = errors
        .iter()
        .map(|e| {
            e.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    if files != ["f013.yaml", "f061.yaml"] || errors.iter().any(|e| !e.field.contains("level")) {
        return Err(format!("expected the level of f013 and f061, got {errors:?}").into());
    }
    for i in bad {
        std::fs::remove_file(ops.join(format!("f{i:03}.yaml")))?;
    }
    let cases = pat_conformance::case::load_cases(&dir, &contract).map_err(|e| format!("{e:?}"))?;
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    if ids.len() != 78 || ids != sorted {
        return Err(format!("cases out of file order: {ids:?}").into());
    }
    Ok(())
}

/// The parser's node budget grows with the file: one case file holding 4,000 cases
/// loads (the default budget of 250,000 nodes refused it), while a small file whose
/// aliases expand to millions of nodes is still refused, naming the budget.
fn big_file() -> Result<(), Failed> {
    let dir = temp_dir("big-case-file");
    let folder = dir.join("cases/codecatalyst/ListAccessTokens");
    std::fs::create_dir_all(&folder)?;
    let mut text = String::from("cases:\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "  - id: many-{i:04}\n    title: a listing answers\n    level: must\n    source: {{ document: seeds/000_e8de8842c077f848.txt, member: items }}\n    tags: [many, listing, paging]\n    steps:\n      - operation: ListAccessTokens\n        input: {{ maxResults: 10 }}\n        assert:\n          - {{ path: /items, exists: true }}\n          - {{ path: /items, count: {{ min: 1, max: 1 }} }}\n          - {{ path: /items/*/id, unique: true }}\n      - operation: ListAccessTokens\n        input: {{ maxResults: 5 }}\n        assert:\n          - {{ path: /items, exists: true }}\n          - {{ path: /items/*/secret, absent: true }}\n"
        ));
    }
    std::fs::write(folder.join("many.yaml"), &text)?;
    let loaded =
        pat_conformance::case::load_cases(&dir.join("cases"), &crate::support::suite().contract)
            .map_err(|e| {
                format!(
                    "the 4,000-case file ({} bytes) was refused: {}",
                    text.len(),
                    e.0[0]
                )
            })?;
    if loaded.len() != 4000 {
        return Err(format!("{} of 4,000 cases loaded", loaded.len()).into());
    }
    // Ten levels of ten aliases: 10^10 nodes from a few hundred bytes.
    let bomb_dir = dir.join("bomb");
    let bomb_folder = bomb_dir.join("codecatalyst/ListAccessTokens");
    std::fs::create_dir_all(&bomb_folder)?;
    // In a step's input (any JSON), where aliases are expanded.
    let mut members = vec!["a0: &a0 [x, x, x, x, x, x, x, x, x, x]".to_string()];
    for level in 1..10 {
        let p = level - 1;
        members.push(format!(
            "a{level}: &a{level} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        ));
    }
    let bomb = format!(
        "cases:\n  - id: bomb\n    title: t\n    level: must\n    source: {{ document: d, member: m }}\n    steps:\n      - operation: ListAccessTokens\n        input: {{ {} }}\n",
        members.join(", ")
    );
    std::fs::write(bomb_folder.join("bomb.yaml"), &bomb)?;
    let started = std::time::Instant::now();
    match pat_conformance::case::load_cases(&bomb_dir, &crate::support::suite().contract) {
        Ok(_) => Err("an alias bomb loaded".into()),
        Err(e) if started.elapsed() < std::time::Duration::from_secs(10) => {
            let text = e.0[0].to_string();
            if text.contains("budget") || text.contains("alias") {
                Ok(())
            } else {
                Err(format!("the bomb was refused for another reason: {text}").into())
            }
        }
        Err(_) => Err("the alias bomb took more than 10 s to refuse".into()),
    }
}

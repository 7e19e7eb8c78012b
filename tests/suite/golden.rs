//! Golden failing cases: bad case files and the diagnostics they must produce (file,
//! line, column, field, message), kept as an insta snapshot
//! (`tests/golden/snapshots/bad-case-diagnostics.snap`; `INSTA_UPDATE=always` or
//! `cargo insta review` to accept a change).

use std::path::Path;

use libtest_mimic::Trial;
use pat_conformance::case::load_cases;

use crate::support::suite;

pub fn trials() -> Vec<Trial> {
    vec![Trial::test("golden::bad_case_files", || {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/bad-cases");
        let errors = match load_cases(&root.join("cases"), &suite().contract) {
            Ok(cases) => return Err(format!("bad case files loaded {} cases", cases.len()).into()),
            Err(errors) => errors,
        };
        let prefix = format!("{}/", root.display());
        let mut lines: Vec<String> = errors
            .0
            .iter()
            .map(|e| e.to_string().replace(&prefix, ""))
            .collect();
        lines.sort();
        let actual = lines.join("\n") + "\n";
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        // libtest-mimic turns a panicking assertion into a failed trial.
        settings.bind(|| insta::assert_snapshot!("bad-case-diagnostics", actual));
        Ok(())
    })]
}

//! Golden failing cases: bad case files and the diagnostics they must produce (file,
//! line, column, field, message). `BLESS=1` rewrites the expected file.

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
        let expected_path = root.join("expected.txt");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&expected_path, &actual)?;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .header("expected.txt", "actual")
                .to_string();
            return Err(format!("diagnostics changed (BLESS=1 to accept):\n{diff}").into());
        }
        Ok(())
    })]
}

//! One trial per bundled case, each against its own embedded emulator.

use libtest_mimic::{Failed, Trial};
use pat_conformance::outcome::Status;

use crate::support::{block_on, describe, run_cases, suite};

pub fn trials() -> Vec<Trial> {
    let loaded = match pat_conformance::suite::Suite::bundled() {
        Ok(suite) => suite,
        Err(e) => {
            let message = format!("the bundled suite does not load: {e}");
            return vec![Trial::test("cases::load", move || Err(message.into()))];
        }
    };
    if loaded.cases.is_empty() {
        return vec![Trial::test("cases::none-found", || {
            Err("no cases found under cases/: zero cases is a failure, not a pass".into())
        })];
    }
    loaded
        .cases
        .iter()
        .map(|case| {
            let id = case.id.clone();
            Trial::test(case.full_name(), move || {
                let case = suite()
                    .cases
                    .iter()
                    .find(|c| c.id == id)
                    .cloned()
                    .ok_or("case vanished")?;
                let results = block_on(run_cases(vec![case], None));
                match results.as_slice() {
                    [r] if r.status == Status::Pass => Ok(()),
                    [r] => Err(Failed::from(describe(r))),
                    other => Err(format!("expected one result, got {}", other.len()).into()),
                }
            })
        })
        .collect()
}

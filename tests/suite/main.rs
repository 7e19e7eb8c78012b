//! The integration test binary (libtest-mimic, `harness = false`): one trial per case
//! against the embedded emulator, plus the trials that prove the suite itself (official
//! SDK clients, teeth, golden diagnostics, CLI exit codes, spec examples). Works under
//! `cargo test` and `cargo nextest run` (including `--partition`).

mod action;
mod cases;
mod chunked;
mod cli;
mod coverage;
mod discovery;
mod docs;
mod fuzz;
mod golden;
mod inputs;
mod interrupt;
mod killed_iam;
mod layers;
mod leftovers;
mod mutants;
mod readable;
mod reports;
mod retries;
mod safety;
mod sdk;
mod sdk_discovery;
mod sdk_iam;
mod specs;
mod support;
mod teeth;
mod trust;

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials = Vec::new();
    trials.extend(cases::trials());
    trials.extend(sdk::trials());
    trials.extend(sdk_iam::trials());
    trials.extend(sdk_discovery::trials());
    trials.extend(sdk_iam::safety_trials());
    trials.extend(teeth::trials());
    trials.extend(golden::trials());
    trials.extend(cli::trials());
    trials.extend(specs::trials());
    trials.extend(coverage::trials());
    trials.extend(mutants::trials());
    trials.extend(reports::trials());
    trials.extend(readable::trials());
    trials.extend(interrupt::trials());
    trials.extend(safety::trials());
    trials.extend(chunked::trials());
    trials.extend(leftovers::trials());
    trials.extend(killed_iam::trials());
    trials.extend(fuzz::trials());
    trials.extend(inputs::trials());
    trials.extend(trust::trials());
    trials.extend(retries::trials());
    trials.extend(layers::trials());
    trials.extend(action::trials());
    trials.extend(discovery::trials());
    let groups = trials
        .iter()
        .filter_map(|t| t.name().split_once("::").map(|(g, _)| g.to_string()))
        .collect();
    trials.extend(docs::trials(groups));
    let conclusion = libtest_mimic::run(&args, trials);
    // Every trial's folders were made under one root: nothing is left in the temp
    // folder (a full run made about 2,000 folders, 760 MB of them the installer's).
    cli::remove_temp_root();
    conclusion.exit();
}

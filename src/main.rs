//! `pat-conformance`: parse the command line, run it, render errors, exit.

use clap::Parser;
use pat_conformance::cli::{self, args::Cli};
use pat_conformance::error::HarnessError;
use pat_conformance::exit::Exit;

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Conforms.into()
            };
        }
    };
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
    let runtime = match cli::runtime(&cli) {
        Ok(rt) => rt,
        Err(e) => {
            pat_conformance::errln!("error: failed to start the async runtime: {e}");
            return Exit::Usage.into();
        }
    };
    match runtime.block_on(cli::execute(cli)) {
        Ok(exit) => exit.into(),
        Err(e) => {
            let exit = e.exit();
            match e {
                HarnessError::Cases(errors) => {
                    let count = errors.0.len();
                    for error in errors.0 {
                        pat_conformance::errln!("{:?}", miette::Report::new(error));
                    }
                    pat_conformance::errln!("error: failed to load the cases: {count} error(s)");
                }
                e => pat_conformance::errln!("error: {:#}", anyhow::Error::new(e)),
            }
            exit.into()
        }
    }
}

//! `pat-conformance`: parse the command line, run it, render errors, exit.

use clap::Parser;
use pat_conformance::cli::{self, args::Cli};
use pat_conformance::error::HarnessError;
use pat_conformance::exit::Exit;

/// mimalloc rather than the platform's allocator: a run allocates and frees a great
/// many small buffers (exchanges, JSON values, report lines), and glibc's malloc took a
/// fifth of a 17,000-case run's samples, its share growing with the heap; musl's (the
/// static release binaries) is slower still. Its v2 line rather than v3: v3 holds freed
/// pages for a second before giving them back, which put a run reading endless bodies
/// 30 MB over v2's peak (the memory test in tests/suite/safety.rs) for no speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

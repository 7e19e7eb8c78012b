//! The process's standard output and error. A closed pipe (a reader such as `head`
//! that went away, a log collector that stopped) is not a failure: what would have
//! been printed there is dropped, the work goes on (a run still cleans up and writes
//! its reports), and the exit code is what the work decides. Nothing panics on it.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output that turns a closed pipe into silence.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

/// Standard error that turns a closed pipe into silence.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr;

/// Writes through `write`, remembering a closed pipe in `closed`.
fn guarded(
    closed: &AtomicBool,
    buf: &[u8],
    write: impl FnOnce(&[u8]) -> io::Result<usize>,
) -> io::Result<usize> {
    if closed.load(Ordering::Relaxed) {
        return Ok(buf.len());
    }
    match write(buf) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            closed.store(true, Ordering::Relaxed);
            Ok(buf.len())
        }
        other => other,
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        guarded(&STDOUT_CLOSED, buf, |b| io::stdout().write(b))
    }

    fn flush(&mut self) -> io::Result<()> {
        guarded(&STDOUT_CLOSED, &[], |_| io::stdout().flush().map(|()| 0)).map(|_| ())
    }
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        guarded(&STDERR_CLOSED, buf, |b| io::stderr().write(b))
    }

    fn flush(&mut self) -> io::Result<()> {
        guarded(&STDERR_CLOSED, &[], |_| io::stderr().flush().map(|()| 0)).map(|_| ())
    }
}

/// Whether the console's lines may be coloured: `CLICOLOR_FORCE` (not `0`) forces it;
/// else `NO_COLOR` (any value), `CLICOLOR=0` or a `TERM` without colours turn it off;
/// else only when standard output is a terminal.
pub fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    if anstyle_query::clicolor_force() {
        return true;
    }
    if anstyle_query::no_color() || anstyle_query::clicolor() == Some(false) {
        return false;
    }
    std::io::stdout().is_terminal() && anstyle_query::term_supports_color()
}

/// Whether standard output was found closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// `println!` that never panics: a closed standard output drops the line.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::console::Stdout, $($arg)*);
    }};
}

/// `eprintln!` that never panics: a closed standard error drops the line.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::console::Stderr, $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_remembered_and_silent() {
        let closed = AtomicBool::new(false);
        let broken = |_: &[u8]| Err(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(guarded(&closed, b"abc", broken).unwrap(), 3);
        assert!(closed.load(Ordering::Relaxed));
        let never = |_: &[u8]| -> io::Result<usize> { panic!("written after the pipe closed") };
        assert_eq!(guarded(&closed, b"de", never).unwrap(), 2);
        let other = AtomicBool::new(false);
        let full = |_: &[u8]| Err(io::Error::from(io::ErrorKind::StorageFull));
        assert!(guarded(&other, b"x", full).is_err());
    }
}

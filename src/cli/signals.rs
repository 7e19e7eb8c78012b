//! Signals: SIGINT (Ctrl-C), SIGTERM (what CI runners send on cancel or timeout) and
//! SIGHUP are handled alike. First: no new step starts, creates in flight get their
//! answer, cleanups run, partial reports are written. Second: stop waiting (cleanups
//! included) and report what may be left. Third: exit at once.

use tokio_util::sync::CancellationToken;

use crate::exit::Exit;

/// Watches for signals for the rest of the process.
pub(crate) fn watch(cancel: CancellationToken, abandon: CancellationToken) {
    tokio::spawn(async move {
        let mut signals = match Signals::new() {
            Ok(s) => s,
            Err(e) => {
                errln!(
                    "warning: failed to watch for signals ({e}); an interrupt will not clean up"
                );
                return;
            }
        };
        let mut count = 0;
        while let Some(name) = signals.next().await {
            count += 1;
            match count {
                1 => {
                    errln!("{name}: stopping; creates in flight get their answer, then cleanups run (send it again to stop waiting)");
                    cancel.cancel();
                }
                2 => {
                    errln!("{name} again: no longer waiting; what may be left is reported");
                    abandon.cancel();
                }
                _ => std::process::exit(Exit::Interrupted.code()),
            }
        }
    });
}

#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    async fn next(&mut self) -> Option<&'static str> {
        tokio::select! {
            s = self.int.recv() => s.map(|_| "SIGINT"),
            s = self.term.recv() => s.map(|_| "SIGTERM"),
            s = self.hup.recv() => s.map(|_| "SIGHUP"),
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Option<&'static str> {
        tokio::signal::ctrl_c().await.ok().map(|_| "Ctrl-C")
    }
}

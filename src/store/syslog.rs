//! The audit trail leaving the machine as it is written: each new entry, with its seq
//! and seal, sent to the system log (`/dev/log`, which journald and rsyslog read),
//! where the writers of the database cannot take it back. Cutting entries off the
//! database's trail then leaves them in the log, seals and all.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;

/// Where the system log listens: `/dev/log`, or `CLINIC2FA_SYSLOG_SOCKET` (another
/// logger's socket, or a test's).
fn socket() -> PathBuf {
    std::env::var_os("CLINIC2FA_SYSLOG_SOCKET")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/dev/log"), PathBuf::from)
}

thread_local! {
    /// Why the system log took nothing, for the command to show at its end: the log is
    /// a second copy, so its absence never fails a command.
    static WARNINGS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The warnings sending left, once (emptied).
pub fn take_warnings() -> Vec<String> {
    WARNINGS.with_borrow_mut(std::mem::take)
}

/// Sends `lines` as `auth.info` messages tagged `clinic2fa`; a failure is kept as a
/// one-line warning (see [`take_warnings`]).
pub fn send(lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    if let Err(warning) = try_send(lines) {
        WARNINGS.with_borrow_mut(|w| {
            if !w.contains(&warning) {
                w.push(warning);
            }
        });
    }
}

fn try_send(lines: &[String]) -> Result<(), String> {
    let path = socket();
    let failed = |e: std::io::Error| {
        format!(
            "warning: audit-syslog is on, but the system log at {} took nothing ({e}); the entries are in the database",
            path.display()
        )
    };
    let log = UnixDatagram::unbound().map_err(failed)?;
    let pid = std::process::id();
    for line in lines {
        // <38>: facility auth (4) × 8 + severity info (6).
        let message = format!("<38>clinic2fa[{pid}]: {line}");
        log.send_to(message.as_bytes(), &path).map_err(failed)?;
    }
    Ok(())
}

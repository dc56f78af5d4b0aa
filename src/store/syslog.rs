//! The audit trail leaving the machine as it is written: each new entry, with its seq
//! and seal, sent to the system log (`/dev/log`, which journald and rsyslog read),
//! where the writers of the database cannot take it back. Cutting entries off the
//! database's trail then leaves them in the log, seals and all.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// Where the system log listens: `/dev/log`, or `CLINIC2FA_SYSLOG_SOCKET` (another
/// logger's socket, or a test's).
pub fn socket() -> PathBuf {
    std::env::var_os("CLINIC2FA_SYSLOG_SOCKET")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/dev/log"), PathBuf::from)
}

/// Sends `lines` as `auth.info` messages tagged `clinic2fa`. The log is a second copy,
/// so its absence never fails a command: what went wrong comes back as a one-line
/// warning, for the store to keep ([`super::Warnings`]).
pub fn send(path: &Path, lines: &[String]) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    try_send(path, lines).err()
}

fn try_send(path: &Path, lines: &[String]) -> Result<(), String> {
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
        log.send_to(message.as_bytes(), path).map_err(failed)?;
    }
    Ok(())
}

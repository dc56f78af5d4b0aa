//! The errors a caller must tell apart, because the exit code depends on them.
//!
//! Everything else (an I/O or SQLite failure) travels as `anyhow::Error` with context
//! and exits 1. `main` is the one place that turns an error into an exit code.

/// A failure the contract gives its own exit code or wording to.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or values, or input missing under `--no-input` (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The named thing does not exist (exit 1).
    #[error("{0}")]
    NotFound(String),
    /// The thing already exists or the request clashes with the current state (exit 1).
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be used as it is (exit 1); it is left untouched.
    #[error("{0}")]
    Database(String),
    /// The database cannot be reached: its server is down or the connection was lost
    /// (exit 1). Nothing unconfirmed was saved; the same request may succeed once it
    /// is back (a sign-in service answers "unavailable", not "denied").
    #[error("{0}")]
    Unavailable(String),
    /// The database stayed locked, or too busy to take the change, for as long as
    /// clinic2fa waits (exit 1). Nothing was changed; try again.
    #[error("{0}")]
    Busy(String),
    /// A row that decides a sign-in does not carry clinic2fa's seal: it was written,
    /// copied or set back by someone without the key file (exit 1). Nothing is decided
    /// on it.
    #[error("{0}")]
    Damaged(String),
}

/// Exit codes, as the contract lists them.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const DENIED: u8 = 3;
    pub const LOCKED: u8 = 4;
    pub const ACTION_REQUIRED: u8 = 5;
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::NotFound(_)
            | Error::Conflict(_)
            | Error::Database(_)
            | Error::Unavailable(_)
            | Error::Busy(_)
            | Error::Damaged(_) => exit::FAILURE,
        }
    }
}

/// The exit code for any error that reached `main`.
pub fn exit_code_of(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .map_or(exit::FAILURE, Error::exit_code)
}

/// A closed pipe (`clinic2fa user list | head -1`) is the reader's choice, not a failure.
/// The pipe error can arrive wrapped by the writer that met it (CSV, JSON).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == BrokenPipe)
            || cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind)
                == Some(BrokenPipe)
            || cause.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

//! The SQLite file: opening it safely, its schema, and one transaction per operation.
//!
//! Reads go through [`Store::conn`]; every change goes through [`Store::write`], which
//! runs inside `BEGIN IMMEDIATE` so a failure anywhere rolls the whole command back and
//! concurrent writers queue on the busy timeout instead of failing half-way.

pub mod accounts;
pub mod audit;
pub mod authenticators;
pub mod clinic;
mod migrations;
pub mod recovery_codes;

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::Error;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Long enough for a queue of concurrent logins (each holds the lock for milliseconds).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// A file that is not SQLite, or whose schema is newer than this binary knows, is
    /// refused before anything is written to it.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let shown = path.display();
        if path.exists() {
            check_is_sqlite(path)?;
        } else {
            create_private_file(path)
                .with_context(|| format!("could not create the database {shown}"))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .with_context(|| format!("could not open the database {shown}"))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;

        // Read-only checks first: a refused file must stay byte-for-byte as it was.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| not_a_database(path, &e))?;
        migrations::check_known(version, path)?;

        set_pragmas(&conn).with_context(|| format!("could not set up the database {shown}"))?;
        let mut store = Store { conn, path: path.to_owned() };
        migrations::apply(&mut store.conn)
            .with_context(|| format!("could not update the schema of {shown}"))?;
        Ok(store)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `change` in one immediate transaction; commits only if it returns `Ok`.
    pub fn write<T>(
        &mut self,
        change: impl FnOnce(&Transaction<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("could not start a database transaction")?;
        let value = change(&tx)?;
        tx.commit().context("could not save the change to the database")?;
        Ok(value)
    }
}

fn check_is_sqlite(path: &Path) -> anyhow::Result<()> {
    let meta = fs::metadata(path)
        .with_context(|| format!("could not read the database {}", path.display()))?;
    if !meta.is_file() {
        return Err(Error::Database(format!(
            "{} is not a file: point --db or CLINIC2FA_DB at a clinic2fa database",
            path.display()
        ))
        .into());
    }
    if meta.len() == 0 {
        return Ok(()); // SQLite treats an empty file as a new database.
    }
    let mut header = [0u8; 16];
    let read = fs::File::open(path)
        .and_then(|mut f| f.read(&mut header))
        .with_context(|| format!("could not read the database {}", path.display()))?;
    if read < header.len() || &header != SQLITE_MAGIC {
        return Err(not_a_database(path, &"wrong file header").into());
    }
    Ok(())
}

fn not_a_database(path: &Path, cause: &dyn std::fmt::Display) -> Error {
    Error::Database(format!(
        "{} is not a clinic2fa database ({cause}); it was left untouched: point --db or CLINIC2FA_DB at the right file",
        path.display()
    ))
}

/// Creates the file (and any missing folders) readable by its owner alone: it holds
/// password hashes.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    match OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        // Another process created it first: fine, we open the same file.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    // WAL lets readers run while one process writes; FULL sync so a confirmed change
    // survives a power cut. Both are per-file or per-connection, so not migrations.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

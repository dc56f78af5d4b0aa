//! A clinic in one SQLite file: opening it safely (a damaged or foreign file is refused
//! before anything writes to it), making one (`init`), backing it up, and what SQLite's
//! errors mean for the person at the keyboard.

use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};

use crate::error::Error;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Long enough for a queue of concurrent logins (each holds the lock for milliseconds).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the existing database at `path`: read-write where this process may write it,
/// else read as it stands. Nothing is written yet.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let shown = path.display();
    let key = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    // Checked once per process. The checks open the file and close it again, and a
    // close drops every POSIX lock this process holds on the file: the locks by which
    // this process's other connections (the sign-in service's workers) tell SQLite's
    // other users that the file is in use. Without them, another process closing its
    // connection takes itself for the last one and resets the write-ahead log under
    // them, and they read a stale database.
    let known = CHECKED.lock().ok().and_then(|checked| checked.get(&key).copied());
    let writable = match known {
        Some(writable) => writable,
        None => {
            let writable = check(path)?;
            if let Ok(mut checked) = CHECKED.lock() {
                checked.insert(key, writable);
            }
            writable
        }
    };
    let conn = if writable {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags(path, flags)
    } else {
        // A file this process may not write, with no changes waiting in a `-wal`:
        // read it as it stands, without the `-wal` and `-shm` files SQLite would
        // otherwise leave, read-only, in the folder, where they would block the
        // owner's writes once the file is writable again. Any change is then
        // refused as "cannot be written". (With changes waiting, SQLite's usual
        // read-only open reads them.)
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(path)), flags)
    }
    .with_context(|| format!("could not open the database {shown}"))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The database files this process has checked, and whether it may write each.
static CHECKED: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, bool>>,
> = std::sync::LazyLock::new(Default::default);

/// Refuses what is not a clinic2fa database; whether this process may write it (or
/// there are changes waiting in a `-wal` to read).
fn check(path: &Path) -> anyhow::Result<bool> {
    let shown = path.display();
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotFound(format!(
                "there is no clinic2fa database at {shown}: create one with `clinic2fa init` (with --db or CLINIC2FA_DB naming where), or point --db at the existing one"
            ))
            .into());
        }
        _ => check_is_sqlite(path)?,
    }
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let pending = fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    Ok(pending || OpenOptions::new().write(true).open(path).is_ok())
}

pub fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    // WAL lets readers run while one process writes; FULL sync so a confirmed change
    // survives a power cut. Both are per-file or per-connection, so not migrations.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows (old secrets, spent codes) are overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(())
}

/// `path` for a `file:` URI: every byte but the unreserved ones and `/` escaped.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute
        .as_os_str()
        .as_bytes()
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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
        // SQLite would take an empty file for a new database; only `init` makes one.
        return Err(Error::Database(format!(
            "the database {} is empty: it is damaged or was never made by `clinic2fa init`; restore it from a backup (nothing was changed)",
            path.display()
        ))
        .into());
    }
    let mut header = [0u8; 100];
    let read = fs::File::open(path)
        .and_then(|mut f| f.read(&mut header))
        .with_context(|| format!("could not read the database {}", path.display()))?;
    if read < 16 || &header[..16] != SQLITE_MAGIC {
        return Err(not_a_database(path, &"wrong file header").into());
    }
    if read < header.len() || !whole_pages(&header, meta.len()) {
        return Err(damaged(path, "it ends part-way through a page: cut short").into());
    }
    Ok(())
}

/// Whether a database file of `len` bytes holds whole pages, as many as its header
/// says (where the header's count is current): a file cut off is refused before
/// SQLite would read on, or grow it back with a write.
fn whole_pages(header: &[u8; 100], len: u64) -> bool {
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    if page < 512 || !page.is_power_of_two() || !len.is_multiple_of(page) {
        return false;
    }
    // The page count is current when the "version valid for" matches the change counter.
    let counted = (be32(92) == be32(24)).then(|| u64::from(be32(28)));
    counted.is_none_or(|pages| len / page >= pages)
}

/// A database that cannot be read as it is: named, with what to do.
fn damaged(path: &Path, why: &str) -> Error {
    Error::Database(format!(
        "the database {} is damaged ({why}); nothing was changed: restore it from a backup (a copy made by `clinic2fa backup`, with its key file)",
        path.display()
    ))
}

/// Says what a SQLite failure means for the person at the keyboard, and what to do;
/// anything not recognised passes through unchanged. No raw SQLite message ("database
/// disk image is malformed") reaches a person.
pub fn storage_error(path: &Path, err: anyhow::Error) -> anyhow::Error {
    use rusqlite::ErrorCode::*;
    let code = err.chain().find_map(|c| match c.downcast_ref::<rusqlite::Error>() {
        Some(rusqlite::Error::SqliteFailure(e, _)) => Some(e.code),
        _ => None,
    });
    let shown = path.display();
    let message = match code {
        Some(NotADatabase) => return not_a_database(path, &"not SQLite").into(),
        Some(DatabaseCorrupt) => return damaged(path, "SQLite found it malformed").into(),
        Some(ReadOnly) | Some(CannotOpen) | Some(PermissionDenied) => format!(
            "the database {shown} cannot be written: check that you may write the file and its folder (nothing was changed)"
        ),
        Some(DiskFull) => format!(
            "the disk holding {shown} is full: free some space and try again (nothing was changed)"
        ),
        Some(SystemIoFailure) => format!(
            "writing to {shown} failed (the disk may be full or failing): nothing was changed; check the disk and try again"
        ),
        Some(DatabaseBusy) | Some(DatabaseLocked) => {
            return Error::Busy(format!(
                "the database {shown} stayed busy for {} s: another program has it locked (another clinic2fa, or a tool such as sqlite3 with it open); try again once it is done",
                BUSY_TIMEOUT.as_secs()
            ))
            .into();
        }
        _ => return err,
    };
    Error::Database(message).into()
}

fn not_a_database(path: &Path, cause: &dyn std::fmt::Display) -> Error {
    Error::Database(format!(
        "{} is not a clinic2fa database ({cause}); it was left untouched: point --db or CLINIC2FA_DB at the right file",
        path.display()
    ))
}

/// Refuses a new file's place whose folder is missing: a backup or a copy makes no
/// folder (a mistyped path would leave one behind).
pub fn folder_exists(target: &Path) -> Result<(), Error> {
    match target.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        Some(dir) => Err(Error::NotFound(format!(
            "the folder {} does not exist: create it first, or choose another place",
            dir.display()
        ))),
        None => Ok(()),
    }
}

/// Makes `target`, which must not exist, mode 0600 (so nothing is ever overwritten):
/// the file a backup is written into.
pub fn create_new_file(target: &Path) -> anyhow::Result<()> {
    folder_exists(target)?;
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(target).map_err(
        |e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::Error::from(Error::Conflict(format!(
                "{} already exists: clinic2fa never overwrites a file; choose a new file name",
                target.display()
            ))),
            _ => anyhow::Error::from(e).context(format!("could not create {}", target.display())),
        },
    )?;
    Ok(())
}

/// Writes a consistent copy of the whole database to the new, empty file `target`.
/// SQLite's `VACUUM INTO` reads one snapshot: writers go on meanwhile, and the copy
/// holds every change committed before it began, none after.
pub fn vacuum_into(conn: &Connection, target: &Path) -> anyhow::Result<()> {
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    fs::File::open(target).and_then(|f| f.sync_all())?;
    Ok(())
}

/// Builds a new database in the new file `temp` (mode 0600), filled by `fill`, closed
/// and on disk, ready to be linked into place.
pub fn build(
    temp: &Path,
    fill: impl FnOnce(&Connection) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(temp)
        .with_context(|| format!("could not create the database {}", temp.display()))?;
    // A rollback journal while building: nothing but this file is left to link.
    let conn = Connection::open(temp)
        .with_context(|| format!("could not create the database {}", temp.display()))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    fill(&conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.close().map_err(|(_, e)| e)?;
    fs::File::open(temp)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::ffi::c_int) -> anyhow::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into()
    }

    /// A lock held past the wait is "busy" (try again), told apart from a damaged file.
    #[test]
    fn a_lock_held_too_long_is_busy_and_a_malformed_file_is_damaged() {
        let path = Path::new("/clinic/c.db");
        let typed = |err: anyhow::Error| {
            let err = storage_error(path, err);
            err.chain().find_map(|c| c.downcast_ref::<Error>()).map(|e| format!("{e:?}"))
        };
        let busy = typed(failure(rusqlite::ffi::SQLITE_BUSY)).unwrap();
        assert!(busy.starts_with("Busy(") && busy.contains("/clinic/c.db"), "{busy}");
        assert!(typed(failure(rusqlite::ffi::SQLITE_LOCKED)).unwrap().starts_with("Busy("));
        assert!(typed(failure(rusqlite::ffi::SQLITE_CORRUPT)).unwrap().starts_with("Database("));
    }
}

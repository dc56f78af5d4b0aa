//! The SQLite file: opening it safely, its schema, and one transaction per operation.
//!
//! Reads go through [`Store::conn`]; every change goes through [`Store::write`], which
//! runs inside `BEGIN IMMEDIATE` so a failure anywhere rolls the whole command back and
//! concurrent writers queue on the busy timeout instead of failing half-way.

pub mod accounts;
pub mod audit;
pub mod authenticators;
pub mod clinic;
pub mod keyfile;
mod migrations;
pub mod recovery_codes;
pub mod syslog;

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Read;
use std::ops::Deref;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::domain::keys::Keys;
use crate::error::Error;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Long enough for a queue of concurrent logins (each holds the lock for milliseconds).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    keys: Keys,
    /// What opening found worth telling the person (files others can read, a key
    /// file made): the store never prints; the command shows these.
    pub notices: Notices,
}

/// What [`Store::open`] has to tell.
#[derive(Debug, Default)]
pub struct Notices {
    /// Warnings for anyone running the command.
    pub warnings: Vec<String>,
    /// A new key file was made here.
    pub created_key: Option<PathBuf>,
}

/// A connection (or transaction) together with the keys: what store functions that
/// seal secrets or extend the audit trail need. Derefs to the connection.
#[derive(Debug, Clone, Copy)]
pub struct Db<'a> {
    conn: &'a Connection,
    pub keys: &'a Keys,
}

impl Deref for Db<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to
    /// date, with the master key from `key_path`.
    ///
    /// A file that is not SQLite, or whose schema is newer than this binary knows, is
    /// refused before anything is written to it. A missing or wrong key is refused too:
    /// a new key is only ever made together with a database that had none.
    pub fn open(path: &Path, key_path: &Path) -> anyhow::Result<Store> {
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
        let conn = if pending || OpenOptions::new().write(true).open(path).is_ok() {
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

        // Read-only checks first: a refused file must stay byte-for-byte as it was.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| storage_error(path, e.into()))?;
        migrations::check_known(version, path)?;
        let mut notices = Notices::default();
        // Once a database has a key, nothing is sealed on the database's own say-so:
        // a schema from before sealing beside an existing key went backwards (someone
        // with the file, not the key, wants the sealing upgrade run over forged data).
        if key_path.exists() && version < migrations::ENCRYPTION {
            return Err(Error::Database(format!(
                "the database {shown} says it is from before secrets were sealed (schema {version}), yet its key file {} exists: its schema went backwards, by tampering or an old copy. Nothing was changed or sealed; restore it from a backup",
                key_path.display()
            ))
            .into());
        }
        let master = if key_path.exists() {
            keyfile::load(key_path)?
        } else if version < migrations::ENCRYPTION {
            let key = keyfile::create(key_path)?;
            notices.created_key = Some(key_path.to_owned());
            key
        } else {
            return Err(wrong_key(&conn, key_path, keyfile::missing(key_path)).into());
        };
        let keys = master.derive();
        drop(master);

        set_pragmas(&conn).with_context(|| format!("could not set up the database {shown}"))?;
        let mut store = Store { conn, path: path.to_owned(), keys, notices };
        migrations::apply(&mut store.conn, &store.keys)
            .with_context(|| format!("could not update the schema of {shown}"))?;
        let check: Option<Vec<u8>> =
            store.conn.query_row("SELECT key_check FROM clinic WHERE id = 1", [], |r| r.get(0))?;
        if !check.is_some_and(|c| store.keys.matches_check(&c)) {
            let error = Error::Database(format!(
                "the key file {} does not belong to the database {shown}: restore the right key file from your backup, or set CLINIC2FA_KEY_FILE to it",
                key_path.display()
            ));
            return Err(wrong_key(&store.conn, key_path, error).into());
        }
        store.notices.warnings.extend(
            [keyfile::exposure(path, "database"), keyfile::exposure(key_path, "key file")]
                .into_iter()
                .flatten(),
        );
        Ok(store)
    }

    /// For reading.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// For reading what needs the keys (TOTP secrets).
    pub fn db(&self) -> Db<'_> {
        Db { conn: &self.conn, keys: &self.keys }
    }

    /// Runs `change` in one immediate transaction; commits only if it returns `Ok`.
    pub fn write<T>(
        &mut self,
        change: impl FnOnce(&Db<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let path = self.path.clone();
        audit::clear_outbox();
        let run = || {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .context("could not start a database transaction")?;
            let value = change(&Db { conn: &tx, keys: &self.keys })?;
            tx.commit().context("could not save the change to the database")?;
            Ok(value)
        };
        after_transaction(run().map_err(|e| storage_error(&path, e)))
    }
}

/// The audit entries a transaction wrote go to the system log once it has committed,
/// and nowhere if it rolled back.
fn after_transaction<T>(done: anyhow::Result<T>) -> anyhow::Result<T> {
    match &done {
        Ok(_) => syslog::send(&audit::take_outbox()),
        Err(_) => audit::clear_outbox(),
    }
    done
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

/// A key that is missing or does not fit: where a key rotation was cut short, the key
/// that fits is beside it, and the error names it.
fn wrong_key(conn: &Connection, key_path: &Path, error: Error) -> Error {
    let check: Option<Vec<u8>> = conn
        .query_row("SELECT key_check FROM clinic WHERE id = 1", [], |r| r.get(0))
        .ok()
        .flatten();
    match check.and_then(|c| keyfile::fitting_sibling(key_path, &c)) {
        Some(fits) => Error::Database(format!(
            "the database was re-keyed (`clinic2fa key rotate`) but its key file {} was not replaced: the key that fits is {}. Move it to {} (keep the other as the old key) and run the command again",
            key_path.display(),
            fits.display(),
            key_path.display()
        )),
        None => error,
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

/// Says what a storage failure means for the person at the keyboard, and what to do;
/// anything not recognised passes through unchanged. Every command's error goes
/// through it, so no raw SQLite message ("database disk image is malformed") reaches
/// a person.
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
        Some(DatabaseBusy) | Some(DatabaseLocked) => format!(
            "the database {shown} stayed busy for {} s: another program has it locked (another clinic2fa, or a tool such as sqlite3 with it open); try again once it is done",
            BUSY_TIMEOUT.as_secs()
        ),
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

impl Store {
    /// Writes a consistent copy of the whole database to `target`, which must not exist
    /// (it is made here, mode 0600, so nothing is ever overwritten). SQLite's `VACUUM
    /// INTO` reads one snapshot: writers go on meanwhile, and the copy holds every change
    /// committed before it began, none after. A failed copy leaves no file.
    pub fn back_up_to(&self, target: &Path) -> anyhow::Result<()> {
        OpenOptions::new().write(true).create_new(true).mode(0o600).open(target).map_err(|e| {
            match e.kind() {
                std::io::ErrorKind::AlreadyExists => anyhow::Error::from(Error::Conflict(format!(
                    "{} already exists: a backup never overwrites; choose a new file name",
                    target.display()
                ))),
                _ => {
                    anyhow::Error::from(e).context(format!("could not create {}", target.display()))
                }
            }
        })?;
        let copied =
            self.conn.execute("VACUUM INTO ?1", [target.to_string_lossy()]).map(|_| ()).and_then(
                |()| {
                    fs::File::open(target)
                        .and_then(|f| f.sync_all())
                        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
                },
            );
        if let Err(e) = copied {
            let _ = fs::remove_file(target);
            return Err(storage_error(target, e.into())
                .context(format!("could not back up to {}", target.display())));
        }
        Ok(())
    }
}

impl Store {
    /// Re-keys the database to `new`, in one transaction: every secret re-sealed, the
    /// trail (checked first) re-sealed, the key check replaced, and `entry` appended
    /// under the new key. Until it commits, only the old key opens the database; after,
    /// only the new one. The caller has the new key safe in a file before, and swaps
    /// the files after.
    pub fn rotate_key(&mut self, new: &Keys, entry: &audit::Entry<'_>) -> anyhow::Result<()> {
        let path = self.path.clone();
        audit::clear_outbox();
        let mut run = || -> anyhow::Result<()> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let old = Db { conn: &tx, keys: &self.keys };
            let renewed = Db { conn: &tx, keys: new };
            authenticators::reseal_all(&old, &renewed)?;
            audit::reseal_all(&old, &renewed)?;
            tx.execute(
                "UPDATE clinic SET key_check = ?1 WHERE id = 1",
                [new.check_value().as_slice()],
            )?;
            audit::record(&renewed, entry)?;
            tx.commit().context("could not save the change to the database")?;
            Ok(())
        };
        after_transaction(run().map_err(|e| storage_error(&path, e)))
    }
}

/// What `init` made.
#[derive(Debug)]
pub struct Created {
    pub database: PathBuf,
    pub key_file: PathBuf,
}

/// Creates a new database at `path` and its key file at `key_path` (`clinic2fa
/// init`): the only way either comes to exist.
///
/// Both are built under temporary names beside their final ones, complete (schema,
/// key check, the clinic's name), then linked into place with a link that fails if
/// the name is taken: a half-made database is never seen at `path`, an existing
/// database or key file is never overwritten or adopted, and of several `init`s of
/// one path exactly one succeeds.
pub fn create(
    path: &Path,
    key_path: &Path,
    setup: impl FnOnce(&Db<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<Created> {
    for (file, what) in [(path, "a database"), (key_path, "a key file")] {
        if fs::symlink_metadata(file).is_ok() {
            return Err(taken(file, what).into());
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create the folder {}", dir.display()))?;
    }
    let temp_db = temporary_name(path);
    let temp_key = temporary_name(key_path);
    let built = build(&temp_db, &temp_key, setup);
    let linked = built.and_then(|()| {
        link_new(&temp_key, key_path, "a key file")?;
        link_new(&temp_db, path, "a database").inspect_err(|_| {
            let _ = fs::remove_file(key_path); // ours: linked a moment ago
        })
    });
    for temp in [&temp_db, &temp_key] {
        let _ = fs::remove_file(temp);
    }
    linked?;
    Ok(Created { database: path.to_owned(), key_file: key_path.to_owned() })
}

/// The new database and key file, complete, under their temporary names.
fn build(
    db: &Path,
    key_path: &Path,
    setup: impl FnOnce(&Db<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let master = keyfile::create(key_path)?;
    let keys = master.derive();
    drop(master);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(db)
        .with_context(|| format!("could not create the database {}", db.display()))?;
    // A rollback journal while building: nothing but this file is left to link.
    let mut conn = Connection::open(db)
        .with_context(|| format!("could not create the database {}", db.display()))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::apply(&mut conn, &keys)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    setup(&Db { conn: &tx, keys: &keys })?;
    tx.commit()?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.close().map_err(|(_, e)| e)?;
    fs::File::open(db)?.sync_all()?;
    Ok(())
}

/// `name.tmp-PID`, beside `name`.
fn temporary_name(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".init-{}", std::process::id()));
    path.with_file_name(name)
}

/// Gives `temp` the name `path`, failing if `path` exists (a hard link never replaces).
fn link_new(temp: &Path, path: &Path, what: &str) -> anyhow::Result<()> {
    match fs::hard_link(temp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(taken(path, what).into()),
        Err(e) => Err(e).with_context(|| format!("could not create {}", path.display())),
    }
}

fn taken(path: &Path, what: &str) -> Error {
    Error::Conflict(format!(
        "there is already a file at {}: `clinic2fa init` makes {what} only where there is none, and never takes one over; point --db (or CLINIC2FA_KEY_FILE) elsewhere, or keep using what is there",
        path.display()
    ))
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    // WAL lets readers run while one process writes; FULL sync so a confirmed change
    // survives a power cut. Both are per-file or per-connection, so not migrations.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows (old secrets, spent codes) are overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::MasterKey;

    /// A database as clinic2fa wrote it before secrets were sealed: schema 2, with a
    /// TOTP secret and audit entries in clear.
    fn version_2_database(path: &Path) -> Vec<u8> {
        let mut conn = Connection::open(path).unwrap();
        let unused = MasterKey::generate().unwrap().derive();
        migrations::apply_up_to(&mut conn, &unused, 2).unwrap();
        let secret = b"old plaintext secret".to_vec();
        conn.execute_batch(
            "INSERT INTO accounts (id, username, role, password_hash, created_at)
             VALUES (1, 'alice', 'staff', '$argon2id$x', 1795798800);
             INSERT INTO audit_log (at, actor, action, outcome) VALUES (1795798800, 'it', 'user.add', 'ok');
             INSERT INTO audit_log (at, actor, action, outcome) VALUES (1795798801, 'alice', 'login', 'success');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO authenticators (account_id, secret, last_used_step, confirmed_at) VALUES (1, ?1, 0, 0)",
            [&secret],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO pending_enrolments (account_id, secret, expires_at) VALUES (1, ?1, 0)",
            [b"pending plaintext!!!".as_slice()],
        )
        .unwrap();
        secret
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn an_older_database_is_upgraded_in_place_to_sealed_secrets_and_a_sealed_trail() {
        let dir = tempfile::tempdir().unwrap();
        let (db_path, key_path) = (dir.path().join("clinic.db"), dir.path().join("clinic.db.key"));
        let secret = version_2_database(&db_path);
        let files = || -> Vec<u8> {
            let mut bytes = std::fs::read(&db_path).unwrap();
            bytes.extend(std::fs::read(dir.path().join("clinic.db-wal")).unwrap_or_default());
            bytes
        };
        assert!(contains(&files(), &secret), "the search must be able to find it before");

        let store = Store::open(&db_path, &key_path).unwrap();
        assert!(key_path.is_file(), "the upgrade makes the key file");
        let account = accounts::find(
            store.conn(),
            &crate::domain::username::Username::parse("alice").unwrap(),
        )
        .unwrap()
        .unwrap();
        let active = authenticators::active(&store.db(), &account).unwrap().unwrap();
        assert_eq!(active.secret.as_bytes(), secret.as_slice());
        let pending = authenticators::pending(&store.db(), &account).unwrap().unwrap();
        assert_eq!(pending.secret.as_bytes(), b"pending plaintext!!!");
        let head = audit::head(store.conn()).unwrap();
        let db = store.db();
        let entries = audit::all_stored(&db).unwrap();
        assert_eq!(crate::domain::audit::verify(db.keys, entries, &head), Ok(2));
        drop(store);

        // Nothing of the old secrets is left in clear anywhere in the files.
        assert!(!contains(&files(), &secret));
        assert!(!contains(&files(), b"pending plaintext!!!"));
        // Opening again uses the same key: no second key is ever made.
        let key_before = std::fs::read(&key_path).unwrap();
        Store::open(&db_path, &key_path).unwrap();
        assert_eq!(std::fs::read(&key_path).unwrap(), key_before);
    }
}

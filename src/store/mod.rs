//! The clinic's database, on either engine: one SQLite file, or a PostgreSQL database
//! shared by several machines. Opening it safely, its schema, and one transaction per
//! operation.
//!
//! Reads go through [`Store::db`]; every change goes through [`Store::write`], which
//! takes the database's one write lock first (SQLite's `BEGIN IMMEDIATE`; on
//! PostgreSQL, the clinic row `FOR UPDATE`), so concurrent writers queue instead of
//! deciding on what another is changing, and a failure anywhere rolls the whole
//! command back. Store functions take a [`Db`] and are written once for both engines.

pub mod accounts;
pub mod audit;
pub mod authenticators;
pub mod clients;
pub mod clinic;
pub mod copy;
pub mod enrol_links;
pub mod keyfile;
mod migrations;
pub mod postgres;
pub mod recovery_codes;
pub mod seals;
pub mod sql;
mod sqlite;
pub mod syslog;

use std::cell::RefCell;
use std::fmt;
use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::domain::keys::Keys;
use crate::error::Error;
pub use keyfile::{ClinicId, KeyFile};
pub use sql::Engine;
use sql::{PgConn, Sql, Transaction, TransactionKind};

/// Where a clinic's database is.
#[derive(Debug, Clone)]
pub enum Location {
    /// A SQLite file.
    File(PathBuf),
    /// A PostgreSQL database.
    Server(Box<postgres::Target>),
}

impl Location {
    /// `--db`'s value: a `postgres://` URL, else a SQLite path.
    pub fn parse(text: &std::ffi::OsStr) -> Result<Location, Error> {
        match text.to_str() {
            Some(url) if postgres::is_url(url) => {
                postgres::Target::parse(url).map(|t| Location::Server(Box::new(t)))
            }
            _ => Ok(Location::File(PathBuf::from(text))),
        }
    }

    /// Says what a storage failure means for the person, for this engine.
    pub fn explain(&self, err: anyhow::Error) -> anyhow::Error {
        match self {
            Location::File(path) => sqlite::storage_error(path, err),
            Location::Server(target) => postgres::storage_error(target, err),
        }
    }
}

/// The path, or the URL without its password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Server(target) => write!(f, "{target}"),
        }
    }
}

/// An open connection to either engine.
#[derive(Debug)]
enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<PgConn>>),
}

impl Conn {
    fn open(location: &Location) -> anyhow::Result<Conn> {
        Ok(match location {
            Location::File(path) => Conn::Sqlite(sqlite::open(path)?),
            Location::Server(target) => Conn::Postgres(Box::new(RefCell::new(PgConn::new(
                target.connect()?,
                target.unnamed_statements,
            )))),
        })
    }

    fn sql(&self) -> Sql<'_> {
        match self {
            Conn::Sqlite(c) => Sql::Sqlite(c),
            Conn::Postgres(c) => Sql::Postgres(c),
        }
    }
}

#[derive(Debug)]
pub struct Store {
    conn: Conn,
    location: Location,
    /// The key file the keys were read from.
    key_path: PathBuf,
    keys: Keys,
    /// "Now" is pinned (`CLINIC2FA_NOW`): every entry written says so.
    pinned_clock: bool,
    /// What opening found worth telling the person (files others can read, a key
    /// file made): the store never prints; the command shows these.
    pub notices: Notices,
    /// What writing found worth telling without failing (the system log took nothing).
    warnings: Warnings,
    /// The system log's socket, for `audit-syslog`.
    syslog: PathBuf,
}

/// Warnings a store leaves for whoever runs it, at its end: the system log took
/// nothing, say. Clones share one list, so the stores one command (or one service)
/// opens can all leave theirs in the same place.
#[derive(Debug, Clone, Default)]
pub struct Warnings(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Warnings {
    /// Keeps `warning`, once however often it happens.
    pub fn push(&self, warning: String) {
        let mut kept = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !kept.contains(&warning) {
            kept.push(warning);
        }
    }

    /// The warnings kept so far, emptied.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// What [`Store::open`] has to tell.
#[derive(Debug, Default)]
pub struct Notices {
    /// Warnings for anyone running the command.
    pub warnings: Vec<String>,
    /// A new key file was made here.
    pub created_key: Option<PathBuf>,
    /// The key file was found under the name of the address the clinic was made
    /// through (before clinic ids): (that name, the one every address finds).
    pub key_named_by_address: Option<(PathBuf, PathBuf)>,
}

/// A connection (or transaction) together with the keys: what store functions that
/// seal secrets or extend the audit trail need. Derefs to the connection.
#[derive(Debug, Clone, Copy)]
pub struct Db<'a> {
    sql: Sql<'a>,
    pub keys: &'a Keys,
    /// Inside a write transaction: what it changed, to seal before it commits.
    changes: Option<&'a RefCell<seals::Changes>>,
    /// The entries it writes are marked as written under a pinned clock.
    pub(crate) pinned_clock: bool,
    /// Outside any transaction ([`Store::db`]): each statement sees the database as it
    /// is at that moment, so two statements may see a write land between them.
    autocommit: bool,
}

impl<'a> Db<'a> {
    /// Inside a transaction the caller holds, or on a connection of its own (a
    /// snapshot, a schema's making, a test).
    pub fn new(sql: Sql<'a>, keys: &'a Keys) -> Db<'a> {
        Db { sql, keys, changes: None, pinned_clock: false, autocommit: false }
    }

    /// Runs `read` so that all its statements see one state of the database: the
    /// transaction's, or outside one a snapshot of its own. A check that reads a row
    /// and then what its seal covers (its credentials, the trail's latest entry about
    /// it) would otherwise see a concurrent write land between the two, and call an
    /// intact row damaged.
    pub(crate) fn consistently<T>(
        &self,
        mut read: impl FnMut(&Db<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        if !self.autocommit {
            return read(self);
        }
        let (keys, pinned_clock) = (self.keys, self.pinned_clock);
        in_transaction(self.sql, TransactionKind::Snapshot, |sql| {
            read(&Db { sql, keys, changes: None, pinned_clock, autocommit: false })
        })
    }
}

/// Runs `change` as the body of a write transaction: the key checked first (under the
/// lock), the rows it changed sealed last. Returns its value and the system-log lines
/// of the entries it wrote.
fn tracked<T>(
    sql: Sql<'_>,
    keys: &Keys,
    pinned_clock: bool,
    change: impl FnOnce(&Db<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<(T, Vec<String>)> {
    let changes = RefCell::new(seals::Changes::default());
    let db = Db { sql, keys, changes: Some(&changes), pinned_clock, autocommit: false };
    seals::check_key(&db)?;
    let value = change(&db)?;
    seals::finish(&db)?;
    Ok((value, changes.into_inner().outbox))
}

impl<'a> Deref for Db<'a> {
    type Target = Sql<'a>;
    fn deref(&self) -> &Sql<'a> {
        &self.sql
    }
}

/// How many times a transaction PostgreSQL asks to retry is tried before giving up.
pub(crate) const RETRIES: u32 = 20;

impl Store {
    /// Opens the existing database at `location` and brings its schema up to date,
    /// with the master key from `key_file`.
    ///
    /// A database that is damaged, not clinic2fa's, or whose schema is newer than this
    /// binary knows, is refused before anything is written to it. A missing or wrong
    /// key is refused too: a new key is only ever made together with a database that
    /// had none (a SQLite file from before secrets were sealed).
    pub fn open(location: &Location, key_file: &KeyFile) -> anyhow::Result<Store> {
        let conn = Conn::open(location)?;
        // Read-only checks first: a refused database must stay byte-for-byte as it was.
        let version = migrations::version(conn.sql(), location).map_err(|e| location.explain(e))?;
        migrations::check_known(version, location)?;
        // A server's default key file is named by the clinic's id (none before schema 16).
        let id = |sql: Sql<'_>, version: i64| -> anyhow::Result<Option<ClinicId>> {
            if key_file.needs_id(location) && version >= migrations::CLINIC_IDS {
                clinic::id(sql)
            } else {
                Ok(None)
            }
        };
        let key_path = key_file.place(location, id(conn.sql(), version)?.as_ref()).path;
        let key_path = key_path.as_path();
        let mut notices = Notices::default();
        // Once a database has a key, nothing is sealed on the database's own say-so:
        // a schema from before sealing beside an existing key went backwards (someone
        // with the file, not the key, wants the sealing upgrade run over forged data).
        if key_path.exists() && version < migrations::ENCRYPTION {
            return Err(Error::Database(format!(
                "the database {location} says it is from before secrets were sealed (schema {version}), yet its key file {} exists: its schema went backwards, by tampering or an old copy. Nothing was changed or sealed; restore it from a backup",
                key_path.display()
            ))
            .into());
        }
        let master = if key_path.exists() {
            keyfile::load(key_path)?
        } else if version < migrations::ENCRYPTION && matches!(location, Location::File(_)) {
            // A SQLite file from before secrets were sealed: its upgrade makes its key.
            // Never for a server: its schemas began sealed, so an older one there was
            // set back by hand, and a key made for it would bless what was written.
            let key = keyfile::create(key_path)?;
            notices.created_key = Some(key_path.to_owned());
            key
        } else {
            return Err(wrong_key(conn.sql(), key_path, keyfile::missing(key_path)).into());
        };
        let keys = master.derive();
        drop(master);

        if let Conn::Sqlite(c) = &conn {
            sqlite::set_pragmas(c)
                .with_context(|| format!("could not set up the database {location}"))?;
        }
        let mut store = Store {
            conn,
            location: location.clone(),
            key_path: key_path.to_owned(),
            keys,
            pinned_clock: false,
            notices,
            warnings: Warnings::default(),
            syslog: syslog::socket(),
        };
        // The version was read above: a database already up to date is not asked again.
        if version < migrations::latest() {
            migrations::apply(store.conn.sql(), &store.keys)
        } else {
            Ok(())
        }
        .map_err(|e| location.explain(e))
        .with_context(|| format!("could not update the schema of {location}"))?;
        let check: Option<Vec<u8>> =
            store.db().query_one("SELECT key_check FROM clinic WHERE id = 1", &[])?.get(0)?;
        let fits = |keys: &Keys| check.as_deref().is_some_and(|c| keys.matches_check(c));
        if !fits(&store.keys) {
            // A key rotation may have put its new key in place since this process read
            // the file: read once more.
            if let Some(keys) = keyfile::load(key_path).ok().map(|k| k.derive()).filter(fits) {
                store.keys = keys;
            }
        }
        if !fits(&store.keys) {
            let error = Error::Database(format!(
                "the key file {} does not belong to the database {location}: restore the right key file from your backup, or give --key-file (or CLINIC2FA_KEY_FILE) naming it",
                key_path.display()
            ));
            return Err(wrong_key(store.conn.sql(), key_path, error).into());
        }
        if let Location::File(path) = location {
            store.notices.warnings.extend(keyfile::exposure(path, "database"));
        }
        store.notices.warnings.extend(keyfile::exposure(key_path, "key file"));
        // Read again: an upgrade from before ids has just made the clinic's.
        let upgraded_id = id(store.conn.sql(), migrations::latest())?;
        if let Some(by_id) = key_file.place(location, upgraded_id.as_ref()).rename_to {
            store.notices.key_named_by_address = Some((key_path.to_owned(), by_id));
        }
        Ok(store)
    }

    /// The key file the keys were read from.
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    /// The clinic's id (see [`ClinicId`]); `None` in a database whose id was removed.
    pub fn clinic_id(&self) -> anyhow::Result<Option<ClinicId>> {
        clinic::id(self.conn.sql())
    }

    /// Marks every entry this store writes from now on as written under a pinned
    /// clock (`CLINIC2FA_NOW`): a backdated or future-dated entry shows.
    pub fn pin_clock(mut self, pinned: bool) -> Store {
        self.pinned_clock = pinned;
        self
    }

    /// Sends the entries it writes (with `audit-syslog` on) to the system log at `socket`.
    pub fn log_to(mut self, socket: PathBuf) -> Store {
        self.syslog = socket;
        self
    }

    /// See [`after_transaction`].
    fn after_transaction<T>(&self, done: anyhow::Result<(T, Vec<String>)>) -> anyhow::Result<T> {
        after_transaction(done, &self.syslog, &self.warnings)
    }

    /// Leaves this store's warnings in `warnings` (shared with whoever shows them).
    pub fn warn_into(mut self, warnings: Warnings) -> Store {
        self.warnings = warnings;
        self
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// For reading, outside any transaction (each statement sees what is committed).
    pub fn db(&self) -> Db<'_> {
        Db { autocommit: true, ..Db::new(self.conn.sql(), &self.keys) }
    }

    /// Runs `change` in one write transaction; commits only if it returns `Ok`. On
    /// PostgreSQL, a transaction the server asks to retry (a serialization failure or
    /// deadlock) is run again from the start, so `change` may run more than once.
    pub fn write<T>(
        &mut self,
        mut change: impl FnMut(&Db<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let (keys, pinned_clock) = (&self.keys, self.pinned_clock);
        let done = in_transaction(self.conn.sql(), TransactionKind::Write, |sql| {
            tracked(sql, keys, pinned_clock, &mut change)
        });
        self.after_transaction(done.map_err(|e| self.location.explain(e)))
    }

    /// Runs `read` on one consistent snapshot of the database, while others may write.
    pub fn snapshot<T>(
        &self,
        mut read: impl FnMut(&Db<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let keys = &self.keys;
        in_transaction(self.conn.sql(), TransactionKind::Snapshot, |sql| read(&Db::new(sql, keys)))
            .map_err(|e| self.location.explain(e))
    }
}

/// The stages of [`Store::rotate_key`], for a progress count.
pub const ROTATION_STEPS: u64 = 4;

impl Store {
    /// Re-keys the database to `new`, in one transaction: every secret re-sealed, the
    /// trail (checked first) re-sealed, the key check replaced, and `entry` appended
    /// under the new key. Until it commits, only the old key opens the database; after,
    /// only the new one. The caller has the new key safe in a file before, and swaps
    /// the files after.
    /// `step` is told each of its [`ROTATION_STEPS`] stages as it begins (progress).
    pub fn rotate_key(
        &mut self,
        new: &Keys,
        entry: &audit::Entry<'_>,
        step: &dyn Fn(&str),
    ) -> anyhow::Result<()> {
        let (keys, pinned_clock) = (&self.keys, self.pinned_clock);
        let done = in_transaction(self.conn.sql(), TransactionKind::Write, |sql| {
            let old = Db::new(sql, keys);
            step("checking every seal");
            seals::check_key(&old)?;
            // Nothing is re-sealed that the old key does not vouch for.
            let (damaged, settings_ok) = seals::damaged(&old)?;
            if !damaged.is_empty() || !settings_ok {
                return Err(Error::Conflict(format!(
                    "{} do not verify: no key rotation over rows someone changed without the key; see `clinic2fa audit verify`",
                    if settings_ok { format!("the accounts {}", damaged.join(", ")) } else { "the clinic's settings".to_owned() }
                ))
                .into());
            }
            // A head written down before now still verifies after: the rotation's
            // entry records it, sealed under the new key.
            let head = audit::head(&old)?;
            let detail = format!(
                "{}; head before rotation {}",
                entry.detail.unwrap_or("key rotated"),
                audit::token_of(&old, head.seq)?
            );
            let renewed = Db::new(sql, new);
            step("re-encrypting the 2FA secrets");
            authenticators::reseal_all(&old, &renewed)?;
            clinic::reseal_lookup_key(&old, &renewed)?;
            clinic::reseal_public_url(&old, &renewed)?;
            step("re-sealing the audit trail");
            audit::reseal_all(&old, &renewed)?;
            sql.execute(
                "UPDATE clinic SET key_check = ?1 WHERE id = 1",
                sql::args![new.check_value().as_slice()],
            )?;
            step("re-sealing the accounts and settings");
            seals::seal_everything(&renewed, seals::Layout::Named)?;
            tracked(sql, new, pinned_clock, |db| {
                audit::record(db, &audit::Entry { detail: Some(&detail), ..*entry })
            })
        });
        self.after_transaction(done.map_err(|e| self.location.explain(e)))
    }

    /// Writes a consistent copy of the whole database to `target`, a new SQLite file
    /// (made here, mode 0600, so nothing is ever overwritten), taken while others
    /// write: every change committed before it began, none after. A failed copy leaves
    /// no file.
    pub fn back_up_to(&self, target: &Path) -> anyhow::Result<()> {
        let copied = match &self.conn {
            Conn::Sqlite(conn) => sqlite::create_new_file(target).and_then(|()| {
                sqlite::vacuum_into(conn, target).inspect_err(|_| {
                    let _ = fs::remove_file(target);
                })
            }),
            Conn::Postgres(_) => copy::to_location(self, &Location::File(target.to_owned())),
        };
        copied.map_err(|e| {
            sqlite::storage_error(target, e)
                .context(format!("could not back up to {}", target.display()))
        })
    }
}

/// Runs `body` in one transaction, committed only if it returns `Ok` (rolled back
/// otherwise); PostgreSQL's "try again" answers are tried again.
fn in_transaction<T>(
    sql: Sql<'_>,
    kind: TransactionKind,
    mut body: impl FnMut(Sql<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let mut tries = 0;
    loop {
        let done = Transaction::begin(sql, kind).and_then(|tx| {
            let value = body(sql)?;
            tx.commit()?;
            Ok(value)
        });
        match done {
            Ok(value) => return Ok(value),
            Err(e) => {
                tries += 1;
                let retryable = match sql.engine() {
                    Engine::Postgres => postgres::is_retryable(&e),
                    // SQLite's writers queue on the lock: nothing to try again.
                    Engine::Sqlite => false,
                };
                if retryable && tries < RETRIES {
                    // A short pause that grows, so the transactions that collided part.
                    std::thread::sleep(std::time::Duration::from_millis(u64::from(tries) * 5));
                    continue;
                }
                return Err(e);
            }
        }
    }
}

/// The audit entries a transaction wrote go to the system log at `socket` once it has
/// committed, and nowhere if it rolled back.
fn after_transaction<T>(
    done: anyhow::Result<(T, Vec<String>)>,
    socket: &Path,
    warnings: &Warnings,
) -> anyhow::Result<T> {
    let (value, outbox) = done?;
    if let Some(warning) = syslog::send(socket, &outbox) {
        warnings.push(warning);
    }
    Ok(value)
}

/// A key that is missing or does not fit: where a key rotation was cut short, the key
/// that fits is beside it, and the error names it.
fn wrong_key(sql: Sql<'_>, key_path: &Path, error: Error) -> Error {
    let check: Option<Vec<u8>> = sql
        .query_opt("SELECT key_check FROM clinic WHERE id = 1", &[])
        .ok()
        .flatten()
        .and_then(|row| row.get(0).ok())
        .flatten();
    let Some(check) = check else { return error };
    let sibling = keyfile::fitting_sibling(key_path, &check);
    // A rotation moves its new key from beside the key file onto it in one rename: if
    // it is not beside it (any more), it may be in place now.
    let in_place = || keyfile::load(key_path).is_ok_and(|k| k.derive().matches_check(&check));
    if sibling.is_none() && in_place() {
        return Error::Conflict(
            "the database was re-keyed (`clinic2fa key rotate`) as this command started: nothing was changed; run the command again".into(),
        );
    }
    match sibling {
        Some(fits) => Error::Database(format!(
            "the database was re-keyed (`clinic2fa key rotate`) but its key file {} was not replaced: the key that fits is {}. Move it to {} (keep the other as the old key) and run the command again",
            key_path.display(),
            fits.display(),
            key_path.display()
        )),
        None if !key_path.exists() => match keyfile::fitting_elsewhere(key_path, &check) {
            Some(other) => Error::Database(format!(
                "the key file {} is missing, but a key file for this clinic exists under another name: {}. Give --key-file {} (or set CLINIC2FA_KEY_FILE to it)",
                key_path.display(),
                other.display(),
                other.display()
            )),
            None => error,
        },
        None => error,
    }
}

/// What `init` made.
#[derive(Debug)]
pub struct Created {
    pub database: String,
    pub key_file: PathBuf,
    /// What writing the first entries found worth telling (see [`Warnings`]).
    pub warnings: Warnings,
}

/// Creates a new database at `location` and its key file (`clinic2fa init`), with a
/// new clinic id: the only way either comes to exist.
///
/// A SQLite file is built under a temporary name beside its final one, complete
/// (schema, key check, the clinic's name), then linked into place with a link that
/// fails if the name is taken. A PostgreSQL database must be empty; its schema is made
/// in one transaction, under a lock, after the key file is in place. Either way, a
/// half-made database is never seen, an existing database or key file is never
/// overwritten or adopted, and of several `init`s of one database exactly one succeeds.
pub fn create(
    location: &Location,
    key_file: &KeyFile,
    pinned_clock: bool,
    setup: impl FnOnce(&Db<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<Created> {
    let id = ClinicId::generate()?;
    let key_path = &key_file.new_path(location, Some(&id));
    let setup = |tx: &Db<'_>| clinic::set_id(tx, &id).and_then(|()| setup(tx));
    let mut files = vec![(key_path.as_path(), "a key file")];
    if let Location::File(path) = location {
        files.push((path, "a database"));
    }
    // Every name checked before any folder is made: a refusal leaves nothing behind.
    for (file, what) in &files {
        if fs::symlink_metadata(file).is_ok() {
            return Err(taken(file, what).into());
        }
    }
    for (file, _) in &files {
        make_folder(file)?;
    }
    let temp_key = temporary_name(key_path);
    let warnings = Warnings::default();
    let built = keyfile::create(&temp_key).and_then(|master| {
        let keys = master.derive();
        drop(master);
        let mut setup = Some(setup);
        let mut outbox = Vec::new();
        let mut first_entries = |sql: Sql<'_>| match setup.take() {
            Some(setup) => {
                outbox = tracked(sql, &keys, pinned_clock, setup)?.1;
                Ok(())
            }
            None => anyhow::bail!("init's set-up cannot be tried twice"),
        };
        let made = match location {
            Location::File(path) => {
                let temp_db = temporary_name(path);
                let linked = sqlite::build(&temp_db, |conn| {
                    let sql = Sql::Sqlite(conn);
                    migrations::apply(sql, &keys)?;
                    in_transaction(sql, TransactionKind::Write, &mut first_entries)
                })
                .and_then(|()| link_new(&temp_key, key_path, "a key file"))
                .and_then(|()| {
                    link_new(&temp_db, path, "a database").inspect_err(|_| {
                        let _ = fs::remove_file(key_path); // ours: linked a moment ago
                    })
                });
                let _ = fs::remove_file(&temp_db);
                linked
            }
            Location::Server(target) => {
                let conn = RefCell::new(PgConn::new(target.connect()?, target.unnamed_statements));
                let sql = Sql::Postgres(&conn);
                // The key first: a clinic on the server is never without its key file.
                link_new(&temp_key, key_path, "a key file")?;
                migrations::create_postgres(sql, &keys, target, "clinic2fa init", first_entries)
                    .map_err(|e| postgres::storage_error(target, e))
                    .inspect_err(|_| {
                        let _ = fs::remove_file(key_path); // ours: linked a moment ago
                    })
            }
        };
        after_transaction(made.map(|()| ((), outbox)), &syslog::socket(), &warnings)
    });
    let _ = fs::remove_file(&temp_key);
    built?;
    Ok(Created { database: location.to_string(), key_file: key_path.to_owned(), warnings })
}

/// The folder `file` goes in, made (0700) if missing.
fn make_folder(file: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create the folder {}", dir.display()))?;
    }
    Ok(())
}

/// `name.init-PID`, beside `name`.
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
        "there is already a file at {}: `clinic2fa init` makes {what} only where there is none, and never takes one over; point --db (or --key-file) elsewhere, or keep using what is there",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::MasterKey;

    /// A database as clinic2fa wrote it before secrets were sealed: schema 2, with a
    /// TOTP secret and audit entries in clear.
    fn version_2_database(path: &Path) -> Vec<u8> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let unused = MasterKey::generate().unwrap().derive();
        migrations::apply_up_to(Sql::Sqlite(&conn), &unused, 2).unwrap();
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

        let here = Location::File(db_path.clone());
        let key = KeyFile::Named(key_path.clone());
        let store = Store::open(&here, &key).unwrap();
        assert!(key_path.is_file(), "the upgrade makes the key file");
        let account = accounts::find(
            &store.db(),
            &crate::domain::username::Username::parse("alice").unwrap(),
        )
        .unwrap()
        .unwrap();
        let active = authenticators::active(&store.db(), &account).unwrap().pop().unwrap();
        assert_eq!(active.secret.as_bytes(), secret.as_slice());
        assert_eq!(active.name.as_str(), "phone", "the one authenticator is the phone");
        let pending = authenticators::pending(&store.db(), &account).unwrap().unwrap();
        assert_eq!(pending.secret.as_bytes(), b"pending plaintext!!!");
        let head = audit::head(&store.db()).unwrap();
        let db = store.db();
        let entries = audit::all_stored(&db).unwrap();
        assert_eq!(crate::domain::audit::verify(db.keys, entries, &head), Ok(2));
        drop(store);

        // Nothing of the old secrets is left in clear anywhere in the files.
        assert!(!contains(&files(), &secret));
        assert!(!contains(&files(), b"pending plaintext!!!"));
        // Opening again uses the same key: no second key is ever made.
        let key_before = std::fs::read(&key_path).unwrap();
        Store::open(&here, &key).unwrap();
        assert_eq!(std::fs::read(&key_path).unwrap(), key_before);
    }

    /// What the system log did not take stays with the store that wrote it: two stores
    /// on one thread (a service's pooled connections) do not see each other's.
    #[test]
    fn each_store_keeps_its_own_system_log_warnings() {
        use std::os::unix::net::UnixDatagram;

        let dir = tempfile::tempdir().unwrap();
        let (db, key) = (dir.path().join("c.db"), KeyFile::Named(dir.path().join("c.db.key")));
        let here = Location::File(db);
        create(&here, &key, false, |tx| {
            clinic::set(tx, crate::domain::settings::Setting::AuditSyslog, 1)
        })
        .unwrap();
        let listening = dir.path().join("log.sock");
        let log = UnixDatagram::bind(&listening).unwrap();
        log.set_nonblocking(true).unwrap();
        let (absent, present) = (Warnings::default(), Warnings::default());
        let mut to_nowhere = Store::open(&here, &key)
            .unwrap()
            .log_to(dir.path().join("no-such.sock"))
            .warn_into(absent.clone());
        let mut to_log =
            Store::open(&here, &key).unwrap().log_to(listening).warn_into(present.clone());
        let entry = |outcome| audit::Entry {
            at: crate::domain::time::Timestamp::from_unix_const(1_795_798_800),
            actor: "it",
            action: crate::domain::audit::Action::ClinicSetName,
            subject: None,
            outcome,
            detail: None,
        };
        to_nowhere.write(|tx| audit::record(tx, &entry("one"))).unwrap();
        to_log.write(|tx| audit::record(tx, &entry("two"))).unwrap();
        let mut got = [0u8; 4096];
        let n = log.recv(&mut got).unwrap();
        assert!(String::from_utf8_lossy(&got[..n]).contains("two"));
        let warned = absent.take();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("no-such.sock"), "{warned:?}");
        assert!(present.take().is_empty());
        assert!(absent.take().is_empty(), "taken once");
    }
}

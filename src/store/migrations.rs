//! The schema of each engine, as an append-only list of migrations and the version a
//! database is at: `PRAGMA user_version` in a SQLite file, the `clinic2fa_schema`
//! table on PostgreSQL.
//!
//! Never edit a migration that has shipped: add a new one at the end of each list.
//! PostgreSQL came with schema 10, so its list starts there, with the whole schema;
//! from then on both lists gain the same versions.

use crate::domain::keys::Keys;
use crate::error::Error;
use crate::store::sql::{Engine, Sql, Transaction, TransactionKind};
use crate::store::{Db, Location, audit, authenticators, clinic, postgres, seals};

/// The schema version from which TOTP secrets are sealed and the audit trail chained:
/// databases older than this get a key file made for them as they are upgraded.
pub const ENCRYPTION: i64 = 3;

/// Steps that change data rather than schema, run right after the SQL of the same
/// version and in the same transaction (SQLite files older than PostgreSQL support).
fn data_step(version: i64, db: &Db<'_>) -> anyhow::Result<()> {
    if version == ENCRYPTION {
        db.execute(
            "UPDATE clinic SET key_check = ?1",
            super::sql::args![db.keys.check_value().as_slice()],
        )?;
        authenticators::seal_plaintext_secrets(db)?;
        audit::seal_existing_entries(db)?;
    }
    if version == SEALED_ROWS {
        clinic::create_lookup_key(db)?;
        audit::digest_existing_entries(db)?;
        // What is there is taken as clinic2fa wrote it: the seals vouch for every
        // change from here on.
        seals::seal_everything(db, seals::Layout::SingleAuthenticator("authenticators"))?;
    }
    if version == CLINIC_IDS {
        clinic::create_id(db)?;
    }
    if version == NAMED_AUTHENTICATORS {
        authenticators::name_existing(db)?;
        // Each account is sealed anew over its moved authenticator only if it verified
        // as it was: one changed outside clinic2fa stays refused, not blessed.
        seals::reseal_verified(db, seals::Layout::SingleAuthenticator("authenticators_v13"))?;
        db.execute("DROP TABLE authenticators_v13", &[])?;
    }
    Ok(())
}

/// The schema version from which the rows that decide a sign-in are sealed, recovery
/// codes are looked up by a keyed value, and the trail has a digest.
pub const SEALED_ROWS: i64 = 12;

/// The schema version from which a person may have several named authenticators.
pub const NAMED_AUTHENTICATORS: i64 = 14;

/// The schema version from which a clinic has an id, which names a server's default
/// key file (see `keyfile::ClinicId`).
pub const CLINIC_IDS: i64 = 16;

const MIGRATIONS: &[&str] = &[
    // 1: the clinic, its accounts, and the audit trail.
    "CREATE TABLE clinic (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        name              TEXT    NOT NULL,
        require_2fa       INTEGER NOT NULL DEFAULT 0 CHECK (require_2fa IN (0, 1)),
        lockout_threshold INTEGER NOT NULL DEFAULT 5  CHECK (lockout_threshold BETWEEN 1 AND 100),
        lockout_minutes   INTEGER NOT NULL DEFAULT 15 CHECK (lockout_minutes BETWEEN 1 AND 1440),
        totp_window       INTEGER NOT NULL DEFAULT 1  CHECK (totp_window BETWEEN 0 AND 2),
        bypass_hours      INTEGER NOT NULL DEFAULT 24 CHECK (bypass_hours BETWEEN 1 AND 168)
    );
    INSERT INTO clinic (id, name) VALUES (1, 'Clinic');

    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        username      TEXT    NOT NULL UNIQUE,
        name          TEXT,
        role          TEXT    NOT NULL CHECK (role IN ('staff', 'admin')),
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        policy        TEXT    NOT NULL DEFAULT 'clinic-default'
                              CHECK (policy IN ('clinic-default', 'required', 'exempt')),
        password_hash TEXT    NOT NULL,
        bypass_until  INTEGER,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until  INTEGER,
        created_at    INTEGER NOT NULL,
        last_login_at INTEGER
    );

    CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at      INTEGER NOT NULL,
        actor   TEXT    NOT NULL,
        action  TEXT    NOT NULL,
        subject TEXT,
        outcome TEXT    NOT NULL,
        detail  TEXT
    );
    CREATE INDEX audit_log_subject ON audit_log (subject, id);",
    // 2: authenticators (TOTP), enrolments awaiting confirmation, recovery codes.
    "CREATE TABLE authenticators (
        account_id     INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
        secret         BLOB    NOT NULL,
        -- The last time step accepted: it and every earlier one are refused (replay).
        last_used_step INTEGER NOT NULL,
        confirmed_at   INTEGER NOT NULL
    );

    CREATE TABLE pending_enrolments (
        account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
        secret     BLOB    NOT NULL,
        expires_at INTEGER NOT NULL
    );

    CREATE TABLE recovery_codes (
        id         INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        code_hash  TEXT    NOT NULL,
        used_at    INTEGER
    );
    CREATE INDEX recovery_codes_account ON recovery_codes (account_id);",
    // 3: sealed TOTP secrets (the data step seals existing ones), the key check, and the
    // sealed audit chain with its head on the clinic row.
    "ALTER TABLE clinic ADD COLUMN key_check BLOB;
    ALTER TABLE clinic ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clinic ADD COLUMN audit_last BLOB;
    ALTER TABLE clinic ADD COLUMN audit_head BLOB;
    ALTER TABLE audit_log ADD COLUMN seq INTEGER;
    ALTER TABLE audit_log ADD COLUMN seal BLOB;",
    // 4: a password set by someone else (import, admin reset) must be changed at first use.
    "ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
         CHECK (must_change_password IN (0, 1));",
    // 5: the clinic-wide rule for everyone, nobody, or admins only.
    "ALTER TABLE clinic ADD COLUMN require_2fa_for TEXT NOT NULL DEFAULT 'nobody'
         CHECK (require_2fa_for IN ('nobody', 'admins', 'everyone'));
     UPDATE clinic SET require_2fa_for = CASE require_2fa WHEN 1 THEN 'everyone' ELSE 'nobody' END;",
    // 6: how long without a sign-in makes an account look like a leaver's.
    "ALTER TABLE clinic ADD COLUMN inactive_days INTEGER NOT NULL DEFAULT 90
         CHECK (inactive_days BETWEEN 7 AND 3650);",
    // 7: overrides that end by themselves (`user 2fa set --until`).
    "ALTER TABLE accounts ADD COLUMN policy_until INTEGER;
     CREATE INDEX accounts_policy_until ON accounts (policy_until) WHERE policy_until IS NOT NULL;",
    // 8: the enrolment grace period. When the clinic rule began to reach admins and
    // staff (NULL: it does not; 0: since before anyone kept count), when an account's
    // role and per-user setting last changed (NULL: since it was made), and whether a
    // spent bypass forfeited the grace.
    "ALTER TABLE clinic ADD COLUMN enrol_grace_days INTEGER NOT NULL DEFAULT 0
         CHECK (enrol_grace_days BETWEEN 0 AND 90);
     ALTER TABLE clinic ADD COLUMN reaches_admins_since INTEGER;
     ALTER TABLE clinic ADD COLUMN reaches_staff_since INTEGER;
     UPDATE clinic SET
         reaches_admins_since = CASE WHEN require_2fa_for IN ('admins', 'everyone') THEN 0 END,
         reaches_staff_since = CASE WHEN require_2fa_for = 'everyone' THEN 0 END;
     ALTER TABLE accounts ADD COLUMN policy_since INTEGER;
     ALTER TABLE accounts ADD COLUMN role_since INTEGER;
     ALTER TABLE accounts ADD COLUMN grace_forfeited INTEGER NOT NULL DEFAULT 0
         CHECK (grace_forfeited IN (0, 1));",
    // 9: audit seals of version 2 (an absent field told apart from any text) and the
    // mark of a pinned clock, sealed with the entry. Earlier entries keep version 1.
    "ALTER TABLE audit_log ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE audit_log ADD COLUMN pinned_clock INTEGER NOT NULL DEFAULT 0
         CHECK (pinned_clock IN (0, 1));",
    // 10: every new audit entry to the system log too.
    "ALTER TABLE clinic ADD COLUMN audit_syslog INTEGER NOT NULL DEFAULT 0
         CHECK (audit_syslog IN (0, 1));",
    // 11: `audit --user` finds what a person did by index too, at any size.
    "CREATE INDEX audit_log_actor ON audit_log (actor, id);",
    // 12: sealed rows (see `seals`), recovery codes by keyed look-up, the grace's mark,
    // and the trail's digest (what `audit head` writes down).
    "ALTER TABLE accounts ADD COLUMN seal BLOB;
     ALTER TABLE accounts ADD COLUMN stamp INTEGER;
     ALTER TABLE accounts ADD COLUMN credentials BLOB;
     ALTER TABLE accounts ADD COLUMN marked_at INTEGER;
     ALTER TABLE accounts ADD COLUMN marked_since INTEGER;
     ALTER TABLE recovery_codes ADD COLUMN lookup BLOB;
     CREATE INDEX recovery_codes_lookup ON recovery_codes (account_id, lookup);
     ALTER TABLE clinic ADD COLUMN lookup_key BLOB;
     ALTER TABLE clinic ADD COLUMN settings_seal BLOB;
     ALTER TABLE clinic ADD COLUMN settings_stamp INTEGER;
     ALTER TABLE clinic ADD COLUMN audit_digest BLOB;
     CREATE INDEX audit_log_subject_seq ON audit_log (subject, seq);
     CREATE INDEX audit_log_action_seq ON audit_log (action, seq);",
    // 13: PostgreSQL's look-up of an account's latest entry (nothing changes here:
    // SQLite's usernames and subjects share one collation already).
    "-- nothing on SQLite",
    // 14: several named authenticators per person; the one each had becomes `phone`
    // (the data step moves it, then retires the old table).
    "ALTER TABLE authenticators RENAME TO authenticators_v13;
     CREATE TABLE authenticators (
        id             INTEGER PRIMARY KEY,
        account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name           TEXT    NOT NULL,
        secret         BLOB    NOT NULL,
        -- No code of this person at or before this step is accepted again (replay).
        last_used_step INTEGER NOT NULL,
        confirmed_at   INTEGER NOT NULL,
        last_used_at   INTEGER,
        UNIQUE (account_id, name)
     );
     ALTER TABLE pending_enrolments ADD COLUMN device TEXT NOT NULL DEFAULT 'phone';",
    // 15: the applications allowed to call the sign-in service (`client add`). Only a
    // keyed hash of each token is kept (see `clients`).
    "CREATE TABLE clients (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL UNIQUE,
        token_mac  BLOB    NOT NULL,
        created_at INTEGER NOT NULL
     );",
    // 16: the clinic's id, which names a server's default key file (`keyfile`).
    "ALTER TABLE clinic ADD COLUMN clinic_id TEXT;",
    // 17: enrolment links (`user enrol-link`), one per account, kept as keyed hashes
    // (see `domain::enrol_link`); the address they start with, sealed.
    "CREATE TABLE enrol_links (
        account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
        lookup     BLOB    NOT NULL UNIQUE,
        seal       BLOB,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
     );
     ALTER TABLE clinic ADD COLUMN public_url BLOB;",
];

/// PostgreSQL's schema: integers are BIGINT (SQLite's are 64-bit), flags 0/1 as on
/// SQLite, usernames compared byte by byte (`COLLATE "C"`) so lists sort alike on
/// both engines. Row ids are given by default but may be set, so a copy keeps them
/// (sealed secrets are bound to their account's id).
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        10,
        "CREATE TABLE clinic2fa_schema (version BIGINT NOT NULL);
        INSERT INTO clinic2fa_schema (version) VALUES (0);

        CREATE TABLE clinic (
            id                   BIGINT  PRIMARY KEY CHECK (id = 1),
            name                 TEXT    NOT NULL,
            require_2fa          BIGINT  NOT NULL DEFAULT 0 CHECK (require_2fa IN (0, 1)),
            lockout_threshold    BIGINT  NOT NULL DEFAULT 5  CHECK (lockout_threshold BETWEEN 1 AND 100),
            lockout_minutes      BIGINT  NOT NULL DEFAULT 15 CHECK (lockout_minutes BETWEEN 1 AND 1440),
            totp_window          BIGINT  NOT NULL DEFAULT 1  CHECK (totp_window BETWEEN 0 AND 2),
            bypass_hours         BIGINT  NOT NULL DEFAULT 24 CHECK (bypass_hours BETWEEN 1 AND 168),
            key_check            BYTEA,
            audit_seq            BIGINT  NOT NULL DEFAULT 0,
            audit_last           BYTEA,
            audit_head           BYTEA,
            require_2fa_for      TEXT    NOT NULL DEFAULT 'nobody'
                                 CHECK (require_2fa_for IN ('nobody', 'admins', 'everyone')),
            inactive_days        BIGINT  NOT NULL DEFAULT 90 CHECK (inactive_days BETWEEN 7 AND 3650),
            enrol_grace_days     BIGINT  NOT NULL DEFAULT 0 CHECK (enrol_grace_days BETWEEN 0 AND 90),
            reaches_admins_since BIGINT,
            reaches_staff_since  BIGINT,
            audit_syslog         BIGINT  NOT NULL DEFAULT 0 CHECK (audit_syslog IN (0, 1))
        );
        INSERT INTO clinic (id, name) VALUES (1, 'Clinic');

        CREATE TABLE accounts (
            id                   BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            username             TEXT    COLLATE \"C\" NOT NULL UNIQUE,
            name                 TEXT,
            role                 TEXT    NOT NULL CHECK (role IN ('staff', 'admin')),
            disabled             BIGINT  NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
            policy               TEXT    NOT NULL DEFAULT 'clinic-default'
                                 CHECK (policy IN ('clinic-default', 'required', 'exempt')),
            password_hash        TEXT    NOT NULL,
            bypass_until         BIGINT,
            failed_logins        BIGINT  NOT NULL DEFAULT 0,
            locked_until         BIGINT,
            created_at           BIGINT  NOT NULL,
            last_login_at        BIGINT,
            must_change_password BIGINT  NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
            policy_until         BIGINT,
            policy_since         BIGINT,
            role_since           BIGINT,
            grace_forfeited      BIGINT  NOT NULL DEFAULT 0 CHECK (grace_forfeited IN (0, 1))
        );
        CREATE INDEX accounts_policy_until ON accounts (policy_until) WHERE policy_until IS NOT NULL;

        CREATE TABLE audit_log (
            id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at           BIGINT NOT NULL,
            actor        TEXT   NOT NULL,
            action       TEXT   NOT NULL,
            subject      TEXT,
            outcome      TEXT   NOT NULL,
            detail       TEXT,
            seq          BIGINT,
            seal         BYTEA,
            seal_version BIGINT NOT NULL DEFAULT 1,
            pinned_clock BIGINT NOT NULL DEFAULT 0 CHECK (pinned_clock IN (0, 1))
        );
        CREATE INDEX audit_log_subject ON audit_log (subject, id);

        CREATE TABLE authenticators (
            account_id     BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
            secret         BYTEA  NOT NULL,
            last_used_step BIGINT NOT NULL,
            confirmed_at   BIGINT NOT NULL
        );

        CREATE TABLE pending_enrolments (
            account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
            secret     BYTEA  NOT NULL,
            expires_at BIGINT NOT NULL
        );

        CREATE TABLE recovery_codes (
            id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            code_hash  TEXT   NOT NULL,
            used_at    BIGINT
        );
        CREATE INDEX recovery_codes_account ON recovery_codes (account_id);",
    ),
    (11, "CREATE INDEX audit_log_actor ON audit_log (actor, id);"),
    (
        12,
        "ALTER TABLE accounts ADD COLUMN seal BYTEA;
         ALTER TABLE accounts ADD COLUMN stamp BIGINT;
         ALTER TABLE accounts ADD COLUMN credentials BYTEA;
         ALTER TABLE accounts ADD COLUMN marked_at BIGINT;
         ALTER TABLE accounts ADD COLUMN marked_since BIGINT;
         ALTER TABLE recovery_codes ADD COLUMN lookup BYTEA;
         CREATE INDEX recovery_codes_lookup ON recovery_codes (account_id, lookup);
         ALTER TABLE clinic ADD COLUMN lookup_key BYTEA;
         ALTER TABLE clinic ADD COLUMN settings_seal BYTEA;
         ALTER TABLE clinic ADD COLUMN settings_stamp BIGINT;
         ALTER TABLE clinic ADD COLUMN audit_digest BYTEA;
         CREATE INDEX audit_log_subject_seq ON audit_log (subject, seq);
         CREATE INDEX audit_log_action_seq ON audit_log (action, seq);",
    ),
    // An account's latest entry is looked up by `subject = accounts.username`, which
    // compares in the usernames' collation ("C"): an index in the database's default
    // collation cannot serve it, and every sign-in and every listed account scanned
    // the whole trail.
    (
        13,
        "CREATE INDEX audit_log_subject_c ON audit_log (subject COLLATE \"C\", seq);
         DROP INDEX audit_log_subject_seq;",
    ),
    (
        14,
        "ALTER TABLE authenticators RENAME TO authenticators_v13;
         ALTER INDEX authenticators_pkey RENAME TO authenticators_v13_pkey;
         CREATE TABLE authenticators (
             id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
             account_id     BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
             name           TEXT   COLLATE \"C\" NOT NULL,
             secret         BYTEA  NOT NULL,
             last_used_step BIGINT NOT NULL,
             confirmed_at   BIGINT NOT NULL,
             last_used_at   BIGINT,
             UNIQUE (account_id, name)
         );
         ALTER TABLE pending_enrolments ADD COLUMN device TEXT NOT NULL DEFAULT 'phone';",
    ),
    (
        15,
        "CREATE TABLE clients (
             id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
             name       TEXT   COLLATE \"C\" NOT NULL UNIQUE,
             token_mac  BYTEA  NOT NULL,
             created_at BIGINT NOT NULL
         );",
    ),
    (16, "ALTER TABLE clinic ADD COLUMN clinic_id TEXT;"),
    (
        17,
        "CREATE TABLE enrol_links (
             account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
             lookup     BYTEA  NOT NULL UNIQUE,
             seal       BYTEA,
             created_at BIGINT NOT NULL,
             expires_at BIGINT NOT NULL,
             used_at    BIGINT
         );
         ALTER TABLE clinic ADD COLUMN public_url BYTEA;",
    ),
];

/// Held while a PostgreSQL schema is made or upgraded, so two processes do it once.
const SCHEMA_LOCK: i64 = 0x636c_696e_6963_3266; // "clinic2f"

/// The steps of `engine`'s list, as (version, SQL).
fn steps(engine: Engine) -> Vec<(i64, &'static str)> {
    match engine {
        Engine::Sqlite => MIGRATIONS.iter().enumerate().map(|(i, s)| (i as i64 + 1, *s)).collect(),
        Engine::Postgres => POSTGRES_MIGRATIONS.to_vec(),
    }
}

/// The schema version this binary writes (the same on both engines).
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The version the database is at. A PostgreSQL database without clinic2fa's schema
/// is refused, untouched: empty, it is waiting for `init`; else it is someone else's.
pub fn version(sql: Sql<'_>, location: &Location) -> anyhow::Result<i64> {
    match sql.engine() {
        Engine::Sqlite => Ok(sql.query_one("PRAGMA user_version", &[])?.get(0)?),
        Engine::Postgres => {
            if let Some(version) = postgres_version(sql)? {
                return Ok(version);
            }
            let tables = postgres_tables(sql)?;
            Err(if tables == 0 {
                Error::NotFound(format!(
                    "there is no clinic2fa database in {location} (it is empty): create one with `clinic2fa init` (with --db or CLINIC2FA_DB naming it), or point --db at the existing one"
                ))
            } else {
                Error::Database(format!(
                    "the PostgreSQL database {location} holds {tables} tables but no clinic2fa schema: it was left untouched; point --db at a clinic2fa database, or `clinic2fa init` an empty one"
                ))
            }
            .into())
        }
    }
}

fn postgres_version(sql: Sql<'_>) -> anyhow::Result<Option<i64>> {
    let exists: bool =
        sql.query_one("SELECT to_regclass('clinic2fa_schema') IS NOT NULL", &[])?.get(0)?;
    if !exists {
        return Ok(None);
    }
    Ok(Some(sql.query_one("SELECT version FROM clinic2fa_schema", &[])?.get(0)?))
}

fn postgres_tables(sql: Sql<'_>) -> anyhow::Result<i64> {
    sql.query_one(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        &[],
    )?
    .get(0)
}

fn set_version(sql: Sql<'_>, version: i64) -> anyhow::Result<()> {
    match sql.engine() {
        Engine::Sqlite => sql.batch(&format!("PRAGMA user_version = {version}")),
        Engine::Postgres => sql
            .execute("UPDATE clinic2fa_schema SET version = ?1", super::sql::args![version])
            .map(drop),
    }
}

/// Refuses a database from a newer clinic2fa: writing to it could lose its data.
pub fn check_known(version: i64, location: &Location) -> Result<(), Error> {
    if version > latest() {
        return Err(Error::Database(format!(
            "{location} has schema version {version}, newer than this clinic2fa knows ({}); it was left untouched: upgrade clinic2fa",
            latest()
        )));
    }
    Ok(())
}

/// Applies the missing migrations in one transaction. The version is read again inside
/// it, under the write lock, so two processes opening one database at once migrate it
/// once.
pub fn apply(sql: Sql<'_>, keys: &Keys) -> anyhow::Result<()> {
    apply_up_to(sql, keys, latest())
}

fn current(sql: Sql<'_>) -> anyhow::Result<i64> {
    match sql.engine() {
        Engine::Sqlite => Ok(sql.query_one("PRAGMA user_version", &[])?.get(0)?),
        Engine::Postgres => Ok(postgres_version(sql)?.unwrap_or(0)),
    }
}

pub(super) fn apply_up_to(sql: Sql<'_>, keys: &Keys, target: i64) -> anyhow::Result<()> {
    if current(sql)? >= target {
        return Ok(());
    }
    let tx = Transaction::begin(sql, TransactionKind::Schema)?;
    locked_steps(sql, keys, target)?;
    tx.commit()?;
    match sql.engine() {
        // Move the upgraded pages into the main file at once, so nothing written before
        // the upgrade (such as a secret in clear) lingers in the write-ahead log.
        Engine::Sqlite => {
            let _ = sql.query_opt("PRAGMA wal_checkpoint(TRUNCATE)", &[]);
        }
        Engine::Postgres => {}
    }
    Ok(())
}

/// Inside a transaction: takes the schema lock (PostgreSQL) and runs each step past the
/// version found now, up to `target`.
fn locked_steps(sql: Sql<'_>, keys: &Keys, target: i64) -> anyhow::Result<()> {
    match sql.engine() {
        Engine::Postgres => {
            sql.query_one(
                "SELECT pg_advisory_xact_lock(?1)::text",
                super::sql::args![SCHEMA_LOCK],
            )?;
        }
        // The write lock of `BEGIN IMMEDIATE` is the schema lock.
        Engine::Sqlite => {}
    }
    let from = current(sql)?;
    for (version, step) in steps(sql.engine()) {
        if version <= from || version > target {
            continue;
        }
        sql.batch(step)?;
        data_step(version, &Db::new(sql, keys))?;
        set_version(sql, version)?;
    }
    Ok(())
}

/// Makes clinic2fa's schema in an empty PostgreSQL database (`init`, `db copy`) and
/// fills it with `fill`, in one transaction under the schema lock: of several at once,
/// one makes it and the others find the database taken; a failure leaves it empty.
/// `command`: the one that was run (`clinic2fa init`, `clinic2fa db copy`), for the
/// refusal of a database that is not empty.
pub fn create_postgres(
    sql: Sql<'_>,
    keys: &Keys,
    target: &postgres::Target,
    command: &str,
    fill: impl FnOnce(Sql<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let tx = Transaction::begin(sql, TransactionKind::Schema)?;
    sql.query_one("SELECT pg_advisory_xact_lock(?1)::text", super::sql::args![SCHEMA_LOCK])?;
    let tables = postgres_tables(sql)?;
    if tables > 0 {
        return Err(Error::Conflict(format!(
                "the PostgreSQL database {target} is not empty ({tables} tables): `{command}` makes a clinic only in an empty database, and never takes one over; create a new one (`createdb`), or point at the clinic it already holds"
            ))
            .into());
    }
    locked_steps(sql, keys, latest())?;
    sql.execute(
        "UPDATE clinic SET key_check = ?1",
        super::sql::args![keys.check_value().as_slice()],
    )?;
    fill(sql)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn keys() -> Keys {
        crate::domain::keys::MasterKey::generate().unwrap().derive()
    }

    #[test]
    fn every_migration_applies_in_order_to_an_empty_database() {
        let conn = Connection::open_in_memory().unwrap();
        let keys = keys();
        apply(Sql::Sqlite(&conn), &keys).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest());
        // Applying again is a no-op.
        apply(Sql::Sqlite(&conn), &keys).unwrap();
        let clinics: i64 = conn.query_row("SELECT count(*) FROM clinic", [], |r| r.get(0)).unwrap();
        assert_eq!(clinics, 1);
    }

    #[test]
    fn a_database_from_each_older_version_upgrades_with_its_data_intact() {
        let keys = keys();
        for from in 1..latest() {
            let conn = Connection::open_in_memory().unwrap();
            apply_up_to(Sql::Sqlite(&conn), &keys, from).unwrap();
            conn.execute_batch(
                "UPDATE clinic SET name = 'Kept Clinic', lockout_threshold = 7;
                 INSERT INTO accounts (username, role, password_hash, created_at)
                 VALUES ('alice', 'admin', '$argon2id$kept', 1795798800);",
            )
            .unwrap();
            apply(Sql::Sqlite(&conn), &keys).unwrap();
            let kept: (String, i64, String, String) = conn
                .query_row(
                    "SELECT c.name, c.lockout_threshold, a.username, a.password_hash
                     FROM clinic c, accounts a",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            assert_eq!(kept, ("Kept Clinic".into(), 7, "alice".into(), "$argon2id$kept".into()));
        }
    }

    #[test]
    fn both_engines_lists_end_at_the_same_version() {
        assert_eq!(steps(Engine::Postgres).last().map(|s| s.0), Some(latest()));
        let versions: Vec<i64> = steps(Engine::Postgres).iter().map(|s| s.0).collect();
        assert!(versions.windows(2).all(|w| w[1] == w[0] + 1), "{versions:?}");
    }

    #[test]
    fn newer_schema_is_refused() {
        let here = Location::File("x".into());
        assert!(check_known(latest(), &here).is_ok());
        assert!(check_known(latest() + 1, &here).is_err());
    }
}

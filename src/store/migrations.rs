//! The schema, as an append-only list of migrations tracked by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one at the end.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::domain::keys::Keys;
use crate::error::Error;
use crate::store::{Db, audit, authenticators};

/// The schema version from which TOTP secrets are sealed and the audit trail chained:
/// databases older than this get a key file made for them as they are upgraded.
pub const ENCRYPTION: i64 = 3;

/// Steps that change data rather than schema, run right after the SQL of the same
/// version and in the same transaction.
fn data_step(version: i64, db: &Db<'_>) -> anyhow::Result<()> {
    if version == ENCRYPTION {
        db.execute("UPDATE clinic SET key_check = ?1", [db.keys.check_value().as_slice()])?;
        authenticators::seal_plaintext_secrets(db)?;
        audit::seal_existing_entries(db)?;
    }
    Ok(())
}

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
];

/// The schema version this binary writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Refuses a database from a newer clinic2fa: writing to it could lose its data.
pub fn check_known(version: i64, path: &Path) -> Result<(), Error> {
    if version > latest() {
        return Err(Error::Database(format!(
            "{} has schema version {version}, newer than this clinic2fa knows ({}); it was left untouched: upgrade clinic2fa",
            path.display(),
            latest()
        )));
    }
    Ok(())
}

/// Applies the missing migrations in one transaction. The version is read again inside
/// it, so two processes opening a new file at once migrate it once.
pub fn apply(conn: &mut Connection, keys: &Keys) -> anyhow::Result<()> {
    apply_up_to(conn, keys, latest())
}

pub(super) fn apply_up_to(conn: &mut Connection, keys: &Keys, target: i64) -> anyhow::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let wanted = MIGRATIONS.iter().enumerate().take(target as usize).skip(current.max(0) as usize);
    for (index, sql) in wanted {
        let version = index as i64 + 1;
        tx.execute_batch(sql)?;
        data_step(version, &Db { conn: &tx, keys })?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    // Move the upgraded pages into the main file at once, so nothing written before
    // the upgrade (such as a secret in clear) lingers in the write-ahead log.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        crate::domain::keys::MasterKey::generate().unwrap().derive()
    }

    #[test]
    fn every_migration_applies_in_order_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        let keys = keys();
        apply(&mut conn, &keys).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest());
        // Applying again is a no-op.
        apply(&mut conn, &keys).unwrap();
        let clinics: i64 = conn.query_row("SELECT count(*) FROM clinic", [], |r| r.get(0)).unwrap();
        assert_eq!(clinics, 1);
    }

    #[test]
    fn a_database_from_each_older_version_upgrades_with_its_data_intact() {
        let keys = keys();
        for from in 1..latest() {
            let mut conn = Connection::open_in_memory().unwrap();
            apply_up_to(&mut conn, &keys, from).unwrap();
            conn.execute_batch(
                "UPDATE clinic SET name = 'Kept Clinic', lockout_threshold = 7;
                 INSERT INTO accounts (username, role, password_hash, created_at)
                 VALUES ('alice', 'admin', '$argon2id$kept', 1795798800);",
            )
            .unwrap();
            apply(&mut conn, &keys).unwrap();
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
    fn newer_schema_is_refused() {
        assert!(check_known(latest(), Path::new("x")).is_ok());
        assert!(check_known(latest() + 1, Path::new("x")).is_err());
    }
}

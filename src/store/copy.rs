//! `db copy`: the whole database, from one snapshot, into a new SQLite file or an empty
//! PostgreSQL database. Rows are copied as they are stored, ids included: sealed
//! secrets are bound to their account's id and the trail's seals to its entries, so the
//! same key file opens the copy, its codes sign in and its trail verifies.

use std::cell::RefCell;
use std::fs;

use crate::store::sql::{Engine, PgConn, Sql, Transaction, TransactionKind};
use crate::store::{Location, Store, link_new, migrations, sqlite, temporary_name};

/// Every table and its columns, in an order that keeps references valid; the first
/// column is the one rows are read in order of. The clinic row is one, updated in place.
/// (A test checks this against the schema, so a new column cannot be left behind.)
pub(super) const TABLES: &[(&str, &[&str])] = &[
    (
        "clinic",
        &[
            "id",
            "name",
            "require_2fa",
            "lockout_threshold",
            "lockout_minutes",
            "totp_window",
            "bypass_hours",
            "key_check",
            "audit_seq",
            "audit_last",
            "audit_head",
            "require_2fa_for",
            "inactive_days",
            "enrol_grace_days",
            "reaches_admins_since",
            "reaches_staff_since",
            "audit_syslog",
            "lookup_key",
            "settings_seal",
            "settings_stamp",
            "audit_digest",
            "clinic_id",
            "public_url",
        ],
    ),
    (
        "accounts",
        &[
            "id",
            "username",
            "name",
            "role",
            "disabled",
            "policy",
            "password_hash",
            "bypass_until",
            "failed_logins",
            "locked_until",
            "created_at",
            "last_login_at",
            "must_change_password",
            "policy_until",
            "policy_since",
            "role_since",
            "grace_forfeited",
            "seal",
            "stamp",
            "credentials",
            "marked_at",
            "marked_since",
        ],
    ),
    (
        "authenticators",
        &["id", "account_id", "name", "secret", "last_used_step", "confirmed_at", "last_used_at"],
    ),
    ("pending_enrolments", &["account_id", "secret", "expires_at", "device"]),
    ("recovery_codes", &["id", "account_id", "code_hash", "used_at", "lookup"]),
    ("clients", &["id", "name", "token_mac", "created_at"]),
    ("enrol_links", &["account_id", "lookup", "seal", "created_at", "expires_at", "used_at"]),
    (
        "audit_log",
        &[
            "id",
            "at",
            "actor",
            "action",
            "subject",
            "outcome",
            "detail",
            "seq",
            "seal",
            "seal_version",
            "pinned_clock",
        ],
    ),
];

/// What was copied: rows per table.
#[derive(Debug, Default)]
pub struct Copied {
    pub rows: Vec<(&'static str, u64)>,
}

/// Copies the whole of `source` to `target`, which must not exist yet (a file) or be
/// empty (a PostgreSQL database). Nothing half-made is ever seen at `target`: a file
/// is built under a temporary name and linked into place; a database is filled in one
/// transaction. A failed copy leaves nothing behind.
pub fn to_location(source: &Store, target: &Location) -> anyhow::Result<()> {
    copy(source, target, &|_| {}).map(drop)
}

/// As [`to_location`], telling `copied` of each batch of rows written (for progress).
pub fn copy(
    source: &Store,
    target: &Location,
    copied_rows: &dyn Fn(u64),
) -> anyhow::Result<Copied> {
    let keys = &source.keys;
    match target {
        Location::File(path) => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(crate::error::Error::Conflict(format!(
                    "{} already exists: a copy is only ever made into a new file (or an empty PostgreSQL database); choose a new name",
                    path.display()
                ))
                .into());
            }
            sqlite::folder_exists(path)?;
            let temp = temporary_name(path);
            let mut copied = Copied::default();
            let built = sqlite::build(&temp, |conn| {
                let sql = Sql::Sqlite(conn);
                migrations::apply(sql, keys)?;
                let tx = Transaction::begin(sql, TransactionKind::Schema)?;
                copied = fill(source, sql, copied_rows)?;
                tx.commit()
            })
            .and_then(|()| link_new(&temp, path, "a database"))
            .map_err(|e| sqlite::storage_error(path, e));
            let _ = fs::remove_file(&temp);
            built.map(|()| copied)
        }
        Location::Server(server) => {
            let conn = RefCell::new(PgConn::new(server.connect()?, server.unnamed_statements));
            let sql = Sql::Postgres(&conn);
            let mut copied = Copied::default();
            migrations::create_postgres(sql, keys, server, "clinic2fa db copy", |sql| {
                copied = fill(source, sql, copied_rows)?;
                Ok(())
            })
            .map_err(|e| super::postgres::storage_error(server, e))?;
            Ok(copied)
        }
    }
}

/// Rows written by one `INSERT` (each a round trip on PostgreSQL): within both
/// engines' limits on parameters (17 columns at most).
const BATCH: usize = 500;

/// Inside the target's transaction: every row of `source`'s one snapshot.
fn fill(source: &Store, target: Sql<'_>, copied_rows: &dyn Fn(u64)) -> anyhow::Result<Copied> {
    source.snapshot(|from| {
        let mut copied = Copied::default();
        for (table, columns) in TABLES {
            let list = columns.join(", ");
            let select = format!("SELECT {list} FROM {table} ORDER BY {}", columns[0]);
            let mut rows = 0;
            if *table == "clinic" {
                let sets: Vec<String> =
                    columns.iter().enumerate().skip(1).map(|(i, c)| format!("{c} = ?{i}")).collect();
                let update = format!("UPDATE clinic SET {} WHERE id = 1", sets.join(", "));
                let row = from.query_one(&select, &[])?;
                target.execute(&update, &row.into_values()[1..])?;
                copied.rows.push((table, 1));
                continue;
            }
            let mut batch = Vec::with_capacity(BATCH * columns.len());
            let flush = |batch: &mut Vec<_>| -> anyhow::Result<()> {
                let count = batch.len() / columns.len();
                if count > 0 {
                    target.execute(&insert(table, columns, count), batch)?;
                    batch.clear();
                    copied_rows(count as u64);
                }
                Ok(())
            };
            from.for_each(&select, &[], |row| {
                batch.extend(row.into_values());
                rows += 1;
                if batch.len() == BATCH * columns.len() {
                    flush(&mut batch)?;
                }
                Ok(())
            })?;
            flush(&mut batch)?;
            copied.rows.push((table, rows));
        }
        match target.engine() {
            // Ids were given: new rows must be numbered after them.
            Engine::Postgres => {
                for table in ["accounts", "authenticators", "recovery_codes", "clients", "audit_log"] {
                    target.query_one(
                        &format!(
                            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false)::text FROM {table}"
                        ),
                        &[],
                    )?;
                }
            }
            // A row id is the largest given plus one.
            Engine::Sqlite => {}
        }
        Ok(copied)
    })
}

/// `INSERT INTO table (columns) VALUES (?1, …), (…)` for `rows` rows.
fn insert(table: &str, columns: &[&str], rows: usize) -> String {
    let width = columns.len();
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("?{}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column added by a later migration and not copied would be lost in a move.
    #[test]
    fn every_column_of_the_schema_is_copied() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let keys = crate::domain::keys::MasterKey::generate().unwrap().derive();
        migrations::apply(Sql::Sqlite(&conn), &keys).unwrap();
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut copied: Vec<String> = TABLES.iter().map(|(t, _)| (*t).to_owned()).collect();
        tables.sort();
        copied.sort();
        assert_eq!(tables, copied);
        for (table, columns) in TABLES {
            let mut schema: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut listed: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
            schema.sort();
            listed.sort();
            assert_eq!(schema, listed, "columns of {table}");
        }
    }
}

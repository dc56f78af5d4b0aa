//! Recovery codes, stored as argon2id hashes only.

use anyhow::Context as _;
use rusqlite::{Connection, params};

use crate::domain::account::Account;
use crate::domain::time::Timestamp;

/// An unused code's row id and hash.
#[derive(Debug)]
pub struct Unused {
    pub id: i64,
    pub hash: String,
}

pub fn unused(conn: &Connection, account: &Account) -> anyhow::Result<Vec<Unused>> {
    let mut stmt = conn.prepare(
        "SELECT id, code_hash FROM recovery_codes WHERE account_id = ?1 AND used_at IS NULL ORDER BY id",
    )?;
    let rows =
        stmt.query_map([account.id], |row| Ok(Unused { id: row.get(0)?, hash: row.get(1)? }))?;
    rows.collect::<rusqlite::Result<_>>()
        .with_context(|| format!("could not read the recovery codes of {}", account.username))
}

/// Whether the code `id` of the account is there and unused.
pub fn is_unused(conn: &Connection, account: &Account, id: i64) -> anyhow::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE id = ?1 AND account_id = ?2 AND used_at IS NULL)",
        params![id, account.id],
        |row| row.get(0),
    )
    .with_context(|| format!("could not read the recovery codes of {}", account.username))
}

/// Spends one code, only if it is still unused. Returns whether it was: false means
/// a concurrent sign-in spent it first.
pub fn spend(
    conn: &Connection,
    account: &Account,
    id: i64,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let changed = conn
        .execute(
            "UPDATE recovery_codes SET used_at = ?3 WHERE id = ?1 AND account_id = ?2 AND used_at IS NULL",
            params![id, account.id, now.unix()],
        )
        .with_context(|| format!("could not spend a recovery code of {}", account.username))?;
    Ok(changed == 1)
}

/// Replaces every code of the account (used or not) with a new set of hashes.
pub fn replace(conn: &Connection, account: &Account, hashes: &[String]) -> anyhow::Result<()> {
    remove_all(conn, account)?;
    let mut stmt =
        conn.prepare("INSERT INTO recovery_codes (account_id, code_hash) VALUES (?1, ?2)")?;
    for hash in hashes {
        stmt.execute(params![account.id, hash]).with_context(|| {
            format!("could not save the recovery codes of {}", account.username)
        })?;
    }
    Ok(())
}

pub fn remove_all(conn: &Connection, account: &Account) -> anyhow::Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE account_id = ?1", [account.id])
        .with_context(|| format!("could not remove the recovery codes of {}", account.username))?;
    Ok(())
}

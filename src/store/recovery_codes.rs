//! Recovery codes, stored as argon2id hashes only.

use anyhow::Context as _;

use crate::store::Db;
use crate::store::sql::args;

use crate::domain::account::Account;
use crate::domain::time::Timestamp;

/// An unused code's row id and hash.
#[derive(Debug)]
pub struct Unused {
    pub id: i64,
    pub hash: String,
}

pub fn unused(db: &Db<'_>, account: &Account) -> anyhow::Result<Vec<Unused>> {
    db.query_all(
        "SELECT id, code_hash FROM recovery_codes WHERE account_id = ?1 AND used_at IS NULL ORDER BY id",
        args![account.id],
    )
    .and_then(|rows| {
        rows.iter().map(|row| Ok(Unused { id: row.get(0)?, hash: row.get(1)? })).collect()
    })
    .with_context(|| format!("could not read the recovery codes of {}", account.username))
}

/// Whether the code `id` of the account is there and unused.
pub fn is_unused(db: &Db<'_>, account: &Account, id: i64) -> anyhow::Result<bool> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE id = ?1 AND account_id = ?2 AND used_at IS NULL)",
        args![id, account.id],
    )
    .and_then(|row| row.get(0))
    .with_context(|| format!("could not read the recovery codes of {}", account.username))
}

/// Spends one code, only if it is still unused. Returns whether it was: false means
/// a concurrent sign-in spent it first.
pub fn spend(db: &Db<'_>, account: &Account, id: i64, now: Timestamp) -> anyhow::Result<bool> {
    let changed = db
        .execute(
            "UPDATE recovery_codes SET used_at = ?3 WHERE id = ?1 AND account_id = ?2 AND used_at IS NULL",
            args![id, account.id, now.unix()],
        )
        .with_context(|| format!("could not spend a recovery code of {}", account.username))?;
    Ok(changed == 1)
}

/// Replaces every code of the account (used or not) with a new set of hashes.
pub fn replace(db: &Db<'_>, account: &Account, hashes: &[String]) -> anyhow::Result<()> {
    remove_all(db, account)?;
    for hash in hashes {
        db.execute(
            "INSERT INTO recovery_codes (account_id, code_hash) VALUES (?1, ?2)",
            args![account.id, hash],
        )
        .with_context(|| format!("could not save the recovery codes of {}", account.username))?;
    }
    Ok(())
}

pub fn remove_all(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.execute("DELETE FROM recovery_codes WHERE account_id = ?1", args![account.id])
        .with_context(|| format!("could not remove the recovery codes of {}", account.username))?;
    Ok(())
}

//! Recovery codes, stored as keyed look-up values (see `domain::recovery`); codes
//! issued before those came are argon2id hashes, still honoured.

use anyhow::Context as _;
use subtle::ConstantTimeEq;

use crate::store::sql::args;
use crate::store::{Db, clinic};

use crate::domain::account::Account;
use crate::domain::recovery::RecoveryCode;
use crate::domain::time::Timestamp;

/// An unused code stored the old way: its row id and argon2 hash.
#[derive(Debug)]
pub struct Legacy {
    pub id: i64,
    pub hash: String,
}

/// The account's unused codes stored as argon2 hashes (issued before look-up values).
pub fn unused_legacy(db: &Db<'_>, account: &Account) -> anyhow::Result<Vec<Legacy>> {
    db.query_all(
        "SELECT id, code_hash FROM recovery_codes
         WHERE account_id = ?1 AND used_at IS NULL AND lookup IS NULL ORDER BY id",
        args![account.id],
    )
    .and_then(|rows| {
        rows.iter().map(|row| Ok(Legacy { id: row.get(0)?, hash: row.get(1)? })).collect()
    })
    .with_context(|| format!("could not read the recovery codes of {}", account.username))
}

/// The unused code of the account that `code` is, by its look-up value: one HMAC and
/// one indexed read, then a constant-time comparison.
pub fn find_unused(
    db: &Db<'_>,
    account: &Account,
    code: &RecoveryCode,
) -> anyhow::Result<Option<i64>> {
    let lookup = code.lookup(&clinic::lookup_key(db)?, account.id);
    let row = db
        .query_opt(
            "SELECT id, lookup FROM recovery_codes
             WHERE account_id = ?1 AND lookup = ?2 AND used_at IS NULL",
            args![account.id, lookup.as_slice()],
        )
        .with_context(|| format!("could not read the recovery codes of {}", account.username))?;
    let Some(row) = row else { return Ok(None) };
    let stored: Vec<u8> = row.get(1)?;
    Ok(bool::from(stored.ct_eq(&lookup)).then_some(row.get(0)?).flatten())
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
    db.touch_account(account.id);
    let changed = db
        .execute(
            "UPDATE recovery_codes SET used_at = ?3 WHERE id = ?1 AND account_id = ?2 AND used_at IS NULL",
            args![id, account.id, now.unix()],
        )
        .with_context(|| format!("could not spend a recovery code of {}", account.username))?;
    Ok(changed == 1)
}

/// Replaces every code of the account (used or not) with a new set.
pub fn replace(db: &Db<'_>, account: &Account, codes: &[RecoveryCode]) -> anyhow::Result<()> {
    remove_all(db, account)?;
    let key = clinic::lookup_key(db)?;
    for code in codes {
        db.execute(
            "INSERT INTO recovery_codes (account_id, code_hash, lookup) VALUES (?1, '', ?2)",
            args![account.id, code.lookup(&key, account.id).as_slice()],
        )
        .with_context(|| format!("could not save the recovery codes of {}", account.username))?;
    }
    Ok(())
}

pub fn remove_all(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.touch_account(account.id);
    db.execute("DELETE FROM recovery_codes WHERE account_id = ?1", args![account.id])
        .with_context(|| format!("could not remove the recovery codes of {}", account.username))?;
    Ok(())
}

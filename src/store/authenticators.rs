//! TOTP authenticators: the active one, and one awaiting confirmation (enrolment).
//!
//! Secrets are sealed with the clinic's key (XChaCha20-Poly1305) and bound to their
//! account and slot, so the database file holds none in clear, and a sealed secret
//! copied onto another account or from pending to active does not open.

use anyhow::Context as _;

use crate::domain::account::Account;
use crate::domain::time::Timestamp;
use crate::domain::totp::TotpSecret;
use crate::store::Db;
use crate::store::sql::{Kind, args};

/// Which of an account's two secrets a sealed blob is.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Active,
    Pending,
}

/// What a sealed secret is bound to: its slot and its account's row.
fn binding(slot: Slot, account_id: i64) -> Vec<u8> {
    let slot = match slot {
        Slot::Active => "active",
        Slot::Pending => "pending",
    };
    format!("clinic2fa totp-secret {slot} account {account_id}").into_bytes()
}

fn seal(db: &Db<'_>, slot: Slot, account_id: i64, secret: &TotpSecret) -> anyhow::Result<Vec<u8>> {
    db.keys.seal(secret.as_bytes(), &binding(slot, account_id))
}

fn open(db: &Db<'_>, slot: Slot, account_id: i64, blob: &[u8]) -> anyhow::Result<TotpSecret> {
    db.keys
        .open(blob, &binding(slot, account_id))
        .map(|plain| TotpSecret::from_bytes(plain.to_vec()))
        .map_err(|e| anyhow::anyhow!("a sealed secret does not open: {e}"))
}

/// Up to a page of (account id, secret) of `table` after account `after`, as stored:
/// read a page at a time, so that every secret of any clinic can be rewritten in one
/// transaction in little memory.
fn secrets_after(db: &Db<'_>, table: &str, after: i64) -> anyhow::Result<Vec<(i64, Vec<u8>)>> {
    let rows = db.query_all(
        &format!(
            "SELECT account_id, secret FROM {table} WHERE account_id > ?1 ORDER BY account_id LIMIT 1000"
        ),
        args![after],
    )?;
    rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?))).collect()
}

/// Every (account id, secret) of `table` sealed anew by `reseal`, a page at a time
/// (one statement a page writes it back).
fn rewrite_secrets(
    db: &Db<'_>,
    table: &str,
    mut reseal: impl FnMut(i64, Vec<u8>) -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<()> {
    let mut after = i64::MIN;
    loop {
        let page = secrets_after(db, table, after)?;
        let Some(&(last, _)) = page.last() else { return Ok(()) };
        let sealed = page
            .into_iter()
            .map(|(account_id, secret)| Ok((account_id, vec![reseal(account_id, secret)?.into()])))
            .collect::<anyhow::Result<Vec<_>>>()?;
        db.update_each(table, "account_id", &[("secret", Kind::Blob)], &sealed)?;
        after = last;
    }
}

/// Seals the secrets stored in clear before secrets were sealed (the upgrade).
pub fn seal_plaintext_secrets(db: &Db<'_>) -> anyhow::Result<()> {
    for (table, slot) in [("authenticators", Slot::Active), ("pending_enrolments", Slot::Pending)] {
        rewrite_secrets(db, table, |account_id, plain| {
            seal(db, slot, account_id, &TotpSecret::from_bytes(plain))
        })?;
    }
    Ok(())
}

/// Every sealed secret opened with `old`'s keys and sealed again with `new` (a key
/// rotation), bound to the same account and slot.
pub fn reseal_all(old: &Db<'_>, new: &Db<'_>) -> anyhow::Result<()> {
    for (table, slot) in [("authenticators", Slot::Active), ("pending_enrolments", Slot::Pending)] {
        rewrite_secrets(old, table, |account_id, blob| {
            let secret = open(old, slot, account_id, &blob).with_context(|| {
                format!("a secret in {table} does not open with the current key")
            })?;
            seal(new, slot, account_id, &secret)
        })?;
    }
    Ok(())
}

/// The active authenticator's secret and the last step it accepted.
#[derive(Debug)]
pub struct Active {
    pub secret: TotpSecret,
    pub last_used_step: u64,
}

pub fn active(db: &Db<'_>, account: &Account) -> anyhow::Result<Option<Active>> {
    db.query_opt(
        "SELECT secret, last_used_step FROM authenticators WHERE account_id = ?1",
        args![account.id],
    )
    .and_then(|row| {
        row.map(|row| {
            Ok(Active {
                secret: open(db, Slot::Active, account.id, &row.get::<Vec<u8>>(0)?)?,
                last_used_step: row.get::<i64>(1)?.try_into().unwrap_or(0),
            })
        })
        .transpose()
    })
    .with_context(|| format!("could not read the authenticator of {}", account.username))
}

/// Marks `step` used, only if it is later than the last used one. Returns whether it
/// was: false means another sign-in used this step (or a later one) first.
pub fn use_step(db: &Db<'_>, account: &Account, step: u64) -> anyhow::Result<bool> {
    db.touch_account(account.id);
    let step = i64::try_from(step).context("time step out of range")?;
    let changed = db
        .execute(
            "UPDATE authenticators SET last_used_step = ?2
             WHERE account_id = ?1 AND last_used_step < ?2",
            args![account.id, step],
        )
        .with_context(|| format!("could not record the code used by {}", account.username))?;
    Ok(changed == 1)
}

/// A secret awaiting confirmation, and when it stops being usable.
#[derive(Debug)]
pub struct Pending {
    pub secret: TotpSecret,
    pub expires_at: Timestamp,
}

pub fn pending(db: &Db<'_>, account: &Account) -> anyhow::Result<Option<Pending>> {
    db.query_opt(
        "SELECT secret, expires_at FROM pending_enrolments WHERE account_id = ?1",
        args![account.id],
    )
    .and_then(|row| {
        row.map(|row| {
            Ok(Pending {
                secret: open(db, Slot::Pending, account.id, &row.get::<Vec<u8>>(0)?)?,
                expires_at: Timestamp::from_unix(row.get(1)?),
            })
        })
        .transpose()
    })
    .with_context(|| format!("could not read the enrolment of {}", account.username))
}

/// Starts (or restarts) an enrolment; any earlier pending secret is replaced.
pub fn set_pending(
    db: &Db<'_>,
    account: &Account,
    secret: &TotpSecret,
    expires_at: Timestamp,
) -> anyhow::Result<()> {
    db.touch_account(account.id);
    let sealed = seal(db, Slot::Pending, account.id, secret)?;
    db.execute(
        "INSERT INTO pending_enrolments (account_id, secret, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at",
        args![account.id, sealed, expires_at.unix()],
    )
    .with_context(|| format!("could not save the enrolment of {}", account.username))?;
    Ok(())
}

/// Makes the pending secret the active authenticator, replacing any old one, with
/// `step` (the one that confirmed it) already used.
pub fn activate(
    db: &Db<'_>,
    account: &Account,
    secret: &TotpSecret,
    step: u64,
    now: Timestamp,
) -> anyhow::Result<()> {
    db.touch_account(account.id);
    let step = i64::try_from(step).context("time step out of range")?;
    let sealed = seal(db, Slot::Active, account.id, secret)?;
    db.execute(
        "INSERT INTO authenticators (account_id, secret, last_used_step, confirmed_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret,
             last_used_step = excluded.last_used_step, confirmed_at = excluded.confirmed_at",
        args![account.id, sealed, step, now.unix()],
    )
    .with_context(|| format!("could not activate the authenticator of {}", account.username))?;
    db.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", args![account.id])?;
    // Set up again: a later requirement may come with a grace again.
    db.execute("UPDATE accounts SET grace_forfeited = 0 WHERE id = ?1", args![account.id])?;
    Ok(())
}

/// Removes the active authenticator and any pending one.
pub fn remove(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.touch_account(account.id);
    db.execute("DELETE FROM authenticators WHERE account_id = ?1", args![account.id])
        .and_then(|_| {
            db.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", args![account.id])
        })
        .with_context(|| format!("could not remove the authenticator of {}", account.username))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::{Keys, MasterKey};
    use crate::store::sql::Sql;

    fn keys() -> Keys {
        MasterKey::generate().unwrap().derive()
    }

    /// More secrets than one page: a rotation must reach every one of them.
    #[test]
    fn every_secret_is_resealed_past_the_first_page() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let (old_keys, new_keys) = (keys(), keys());
        crate::store::migrations::apply(Sql::Sqlite(&conn), &old_keys).unwrap();
        let old = Db::new(Sql::Sqlite(&conn), &old_keys);
        let count = 2_345;
        for id in 1..=count {
            conn.execute(
                "INSERT INTO accounts (id, username, role, password_hash, created_at)
                 VALUES (?1, 'u' || ?1, 'staff', 'x', 0)",
                [id],
            )
            .unwrap();
            let secret = TotpSecret::from_bytes(format!("secret number {id:05}").into_bytes());
            let sealed = seal(&old, Slot::Active, id, &secret).unwrap();
            conn.execute(
                "INSERT INTO authenticators VALUES (?1, ?2, 0, 0)",
                rusqlite::params![id, sealed],
            )
            .unwrap();
        }
        let new = Db::new(Sql::Sqlite(&conn), &new_keys);
        reseal_all(&old, &new).unwrap();
        let (mut seen, mut after) = (0, i64::MIN);
        loop {
            let page = secrets_after(&new, "authenticators", after).unwrap();
            let Some(&(last, _)) = page.last() else { break };
            for (id, blob) in page {
                let secret = open(&new, Slot::Active, id, &blob).unwrap();
                assert_eq!(secret.as_bytes(), format!("secret number {id:05}").as_bytes());
                assert!(
                    open(&old, Slot::Active, id, &blob).is_err(),
                    "the old key no longer opens it"
                );
                seen += 1;
            }
            after = last;
        }
        assert_eq!(seen, count);
    }
}

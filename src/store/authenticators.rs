//! TOTP authenticators: a person's active ones (each named, at most
//! [`crate::domain::device::MAX_PER_PERSON`]), and one awaiting confirmation (enrolment).
//!
//! Secrets are sealed with the clinic's key (XChaCha20-Poly1305) and bound to their
//! account and slot, so the database file holds none in clear, and a sealed secret
//! copied onto another account or from pending to active does not open.

use anyhow::Context as _;

use crate::domain::account::Account;
use crate::domain::device::{Device, DeviceName};
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

/// Where a table's sealed secrets are, as of a schema version: the key its rows are
/// paged by (an authenticator's own id since several per person, schema 14), and its
/// account.
#[derive(Debug, Clone, Copy)]
struct Secrets {
    table: &'static str,
    key: &'static str,
    slot: Slot,
}

/// The tables of sealed secrets as they are now.
const NOW: [Secrets; 2] = [
    Secrets { table: "authenticators", key: "id", slot: Slot::Active },
    Secrets { table: "pending_enrolments", key: "account_id", slot: Slot::Pending },
];

/// Up to a page of (key, account id, secret) of `at` after key `after`, as stored:
/// read a page at a time, so that every secret of any clinic can be rewritten in one
/// transaction in little memory.
fn secrets_after(db: &Db<'_>, at: Secrets, after: i64) -> anyhow::Result<Vec<(i64, i64, Vec<u8>)>> {
    let (table, key) = (at.table, at.key);
    let rows = db.query_all(
        &format!(
            "SELECT {key}, account_id, secret FROM {table} WHERE {key} > ?1 ORDER BY {key} LIMIT 1000"
        ),
        args![after],
    )?;
    rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).collect()
}

/// Every secret of `at` sealed anew by `reseal` (given its account and the stored
/// bytes), a page at a time (one statement a page writes it back).
fn rewrite_secrets(
    db: &Db<'_>,
    at: Secrets,
    mut reseal: impl FnMut(i64, Vec<u8>) -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<()> {
    let mut after = i64::MIN;
    loop {
        let page = secrets_after(db, at, after)?;
        let Some(&(last, _, _)) = page.last() else { return Ok(()) };
        let sealed = page
            .into_iter()
            .map(|(key, account_id, secret)| Ok((key, vec![reseal(account_id, secret)?.into()])))
            .collect::<anyhow::Result<Vec<_>>>()?;
        db.update_each(at.table, at.key, &[("secret", Kind::Blob)], &sealed)?;
        after = last;
    }
}

/// Seals the secrets stored in clear before secrets were sealed (the upgrade to schema
/// 3, when each person had one authenticator, keyed by its account).
pub fn seal_plaintext_secrets(db: &Db<'_>) -> anyhow::Result<()> {
    for slot in [Slot::Active, Slot::Pending] {
        let table = match slot {
            Slot::Active => "authenticators",
            Slot::Pending => "pending_enrolments",
        };
        rewrite_secrets(db, Secrets { table, key: "account_id", slot }, |account_id, plain| {
            seal(db, slot, account_id, &TotpSecret::from_bytes(plain))
        })?;
    }
    Ok(())
}

/// Every sealed secret opened with `old`'s keys and sealed again with `new` (a key
/// rotation), bound to the same account and slot.
pub fn reseal_all(old: &Db<'_>, new: &Db<'_>) -> anyhow::Result<()> {
    for at in NOW {
        rewrite_secrets(old, at, |account_id, blob| {
            let secret = open(old, at.slot, account_id, &blob).with_context(|| {
                format!("a secret in {} does not open with the current key", at.table)
            })?;
            seal(new, at.slot, account_id, &secret)
        })?;
    }
    Ok(())
}

/// The upgrade to several authenticators per person (schema 14): the one each person
/// had becomes the one named `phone`, its secret sealed as it was.
pub fn name_existing(db: &Db<'_>) -> anyhow::Result<()> {
    // Schema 13 kept no time of last use, only the step of the last code accepted; a
    // step later than the one confirming it (which may be a window ahead) was a sign-in,
    // and its start is when, to the 30 seconds.
    db.execute(
        "INSERT INTO authenticators
             (account_id, name, secret, last_used_step, confirmed_at, last_used_at)
         SELECT account_id, ?1, secret, last_used_step, confirmed_at,
                CASE WHEN last_used_step * ?2 > confirmed_at + ?2
                     THEN last_used_step * ?2 END
         FROM authenticators_v13 ORDER BY account_id",
        args![DeviceName::DEFAULT, crate::domain::totp::STEP_SECONDS as i64],
    )?;
    Ok(())
}

/// One of a person's active authenticators: its secret, and the step from which its
/// codes are good.
#[derive(Debug)]
pub struct Active {
    pub id: i64,
    pub name: DeviceName,
    pub secret: TotpSecret,
    /// No code of this person at or before this step is accepted from this
    /// authenticator. The person's mark is the latest of all of theirs.
    pub last_used_step: u64,
}

fn device_name(stored: &str) -> anyhow::Result<DeviceName> {
    DeviceName::parse(stored).map_err(|e| anyhow::anyhow!("an authenticator's name: {e}"))
}

/// Every active authenticator of `account`, oldest first.
pub fn active(db: &Db<'_>, account: &Account) -> anyhow::Result<Vec<Active>> {
    let rows = db
        .query_all(
            "SELECT id, name, secret, last_used_step FROM authenticators
             WHERE account_id = ?1 ORDER BY id",
            args![account.id],
        )
        .with_context(|| format!("could not read the authenticators of {}", account.username))?;
    rows.iter()
        .map(|row| {
            Ok(Active {
                id: row.get(0)?,
                name: device_name(&row.get::<String>(1)?)?,
                secret: open(db, Slot::Active, account.id, &row.get::<Vec<u8>>(2)?)?,
                last_used_step: row.get::<i64>(3)?.try_into().unwrap_or(0),
            })
        })
        .collect()
}

/// The person's mark: every step up to it is used, whichever authenticator it came
/// from (contract rule 4: once a step is accepted for a user, it and every earlier
/// step are refused for that user).
pub fn used_up_to(devices: &[Active]) -> Option<u64> {
    devices.iter().map(|d| d.last_used_step).max()
}

/// The names and dates of `account`'s authenticators, oldest first (no secret is read).
pub fn list(db: &Db<'_>, account: &Account) -> anyhow::Result<Vec<Device>> {
    let rows = db.query_all(
        "SELECT name, confirmed_at, last_used_at FROM authenticators
         WHERE account_id = ?1 ORDER BY id",
        args![account.id],
    )?;
    rows.iter()
        .map(|row| {
            Ok(Device {
                name: device_name(&row.get::<String>(0)?)?,
                added_at: Timestamp::from_unix(row.get(1)?),
                last_used_at: row.get::<Option<i64>>(2)?.map(Timestamp::from_unix),
            })
        })
        .collect()
}

/// Marks `step` used on authenticator `device`, only if it is later than every step
/// used on any of the person's authenticators. Returns whether it was: false means
/// another sign-in used this step (or a later one) first.
pub fn use_step(
    db: &Db<'_>,
    account: &Account,
    device: DeviceName,
    step: u64,
    now: Timestamp,
) -> anyhow::Result<bool> {
    db.touch_account(account.id);
    let step = i64::try_from(step).context("time step out of range")?;
    let changed = db
        .execute(
            "UPDATE authenticators SET last_used_step = ?3, last_used_at = ?4
             WHERE account_id = ?1 AND name = ?2 AND NOT EXISTS (
                 SELECT 1 FROM authenticators o WHERE o.account_id = ?1 AND o.last_used_step >= ?3)",
            args![account.id, device.as_str(), step, now.unix()],
        )
        .with_context(|| format!("could not record the code used by {}", account.username))?;
    Ok(changed == 1)
}

/// A secret awaiting confirmation, the device it is for, and when it stops being usable.
#[derive(Debug)]
pub struct Pending {
    pub secret: TotpSecret,
    pub device: DeviceName,
    pub expires_at: Timestamp,
}

pub fn pending(db: &Db<'_>, account: &Account) -> anyhow::Result<Option<Pending>> {
    db.query_opt(
        "SELECT secret, expires_at, device FROM pending_enrolments WHERE account_id = ?1",
        args![account.id],
    )
    .and_then(|row| {
        row.map(|row| {
            Ok(Pending {
                secret: open(db, Slot::Pending, account.id, &row.get::<Vec<u8>>(0)?)?,
                expires_at: Timestamp::from_unix(row.get(1)?),
                device: device_name(&row.get::<String>(2)?)?,
            })
        })
        .transpose()
    })
    .with_context(|| format!("could not read the enrolment of {}", account.username))
}

/// Starts (or restarts) an enrolment of `device`; any earlier pending secret is replaced.
pub fn set_pending(
    db: &Db<'_>,
    account: &Account,
    device: DeviceName,
    secret: &TotpSecret,
    expires_at: Timestamp,
) -> anyhow::Result<()> {
    db.touch_account(account.id);
    let sealed = seal(db, Slot::Pending, account.id, secret)?;
    db.execute(
        "INSERT INTO pending_enrolments (account_id, secret, expires_at, device) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret,
             expires_at = excluded.expires_at, device = excluded.device",
        args![account.id, sealed, expires_at.unix(), device.as_str()],
    )
    .with_context(|| format!("could not save the enrolment of {}", account.username))?;
    Ok(())
}

/// Makes the pending secret the active authenticator `device`, beside the person's
/// others (replacing one of that name), with `step` (the one that confirmed it) and
/// every step the person already used counted as used.
pub fn activate(
    db: &Db<'_>,
    account: &Account,
    device: DeviceName,
    secret: &TotpSecret,
    step: u64,
    now: Timestamp,
) -> anyhow::Result<()> {
    db.touch_account(account.id);
    let step = i64::try_from(step).context("time step out of range")?;
    // The person's mark never goes back: a step used on the old phone stays used.
    let mark: Option<i64> = db
        .query_one(
            "SELECT max(last_used_step) FROM authenticators WHERE account_id = ?1",
            args![account.id],
        )?
        .get(0)?;
    let step = mark.map_or(step, |mark| mark.max(step));
    let sealed = seal(db, Slot::Active, account.id, secret)?;
    let name = device.as_str();
    db.execute(
        "DELETE FROM authenticators WHERE account_id = ?1 AND name = ?2",
        args![account.id, name],
    )
    .and_then(|_| {
        db.execute(
            "INSERT INTO authenticators (account_id, name, secret, last_used_step, confirmed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![account.id, name, sealed, step, now.unix()],
        )
    })
    .with_context(|| format!("could not activate the authenticator of {}", account.username))?;
    db.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", args![account.id])?;
    // Set up again: a later requirement may come with a grace again.
    db.execute("UPDATE accounts SET grace_forfeited = 0 WHERE id = ?1", args![account.id])?;
    Ok(())
}

/// Removes every active authenticator and any pending one.
pub fn remove(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.touch_account(account.id);
    db.execute("DELETE FROM authenticators WHERE account_id = ?1", args![account.id])
        .and_then(|_| {
            db.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", args![account.id])
        })
        .with_context(|| format!("could not remove the authenticator of {}", account.username))?;
    Ok(())
}

/// Removes one authenticator, leaving the others (the caller removes the last one with
/// [`remove`]). Returns whether there was one of that name. The steps it used stay
/// used: they are carried onto the others, so the person's mark never goes back.
pub fn remove_one(db: &Db<'_>, account: &Account, device: DeviceName) -> anyhow::Result<bool> {
    db.touch_account(account.id);
    let name = device.as_str();
    let Some(row) = db.query_opt(
        "SELECT last_used_step FROM authenticators WHERE account_id = ?1 AND name = ?2",
        args![account.id, name],
    )?
    else {
        return Ok(false);
    };
    let step: i64 = row.get(0)?;
    db.execute(
        "UPDATE authenticators SET last_used_step = ?3
         WHERE account_id = ?1 AND name <> ?2 AND last_used_step < ?3",
        args![account.id, name, step],
    )
    .and_then(|_| {
        db.execute(
            "DELETE FROM authenticators WHERE account_id = ?1 AND name = ?2",
            args![account.id, name],
        )
    })
    .with_context(|| {
        format!("could not remove the authenticator {name} of {}", account.username)
    })?;
    Ok(true)
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
                "INSERT INTO authenticators (account_id, name, secret, last_used_step, confirmed_at)
                 VALUES (?1, 'phone', ?2, 0, 0)",
                rusqlite::params![id, sealed],
            )
            .unwrap();
        }
        let new = Db::new(Sql::Sqlite(&conn), &new_keys);
        reseal_all(&old, &new).unwrap();
        let (mut seen, mut after) = (0, i64::MIN);
        loop {
            let page = secrets_after(&new, NOW[0], after).unwrap();
            let Some(&(last, _, _)) = page.last() else { break };
            for (_, id, blob) in page {
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

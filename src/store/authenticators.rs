//! TOTP authenticators: the active one, and one awaiting confirmation (enrolment).
//!
//! Secrets are stored as raw bytes here; encrypting them at rest is the security
//! hardening issue's job and will happen in this module alone.

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::account::Account;
use crate::domain::time::Timestamp;
use crate::domain::totp::TotpSecret;

/// The active authenticator's secret and the last step it accepted.
#[derive(Debug)]
pub struct Active {
    pub secret: TotpSecret,
    pub last_used_step: u64,
}

pub fn active(conn: &Connection, account: &Account) -> anyhow::Result<Option<Active>> {
    conn.query_row(
        "SELECT secret, last_used_step FROM authenticators WHERE account_id = ?1",
        [account.id],
        |row| {
            Ok(Active {
                secret: TotpSecret::from_bytes(row.get(0)?),
                last_used_step: row.get::<_, i64>(1)?.try_into().unwrap_or(0),
            })
        },
    )
    .optional()
    .with_context(|| format!("could not read the authenticator of {}", account.username))
}

/// Marks `step` used, only if it is later than the last used one. Returns whether it
/// was: false means another sign-in used this step (or a later one) first.
pub fn use_step(conn: &Connection, account: &Account, step: u64) -> anyhow::Result<bool> {
    let step = i64::try_from(step).context("time step out of range")?;
    let changed = conn
        .execute(
            "UPDATE authenticators SET last_used_step = ?2
             WHERE account_id = ?1 AND last_used_step < ?2",
            params![account.id, step],
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

pub fn pending(conn: &Connection, account: &Account) -> anyhow::Result<Option<Pending>> {
    conn.query_row(
        "SELECT secret, expires_at FROM pending_enrolments WHERE account_id = ?1",
        [account.id],
        |row| {
            Ok(Pending {
                secret: TotpSecret::from_bytes(row.get(0)?),
                expires_at: Timestamp::from_unix(row.get(1)?),
            })
        },
    )
    .optional()
    .with_context(|| format!("could not read the enrolment of {}", account.username))
}

/// Starts (or restarts) an enrolment; any earlier pending secret is replaced.
pub fn set_pending(
    conn: &Connection,
    account: &Account,
    secret: &TotpSecret,
    expires_at: Timestamp,
) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO pending_enrolments (account_id, secret, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at",
        params![account.id, secret.as_bytes(), expires_at.unix()],
    )
    .with_context(|| format!("could not save the enrolment of {}", account.username))?;
    Ok(())
}

/// Makes the pending secret the active authenticator, replacing any old one, with
/// `step` (the one that confirmed it) already used.
pub fn activate(
    conn: &Connection,
    account: &Account,
    secret: &TotpSecret,
    step: u64,
    now: Timestamp,
) -> anyhow::Result<()> {
    let step = i64::try_from(step).context("time step out of range")?;
    conn.execute(
        "INSERT INTO authenticators (account_id, secret, last_used_step, confirmed_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret,
             last_used_step = excluded.last_used_step, confirmed_at = excluded.confirmed_at",
        params![account.id, secret.as_bytes(), step, now.unix()],
    )
    .with_context(|| format!("could not activate the authenticator of {}", account.username))?;
    conn.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", [account.id])?;
    Ok(())
}

/// Removes the active authenticator and any pending one.
pub fn remove(conn: &Connection, account: &Account) -> anyhow::Result<()> {
    conn.execute("DELETE FROM authenticators WHERE account_id = ?1", [account.id])
        .and_then(|_| {
            conn.execute("DELETE FROM pending_enrolments WHERE account_id = ?1", [account.id])
        })
        .with_context(|| format!("could not remove the authenticator of {}", account.username))?;
    Ok(())
}

//! Accounts in the database. Each function takes a connection or transaction, so a
//! command composes several of them inside one [`super::Store::write`].

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::account::{Account, Role};
use crate::domain::policy::Policy;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::Error;

const COLUMNS: &str = "id, username, name, role, disabled, policy, password_hash, \
     bypass_until, failed_logins, locked_until, created_at, last_login_at, \
     EXISTS (SELECT 1 FROM authenticators t WHERE t.account_id = accounts.id), \
     (SELECT count(*) FROM recovery_codes r WHERE r.account_id = accounts.id AND r.used_at IS NULL), \
     must_change_password, policy_until, policy_since, role_since, grace_forfeited";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let text_err = |i: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let username: String = row.get(1)?;
    let role: String = row.get(3)?;
    let policy: String = row.get(5)?;
    let time = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(row.get::<_, Option<i64>>(i)?.map(Timestamp::from_unix))
    };
    Ok(Account {
        id: row.get(0)?,
        username: Username::parse(&username).map_err(|e| text_err(1, e.to_string()))?,
        name: row.get(2)?,
        role: role.parse().map_err(|e| text_err(3, e))?,
        disabled: row.get(4)?,
        policy: policy.parse().map_err(|e| text_err(5, e))?,
        policy_until: time(15)?,
        policy_since: time(16)?,
        role_since: time(17)?,
        grace_forfeited: row.get(18)?,
        password_hash: row.get(6)?,
        enrolled: row.get(12)?,
        recovery_codes_left: row.get(13)?,
        must_change_password: row.get(14)?,
        bypass_until: time(7)?,
        failed_logins: row.get(8)?,
        locked_until: time(9)?,
        created_at: Timestamp::from_unix(row.get(10)?),
        last_login_at: time(11)?,
    })
}

pub fn find(conn: &Connection, username: &Username) -> anyhow::Result<Option<Account>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM accounts WHERE username = ?1"),
        [username.as_str()],
        from_row,
    )
    .optional()
    .with_context(|| format!("could not read the account {username}"))
}

/// The account, or a not-found error that says how to see who exists.
pub fn get(conn: &Connection, username: &Username) -> anyhow::Result<Account> {
    find(conn, username)?.ok_or_else(|| {
        Error::NotFound(format!("no user \"{username}\": `clinic2fa user list` shows the accounts"))
            .into()
    })
}

/// All accounts, by username.
pub fn list(conn: &Connection) -> anyhow::Result<Vec<Account>> {
    let mut all = Vec::new();
    for_each(conn, |account| {
        all.push(account);
        Ok(())
    })?;
    Ok(all)
}

/// Every account, by username, one at a time: lists of any length in little memory.
pub fn for_each(
    conn: &Connection,
    mut visit: impl FnMut(Account) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM accounts ORDER BY username"))?;
    let mut rows = stmt.query([]).context("could not read the accounts")?;
    while let Some(row) = rows.next().context("could not read the accounts")? {
        visit(from_row(row).context("could not read an account")?)?;
    }
    Ok(())
}

#[derive(Debug)]
pub struct NewAccount<'a> {
    pub username: &'a Username,
    pub name: Option<&'a str>,
    pub role: Role,
    pub policy: Policy,
    pub password_hash: &'a str,
    /// The password was made up for them: change it at first sign-in.
    pub temporary_password: bool,
    pub created_at: Timestamp,
}

/// A conflict error when the username is taken.
pub fn ensure_free(conn: &Connection, username: &Username) -> anyhow::Result<()> {
    if find(conn, username)?.is_some() {
        return Err(Error::Conflict(format!(
            "user {:?} already exists: choose another username, or see `clinic2fa user show {username}`",
            username.as_str(),
        ))
        .into());
    }
    Ok(())
}

pub fn insert(conn: &Connection, new: &NewAccount<'_>) -> anyhow::Result<Account> {
    ensure_free(conn, new.username)?;
    conn.execute(
        "INSERT INTO accounts (username, name, role, policy, password_hash, created_at, must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new.username.as_str(),
            new.name,
            new.role.as_str(),
            new.policy.as_str(),
            new.password_hash,
            new.created_at.unix(),
            new.temporary_password
        ],
    )
    .with_context(|| format!("could not add the account {}", new.username))?;
    get(conn, new.username)
}

pub fn remove(conn: &Connection, account: &Account) -> anyhow::Result<()> {
    conn.execute("DELETE FROM accounts WHERE id = ?1", [account.id])
        .with_context(|| format!("could not remove the account {}", account.username))?;
    Ok(())
}

pub fn set_disabled(conn: &Connection, account: &Account, disabled: bool) -> anyhow::Result<()> {
    update(conn, account, "disabled = ?2", disabled)
}

/// Sets the role; a change of role is remembered (`role_since`), since under `require-2fa
/// admins` it is when 2FA starts or stops applying.
pub fn set_role(
    conn: &Connection,
    account: &Account,
    role: Role,
    now: Timestamp,
) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE accounts SET role_since = CASE WHEN role = ?2 THEN role_since ELSE ?3 END,
             role = ?2 WHERE id = ?1",
        params![account.id, role.as_str(), now.unix()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Sets the password. `temporary`: chosen by someone else, so it must be changed at
/// the next sign-in.
pub fn set_password_hash(
    conn: &Connection,
    account: &Account,
    phc: &str,
    temporary: bool,
) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE accounts SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        params![account.id, phc, temporary],
    )
    .with_context(|| format!("could not change the password of {}", account.username))?;
    Ok(())
}

fn update(
    conn: &Connection,
    account: &Account,
    assignment: &str,
    value: impl rusqlite::ToSql,
) -> anyhow::Result<()> {
    conn.execute(
        &format!("UPDATE accounts SET {assignment} WHERE id = ?1"),
        params![account.id, value],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Sets the per-user setting; `until`: when it reverts to `clinic-default` by itself
/// (`None` clears any end date).
/// A change of setting is remembered (`policy_since`, here `at`): it is when 2FA may
/// start to apply.
pub fn set_policy(
    conn: &Connection,
    account: &Account,
    policy: Policy,
    until: Option<Timestamp>,
    at: Timestamp,
) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE accounts SET policy_since = CASE WHEN policy = ?2 THEN policy_since ELSE ?4 END,
             policy = ?2, policy_until = ?3 WHERE id = ?1",
        params![account.id, policy.as_str(), until.map(Timestamp::unix), at.unix()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Overrides whose end has come by `now` and are not yet recorded as ended: each
/// account, as it was.
pub fn ended_overrides(conn: &Connection, now: Timestamp) -> anyhow::Result<Vec<Account>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM accounts WHERE policy_until IS NOT NULL AND policy_until <= ?1
         ORDER BY policy_until, username"
    ))?;
    let rows = stmt.query_map([now.unix()], from_row)?;
    rows.collect::<rusqlite::Result<_>>().context("could not read the accounts")
}

/// Grants (`Some`) or withdraws (`None`) the one-time bypass. Never touches the policy.
pub fn set_bypass(
    conn: &Connection,
    account: &Account,
    until: Option<Timestamp>,
) -> anyhow::Result<()> {
    update(conn, account, "bypass_until = ?2", until.map(Timestamp::unix))
}

/// Spends the bypass, only if it is still unexpired. Returns whether it was: false
/// means a concurrent login spent it first (or it lapsed).
pub fn spend_bypass(conn: &Connection, account: &Account, now: Timestamp) -> anyhow::Result<bool> {
    let changed = conn
        .execute(
            "UPDATE accounts SET bypass_until = NULL, grace_forfeited = 1
             WHERE id = ?1 AND bypass_until > ?2",
            params![account.id, now.unix()],
        )
        .with_context(|| format!("could not spend the bypass of {}", account.username))?;
    Ok(changed == 1)
}

/// Clears a lockout and the failure count.
pub fn unlock(conn: &Connection, account: &Account) -> anyhow::Result<()> {
    update(conn, account, "locked_until = NULL, failed_logins = ?2", 0)
}

/// Counts one more consecutive failure, atomically (concurrent failures all count),
/// and returns the new count.
pub fn count_failure(conn: &Connection, account: &Account) -> anyhow::Result<u32> {
    conn.query_row(
        "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?1
         RETURNING failed_logins",
        [account.id],
        |row| row.get(0),
    )
    .with_context(|| format!("could not record the failed sign-in of {}", account.username))
}

/// Locks the account until `until` and starts the failure count afresh.
pub fn lock(conn: &Connection, account: &Account, until: Timestamp) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE accounts SET locked_until = ?2, failed_logins = 0 WHERE id = ?1",
        params![account.id, until.unix()],
    )
    .with_context(|| format!("could not lock the account {}", account.username))?;
    Ok(())
}

/// A successful authentication: the count of consecutive failures starts afresh.
pub fn reset_failures(conn: &Connection, account: &Account) -> anyhow::Result<()> {
    update(conn, account, "failed_logins = ?2", 0)
}

/// A successful sign-in.
pub fn record_login(conn: &Connection, account: &Account, now: Timestamp) -> anyhow::Result<()> {
    update(conn, account, "last_login_at = ?2", now.unix())
}

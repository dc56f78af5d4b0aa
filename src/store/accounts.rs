//! Accounts in the database. Each function takes a connection or transaction, so a
//! command composes several of them inside one [`super::Store::write`].

use anyhow::Context as _;

use crate::store::Db;
use crate::store::sql::{Row, args};

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

fn from_row(row: &Row) -> anyhow::Result<Account> {
    let time = |i: usize| -> anyhow::Result<Option<Timestamp>> {
        Ok(row.get::<Option<i64>>(i)?.map(Timestamp::from_unix))
    };
    let text = |i: usize, e: String| anyhow::anyhow!("column {i} of an account: {e}");
    Ok(Account {
        id: row.get(0)?,
        username: Username::parse(&row.get::<String>(1)?).map_err(|e| text(1, e.to_string()))?,
        name: row.get(2)?,
        role: row.get::<String>(3)?.parse().map_err(|e| text(3, e))?,
        disabled: row.get(4)?,
        policy: row.get::<String>(5)?.parse().map_err(|e| text(5, e))?,
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

pub fn find(db: &Db<'_>, username: &Username) -> anyhow::Result<Option<Account>> {
    db.query_opt(
        &format!("SELECT {COLUMNS} FROM accounts WHERE username = ?1"),
        args![username.as_str()],
    )
    .and_then(|row| row.as_ref().map(from_row).transpose())
    .with_context(|| format!("could not read the account {username}"))
}

/// The account, or a not-found error that says how to see who exists.
pub fn get(db: &Db<'_>, username: &Username) -> anyhow::Result<Account> {
    find(db, username)?.ok_or_else(|| {
        Error::NotFound(format!("no user \"{username}\": `clinic2fa user list` shows the accounts"))
            .into()
    })
}

/// All accounts, by username. Only for tests and small sets: commands stream them.
#[cfg(test)]
pub fn list(db: &Db<'_>) -> anyhow::Result<Vec<Account>> {
    let mut all = Vec::new();
    for_each(db, |account| {
        all.push(account);
        Ok(())
    })?;
    Ok(all)
}

/// A cheap first cut of the accounts, by what is stored: never leaves out an account
/// the rule it stands in front of would take. The rules themselves are the domain's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    All,
    /// Stored as exempt (an override that ended reverts to clinic-default).
    PolicyExempt,
    WithBypass,
    WithLock,
    Disabled,
    WithOverrideEnd,
}

impl Candidates {
    fn condition(self) -> &'static str {
        match self {
            Candidates::All => "",
            Candidates::PolicyExempt => "WHERE policy = 'exempt'",
            Candidates::WithBypass => "WHERE bypass_until IS NOT NULL",
            Candidates::WithLock => "WHERE locked_until IS NOT NULL",
            Candidates::Disabled => "WHERE disabled = 1",
            Candidates::WithOverrideEnd => "WHERE policy_until IS NOT NULL",
        }
    }
}

/// Every account, by username, one at a time: lists of any length in little memory.
/// `visit` may not use the database (on PostgreSQL the connection is busy with the
/// rows).
pub fn for_each(
    db: &Db<'_>,
    visit: impl FnMut(Account) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for_each_candidate(db, Candidates::All, visit)
}

/// As [`for_each`], over the `candidates` only.
pub fn for_each_candidate(
    db: &Db<'_>,
    candidates: Candidates,
    mut visit: impl FnMut(Account) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let sql =
        format!("SELECT {COLUMNS} FROM accounts {} ORDER BY username", candidates.condition());
    db.for_each(&sql, &[], |row| visit(from_row(&row).context("could not read an account")?))
        .context("could not read the accounts")
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
pub fn ensure_free(db: &Db<'_>, username: &Username) -> anyhow::Result<()> {
    if exists(db, username)? {
        return Err(Error::Conflict(format!(
            "user {:?} already exists: choose another username, or see `clinic2fa user show {username}`",
            username.as_str(),
        ))
        .into());
    }
    Ok(())
}

/// Whether the username is taken: one index lookup.
pub fn exists(db: &Db<'_>, username: &Username) -> anyhow::Result<bool> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ?1)",
        args![username.as_str()],
    )?
    .get(0)
    .with_context(|| format!("could not read the account {username}"))
}

pub fn insert(db: &Db<'_>, new: &NewAccount<'_>) -> anyhow::Result<Account> {
    ensure_free(db, new.username)?;
    db.execute(
        "INSERT INTO accounts (username, name, role, policy, password_hash, created_at, must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        args![
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
    get(db, new.username)
}

pub fn remove(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.execute("DELETE FROM accounts WHERE id = ?1", args![account.id])
        .with_context(|| format!("could not remove the account {}", account.username))?;
    Ok(())
}

pub fn set_disabled(db: &Db<'_>, account: &Account, disabled: bool) -> anyhow::Result<()> {
    update(db, account, "disabled = ?2", disabled)
}

/// Sets the role; a change of role is remembered (`role_since`), since under `require-2fa
/// admins` it is when 2FA starts or stops applying.
pub fn set_role(db: &Db<'_>, account: &Account, role: Role, now: Timestamp) -> anyhow::Result<()> {
    db.execute(
        "UPDATE accounts SET role_since = CASE WHEN role = ?2 THEN role_since ELSE ?3 END,
             role = ?2 WHERE id = ?1",
        args![account.id, role.as_str(), now.unix()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Sets the password. `temporary`: chosen by someone else, so it must be changed at
/// the next sign-in.
pub fn set_password_hash(
    db: &Db<'_>,
    account: &Account,
    phc: &str,
    temporary: bool,
) -> anyhow::Result<()> {
    db.execute(
        "UPDATE accounts SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        args![account.id, phc, temporary],
    )
    .with_context(|| format!("could not change the password of {}", account.username))?;
    Ok(())
}

fn update(
    db: &Db<'_>,
    account: &Account,
    assignment: &str,
    value: impl Into<crate::store::sql::Value>,
) -> anyhow::Result<()> {
    db.execute(
        &format!("UPDATE accounts SET {assignment} WHERE id = ?1"),
        &[account.id.into(), value.into()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Sets the per-user setting; `until`: when it reverts to `clinic-default` by itself
/// (`None` clears any end date).
/// A change of setting is remembered (`policy_since`, here `at`): it is when 2FA may
/// start to apply.
pub fn set_policy(
    db: &Db<'_>,
    account: &Account,
    policy: Policy,
    until: Option<Timestamp>,
    at: Timestamp,
) -> anyhow::Result<()> {
    db.execute(
        "UPDATE accounts SET policy_since = CASE WHEN policy = ?2 THEN policy_since ELSE ?4 END,
             policy = ?2, policy_until = ?3 WHERE id = ?1",
        args![account.id, policy.as_str(), until.map(Timestamp::unix), at.unix()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Up to `limit` overrides whose end has come by `now` and are not yet recorded as
/// ended, earliest first: each account, as it was.
pub fn ended_overrides(db: &Db<'_>, now: Timestamp, limit: u32) -> anyhow::Result<Vec<Account>> {
    let rows = db.query_all(
        &format!(
            "SELECT {COLUMNS} FROM accounts WHERE policy_until IS NOT NULL AND policy_until <= ?1
             ORDER BY policy_until, username LIMIT {limit}"
        ),
        args![now.unix()],
    )?;
    rows.iter().map(from_row).collect::<anyhow::Result<_>>().context("could not read the accounts")
}

/// Grants (`Some`) or withdraws (`None`) the one-time bypass. Never touches the policy.
pub fn set_bypass(db: &Db<'_>, account: &Account, until: Option<Timestamp>) -> anyhow::Result<()> {
    update(db, account, "bypass_until = ?2", until.map(Timestamp::unix))
}

/// Spends the bypass, only if it is still unexpired. Returns whether it was: false
/// means a concurrent login spent it first (or it lapsed).
pub fn spend_bypass(db: &Db<'_>, account: &Account, now: Timestamp) -> anyhow::Result<bool> {
    let changed = db
        .execute(
            "UPDATE accounts SET bypass_until = NULL, grace_forfeited = 1
             WHERE id = ?1 AND bypass_until > ?2",
            args![account.id, now.unix()],
        )
        .with_context(|| format!("could not spend the bypass of {}", account.username))?;
    Ok(changed == 1)
}

/// Clears a lockout and the failure count.
pub fn unlock(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    update(db, account, "locked_until = NULL, failed_logins = ?2", 0)
}

/// Counts one more consecutive failure, atomically (concurrent failures all count),
/// and returns the new count.
pub fn count_failure(db: &Db<'_>, account: &Account) -> anyhow::Result<u32> {
    db.query_one(
        "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?1
         RETURNING failed_logins",
        args![account.id],
    )
    .and_then(|row| row.get(0))
    .with_context(|| format!("could not record the failed sign-in of {}", account.username))
}

/// Locks the account until `until` and starts the failure count afresh.
pub fn lock(db: &Db<'_>, account: &Account, until: Timestamp) -> anyhow::Result<()> {
    db.execute(
        "UPDATE accounts SET locked_until = ?2, failed_logins = 0 WHERE id = ?1",
        args![account.id, until.unix()],
    )
    .with_context(|| format!("could not lock the account {}", account.username))?;
    Ok(())
}

/// A successful authentication: the count of consecutive failures starts afresh.
pub fn reset_failures(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    update(db, account, "failed_logins = ?2", 0)
}

/// A successful sign-in.
pub fn record_login(db: &Db<'_>, account: &Account, now: Timestamp) -> anyhow::Result<()> {
    update(db, account, "last_login_at = ?2", now.unix())
}

//! Accounts in the database. Each function takes a connection or transaction, so a
//! command composes several of them inside one [`super::Store::write`].

use anyhow::Context as _;

use crate::store::seals::{self, Sealed};
use crate::store::sql::{Row, args};
use crate::store::{Db, clinic};

use crate::domain::account::{Account, Mark, Role};
use crate::domain::policy::Policy;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::Error;

/// An account's columns as read, each with the name it is read by; the last four are
/// derived (credentials present, codes left, the latest audit entry about it).
const COLUMNS: &[(&str, &str)] = &[
    ("id", "id"),
    ("username", "username"),
    ("name", "name"),
    ("role", "role"),
    ("disabled", "disabled"),
    ("policy", "policy"),
    ("password_hash", "password_hash"),
    ("bypass_until", "bypass_until"),
    ("failed_logins", "failed_logins"),
    ("locked_until", "locked_until"),
    ("created_at", "created_at"),
    ("last_login_at", "last_login_at"),
    ("must_change_password", "must_change_password"),
    ("policy_until", "policy_until"),
    ("policy_since", "policy_since"),
    ("role_since", "role_since"),
    ("grace_forfeited", "grace_forfeited"),
    ("marked_at", "marked_at"),
    ("marked_since", "marked_since"),
    ("seal", "seal"),
    ("stamp", "stamp"),
    ("credentials", "credentials"),
    ("authenticators", "(SELECT count(*) FROM authenticators t WHERE t.account_id = accounts.id)"),
    (
        "recovery_codes_left",
        "(SELECT count(*) FROM recovery_codes r WHERE r.account_id = accounts.id AND r.used_at IS NULL)",
    ),
    ("latest_entry", "(SELECT max(seq) FROM audit_log a WHERE a.subject = accounts.username)"),
];

fn select() -> String {
    let list: Vec<&str> = COLUMNS.iter().map(|(_, sql)| *sql).collect();
    format!("SELECT {} FROM accounts", list.join(", "))
}

fn col(name: &str) -> usize {
    COLUMNS.iter().position(|(n, _)| *n == name).expect("a column of an account")
}

/// An account and its seal as read, unchecked.
fn parse(row: &Row) -> anyhow::Result<(Account, Sealed)> {
    let time = |name: &str| -> anyhow::Result<Option<Timestamp>> {
        Ok(row.get::<Option<i64>>(col(name))?.map(Timestamp::from_unix))
    };
    let bad = |name: &str, e: String| anyhow::anyhow!("the column {name} of an account: {e}");
    let username = Username::parse(&row.get::<String>(col("username"))?)
        .map_err(|e| bad("username", e.to_string()))?;
    let mark = time("marked_at")?.map(|at| Mark { at, since: time("marked_since").ok().flatten() });
    let account = Account {
        id: row.get(col("id"))?,
        username,
        name: row.get(col("name"))?,
        role: row.get::<String>(col("role"))?.parse().map_err(|e| bad("role", e))?,
        disabled: row.get(col("disabled"))?,
        policy: row.get::<String>(col("policy"))?.parse().map_err(|e| bad("policy", e))?,
        policy_until: time("policy_until")?,
        policy_since: time("policy_since")?,
        role_since: time("role_since")?,
        requirement_mark: mark,
        grace_forfeited: row.get(col("grace_forfeited"))?,
        password_hash: row.get(col("password_hash"))?,
        enrolled: row.get::<i64>(col("authenticators"))? > 0,
        authenticators: row.get::<i64>(col("authenticators"))?.try_into().unwrap_or(u32::MAX),
        recovery_codes_left: row.get(col("recovery_codes_left"))?,
        must_change_password: row.get(col("must_change_password"))?,
        bypass_until: time("bypass_until")?,
        failed_logins: row.get(col("failed_logins"))?,
        locked_until: time("locked_until")?,
        created_at: Timestamp::from_unix(row.get(col("created_at"))?),
        last_login_at: time("last_login_at")?,
    };
    let sealed = Sealed {
        seal: row.get(col("seal"))?,
        stamp: row.get(col("stamp"))?,
        credentials: row.get(col("credentials"))?,
        latest_entry: row.get(col("latest_entry"))?,
    };
    Ok((account, sealed))
}

/// An account from a list, checked against its seal (its credential rows by their
/// stored digest: a single account's are read and checked too, by [`find`]).
fn from_row(db: &Db<'_>, row: &Row) -> anyhow::Result<Account> {
    let (account, sealed) = parse(row)?;
    seals::check_account(db, &account, &sealed, None)?;
    Ok(account)
}

/// One account by id, with its seal, unchecked (for sealing it).
pub(super) fn find_by_id_sealed(db: &Db<'_>, id: i64) -> anyhow::Result<Option<(Account, Sealed)>> {
    db.query_opt(&format!("{} WHERE id = ?1", select()), args![id])?.as_ref().map(parse).transpose()
}

/// Up to `limit` accounts after id `after`, by id, with their seals, unchecked.
pub(super) fn page_after(
    db: &Db<'_>,
    after: i64,
    limit: i64,
) -> anyhow::Result<Vec<(Account, Sealed)>> {
    let rows = db.query_all(
        &format!("{} WHERE id > ?1 ORDER BY id LIMIT {limit}", select()),
        args![after],
    )?;
    rows.iter().map(parse).collect()
}

/// The account, checked against its seal with its credentials as they are now: a row
/// written, copied or set back without the key is an error naming it, never an account.
pub fn find(db: &Db<'_>, username: &Username) -> anyhow::Result<Option<Account>> {
    // The row and its credentials, as of one moment.
    db.consistently(|db| find_checked(db, username))
}

fn find_checked(db: &Db<'_>, username: &Username) -> anyhow::Result<Option<Account>> {
    let row = db
        .query_opt(&format!("{} WHERE username = ?1", select()), args![username.as_str()])
        .with_context(|| format!("could not read the account {username}"))?;
    let Some(row) = row else { return Ok(None) };
    let (account, sealed) = parse(&row)?;
    let credentials = seals::credentials_of(db, account.id)?;
    seals::check_account(db, &account, &sealed, Some(&credentials))?;
    Ok(Some(account))
}

/// The account as stored, checked or not: for removing it (an admin may remove an
/// account that no longer verifies, and add it again), and for what is read again,
/// checked, before anything is decided on it.
pub fn find_unverified(db: &Db<'_>, username: &Username) -> anyhow::Result<Option<Account>> {
    let row = db
        .query_opt(&format!("{} WHERE username = ?1", select()), args![username.as_str()])
        .with_context(|| format!("could not read the account {username}"))?;
    row.as_ref().map(|r| parse(r).map(|(account, _)| account)).transpose()
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
    let sql = format!("{} {} ORDER BY username", select(), candidates.condition());
    db.for_each(&sql, &[], |row| visit(from_row(db, &row)?)).context("could not read the accounts")
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
    let id: i64 = db
        .query_one("SELECT id FROM accounts WHERE username = ?1", args![new.username.as_str()])?
        .get(0)?;
    db.made_account(id);
    let made = get(db, new.username)?;
    let mark = Mark::after_change(None, &made, &clinic::get(db)?, new.created_at);
    set_mark(db, &made, mark)?;
    get(db, new.username)
}

/// Where 2FA stood for the person right after a change to their account.
fn set_mark(db: &Db<'_>, account: &Account, mark: Mark) -> anyhow::Result<()> {
    db.execute(
        "UPDATE accounts SET marked_at = ?2, marked_since = ?3 WHERE id = ?1",
        args![account.id, mark.at.unix(), mark.since.map(Timestamp::unix)],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

pub fn remove(db: &Db<'_>, account: &Account) -> anyhow::Result<()> {
    db.touch_account(account.id);
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
    db.touch_account(account.id);
    let after = Account { role, ..account.clone() };
    set_mark(db, account, Mark::after_change(Some(account), &after, &clinic::get(db)?, now))?;
    db.execute(
        "UPDATE accounts SET role_since = CASE WHEN role = ?2 THEN role_since ELSE ?3 END,
             role = ?2 WHERE id = ?1",
        args![account.id, role.as_str(), now.unix()],
    )
    .with_context(|| format!("could not update the account {}", account.username))?;
    Ok(())
}

/// Sets (or, with `None`, clears) the person's full name, as lists and reports show it.
pub fn set_name(db: &Db<'_>, account: &Account, name: Option<&str>) -> anyhow::Result<()> {
    db.touch_account(account.id);
    db.execute("UPDATE accounts SET name = ?2 WHERE id = ?1", args![account.id, name])
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
    db.touch_account(account.id);
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
    db.touch_account(account.id);
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
    db.touch_account(account.id);
    let after = Account { policy, policy_until: until, ..account.clone() };
    set_mark(db, account, Mark::after_change(Some(account), &after, &clinic::get(db)?, at))?;
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
            "{} WHERE policy_until IS NOT NULL AND policy_until <= ?1
             ORDER BY policy_until, username LIMIT {limit}",
            select()
        ),
        args![now.unix()],
    )?;
    rows.iter().map(|row| from_row(db, row)).collect()
}

/// Grants (`Some`) or withdraws (`None`) the one-time bypass. Never touches the policy.
pub fn set_bypass(db: &Db<'_>, account: &Account, until: Option<Timestamp>) -> anyhow::Result<()> {
    update(db, account, "bypass_until = ?2", until.map(Timestamp::unix))
}

/// Spends the bypass, only if it is still unexpired. Returns whether it was: false
/// means a concurrent login spent it first (or it lapsed).
pub fn spend_bypass(db: &Db<'_>, account: &Account, now: Timestamp) -> anyhow::Result<bool> {
    db.touch_account(account.id);
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
    db.touch_account(account.id);
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
    db.touch_account(account.id);
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

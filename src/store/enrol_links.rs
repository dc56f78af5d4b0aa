//! Enrolment links (see `domain::enrol_link`): one row per account, the token's two
//! keyed hashes, its end, and when it was used.

use crate::domain::account::Account;
use crate::domain::enrol_link::{self, LinkState, LinkToken};
use crate::domain::time::Timestamp;
use crate::store::sql::args;
use crate::store::{Db, clinic};

/// A new link for `account`, until `expires_at`; any earlier one of theirs ends.
pub fn create(
    db: &Db<'_>,
    account: &Account,
    now: Timestamp,
    expires_at: Timestamp,
) -> anyhow::Result<LinkToken> {
    let token = LinkToken::generate()?;
    let key = clinic::lookup_key(db)?;
    let (lookup, seal) = (token.lookup(&key), token.seal(&key, account.id, expires_at));
    db.execute("DELETE FROM enrol_links WHERE account_id = ?1", args![account.id])?;
    db.execute(
        "INSERT INTO enrol_links (account_id, lookup, seal, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![account.id, lookup.as_slice(), seal.as_slice(), now.unix(), expires_at.unix()],
    )?;
    Ok(token)
}

/// What `token` is at `now`: open (for whom), spent, expired or unknown. A row whose
/// seal does not hold (moved to another account, made to last longer, a spent one
/// revived) is unknown.
pub fn state(db: &Db<'_>, token: &LinkToken, now: Timestamp) -> anyhow::Result<LinkState> {
    let key = clinic::lookup_key(db)?;
    let row = db.query_opt(
        "SELECT l.account_id, a.username, l.seal, l.expires_at, l.used_at
         FROM enrol_links l JOIN accounts a ON a.id = l.account_id WHERE l.lookup = ?1",
        args![token.lookup(&key).as_slice()],
    )?;
    let Some(row) = row else { return Ok(LinkState::Unknown) };
    let account_id: i64 = row.get(0)?;
    let expires_at = Timestamp::from_unix(row.get(3)?);
    let seal: Option<Vec<u8>> = row.get(2)?;
    let sealed = seal.is_some_and(|s| token.sealed(&key, account_id, expires_at, &s));
    let used = row.get::<Option<i64>>(4)?.is_some();
    Ok(enrol_link::state(sealed, used, account_id, row.get(1)?, expires_at, now))
}

/// Marks the account's link used: its seal goes with it, so it cannot be revived by
/// clearing `used_at`. `false`: it was not open.
pub fn spend(db: &Db<'_>, account_id: i64, now: Timestamp) -> anyhow::Result<bool> {
    let spent = db.execute(
        "UPDATE enrol_links SET used_at = ?1, seal = NULL WHERE account_id = ?2 AND used_at IS NULL",
        args![now.unix(), account_id],
    )?;
    Ok(spent == 1)
}

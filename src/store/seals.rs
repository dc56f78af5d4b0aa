//! Seals over the rows that decide a sign-in: each account together with its
//! credentials (password hash, authenticators, recovery codes), and the clinic's
//! settings.
//!
//! A seal is an HMAC, keyed from the key file, over every field that decides, the row's
//! id and name, and its *stamp*: the number of the latest audit entry about it. Someone
//! with the database alone cannot make one, so a row they wrote, or copied from another
//! account, does not verify. A row set back to an earlier sealed state of its own
//! carries an earlier stamp than the trail's latest entry about it (every change writes
//! one), so it does not verify either; hiding that entry as well breaks the trail's
//! chain, which `audit verify` names. A whole database set back is what
//! `audit verify --head` is for.
//!
//! Seals are written once per transaction, just before it commits ([`finish`]), for
//! every account and the settings it changed or wrote an entry about; a row may only
//! be changed in a transaction that read it, verified, first.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::account::Account;
use crate::domain::audit::Action;
use crate::domain::keys::Keys;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::error::Error;
use crate::store::Db;
use crate::store::sql::{Kind, Value, args};

/// What a write transaction changed, so that [`finish`] seals it, and what it has
/// already checked.
#[derive(Debug, Default)]
pub struct Changes {
    /// Accounts written (by id).
    touched: BTreeSet<i64>,
    /// Usernames that audit entries were written about.
    subjects: BTreeSet<String>,
    /// Accounts read and verified in this transaction, or made by it.
    verified: BTreeSet<i64>,
    settings_touched: bool,
    settings_verified: bool,
    /// The audit entries' system-log lines, sent once the transaction commits.
    pub outbox: Vec<String>,
}

/// The audit actions that change the clinic's settings: the settings' stamp is the
/// latest of them.
fn settings_actions() -> Vec<&'static str> {
    Action::ALL.into_iter().filter(|a| a.changes_settings()).map(Action::as_str).collect()
}

impl Db<'_> {
    fn changes(&self) -> Option<std::cell::RefMut<'_, Changes>> {
        self.changes.map(RefCell::borrow_mut)
    }

    /// This account is being changed: sealed anew before the transaction commits.
    pub(crate) fn touch_account(&self, id: i64) {
        if let Some(mut c) = self.changes() {
            c.touched.insert(id);
        }
    }

    /// This account was made by this transaction: nothing to verify.
    pub(crate) fn made_account(&self, id: i64) {
        if let Some(mut c) = self.changes() {
            c.touched.insert(id);
            c.verified.insert(id);
        }
    }

    pub(crate) fn touch_settings(&self) {
        if let Some(mut c) = self.changes() {
            c.settings_touched = true;
        }
    }

    /// An audit entry `action` about `subject` was written, with this system-log line
    /// if any.
    pub(crate) fn wrote_entry(&self, action: Action, subject: Option<&str>, line: Option<String>) {
        if let Some(mut c) = self.changes() {
            c.subjects.extend(subject.map(str::to_owned));
            // The settings' stamp is their latest entry: they are sealed anew.
            c.settings_touched |= action.changes_settings();
            c.outbox.extend(line);
        }
    }

    fn already_verified(&self, id: i64) -> bool {
        self.changes.is_some_and(|c| c.borrow().verified.contains(&id))
    }
}

/// An account's seal as stored beside it, and the trail's latest entry about it.
#[derive(Debug, Clone, Default)]
pub struct Sealed {
    pub seal: Option<Vec<u8>>,
    pub stamp: Option<i64>,
    pub credentials: Option<Vec<u8>>,
    pub latest_entry: Option<i64>,
}

/// The one-line error for a row that does not verify.
pub fn damaged_account(username: &str) -> Error {
    Error::Damaged(format!(
        "the account {username} does not verify: it was changed outside clinic2fa (by someone with the database but not its key file), so nothing is decided on it and nobody can sign in as it. Run `clinic2fa audit verify` to list every such row; restore it from a backup, or remove it (`clinic2fa user remove {username}`) and add it again"
    ))
}

fn damaged_settings() -> Error {
    Error::Damaged(
        "the clinic's settings do not verify: they were changed outside clinic2fa (by someone with the database but not its key file), so no sign-in is decided on them. Run `clinic2fa audit verify`, then restore the database from a backup".into(),
    )
}

fn opt_int(v: Option<i64>) -> Vec<u8> {
    v.map_or(vec![0], |v| [&[1u8][..], &v.to_be_bytes()].concat())
}

fn opt_time(v: Option<Timestamp>) -> Vec<u8> {
    opt_int(v.map(Timestamp::unix))
}

/// The seal of `account` as it stands, with the digest of its credentials and its stamp.
pub fn account_seal(keys: &Keys, a: &Account, credentials: &[u8], stamp: i64) -> [u8; 32] {
    let name = a.name.as_deref().map_or(vec![0], |n| [&[1u8][..], n.as_bytes()].concat());
    let mark = a.requirement_mark;
    keys.row_mac(&[
        b"account-v1",
        &a.id.to_be_bytes(),
        a.username.as_str().as_bytes(),
        &name,
        a.role.as_str().as_bytes(),
        &[u8::from(a.disabled)],
        a.policy.as_str().as_bytes(),
        &opt_time(a.policy_until),
        &opt_time(a.policy_since),
        &opt_time(a.role_since),
        &opt_time(mark.map(|m| m.at)),
        &opt_time(mark.and_then(|m| m.since)),
        &[u8::from(a.grace_forfeited)],
        a.password_hash.as_bytes(),
        &[u8::from(a.enrolled)],
        &a.recovery_codes_left.to_be_bytes(),
        &[u8::from(a.must_change_password)],
        &opt_time(a.bypass_until),
        &a.failed_logins.to_be_bytes(),
        &opt_time(a.locked_until),
        &a.created_at.unix().to_be_bytes(),
        &opt_time(a.last_login_at),
        credentials,
        &stamp.to_be_bytes(),
    ])
}

/// The settings' seal, over every setting, the sealed recovery-code look-up key, and
/// the stamp.
pub fn settings_seal(keys: &Keys, c: &Clinic, lookup_key: &[u8], stamp: i64) -> [u8; 32] {
    keys.row_mac(&[
        b"settings-v1",
        c.name.as_bytes(),
        c.require_2fa_for.as_str().as_bytes(),
        &c.lockout_threshold.to_be_bytes(),
        &c.lockout_minutes.to_be_bytes(),
        &c.totp_window.to_be_bytes(),
        &c.bypass_hours.to_be_bytes(),
        &c.inactive_days.to_be_bytes(),
        &c.enrol_grace_days.to_be_bytes(),
        &opt_time(c.reaches_admins_since),
        &opt_time(c.reaches_staff_since),
        &[u8::from(c.audit_syslog)],
        lookup_key,
        &stamp.to_be_bytes(),
    ])
}

fn equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Checks `account` against its seal: a row read inside a write transaction that
/// already verified it (and may have changed it since) is taken as it is. `credentials`:
/// the digest of its credential rows as read now, where the caller read them (a single
/// account); lists check the stored digest alone.
pub fn check_account(
    db: &Db<'_>,
    account: &Account,
    sealed: &Sealed,
    credentials: Option<&[u8]>,
) -> anyhow::Result<()> {
    if db.already_verified(account.id) {
        return Ok(());
    }
    let damaged = || refused(db, damaged_account(account.username.as_str()));
    let (Some(seal), Some(stamp), Some(stored)) =
        (&sealed.seal, sealed.stamp, sealed.credentials.as_deref())
    else {
        return Err(damaged());
    };
    let fresh = sealed.latest_entry.unwrap_or(0) == stamp;
    let same_credentials = credentials.is_none_or(|now| equal(now, stored));
    let computed = account_seal(db.keys, account, stored, stamp);
    if !(fresh && same_credentials && equal(&computed, seal)) {
        return Err(damaged());
    }
    if let Some(mut c) = db.changes() {
        c.verified.insert(account.id);
    }
    Ok(())
}

/// How credentials were stored, for digests made while a database is upgraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Before schema 14: one authenticator per person, keyed by its account, in this
    /// table (renamed while schema 14 moves them).
    SingleAuthenticator(&'static str),
    /// Several named authenticators per person.
    Named,
}

/// The digest of every account's credentials among the accounts `from..=to`, read in
/// one statement. An account with none has [`empty_credentials`].
pub fn credentials_between(
    db: &Db<'_>,
    from: i64,
    to: i64,
) -> anyhow::Result<BTreeMap<i64, [u8; 32]>> {
    credentials_between_in(db, Layout::Named, from, to)
}

fn credentials_between_in(
    db: &Db<'_>,
    layout: Layout,
    from: i64,
    to: i64,
) -> anyhow::Result<BTreeMap<i64, [u8; 32]>> {
    let mut hashers: BTreeMap<i64, Sha256> = BTreeMap::new();
    let mut feed = |id: i64, parts: &[&[u8]]| {
        let h = hashers.entry(id).or_insert_with(new_credentials_hasher);
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
    };
    // One statement for the three kinds of row (a round trip each on PostgreSQL), in
    // a fixed order: the active authenticators by id, the pending one, the codes by id.
    let (active, pending) = match layout {
        Layout::SingleAuthenticator(table) => (
            format!(
                "SELECT account_id, 'a' AS kind, 0 AS id, secret AS bytes, last_used_step AS n1,
                        confirmed_at AS n2, CAST(NULL AS TEXT) AS hash, CAST(NULL AS BIGINT) AS n3
                 FROM {table} WHERE account_id BETWEEN ?1 AND ?2"
            ),
            "SELECT account_id, 'p', 0, secret, expires_at, NULL, NULL, NULL
             FROM pending_enrolments WHERE account_id BETWEEN ?1 AND ?2",
        ),
        Layout::Named => (
            "SELECT account_id, 'a' AS kind, id, secret AS bytes, last_used_step AS n1,
                    confirmed_at AS n2, name AS hash, last_used_at AS n3
             FROM authenticators WHERE account_id BETWEEN ?1 AND ?2"
                .to_owned(),
            "SELECT account_id, 'p', 0, secret, expires_at, NULL, device, NULL
             FROM pending_enrolments WHERE account_id BETWEEN ?1 AND ?2",
        ),
    };
    let rows = db.query_all(
        &format!(
            "{active}
             UNION ALL
             {pending}
             UNION ALL
             SELECT account_id, 'r', id, lookup, used_at, NULL, code_hash, NULL
             FROM recovery_codes WHERE account_id BETWEEN ?1 AND ?2
             ORDER BY 1, 2, 3"
        ),
        args![from, to],
    )?;
    let named = layout == Layout::Named;
    for row in rows {
        let (id, kind): (i64, String) = (row.get(0)?, row.get(1)?);
        let bytes: Option<Vec<u8>> = row.get(3)?;
        let (n1, n2): (Option<i64>, Option<i64>) = (row.get(4)?, row.get(5)?);
        let text: String = row.get::<Option<String>>(6)?.unwrap_or_default();
        let n3: Option<i64> = row.get(7)?;
        match kind.as_str() {
            "a" if named => {
                let device_id: i64 = row.get(2)?;
                feed(
                    id,
                    &[
                        b"authenticator",
                        &device_id.to_be_bytes(),
                        text.as_bytes(),
                        &bytes.unwrap_or_default(),
                        &n1.unwrap_or(0).to_be_bytes(),
                        &n2.unwrap_or(0).to_be_bytes(),
                        &opt_int(n3),
                    ],
                )
            }
            "a" => feed(
                id,
                &[
                    b"active",
                    &bytes.unwrap_or_default(),
                    &n1.unwrap_or(0).to_be_bytes(),
                    &n2.unwrap_or(0).to_be_bytes(),
                ],
            ),
            "p" if named => feed(
                id,
                &[
                    b"pending-device",
                    text.as_bytes(),
                    &bytes.unwrap_or_default(),
                    &n1.unwrap_or(0).to_be_bytes(),
                ],
            ),
            "p" => {
                feed(id, &[b"pending", &bytes.unwrap_or_default(), &n1.unwrap_or(0).to_be_bytes()])
            }
            _ => {
                let code_id: i64 = row.get(2)?;
                feed(
                    id,
                    &[
                        b"recovery",
                        &code_id.to_be_bytes(),
                        text.as_bytes(),
                        &bytes.map_or(vec![0], |l| [&[1u8][..], &l].concat()),
                        &opt_int(n1),
                    ],
                );
            }
        }
    }
    Ok(hashers.into_iter().map(|(id, h)| (id, h.finalize().into())).collect())
}

fn new_credentials_hasher() -> Sha256 {
    let mut h = Sha256::new();
    h.update(b"clinic2fa credentials v1");
    h
}

/// The digest of an account with no authenticator and no recovery code.
pub fn empty_credentials() -> [u8; 32] {
    new_credentials_hasher().finalize().into()
}

/// The digest of one account's credentials as they are now.
pub fn credentials_of(db: &Db<'_>, id: i64) -> anyhow::Result<[u8; 32]> {
    Ok(credentials_between(db, id, id)?.remove(&id).unwrap_or_else(empty_credentials))
}

/// The trail's latest entry that changed the settings.
pub fn settings_stamp(db: &Db<'_>) -> anyhow::Result<i64> {
    let actions = settings_actions();
    let list: Vec<String> = (1..=actions.len()).map(|i| format!("?{i}")).collect();
    let values: Vec<Value> = actions.into_iter().map(Value::from).collect();
    let row = db.query_one(
        &format!("SELECT max(seq) FROM audit_log WHERE action IN ({})", list.join(", ")),
        &values,
    )?;
    Ok(row.get::<Option<i64>>(0)?.unwrap_or(0))
}

/// Checks the settings as read against their seal (once per write transaction).
pub fn check_settings(
    db: &Db<'_>,
    clinic: &Clinic,
    lookup_key: &[u8],
    seal: Option<&[u8]>,
    stamp: Option<i64>,
) -> anyhow::Result<()> {
    if db.changes.is_some_and(|c| c.borrow().settings_verified) {
        return Ok(());
    }
    let (Some(seal), Some(stamp)) = (seal, stamp) else {
        return Err(refused(db, damaged_settings()));
    };
    let fresh = settings_stamp(db)? == stamp;
    if !(fresh && equal(&settings_seal(db.keys, clinic, lookup_key, stamp), seal)) {
        return Err(refused(db, damaged_settings()));
    }
    if let Some(mut c) = db.changes() {
        c.settings_verified = true;
    }
    Ok(())
}

/// Just before a write transaction commits: every account and the settings it changed,
/// or wrote an audit entry about, sealed as they now are. A row changed without being
/// read (and verified) first would be blessed as it was found: that is refused.
pub fn finish(db: &Db<'_>) -> anyhow::Result<()> {
    let (touched, subjects, verified, settings) = match db.changes() {
        Some(c) => (
            c.touched.clone(),
            c.subjects.clone(),
            c.verified.clone(),
            (c.settings_touched, c.settings_verified),
        ),
        None => return Ok(()),
    };
    let mut ids = touched;
    for username in &subjects {
        if let Some(row) =
            db.query_opt("SELECT id FROM accounts WHERE username = ?1", args![username.as_str()])?
        {
            ids.insert(row.get(0)?);
        }
    }
    for id in ids {
        // Changed, or written about, without being read and checked first: sealing it
        // would bless whatever was found. No writer does that; refuse if one ever does.
        let exists = super::accounts::find_by_id_sealed(db, id)?.is_some();
        anyhow::ensure!(
            !exists || verified.contains(&id),
            "internal error: account {id} was changed without being checked first"
        );
        reseal_account(db, id)?;
    }
    if settings.0 {
        anyhow::ensure!(settings.1, "internal error: the settings changed without being read");
        reseal_settings(db)?;
    }
    Ok(())
}

/// Seals one account as it now stands, stamped with the latest entry about it.
pub fn reseal_account(db: &Db<'_>, id: i64) -> anyhow::Result<()> {
    let Some((account, sealed)) = super::accounts::find_by_id_sealed(db, id)? else {
        return Ok(());
    };
    let credentials = credentials_of(db, id)?;
    let stamp = sealed.latest_entry.unwrap_or(0);
    let seal = account_seal(db.keys, &account, &credentials, stamp);
    db.execute(
        "UPDATE accounts SET seal = ?2, stamp = ?3, credentials = ?4 WHERE id = ?1",
        args![id, seal.as_slice(), stamp, credentials.as_slice()],
    )?;
    Ok(())
}

/// Seals the settings as they now stand.
pub fn reseal_settings(db: &Db<'_>) -> anyhow::Result<()> {
    let (clinic, lookup_key) = super::clinic::get_unchecked(db)?;
    let stamp = settings_stamp(db)?;
    let seal = settings_seal(db.keys, &clinic, &lookup_key, stamp);
    db.execute(
        "UPDATE clinic SET settings_seal = ?1, settings_stamp = ?2 WHERE id = 1",
        args![seal.as_slice(), stamp],
    )?;
    Ok(())
}

/// How many accounts are sealed or checked at a time.
const PAGE: i64 = 1000;

/// Every account, a page at a time by id: `visit` gets each with its seal and the
/// digest of its credentials as read now.
pub fn for_each_page(
    db: &Db<'_>,
    visit: impl FnMut(&Account, &Sealed, &[u8; 32]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for_each_page_in(db, Layout::Named, visit)
}

fn for_each_page_in(
    db: &Db<'_>,
    layout: Layout,
    mut visit: impl FnMut(&Account, &Sealed, &[u8; 32]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut after = i64::MIN;
    loop {
        let page = super::accounts::page_after(db, after, PAGE)?;
        let (Some(first), Some(last)) = (page.first(), page.last()) else { return Ok(()) };
        let (from, to) = (first.0.id, last.0.id);
        let digests = credentials_between_in(db, layout, from, to)?;
        for (account, sealed) in &page {
            let digest = digests.get(&account.id).copied().unwrap_or_else(empty_credentials);
            visit(account, sealed, &digest)?;
        }
        after = to;
    }
}

const SEAL_COLUMNS: [(&str, Kind); 3] =
    [("seal", Kind::Blob), ("stamp", Kind::Int), ("credentials", Kind::Blob)];

/// Seals every account and the settings (the upgrade that brought seals, and a key
/// rotation once every row was checked with the old key), its credentials as stored
/// in `layout`.
pub fn seal_everything(db: &Db<'_>, layout: Layout) -> anyhow::Result<()> {
    let mut page = Vec::new();
    for_each_page_in(db, layout, |account, found, digest| {
        let stamp = found.latest_entry.unwrap_or(0);
        let seal = account_seal(db.keys, account, digest, stamp);
        page.push((account.id, vec![seal.to_vec().into(), stamp.into(), digest.to_vec().into()]));
        // A statement a page: written as the pages are read, in little memory.
        if page.len() == PAGE as usize {
            db.update_each("accounts", "id", &SEAL_COLUMNS, &std::mem::take(&mut page))?;
        }
        Ok(())
    })?;
    db.update_each("accounts", "id", &SEAL_COLUMNS, &page)?;
    reseal_settings(db)
}

/// An upgrade that changes how credentials are stored: each account that verifies
/// with its credentials as they were stored (in `before`) is sealed anew over them as
/// they are stored now. One that does not keeps the seal it had, which does not verify
/// now either: the upgrade never blesses a row clinic2fa did not write.
pub fn reseal_verified(db: &Db<'_>, before: Layout) -> anyhow::Result<()> {
    let mut after = i64::MIN;
    loop {
        let page = super::accounts::page_after(db, after, PAGE)?;
        let (Some(first), Some(last)) = (page.first(), page.last()) else { return Ok(()) };
        let (from, to) = (first.0.id, last.0.id);
        let (was, now) =
            (credentials_between_in(db, before, from, to)?, credentials_between(db, from, to)?);
        let digest = |digests: &BTreeMap<i64, [u8; 32]>, id| {
            digests.get(&id).copied().unwrap_or_else(empty_credentials)
        };
        let mut sealed = Vec::new();
        for (account, found) in &page {
            if check_account(db, account, found, Some(&digest(&was, account.id))).is_err() {
                continue;
            }
            let (stamp, credentials) = (found.latest_entry.unwrap_or(0), digest(&now, account.id));
            let seal = account_seal(db.keys, account, &credentials, stamp);
            sealed.push((
                account.id,
                vec![seal.to_vec().into(), stamp.into(), credentials.to_vec().into()],
            ));
        }
        db.update_each("accounts", "id", &SEAL_COLUMNS, &sealed)?;
        after = to;
    }
}

/// The usernames of every account that does not verify, and whether the settings do.
pub fn damaged(db: &Db<'_>) -> anyhow::Result<(Vec<String>, bool)> {
    let mut names = Vec::new();
    for_each_page(db, |account, sealed, digest| {
        if check_account(db, account, sealed, Some(digest)).is_err() {
            names.push(account.username.as_str().to_owned());
        }
        Ok(())
    })?;
    let settings_ok = super::clinic::get(db).is_ok();
    Ok((names, settings_ok))
}

/// A row that does not verify: damage, unless the database was re-keyed since this
/// process read its key (then every seal looks wrong to it, and the answer is to run
/// the command again).
fn refused(db: &Db<'_>, damage: Error) -> anyhow::Error {
    check_key(db).err().unwrap_or_else(|| damage.into())
}

/// The key this process holds is still the database's: a key rotation that committed
/// since it opened the database would otherwise see entries sealed with the old key
/// appended after it. Read inside the transaction, under its lock.
pub fn check_key(db: &Db<'_>) -> anyhow::Result<()> {
    let check: Option<Vec<u8>> =
        db.query_one("SELECT key_check FROM clinic WHERE id = 1", &[])?.get(0)?;
    if !check.is_some_and(|c| db.keys.matches_check(&c)) {
        return Err(Error::Conflict(
            "the database was re-keyed (`clinic2fa key rotate`) while this command ran: nothing was changed; run the command again".into(),
        )
        .into());
    }
    Ok(())
}

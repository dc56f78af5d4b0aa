//! The audit trail: who did what to whom, and how it ended. Never a secret.
//!
//! Each entry is numbered and sealed into a chain (see `domain::audit`); appending
//! reads and advances the head on the clinic row inside the caller's transaction, so
//! concurrent writers queue and the chain never forks.

use anyhow::Context as _;

use crate::domain::audit::{self as chain, Action, GENESIS, Head, Listed, Record, Stored};
use crate::domain::time::Timestamp;
use crate::store::Db;
use crate::store::sql::{Kind, Row, Value, args};

#[derive(Debug)]
pub struct Entry<'a> {
    pub at: Timestamp,
    /// The operating-system user for admin commands; the account for staff commands.
    pub actor: &'a str,
    pub action: Action,
    pub subject: Option<&'a str>,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
}

impl Entry<'_> {
    fn record(&self, pinned_clock: bool) -> Record {
        Record {
            pinned_clock,
            at: self.at.unix(),
            actor: self.actor.to_owned(),
            action: self.action.as_str().to_owned(),
            subject: self.subject.map(str::to_owned),
            outcome: self.outcome.to_owned(),
            detail: self.detail.map(str::to_owned),
        }
    }
}

/// One entry as a system-log line, its seq and seal with it, every value escaped so a
/// field cannot forge another line.
fn syslog_line(seq: i64, seal: &[u8], record: &Record) -> String {
    let clean =
        |text: &str| -> String {
            text.chars()
                .map(|c| {
                    if c.is_control() {
                        format!("\\u{{{:x}}}", u32::from(c))
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        };
    let seal: String = seal.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "seq={seq} seal={seal} at={} actor={:?} action={:?} subject={:?} outcome={:?} detail={:?}{}",
        Timestamp::from_unix(record.at).rfc3339(),
        clean(&record.actor),
        clean(&record.action),
        clean(record.subject.as_deref().unwrap_or("")),
        clean(&record.outcome),
        clean(record.detail.as_deref().unwrap_or("")),
        if record.pinned_clock { " pinned_clock=true" } else { "" },
    )
}

/// Appends a sealed entry and moves the head.
pub fn record(db: &Db<'_>, entry: &Entry<'_>) -> anyhow::Result<()> {
    let head = head(db)?;
    // The switch as sealed: turning it off by hand is not honoured.
    let to_syslog = crate::store::clinic::get(db)?.audit_syslog;
    let seq = head.seq + 1;
    let record = entry.record(db.pinned_clock);
    let seal = chain::seal(db.keys, &head.last, seq, &record);
    let digest = chain::digest(&head.digest, seq, &record);
    db.execute(
        "INSERT INTO audit_log (at, actor, action, subject, outcome, detail, seq, seal,
                                seal_version, pinned_clock)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        args![
            entry.at.unix(),
            entry.actor,
            entry.action.as_str(),
            entry.subject,
            entry.outcome,
            entry.detail,
            seq,
            seal.as_slice(),
            chain::SEAL_VERSION,
            record.pinned_clock,
        ],
    )
    .context("could not write the audit trail")?;
    db.wrote_entry(
        entry.action,
        entry.subject,
        to_syslog.then(|| syslog_line(seq, &seal, &record)),
    );
    set_head(db, seq, &seal, &digest)
}

fn set_head(db: &Db<'_>, seq: i64, last: &[u8], digest: &[u8]) -> anyhow::Result<()> {
    let head_seal = chain::head_seal(db.keys, seq, last, digest);
    db.execute(
        "UPDATE clinic SET audit_seq = ?1, audit_last = ?2, audit_head = ?3, audit_digest = ?4
         WHERE id = 1",
        args![seq, last, head_seal.as_slice(), digest],
    )
    .context("could not write the audit trail")?;
    Ok(())
}

/// How many entries are read at a time where the database is used between pages.
const PAGE: i64 = 2_000;

/// The whole trail sealed again with `new`'s keys, each entry in its own seal format,
/// after checking it verifies with `old`'s: a key rotation never blesses a trail
/// someone altered (the caller's transaction rolls back at the first problem). The
/// head moves with it. Read a page at a time, so a trail of any length fits in little
/// memory.
pub fn reseal_all(old: &Db<'_>, new: &Db<'_>) -> anyhow::Result<()> {
    let refuse = |problem: chain::Problem| {
        crate::error::Error::Conflict(format!(
            "the audit trail does not verify ({problem}): no key rotation over it; see `clinic2fa audit verify`"
        ))
    };
    let mut walk = chain::Walk::new(old.keys);
    let mut last = GENESIS.to_vec();
    let mut seq = 0;
    let mut after_id = i64::MIN;
    loop {
        let page = stored_page(old, after_id)?;
        let Some(&(last_id, _)) = page.last() else { break };
        let mut resealed = Vec::with_capacity(page.len());
        for (id, entry) in page {
            walk.step(&entry).map_err(refuse)?;
            seq = entry.seq.unwrap_or(seq + 1);
            let seal = match entry.version {
                1 => chain::seal_v1(new.keys, &last, seq, &entry.record),
                _ => chain::seal(new.keys, &last, seq, &entry.record),
            };
            last = seal.to_vec();
            resealed.push((id, vec![Value::from(last.clone())]));
        }
        new.update_each("audit_log", "id", &[("seal", Kind::Blob)], &resealed)?;
        after_id = last_id;
    }
    let digest = walk.digest();
    walk.finish(&head(old)?).map_err(refuse)?;
    set_head(new, seq, &last, &digest)
}

/// The head as stored (an empty trail's "last seal" is the genesis value).
pub fn head(db: &Db<'_>) -> anyhow::Result<Head> {
    db.query_one(
        "SELECT audit_seq, audit_last, audit_head, audit_digest FROM clinic WHERE id = 1",
        &[],
    )
    .and_then(|r| {
        Ok(Head {
            seq: r.get(0)?,
            last: r.get::<Option<Vec<u8>>>(1)?.unwrap_or_else(|| GENESIS.to_vec()),
            seal: r.get::<Option<Vec<u8>>>(2)?.unwrap_or_default(),
            digest: r.get::<Option<Vec<u8>>>(3)?.unwrap_or_else(|| GENESIS.to_vec()),
        })
    })
    .context("could not read the audit trail")
}

/// Whether the head's own seal holds (the tail was not cut and the head rewritten).
pub fn head_is_sealed(db: &Db<'_>, head: &Head) -> bool {
    let seal = chain::head_seal(db.keys, head.seq, &head.last, &head.digest);
    bool::from(subtle::ConstantTimeEq::ct_eq(&seal[..], &head.seal[..]))
}

/// Seals the entries written before the trail was chained, in the order written (the
/// upgrade to sealed storage, of SQLite files only: small ones, from before sealing).
pub fn seal_existing_entries(db: &Db<'_>) -> anyhow::Result<()> {
    let rows = db.query_all(
        "SELECT id, at, actor, action, subject, outcome, detail FROM audit_log ORDER BY id",
        &[],
    )?;
    let mut last = GENESIS.to_vec();
    let mut seq = 0;
    for row in rows {
        let (id, record): (i64, Record) = (row.get(0)?, record_at(&row, 1, false)?);
        seq += 1;
        // The upgrade to sealing (schema 3) wrote the first format.
        let seal = chain::seal_v1(db.keys, &last, seq, &record);
        db.execute(
            "UPDATE audit_log SET seq = ?2, seal = ?3 WHERE id = ?1",
            args![id, seq, seal.as_slice()],
        )?;
        last = seal.to_vec();
    }
    // Schema 3's head, without the digest (schema 12 adds it and seals the head anew).
    db.execute(
        "UPDATE clinic SET audit_seq = ?1, audit_last = ?2 WHERE id = 1",
        args![seq, last.as_slice()],
    )?;
    Ok(())
}

/// The trail's digest computed over every entry and the head sealed with it (the
/// upgrade to schema 12, which brought digests).
pub fn digest_existing_entries(db: &Db<'_>) -> anyhow::Result<()> {
    let mut digest = GENESIS;
    let mut last = GENESIS.to_vec();
    let mut seq = 0;
    let mut after_id = i64::MIN;
    loop {
        let page = stored_page(db, after_id)?;
        let Some(&(last_id, _)) = page.last() else { break };
        for (_, entry) in page {
            seq = entry.seq.unwrap_or(seq + 1);
            digest = chain::digest(&digest, seq, &entry.record);
            last = entry.seal.unwrap_or_default();
        }
        after_id = last_id;
    }
    let stored = head(db)?;
    // The head as it stood; an altered trail stays one `audit verify` names.
    let (seq, last) = if stored.seq == seq { (seq, stored.last) } else { (stored.seq, last) };
    set_head(db, seq, &last, &digest)
}

/// Entry `seq`'s token as `audit head` printed it before digests: `SEQ:SEAL`.
pub fn token_of(db: &Db<'_>, seq: i64) -> anyhow::Result<String> {
    let seal = seal_of(db, seq)?.unwrap_or_default();
    Ok(chain::Anchor { seq, seal }.token())
}

/// The record in columns `at, actor, action, subject, outcome, detail` from `first`,
/// then `pinned_clock` when `with_pin` (the column came with schema 9).
fn record_at(r: &Row, first: usize, with_pin: bool) -> anyhow::Result<Record> {
    Ok(Record {
        at: r.get(first)?,
        actor: r.get(first + 1)?,
        action: r.get(first + 2)?,
        subject: r.get(first + 3)?,
        outcome: r.get(first + 4)?,
        detail: r.get(first + 5)?,
        pinned_clock: if with_pin { r.get(first + 6)? } else { false },
    })
}

const STORED_COLUMNS: &str =
    "id, seq, seal, seal_version, at, actor, action, subject, outcome, detail, pinned_clock";

fn stored_at(r: &Row) -> anyhow::Result<(i64, Stored)> {
    Ok((
        r.get(0)?,
        Stored {
            seq: r.get(1)?,
            seal: r.get(2)?,
            version: r.get(3)?,
            record: record_at(r, 4, true)?,
        },
    ))
}

/// Up to a page of entries after row `after_id`, in the order written.
fn stored_page(db: &Db<'_>, after_id: i64) -> anyhow::Result<Vec<(i64, Stored)>> {
    let rows = db.query_all(
        &format!("SELECT {STORED_COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT {PAGE}"),
        args![after_id],
    )?;
    rows.iter()
        .map(stored_at)
        .collect::<anyhow::Result<_>>()
        .context("could not read the audit trail")
}

/// Every entry as stored, in the order written, one at a time (verification). `visit`
/// may not use the database.
pub fn for_each_stored(
    db: &Db<'_>,
    mut visit: impl FnMut(Stored) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    db.for_each(&format!("SELECT {STORED_COLUMNS} FROM audit_log ORDER BY id"), &[], |row| {
        visit(stored_at(&row)?.1)
    })
    .context("could not read the audit trail")
}

/// Every entry as stored, collected (tests).
#[cfg(test)]
pub fn all_stored(db: &Db<'_>) -> anyhow::Result<Vec<Stored>> {
    let mut all = Vec::new();
    for_each_stored(db, |e| {
        all.push(e);
        Ok(())
    })?;
    Ok(all)
}

/// The seal of entry `seq`, if there is one.
pub fn seal_of(db: &Db<'_>, seq: i64) -> anyhow::Result<Option<Vec<u8>>> {
    db.query_opt("SELECT seal FROM audit_log WHERE seq = ?1", args![seq])
        .and_then(|row| row.map(|r| r.get::<Option<Vec<u8>>>(0)).transpose())
        .map(Option::flatten)
        .context("could not read the audit trail")
}

/// Which entries `audit` shows.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    /// Entries by or about this account.
    pub user: Option<&'a str>,
    pub since: Option<Timestamp>,
    /// Entries of this action (its stored name).
    pub action: Option<&'a str>,
    /// Only the most recent this many.
    pub limit: Option<u32>,
}

/// The entries matching `filter`, oldest first, one at a time: a trail of any length
/// in little memory. `visit` may not use the database.
pub fn for_each_listed(
    db: &Db<'_>,
    filter: &Filter<'_>,
    mut visit: impl FnMut(Listed) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // Only the placeholders used are numbered: both engines need each one they get.
    let mut wanted = Vec::new();
    let mut values = Vec::new();
    if let Some(user) = filter.user {
        values.push(Value::from(user));
        wanted.push(format!("(subject = ?{0} OR actor = ?{0})", values.len()));
    }
    if let Some(since) = filter.since {
        values.push(Value::from(since.unix()));
        wanted.push(format!("at >= ?{}", values.len()));
    }
    if let Some(action) = filter.action {
        values.push(Value::from(action));
        wanted.push(format!("action = ?{}", values.len()));
    }
    let columns = "seq, at, actor, action, subject, outcome, detail, pinned_clock, id";
    let mut sql = format!("SELECT {columns} FROM audit_log");
    if !wanted.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wanted.join(" AND "));
    }
    let sql = match filter.limit {
        // The newest `limit`, shown oldest first.
        Some(limit) => {
            format!("SELECT * FROM ({sql} ORDER BY id DESC LIMIT {limit}) AS recent ORDER BY id")
        }
        None => format!("{sql} ORDER BY id"),
    };
    db.for_each(&sql, &values, |r| {
        visit(Listed { seq: r.get(0)?, record: record_at(&r, 1, true)? })
    })
    .context("could not read the audit trail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::{Keys, MasterKey};
    use crate::store::sql::Sql;

    fn keys() -> Keys {
        MasterKey::generate().unwrap().derive()
    }

    fn entry(n: usize) -> String {
        format!("user{n}")
    }

    /// A trail longer than a page is re-sealed whole, and verifies only with the new key.
    #[test]
    fn a_trail_longer_than_a_page_is_resealed_whole() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let (old_keys, new_keys) = (keys(), keys());
        crate::store::migrations::apply(Sql::Sqlite(&conn), &old_keys).unwrap();
        let old = Db::new(Sql::Sqlite(&conn), &old_keys);
        let count = 2 * PAGE as usize + 321;
        for n in 0..count {
            let subject = entry(n);
            let e = Entry {
                at: Timestamp::from_unix(1_795_798_800),
                actor: "it",
                action: Action::UserAdd,
                subject: Some(&subject),
                outcome: "ok",
                detail: None,
            };
            record(&old, &e).unwrap();
        }
        let new = Db::new(Sql::Sqlite(&conn), &new_keys);
        reseal_all(&old, &new).unwrap();
        let verify = |db: &Db<'_>| {
            let head = head(db).unwrap();
            chain::verify(db.keys, all_stored(db).unwrap(), &head)
        };
        assert_eq!(verify(&new), Ok(count as i64));
        assert!(verify(&old).is_err());

        // A trail altered past the first page is refused (the caller's transaction then
        // rolls back what was re-sealed before it).
        conn.execute("UPDATE audit_log SET outcome = 'forged' WHERE seq = ?1", [PAGE + 7]).unwrap();
        let other_keys = keys();
        let other = Db::new(Sql::Sqlite(&conn), &other_keys);
        let refused = reseal_all(&new, &other).unwrap_err();
        assert!(
            refused.to_string().contains(&format!("entry #{} was altered", PAGE + 7)),
            "{refused}"
        );
    }
}

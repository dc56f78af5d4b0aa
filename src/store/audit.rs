//! The audit trail: who did what to whom, and how it ended. Never a secret.

use anyhow::Context as _;
use rusqlite::{Connection, params};

use crate::domain::time::Timestamp;

#[derive(Debug)]
pub struct Entry<'a> {
    pub at: Timestamp,
    /// The operating-system user for admin commands; the account for staff commands.
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: Option<&'a str>,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
}

pub fn record(conn: &Connection, entry: &Entry<'_>) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            entry.at.unix(),
            entry.actor,
            entry.action,
            entry.subject,
            entry.outcome,
            entry.detail
        ],
    )
    .context("could not write the audit trail")?;
    Ok(())
}

//! The clinic's single settings row.

use anyhow::Context as _;
use rusqlite::{Connection, params};

use crate::domain::settings::{Clinic, Requirement, Setting};

pub fn get(conn: &Connection) -> anyhow::Result<Clinic> {
    conn.query_row(
        "SELECT name, require_2fa_for, lockout_threshold, lockout_minutes, totp_window, bypass_hours,
                inactive_days
         FROM clinic WHERE id = 1",
        [],
        |row| {
            Ok(Clinic {
                name: row.get(0)?,
                require_2fa_for: Requirement::from_stored(&row.get::<_, String>(1)?)
                    .unwrap_or_default(),
                lockout_threshold: row.get(2)?,
                lockout_minutes: row.get(3)?,
                totp_window: row.get(4)?,
                bypass_hours: row.get(5)?,
                inactive_days: row.get(6)?,
            })
        },
    )
    .context("could not read the clinic's settings")
}

pub fn set_name(conn: &Connection, name: &str) -> anyhow::Result<()> {
    conn.execute("UPDATE clinic SET name = ?1 WHERE id = 1", [name])
        .context("could not save the clinic's name")?;
    Ok(())
}

/// The clinic-wide rule. (`require_2fa`, the column before there were three choices,
/// is kept equal to "everyone".)
pub fn set_require_2fa_for(conn: &Connection, who: Requirement) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE clinic SET require_2fa_for = ?1, require_2fa = ?2 WHERE id = 1",
        params![who.as_str(), who == Requirement::Everyone],
    )
    .context("could not save the clinic-wide 2FA requirement")?;
    Ok(())
}

pub fn set(conn: &Connection, setting: Setting, value: u32) -> anyhow::Result<()> {
    let column = match setting {
        Setting::LockoutThreshold => "lockout_threshold",
        Setting::LockoutMinutes => "lockout_minutes",
        Setting::TotpWindow => "totp_window",
        Setting::BypassHours => "bypass_hours",
        Setting::InactiveDays => "inactive_days",
    };
    conn.execute(&format!("UPDATE clinic SET {column} = ?1 WHERE id = 1"), params![value])
        .with_context(|| format!("could not save {setting}"))?;
    Ok(())
}

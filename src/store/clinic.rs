//! The clinic's single settings row.

use anyhow::Context as _;

use crate::store::Db;
use crate::store::sql::args;

use crate::domain::account::Role;
use crate::domain::settings::{Clinic, Requirement, Setting};
use crate::domain::time::Timestamp;

pub fn get(db: &Db<'_>) -> anyhow::Result<Clinic> {
    let row = db.query_one(
        "SELECT name, require_2fa_for, lockout_threshold, lockout_minutes, totp_window, bypass_hours,
                inactive_days, enrol_grace_days, reaches_admins_since, reaches_staff_since,
                audit_syslog
         FROM clinic WHERE id = 1",
        &[],
    );
    let read = |row: crate::store::sql::Row| -> anyhow::Result<Clinic> {
        Ok(Clinic {
            name: row.get(0)?,
            require_2fa_for: Requirement::from_stored(&row.get::<String>(1)?).unwrap_or_default(),
            lockout_threshold: row.get(2)?,
            lockout_minutes: row.get(3)?,
            totp_window: row.get(4)?,
            bypass_hours: row.get(5)?,
            inactive_days: row.get(6)?,
            enrol_grace_days: row.get(7)?,
            reaches_admins_since: row.get::<Option<i64>>(8)?.map(Timestamp::from_unix),
            reaches_staff_since: row.get::<Option<i64>>(9)?.map(Timestamp::from_unix),
            audit_syslog: row.get(10)?,
        })
    };
    row.and_then(read).context("could not read the clinic's settings")
}

pub fn set_name(db: &Db<'_>, name: &str) -> anyhow::Result<()> {
    db.execute("UPDATE clinic SET name = ?1 WHERE id = 1", args![name])
        .context("could not save the clinic's name")?;
    Ok(())
}

/// The clinic-wide rule, and since when it reaches admins and staff: a role it already
/// reached keeps its moment; one it stops reaching loses it. (`require_2fa`, the column
/// before there were three choices, is kept equal to "everyone".)
pub fn set_require_2fa_for(db: &Db<'_>, who: Requirement, now: Timestamp) -> anyhow::Result<()> {
    let before = get(db)?;
    let since = |role: Role| {
        who.reaches(role).then(|| before.reaches_since(role).unwrap_or(now)).map(Timestamp::unix)
    };
    db.execute(
        "UPDATE clinic SET require_2fa_for = ?1, require_2fa = ?2,
             reaches_admins_since = ?3, reaches_staff_since = ?4 WHERE id = 1",
        args![who.as_str(), who == Requirement::Everyone, since(Role::Admin), since(Role::Staff)],
    )
    .context("could not save the clinic-wide 2FA requirement")?;
    Ok(())
}

pub fn set(db: &Db<'_>, setting: Setting, value: u32) -> anyhow::Result<()> {
    let column = match setting {
        Setting::LockoutThreshold => "lockout_threshold",
        Setting::LockoutMinutes => "lockout_minutes",
        Setting::TotpWindow => "totp_window",
        Setting::BypassHours => "bypass_hours",
        Setting::InactiveDays => "inactive_days",
        Setting::EnrolGraceDays => "enrol_grace_days",
        Setting::AuditSyslog => "audit_syslog",
    };
    db.execute(&format!("UPDATE clinic SET {column} = ?1 WHERE id = 1"), args![value])
        .with_context(|| format!("could not save {setting}"))?;
    Ok(())
}

//! The clinic's single settings row, sealed (see `seals`) and checked on every read.

use anyhow::Context as _;

use crate::store::sql::{Row, Sql, args};
use crate::store::{ClinicId, Db, seals};

use crate::domain::account::Role;
use crate::domain::settings::{Clinic, Requirement, Setting};
use crate::domain::time::Timestamp;
use crate::error::Error;

const COLUMNS: &[&str] = &[
    "name",
    "require_2fa_for",
    "lockout_threshold",
    "lockout_minutes",
    "totp_window",
    "bypass_hours",
    "inactive_days",
    "enrol_grace_days",
    "reaches_admins_since",
    "reaches_staff_since",
    "audit_syslog",
    "lookup_key",
    "settings_seal",
    "settings_stamp",
];

/// The settings, checked against their seal and the contract's ranges: a row someone
/// changed without the key is never honoured.
pub fn get(db: &Db<'_>) -> anyhow::Result<Clinic> {
    // The row and the trail's latest settings entry, as of one moment.
    db.consistently(get_checked)
}

fn get_checked(db: &Db<'_>) -> anyhow::Result<Clinic> {
    let row = read(db)?;
    let (clinic, lookup_key) = from_row(&row)?;
    seals::check_settings(
        db,
        &clinic,
        &lookup_key,
        row.get::<Option<Vec<u8>>>(col("settings_seal"))?.as_deref(),
        row.get(col("settings_stamp"))?,
    )?;
    if let Some((setting, value)) = clinic.out_of_range() {
        return Err(Error::Damaged(format!(
            "the clinic's setting {setting} is {value}, outside {}..={}: the database was changed outside clinic2fa; run `clinic2fa audit verify` and restore it from a backup",
            setting.range().start(),
            setting.range().end()
        ))
        .into());
    }
    Ok(clinic)
}

/// The settings and the sealed recovery-code look-up key, as stored (sealing them).
pub(super) fn get_unchecked(db: &Db<'_>) -> anyhow::Result<(Clinic, Vec<u8>)> {
    from_row(&read(db)?)
}

fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).expect("a column of the clinic row")
}

fn read(db: &Db<'_>) -> anyhow::Result<Row> {
    db.query_one(&format!("SELECT {} FROM clinic WHERE id = 1", COLUMNS.join(", ")), &[])
        .context("could not read the clinic's settings")
}

fn from_row(row: &Row) -> anyhow::Result<(Clinic, Vec<u8>)> {
    let time = |name: &str| -> anyhow::Result<Option<Timestamp>> {
        Ok(row.get::<Option<i64>>(col(name))?.map(Timestamp::from_unix))
    };
    let stored: String = row.get(col("require_2fa_for"))?;
    let require_2fa_for = Requirement::from_stored(&stored).ok_or_else(|| {
        Error::Damaged(format!(
            "the clinic's require_2fa_for is {}, which clinic2fa never writes: run `clinic2fa audit verify` and restore the database from a backup",
            crate::domain::text::shown(&stored)
        ))
    })?;
    let clinic = Clinic {
        name: row.get(col("name"))?,
        require_2fa_for,
        lockout_threshold: row.get(col("lockout_threshold"))?,
        lockout_minutes: row.get(col("lockout_minutes"))?,
        totp_window: row.get(col("totp_window"))?,
        bypass_hours: row.get(col("bypass_hours"))?,
        inactive_days: row.get(col("inactive_days"))?,
        enrol_grace_days: row.get(col("enrol_grace_days"))?,
        reaches_admins_since: time("reaches_admins_since")?,
        reaches_staff_since: time("reaches_staff_since")?,
        audit_syslog: row.get(col("audit_syslog"))?,
    };
    let lookup_key = row.get::<Option<Vec<u8>>>(col("lookup_key"))?.unwrap_or_default();
    Ok((clinic, lookup_key))
}

/// The context the look-up key is sealed under.
const LOOKUP_KEY_CONTEXT: &[u8] = b"clinic2fa recovery-code lookup key";

/// The key recovery codes are looked up by (see `recovery_codes`): random, kept in the
/// database sealed with the key file, so a key rotation re-seals it and every code
/// issued before still works.
pub fn lookup_key(db: &Db<'_>) -> anyhow::Result<zeroize::Zeroizing<Vec<u8>>> {
    let (_, sealed) = get_unchecked(db)?;
    db.keys.open(&sealed, LOOKUP_KEY_CONTEXT).map_err(|_| {
        Error::Damaged(
            "the clinic's recovery-code key does not open with the key file: run `clinic2fa audit verify` and restore the database from a backup".into(),
        )
        .into()
    })
}

/// Makes the look-up key (the upgrade to schema 12; `init`).
pub(super) fn create_lookup_key(db: &Db<'_>) -> anyhow::Result<()> {
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(key.as_mut())
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    let sealed = db.keys.seal(key.as_ref(), LOOKUP_KEY_CONTEXT)?;
    db.execute("UPDATE clinic SET lookup_key = ?1 WHERE id = 1", args![sealed])?;
    Ok(())
}

/// The look-up key sealed again with `new`'s keys (a key rotation).
pub(super) fn reseal_lookup_key(old: &Db<'_>, new: &Db<'_>) -> anyhow::Result<()> {
    let key = lookup_key(old)?;
    let sealed = new.keys.seal(&key, LOOKUP_KEY_CONTEXT)?;
    new.execute("UPDATE clinic SET lookup_key = ?1 WHERE id = 1", args![sealed])?;
    Ok(())
}

/// The clinic's id; `None` where it was removed. One not made by clinic2fa is refused:
/// it names the key file.
pub fn id(sql: Sql<'_>) -> anyhow::Result<Option<ClinicId>> {
    let text: Option<String> =
        sql.query_one("SELECT clinic_id FROM clinic WHERE id = 1", &[])?.get(0)?;
    text.map(|text| {
        ClinicId::parse(&text).ok_or_else(|| {
            Error::Damaged(format!(
                "the database's clinic id {} is not one clinic2fa makes (it was changed outside clinic2fa): restore the database from a backup, or give --key-file naming its key file",
                crate::domain::text::shown(&text)
            ))
            .into()
        })
    })
    .transpose()
}

/// Gives the clinic its id (`init`).
pub(super) fn set_id(db: &Db<'_>, id: &ClinicId) -> anyhow::Result<()> {
    db.execute("UPDATE clinic SET clinic_id = ?1 WHERE id = 1", args![id.as_str()])?;
    Ok(())
}

/// Gives a clinic from before ids (the upgrade to schema 16) one.
pub(super) fn create_id(db: &Db<'_>) -> anyhow::Result<()> {
    db.execute(
        "UPDATE clinic SET clinic_id = ?1 WHERE id = 1 AND clinic_id IS NULL",
        args![ClinicId::generate()?.as_str()],
    )?;
    Ok(())
}

/// The context the public URL is sealed under.
const PUBLIC_URL_CONTEXT: &[u8] = b"clinic2fa public url";

/// The address enrolment links start with (`clinic set public-url`), if one is set.
/// Sealed with the key file: one written into the database without it is refused.
pub fn public_url(db: &Db<'_>) -> anyhow::Result<Option<String>> {
    let sealed: Option<Vec<u8>> =
        db.query_one("SELECT public_url FROM clinic WHERE id = 1", &[])?.get(0)?;
    let Some(sealed) = sealed else { return Ok(None) };
    let opened = db.keys.open(&sealed, PUBLIC_URL_CONTEXT).map_err(|_| {
        Error::Damaged(
            "the clinic's public-url does not open with the key file (it was changed outside clinic2fa): set it again with `clinic2fa clinic set public-url URL`".into(),
        )
    })?;
    let url = String::from_utf8(opened.to_vec())
        .map_err(|_| anyhow::anyhow!("the clinic's public-url is not text"))?;
    Ok(Some(url))
}

pub fn set_public_url(db: &Db<'_>, url: Option<&str>) -> anyhow::Result<()> {
    get(db)?;
    let sealed = url.map(|u| db.keys.seal(u.as_bytes(), PUBLIC_URL_CONTEXT)).transpose()?;
    db.execute("UPDATE clinic SET public_url = ?1 WHERE id = 1", args![sealed])?;
    Ok(())
}

/// The public URL sealed again with `new`'s keys (a key rotation).
pub(super) fn reseal_public_url(old: &Db<'_>, new: &Db<'_>) -> anyhow::Result<()> {
    if let Some(url) = public_url(old)? {
        let sealed = new.keys.seal(url.as_bytes(), PUBLIC_URL_CONTEXT)?;
        new.execute("UPDATE clinic SET public_url = ?1 WHERE id = 1", args![sealed])?;
    }
    Ok(())
}

pub fn set_name(db: &Db<'_>, name: &str) -> anyhow::Result<()> {
    get(db)?;
    db.touch_settings();
    db.execute("UPDATE clinic SET name = ?1 WHERE id = 1", args![name])
        .context("could not save the clinic's name")?;
    Ok(())
}

/// The clinic-wide rule, and since when it reaches admins and staff: a role it already
/// reached keeps its moment; one it stops reaching loses it. (`require_2fa`, the column
/// before there were three choices, is kept equal to "everyone".)
pub fn set_require_2fa_for(db: &Db<'_>, who: Requirement, now: Timestamp) -> anyhow::Result<()> {
    let before = get(db)?;
    db.touch_settings();
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
    get(db)?;
    db.touch_settings();
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

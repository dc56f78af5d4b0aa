//! The clinic's settings: its name (the issuer shown in authenticator apps), the
//! clinic-wide 2FA requirement, and four tunables with the contract's ranges.

use std::fmt;
use std::ops::RangeInclusive;

use crate::domain::account::Role;
use crate::domain::time::Timestamp;
use crate::error::Error;

/// One of the tunables `clinic set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    LockoutThreshold,
    LockoutMinutes,
    TotpWindow,
    BypassHours,
    /// No sign-in for this many days: the usual sign of a leaver (`report`).
    InactiveDays,
    /// Days someone may still sign in with the password alone after 2FA began to apply
    /// to them (0: none).
    EnrolGraceDays,
    /// Every new audit entry also goes to the system log (1: on), so the trail leaves
    /// the machine as it is written.
    AuditSyslog,
}

impl Setting {
    pub const ALL: [Setting; 7] = [
        Setting::LockoutThreshold,
        Setting::LockoutMinutes,
        Setting::TotpWindow,
        Setting::BypassHours,
        Setting::EnrolGraceDays,
        Setting::InactiveDays,
        Setting::AuditSyslog,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Setting::LockoutThreshold => "lockout-threshold",
            Setting::LockoutMinutes => "lockout-minutes",
            Setting::TotpWindow => "totp-window",
            Setting::BypassHours => "bypass-hours",
            Setting::InactiveDays => "inactive-days",
            Setting::EnrolGraceDays => "enrol-grace-days",
            Setting::AuditSyslog => "audit-syslog",
        }
    }

    /// The setting named `key` (as `clinic set` and the JSON name it).
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What it does, its range and default, for `--help`.
    pub fn help(self) -> String {
        let what = match self {
            Setting::LockoutThreshold => "Consecutive failed sign-ins that lock an account",
            Setting::LockoutMinutes => "How long a lockout lasts",
            Setting::TotpWindow => "Time steps of 30 s accepted either side of now",
            Setting::BypassHours => "How long a granted one-time bypass stays usable",
            Setting::InactiveDays => "Days without a sign-in after which `report` lists an account",
            Setting::EnrolGraceDays => {
                "Days someone may still sign in with the password alone once 2FA applies to them"
            }
            Setting::AuditSyslog => "Send every new audit entry to the system log too",
        };
        let default = self.shown_text(self.default_value());
        if self.is_switch() {
            format!("{what} (on or off, default {default})")
        } else {
            let range = self.range();
            format!("{what} ({}-{}, default {default})", range.start(), range.end())
        }
    }

    pub fn range(self) -> RangeInclusive<u32> {
        match self {
            Setting::LockoutThreshold => 1..=100,
            Setting::LockoutMinutes => 1..=1440,
            Setting::TotpWindow => 0..=2,
            Setting::BypassHours => 1..=168,
            Setting::InactiveDays => 7..=3650,
            Setting::EnrolGraceDays => 0..=90,
            Setting::AuditSyslog => 0..=1,
        }
    }

    pub fn default_value(self) -> u32 {
        match self {
            Setting::LockoutThreshold => 5,
            Setting::LockoutMinutes => 15,
            Setting::TotpWindow => 1,
            Setting::BypassHours => 24,
            Setting::InactiveDays => 90,
            Setting::EnrolGraceDays => 0,
            Setting::AuditSyslog => 0,
        }
    }

    /// Whether the setting is on or off rather than a number.
    pub fn is_switch(self) -> bool {
        self == Setting::AuditSyslog
    }

    /// A value as JSON has it: a number, or `"on"`/`"off"` for a switch.
    pub fn shown(self, value: u32) -> serde_json::Value {
        if self.is_switch() { self.shown_text(value).into() } else { value.into() }
    }

    /// A value as people read it.
    pub fn shown_text(self, value: u32) -> String {
        match (self.is_switch(), value) {
            (true, 0) => "off".to_owned(),
            (true, _) => "on".to_owned(),
            (false, n) => n.to_string(),
        }
    }

    /// Parses a value from the command line and checks it is in range.
    pub fn parse_value(self, input: &str) -> Result<u32, Error> {
        if self.is_switch() {
            return match input.trim() {
                "on" => Ok(1),
                "off" => Ok(0),
                _ => Err(Error::Usage(format!(
                    "invalid value {} for {}: use on or off",
                    crate::domain::text::shown(input),
                    self.key()
                ))),
            };
        }
        let range = self.range();
        input.trim().parse::<u32>().ok().filter(|v| range.contains(v)).ok_or_else(|| {
            Error::Usage(format!(
                "invalid value {input:?} for {}: use a whole number from {} to {}",
                self.key(),
                range.start(),
                range.end()
            ))
        })
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Whom the clinic-wide rule asks for 2FA (`clinic require-2fa on|admins|off`); it
/// reaches accounts on `clinic-default` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Requirement {
    #[default]
    Nobody,
    /// Accounts with the admin role: the accounts an attacker wants most, first.
    Admins,
    Everyone,
}

impl Requirement {
    /// The contract's `require_2fa_for`.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Nobody => "nobody",
            Requirement::Admins => "admins",
            Requirement::Everyone => "everyone",
        }
    }

    /// The word `clinic require-2fa` takes for it.
    pub fn command_word(self) -> &'static str {
        match self {
            Requirement::Nobody => "off",
            Requirement::Admins => "admins",
            Requirement::Everyone => "on",
        }
    }

    pub fn from_stored(text: &str) -> Option<Requirement> {
        [Requirement::Nobody, Requirement::Admins, Requirement::Everyone]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// Whether it asks an account of this role for 2FA.
    pub fn reaches(self, role: Role) -> bool {
        match self {
            Requirement::Nobody => false,
            Requirement::Admins => role == Role::Admin,
            Requirement::Everyone => true,
        }
    }
}

/// The clinic as stored: one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinic {
    pub name: String,
    pub require_2fa_for: Requirement,
    pub lockout_threshold: u32,
    pub lockout_minutes: u32,
    pub totp_window: u32,
    pub bypass_hours: u32,
    pub inactive_days: u32,
    pub enrol_grace_days: u32,
    pub audit_syslog: bool,
    /// Since when the clinic-wide rule has reached admins, and staff (`None`: it does
    /// not): the start of their enrolment grace, for those it reaches by it.
    pub reaches_admins_since: Option<Timestamp>,
    pub reaches_staff_since: Option<Timestamp>,
}

impl Clinic {
    /// Since when the clinic-wide rule has reached an account of `role`.
    pub fn reaches_since(&self, role: Role) -> Option<Timestamp> {
        match role {
            Role::Admin => self.reaches_admins_since,
            Role::Staff => self.reaches_staff_since,
        }
    }

    /// The contract's `require_2fa`: true only when everyone is asked.
    pub fn require_2fa(&self) -> bool {
        self.require_2fa_for == Requirement::Everyone
    }

    /// The first setting outside the contract's range, with its value: a row someone
    /// changed by hand (the schema's CHECKs can be dropped), never honoured.
    pub fn out_of_range(&self) -> Option<(Setting, u32)> {
        Setting::ALL.into_iter().map(|s| (s, self.get(s))).find(|(s, v)| !s.range().contains(v))
    }

    pub fn get(&self, setting: Setting) -> u32 {
        match setting {
            Setting::LockoutThreshold => self.lockout_threshold,
            Setting::LockoutMinutes => self.lockout_minutes,
            Setting::TotpWindow => self.totp_window,
            Setting::BypassHours => self.bypass_hours,
            Setting::InactiveDays => self.inactive_days,
            Setting::EnrolGraceDays => self.enrol_grace_days,
            Setting::AuditSyslog => u32::from(self.audit_syslog),
        }
    }
}

pub const MAX_NAME_CHARS: usize = 100;

/// Checks a clinic name. It becomes the issuer in `otpauth://` URIs, whose label uses
/// `:` as the separator between issuer and account, so `:` is refused.
pub fn check_clinic_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let refuse = |why: &str| Err(Error::Usage(format!("invalid clinic name {name:?}: {why}")));
    if name.is_empty() {
        return refuse("it must not be empty");
    }
    if name.contains(':') {
        return refuse("it must not contain ':' (authenticator apps use it as a separator)");
    }
    if name.chars().any(char::is_control) {
        return refuse("it must not contain control characters");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return refuse(&format!("it must be at most {MAX_NAME_CHARS} characters"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_the_range_are_refused_with_the_range() {
        assert_eq!(Setting::TotpWindow.parse_value("2").unwrap(), 2);
        assert_eq!(Setting::TotpWindow.parse_value("0").unwrap(), 0);
        let err = Setting::TotpWindow.parse_value("3").unwrap_err().to_string();
        assert!(err.contains("totp-window") && err.contains("0 to 2"), "{err}");
        assert!(Setting::LockoutThreshold.parse_value("0").is_err());
        assert!(Setting::LockoutMinutes.parse_value("1441").is_err());
        assert!(Setting::BypassHours.parse_value("-1").is_err());
        assert!(Setting::BypassHours.parse_value("1.5").is_err());
    }

    #[test]
    fn the_clinic_rule_reaches_everyone_admins_or_nobody() {
        use crate::domain::account::Role::{Admin, Staff};
        let reach = |r: Requirement| [Staff, Admin].map(|role| r.reaches(role));
        assert_eq!(reach(Requirement::Everyone), [true, true]);
        assert_eq!(reach(Requirement::Admins), [false, true]);
        assert_eq!(reach(Requirement::Nobody), [false, false]);
        for r in [Requirement::Everyone, Requirement::Admins, Requirement::Nobody] {
            assert_eq!(Requirement::from_stored(r.as_str()), Some(r));
        }
    }

    #[test]
    fn defaults_lie_inside_their_ranges() {
        for s in Setting::ALL {
            assert!(s.range().contains(&s.default_value()), "{s}");
        }
    }

    #[test]
    fn clinic_names_refuse_colons_and_blanks() {
        assert_eq!(check_clinic_name("  Sunny Vale Clinic ").unwrap(), "Sunny Vale Clinic");
        assert!(check_clinic_name("A:B").is_err());
        assert!(check_clinic_name("   ").is_err());
        assert!(check_clinic_name("a\nb").is_err());
    }
}

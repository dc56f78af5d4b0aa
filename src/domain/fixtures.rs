//! Accounts and clinics for the domain's unit tests.

use crate::domain::account::{Account, Role};
use crate::domain::policy::Policy;
use crate::domain::settings::{Clinic, Requirement};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;

/// 2026-11-27T17:00:00Z.
pub const NOW: Timestamp = Timestamp::from_unix_const(1_795_798_800);

/// The clinic with its default settings.
/// The clinic with its default settings, 2FA required of everyone or nobody.
pub fn clinic(require_2fa: bool) -> Clinic {
    clinic_for(if require_2fa { Requirement::Everyone } else { Requirement::Nobody })
}

pub fn clinic_for(require_2fa_for: Requirement) -> Clinic {
    Clinic {
        name: "Clinic".into(),
        require_2fa_for,
        lockout_threshold: 5,
        lockout_minutes: 15,
        totp_window: 1,
        bypass_hours: 24,
        inactive_days: 90,
        enrol_grace_days: 0,
        audit_syslog: false,
        reaches_admins_since: matches!(
            require_2fa_for,
            Requirement::Admins | Requirement::Everyone
        )
        .then_some(Timestamp::from_unix_const(0)),
        reaches_staff_since: (require_2fa_for == Requirement::Everyone)
            .then_some(Timestamp::from_unix_const(0)),
    }
}

/// An enabled, unenrolled staff account on the clinic default.
pub fn account() -> Account {
    Account {
        id: 1,
        username: Username::parse("alice").unwrap(),
        name: None,
        role: Role::Staff,
        disabled: false,
        policy: Policy::ClinicDefault,
        policy_until: None,
        policy_since: None,
        role_since: None,
        requirement_mark: None,
        grace_forfeited: false,
        password_hash: String::new(),
        enrolled: false,
        recovery_codes_left: 0,
        authenticators: 0,
        must_change_password: false,
        bypass_until: None,
        failed_logins: 0,
        locked_until: None,
        created_at: NOW,
        last_login_at: None,
    }
}

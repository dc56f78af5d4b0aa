//! Who must use two-factor authentication.
//!
//! The per-user "Two-factor auth" setting beats the clinic-wide requirement; only
//! `ClinicDefault` defers to it. A one-time bypass is separate state and never changes
//! this setting (see `account::Bypass`).

use std::fmt;
use std::str::FromStr;

/// The per-user "Two-factor auth" dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    #[default]
    ClinicDefault,
    Required,
    Exempt,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::ClinicDefault, Policy::Required, Policy::Exempt];

    pub fn as_str(self) -> &'static str {
        match self {
            Policy::ClinicDefault => "clinic-default",
            Policy::Required => "required",
            Policy::Exempt => "exempt",
        }
    }

    /// Whether 2FA applies to this person, given the clinic-wide requirement.
    pub fn requires_2fa(self, clinic_requires_2fa: bool) -> bool {
        match self {
            Policy::Required => true,
            Policy::Exempt => false,
            Policy::ClinicDefault => clinic_requires_2fa,
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Policy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Policy::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| {
            format!(
                "unknown 2FA policy {}: use clinic-default, required or exempt",
                crate::domain::text::shown(s)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_beats_the_clinic_rule_and_default_follows_it() {
        for clinic in [false, true] {
            assert!(Policy::Required.requires_2fa(clinic));
            assert!(!Policy::Exempt.requires_2fa(clinic));
            assert_eq!(Policy::ClinicDefault.requires_2fa(clinic), clinic);
        }
    }

    #[test]
    fn round_trips_through_text() {
        for p in Policy::ALL {
            assert_eq!(p.as_str().parse::<Policy>(), Ok(p));
        }
        assert!("Required".parse::<Policy>().is_err());
    }
}

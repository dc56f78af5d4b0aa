//! "Why is 2FA (not) required for this person, and what will their next login ask?"
//!
//! The answer about the next login comes from running the real sign-in rules
//! ([`signin::decide`]) on "right password, no code", so it cannot drift from them.

use crate::domain::account::{Account, Role};
use crate::domain::policy::Policy;
use crate::domain::settings::{Clinic, Requirement};
use crate::domain::signin::{self, DenyReason, Facts, Proof, Purpose, Verdict, Via};
use crate::domain::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub required: bool,
    /// Owes an enrolment (the one "must enrol" rule, [`Account::needs_enrolment`]).
    pub must_enrol: bool,
    /// Which setting decided: `"per-user setting"` or `"clinic-wide setting"`.
    pub decided_by: &'static str,
    /// Why, in a sentence.
    pub reason: String,
    /// What the next sign-in with the right password will ask for, in a sentence.
    pub next_login: String,
}

pub fn explain(account: &Account, clinic: &Clinic, now: Timestamp) -> Explanation {
    let required = account.requires_2fa(clinic, now);
    let clinic_rule = match clinic.require_2fa_for {
        Requirement::Everyone => "on".to_owned(),
        Requirement::Nobody => "off".to_owned(),
        Requirement::Admins => format!(
            "admins only, and {} is {}",
            account.username,
            if account.role == Role::Admin { "an admin" } else { "not an admin" }
        ),
    };
    // An override that ends says when, and what follows.
    let ends = account.override_until(now).map_or_else(String::new, |until| {
        let after = clinic.require_2fa_for.reaches(account.role);
        format!(
            ", until {until}; then clinic-default, under which 2FA is {}",
            if after { "required" } else { "not required" }
        )
    });
    let (decided_by, reason) = match account.policy_at(now) {
        Policy::Required => (
            "per-user setting",
            format!(
                "required: the per-user setting is \"required\", which applies whatever the clinic-wide setting{ends}"
            ),
        ),
        Policy::Exempt => (
            "per-user setting",
            format!(
                "not required: the per-user setting is \"exempt\", which overrides the clinic-wide requirement (now {clinic_rule}){ends}"
            ),
        ),
        Policy::ClinicDefault => (
            "clinic-wide setting",
            format!(
                "{}: the per-user setting is \"clinic-default\" and the clinic-wide requirement is {clinic_rule}",
                if required { "required" } else { "not required" }
            ),
        ),
    };
    let facts = Facts {
        purpose: Purpose::Login,
        account: Some(account),
        password_ok: true,
        password_outdated: false,
        proof: Proof::Nothing,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal: false,
        bypass_waits_for_set_up: false,
        clinic,
        now,
    };
    let outcome = signin::decide(&facts);
    let next_login = match outcome.verdict {
        Verdict::Denied(DenyReason::InvalidCredentials) => {
            "refused: the account is disabled (`clinic2fa user enable` lets them in again)".to_owned()
        }
        Verdict::Denied(DenyReason::Locked) => format!(
            "refused until {}: locked after too many failed sign-ins (`clinic2fa user unlock` ends it now)",
            account.locked_at(now).map(|t| t.to_string()).unwrap_or_default()
        ),
        Verdict::Denied(DenyReason::PasswordChangeRequired) => {
            "the password, then a new password of their own: the current one was set for them".to_owned()
        }
        Verdict::Denied(DenyReason::CodeRequired | DenyReason::InvalidCode) => format!(
            "the password and a code from {} (or one of their {} recovery codes)",
            match account.authenticators {
                0 | 1 => "their authenticator app".to_owned(),
                n => format!("any of their {n} authenticators"),
            },
            account.recovery_codes_left
        ),
        Verdict::Denied(DenyReason::EnrolmentRequired) => {
            "the password, then setting up an authenticator app (at a terminal it follows at once; from a script, `clinic2fa enrol` first)".to_owned()
        }
        Verdict::Allowed { via: Via::Bypass, enrolment_required } => {
            let until = account.bypass_at(now).map(|t| t.to_string()).unwrap_or_default();
            let then = match (account.enrolled, enrolment_required) {
                (true, true) => "; their old authenticator is then removed and they set up a new one",
                (true, false) => "; their old authenticator is then removed",
                (false, true) => "; they then set up an authenticator",
                (false, false) => "",
            };
            format!("the password alone, once: a bypass is pending until {until}{then}")
        }
        // Rule 5 within the grace: what the decision says, until when.
        Verdict::Allowed { .. } if outcome.enrolment_due.is_some() => format!(
            "the password alone until {} (their enrolment grace), then an authenticator app, which they set up before then",
            outcome.enrolment_due.map(|t| t.to_string()).unwrap_or_default()
        ),
        // Login refuses nothing as "not applicable": only the other purposes do.
        Verdict::Allowed { .. } | Verdict::Refused(_) => "the password alone".to_owned(),
    };
    Explanation {
        required,
        must_enrol: account.needs_enrolment(clinic, now),
        decided_by,
        reason,
        next_login,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{self, NOW, clinic};

    fn account(policy: Policy) -> Account {
        Account { policy, ..fixtures::account() }
    }

    #[test]
    fn says_which_setting_decided() {
        let e = explain(&account(Policy::Exempt), &clinic(true), NOW);
        assert!(
            !e.required && e.decided_by == "per-user setting" && e.reason.contains("overrides"),
            "{e:?}"
        );
        let e = explain(&account(Policy::ClinicDefault), &clinic(true), NOW);
        assert!(e.required && e.decided_by == "clinic-wide setting", "{e:?}");
        assert!(e.next_login.contains("setting up an authenticator"), "{e:?}");
        let e = explain(&account(Policy::Required), &clinic(false), NOW);
        assert!(e.required && e.reason.contains("whatever the clinic-wide"), "{e:?}");
    }

    #[test]
    fn an_override_that_ends_says_when_and_what_follows() {
        let until = NOW.plus_seconds(86_400);
        let exempt = Account { policy_until: Some(until), ..account(Policy::Exempt) };
        let e = explain(&exempt, &clinic(true), NOW);
        assert!(
            e.reason.contains(
                "until 2026-11-28 17:00 +00:00; then clinic-default, under which 2FA is required"
            ),
            "{e:?}"
        );
        let after = explain(&exempt, &clinic(true), until);
        assert!(after.required && after.decided_by == "clinic-wide setting", "{after:?}");
    }

    #[test]
    fn the_next_login_follows_the_login_rules() {
        let enrolled =
            Account { enrolled: true, recovery_codes_left: 7, ..account(Policy::ClinicDefault) };
        assert!(explain(&enrolled, &clinic(true), NOW).next_login.contains("7 recovery codes"));
        let two = Account { authenticators: 2, ..enrolled.clone() };
        assert!(
            explain(&two, &clinic(true), NOW).next_login.contains("any of their 2 authenticators")
        );
        let bypass = Account { bypass_until: Some(NOW.plus_seconds(60)), ..enrolled.clone() };
        assert!(
            explain(&bypass, &clinic(true), NOW)
                .next_login
                .contains("once: a bypass is pending until 2026-11-27 17:01 +00:00")
        );
        assert!(
            explain(&bypass, &clinic(true), NOW)
                .next_login
                .contains("old authenticator is then removed")
        );
        let unenrolled = Account { enrolled: false, ..bypass.clone() };
        let e = explain(&unenrolled, &clinic(true), NOW);
        assert!(e.next_login.ends_with("they then set up an authenticator"), "{e:?}");
        assert!(!e.next_login.contains("removed"), "{e:?}");
        let locked = Account { locked_until: Some(NOW.plus_seconds(60)), ..bypass };
        assert!(explain(&locked, &clinic(true), NOW).next_login.starts_with("refused until"));
        assert_eq!(
            explain(&account(Policy::Exempt), &clinic(true), NOW).next_login,
            "the password alone"
        );
    }
}

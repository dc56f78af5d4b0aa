//! What happens at login: the contract's rule list, in order, as one pure function.
//!
//! The caller gathers the facts (the account, whether the password matched, the clock)
//! and applies the decision; nothing here touches the terminal or the database.

use crate::domain::account::Account;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::error::exit;

/// Why a login was refused, with the contract's wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    InvalidCredentials,
    Locked,
    CodeRequired,
    InvalidCode,
    EnrolmentRequired,
    PasswordChangeRequired,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::InvalidCredentials => "invalid-credentials",
            DenyReason::Locked => "locked",
            DenyReason::CodeRequired => "code-required",
            DenyReason::InvalidCode => "invalid-code",
            DenyReason::EnrolmentRequired => "enrolment-required",
            DenyReason::PasswordChangeRequired => "password-change-required",
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            DenyReason::InvalidCredentials | DenyReason::CodeRequired | DenyReason::InvalidCode => {
                exit::DENIED
            }
            DenyReason::Locked => exit::LOCKED,
            DenyReason::EnrolmentRequired | DenyReason::PasswordChangeRequired => {
                exit::ACTION_REQUIRED
            }
        }
    }
}

/// How the second factor was satisfied on a successful login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Totp,
    RecoveryCode,
    Bypass,
    None,
}

impl SecondFactor {
    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactor::Totp => "totp",
            SecondFactor::RecoveryCode => "recovery-code",
            SecondFactor::Bypass => "bypass",
            SecondFactor::None => "none",
        }
    }
}

/// What the person offered as a second factor, already checked by the caller against
/// the account's current state (the TOTP step that matched and was not used yet; the
/// unused recovery code that matched).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// No code was given.
    Nothing,
    /// A TOTP code: `Some(step)` when it matched an unused step in the window.
    Totp(Option<u64>),
    /// A recovery code: `Some(id)` when it matched an unused one.
    RecoveryCode(Option<i64>),
}

/// Everything the rules look at, gathered by the caller.
#[derive(Debug)]
pub struct Attempt<'a> {
    /// `None` when no account has that username.
    pub account: Option<&'a Account>,
    /// Whether the password matched (against a dummy hash for unknown users).
    pub password_ok: bool,
    pub proof: Proof,
    pub clinic: &'a Clinic,
    pub now: Timestamp,
}

/// How a successful attempt was let in, and so what it uses up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The password alone: 2FA does not apply and no authenticator is active.
    Password,
    /// A TOTP code, at this step (now used).
    Totp(u64),
    /// This recovery code (now spent).
    RecoveryCode(i64),
    /// The admin's one-time bypass (now spent, and the old authenticator removed).
    Bypass,
}

impl Via {
    pub fn second_factor(self) -> SecondFactor {
        match self {
            Via::Password => SecondFactor::None,
            Via::Totp(_) => SecondFactor::Totp,
            Via::RecoveryCode(_) => SecondFactor::RecoveryCode,
            Via::Bypass => SecondFactor::Bypass,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Success { via: Via, enrolment_required: bool },
    Denied { reason: DenyReason, counts_as_failure: bool },
}

impl Decision {
    fn denied(reason: DenyReason, counts_as_failure: bool) -> Self {
        Decision::Denied { reason, counts_as_failure }
    }

    fn success(via: Via) -> Self {
        Decision::Success { via, enrolment_required: false }
    }
}

/// The login rules of the contract, in its order.
pub fn decide(attempt: &Attempt<'_>) -> Decision {
    // 1-2. The password, and any lockout.
    let account = match check_credentials(attempt) {
        Ok(account) => account,
        Err(denied) => return denied,
    };

    // A password someone else chose (import, admin reset) is good for one thing only:
    // choosing a new one (`passwd`, which also asks for a code if enrolled). Refused
    // here, before anything is spent: no bypass, no code step.
    if account.must_change_password {
        return Decision::denied(DenyReason::PasswordChangeRequired, false);
    }
    decide_second_factor(attempt, account)
}

/// Login at a terminal after the person has typed a new password to replace a
/// temporary one: the same rules, the change being made in the same transaction.
pub fn decide_with_new_password(attempt: &Attempt<'_>) -> Decision {
    match check_credentials(attempt) {
        Ok(account) => decide_second_factor(attempt, account),
        Err(denied) => denied,
    }
}

/// Rules 3 to 6.
fn decide_second_factor(attempt: &Attempt<'_>, account: &Account) -> Decision {
    // 3. A pending, unexpired bypass: one login without 2FA. Using it removes the old
    //    authenticator, so where 2FA applies the person must set up a new one.
    if account.bypass_at(attempt.now).is_some() {
        return Decision::Success {
            via: Via::Bypass,
            enrolment_required: account.requires_2fa(attempt.clinic),
        };
    }

    // 4. Enrolled: a fresh TOTP code or an unused recovery code.
    if account.enrolled {
        return check_code(attempt.proof);
    }

    // 5. Not enrolled and 2FA required: enrol first.
    if account.requires_2fa(attempt.clinic) {
        return Decision::denied(DenyReason::EnrolmentRequired, false);
    }

    // 6. Not enrolled and not required: the password is enough.
    Decision::success(Via::Password)
}

/// Proving who you are before changing your own 2FA or password (`enrol`, `unenrol`,
/// `passwd`, `recovery-codes`): rules 1, 2 and 4 of login. No bypass is spent and no
/// enrolment is demanded here: these commands are how a person acts on either.
pub fn verify_identity(attempt: &Attempt<'_>) -> Decision {
    let account = match check_credentials(attempt) {
        Ok(account) => account,
        Err(denied) => return denied,
    };
    if account.enrolled { check_code(attempt.proof) } else { Decision::success(Via::Password) }
}

/// Rules 1 and 2 alone, for finishing an enrolment: the current code (when replacing
/// an authenticator) was already checked when the enrolment started.
pub fn verify_password(attempt: &Attempt<'_>) -> Decision {
    match check_credentials(attempt) {
        Ok(_) => Decision::success(Via::Password),
        Err(denied) => denied,
    }
}

/// Rules 1 and 2: the account exists, is enabled, the password matched, not locked.
fn check_credentials<'a>(attempt: &Attempt<'a>) -> Result<&'a Account, Decision> {
    // 1. Unknown user, disabled user or wrong password: one answer for all three.
    //    Only a wrong password for an existing account counts toward its lockout.
    let Some(account) = attempt.account else {
        return Err(Decision::denied(DenyReason::InvalidCredentials, false));
    };
    if !attempt.password_ok {
        return Err(Decision::denied(DenyReason::InvalidCredentials, true));
    }
    if account.disabled {
        return Err(Decision::denied(DenyReason::InvalidCredentials, false));
    }
    // 2. Locked: refused even with correct credentials, and not counted again.
    if account.locked_at(attempt.now).is_some() {
        return Err(Decision::denied(DenyReason::Locked, false));
    }
    Ok(account)
}

/// Rule 4: a valid code is needed. A wrong or reused one counts toward the lockout;
/// a missing one does not (nothing was guessed).
fn check_code(proof: Proof) -> Decision {
    match proof {
        Proof::Nothing => Decision::denied(DenyReason::CodeRequired, false),
        Proof::Totp(Some(step)) => Decision::success(Via::Totp(step)),
        Proof::RecoveryCode(Some(id)) => Decision::success(Via::RecoveryCode(id)),
        Proof::Totp(None) | Proof::RecoveryCode(None) => {
            Decision::denied(DenyReason::InvalidCode, true)
        }
    }
}

/// Where a failure leaves the lockout: the moment the account is locked until, when
/// `failures` consecutive failures reach the clinic's threshold.
pub fn lockout_after(failures: u32, clinic: &Clinic, now: Timestamp) -> Option<Timestamp> {
    (failures >= clinic.lockout_threshold)
        .then(|| now.plus_seconds(i64::from(clinic.lockout_minutes) * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{NOW, account, clinic};
    use crate::domain::policy::Policy;

    fn decide_for(account: Option<&Account>, password_ok: bool, clinic: &Clinic) -> Decision {
        decide(&Attempt { account, password_ok, proof: Proof::Nothing, clinic, now: NOW })
    }

    fn decide_with(account: &Account, proof: Proof, clinic: &Clinic) -> Decision {
        decide(&Attempt { account: Some(account), password_ok: true, proof, clinic, now: NOW })
    }

    fn denied(reason: DenyReason, counts_as_failure: bool) -> Decision {
        Decision::Denied { reason, counts_as_failure }
    }

    #[test]
    fn rule_1_unknown_disabled_and_wrong_password_are_one_answer() {
        let c = clinic(false);
        let alice = account();
        let disabled = Account { disabled: true, ..account() };
        assert_eq!(decide_for(None, true, &c), denied(DenyReason::InvalidCredentials, false));
        assert_eq!(
            decide_for(Some(&alice), false, &c),
            denied(DenyReason::InvalidCredentials, true)
        );
        assert_eq!(
            decide_for(Some(&disabled), true, &c),
            denied(DenyReason::InvalidCredentials, false)
        );
    }

    #[test]
    fn rule_2_a_lock_in_force_refuses_correct_credentials_and_lapses() {
        let c = clinic(false);
        let locked = Account { locked_until: Some(NOW.plus_seconds(1)), ..account() };
        assert_eq!(decide_for(Some(&locked), true, &c), denied(DenyReason::Locked, false));
        // A wrong password is still rule 1, and counts.
        assert_eq!(
            decide_for(Some(&locked), false, &c),
            denied(DenyReason::InvalidCredentials, true)
        );
        let lapsed = Account { locked_until: Some(NOW), ..account() };
        assert!(matches!(decide_for(Some(&lapsed), true, &c), Decision::Success { .. }));
    }

    #[test]
    fn rule_5_required_and_not_enrolled_must_enrol() {
        let on_default = account();
        assert_eq!(
            decide_for(Some(&on_default), true, &clinic(true)),
            denied(DenyReason::EnrolmentRequired, false)
        );
        let required = Account { policy: Policy::Required, ..account() };
        assert_eq!(
            decide_for(Some(&required), true, &clinic(false)),
            denied(DenyReason::EnrolmentRequired, false)
        );
    }

    #[test]
    fn rule_6_not_required_needs_only_the_password() {
        let exempt = Account { policy: Policy::Exempt, ..account() };
        let success = Decision::Success { via: Via::Password, enrolment_required: false };
        assert_eq!(decide_for(Some(&exempt), true, &clinic(true)), success);
        assert_eq!(decide_for(Some(&account()), true, &clinic(false)), success);
    }

    #[test]
    fn rule_3_a_pending_bypass_lets_in_once_without_a_code() {
        let until = Some(NOW.plus_seconds(3600));
        let lost_phone = Account { enrolled: true, bypass_until: until, ..account() };
        let bypass =
            |enrolment_required| Decision::Success { via: Via::Bypass, enrolment_required };
        // 2FA applies: the person must enrol again afterwards.
        assert_eq!(decide_with(&lost_phone, Proof::Nothing, &clinic(true)), bypass(true));
        // Even a wrong code does not matter: the bypass comes first.
        assert_eq!(decide_with(&lost_phone, Proof::Totp(None), &clinic(true)), bypass(true));
        // 2FA does not apply: still spent, nothing more to do.
        let exempt = Account { policy: Policy::Exempt, ..lost_phone.clone() };
        assert_eq!(decide_with(&exempt, Proof::Nothing, &clinic(true)), bypass(false));
        // Rules 1 and 2 come first: a wrong password or a lock spends nothing.
        let attempt = Attempt {
            account: Some(&lost_phone),
            password_ok: false,
            proof: Proof::Nothing,
            clinic: &clinic(true),
            now: NOW,
        };
        assert_eq!(decide(&attempt), denied(DenyReason::InvalidCredentials, true));
        let locked = Account { locked_until: until, ..lost_phone.clone() };
        assert_eq!(
            decide_with(&locked, Proof::Nothing, &clinic(true)),
            denied(DenyReason::Locked, false)
        );
        // Expired: grants nothing, so the code is needed again.
        let expired = Account { bypass_until: Some(NOW), ..lost_phone };
        assert_eq!(
            decide_with(&expired, Proof::Nothing, &clinic(true)),
            denied(DenyReason::CodeRequired, false)
        );
    }

    #[test]
    fn a_temporary_password_must_be_changed_before_anything_is_spent() {
        let temporary = Account {
            must_change_password: true,
            enrolled: true,
            bypass_until: Some(NOW.plus_seconds(60)),
            ..account()
        };
        let c = clinic(true);
        let change = denied(DenyReason::PasswordChangeRequired, false);
        assert_eq!(decide_with(&temporary, Proof::Totp(Some(9)), &c), change);
        // Wrong password and lockout still come first.
        let attempt = Attempt {
            account: Some(&temporary),
            password_ok: false,
            proof: Proof::Nothing,
            clinic: &c,
            now: NOW,
        };
        assert_eq!(decide(&attempt), denied(DenyReason::InvalidCredentials, true));
        // With the new password typed, the usual rules follow (here: the bypass).
        let attempt = Attempt {
            account: Some(&temporary),
            password_ok: true,
            proof: Proof::Nothing,
            clinic: &c,
            now: NOW,
        };
        assert_eq!(
            decide_with_new_password(&attempt),
            Decision::Success { via: Via::Bypass, enrolment_required: true }
        );
        // passwd (verify_identity) is how it is changed, so it is not blocked there.
        assert_eq!(verify_identity(&attempt), denied(DenyReason::CodeRequired, false));
    }

    #[test]
    fn rule_4_enrolled_needs_a_fresh_code_whatever_the_policy() {
        let enrolled = Account { enrolled: true, policy: Policy::Exempt, ..account() };
        let c = clinic(false);
        assert_eq!(
            decide_with(&enrolled, Proof::Nothing, &c),
            denied(DenyReason::CodeRequired, false)
        );
        assert_eq!(
            decide_with(&enrolled, Proof::Totp(None), &c),
            denied(DenyReason::InvalidCode, true)
        );
        assert_eq!(
            decide_with(&enrolled, Proof::RecoveryCode(None), &c),
            denied(DenyReason::InvalidCode, true)
        );
        assert_eq!(
            decide_with(&enrolled, Proof::Totp(Some(7)), &c),
            Decision::success(Via::Totp(7))
        );
        assert_eq!(
            decide_with(&enrolled, Proof::RecoveryCode(Some(3)), &c),
            Decision::success(Via::RecoveryCode(3))
        );
        // Rules 1 and 2 come first: a good code does not help a wrong password.
        let attempt = Attempt {
            account: Some(&enrolled),
            password_ok: false,
            proof: Proof::Totp(Some(7)),
            clinic: &c,
            now: NOW,
        };
        assert_eq!(decide(&attempt), denied(DenyReason::InvalidCredentials, true));
    }

    #[test]
    fn a_code_given_to_an_unenrolled_account_changes_nothing() {
        let c = clinic(false);
        assert_eq!(
            decide_with(&account(), Proof::Totp(None), &c),
            Decision::success(Via::Password)
        );
    }

    #[test]
    fn verify_identity_skips_enrolment_but_not_the_code() {
        let c = clinic(true);
        let attempt = |account: &Account, proof| {
            verify_identity(&Attempt {
                account: Some(account),
                password_ok: true,
                proof,
                clinic: &c,
                now: NOW,
            })
        };
        let unenrolled = account();
        assert_eq!(attempt(&unenrolled, Proof::Nothing), Decision::success(Via::Password));
        let enrolled = Account { enrolled: true, ..account() };
        assert_eq!(attempt(&enrolled, Proof::Nothing), denied(DenyReason::CodeRequired, false));
        assert_eq!(attempt(&enrolled, Proof::Totp(Some(1))), Decision::success(Via::Totp(1)));
    }

    #[test]
    fn lockout_starts_at_the_threshold_for_the_configured_minutes() {
        let c = clinic(false);
        assert_eq!(lockout_after(4, &c, NOW), None);
        assert_eq!(lockout_after(5, &c, NOW), Some(NOW.plus_seconds(15 * 60)));
    }

    #[test]
    fn deny_reasons_map_to_the_contract_exit_codes() {
        use DenyReason::*;
        let codes: Vec<u8> = [
            InvalidCredentials,
            CodeRequired,
            InvalidCode,
            Locked,
            EnrolmentRequired,
            PasswordChangeRequired,
        ]
        .map(DenyReason::exit_code)
        .to_vec();
        assert_eq!(codes, [3, 3, 3, 4, 5, 5]);
    }
}

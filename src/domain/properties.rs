//! Property tests: the login decision against the contract's rule list for any state,
//! and the input parsers for any input.

use proptest::prelude::*;

use crate::domain::account::{Account, Role};
use crate::domain::duration::parse_bypass_duration;
use crate::domain::fixtures::{self, NOW};
use crate::domain::policy::Policy;
use crate::domain::recovery::RecoveryCode;
use crate::domain::settings::{Clinic, Requirement};
use crate::domain::signin::{
    DenyReason, Effect, Facts, NewCode, Proof, Purpose, Verdict, Via, decide,
};
use crate::domain::time::Timestamp;
use crate::domain::totp::Code;
use crate::domain::username::Username;

/// The contract's login rule list, written out again as plainly as it reads.
fn contract(
    account: Option<&Account>,
    password_ok: bool,
    proof: Proof,
    clinic: &Clinic,
) -> Verdict {
    let denied = Verdict::Denied;
    let Some(a) = account else { return denied(DenyReason::InvalidCredentials) };
    // 1. An existing, enabled account that is locked: locked, whatever the password.
    if !a.disabled && a.locked_until.is_some_and(|t| t > NOW) {
        return denied(DenyReason::Locked);
    }
    // 2. Unknown user, disabled user or wrong password.
    if a.disabled || !password_ok {
        return denied(DenyReason::InvalidCredentials);
    }
    // 2a. A temporary password must be replaced first.
    if a.must_change_password {
        return denied(DenyReason::PasswordChangeRequired);
    }
    let required = match a.policy {
        Policy::Required => true,
        Policy::Exempt => false,
        Policy::ClinicDefault => match clinic.require_2fa_for {
            Requirement::Everyone => true,
            Requirement::Admins => a.role == Role::Admin,
            Requirement::Nobody => false,
        },
    };
    // 3. A pending, unexpired bypass.
    if a.bypass_until.is_some_and(|t| t > NOW) {
        return Verdict::Allowed { via: Via::Bypass, enrolment_required: required };
    }
    // 4. Enrolled: a valid code.
    if a.enrolled {
        return match proof {
            Proof::Nothing => denied(DenyReason::CodeRequired),
            Proof::Totp(Some(step)) => {
                Verdict::Allowed { via: Via::Totp(step), enrolment_required: false }
            }
            Proof::RecoveryCode(Some(id)) => {
                Verdict::Allowed { via: Via::RecoveryCode(id), enrolment_required: false }
            }
            _ => denied(DenyReason::InvalidCode),
        };
    }
    // 5. Not enrolled and required.
    if required {
        return denied(DenyReason::EnrolmentRequired);
    }
    // 6. Not enrolled and not required.
    Verdict::Allowed { via: Via::Password, enrolment_required: false }
}

fn facts<'a>(
    purpose: Purpose,
    account: Option<&'a Account>,
    password_ok: bool,
    proof: Proof,
    clinic: &'a Clinic,
) -> Facts<'a> {
    Facts {
        purpose,
        account,
        password_ok,
        password_outdated: false,
        proof,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal: false,
        bypass_waits_for_set_up: false,
        clinic,
        now: NOW,
    }
}

fn purpose() -> impl Strategy<Value = Purpose> {
    proptest::sample::select(Purpose::ALL.to_vec())
}

fn moment() -> impl Strategy<Value = Option<Timestamp>> {
    prop_oneof![Just(None), (-3600i64..3600).prop_map(|d| Some(NOW.plus_seconds(d)))]
}

fn account() -> impl Strategy<Value = Account> {
    (
        any::<bool>(),
        prop_oneof![Just(Policy::ClinicDefault), Just(Policy::Required), Just(Policy::Exempt)],
        any::<bool>(),
        any::<bool>(),
        moment(),
        moment(),
    )
        .prop_map(
            |(disabled, policy, enrolled, must_change_password, bypass_until, locked_until)| {
                Account {
                    disabled,
                    policy,
                    enrolled,
                    must_change_password,
                    bypass_until,
                    locked_until,
                    ..fixtures::account()
                }
            },
        )
}

fn proof() -> impl Strategy<Value = Proof> {
    prop_oneof![
        Just(Proof::Nothing),
        proptest::option::of(0u64..100).prop_map(Proof::Totp),
        proptest::option::of(0i64..10).prop_map(Proof::RecoveryCode),
        Just(Proof::NewCode(NewCode::Wrong)),
        (0u64..100).prop_map(|s| Proof::NewCode(NewCode::Matches(s))),
        (-20i64..=20).prop_map(Proof::ClockOff),
        (-20i64..=20).prop_map(|s| Proof::NewCode(NewCode::ClockOff(s))),
    ]
}

proptest! {
    #[test]
    fn login_follows_the_contract_rule_list(
        exists in any::<bool>(),
        account in account(),
        password_ok in any::<bool>(),
        proof in prop_oneof![
            Just(Proof::Nothing),
            proptest::option::of(0u64..100).prop_map(Proof::Totp),
            proptest::option::of(0i64..10).prop_map(Proof::RecoveryCode),
        ],
        require_2fa in any::<bool>(),
    ) {
        let clinic = fixtures::clinic(require_2fa);
        let account = exists.then_some(&account);
        let verdict = decide(&facts(Purpose::Login, account, password_ok, proof, &clinic)).verdict;
        prop_assert_eq!(verdict, contract(account, password_ok, proof, &clinic));
    }

    #[test]
    fn a_wrong_password_never_lets_in_and_spends_or_resets_nothing(
        purpose in purpose(), account in account(), proof in proof(), require in any::<bool>()
    ) {
        let clinic = fixtures::clinic(require);
        let outcome = decide(&facts(purpose, Some(&account), false, proof, &clinic));
        prop_assert!(matches!(outcome.verdict, Verdict::Denied(DenyReason::InvalidCredentials | DenyReason::Locked)));
        for effect in &outcome.effects {
            prop_assert!(matches!(effect, Effect::CountFailure | Effect::Lock { .. } | Effect::Audit(_)), "{:?}", effect);
        }
    }

    #[test]
    fn a_locked_account_answers_locked_and_nothing_else_happens(
        purpose in purpose(), account in account(), ok in any::<bool>(), proof in proof()
    ) {
        let clinic = fixtures::clinic(true);
        let locked = Account { disabled: false, locked_until: Some(NOW.plus_seconds(60)), ..account };
        let outcome = decide(&facts(purpose, Some(&locked), ok, proof, &clinic));
        prop_assert_eq!(outcome.verdict, Verdict::Denied(DenyReason::Locked));
        prop_assert!(outcome.effects.iter().all(|e| matches!(e, Effect::Audit(_))));
    }

    #[test]
    fn only_wrong_passwords_and_wrong_codes_count_and_only_successes_reset(
        purpose in purpose(), account in account(), ok in any::<bool>(), proof in proof(), terminal in any::<bool>()
    ) {
        let clinic = fixtures::clinic(true);
        let f = Facts { at_terminal: terminal, ..facts(purpose, Some(&account), ok, proof, &clinic) };
        let outcome = decide(&f);
        let counts = outcome.effects.contains(&Effect::CountFailure);
        let resets = outcome.effects.contains(&Effect::ResetFailures);
        prop_assert!(!(counts && resets));
        if counts {
            prop_assert!(matches!(outcome.verdict, Verdict::Denied(DenyReason::InvalidCredentials | DenyReason::InvalidCode)));
        }
        if resets {
            let allowed = matches!(outcome.verdict, Verdict::Allowed { .. });
            prop_assert!(allowed);
            // A whole sign-in: when an authenticator is active, its code (or the
            // admin's bypass at login) was part of this very attempt.
            if account.enrolled {
                let proved_active = matches!(proof, Proof::Totp(Some(_)) | Proof::RecoveryCode(Some(_)))
                    || matches!(outcome.verdict, Verdict::Allowed { via: Via::Bypass, .. });
                prop_assert!(proved_active, "{:?} reset with {:?}", purpose, proof);
            }
        }
    }

    #[test]
    fn usernames_parse_to_the_rule_or_fail_without_panicking(input in "\\PC{0,70}") {
        if let Ok(name) = Username::parse(&input) {
            let s = name.as_str();
            prop_assert!((1..=64).contains(&s.len()));
            prop_assert!(s.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
            prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
            prop_assert_eq!(s, input.to_lowercase());
        }
    }

    #[test]
    fn every_username_the_rule_allows_parses_in_any_case(name in "[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}") {
        let parsed = Username::parse(&name).unwrap();
        prop_assert_eq!(parsed.as_str(), name.to_lowercase());
    }

    #[test]
    fn codes_are_six_digits_with_any_spaces_and_dashes(digits in "[0-9]{6}", seps in proptest::collection::vec("[ -]{0,2}", 7)) {
        let typed: String = seps.iter().zip(digits.chars().map(String::from).chain([String::new()]))
            .map(|(s, d)| format!("{s}{d}")).collect();
        prop_assert!(Code::parse(&typed).is_ok(), "{typed:?}");
    }

    #[test]
    fn anything_else_is_not_a_code(input in "\\PC{0,12}") {
        let kept: String = input.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let valid = kept.len() == 6 && kept.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(Code::parse(&input).is_ok(), valid);
    }

    #[test]
    fn durations_in_range_parse_exactly(minutes in 1i64..=10_080) {
        prop_assert_eq!(parse_bypass_duration(&format!("{minutes}m")).unwrap(), minutes * 60);
    }

    #[test]
    fn durations_never_panic_and_stay_in_range(input in "\\PC{0,24}") {
        if let Ok(seconds) = parse_bypass_duration(&input) {
            prop_assert!((60..=7 * 86_400).contains(&seconds));
        }
    }

    #[test]
    fn recovery_codes_and_times_never_panic(input in "\\PC{0,40}") {
        let _ = RecoveryCode::parse(&input);
        let _ = Timestamp::parse(&input);
    }
}

//! The sign-in pipeline as one table: every purpose × every rule → the verdict and the
//! effects. Read a row as "in this situation, these purposes get this". A test below
//! checks the table covers every pair exactly once.

use super::*;
use crate::domain::fixtures::{NOW, account, clinic};
use crate::domain::policy::Policy;

use Purpose::*;

/// One situation: the account (None: unknown), the password, the proof, a terminal.
struct Situation {
    name: &'static str,
    account: Option<Account>,
    password_ok: bool,
    password_outdated: bool,
    proof: Proof,
    at_terminal: bool,
    /// The door may not let anyone in owing a set-up (PAM that cannot show text).
    bypass_waits: bool,
}

fn situation(name: &'static str, account: Option<Account>, proof: Proof) -> Situation {
    Situation {
        name,
        account,
        password_ok: true,
        password_outdated: false,
        proof,
        at_terminal: false,
        bypass_waits: false,
    }
}

fn enrolled() -> Account {
    Account { enrolled: true, authenticators: 1, recovery_codes_left: 10, ..account() }
}

fn later() -> Option<Timestamp> {
    Some(NOW.plus_seconds(600))
}

/// The situations, one per rule (and per way a rule can go).
fn situations() -> Vec<Situation> {
    vec![
        situation("unknown user", None, Proof::Totp(Some(7))),
        situation("disabled", Some(Account { disabled: true, ..enrolled() }), Proof::Totp(Some(7))),
        situation(
            "locked, right password",
            Some(Account { locked_until: later(), ..enrolled() }),
            Proof::Totp(Some(7)),
        ),
        Situation {
            password_ok: false,
            ..situation(
                "locked, wrong password",
                Some(Account { locked_until: later(), ..enrolled() }),
                Proof::Nothing,
            )
        },
        Situation {
            password_ok: false,
            ..situation("wrong password", Some(enrolled()), Proof::Totp(Some(7)))
        },
        Situation {
            password_ok: false,
            ..situation(
                "wrong password, the 5th failure",
                Some(Account { failed_logins: 4, ..account() }),
                Proof::Nothing,
            )
        },
        situation(
            "temporary password",
            Some(Account { must_change_password: true, ..enrolled() }),
            Proof::Totp(Some(7)),
        ),
        situation(
            "bypass pending",
            Some(Account { bypass_until: later(), ..enrolled() }),
            Proof::Nothing,
        ),
        Situation {
            bypass_waits: true,
            ..situation(
                "bypass pending, where no set-up can be shown",
                Some(Account { bypass_until: later(), ..enrolled() }),
                Proof::Nothing,
            )
        },
        Situation {
            bypass_waits: true,
            ..situation(
                "bypass pending, exempt, where no set-up can be shown",
                Some(Account { bypass_until: later(), policy: Policy::Exempt, ..enrolled() }),
                Proof::Nothing,
            )
        },
        Situation {
            at_terminal: true,
            ..situation(
                "bypass pending, at a terminal",
                Some(Account { bypass_until: later(), ..enrolled() }),
                Proof::Nothing,
            )
        },
        situation("enrolled, no code", Some(enrolled()), Proof::Nothing),
        situation("enrolled, wrong code", Some(enrolled()), Proof::Totp(None)),
        situation("enrolled, unknown recovery code", Some(enrolled()), Proof::RecoveryCode(None)),
        situation("enrolled, good code", Some(enrolled()), Proof::Totp(Some(7))),
        situation(
            "enrolled, code of a phone 2 minutes ahead",
            Some(enrolled()),
            Proof::ClockOff(4),
        ),
        situation(
            "new code of a phone 2 minutes behind",
            Some(account()),
            Proof::NewCode(NewCode::ClockOff(-4)),
        ),
        situation("enrolled, good recovery code", Some(enrolled()), Proof::RecoveryCode(Some(3))),
        situation("required, not enrolled", Some(account()), Proof::Nothing),
        Situation {
            at_terminal: true,
            ..situation("required, not enrolled, at a terminal", Some(account()), Proof::Nothing)
        },
        situation(
            "exempt, not enrolled",
            Some(Account { policy: Policy::Exempt, ..account() }),
            Proof::Nothing,
        ),
        Situation {
            password_outdated: true,
            ..situation(
                "exempt, outdated hash",
                Some(Account { policy: Policy::Exempt, ..account() }),
                Proof::Nothing,
            )
        },
        situation("new code matches", Some(account()), Proof::NewCode(NewCode::Matches(9))),
        situation(
            "new code matches, replacing",
            Some(enrolled()),
            Proof::NewCode(NewCode::Matches(9)),
        ),
        situation(
            "new code wrong",
            Some(Account { failed_logins: 4, ..account() }),
            Proof::NewCode(NewCode::Wrong),
        ),
        situation(
            "new code, set-up expired",
            Some(account()),
            Proof::NewCode(NewCode::Expired(NOW)),
        ),
        situation("new code, no set-up", Some(account()), Proof::NewCode(NewCode::NoPending)),
    ]
}

const ALL: &[Purpose] = &Purpose::ALL;
const LOGIN: &[Purpose] = &[Login, LoginReplacingPassword];
const OWN_2FA: &[Purpose] = &[Enrol, Unenrol, Passwd, RecoveryCodes];
const NEW: &[Purpose] = &[EnrolConfirm, EnrolAtLogin];

/// situation, purposes, verdict and effects (audit entries left out: see below).
const TABLE: &[(&str, &[Purpose], &str)] = &[
    // 1. Locked: whatever the password, and nothing counted.
    ("locked, right password", ALL, "D:locked"),
    ("locked, wrong password", ALL, "D:locked"),
    // 2. One answer for unknown, disabled and wrong; only a wrong password counts.
    ("unknown user", ALL, "D:invalid-credentials"),
    ("disabled", ALL, "D:invalid-credentials"),
    ("wrong password", ALL, "D:invalid-credentials count"),
    ("wrong password, the 5th failure", ALL, "D:invalid-credentials count lock"),
    // 2a. A temporary password is for choosing a new one; that proves the person.
    (
        "temporary password",
        &[Login, Enrol, EnrolConfirm, EnrolAtLogin, Unenrol, RecoveryCodes],
        "D:password-change-required",
    ),
    ("temporary password", &[LoginReplacingPassword], "ok:totp step setpw reset login"),
    ("temporary password", &[Passwd], "ok:totp step setpw reset"),
    // 3. A bypass lets in at login once, taking the old authenticator with it; the
    //    commands on one's own 2FA do not spend it.
    ("bypass pending", &[Login], "ok:bypass+enrol bypass remove reset login"),
    (
        "bypass pending",
        &[LoginReplacingPassword],
        "ok:bypass+enrol bypass remove setpw reset login",
    ),
    ("bypass pending", OWN_2FA, "D:code-required"),
    ("bypass pending", &[EnrolConfirm], "R:no-pending"),
    ("bypass pending", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    // ... except where the door may not let in anyone owing a set-up it cannot show:
    // kept for a sign-in that can; an exempt person owes none.
    ("bypass pending, where no set-up can be shown", LOGIN, "D:enrolment-required"),
    ("bypass pending, where no set-up can be shown", OWN_2FA, "D:code-required"),
    ("bypass pending, where no set-up can be shown", &[EnrolConfirm], "R:no-pending"),
    ("bypass pending, where no set-up can be shown", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    (
        "bypass pending, exempt, where no set-up can be shown",
        &[Login],
        "ok:bypass bypass remove reset login",
    ),
    (
        "bypass pending, exempt, where no set-up can be shown",
        &[LoginReplacingPassword],
        "ok:bypass bypass remove setpw reset login",
    ),
    ("bypass pending, exempt, where no set-up can be shown", OWN_2FA, "D:code-required"),
    ("bypass pending, exempt, where no set-up can be shown", &[EnrolConfirm], "R:no-pending"),
    (
        "bypass pending, exempt, where no set-up can be shown",
        &[EnrolAtLogin],
        "R:enrolled-meanwhile",
    ),
    ("bypass pending, at a terminal", &[Login], "ok:bypass+enrol bypass remove start reset login"),
    (
        "bypass pending, at a terminal",
        &[LoginReplacingPassword],
        "ok:bypass+enrol bypass remove start setpw reset login",
    ),
    ("bypass pending, at a terminal", OWN_2FA, "D:code-required"),
    ("bypass pending, at a terminal", &[EnrolConfirm], "R:no-pending"),
    ("bypass pending, at a terminal", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    // 4. Enrolled: a code of the active authenticator; a wrong one counts.
    ("enrolled, no code", LOGIN, "D:code-required"),
    ("enrolled, no code", OWN_2FA, "D:code-required"),
    ("enrolled, no code", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, no code", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    ("enrolled, wrong code", LOGIN, "D:invalid-code count"),
    ("enrolled, wrong code", OWN_2FA, "D:invalid-code count"),
    ("enrolled, wrong code", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, wrong code", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    ("enrolled, unknown recovery code", LOGIN, "D:invalid-code count"),
    ("enrolled, unknown recovery code", OWN_2FA, "D:invalid-code count"),
    ("enrolled, unknown recovery code", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, unknown recovery code", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    // 4 (a phone whose clock is off): refused and counted like any wrong code.
    ("enrolled, code of a phone 2 minutes ahead", LOGIN, "D:invalid-code count"),
    ("enrolled, code of a phone 2 minutes ahead", OWN_2FA, "D:invalid-code count"),
    ("enrolled, code of a phone 2 minutes ahead", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, code of a phone 2 minutes ahead", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    ("new code of a phone 2 minutes behind", NEW, "D:invalid-code count"),
    ("new code of a phone 2 minutes behind", &[Login], "D:enrolment-required"),
    (
        "new code of a phone 2 minutes behind",
        &[LoginReplacingPassword],
        "D:enrolment-required setpw",
    ),
    ("new code of a phone 2 minutes behind", &[Enrol], "ok:none start reset"),
    ("new code of a phone 2 minutes behind", &[Passwd], "ok:none setpw reset"),
    ("new code of a phone 2 minutes behind", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("enrolled, good code", &[Login], "ok:totp step reset login"),
    ("enrolled, good code", &[LoginReplacingPassword], "ok:totp step setpw reset login"),
    ("enrolled, good code", &[Enrol], "ok:totp step start reset"),
    ("enrolled, good code", &[Unenrol], "ok:totp step remove reset"),
    ("enrolled, good code", &[Passwd], "ok:totp step setpw reset"),
    ("enrolled, good code", &[RecoveryCodes], "ok:totp step codes reset"),
    ("enrolled, good code", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, good code", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    ("enrolled, good recovery code", &[Login], "ok:recovery-code rc reset login"),
    (
        "enrolled, good recovery code",
        &[LoginReplacingPassword],
        "ok:recovery-code rc setpw reset login",
    ),
    ("enrolled, good recovery code", &[Enrol], "ok:recovery-code rc start reset"),
    ("enrolled, good recovery code", &[Unenrol], "ok:recovery-code rc remove reset"),
    ("enrolled, good recovery code", &[Passwd], "ok:recovery-code rc setpw reset"),
    ("enrolled, good recovery code", &[RecoveryCodes], "ok:recovery-code rc codes reset"),
    ("enrolled, good recovery code", &[EnrolConfirm], "R:no-pending"),
    ("enrolled, good recovery code", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    // 5. Required and not enrolled: at login, set up first (at a terminal, at once);
    //    the new password replacing a temporary one is kept. Nothing is reset.
    ("required, not enrolled", &[Login], "D:enrolment-required"),
    ("required, not enrolled", &[LoginReplacingPassword], "D:enrolment-required setpw"),
    ("required, not enrolled, at a terminal", &[Login], "D:enrolment-required start"),
    (
        "required, not enrolled, at a terminal",
        &[LoginReplacingPassword],
        "D:enrolment-required setpw start",
    ),
    // 6. Otherwise the password is all the account has, and it was proved.
    ("exempt, not enrolled", &[Login], "ok:none reset login"),
    ("exempt, not enrolled", &[LoginReplacingPassword], "ok:none setpw reset login"),
    ("exempt, outdated hash", &[Login], "ok:none upgrade reset login"),
    ("exempt, outdated hash", &[LoginReplacingPassword], "ok:none setpw reset login"),
    ("exempt, outdated hash", &[Enrol], "ok:none start upgrade reset"),
    ("exempt, outdated hash", &[Passwd], "ok:none setpw reset"),
    ("exempt, outdated hash", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("exempt, outdated hash", NEW, "R:no-pending"),
    // What the other purposes make of an account with no authenticator.
    ("required, not enrolled", &[Enrol], "ok:none start reset"),
    ("required, not enrolled, at a terminal", &[Enrol], "ok:none start reset"),
    ("exempt, not enrolled", &[Enrol], "ok:none start reset"),
    ("required, not enrolled", &[Passwd], "ok:none setpw reset"),
    ("required, not enrolled, at a terminal", &[Passwd], "ok:none setpw reset"),
    ("exempt, not enrolled", &[Passwd], "ok:none setpw reset"),
    ("required, not enrolled", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("required, not enrolled, at a terminal", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("exempt, not enrolled", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("required, not enrolled", NEW, "R:no-pending"),
    ("required, not enrolled, at a terminal", NEW, "R:no-pending"),
    ("exempt, not enrolled", NEW, "R:no-pending"),
    // A code from the authenticator being set up. Confirming a replacement proves the
    // password and the new code, not the active one: no reset.
    ("new code matches", &[EnrolConfirm], "ok:totp activate reset"),
    ("new code matches", &[EnrolAtLogin], "ok:totp activate reset login"),
    ("new code matches", &[Login], "D:enrolment-required"),
    ("new code matches", &[LoginReplacingPassword], "D:enrolment-required setpw"),
    ("new code matches", &[Enrol], "ok:none start reset"),
    ("new code matches", &[Passwd], "ok:none setpw reset"),
    ("new code matches", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("new code matches, replacing", &[EnrolConfirm], "ok:totp activate"),
    ("new code matches, replacing", &[EnrolAtLogin], "R:enrolled-meanwhile"),
    ("new code matches, replacing", LOGIN, "D:invalid-code count"),
    ("new code matches, replacing", OWN_2FA, "D:invalid-code count"),
    ("new code wrong", NEW, "D:invalid-code count lock"),
    ("new code wrong", &[Login], "D:enrolment-required"),
    ("new code wrong", &[LoginReplacingPassword], "D:enrolment-required setpw"),
    ("new code wrong", &[Enrol], "ok:none start reset"),
    ("new code wrong", &[Passwd], "ok:none setpw reset"),
    ("new code wrong", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("new code, set-up expired", NEW, "R:expired"),
    ("new code, set-up expired", &[Login], "D:enrolment-required"),
    ("new code, set-up expired", &[LoginReplacingPassword], "D:enrolment-required setpw"),
    ("new code, set-up expired", &[Enrol], "ok:none start reset"),
    ("new code, set-up expired", &[Passwd], "ok:none setpw reset"),
    ("new code, set-up expired", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
    ("new code, no set-up", NEW, "R:no-pending"),
    ("new code, no set-up", &[Login], "D:enrolment-required"),
    ("new code, no set-up", &[LoginReplacingPassword], "D:enrolment-required setpw"),
    ("new code, no set-up", &[Enrol], "ok:none start reset"),
    ("new code, no set-up", &[Passwd], "ok:none setpw reset"),
    ("new code, no set-up", &[Unenrol, RecoveryCodes], "R:not-enrolled"),
];

fn facts<'a>(s: &'a Situation, purpose: Purpose, clinic: &'a Clinic) -> Facts<'a> {
    Facts {
        purpose,
        account: s.account.as_ref(),
        password_ok: s.password_ok,
        password_outdated: s.password_outdated,
        proof: s.proof,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal: s.at_terminal,
        bypass_waits_for_set_up: s.bypass_waits,
        clinic,
        now: NOW,
    }
}

/// The verdict and the effects other than audit entries, as the table writes them.
fn summary(outcome: &Outcome) -> String {
    let verdict = match outcome.verdict {
        Verdict::Allowed { via, enrolment_required } => {
            let more = if enrolment_required { "+enrol" } else { "" };
            format!("ok:{}{more}", via.second_factor().as_str())
        }
        Verdict::Denied(reason) => format!("D:{}", reason.as_str()),
        Verdict::Refused(Refusal::NotEnrolled) => "R:not-enrolled".into(),
        Verdict::Refused(Refusal::NoPending) => "R:no-pending".into(),
        Verdict::Refused(Refusal::PendingExpired(_)) => "R:expired".into(),
        Verdict::Refused(Refusal::EnrolledMeanwhile) => "R:enrolled-meanwhile".into(),
        Verdict::Refused(Refusal::TooManyAuthenticators) => "R:too-many".into(),
        Verdict::Refused(Refusal::NoSuchAuthenticator(_)) => "R:no-such-device".into(),
    };
    let effects = outcome.effects.iter().filter_map(|e| match e {
        Effect::CountFailure => Some("count"),
        Effect::Lock { .. } => Some("lock"),
        Effect::ResetFailures => Some("reset"),
        Effect::SpendTotpStep { .. } => Some("step"),
        Effect::SpendRecoveryCode(_) => Some("rc"),
        Effect::SpendBypass => Some("bypass"),
        Effect::RemoveAuthenticator => Some("remove"),
        Effect::RemoveOneAuthenticator(_) => Some("remove-one"),
        Effect::SetPassword => Some("setpw"),
        Effect::UpgradePasswordHash => Some("upgrade"),
        Effect::StartEnrolment(_) => Some("start"),
        Effect::ActivateEnrolment { .. } => Some("activate"),
        Effect::ReplaceRecoveryCodes => Some("codes"),
        Effect::RecordLogin => Some("login"),
        Effect::Audit(_) => None,
    });
    std::iter::once(verdict.as_str()).chain(effects).collect::<Vec<_>>().join(" ")
}

#[test]
fn every_purpose_in_every_situation_gets_what_the_table_says() {
    let clinic = clinic(true);
    let situations = situations();
    let mut failures = Vec::new();
    for s in &situations {
        for purpose in Purpose::ALL {
            let rows: Vec<_> = TABLE
                .iter()
                .filter(|(name, ps, _)| *name == s.name && ps.contains(&purpose))
                .collect();
            let [(_, _, expected)] = rows.as_slice() else {
                failures.push(format!("{} × {purpose:?}: {} rows", s.name, rows.len()));
                continue;
            };
            let actual = summary(&decide(&facts(s, purpose, &clinic)));
            if actual != *expected {
                failures
                    .push(format!("{} × {purpose:?}: {actual:?}, table says {expected:?}", s.name));
            }
        }
    }
    for (name, _, _) in TABLE {
        if !situations.iter().any(|s| s.name == *name) {
            failures.push(format!("the table names an unknown situation {name:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_attempt_leaves_one_audit_entry_of_its_own_and_lockouts_and_bypasses_theirs() {
    let clinic = clinic(true);
    for s in &situations() {
        for purpose in Purpose::ALL {
            let outcome = decide(&facts(s, purpose, &clinic));
            let notes: Vec<&Note> = outcome
                .effects
                .iter()
                .filter_map(|e| if let Effect::Audit(n) = e { Some(n) } else { None })
                .collect();
            let own = notes.iter().filter(|n| n.action == purpose.action()).count();
            let expected_own = usize::from(!matches!(outcome.verdict, Verdict::Refused(_)));
            assert_eq!(own, expected_own, "{} × {purpose:?}: {notes:?}", s.name);
            let locks = outcome.effects.iter().filter(|e| matches!(e, Effect::Lock { .. })).count();
            let lock_notes = notes.iter().filter(|n| n.action == Action::Lockout).count();
            assert_eq!(locks, lock_notes, "{} × {purpose:?}", s.name);
            let bypasses = outcome.effects.iter().filter(|e| **e == Effect::SpendBypass).count();
            assert_eq!(bypasses, notes.iter().filter(|n| n.action == Action::BypassUse).count());
            if let Verdict::Denied(reason) = outcome.verdict {
                let denial = notes.iter().find(|n| n.action == purpose.action()).unwrap();
                assert_eq!(
                    (denial.outcome, denial.detail.as_deref()),
                    ("denied", Some(reason.as_str()))
                );
            }
        }
    }
}

#[test]
fn a_lockout_starts_at_the_threshold_for_the_configured_minutes() {
    let c = clinic(false);
    assert_eq!(lockout_after(4, &c, NOW), None);
    assert_eq!(lockout_after(5, &c, NOW), Some(NOW.plus_seconds(15 * 60)));
    let fourth = Account { failed_logins: 4, ..account() };
    let f = Facts {
        purpose: Login,
        account: Some(&fourth),
        password_ok: false,
        password_outdated: false,
        proof: Proof::Nothing,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal: false,
        bypass_waits_for_set_up: false,
        clinic: &c,
        now: NOW,
    };
    assert!(decide(&f).effects.contains(&Effect::Lock { until: NOW.plus_seconds(15 * 60) }));
    // A lock that has run out is no lock.
    let lapsed = Account { locked_until: Some(NOW), ..account() };
    let f = Facts { account: Some(&lapsed), password_ok: true, ..f };
    assert!(matches!(decide(&f).verdict, Verdict::Allowed { .. }));
}

#[test]
fn a_code_from_a_phone_with_a_wrong_clock_is_refused_and_says_by_how_much() {
    let c = clinic(true);
    let alice = enrolled();
    let facts = |proof| Facts {
        purpose: Login,
        account: Some(&alice),
        password_ok: true,
        password_outdated: false,
        proof,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal: false,
        bypass_waits_for_set_up: false,
        clinic: &c,
        now: NOW,
    };
    assert_eq!(decide(&facts(Proof::ClockOff(4))).clock_off_minutes, Some(2));
    assert_eq!(decide(&facts(Proof::ClockOff(-5))).clock_off_minutes, Some(-3));
    assert_eq!(decide(&facts(Proof::Totp(None))).clock_off_minutes, None);
    // Only a refused code gets the hint: a wrong password is about the password.
    let wrong_password = Facts { password_ok: false, ..facts(Proof::ClockOff(4)) };
    assert_eq!(decide(&wrong_password).clock_off_minutes, None);
}

#[test]
fn rule_5_within_the_grace_lets_in_with_the_password_alone_and_says_until_when() {
    let mut c = clinic(true);
    c.enrol_grace_days = 14;
    c.reaches_staff_since = Some(NOW);
    let alice = account();
    let f = |purpose, at_terminal, now| Facts {
        purpose,
        account: Some(&alice),
        password_ok: true,
        password_outdated: false,
        proof: Proof::Nothing,
        signed_with: Some(crate::domain::device::DeviceName::default_name()),
        target: None,
        at_terminal,
        bypass_waits_for_set_up: false,
        clinic: &c,
        now,
    };
    let due = NOW.plus_seconds(14 * 86_400);
    for (purpose, effects) in
        [(Login, "ok:none reset login"), (LoginReplacingPassword, "ok:none setpw reset login")]
    {
        for terminal in [false, true] {
            let outcome = decide(&f(purpose, terminal, NOW));
            assert_eq!(summary(&outcome), effects, "{purpose:?}");
            assert_eq!(outcome.enrolment_due, Some(due));
        }
    }
    // After the grace, rule 5 as before.
    let after = decide(&f(Login, false, due));
    assert_eq!(after.verdict, Verdict::Denied(DenyReason::EnrolmentRequired));
    assert_eq!(after.enrolment_due, None);
    // Never after a spent bypass.
    let forfeited = Account { grace_forfeited: true, ..account() };
    let outcome = decide(&Facts { account: Some(&forfeited), ..f(Login, false, NOW) });
    assert_eq!(outcome.verdict, Verdict::Denied(DenyReason::EnrolmentRequired));
}

#[test]
fn deny_reasons_map_to_the_contract_exit_codes() {
    use DenyReason::*;
    let codes = [
        InvalidCredentials,
        CodeRequired,
        InvalidCode,
        Locked,
        EnrolmentRequired,
        PasswordChangeRequired,
    ]
    .map(DenyReason::exit_code);
    assert_eq!(codes, [3, 3, 3, 4, 5, 5]);
}

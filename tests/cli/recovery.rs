//! Recovery codes: shown once, each usable once wherever a code is accepted.

use serde_json::json;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};

#[test]
fn a_recovery_code_signs_in_once_in_any_case_and_grouping() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (_, codes) = clinic.enrol("alice");
    assert!(codes.iter().all(|c| c.len() == 19 && c.split('-').count() == 4), "{codes:?}");
    let shouted = codes[0].to_uppercase().replace('-', " ");
    let ok = clinic.login_at("alice", NOW, &["--recovery-code", &shouted]).code(0);
    assert_eq!(
        ok.json(),
        json!({"username": "alice", "result": "success", "second_factor": "recovery-code", "enrolment_required": false})
    );
    assert!(ok.stderr().contains("9 left"), "{}", ok.stderr());
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 9);
    let again = clinic.login_at("alice", NOW, &["--recovery-code", &codes[0]]).code(3);
    assert_eq!(again.json()["reason"], "invalid-code");
    // About the recovery code, not the app's next code.
    assert!(
        again.stderr().contains("that recovery code is wrong or was already used"),
        "{}",
        again.stderr()
    );
    assert!(!again.stderr().contains("next code"), "{}", again.stderr());
    clinic.login_at("alice", NOW, &["--recovery-code", "not-a-code"]).code(2);
    assert!(!clinic.db_bytes().windows(19).any(|w| codes.iter().any(|c| c.as_bytes() == w)));
}

#[test]
fn spending_the_last_recovery_code_warns() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (_, codes) = clinic.enrol("alice");
    for code in &codes[..9] {
        clinic.login_at("alice", NOW, &["--recovery-code", code]).code(0);
    }
    let last = clinic.login_at("alice", NOW, &["--recovery-code", &codes[9]]).code(0);
    assert!(last.stderr().contains("last recovery code"), "{}", last.stderr());
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 0);
}

#[test]
fn recovery_codes_work_for_unenrol_and_for_replacing_the_phone() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (_, codes) = clinic.enrol("alice");
    let pending = clinic
        .at(
            NOW,
            &["--json", "enrol", "alice", "--password-stdin", "--recovery-code", &codes[0]],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    let new = pending["secret"].as_str().unwrap().to_owned();
    let confirmed = clinic
        .at(
            NOW,
            &["--json", "enrol", "alice", "--password-stdin", "--confirm", &totp_code(&new, NOW)],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    // A new phone brings a new set: the old codes are gone.
    clinic.login_at("alice", NOW, &["--recovery-code", &codes[1]]).code(3);
    let fresh = confirmed["recovery_codes"][0].as_str().unwrap();
    clinic
        .at(
            NOW,
            &["unenrol", "alice", "--password-stdin", "--recovery-code", fresh],
            Some(PASSWORD),
        )
        .code(0);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);
}

#[test]
fn recovery_codes_command_issues_a_fresh_set_and_voids_the_old() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, old) = clinic.enrol("alice");
    clinic.login_at("alice", NOW, &["--recovery-code", &old[0]]).code(0);
    let at = NOW + 60;
    let run = clinic
        .at(
            at,
            &[
                "--json",
                "recovery-codes",
                "alice",
                "--password-stdin",
                "--code",
                &totp_code(&secret, at),
            ],
            Some(PASSWORD),
        )
        .code(0);
    let new: Vec<String> = run.json()["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(new.len(), 10);
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 10);
    clinic.login_at("alice", at, &["--recovery-code", &old[1]]).code(3);
    clinic.login_at("alice", at, &["--recovery-code", &new[1]]).code(0);
    // A recovery code is accepted here too, and is spent by it.
    let again = clinic
        .at(
            at,
            &["--json", "recovery-codes", "alice", "--password-stdin", "--recovery-code", &new[2]],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    assert_eq!(again["recovery_codes"].as_array().unwrap().len(), 10);
    clinic.login_at("alice", at, &["--recovery-code", &new[3]]).code(3);
    clinic
        .at(at, &["recovery-codes", "alice", "--password-stdin"], Some(PASSWORD))
        .code(2)
        .error_line(&["--code"]);
}

#[test]
fn one_recovery_code_from_concurrent_logins_lets_exactly_one_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    let (_, codes) = clinic.enrol("alice");
    let results: Vec<Option<i32>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    clinic.login_at("alice", NOW, &["--recovery-code", &codes[3]]).0.status.code()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|c| **c == Some(0)).count(), 1, "{results:?}");
    // The others offered a code that was spent by then: a used code, counted.
    assert_eq!(results.iter().filter(|c| **c == Some(3)).count(), 15, "{results:?}");
    let failures: i64 = clinic.sql("SELECT failed_logins FROM accounts");
    assert_eq!(failures, 15);
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 9);
}

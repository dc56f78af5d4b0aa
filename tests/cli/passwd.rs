//! `passwd`: a person changing their own password.

use serde_json::json;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};

const NEW: &str = "a fresh long passphrase";

fn passwd(clinic: &Clinic, stdin: &str, extra: &[&str]) -> crate::harness::Run {
    let mut args = vec!["--json", "passwd", "alice", "--password-stdin"];
    args.extend_from_slice(extra);
    clinic.at(NOW + 30, &args, Some(stdin))
}

#[test]
fn the_current_then_the_new_password_on_stdin_changes_it() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let done = passwd(&clinic, &format!("{PASSWORD}\n{NEW}"), &[]).code(0).json();
    assert_eq!(done, json!({"username": "alice", "password_changed": true}));
    clinic.login("alice", PASSWORD, &[]).code(3);
    clinic.login("alice", NEW, &[]).code(0);
}

#[test]
fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    passwd(&clinic, &format!("not the password\n{NEW}"), &[]).code(3);
    passwd(&clinic, &format!("{PASSWORD}\npassword1"), &[]).code(2).error_line(&["commonly used"]);
    passwd(&clinic, &format!("{PASSWORD}\n{PASSWORD}"), &[])
        .code(2)
        .error_line(&["current password"]);
    passwd(&clinic, PASSWORD, &[]).code(2).error_line(&["new password"]);
    clinic.login("alice", PASSWORD, &[]).code(0);
}

#[test]
fn an_enrolled_person_needs_a_code_or_a_recovery_code() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    let stdin = format!("{PASSWORD}\n{NEW}");
    assert_eq!(passwd(&clinic, &stdin, &[]).code(3).json()["reason"], "code-required");
    passwd(&clinic, &stdin, &["--code", "000000"]).code(3);
    passwd(&clinic, &stdin, &["--recovery-code", &codes[0]]).code(0);
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 9);
    let stdin = format!("{NEW}\n{PASSWORD}");
    passwd(&clinic, &stdin, &["--code", &totp_code(&secret, NOW + 30)]).code(0);
    clinic.login_at("alice", NOW + 60, &["--code", &totp_code(&secret, NOW + 60)]).code(0);
}

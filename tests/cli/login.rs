//! `login` for accounts without an authenticator: the password rules, the answer that
//! does not say which part was wrong, and what is recorded.

use serde_json::json;

use crate::harness::{Clinic, PASSWORD};

#[test]
fn a_correct_password_signs_in_and_records_the_time() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let result = clinic.login("ALICE", PASSWORD, &[]).code(0).json();
    assert_eq!(
        result,
        json!({"username": "alice", "result": "success", "second_factor": "none", "enrolment_required": false})
    );
    assert_eq!(clinic.user("alice")["last_login_at"], "2026-11-27T17:00:00Z");
    let text =
        clinic.ok(&["login", "alice", "--password-stdin"], Some(&format!("{PASSWORD}\n"))).stdout();
    assert!(text.contains("Signed in as alice"), "{text}");
}

#[test]
fn unknown_user_disabled_user_and_wrong_password_look_the_same() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("dora", &[]);
    clinic.ok(&["user", "disable", "dora"], None);
    let attempts = [("alice", "not her password"), ("ghost", PASSWORD), ("dora", PASSWORD)];
    let answers: Vec<(String, serde_json::Value)> = attempts
        .iter()
        .map(|(user, password)| {
            let run = clinic.login(user, password, &[]).code(3);
            let mut json = run.json();
            json["username"] = json!("?");
            (run.stderr(), json)
        })
        .collect();
    assert_eq!(
        answers[0].1,
        json!({"username": "?", "result": "denied", "reason": "invalid-credentials"})
    );
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:#?}");
    assert!(answers[0].0.starts_with("clinic2fa: sign-in denied"), "{}", answers[0].0);
    assert_eq!(clinic.user("alice")["last_login_at"], serde_json::Value::Null);
}

#[test]
fn a_required_but_unenrolled_user_is_sent_to_enrol_with_exit_5() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    let run = clinic.login("alice", PASSWORD, &[]).code(5);
    assert_eq!(
        run.json(),
        json!({"username": "alice", "result": "denied", "reason": "enrolment-required"})
    );
    run.error_line(&["clinic2fa enrol alice"]);
    // The clinic-wide rule reaches accounts on the clinic default, not exempt ones.
    clinic.add_user("bob", &[]);
    clinic.add_user("carl", &["--2fa", "exempt"]);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.login("bob", PASSWORD, &[]).code(5);
    clinic.login("carl", PASSWORD, &[]).code(0);
    // A wrong password is still just wrong: nothing about 2FA is revealed.
    assert_eq!(
        clinic.login("bob", "nope nope nope", &[]).code(3).json()["reason"],
        "invalid-credentials"
    );
}

#[test]
fn every_login_is_audited_without_the_password() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.login("alice", PASSWORD, &[]).code(0);
    clinic.login("alice", "a wrong one here", &[]).code(3);
    let outcomes: String = clinic.sql(
        "SELECT group_concat(outcome || ':' || detail, ',') FROM audit_log WHERE action = 'login'",
    );
    assert_eq!(outcomes, "success:none,denied:invalid-credentials");
    let actor: String = clinic.sql("SELECT actor FROM audit_log WHERE action = 'login' LIMIT 1");
    assert_eq!(actor, "alice");
}

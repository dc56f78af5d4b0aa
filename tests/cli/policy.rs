//! The 2FA policy end to end: rules 3 and 4 of login, the per-user override, the
//! one-time bypass, unlock. (Every rule for every command is the table in
//! `src/domain/signin/tests.rs`; rules 1, 2, 5 and 6 end to end are in `login.rs`
//! and `signin.rs`.)

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};

const HOUR: i64 = 3600;

fn policy_of(clinic: &Clinic, user: &str) -> Value {
    clinic.user(user)["two_factor"]["policy"].clone()
}

#[test]
fn rule_3_a_pending_bypass_is_spent_and_the_old_authenticator_removed() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    let (secret, codes) = clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let at = NOW + 60;
    let run = clinic.login_at("alice", at, &[]).code(0);
    assert_eq!(
        run.json(),
        json!({"username": "alice", "result": "success", "second_factor": "bypass", "enrolment_required": true})
    );
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], false);
    assert_eq!(user["two_factor"]["recovery_codes_left"], 0);
    assert_eq!(user["two_factor"]["bypass"], Value::Null);
    assert_eq!(user["two_factor"]["policy"], "required");
    // The lost phone's codes and the old recovery codes no longer let anyone in.
    let at = at + 30;
    let old_code = clinic.login_at("alice", at, &["--code", &totp_code(&secret, at)]).code(5);
    assert_eq!(old_code.json()["reason"], "enrolment-required");
    clinic.login_at("alice", at, &["--recovery-code", &codes[0]]).code(5);
}

#[test]
fn rule_4_enrolled_needs_a_valid_unused_code() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 30;
    assert_eq!(clinic.login_at("alice", at, &[]).code(3).json()["reason"], "code-required");
    assert_eq!(
        clinic.login_at("alice", at, &["--code", "000000"]).code(3).json()["reason"],
        "invalid-code"
    );
    let code = totp_code(&secret, at);
    assert_eq!(
        clinic.login_at("alice", at, &["--code", &code]).code(0).json()["second_factor"],
        "totp"
    );
    assert_eq!(
        clinic.login_at("alice", at, &["--code", &code]).code(3).json()["reason"],
        "invalid-code"
    );
}

#[test]
fn the_per_user_setting_beats_the_clinic_wide_rule() {
    let clinic = Clinic::new();
    for user in ["dflt", "req", "exm"] {
        clinic.add_user(user, &[]);
    }
    assert_eq!(
        clinic.json(&["user", "2fa", "set", "req", "required"], None)["two_factor"]["policy"],
        "required"
    );
    clinic.ok(&["user", "2fa", "set", "exm", "exempt"], None);
    let required = |clinic: &Clinic| -> Vec<bool> {
        ["dflt", "req", "exm"]
            .iter()
            .map(|u| clinic.user(u)["two_factor"]["required"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(required(&clinic), [false, true, false]);
    clinic.login("req", PASSWORD, &[]).code(5);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    assert_eq!(required(&clinic), [true, true, false]);
    clinic.login("dflt", PASSWORD, &[]).code(5);
    clinic.login("exm", PASSWORD, &[]).code(0);
    let table = clinic.ok(&["user", "list"], None).stdout();
    assert!(table.contains("exempt") && table.contains("required"), "{table}");
    clinic
        .run(&["user", "2fa", "set", "req", "sometimes"], None)
        .code(2)
        .error_line(&["clinic-default"]);
    clinic.run(&["user", "2fa", "set", "ghost", "exempt"], None).code(1);
}

// --- The one-time bypass ---------------------------------------------------------------

#[test]
fn grant_bypass_shows_its_expiry_and_never_changes_the_policy() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let granted = clinic.json(&["user", "grant-bypass", "alice"], None);
    assert_eq!(granted["two_factor"]["bypass"], json!({"expires_at": "2026-11-28T17:00:00Z"}));
    assert_eq!(granted["two_factor"]["policy"], "clinic-default");
    let short = clinic.json(&["user", "grant-bypass", "alice", "--expires-in", "30m"], None);
    assert_eq!(short["two_factor"]["bypass"], json!({"expires_at": "2026-11-27T17:30:00Z"}));
    clinic.ok(&["clinic", "set", "bypass-hours", "2"], None);
    let default = clinic.json(&["user", "grant-bypass", "alice"], None);
    assert_eq!(default["two_factor"]["bypass"]["expires_at"], "2026-11-27T19:00:00Z");
    let text = clinic.ok(&["user", "grant-bypass", "alice"], None).stdout();
    assert!(text.contains("stays clinic-default"), "{text}");
    let shown = clinic.ok(&["user", "show", "alice"], None).stdout();
    assert!(shown.contains("pending, expires 2026-11-27 19:00 +00:00"), "{shown}");
    // People see local time with its offset; JSON stays UTC.
    let mut berlin = clinic.command();
    berlin.env("TZ", "CET-1CEST,M3.5.0,M10.5.0/3").args(["user", "show", "alice"]);
    let shown = String::from_utf8(berlin.output().unwrap().stdout).unwrap();
    assert!(shown.contains("pending, expires 2026-11-27 20:00 +01:00"), "{shown}");
    let mut berlin = clinic.command();
    berlin.env("TZ", "CET-1CEST,M3.5.0,M10.5.0/3").args(["--json", "user", "show", "alice"]);
    let json: Value = serde_json::from_slice(&berlin.output().unwrap().stdout).unwrap();
    assert_eq!(json["two_factor"]["bypass"]["expires_at"], "2026-11-27T19:00:00Z");
    clinic
        .run(&["user", "grant-bypass", "alice", "--expires-in", "forever"], None)
        .code(2)
        .error_line(&["24h"]);
    clinic.run(&["user", "grant-bypass", "alice", "--expires-in", "8d"], None).code(2);
    clinic.run(&["user", "grant-bypass", "ghost"], None).code(1);
    assert_eq!(policy_of(&clinic, "alice"), "clinic-default");
}

#[test]
fn setting_the_policy_never_touches_a_pending_bypass() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    for policy in ["required", "exempt", "clinic-default"] {
        let shown = clinic.json(&["user", "2fa", "set", "alice", policy], None);
        assert_eq!(shown["two_factor"]["bypass"]["expires_at"], "2026-11-28T17:00:00Z", "{policy}");
    }
}

#[test]
fn a_bypass_is_spent_once_and_a_wrong_password_does_not_spend_it() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    assert_eq!(
        clinic.login("alice", "wrong password!", &[]).code(3).json()["reason"],
        "invalid-credentials"
    );
    assert!(clinic.user("alice")["two_factor"]["bypass"].is_object());
    clinic.login("alice", PASSWORD, &[]).code(0);
    // Spent: the second login has no authenticator and 2FA applies.
    assert_eq!(clinic.login("alice", PASSWORD, &[]).code(5).json()["reason"], "enrolment-required");
    // Enrolling again brings 2FA back, with the clinic default untouched throughout.
    clinic.enrol_at("alice", NOW + 60, &[]);
    assert_eq!(policy_of(&clinic, "alice"), "clinic-default");
    let audit: String =
        clinic.sql("SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log WHERE action LIKE '%bypass%' ORDER BY id) AS t");
    assert_eq!(audit, "user.grant-bypass,bypass.use");
}

#[test]
fn where_2fa_does_not_apply_a_bypass_needs_no_enrolment_afterwards() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "exempt"]);
    clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let run = clinic.login("alice", PASSWORD, &[]).code(0).json();
    assert_eq!(
        (run["second_factor"].as_str(), run["enrolment_required"].as_bool()),
        (Some("bypass"), Some(false))
    );
    assert_eq!(clinic.login("alice", PASSWORD, &[]).code(0).json()["second_factor"], "none");
}

#[test]
fn an_expired_or_revoked_bypass_grants_nothing() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    clinic.enrol("alice");
    clinic.enrol("bob");
    clinic.ok(&["user", "grant-bypass", "alice", "--expires-in", "30m"], None);
    let later = NOW + HOUR;
    assert_eq!(clinic.login_at("alice", later, &[]).code(3).json()["reason"], "code-required");
    assert_eq!(
        clinic.at(later, &["--json", "user", "show", "alice"], None).json()["two_factor"]["bypass"],
        Value::Null
    );
    clinic.ok(&["user", "grant-bypass", "bob"], None);
    let revoked = clinic.json(&["user", "revoke-bypass", "bob"], None);
    assert_eq!(revoked["two_factor"]["bypass"], Value::Null);
    assert_eq!(revoked["two_factor"]["policy"], "clinic-default");
    assert_eq!(clinic.login("bob", PASSWORD, &[]).code(3).json()["reason"], "code-required");
    assert_eq!(clinic.user("bob")["two_factor"]["enrolled"], true);
    // Revoking when nothing is pending is not an error.
    clinic.ok(&["user", "revoke-bypass", "bob"], None);
}

#[test]
fn sixteen_concurrent_logins_against_one_bypass_let_exactly_one_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let codes: Vec<Option<i32>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|_| scope.spawn(|| clinic.login("alice", PASSWORD, &[]).0.status.code()))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == Some(5)).count(), 15, "{codes:?}");
    let spent: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'bypass.use'");
    assert_eq!(spent, 1);
}

// --- Lockout ---------------------------------------------------------------------------

#[test]
fn unlock_clears_a_lockout_and_the_count() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "2"], None);
    clinic.ok(&["clinic", "set", "lockout-minutes", "60"], None);
    clinic.login("alice", "wrong password!", &[]).code(3);
    clinic.login("alice", "wrong password!", &[]).code(3);
    assert_eq!(clinic.user("alice")["locked_until"], "2026-11-27T18:00:00Z");
    let table = clinic.ok(&["user", "list"], None).stdout();
    assert!(table.contains("until 2026-11-27 18:00 +00:00"), "{table}");
    assert_eq!(clinic.json(&["user", "unlock", "alice"], None)["locked_until"], Value::Null);
    clinic.login("alice", PASSWORD, &[]).code(0);
    clinic.run(&["user", "unlock", "ghost"], None).code(1);
}

#[test]
fn eight_parallel_wrong_passwords_count_eight() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| clinic.login("alice", "wrong password!", &[]).code(3));
        }
    });
    let failures: i64 = clinic.sql("SELECT failed_logins FROM accounts WHERE username = 'alice'");
    assert_eq!(failures, 8);
}

#[test]
fn an_override_with_until_reverts_to_clinic_default_by_itself_and_is_recorded() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let day = 86_400;
    let set = clinic.json(&["user", "2fa", "set", "alice", "exempt", "--until", "30d"], None);
    assert_eq!(set["two_factor"]["policy"], "exempt");
    assert_eq!(set["two_factor"]["policy_until"], "2026-12-27T17:00:00Z");
    assert_eq!(set["two_factor"]["required"], false);
    let text =
        clinic.ok(&["user", "2fa", "set", "alice", "exempt", "--until", "30d"], None).stdout();
    assert!(text.contains("then clinic-default again"), "{text}");
    clinic.login("alice", PASSWORD, &[]).code(0);
    // Within 14 days of the end, report lists it.
    let soon = clinic.at(NOW + 20 * day, &["--json", "report"], None).code(0).json();
    assert_eq!(
        soon["overrides_ending"],
        json!([{"username": "alice", "policy": "exempt", "until": "2026-12-27T17:00:00Z"}])
    );
    assert_eq!(
        clinic.json(&["report"], None)["overrides_ending"],
        json!([]),
        "not yet within 14 days"
    );
    // From the end on: clinic-default, without anyone running a command at that moment.
    let after = NOW + 31 * day;
    assert_eq!(clinic.login_at("alice", after, &[]).code(5).json()["reason"], "enrolment-required");
    let shown = clinic.at(after, &["--json", "user", "show", "alice"], None).code(0).json();
    assert_eq!(shown["two_factor"]["policy"], "clinic-default");
    assert_eq!(shown["two_factor"]["policy_until"], Value::Null);
    // The end is in the audit trail, dated when it happened, once.
    let ended: String = clinic.sql("SELECT group_concat(at || ' ' || detail, ';') FROM audit_log WHERE action = 'user.2fa-ended'");
    assert_eq!(
        ended,
        format!("{} exempt ended at 2026-12-27T17:00:00Z; now clinic-default", NOW + 30 * day)
    );
    clinic.at(after, &["audit", "verify"], None).code(0);
}

#[test]
fn setting_an_override_without_until_clears_its_end_and_until_is_checked() {
    let clinic = Clinic::new();
    clinic.add_user("bob", &[]);
    clinic.ok(&["user", "2fa", "set", "bob", "required", "--until", "2026-12-31"], None);
    assert_eq!(clinic.user("bob")["two_factor"]["policy_until"], "2026-12-31T00:00:00Z");
    clinic.ok(&["user", "2fa", "set", "bob", "required"], None);
    assert_eq!(clinic.user("bob")["two_factor"]["policy_until"], Value::Null);
    clinic.login_at("bob", NOW + 400 * 86_400, &[]).code(5);
    clinic
        .run(&["user", "2fa", "set", "bob", "clinic-default", "--until", "30d"], None)
        .code(2)
        .error_line(&["--until goes with required or exempt"]);
    clinic
        .run(&["user", "2fa", "set", "bob", "exempt", "--until", "2020-01-01"], None)
        .code(2)
        .error_line(&["not in the future"]);
    clinic
        .run(&["user", "2fa", "set", "bob", "exempt", "--until", "someday"], None)
        .code(2)
        .error_line(&["--until"]);
    // A bypass still never touches the override, nor the override the bypass.
    clinic.ok(&["user", "2fa", "set", "bob", "exempt", "--until", "7d"], None);
    clinic.ok(&["user", "grant-bypass", "bob"], None);
    let shown = clinic.user("bob");
    assert_eq!(
        (shown["two_factor"]["policy"].clone(), shown["two_factor"]["policy_until"].clone()),
        (json!("exempt"), json!("2026-12-04T17:00:00Z"))
    );
    assert!(shown["two_factor"]["bypass"].is_object());
}

#[test]
fn a_grace_period_lets_people_in_with_the_password_alone_until_it_ends() {
    let clinic = Clinic::new();
    let day = 86_400;
    clinic.ok(&["clinic", "set", "enrol-grace-days", "14"], None);
    clinic.add_user("alice", &[]);
    clinic.add_user("dave", &["--role", "admin"]);
    let at = |when: i64, args: &[&str]| clinic.at(when, args, None);
    at(NOW + day, &["clinic", "require-2fa", "on"]).code(0);
    // Within the grace: in with the password alone, told until when.
    let signed = clinic.login_at("alice", NOW + 2 * day, &[]).code(0).json();
    assert_eq!(signed["second_factor"], "none");
    assert_eq!(signed["enrolment_due"], "2026-12-12T17:00:00Z");
    let shown = at(NOW + 2 * day, &["--json", "user", "show", "alice"]).code(0).json();
    assert_eq!(shown["two_factor"]["enrolment_due"], "2026-12-12T17:00:00Z");
    let report = at(NOW + 2 * day, &["--json", "report"]).code(0).json();
    assert_eq!(
        report["in_grace"],
        json!([
            {"username": "alice", "enrolment_due": "2026-12-12T17:00:00Z"},
            {"username": "dave", "enrolment_due": "2026-12-12T17:00:00Z"},
        ])
    );
    let listed = at(NOW + 2 * day, &["--json", "user", "list", "--needs-enrolment"]).code(0).json();
    assert_eq!(listed[0]["two_factor"]["enrolment_due"], "2026-12-12T17:00:00Z");
    let table = at(NOW + 2 * day, &["user", "list", "--needs-enrolment"]).code(0).stdout();
    assert!(table.contains("no, due 2026-12-12 17:00 +00:00"), "{table}");
    // Moving admins from `on` to `admins` does not restart their grace.
    at(NOW + 5 * day, &["clinic", "require-2fa", "admins"]).code(0);
    let dave = clinic.login_at("dave", NOW + 6 * day, &[]).code(0).json();
    assert_eq!(dave["enrolment_due"], "2026-12-12T17:00:00Z");
    // After the grace: rule 5 as before.
    clinic.login_at("dave", NOW + 15 * day, &[]).code(5);
    // Someone 2FA begins to apply to later gets their own grace: a new admin.
    at(NOW + 20 * day, &["user", "set-role", "alice", "admin"]).code(0);
    let alice = clinic.login_at("alice", NOW + 21 * day, &[]).code(0).json();
    assert_eq!(alice["enrolment_due"], "2026-12-31T17:00:00Z");
    let explained = at(NOW + 21 * day, &["user", "explain", "alice"]).code(0).stdout();
    assert!(
        explained.contains("until 2026-12-31 17:00 +00:00 (their enrolment grace)"),
        "{explained}"
    );
}

#[test]
fn no_grace_follows_a_spent_bypass() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "enrol-grace-days", "14"], None);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let spent = clinic.login_at("alice", NOW + 60, &[]).code(0).json();
    assert_eq!(
        (spent["second_factor"].clone(), spent["enrolment_required"].clone()),
        (json!("bypass"), json!(true))
    );
    // The old phone is gone and the grace does not apply: set up the app first.
    assert_eq!(
        clinic.login_at("alice", NOW + 120, &[]).code(5).json()["reason"],
        "enrolment-required"
    );
    assert_eq!(clinic.user("alice")["two_factor"]["enrolment_due"], Value::Null);
}

//! `user add | list | show | remove | disable | enable | set-password | set-role`.

use serde_json::json;

use crate::harness::{Clinic, PASSWORD};

#[test]
fn add_then_show_prints_the_contract_user_object() {
    let clinic = Clinic::new();
    let added = clinic.json(
        &[
            "user",
            "add",
            "Alice",
            "--name",
            "Alice Smith",
            "--role",
            "admin",
            "--2fa",
            "required",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    let expected = json!({
        "username": "alice", "name": "Alice Smith", "role": "admin", "disabled": false,
        "two_factor": {"policy": "required", "required": true, "enrolled": false,
                       "authenticators": 0, "bypass": null, "recovery_codes_left": 0,
                       "policy_until": null, "enrolment_due": null},
        "locked_until": null, "created_at": "2026-11-27T17:00:00Z", "last_login_at": null
    });
    assert_eq!(added, expected);
    assert_eq!(clinic.user("ALICE"), expected);
    // Field order follows the contract, for scripts that read it byte by byte.
    let raw = clinic.ok(&["--json", "user", "show", "alice"], None).stdout();
    assert!(raw.starts_with(r#"{"username":"alice","name":"Alice Smith","role":"admin","disabled":false,"two_factor":{"policy":"required""#), "{raw}");
}

#[test]
fn add_defaults_to_staff_on_the_clinic_default() {
    let clinic = Clinic::new();
    clinic.add_user("bob", &[]);
    let bob = clinic.user("bob");
    assert_eq!((bob["role"].as_str(), bob["name"].is_null()), (Some("staff"), true));
    assert_eq!(bob["two_factor"]["policy"], "clinic-default");
    assert_eq!(bob["two_factor"]["required"], false);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    assert_eq!(clinic.user("bob")["two_factor"]["required"], true);
}

#[test]
fn a_taken_username_is_a_conflict_whatever_its_case() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic
        .run(&["user", "add", "ALICE", "--password-stdin"], Some(&format!("{PASSWORD}\n")))
        .code(1)
        .error_line(&["already exists"]);
}

#[test]
fn bad_usernames_are_usage_errors_naming_the_rule() {
    let clinic = Clinic::new();
    for bad in ["", "-alice", ".x", "al ice", "alice@clinic", "zoë", &"a".repeat(65)] {
        clinic
            .run(&["user", "add", "--password-stdin", "--", bad], Some(&format!("{PASSWORD}\n")))
            .code(2)
            .error_line(&["invalid username", "a-z, 0-9"]);
        clinic.run(&["user", "show", "--", bad], None).code(2);
    }
    assert_eq!(clinic.json(&["user", "list"], None), json!([]));
}

#[test]
fn weak_passwords_are_refused_with_the_reason_and_nothing_is_added() {
    let clinic = Clinic::new();
    for (password, reason) in [
        ("short1!", "at least 8 characters"),
        ("password123", "commonly used"),
        ("Iloveyou", "commonly used"),
        ("Alice.Smith", "must not be the username"),
        (&"x".repeat(1025), "at most 1024 bytes"),
    ] {
        clinic
            .run(
                &["user", "add", "alice.smith", "--password-stdin"],
                Some(&format!("{password}\n")),
            )
            .code(2)
            .error_line(&[reason]);
    }
    assert_eq!(clinic.json(&["user", "list"], None), json!([]));
}

#[test]
fn without_a_terminal_a_missing_password_names_the_flag() {
    let clinic = Clinic::new();
    clinic.run(&["user", "add", "alice"], None).code(2).error_line(&["--password-stdin"]);
    clinic
        .run(&["--no-input", "user", "add", "alice"], None)
        .code(2)
        .error_line(&["--password-stdin"]);
    clinic.add_user("bob", &[]);
    clinic.run(&["user", "set-password", "bob"], None).code(2).error_line(&["--password-stdin"]);
    clinic.run(&["login", "bob"], None).code(2).error_line(&["--password-stdin"]);
    // --password-stdin with nothing on stdin says so.
    clinic.run(&["login", "bob", "--password-stdin"], None).code(2).error_line(&["stdin ended"]);
    assert_eq!(clinic.json(&["user", "list"], None).as_array().unwrap().len(), 1);
}

#[test]
fn password_stdin_takes_the_first_line_without_its_line_ending() {
    let clinic = Clinic::new();
    clinic.ok(
        &["user", "add", "alice", "--password-stdin"],
        Some(&format!("{PASSWORD}\r\nignored\n")),
    );
    clinic.login("alice", PASSWORD, &[]).code(0);
    // No final newline works too.
    clinic.ok(&["user", "add", "bob", "--password-stdin"], Some(PASSWORD));
    clinic.login("bob", PASSWORD, &[]).code(0);
}

#[test]
fn list_is_a_table_for_people_and_an_array_for_scripts() {
    let clinic = Clinic::new();
    clinic.add_user("bob", &["--name", "Bob Jones"]);
    clinic.add_user("alice", &["--role", "admin", "--2fa", "exempt"]);
    let list = clinic.json(&["user", "list"], None);
    let names: Vec<&str> =
        list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(list[0], clinic.user("alice"));
    let table = clinic.ok(&["user", "list"], None).stdout();
    for heading in ["username", "name", "role", "2FA policy", "required", "enrolled", "locked"] {
        assert!(table.contains(heading), "{heading}: {table}");
    }
    assert!(table.contains("Bob Jones") && table.contains("exempt"), "{table}");
    let empty = Clinic::new();
    assert!(empty.ok(&["user", "list"], None).stdout().contains("No accounts yet"));
}

#[test]
fn show_of_an_unknown_user_is_not_found() {
    let clinic = Clinic::new();
    clinic.run(&["user", "show", "ghost"], None).code(1).error_line(&["no user", "user list"]);
}

#[test]
fn remove_needs_yes_without_a_terminal_and_keeps_the_user_otherwise() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.run(&["--no-input", "user", "remove", "alice"], None).code(2).error_line(&["--yes"]);
    clinic.run(&["user", "remove", "alice"], None).code(2).error_line(&["--yes"]);
    assert_eq!(clinic.user("alice")["username"], "alice");
    let removed = clinic.json(&["user", "remove", "alice", "--yes"], None);
    assert_eq!(removed, json!({"username": "alice", "removed": true}));
    clinic.run(&["user", "show", "alice"], None).code(1);
    clinic.run(&["user", "remove", "alice", "--yes"], None).code(1).error_line(&["no user"]);
}

#[test]
fn disable_stops_sign_in_and_enable_restores_it() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    assert_eq!(clinic.json(&["user", "disable", "alice"], None)["disabled"], true);
    let denied = clinic.login("alice", PASSWORD, &[]).code(3);
    assert_eq!(denied.json()["reason"], "invalid-credentials");
    assert_eq!(clinic.json(&["user", "enable", "alice"], None)["disabled"], false);
    clinic.login("alice", PASSWORD, &[]).code(0);
}

#[test]
fn set_password_replaces_the_old_one_under_the_same_rules() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.run(&["user", "set-password", "alice", "--password-stdin"], Some("qwerty123\n")).code(2);
    clinic.login("alice", PASSWORD, &[]).code(0);
    clinic.ok(
        &["user", "set-password", "alice", "--password-stdin"],
        Some("a brand new passphrase\n"),
    );
    clinic.login("alice", PASSWORD, &[]).code(3);
    // An admin's reset is temporary: the person must choose their own first.
    let run = clinic.login("alice", "a brand new passphrase", &[]).code(5);
    assert_eq!(run.json()["reason"], "password-change-required");
    run.error_line(&["clinic2fa passwd alice"]);
    clinic
        .run(
            &["user", "set-password", "ghost", "--password-stdin"],
            Some("a brand new passphrase\n"),
        )
        .code(1);
}

#[test]
fn set_role_changes_only_the_role() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "exempt"]);
    let before = clinic.user("alice");
    let after = clinic.json(&["user", "set-role", "alice", "admin"], None);
    assert_eq!(after["role"], "admin");
    assert_eq!(after["two_factor"], before["two_factor"]);
    clinic.run(&["user", "set-role", "alice", "boss"], None).code(2).error_line(&["staff, admin"]);
}

#[test]
fn passwords_are_stored_as_argon2id_phc_strings() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let phc: String = clinic.sql("SELECT password_hash FROM accounts");
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!clinic.db_bytes().windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()));
}

#[test]
fn set_name_changes_the_full_name_audited_and_an_empty_one_clears_it() {
    let clinic = Clinic::new();
    clinic.add_user("ann", &["--name", "Ann Smith"]);
    let text = clinic.ok(&["user", "set-name", "ann", "Ann O'Neil"], None).stdout();
    assert!(text.contains("ann is now named Ann O'Neil."), "{text}");
    assert_eq!(clinic.user("ann")["name"], "Ann O'Neil");
    let detail: String = clinic.sql(
        "SELECT detail FROM audit_log WHERE action = 'user.set-name' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(detail, "name=Ann O'Neil");
    clinic.ok(&["user", "set-name", "ann", ""], None);
    assert_eq!(clinic.user("ann")["name"], serde_json::Value::Null);
    clinic
        .run(&["user", "set-name", "ann", "a\u{7}bell"], None)
        .code(2)
        .error_line(&["invalid name"]);
    clinic.run(&["user", "set-name", "nobody-here", "X"], None).code(1);
    assert_eq!(clinic.user("ann")["name"], serde_json::Value::Null, "nothing changed");
    clinic.ok(&["audit", "verify"], None);
}

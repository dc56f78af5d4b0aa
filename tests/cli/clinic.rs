//! `clinic show | set-name | require-2fa | set`, and the global options' behaviour.

use serde_json::json;

use crate::harness::Clinic;

#[test]
fn show_gives_the_defaults_in_the_contract_shape() {
    let clinic = Clinic::new();
    assert_eq!(
        clinic.json(&["clinic", "show"], None),
        json!({"name": "Clinic", "require_2fa": false, "require_2fa_for": "nobody", "settings": {
            "lockout-threshold": 5, "lockout-minutes": 15, "totp-window": 1, "bypass-hours": 24,
            "enrol-grace-days": 0, "inactive-days": 90, "audit-syslog": "off"}})
    );
    let text = clinic.ok(&["clinic", "show"], None).stdout();
    assert!(text.contains("lockout-threshold") && text.contains("Clinic"), "{text}");
}

#[test]
fn set_name_stores_the_issuer_and_refuses_a_colon() {
    let clinic = Clinic::new();
    let shown = clinic.json(&["clinic", "set-name", "Sunny Vale Clinic"], None);
    assert_eq!(shown["name"], "Sunny Vale Clinic");
    clinic.run(&["clinic", "set-name", "Sunny:Vale"], None).code(2).error_line(&["':'"]);
    clinic.run(&["clinic", "set-name", "  "], None).code(2).error_line(&["empty"]);
    assert_eq!(clinic.json(&["clinic", "show"], None)["name"], "Sunny Vale Clinic");
}

#[test]
fn require_2fa_is_stored_and_shown() {
    let clinic = Clinic::new();
    assert_eq!(clinic.json(&["clinic", "require-2fa", "on"], None)["require_2fa"], true);
    assert_eq!(clinic.json(&["clinic", "show"], None)["require_2fa"], true);
    assert_eq!(clinic.json(&["clinic", "require-2fa", "off"], None)["require_2fa"], false);
    clinic.run(&["clinic", "require-2fa", "maybe"], None).code(2).error_line(&["on, admins, off"]);
}

#[test]
fn require_2fa_dry_run_lists_who_would_enrol_and_changes_nothing() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &["--2fa", "exempt"]);
    clinic.add_user("carol", &["--2fa", "required"]);
    clinic.add_user("dave", &[]);
    clinic.ok(&["user", "disable", "dave"], None);
    let plan = clinic.json(&["clinic", "require-2fa", "on", "--dry-run"], None);
    assert_eq!(
        plan,
        json!({"dry_run": true, "require_2fa": true, "require_2fa_for": "everyone", "must_enrol": ["alice", "carol"]})
    );
    assert_eq!(clinic.json(&["clinic", "show"], None)["require_2fa"], false);
    let text = clinic.ok(&["clinic", "require-2fa", "on", "--dry-run"], None).stdout();
    assert!(text.contains("nothing changed") && text.contains("alice, carol"), "{text}");
}

#[test]
fn require_2fa_says_who_must_now_enrol_and_that_the_admin_is_one_of_them() {
    let clinic = Clinic::new();
    // The admin running the command: this test's own operating-system login.
    let me = nix::unistd::User::from_uid(nix::unistd::getuid()).unwrap().unwrap().name;
    clinic.add_user(&me, &["--role", "admin"]);
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &["--2fa", "exempt"]);
    let text = clinic.ok(&["clinic", "require-2fa", "on"], None).stdout();
    let mut names = ["alice".to_owned(), me.clone()];
    names.sort();
    assert!(
        text.contains(&format!("Now 2 have to enrol at their next login: {}.", names.join(", "))),
        "{text}"
    );
    assert!(
        text.contains(&format!("You ({me}) are one of them: run `clinic2fa enrol {me}`")),
        "{text}"
    );
    let off = clinic.ok(&["clinic", "require-2fa", "off"], None).stdout();
    assert!(off.contains("Now nobody has to enrol.") && !off.contains("You ("), "{off}");
    // --json is the settings document, as before.
    let json = clinic.json(&["clinic", "require-2fa", "admins"], None);
    assert_eq!(json["require_2fa_for"], "admins");
    assert!(json.get("must_enrol").is_none());
}

#[test]
fn each_setting_accepts_its_range_and_refuses_outside_it() {
    let clinic = Clinic::new();
    for (setting, low, high) in [
        ("lockout-threshold", 1, 100),
        ("lockout-minutes", 1, 1440),
        ("totp-window", 0, 2),
        ("bypass-hours", 1, 168),
    ] {
        for ok in [low, high] {
            let shown = clinic.json(&["clinic", "set", setting, &ok.to_string()], None);
            assert_eq!(shown["settings"][setting], ok, "{setting}={ok}");
        }
        for bad in [(low - 1).to_string(), (high + 1).to_string(), "ten".to_owned()] {
            clinic
                .run(&["clinic", "set", setting, &bad], None)
                .code(2)
                .error_line(&[setting, &format!("from {low} to {high}")]);
        }
        assert_eq!(clinic.json(&["clinic", "show"], None)["settings"][setting], high);
    }
    clinic.run(&["clinic", "set", "colour", "3"], None).code(2).error_line(&["possible values"]);
}

#[test]
fn usage_errors_are_one_line_exit_2_and_json_gets_a_document() {
    let clinic = Clinic::new();
    clinic.run(&["user", "--bogus"], None).code(2).error_line(&["--bogus"]);
    clinic.run(&["--color", "purple", "clinic", "show"], None).code(2).error_line(&["purple"]);
    let run = clinic.run(&["--json", "user", "show", "nobody"], None).code(1);
    assert_eq!(run.json()["exit_code"], 1);
    run.error_line(&["no user \"nobody\""]);
}

#[test]
fn global_options_are_accepted_after_the_subcommand() {
    let clinic = Clinic::new();
    let run = clinic.ok(&["clinic", "show", "--json", "--no-input", "--color", "never"], None);
    assert_eq!(run.json()["name"], "Clinic");
}

#[test]
fn a_malformed_clock_override_is_a_usage_error() {
    let clinic = Clinic::new();
    clinic
        .command()
        .env("CLINIC2FA_NOW", "yesterday")
        .args(["clinic", "show"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("CLINIC2FA_NOW"));
}

#[test]
fn version_prints_the_package_version() {
    let clinic = Clinic::new();
    let out = clinic.ok(&["--version"], None).stdout();
    assert_eq!(out.trim(), format!("clinic2fa {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn admins_first_asks_admins_on_the_clinic_default_and_follows_a_change_of_role() {
    let clinic = Clinic::new();
    clinic.add_user("ann", &["--role", "admin"]);
    clinic.add_user("bea", &["--role", "admin", "--2fa", "exempt"]);
    clinic.add_user("sam", &[]);
    clinic.add_user("sue", &["--2fa", "required"]);
    let plan = clinic.json(&["clinic", "require-2fa", "admins", "--dry-run"], None);
    assert_eq!(plan["must_enrol"], json!(["ann", "sue"]));
    assert_eq!(plan["require_2fa_for"], "admins");
    assert_eq!(plan["require_2fa"], false);
    let shown = clinic.json(&["clinic", "require-2fa", "admins"], None);
    assert_eq!(
        (shown["require_2fa"].clone(), shown["require_2fa_for"].clone()),
        (json!(false), json!("admins"))
    );
    let text = clinic.ok(&["clinic", "show"], None).stdout();
    assert!(text.contains("admins"), "{text}");
    assert_eq!(
        clinic.login("ann", crate::harness::PASSWORD, &[]).code(5).json()["reason"],
        "enrolment-required"
    );
    clinic.login("bea", crate::harness::PASSWORD, &[]).code(0);
    clinic.login("sam", crate::harness::PASSWORD, &[]).code(0);
    // A change of role changes what applies, at once.
    clinic.ok(&["user", "set-role", "sam", "admin"], None);
    clinic.login("sam", crate::harness::PASSWORD, &[]).code(5);
    assert_eq!(clinic.user("sam")["two_factor"]["required"], true);
    let why = clinic.json(&["user", "explain", "sam"], None);
    assert!(why["reason"].as_str().unwrap().contains("admins only"), "{why}");
    clinic.ok(&["user", "set-role", "ann", "staff"], None);
    clinic.login("ann", crate::harness::PASSWORD, &[]).code(0);
    // on and off keep their meaning.
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.login("ann", crate::harness::PASSWORD, &[]).code(5);
    assert_eq!(clinic.json(&["clinic", "show"], None)["require_2fa_for"], "everyone");
}

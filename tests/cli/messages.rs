//! What a new admin reads: messages that say what is true and what to do next.

use serde_json::Value;

use crate::harness::{Clinic, NOW, PASSWORD};

#[test]
fn a_filter_with_no_match_says_so_and_an_empty_clinic_says_that() {
    let clinic = Clinic::new();
    let empty = clinic.ok(&["user", "list"], None).stdout();
    assert!(empty.contains("No accounts yet"), "{empty}");
    clinic.add_user("ann", &[]);
    clinic.add_user("bob", &[]);
    let none = clinic.ok(&["user", "list", "--locked"], None).stdout();
    assert!(
        none.contains("No account matches these filters (there are 2 accounts in all)"),
        "{none}"
    );
    assert!(!none.contains("No accounts yet"), "{none}");
}

#[test]
fn revoke_bypass_says_whether_there_was_one() {
    let clinic = Clinic::new();
    clinic.add_user("carol", &[]);
    clinic.ok(&["user", "grant-bypass", "carol"], None);
    let revoked = clinic.run(&["--json", "user", "revoke-bypass", "carol"], None).code(0).json();
    assert_eq!(
        (revoked["revoked"].clone(), revoked["two_factor"]["bypass"].clone()),
        (Value::Bool(true), Value::Null)
    );
    let again = clinic.json(&["user", "revoke-bypass", "carol"], None);
    assert_eq!(again["revoked"], false);
    clinic.ok(&["user", "grant-bypass", "carol"], None);
    let text = clinic.ok(&["user", "revoke-bypass", "carol"], None).stdout();
    assert!(text.contains("Revoked the pending bypass of carol"), "{text}");
    let text = clinic.ok(&["user", "revoke-bypass", "carol"], None).stdout();
    assert!(text.contains("carol had no pending bypass"), "{text}");
}

#[test]
fn grant_bypass_and_explain_say_what_the_one_sign_in_will_do() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("dan", &[]);
    let text = clinic.ok(&["user", "grant-bypass", "dan"], None).stdout();
    assert!(!text.contains("removes their old authenticator"), "dan has none: {text}");
    assert!(text.contains("no authenticator to remove"), "{text}");
    let next =
        clinic.json(&["user", "explain", "dan"], None)["next_login"].as_str().unwrap().to_owned();
    assert!(next.contains("bypass is pending") && !next.contains("removed"), "{next}");
    clinic.add_user("eve", &[]);
    clinic.enrol("eve");
    let text = clinic.ok(&["user", "grant-bypass", "eve"], None).stdout();
    assert!(text.contains("removes their old authenticator"), "{text}");
    let explained = clinic.ok(&["user", "explain", "eve"], None).stdout();
    assert!(explained.contains("old authenticator is then removed"), "{explained}");
}

#[test]
fn exempting_an_enrolled_person_says_their_codes_are_still_asked_for() {
    let clinic = Clinic::new();
    clinic.add_user("fay", &[]);
    clinic.enrol("fay");
    let text = clinic.ok(&["user", "2fa", "set", "fay", "exempt"], None).stdout();
    assert!(text.contains("still ask for its code"), "{text}");
    assert!(text.contains("clinic2fa user grant-bypass fay"), "{text}");
    clinic.add_user("gus", &[]);
    let text = clinic.ok(&["user", "2fa", "set", "gus", "exempt"], None).stdout();
    assert_eq!(text.trim(), "gus's 2FA setting is now exempt.");
}

#[test]
fn usage_errors_point_to_the_command_s_own_help() {
    let clinic = Clinic::new();
    clinic
        .run(&["user", "grant-bypass"], None)
        .code(2)
        .error_line(&["`clinic2fa user grant-bypass --help`"]);
    clinic
        .run(&["user", "add", "ann", "--role", "boss"], None)
        .code(2)
        .error_line(&["`clinic2fa user add --help`"]);
    clinic
        .run(&["grant-bypass", "ann"], None)
        .code(2)
        .error_line(&["did you mean `clinic2fa user grant-bypass`?"]);
}

#[test]
fn a_bypass_of_ninety_seconds_works_as_documented() {
    let clinic = Clinic::new();
    clinic.add_user("hal", &[]);
    let granted = clinic.json(&["user", "grant-bypass", "hal", "--expires-in", "90s"], None);
    assert_eq!(granted["two_factor"]["bypass"]["expires_at"], "2026-11-27T17:01:30Z");
    clinic
        .run(&["user", "grant-bypass", "hal", "--expires-in", "30s"], None)
        .code(2)
        .error_line(&["1m"]);
    clinic.login_at("hal", NOW + 89, &[]).code(0);
    assert_eq!(clinic.login("hal", PASSWORD, &[]).code(0).json()["second_factor"], "none");
}

/// Every command line's help: the top one and each subcommand's, found by walking
/// the `Commands:` lists the help itself prints.
fn every_help(clinic: &Clinic) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = clinic.ok(&args, None).stdout();
        let commands = help.split("\nCommands:\n").nth(1).unwrap_or("");
        let listed = commands.lines().take_while(|l| l.starts_with("  "));
        // A name sits at two spaces; a description wrapped onto the next line, deeper.
        for line in listed.filter(|l| !l[2..].starts_with(' ')) {
            let name = line.split_whitespace().next().expect("a command name");
            if name != "help" {
                todo.push(path.iter().cloned().chain([name.to_string()]).collect());
            }
        }
        found.push((path.join(" "), help));
    }
    found
}

#[test]
fn no_help_shows_an_environment_variable_s_value() {
    let clinic = Clinic::new();
    let helps = every_help(&clinic);
    assert!(helps.len() > 30, "only {} helps found", helps.len());
    let secret = "postgres://clinic2fa:Db-Pass-4471@localhost/clinic2";
    for (path, _) in &helps {
        let mut args: Vec<&str> = path.split_whitespace().collect();
        args.push("--help");
        for value in [Some(secret), None] {
            let mut cmd = clinic.command();
            cmd.env_remove("CLINIC2FA_DB").env("CLINIC2FA_KEY_FILE", "/k/Key-Secret-9");
            if let Some(v) = value {
                cmd.env("CLINIC2FA_DB", v);
            }
            let out = cmd.args(&args).output().expect("ran");
            let help = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{path}: {help}");
            for leak in ["Db-Pass", "Key-Secret", "CLINIC2FA_DB="] {
                assert!(!help.contains(leak), "`{path} --help` shows {leak}:\n{help}");
            }
        }
    }
}

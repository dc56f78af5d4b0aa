//! The sign-in pipeline as an attacker and a script meet it: the lock before the
//! password, the failure count that only a whole sign-in resets, a temporary password
//! that opens nothing, one "must enrol" answer, denials that keep their exit codes.

use std::process::Stdio;

use serde_json::Value;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};

fn failed_logins(clinic: &Clinic, username: &str) -> i64 {
    clinic.sql(&format!("SELECT failed_logins FROM accounts WHERE username = '{username}'"))
}

fn locked(clinic: &Clinic, username: &str) -> bool {
    !clinic.user(username)["locked_until"].is_null()
}

#[test]
fn a_locked_account_answers_locked_to_the_right_password_and_a_wrong_one_alike() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    for _ in 0..5 {
        clinic.login("alice", "a wrong guess", &[]).code(3);
    }
    assert!(locked(&clinic, "alice"));
    let right = clinic.login("alice", PASSWORD, &[]).code(4);
    let wrong = clinic.login("alice", "another wrong guess", &[]).code(4);
    assert_eq!(right.json(), wrong.json(), "the answer must not tell the guesses apart");
    assert_eq!(right.stderr(), wrong.stderr());
    let right = right.error_line(&["locked until 2026-11-27 17:15 +00:00", "user unlock alice"]);
    assert_eq!(right.json()["reason"], "locked");
    assert_eq!(failed_logins(&clinic, "alice"), 0, "guesses while locked are not counted");
    // Unknown and disabled accounts still get the answer a wrong password gets.
    clinic.add_user("bob", &[]);
    clinic.ok(&["user", "disable", "bob"], None);
    assert_eq!(clinic.login("bob", PASSWORD, &[]).code(3).json()["reason"], "invalid-credentials");
    clinic.login("nobody", PASSWORD, &[]).code(3);
    // The lock runs out by the clock.
    clinic.login_at("alice", NOW + 15 * 60, &[]).code(0);
}

#[test]
fn thirty_two_parallel_guesses_get_only_the_threshold_answered() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let children: Vec<_> = (0..32)
        .map(|i| {
            let mut cmd = clinic.command_std(&["--json", "login", "alice", "--password-stdin"]);
            cmd.stdin(Stdio::piped());
            let mut child = cmd.spawn().expect("spawn");
            let guess = format!("guess number {i}\n");
            crate::harness::feed(&mut child, guess.as_bytes());
            child
        })
        .collect();
    let mut codes: Vec<i32> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    codes.sort_unstable();
    let answered = codes.iter().filter(|c| **c == 3).count();
    let locked_out = codes.iter().filter(|c| **c == 4).count();
    assert_eq!((answered, locked_out), (5, 27), "{codes:?}");
    // The right password is now just as locked out as any guess.
    clinic.login("alice", PASSWORD, &[]).code(4);
}

#[test]
fn a_half_step_never_resets_the_failure_count() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 300;
    let wrong = if totp_code(&secret, at) == "000000" { "111111" } else { "000000" };
    // The attack: four wrong codes, then `enrol --confirm` with the right password,
    // which used to reset the count, again and again.
    for _ in 0..4 {
        clinic.login_at("alice", at, &["--code", wrong]).code(3);
    }
    for _ in 0..3 {
        clinic
            .at(
                at,
                &["--json", "enrol", "alice", "--password-stdin", "--confirm", wrong],
                Some(PASSWORD),
            )
            .code(1)
            .error_line(&["no enrolment in progress"]);
        assert_eq!(failed_logins(&clinic, "alice"), 4);
    }
    clinic.login_at("alice", at, &["--code", wrong]).code(3);
    assert!(locked(&clinic, "alice"), "the fifth wrong code locks, half-steps or not");
    clinic.login_at("alice", at + 30, &["--code", &totp_code(&secret, at + 30)]).code(4);
    let audit = clinic.ok(&["--json", "audit", "--user", "alice"], None).stdout();
    assert!(!audit.contains(r#""action":"enrol.confirm","outcome":"success"#), "{audit}");
}

#[test]
fn wrong_codes_count_in_every_command_that_takes_one() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 300;
    let wrong = if totp_code(&secret, at) == "000000" { "111111" } else { "000000" };
    let runs: [(&[&str], &str); 4] = [
        (&["login", "alice"], PASSWORD),
        (&["unenrol", "alice"], PASSWORD),
        (&["recovery-codes", "alice"], PASSWORD),
        (&["passwd", "alice"], "correct horse battery\nanother good passphrase"),
    ];
    for (n, (command, stdin)) in runs.iter().enumerate() {
        let mut args = vec!["--json"];
        args.extend_from_slice(command);
        args.extend_from_slice(&["--password-stdin", "--code", wrong]);
        clinic.at(at, &args, Some(stdin)).code(3);
        assert_eq!(failed_logins(&clinic, "alice"), n as i64 + 1, "{command:?}");
    }
    // A wrong confirming code counts too, and a later whole sign-in resets.
    clinic
        .at(
            at,
            &["--json", "enrol", "alice", "--password-stdin", "--code", &totp_code(&secret, at)],
            Some(PASSWORD),
        )
        .code(0);
    assert_eq!(failed_logins(&clinic, "alice"), 0, "enrol with password and current code is whole");
    clinic
        .at(
            at,
            &["--json", "enrol", "alice", "--password-stdin", "--confirm", wrong],
            Some(PASSWORD),
        )
        .code(3);
    assert_eq!(failed_logins(&clinic, "alice"), 1);
    clinic.login_at("alice", at + 30, &["--code", &totp_code(&secret, at + 30)]).code(0);
    assert_eq!(failed_logins(&clinic, "alice"), 0);
}

#[test]
fn confirming_a_replacement_does_not_reset_but_a_first_enrolment_does() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.login("alice", "a wrong guess", &[]).code(3);
    let (_, codes) = clinic.enrol("alice");
    assert_eq!(failed_logins(&clinic, "alice"), 0, "password and new code: all alice had");
    // Replacing the phone: `enrol` with a recovery code (read from stdin) starts it.
    let at = NOW + 300;
    let stdin = format!("{PASSWORD}\n{}", codes[0]);
    let args = ["--json", "enrol", "alice", "--password-stdin", "--recovery-code", "-"];
    let pending = clinic.at(at, &args, Some(&stdin)).code(0).json();
    let secret = pending["secret"].as_str().unwrap().to_owned();
    clinic.at(at, &["--json", "login", "alice", "--password-stdin"], Some("a wrong guess")).code(3);
    assert_eq!(failed_logins(&clinic, "alice"), 1);
    // Confirming proves the password and the new code, not the active authenticator.
    let confirm = totp_code(&secret, at);
    let args = ["--json", "enrol", "alice", "--password-stdin", "--confirm", &confirm];
    clinic.at(at, &args, Some(PASSWORD)).code(0);
    assert_eq!(failed_logins(&clinic, "alice"), 1, "a replacement's confirmation is a half-step");
    clinic.login_at("alice", at + 30, &["--code", &totp_code(&secret, at + 30)]).code(0);
    assert_eq!(failed_logins(&clinic, "alice"), 0);
}

#[test]
fn a_recovery_code_can_come_from_stdin_instead_of_the_arguments() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (_, codes) = clinic.enrol("alice");
    let stdin = format!("{PASSWORD}\n{}", codes[0]);
    let out = clinic
        .at(
            NOW + 30,
            &["--json", "login", "alice", "--password-stdin", "--recovery-code", "-"],
            Some(&stdin),
        )
        .code(0);
    assert_eq!(out.json()["second_factor"], "recovery-code");
    // Spent: the same code again is refused, and counted.
    clinic
        .at(
            NOW + 60,
            &["--json", "login", "alice", "--password-stdin", "--recovery-code", "-"],
            Some(&stdin),
        )
        .code(3);
    assert_eq!(failed_logins(&clinic, "alice"), 1);
    // Missing: a usage error that names the flag.
    clinic
        .at(
            NOW + 60,
            &["login", "alice", "--password-stdin", "--recovery-code", "-"],
            Some(PASSWORD),
        )
        .code(2)
        .error_line(&["--recovery-code -"]);
}

#[test]
fn a_temporary_password_opens_nothing_but_passwd() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(
        &["user", "set-password", "alice", "--password-stdin"],
        Some("temporary passphrase 1\n"),
    );
    let before = clinic.ok(&["--json", "user", "show", "alice"], None).stdout();
    let trail: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!(trail, 0);
    for command in [
        &["enrol", "alice"][..],
        &["unenrol", "alice", "--code", "123456"],
        &["recovery-codes", "alice", "--code", "123456"],
    ] {
        let mut args = vec!["--json"];
        args.extend_from_slice(command);
        args.push("--password-stdin");
        let out = clinic.run(&args, Some("temporary passphrase 1\n")).code(5);
        assert_eq!(out.json()["reason"], "password-change-required", "{command:?}");
    }
    let pending: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!(pending, 0, "no secret was tied to the account");
    assert_eq!(clinic.ok(&["--json", "user", "show", "alice"], None).stdout(), before);
    clinic.ok(
        &["passwd", "alice", "--password-stdin"],
        Some("temporary passphrase 1\nalice's own passphrase\n"),
    );
    clinic.ok(&["enrol", "alice", "--password-stdin"], Some("alice's own passphrase\n"));
}

#[test]
fn every_view_agrees_on_who_must_enrol_and_a_disabled_account_does_not() {
    let clinic = Clinic::new();
    clinic.add_user("ann", &[]);
    clinic.add_user("dan", &[]);
    clinic.add_user("eve", &["--2fa", "exempt"]);
    clinic.ok(&["user", "disable", "dan"], None);
    let dry: Value = clinic.json(&["clinic", "require-2fa", "on", "--dry-run"], None);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x.as_str().map_or_else(|| x["username"].as_str().unwrap().to_owned(), str::to_owned)
            })
            .collect()
    };
    let report = clinic.json(&["report"], None);
    let listed = clinic.json(&["user", "list", "--needs-enrolment"], None);
    let explained: Vec<String> = ["ann", "dan", "eve"]
        .into_iter()
        .filter(|u| clinic.json(&["user", "explain", u], None)["must_enrol"] == true)
        .map(str::to_owned)
        .collect();
    let expected = vec!["ann".to_owned()];
    assert_eq!(names(&dry["must_enrol"]), expected);
    assert_eq!(names(&report["must_enrol"]), expected);
    assert_eq!(names(&listed), expected);
    assert_eq!(explained, expected);
    assert_eq!(clinic.login("ann", PASSWORD, &[]).code(5).json()["reason"], "enrolment-required");
    assert_eq!(clinic.login("dan", PASSWORD, &[]).code(3).json()["reason"], "invalid-credentials");
    // Enabled again, dan owes an enrolment like anyone.
    clinic.ok(&["user", "enable", "dan"], None);
    assert_eq!(
        names(&clinic.json(&["user", "list", "--needs-enrolment"], None)),
        vec!["ann", "dan"]
    );
}

/// Runs with stdout or stderr a pipe whose reader has already gone.
fn run_with_closed(clinic: &Clinic, args: &[&str], stdin: &str, closed_stdout: bool) -> i32 {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = clinic.command_std(args);
    cmd.stdin(Stdio::piped());
    if closed_stdout {
        cmd.stdout(Stdio::from(writer));
    } else {
        cmd.stderr(Stdio::from(writer));
    }
    let mut child = cmd.spawn().expect("spawn");
    crate::harness::feed(&mut child, stdin.as_bytes());
    child.wait().unwrap().code().expect("exit code, not a signal")
}

#[test]
fn a_denial_keeps_its_exit_code_when_nobody_reads_its_output() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &["--2fa", "required"]);
    clinic.add_user("carol", &[]);
    clinic.ok(
        &["user", "set-password", "carol", "--password-stdin"],
        Some("temporary passphrase 1\n"),
    );
    let login = |user: &'static str| ["--json", "login", user, "--password-stdin"];
    for closed_stdout in [true, false] {
        let wrong = run_with_closed(&clinic, &login("alice"), "a wrong guess\n", closed_stdout);
        assert_eq!(wrong, 3, "closed stdout: {closed_stdout}");
        assert_eq!(
            run_with_closed(&clinic, &login("bob"), "correct horse battery\n", closed_stdout),
            5
        );
        assert_eq!(
            run_with_closed(&clinic, &login("carol"), "temporary passphrase 1\n", closed_stdout),
            5
        );
    }
    for _ in 0..3 {
        run_with_closed(&clinic, &login("alice"), "a wrong guess\n", true);
    }
    assert_eq!(run_with_closed(&clinic, &login("alice"), "a wrong guess\n", true), 4);
    // Only a success may end quietly with 0 when its reader has gone.
    clinic.add_user("dora", &[]);
    assert_eq!(run_with_closed(&clinic, &login("dora"), "correct horse battery\n", true), 0);
}

#[test]
fn no_memory_for_argon2_is_a_failure_not_a_wrong_password() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    // Enough address space to start (about 24 MB with the service linked in), not
    // enough for argon2's 19 MiB more (about 43 MB).
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            r#"ulimit -v 32000 && exec "$CLINIC2FA_BIN" --json login alice --password-stdin"#,
        ])
        .env_clear()
        .env("CLINIC2FA_BIN", assert_cmd::cargo::cargo_bin!("clinic2fa"))
        .envs(clinic.database_env())
        .env("CLINIC2FA_NOW", NOW.to_string())
        .env("HOME", clinic.dir())
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            crate::harness::feed(&mut child, b"a wrong guess\n");
            child.wait_with_output()
        })
        .expect("ran");
    let run = crate::harness::Run(out).code(1).error_line(&["memory", "19 MiB"]);
    assert_eq!(run.json()["exit_code"], 1);
    assert_eq!(failed_logins(&clinic, "alice"), 0, "not counted toward the lockout");
}

#[test]
fn a_hash_with_other_parameters_is_made_again_at_the_next_sign_in() {
    use argon2::password_hash::PasswordHasher;
    let clinic = Clinic::new();
    let params = argon2::Params::new(32_768, 3, 1, None).unwrap();
    let argon2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let old = argon2
        .hash_password_with_salt(PASSWORD.as_bytes(), b"somesaltsomesalt")
        .unwrap()
        .to_string();
    let file = clinic.dir().join("staff.csv");
    std::fs::write(&file, format!("username,password_hash\nalice,\"{old}\"\n")).unwrap();
    clinic.ok(&["user", "import", file.to_str().unwrap()], None);
    let stored =
        || -> String { clinic.sql("SELECT password_hash FROM accounts WHERE username = 'alice'") };
    assert_eq!(stored(), old);
    clinic.login("alice", "a wrong guess", &[]).code(3);
    assert_eq!(stored(), old, "a refusal changes nothing");
    clinic.login("alice", PASSWORD, &[]).code(0);
    assert!(stored().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", stored());
    clinic.login("alice", PASSWORD, &[]).code(0);
}

#[test]
fn a_password_that_is_not_utf8_is_a_usage_error() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut cmd = clinic.command();
    cmd.args(["login", "alice", "--password-stdin"]).write_stdin(b"caf\xe9 au lait\n".to_vec());
    crate::harness::Run(cmd.output().unwrap()).code(2).error_line(&["not valid UTF-8"]);
    assert_eq!(failed_logins(&clinic, "alice"), 0);
}

#[test]
fn a_phone_with_a_wrong_clock_is_refused_counted_and_told_how_far_off_it_is() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 600;
    // The phone runs 3 minutes fast: it shows the code of 3 minutes from now. Saying
    // so would tell whoever typed it that the code becomes good in 3 minutes (the
    // review's attacker signed in with it 8 minutes later): the usual answer.
    let future = totp_code(&secret, at + 180);
    let ahead = clinic.login_at("alice", at, &["--code", &future]).code(3);
    assert_eq!(ahead.json()["reason"], "invalid-code");
    assert!(!ahead.stderr().contains("clock"), "{}", ahead.stderr());
    assert_eq!(failed_logins(&clinic, "alice"), 1);
    // A code from the past never becomes good again: the hint helps and tells nothing.
    let behind = clinic.login_at("alice", at, &["--code", &totp_code(&secret, at - 300)]).code(3);
    behind.error_line(&["about 5 minutes behind", "automatic date and time"]);
    // Beyond 10 minutes, or no match at all: the usual answer.
    let far = clinic.login_at("alice", at, &["--code", &totp_code(&secret, at + 900)]).code(3);
    assert!(!far.stderr().contains("clock"), "{}", far.stderr());
    assert_eq!(failed_logins(&clinic, "alice"), 3);
}

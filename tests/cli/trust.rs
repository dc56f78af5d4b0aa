//! The trust core attacked as the review attacked it: an insider with the database but
//! not its key file (sqlite3 on the file, psql on the server), and real processes
//! racing a key rotation. Each test plays one attack and fails on the code before the
//! fix.

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::security::tamper;

const STEP: i64 = 30;

/// Alice (the insider) and bob, 2FA required clinic-wide, both enrolled.
fn two_enrolled() -> (Clinic, Vec<String>, String, Vec<String>) {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    let (_, alice_codes) = clinic.enrol("alice");
    let (bob_secret, bob_codes) = clinic.enrol("bob");
    (clinic, alice_codes, bob_secret, bob_codes)
}

fn verify_names(clinic: &Clinic, username: &str) {
    let out = clinic.run(&["--json", "audit", "verify"], None).code(1);
    let report = out.json();
    assert_eq!(report["intact"], false);
    assert!(
        report["damaged_accounts"].as_array().unwrap().iter().any(|a| a == username),
        "{report}"
    );
}

#[test]
fn a_password_and_recovery_code_copied_onto_a_colleague_sign_in_as_nobody() {
    let (clinic, alice_codes, _, _) = two_enrolled();
    // The insider saves bob's row, puts their own password hash and one of their own
    // recovery codes on it, signs in as bob, and puts the row back.
    tamper(
        &clinic,
        "CREATE TABLE saved AS SELECT * FROM accounts WHERE username = 'bob';
         UPDATE accounts SET password_hash = (SELECT password_hash FROM accounts WHERE username = 'alice')
             WHERE username = 'bob';
         INSERT INTO recovery_codes (account_id, code_hash, lookup, used_at)
             SELECT (SELECT id FROM accounts WHERE username = 'bob'), code_hash, lookup, NULL
             FROM recovery_codes WHERE account_id = (SELECT id FROM accounts WHERE username = 'alice');",
    );
    let as_bob = clinic.run(
        &["--json", "login", "bob", "--password-stdin", "--recovery-code", &alice_codes[0]],
        Some(PASSWORD),
    );
    let as_bob = as_bob.code(1);
    assert!(!as_bob.stdout().contains("success"), "{}", as_bob.stdout());
    as_bob.error_line(&["bob does not verify", "audit verify"]);
    verify_names(&clinic, "bob");
    // Copying the whole sealed row of alice (seal, stamp and all) does no better: a
    // seal is bound to its account's id and name.
    tamper(
        &clinic,
        "UPDATE accounts SET seal = (SELECT seal FROM accounts WHERE username = 'alice'),
             stamp = (SELECT stamp FROM accounts WHERE username = 'alice'),
             credentials = (SELECT credentials FROM accounts WHERE username = 'alice')
         WHERE username = 'bob'",
    );
    clinic
        .run(
            &["login", "bob", "--password-stdin", "--recovery-code", &alice_codes[1]],
            Some(PASSWORD),
        )
        .code(1);
    // Nothing was written about bob meanwhile: the entry count is where it was, and no
    // sign-in of bob was ever recorded.
    let bob_logins: i64 = clinic
        .sql("SELECT count(*) FROM audit_log WHERE subject = 'bob' AND action = 'login' AND outcome = 'success'");
    assert_eq!(bob_logins, 0);
    // Put back exactly as it was, bob verifies again: the seal was never rewritten.
    tamper(
        &clinic,
        "DELETE FROM recovery_codes WHERE account_id = (SELECT id FROM accounts WHERE username = 'bob')
             AND lookup IN (SELECT lookup FROM recovery_codes WHERE account_id = (SELECT id FROM accounts WHERE username = 'alice'));
         UPDATE accounts SET password_hash = (SELECT password_hash FROM saved), seal = (SELECT seal FROM saved),
             stamp = (SELECT stamp FROM saved), credentials = (SELECT credentials FROM saved)
         WHERE username = 'bob';
         DROP TABLE saved;",
    );
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn a_row_set_back_to_an_earlier_sealed_state_of_its_own_is_caught() {
    let (clinic, _, _, bob_codes) = two_enrolled();
    // A spent recovery code made unspent.
    clinic.login_at("bob", NOW + STEP, &["--recovery-code", &bob_codes[0]]).code(0);
    tamper(&clinic, "UPDATE recovery_codes SET used_at = NULL");
    clinic
        .login_at("bob", NOW + 2 * STEP, &["--recovery-code", &bob_codes[0]])
        .code(1)
        .error_line(&["bob does not verify"]);
    verify_names(&clinic, "bob");

    // An old password hash restored, with the whole row as it was sealed then.
    let (clinic, _, bob_secret2, _) = two_enrolled();
    tamper(&clinic, "CREATE TABLE saved AS SELECT * FROM accounts WHERE username = 'bob'");
    let code = totp_code(&bob_secret2, NOW + STEP);
    clinic
        .at(
            NOW + STEP,
            &["passwd", "bob", "--password-stdin", "--code", &code],
            Some(&format!("{PASSWORD}\nanother long passphrase")),
        )
        .code(0);
    tamper(
        &clinic,
        "UPDATE accounts SET password_hash = (SELECT password_hash FROM saved), seal = (SELECT seal FROM saved),
             stamp = (SELECT stamp FROM saved), credentials = (SELECT credentials FROM saved)
         WHERE username = 'bob'",
    );
    let code = totp_code(&bob_secret2, NOW + 3 * STEP);
    clinic
        .login_at("bob", NOW + 3 * STEP, &["--code", &code])
        .code(1)
        .error_line(&["bob does not verify", "audit verify"]);
    verify_names(&clinic, "bob");
    // The admin's way out: remove and add again (a damaged account can be removed).
    clinic.ok(&["user", "remove", "bob", "--yes"], None);
    clinic.add_user("bob", &[]);
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn a_recovery_code_is_checked_by_keyed_look_up_and_a_locked_account_tells_nothing() {
    let (clinic, _, _, bob_codes) = two_enrolled();
    // No slow hash per stored code: each is one keyed look-up value (the argon2 per
    // code, run only when the password was right, was the timing oracle).
    let argon2: i64 =
        clinic.sql("SELECT count(*) FROM recovery_codes WHERE code_hash LIKE '$argon2%'");
    let looked_up: i64 = clinic
        .sql("SELECT count(*) FROM recovery_codes WHERE lookup IS NOT NULL AND code_hash = ''");
    assert_eq!((argon2, looked_up), (0, 20));
    // Locked: right and wrong passwords with a good code get the same answer, and the
    // code is not spent.
    for _ in 0..5 {
        clinic.login_at("bob", NOW + STEP, &["--code", "000000"]);
    }
    for password in [PASSWORD, "a wrong password here"] {
        let mut cmd = clinic.command();
        cmd.env("CLINIC2FA_NOW", (NOW + 2 * STEP).to_string())
            .args(["--json", "login", "bob", "--password-stdin", "--recovery-code", &bob_codes[0]])
            .write_stdin(format!("{password}\n"));
        let out = crate::harness::Run(cmd.output().unwrap()).code(4);
        assert_eq!(out.json()["reason"], "locked");
    }
    assert_eq!(clinic.user("bob")["two_factor"]["recovery_codes_left"], 10);
    // The code still works once the lock is over.
    clinic.login_at("bob", NOW + 3600, &["--recovery-code", &bob_codes[0]]).code(0);
}

#[test]
fn settings_written_by_hand_are_refused_not_honoured() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    // The schema's CHECK constraints do not stop an insider: they are switched off.
    let widen = match clinic.server() {
        None => "PRAGMA ignore_check_constraints = ON; UPDATE clinic SET totp_window = 700000",
        Some(_) => {
            "ALTER TABLE clinic DROP CONSTRAINT clinic_totp_window_check; UPDATE clinic SET totp_window = 700000"
        }
    };
    tamper(&clinic, widen);
    let far = totp_code(&secret, NOW + 86_400 * 30);
    clinic
        .login_at("alice", NOW + STEP, &["--code", &far])
        .code(1)
        .error_line(&["settings", "audit verify"]);
    clinic.login_at("alice", NOW + STEP, &["--code", "000000"]).code(1);
    tamper(&clinic, "UPDATE clinic SET totp_window = 1");
    clinic.login_at("alice", NOW + STEP, &["--code", &totp_code(&secret, NOW + STEP)]).code(0);

    // The system-log switch turned off by hand: not honoured, and said.
    clinic.ok(&["clinic", "set", "audit-syslog", "on"], None);
    tamper(&clinic, "UPDATE clinic SET audit_syslog = 0");
    clinic.run(&["clinic", "show"], None).code(1).error_line(&["settings do not verify"]);
    let out = clinic.run(&["--json", "audit", "verify"], None).code(1);
    assert_eq!(out.json()["settings_intact"], false);
}

#[test]
fn an_override_end_written_by_hand_writes_no_entry() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["user", "2fa", "set", "alice", "exempt", "--until", "30d"], None);
    tamper(&clinic, "UPDATE accounts SET policy_until = 1000000000 WHERE username = 'alice'");
    clinic.run(&["user", "list"], None).code(1);
    let ended: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'user.2fa-ended'");
    assert_eq!(ended, 0, "no sealed entry dated 2001");
}

#[test]
fn no_op_override_changes_never_restart_the_enrolment_grace() {
    let day = 86_400;
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "enrol-grace-days", "7"], None);
    clinic.add_user("alice", &[]);
    clinic.add_user("root", &["--role", "admin"]);
    clinic.at(NOW + day, &["clinic", "require-2fa", "on"], None).code(0);
    let day8 = NOW + 9 * day;
    let refused = |who: &str| {
        let out = clinic.login_at(who, day8, &[]).code(5);
        assert_eq!(out.json()["reason"], "enrolment-required");
    };
    refused("alice");
    refused("root");
    for setting in ["required", "clinic-default", "required"] {
        clinic.at(day8, &["user", "2fa", "set", "alice", setting], None).code(0);
        refused("alice");
    }
    // Promoted to admin, the rule moved to admins-only: admins were reached all along.
    clinic.at(day8, &["user", "set-role", "alice", "admin"], None).code(0);
    clinic.at(day8, &["clinic", "require-2fa", "admins"], None).code(0);
    refused("alice");
    refused("root");
    // A change that does start the requirement starts a grace.
    clinic.add_user("carol", &[]);
    clinic.at(day8, &["user", "2fa", "set", "carol", "exempt"], None).code(0);
    clinic.at(day8, &["user", "2fa", "set", "carol", "required"], None).code(0);
    let graced = clinic.login_at("carol", day8, &[]).code(0).json();
    assert_eq!(graced["second_factor"], "none");
    assert!(graced["enrolment_due"].is_string(), "{graced}");
}

#[test]
fn audit_head_is_one_token_on_stdout_and_still_verifies_after_a_key_rotation() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let out = clinic.ok(&["audit", "head"], None);
    let token = out.stdout();
    assert_eq!(token.lines().count(), 1, "{token:?}");
    let token = token.trim_end().to_owned();
    assert!(token.contains(':') && !token.contains(' '), "{token}");
    assert!(out.stderr().contains("audit verify --head"), "the advice goes to stderr");
    // A head as `audit head` gave it before digests (the entry's seal), at the head.
    let seq: i64 = token.split(':').next().unwrap().parse().unwrap();
    let old_style = old_style_token(&clinic, seq);
    // The key file was left readable by the group: the old one is kept 0600.
    let key = clinic.key_file();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let rotated = clinic.json(&["key", "rotate"], None);
    let old_key = rotated["old_key_file"].as_str().unwrap();
    let mode = std::fs::metadata(old_key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    clinic.add_user("bob", &[]);
    for written_down in [&token, &old_style] {
        clinic.ok(&["audit", "verify", "--head", written_down], None);
    }
    // A head that was never the trail's is still told apart.
    let forged = format!("{seq}:{}", "ab".repeat(32));
    clinic.run(&["audit", "verify", "--head", &forged], None).code(1);
}

fn old_style_token(clinic: &Clinic, seq: i64) -> String {
    let query = match clinic.server() {
        None => format!("SELECT lower(hex(seal)) FROM audit_log WHERE seq = {seq}"),
        Some(_) => format!("SELECT encode(seal, 'hex') FROM audit_log WHERE seq = {seq}"),
    };
    let hex: String = clinic.sql(&query);
    format!("{seq}:{hex}")
}

/// The review's race: `key rotate` committing while others sign in left an entry
/// sealed with the old key after it, and the trail broken for good. Twenty rounds of
/// four real sign-ins racing one rotation: each sign-in succeeds or is refused cleanly,
/// and after each round the trail verifies and the key rotates again.
#[test]
fn a_key_rotation_racing_sign_ins_never_breaks_the_trail() {
    let clinic = Clinic::new();
    for name in ["ann", "ben", "cat", "dan"] {
        clinic.add_user(name, &[]);
    }
    for round in 0..20 {
        let logins: Vec<_> = ["ann", "ben", "cat", "dan"]
            .iter()
            .map(|name| {
                let mut cmd = clinic.command_std(&["login", name, "--password-stdin"]);
                cmd.stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped());
                let mut child = cmd.spawn().unwrap();
                crate::harness::feed(&mut child, format!("{PASSWORD}\n").as_bytes());
                child
            })
            .collect();
        let rotate = clinic.command_std(&["key", "rotate"]).output().unwrap();
        assert!(
            rotate.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&rotate.stderr)
        );
        for child in logins {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() || err.contains("re-keyed"),
                "round {round}: a sign-in failed otherwise: {err}"
            );
        }
        clinic.ok(&["audit", "verify"], None);
    }
    clinic.ok(&["key", "rotate"], None);
    clinic.ok(&["audit", "verify"], None);
}

/// Readers racing writers never see an intact row as damaged: a row's seal covers what
/// other statements read (its credentials, the trail's latest entry about it), so a
/// check outside a transaction that saw a write land between its statements called an
/// untouched database tampered with. Four kinds of process, in parallel, many rounds.
#[test]
fn readers_racing_writers_never_see_an_intact_row_as_damaged() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    const ROUNDS: usize = 25;
    let outputs: Vec<(String, std::process::Output)> = std::thread::scope(|scope| {
        let jobs: [(&str, &[&str]); 4] = [
            // A new pending set-up each time: her credential rows change.
            ("enrol", &["--json", "enrol", "alice", "--password-stdin"]),
            ("user show", &["user", "show", "alice"]),
            ("clinic set", &["clinic", "set", "lockout-threshold", "7"]),
            ("clinic show", &["clinic", "show"]),
        ];
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|(what, args)| {
                let clinic = &clinic;
                scope.spawn(move || {
                    (0..ROUNDS)
                        .map(|_| {
                            let mut cmd = clinic.command_std(args);
                            cmd.stdin(std::process::Stdio::piped());
                            let mut child = cmd.spawn().unwrap();
                            crate::harness::feed(&mut child, format!("{PASSWORD}\n").as_bytes());
                            (what.to_owned(), child.wait_with_output().unwrap())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for (what, out) in &outputs {
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    }
    clinic.ok(&["audit", "verify"], None);
}

//! Enrolment and two-factor sign-in, with codes computed by an implementation
//! independent of the one under test.

use serde_json::json;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};

const STEP: i64 = 30;

#[test]
fn enrol_shows_a_pending_secret_in_the_contract_shape() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set-name", "Sunny Vale Clinic"], None);
    let pending = clinic
        .at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD))
        .code(0)
        .json();
    let secret = pending["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "160 bits of base32 without padding");
    assert!(
        secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
        "{secret}"
    );
    assert_eq!(
        pending,
        json!({
            "username": "alice",
            "status": "pending",
            "secret": secret,
            "otpauth_uri": format!("otpauth://totp/Sunny%20Vale%20Clinic:alice?secret={secret}&issuer=Sunny%20Vale%20Clinic"),
            "expires_at": "2026-11-27T17:10:00Z",
        })
    );
    // Pending is not enrolled: sign-in still needs no code.
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);
    clinic.login_at("alice", NOW, &[]).code(0);
}

#[test]
fn enrol_text_gives_the_qr_code_the_uri_and_the_key_in_groups_of_four() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let out =
        clinic.at(NOW, &["enrol", "alice", "--password-stdin"], Some(PASSWORD)).code(0).stdout();
    assert!(out.contains("Scan this QR code"), "{out}");
    assert!(out.contains('█') || out.contains('▀'), "{out}");
    let key_line = out.lines().find(|l| l.trim_start().starts_with("key:")).expect("key line");
    let groups: Vec<&str> =
        key_line.trim_start().trim_start_matches("key:").split_whitespace().collect();
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().all(|g| g.len() == 4), "{key_line}");
    assert!(out.contains(&format!("secret={}", groups.concat())), "{out}");
    assert!(out.contains("clinic2fa enrol alice --confirm CODE"), "{out}");
}

#[test]
fn confirming_with_an_independently_computed_code_enrols() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    assert_eq!(codes.len(), 10);
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], true);
    assert_eq!(user["two_factor"]["recovery_codes_left"], 10);
    let list = clinic.json(&["user", "list"], None);
    assert_eq!(list[0]["two_factor"]["enrolled"], true);
    assert!(clinic.ok(&["user", "list"], None).stdout().contains("yes"));
    // From now on a code is needed, and one from the app works.
    assert_eq!(clinic.login_at("alice", NOW + STEP, &[]).code(3).json()["reason"], "code-required");
    let code = totp_code(&secret, NOW + STEP);
    let ok = clinic.login_at("alice", NOW + STEP, &["--code", &code]).code(0).json();
    assert_eq!(
        ok,
        json!({"username": "alice", "result": "success", "second_factor": "totp", "enrolment_required": false})
    );
}

#[test]
fn a_wrong_confirmation_code_leaves_the_account_unenrolled() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let pending =
        clinic.at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD)).json();
    let wrong = totp_code(pending["secret"].as_str().unwrap(), NOW + 5 * STEP);
    let run = clinic.at(
        NOW,
        &["--json", "enrol", "alice", "--password-stdin", "--confirm", &wrong],
        Some(PASSWORD),
    );
    assert_eq!(run.code(3).json()["reason"], "invalid-code");
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);
}

#[test]
fn a_pending_secret_expires_after_ten_minutes() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let pending =
        clinic.at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD)).json();
    let later = NOW + 10 * 60;
    let code = totp_code(pending["secret"].as_str().unwrap(), later);
    clinic
        .at(later, &["enrol", "alice", "--password-stdin", "--confirm", &code], Some(PASSWORD))
        .code(1)
        .error_line(&["expired", "clinic2fa enrol alice"]);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);
}

#[test]
fn a_second_enrol_replaces_the_pending_secret() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let first =
        clinic.at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD)).json();
    let second =
        clinic.at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD)).json();
    assert_ne!(first["secret"], second["secret"]);
    let old = totp_code(first["secret"].as_str().unwrap(), NOW);
    clinic
        .at(NOW, &["enrol", "alice", "--password-stdin", "--confirm", &old], Some(PASSWORD))
        .code(3);
    let new = totp_code(second["secret"].as_str().unwrap(), NOW);
    clinic
        .at(NOW, &["enrol", "alice", "--password-stdin", "--confirm", &new], Some(PASSWORD))
        .code(0);
}

#[test]
fn confirm_without_an_enrolment_in_progress_says_how_to_start() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic
        .at(NOW, &["enrol", "alice", "--password-stdin", "--confirm", "123456"], Some(PASSWORD))
        .code(1)
        .error_line(&["no enrolment in progress", "clinic2fa enrol alice"]);
    // A wrong password is refused before anything about enrolment is said.
    clinic
        .at(
            NOW,
            &["enrol", "alice", "--password-stdin", "--confirm", "123456"],
            Some("not it at all"),
        )
        .code(3)
        .error_line(&["unknown username or wrong password"]);
}

#[test]
fn codes_are_accepted_within_the_window_and_refused_beyond_it() {
    for window in [0i64, 1, 2] {
        let clinic = Clinic::new();
        clinic.add_user("alice", &[]);
        clinic.ok(&["clinic", "set", "totp-window", &window.to_string()], None);
        let (secret, _) = clinic.enrol_at("alice", NOW, &[]);
        let now = NOW + 100 * STEP;
        // Ascending, so that no accepted step makes a later check a replay.
        let too_early = totp_code(&secret, now - (window + 1) * STEP);
        clinic.login_at("alice", now, &["--code", &too_early]).code(3);
        for offset in -window..=window {
            let code = totp_code(&secret, now + offset * STEP);
            let run = clinic.login_at("alice", now, &["--code", &code]);
            assert_eq!(
                run.0.status.code(),
                Some(0),
                "window {window}, offset {offset}: {}",
                run.stderr()
            );
        }
        let too_late = totp_code(&secret, now + (window + 1) * STEP);
        assert_eq!(
            clinic.login_at("alice", now, &["--code", &too_late]).code(3).json()["reason"],
            "invalid-code"
        );
    }
}

#[test]
fn a_code_works_once_and_no_earlier_code_works_after_it() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    // The code that confirmed the enrolment is used: not good for the first login.
    let confirming = totp_code(&secret, NOW);
    assert_eq!(
        clinic.login_at("alice", NOW, &["--code", &confirming]).code(3).json()["reason"],
        "invalid-code"
    );
    let later = NOW + 10 * STEP;
    let code = totp_code(&secret, later);
    clinic.login_at("alice", later, &["--code", &code]).code(0);
    // The same code again: refused.
    clinic.login_at("alice", later, &["--code", &code]).code(3);
    // An earlier step, still inside the window: refused too.
    let earlier = totp_code(&secret, later - STEP);
    clinic.login_at("alice", later, &["--code", &earlier]).code(3);
    // The next step is fine.
    let next = totp_code(&secret, later + STEP);
    clinic.login_at("alice", later + STEP, &["--code", &next]).code(0);
}

#[test]
fn spaces_and_dashes_in_a_code_are_ignored_and_a_malformed_code_is_a_usage_error() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 3 * STEP;
    let code = totp_code(&secret, at);
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    clinic.login_at("alice", at, &["--code", &spaced]).code(0);
    let at = at + STEP;
    let code = totp_code(&secret, at);
    let dashed = format!("{}-{}", &code[..3], &code[3..]);
    clinic.login_at("alice", at, &["--code", &dashed]).code(0);
    clinic.login_at("alice", at, &["--code", "12345"]).code(2).error_line(&["6 digits"]);
    clinic.login_at("alice", at, &["--code", "1", "--recovery-code", "x"]).code(2);
}

#[test]
fn wrong_codes_count_toward_the_lockout_and_a_missing_code_does_not() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "3"], None);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 20 * STEP;
    for _ in 0..5 {
        clinic.login_at("alice", at, &[]).code(3);
    }
    for _ in 0..3 {
        clinic.login_at("alice", at, &["--code", "000000"]).code(3);
    }
    let good = totp_code(&secret, at);
    assert_eq!(clinic.login_at("alice", at, &["--code", &good]).code(4).json()["reason"], "locked");
}

#[test]
fn the_same_code_from_sixteen_concurrent_logins_lets_exactly_one_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 40 * STEP;
    let code = totp_code(&secret, at);
    let codes: Vec<Option<i32>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| clinic.login_at("alice", at, &["--code", &code]).0.status.code())
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == Some(3)).count(), 15, "{codes:?}");
}

#[test]
fn unenrol_needs_a_current_code_and_removes_the_authenticator() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 5 * STEP;
    clinic
        .at(at, &["unenrol", "alice", "--password-stdin"], Some(PASSWORD))
        .code(2)
        .error_line(&["--code"]);
    clinic
        .at(at, &["unenrol", "alice", "--password-stdin", "--code", "000000"], Some(PASSWORD))
        .code(3);
    clinic
        .at(
            at,
            &["unenrol", "alice", "--password-stdin", "--code", "000000"],
            Some("wrong password"),
        )
        .code(3);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], true);
    let code = totp_code(&secret, at);
    let done = clinic.at(
        at,
        &["--json", "unenrol", "alice", "--password-stdin", "--code", &code],
        Some(PASSWORD),
    );
    assert_eq!(done.code(0).json(), json!({"username": "alice", "status": "not-enrolled"}));
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], false);
    assert_eq!(user["two_factor"]["recovery_codes_left"], 0);
    assert_eq!(clinic.login_at("alice", at, &[]).code(0).json()["second_factor"], "none");
    // Nothing left to turn off.
    clinic
        .at(
            at + STEP,
            &["unenrol", "alice", "--password-stdin", "--code", &totp_code(&secret, at + STEP)],
            Some(PASSWORD),
        )
        .code(1)
        .error_line(&["no authenticator"]);
}

#[test]
fn replacing_an_authenticator_needs_a_current_code_and_the_old_one_works_until_confirmed() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (old, _) = clinic.enrol("alice");
    let at = NOW + 4 * STEP;
    let refused =
        clinic.at(at, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD)).code(3);
    assert_eq!(refused.json()["reason"], "code-required");
    let pending = clinic
        .at(
            at,
            &["--json", "enrol", "alice", "--password-stdin", "--code", &totp_code(&old, at)],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    let new = pending["secret"].as_str().unwrap().to_owned();
    // The old phone still signs in while the new one is pending.
    let at = at + STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&old, at)]).code(0);
    // Confirm the new phone, in the same step as the old phone's last code.
    clinic
        .at(
            at,
            &["enrol", "alice", "--password-stdin", "--confirm", &totp_code(&new, at)],
            Some(PASSWORD),
        )
        .code(0);
    let at = at + STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&old, at)]).code(3);
    clinic.login_at("alice", at, &["--code", &totp_code(&new, at)]).code(0);
}

#[test]
fn clinic_name_with_a_colon_is_refused_so_the_uri_label_stays_parseable() {
    let clinic = Clinic::new();
    clinic.run(&["clinic", "set-name", "Clinic: North"], None).code(2).error_line(&["':'"]);
}

#[test]
fn no_secret_reaches_stderr_or_the_audit_trail() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let pending = clinic.at(NOW, &["--json", "enrol", "alice", "--password-stdin"], Some(PASSWORD));
    let secret = pending.json()["secret"].as_str().unwrap().to_owned();
    assert!(!pending.stderr().contains(&secret));
    let code = totp_code(&secret, NOW);
    let confirmed = clinic.at(
        NOW,
        &["--json", "enrol", "alice", "--password-stdin", "--confirm", &code],
        Some(PASSWORD),
    );
    let details: String = clinic
        .sql("SELECT group_concat(coalesce(detail, '') || outcome || action, ' ') FROM audit_log");
    assert!(!details.contains(&secret) && !details.contains(&code), "{details}");
    for recovery in confirmed.json()["recovery_codes"].as_array().unwrap() {
        assert!(!confirmed.stderr().contains(recovery.as_str().unwrap()));
    }
}

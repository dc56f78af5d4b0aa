//! Several named authenticators per person: `enrol --device`, `unenrol --device`,
//! `user 2fa list | remove`, and what every view says about them.

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD, decode_terminal_qr, totp_code};
use crate::security::tamper;

const STEP: i64 = 30;

/// Starts setting up `device` beside alice's others at `at`, signing in with `proof`
/// (a current code from one of them, or a recovery code: it has a dash).
fn start_device(clinic: &Clinic, device: &str, at: i64, proof: &str) -> crate::harness::Run {
    let flag = if proof.contains('-') { "--recovery-code" } else { "--code" };
    clinic.at(
        at,
        &["--json", "enrol", "alice", "--password-stdin", "--device", device, flag, proof],
        Some(PASSWORD),
    )
}

/// Adds `device` beside alice's others at `at` (see [`start_device`]). Returns the new
/// secret and the recovery codes that confirming it issued.
fn add_device(clinic: &Clinic, device: &str, at: i64, proof: &str) -> (String, Vec<String>) {
    let pending = start_device(clinic, device, at, proof).code(0).json();
    let secret = pending["secret"].as_str().expect("secret").to_owned();
    let confirmed = clinic
        .at(
            at,
            &["--json", "enrol", "alice", "--password-stdin", "--confirm", &totp_code(&secret, at)],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    let codes = confirmed["recovery_codes"].as_array().expect("recovery codes");
    (secret, codes.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
}

/// alice with a phone (enrolled at NOW) and a tablet (added two steps later).
fn alice_with_phone_and_tablet() -> (Clinic, String, String) {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    let at = NOW + 2 * STEP;
    let (tablet, _) = add_device(&clinic, "tablet", at, &totp_code(&phone, at));
    (clinic, phone, tablet)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect()
}

fn list(clinic: &Clinic) -> Value {
    clinic.json(&["user", "2fa", "list", "alice"], None)
}

fn unenrol(clinic: &Clinic, at: i64, extra: &[&str]) -> crate::harness::Run {
    let mut args = vec!["--json", "unenrol", "alice", "--password-stdin"];
    args.extend_from_slice(extra);
    clinic.at(at, &args, Some(PASSWORD))
}

#[test]
fn two_devices_sign_in_alternately_and_each_says_when_it_was_last_used() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    for (i, secret) in [&phone, &tablet, &phone, &tablet].into_iter().enumerate() {
        let at = NOW + (4 + i as i64) * STEP;
        let done = clinic.login_at("alice", at, &["--code", &totp_code(secret, at)]).code(0);
        assert_eq!(done.json()["second_factor"], "totp");
    }
    assert_eq!(
        list(&clinic),
        json!([
            {"name": "phone", "added_at": "2026-11-27T17:00:00Z",
             "last_used_at": "2026-11-27T17:03:00Z"},
            {"name": "tablet", "added_at": "2026-11-27T17:01:00Z",
             "last_used_at": "2026-11-27T17:03:30Z"},
        ])
    );
    // The audit trail names the device each sign-in used.
    let trail = clinic.json(&["audit", "--user", "alice"], None);
    let details: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        ["totp, device phone", "totp, device tablet", "totp, device phone", "totp, device tablet"]
    );
    let table = clinic.ok(&["user", "2fa", "list", "alice"], None).stdout();
    assert!(table.contains("phone") && table.contains("tablet"), "{table}");
    assert!(table.contains("tablet") && table.contains("17:03"), "{table}");
}

#[test]
fn a_code_accepted_from_one_device_lets_no_earlier_or_equal_step_of_another_in() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    let at = NOW + 10 * STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&phone, at)]).code(0);
    // The tablet's code for the same step, and for the step before (in the window).
    let same = clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at)]).code(3);
    assert_eq!(same.json()["reason"], "invalid-code");
    clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at - STEP)]).code(3);
    // A later step from the tablet (one ahead, in the window) is fresh...
    clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at + STEP)]).code(0);
    // ...and then the phone's code for that step is not.
    clinic.login_at("alice", at + STEP, &["--code", &totp_code(&phone, at + STEP)]).code(3);
    clinic.login_at("alice", at + 2 * STEP, &["--code", &totp_code(&phone, at + 2 * STEP)]).code(0);
}

#[test]
fn sixteen_concurrent_sign_ins_split_over_two_devices_codes_for_one_step_let_exactly_one_in() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    let at = NOW + 40 * STEP;
    let (a, b) = (totp_code(&phone, at), totp_code(&tablet, at));
    let codes: Vec<Option<i32>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|i| {
                let code = if i % 2 == 0 { &a } else { &b };
                let clinic = &clinic;
                scope.spawn(move || clinic.login_at("alice", at, &["--code", code]).0.status.code())
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == Some(3)).count(), 15, "{codes:?}");
    let successes: i64 =
        clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'success'");
    assert_eq!(successes, 1);
}

#[test]
fn adding_a_device_needs_the_password_and_a_current_code_or_a_recovery_code() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, codes) = clinic.enrol("alice");
    let at = NOW + 3 * STEP;
    let add = |password: &str, extra: &[&str]| {
        let mut args = vec!["--json", "enrol", "alice", "--password-stdin", "--device", "tablet"];
        args.extend_from_slice(extra);
        clinic.at(at, &args, Some(password))
    };
    assert_eq!(add(PASSWORD, &[]).code(3).json()["reason"], "code-required");
    assert_eq!(add(PASSWORD, &["--code", "000000"]).code(3).json()["reason"], "invalid-code");
    let wrong = add("not the password", &["--code", &totp_code(&phone, at)]).code(3);
    assert_eq!(wrong.json()["reason"], "invalid-credentials");
    let pending: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!(pending, 0, "a refused start leaves no pending set-up");

    // A recovery code is an existing factor too (and is spent by it).
    let (tablet, fresh) = add_device(&clinic, "tablet", at, &codes[0]);
    assert_eq!(names(&list(&clinic)), ["phone", "tablet"]);
    // One set of recovery codes per person: confirming issued a new set.
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 10);
    let old = clinic.login_at("alice", at + STEP, &["--recovery-code", &codes[1]]).code(3);
    assert_eq!(old.json()["reason"], "invalid-code");
    clinic.login_at("alice", at + STEP, &["--recovery-code", &fresh[0]]).code(0);
    // Both sign in.
    clinic.login_at("alice", at + 2 * STEP, &["--code", &totp_code(&phone, at + 2 * STEP)]).code(0);
    clinic
        .login_at("alice", at + 3 * STEP, &["--code", &totp_code(&tablet, at + 3 * STEP)])
        .code(0);
}

#[test]
fn while_a_new_device_is_pending_the_others_keep_signing_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    let at = NOW + 2 * STEP;
    start_device(&clinic, "spare", at, &totp_code(&phone, at)).code(0);
    assert_eq!(names(&list(&clinic)), ["phone"], "pending is not active");
    clinic.login_at("alice", at + STEP, &["--code", &totp_code(&phone, at + STEP)]).code(0);
    assert_eq!(clinic.user("alice")["two_factor"]["authenticators"], 1);
}

#[test]
fn at_most_five_and_a_sixth_is_refused_with_nothing_changed() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    for (i, name) in ["tablet", "work phone", "ward.tablet-2", "spare_1"].iter().enumerate() {
        let at = NOW + (2 + 2 * i as i64) * STEP;
        add_device(&clinic, name, at, &totp_code(&phone, at));
    }
    assert_eq!(
        names(&list(&clinic)),
        ["phone", "tablet", "work phone", "ward.tablet-2", "spare_1"]
    );
    let at = NOW + 20 * STEP;
    let before: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    start_device(&clinic, "sixth", at, &totp_code(&phone, at))
        .code(1)
        .error_line(&["5 authenticators", "unenrol alice --device"]);
    let after: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!((before, after), (0, 0));
    assert_eq!(names(&list(&clinic)).len(), 5);
    // Replacing one of the five is no sixth.
    let at = at + STEP;
    add_device(&clinic, "tablet", at, &totp_code(&phone, at));
    assert_eq!(names(&list(&clinic)).len(), 5);
}

#[test]
fn device_names_are_checked_and_lowercased() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    for bad in ["", " tablet", "-tablet", "tablet ", "tab/let", "t\u{202e}ab", &"x".repeat(33)] {
        let device = format!("--device={bad}");
        clinic
            .run(&["enrol", "alice", "--password-stdin", &device], Some(PASSWORD))
            .code(2)
            .error_line(&["device name", "1-32 characters"]);
    }
    let pending: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!(pending, 0);
    let started = clinic
        .at(
            NOW,
            &["--json", "enrol", "alice", "--password-stdin", "--device", "Ward Tablet"],
            Some(PASSWORD),
        )
        .code(0)
        .json();
    let secret = started["secret"].as_str().unwrap();
    clinic
        .at(
            NOW,
            &["enrol", "alice", "--password-stdin", "--confirm", &totp_code(secret, NOW)],
            Some(PASSWORD),
        )
        .code(0);
    assert_eq!(names(&list(&clinic)), ["ward tablet"]);
}

#[test]
fn the_apps_entry_and_the_qr_code_name_a_device_other_than_the_default() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let phone = clinic.json(&["enrol", "alice", "--password-stdin"], Some(PASSWORD));
    let uri = phone["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Clinic:alice?"), "{uri}");
    let tablet = clinic
        .json(&["enrol", "alice", "--password-stdin", "--device", "ward tablet"], Some(PASSWORD));
    let uri = tablet["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Clinic:alice%20%28ward%20tablet%29?"), "{uri}");
    // The text a person sees: the same link in the QR code, and the device named.
    let shown = clinic
        .ok(&["enrol", "alice", "--password-stdin", "--device", "ward tablet"], Some(PASSWORD))
        .stdout();
    let decoded = decode_terminal_qr(&shown);
    assert!(decoded.contains("alice%20%28ward%20tablet%29"), "{decoded}");
    assert!(shown.contains("alice (ward tablet)"), "{shown}");
}

#[test]
fn unenrol_device_removes_that_one_and_keeps_the_others_and_the_recovery_codes() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    clinic.ok(&["user", "2fa", "set", "alice", "required"], None);
    let at = NOW + 6 * STEP;
    let done = unenrol(&clinic, at, &["--device", "tablet", "--code", &totp_code(&phone, at)]);
    assert_eq!(
        done.code(0).json(),
        json!({"username": "alice", "status": "enrolled", "removed": "tablet", "authenticators": 1})
    );
    assert_eq!(names(&list(&clinic)), ["phone"]);
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], true);
    assert_eq!(user["two_factor"]["authenticators"], 1);
    assert_eq!(user["two_factor"]["recovery_codes_left"], 10);
    assert_eq!(user["two_factor"]["policy"], "required");
    let at = at + STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at)]).code(3);
    clinic.login_at("alice", at + STEP, &["--code", &totp_code(&phone, at + STEP)]).code(0);
    let detail: String = clinic
        .sql("SELECT detail FROM audit_log WHERE action = 'unenrol' ORDER BY seq DESC LIMIT 1");
    assert!(detail.contains("tablet"), "{detail}");

    // A device she does not have: refused, naming the ones she does, nothing changed.
    let at = at + 3 * STEP;
    unenrol(&clinic, at, &["--device", "tablet", "--code", &totp_code(&phone, at)])
        .code(1)
        .error_line(&["no authenticator named \"tablet\"", "user 2fa list alice"]);
    assert_eq!(names(&list(&clinic)), ["phone"]);
}

#[test]
fn unenrol_device_takes_a_code_from_any_device_or_a_recovery_code() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    let at = NOW + 2 * STEP;
    let (tablet, codes) = add_device(&clinic, "tablet", at, &totp_code(&phone, at));
    let at = NOW + 4 * STEP;
    add_device(&clinic, "spare", at, &totp_code(&tablet, at));
    let codes_now = clinic.user("alice")["two_factor"]["recovery_codes_left"].clone();
    assert_eq!(codes_now, 10);
    drop(codes);
    // The tablet's own code removes the phone.
    let at = NOW + 6 * STEP;
    unenrol(&clinic, at, &["--device", "phone", "--code", &totp_code(&tablet, at)]).code(0);
    assert_eq!(names(&list(&clinic)), ["tablet", "spare"]);
}

#[test]
fn unenrol_device_with_a_recovery_code_removes_the_lost_one() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    let at = NOW + 2 * STEP;
    let (_tablet, codes) = add_device(&clinic, "tablet", at, &totp_code(&phone, at));
    unenrol(&clinic, at + STEP, &["--device", "phone", "--recovery-code", &codes[0]]).code(0);
    assert_eq!(names(&list(&clinic)), ["tablet"]);
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 9);
}

#[test]
fn unenrol_without_device_or_of_the_last_one_removes_them_all_with_the_recovery_codes() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    let at = NOW + 6 * STEP;
    let done = unenrol(&clinic, at, &["--code", &totp_code(&tablet, at)]).code(0);
    assert_eq!(done.json(), json!({"username": "alice", "status": "not-enrolled"}));
    assert_eq!(list(&clinic), json!([]));
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 0);
    let at = at + STEP;
    let none = clinic.login_at("alice", at, &[]).code(0).json();
    assert_eq!(none["second_factor"], "none");
    clinic.login_at("alice", at, &["--code", &totp_code(&phone, at)]).code(0);

    // The last one by name: the same as all.
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (phone, _) = clinic.enrol("alice");
    let at = NOW + 2 * STEP;
    let done = unenrol(&clinic, at, &["--device", "phone", "--code", &totp_code(&phone, at)]);
    assert_eq!(done.code(0).json(), json!({"username": "alice", "status": "not-enrolled"}));
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 0);
}

#[test]
fn an_admin_removes_one_lost_device_audited_leaving_the_others_and_the_override() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    clinic.ok(&["user", "2fa", "set", "alice", "required"], None);
    let before = clinic.user("alice");
    let removed = clinic.json(&["user", "2fa", "remove", "alice", "tablet"], None);
    assert_eq!(removed["removed"], "tablet");
    assert_eq!(removed["username"], "alice");
    assert_eq!(removed["two_factor"]["authenticators"], 1);
    let after = clinic.user("alice");
    assert_eq!(after["two_factor"]["policy"], before["two_factor"]["policy"]);
    assert_eq!(after["two_factor"]["recovery_codes_left"], 10);
    assert_eq!(names(&list(&clinic)), ["phone"]);
    let at = NOW + 5 * STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at)]).code(3);
    clinic.login_at("alice", at + STEP, &["--code", &totp_code(&phone, at + STEP)]).code(0);
    let trail = clinic.json(&["audit", "--user", "alice"], None);
    let entry: Vec<&Value> =
        trail.as_array().unwrap().iter().filter(|e| e["action"] == "user.2fa-remove").collect();
    assert_eq!(entry.len(), 1, "{trail}");
    assert_eq!(entry[0]["subject"], "alice");
    assert_eq!(entry[0]["outcome"], "ok");
    assert_eq!(entry[0]["detail"], "device tablet");
    clinic.ok(&["audit", "verify"], None);

    // Unknown device or person: one line, exit 1, nothing changed.
    clinic.run(&["user", "2fa", "remove", "alice", "tablet"], None).code(1).error_line(&[
        "tablet",
        "phone",
        "user 2fa list alice",
    ]);
    clinic.run(&["user", "2fa", "remove", "bob", "phone"], None).code(1).error_line(&["bob"]);
    clinic
        .run(&["user", "2fa", "remove", "alice", "Bad/Name"], None)
        .code(2)
        .error_line(&["device"]);
    clinic.run(&["user", "2fa", "list", "bob"], None).code(1).error_line(&["bob"]);
    let entries: i64 =
        clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'user.2fa-remove'");
    assert_eq!(entries, 1);

    // Her last: the recovery codes go with it; the override still stands.
    let text = clinic.ok(&["user", "2fa", "remove", "alice", "phone"], None).stdout();
    assert!(text.contains("last"), "{text}");
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], false);
    assert_eq!(user["two_factor"]["recovery_codes_left"], 0);
    assert_eq!(user["two_factor"]["policy"], "required");
}

#[test]
fn a_spent_bypass_removes_every_device() {
    let (clinic, _phone, _tablet) = alice_with_phone_and_tablet();
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let at = NOW + 6 * STEP;
    let done = clinic.login_at("alice", at, &[]).code(0).json();
    assert_eq!(done["second_factor"], "bypass");
    assert_eq!(list(&clinic), json!([]));
    assert_eq!(clinic.user("alice")["two_factor"]["authenticators"], 0);
    assert_eq!(clinic.user("alice")["two_factor"]["recovery_codes_left"], 0);
}

#[test]
fn user_show_the_report_and_explain_count_the_devices() {
    let (clinic, _, _) = alice_with_phone_and_tablet();
    clinic.add_user("bob", &[]);
    clinic.enrol("bob");
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["authenticators"], 2);
    assert_eq!(user["two_factor"]["enrolled"], true);
    let shown = clinic.ok(&["user", "show", "alice"], None).stdout();
    assert!(shown.lines().any(|l| l.contains("authenticators") && l.contains('2')), "{shown}");
    let listed = clinic.json(&["user", "list"], None);
    assert_eq!(listed[0]["two_factor"]["authenticators"], 2);
    assert_eq!(listed[1]["two_factor"]["authenticators"], 1);

    let report = clinic.json(&["report"], None);
    assert_eq!(report["counts"]["enrolled"], 2);
    assert_eq!(report["counts"]["authenticators"], 3);
    assert_eq!(report["counts"]["several_authenticators"], 1);
    let text = clinic.ok(&["report"], None).stdout();
    assert!(text.lines().any(|l| l.contains("with more than one") && l.contains('1')), "{text}");

    let explained = clinic.json(&["user", "explain", "alice"], None);
    assert_eq!(explained["authenticators"], 2, "{explained}");
    let text = clinic.ok(&["user", "explain", "alice"], None).stdout();
    assert!(text.contains("any of their 2 authenticators"), "{text}");
}

/// The binary on another database (a path or URL) with this clinic's key file, at `at`.
fn on(clinic: &Clinic, db: &str, at: i64, args: &[&str]) -> crate::harness::Run {
    let mut cmd = clinic.command();
    cmd.env("CLINIC2FA_DB", db)
        .env("CLINIC2FA_KEY_FILE", clinic.key_file())
        .env("CLINIC2FA_NOW", at.to_string())
        .args(args)
        .write_stdin(format!("{PASSWORD}\n"));
    crate::harness::Run(cmd.output().expect("binary ran"))
}

#[test]
fn backup_and_db_copy_carry_every_device_and_its_used_step() {
    let (clinic, phone, tablet) = alice_with_phone_and_tablet();
    let at = NOW + 8 * STEP;
    clinic.login_at("alice", at, &["--code", &totp_code(&tablet, at)]).code(0);
    let want = list(&clinic);
    let backup = clinic.dir().join("backup.db").to_string_lossy().into_owned();
    clinic.ok(&["backup", &backup], None);
    let mut copies = vec![backup];
    // `db copy` to the other engine, where there is a test server.
    // (The server's database lives as long as `server_db`.)
    let server_db = clinic.server().is_none().then(crate::pg::Server::from_env).flatten();
    let server_db = server_db.map(|server| server.database());
    let target = match (clinic.server(), &server_db) {
        (Some(_), _) => Some(clinic.dir().join("copied.db").to_string_lossy().into_owned()),
        (None, Some(db)) => Some(db.url().replacen('@', &format!(":{}@", db.password()), 1)),
        (None, None) => None,
    };
    if let Some(target) = target {
        clinic.ok(&["db", "copy", "--to", &target], None);
        copies.push(target);
    }
    for copy in &copies {
        let listed = on(&clinic, copy, at, &["--json", "user", "2fa", "list", "alice"]).code(0);
        assert_eq!(listed.json(), want, "{copy}");
        let login = |at: i64, secret: &str| {
            let code = totp_code(secret, at);
            on(
                &clinic,
                copy,
                at,
                &["--json", "login", "alice", "--password-stdin", "--code", &code],
            )
        };
        // The tablet's used step came along: the phone's code for it is refused.
        login(at, &phone).code(3);
        login(at + STEP, &phone).code(0);
        login(at + 2 * STEP, &tablet).code(0);
        on(&clinic, copy, at, &["audit", "verify"]).code(0);
    }
}

#[test]
fn an_unsealed_device_planted_with_sqlite3_signs_nobody_in() {
    let (clinic, phone, _) = alice_with_phone_and_tablet();
    clinic.add_user("bob", &[]);
    clinic.enrol("bob");
    // The insider copies alice's phone row onto bob as a second device of his.
    tamper(
        &clinic,
        "INSERT INTO authenticators (account_id, name, secret, last_used_step, confirmed_at)
         SELECT (SELECT id FROM accounts WHERE username = 'bob'), 'planted', secret,
                last_used_step, confirmed_at
         FROM authenticators WHERE name = 'phone'
           AND account_id = (SELECT id FROM accounts WHERE username = 'alice')",
    );
    let at = NOW + 6 * STEP;
    let mut args = vec!["--json", "login", "bob", "--password-stdin", "--code"];
    let code = totp_code(&phone, at);
    args.push(&code);
    let refused = clinic.at(at, &args, Some(PASSWORD)).code(1);
    assert!(refused.stderr().contains("bob"), "{}", refused.stderr());
    // Renaming a device of alice's is no way around the seal either.
    tamper(&clinic, "UPDATE authenticators SET name = 'renamed' WHERE name = 'tablet'");
    clinic.login_at("alice", at, &["--code", &totp_code(&phone, at)]).code(1);
}

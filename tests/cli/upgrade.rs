//! Clinics made by the release before named authenticators (schema 13, made by
//! `tests/fixtures/schema13/make.py` with that release's binary) upgraded by this one,
//! on the engine of the run: each person's authenticator becomes one named `phone`,
//! sealed as before, and what was damaged stays damaged.

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{Clinic, Engine, NOW, PASSWORD, engine, totp_code};
use crate::security::tamper;

const STEP: i64 = 30;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema13").join(name)
}

/// The schema-13 clinic, not yet opened by this release, and the secrets it was made
/// with. `before`: sqlite3 or psql run on it first, as an insider would.
fn old_clinic(before: Option<&str>) -> (Clinic, Value) {
    let secrets: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("secrets.json")).unwrap()).unwrap();
    let clinic = match engine() {
        Engine::Sqlite => {
            let clinic = Clinic::uninitialised();
            std::fs::create_dir_all(clinic.db().parent().unwrap()).unwrap();
            std::fs::copy(fixture("clinic.db"), clinic.db()).unwrap();
            std::fs::copy(fixture("clinic.db.key"), clinic.key_file()).unwrap();
            private(&[clinic.db().parent().unwrap(), &clinic.db(), &clinic.key_file()]);
            clinic
        }
        Engine::Postgres => {
            let clinic = Clinic::uninitialised();
            let key = clinic.dir().join("postgres.key");
            std::fs::copy(fixture("postgres.key"), &key).unwrap();
            private(&[&key]);
            let dump = std::fs::read_to_string(fixture("postgres.sql")).unwrap();
            let db = clinic.server().unwrap().clone();
            db.execute(&dump);
            clinic.with_key_file(&key)
        }
    };
    let engine = if clinic.server().is_some() { "postgres" } else { "sqlite" };
    let version: i64 = clinic.sql(match engine {
        "postgres" => "SELECT version FROM clinic2fa_schema",
        _ => "PRAGMA user_version",
    });
    assert_eq!(version, 13, "the fixture is a schema-13 clinic");
    if let Some(sql) = before {
        tamper(&clinic, sql);
    }
    (clinic, secrets[engine].clone())
}

/// As `init` leaves them (a checkout gives the fixtures mode 0644, which would get a
/// warning on every run).
fn private(paths: &[&Path]) {
    use std::os::unix::fs::PermissionsExt;
    for path in paths {
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn secret(secrets: &Value, who: &str, what: &str) -> String {
    secrets[who][what].as_str().unwrap().to_owned()
}

/// The schema a new clinic gets from this binary.
pub fn current_schema() -> i64 {
    schema(&Clinic::new())
}

pub fn schema(clinic: &Clinic) -> i64 {
    if clinic.server().is_some() {
        clinic.sql("SELECT version FROM clinic2fa_schema")
    } else {
        clinic.sql("PRAGMA user_version")
    }
}

#[test]
fn each_authenticator_becomes_one_named_phone_that_signs_in_as_before() {
    let (clinic, secrets) = old_clinic(None);
    let alice = secret(&secrets, "alice", "secret");
    let listed = clinic.json(&["user", "2fa", "list", "alice"], None);
    assert_eq!(schema(&clinic), current_schema());
    // Signed in with a code two steps after enrolling: that is its last use.
    assert_eq!(
        listed,
        json!([{"name": "phone", "added_at": "2026-11-27T17:00:00Z",
                "last_used_at": "2026-11-27T17:01:00Z"}])
    );
    let bob = clinic.json(&["user", "2fa", "list", "bob"], None);
    assert_eq!(bob[0]["last_used_at"], Value::Null, "only confirmed, never used");
    assert_eq!(clinic.user("alice")["two_factor"]["authenticators"], 1);
    assert_eq!(clinic.json(&["audit", "verify"], None)["intact"], true);

    // The used step came along: no replay of the last code, the next one signs in.
    let used = NOW + 2 * STEP;
    clinic.login_at("alice", used, &["--code", &totp_code(&alice, used)]).code(3);
    let next = used + STEP;
    let done = clinic.login_at("alice", next, &["--code", &totp_code(&alice, next)]).code(0);
    assert_eq!(done.json()["second_factor"], "totp");
    // Recovery codes and the other person's authenticator too.
    let bob_code = secrets["bob"]["recovery_codes"][0].as_str().unwrap();
    clinic.login_at("bob", next, &["--recovery-code", bob_code]).code(0);
    let bob_secret = secret(&secrets, "bob", "secret");
    let later = next + STEP;
    clinic.login_at("bob", later, &["--code", &totp_code(&bob_secret, later)]).code(0);

    // Carol's set-up, started before the upgrade, finishes as her phone.
    let carol = secret(&secrets, "carol", "pending_secret");
    clinic
        .at(
            later,
            &["enrol", "carol", "--password-stdin", "--confirm", &totp_code(&carol, later)],
            Some(PASSWORD),
        )
        .code(0);
    let carol = clinic.json(&["user", "2fa", "list", "carol"], None);
    assert_eq!(carol[0]["name"], "phone");

    // And a second device beside the upgraded one.
    let at = later + 2 * STEP;
    let code = totp_code(&alice, at);
    let start =
        ["--json", "enrol", "alice", "--password-stdin", "--device", "tablet", "--code", &code];
    let pending = clinic.at(at, &start, Some(PASSWORD)).code(0).json();
    let tablet = pending["secret"].as_str().unwrap();
    clinic
        .at(
            at,
            &["enrol", "alice", "--password-stdin", "--confirm", &totp_code(tablet, at)],
            Some(PASSWORD),
        )
        .code(0);
    let names = clinic.json(&["user", "2fa", "list", "alice"], None);
    assert_eq!(names.as_array().unwrap().len(), 2);
    assert_eq!(clinic.json(&["audit", "verify"], None)["intact"], true);
}

#[test]
fn an_authenticator_copied_onto_a_colleague_before_the_upgrade_stays_refused_after_it() {
    // The insider, on the schema-13 file: their own authenticator onto bob's row.
    let (clinic, secrets) = old_clinic(Some(
        "UPDATE authenticators SET secret = (SELECT secret FROM authenticators
             WHERE account_id = (SELECT id FROM accounts WHERE username = 'alice'))
         WHERE account_id = (SELECT id FROM accounts WHERE username = 'bob')",
    ));
    let alice = secret(&secrets, "alice", "secret");
    let at = NOW + 4 * STEP;
    let as_bob = clinic.login_at("bob", at, &["--code", &totp_code(&alice, at)]).code(1);
    assert!(!as_bob.stdout().contains("success"), "{}", as_bob.stdout());
    as_bob.error_line(&["bob does not verify"]);
    assert_eq!(schema(&clinic), current_schema(), "the upgrade ran, and did not bless bob's row");
    let report = clinic.run(&["--json", "audit", "verify"], None).code(1).json();
    assert_eq!(report["damaged_accounts"], json!(["bob"]), "{report}");
    // Alice, untouched, signs in.
    clinic.login_at("alice", at, &["--code", &totp_code(&alice, at)]).code(0);
}

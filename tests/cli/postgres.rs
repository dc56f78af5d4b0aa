//! What holds for a clinic on a PostgreSQL server: the URL, TLS and the password as
//! libpq finds them; `init` and schema versions on a server; secrets sealed there too;
//! the guarantees under 16 processes at once; and `db copy` between the engines.
//!
//! Each test needs the test server (`CLINIC2FA_TEST_POSTGRES`) and returns at once
//! without one; `main::the_suite_passes_on_postgresql` says once that they were skipped.
//! The rest of the suite runs against the server too, through that test.

use std::process::Command;

use serde_json::Value;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::pg::{Database, Server};

const STEP: i64 = 30;

/// The test server, or `None` (skip) when there is none.
fn server() -> Option<Server> {
    Server::from_env()
}

/// A clinic on its own new database of the test server, made by `init`.
fn clinic_on(server: &Server) -> (Clinic, Database) {
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    clinic.ok(&["init", "--name", "Chain Clinic"], None);
    (clinic, db)
}

/// The binary for `clinic`, its database named by `db` (a URL or a path) and its
/// key file where the clinic keeps it.
fn run_on(clinic: &Clinic, db: &str, args: &[&str]) -> crate::harness::Run {
    let mut cmd = clinic.command();
    cmd.env("CLINIC2FA_DB", db).env("CLINIC2FA_KEY_FILE", clinic.key_file()).args(args);
    crate::harness::Run(cmd.output().unwrap())
}

#[test]
fn init_makes_the_schema_in_an_empty_database_and_refuses_one_that_is_not() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    assert_eq!(clinic.json(&["clinic", "show"], None)["name"], "Chain Clinic");
    let version: i64 = db.query_one("SELECT version FROM clinic2fa_schema");
    assert_eq!(version, crate::upgrade::current_schema());

    // A second init, even with a key file of its own, finds the database taken.
    let other_key = clinic.dir().join("other.key");
    let mut again = clinic.command();
    again.env("CLINIC2FA_KEY_FILE", &other_key).arg("init");
    let again = crate::harness::Run(again.output().unwrap());
    again.code(1).error_line(&["is not empty", "`clinic2fa init` makes", "never takes one over"]);
    assert!(!other_key.exists(), "a refused init leaves no key file behind");
    let accounts: i64 = db.query_one("SELECT count(*) FROM accounts");
    assert_eq!(accounts, 0);
    assert_eq!(clinic.json(&["audit"], None).as_array().unwrap().len(), 1);

    // Someone else's database is neither taken over nor taken for a clinic.
    let foreign = server.database();
    foreign.execute("CREATE TABLE patients (id bigint)");
    let elsewhere = Clinic::uninitialised().with_database(&foreign);
    elsewhere.run(&["init"], None).code(1).error_line(&["is not empty (1 tables)"]);
    elsewhere
        .run(&["user", "list"], None)
        .code(1)
        .error_line(&["holds 1 tables but no clinic2fa schema"]);
    let tables: i64 = foreign
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
    assert_eq!(tables, 1);
}

/// The two engines' schemas hold the same tables and columns: what one stores, the
/// other can (a `db copy` depends on it).
#[test]
fn both_engines_make_the_same_tables_and_columns() {
    let Some(server) = server() else { return };
    let (_clinic, db) = clinic_on(&server);
    let file = Clinic::uninitialised();
    let path = file.db().to_string_lossy().into_owned();
    run_on(&file, &path, &["init"]).code(0);
    let lite = rusqlite::Connection::open(file.db()).unwrap();
    let mut from_sqlite: Vec<(String, String)> = lite
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut from_postgres: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> 'clinic2fa_schema'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    from_sqlite.sort();
    from_postgres.sort();
    assert_eq!(from_sqlite, from_postgres);
}

#[test]
fn any_command_on_an_empty_database_names_init_and_creates_nothing() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    clinic
        .run(&["user", "add", "alice", "--password-stdin"], Some(PASSWORD))
        .code(1)
        .error_line(&["no clinic2fa database", "clinic2fa init"]);
    let tables: i64 = db
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
    assert_eq!(tables, 0);
    assert!(!clinic.key_file().exists());
}

#[test]
fn eight_parallel_inits_of_one_database_make_one_clinic() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    let codes: Vec<(Option<i32>, String)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..8)
            .map(|i| {
                let clinic = &clinic;
                scope.spawn(move || {
                    let mut cmd = clinic.command();
                    let key = clinic.dir().join(format!("key{i}"));
                    cmd.env("CLINIC2FA_KEY_FILE", key).arg("init");
                    let out = cmd.output().unwrap();
                    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| c.0 == Some(0)).count(), 1, "{codes:?}");
    for (code, err) in codes.iter().filter(|c| c.0 != Some(0)) {
        assert_eq!(*code, Some(1), "{err}");
        assert!(err.contains("is not empty") && err.lines().count() == 1, "{err}");
    }
    let keys = (0..8).filter(|i| clinic.dir().join(format!("key{i}")).exists()).count();
    assert_eq!(keys, 1, "only the winner's key file is left");
    let clinics: i64 = db.query_one("SELECT count(*) FROM clinic");
    assert_eq!(clinics, 1);
}

#[test]
fn a_schema_upgrades_in_place_and_a_newer_one_is_refused_untouched() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    // Back to schema 10, as a clinic made by an earlier clinic2fa has it: no actor
    // index, no seals on its rows, no recovery-code look-up, no trail digest, one
    // unnamed authenticator per person.
    db.execute(
        "DROP TABLE clients;
         DROP TABLE authenticators;
         CREATE TABLE authenticators (
             account_id     BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
             secret         BYTEA  NOT NULL,
             last_used_step BIGINT NOT NULL,
             confirmed_at   BIGINT NOT NULL);
         ALTER TABLE pending_enrolments DROP COLUMN device;
         DROP INDEX audit_log_actor; DROP INDEX audit_log_subject_c;
         DROP INDEX audit_log_action_seq; DROP INDEX recovery_codes_lookup;
         ALTER TABLE accounts DROP COLUMN seal, DROP COLUMN stamp, DROP COLUMN credentials,
             DROP COLUMN marked_at, DROP COLUMN marked_since;
         ALTER TABLE recovery_codes DROP COLUMN lookup;
         ALTER TABLE clinic DROP COLUMN lookup_key, DROP COLUMN settings_seal,
             DROP COLUMN settings_stamp, DROP COLUMN audit_digest, DROP COLUMN clinic_id,
             DROP COLUMN public_url;
         DROP TABLE enrol_links;
         UPDATE clinic2fa_schema SET version = 10",
    );
    clinic.ok(&["user", "show", "alice"], None);
    clinic.ok(&["audit", "verify"], None);
    let version: i64 = db.query_one("SELECT version FROM clinic2fa_schema");
    assert_eq!(version, crate::upgrade::current_schema());
    let index: bool = db.query_one("SELECT to_regclass('audit_log_actor') IS NOT NULL");
    assert!(index);
    let index: bool = db.query_one("SELECT to_regclass('audit_log_subject_c') IS NOT NULL");
    assert!(index);

    db.execute("UPDATE clinic2fa_schema SET version = 99");
    clinic
        .run(&["user", "list"], None)
        .code(1)
        .error_line(&["schema version 99", "upgrade clinic2fa"]);
    clinic
        .run(&["user", "add", "bob", "--password-stdin"], Some(PASSWORD))
        .code(1)
        .error_line(&["schema version 99"]);
    let version: i64 = db.query_one("SELECT version FROM clinic2fa_schema");
    assert_eq!(version, 99);
    let accounts: i64 = db.query_one("SELECT count(*) FROM accounts");
    assert_eq!(accounts, 1);
}

#[test]
fn no_secret_or_recovery_code_reaches_the_server_in_clear() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    clinic.json(
        &["enrol", "alice", "--password-stdin", "--code", &totp_code(&secret, NOW + STEP)],
        Some(PASSWORD),
    );
    let raw = crate::harness::base32_decode(&secret);
    let stored = db.stored_bytes();
    let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"alice"), "the dump must be able to find what is there");
    assert!(!contains(&raw) && !contains(secret.as_bytes()), "the TOTP secret is sealed");
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!contains(hex.as_bytes()));
    for code in &codes {
        assert!(!contains(code.as_bytes()) && !contains(code.replace('-', "").as_bytes()));
    }
    assert!(!contains(PASSWORD.as_bytes()));
    // The server's own log, where the test server keeps one.
    if let Some(data) = std::env::var_os("CLINIC2FA_TEST_POSTGRES_DATA") {
        let log = std::path::Path::new(&data).with_file_name("log");
        if let Ok(text) = std::fs::read(log) {
            let found = |n: &[u8]| text.windows(n.len()).any(|w| w == n);
            assert!(!found(secret.as_bytes()) && !found(PASSWORD.as_bytes()));
        }
    }
}

#[test]
fn sixteen_parallel_wrong_passwords_all_count_and_the_threshold_locks_exactly() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    clinic.add_user("alice", &[]);
    let guess = |clinic: &Clinic| -> Vec<Option<i32>> {
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..16)
                .map(|_| {
                    scope.spawn(|| clinic.login("alice", "not the password", &[]).0.status.code())
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        })
    };
    assert!(guess(&clinic).iter().all(|c| *c == Some(3)));
    let count: i64 = db.query_one("SELECT failed_logins FROM accounts WHERE username = 'alice'");
    assert_eq!(count, 16, "no failure lost to a concurrent one");

    clinic.ok(&["user", "unlock", "alice"], None);
    clinic.ok(&["clinic", "set", "lockout-threshold", "5"], None);
    let codes = guess(&clinic);
    assert_eq!(codes.iter().filter(|c| **c == Some(3)).count(), 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == Some(4)).count(), 11, "{codes:?}");
}

#[test]
fn the_audit_chain_stays_one_chain_under_sixteen_concurrent_writers() {
    let Some(server) = server() else { return };
    let (clinic, _db) = clinic_on(&server);
    let head = clinic.json(&["audit", "head"], None)["head"].as_str().unwrap().to_owned();
    std::thread::scope(|scope| {
        for i in 0..16 {
            let clinic = &clinic;
            scope.spawn(move || {
                let name = format!("nurse{i}");
                clinic.add_user(&name, &[]);
                clinic.login(&name, PASSWORD, &[]).code(0);
                clinic.ok(&["user", "set-role", &name, "admin"], None);
            });
        }
    });
    let verified = clinic.json(&["audit", "verify", "--head", &head], None);
    assert_eq!(verified["intact"], true);
    assert_eq!(verified["entries"], 1 + 16 * 3);
    let seqs: Vec<i64> = clinic
        .json(&["audit"], None)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=49).collect::<Vec<_>>(), "one chain, numbered without a gap");
}

/// The password from the URL, `PGPASSWORD` or `~/.pgpass` (only if private), as libpq
/// takes it; a refusal names the user and where the password comes from, never the
/// password itself.
#[test]
fn the_password_comes_from_the_url_pgpassword_or_a_private_pgpass() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    let bare = db.url();
    let with_password = bare.replacen("@", &format!(":{}@", db.password()), 1);
    let plain = |url: &str, envs: &[(&str, &str)]| {
        let mut cmd = clinic.command();
        cmd.env_remove("PGPASSWORD").env("CLINIC2FA_DB", url).args(["clinic", "show"]);
        cmd.envs(envs.iter().copied());
        crate::harness::Run(cmd.output().unwrap())
    };
    plain(&with_password, &[]).code(0);
    plain(&bare, &[("PGPASSWORD", db.password())]).code(0);

    let wrong = bare.replacen("@", ":not-the-password@", 1);
    let refused =
        plain(&wrong, &[]).code(1).error_line(&["refused the sign-in of user", "PGPASSWORD"]);
    assert!(!refused.stderr().contains("not-the-password"), "{}", refused.stderr());

    let pgpass = clinic.dir().join(".pgpass");
    let (host, port) =
        server.address().rsplit_once(':').map(|(h, p)| (h.to_owned(), p.to_owned())).unwrap();
    std::fs::write(
        &pgpass,
        format!(
            "# comment\nother:1:*:*:nope\n{host}:{port}:*:{}:{}\n",
            server.user(),
            db.password()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    plain(&bare, &[]).code(0);
    // Readable by others: ignored, as libpq ignores it, and the message says so.
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    plain(&bare, &[]).code(1).error_line(&[
        "wants a password for user",
        "none was found",
        &format!("{} was found and skipped", pgpass.display()),
        "chmod 600",
    ]);
}

/// `sslmode` as libpq reads it: `require` encrypts, `verify-ca` and `verify-full` check
/// the certificate against the system's roots (`SSL_CERT_FILE` names them here) or
/// `sslrootcert`, and `verify-full` the host name too.
#[test]
fn tls_is_verified_against_the_system_roots_or_sslrootcert() {
    let Some(server) = server() else { return };
    let Some(ca) = std::env::var_os("CLINIC2FA_TEST_POSTGRES_CA") else { return };
    let ca = ca.to_string_lossy().into_owned();
    let (clinic, db) = clinic_on(&server);
    let port = server.address().rsplit_once(':').unwrap().1.to_owned();
    let url = |host: &str, query: &str| {
        format!("postgres://{}@{host}:{port}/{}?{query}", server.user(), db.name())
    };
    let show = |url: &str, envs: &[(&str, &str)]| {
        let mut cmd = clinic.command();
        cmd.env("CLINIC2FA_DB", url).envs(envs.iter().copied()).args(["--json", "clinic", "show"]);
        crate::harness::Run(cmd.output().unwrap())
    };
    show(&url("localhost", "sslmode=require"), &[]).code(0);
    show(&url("localhost", "sslmode=disable"), &[]).code(0);
    show(&url("localhost", &format!("sslmode=verify-full&sslrootcert={ca}")), &[]).code(0);
    show(&url("localhost", "sslmode=verify-full"), &[("SSL_CERT_FILE", &ca)]).code(0);
    show(&url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}")), &[]).code(0);
    // Not signed by a root this machine trusts: refused before any password is sent.
    let empty = clinic.dir().join("no-roots.pem");
    let foreign_ca = clinic.dir().join("other-ca.pem");
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other"])
        .arg("-keyout")
        .arg(clinic.dir().join("other.key"))
        .arg("-out")
        .arg(&foreign_ca)
        .output()
        .expect("openssl");
    assert!(made.status.success());
    std::fs::write(&empty, "").unwrap();
    let foreign = foreign_ca.to_string_lossy().into_owned();
    show(&url("localhost", &format!("sslmode=verify-full&sslrootcert={foreign}")), &[])
        .code(1)
        .error_line(&["could not connect"]);
    show(&url("localhost", &format!("sslmode=verify-full&sslrootcert={}", empty.display())), &[])
        .code(2)
        .error_line(&["no trusted root certificates"]);
    show(&url("localhost", "sslmode=sometimes"), &[])
        .code(2)
        .error_line(&["sslmode=\"sometimes\""]);
}

#[test]
fn a_server_that_does_not_answer_is_one_clear_line() {
    let Some(_server) = server() else { return };
    let clinic = Clinic::uninitialised();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // The listener is gone: nothing answers there.
    let run = run_on(
        &clinic,
        &format!("postgres://nobody:secretpw@127.0.0.1:{port}/x"),
        &["user", "list"],
    );
    let run = run.code(1).error_line(&["could not connect to the PostgreSQL database", "refused"]);
    assert!(!run.stderr().contains("secretpw"));
}

#[test]
fn without_a_key_file_named_a_server_s_key_lives_in_the_data_folder_named_by_the_clinic_s_id() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    let mut cmd = clinic.command();
    cmd.env_remove("CLINIC2FA_KEY_FILE").env("XDG_DATA_HOME", clinic.dir()).arg("init");
    crate::harness::Run(cmd.output().unwrap()).code(0);
    let id: String = db.query_one("SELECT clinic_id FROM clinic");
    assert_eq!(id.len(), 16, "{id}");
    let key = clinic.dir().join("clinic2fa").join(format!("clinic-{id}.key"));
    assert!(key.is_file(), "{}", key.display());
}

/// A clinic with something of every kind in it: accounts of both roles, an
/// authenticator with recovery codes, a pending bypass, an enrolment under way, an
/// override that ends, changed settings, and its audit trail.
fn full_clinic(clinic: &Clinic) -> (String, Vec<String>) {
    clinic.ok(&["clinic", "set", "lockout-threshold", "7"], None);
    clinic.ok(&["clinic", "set", "enrol-grace-days", "3"], None);
    clinic.ok(&["clinic", "require-2fa", "admins"], None);
    clinic.add_user("alice", &["--role", "admin", "--name", "Alice Ng"]);
    clinic.add_user("bob", &[]);
    clinic.add_user("carol", &["--2fa", "required"]);
    clinic.add_user("dave", &[]);
    let enrolled = clinic.enrol("alice");
    clinic.enrol("bob");
    clinic.ok(&["user", "grant-bypass", "bob"], None);
    clinic.json(&["enrol", "carol", "--password-stdin"], Some(PASSWORD));
    clinic.ok(&["user", "2fa", "set", "dave", "exempt", "--until", "30d"], None);
    clinic.login("dave", "a wrong guess", &[]).code(3);
    clinic.ok(&["user", "disable", "dave"], None);
    enrolled
}

/// What a person or a script sees of a clinic: it must be the same after a copy.
fn seen(clinic: &Clinic, db: &str) -> (Value, Value, Value) {
    let json = |args: &[&str]| {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        run_on(clinic, db, &all).code(0).json()
    };
    (json(&["user", "list"]), json(&["clinic", "show"]), json(&["audit"]))
}

#[test]
fn db_copy_moves_a_clinic_to_postgresql_and_back_and_everything_still_works() {
    let Some(server) = server() else { return };
    let clinic = Clinic::uninitialised();
    let file = clinic.db().to_string_lossy().into_owned();
    let key = clinic.key_file();
    let sqlite = |args: &[&str]| run_on(&clinic, &file, args);
    sqlite(&["init", "--name", "Moving Clinic"]).code(0);
    let (secret, codes) = full_clinic(&clinic);
    let before = seen(&clinic, &file);

    let target = server.database();
    let url = target.url();
    let with_password = url.replacen('@', &format!(":{}@", target.password()), 1);
    let copying = sqlite(&["--json", "db", "copy", "--to", &with_password]).code(0);
    assert!(!copying.stdout().contains(target.password()), "the password is never shown");
    let copied = copying.json();
    assert_eq!(copied["to"], url);
    assert_eq!(copied["rows"]["accounts"], 4);
    assert_eq!(copied["key_file"], key.display().to_string());
    let on_server = Clinic::uninitialised().with_database(&target).with_key_file(&key);
    let after = seen(&on_server, &url);
    assert_eq!(before.0, after.0, "the same accounts");
    assert_eq!(before.1, after.1, "the same settings");
    assert_eq!(before.2, after.2, "the same audit trail");
    assert_eq!(on_server.json(&["audit", "verify"], None)["intact"], true);

    // With the same key file: codes, recovery codes, the bypass and the enrolment work.
    let code = totp_code(&secret, NOW + 3 * STEP);
    on_server.login_at("alice", NOW + 3 * STEP, &["--code", &code]).code(0);
    on_server.login("alice", PASSWORD, &["--recovery-code", &codes[0]]).code(0);
    let bypass = on_server.login("bob", PASSWORD, &[]).code(0).json();
    assert_eq!(bypass["second_factor"], "bypass");
    let pending = on_server.json(&["user", "show", "carol"], None);
    assert_eq!(pending["two_factor"]["enrolled"], false);
    on_server.ok(&["user", "enable", "dave"], None);
    on_server.add_user("erin", &[]); // new ids come after the copied ones
    assert_eq!(on_server.json(&["audit", "verify"], None)["intact"], true);

    // And back, into a new file: a portable copy of the server's clinic.
    let back = clinic.dir().join("back").join("clinic.db");
    let back_text = back.to_string_lossy().into_owned();
    // A copy makes no folder: a mistyped path would leave one behind.
    run_on(&on_server, &url, &["db", "copy", "--to", &back_text])
        .code(1)
        .error_line(&["the folder", "does not exist"]);
    assert!(!back.parent().unwrap().exists());
    std::fs::create_dir(back.parent().unwrap()).unwrap();
    run_on(&on_server, &url, &["db", "copy", "--to", &back_text]).code(0);
    let returned = seen(&on_server, &back_text);
    let server_now = seen(&on_server, &url);
    assert_eq!(returned.0, server_now.0);
    assert_eq!(returned.1, server_now.1);
    // The server's trail has one more entry: the copy itself, written after it.
    let trail = server_now.2.as_array().unwrap();
    assert_eq!(returned.2.as_array().unwrap()[..], trail[..trail.len() - 1]);
    assert_eq!(trail.last().unwrap()["action"], "db.copy");
    let verified = run_on(&on_server, &back_text, &["--json", "audit", "verify"]).code(0).json();
    assert_eq!(verified["intact"], true);
    let code = totp_code(&secret, NOW + 5 * STEP);
    let mut login = on_server.command();
    login
        .env("CLINIC2FA_DB", &back_text)
        .env("CLINIC2FA_NOW", (NOW + 5 * STEP).to_string())
        .args(["--json", "login", "alice", "--password-stdin", "--code", &code])
        .write_stdin(format!("{PASSWORD}\n"));
    crate::harness::Run(login.output().unwrap()).code(0);
}

#[test]
fn db_copy_refuses_a_target_that_holds_anything_and_changes_neither() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let busy = server.database();
    busy.execute("CREATE TABLE notes (t text); INSERT INTO notes VALUES ('kept')");
    clinic.run(&["db", "copy", "--to", &busy.url()], None).code(1).error_line(&[
        "is not empty",
        "`clinic2fa db copy` makes a clinic only in an empty database",
    ]);
    let kept: String = busy.query_one("SELECT t FROM notes");
    assert_eq!(kept, "kept");
    let tables: i64 = busy
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
    assert_eq!(tables, 1, "nothing half-made is left");
    // Onto itself: it is not empty either.
    clinic.run(&["db", "copy", "--to", &db.url()], None).code(1).error_line(&["is not empty"]);
    // An existing file is never overwritten.
    let file = clinic.dir().join("existing.db");
    std::fs::write(&file, "mine").unwrap();
    clinic
        .run(&["db", "copy", "--to", &file.to_string_lossy()], None)
        .code(1)
        .error_line(&["already exists"]);
    assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    let entries = clinic.json(&["audit"], None).as_array().unwrap().len();
    assert_eq!(entries, 2, "a refused copy is not recorded as one");
}

/// Copied while four processes write: the copy is one snapshot, so every account in
/// it has its `user.add` entry and no entry lacks its account.
#[test]
fn db_copy_takes_one_snapshot_while_others_write() {
    let Some(server) = server() else { return };
    let (clinic, _db) = clinic_on(&server);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let target = clinic.dir().join("copy.db");
    std::thread::scope(|scope| {
        for w in 0..4 {
            let (clinic, stop) = (&clinic, &stop);
            scope.spawn(move || {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 40 {
                    clinic.add_user(&format!("w{w}n{i}"), &[]);
                    i += 1;
                }
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        clinic.ok(&["db", "copy", "--to", &target.to_string_lossy()], None);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let copy = target.to_string_lossy().into_owned();
    let accounts = run_on(&clinic, &copy, &["--json", "user", "list"]).code(0).json();
    let trail = run_on(&clinic, &copy, &["--json", "audit"]).code(0).json();
    let added = trail.as_array().unwrap().iter().filter(|e| e["action"] == "user.add").count();
    assert_eq!(accounts.as_array().unwrap().len(), added, "accounts and trail agree");
    run_on(&clinic, &copy, &["audit", "verify"]).code(0);
}

#[test]
fn backup_of_a_server_clinic_is_a_sqlite_file_that_opens_with_the_same_key() {
    let Some(server) = server() else { return };
    let (clinic, _db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let file = clinic.dir().join("backup.db");
    clinic.ok(&["backup", &file.to_string_lossy()], None);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let copy = file.to_string_lossy().into_owned();
    let shown = run_on(&clinic, &copy, &["--json", "user", "show", "alice"]).code(0).json();
    assert_eq!(shown["username"], "alice");
    run_on(&clinic, &copy, &["audit", "verify"]).code(0);
    clinic.run(&["backup", &copy], None).code(1).error_line(&["already exists"]);
}

/// Waits (up to 10 s) until a clinic2fa process on `db` waits for a lock; its server
/// process id.
fn waiting_for_a_lock(db: &Database) -> i32 {
    let mut watcher = db.client();
    let pid = (0..500).find_map(|_| {
        let row = watcher
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                 AND application_name = 'clinic2fa' AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap();
        row.map(|r| r.get::<_, i32>(0)).or_else(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            None
        })
    });
    pid.expect("a clinic2fa process waiting for a lock")
}

/// A deadlock PostgreSQL breaks by aborting clinic2fa's transaction is tried again, and
/// never reaches the admin. Another client holds alice's row and then asks for the
/// clinic row that clinic2fa's `set-role` holds while it waits for alice's: the server
/// aborts the one that waited longest, clinic2fa's (40P01), which runs again once the
/// other has committed.
#[test]
fn a_deadlock_the_server_breaks_is_retried_and_never_reaches_the_admin() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let mut other = db.client();
    other
        .batch_execute("BEGIN; SELECT id FROM accounts WHERE username = 'alice' FOR UPDATE")
        .unwrap();
    let admin = clinic.command_std(&["user", "set-role", "alice", "admin"]).spawn().unwrap();
    // Until clinic2fa holds the clinic row and waits for alice's.
    waiting_for_a_lock(&db);
    // Now the other client wants the clinic row: a deadlock, found by clinic2fa's side
    // first (it has waited longer), after deadlock_timeout. Should the server pick the
    // other client instead, that one rolls back and clinic2fa goes on untouched.
    let other_kept = other.batch_execute("SELECT id FROM clinic WHERE id = 1 FOR UPDATE; COMMIT");
    if other_kept.is_err() {
        other.batch_execute("ROLLBACK").unwrap();
    }
    let out = admin.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("deadlock"), "{err}");
    let shown = clinic.user("alice");
    assert_eq!(shown["role"].as_str(), Some("admin"));
    assert_eq!(clinic.json(&["audit", "verify"], None)["intact"], true);
}

/// The server ends clinic2fa's connection in the middle of a change (an admin's
/// `pg_terminate_backend`, a restart): one line saying so, and nothing half-done.
#[test]
fn a_connection_the_server_ends_mid_change_is_one_line_and_changes_nothing() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let mut holder = db.client();
    holder
        .batch_execute("BEGIN; UPDATE accounts SET name = 'held' WHERE username = 'alice'")
        .unwrap();
    let admin = clinic.command_std(&["user", "set-role", "alice", "admin"]).spawn().unwrap();
    let pid = waiting_for_a_lock(&db);
    let mut watcher = db.client();
    let ended: bool = watcher.query_one("SELECT pg_terminate_backend($1)", &[&pid]).unwrap().get(0);
    assert!(ended);
    holder.batch_execute("ROLLBACK").unwrap();
    let out = admin.wait_with_output().unwrap();
    let run = crate::harness::Run(out).code(1);
    // The server's goodbye ("terminating connection") may or may not arrive before the
    // socket closes: either way, one line that says what happened to the change.
    run.error_line(&["PostgreSQL", "the connection", "was not saved"]);
    assert_eq!(clinic.user("alice")["role"], "staff", "the change was not half made");
    assert_eq!(clinic.json(&["audit", "verify"], None)["intact"], true);
}

/// The review's case: a schema set back by an insider, and a second machine (another
/// host alias, so another default key file) that has no key file yet. Before, it made
/// a new key file before the migration failed. Only `init` and `key rotate` make one.
#[test]
fn a_schema_set_back_makes_no_key_file_on_another_machine() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    db.execute("UPDATE clinic2fa_schema SET version = 2");
    let other_machine = clinic.dir().join("other-machine.key");
    let mut cmd = clinic.command();
    cmd.env("CLINIC2FA_KEY_FILE", &other_machine).args(["user", "list"]);
    let out = crate::harness::Run(cmd.output().unwrap());
    assert_ne!(out.0.status.code(), Some(0), "{}", out.stderr());
    assert!(!other_machine.exists(), "no key file is made for a server's database");
}

/// An account's latest audit entry (what its seal's freshness is checked against, on
/// every sign-in and for every listed account) is found through an index on
/// PostgreSQL: usernames compare in "C", and an index in the database's default
/// collation could not serve `subject = username`, so each look-up scanned the whole
/// trail (`user list` of 20,000 accounts took 24 s, 0.24 s since).
#[test]
fn an_account_s_latest_entry_is_found_by_index_not_by_scanning_the_trail() {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    clinic.add_user("alice", &[]);
    let mut client = db.client();
    client.batch_execute("SET enable_seqscan = off").unwrap();
    let plan: Vec<String> = client
        .query(
            "EXPLAIN SELECT (SELECT max(seq) FROM audit_log a WHERE a.subject = accounts.username)
             FROM accounts",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(!plan.contains("Seq Scan on audit_log"), "{plan}");
    assert!(plan.contains("audit_log_subject_c"), "{plan}");
}

/// PgBouncer in transaction mode in front of `db`, one server connection in its pool
/// (so a statement a command left prepared there meets the next command), run as
/// nobody (it refuses root) from a folder of its own. Killed when dropped.
struct Pooler {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Pooler {
    fn start(server: &Server, db: &Database) -> Option<Pooler> {
        if Command::new("pgbouncer").arg("--version").output().is_err() {
            crate::harness::skip(
                "the PgBouncer test was SKIPPED: apt-get install pgbouncer",
                "CI=true but pgbouncer is missing: .ci/run installs it",
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777))
            .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (host, server_port) =
            server.address().rsplit_once(':').map(|(h, p)| (h.to_owned(), p.to_owned())).unwrap();
        let ini = dir.path().join("pgbouncer.ini");
        std::fs::write(
            &ini,
            format!(
                "[databases]\n{name} = host={host} port={server_port} dbname={name} user={user} password={password}\n\
                 [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = any\npool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 20\n\
                 logfile = {log}\npidfile = {pid}\n",
                name = db.name(),
                user = server.user(),
                password = db.password(),
                log = dir.path().join("pgbouncer.log").display(),
                pid = dir.path().join("pgbouncer.pid").display(),
            ),
        )
        .unwrap();
        let child = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "pgbouncer"])
            .arg(&ini)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("pgbouncer starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "pgbouncer never listened");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(Pooler { child, port, _dir: dir })
    }
}

impl Drop for Pooler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn behind_pgbouncer_in_transaction_mode_pool_mode_transaction_works_and_without_it_the_error_says_so()
 {
    let Some(server) = server() else { return };
    let (clinic, db) = clinic_on(&server);
    let Some(pooler) = Pooler::start(&server, &db) else { return };
    let through = format!("postgres://{}@127.0.0.1:{}/{}", server.user(), pooler.port, db.name());
    let key = clinic.key_file();
    let run = |url: &str, args: &[&str], stdin: &str| {
        let mut cmd = clinic.command();
        cmd.env("CLINIC2FA_DB", url).env("CLINIC2FA_KEY_FILE", &key).args(args).write_stdin(stdin);
        crate::harness::Run(cmd.output().unwrap())
    };
    // Statements run twice in one command are prepared: the next command, on the same
    // server connection, meets them. Without the option: one line saying what to do.
    let plain = (0..4)
        .map(|i| {
            run(
                &through,
                &["user", "add", &format!("plain{i}"), "--password-stdin"],
                &format!("{PASSWORD}\n"),
            )
        })
        .find(|r| r.0.status.code() != Some(0))
        .expect("a command meets a statement prepared by the one before");
    plain.code(1).error_line(&["pool_mode=transaction", "session mode"]);
    let with = format!("{through}?pool_mode=transaction");
    for i in 0..4 {
        run(
            &with,
            &["user", "add", &format!("pooled{i}"), "--password-stdin"],
            &format!("{PASSWORD}\n"),
        )
        .code(0);
        run(&with, &["user", "list"], "").code(0);
    }
    run(&with, &["login", "pooled3", "--password-stdin"], &format!("{PASSWORD}\n")).code(0);
    run(&with, &["audit", "verify"], "").code(0);
    let refused = run(&format!("{through}?pool_mode=sometimes"), &["user", "list"], "");
    refused.code(2).error_line(&["pool_mode=\"sometimes\"", "session, transaction"]);
}

/// The binary on `url`, with no key file named (the default one, in `data`), and
/// `stdin`.
fn with_default_key(
    clinic: &Clinic,
    data: &std::path::Path,
    url: &str,
    args: &[&str],
    stdin: &str,
) -> crate::harness::Run {
    let mut cmd = clinic.command();
    cmd.env_remove("CLINIC2FA_KEY_FILE").env("XDG_DATA_HOME", data).env("CLINIC2FA_DB", url);
    cmd.args(args).write_stdin(stdin.to_owned());
    crate::harness::Run(cmd.output().unwrap())
}

/// The review's case: `init` through one spelling of the server's address, then
/// another (`localhost` for `127.0.0.1`, PgBouncer's port for the server's): each finds
/// the clinic's key by itself, by the id the database holds.
#[test]
fn every_spelling_of_the_address_finds_the_clinic_s_key_by_itself() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    let data = clinic.dir().join("data-home");
    let password = format!("{PASSWORD}\n");
    let run = |url: &str, args: &[&str]| with_default_key(&clinic, &data, url, args, &password);
    let by_ip = db.url();
    assert!(by_ip.contains("127.0.0.1"), "{by_ip}");
    run(&by_ip, &["init"]).code(0);
    let by_name = by_ip.replace("127.0.0.1", "localhost");
    run(&by_name, &["user", "add", "alice", "--password-stdin"]).code(0);
    let listed = run(&by_name, &["--json", "user", "list"]).code(0).json();
    assert_eq!(listed[0]["username"], "alice");
    if let Some(pooler) = Pooler::start(&server, &db) {
        let through =
            format!("postgres://{}@127.0.0.1:{}/{}", server.user(), pooler.port, db.name());
        run(&through, &["login", "alice", "--password-stdin"]).code(0);
    }
    run(&by_ip, &["audit", "verify"]).code(0);
    let keys: Vec<_> = std::fs::read_dir(data.join("clinic2fa")).unwrap().collect();
    assert_eq!(keys.len(), 1, "one key file, made by init: {keys:?}");
}

/// A copy keeps the clinic's id: a copy onto another database of a server opens
/// with the same key file, found by itself, and `db copy` says so.
#[test]
fn a_copy_to_another_server_database_finds_the_same_key_by_itself() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    let data = clinic.dir().join("data-home");
    let run = |url: &str, args: &[&str]| with_default_key(&clinic, &data, url, args, "");
    run(&db.url(), &["init"]).code(0);
    let target = server.database();
    let with_password = target.url().replacen('@', &format!(":{}@", target.password()), 1);
    let said = run(&db.url(), &["db", "copy", "--to", &with_password]).code(0).stdout();
    assert!(said.contains("finds by itself"), "{said}");
    run(&target.url(), &["audit", "verify"]).code(0);
    let same: String = target.query_one("SELECT clinic_id FROM clinic");
    assert_eq!(same, db.query_one::<String>("SELECT clinic_id FROM clinic"));
}

/// A SQLite clinic moved onto a server keeps its key file's name beside the file:
/// `db copy` says where the server's default looks, and a copy put there is found.
#[test]
fn a_copy_from_sqlite_says_where_the_server_finds_the_key_by_itself() {
    let Some(server) = server() else { return };
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let target = server.database();
    let data = clinic.dir().join("data-home");
    let with_password = target.url().replacen('@', &format!(":{}@", target.password()), 1);
    let mut cmd = clinic.command();
    cmd.env("XDG_DATA_HOME", &data).args(["db", "copy", "--to", &with_password]);
    let said = crate::harness::Run(cmd.output().unwrap()).code(0).stdout();
    let words = said.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = words.find("(`install -D -m 600 ").expect("the command to put the key in place");
    let command = &words[at + 2..words[at..].find("`)").unwrap() + at];
    let status = Command::new("sh").arg("-c").arg(command).status().unwrap();
    assert!(status.success(), "{command}");
    let listed = with_default_key(&clinic, &data, &with_password, &["--json", "user", "list"], "");
    assert_eq!(listed.code(0).json()[0]["username"], "alice");
}

/// A clinic made before ids (schema 15) has its key named after the address it was
/// made through: that address still finds it, and gives the clinic its id; another
/// spelling is told where the key is; renamed to the id's name, every spelling finds
/// it. An id written into the database by hand is refused, never followed.
#[test]
fn a_key_named_after_an_address_is_still_found_and_another_spelling_is_told_where() {
    let Some(server) = server() else { return };
    let db = server.database();
    let clinic = Clinic::uninitialised().with_database(&db);
    let data = clinic.dir().join("data-home");
    let run = |url: &str, args: &[&str]| with_default_key(&clinic, &data, url, args, "");
    let by_ip = db.url();
    let (host, port) =
        server.address().rsplit_once(':').map(|(h, p)| (h.to_owned(), p.to_owned())).unwrap();
    let old_name = data.join("clinic2fa").join(format!("postgres-{host}-{port}-{}.key", db.name()));
    std::fs::create_dir_all(old_name.parent().unwrap()).unwrap();
    run(&by_ip, &["--key-file", old_name.to_str().unwrap(), "init"]).code(0);
    // As schema 15 left it: no id.
    db.execute(
        "ALTER TABLE clinic DROP COLUMN clinic_id, DROP COLUMN public_url; DROP TABLE enrol_links;
         UPDATE clinic2fa_schema SET version = 15",
    );
    let upgraded = run(&by_ip, &["user", "list"]).code(0);
    assert_eq!(upgraded.stderr(), "", "the rename is said at a terminal only");
    let id: String = db.query_one("SELECT clinic_id FROM clinic");
    let new_name = data.join("clinic2fa").join(format!("clinic-{id}.key"));
    let mut cmd = crate::terminal::command(assert_cmd::cargo::cargo_bin!("clinic2fa"));
    cmd.env_clear()
        .env("HOME", clinic.dir())
        .env("XDG_DATA_HOME", &data)
        .env("CLINIC2FA_DB", &by_ip)
        .env("PGPASSWORD", db.password())
        .env("TERM", "xterm")
        .args(["user", "list"]);
    let mut at_terminal = crate::terminal::Screen::spawn(cmd, 20_000);
    at_terminal.expect("named after the address");
    at_terminal.expect("rename it to");
    let (code, seen) = at_terminal.finish();
    assert_eq!(code, 0, "{seen}");
    // Wrapped to the terminal's width: the words, whatever the line breaks.
    let said: String = seen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(said.contains(&new_name.display().to_string()), "{said}");
    let by_name = by_ip.replace("127.0.0.1", "localhost");
    run(&by_name, &["user", "list"]).code(1).error_line(&[
        "a key file for this clinic exists under another name",
        &old_name.display().to_string(),
        "--key-file",
    ]);
    std::fs::rename(&old_name, &new_name).unwrap();
    run(&by_name, &["user", "list"]).code(0);
    run(&by_ip, &["user", "list"]).code(0);

    db.execute("UPDATE clinic SET clinic_id = '../../../../tmp/x'");
    run(&by_ip, &["user", "list"]).code(1).error_line(&["clinic id", "not one clinic2fa makes"]);
}

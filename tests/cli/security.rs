//! Secrets at rest, the key file, the tamper-evident audit trail, output hygiene.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::harness::{Clinic, NOW, PASSWORD, base32_decode, totp_code};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file and its write-ahead log, as bytes on disk.
fn files_on_disk(clinic: &Clinic) -> Vec<u8> {
    let mut bytes = clinic.db_bytes();
    let wal = clinic.db().with_file_name("clinic.db-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

#[test]
fn no_secret_or_recovery_code_is_in_the_database_files_in_clear() {
    let clinic = Clinic::new();
    let mut needles: Vec<Vec<u8>> = vec![PASSWORD.as_bytes().to_vec()];
    for user in ["alice", "bob"] {
        clinic.add_user(user, &[]);
        let (secret, codes) = clinic.enrol(user);
        needles.push(secret.as_bytes().to_vec());
        needles.push(base32_decode(&secret));
        for code in codes {
            needles.push(code.as_bytes().to_vec());
            needles.push(code.replace('-', "").into_bytes());
        }
    }
    // A pending secret too (a phone being replaced).
    clinic.add_user("carol", &[]);
    let pending =
        clinic.at(NOW, &["--json", "enrol", "carol", "--password-stdin"], Some(PASSWORD)).json();
    let secret = pending["secret"].as_str().unwrap();
    needles.push(secret.as_bytes().to_vec());
    needles.push(base32_decode(secret));
    assert_eq!(needles[2].len(), 20, "raw 160-bit secrets are searched for too");
    let bytes = files_on_disk(&clinic);
    for needle in &needles {
        assert!(!contains(&bytes, needle), "found in clear: {:?}", String::from_utf8_lossy(needle));
    }
}

#[test]
fn the_key_file_is_created_private_beside_the_database_or_where_told() {
    let clinic = Clinic::new();
    let key = clinic.db().with_file_name("clinic.db.key");
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let elsewhere = clinic.dir().join("keys").join("clinic.key");
    std::fs::create_dir(elsewhere.parent().unwrap()).unwrap();
    let other_db = clinic.dir().join("other.db");
    let with_key = |args: &[&str]| {
        clinic.command().env("CLINIC2FA_KEY_FILE", &elsewhere).args(args).assert().success();
    };
    with_key(&["--db", other_db.to_str().unwrap(), "init"]);
    with_key(&["--db", other_db.to_str().unwrap(), "clinic", "show"]);
    assert!(elsewhere.is_file());
    assert!(!clinic.dir().join("other.db.key").exists());
}

#[test]
fn a_missing_or_wrong_key_is_a_clear_error_and_the_data_is_intact_once_it_is_back() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let key = clinic.db().with_file_name("clinic.db.key");
    let saved = clinic.dir().join("backup.key");
    std::fs::rename(&key, &saved).unwrap();
    let at = NOW + 30;
    let code = totp_code(&secret, at);
    clinic.login_at("alice", at, &["--code", &code]).code(1).error_line(&[
        "clinic.db.key",
        "missing",
        "backup",
    ]);
    assert!(!key.exists(), "never a silently new key");
    // Someone else's key: refused, named.
    let stranger = Clinic::new();
    stranger.ok(&["clinic", "show"], None);
    std::fs::copy(stranger.db().with_file_name("clinic.db.key"), &key).unwrap();
    clinic
        .login_at("alice", at, &["--code", &code])
        .code(1)
        .error_line(&["clinic.db.key", "does not belong"]);
    // Not a key file at all.
    std::fs::write(&key, "hello").unwrap();
    clinic.run(&["user", "list"], None).code(1).error_line(&["not a clinic2fa key file"]);
    // The right key back: everything as it was.
    std::fs::rename(&saved, &key).unwrap();
    assert_eq!(
        clinic.login_at("alice", at, &["--code", &code]).code(0).json()["second_factor"],
        "totp"
    );
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn files_readable_by_others_get_a_warning() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "show"], None);
    for file in [clinic.db(), clinic.db().with_file_name("clinic.db.key")] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = clinic.ok(&["clinic", "show"], None).stderr();
        assert!(err.contains("can be read by other users") && err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert_eq!(clinic.ok(&["clinic", "show"], None).stderr(), "");
}

// --- The audit trail -------------------------------------------------------------------

/// A clinic with a few admin actions and logins in its trail.
fn busy_clinic() -> Clinic {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    clinic.login("alice", PASSWORD, &[]).code(0);
    clinic.login("bob", "wrong password!", &[]).code(3);
    clinic.ok(&["clinic", "set", "totp-window", "2"], None);
    clinic.ok(&["user", "disable", "bob"], None);
    clinic
}

/// What an insider with the database (not the key) does: `sqlite3` on the file, or
/// `psql` on the server. CI installs both commands; elsewhere `apt-get install sqlite3
/// postgresql-client`.
pub(crate) fn tamper(clinic: &Clinic, sql: &str) {
    let out = match clinic.server() {
        None => std::process::Command::new("sqlite3").arg(clinic.db()).arg(sql).output(),
        Some(db) => std::process::Command::new("psql")
            .args(["-v", "ON_ERROR_STOP=1", "-q", &db.url(), "-c", &crate::pg::dialect(sql)])
            .env("PGPASSWORD", db.password())
            .output(),
    }
    .expect("the sqlite3 and psql commands (apt-get install sqlite3 postgresql-client)");
    assert!(out.status.success(), "tampering: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn audit_shows_who_did_what_and_filters() {
    let clinic = busy_clinic();
    let all = clinic.json(&["audit"], None);
    let actions: Vec<&str> =
        all.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["clinic.init", "user.add", "user.add", "login", "login", "clinic.set", "user.disable"]
    );
    assert_eq!(
        all[3],
        json!({"seq": 4, "at": "2026-11-27T17:00:00Z", "actor": "alice", "action": "login",
                              "subject": "alice", "outcome": "success", "detail": "none",
                              "pinned_clock": true})
    );
    assert_eq!(all[4]["detail"], "invalid-credentials");
    let bob = clinic.json(&["audit", "--user", "bob"], None);
    assert_eq!(bob.as_array().unwrap().len(), 3);
    let last = clinic.json(&["audit", "--limit", "2"], None);
    assert_eq!(
        last.as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>(),
        [6, 7]
    );
    assert_eq!(clinic.json(&["audit", "--since", "2026-11-28"], None), json!([]));
    assert_eq!(
        clinic.json(&["audit", "--since", "2026-11-27T17:00:00Z"], None).as_array().unwrap().len(),
        7
    );
    clinic.run(&["audit", "--since", "last tuesday"], None).code(2).error_line(&["RFC 3339"]);
    // A duration back from now, as the other time flags take: 1 day before the
    // pinned clock holds all seven; a minute after it, none.
    assert_eq!(clinic.json(&["audit", "--since", "1d"], None).as_array().unwrap().len(), 7);
    let later = clinic.at(crate::harness::NOW + 120, &["--json", "audit", "--since", "1m"], None);
    assert_eq!(later.code(0).json(), json!([]));
    let logins = clinic.json(&["audit", "--action", "login"], None);
    assert_eq!(logins.as_array().unwrap().len(), 2);
    clinic
        .run(&["audit", "--action", "logn"], None)
        .code(2)
        .error_line(&["unknown action", "login"]);
    let csv = clinic.ok(&["audit", "--csv", "--action", "login"], None).stdout();
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "seq,at,actor,action,subject,outcome,detail,pinned_clock",
            "4,2026-11-27T17:00:00Z,alice,login,alice,success,none,true",
            "5,2026-11-27T17:00:00Z,bob,login,bob,denied,invalid-credentials,true",
        ]
    );
    let table = clinic.ok(&["audit"], None).stdout();
    assert!(table.contains("user.disable") && table.contains("invalid-credentials"), "{table}");
}

#[test]
fn audit_verify_confirms_an_untouched_trail() {
    let clinic = busy_clinic();
    // Every entry here was written with CLINIC2FA_NOW set: each says so.
    assert_eq!(
        clinic.json(&["audit", "verify"], None),
        json!({"intact": true, "entries": 7, "pinned_clock_entries": 7, "damaged_accounts": [], "settings_intact": true})
    );
    let text = clinic.ok(&["audit", "verify"], None).stdout();
    assert!(
        text.contains("intact: 7 entries")
            && text.contains("7 of them were written under a pinned clock"),
        "{text}"
    );
}

#[test]
fn entries_written_under_a_pinned_clock_say_so_and_the_mark_cannot_be_removed() {
    let clinic = Clinic::new();
    // One command on the real clock, one pinned (the harness pins by default).
    let mut real = clinic.command();
    real.env_remove("CLINIC2FA_NOW")
        .args(["user", "add", "realtime", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"));
    real.assert().success();
    clinic.add_user("pinned", &[]);
    let entries = clinic.json(&["audit"], None);
    let marks: Vec<(String, bool)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.add")
        .map(|e| (e["subject"].as_str().unwrap().to_owned(), e["pinned_clock"].as_bool().unwrap()))
        .collect();
    assert_eq!(marks, [("realtime".to_owned(), false), ("pinned".to_owned(), true)]);
    assert!(clinic.ok(&["audit"], None).stdout().contains("(pinned clock)"));
    // With the file alone, the mark can't be taken off, nor the seal made the old kind.
    tamper(&clinic, "UPDATE audit_log SET pinned_clock = 0 WHERE subject = 'pinned'");
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["was altered"]);
    tamper(
        &clinic,
        "UPDATE audit_log SET pinned_clock = 1, seal_version = 1 WHERE subject = 'pinned'",
    );
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["was altered"]);
}

#[test]
fn audit_verify_names_an_altered_entry() {
    let clinic = busy_clinic();
    tamper(&clinic, "UPDATE audit_log SET outcome = 'success', detail = 'none' WHERE seq = 5");
    let run = clinic.run(&["--json", "audit", "verify"], None).code(1);
    assert_eq!(
        run.json()["problem"],
        json!({"kind": "altered", "entry": 5, "message": "entry #5 was altered"})
    );
    run.error_line(&["entry #5 was altered"]);
}

#[test]
fn audit_verify_names_a_deleted_entry_and_a_cut_tail() {
    let clinic = busy_clinic();
    tamper(&clinic, "DELETE FROM audit_log WHERE seq = 3");
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["entry #3 was deleted"]);

    let clinic = busy_clinic();
    tamper(&clinic, "DELETE FROM audit_log WHERE seq >= 5");
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["entries #5 to #7 were deleted"]);
    // Rewriting the head to hide it needs the key.
    tamper(
        &clinic,
        "UPDATE clinic SET audit_seq = 4, audit_last = (SELECT seal FROM audit_log WHERE seq = 4)",
    );
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["last entry was altered"]);
}

#[test]
fn audit_verify_names_an_inserted_entry() {
    let clinic = busy_clinic();
    tamper(
        &clinic,
        "INSERT INTO audit_log (at, actor, action, subject, outcome) VALUES (1795798800, 'root', 'user.add', 'mallory', 'ok')",
    );
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["inserted after entry #7"]);
    // Copying a real entry's seal onto a forged one does not help.
    let clinic = busy_clinic();
    tamper(
        &clinic,
        "UPDATE audit_log SET subject = 'mallory' WHERE seq = 1;
         UPDATE audit_log SET seal = (SELECT seal FROM audit_log WHERE seq = 2) WHERE seq = 1",
    );
    clinic.run(&["audit", "verify"], None).code(1).error_line(&["entry #1 was altered"]);
}

#[test]
fn the_trail_records_enrolment_codes_bypasses_and_lockouts_without_secrets() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set", "lockout-threshold", "2"], None);
    let (secret, codes) = clinic.enrol("alice");
    clinic.login_at("alice", NOW + 30, &["--recovery-code", &codes[0]]).code(0);
    clinic
        .at(
            NOW + 60,
            &[
                "recovery-codes",
                "alice",
                "--password-stdin",
                "--code",
                &totp_code(&secret, NOW + 60),
            ],
            Some(PASSWORD),
        )
        .code(0);
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    clinic.ok(&["user", "revoke-bypass", "alice"], None);
    clinic.login("alice", "wrong password!", &[]).code(3);
    clinic.login("alice", "wrong password!", &[]).code(3);
    let actions: Vec<String> = clinic
        .json(&["audit"], None)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    for expected in [
        "enrol.start:pending",
        "enrol.confirm:enrolled",
        "login:success",
        "recovery-codes.regenerate:issued",
        "user.grant-bypass:ok",
        "user.revoke-bypass:ok",
        "login:denied",
        "lockout:locked",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} not in {actions:?}");
    }
    let everything = clinic.ok(&["--json", "audit"], None).stdout();
    assert!(!everything.contains(&secret) && !everything.contains(PASSWORD));
    assert!(codes.iter().all(|c| !everything.contains(c.as_str())));
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn fields_shown_on_a_terminal_cannot_rewrite_the_screen_or_split_a_row() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--name", "Alice\u{202E}fdp.exe"]);
    clinic.add_user("bob", &[]);
    // Someone with the file writes what the command line would refuse: into the trail
    // (shown, escaped, and named by `audit verify`) and into an account (refused whole:
    // it no longer carries its seal).
    tamper(&clinic, "UPDATE accounts SET name = 'Bob' || char(27) || '[2J' || char(10) || 'root' WHERE username = 'bob';
                     UPDATE audit_log SET detail = detail || char(27) || ']0;pwned' || char(7) WHERE seq = 2");
    for args in
        [&["user", "show", "alice"][..], &["audit"], &["user", "show", "bob"], &["user", "list"]]
    {
        let out = clinic.run(args, None).0;
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        for text in [&stdout, &stderr] {
            assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202E}']), "{args:?}: {text:?}");
            assert!(!text.contains("\nroot"), "{args:?} split a row: {text}");
        }
    }
    let bob = clinic.run(&["user", "show", "bob"], None).0;
    assert_eq!(bob.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bob.stderr).contains("bob does not verify"));
    let audit = clinic.ok(&["audit"], None).stdout();
    assert!(audit.contains("\\u{1b}]0;pwned\\u{7}"), "{audit}");
    let alice = clinic.ok(&["user", "show", "alice"], None).stdout();
    assert!(alice.contains("Alice\\u{202e}fdp.exe"), "{alice}");
    // JSON stays exact: it is for programs, which see the escapes JSON has.
    assert_eq!(clinic.user("alice")["name"], "Alice\u{202E}fdp.exe");
    // The clinic's name heads the report; set-name refuses control characters, and a
    // name written by hand is refused with the settings it no longer matches.
    tamper(&clinic, "UPDATE clinic SET name = 'Clinic' || char(27) || '[31m' WHERE id = 1");
    let report = clinic.run(&["report"], None).0;
    assert_eq!(report.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&report.stdout).contains('\u{1b}'));
    assert!(String::from_utf8_lossy(&report.stderr).contains("settings do not verify"));
}

#[test]
fn a_head_written_down_shows_a_rollback_and_a_fork_that_the_chain_cannot() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let checkpoint = |clinic: &Clinic| {
        let conn = rusqlite::Connection::open(clinic.db()).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    };
    checkpoint(&clinic);
    let older = clinic.db_bytes();
    clinic.add_user("bob", &[]);
    clinic.ok(&["user", "disable", "bob"], None);
    let head = clinic.json(&["audit", "head"], None);
    let token = head["head"].as_str().unwrap().to_owned();
    assert_eq!(head["seq"], 4);
    assert!(token.starts_with("4:") && token.len() == 2 + 64, "{token}");
    assert_eq!(clinic.ok(&["audit", "head"], None).stdout().lines().next().unwrap(), token);
    // Later entries do not matter: the head written down is still in the trail.
    clinic.add_user("carol", &[]);
    clinic.ok(&["audit", "verify", "--head", &token], None);
    // An older copy restored: a whole chain, so plain verify passes; the head does not.
    checkpoint(&clinic);
    let newer = clinic.db_bytes();
    std::fs::write(clinic.db(), &older).unwrap();
    clinic.ok(&["audit", "verify"], None);
    let run = clinic.run(&["--json", "audit", "verify", "--head", &token], None).code(1);
    assert_eq!(run.json()["problem"]["kind"], "truncated");
    run.error_line(&["ends at entry #2", "older copy"]);
    // The same copy written on from there: as long as before, but another trail.
    clinic.add_user("mallory", &[]);
    clinic.add_user("trudy", &[]);
    clinic.ok(&["audit", "verify"], None);
    let run = clinic.run(&["--json", "audit", "verify", "--head", &token], None).code(1);
    assert_eq!(run.json()["problem"]["kind"], "forked");
    run.error_line(&["entry #4 is not the one written down"]);
    std::fs::write(clinic.db(), &newer).unwrap();
    clinic.ok(&["audit", "verify", "--head", &token], None);
    clinic.run(&["audit", "verify", "--head", "nonsense"], None).code(2).error_line(&["--head"]);
}

#[test]
fn a_schema_set_back_to_before_sealing_is_refused_and_nothing_is_re_sealed() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.enrol("alice");
    // The insider's downgrade: forged rows, then the version set back so that the
    // sealing upgrade would run over them with the real key.
    tamper(
        &clinic,
        "DELETE FROM audit_log WHERE action = 'login';
                     UPDATE authenticators SET secret = X'00112233445566778899';
                     PRAGMA user_version = 2;",
    );
    {
        let conn = rusqlite::Connection::open(clinic.db()).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = clinic.db_bytes();
    for args in [
        &["audit", "verify"][..],
        &["user", "list"],
        &["login", "alice", "--password-stdin", "--code", "123456"],
    ] {
        clinic.run(args, Some(PASSWORD)).code(1).error_line(&[
            "schema went backwards",
            "clinic.db.key",
            "restore it from a backup",
        ]);
        assert_eq!(clinic.db_bytes(), before, "{args:?} changed the file");
    }
}

#[test]
fn with_audit_syslog_on_every_new_entry_goes_to_the_system_log_with_its_seal() {
    use std::os::unix::net::UnixDatagram;
    let clinic = Clinic::new();
    let socket_path = clinic.dir().join("log.sock");
    let log = UnixDatagram::bind(&socket_path).unwrap();
    log.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let with_log = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = clinic.command();
        cmd.env("CLINIC2FA_SYSLOG_SOCKET", &socket_path)
            .args(args)
            .write_stdin(stdin.unwrap_or(""));
        crate::harness::Run(cmd.output().unwrap())
    };
    with_log(&["clinic", "set", "audit-syslog", "on"], None).code(0);
    assert_eq!(clinic.json(&["clinic", "show"], None)["settings"]["audit-syslog"], "on");
    with_log(&["user", "add", "alice", "--password-stdin"], Some(&format!("{PASSWORD}\n"))).code(0);
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..2 {
        let n = log.recv(&mut buf).expect("a message in the log");
        received.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(
        received[0].starts_with("<38>clinic2fa[") && received[0].contains("action=\"clinic.set\""),
        "{received:?}"
    );
    let added = &received[1];
    assert!(
        added.contains("action=\"user.add\"") && added.contains("subject=\"alice\""),
        "{added}"
    );
    // The seq and seal in the log are the trail's own: a cut-off trail shows against it.
    let seq: i64 = clinic.sql("SELECT seq FROM audit_log WHERE action = 'user.add'");
    let seal: Vec<u8> = clinic.sql("SELECT seal FROM audit_log WHERE action = 'user.add'");
    let hex: String = seal.iter().map(|b| format!("{b:02x}")).collect();
    assert!(added.contains(&format!("seq={seq} seal={hex}")), "{added}");
    // No log listening: one line of warning, and the command still succeeds.
    drop(log);
    std::fs::remove_file(&socket_path).unwrap();
    let run = with_log(&["user", "add", "bob", "--password-stdin"], Some(&format!("{PASSWORD}\n")))
        .code(0);
    let err = run.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("warning: audit-syslog is on") && err.contains("log.sock"), "{err}");
    assert_eq!(clinic.user("bob")["username"], "bob");
    // Off: nothing is sent, and nothing warned.
    with_log(&["clinic", "set", "audit-syslog", "off"], None).code(0);
    let quiet = with_log(&["user", "disable", "bob"], None).code(0);
    assert!(quiet.stderr().is_empty(), "{}", quiet.stderr());
    clinic
        .run(&["clinic", "set", "audit-syslog", "maybe"], None)
        .code(2)
        .error_line(&["on or off"]);
}

#[test]
fn key_rotate_re_keys_everything_and_only_the_new_key_opens_the_database() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    clinic.add_user("bob", &[]);
    clinic.ok(&["--json", "enrol", "bob", "--password-stdin"], Some(&format!("{PASSWORD}\n"))); // pending
    let key = clinic.db().with_file_name("clinic.db.key");
    let old_key = std::fs::read(&key).unwrap();
    let rotated = clinic.json(&["key", "rotate"], None);
    let old_path = std::path::PathBuf::from(rotated["old_key_file"].as_str().unwrap());
    assert_eq!(std::fs::read(&old_path).unwrap(), old_key, "the old key is kept, renamed");
    assert_ne!(std::fs::read(&key).unwrap(), old_key);
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    // Existing authenticators and recovery codes still sign in; the trail verifies.
    clinic.login_at("alice", NOW + 30, &["--code", &totp_code(&secret, NOW + 30)]).code(0);
    clinic.login_at("alice", NOW + 60, &["--recovery-code", &codes[0]]).code(0);
    clinic.ok(&["audit", "verify"], None);
    let actions: String =
        clinic.sql("SELECT group_concat(action) FROM audit_log WHERE action = 'key.rotate'");
    assert_eq!(actions, "key.rotate");
    // Only the new key opens it.
    let mut with_old = clinic.command();
    with_old.env("CLINIC2FA_KEY_FILE", &old_path).args(["user", "list"]);
    let out = crate::harness::Run(with_old.output().unwrap()).code(1);
    out.error_line(&["does not belong"]);
}

#[test]
fn a_rotation_cut_short_leaves_a_database_that_names_the_key_that_fits() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let key = clinic.db().with_file_name("clinic.db.key");
    let rotated = clinic.json(&["key", "rotate"], None);
    let old_path = std::path::PathBuf::from(rotated["old_key_file"].as_str().unwrap());
    // As if the process died after the commit, before the files were swapped: the old
    // key still at KEY, the new one beside it under its temporary name.
    let new_path = clinic.dir().join("data").join("clinic.db.key.new-1-1");
    std::fs::rename(&key, &new_path).unwrap();
    std::fs::copy(&old_path, &key).unwrap();
    clinic.run(&["user", "list"], None).code(1).error_line(&["re-keyed", "clinic.db.key.new-1-1"]);
    // Or died between the two: no file at KEY at all.
    std::fs::remove_file(&key).unwrap();
    clinic.run(&["user", "list"], None).code(1).error_line(&["re-keyed", "clinic.db.key.new-1-1"]);
    // Moved into place as the message says: everything works.
    std::fs::rename(&new_path, &key).unwrap();
    clinic.ok(&["audit", "verify"], None);
    // As if a rotation died before its commit: a new key file beside, the database
    // unchanged. The key at KEY still fits, and the stray file is ignored.
    let stray = clinic.dir().join("data").join("clinic.db.key.new-2-2");
    std::fs::copy(&old_path, &stray).unwrap(); // any key that does not fit
    clinic.ok(&["user", "list"], None);
    std::fs::remove_file(&stray).unwrap();
    // A rotation refused before the commit (a trail that does not verify) leaves the
    // old key the one that fits, and no new key file about.
    tamper(&clinic, "UPDATE audit_log SET outcome = 'forged' WHERE seq = 1");
    clinic.run(&["key", "rotate"], None).code(1).error_line(&["does not verify"]);
    let leftovers = std::fs::read_dir(clinic.dir().join("data"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".new-"))
        .count();
    assert_eq!(leftovers, 0);
    clinic.ok(&["user", "list"], None);
}

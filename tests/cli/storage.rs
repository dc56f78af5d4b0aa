//! The database file: where it lives, how it is created, what is refused.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{Clinic, PASSWORD};

#[test]
fn database_and_its_folder_are_created_private_on_first_use() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&clinic.db()), 0o600);
    assert_eq!(mode(clinic.db().parent().unwrap()), 0o700);
    let version: i64 = clinic.sql("PRAGMA user_version");
    assert!(version >= 1);
    let journal: String = clinic.sql("PRAGMA journal_mode");
    assert_eq!(journal, "wal");
}

#[test]
fn default_path_is_under_xdg_data_home_then_home() {
    let clinic = Clinic::new();
    let xdg = clinic.dir().join("xdg");
    clinic
        .command()
        .env_remove("CLINIC2FA_DB")
        .env("XDG_DATA_HOME", &xdg)
        .args(["clinic", "show"])
        .assert()
        .success();
    assert!(xdg.join("clinic2fa/clinic2fa.db").is_file());

    clinic.command().env_remove("CLINIC2FA_DB").args(["clinic", "show"]).assert().success();
    assert!(clinic.dir().join(".local/share/clinic2fa/clinic2fa.db").is_file());
}

#[test]
fn db_flag_beats_the_environment_and_works_after_the_subcommand() {
    let clinic = Clinic::new();
    let other = clinic.dir().join("other.db");
    clinic.ok(&["clinic", "show", "--db", other.to_str().unwrap()], None);
    assert!(other.is_file());
    assert!(!clinic.db().exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_byte_for_byte() {
    let clinic = Clinic::new();
    let path = clinic.dir().join("notes.txt");
    let content = b"Shopping list: gauze, gloves, coffee. Definitely not SQLite.\n".repeat(20);
    std::fs::write(&path, &content).unwrap();
    clinic.run(&["--db", path.to_str().unwrap(), "clinic", "show"], None).code(1).error_line(&[
        "notes.txt",
        "not a clinic2fa database",
        "untouched",
    ]);
    assert_eq!(std::fs::read(&path).unwrap(), content);
}

#[test]
fn a_schema_newer_than_this_binary_is_refused_and_left_untouched() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "show"], None);
    {
        let conn = rusqlite::Connection::open(clinic.db()).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = clinic.db_bytes();
    clinic
        .run(&["clinic", "set-name", "Elsewhere"], None)
        .code(1)
        .error_line(&["schema version 999", "upgrade clinic2fa"]);
    assert_eq!(clinic.db_bytes(), before);
}

#[test]
fn a_failed_command_changes_nothing() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let audit_before: i64 = clinic.sql("SELECT count(*) FROM audit_log");
    let hashes_before: String = clinic.sql("SELECT group_concat(password_hash) FROM accounts");
    // A duplicate, a bad value and a missing user: each refused, nothing written.
    clinic
        .run(&["user", "add", "ALICE", "--password-stdin"], Some(&format!("{PASSWORD}\n")))
        .code(1);
    clinic.run(&["clinic", "set", "lockout-minutes", "0"], None).code(2);
    clinic.run(&["user", "disable", "bob"], None).code(1);
    let audit_after: i64 = clinic.sql("SELECT count(*) FROM audit_log");
    let hashes_after: String = clinic.sql("SELECT group_concat(password_hash) FROM accounts");
    assert_eq!((audit_before, hashes_before), (audit_after, hashes_after));
    let minutes: i64 = clinic.sql("SELECT lockout_minutes FROM clinic");
    assert_eq!(minutes, 15);
}

#[test]
fn admin_actions_are_audited_with_the_operating_system_user() {
    let clinic = Clinic::new();
    clinic
        .command()
        .env("USER", "it-admin")
        .args(["user", "add", "alice", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let actor: String = clinic.sql("SELECT actor FROM audit_log WHERE action = 'user.add'");
    assert_eq!(actor, "it-admin");
    let leaked: i64 = clinic.sql(&format!(
        "SELECT count(*) FROM audit_log WHERE coalesce(detail, '') LIKE '%{PASSWORD}%'"
    ));
    assert_eq!(leaked, 0);
}

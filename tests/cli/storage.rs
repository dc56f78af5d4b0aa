//! The database file: where it lives, how it is created, what is refused.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{Clinic, PASSWORD};

#[test]
fn init_creates_the_database_and_its_folder_private_and_says_where_both_are() {
    let clinic = Clinic::uninitialised();
    let run = clinic.ok(&["--json", "init", "--name", "Sunny Vale Clinic"], None);
    let db = clinic.db();
    let key = db.with_file_name("clinic.db.key");
    assert_eq!(
        run.json(),
        serde_json::json!({"database": db.to_str().unwrap(), "key_file": key.to_str().unwrap(), "name": "Sunny Vale Clinic"})
    );
    // The advice reaches a log too, not only a terminal.
    let said = run.stderr();
    assert!(said.contains(db.to_str().unwrap()) && said.contains(key.to_str().unwrap()), "{said}");
    assert!(said.contains("Back up the key file"), "{said}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    let version: i64 = clinic.sql("PRAGMA user_version");
    assert!(version >= 1);
    let journal: String = clinic.sql("PRAGMA journal_mode");
    assert_eq!(journal, "wal");
    assert_eq!(clinic.json(&["clinic", "show"], None)["name"], "Sunny Vale Clinic");
    let leftovers: Vec<_> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".init-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_typo_in_the_path_never_creates_a_clinic() {
    let clinic = Clinic::new();
    let typo = clinic.dir().join("nowhere").join("clinic.dbb");
    for args in [&["report"][..], &["user", "list"], &["clinic", "show"], &["audit", "verify"]] {
        let mut all = vec!["--db", typo.to_str().unwrap()];
        all.extend_from_slice(args);
        clinic.run(&all, None).code(1).error_line(&["clinic.dbb", "clinic2fa init"]);
    }
    clinic
        .run(
            &["--db", typo.to_str().unwrap(), "login", "alice", "--password-stdin"],
            Some(PASSWORD),
        )
        .code(1);
    assert!(!typo.parent().unwrap().exists(), "not even the folder");
}

#[test]
fn init_refuses_an_existing_database_or_key_file_and_changes_neither() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let before = clinic.db_bytes();
    clinic.run(&["init"], None).code(1).error_line(&["already a file", "clinic.db"]);
    assert_eq!(clinic.db_bytes(), before);
    // A key file already sitting where a new database's key would go is not adopted.
    let other = clinic.dir().join("other.db");
    let stray_key = clinic.dir().join("other.db.key");
    std::fs::write(&stray_key, "not ours").unwrap();
    clinic
        .run(&["--db", other.to_str().unwrap(), "init"], None)
        .code(1)
        .error_line(&["already a file", "other.db.key"]);
    assert!(!other.exists());
    assert_eq!(std::fs::read_to_string(&stray_key).unwrap(), "not ours");
    // Refused for its database, init makes no folder for the key file either.
    let key_folder = clinic.dir().join("keys");
    let mut cmd = clinic.command();
    cmd.env("CLINIC2FA_KEY_FILE", key_folder.join("clinic.key")).arg("init");
    crate::harness::Run(cmd.output().unwrap()).code(1).error_line(&["already a file", "clinic.db"]);
    assert!(!key_folder.exists(), "a refused init left a folder behind");
    // An empty file where the database should be is damage, not a new clinic.
    let empty = clinic.dir().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    clinic
        .run(&["--db", empty.to_str().unwrap(), "report"], None)
        .code(1)
        .error_line(&["empty", "backup"]);
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
}

#[test]
fn eight_parallel_inits_of_one_path_make_one_clinic() {
    let clinic = Clinic::uninitialised();
    let runs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| clinic.command_std(&["init"]).output().unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = runs.iter().filter(|r| r.status.code() == Some(0)).count();
    assert_eq!(ok, 1, "exactly one init succeeds");
    for refused in runs.iter().filter(|r| r.status.code() != Some(0)) {
        let err = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("already a file"), "{err}");
    }
    clinic.ok(&["audit", "verify"], None);
    clinic.add_user("alice", &[]);
}

#[test]
fn default_path_is_under_xdg_data_home_then_home() {
    let clinic = Clinic::uninitialised();
    let xdg = clinic.dir().join("xdg");
    let run = |xdg_set: bool, args: &[&str]| {
        let mut cmd = clinic.command();
        cmd.env_remove("CLINIC2FA_DB").args(args);
        if xdg_set {
            cmd.env("XDG_DATA_HOME", &xdg);
        }
        cmd.assert().success();
    };
    run(true, &["init"]);
    run(true, &["clinic", "show"]);
    assert!(xdg.join("clinic2fa/clinic2fa.db").is_file());
    run(false, &["init"]);
    run(false, &["clinic", "show"]);
    assert!(clinic.dir().join(".local/share/clinic2fa/clinic2fa.db").is_file());
}

#[test]
fn db_flag_beats_the_environment_and_works_after_the_subcommand() {
    let clinic = Clinic::uninitialised();
    let other = clinic.dir().join("other.db");
    clinic.ok(&["init", "--db", other.to_str().unwrap()], None);
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
    // $USER and $LOGNAME are anyone's to set: the actor is the account of the uid.
    clinic
        .command()
        .env("USER", "drsmith")
        .env("LOGNAME", "drsmith")
        .args(["user", "add", "alice", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let actor: String = clinic.sql("SELECT actor FROM audit_log WHERE action = 'user.add'");
    let uid = nix::unistd::getuid();
    let expected =
        nix::unistd::User::from_uid(uid).unwrap().map_or_else(|| format!("uid:{uid}"), |u| u.name);
    assert_eq!(actor, expected);
    assert_ne!(actor, "drsmith");
    let leaked: i64 = clinic.sql(&format!(
        "SELECT count(*) FROM audit_log WHERE coalesce(detail, '') LIKE '%{PASSWORD}%'"
    ));
    assert_eq!(leaked, 0);
}

#[test]
fn a_backup_is_consistent_while_others_write_private_and_never_overwrites() {
    let clinic = Clinic::new();
    for i in 0..4 {
        clinic.add_user(&format!("user{i}"), &[]);
    }
    let copy = clinic.dir().join("backup.db");
    let copy_arg = copy.to_str().unwrap().to_owned();
    // Sign-ins and admin edits go on while the copy is taken.
    std::thread::scope(|scope| {
        for i in 0..4 {
            let clinic = &clinic;
            scope.spawn(move || {
                for _ in 0..3 {
                    clinic.login(&format!("user{i}"), PASSWORD, &[]).code(0);
                    clinic.ok(&["user", "set-role", &format!("user{i}"), "admin"], None);
                }
            });
        }
        clinic.ok(&["backup", &copy_arg], None);
    });
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // The copy opens with the same key file, and its trail is whole.
    let key = clinic.db().with_file_name("clinic.db.key");
    let on_copy = |args: &[&str]| {
        let mut cmd = clinic.command();
        cmd.env("CLINIC2FA_DB", &copy).env("CLINIC2FA_KEY_FILE", &key).args(args);
        crate::harness::Run(cmd.output().unwrap())
    };
    let verified = on_copy(&["--json", "audit", "verify"]).code(0).json();
    assert_eq!(verified["intact"], true);
    assert_eq!(on_copy(&["--json", "user", "list"]).code(0).json().as_array().unwrap().len(), 4);
    on_copy(&["--json", "login", "user0", "--password-stdin"]);
    // Never overwritten, and a failed backup leaves nothing behind.
    let before = std::fs::read(&copy).unwrap();
    clinic
        .run(&["backup", &copy_arg], None)
        .code(1)
        .error_line(&["already exists", "never overwrites"]);
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    let nowhere = clinic.dir().join("no-such-folder").join("b.db");
    clinic.run(&["backup", nowhere.to_str().unwrap()], None).code(1);
    assert!(!nowhere.exists());
}

#[test]
fn a_database_cut_short_or_malformed_is_refused_as_damaged_and_left_as_it_is() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    // Checkpointed, so the file holds everything and the WAL is gone.
    {
        let conn = rusqlite::Connection::open(clinic.db()).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let whole = clinic.db_bytes();
    std::fs::write(clinic.db(), &whole[..whole.len() - 100]).unwrap();
    let cut = clinic.db_bytes();
    for args in [
        &["user", "list"][..],
        &["user", "add", "bob", "--password-stdin"],
        &["login", "alice", "--password-stdin"],
        &["audit", "verify"],
    ] {
        clinic.run(args, Some(&format!("{PASSWORD}\n"))).code(1).error_line(&[
            "clinic.db",
            "damaged",
            "restore it from a backup",
        ]);
        assert_eq!(clinic.db_bytes(), cut, "{args:?} changed the file");
    }
    // Whole pages, but one of them garbage: SQLite's own word never reaches a person.
    let mut garbled = whole.clone();
    let page = 4096;
    for b in &mut garbled[page..2 * page] {
        *b = 0xAB;
    }
    std::fs::write(clinic.db(), &garbled).unwrap();
    let run = clinic.run(&["user", "list"], None).code(1);
    assert!(!run.stderr().contains("disk image is malformed"), "{}", run.stderr());
    run.error_line(&["damaged"]);
}

#[test]
fn sixteen_commands_right_after_init_all_succeed() {
    let clinic = Clinic::new();
    let runs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let clinic = &clinic;
                scope.spawn(move || {
                    let name = format!("user{i}");
                    let args: Vec<&str> = match i % 4 {
                        0 => vec!["user", "add", &name, "--password-stdin"],
                        1 => vec!["clinic", "show"],
                        2 => vec!["report"],
                        _ => vec!["clinic", "set", "lockout-threshold", "7"],
                    };
                    let mut cmd = clinic.command_std(&args);
                    cmd.stdin(std::process::Stdio::piped());
                    let mut child = cmd.spawn().unwrap();
                    crate::harness::feed(&mut child, format!("{PASSWORD}\n").as_bytes());
                    child.wait_with_output().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    }
    assert_eq!(clinic.json(&["user", "list"], None).as_array().unwrap().len(), 4);
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn key_file_names_the_key_as_the_variable_does_and_a_copy_says_how_to_open_it() {
    if crate::harness::engine() == crate::harness::Engine::Postgres {
        return; // about a SQLite file and the key beside it
    }
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let key = clinic.key_file();
    // A backup opened with its key somewhere else: --key-file, no variable needed.
    let moved = clinic.dir().join("safe").join("clinic.key");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&key, &moved).unwrap();
    clinic.run(&["user", "list"], None).code(1).error_line(&["is missing", "--key-file"]);
    let listed = clinic.json(&["--key-file", moved.to_str().unwrap(), "user", "list"], None);
    assert_eq!(listed[0]["username"], "alice");
    std::fs::rename(&moved, &key).unwrap();

    let copy = clinic.dir().join("copy.db");
    let said = clinic.ok(&["db", "copy", "--to", copy.to_str().unwrap()], None).stdout();
    assert!(
        said.contains(&format!("--db {} --key-file {}", copy.display(), key.display())),
        "{said}"
    );
    let opened = clinic.json(
        &["--db", copy.to_str().unwrap(), "--key-file", key.to_str().unwrap(), "user", "list"],
        None,
    );
    assert_eq!(opened[0]["username"], "alice");
}

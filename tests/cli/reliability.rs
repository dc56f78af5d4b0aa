//! A bad day: many processes at once, a killed import, a read-only file, a full disk.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{Clinic, PASSWORD};

fn integrity_ok(clinic: &Clinic) {
    let check: String = clinic.sql("PRAGMA integrity_check");
    assert_eq!(check, "ok");
    clinic.ok(&["audit", "verify"], None);
}

fn accounts(clinic: &Clinic) -> i64 {
    clinic.sql("SELECT count(*) FROM accounts")
}

/// An import of `rows` accounts with a pre-hashed password column, written into the
/// clinic's folder: big enough to take a while, with no argon2 per row.
fn prehashed_import(clinic: &Clinic, rows: usize) -> std::path::PathBuf {
    let template = Clinic::new();
    template.add_user("template", &[]);
    let hash: String = template.sql("SELECT password_hash FROM accounts");
    let mut text = String::from("username,password_hash\n");
    for i in 0..rows {
        writeln!(text, "user{i:05},\"{hash}\"").unwrap();
    }
    let file = clinic.dir().join("big.csv");
    std::fs::write(&file, &text).unwrap();
    file
}

#[test]
fn sixteen_processes_mixing_logins_and_admin_edits_lose_nothing() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    for i in 0..8 {
        clinic.add_user(&format!("nurse{i}"), &[]);
    }
    let audit_before: i64 = clinic.sql("SELECT count(*) FROM audit_log");
    const ROUNDS: usize = 3;
    let stderr: Vec<String> = std::thread::scope(|scope| {
        let mut runs = Vec::new();
        for i in 0..8 {
            let clinic = &clinic;
            // Wrong passwords: each one must be counted.
            runs.push(scope.spawn(move || {
                (0..ROUNDS)
                    .map(|_| {
                        clinic.login(&format!("nurse{i}"), "wrong password!", &[]).code(3).stderr()
                    })
                    .collect::<String>()
            }));
            // Admin edits on the same accounts, at the same time.
            runs.push(scope.spawn(move || {
                let user = format!("nurse{i}");
                let mut err = String::new();
                for round in 0..ROUNDS {
                    let role = if round % 2 == 0 { "admin" } else { "staff" };
                    err += &clinic.ok(&["user", "set-role", &user, role], None).stderr();
                    err += &clinic
                        .ok(&["user", "grant-bypass", &user, "--expires-in", "1h"], None)
                        .stderr();
                    err += &clinic.ok(&["user", "revoke-bypass", &user], None).stderr();
                }
                err
            }));
        }
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for err in &stderr {
        assert!(!err.contains("locked") && !err.contains("busy"), "{err}");
    }
    for i in 0..8 {
        let failures: i64 =
            clinic.sql(&format!("SELECT failed_logins FROM accounts WHERE username = 'nurse{i}'"));
        assert_eq!(failures, ROUNDS as i64, "nurse{i}");
        let last_role = if (ROUNDS - 1).is_multiple_of(2) { "admin" } else { "staff" };
        assert_eq!(clinic.user(&format!("nurse{i}"))["role"], last_role);
    }
    let audit_after: i64 = clinic.sql("SELECT count(*) FROM audit_log");
    assert_eq!(audit_after - audit_before, 8 * ROUNDS as i64 * 4, "every action is in the trail");
    integrity_ok(&clinic);
}

/// Frozen (SIGSTOP) while its one transaction is being written, as soon as the WAL
/// holds a quarter of a MiB of it, then killed: the rows were invisible while it was
/// frozen, and afterwards the database opens intact with none of them. The same import
/// then runs to the end and leaves all of them.
#[test]
fn a_killed_import_leaves_all_rows_or_none() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "show"], None);
    let file = prehashed_import(&clinic, 10_000);
    let wal = clinic.db().with_file_name("clinic.db-wal");
    let mut child =
        clinic.command_std(&["user", "import", file.to_str().unwrap()]).spawn().unwrap();
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended ({status}) before its WAL reached 256 KiB: make it bigger");
        }
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 256 << 10) {
            kill(pid, Signal::SIGSTOP).unwrap();
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert_eq!(accounts(&clinic), 0, "frozen mid-write, nothing is committed yet");
    child.kill().unwrap(); // SIGKILL, which also ends a stopped process
    child.wait().unwrap();
    assert_eq!(accounts(&clinic), 0, "killed mid-write: none");
    integrity_ok(&clinic);

    clinic.ok(&["user", "import", file.to_str().unwrap()], None);
    assert_eq!(accounts(&clinic), 10_000, "run to the end: all");
    integrity_ok(&clinic);
}

/// Read-only in each way the issue names, for the user running clinic2fa: the file
/// (in a folder they may write), the folder (holding a file they may write), and both.
/// Each time: exit 1, one clear line, and the database as it was.
#[test]
fn a_read_only_database_file_or_folder_is_a_clear_error_and_stays_as_it_was() {
    // (what is read-only, folder mode, database mode), for a user who is not the owner.
    // Root ignores permissions, so as root the command runs as `nobody`; otherwise the
    // owner's own write bits are taken away instead.
    let as_root = nix::unistd::geteuid().is_root();
    let cases = if as_root {
        [("file", 0o777, 0o644), ("folder", 0o755, 0o666), ("file and folder", 0o755, 0o644)]
    } else {
        [("file", 0o700, 0o444), ("folder", 0o500, 0o644), ("file and folder", 0o500, 0o444)]
    };
    for (what, folder_mode, db_mode) in cases {
        let clinic = Clinic::new();
        clinic.add_user("alice", &[]);
        let key = clinic.db().with_file_name("clinic.db.key");
        let folder = clinic.db().parent().unwrap().to_owned();
        std::fs::set_permissions(clinic.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(clinic.db(), std::fs::Permissions::from_mode(db_mode)).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(folder_mode)).unwrap();
        let before = clinic.db_bytes();

        let mut cmd = clinic.command_std(&["user", "add", "bob", "--password-stdin"]);
        if as_root {
            cmd = as_nobody(&clinic, &cmd);
        }
        let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
        crate::harness::feed(&mut child, format!("{PASSWORD}\n").as_bytes());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "read-only {what}: {err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("clinic2fa: ") && last.contains("cannot be written"), "{err}");
        assert!(last.contains("clinic.db") && last.contains("nothing was changed"), "{err}");
        assert!(!err.contains("panicked"), "{err}");

        // Nothing left behind that would block the owner once the file is writable.
        let leftovers: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with("-shm") || n.ends_with("-wal"))
            .collect();
        assert!(leftovers.is_empty(), "read-only {what}: {leftovers:?}");

        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(clinic.db(), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(clinic.db_bytes(), before, "read-only {what}");
        assert_eq!(accounts(&clinic), 1, "read-only {what}");
        clinic.add_user("owner-writes-again", &[]);
    }
}

#[test]
fn a_read_only_database_can_still_be_read_and_leaves_nothing_behind() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let folder = clinic.db().parent().unwrap().to_owned();
    let key = clinic.db().with_file_name("clinic.db.key");
    std::fs::set_permissions(clinic.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(clinic.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let as_root = nix::unistd::geteuid().is_root();
    if !as_root {
        std::fs::set_permissions(clinic.db(), std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let mut cmd = clinic.command_std(&["--json", "user", "list"]);
    if as_root {
        cmd = as_nobody(&clinic, &cmd);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["username"], "alice");
    let leftovers = std::fs::read_dir(&folder)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name().to_string_lossy().into_owned();
            name.ends_with("-shm") || name.ends_with("-wal")
        })
        .count();
    assert_eq!(leftovers, 0);
}

/// `cmd` as the user `nobody`, from a copy of the binary in the test's own folder:
/// `nobody` may not reach the build folder (CI may clone under /root).
fn as_nobody(clinic: &Clinic, cmd: &Command) -> Command {
    let copy = clinic.dir().join("clinic2fa");
    std::fs::copy(cmd.get_program(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut as_nobody = Command::new(&copy);
    as_nobody.env_clear().args(cmd.get_args()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            as_nobody.env(k, v);
        }
    }
    as_nobody.uid(65534).gid(65534);
    as_nobody
}

#[test]
fn a_full_disk_during_a_write_is_a_clear_error_and_the_database_is_intact() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let file = prehashed_import(&clinic, 5_000);
    // No file this process writes may grow past ~256 KiB: the import's write-ahead log
    // hits the limit part-way, as on a full disk. SIGXFSZ is ignored so the write
    // fails with an error instead of killing the process.
    let script = format!("trap '' XFSZ; ulimit -f 512; exec \"$0\" user import {}", file.display());
    let out = clinic.command_std(&[]).output_via_shell(&script);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("clinic2fa: ") && err.lines().count() == 1, "{err}");
    assert!(err.contains("disk may be full") && err.contains("nothing was changed"), "{err}");
    assert_eq!(accounts(&clinic), 1);
    integrity_ok(&clinic);
    assert_eq!(clinic.user("alice")["username"], "alice");
}

/// Runs the binary through `sh -c SCRIPT`, the binary's path as `$0`.
trait ViaShell {
    fn output_via_shell(&mut self, script: &str) -> std::process::Output;
}

impl ViaShell for Command {
    fn output_via_shell(&mut self, script: &str) -> std::process::Output {
        let binary = self.get_program().to_owned();
        let mut shell = Command::new("sh");
        shell.arg("-c").arg(script).arg(binary);
        shell.env_clear();
        for (k, v) in self.get_envs() {
            if let Some(v) = v {
                shell.env(k, v);
            }
        }
        if let Some(dir) = self.get_current_dir() {
            shell.current_dir(dir);
        }
        shell.stdin(Stdio::null()).output().expect("sh runs")
    }
}

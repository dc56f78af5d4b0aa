//! A small builder around the binary: a temp dir per test, args, stdin, and readable
//! assertions on status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

/// 2026-11-27T17:00:00Z: every test runs at a fixed "now" unless it says otherwise.
pub const NOW: i64 = 1_795_798_800;
pub const PASSWORD: &str = "correct horse battery";

pub struct Clinic {
    dir: TempDir,
}

impl Clinic {
    pub fn new() -> Self {
        Clinic { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.dir().join("data").join("clinic.db")
    }

    /// The binary with a cleared environment, the test's database and clock, and
    /// RUST_BACKTRACE=1 as on these machines (no backtrace may ever reach a user).
    pub fn command(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("clinic2fa").expect("binary built");
        cmd.env_clear()
            .env("HOME", self.dir())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CLINIC2FA_DB", self.db())
            .env("CLINIC2FA_NOW", NOW.to_string())
            .env("RUST_BACKTRACE", "1")
            .current_dir(self.dir());
        cmd
    }

    /// Runs with `args` and `stdin` (empty when `None`), returning what happened.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command();
        cmd.args(args).write_stdin(stdin.unwrap_or(""));
        Run(cmd.output().expect("binary ran"))
    }

    /// Runs and insists on exit 0.
    #[track_caller]
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run(args, stdin).code(0)
    }

    /// `--json` run that must succeed; its one document.
    #[track_caller]
    pub fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.ok(&all, stdin).json()
    }

    /// Adds a staff account with [`PASSWORD`].
    #[track_caller]
    pub fn add_user(&self, username: &str, extra: &[&str]) {
        let mut args = vec!["user", "add", username, "--password-stdin"];
        args.extend_from_slice(extra);
        self.ok(&args, Some(&format!("{PASSWORD}\n")));
    }

    /// `login USERNAME --password-stdin --json` with `password`.
    pub fn login(&self, username: &str, password: &str, extra: &[&str]) -> Run {
        let mut args = vec!["--json", "login", username, "--password-stdin"];
        args.extend_from_slice(extra);
        self.run(&args, Some(&format!("{password}\n")))
    }

    pub fn user(&self, username: &str) -> Value {
        self.json(&["user", "show", username], None)
    }

    pub fn db_bytes(&self) -> Vec<u8> {
        std::fs::read(self.db()).expect("database file")
    }

    /// A read-only look at the database, for asserting what was (not) written.
    pub fn sql<T: rusqlite::types::FromSql>(&self, query: &str) -> T {
        let conn = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open database");
        conn.query_row(query, [], |r| r.get(0)).expect("query")
    }
}

pub struct Run(pub Output);

impl Run {
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        let actual = self.0.status.code();
        assert_eq!(
            actual,
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Stdout parsed as exactly one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        let text = self.stdout();
        let mut docs = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let first = docs.next().unwrap_or_else(|| panic!("no JSON on stdout: {text:?}"));
        let first = first.unwrap_or_else(|e| panic!("bad JSON on stdout ({e}): {text:?}"));
        assert!(docs.next().is_none(), "more than one JSON document: {text:?}");
        first
    }

    /// Stderr is one `clinic2fa:` line that contains every part of `needles`.
    #[track_caller]
    pub fn error_line(self, needles: &[&str]) -> Self {
        let err = self.stderr();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "one line of stderr expected: {err:?}");
        assert!(lines[0].starts_with("clinic2fa: "), "{err:?}");
        for needle in needles {
            assert!(err.contains(needle), "stderr lacks {needle:?}: {err:?}");
        }
        assert!(!err.contains("Stack backtrace") && !err.contains("panicked"), "{err:?}");
        self
    }
}

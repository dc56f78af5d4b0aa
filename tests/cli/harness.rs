//! A small builder around the binary: a temp dir per test, args, stdin, and readable
//! assertions on status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

/// 2026-11-27T17:00:00Z: every test runs at a fixed "now" unless it says otherwise.
pub const NOW: i64 = 1_795_798_800;
pub const PASSWORD: &str = "correct horse battery";

/// Which engine the clinics of this run live on: SQLite files, unless the suite is
/// being run again against PostgreSQL (`CLINIC2FA_TEST_ENGINE=postgres`, set by
/// `main::the_suite_passes_on_postgresql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub fn engine() -> Engine {
    match std::env::var("CLINIC2FA_TEST_ENGINE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        _ => Engine::Sqlite,
    }
}

pub struct Clinic {
    dir: TempDir,
    /// On PostgreSQL: this clinic's database on the test server.
    server: Option<crate::pg::Database>,
    /// A key file other than the one beside the database.
    key: Option<PathBuf>,
}

impl Clinic {
    /// A clinic made by `clinic2fa init`, as every real one is.
    pub fn new() -> Self {
        let clinic = Clinic::uninitialised();
        clinic.ok(&["init"], None);
        clinic
    }

    /// A temp dir with no database yet (on PostgreSQL: an empty database).
    pub fn uninitialised() -> Self {
        let server = (engine() == Engine::Postgres).then(|| {
            crate::pg::Server::from_env()
                .expect("CLINIC2FA_TEST_POSTGRES names the test server")
                .database()
        });
        Clinic { dir: tempfile::tempdir().expect("temp dir"), server, key: None }
    }

    /// This clinic on `db` of the test server instead (which the caller keeps).
    pub fn with_database(mut self, db: &crate::pg::Database) -> Self {
        self.server = Some(db.clone());
        self
    }

    /// This clinic with the key file `key`.
    pub fn with_key_file(mut self, key: &Path) -> Self {
        self.key = Some(key.to_owned());
        self
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite file (on PostgreSQL, where the key file's name comes from).
    pub fn db(&self) -> PathBuf {
        self.dir().join("data").join("clinic.db")
    }

    pub fn key_file(&self) -> PathBuf {
        self.key.clone().unwrap_or_else(|| self.dir().join("data").join("clinic.db.key"))
    }

    /// What names this clinic's database to the binary: `CLINIC2FA_DB` (a path or a
    /// URL), and on PostgreSQL the key file (kept where it is beside a file) and the
    /// password.
    pub fn database_env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        match &self.server {
            None if self.key.is_some() => {
                vec![
                    ("CLINIC2FA_DB", self.db().into()),
                    ("CLINIC2FA_KEY_FILE", self.key_file().into()),
                ]
            }
            None => vec![("CLINIC2FA_DB", self.db().into())],
            Some(db) => vec![
                ("CLINIC2FA_DB", db.url().into()),
                ("CLINIC2FA_KEY_FILE", self.key_file().into()),
                ("PGPASSWORD", db.password().into()),
            ],
        }
    }

    /// The PostgreSQL database, where this clinic is on one.
    pub fn server(&self) -> Option<&crate::pg::Database> {
        self.server.as_ref()
    }

    /// The binary with a cleared environment, the test's database and clock, and
    /// RUST_BACKTRACE=1 as on these machines (no backtrace may ever reach a user).
    pub fn command(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command_std(&[]))
    }

    /// The same as a plain `std::process::Command` (stdout and stderr piped), for
    /// spawning and killing.
    pub fn command_std(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("clinic2fa"));
        cmd.env_clear()
            .env("HOME", self.dir())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.database_env())
            .env("CLINIC2FA_NOW", NOW.to_string())
            // People's times are local: pinned to UTC unless a test says otherwise.
            .env("TZ", "UTC0")
            .env("RUST_BACKTRACE", "1")
            .current_dir(self.dir())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
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

    /// What the database holds, as bytes: the file, or on PostgreSQL every row.
    pub fn db_bytes(&self) -> Vec<u8> {
        if let Some(db) = &self.server {
            return db.stored_bytes();
        }
        std::fs::read(self.db()).expect("database file")
    }

    /// A read-only look at the database, for asserting what was (not) written. Written
    /// in SQLite's SQL; on PostgreSQL, `group_concat` becomes `string_agg`.
    pub fn sql<T>(&self, query: &str) -> T
    where
        T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>,
    {
        if let Some(db) = &self.server {
            return db.query_one(&crate::pg::dialect(query));
        }
        let conn = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open database");
        conn.query_row(query, [], |r| r.get(0)).expect("query")
    }
}

/// Writes `input` to a spawned child's stdin and closes it. A child that has already
/// exited (a refusal before it reads stdin) closes the pipe first: that is no failure
/// of the test, whose assertions are about the child's answer.
pub fn feed(child: &mut std::process::Child, input: &[u8]) {
    use std::io::Write;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    match stdin.write_all(input) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
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

/// RFC 6238 written again from the RFC, independent of totp-rs: HMAC-SHA1 over the
/// big-endian step counter, dynamic truncation, 6 digits.
pub fn totp_code(secret_base32: &str, unix_time: i64) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let key = base32_decode(secret_base32);
    let counter = (unix_time / 30) as u64;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{:06}", binary % 1_000_000)
}

pub fn base32_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        bits = (bits << 5) | u64::from(value);
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// An account enrolled at [`NOW`]: returns its base32 secret and recovery codes. The
/// confirming code was for NOW's step, so that step is used.
impl Clinic {
    pub fn enrol(&self, username: &str) -> (String, Vec<String>) {
        self.enrol_at(username, NOW, &[])
    }

    pub fn enrol_at(&self, username: &str, at: i64, extra: &[&str]) -> (String, Vec<String>) {
        let mut args = vec!["--json", "enrol", username, "--password-stdin"];
        args.extend_from_slice(extra);
        let pending = self.at(at, &args, Some(PASSWORD)).code(0).json();
        let secret = pending["secret"].as_str().expect("secret").to_owned();
        let confirm = totp_code(&secret, at);
        let enrolled = self
            .at(
                at,
                &["--json", "enrol", username, "--password-stdin", "--confirm", &confirm],
                Some(PASSWORD),
            )
            .code(0)
            .json();
        let codes = enrolled["recovery_codes"]
            .as_array()
            .expect("recovery codes")
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        (secret, codes)
    }

    /// Runs at another moment than [`NOW`]; `stdin` gets a final newline.
    pub fn at(&self, at: i64, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command();
        cmd.env("CLINIC2FA_NOW", at.to_string())
            .args(args)
            .write_stdin(stdin.map(|s| format!("{s}\n")).unwrap_or_default());
        Run(cmd.output().expect("binary ran"))
    }

    /// `login --json` at `at` with the password and extra arguments.
    pub fn login_at(&self, username: &str, at: i64, extra: &[&str]) -> Run {
        let mut args = vec!["--json", "login", username, "--password-stdin"];
        args.extend_from_slice(extra);
        self.at(at, &args, Some(PASSWORD))
    }
}

/// Undoes the half-block drawing: each character is two modules stacked, and a block
/// marks a dark module. ANSI colour codes are dropped first.
pub fn decode_terminal_qr(output: &str) -> String {
    let mut plain = String::new();
    let mut chars = output.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for e in chars.by_ref() {
                if e.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let rows: Vec<Vec<char>> = plain
        .lines()
        .skip_while(|l| !l.contains(['█', '▀', '▄']))
        .take_while(|l| l.contains(['█', '▀', '▄']))
        .map(|l| l.chars().collect())
        .collect();
    assert!(!rows.is_empty(), "no QR code in: {output}");
    let width = rows.iter().map(Vec::len).max().unwrap();
    let scale = 4;
    let margin = 8;
    let dark = |x: usize, y: usize| -> bool {
        let c = rows.get(y / 2).and_then(|r| r.get(x)).copied().unwrap_or(' ');
        if y.is_multiple_of(2) { matches!(c, '█' | '▀') } else { matches!(c, '█' | '▄') }
    };
    let (w, h) = ((width + 2 * margin) * scale, (rows.len() * 2 + 2 * margin) * scale);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let inside = mx >= margin && my >= margin;
        if inside && dark(mx - margin, my - margin) { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code expected");
    grids[0].decode().expect("decodes").1
}

/// A test this machine cannot run: under CI (`.ci/run` sets it all up) that is a
/// broken set-up and fails; elsewhere it says so on stderr, past the test runner's
/// capture, and passes.
pub fn skip(note: &str, broken_under_ci: &str) {
    use std::io::Write as _;
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{broken_under_ci}");
    let _ = writeln!(std::io::stderr(), "note: {note}");
}

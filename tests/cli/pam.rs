//! The PAM module, `pam_clinic2fa.so`, loaded by a real PAM application: pamtester,
//! under pam_wrapper (`LD_PRELOAD=libpam_wrapper.so`) so that the service files live
//! in the test's temp dir and nothing of the machine's /etc/pam.d is read or changed.

use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::service::Service;

/// The module, built once per test run in this profile's target folder (the suite's
/// `cargo test` builds the main crate; the cdylib is the PAM crate's own artefact).
pub(crate) fn module() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary");
        let profile_dir = exe.parent().and_then(Path::parent).expect("target/PROFILE/deps/..");
        let release = profile_dir.file_name().is_some_and(|n| n == "release");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--locked", "--quiet", "-p", "pam_clinic2fa"]);
        if release {
            build.arg("--release");
        }
        let target_dir = profile_dir.parent().expect("target/");
        let status = build
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo builds the PAM module");
        assert!(status.success(), "cargo build -p pam_clinic2fa failed");
        profile_dir.join("libpam_clinic2fa.so")
    })
}

/// Held by each test that runs a program under pam_wrapper, across processes (the
/// PostgreSQL run of the suite runs beside this one). pam_wrapper 1.1 gives each
/// process a copy of the service files in `/tmp/pam.X`, X one character (the path
/// must be as long as `/etc/pam.d`, which it patches into libpam), and processes that
/// run together were seen reading each other's: one test's pamtester asking another
/// test's service. One at a time, they cannot.
pub(crate) fn one_at_a_time() -> std::fs::File {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("clinic2fa-tests-pam-wrapper.lock"))
        .expect("the lock file");
    lock.lock().expect("the lock");
    lock
}

/// A PAM service file `clinic2fa-test` in a folder of its own, readable by anyone
/// (the tests that run pamtester as another user).
struct Stack {
    dir: tempfile::TempDir,
}

impl Stack {
    /// `lines` use `MODULE` for the module's path.
    fn new(lines: &[&str]) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let text: String =
            lines.iter().map(|l| l.replace("MODULE", &module().to_string_lossy()) + "\n").collect();
        std::fs::write(dir.path().join("clinic2fa-test"), text).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Stack { dir }
    }

    /// The module's auth, account and password phases on `service`'s socket.
    fn of(service: &Service, options: &str) -> Stack {
        let socket = service.socket.display().to_string();
        let args = format!("socket={socket} {options}");
        Stack::new(&[
            &format!("auth required MODULE {args}"),
            &format!("account required MODULE socket={socket}"),
            &format!("password required MODULE socket={socket}"),
        ])
    }

    /// pamtester with `args` (`-I`, the user, the operations), fed `stdin`.
    fn pamtester(&self, args: &[&str], stdin: &str) -> Output {
        self.command(args, None).stdin_text(stdin)
    }

    /// The same as the operating-system user `uid` (a screen locker).
    fn pamtester_as(&self, uid: u32, args: &[&str], stdin: &str) -> Output {
        self.command(args, Some(uid)).stdin_text(stdin)
    }

    fn command(&self, args: &[&str], uid: Option<u32>) -> Command {
        self.command_of("pamtester", args, uid)
    }

    /// pamtester with its stdout unbuffered (`stdbuf -o0`) and its stderr (where it
    /// prompts) on the same pipe, so the screen is in the order it was written: for
    /// a test that reads what it shows before answering.
    fn live(&self, args: &[&str]) -> Live {
        let mut cmd = self.command_of("stdbuf", args, None);
        Live::start(cmd.stdin(Stdio::piped()))
    }

    fn command_of(&self, program: &str, args: &[&str], uid: Option<u32>) -> Command {
        let mut cmd = match uid {
            None if program == "stdbuf" => {
                let mut c = Command::new("sh");
                c.args(["-c", "exec stdbuf -o0 pamtester \"$@\" 2>&1", "sh"]);
                c
            }
            None => Command::new("pamtester"),
            Some(uid) => {
                let mut c = Command::new("setpriv");
                c.args([&format!("--reuid={uid}"), &format!("--regid={uid}"), "--clear-groups"]);
                c.arg("pamtester");
                c
            }
        };
        // Options (`-I`) before the service name, the user and operations after.
        let (options, rest): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with('-'));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LD_PRELOAD", "libpam_wrapper.so")
            .env("PAM_WRAPPER", "1")
            .env("PAM_WRAPPER_SERVICE_DIR", self.dir.path())
            .args(options)
            .arg("clinic2fa-test")
            .args(rest)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }
}

trait StdinText {
    fn stdin_text(self, text: &str) -> Output;
}

impl StdinText for Command {
    fn stdin_text(mut self, text: &str) -> Output {
        let mut child = self.spawn().expect("pamtester (apt install pamtester libpam-wrapper)");
        // It may end before reading all of it (a refusal needs no answers).
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
        child.wait_with_output().unwrap()
    }
}

/// What pamtester printed, both streams.
fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[track_caller]
fn succeeds(out: &Output, what: &str) {
    assert!(out.status.success() && said(out).contains(what), "{}", said(out));
}

/// pamtester's words for a PAM result (`pam_strerror`), and its exit 1.
#[track_caller]
fn fails_with(out: &Output, pam_words: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", said(out));
    assert!(said(out).contains(pam_words), "wanted {pam_words:?}:\n{}", said(out));
}

const AUTH_ERR: &str = "Authentication failure";
const MAXTRIES: &str = "Have exhausted maximum number of retries for service";
const ACCT_EXPIRED: &str = "User account has expired";
const NEW_AUTHTOK_REQD: &str = "Authentication token is no longer valid; new one required";
const AUTHINFO_UNAVAIL: &str = "Authentication service cannot retrieve authentication info";
const USER_UNKNOWN: &str = "User not known to the underlying authentication module";

fn enrolled_clinic() -> (Clinic, String) {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    (clinic, secret)
}

#[test]
fn password_and_code_sign_in_with_the_exact_prompts_and_each_result_is_pam_s() {
    let _alone = one_at_a_time();
    let (clinic, secret) = enrolled_clinic();
    clinic.add_user("desk", &["--2fa", "exempt"]);
    let service = Service::start_at(&clinic, NOW + 120, &[]);
    let stack = Stack::of(&service, "");
    let code = totp_code(&secret, NOW + 120);

    // A phone a minute slow is told so (a fast one never is: its code would be good
    // later). Then no code at all: code-required.
    let behind = totp_code(&secret, NOW + 60);
    let slow = stack.pamtester(&["alice", "authenticate"], &format!("{PASSWORD}\n{behind}\n\n"));
    fails_with(&slow, AUTH_ERR);
    assert!(said(&slow).contains("clock seems about 1 minute behind"), "{}", said(&slow));

    let ok = stack.pamtester(
        &["-Irhost=203.0.113.7", "alice", "authenticate"],
        &format!("{PASSWORD}\n{code}\n"),
    );
    succeeds(&ok, "successfully authenticated");
    assert!(said(&ok).contains("Password: Verification code: "), "{}", said(&ok));
    let detail: String = clinic.sql(
        "SELECT actor || ' ' || coalesce(detail, '') FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1",
    );
    assert!(
        detail.starts_with("pam:clinic2fa-test") && detail.contains("from 203.0.113.7"),
        "{detail}"
    );

    // The same code again: a replay. Wrong codes are asked three times in all.
    fails_with(
        &stack.pamtester(
            &["alice", "authenticate"],
            &format!("{PASSWORD}\n{code}\n{code}\n{code}\n"),
        ),
        AUTH_ERR,
    );
    // No code at all: code-required.
    fails_with(&stack.pamtester(&["alice", "authenticate"], &format!("{PASSWORD}\n\n")), AUTH_ERR);
    fails_with(&stack.pamtester(&["alice", "authenticate"], "not the password\n"), AUTH_ERR);
    fails_with(&stack.pamtester(&["nobody-here", "authenticate"], "not the password\n"), AUTH_ERR);
    // Exempt: the password is everything, and the account phase agrees.
    succeeds(
        &stack.pamtester(&["desk", "authenticate", "acct_mgmt"], &format!("{PASSWORD}\n")),
        "account management done",
    );
    fails_with(&stack.pamtester(&["nobody-here", "acct_mgmt"], ""), USER_UNKNOWN);

    // Where no text can be shown (notext, PAM_SILENT) the prompts still are: the code
    // is asked for, and a wrong one asked again. (The failures above locked alice.)
    clinic.ok(&["user", "unlock", "alice"], None);
    let code = totp_code(&secret, NOW + 150);
    let vpn = Stack::of(&service, "notext");
    let silent =
        vpn.pamtester(&["alice", "authenticate"], &format!("{PASSWORD}\n000000\n{code}\n"));
    succeeds(&silent, "successfully authenticated");
}

#[test]
fn locked_disabled_and_temporary_passwords_answer_as_the_contract_maps_them() {
    let _alone = one_at_a_time();
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "lockout-threshold", "2"], None);
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    clinic.add_user("carol", &[]);
    clinic.ok(&["user", "set-password", "bob", "--password-stdin"], Some("a temporary one 123\n"));
    clinic.ok(&["user", "disable", "carol"], None);
    let service = Service::start(&clinic, &[]);
    let stack = Stack::of(&service, "");

    for _ in 0..2 {
        fails_with(&stack.pamtester(&["alice", "authenticate"], "wrong\n"), AUTH_ERR);
    }
    fails_with(&stack.pamtester(&["alice", "authenticate"], &format!("{PASSWORD}\n")), MAXTRIES);
    fails_with(&stack.pamtester(&["alice", "acct_mgmt"], ""), MAXTRIES);
    fails_with(&stack.pamtester(&["carol", "acct_mgmt"], ""), ACCT_EXPIRED);
    fails_with(&stack.pamtester(&["carol", "authenticate"], &format!("{PASSWORD}\n")), AUTH_ERR);

    // bob came in some other way (an SSH key): the account phase says the password
    // must be replaced, and the password phase replaces it.
    fails_with(&stack.pamtester(&["bob", "acct_mgmt"], ""), NEW_AUTHTOK_REQD);
    let own = "bob's own password 456";
    let changed =
        stack.pamtester(&["bob", "chauthtok"], &format!("a temporary one 123\n{own}\n{own}\n"));
    succeeds(&changed, "authentication token altered successfully");
    succeeds(&stack.pamtester(&["bob", "acct_mgmt"], ""), "account management done");
    succeeds(&stack.pamtester(&["bob", "authenticate"], &format!("{own}\n")), "successfully");
    // A password the person chose is not replaced here.
    let refused = stack.pamtester(&["bob", "chauthtok"], "");
    assert_eq!(refused.status.code(), Some(1), "{}", said(&refused));
    assert!(said(&refused).contains("clinic2fa passwd bob"), "{}", said(&refused));
}

#[test]
fn the_module_holds_no_database_and_no_password_hash() {
    let _alone = one_at_a_time();
    let bytes = std::fs::read(module()).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for linked in [&b"sqlite3_open"[..], b"argon2", b"PQconnect", b"postgres"] {
        assert!(!has(linked), "the module links {}", String::from_utf8_lossy(linked));
    }
    assert!(has(b"pam_sm_authenticate") && has(b"clinic2fa"), "it is the module");
}

#[test]
fn the_service_stopped_refuses_under_secure_and_defers_under_open() {
    let _alone = one_at_a_time();
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let gone = clinic.dir().join("gone.sock");
    let gone = gone.display();
    let secure = Stack::new(&[
        &format!("auth required MODULE socket={gone} timeout=2"),
        "auth required pam_permit.so",
    ]);
    fails_with(&secure.pamtester(&["alice", "authenticate"], "x\n"), AUTHINFO_UNAVAIL);
    let open = Stack::new(&[
        &format!("auth required MODULE socket={gone} failmode=open"),
        "auth required pam_permit.so",
    ]);
    succeeds(&open.pamtester(&["alice", "authenticate"], ""), "successfully authenticated");
    // A service that takes the connection and says nothing: `timeout` seconds, then
    // the same as none at all.
    let quiet = clinic.dir().join("quiet.sock");
    let listener = std::os::unix::net::UnixListener::bind(&quiet).unwrap();
    let held = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
    let slow = Stack::new(&[
        &format!("auth required MODULE socket={} timeout=1", quiet.display()),
        "auth required pam_permit.so",
    ]);
    let started = Instant::now();
    fails_with(&slow.pamtester(&["alice", "authenticate"], "x\n"), AUTHINFO_UNAVAIL);
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited the timeout");
    drop(held.join());
    // A mistyped option fails closed, whatever else it says.
    let typo = Stack::new(&[
        &format!("auth required MODULE socket={gone} failmode=opne"),
        "auth required pam_permit.so",
    ]);
    let out = typo.pamtester(&["alice", "authenticate"], "");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
}

#[test]
fn a_screen_locker_signs_in_its_own_user_only_and_mode_code_is_root_s() {
    let _alone = one_at_a_time();
    let (clinic, secret) = enrolled_clinic();
    clinic.add_user("nobody", &["--2fa", "exempt"]);
    // The service's folder and socket as the unit makes them: others may connect.
    std::fs::set_permissions(clinic.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let service = Service::start_at(&clinic, NOW + 120, &[]);
    let stack = Stack::of(&service, "");
    succeeds(
        &stack.pamtester_as(65534, &["nobody", "authenticate"], &format!("{PASSWORD}\n")),
        "successfully",
    );
    let other = stack.pamtester_as(65534, &["alice", "authenticate"], &format!("{PASSWORD}\n"));
    fails_with(&other, AUTH_ERR);
    assert!(said(&other).contains("named like its own user"), "{}", said(&other));

    // mode=code after pam_permit (standing in for pam_unix): the code alone.
    let socket = service.socket.display();
    let code_only = Stack::new(&[
        "auth required pam_permit.so",
        &format!("auth required MODULE socket={socket} mode=code"),
    ]);
    let code = totp_code(&secret, NOW + 120);
    let ok = code_only.pamtester(&["alice", "authenticate"], &format!("{code}\n"));
    succeeds(&ok, "successfully authenticated");
    assert!(
        said(&ok).contains("Verification code: ") && !said(&ok).contains("Password: "),
        "{}",
        said(&ok)
    );
    let detail: String = clinic.sql(
        "SELECT coalesce(detail, '') FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1",
    );
    assert!(detail.contains("password checked by the PAM stack"), "{detail}");
    let not_root = code_only.pamtester_as(65534, &["nobody", "authenticate"], "123456\n");
    fails_with(&not_root, AUTH_ERR);
    assert!(said(&not_root).contains("root"), "{}", said(&not_root));
}

/// pamtester run with a person at it: what it printed so far, and its stdin.
struct Live {
    child: std::process::Child,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Live {
    /// Both streams into one screen, as a terminal would show them (pamtester
    /// prompts on stderr and shows text on stdout).
    fn start(cmd: &mut Command) -> Live {
        let mut child = cmd.spawn().expect("pamtester");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let streams: [Box<dyn std::io::Read + Send>; 2] =
            [Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
        for mut stream in streams {
            let kept = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    kept.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
        }
        Live { child, seen }
    }

    /// Waits (at most a minute) until the output holds `text` `times` times.
    fn wait_for(&self, text: &str, times: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let now = String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned();
            if now.matches(text).count() >= times {
                return now;
            }
            assert!(Instant::now() < deadline, "never saw {text:?}:\n{now}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
    }

    /// Its exit status and everything it printed.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let screen = String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned();
        (status, screen)
    }
}

#[test]
fn a_bypass_at_a_prompt_that_shows_text_sets_the_app_up_and_one_that_cannot_keeps_it() {
    let _alone = one_at_a_time();
    let (clinic, _) = enrolled_clinic();
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let service = Service::start_at(&clinic, NOW + 120, &[]);
    let stack = Stack::of(&service, "");
    // PAM_SILENT: the application cannot show a QR code. Denied, the bypass kept.
    let silent = stack.pamtester(&["alice", "authenticate(PAM_SILENT)"], &format!("{PASSWORD}\n"));
    fails_with(&silent, AUTH_ERR);
    assert!(clinic.user("alice")["two_factor"]["bypass"].is_object(), "the bypass is kept");
    // `notext` (a VPN plugin that takes text and shows nobody): the same, and the
    // person is told what to do, as an error message such applications pass on.
    let vpn = Stack::of(&service, "notext");
    let told = vpn.pamtester(&["alice", "authenticate"], &format!("{PASSWORD}\n"));
    fails_with(&told, AUTH_ERR);
    assert!(said(&told).contains("clinic2fa enrol alice"), "{}", said(&told));
    assert!(!said(&told).contains("otpauth://"), "{}", said(&told));
    assert!(clinic.user("alice")["two_factor"]["bypass"].is_object(), "the bypass is kept");

    // At a prompt that shows text: the set-up, a code from it, the recovery codes.
    let mut live = stack.live(&["alice", "authenticate"]);
    live.wait_for("Password: ", 1);
    live.type_line(PASSWORD);
    let screen = live.wait_for("Verification code: ", 1);
    let secret = crate::harness::decode_terminal_qr(&screen);
    let secret = secret.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    assert!(screen.contains(&secret.chars().take(4).collect::<String>()), "the key in groups");
    // (pam_wrapper's own notes aside, and the hidden password's Enter, which a pipe
    // does not echo as a terminal would.)
    let shown = screen
        .lines()
        .filter(|l| !l.starts_with("PWRAP_"))
        .map(|l| l.trim_start_matches("Password: "));
    // The otpauth:// link is one word, for copying whole: a terminal wraps it.
    let prose = shown.clone().filter(|l| !l.contains("otpauth://"));
    assert!(prose.clone().all(|l| l.chars().count() <= 80), "fits 80 columns:\n{screen}");
    assert!(shown.clone().count() <= 50, "a screenful or two");
    live.type_line(&totp_code(&secret, NOW + 120));
    let (status, screen) = live.finish();
    assert!(status.success() && screen.contains("successfully authenticated"), "{screen}");
    assert!(screen.to_lowercase().contains("recovery code"), "{screen}");
    assert_eq!(clinic.user("alice")["two_factor"]["bypass"], serde_json::Value::Null);
}

#[test]
fn su_asks_the_clinic_s_password_and_code_in_its_terminal() {
    let _alone = one_at_a_time();
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("nobody", &[]);
    let (secret, _) = clinic.enrol("nobody");
    let service = Service::start_at(&clinic, NOW + 120, &[]);
    // su's own service file, in a folder of the test's (pam_wrapper), no pam_rootok:
    // root typing `su nobody` is asked like anyone.
    let stack = Stack::new(&[]);
    let socket = service.socket.display();
    std::fs::write(
        stack.dir.path().join("su"),
        format!(
            "auth required {m} socket={socket}\naccount required {m} socket={socket}\nsession required pam_permit.so\n",
            m = module().display()
        ),
    )
    .unwrap();
    let mut cmd = crate::terminal::command("/usr/bin/su");
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .env("LD_PRELOAD", "libpam_wrapper.so")
        .env("PAM_WRAPPER", "1")
        .env("PAM_WRAPPER_SERVICE_DIR", stack.dir.path())
        .args(["-s", "/bin/sh", "-c", "echo su let nobody in", "nobody"]);
    let mut su = crate::terminal::Screen::spawn(cmd, 20_000);
    su.expect("Password: ");
    su.type_hidden(PASSWORD);
    su.expect("Verification code: ");
    su.type_hidden(&totp_code(&secret, NOW + 120));
    su.expect("su let nobody in");
    let (code, screen) = su.finish();
    assert_eq!(code, 0, "{screen}");
    let actor: String = clinic.sql(
        "SELECT actor FROM audit_log WHERE action = 'login' AND outcome = 'success' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(actor, "pam:su");
}

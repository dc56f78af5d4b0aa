//! Interactive flows in a pseudo-terminal: hidden password prompts, confirmations.

use std::ffi::OsStr;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::harness::{Clinic, NOW, PASSWORD, decode_terminal_qr, totp_code};

/// The binary in a pseudo-terminal, with the test's database and clock.
fn spawn(clinic: &Clinic, args: &[&str]) -> PtySession {
    spawn_at(clinic, NOW, args)
}

fn spawn_at(clinic: &Clinic, now: i64, args: &[&str]) -> PtySession {
    spawn_with(clinic, now, &[], args)
}

fn spawn_with(clinic: &Clinic, now: i64, env: &[(&str, &str)], args: &[&str]) -> PtySession {
    let mut cmd = command(assert_cmd::cargo::cargo_bin!("clinic2fa"));
    cmd.env_clear()
        .envs(env.iter().copied())
        .env("HOME", clinic.dir())
        .envs(clinic.database_env())
        .env("CLINIC2FA_NOW", now.to_string())
        .env("TERM", "xterm")
        .env("TZ", "UTC0")
        .args(args);
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// `program`, to be started in a pseudo-terminal whose echo is on, as a person's is.
/// rexpect turns echo off before it starts a program: then [`Screen::wait_for_echo_off`]
/// would pass at once, and a test could type between a hidden prompt being shown and
/// the prompt's TCSAFLUSH, which throws away what was typed (a lost line: the program
/// waits for it, and the test times out, only when the machine is busy).
pub(crate) fn command(program: impl AsRef<OsStr>) -> Command {
    terminal_command(program, "echo")
}

/// [`command`] in a terminal of `columns`×`rows`, sized before the program starts, as a
/// real window is.
pub(crate) fn sized_command(program: impl AsRef<OsStr>, columns: u16, rows: u16) -> Command {
    terminal_command(program, &format!("echo cols {columns} rows {rows}"))
}

fn terminal_command(program: impl AsRef<OsStr>, settings: &str) -> Command {
    let mut cmd = Command::new("/bin/sh");
    // The environment is the test's to clear: stty is found by a path of its own.
    let script = format!(r#"PATH=/usr/bin:/bin stty {settings} && exec "$0" "$@""#);
    cmd.arg("-c").arg(script).arg(program);
    cmd
}

/// Everything the terminal showed, so tests can prove a password never echoed.
/// (Also the screen of `ssh` in the sshd tests.)
pub(crate) struct Screen {
    session: PtySession,
    pub(crate) seen: String,
}

impl Screen {
    /// `cmd`, made with [`command`], in a pseudo-terminal; each wait gives up after
    /// `timeout_ms`.
    pub(crate) fn spawn(cmd: Command, timeout_ms: u64) -> Self {
        Screen::new(spawn_command(cmd, Some(timeout_ms)).expect("spawn in a pty"))
    }

    pub(crate) fn new(session: PtySession) -> Self {
        Screen { session, seen: String::new() }
    }

    #[track_caller]
    pub(crate) fn expect(&mut self, needle: &str) {
        match self.session.exp_string(needle) {
            Ok(before) => {
                self.seen.push_str(&before);
                self.seen.push_str(needle);
            }
            Err(e) => panic!("waiting for {needle:?}: {e}\nscreen so far: {:?}", self.seen),
        }
    }

    /// Waits until the program has turned the terminal's echo off. Hidden prompts and
    /// single-key questions switch modes with TCSAFLUSH, which throws away anything
    /// typed before the switch: typing only once echo is off cannot be lost.
    #[track_caller]
    pub(crate) fn wait_for_echo_off(&mut self) {
        use nix::sys::termios::{LocalFlags, tcgetattr};
        let master = self.session.process().get_file_handle().expect("pty handle");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while tcgetattr(&master).expect("termios").local_flags.contains(LocalFlags::ECHO) {
            assert!(std::time::Instant::now() < deadline, "echo never went off: {}", self.seen);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Types at a hidden prompt (a password), once the program is listening.
    pub(crate) fn type_hidden(&mut self, line: &str) {
        self.wait_for_echo_off();
        self.type_line(line);
    }

    /// Answers a single-key question (y/n), once the program is reading keys.
    fn press(&mut self, key: &str) {
        self.expect("[y/N]");
        self.wait_for_echo_off();
        self.session.send(key).expect("type");
        self.session.flush().expect("flush");
    }

    /// Waits for `pattern` and returns the text it matched.
    #[track_caller]
    fn expect_regex(&mut self, pattern: &str) -> String {
        match self.session.exp_regex(pattern) {
            Ok((before, matched)) => {
                self.seen.push_str(&before);
                self.seen.push_str(&matched);
                matched
            }
            Err(e) => panic!("waiting for /{pattern}/: {e}\nscreen so far: {:?}", self.seen),
        }
    }

    pub(crate) fn type_line(&mut self, line: &str) {
        self.session.send_line(line).expect("type");
    }

    /// Waits for the program to end; returns its exit code.
    #[track_caller]
    pub(crate) fn finish(mut self) -> (i32, String) {
        self.seen.push_str(&self.session.exp_eof().expect("program ends"));
        match self.session.process().wait().expect("exit status") {
            WaitStatus::Exited(_, code) => (code, self.seen),
            other => panic!("ended with {other:?}: {}", self.seen),
        }
    }
}

#[test]
fn user_add_and_login_ask_for_a_hidden_password() {
    let clinic = Clinic::new();
    let mut add = Screen::new(spawn(&clinic, &["user", "add", "alice", "--name", "Alice Smith"]));
    add.expect("New password for alice");
    // A weak password is refused at the prompt, with the reason, and asked again.
    add.type_hidden("password1");
    add.expect("commonly used");
    add.expect("New password for alice");
    add.type_hidden(PASSWORD);
    add.expect("Repeat it");
    add.type_hidden(PASSWORD);
    add.expect("Added alice");
    let (code, screen) = add.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");

    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Signed in as alice");
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");
}

#[test]
fn interactive_login_with_a_wrong_password_is_denied() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden("not the password");
    login.expect("sign-in denied");
    assert_eq!(login.finish().0, 3);
}

#[test]
fn remove_asks_first_and_a_no_keeps_the_account() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut no = Screen::new(spawn(&clinic, &["user", "remove", "alice"]));
    no.expect("Remove alice for good?");
    no.press("n");
    no.expect("Nothing removed");
    assert_eq!(no.finish().0, 1);
    clinic.ok(&["user", "show", "alice"], None);

    let mut yes = Screen::new(spawn(&clinic, &["user", "remove", "alice"]));
    yes.expect("Remove alice for good?");
    yes.press("y");
    yes.expect("Removed alice");
    assert_eq!(yes.finish().0, 0);
    clinic.run(&["user", "show", "alice"], None).code(1);
}

#[test]
fn enrol_shows_a_qr_code_asks_for_a_code_and_enrols() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut enrol = Screen::new(spawn(&clinic, &["enrol", "alice"]));
    enrol.expect("Password");
    enrol.type_hidden(PASSWORD);
    enrol.expect("Scan this QR code");
    // At a terminal the QR code is drawn black on white, whatever the theme.
    enrol.expect("\x1b[30;107m");
    let secret = setup_key(&mut enrol);
    assert_eq!(secret.len(), 32, "{secret}");
    enrol.expect("Code shown in the app");
    // A wrong code is refused and asked again; the right one enrols.
    enrol.type_line(&totp_code(&secret, NOW + 3600));
    enrol.expect("does not match");
    enrol.expect("Code shown in the app");
    enrol.type_line(&totp_code(&secret, NOW));
    enrol.expect("Two-factor authentication is on for alice");
    enrol.expect("Recovery codes");
    let (code, screen) = enrol.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(PASSWORD));
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], true);

    // Signing in at a terminal asks for the code after the password.
    let later = NOW + 30;
    let mut login = Screen::new(spawn_at(&clinic, later, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Code from your authenticator app");
    login.type_line(&totp_code(&secret, later));
    login.expect("Signed in as alice");
    assert_eq!(login.finish().0, 0);
}

#[test]
fn enrol_gives_up_after_three_wrong_codes_and_stays_unenrolled() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut enrol = Screen::new(spawn(&clinic, &["enrol", "alice"]));
    enrol.expect("Password");
    enrol.type_hidden(PASSWORD);
    for _ in 0..3 {
        enrol.expect("Code shown in the app");
        enrol.type_line("000000");
    }
    enrol.expect("enrolment not confirmed");
    assert_eq!(enrol.finish().0, 3);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);
}

#[test]
fn no_color_at_a_terminal_draws_the_qr_code_plain() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut enrol =
        Screen::new(spawn_with(&clinic, NOW, &[("NO_COLOR", "1")], &["enrol", "alice"]));
    enrol.expect("Password");
    enrol.type_hidden(PASSWORD);
    enrol.expect("Scan this QR code");
    enrol.expect_regex(r"key:\s+[A-Z2-7]{4}");
    assert!(!enrol.seen.contains("\x1b[30;107m"), "NO_COLOR must turn the colours off");
    enrol.expect("Code shown in the app");
    enrol.session.send_control('c').expect("interrupt");
}

/// Reads the setup key off the screen, without its spaces.
fn setup_key(screen: &mut Screen) -> String {
    let key = screen.expect_regex(r"key:\s+[A-Z2-7]{4}( [A-Z2-7]{4}){7}");
    key.trim_start_matches("key:").split_whitespace().collect()
}

#[test]
fn login_when_2fa_is_required_goes_through_enrolment_and_then_signs_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Two-factor authentication is required for alice");
    login.expect("Scan this QR code");
    let secret = setup_key(&mut login);
    login.expect("Code shown in the app");
    login.type_line(&totp_code(&secret, NOW));
    login.expect("Recovery codes");
    login.expect("Signed in as alice");
    assert_eq!(login.finish().0, 0);
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], true);
    assert_eq!(user["last_login_at"], "2026-11-27T17:00:00Z");
}

#[test]
fn login_when_2fa_is_required_and_enrolment_fails_is_not_signed_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    for _ in 0..3 {
        login.expect("Code shown in the app");
        login.type_line("000000");
    }
    login.expect("must set up two-factor authentication first");
    assert_eq!(login.finish().0, 5);
    assert_eq!(clinic.user("alice")["last_login_at"], serde_json::Value::Null);
}

#[test]
fn a_bypass_login_at_a_terminal_goes_straight_into_enrolment() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    let (old, _) = clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let at = NOW + 60;
    let mut login = Screen::new(spawn_at(&clinic, at, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    // No code is asked for: the bypass stands in for it, once, and the person is
    // told so before the set-up, not after it.
    login.expect("alice is signing in with the one-time bypass an admin granted");
    login.expect("Scan this QR code");
    let secret = setup_key(&mut login);
    assert_ne!(secret, old);
    login.expect("Code shown in the app");
    login.type_line(&totp_code(&secret, at));
    login.expect("Signed in as alice");
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(screen.matches("one-time").count(), 1, "said once, at the start: {screen}");
    let user = clinic.user("alice");
    assert_eq!(user["two_factor"]["enrolled"], true);
    assert_eq!(user["two_factor"]["bypass"], serde_json::Value::Null);
    assert_eq!(user["two_factor"]["policy"], "required");
}

#[test]
fn a_temporary_password_is_replaced_at_the_first_login_which_then_signs_in() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(
        &["user", "set-password", "alice", "--password-stdin"],
        Some("temporary passphrase 1\n"),
    );
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden("temporary passphrase 1");
    login.expect("choose your own now");
    login.expect("New password for alice");
    login.type_hidden("alice's very own passphrase");
    login.expect("Repeat it");
    login.type_hidden("alice's very own passphrase");
    login.expect("Signed in as alice");
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("very own"), "echoed: {screen}");
    clinic.login("alice", "temporary passphrase 1", &[]).code(3);
    clinic.login("alice", "alice's very own passphrase", &[]).code(0);
}

#[test]
fn a_terminal_that_reports_no_width_still_gets_readable_tables() {
    // rexpect's pseudo-terminals start with no size set (0 columns).
    let clinic = Clinic::new();
    let mut show = Screen::new(spawn(&clinic, &["clinic", "show"]));
    show.expect("lockout-threshold");
    let (code, screen) = show.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("lockout-minutes") && screen.contains("Clinic"), "{screen}");
}

#[test]
fn password_stdin_on_a_terminal_is_refused_before_anything_is_typed() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut login = Screen::new(spawn(&clinic, &["login", "alice", "--password-stdin"]));
    login.expect("stdin is a terminal");
    let (code, screen) = login.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("leave out --password-stdin"), "{screen}");
}

fn failed_logins(clinic: &Clinic) -> i64 {
    clinic.sql("SELECT failed_logins FROM accounts WHERE username = 'alice'")
}

#[test]
fn setting_up_at_login_counts_wrong_codes_and_a_confirmed_set_up_resets_the_count() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    clinic.login("alice", "a wrong guess", &[]).code(3);
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    let secret = setup_key(&mut login);
    login.expect("Code shown in the app");
    login.type_line(&totp_code(&secret, NOW + 3600));
    login.expect("does not match");
    login.expect("Code shown in the app");
    // Two failures now: the wrong password and the wrong code.
    assert_eq!(failed_logins(&clinic), 2);
    login.type_line(&totp_code(&secret, NOW));
    login.expect("Signed in as alice");
    assert_eq!(login.finish().0, 0);
    assert_eq!(failed_logins(&clinic), 0, "a confirmed set-up at login is a whole sign-in");
}

#[test]
fn a_temporary_password_replaced_at_login_is_kept_through_set_up() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--2fa", "required"]);
    clinic.ok(
        &["user", "set-password", "alice", "--password-stdin"],
        Some("temporary passphrase 1\n"),
    );
    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden("temporary passphrase 1");
    login.expect("New password for alice");
    login.type_hidden("alice's very own passphrase");
    login.expect("Repeat it");
    login.type_hidden("alice's very own passphrase");
    let secret = setup_key(&mut login);
    login.expect("Code shown in the app");
    login.type_line(&totp_code(&secret, NOW));
    login.expect("Signed in as alice");
    assert_eq!(login.finish().0, 0);
    let code = totp_code(&secret, NOW + 30);
    clinic.login_at("alice", NOW + 30, &[]).code(3);
    let args = ["--json", "login", "alice", "--password-stdin", "--code", &code];
    clinic.at(NOW + 30, &args, Some("alice's very own passphrase")).code(0);
}

#[test]
fn a_recovery_code_from_dash_is_asked_for_without_echo_at_a_terminal() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (_, codes) = clinic.enrol("alice");
    let mut login = Screen::new(spawn(&clinic, &["login", "alice", "--recovery-code", "-"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Recovery code");
    login.type_hidden(&codes[2]);
    login.expect("Signed in as alice");
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&codes[2]), "the recovery code was echoed: {screen}");
}

#[test]
fn a_used_recovery_code_at_the_prompt_is_said_to_be_one_not_the_app_s_code() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    clinic.login_at("alice", NOW, &["--recovery-code", &codes[0]]).code(0);
    let at = NOW + 60;
    let mut login = Screen::new(spawn_at(&clinic, at, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Code from your authenticator app");
    login.type_hidden(&codes[0]);
    login.expect("That recovery code is wrong or was already used: each works once.");
    login.expect("Code from your authenticator app");
    login.type_hidden(&totp_code(&secret, at));
    login.expect("Signed in as alice");
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("That code does not match"), "{screen}");
}

#[test]
fn a_login_at_a_terminal_gives_three_tries_at_the_code_and_counts_each_wrong_one() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 60;
    let wrong = if totp_code(&secret, at) == "000000" { "111111" } else { "000000" };
    let mut login = Screen::new(spawn_at(&clinic, at, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    for _ in 0..3 {
        login.expect("Code from your authenticator app");
        login.type_line(wrong);
    }
    login.expect("wrong or already used code");
    assert_eq!(login.finish().0, 3);
    assert_eq!(failed_logins(&clinic), 3);

    let mut login = Screen::new(spawn_at(&clinic, at, &["login", "alice"]));
    login.expect("Password");
    login.type_hidden(PASSWORD);
    login.expect("Code from your authenticator app");
    login.type_line(wrong);
    login.expect("does not match");
    login.expect("Code from your authenticator app");
    login.type_line(&totp_code(&secret, at));
    login.expect("Signed in as alice");
    assert_eq!(login.finish().0, 0);
    assert_eq!(failed_logins(&clinic), 0);
}

/// The binary in a pseudo-terminal of `columns`×`rows`.
fn spawn_sized(clinic: &Clinic, columns: u16, rows: u16, args: &[&str]) -> PtySession {
    let mut cmd = sized_command(assert_cmd::cargo::cargo_bin!("clinic2fa"), columns, rows);
    cmd.env_clear()
        .env("HOME", clinic.dir())
        .envs(clinic.database_env())
        .env("CLINIC2FA_NOW", NOW.to_string())
        .env("TERM", "xterm")
        .env("TZ", "UTC0")
        .args(args);
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// What a `columns`×`rows` terminal shows after everything the program wrote so far:
/// the bytes replayed through a terminal emulator, the visible rows as text.
pub(crate) fn visible(screen: &Screen, columns: u16, rows: u16) -> Vec<String> {
    replay(&screen.seen, columns, rows)
}

/// `output` as rexpect read it, replayed through a `columns`×`rows` terminal.
pub(crate) fn replay(output: &str, columns: u16, rows: u16) -> Vec<String> {
    // rexpect hands the bytes over one char per byte.
    let bytes: Vec<u8> =
        output.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    let size = |n: u16| std::num::NonZero::new(n).expect("a terminal has a size");
    let mut parser = vt100::Parser::new(size(rows), size(columns), 0);
    parser.process(&bytes);
    parser.screen().rows(0, columns).collect()
}

/// The key as the screen shows it, groups joined: the groups start where they start
/// on the `key:` line, and go on on the lines under it.
fn key_on(shown: &[String]) -> String {
    let at = shown.iter().position(|l| l.contains("key:")).expect("a key line");
    let first = &shown[at];
    let start = first[..first.find("key:").unwrap()].chars().count() + "key:".len();
    let start = start + first.chars().skip(start).take_while(|c| *c == ' ').count();
    let mut key = String::new();
    for line in &shown[at..] {
        let groups: String = line.chars().skip(start).collect();
        let groups: Vec<&str> = groups.split_whitespace().collect();
        let is_key = |g: &&str| {
            g.len() == 4 && g.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        };
        if groups.is_empty() || !groups.iter().all(is_key) {
            break;
        }
        key.push_str(&groups.concat());
    }
    key
}

/// Enrols alice at a terminal of this size, for a clinic of this name: what the
/// screen shows at the prompt, then the enrolment finished with a code.
fn enrolment_screen(name: &str, columns: u16, rows: u16) -> Vec<String> {
    let clinic = Clinic::uninitialised();
    clinic.ok(&["init", "--name", name], None);
    clinic.add_user("alice", &[]);
    let mut enrol = Screen::new(spawn_sized(&clinic, columns, rows, &["enrol", "alice"]));
    enrol.expect("Password");
    enrol.type_hidden(PASSWORD);
    enrol.expect("Code shown in the app");
    let shown = visible(&enrol, columns, rows);
    let screen = shown.join("\n");
    assert!(
        shown
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap()
            .starts_with("Code shown in the app"),
        "{screen}"
    );
    assert!(screen.contains(&format!("account: {name}: alice")), "{screen}");
    let key = key_on(&shown);
    assert_eq!(key.len(), 32, "the whole key, in whole groups of four:\n{screen}");
    enrol.type_line(&totp_code(&key, NOW));
    // (At 40 columns the line wraps after "for".)
    enrol.expect("Two-factor authentication is on for");
    assert_eq!(enrol.finish().0, 0);
    shown
}

/// The QR code on the screen (not in the scroll-back) decodes to exactly the URI: by
/// rqrr, and by zbarimg (a real scanner's library) from a picture of the screen.
fn assert_the_code_on_screen_is_the_uri(shown: &[String], issuer: &str) {
    let screen = shown.join("\n");
    let key = key_on(shown);
    let uri = format!("otpauth://totp/{issuer}:alice?secret={key}&issuer={issuer}");
    assert_eq!(decode_terminal_qr(&screen), uri, "{screen}");
    assert_eq!(zbarimg_of_screen(shown), format!("QR-Code:{uri}"), "{screen}");
}

/// The screen as a picture (each cell 4×8 pixels, blocks dark, everything else light,
/// nothing added around it), decoded by zbarimg. CI installs zbar-tools before the
/// tests; elsewhere: `apt-get install zbar-tools`.
fn zbarimg_of_screen(shown: &[String]) -> String {
    let (cell_w, cell_h) = (4, 8);
    let columns = shown.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let (w, h) = (columns * cell_w, shown.len() * cell_h);
    let mut pixels = vec![255u8; w * h];
    for (row, line) in shown.iter().enumerate() {
        for (col, c) in line.chars().enumerate() {
            let (top, bottom) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            for y in 0..cell_h {
                let dark = if y < cell_h / 2 { top } else { bottom };
                if dark {
                    for x in 0..cell_w {
                        pixels[(row * cell_h + y) * w + col * cell_w + x] = 0;
                    }
                }
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("screen.pgm");
    let mut image = format!("P5\n{w} {h}\n255\n").into_bytes();
    image.extend(pixels);
    std::fs::write(&path, image).unwrap();
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--nodbus"])
        .arg(&path)
        .output()
        .expect("zbarimg (apt-get install zbar-tools)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn at_80_by_24_the_whole_qr_code_the_account_the_key_and_the_prompt_share_the_screen() {
    let shown = enrolment_screen("Clinic", 80, 24);
    assert_the_code_on_screen_is_the_uri(&shown, "Clinic");
    let shown = enrolment_screen("Sunny Vale Clinic", 80, 24);
    assert_the_code_on_screen_is_the_uri(&shown, "Sunny%20Vale%20Clinic");
    // Nothing on the screen is the tail of a line that scrolled off (half a link), even
    // for a long name, whose code is bigger.
    let shown = enrolment_screen("Sunny Vale Community Health Centre", 80, 24);
    for shown in [&shown, &enrolment_screen("Sunny Vale Clinic", 80, 24)] {
        // A wrapped line's rows, joined, are the line: the link is there whole, or not
        // at all.
        let joined: String = shown.concat();
        if joined.contains("secret=") {
            let link = joined.split("otpauth://").nth(1).expect("the link's start is on screen");
            assert!(link.contains("secret=") && link.contains("issuer="), "a cut link: {shown:#?}");
        }
    }
}

#[test]
fn at_40_by_24_a_code_that_fits_is_shown_and_one_that_does_not_is_explained() {
    // A short URI makes a code 37 columns wide: it fits, with the key under it.
    let shown = enrolment_screen("Clinic", 40, 24);
    assert_the_code_on_screen_is_the_uri(&shown, "Clinic");
    // A longer one does not: no code, one line saying why, the key in whole groups.
    let shown = enrolment_screen("Sunny Vale Clinic", 40, 24);
    let screen = shown.join("\n");
    assert!(!screen.contains(['█', '▀', '▄']), "{screen}");
    assert!(screen.contains("No QR code: it needs a terminal of"), "{screen}");
}

#[test]
fn user_list_at_40_columns_never_splits_a_word() {
    let clinic = Clinic::new();
    clinic.add_user("admin1", &["--role", "admin", "--name", "Dr Alexandra Montgomery-Smythe"]);
    clinic.add_user("receptionist.front", &["--2fa", "exempt"]);
    let list = Screen::new(spawn_sized(&clinic, 40, 24, &["user", "list"]));
    let (code, output) = list.finish();
    assert_eq!(code, 0);
    let shown = replay(&output, 40, 24);
    let screen = shown.join("\n");
    for word in ["admin1", "receptionist.front", "clinic-default", "Montgomery-Smythe", "exempt"] {
        assert!(screen.contains(word), "{word:?} is split or missing:\n{screen}");
    }
    assert!(shown.iter().all(|l| l.chars().count() <= 40), "{screen}");
}

#[test]
fn within_the_grace_a_terminal_sign_in_offers_set_up_and_lets_it_be_put_off() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "enrol-grace-days", "7"], None);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let mut later = Screen::new(spawn(&clinic, &["login", "alice"]));
    later.expect("Password");
    later.type_hidden(PASSWORD);
    later.expect("set up an authenticator app before 2026-12-04 17:00 +00:00");
    later.press("n");
    later.expect("Signed in as alice");
    assert_eq!(later.finish().0, 0);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], false);

    let mut now = Screen::new(spawn(&clinic, &["login", "alice"]));
    now.expect("Password");
    now.type_hidden(PASSWORD);
    now.press("y");
    let secret = setup_key(&mut now);
    now.expect("Code shown in the app");
    now.type_line(&totp_code(&secret, NOW));
    now.expect("Recovery codes");
    now.expect("Signed in as alice");
    assert_eq!(now.finish().0, 0);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], true);
}

#[test]
fn a_long_import_shows_progress_at_a_terminal_and_nothing_in_a_pipe() {
    let clinic = Clinic::new();
    let mut csv = String::from("username,name,password\n");
    for i in 0..40 {
        csv.push_str(&format!("staff{i},Staff {i},{PASSWORD}\n"));
    }
    let file = clinic.dir().join("staff.csv");
    std::fs::write(&file, &csv).unwrap();
    let mut import = Screen::new(spawn(&clinic, &["user", "import", file.to_str().unwrap()]));
    import.expect("hashing passwords");
    let (code, screen) = import.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("/40"), "a count out of the rows: {screen}");

    let again = Clinic::new();
    std::fs::write(again.dir().join("staff.csv"), &csv).unwrap();
    let piped =
        again.ok(&["user", "import", again.dir().join("staff.csv").to_str().unwrap()], None);
    assert!(!piped.stderr().contains("hashing"), "{}", piped.stderr());
    assert_eq!(again.json(&["user", "list"], None).as_array().unwrap().len(), 40);
}

#[test]
fn db_copy_counts_its_rows_at_a_terminal() {
    if crate::harness::engine() == crate::harness::Engine::Postgres {
        return; // the copy goes to a new SQLite file here
    }
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let to = clinic.dir().join("copy.db");
    let mut copy = Screen::new(spawn(&clinic, &["db", "copy", "--to", to.to_str().unwrap()]));
    copy.expect("copying rows: ");
    copy.expect("Copied");
    assert_eq!(copy.finish().0, 0);
    let piped =
        clinic.ok(&["db", "copy", "--to", clinic.dir().join("again.db").to_str().unwrap()], None);
    assert!(!piped.stderr().contains("copying rows"), "{}", piped.stderr());
}

#[test]
fn key_rotate_shows_its_stages_at_a_terminal_and_nothing_in_a_pipe() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut rotate = Screen::new(spawn(&clinic, &["key", "rotate"]));
    // A stage's name and the count (a terminal redraws at most 20 times a second, so
    // which stages are drawn depends on the machine's speed).
    rotate.expect_regex(r"(checking every seal|re-encrypting|re-sealing)[^:]*: [1-4]/4");
    let (code, screen) = rotate.finish();
    assert_eq!(code, 0, "{screen}");
    let piped = clinic.ok(&["key", "rotate"], None);
    assert!(!piped.stderr().contains("re-sealing"), "{}", piped.stderr());
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn at_80_columns_user_list_and_audit_keep_policy_and_action_names_whole() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &["--name", "Dr Alexandra Montgomery-Smythe"]);
    clinic.add_user("receptionist", &["--name", "Sam Lee", "--2fa", "exempt"]);
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    clinic.enrol("receptionist");
    clinic.ok(&["user", "set-role", "receptionist", "admin"], None);
    for (args, words) in [
        (&["user", "list"][..], &["clinic-default", "exempt"][..]),
        (
            &["audit", "--limit", "8"][..],
            &["user.grant-bypass", "enrol.confirm", "user.set-role"][..],
        ),
    ] {
        let screen = Screen::new(spawn_sized(&clinic, 80, 24, args));
        let (code, output) = screen.finish();
        assert_eq!(code, 0, "{output}");
        // The whole output as an 80-column terminal draws it (a tall one: every row).
        let shown = replay(&output, 80, 200);
        let text = shown.join("\n");
        for word in words {
            assert!(text.contains(word), "{word} not whole at 80 columns:\n{text}");
        }
        assert!(shown.iter().all(|l| l.chars().count() <= 80), "{text}");
    }
}

/// What the program printed, run at a terminal of `columns`, as that terminal's rows.
fn shown_at(clinic: &Clinic, columns: u16, args: &[&str]) -> Vec<String> {
    let (code, output) = Screen::new(spawn_sized(clinic, columns, 24, args)).finish();
    assert!(code == 0 || code == 2, "{output}");
    replay(&output, columns, 400).into_iter().map(|l| l.trim_end().to_owned()).collect()
}

#[test]
fn at_80_columns_prose_wraps_at_words_and_no_word_of_the_wide_output_is_split() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    for args in
        [&["user", "explain", "alice"][..], &["clinic", "require-2fa", "on", "--dry-run"][..]]
    {
        let wide = shown_at(&clinic, 200, args);
        let narrow = shown_at(&clinic, 80, args);
        let words: Vec<&str> = wide.iter().flat_map(|l| l.split_whitespace()).collect();
        let narrow_words: Vec<&str> = narrow.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(narrow_words, words, "{args:?}: a word was split at 80:\n{}", narrow.join("\n"));
        assert!(narrow.iter().all(|l| l.chars().count() <= 80), "{}", narrow.join("\n"));
    }
}

#[test]
fn report_counts_the_accounts_it_reads_at_a_terminal() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let mut report = Screen::new(spawn(&clinic, &["report"]));
    report.expect("reading accounts: ");
    let (code, screen) = report.finish();
    assert_eq!(code, 0, "{screen}");
    let piped = clinic.ok(&["report"], None);
    assert!(!piped.stderr().contains("reading accounts"), "{}", piped.stderr());
}

/// The tests' terminal starts as a person's does, echo on, so that typing at a hidden
/// prompt waits until the program listens (see [`command`]); with rexpect's own start,
/// echo off, a line typed between the prompt and its TCSAFLUSH was lost.
#[test]
fn the_test_terminal_starts_with_echo_on_as_a_person_s_does() {
    let mut cmd = command("/usr/bin/stty");
    cmd.env_clear().arg("-a");
    let (code, settings) = Screen::spawn(cmd, 20_000).finish();
    assert_eq!(code, 0, "{settings}");
    let flags: Vec<&str> = settings.split_whitespace().collect();
    assert!(flags.contains(&"echo") && !flags.contains(&"-echo"), "{settings}");
}

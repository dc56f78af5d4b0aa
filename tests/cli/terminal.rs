//! Interactive flows in a pseudo-terminal: hidden password prompts, confirmations.

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::harness::{Clinic, NOW, PASSWORD};

/// The binary in a pseudo-terminal, with the test's database and clock.
fn spawn(clinic: &Clinic, args: &[&str]) -> PtySession {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("clinic2fa"));
    cmd.env_clear()
        .env("HOME", clinic.dir())
        .env("CLINIC2FA_DB", clinic.db())
        .env("CLINIC2FA_NOW", NOW.to_string())
        .env("TERM", "xterm")
        .args(args);
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// Everything the terminal showed, so tests can prove a password never echoed.
struct Screen {
    session: PtySession,
    seen: String,
}

impl Screen {
    fn new(session: PtySession) -> Self {
        Screen { session, seen: String::new() }
    }

    #[track_caller]
    fn expect(&mut self, needle: &str) {
        match self.session.exp_string(needle) {
            Ok(before) => {
                self.seen.push_str(&before);
                self.seen.push_str(needle);
            }
            Err(e) => panic!("waiting for {needle:?}: {e}\nscreen so far: {:?}", self.seen),
        }
    }

    /// Answers a single-key question (y/n). The program reads keys in raw mode, which
    /// it enters just after drawing the question; a key typed before that is flushed
    /// away by the terminal, so give it a moment.
    fn press(&mut self, key: &str) {
        self.expect("[y/N]");
        std::thread::sleep(std::time::Duration::from_millis(300));
        self.session.send(key).expect("type");
        self.session.flush().expect("flush");
    }

    fn type_line(&mut self, line: &str) {
        self.session.send_line(line).expect("type");
    }

    /// Waits for the program to end; returns its exit code.
    #[track_caller]
    fn finish(mut self) -> (i32, String) {
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
    add.type_line("password1");
    add.expect("commonly used");
    add.expect("New password for alice");
    add.type_line(PASSWORD);
    add.expect("Repeat it");
    add.type_line(PASSWORD);
    add.expect("Added alice");
    let (code, screen) = add.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");

    let mut login = Screen::new(spawn(&clinic, &["login", "alice"]));
    login.expect("Password");
    login.type_line(PASSWORD);
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
    login.type_line("not the password");
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

//! A real `sshd` on a loopback port, its PAM stack `pam_clinic2fa.so` (under
//! pam_wrapper: its `sshd` service file lives in the test's temp dir), and a real
//! `ssh` in a pseudo-terminal of 80×24 typing at its prompts. The account is the
//! machine's `nobody` (whose shell, nologin, says "This account is currently not
//! available." once a login got through), so no user is made or left behind.
//! sshd must start as root: elsewhere these tests say so and pass without running.

use std::io::{BufRead as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::harness::{Clinic, NOW, PASSWORD, decode_terminal_qr, totp_code};
use crate::service::Service;
use crate::terminal::Screen;

/// What nologin prints once sshd let the person in.
const LET_IN: &str = "This account is currently not available.";

struct Sshd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    log: Arc<Mutex<Vec<String>>>,
}

impl Sshd {
    /// sshd with keyboard-interactive only, its PAM stack the module's three phases
    /// on `socket`. `None` (said once) when not root.
    fn start(socket: &std::path::Path) -> Option<Sshd> {
        if !nix::unistd::geteuid().is_root() {
            crate::harness::skip(
                "the sshd tests were SKIPPED: sshd starts only as root",
                "CI=true but not root: sshd cannot start",
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("pam")).unwrap();
        let module = crate::pam::module().display().to_string();
        let socket = socket.display();
        std::fs::write(
            d.join("pam/sshd"),
            format!(
                "auth required {module} socket={socket}\naccount required {module} socket={socket}\npassword required {module} socket={socket}\nsession required pam_permit.so\n"
            ),
        )
        .unwrap();
        let keygen = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(d.join("hostkey"))
            .status()
            .expect("ssh-keygen (apt install openssh-server)");
        assert!(keygen.success());
        // sshd's privilege-separation folder, made by its package's unit elsewhere.
        std::fs::create_dir_all("/run/sshd").unwrap();
        for _ in 0..10 {
            let port =
                std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let config = d.join("sshd_config");
            std::fs::write(
                &config,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nUsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\nPubkeyAuthentication no\nAuthenticationMethods keyboard-interactive\nStrictModes no\n",
                    d.join("hostkey").display(),
                    d.join("sshd.pid").display()
                ),
            )
            .unwrap();
            let mut child = Command::new("/usr/sbin/sshd")
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .env_clear()
                .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .env("LD_PRELOAD", "libpam_wrapper.so")
                .env("PAM_WRAPPER", "1")
                .env("PAM_WRAPPER_SERVICE_DIR", d.join("pam"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("sshd (apt install openssh-server)");
            let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
            let mut seen = Vec::new();
            let listening = loop {
                match lines.next() {
                    Some(Ok(line)) if line.contains("Server listening") => break true,
                    Some(Ok(line)) => seen.push(line),
                    _ => break false,
                }
            };
            if !listening {
                let _ = child.wait();
                assert!(seen.iter().any(|l| l.contains("in use")), "sshd did not start: {seen:?}");
                continue; // the port was taken meanwhile: another one
            }
            let log = Arc::new(Mutex::new(seen));
            let kept = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    kept.lock().unwrap().push(line);
                }
            });
            return Some(Sshd { child, port, dir, log });
        }
        panic!("no free loopback port for sshd in ten tries");
    }

    /// `ssh nobody@127.0.0.1` in an 80×24 pseudo-terminal, one keyboard-interactive
    /// try, nothing of the machine's ~/.ssh read.
    fn ssh(&self) -> Screen {
        let mut cmd = crate::terminal::sized_command("/usr/bin/ssh", 80, 24);
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.dir.path())
            // The client's locale: ssh shows the QR code's block characters only
            // under a UTF-8 one (see the README).
            .env("LANG", "C.UTF-8")
            .env("TERM", "xterm")
            .args(["-F", "/dev/null", "-o", "StrictHostKeyChecking=no"])
            .args(["-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"])
            .args([
                "-o",
                "NumberOfPasswordPrompts=1",
                "-o",
                "PreferredAuthentications=keyboard-interactive",
            ])
            // A login session, as a person's is (sshd shows what PAM said after the
            // last prompt, the recovery codes, only at a login: not before a
            // command, as it leaves out the message of the day there).
            .args(["-tt", "-p", &self.port.to_string(), "nobody@127.0.0.1"]);
        Screen::spawn(cmd, 30_000)
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let _ = writeln!(std::io::stderr(), "sshd said: {:#?}", self.log.lock().unwrap());
        }
    }
}

/// `nobody`'s clinic account, required to use 2FA (clinic-wide).
fn clinic_of_nobody() -> Clinic {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("nobody", &[]);
    clinic
}

/// Signs in at ssh's prompts, reading the set-up off the screen when one is shown
/// (`set_up`), answering the code with `code` (given the secret shown, if any).
fn sign_in(sshd: &Sshd, set_up: bool, code: impl FnOnce(Option<&str>) -> String) -> (i32, String) {
    let mut ssh = sshd.ssh();
    ssh.expect("Password: ");
    ssh.type_hidden(PASSWORD);
    ssh.expect("Verification code: ");
    let secret = set_up.then(|| {
        // Off the screen as an 80×24 terminal shows it now, not the scroll-back.
        let shown = crate::terminal::visible(&ssh, 80, 24).join("\n");
        let uri = decode_terminal_qr(&shown);
        uri.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_owned()
    });
    ssh.type_hidden(&code(secret.as_deref()));
    ssh.finish()
}

#[test]
fn ssh_asks_the_password_and_the_code_and_refuses_a_wrong_code() {
    let _alone = crate::pam::one_at_a_time();
    let clinic = clinic_of_nobody();
    let (secret, _) = clinic.enrol("nobody");
    let service = Service::start_at(&clinic, NOW + 120, &[]);
    let Some(sshd) = Sshd::start(&service.socket) else { return };

    let (code, screen) = sign_in(&sshd, false, |_| totp_code(&secret, NOW + 120));
    assert!(screen.contains(LET_IN) && code != 255, "{screen}");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");
    let actor: String = clinic.sql(
        "SELECT actor FROM audit_log WHERE action = 'login' AND outcome = 'success' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(actor, "pam:sshd");

    let mut ssh = sshd.ssh();
    ssh.expect("Password: ");
    ssh.type_hidden(PASSWORD);
    for _ in 0..3 {
        ssh.expect("Verification code: ");
        ssh.type_hidden("000000");
    }
    let (code, screen) = ssh.finish();
    assert_eq!(code, 255, "{screen}");
    assert!(screen.contains("Permission denied") && !screen.contains(LET_IN), "{screen}");
    assert!(screen.contains("That code does not match"), "{screen}");
}

#[test]
fn ssh_sets_up_the_app_at_its_prompt_and_again_after_a_bypass() {
    let _alone = crate::pam::one_at_a_time();
    let clinic = clinic_of_nobody();
    let socket = clinic.dir().join("pam.sock");
    let service = Service::start_on(&clinic, NOW + 120, &socket, &[]);
    let Some(sshd) = Sshd::start(&socket) else { return };

    // Required and not enrolled: the QR code, read off ssh's 80×24 screen, then a
    // code from it, then the recovery codes.
    let mut first = String::new();
    let (code, screen) = sign_in(&sshd, true, |secret| {
        first = secret.expect("a set-up shown").to_owned();
        totp_code(&first, NOW + 120)
    });
    assert!(screen.contains(LET_IN) && code != 255, "{screen}");
    assert!(screen.to_lowercase().contains("recovery code"), "{screen}");
    assert_eq!(clinic.user("nobody")["two_factor"]["enrolled"], true);

    // Lost phone: the admin's bypass; at the next login the set-up follows at once.
    clinic.ok(&["user", "grant-bypass", "nobody"], None);
    drop(service);
    // (A service pinned ten minutes on: the first set-up's step is used.)
    let service = Service::start_on(&clinic, NOW + 600, &socket, &[]);
    let mut second = String::new();
    let (code, screen) = sign_in(&sshd, true, |secret| {
        second = secret.expect("a new set-up").to_owned();
        totp_code(&second, NOW + 600)
    });
    assert!(screen.contains(LET_IN) && code != 255, "{screen}");
    assert_ne!(first, second, "a new secret");
    assert_eq!(clinic.user("nobody")["two_factor"]["bypass"], serde_json::Value::Null);
    drop(service);
}

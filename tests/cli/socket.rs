//! The service's Unix socket, spoken to as the PAM module will: one JSON line at a
//! time (clinic2fa_protocol), by root and by another user (setpriv).

use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::net::UnixStream;
use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::service::Service;

const STEP: i64 = 30;

/// What the module was told: the asks' prompts and the shown texts in order, and the
/// `done`.
struct Transcript {
    prompts: Vec<String>,
    shown: Vec<(String, bool)>,
    done: Value,
}

/// A conversation on `socket`: `begin`, then `answers` to the asks in turn (the
/// function of what was shown so far gives each).
fn converse(
    socket: &Path,
    begin: Value,
    mut answer: impl FnMut(&str, &[(String, bool)]) -> String,
) -> Transcript {
    let stream = UnixStream::connect(socket).expect("the service's socket");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    let mut write = stream.try_clone().unwrap();
    writeln!(write, "{}", json!({"v": 1, "begin": begin})).unwrap();
    let mut lines = BufReader::new(stream).lines();
    let mut transcript = Transcript { prompts: Vec::new(), shown: Vec::new(), done: Value::Null };
    loop {
        let line = lines.next().expect("a line before done").unwrap();
        let message: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(message["v"], 1, "{line}");
        if let Some(ask) = message.get("ask") {
            let prompt = ask["prompt"].as_str().unwrap().to_owned();
            assert_eq!(ask["echo"], false);
            let typed = answer(&prompt, &transcript.shown);
            transcript.prompts.push(prompt);
            writeln!(write, "{}", json!({"v": 1, "answer": typed})).unwrap();
        } else if let Some(show) = message.get("show") {
            let text = show["text"].as_str().unwrap().to_owned();
            transcript.shown.push((text, show["error"] == true));
        } else {
            transcript.done = message["done"].clone();
            assert!(lines.next().is_none(), "nothing after done");
            return transcript;
        }
    }
}

fn sshd(username: &str) -> Value {
    json!({"username": username, "service": "sshd", "rhost": "203.0.113.7", "can_show_text": true})
}

#[test]
fn a_password_and_a_code_sign_in_with_the_exact_prompts_and_the_trail_names_pam() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let at = NOW + 4 * STEP;
    let service = Service::start_at(&clinic, at, &[]);
    let code = totp_code(&secret, at);
    let talk = converse(&service.socket, sshd("alice"), |prompt, _| match prompt {
        "Password: " => PASSWORD.to_owned(),
        _ => code.clone(),
    });
    assert_eq!(talk.prompts, ["Password: ", "Verification code: "]);
    assert_eq!(talk.done, json!({"result": "success", "pam": "success"}));
    let trail = clinic.json(&["audit", "--user", "alice"], None);
    let last = trail.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "pam:sshd");
    assert_eq!(last["detail"], "totp, device phone, from 203.0.113.7");
    // The same code again: asked, refused (three tries), and counted.
    let again = converse(&service.socket, sshd("alice"), |prompt, _| match prompt {
        "Password: " => PASSWORD.to_owned(),
        _ => code.clone(),
    });
    assert_eq!(again.done["reason"], "invalid-code", "{}", again.done);
    assert_eq!(again.done["pam"], "auth_err");
    assert_eq!(again.prompts.len(), 4, "the password, then three tries at the code");
    assert!(again.shown.iter().all(|(_, error)| *error));
}

#[test]
fn wrong_password_locked_and_temporary_password_map_to_their_pam_results() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set", "lockout-threshold", "2"], None);
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    clinic.ok(&["user", "set-password", "bob", "--password-stdin"], Some("a temporary one 123\n"));
    let service = Service::start(&clinic, &[]);
    let wrong = |_: &str, _: &[(String, bool)]| "not the password".to_owned();
    let talk = converse(&service.socket, sshd("alice"), wrong);
    assert_eq!(talk.prompts, ["Password: "]);
    assert_eq!(
        talk.done,
        json!({"result": "denied", "reason": "invalid-credentials", "pam": "auth_err"})
    );
    converse(&service.socket, sshd("alice"), wrong);
    let locked = converse(&service.socket, sshd("alice"), |_, _| PASSWORD.to_owned());
    assert_eq!(locked.done["pam"], "maxtries", "{}", locked.done);
    let unknown = converse(&service.socket, sshd("nobody-here"), wrong);
    assert_eq!(unknown.prompts, ["Password: "], "an unknown name is asked the same");
    assert_eq!(unknown.done["reason"], "invalid-credentials");
    let account = |who: &str| {
        let begin = json!({"username": who, "service": "sshd", "phase": "account"});
        converse(&service.socket, begin, |p, _| panic!("account asks nothing, not {p:?}")).done
    };
    assert_eq!(account("bob")["pam"], "new_authtok_reqd", "the account phase says so");
    assert_eq!(account("alice")["pam"], "maxtries");
    assert_eq!(account("nobody-here")["pam"], "user_unknown");
    // At the auth prompt, the temporary password leads to the person's own, typed
    // twice, as at `clinic2fa login`; then the sign-in goes on.
    let temporary = converse(&service.socket, sshd("bob"), |prompt, _| match prompt {
        "Password: " => "a temporary one 123".to_owned(),
        _ => "bob's own password 456".to_owned(),
    });
    assert_eq!(temporary.prompts, ["Password: ", "New password: ", "Retype new password: "]);
    assert_eq!(temporary.done["pam"], "success", "{}", temporary.done);
    assert_eq!(account("bob")["pam"], "success");
    clinic.login("bob", "bob's own password 456", &[]).code(0);
    clinic.ok(&["user", "disable", "bob"], None);
    assert_eq!(account("bob")["pam"], "acct_expired");
}

#[test]
fn a_person_who_must_enrol_sets_the_app_up_in_the_conversation() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let talk = converse(&service.socket, sshd("alice"), |prompt, shown| match prompt {
        "Password: " => PASSWORD.to_owned(),
        _ => {
            let (text, _) = shown.last().expect("the set-up shown before the code");
            let secret = text.split("secret=").nth(1).unwrap().split('&').next().unwrap();
            totp_code(secret, NOW)
        }
    });
    assert_eq!(talk.done["result"], "success", "{}", talk.done);
    assert!(talk.shown[0].0.contains("is required for alice"), "why, first: {:?}", talk.shown);
    assert!(talk.shown[1].0.contains("otpauth://totp/"), "{:?}", talk.shown);
    assert!(talk.shown[1].0.contains('█'), "the QR code as text");
    assert!(talk.shown[2].0.contains("Recovery codes"), "{:?}", talk.shown[2]);
    assert_eq!(clinic.user("alice")["two_factor"]["enrolled"], true);
    // Where nothing can be shown: denied, and told how to enrol.
    clinic.add_user("bob", &[]);
    let mut begin = sshd("bob");
    begin["can_show_text"] = json!(false);
    let blind = converse(&service.socket, begin, |_, _| PASSWORD.to_owned());
    assert_eq!(blind.done["reason"], "enrolment-required", "{}", blind.done);
    assert!(blind.done["message"].as_str().unwrap().contains("clinic2fa enrol bob"));
}

#[test]
fn another_user_may_sign_in_only_the_account_named_like_itself() {
    use std::os::unix::fs::PermissionsExt as _;
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("nobody", &["--2fa", "exempt"]);
    // The socket's folder must be reachable by the other user, as /run/clinic2fa is.
    std::fs::set_permissions(clinic.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let service = Service::start(&clinic, &[]);
    let mode = std::fs::metadata(&service.socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666);
    let as_nobody = |username: &str| -> Value {
        let client = r#"
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
f.write(json.dumps({"v": 1, "begin": {"username": sys.argv[2], "service": "xscreensaver"}}) + "\n"); f.flush()
for line in f:
    m = json.loads(line)
    if "ask" in m:
        f.write(json.dumps({"v": 1, "answer": sys.argv[3]}) + "\n"); f.flush()
    elif "done" in m:
        print(json.dumps(m["done"])); break
"#;
        let out = std::process::Command::new("setpriv")
            // The system's python3: one under root's home is not the other user's to run.
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c"])
            .arg(client)
            .arg(&service.socket)
            .args([username, PASSWORD])
            .output()
            .expect("setpriv and python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let refused = as_nobody("alice");
    assert_eq!(refused["pam"], "auth_err", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("named like its own user"), "{refused}");
    let logins: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login'");
    assert_eq!(logins, 0, "nothing tried for alice");
    assert_eq!(as_nobody("nobody")["result"], "success");
}

#[test]
fn the_socket_is_one_services_and_a_line_of_another_protocol_is_answered_with_an_error() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    // A second service on the same socket: refused, the first untouched.
    let socket = service.socket.to_string_lossy().into_owned();
    clinic
        .run(&["serve", "--socket", &socket], None)
        .code(1)
        .error_line(&["another sign-in service answers on"]);
    let stream = UnixStream::connect(&service.socket).unwrap();
    let mut write = stream.try_clone().unwrap();
    writeln!(write, "{}", json!({"v": 2, "begin": sshd("alice")})).unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    let done: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(done["done"]["pam"], "authinfo_unavail", "{line}");
    assert!(done["done"]["message"].as_str().unwrap().contains("version 2"), "{line}");
    // Stopped, it removes its socket; a socket file left by a killed one is replaced.
    let path = service.socket.clone();
    assert_eq!(service.stop(), Some(0));
    assert!(!path.exists());
    let left = std::os::unix::net::UnixListener::bind(&path).unwrap();
    drop(left); // the file stays, nobody answers on it
    let again = Service::start_on(&clinic, NOW, &path, &[]);
    assert!(again.socket.exists());
    let talk = converse(&again.socket, sshd("alice"), |_, _| PASSWORD.to_owned());
    assert_eq!(talk.done["result"], "success", "{}", talk.done);
}

//! The QR code printed in the terminal, read back into modules and decoded, must be
//! exactly the otpauth:// URI, with colour and without.

use std::process::{Command, Stdio};

use crate::harness::{Clinic, NOW, PASSWORD, decode_terminal_qr};

fn enrol_output(clinic: &Clinic, extra: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = clinic.command();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(extra)
        .args(["enrol", "alice", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"));
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let uri =
        text.lines().map(str::trim).find(|l| l.starts_with("otpauth://")).expect("uri").to_owned();
    (text, uri)
}

#[test]
fn the_plain_qr_code_decodes_to_exactly_the_uri() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.ok(&["clinic", "set-name", "Dr. Öztürk & Partners"], None);
    let (text, uri) = enrol_output(&clinic, &[], &[]);
    assert!(!text.contains('\x1b'), "stdout is not a terminal: no colour");
    assert!(
        uri.starts_with("otpauth://totp/Dr.%20%C3%96zt%C3%BCrk%20%26%20Partners:alice?secret="),
        "{uri}"
    );
    assert_eq!(decode_terminal_qr(&text), uri);
}

#[test]
fn the_coloured_qr_code_decodes_to_exactly_the_uri() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (text, uri) = enrol_output(&clinic, &["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(text.contains("\x1b[30;107m"), "--color always beats NO_COLOR");
    assert_eq!(decode_terminal_qr(&text), uri);
    let (text, uri) = enrol_output(&clinic, &["--color", "never"], &[]);
    assert!(!text.contains('\x1b'));
    assert_eq!(decode_terminal_qr(&text), uri);
}

/// Runs the binary with its stdout's reader gone before anything is written, as in
/// `clinic2fa ... | head -0`; returns the exit code and stderr.
fn with_closed_stdout(clinic: &Clinic, args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("clinic2fa"))
        .env_clear()
        .envs(clinic.database_env())
        .env("CLINIC2FA_NOW", NOW.to_string())
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    crate::harness::feed(&mut child, stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_every_output_quietly_without_a_panic() {
    // Enough accounts that the output outgrows the 8 KiB buffer: the pipe error then
    // arrives wrapped by the CSV or JSON writer, not at the final flush.
    let clinic = Clinic::new();
    clinic.add_user("user00", &[]);
    let hash: String = clinic.sql("SELECT password_hash FROM accounts");
    let rows: String = (1..400).map(|i| format!("user{i:03},\"{hash}\"\n")).collect();
    let file = clinic.dir().join("many.csv");
    std::fs::write(&file, format!("username,password_hash\n{rows}")).unwrap();
    clinic.ok(&["user", "import", file.to_str().unwrap()], None);
    let password = format!("{PASSWORD}\n");
    for args in [
        &["enrol", "user00", "--password-stdin"][..],
        &["user", "list"],
        &["user", "list", "--csv"],
        &["--json", "user", "list"],
        &["report", "--csv"],
        &["--json", "report"],
        &["audit"],
        &["completions", "bash"],
        &["man"],
    ] {
        let (code, stderr) = with_closed_stdout(&clinic, args, &password);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
}

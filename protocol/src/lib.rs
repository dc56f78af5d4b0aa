//! What the sign-in service (`clinic2fa serve`) and its PAM module say to each other on
//! the service's Unix socket: one JSON document a line, each carrying the protocol's
//! version. Written down once, here, for both sides.
//!
//! A sign-in is a conversation the service leads, so that whatever the rules ask (a
//! code, an authenticator to set up, a note) needs no new message:
//!
//! ```text
//! module  → {"v":1,"begin":{"username":"alice","service":"sshd","rhost":"203.0.113.7","can_show_text":true}}
//! service → {"v":1,"ask":{"prompt":"Password: ","echo":false}}
//! module  → {"v":1,"answer":"correct horse battery"}
//! service → {"v":1,"ask":{"prompt":"Verification code: ","echo":false}}
//! module  → {"v":1,"answer":"492039"}
//! service → {"v":1,"done":{"result":"success","pam":"success"}}
//! ```
//!
//! `begin` may also say which PAM phase asks (`"phase"`: `auth`, the default;
//! `account`, which asks nothing and answers at once; `password`, the person's own
//! new password in place of a temporary one) and, for `auth`, `"mode":"code"` (root
//! only: an earlier module proved the password, only the code is asked).
//!
//! `show` lines (text for the person: a QR code, a key, why a code was refused) need no
//! answer. Every conversation ends with one `done`; a line the other side cannot read
//! ends it with `done` `{"result":"error"}`.

use serde::{Deserialize, Serialize};

/// The protocol's version: a message of another is refused.
pub const VERSION: u32 = 1;

/// The longest line either side accepts (a QR code as text is ~6 KiB).
pub const MAX_LINE: usize = 64 * 1024;

/// The prompts, exactly: clients answer some of them by matching the text.
pub const PASSWORD_PROMPT: &str = "Password: ";
pub const CODE_PROMPT: &str = "Verification code: ";
/// The password phase's, as `passwd` asks them.
pub const NEW_PASSWORD_PROMPT: &str = "New password: ";
pub const RETYPE_PASSWORD_PROMPT: &str = "Retype new password: ";

/// A line from the module to the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromModule {
    pub v: u32,
    #[serde(flatten)]
    pub message: ModuleSays,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleSays {
    /// The first line: who is signing in, through what.
    Begin(Begin),
    /// The answer to the last `ask`.
    Answer(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Begin {
    pub username: String,
    /// The PAM service (`sshd`, `su`, `login`, `openvpn`), for the audit trail.
    pub service: String,
    /// `PAM_RHOST`, where PAM gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rhost: Option<String>,
    /// The conversation can show lines of text (a QR code to set up an authenticator).
    #[serde(default)]
    pub can_show_text: bool,
    /// Which PAM phase asks.
    #[serde(default, skip_serializing_if = "Phase::is_auth")]
    pub phase: Phase,
    /// What `auth` asks for.
    #[serde(default, skip_serializing_if = "Mode::is_full")]
    pub mode: Mode,
}

/// The PAM phase a conversation is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// `pam_sm_authenticate`: who the person is.
    #[default]
    Auth,
    /// `pam_sm_acct_mgmt`: whether the account may be used now (disabled, locked, a
    /// temporary password to replace). Nothing is asked.
    Account,
    /// `pam_sm_chauthtok`: the person's own password in place of a temporary one.
    Password,
}

impl Phase {
    fn is_auth(&self) -> bool {
        *self == Phase::Auth
    }
}

/// What the `auth` phase asks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The password, then a code where the rules need one.
    #[default]
    Full,
    /// The code alone: an earlier module proved the password. Root callers only.
    Code,
}

impl Mode {
    fn is_full(&self) -> bool {
        *self == Mode::Full
    }
}

/// A line from the service to the module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromService {
    pub v: u32,
    #[serde(flatten)]
    pub message: ServiceSays,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceSays {
    /// Ask the person, and send back what they type.
    Ask { prompt: String, echo: bool },
    /// Show the person this; no answer.
    Show { text: String, error: bool },
    /// The end: the answer for PAM.
    Done(Done),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// `success`, `denied`, or `error` (the service could not decide: unavailable,
    /// a line it could not read).
    pub result: String,
    /// The contract's reason for a denial (`invalid-credentials`, `locked`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the module returns.
    pub pam: PamResult,
    /// One line for the person, where there is something to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The PAM results the contract maps sign-ins to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PamResult {
    Success,
    AuthErr,
    Maxtries,
    NewAuthtokReqd,
    AcctExpired,
    AuthinfoUnavail,
    /// The account phase, for a name the clinic has no account of (a local account).
    UserUnknown,
    /// The password phase could not set the new password.
    AuthtokErr,
}

impl FromModule {
    pub fn new(message: ModuleSays) -> Self {
        FromModule { v: VERSION, message }
    }
}

impl FromService {
    pub fn new(message: ServiceSays) -> Self {
        FromService { v: VERSION, message }
    }
}

/// One message as its line (with the newline).
pub fn line<T: Serialize>(message: &T) -> String {
    let mut text = serde_json::to_string(message).expect("messages always serialise");
    text.push('\n');
    text
}

/// Reads one line's message; the error says what was wrong, for the `done` that ends
/// the conversation.
pub fn read<T: for<'a> Deserialize<'a>>(line: &str) -> Result<T, String> {
    if line.len() > MAX_LINE {
        return Err(format!("a line over {MAX_LINE} bytes"));
    }
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON line: {e}"))?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => return Err(format!("protocol version {v}; this side speaks {VERSION}")),
        None => return Err("no protocol version (\"v\")".into()),
    }
    serde_json::from_value(value).map_err(|e| format!("not a message of this protocol: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_documented_lines() {
        let begin = FromModule::new(ModuleSays::Begin(Begin {
            username: "alice".into(),
            service: "sshd".into(),
            rhost: Some("203.0.113.7".into()),
            can_show_text: true,
            phase: Phase::Auth,
            mode: Mode::Full,
        }));
        assert_eq!(
            line(&begin),
            "{\"v\":1,\"begin\":{\"username\":\"alice\",\"service\":\"sshd\",\"rhost\":\"203.0.113.7\",\"can_show_text\":true}}\n"
        );
        let ask =
            FromService::new(ServiceSays::Ask { prompt: PASSWORD_PROMPT.into(), echo: false });
        assert_eq!(line(&ask), "{\"v\":1,\"ask\":{\"prompt\":\"Password: \",\"echo\":false}}\n");
        let done = FromService::new(ServiceSays::Done(Done {
            result: "success".into(),
            reason: None,
            pam: PamResult::Success,
            message: None,
        }));
        assert_eq!(
            line(&done),
            "{\"v\":1,\"done\":{\"result\":\"success\",\"pam\":\"success\"}}\n"
        );
        assert_eq!(read::<FromService>(line(&done).trim()), Ok(done));
        let account: FromModule =
            read(r#"{"v":1,"begin":{"username":"alice","service":"sshd","phase":"account"}}"#)
                .unwrap();
        let ModuleSays::Begin(begin) = account.message else { panic!("a begin") };
        assert_eq!(
            (begin.phase, begin.mode, begin.can_show_text),
            (Phase::Account, Mode::Full, false)
        );
    }

    #[test]
    fn another_version_or_a_stranger_line_is_refused_with_the_reason() {
        assert!(read::<FromModule>(r#"{"v":2,"answer":"x"}"#).unwrap_err().contains("version 2"));
        assert!(read::<FromModule>(r#"{"answer":"x"}"#).unwrap_err().contains("\"v\""));
        assert!(read::<FromModule>("nonsense").unwrap_err().contains("JSON"));
        assert!(read::<FromModule>(r#"{"v":1,"shout":"x"}"#).is_err());
        let long = format!(r#"{{"v":1,"answer":"{}"}}"#, "x".repeat(MAX_LINE));
        assert!(read::<FromModule>(&long).unwrap_err().contains("bytes"));
    }
}

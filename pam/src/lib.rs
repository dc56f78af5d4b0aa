//! `pam_clinic2fa.so`: makes a machine's logins (SSH, `su`, `sudo`, a desktop, a VPN
//! through its PAM plugin) obey clinic2fa's rules, by asking `clinic2fa serve` over
//! its Unix socket.
//!
//! The module holds no secret and reads no file: it says who is signing in, through
//! which PAM service and from which host, and relays the service's conversation (ask
//! the password, ask the code, show a QR code) to the person until the service says
//! how it ended. So a screen locker running as the person works as sshd running as
//! root does, and the rules live in one place, the service's.
//!
//! This crate is the only place with `unsafe` code: the FFI of `pam-bindings` (MIT,
//! the maintained fork of pam-rs, used by kanidm's module too) and one `syslog` call.
//! `pam-bindings` runs every hook inside `catch_unwind`, so a panic here becomes
//! `PAM_ABORT` and never unwinds into sshd.

pub mod options;
pub mod talk;

use std::ffi::{CStr, CString};

use clinic2fa_protocol::{Begin, Done, Mode, PamResult, Phase};
use pam::constants::{
    PAM_ERROR_MSG, PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON, PAM_SILENT, PAM_TEXT_INFO, PamFlag,
    PamResultCode,
};
use pam::conv::Conv;
use pam::items::{RHost, Service};
use pam::module::{PamHandle, PamHooks};
use zeroize::Zeroizing;

use crate::options::{FailMode, Options};
use crate::talk::{Outcome, Person};

/// `pam_chauthtok`'s first pass (only checks that a change could be made).
const PAM_PRELIM_CHECK: PamFlag = 0x4000;

struct Clinic2fa;
pam::pam_hooks!(Clinic2fa);

impl PamHooks for Clinic2fa {
    fn sm_authenticate(pamh: &mut PamHandle, args: Vec<&CStr>, flags: PamFlag) -> PamResultCode {
        run(pamh, &args, flags, Phase::Auth)
    }

    fn acct_mgmt(pamh: &mut PamHandle, args: Vec<&CStr>, flags: PamFlag) -> PamResultCode {
        run(pamh, &args, flags, Phase::Account)
    }

    fn sm_chauthtok(pamh: &mut PamHandle, args: Vec<&CStr>, flags: PamFlag) -> PamResultCode {
        if flags & PAM_PRELIM_CHECK != 0 {
            // The change itself (asking for the new password) is the second pass's.
            return PamResultCode::PAM_SUCCESS;
        }
        run(pamh, &args, flags, Phase::Password)
    }

    /// Nothing to establish: the service keeps no credential for the session. (A
    /// module that answers `PAM_IGNORE` here can fail a stack whose only `auth`
    /// module it is.)
    fn sm_setcred(_: &mut PamHandle, _: Vec<&CStr>, _: PamFlag) -> PamResultCode {
        PamResultCode::PAM_SUCCESS
    }
}

fn run(pamh: &mut PamHandle, args: &[&CStr], flags: PamFlag, phase: Phase) -> PamResultCode {
    let service = item::<Service>(pamh).unwrap_or_else(|| "unknown".into());
    let log = |message: &str| syslog(&format!("pam_clinic2fa({service}:{phase:?}): {message}"));
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str().ok()).collect();
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(why) => {
            log(&format!("refused its arguments: {why}"));
            return PamResultCode::PAM_SERVICE_ERR;
        }
    };
    let username = match pamh.get_user(None) {
        Ok(name) => name,
        Err(code) => return code,
    };
    let rhost = item::<RHost>(pamh).filter(|h| !h.is_empty());
    let silent = flags & PAM_SILENT != 0;
    let begin = Begin {
        username,
        service: service.clone(),
        rhost,
        // PAM has no way to ask whether text can be shown; an application that asks
        // for silence cannot show a QR code, nor one the admin says shows no text.
        can_show_text: !silent && !options.no_text,
        phase,
        mode: if phase == Phase::Auth { options.mode } else { Mode::Full },
    };
    let Ok(Some(conv)) = pamh.get_item::<Conv>() else {
        log("the application gave no conversation");
        return PamResultCode::PAM_CONV_ERR;
    };
    let mut person = PamPerson { conv, silent };
    match talk::sign_in(&options, begin, &mut person) {
        Outcome::Decided(done) => {
            if let (true, Some(message)) = (silent, &done.message) {
                // Nobody could be told (the application asked for silence): the
                // admin can read it here.
                log(&format!("not shown to the person (PAM_SILENT): {message}"));
            }
            answer(&done, &mut person)
        }
        Outcome::NoAnswer => PamResultCode::PAM_CONV_ERR,
        Outcome::Unreachable(why) => {
            log(&format!("the sign-in service at {}: {why}", options.socket.display()));
            match options.failmode {
                FailMode::Secure => PamResultCode::PAM_AUTHINFO_UNAVAIL,
                FailMode::Open => PamResultCode::PAM_IGNORE,
            }
        }
    }
}

/// The service's decision as PAM's result, with its message shown to the person.
fn answer(done: &Done, person: &mut PamPerson<'_>) -> PamResultCode {
    if let Some(message) = &done.message {
        person.show(message, done.pam != PamResult::Success);
    }
    match done.pam {
        PamResult::Success => PamResultCode::PAM_SUCCESS,
        PamResult::AuthErr => PamResultCode::PAM_AUTH_ERR,
        PamResult::Maxtries => PamResultCode::PAM_MAXTRIES,
        PamResult::NewAuthtokReqd => PamResultCode::PAM_NEW_AUTHTOK_REQD,
        PamResult::AcctExpired => PamResultCode::PAM_ACCT_EXPIRED,
        PamResult::AuthinfoUnavail => PamResultCode::PAM_AUTHINFO_UNAVAIL,
        PamResult::UserUnknown => PamResultCode::PAM_USER_UNKNOWN,
        PamResult::AuthtokErr => PamResultCode::PAM_AUTHTOK_ERR,
    }
}

/// PAM's conversation as the [`Person`] the service talks to.
struct PamPerson<'a> {
    conv: Conv<'a>,
    silent: bool,
}

impl Person for PamPerson<'_> {
    fn ask(&mut self, prompt: &str, echo: bool) -> Option<Zeroizing<String>> {
        let style = if echo { PAM_PROMPT_ECHO_ON } else { PAM_PROMPT_ECHO_OFF };
        let answer = self.conv.send(style, prompt).ok()?;
        // No response at all is an empty answer (some applications send none for "").
        let text = answer.map(|a| a.as_str().map(str::to_owned)).transpose().ok()?;
        Some(Zeroizing::new(text.unwrap_or_default()))
    }

    fn show(&mut self, text: &str, error: bool) {
        if !self.silent {
            let _ = self.conv.send(if error { PAM_ERROR_MSG } else { PAM_TEXT_INFO }, text);
        }
    }
}

/// A PAM item that is a string, as text.
fn item<'a, T>(pamh: &'a PamHandle) -> Option<String>
where
    T: pam::items::Item<'a> + std::ops::Deref<Target = &'a CStr>,
{
    let value = pamh.get_item::<T>().ok()??;
    Some(value.to_string_lossy().into_owned())
}

/// One line to the system log (authpriv), as every PAM module does: the host
/// application's stderr is nobody's to read.
fn syslog(message: &str) {
    let Ok(message) = CString::new(message.replace('\0', "?")) else { return };
    // SAFETY: a constant format string with one `%s`, given one valid C string.
    unsafe {
        libc::syslog(libc::LOG_AUTHPRIV | libc::LOG_NOTICE, c"%s".as_ptr(), message.as_ptr())
    };
}

//! The Unix socket the PAM module signs people in through: the conversation of the
//! protocol crate (`clinic2fa_protocol`), led by the one sign-in pipeline with a person
//! there to answer (`Caller::at_terminal`), so a code left out is asked for, a mistyped
//! one asked again, and an authenticator set up where the rules require it.
//!
//! Who may ask what is known from the socket itself (`SO_PEERCRED`), never from what a
//! caller says: root (sshd, `su`, `login`) may sign in any account; any other user
//! only the account named like its own operating-system user (a screen locker).

use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clinic2fa_protocol::{
    self as protocol, Done, FromModule, FromService, ModuleSays, PamResult, ServiceSays,
};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::username::Username;
use crate::error::Error;
use crate::pipeline::{
    Answer, Answered, Ask, Begin, Caller, Conversation, Door, Offered, SetUp, Turn,
};
use crate::service::workers::{self, Job, Workers};
use crate::ui::enrolment;

/// The first line must come within this; each answer within [`ANSWER_SECONDS`] (a
/// person reading a QR code and typing).
const BEGIN_SECONDS: u64 = 10;
const ANSWER_SECONDS: u64 = 300;
/// Tries at a code's form (not counted: nothing was checked) before the conversation
/// ends.
const FORM_TRIES: u32 = 3;

/// Binds the socket: mode 0666 (anyone may ask; the service checks who asks). A socket
/// file left by a service that is gone is replaced; one a running service answers on,
/// or a file that is not a socket, is refused.
pub async fn bind(path: &Path) -> anyhow::Result<UnixListener> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(Error::Conflict(format!(
                "{} exists and is not a socket: remove it or give --socket another path",
                path.display()
            ))
            .into());
        }
        if UnixStream::connect(path).await.is_ok() {
            return Err(Error::Conflict(format!(
                "another sign-in service answers on {}: stop it first, or give --socket another path",
                path.display()
            ))
            .into());
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path).map_err(|e| {
        Error::Conflict(format!(
            "cannot make the socket {}: {e} (its folder must exist and be the service's: the unit's RuntimeDirectory makes /run/clinic2fa; or give --socket PATH)",
            path.display()
        ))
    })?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    Ok(listener)
}

/// The socket's path, removed when the service stops.
pub struct Bound(pub PathBuf);

impl Drop for Bound {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One caller's conversation, to its `done`.
pub async fn converse(
    stream: UnixStream,
    workers: Arc<Workers>,
    pinned: Option<crate::domain::time::Timestamp>,
) {
    let peer = stream.peer_cred().ok();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let done = match run(&mut lines, &mut write, peer, &workers, pinned).await {
        Ok(done) => done,
        Err(why) => {
            super::http::log(&format!("pam: {why}"));
            error_done(&why)
        }
    };
    let _ = write
        .write_all(protocol::line(&FromService::new(ServiceSays::Done(done))).as_bytes())
        .await;
}

type Lines = tokio::io::Lines<BufReader<tokio::net::unix::OwnedReadHalf>>;
type Writer = tokio::net::unix::OwnedWriteHalf;

async fn receive(lines: &mut Lines, seconds: u64) -> Result<ModuleSays, String> {
    let line = tokio::time::timeout(Duration::from_secs(seconds), lines.next_line())
        .await
        .map_err(|_| format!("no answer within {seconds} s"))?
        .map_err(|e| format!("reading: {e}"))?
        .ok_or_else(|| "the caller went away".to_owned())?;
    protocol::read::<FromModule>(&line).map(|m| m.message)
}

async fn send(write: &mut Writer, message: ServiceSays) -> Result<(), String> {
    let line = protocol::line(&FromService::new(message));
    write.write_all(line.as_bytes()).await.map_err(|e| format!("writing: {e}"))
}

async fn ask(lines: &mut Lines, write: &mut Writer, prompt: &str) -> Result<String, String> {
    send(write, ServiceSays::Ask { prompt: prompt.to_owned(), echo: false }).await?;
    match receive(lines, ANSWER_SECONDS).await? {
        ModuleSays::Answer(text) => Ok(text),
        ModuleSays::Begin(_) => Err("a second begin in one conversation".into()),
    }
}

async fn show(write: &mut Writer, text: String, error: bool) -> Result<(), String> {
    send(write, ServiceSays::Show { text, error }).await
}

async fn run(
    lines: &mut Lines,
    write: &mut Writer,
    peer: Option<tokio::net::unix::UCred>,
    workers: &Arc<Workers>,
    pinned: Option<crate::domain::time::Timestamp>,
) -> Result<Done, String> {
    let ModuleSays::Begin(begin) = receive(lines, BEGIN_SECONDS).await? else {
        return Err("the first line must be a begin".into());
    };
    let Ok(username) = Username::parse(&begin.username) else {
        // No account can have the name: the same answer as a wrong password, after
        // the same question.
        ask(lines, write, protocol::PASSWORD_PROMPT).await?;
        return Ok(denied(DenyReason::InvalidCredentials, None));
    };
    if let Some(refusal) = refused_caller(peer, &username) {
        super::http::log(&format!("pam: {refusal}"));
        return Ok(Done {
            result: "denied".into(),
            reason: Some("invalid-credentials".into()),
            pam: PamResult::AuthErr,
            message: Some(refusal),
        });
    }
    let password = zeroize::Zeroizing::new(ask(lines, write, protocol::PASSWORD_PROMPT).await?);
    let caller = Caller {
        now: workers::now(pinned),
        at_terminal: begin.can_show_text,
        door: Door::Pam {
            service: cleaned(&begin.service),
            rhost: begin.rhost.as_deref().map(cleaned),
        },
    };
    let start = Begin::new(Purpose::Login, username.clone(), password, Offered::Nothing);
    let first_caller = caller.clone();
    let (mut conversation, mut turn) =
        step(workers, move |store| Conversation::begin(&first_caller, store, start)).await?;
    loop {
        let answer = match turn {
            Turn::Done(finished) => {
                if let Some(SetUp::Done(codes)) = &finished.set_up {
                    show(write, enrolment::enrolled_text(&username, codes), false).await?;
                }
                let done = finish(finished.answer(), &username);
                super::http::log(&format!(
                    "signin {username} via pam:{}{}: {} ({})",
                    cleaned(&begin.service),
                    begin
                        .rhost
                        .as_deref()
                        .map(|h| format!(" from {}", cleaned(h)))
                        .unwrap_or_default(),
                    done.result,
                    done.reason.as_deref().unwrap_or("-")
                ));
                return Ok(done);
            }
            Turn::Ask(Ask::Code { wrong }) => {
                if wrong.is_some() {
                    show(write, "That code does not match, or was already used.".into(), true)
                        .await?;
                }
                Answer::Code(ask_code(lines, write).await?)
            }
            Turn::Ask(Ask::NewCode { .. }) => {
                show(write, "That code does not match: type the app's newest code.".into(), true)
                    .await?;
                Answer::Code(ask_code(lines, write).await?)
            }
            Turn::Ask(Ask::SetUp { started, issuer, .. }) => {
                let uri = crate::domain::totp::otpauth_uri(
                    &issuer,
                    &username,
                    started.device,
                    &started.secret,
                );
                let pending = enrolment::Pending {
                    issuer: &issuer,
                    username: &username,
                    device: started.device,
                    secret: &started.secret,
                    uri: &uri,
                    expires_at: started.expires_at,
                };
                let text =
                    enrolment::pending_text(&pending, false, None).map_err(|e| format!("{e:#}"))?;
                show(write, text, false).await?;
                Answer::Code(ask_code(lines, write).await?)
            }
            Turn::Ask(Ask::SetUpNow { .. }) => {
                let typed = ask(lines, write, "Set up your authenticator app now? [y/N] ").await?;
                Answer::SetUpNow(typed.trim().eq_ignore_ascii_case("y"))
            }
            // A password someone else set: the password phase replaces it (PAM's
            // account phase answers "new password required").
            Turn::Ask(Ask::NewPassword { .. }) => {
                return Ok(denied(DenyReason::PasswordChangeRequired, None));
            }
        };
        let next_caller = caller.clone();
        let (again, next) = step(workers, move |store| {
            let turn = conversation.answer(&next_caller, store, answer)?;
            Ok((conversation, turn))
        })
        .await?;
        conversation = again;
        turn = next;
    }
}

/// A code (or recovery code) as typed; a malformed one is asked again (not counted:
/// nothing was checked).
async fn ask_code(lines: &mut Lines, write: &mut Writer) -> Result<Offered, String> {
    for _ in 0..FORM_TRIES {
        let typed = zeroize::Zeroizing::new(ask(lines, write, protocol::CODE_PROMPT).await?);
        match Offered::from_typed(&typed) {
            Ok(offered) => return Ok(offered),
            Err(e) => show(write, e.to_string(), true).await?,
        }
    }
    Err("no code of the right form after three tries".into())
}

/// One step of the conversation on a worker (it may hash a password).
async fn step<T: Send + 'static>(
    workers: &Arc<Workers>,
    work: impl FnOnce(&mut crate::store::Store) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, String> {
    match workers.run(Job::SignIn, work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(workers::Busy) => Err("busy: every sign-in slot is taken and the queue is full".into()),
    }
}

/// Root may ask for anyone; another user only for the account named like itself.
fn refused_caller(peer: Option<tokio::net::unix::UCred>, username: &Username) -> Option<String> {
    let Some(peer) = peer else {
        return Some("the caller's identity is unknown (no peer credentials)".into());
    };
    if peer.uid() == 0 {
        return None;
    }
    let own = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(peer.uid())).ok().flatten();
    match own {
        Some(user) if user.name == username.as_str() => None,
        _ => Some(format!(
            "uid {} may sign in only the account named like its own user, not {username}",
            peer.uid()
        )),
    }
}

/// A PAM service name or remote host as the trail and the log keep it: what PAM gives
/// is the caller's to choose, so only letters, digits and `.:_-` stay (an IPv6 address
/// or a host name whole), the rest become `?`, and at most 64 characters.
fn cleaned(text: &str) -> String {
    text.chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || ".:_-".contains(c) { c } else { '?' })
        .collect()
}

fn denied(reason: DenyReason, message: Option<String>) -> Done {
    let pam = match reason {
        DenyReason::Locked => PamResult::Maxtries,
        DenyReason::PasswordChangeRequired => PamResult::NewAuthtokReqd,
        DenyReason::InvalidCredentials
        | DenyReason::CodeRequired
        | DenyReason::InvalidCode
        | DenyReason::EnrolmentRequired => PamResult::AuthErr,
    };
    Done { result: "denied".into(), reason: Some(reason.as_str().into()), pam, message }
}

fn finish(answered: Answered, username: &Username) -> Done {
    match answered {
        Answered::SignedIn { .. } => {
            Done { result: "success".into(), reason: None, pam: PamResult::Success, message: None }
        }
        Answered::Denied(DenyReason::EnrolmentRequired) => denied(
            DenyReason::EnrolmentRequired,
            Some(format!(
                "Two-factor authentication is required: set up the authenticator app with `clinic2fa enrol {username}`."
            )),
        ),
        Answered::Denied(reason) => denied(reason, None),
        Answered::Refused(refusal) => Done {
            result: "denied".into(),
            reason: None,
            pam: PamResult::AuthErr,
            message: Some(crate::ui::signin::refusal_message(username, refusal)),
        },
    }
}

fn error_done(why: &str) -> Done {
    Done {
        result: "error".into(),
        reason: None,
        pam: PamResult::AuthinfoUnavail,
        message: Some(format!("the sign-in service could not decide: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_pam_gives_is_kept_only_in_plain_characters() {
        assert_eq!(cleaned("sshd"), "sshd");
        assert_eq!(cleaned("2001:db8::7"), "2001:db8::7");
        assert_eq!(cleaned("ws-12.clinic.lan"), "ws-12.clinic.lan");
        assert_eq!(cleaned("sshd\u{1b}[31m, from 10.0.0.1"), "sshd??31m??from?10.0.0.1");
        assert_eq!(cleaned(&"x".repeat(100)).len(), 64);
    }
}

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
    self as protocol, Done, FromModule, FromService, Mode, ModuleSays, PamResult, Phase,
    ServiceSays,
};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::domain::account::Standing;
use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::username::Username;
use crate::error::Error;
use crate::pipeline::{
    Answer, Answered, Ask, Begin, Caller, Conversation, Door, Offered, SetUp, Turn,
};
use crate::service::workers::{self, Job, Workers};
use crate::store::accounts;
use crate::ui::enrolment;
use crate::ui::signin::wrong_code_message;

/// The first line must come within this; each answer within [`ANSWER_SECONDS`] (a
/// person reading a QR code and typing).
const BEGIN_SECONDS: u64 = 10;
const ANSWER_SECONDS: u64 = 300;
/// Tries at a code's form (not counted: nothing was checked) before the conversation
/// ends.
const FORM_TRIES: u32 = 3;
/// The screen a set-up is laid out for (columns, rows).
const PAM_SCREEN: (usize, usize) = (80, 24);

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

/// Text for the person, its prose wrapped for the 80 columns a login prompt may have
/// (its drawings, the QR code, are made to fit already).
async fn show(write: &mut Writer, text: String, error: bool) -> Result<(), String> {
    let text = crate::ui::output::fitted(&text, Some(PAM_SCREEN.0));
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
        if begin.phase != Phase::Auth {
            return Ok(user_unknown());
        }
        // No account can have the name: the same answer as a wrong password, after
        // the same question.
        if begin.mode == Mode::Full {
            ask(lines, write, protocol::PASSWORD_PROMPT).await?;
        }
        return Ok(denied(DenyReason::InvalidCredentials, None));
    };
    if let Some(refusal) = refused_caller(peer, &username) {
        super::http::log(&format!("pam: {refusal}"));
        return Ok(refused(refusal));
    }
    let root = peer.is_some_and(|p| p.uid() == 0);
    let from = Talk {
        username,
        service: cleaned(&begin.service),
        rhost: begin.rhost.as_deref().map(cleaned),
        can_show_text: begin.can_show_text,
        now: workers::now(pinned),
        busy: Duration::ZERO,
    };
    match (begin.phase, begin.mode) {
        (Phase::Account, _) => from.account(workers).await,
        (Phase::Auth, Mode::Code) if !root => Ok(refused(format!(
            "mode=code is for root's PAM stacks only (sshd, su, login): uid {} asked",
            peer.map_or(-1, |p| i64::from(p.uid()))
        ))),
        (Phase::Auth, mode) => from.sign_in(lines, write, workers, mode == Mode::Code).await,
        (Phase::Password, _) => from.replace_password(lines, write, workers).await,
    }
}

/// One conversation's who, through what, and the time the service spent on it.
struct Talk {
    username: Username,
    service: String,
    rhost: Option<String>,
    can_show_text: bool,
    now: crate::domain::time::Timestamp,
    /// The service's own time (the workers' steps), not the person's: the log's ms.
    busy: Duration,
}

impl Talk {
    /// One step on a worker (it may hash a password), timed.
    async fn step<T: Send + 'static>(
        &mut self,
        workers: &Arc<Workers>,
        work: impl FnOnce(&mut crate::store::Store) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, String> {
        let started = std::time::Instant::now();
        let result = step(workers, work).await;
        self.busy += started.elapsed();
        result
    }

    /// The log line that ends a conversation.
    fn log(&self, what: &str, done: &Done) {
        super::http::log(&format!(
            "{what} {} via pam:{}{}: {} ({}) in {} ms",
            self.username,
            self.service,
            self.rhost.as_deref().map(|h| format!(" from {h}")).unwrap_or_default(),
            done.result,
            done.reason.as_deref().unwrap_or("-"),
            self.busy.as_millis()
        ));
    }

    /// The person gave no code where one was asked: `code-required`. Nothing was
    /// checked, so nothing is counted (as at `clinic2fa login`'s prompt).
    fn no_code(&self) -> Done {
        let done = denied(DenyReason::CodeRequired, None);
        self.log("signin", &done);
        done
    }

    /// Where the account stands now (`None`: no such account), read and checked
    /// against its seal.
    async fn standing(&mut self, workers: &Arc<Workers>) -> Result<Option<Standing>, String> {
        let (username, now) = (self.username.clone(), self.now);
        self.step(workers, move |store| {
            Ok(accounts::find(&store.db(), &username)?.map(|a| a.standing(now)))
        })
        .await
    }

    /// `account`: may the account be used now? Nothing is asked and nothing changes.
    async fn account(mut self, workers: &Arc<Workers>) -> Result<Done, String> {
        let standing = self.standing(workers).await?;
        let done = match standing {
            None => user_unknown(),
            Some(Standing::Usable) => success(),
            Some(Standing::Disabled) => Done {
                result: "denied".into(),
                reason: Some("disabled".into()),
                pam: PamResult::AcctExpired,
                message: Some("This account is disabled: ask the clinic's admin.".into()),
            },
            Some(Standing::Locked) => denied(DenyReason::Locked, None),
            Some(Standing::MustChangePassword) => Done {
                result: "denied".into(),
                reason: Some(DenyReason::PasswordChangeRequired.as_str().into()),
                pam: PamResult::NewAuthtokReqd,
                message: Some(format!(
                    "The password of {} was set for them: choose your own now.",
                    self.username
                )),
            },
        };
        self.log("account", &done);
        Ok(done)
    }

    /// `password`: the person's own password in place of a temporary one, by the
    /// sign-in that replaces it (the temporary password, the code, the new one).
    async fn replace_password(
        mut self,
        lines: &mut Lines,
        write: &mut Writer,
        workers: &Arc<Workers>,
    ) -> Result<Done, String> {
        let standing = self.standing(workers).await?;
        match standing {
            None => Ok(user_unknown()),
            Some(Standing::MustChangePassword) => self.sign_in(lines, write, workers, false).await,
            Some(_) => Ok(Done {
                result: "denied".into(),
                reason: None,
                pam: PamResult::AuthtokErr,
                message: Some(format!(
                    "Only a password someone else set is replaced here: change your own with `clinic2fa passwd {}`.",
                    self.username
                )),
            }),
        }
    }

    /// `auth`: the sign-in, led by the pipeline with the person there to answer.
    /// `code_only`: a root caller's stack proved the password (`mode=code`).
    async fn sign_in(
        mut self,
        lines: &mut Lines,
        write: &mut Writer,
        workers: &Arc<Workers>,
        code_only: bool,
    ) -> Result<Done, String> {
        let password = if code_only {
            zeroize::Zeroizing::new(String::new())
        } else {
            zeroize::Zeroizing::new(ask(lines, write, protocol::PASSWORD_PROMPT).await?)
        };
        let caller = Caller {
            now: self.now,
            // A person is at every PAM prompt; whether they can be shown a set-up is
            // what the module said.
            at_terminal: true,
            shows_set_up: self.can_show_text,
            door: Door::Pam { service: self.service.clone(), rhost: self.rhost.clone(), code_only },
        };
        let username = self.username.clone();
        let start = Begin::new(Purpose::Login, username.clone(), password, Offered::Nothing);
        let first_caller = caller.clone();
        let (mut conversation, mut turn) = self
            .step(workers, move |store| Conversation::begin(&first_caller, store, start))
            .await?;
        loop {
            let answer = match turn {
                Turn::Done(finished) => {
                    if let Some(SetUp::Done(codes)) = &finished.set_up {
                        show(write, enrolment::enrolled_text(&username, codes), false).await?;
                    }
                    let done = finish(finished.answer(), &username);
                    self.log("signin", &done);
                    return Ok(done);
                }
                Turn::Ask(Ask::Code { wrong }) => {
                    let before = wrong.map(|w| (crate::ui::signin::code_refused(w), true));
                    let Some(code) = ask_code(lines, write, before).await? else {
                        return Ok(self.no_code());
                    };
                    Answer::Code(code)
                }
                Turn::Ask(Ask::NewCode { wrong, .. }) => {
                    let why = wrong_code_message(wrong.clock_off_minutes, || {
                        "That code does not match: type the app's newest code.".into()
                    });
                    let Some(code) = ask_code(lines, write, Some((why, true))).await? else {
                        return Ok(self.no_code());
                    };
                    Answer::Code(code)
                }
                Turn::Ask(Ask::SetUp { started, issuer, why }) => {
                    if let Some(heading) = crate::ui::signin::set_up_heading(&username, why) {
                        show(write, heading, false).await?;
                    }
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
                    // The terminal at the far end is unknown: laid out for the
                    // smallest people have, 80×24, the code beside its instructions
                    // and right above the prompt, as `enrol` does on such a screen.
                    let text = enrolment::pending_text(&pending, false, Some(PAM_SCREEN))
                        .map_err(|e| format!("{e:#}"))?;
                    let Some(code) = ask_code(lines, write, Some((text, false))).await? else {
                        return Ok(self.no_code());
                    };
                    Answer::Code(code)
                }
                Turn::Ask(Ask::SetUpNow { .. }) => {
                    let typed =
                        ask(lines, write, "Set up your authenticator app now? [y/N] ").await?;
                    Answer::SetUpNow(typed.trim().eq_ignore_ascii_case("y"))
                }
                // Under mode=code the clinic2fa password is not what this machine
                // asks: it is replaced where it is used.
                Turn::Ask(Ask::NewPassword { .. }) if code_only => {
                    let done = Done {
                        message: Some(format!(
                            "The clinic2fa password of {username} was set for them: choose your own first (`clinic2fa login {username}`)."
                        )),
                        ..denied(DenyReason::PasswordChangeRequired, None)
                    };
                    self.log("signin", &done);
                    return Ok(done);
                }
                // A password someone else set (rule 2a): the person's own, typed twice,
                // then the sign-in goes on to the code, as `clinic2fa login` does.
                Turn::Ask(Ask::NewPassword { refused }) => {
                    let why = refused.unwrap_or_else(|| {
                        format!("The password of {username} was set for them: choose your own now.")
                    });
                    show(write, why, false).await?;
                    Answer::NewPassword(new_password(lines, write, &conversation).await?)
                }
            };
            let next_caller = caller.clone();
            let (again, next) = self
                .step(workers, move |store| {
                    let turn = conversation.answer(&next_caller, store, answer)?;
                    Ok((conversation, turn))
                })
                .await?;
            conversation = again;
            turn = next;
        }
    }
}

/// A new password, typed twice and within the rules (checked here, before any hash).
async fn new_password(
    lines: &mut Lines,
    write: &mut Writer,
    conversation: &Conversation,
) -> Result<crate::domain::password::Password, String> {
    for _ in 0..FORM_TRIES {
        let first =
            zeroize::Zeroizing::new(ask(lines, write, protocol::NEW_PASSWORD_PROMPT).await?);
        if let Err(e) = conversation.check_new_password(&first) {
            show(write, e.to_string(), true).await?;
            continue;
        }
        let again =
            zeroize::Zeroizing::new(ask(lines, write, protocol::RETYPE_PASSWORD_PROMPT).await?);
        if *first == *again {
            return Ok(first);
        }
        show(write, "The two passwords differ: type the new one again.".into(), true).await?;
    }
    Err("no new password within the rules after three tries".into())
}

/// A code (or recovery code) as typed; a malformed one is asked again (not counted:
/// nothing was checked). `None`: no code came (nothing typed, or three of the wrong
/// form): the sign-in ends as `code-required`. `before`: text shown first (an error,
/// or not).
async fn ask_code(
    lines: &mut Lines,
    write: &mut Writer,
    before: Option<(String, bool)>,
) -> Result<Option<Offered>, String> {
    if let Some((text, error)) = before {
        show(write, text, error).await?;
    }
    for _ in 0..FORM_TRIES {
        let typed = zeroize::Zeroizing::new(ask(lines, write, protocol::CODE_PROMPT).await?);
        if typed.trim().is_empty() {
            return Ok(None);
        }
        match Offered::from_typed(&typed) {
            Ok(offered) => return Ok(Some(offered)),
            Err(e) => show(write, e.to_string(), true).await?,
        }
    }
    Ok(None)
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

fn success() -> Done {
    Done { result: "success".into(), reason: None, pam: PamResult::Success, message: None }
}

/// A caller the socket does not serve for this (another user's account; `mode=code`
/// from a non-root caller).
fn refused(why: String) -> Done {
    Done {
        result: "denied".into(),
        reason: Some("invalid-credentials".into()),
        pam: PamResult::AuthErr,
        message: Some(why),
    }
}

/// A name the clinic has no account of, where nothing was asked (`account`, and
/// `password`): the local accounts a machine also has are not the service's.
fn user_unknown() -> Done {
    Done {
        result: "denied".into(),
        reason: Some("unknown-user".into()),
        pam: PamResult::UserUnknown,
        message: None,
    }
}

fn finish(answered: Answered, username: &Username) -> Done {
    match answered {
        Answered::SignedIn { .. } => success(),
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

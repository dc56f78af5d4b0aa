//! The command line's door to the sign-in pipeline (`crate::pipeline`): the arguments
//! it takes a code from, the prompts it answers the conversation's questions at, and
//! how a denial is shown.

use crate::cli::CodeInput;
use crate::commands::Context;
use crate::domain::account::Account;
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{self, DenyReason, Verdict};
use crate::domain::totp;
use crate::domain::totp::Code;
use crate::domain::username::Username;
use crate::error::Error;
use crate::pipeline::{self, Answer, Ask, Conversation, Turn, Wrong};
pub use crate::pipeline::{Attempted, Begin, Finished, Offered, SetUp, Started};
use crate::store::Store;
use crate::ui::output::note;
use crate::ui::{self, enrolment, prompt};

/// From `--code` / `--recovery-code`, checked for form before anything else runs.
/// `None`: `--recovery-code -`, to be read from stdin once the passwords are.
pub fn offered_from_args(input: &CodeInput) -> Result<Option<Offered>, Error> {
    match (&input.code, &input.recovery_code) {
        (Some(code), _) => Ok(Some(Offered::Totp(Code::parse(code)?))),
        (None, Some(code)) if code == "-" => Ok(None),
        (None, Some(code)) => Ok(Some(Offered::RecoveryCode(RecoveryCode::parse(code)?))),
        (None, None) => Ok(Some(Offered::Nothing)),
    }
}

/// Runs a sign-in conversation to its end, asking at the terminal what it asks (only
/// ever with a person there: without one, its first answer is its last).
pub fn converse(ctx: &Context, store: &mut Store, begin: Begin) -> anyhow::Result<Finished> {
    let caller = pipeline::Caller {
        now: ctx.now,
        at_terminal: ctx.interactive,
        shows_set_up: ctx.interactive,
        door: pipeline::Door::Command,
    };
    let username = begin.username.clone();
    let (mut conversation, mut turn) = Conversation::begin(&caller, store, begin)?;
    loop {
        let answer = match turn {
            Turn::Done(finished) => {
                if let Some(SetUp::Failed(_)) = finished.set_up {
                    note(&format!(
                        "clinic2fa: enrolment not confirmed; nothing changed for sign-in. Run `clinic2fa enrol {username}` to start again."
                    ))?;
                }
                return Ok(*finished);
            }
            Turn::Ask(Ask::Code { wrong }) => {
                if let Some(wrong) = wrong {
                    note(&ui::signin::code_refused(wrong))?;
                }
                Answer::Code(ask_for_second_factor()?)
            }
            Turn::Ask(Ask::NewPassword { refused }) => {
                match refused {
                    Some(why) => note(&format!("clinic2fa: {why}"))?,
                    None => note(&format!(
                        "The password of {username} was set for them: choose your own now."
                    ))?,
                }
                let prompt = format!("New password for {username}");
                Answer::NewPassword(prompt::new_password(&prompt, |candidate| {
                    conversation.check_new_password(candidate).map_err(|e| e.to_string())
                })?)
            }
            Turn::Ask(Ask::SetUp { started, issuer, why }) => {
                // Not shown is not signed in: a closed output here is a failure, never
                // the quiet exit 0 that a success's closed pipe gets.
                let heading =
                    ui::signin::set_up_heading(&username, why).map(|line| format!("{line}\n"));
                let shown = heading
                    .map_or(Ok(()), |text| ctx.out.text(&text).map_err(anyhow::Error::from))
                    .and_then(|()| show_started(ctx, &issuer, &username, &started));
                if let Err(e) = shown {
                    anyhow::bail!("could not show the authenticator set-up: {e}");
                }
                Answer::Code(ask_for_new_code()?)
            }
            Turn::Ask(Ask::NewCode { wrong, issuer }) => {
                note(&wrong_code(wrong, || {
                    format!(
                        "That code does not match. Check the app shows {issuer} ({username}) and type its newest code."
                    )
                }))?;
                Answer::Code(ask_for_new_code()?)
            }
            Turn::Ask(Ask::SetUpNow { due }) => {
                note(&ui::signin::enrolment_due_text(&username, due))?;
                Answer::SetUpNow(prompt::confirm("Set up your authenticator app now?")?)
            }
        };
        turn = conversation.answer(&caller, store, answer)?;
    }
}

/// What a wrong code is told: a phone clock that is off, or `otherwise`.
fn wrong_code(wrong: Wrong, otherwise: impl FnOnce() -> String) -> String {
    ui::signin::wrong_code_message(wrong.clock_off_minutes, otherwise)
}

fn ask_for_new_code() -> anyhow::Result<Offered> {
    let typed = prompt::code("Code shown in the app", |t| {
        Code::parse(t).map(|_| ()).map_err(|e| e.to_string())
    })?;
    Ok(Offered::Totp(Code::parse(&typed)?))
}

/// QR code, setup key and link, for a person.
pub fn show_started(
    ctx: &Context,
    issuer: &str,
    username: &Username,
    started: &Started,
) -> anyhow::Result<()> {
    let uri = totp::otpauth_uri(issuer, username, started.device, &started.secret);
    let pending = enrolment::Pending {
        issuer,
        username,
        device: started.device,
        secret: &started.secret,
        uri: &uri,
        expires_at: started.expires_at,
    };
    let text = enrolment::pending_text(&pending, ctx.out.color, ctx.out.screen())?;
    ctx.out.text(&text)?;
    Ok(())
}

/// For commands with nothing more to do on a refusal: allowed, `Ok(attempted)`; denied,
/// reported and `Err(exit code)`; refused (not applicable), an error for `main`.
pub fn allowed(
    attempted: Attempted,
    ctx: &Context,
    username: &Username,
) -> anyhow::Result<Result<Attempted, u8>> {
    match attempted.verdict {
        Verdict::Allowed { .. } => Ok(Ok(attempted)),
        Verdict::Denied(_) => Ok(Err(report_attempt(&attempted, ctx, username))),
        Verdict::Refused(refusal) => Err(refused(username, refusal)),
    }
}

fn ask_for_second_factor() -> anyhow::Result<Offered> {
    let typed = prompt::code("Code from your authenticator app (or a recovery code)", |t| {
        Offered::from_typed(t).map(|_| ()).map_err(|e| e.to_string())
    })?;
    Ok(Offered::from_typed(&typed)?)
}

/// Reports an attempt's denial (see [`report_denied`]), with what it knows: the lock's
/// end, a phone clock that is off.
pub fn report_attempt(attempted: &Attempted, ctx: &Context, username: &Username) -> u8 {
    let Verdict::Denied(reason) = attempted.verdict else { return crate::error::exit::FAILURE };
    if reason == DenyReason::InvalidCode && attempted.offered_recovery_code {
        // The app's next code is beside the point: a recovery code is one of a list.
        if ctx.out.json {
            let _ = ctx.out.document(&ui::signin::denied_json(username, reason));
        }
        let _ = ui::output::note(&format!(
            "clinic2fa: {}",
            ui::signin::recovery_code_refused_message(username)
        ));
        return reason.exit_code();
    }
    report(ctx, username, reason, attempted.account.as_ref(), attempted.clock_off_minutes)
}

/// Reports a refusal: the contract's JSON under `--json`, and one line on stderr. The
/// exit code carries the answer, so a reader that went away (a closed pipe) does not
/// turn a denial into a success: write errors are ignored here.
pub fn report_denied(
    ctx: &Context,
    username: &Username,
    reason: DenyReason,
    account: Option<&Account>,
) -> u8 {
    report(ctx, username, reason, account, None)
}

fn report(
    ctx: &Context,
    username: &Username,
    reason: DenyReason,
    account: Option<&Account>,
    clock_off_minutes: Option<i64>,
) -> u8 {
    if ctx.out.json {
        let _ = ctx.out.document(&ui::signin::denied_json(username, reason));
    }
    let locked_until = account.and_then(|a| a.locked_at(ctx.now));
    let message = match clock_off_minutes {
        Some(minutes) => ui::signin::clock_off_message(minutes),
        None => ui::signin::denial_message(reason, username, locked_until),
    };
    let _ = ui::output::note(&format!("clinic2fa: {message}"));
    reason.exit_code()
}

/// A refusal that is not a denial (exit 1), as an error for `main` to print.
pub fn refused(username: &Username, refusal: signin::Refusal) -> anyhow::Error {
    Error::Conflict(ui::signin::refusal_message(username, refusal)).into()
}

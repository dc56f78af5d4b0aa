//! The command line's door to the sign-in pipeline (`crate::pipeline`): the arguments
//! it takes a code from, the prompt it asks one at, and how a denial is shown.

use crate::cli::CodeInput;
use crate::commands::Context;
use crate::domain::account::Account;
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{self, DenyReason, Verdict};
use crate::domain::totp::Code;
use crate::domain::username::Username;
use crate::error::Error;
use crate::pipeline::{self, Step};
pub use crate::pipeline::{Attempted, Credential, Materials, Offered, Prepared, Request, Started};
use crate::store::Store;
use crate::ui::{self, prompt};

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

/// One attempt through the pipeline; at a terminal, a missing code is asked for and
/// offered, as often as the person leaves it out.
pub fn attempt(
    ctx: &Context,
    store: &mut Store,
    request: Request<'_>,
) -> anyhow::Result<Attempted> {
    let caller = pipeline::Caller { now: ctx.now, at_terminal: ctx.interactive };
    let mut step = pipeline::attempt(&caller, store, request)?;
    loop {
        match step {
            Step::Done(attempted) => return Ok(attempted),
            Step::NeedCode(awaiting) => {
                step = awaiting.offer(&caller, store, ask_for_second_factor()?)?;
            }
        }
    }
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

//! `enrol`, `unenrol` and `recovery-codes`: a person managing their own authenticator.
//! Each is one sign-in conversation with its purpose; what it may change is decided
//! there, and this module only shows the result.

use crate::cli::{EnrolArgs, OwnAccountArgs, UnenrolArgs};
use crate::commands::signin::{self, Attempted, Begin, Finished, Offered, SetUp};
use crate::commands::{Context, input};
use crate::domain::device::DeviceName;
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::totp::{self, Code};
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::ui::enrolment;

pub fn run(ctx: &Context, args: &EnrolArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let device = args.device.as_deref().map(DeviceName::parse).transpose()?;
    let confirm = args.confirm.as_deref().map(Code::parse).transpose()?;
    let offered = signin::offered_from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    // Confirming proves the new code, not a current one: nothing more to read for it.
    let (purpose, offered) = match confirm {
        Some(code) => (Purpose::EnrolConfirm, Offered::Totp(code)),
        None => (Purpose::Enrol, input::offered(ctx, offered)?),
    };
    let mut store = ctx.open_store()?;
    let begin = Begin::new(purpose, username.clone(), password, offered).on_device(device);
    let Finished { decided, set_up } = signin::converse(ctx, &mut store, begin)?;
    let decided = match signin::allowed(decided, ctx, &username)? {
        Ok(decided) => decided,
        Err(refused) => return Ok(refused),
    };
    match set_up {
        Some(SetUp::Done(codes)) => return show_enrolled(ctx, &username, &codes),
        Some(SetUp::Failed(reason)) => {
            return Ok(reason.unwrap_or(DenyReason::InvalidCode).exit_code());
        }
        None => {}
    }
    if let Some(codes) = &decided.issued_codes {
        return show_enrolled(ctx, &username, codes);
    }
    // Nobody at the terminal: the set-up is shown, and `--confirm` finishes it.
    let Some(started) = &decided.started else {
        anyhow::bail!("internal error: an enrolment was allowed but not started");
    };
    let issuer = &decided.clinic.name;
    if ctx.out.json {
        let uri = totp::otpauth_uri(issuer, &username, started.device, &started.secret);
        let json = enrolment::pending_json(&username, &started.secret, &uri, started.expires_at);
        ctx.out.document(&json)?;
        return Ok(exit::SUCCESS);
    }
    signin::show_started(ctx, issuer, &username, started)?;
    ctx.out.text(&format!(
        "\nThen finish with the code the app shows:\n    clinic2fa enrol {username} --confirm CODE"
    ))?;
    Ok(exit::SUCCESS)
}

fn show_enrolled(ctx: &Context, username: &Username, codes: &[RecoveryCode]) -> anyhow::Result<u8> {
    ctx.out.result(&enrolment::enrolled_json(username, codes), || {
        enrolment::enrolled_text(username, codes)
    })?;
    Ok(exit::SUCCESS)
}

/// `unenrol USERNAME [--device NAME]`: password and a current code, then that
/// authenticator is gone, or all of them and the recovery codes.
pub fn unenrol(ctx: &Context, args: &UnenrolArgs) -> anyhow::Result<u8> {
    let device = args.device.as_deref().map(DeviceName::parse).transpose()?;
    let what = if device.is_some() { "removing an authenticator" } else { "turning 2FA off" };
    let (username, decided) = match own_account(ctx, &args.own, Purpose::Unenrol, what, device)? {
        Ok(done) => done,
        Err(refused) => return Ok(refused),
    };
    // Still enrolled after: one of several went.
    let left = decided.account.as_ref().map_or(0, |a| a.authenticators).saturating_sub(1);
    match device {
        Some(device) if left > 0 => {
            ctx.out.result(&enrolment::device_removed_json(&username, device, left), || {
                enrolment::device_removed_text(&username, device, left)
            })?
        }
        _ => ctx.out.result(&enrolment::unenrolled_json(&username), || {
            enrolment::unenrolled_text(&username)
        })?,
    }
    Ok(exit::SUCCESS)
}

/// `recovery-codes USERNAME`: a fresh set; the old codes stop working.
pub fn regenerate(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let purpose = Purpose::RecoveryCodes;
    let (username, decided) = match own_account(ctx, args, purpose, "new recovery codes", None)? {
        Ok(done) => done,
        Err(refused) => return Ok(refused),
    };
    let Some(codes) = decided.issued_codes else {
        anyhow::bail!("internal error: new recovery codes were allowed but not issued");
    };
    ctx.out.result(&enrolment::recovery_codes_json(&username, &codes), || {
        enrolment::recovery_codes_text(&username, &codes)
    })?;
    Ok(exit::SUCCESS)
}

/// The shared front of `unenrol` and `recovery-codes`: the password and a current code.
/// `Err(exit code)` when refused, already reported.
fn own_account(
    ctx: &Context,
    args: &OwnAccountArgs,
    purpose: Purpose,
    what: &str,
    device: Option<DeviceName>,
) -> anyhow::Result<Result<(Username, Attempted), u8>> {
    let username = Username::parse(&args.username)?;
    let offered = signin::offered_from_args(&args.code)?;
    if matches!(offered, Some(Offered::Nothing)) && !ctx.interactive {
        return Err(Error::Usage(format!(
            "{what} needs a current code: pass --code CODE (or --recovery-code CODE)"
        ))
        .into());
    }
    let password = input::current_password(ctx, &args.password)?;
    let offered = input::offered(ctx, offered)?;
    let mut store = ctx.open_store()?;
    let begin = Begin::new(purpose, username.clone(), password, offered).on_device(device);
    let finished = signin::converse(ctx, &mut store, begin)?;
    Ok(signin::allowed(finished.decided, ctx, &username)?.map(|decided| (username, decided)))
}

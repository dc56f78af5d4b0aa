//! `enrol`, `unenrol` and `recovery-codes`: a person managing their own authenticator.
//! Each is one [`signin::attempt`] with its purpose; what it may change is decided
//! there, and this module only shows the result.

use crate::cli::{EnrolArgs, OwnAccountArgs};
use crate::commands::signin::{self, Credential, Materials, Offered, Prepared, Request, Started};
use crate::commands::{Context, input};
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose, Verdict};
use crate::domain::totp::{self, Code};
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::Store;
use crate::ui::output::note;
use crate::ui::{enrolment, prompt};

/// Interactive tries at typing the first code before giving up.
const CONFIRM_TRIES: u32 = 3;

pub fn run(ctx: &Context, args: &EnrolArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let confirm = args.confirm.as_deref().map(Code::parse).transpose()?;
    let offered = signin::offered_from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    // Confirming proves the new code, not a current one: nothing more to read for it.
    let (purpose, offered, materials) = match confirm {
        Some(code) => (Purpose::EnrolConfirm, Offered::Totp(code), Materials::default()),
        None => (
            Purpose::Enrol,
            input::offered(ctx, offered)?,
            Materials { started: Some(Started::new(ctx.now)?), ..Materials::default() },
        ),
    };
    let mut store = ctx.open_store()?;
    let request = Request {
        purpose,
        username: &username,
        credential: Credential::Password(&password),
        offered,
        materials,
    };
    let attempted =
        match signin::allowed(signin::attempt(ctx, &mut store, request)?, ctx, &username)? {
            Ok(attempted) => attempted,
            Err(refused) => return Ok(refused),
        };
    if let Some(codes) = &attempted.issued_codes {
        return show_enrolled(ctx, &username, codes);
    }
    let (Some(started), Some(checked)) = (&attempted.started, &attempted.password_hash) else {
        anyhow::bail!("internal error: an enrolment was allowed but not started");
    };
    let issuer = &attempted.clinic.name;
    if ctx.out.json && !ctx.interactive {
        let uri = totp::otpauth_uri(issuer, &username, &started.secret);
        let json = enrolment::pending_json(&username, &started.secret, &uri, started.expires_at);
        ctx.out.document(&json)?;
        return Ok(exit::SUCCESS);
    }
    show_started(ctx, issuer, &username, started)?;
    if !ctx.interactive {
        ctx.out.text(&format!(
            "\nThen finish with the code the app shows:\n    clinic2fa enrol {username} --confirm CODE"
        ))?;
        return Ok(exit::SUCCESS);
    }
    match confirm_at_terminal(ctx, &mut store, Purpose::EnrolConfirm, &username, checked, issuer)? {
        SetUp::Done(codes) => show_enrolled(ctx, &username, &codes),
        SetUp::Failed(reason) => Ok(reason.unwrap_or(DenyReason::InvalidCode).exit_code()),
    }
}

/// Setting up an authenticator right after a sign-in (within an enrolment grace, when
/// the person says yes): an `enrol` with the password the sign-in proved, shown and
/// confirmed at the terminal. The recovery codes once confirmed.
pub fn set_up_now(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    signed_in: &signin::Attempted,
) -> anyhow::Result<Option<Vec<RecoveryCode>>> {
    let Some(checked) = &signed_in.password_hash else { return Ok(None) };
    let request = Request {
        purpose: Purpose::Enrol,
        username,
        credential: Credential::Verified(checked),
        offered: Offered::Nothing,
        materials: Materials { started: Some(Started::new(ctx.now)?), ..Materials::default() },
    };
    let attempted = signin::attempt(ctx, store, request)?;
    let (Some(started), Some(checked)) = (&attempted.started, &attempted.password_hash) else {
        return Ok(None);
    };
    let issuer = &attempted.clinic.name;
    show_started(ctx, issuer, username, started)?;
    match confirm_at_terminal(ctx, store, Purpose::EnrolConfirm, username, checked, issuer)? {
        SetUp::Done(codes) => Ok(Some(codes)),
        SetUp::Failed(_) => Ok(None),
    }
}

/// QR code, setup key and link, for a person.
pub fn show_started(
    ctx: &Context,
    issuer: &str,
    username: &Username,
    started: &Started,
) -> anyhow::Result<()> {
    let uri = totp::otpauth_uri(issuer, username, &started.secret);
    let pending = enrolment::Pending {
        issuer,
        username,
        secret: &started.secret,
        uri: &uri,
        expires_at: started.expires_at,
    };
    let text = enrolment::pending_text(&pending, ctx.out.color, ctx.out.screen())?;
    ctx.out.text(&text)?;
    Ok(())
}

/// How a set-up at a terminal ended.
#[derive(Debug)]
pub enum SetUp {
    /// Confirmed: the recovery codes to show once.
    Done(Vec<RecoveryCode>),
    /// Not confirmed; the denial that ended it, when one did (a lockout).
    Failed(Option<DenyReason>),
}

/// Asks for the first code from the app (three tries) and confirms the pending secret,
/// each try one attempt of `purpose` (each wrong code counts toward the lockout).
pub fn confirm_at_terminal(
    ctx: &Context,
    store: &mut Store,
    purpose: Purpose,
    username: &Username,
    checked_hash: &str,
    issuer: &str,
) -> anyhow::Result<SetUp> {
    let mut ended_by = None;
    for _ in 0..CONFIRM_TRIES {
        let typed = prompt::code("Code shown in the app", |t| {
            Code::parse(t).map(|_| ()).map_err(|e| e.to_string())
        })?;
        let request = Request {
            purpose,
            username,
            credential: Credential::Verified(checked_hash),
            offered: Offered::Totp(Code::parse(&typed)?),
            materials: Materials::default(),
        };
        let attempted = signin::attempt(ctx, store, request)?;
        match (attempted.verdict, attempted.issued_codes) {
            (Verdict::Allowed { .. }, Some(codes)) => return Ok(SetUp::Done(codes)),
            (Verdict::Denied(DenyReason::InvalidCode), _) => match attempted.clock_off_minutes {
                Some(minutes) => note(&crate::ui::signin::clock_off_message(minutes))?,
                None => note(&format!(
                    "That code does not match. Check the app shows {issuer} ({username}) and type its newest code."
                ))?,
            },
            (Verdict::Denied(reason), _) => {
                ended_by = Some(reason);
                break;
            }
            _ => break,
        }
    }
    note(&format!(
        "clinic2fa: enrolment not confirmed; nothing changed for sign-in. Run `clinic2fa enrol {username}` to start again."
    ))?;
    Ok(SetUp::Failed(ended_by))
}

fn show_enrolled(ctx: &Context, username: &Username, codes: &[RecoveryCode]) -> anyhow::Result<u8> {
    ctx.out.result(&enrolment::enrolled_json(username, codes), || {
        enrolment::enrolled_text(username, codes)
    })?;
    Ok(exit::SUCCESS)
}

/// `unenrol USERNAME`: password and a current code, then the authenticator and its
/// recovery codes are gone.
pub fn unenrol(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let username = match own_account(ctx, args, Purpose::Unenrol, "turning 2FA off", None)? {
        Ok(attempted) => attempted,
        Err(refused) => return Ok(refused),
    };
    ctx.out
        .result(&enrolment::unenrolled_json(&username), || enrolment::unenrolled_text(&username))?;
    Ok(exit::SUCCESS)
}

/// `recovery-codes USERNAME`: a fresh set; the old codes stop working.
pub fn regenerate(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let prepared = Prepared::new()?;
    let codes = prepared.codes.clone();
    let purpose = Purpose::RecoveryCodes;
    let username = match own_account(ctx, args, purpose, "new recovery codes", Some(prepared))? {
        Ok(username) => username,
        Err(refused) => return Ok(refused),
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
    recovery_codes: Option<Prepared>,
) -> anyhow::Result<Result<Username, u8>> {
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
    let request = Request {
        purpose,
        username: &username,
        credential: Credential::Password(&password),
        offered,
        materials: Materials { recovery_codes, ..Materials::default() },
    };
    let attempted = signin::attempt(ctx, &mut store, request)?;
    Ok(signin::allowed(attempted, ctx, &username)?.map(|_| username))
}

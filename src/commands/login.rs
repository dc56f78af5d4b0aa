//! `login USERNAME`: one sign-in, by the rules of `domain::signin::decide`.
//!
//! At a terminal the sign-in goes on where the rules say so: a temporary password is
//! replaced at once, and a person who must set up an authenticator (2FA required and
//! none set up, or a bypass just spent) does so before the command ends.

use crate::cli::LoginArgs;
use crate::commands::enrol::{self, SetUp};
use crate::commands::signin::{self, Attempted, Credential, Materials, Request, Started};
use crate::commands::{Context, input};
use crate::domain::password;
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose, SecondFactor, Verdict, Via};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::exit;
use crate::store::Store;
use crate::ui::output::note;
use crate::ui::{enrolment, prompt, signin as shown};

pub fn run(ctx: &Context, args: &LoginArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = signin::offered_from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    let offered = input::offered(ctx, offered)?;
    let mut store = ctx.open_store()?;
    // At a terminal, set-up may follow at once: its secret is made ahead.
    let started = || ctx.interactive.then(|| Started::new(ctx.now)).transpose();
    let mut attempted = signin::attempt(
        ctx,
        &mut store,
        Request {
            purpose: Purpose::Login,
            username: &username,
            credential: Credential::Password(&password),
            offered: offered.clone(),
            materials: Materials { started: started()?, ..Materials::default() },
        },
    )?;
    // A temporary password: at a terminal, choose one now and carry on signing in.
    let mut purpose = Purpose::Login;
    let mut new_password_hash = None;
    if attempted.verdict == Verdict::Denied(DenyReason::PasswordChangeRequired) && ctx.interactive {
        note(&format!("The password of {username} was set for them: choose your own now."))?;
        let new = input::changed_password(ctx, &args.password, &username, Some(&password))?;
        purpose = Purpose::LoginReplacingPassword;
        new_password_hash = Some(password::hash(&new)?);
        attempted = again(
            ctx,
            &mut store,
            &username,
            &attempted,
            purpose,
            offered.clone(),
            &new_password_hash,
        )?;
    }
    // At a terminal a mistyped code is asked again, as enrolment does: three tries in
    // all, each wrong one counted toward the lockout like any other.
    let mut tries = 1;
    while attempted.verdict == Verdict::Denied(DenyReason::InvalidCode)
        && ctx.interactive
        && tries < CODE_TRIES
    {
        match attempted.clock_off_minutes {
            Some(minutes) => note(&shown::clock_off_message(minutes))?,
            None => {
                note("That code does not match, or was already used. Type the app's newest code.")?
            }
        }
        tries += 1;
        let offered = signin::Offered::Nothing; // asked for at the prompt
        attempted =
            again(ctx, &mut store, &username, &attempted, purpose, offered, &new_password_hash)?;
    }
    finish(ctx, &mut store, &username, attempted)
}

/// Tries at a code at a terminal before the login is refused.
const CODE_TRIES: u32 = 3;

/// The same sign-in again, in the same command: the password was proved against the
/// hash the last attempt checked.
fn again(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    last: &Attempted,
    purpose: Purpose,
    offered: signin::Offered,
    new_password_hash: &Option<String>,
) -> anyhow::Result<Attempted> {
    let checked = last.password_hash.clone().unwrap_or_default();
    signin::attempt(
        ctx,
        store,
        Request {
            purpose,
            username,
            credential: Credential::Verified(&checked),
            offered,
            materials: Materials {
                new_password_hash: new_password_hash.clone(),
                started: Some(Started::new(ctx.now)?),
                ..Materials::default()
            },
        },
    )
}

/// Shows the sign-in's result, going through set-up first where it was started.
fn finish(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    attempted: Attempted,
) -> anyhow::Result<u8> {
    match attempted.verdict {
        Verdict::Allowed { via, enrolment_required } => {
            if let (Via::RecoveryCode(_), Some(account)) = (via, &attempted.account) {
                warn_about_recovery_codes(username, account.recovery_codes_left.saturating_sub(1))?;
            }
            if let Some(due) = attempted.enrolment_due {
                return in_grace(ctx, store, username, &attempted, due);
            }
            // A bypass spent where 2FA applies: set up the new phone now, at a terminal.
            let (still_required, codes) = match set_up(ctx, store, username, &attempted)? {
                Some(SetUp::Done(codes)) => (false, Some(codes)),
                _ => (enrolment_required, None),
            };
            signed_in(ctx, username, via.second_factor(), still_required, codes.as_deref())
        }
        Verdict::Denied(DenyReason::EnrolmentRequired) => {
            match set_up(ctx, store, username, &attempted)? {
                Some(SetUp::Done(codes)) => {
                    signed_in(ctx, username, SecondFactor::Totp, false, Some(&codes))
                }
                Some(SetUp::Failed(Some(reason))) => {
                    Ok(signin::report_denied(ctx, username, reason, attempted.account.as_ref()))
                }
                Some(SetUp::Failed(None)) | None => Ok(signin::report_denied(
                    ctx,
                    username,
                    DenyReason::EnrolmentRequired,
                    attempted.account.as_ref(),
                )),
            }
        }
        Verdict::Denied(_) => Ok(signin::report_attempt(&attempted, ctx, username)),
        Verdict::Refused(refusal) => Err(signin::refused(username, refusal)),
    }
}

/// The set-up the decision started (at a terminal only), shown and confirmed.
fn set_up(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    attempted: &Attempted,
) -> anyhow::Result<Option<SetUp>> {
    let (Some(started), Some(checked)) = (&attempted.started, &attempted.password_hash) else {
        return Ok(None);
    };
    // Not shown is not signed in: a closed output here is a failure, never the quiet
    // exit 0 that a success's closed pipe gets.
    let shown = ctx
        .out
        .text(&format!(
            "Two-factor authentication is required for {username}. Set up your authenticator app now.\n"
        ))
        .map_err(anyhow::Error::from)
        .and_then(|()| enrol::show_started(ctx, &attempted.clinic.name, username, started));
    if let Err(e) = shown {
        anyhow::bail!("could not show the authenticator set-up: {e}");
    }
    enrol::confirm_at_terminal(
        ctx,
        store,
        Purpose::EnrolAtLogin,
        username,
        checked,
        &attempted.clinic.name,
    )
    .map(Some)
}

/// Signed in with the password alone, within the enrolment grace: at a terminal, the
/// offer to set up the app now, which the person may put off.
fn in_grace(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    attempted: &Attempted,
    due: Timestamp,
) -> anyhow::Result<u8> {
    let mut codes = None;
    if ctx.interactive {
        note(&shown::enrolment_due_text(username, due))?;
        if prompt::confirm("Set up your authenticator app now?")? {
            codes = enrol::set_up_now(ctx, store, username, attempted)?;
        }
    }
    if codes.is_some() {
        return signed_in(ctx, username, SecondFactor::None, false, codes.as_deref());
    }
    let json = shown::signed_in_json(username, SecondFactor::None, false, Some(due));
    ctx.out.result(&json, || {
        format!("Signed in as {username}.\n{}", shown::enrolment_due_text(username, due))
    })?;
    Ok(exit::SUCCESS)
}

fn signed_in(
    ctx: &Context,
    username: &Username,
    second_factor: SecondFactor,
    enrolment_required: bool,
    recovery_codes: Option<&[RecoveryCode]>,
) -> anyhow::Result<u8> {
    let json = shown::signed_in_json(username, second_factor, enrolment_required, None);
    ctx.out.result(&json, || {
        let mut text = format!("Signed in as {username}.");
        if let Some(codes) = recovery_codes {
            text = format!("{}\n\n{text}", enrolment::enrolled_text(username, codes));
        }
        if second_factor == SecondFactor::Bypass {
            text.push_str(
                "\nThis was the one-time sign-in without 2FA that an admin granted: it is used up.",
            );
            if enrolment_required {
                text.push_str(&format!(
                    " Set up your authenticator app now: `clinic2fa enrol {username}`."
                ));
            }
        }
        text
    })?;
    Ok(exit::SUCCESS)
}

/// Spending recovery codes means the phone is missing: say how many are left, and
/// loudly when none are.
fn warn_about_recovery_codes(username: &Username, left: u32) -> anyhow::Result<()> {
    let text = if left == 0 {
        format!(
            "warning: that was {username}'s last recovery code. Set up the authenticator again now (`clinic2fa enrol {username}`), or run `clinic2fa recovery-codes {username}` for a new set."
        )
    } else {
        format!(
            "note: recovery code used; {left} left. Run `clinic2fa enrol {username}` to set up a new phone."
        )
    };
    note(&text)?;
    Ok(())
}

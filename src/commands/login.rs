//! `login USERNAME`: one sign-in conversation (`crate::pipeline`), shown.
//!
//! At a terminal the conversation goes on where the rules say so (a temporary password
//! replaced, a mistyped code asked again, an authenticator set up before the person is
//! through); with nobody there its first attempt is its answer.

use crate::cli::LoginArgs;
use crate::commands::signin::{self, Begin, Finished, SetUp};
use crate::commands::{Context, input};
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{Purpose, SecondFactor, Verdict, Via};
use crate::domain::username::Username;
use crate::error::exit;
use crate::pipeline::Answered;
use crate::ui::output::note;
use crate::ui::{enrolment, signin as shown};

pub fn run(ctx: &Context, args: &LoginArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = signin::offered_from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    let offered = input::offered(ctx, offered)?;
    let mut store = ctx.open_store()?;
    let begin = Begin::new(Purpose::Login, username.clone(), password, offered);
    let finished = signin::converse(ctx, &mut store, begin)?;
    show(ctx, &username, finished)
}

/// The sign-in's result (`Finished::answer`, as every door answers), with the set-up
/// that followed it.
fn show(ctx: &Context, username: &Username, finished: Finished) -> anyhow::Result<u8> {
    let answer = finished.answer();
    let Finished { decided, set_up } = finished;
    let codes = match &set_up {
        Some(SetUp::Done(codes)) => Some(codes.as_slice()),
        _ => None,
    };
    match answer {
        Answered::SignedIn { second_factor, enrolment_required, enrolment_due } => {
            let spent_a_code =
                matches!(decided.verdict, Verdict::Allowed { via: Via::RecoveryCode(_), .. });
            if let (true, Some(account)) = (spent_a_code, &decided.account) {
                warn_about_recovery_codes(username, account.recovery_codes_left.saturating_sub(1))?;
            }
            if let Some(due) = enrolment_due {
                let json = shown::signed_in_json(username, second_factor, false, Some(due));
                ctx.out.result(&json, || {
                    format!(
                        "Signed in as {username}.\n{}",
                        shown::enrolment_due_text(username, due)
                    )
                })?;
                return Ok(exit::SUCCESS);
            }
            signed_in(ctx, username, second_factor, enrolment_required, codes)
        }
        // The attempt's own denial says what it knows (a phone clock that is off).
        Answered::Denied(reason) if decided.verdict == Verdict::Denied(reason) => {
            Ok(signin::report_attempt(&decided, ctx, username))
        }
        Answered::Denied(reason) => {
            Ok(signin::report_denied(ctx, username, reason, decided.account.as_ref()))
        }
        Answered::Refused(refusal) => Err(signin::refused(username, refusal)),
    }
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
        // (After a set-up at the prompt, the heading above it said so already.)
        if second_factor == SecondFactor::Bypass && recovery_codes.is_none() {
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

//! `login USERNAME`: one sign-in, by the rules of `domain::login::decide`.
//!
//! At a terminal, a person who must set up an authenticator (2FA required and none
//! set up, or a bypass just spent) goes straight through enrolment; from a script they
//! are told to run `clinic2fa enrol`.

use serde_json::json;

use crate::cli::LoginArgs;
use crate::commands::auth::{self, Attempted, Offered};
use crate::commands::{Context, enrol, input};
use crate::domain::account::Account;
use crate::domain::login::{self, DenyReason, SecondFactor, Via};
use crate::domain::password;
use crate::domain::recovery::RecoveryCode;
use crate::domain::username::Username;
use crate::error::exit;
use crate::store::{Store, accounts, audit};
use crate::ui::enrolment;
use crate::ui::output::note;

pub fn run(ctx: &Context, args: &LoginArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = Offered::from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    let mut store = ctx.open_store()?;
    let request = |rule, offered| auth::Request {
        username: &username,
        password: &password,
        offered,
        rule,
        action: "login",
    };
    let outcome =
        auth::attempt(ctx, &mut store, request(login::decide, offered.clone()), |tx, account| {
            accounts::record_login(tx, account, ctx.now)?;
            Ok(account.recovery_codes_left)
        })?;
    let outcome = match outcome {
        // A temporary password: at a terminal, choose one now and carry on signing in,
        // the change and the sign-in in one transaction.
        Attempted::Denied { reason: DenyReason::PasswordChangeRequired, account: Some(_) }
            if ctx.interactive =>
        {
            note(&format!("The password of {username} was set for them: choose your own now."))?;
            let new = input::changed_password(ctx, &args.password, &username, Some(&password))?;
            let phc = password::hash(&new)?;
            drop(new);
            let rule = login::decide_with_new_password;
            auth::attempt(ctx, &mut store, request(rule, offered), |tx, account| {
                accounts::set_password_hash(tx, account, &phc, false)?;
                accounts::record_login(tx, account, ctx.now)?;
                Ok(account.recovery_codes_left)
            })?
        }
        other => other,
    };
    match outcome {
        Attempted::Passed { account, via, enrolment_required, value: codes_left_before } => {
            if matches!(via, Via::RecoveryCode(_)) {
                warn_about_recovery_codes(&username, codes_left_before.saturating_sub(1))?;
            }
            // A bypass spent where 2FA applies: set up the new phone now, at a terminal.
            let mut still_required = enrolment_required;
            let mut codes = None;
            if enrolment_required && ctx.interactive {
                codes = enrol::enrol_at_login(ctx, &mut store, &account)?;
                still_required = codes.is_none();
            }
            signed_in(ctx, &username, via.second_factor(), still_required, codes.as_deref())
        }
        Attempted::Denied { reason: DenyReason::EnrolmentRequired, account: Some(account) }
            if ctx.interactive =>
        {
            match enrol::enrol_at_login(ctx, &mut store, &account)? {
                Some(codes) => {
                    record_login_after_enrolment(ctx, &mut store, &account)?;
                    signed_in(ctx, &username, SecondFactor::Totp, false, Some(&codes))
                }
                None => auth::report_denied(
                    ctx,
                    &username,
                    DenyReason::EnrolmentRequired,
                    Some(&account),
                ),
            }
        }
        Attempted::Denied { reason, account } => {
            auth::report_denied(ctx, &username, reason, account.as_ref())
        }
    }
}

/// The sign-in that rule 5 refused until the person enrolled: they have now proved a
/// code from their new authenticator, so it succeeds.
fn record_login_after_enrolment(
    ctx: &Context,
    store: &mut Store,
    account: &Account,
) -> anyhow::Result<()> {
    store.write(|tx| {
        accounts::record_login(tx, account, ctx.now)?;
        audit::record(
            tx,
            &audit::Entry {
                at: ctx.now,
                actor: account.username.as_str(),
                action: "login",
                subject: Some(account.username.as_str()),
                outcome: "success",
                detail: Some("totp (enrolled at login)"),
            },
        )
    })
}

fn signed_in(
    ctx: &Context,
    username: &Username,
    second_factor: SecondFactor,
    enrolment_required: bool,
    recovery_codes: Option<&[RecoveryCode]>,
) -> anyhow::Result<u8> {
    let json = json!({
        "username": username.as_str(),
        "result": "success",
        "second_factor": second_factor.as_str(),
        "enrolment_required": enrolment_required,
    });
    ctx.out.result(&json, || {
        let mut text = format!("Signed in as {username}.");
        if let Some(codes) = recovery_codes {
            text = format!("{}\n\n{text}", enrolment::enrolled_text(username, codes));
        }
        if second_factor == SecondFactor::Bypass && enrolment_required {
            text.push_str(&format!(
                "\nThis was a one-time sign-in without 2FA. Set up your authenticator app now: `clinic2fa enrol {username}`."
            ));
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

//! `login USERNAME`: gathers the facts, lets `domain::login::decide` rule, applies the
//! outcome to the account and the audit trail, and reports it.

use serde_json::json;

use crate::cli::LoginArgs;
use crate::commands::{Context, input};
use crate::domain::account::Account;
use crate::domain::login::{self, Attempt, Decision, DenyReason};
use crate::domain::password;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::store::{self, accounts, audit};
use crate::ui::output::note;

pub fn run(ctx: &Context, args: &LoginArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let secret = input::current_password(ctx, &args.password)?;
    let mut store = ctx.open_store()?;

    // The slow part, outside any transaction: one argon2 verification, against a
    // dummy hash when there is no such account so timing reveals nothing.
    let seen = accounts::find(store.conn(), &username)?;
    let password_ok = match &seen {
        Some(account) => password::verify(&secret, &account.password_hash),
        None => password::verify_dummy(&secret),
    };
    drop(secret);

    let (decision, account) = store.write(|tx| {
        // Decide on the row as it is now, inside the write lock: a concurrent login
        // may have counted a failure or locked the account meanwhile.
        let account = accounts::find(tx, &username)?;
        let same_password = account
            .as_ref()
            .zip(seen.as_ref())
            .is_some_and(|(now, before)| now.password_hash == before.password_hash);
        let clinic = store::clinic::get(tx)?;
        let decision = login::decide(&Attempt {
            account: account.as_ref(),
            password_ok: password_ok && same_password,
            clinic: &clinic,
            now: ctx.now,
        });
        apply(tx, &username, account.as_ref(), &decision, &clinic, ctx.now)?;
        Ok((decision, account))
    })?;
    report(ctx, &username, account.as_ref(), &decision)
}

/// Records the outcome on the account (failure count, lockout, last login) and in the
/// audit trail.
fn apply(
    tx: &rusqlite::Connection,
    username: &Username,
    account: Option<&Account>,
    decision: &Decision,
    clinic: &Clinic,
    now: Timestamp,
) -> anyhow::Result<()> {
    let log = |action: &str, outcome: &str, detail: Option<&str>| {
        audit::record(
            tx,
            &audit::Entry {
                at: now,
                actor: username.as_str(),
                action,
                subject: Some(username.as_str()),
                outcome,
                detail,
            },
        )
    };
    match (decision, account) {
        (Decision::Success { second_factor, .. }, Some(account)) => {
            accounts::record_login(tx, account, now)?;
            log("login", "success", Some(second_factor.as_str()))?;
        }
        (Decision::Denied { reason, counts_as_failure }, account) => {
            log("login", "denied", Some(reason.as_str()))?;
            if let (true, Some(account)) = (*counts_as_failure, account) {
                let failures = accounts::count_failure(tx, account)?;
                if let Some(until) = login::lockout_after(failures, clinic, now) {
                    accounts::lock(tx, account, until)?;
                    log("lockout", "locked", Some(&format!("until {until}")))?;
                }
            }
        }
        (Decision::Success { .. }, None) => unreachable!("success needs an account"),
    }
    Ok(())
}

fn report(
    ctx: &Context,
    username: &Username,
    account: Option<&Account>,
    decision: &Decision,
) -> anyhow::Result<u8> {
    match *decision {
        Decision::Success { second_factor, enrolment_required } => {
            let json = json!({
                "username": username.as_str(),
                "result": "success",
                "second_factor": second_factor.as_str(),
                "enrolment_required": enrolment_required,
            });
            ctx.out.result(&json, || format!("Signed in as {username}."))?;
            Ok(crate::error::exit::SUCCESS)
        }
        Decision::Denied { reason, .. } => {
            if ctx.out.json {
                ctx.out.document(&json!({
                    "username": username.as_str(),
                    "result": "denied",
                    "reason": reason.as_str(),
                }))?;
            }
            note(&format!("clinic2fa: {}", denial_message(reason, username, account, ctx.now)))?;
            Ok(reason.exit_code())
        }
    }
}

/// One line saying why, and what to do about it.
fn denial_message(
    reason: DenyReason,
    username: &Username,
    account: Option<&Account>,
    now: Timestamp,
) -> String {
    match reason {
        DenyReason::InvalidCredentials => {
            "sign-in denied: unknown username or wrong password".to_owned()
        }
        DenyReason::Locked => {
            let until = account
                .and_then(|a| a.locked_at(now))
                .map_or_else(String::new, |t| format!(" until {t}"));
            format!(
                "sign-in denied: {username} is locked{until} after too many failed attempts; an admin can run `clinic2fa user unlock {username}`"
            )
        }
        DenyReason::CodeRequired => {
            format!(
                "sign-in denied: {username} needs a code from their authenticator app: pass --code CODE"
            )
        }
        DenyReason::InvalidCode => "sign-in denied: wrong or already used code".to_owned(),
        DenyReason::EnrolmentRequired => format!(
            "sign-in denied: {username} must set up two-factor authentication first: run `clinic2fa enrol {username}`"
        ),
        DenyReason::PasswordChangeRequired => format!(
            "sign-in denied: {username} must choose a new password first: run `clinic2fa passwd {username}`"
        ),
    }
}

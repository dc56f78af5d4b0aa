//! Authenticating a member of staff, for `login` and for the commands that change
//! their own 2FA. The rules are the domain's (`domain::login`); this module gathers
//! the facts for them, applies the outcome (failure count, lockout, used codes, audit)
//! and runs the command's own change in the same transaction.

use crate::store::Db;
use zeroize::Zeroizing;

use crate::cli::CodeInput;
use crate::commands::Context;
use crate::domain::account::Account;
use crate::domain::login::{self, Attempt, Decision, DenyReason, Proof, Via};
use crate::domain::password;
use crate::domain::recovery::RecoveryCode;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::domain::totp::{self, Code};
use crate::domain::username::Username;
use crate::error::Error;
use crate::store::{self, Store, accounts, audit, authenticators, recovery_codes};
use crate::ui::prompt;

/// The second factor a person offered.
#[derive(Debug, Clone)]
pub enum Offered {
    Nothing,
    Totp(Code),
    RecoveryCode(RecoveryCode),
}

impl Offered {
    /// From `--code` / `--recovery-code`, checked for form before anything else runs.
    pub fn from_args(input: &CodeInput) -> Result<Offered, Error> {
        match (&input.code, &input.recovery_code) {
            (Some(code), _) => Ok(Offered::Totp(Code::parse(code)?)),
            (None, Some(code)) => Ok(Offered::RecoveryCode(RecoveryCode::parse(code)?)),
            (None, None) => Ok(Offered::Nothing),
        }
    }

    /// What the person types at the prompt: a 6-digit code or a recovery code.
    fn from_prompt(typed: &str) -> Result<Offered, Error> {
        Code::parse(typed).map(Offered::Totp).or_else(|_| {
            RecoveryCode::parse(typed).map(Offered::RecoveryCode).map_err(|_| {
                Error::Usage(
                    "type the 6-digit code from the app, or a recovery code like abcd-efgh-ijkl-mnop"
                        .into(),
                )
            })
        })
    }
}

/// Which of the domain's rule lists applies.
pub type Rule = fn(&Attempt<'_>) -> Decision;

/// Who is signing in, with what, under which rules, for which action (audit name).
#[derive(Debug)]
pub struct Request<'a> {
    pub username: &'a Username,
    pub password: &'a Zeroizing<String>,
    pub offered: Offered,
    pub rule: Rule,
    pub action: &'a str,
}

/// How an attempt ended.
#[derive(Debug)]
pub enum Attempted<T> {
    /// Let in. `enrolment_required`: a bypass was spent where 2FA applies, so the
    /// person must set up a new authenticator.
    Passed {
        account: Account,
        via: Via,
        enrolment_required: bool,
        value: T,
    },
    Denied {
        reason: DenyReason,
        account: Option<Account>,
    },
}

/// One authentication: checks the password (outside any transaction: it is the slow
/// part), then inside one immediate transaction decides with `rule`, consumes what the
/// decision uses, records the outcome, and on success runs `then` with the account.
///
/// At a terminal, a missing code is asked for instead of refused.
pub fn attempt<T>(
    ctx: &Context,
    store: &mut Store,
    request: Request<'_>,
    mut then: impl FnMut(&Db<'_>, &Account) -> anyhow::Result<T>,
) -> anyhow::Result<Attempted<T>> {
    let Request { username, password, mut offered, rule, action } = request;
    // One argon2 verification, against a dummy hash for an unknown user so timing
    // does not reveal which accounts exist.
    let seen = accounts::find(store.conn(), username)?;
    let password_ok = match &seen {
        Some(account) => password::verify(password, &account.password_hash),
        None => password::verify_dummy(password),
    };
    loop {
        let recovery_match = match (&offered, &seen) {
            (Offered::RecoveryCode(code), Some(account)) if password_ok => {
                matching_recovery_code(&store.db(), account, code)?
            }
            _ => None,
        };
        let step = store.write(|tx| {
            // Decide on the account as it is now, inside the write lock: a concurrent
            // attempt may have used a code, counted a failure or locked it meanwhile.
            let account = accounts::find(tx, username)?;
            let unchanged = account
                .as_ref()
                .zip(seen.as_ref())
                .is_some_and(|(now, before)| now.password_hash == before.password_hash);
            let clinic = store::clinic::get(tx)?;
            let proof = match (&offered, &account) {
                (Offered::Nothing, _) => Proof::Nothing,
                (Offered::Totp(code), Some(account)) => {
                    Proof::Totp(matching_totp_step(tx, account, code, &clinic, ctx.now)?)
                }
                (Offered::Totp(_), None) => Proof::Totp(None),
                (Offered::RecoveryCode(_), _) => Proof::RecoveryCode(recovery_match),
            };
            let decision = rule(&Attempt {
                account: account.as_ref(),
                password_ok: password_ok && unchanged,
                proof,
                clinic: &clinic,
                now: ctx.now,
            });
            let ask_for_code =
                matches!(decision, Decision::Denied { reason: DenyReason::CodeRequired, .. })
                    && ctx.interactive;
            if ask_for_code {
                return Ok(None);
            }
            let target = Target { username, account, action };
            apply(ctx, tx, target, decision, &clinic, &mut then).map(Some)
        })?;
        match step {
            Some(outcome) => return Ok(outcome),
            None => offered = ask_for_second_factor()?,
        }
    }
}

fn ask_for_second_factor() -> anyhow::Result<Offered> {
    let typed = prompt::code("Code from your authenticator app (or a recovery code)", |t| {
        Offered::from_prompt(t).map(|_| ()).map_err(|e| e.to_string())
    })?;
    Ok(Offered::from_prompt(&typed)?)
}

/// The TOTP step the code matches on the account's active authenticator, if any.
fn matching_totp_step(
    conn: &Db<'_>,
    account: &Account,
    code: &Code,
    clinic: &Clinic,
    now: Timestamp,
) -> anyhow::Result<Option<u64>> {
    Ok(authenticators::active(conn, account)?.and_then(|active| {
        totp::matching_step(
            &active.secret,
            code,
            now,
            clinic.totp_window,
            Some(active.last_used_step),
        )
    }))
}

/// The unused recovery code this one matches (argon2 each, so outside the write lock).
fn matching_recovery_code(
    conn: &Db<'_>,
    account: &Account,
    code: &RecoveryCode,
) -> anyhow::Result<Option<i64>> {
    Ok(recovery_codes::unused(conn, account)?
        .into_iter()
        .find(|u| code.matches(&u.hash))
        .map(|u| u.id))
}

/// Whom a decision is about, and under which audit name.
struct Target<'a> {
    username: &'a Username,
    account: Option<Account>,
    action: &'a str,
}

/// Records the decision: failures counted (and lockout), codes consumed, the audit
/// entry, and on success the command's own change.
fn apply<T>(
    ctx: &Context,
    tx: &Db<'_>,
    target: Target<'_>,
    decision: Decision,
    clinic: &Clinic,
    then: &mut impl FnMut(&Db<'_>, &Account) -> anyhow::Result<T>,
) -> anyhow::Result<Attempted<T>> {
    let Target { username, account, action } = target;
    let log = |outcome: &str, detail: &str| {
        audit::record(
            tx,
            &audit::Entry {
                at: ctx.now,
                actor: username.as_str(),
                action,
                subject: Some(username.as_str()),
                outcome,
                detail: Some(detail),
            },
        )
    };
    let (account, via, enrolment_required) = match (decision, account) {
        (Decision::Success { via, enrolment_required }, Some(account)) => {
            (account, via, enrolment_required)
        }
        (Decision::Denied { reason, counts_as_failure }, account) => {
            log("denied", reason.as_str())?;
            if let (true, Some(account)) = (counts_as_failure, &account) {
                count_failure(ctx, tx, account, clinic)?;
            }
            return Ok(Attempted::Denied { reason, account });
        }
        (Decision::Success { .. }, None) => unreachable!("a success needs an account"),
    };
    // Consume what let them in. Inside the immediate transaction these cannot lose a
    // race, but the guarded updates make "exactly once" hold even if that changes: a
    // code used meanwhile is a used code; a bypass spent meanwhile is a conflict to
    // retry (the person offered no code, so "invalid-code" would be untrue).
    let consumed = match via {
        Via::Password => true,
        Via::Totp(step) => authenticators::use_step(tx, &account, step)?,
        Via::RecoveryCode(id) => recovery_codes::spend(tx, &account, id, ctx.now)?,
        Via::Bypass => {
            if !spend_bypass(ctx, tx, &account)? {
                return Err(Error::Conflict(format!(
                    "the one-time bypass of {username} was used by another sign-in at the same moment: sign in again"
                ))
                .into());
            }
            true
        }
    };
    if !consumed {
        log("denied", DenyReason::InvalidCode.as_str())?;
        count_failure(ctx, tx, &account, clinic)?;
        return Ok(Attempted::Denied { reason: DenyReason::InvalidCode, account: Some(account) });
    }
    accounts::reset_failures(tx, &account)?;
    log("success", via.second_factor().as_str())?;
    let value = then(tx, &account)?;
    Ok(Attempted::Passed { account, via, enrolment_required, value })
}

/// Spends the bypass and, at that moment, removes the old authenticator and its
/// recovery codes: whoever has the lost phone can no longer use it.
fn spend_bypass(ctx: &Context, tx: &Db<'_>, account: &Account) -> anyhow::Result<bool> {
    if !accounts::spend_bypass(tx, account, ctx.now)? {
        return Ok(false);
    }
    authenticators::remove(tx, account)?;
    recovery_codes::remove_all(tx, account)?;
    audit::record(
        tx,
        &audit::Entry {
            at: ctx.now,
            actor: account.username.as_str(),
            action: "bypass.use",
            subject: Some(account.username.as_str()),
            outcome: "spent",
            detail: Some(if account.enrolled {
                "authenticator removed"
            } else {
                "no authenticator"
            }),
        },
    )?;
    Ok(true)
}

fn count_failure(
    ctx: &Context,
    tx: &Db<'_>,
    account: &Account,
    clinic: &Clinic,
) -> anyhow::Result<()> {
    let failures = accounts::count_failure(tx, account)?;
    if let Some(until) = login::lockout_after(failures, clinic, ctx.now) {
        accounts::lock(tx, account, until)?;
        audit::record(
            tx,
            &audit::Entry {
                at: ctx.now,
                actor: account.username.as_str(),
                action: "lockout",
                subject: Some(account.username.as_str()),
                outcome: "locked",
                detail: Some(&format!("until {until}")),
            },
        )?;
    }
    Ok(())
}

/// One line saying why a person was refused, and what to do about it.
pub fn denial_message(
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
        DenyReason::CodeRequired => format!(
            "sign-in denied: {username} needs a code from their authenticator app: pass --code CODE (or --recovery-code CODE)"
        ),
        DenyReason::InvalidCode => {
            "sign-in denied: wrong or already used code; wait for the app's next code and try again"
                .to_owned()
        }
        DenyReason::EnrolmentRequired => format!(
            "sign-in denied: {username} must set up two-factor authentication first: run `clinic2fa enrol {username}`"
        ),
        DenyReason::PasswordChangeRequired => format!(
            "sign-in denied: {username} must choose a new password first: run `clinic2fa passwd {username}`"
        ),
    }
}

/// Reports a refusal: the contract's JSON under `--json`, and one line on stderr.
pub fn report_denied(
    ctx: &Context,
    username: &Username,
    reason: DenyReason,
    account: Option<&Account>,
) -> anyhow::Result<u8> {
    if ctx.out.json {
        ctx.out.document(&serde_json::json!({
            "username": username.as_str(),
            "result": "denied",
            "reason": reason.as_str(),
        }))?;
    }
    crate::ui::output::note(&format!(
        "clinic2fa: {}",
        denial_message(reason, username, account, ctx.now)
    ))?;
    Ok(reason.exit_code())
}

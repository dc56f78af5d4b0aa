//! `login USERNAME`: one sign-in, by the rules of `domain::login::decide`.

use serde_json::json;

use crate::cli::LoginArgs;
use crate::commands::auth::{self, Attempted, Offered};
use crate::commands::{Context, input};
use crate::domain::login;
use crate::domain::username::Username;
use crate::error::exit;
use crate::store::accounts;
use crate::ui::output::note;

pub fn run(ctx: &Context, args: &LoginArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = Offered::from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    let mut store = ctx.open_store()?;
    let outcome = auth::attempt(
        ctx,
        &mut store,
        auth::Request {
            username: &username,
            password: &password,
            offered,
            rule: login::decide,
            action: "login",
        },
        |tx, account| {
            accounts::record_login(tx, account, ctx.now)?;
            Ok(account.recovery_codes_left)
        },
    )?;
    match outcome {
        Attempted::Passed { via, value: codes_left_before, .. } => {
            let json = json!({
                "username": username.as_str(),
                "result": "success",
                "second_factor": via.second_factor().as_str(),
                "enrolment_required": false,
            });
            ctx.out.result(&json, || format!("Signed in as {username}."))?;
            if matches!(via, login::Via::RecoveryCode(_)) {
                warn_about_recovery_codes(&username, codes_left_before.saturating_sub(1))?;
            }
            Ok(exit::SUCCESS)
        }
        Attempted::Denied { reason, account } => {
            auth::report_denied(ctx, &username, reason, account.as_ref())
        }
    }
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

//! `passwd USERNAME`: the current password (and a code if enrolled), then the new one,
//! saved by the sign-in pipeline's `SetPassword` effect once the person is proved
//! (hashed there before the write lock is taken: it is the slow part).

use crate::cli::OwnAccountArgs;
use crate::commands::signin::{self, Begin};
use crate::commands::{Context, input};
use crate::domain::signin::Purpose;
use crate::domain::username::Username;
use crate::error::exit;
use crate::ui;

pub fn run(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = signin::offered_from_args(&args.code)?;
    let current = input::current_password(ctx, &args.password)?;
    let new = input::changed_password(ctx, &args.password, &username, Some(&current))?;
    let offered = input::offered(ctx, offered)?;
    let mut store = ctx.open_store()?;
    let begin = Begin {
        purpose: Purpose::Passwd,
        username: username.clone(),
        password: current,
        offered,
        new_password: Some(new),
        device: None,
    };
    let finished = signin::converse(ctx, &mut store, begin)?;
    if let Err(refused) = signin::allowed(finished.decided, ctx, &username)? {
        return Ok(refused);
    }
    let json = ui::signin::password_changed_json(&username);
    ctx.out.result(&json, || format!("Password changed for {username}."))?;
    Ok(exit::SUCCESS)
}

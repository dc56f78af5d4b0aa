//! `user add | list | show | remove | disable | enable | set-password | set-role`.

use serde_json::{Value, json};

use crate::cli::UserCommand;
use crate::commands::{Context, audit_admin, input};
use crate::domain::account::Account;
use crate::domain::password;
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::{self, Store, accounts};
use crate::ui::{prompt, views};

pub fn run(ctx: &Context, cmd: UserCommand) -> anyhow::Result<u8> {
    match cmd {
        UserCommand::Add { username, name, role, two_factor, password } => {
            let username = Username::parse(&username)?;
            let name = person_name(name.as_deref())?;
            let mut store = ctx.open_store()?;
            // Refuse a taken username before asking for a password it would not use.
            accounts::ensure_free(store.conn(), &username)?;
            let secret = input::new_password(ctx, &password, &username)?;
            let phc = password::hash(&secret)?;
            let account = store.write(|tx| {
                let account = accounts::insert(
                    tx,
                    &accounts::NewAccount {
                        username: &username,
                        name: name.as_deref(),
                        role,
                        policy: two_factor,
                        password_hash: &phc,
                        created_at: ctx.now,
                    },
                )?;
                let detail = format!("role={role} 2fa={two_factor}");
                audit_admin(ctx, tx, "user.add", Some(username.as_str()), Some(&detail))?;
                Ok(account)
            })?;
            show_changed(
                ctx,
                &store,
                &account,
                &format!("Added {username} ({role}, 2FA: {two_factor})."),
            )
        }
        UserCommand::List => {
            let store = ctx.open_store()?;
            let clinic = store::clinic::get(store.conn())?;
            let all = accounts::list(store.conn())?;
            let json = Value::Array(
                all.iter().map(|a| views::account_json(a, &clinic, ctx.now)).collect(),
            );
            ctx.out.result(&json, || views::accounts_table(&all, &clinic, ctx.now))?;
            Ok(exit::SUCCESS)
        }
        UserCommand::Show { username } => {
            let username = Username::parse(&username)?;
            let store = ctx.open_store()?;
            let clinic = store::clinic::get(store.conn())?;
            let account = accounts::get(store.conn(), &username)?;
            ctx.out.result(&views::account_json(&account, &clinic, ctx.now), || {
                views::account_text(&account, &clinic, ctx.now)
            })?;
            Ok(exit::SUCCESS)
        }
        UserCommand::Remove { username, yes } => remove(ctx, &username, yes),
        UserCommand::Disable { username } => set_disabled(ctx, &username, true),
        UserCommand::Enable { username } => set_disabled(ctx, &username, false),
        UserCommand::SetPassword { username, password } => {
            let username = Username::parse(&username)?;
            let mut store = ctx.open_store()?;
            let account = accounts::get(store.conn(), &username)?;
            let secret = input::new_password(ctx, &password, &username)?;
            let phc = password::hash(&secret)?;
            let account = store.write(|tx| {
                accounts::set_password_hash(tx, &account, &phc)?;
                audit_admin(ctx, tx, "user.set-password", Some(username.as_str()), None)?;
                accounts::get(tx, &username)
            })?;
            show_changed(ctx, &store, &account, &format!("Password of {username} reset."))
        }
        UserCommand::SetRole { username, role } => {
            let username = Username::parse(&username)?;
            let mut store = ctx.open_store()?;
            let account = store.write(|tx| {
                let account = accounts::get(tx, &username)?;
                accounts::set_role(tx, &account, role)?;
                let detail = format!("role={role}");
                audit_admin(ctx, tx, "user.set-role", Some(username.as_str()), Some(&detail))?;
                accounts::get(tx, &username)
            })?;
            show_changed(ctx, &store, &account, &format!("{username} is now {role}."))
        }
    }
}

fn remove(ctx: &Context, username: &str, yes: bool) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let mut store = ctx.open_store()?;
    let account = accounts::get(store.conn(), &username)?;
    if !yes {
        if !ctx.interactive {
            return Err(Error::Usage(format!(
                "removing {username} needs confirmation and there is no terminal to ask on: pass --yes"
            ))
            .into());
        }
        if !prompt::confirm(&format!(
            "Remove {username} for good? Their sign-in and 2FA go with it"
        ))? {
            ctx.out.text("Nothing removed.")?;
            return Ok(exit::FAILURE);
        }
    }
    store.write(|tx| {
        accounts::remove(tx, &account)?;
        audit_admin(ctx, tx, "user.remove", Some(username.as_str()), None)
    })?;
    ctx.out.result(&json!({"username": username.as_str(), "removed": true}), || {
        format!("Removed {username}.")
    })?;
    Ok(exit::SUCCESS)
}

fn set_disabled(ctx: &Context, username: &str, disabled: bool) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let mut store = ctx.open_store()?;
    let action = if disabled { "user.disable" } else { "user.enable" };
    let account = store.write(|tx| {
        let account = accounts::get(tx, &username)?;
        accounts::set_disabled(tx, &account, disabled)?;
        audit_admin(ctx, tx, action, Some(username.as_str()), None)?;
        accounts::get(tx, &username)
    })?;
    let text = if disabled {
        format!("{username} is disabled and cannot sign in.")
    } else {
        format!("{username} is enabled and can sign in.")
    };
    show_changed(ctx, &store, &account, &text)
}

/// After a change: the account's JSON under `--json`, else one line for a person.
fn show_changed(ctx: &Context, store: &Store, account: &Account, text: &str) -> anyhow::Result<u8> {
    let clinic = store::clinic::get(store.conn())?;
    ctx.out.result(&views::account_json(account, &clinic, ctx.now), || text.to_owned())?;
    Ok(exit::SUCCESS)
}

/// A person's display name: trimmed, printable, at most 200 characters; blank is none.
fn person_name(name: Option<&str>) -> Result<Option<String>, Error> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if name.chars().any(char::is_control) || name.chars().count() > 200 {
        return Err(Error::Usage(format!(
            "invalid --name {name:?}: use at most 200 printable characters"
        )));
    }
    Ok(Some(name.to_owned()))
}

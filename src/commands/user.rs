//! `user add | list | show | remove | disable | enable | set-password | set-role`.

use crate::domain::audit::Action;
use crate::store::Db;
use serde_json::json;

use crate::cli::{TwoFactorCommand, UserCommand};
use crate::commands::{Context, audit_admin, input};
use crate::domain::account::Account;
use crate::domain::device::DeviceName;
use crate::domain::policy::Policy;
use crate::domain::username::Username;
use crate::domain::{duration, password};
use crate::error::{Error, exit};
use crate::store::{self, Store, accounts, authenticators, recovery_codes};
use crate::ui::{prompt, views};

pub fn run(ctx: &Context, cmd: UserCommand) -> anyhow::Result<u8> {
    match cmd {
        UserCommand::Add { username, name, role, two_factor, password } => {
            let username = Username::parse(&username)?;
            let name = person_name(name.as_deref())?;
            let mut store = ctx.open_store()?;
            // Refuse a taken username before asking for a password it would not use.
            accounts::ensure_free(&store.db(), &username)?;
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
                        temporary_password: false,
                        created_at: ctx.now,
                    },
                )?;
                let detail = format!("role={role} 2fa={two_factor}");
                audit_admin(ctx, tx, Action::UserAdd, Some(username.as_str()), Some(&detail))?;
                Ok(account)
            })?;
            show_changed(
                ctx,
                &store,
                &account,
                &format!("Added {username} ({role}, 2FA: {two_factor})."),
            )
        }
        UserCommand::List(args) => crate::commands::report::list(ctx, &args),
        UserCommand::Explain { username } => crate::commands::report::explain(ctx, &username),
        UserCommand::Show { username } => {
            let username = Username::parse(&username)?;
            let store = ctx.open_store()?;
            let clinic = store::clinic::get(&store.db())?;
            let account = accounts::get(&store.db(), &username)?;
            ctx.out.result(&views::account_json(&account, &clinic, ctx.now), || {
                views::account_text(&account, &clinic, ctx.now)
            })?;
            Ok(exit::SUCCESS)
        }
        UserCommand::Remove { username, yes } => remove(ctx, &username, yes),
        UserCommand::Disable { username } => {
            let apply = |tx: &Db<'_>, a: &Account| accounts::set_disabled(tx, a, true);
            change(
                ctx,
                &username,
                Action::UserDisable,
                None,
                apply,
                "{} is disabled and cannot sign in.",
            )
        }
        UserCommand::Enable { username } => {
            let apply = |tx: &Db<'_>, a: &Account| accounts::set_disabled(tx, a, false);
            change(
                ctx,
                &username,
                Action::UserEnable,
                None,
                apply,
                "{} is enabled and can sign in.",
            )
        }
        UserCommand::SetPassword { username, password } => {
            let username = Username::parse(&username)?;
            let mut store = ctx.open_store()?;
            accounts::get(&store.db(), &username)?;
            let secret = input::new_password(ctx, &password, &username)?;
            let phc = password::hash(&secret)?;
            let account = store.write(|tx| {
                let account = accounts::get(tx, &username)?;
                accounts::set_password_hash(tx, &account, &phc, true)?;
                audit_admin(ctx, tx, Action::UserSetPassword, Some(username.as_str()), None)?;
                accounts::get(tx, &username)
            })?;
            let text = format!(
                "Password of {username} reset. It is temporary: at their next sign-in they choose their own."
            );
            show_changed(ctx, &store, &account, &text)
        }
        UserCommand::Unlock { username } => {
            change(ctx, &username, Action::UserUnlock, None, accounts::unlock, "{} is unlocked.")
        }
        UserCommand::TwoFactor(TwoFactorCommand::Set { username, policy, until }) => {
            let until = until.as_deref().map(|w| duration::parse_until(w, ctx.now)).transpose()?;
            if until.is_some() && policy == Policy::ClinicDefault {
                return Err(Error::Usage(
                    "--until goes with required or exempt: clinic-default is what an override reverts to".into(),
                )
                .into());
            }
            let detail = match until {
                Some(t) => format!("2fa={policy} until {}", t.rfc3339()),
                None => format!("2fa={policy}"),
            };
            let apply =
                |tx: &Db<'_>, a: &Account| accounts::set_policy(tx, a, policy, until, ctx.now);
            let (store, account) =
                change_raw(ctx, &username, Action::User2faSet, Some(&detail), apply)?;
            let text = views::policy_set_text(&account, policy);
            show_changed(ctx, &store, &account, &text)
        }
        UserCommand::TwoFactor(TwoFactorCommand::List { username }) => {
            let username = Username::parse(&username)?;
            let store = ctx.open_store()?;
            let devices = store.snapshot(|db| {
                let account = accounts::get(db, &username)?;
                authenticators::list(db, &account)
            })?;
            ctx.out.result(&views::authenticators_json(&devices), || {
                views::authenticators_table(&username, &devices)
            })?;
            Ok(exit::SUCCESS)
        }
        UserCommand::TwoFactor(TwoFactorCommand::Remove { username, device }) => {
            remove_authenticator(ctx, &username, &device)
        }
        UserCommand::GrantBypass { username, expires_in } => {
            grant_bypass(ctx, &username, expires_in.as_deref())
        }
        UserCommand::Import { file, dry_run, format, passwords_out } => {
            let request = crate::commands::import::Request {
                file: &file,
                dry_run,
                format,
                passwords_out: passwords_out.as_deref(),
            };
            crate::commands::import::run(ctx, &request)
        }
        UserCommand::RevokeBypass { username } => revoke_bypass(ctx, &username),
        UserCommand::EnrolLink { username, expires_in } => {
            super::enrol_link::run(ctx, &username, expires_in.as_deref())
        }
        UserCommand::SetName { username, name } => {
            let name = person_name(Some(&name)).map_err(|_| {
                Error::Usage(format!(
                    "invalid name {}: use at most 200 printable characters",
                    crate::domain::text::shown(&name)
                ))
            })?;
            let apply = |tx: &Db<'_>, a: &Account| accounts::set_name(tx, a, name.as_deref());
            let text = match &name {
                Some(name) => format!("{{}} is now named {name}."),
                None => "{} has no name now.".to_owned(),
            };
            // The name is the person's, not a secret: the trail says what it became.
            let detail = name.as_deref().map(|n| format!("name={n}"));
            change(ctx, &username, Action::UserSetName, detail.as_deref(), apply, &text)
        }
        UserCommand::SetRole { username, role } => {
            let detail = format!("role={role}");
            let apply = |tx: &Db<'_>, a: &Account| accounts::set_role(tx, a, role, ctx.now);
            let text = format!("{{}} is now {role}.");
            change(ctx, &username, Action::UserSetRole, Some(&detail), apply, &text)
        }
    }
}

fn remove(ctx: &Context, username: &str, yes: bool) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let mut store = ctx.open_store()?;
    // An account that no longer verifies can still be removed (and added again).
    let account = accounts::find_unverified(&store.db(), &username)?.ok_or_else(|| {
        Error::NotFound(format!("no user \"{username}\": `clinic2fa user list` shows the accounts"))
    })?;
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
        audit_admin(ctx, tx, Action::UserRemove, Some(username.as_str()), None)
    })?;
    ctx.out.result(&json!({"username": username.as_str(), "removed": true}), || {
        format!("Removed {username}.")
    })?;
    Ok(exit::SUCCESS)
}

/// One admin change to one account, audited in the same transaction; then the account
/// is shown. `text` is the line for a person, with `{}` for the username.
fn change(
    ctx: &Context,
    username: &str,
    action: Action,
    detail: Option<&str>,
    apply: impl FnMut(&Db<'_>, &Account) -> anyhow::Result<()>,
    text: &str,
) -> anyhow::Result<u8> {
    let (store, account) = change_raw(ctx, username, action, detail, apply)?;
    let text = text.replace("{}", account.username.as_str());
    show_changed(ctx, &store, &account, &text)
}

/// The change itself: applied and audited in one transaction; the account after it.
fn change_raw(
    ctx: &Context,
    username: &str,
    action: Action,
    detail: Option<&str>,
    mut apply: impl FnMut(&Db<'_>, &Account) -> anyhow::Result<()>,
) -> anyhow::Result<(Store, Account)> {
    let username = Username::parse(username)?;
    let mut store = ctx.open_store()?;
    let account = store.write(|tx| {
        let account = accounts::get(tx, &username)?;
        apply(tx, &account)?;
        audit_admin(ctx, tx, action, Some(username.as_str()), detail)?;
        accounts::get(tx, &username)
    })?;
    Ok((store, account))
}

/// `user 2fa remove`: one lost device goes; the person's others, their override and
/// any bypass stay. The last one takes the recovery codes with it, as `unenrol` does.
fn remove_authenticator(ctx: &Context, username: &str, device: &str) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let device = DeviceName::parse(device)?;
    let mut store = ctx.open_store()?;
    let (account, left) = store.write(|tx| {
        let account = accounts::get(tx, &username)?;
        let devices = authenticators::list(tx, &account)?;
        if !devices.iter().any(|d| d.name == device) {
            let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
            return Err(Error::NotFound(match names.as_slice() {
                [] => format!("{username} has no authenticator set up: nothing to remove"),
                names => format!(
                    "{username} has no authenticator named {}: theirs are {} (`clinic2fa user 2fa list {username}`)",
                    crate::domain::text::shown(device.as_str()),
                    names.join(", ")
                ),
            })
            .into());
        }
        let detail = if devices.len() == 1 {
            authenticators::remove(tx, &account)?;
            recovery_codes::remove_all(tx, &account)?;
            format!("device {device} (the last: recovery codes removed)")
        } else {
            authenticators::remove_one(tx, &account, device)?;
            format!("device {device}")
        };
        audit_admin(ctx, tx, Action::User2faRemove, Some(username.as_str()), Some(&detail))?;
        let account = accounts::get(tx, &username)?;
        let left = authenticators::list(tx, &account)?;
        Ok((account, left))
    })?;
    let clinic = store::clinic::get(&store.db())?;
    let mut json = views::account_json(&account, &clinic, ctx.now);
    json["removed"] = json!(device.as_str());
    ctx.out
        .result(&json, || views::authenticator_removed_text(&username, device.as_str(), &left))?;
    Ok(exit::SUCCESS)
}

/// Withdraws a pending bypass, and says whether there was one (`revoked` in JSON).
fn revoke_bypass(ctx: &Context, username: &str) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let mut store = ctx.open_store()?;
    let (account, revoked) = store.write(|tx| {
        let account = accounts::get(tx, &username)?;
        let revoked = account.bypass_at(ctx.now).is_some();
        accounts::set_bypass(tx, &account, None)?;
        let detail = if revoked { "revoked" } else { "none pending" };
        audit_admin(ctx, tx, Action::UserRevokeBypass, Some(username.as_str()), Some(detail))?;
        Ok((accounts::get(tx, &username)?, revoked))
    })?;
    let clinic = store::clinic::get(&store.db())?;
    let mut json = views::account_json(&account, &clinic, ctx.now);
    json["revoked"] = json!(revoked);
    ctx.out.result(&json, || views::bypass_revoked_text(&username, revoked))?;
    Ok(exit::SUCCESS)
}

/// The "Disable two-factor authentication" checkbox: one login without 2FA, until the
/// expiry. The per-user policy is deliberately left as it is.
fn grant_bypass(ctx: &Context, username: &str, expires_in: Option<&str>) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let seconds = expires_in.map(duration::parse_bypass_duration).transpose()?;
    let mut store = ctx.open_store()?;
    let (account, clinic) = store.write(|tx| {
        let clinic = store::clinic::get(tx)?;
        let seconds = seconds.unwrap_or(i64::from(clinic.bypass_hours) * 3600);
        let until = ctx.now.plus_seconds(seconds);
        let account = accounts::get(tx, &username)?;
        accounts::set_bypass(tx, &account, Some(until))?;
        let detail = format!("until {until}");
        audit_admin(ctx, tx, Action::UserGrantBypass, Some(username.as_str()), Some(&detail))?;
        Ok((accounts::get(tx, &username)?, clinic))
    })?;
    let mut text = views::bypass_granted_text(&account, &clinic, ctx.now);
    if account.disabled {
        text.push_str(&format!(
            "\nNote: {username} is disabled and cannot sign in until `clinic2fa user enable {username}`."
        ));
    }
    if account.locked_at(ctx.now).is_some() {
        text.push_str(&format!(
            "\nNote: {username} is locked; `clinic2fa user unlock {username}` lets them in sooner."
        ));
    }
    ctx.out.result(&views::account_json(&account, &clinic, ctx.now), || text)?;
    Ok(exit::SUCCESS)
}

/// After a change: the account's JSON under `--json`, else one line for a person.
fn show_changed(ctx: &Context, store: &Store, account: &Account, text: &str) -> anyhow::Result<u8> {
    let clinic = store::clinic::get(&store.db())?;
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

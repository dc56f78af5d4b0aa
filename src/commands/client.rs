//! `client add | list | remove`: the applications allowed to call the sign-in
//! service's HTTP API.

use serde_json::json;

use crate::cli::ClientCommand;
use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::domain::client::ClientName;
use crate::error::{Error, exit};
use crate::store::clients;
use crate::ui::views;

pub fn run(ctx: &Context, command: ClientCommand) -> anyhow::Result<u8> {
    match command {
        ClientCommand::Add { name } => add(ctx, &name),
        ClientCommand::List => list(ctx),
        ClientCommand::Remove { name } => remove(ctx, &name),
    }
}

fn add(ctx: &Context, name: &str) -> anyhow::Result<u8> {
    let name = ClientName::parse(name)?;
    let mut store = ctx.open_store()?;
    let token = store.write(|tx| {
        let token = clients::add(tx, &name, ctx.now)?;
        audit_admin(ctx, tx, Action::ClientAdd, None, Some(&format!("client {name}")))?;
        Ok(token)
    })?;
    let json = json!({"name": name.as_str(), "token": token.expose()});
    ctx.out.result(&json, || views::client_added_text(&name, token.expose()))?;
    Ok(exit::SUCCESS)
}

fn list(ctx: &Context) -> anyhow::Result<u8> {
    let store = ctx.open_store()?;
    let all = clients::list(&store.db())?;
    ctx.out.result(&views::clients_json(&all), || views::clients_table(&all))?;
    Ok(exit::SUCCESS)
}

fn remove(ctx: &Context, name: &str) -> anyhow::Result<u8> {
    let name = ClientName::parse(name)?;
    let mut store = ctx.open_store()?;
    store.write(|tx| {
        if !clients::remove(tx, &name)? {
            return Err(Error::NotFound(format!(
                "there is no client named {name}: `clinic2fa client list` shows them"
            ))
            .into());
        }
        audit_admin(ctx, tx, Action::ClientRemove, None, Some(&format!("client {name}")))
    })?;
    let json = json!({"name": name.as_str(), "removed": true});
    ctx.out.result(&json, || {
        format!("Removed the client {name}: its token no longer signs anyone in.")
    })?;
    Ok(exit::SUCCESS)
}

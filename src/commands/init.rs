//! `init`: the one command that creates a database and its key file. Every other
//! command refuses a missing database, so a mistyped path never becomes a new, empty
//! clinic that a report would call compliant.

use serde_json::json;

use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::domain::settings::check_clinic_name;
use crate::error::exit;
use crate::store::{self, clinic};
use crate::ui::escape::for_terminal;
use crate::ui::output::note;

pub fn run(ctx: &Context, name: Option<&str>) -> anyhow::Result<u8> {
    let name = name.map(check_clinic_name).transpose()?;
    let created = store::create(&ctx.location, &ctx.key_file, ctx.pinned_clock, |tx| {
        if let Some(name) = &name {
            clinic::set_name(tx, name)?;
        }
        audit_admin(
            ctx,
            tx,
            Action::ClinicInit,
            None,
            name.as_deref().map(|n| format!("name={n}")).as_deref(),
        )
    })?;
    for warning in created.warnings.take() {
        ctx.warnings.push(warning);
    }
    // Opened as every later command will open it: the proof that it works.
    let store = ctx.open_store()?;
    let name = clinic::get(&store.db())?.name;
    let (db, key) = (&created.database, created.key_file.display());
    // On any stderr, not only a terminal: a provisioning log is where an admin finds it.
    note(&format!(
        "Created the database of {} at {db}\n\
         and its key file at {key}.\n\
         Back up the key file now, and keep it apart from the database's backups: it\n\
         encrypts the 2FA secrets and seals the audit trail, and without it neither can\n\
         be read. Whoever holds both can act as an admin.",
        for_terminal(&name)
    ))?;
    if ctx.out.json {
        ctx.out.document(&json!({
            "database": db.to_string(),
            "key_file": key.to_string(),
            "name": name,
        }))?;
    }
    Ok(exit::SUCCESS)
}

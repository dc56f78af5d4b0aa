//! `backup FILE`: a consistent copy of the database, taken while others work.

use std::path::Path;

use serde_json::json;

use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::error::exit;

pub fn run(ctx: &Context, file: &Path) -> anyhow::Result<u8> {
    let mut store = ctx.open_store()?;
    store.back_up_to(file)?;
    let shown = file.display().to_string();
    let key = store.key_path().display().to_string();
    store.write(|tx| audit_admin(ctx, tx, Action::Backup, None, Some(&shown)))?;
    let json = json!({"backup": shown, "key_file": key});
    ctx.out.result(&json, || {
        format!(
            "Backed up to {shown}.\nIt opens with the key file {}: keep a copy of that key file too, but never beside this backup.",
            key
        )
    })?;
    Ok(exit::SUCCESS)
}

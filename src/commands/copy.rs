//! `db copy --to TARGET`: the whole clinic into a new SQLite file or an empty
//! PostgreSQL database, to move engines or to keep a portable copy.

use std::path::Path;

use serde_json::json;

use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::error::exit;
use crate::store::{KeyFile, Location, copy};

pub fn run(ctx: &Context, to: &Path) -> anyhow::Result<u8> {
    let target = Location::parse(to.as_os_str())?;
    let mut store = ctx.open_store()?;
    let progress = crate::ui::progress::Progress::counting("copying rows");
    let copied = copy::copy(&store, &target, &|n| progress.add(n));
    progress.finish();
    let copied = copied?;
    let shown = target.to_string();
    store.write(|tx| audit_admin(ctx, tx, Action::DbCopy, None, Some(&format!("to {shown}"))))?;
    let counts: serde_json::Map<String, serde_json::Value> =
        copied.rows.iter().map(|(table, n)| ((*table).to_owned(), json!(n))).collect();
    let key = store.key_path().to_owned();
    // The copy keeps the clinic's id: where the target looks for its key by itself.
    let default = KeyFile::Default { data_home: super::data_home() };
    let found = default.place(&target, store.clinic_id()?.as_ref()).path;
    let json = json!({"to": shown, "rows": counts, "key_file": key.display().to_string()});
    ctx.out.result(&json, || {
        let accounts = copied.rows.iter().find(|(t, _)| *t == "accounts").map_or(0, |(_, n)| *n);
        let entries = copied.rows.iter().find(|(t, _)| *t == "audit_log").map_or(0, |(_, n)| *n);
        // The copy opens with the same key as the original: say where, and whether
        // the target finds it by itself.
        let opens = if found == key {
            let key = key.display();
            format!("It opens with the same key file, {key}, which --db {shown} finds by itself.")
        } else if matches!(target, Location::Server(_)) {
            // Where the server's default looks: a copy there, and the URL alone opens it.
            let (key, found) = (key.display(), found.display());
            format!(
                "It opens with the same key file, {key}: use --db {shown} --key-file {key}, or copy the key to {found} (`install -D -m 600 {key} {found}`) and --db {shown} finds it by itself."
            )
        } else {
            let key = key.display();
            format!("It opens with the same key file, {key}: use --db {shown} --key-file {key}.")
        };
        format!(
            "Copied {} to {shown}: {accounts} accounts and {entries} audit entries, from one snapshot.\n{opens}",
            store.location()
        )
    })?;
    Ok(exit::SUCCESS)
}

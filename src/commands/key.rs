//! `key rotate`: a new key for the database, the old one kept aside.
//!
//! The order makes a crash at any point leave a database that opens with exactly one of
//! the two key files, and the error names which: the new key is on disk (`KEY.new-…`)
//! before the database changes; the database changes in one transaction; then the old
//! key is linked to `KEY.old-…` and the new one renamed over `KEY` (a rename replaces in
//! one step).

use serde_json::json;

use crate::commands::{Context, audit_admin_entry};
use crate::domain::audit::Action;
use crate::domain::keys::MasterKey;
use crate::error::exit;
use crate::store::keyfile;

pub fn rotate(ctx: &Context) -> anyhow::Result<u8> {
    let mut store = ctx.open_store()?;
    let key = &store.key_path().to_owned();
    let aside = |what: &str| {
        let mut name = key.file_name().unwrap_or_default().to_owned();
        name.push(format!(".{what}-{}-{}", ctx.now.unix(), std::process::id()));
        key.with_file_name(name)
    };
    let (new_path, old_path) = (aside("new"), aside("old"));
    let new = MasterKey::generate()?;
    keyfile::write_new(&new_path, &new)?;
    let detail = format!("old key kept as {}", old_path.display());
    let entry = audit_admin_entry(ctx, Action::KeyRotate, None, Some(&detail));
    // At a million accounts the re-sealing is minutes: its stages, at a terminal.
    let progress =
        crate::ui::progress::Progress::new(crate::store::ROTATION_STEPS, "rotating the key");
    let rotated = store.rotate_key(&new.derive(), &entry, &|stage| progress.stage(stage));
    progress.finish();
    if let Err(e) = rotated {
        let _ = std::fs::remove_file(&new_path); // the database still has the old key
        return Err(e);
    }
    drop(store);
    // The old key stays readable by its owner alone, whatever the file's mode was.
    std::fs::hard_link(key, &old_path)
        .and_then(|()| {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&old_path, std::fs::Permissions::from_mode(0o600))
        })
        .and_then(|()| std::fs::rename(&new_path, key))
        .map_err(|e| {
            anyhow::anyhow!(
                "the database now has a new key, in {}, but it could not be put in place of {} ({e}): move it there by hand",
                new_path.display(),
                key.display()
            )
        })?;
    let json = json!({"key_file": key.display().to_string(), "old_key_file": old_path.display().to_string()});
    ctx.out.result(&json, || {
        format!(
            "New key in {}; every secret re-encrypted and the audit trail re-sealed.\n\
             The old key is kept as {}: back up the new key file (apart from the database), then destroy the old one.\n\
             Backups made before now still need the old key; a head written down from `audit head` before now still verifies.",
            key.display(),
            old_path.display()
        )
    })?;
    Ok(exit::SUCCESS)
}

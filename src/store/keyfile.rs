//! The key file: the clinic's master key, kept outside the database so a copy of the
//! database alone reveals no TOTP secret and cannot rewrite the audit trail.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::Context as _;

use crate::domain::keys::MasterKey;
use crate::error::Error;

/// Reads the key file; a missing or malformed one is an error naming it.
pub fn load(path: &Path) -> anyhow::Result<MasterKey> {
    let text = match fs::read_to_string(path) {
        Ok(text) => zeroize::Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing(path).into()),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("could not read the key file {}", path.display()));
        }
    };
    MasterKey::from_file_text(&text).ok_or_else(|| {
        Error::Database(format!(
            "{} is not a clinic2fa key file: restore the key file from your backup, or give --key-file (or CLINIC2FA_KEY_FILE) naming where it is",
            path.display()
        ))
        .into()
    })
}

/// Writes `key` to a new file at `path` (never over one), readable by its owner alone,
/// and on disk before this returns.
pub fn write_new(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not create the key file {}", path.display()))?;
    file.write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("could not write the key file {}", path.display()))
}

/// Among the files beside `key_path` named after it (`KEY.new-…`, `KEY.old-…`, what a
/// key rotation leaves), the one whose key the database's `check` matches.
pub fn fitting_sibling(key_path: &Path, check: &[u8]) -> Option<std::path::PathBuf> {
    let name = key_path.file_name()?.to_string_lossy().into_owned();
    let dir = key_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::read_dir(dir).ok()?.filter_map(Result::ok).map(|e| e.path()).find(|candidate| {
        candidate.file_name().is_some_and(|n| {
            n.to_string_lossy().strip_prefix(&name).is_some_and(|rest| rest.starts_with('.'))
        }) && load(candidate).is_ok_and(|key| key.derive().matches_check(check))
    })
}

/// Among the other key files in `key_path`'s folder (`*.key`), the one whose key the
/// database's `check` matches: the same clinic's key, made when its address was spelt
/// another way (`localhost` for `127.0.0.1`, a pooler's port for the server's).
pub fn fitting_elsewhere(key_path: &Path, check: &[u8]) -> Option<std::path::PathBuf> {
    let dir = key_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p != key_path && p.extension().is_some_and(|x| x == "key"))
        .take(1000)
        .find(|candidate| load(candidate).is_ok_and(|key| key.derive().matches_check(check)))
}

pub fn missing(path: &Path) -> Error {
    Error::Database(format!(
        "the key file {} is missing: the database's 2FA secrets and audit trail need it. Restore it from your backup, or give --key-file (or CLINIC2FA_KEY_FILE) naming where it is",
        path.display()
    ))
}

/// Creates a new key file with a new key, readable by its owner alone (`init`, the
/// upgrade that introduced encryption). A new key is never made for a database that
/// already relies on one; `key rotate` replaces one deliberately.
pub fn create(path: &Path) -> anyhow::Result<MasterKey> {
    let key = MasterKey::generate()?;
    write_new(path, &key)?;
    Ok(key)
}

/// A warning when a file holding secrets is readable by group or others; the caller
/// shows it (the store never prints).
pub fn exposure(path: &Path, what: &str) -> Option<String> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: the {what} {} can be read by other users (mode {mode:03o}): run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

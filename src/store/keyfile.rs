//! The key file: the clinic's master key, kept outside the database so a copy of the
//! database alone reveals no TOTP secret and cannot rewrite the audit trail.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::domain::keys::MasterKey;
use crate::error::Error;
use crate::store::Location;

/// Where the key file is: the one `--key-file` (`CLINIC2FA_KEY_FILE`) names, or the
/// database's default, which for a server is only known once it is open.
#[derive(Debug, Clone)]
pub enum KeyFile {
    Named(PathBuf),
    /// `<database>.key` beside a SQLite file; for a server, `clinic-ID.key` in
    /// `data_home`'s clinic2fa folder, ID being the clinic's (see [`ClinicId`]).
    Default {
        data_home: Option<PathBuf>,
    },
}

/// A clinic's id: random, made at `init`, kept in the clinic row and by every copy of
/// it. A server's default key file is named by it, so the clinic finds its key however
/// its address is written (`localhost` or `127.0.0.1`, the server's port or a
/// pooler's), where a name made from the address found it only as it was first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicId(String);

impl ClinicId {
    /// 64 random bits: unique among the clinics whose keys share a folder.
    pub fn generate() -> anyhow::Result<ClinicId> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        Ok(ClinicId(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// Only what [`ClinicId::generate`] makes, 16 lowercase hex digits: the id becomes
    /// part of a file name, and one written into the database by hand must not lead
    /// anywhere else (`../`).
    pub fn parse(text: &str) -> Option<ClinicId> {
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        (text.len() == 16 && text.chars().all(hex)).then(|| ClinicId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a clinic's key file was looked for, and found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPlace {
    pub path: PathBuf,
    /// Found under the name of the address the clinic was made through (before clinic
    /// ids): the name that every address finds.
    pub rename_to: Option<PathBuf>,
}

impl KeyFile {
    /// The key file of the database at `location`, whose clinic id is `id` (`None` for
    /// a schema from before ids). A server's key made before ids is named after the
    /// address it was made through: it is still found there, and said so.
    pub fn place(&self, location: &Location, id: Option<&ClinicId>) -> KeyPlace {
        let found = |path: PathBuf| KeyPlace { path, rename_to: None };
        match (self, location) {
            (KeyFile::Named(path), _) => found(path.clone()),
            (KeyFile::Default { .. }, Location::File(_)) => found(self.new_path(location, id)),
            (KeyFile::Default { data_home }, Location::Server(target)) => {
                let by_address = key_folder(data_home.as_deref()).join(target.key_file_name());
                let Some(id) = id else { return found(by_address) };
                let by_id = self.new_path(location, Some(id));
                if by_id.exists() || !by_address.exists() {
                    found(by_id)
                } else {
                    KeyPlace { path: by_address, rename_to: Some(by_id) }
                }
            }
        }
    }

    /// Where a new clinic's key file goes (`init`): never under an old name.
    pub fn new_path(&self, location: &Location, id: Option<&ClinicId>) -> PathBuf {
        match (self, location) {
            (KeyFile::Named(path), _) => path.clone(),
            (KeyFile::Default { .. }, Location::File(path)) => {
                let mut name = path.file_name().unwrap_or_default().to_owned();
                name.push(".key");
                path.with_file_name(name)
            }
            (KeyFile::Default { data_home }, Location::Server(target)) => {
                let name = match id {
                    Some(id) => format!("clinic-{}.key", id.as_str()),
                    None => target.key_file_name(),
                };
                key_folder(data_home.as_deref()).join(name)
            }
        }
    }

    /// Whether finding the file needs the clinic's id from the database.
    pub fn needs_id(&self, location: &Location) -> bool {
        matches!((self, location), (KeyFile::Default { .. }, Location::Server(_)))
    }
}

/// A server's key files: the data folder's clinic2fa folder, else the current one.
fn key_folder(data_home: Option<&Path>) -> PathBuf {
    data_home.map_or_else(PathBuf::new, |d| d.join("clinic2fa"))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> Location {
        Location::parse(std::ffi::OsStr::new(url)).unwrap()
    }

    #[test]
    fn only_an_id_clinic2fa_makes_is_taken() {
        let made = ClinicId::generate().unwrap();
        assert_eq!(ClinicId::parse(made.as_str()), Some(made.clone()));
        assert_ne!(ClinicId::generate().unwrap(), made);
        for bad in
            ["", "../../etc/passwd", "0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0"]
        {
            assert_eq!(ClinicId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_server_s_key_is_found_by_the_clinic_s_id_whatever_the_address() {
        let dir = tempfile::tempdir().unwrap();
        let default = KeyFile::Default { data_home: Some(dir.path().to_owned()) };
        let id = ClinicId::parse("00112233445566ff").unwrap();
        let by_id = dir.path().join("clinic2fa/clinic-00112233445566ff.key");
        for url in ["postgres://a@localhost/c", "postgres://a@127.0.0.1:6432/c"] {
            let place = default.place(&server(url), Some(&id));
            assert_eq!(place, KeyPlace { path: by_id.clone(), rename_to: None }, "{url}");
        }
        // A key made before ids, under its address's name: found there, until renamed.
        let localhost = server("postgres://a@localhost/c");
        let by_address = dir.path().join("clinic2fa/postgres-localhost-5432-c.key");
        std::fs::create_dir_all(by_address.parent().unwrap()).unwrap();
        std::fs::write(&by_address, "").unwrap();
        assert_eq!(default.place(&localhost, None).path, by_address);
        assert_eq!(
            default.place(&localhost, Some(&id)),
            KeyPlace { path: by_address.clone(), rename_to: Some(by_id.clone()) }
        );
        std::fs::write(&by_id, "").unwrap();
        assert_eq!(default.place(&localhost, Some(&id)).path, by_id);
        // Named, or beside a file: the id plays no part.
        let named = KeyFile::Named(PathBuf::from("/safe/k.key"));
        assert_eq!(named.place(&localhost, Some(&id)).path, PathBuf::from("/safe/k.key"));
        let file = Location::File(dir.path().join("c.db"));
        assert_eq!(default.place(&file, Some(&id)).path, dir.path().join("c.db.key"));
        assert_eq!(default.new_path(&localhost, Some(&id)), by_id, "init never takes an old name");
    }
}

//! One module per command group. Each handler turns arguments into domain calls inside
//! one store transaction and prints the result; the rules themselves live in `domain`.

mod audit;
mod backup;
mod client;
mod clinic;
mod completions;
mod copy;
mod enrol;
mod enrol_link;
mod import;
mod init;
mod input;
mod key;
mod login;
mod passwd;
mod report;
mod signin;
mod user;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, ColorChoice, Command, GlobalOptions};
use crate::domain::audit::Action;
use crate::domain::time::Timestamp;
use crate::error::{Error, exit};
use crate::store::{Db, KeyFile, Location, Store};
use crate::ui::output::{Output, note};

/// What every command needs to know about this run.
#[derive(Debug)]
pub struct Context {
    /// The database: a SQLite file or a PostgreSQL URL.
    pub location: Location,
    /// The master key: `--key-file` (`CLINIC2FA_KEY_FILE`), else `<database>.key` beside
    /// a file, or one named by the clinic's id in the data folder (an open store knows
    /// which: [`Store::key_path`]).
    pub key_file: KeyFile,
    pub out: Output,
    /// Prompts allowed: stdin is a terminal and `--no-input` was not given.
    pub interactive: bool,
    pub now: Timestamp,
    /// `CLINIC2FA_NOW` pins "now": entries written say so, sealed, so a backdated or
    /// future-dated entry shows.
    pub pinned_clock: bool,
    /// Who runs admin commands, for the audit trail: the operating-system user.
    pub operator: String,
    /// What the stores this command opens leave to tell at its end.
    pub warnings: crate::store::Warnings,
}

impl Context {
    pub fn new(global: &GlobalOptions) -> anyhow::Result<Context> {
        let now = clock()?;
        show_local_times(now);
        let location = database(global.db.clone())?;
        Ok(Context {
            key_file: key_file(global.key_file.as_deref()),
            location,
            out: Output::new(global.json, chosen_color(global.color)),
            interactive: !global.no_input && std::io::stdin().is_terminal(),
            now,
            pinned_clock: std::env::var_os("CLINIC2FA_NOW").is_some(),
            operator: operator(),
            warnings: crate::store::Warnings::default(),
        })
    }

    /// Opens the database, and tells the person what opening it found.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        self.settle(Store::open(&self.location, &self.key_file)?)
    }

    /// A store just opened, made ready for this run: its clock, its warnings, the
    /// overrides that ended meanwhile recorded, and what opening found told.
    pub fn settle(&self, store: Store) -> anyhow::Result<Store> {
        let mut store = store.pin_clock(self.pinned_clock).warn_into(self.warnings.clone());
        self.record_ended_overrides(&mut store);
        for warning in &store.notices.warnings {
            note(warning)?;
        }
        if let Some(key) = &store.notices.created_key
            && std::io::stderr().is_terminal()
        {
            note(&format!(
                "note: created the key file {}. It encrypts 2FA secrets: back it up, separately from the database.",
                key.display()
            ))?;
        }
        if let Some((by_address, by_id)) = &store.notices.key_named_by_address
            && std::io::stderr().is_terminal()
        {
            note(&format!(
                "note: the key file {} is named after the address this clinic was made through: rename it to {} and every address of the database (another host name, a pooler's port) finds it.",
                by_address.display(),
                by_id.display()
            ))?;
        }
        Ok(store)
    }
}

/// `--color always|never`; `None` leaves it to the terminal (`auto`).
fn chosen_color(choice: ColorChoice) -> Option<bool> {
    match choice {
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
        ColorChoice::Auto => None,
    }
}

impl Context {
    /// Overrides set with `--until` end by the clock, whether or not a command runs at
    /// that moment (the rules read `policy_until`); the first command after records
    /// each end in the audit trail, dated when it happened, and tidies the account.
    /// A database that cannot be written (read-only) keeps them for a later command.
    fn record_ended_overrides(&self, store: &mut Store) {
        use crate::domain::policy::Policy;
        use crate::store::{accounts, audit};
        // A look first (an index makes it cheap): most commands find none, and need no
        // write lock for it.
        if accounts::ended_overrides(&store.db(), self.now, 1).is_ok_and(|ended| ended.is_empty()) {
            return;
        }
        let recorded = store.write(|tx| {
            // A batch at a time: each one recorded no longer matches.
            let mut count = 0usize;
            loop {
                let ended = accounts::ended_overrides(tx, self.now, 1000)?;
                if ended.is_empty() {
                    return Ok(count);
                }
                count += ended.len();
                for account in &ended {
                    let until = account.policy_until.unwrap_or(self.now);
                    accounts::set_policy(tx, account, Policy::ClinicDefault, None, until)?;
                    let detail = format!(
                        "{} ended at {}; now clinic-default",
                        account.policy,
                        until.rfc3339()
                    );
                    audit::record(
                        tx,
                        &audit::Entry {
                            at: until,
                            actor: "clinic2fa (clock)",
                            action: Action::User2faEnded,
                            subject: Some(account.username.as_str()),
                            outcome: "ok",
                            detail: Some(&detail),
                        },
                    )?;
                }
            }
        });
        if let Err(e) = recorded {
            let _ = note(&format!(
                "warning: ended 2FA overrides not yet recorded in the audit trail: {e:#}"
            ));
        }
    }
}

/// Runs the command and returns its exit code; errors are left to `main` to print.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Completions { shell } => return completions::print(shell).map(|()| exit::SUCCESS),
        Command::Man { dir } => return completions::man(dir.as_deref()).map(|()| exit::SUCCESS),
        _ => {}
    }
    let ctx = Context::new(&cli.global)?;
    let result = dispatch(&ctx, cli.command).map_err(|e| ctx.location.explain(e));
    for warning in ctx.warnings.take() {
        let _ = note(&warning);
    }
    result
}

fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Init { name } => init::run(ctx, name.as_deref()),
        Command::Clinic(cmd) => clinic::run(ctx, cmd),
        Command::User(cmd) => user::run(ctx, cmd),
        Command::Audit(args) => audit::run(ctx, &args),
        Command::Login(args) => login::run(ctx, &args),
        Command::Enrol(args) => enrol::run(ctx, &args),
        Command::Unenrol(args) => enrol::unenrol(ctx, &args),
        Command::RecoveryCodes(args) => enrol::regenerate(ctx, &args),
        Command::Passwd(args) => passwd::run(ctx, &args),
        Command::Report { csv } => report::report(ctx, csv),
        Command::Backup { file } => backup::run(ctx, &file),
        Command::Key(crate::cli::KeyCommand::Rotate) => key::rotate(ctx),
        Command::Db(crate::cli::DbCommand::Copy { to }) => copy::run(ctx, &to),
        Command::Client(cmd) => client::run(ctx, cmd),
        Command::Serve(args) => crate::service::run(ctx, &args),
        Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
    }
}

/// `--db`/`CLINIC2FA_DB` (clap reads both), else the XDG data folder.
fn database(given: Option<PathBuf>) -> anyhow::Result<Location> {
    if let Some(given) = given.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(Location::parse(given.as_os_str())?);
    }
    let data_home = data_home().ok_or_else(|| {
        Error::Usage(
            "no database path: pass --db PATH or set CLINIC2FA_DB (HOME is not set)".into(),
        )
    })?;
    Ok(Location::File(data_home.join("clinic2fa").join("clinic2fa.db")))
}

/// `$XDG_DATA_HOME`, else `~/.local/share`.
pub(crate) fn data_home() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    std::env::var_os("XDG_DATA_HOME")
        .and_then(absolute)
        .or_else(|| std::env::var_os("HOME").and_then(absolute).map(|h| h.join(".local/share")))
}

/// `--key-file` (or `CLINIC2FA_KEY_FILE`, which clap reads into it), else the
/// database's own default.
fn key_file(given: Option<&Path>) -> KeyFile {
    match given.filter(|p| !p.as_os_str().is_empty()) {
        Some(path) => KeyFile::Named(path.to_path_buf()),
        None => KeyFile::Default { data_home: data_home() },
    }
}

/// People see times in the local offset (`TZ`, else the system's zone) at `now`. Read
/// here, before any thread is started: the C library's zone data is only read soundly
/// while the process has one thread. Unreadable, they see UTC, with its offset shown.
fn show_local_times(now: Timestamp) {
    let offset = time::OffsetDateTime::from_unix_timestamp(now.unix())
        .ok()
        .and_then(|at| time::UtcOffset::local_offset_at(at).ok())
        .map_or(0, time::UtcOffset::whole_seconds);
    crate::domain::time::show_people_times_at(offset);
}

/// "Now": the system clock, unless `CLINIC2FA_NOW` pins it (simulations and tests).
fn clock() -> Result<Timestamp, Error> {
    match std::env::var("CLINIC2FA_NOW") {
        Err(_) => Ok(Timestamp::system_now()),
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| *s >= 0)
            .map(Timestamp::from_unix)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "CLINIC2FA_NOW={value:?} is not a time: set it to whole Unix seconds, e.g. 1795798800, or unset it"
                ))
            }),
    }
}

/// The operating-system account the process runs as: its uid, looked up by name (nix's
/// safe `getpwuid_r`). Never `$USER` or `$LOGNAME`, which anyone can set to anything.
fn operator() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid:{uid}"),
    }
}

/// An admin action's audit entry, by the operating-system account, now.
fn audit_admin_entry<'a>(
    ctx: &'a Context,
    action: Action,
    subject: Option<&'a str>,
    detail: Option<&'a str>,
) -> crate::store::audit::Entry<'a> {
    crate::store::audit::Entry {
        at: ctx.now,
        actor: &ctx.operator,
        action,
        subject,
        outcome: "ok",
        detail,
    }
}

/// Writes an admin action to the audit trail, inside the caller's transaction so the
/// action and its record land together or not at all.
pub(crate) fn audit_admin(
    ctx: &Context,
    tx: &Db<'_>,
    action: Action,
    subject: Option<&str>,
    detail: Option<&str>,
) -> anyhow::Result<()> {
    crate::store::audit::record(tx, &audit_admin_entry(ctx, action, subject, detail))
}

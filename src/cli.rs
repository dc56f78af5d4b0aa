//! The command line, as clap types only. Doc comments here are the `--help` text.
//! Values are checked by the domain (usernames, passwords, settings), not here, so the
//! same rules apply however a value arrives.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::account::Role;
use crate::domain::policy::Policy;
use crate::domain::settings::Setting;

/// Staff accounts and two-factor authentication (TOTP) for a clinic, in one SQLite file
/// or a shared PostgreSQL database.
///
/// Admins manage accounts and the clinic's 2FA rules; staff sign in with a password and
/// a code from Google Authenticator or any RFC 6238 app. Every command also works from
/// scripts: --json, --password-stdin, --no-input and stable exit codes (0 success,
/// 1 failure, 2 usage, 3 denied, 4 locked, 5 action required).
///
/// CLINIC2FA_NOW=<unix seconds> pins the clock, for simulations and tests.
#[derive(Debug, Parser)]
#[command(name = "clinic2fa", version, max_term_width = 100, after_long_help = MORE_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,

    #[command(subcommand)]
    pub command: Command,
}

/// The rest of the manual: what `--help` and the man page say after the commands.
const MORE_HELP: &str = "\
Getting started:
  clinic2fa init --name \"Sunny Vale Clinic\"   make the database and its key
  clinic2fa user add alice --role admin       add an account (asks a password)
  clinic2fa enrol alice                       set up an authenticator (QR code)
  clinic2fa login alice                       sign in

Exit status:
  0 success; 1 failure (storage, not found, conflict); 2 usage; 3 denied
  (invalid-credentials, code-required, invalid-code); 4 locked; 5 denied
  until the person acts (enrolment-required, password-change-required).

Environment:
  CLINIC2FA_DB        the database, as --db: a SQLite path or a postgres:// URL
  CLINIC2FA_KEY_FILE  the key file, as --key-file [default: the database's
                      path with .key added; for a URL,
                      $XDG_DATA_HOME/clinic2fa/clinic-ID.key, ID being
                      the clinic's own, made by init]
  PGPASSWORD          the PostgreSQL password when the URL has none
                      (else ~/.pgpass)
  SSL_CERT_FILE       trusted roots for sslmode=verify-ca/verify-full
                      [default: the system's]
  CLINIC2FA_NOW       pin the clock to these Unix seconds (simulations, tests)
  TZ                  the time zone people's times are shown in (JSON: UTC)
  NO_COLOR            no colour under --color auto

Files:
  $XDG_DATA_HOME/clinic2fa/clinic2fa.db (else ~/.local/share/...) and its
  key file clinic2fa.db.key beside it. Back the key file up apart from the
  database: it encrypts the 2FA secrets and seals the audit trail. A clinic
  on PostgreSQL needs the same key file on every admin machine; `db copy`
  moves a clinic between engines.

The README has the rules of sign-in, the JSON shapes and the admin's guide.";

#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]
    // hide_env_values: a postgres:// URL may carry a password, and help must never
    // print it (nor the odd `CLINIC2FA_DB=` when it is unset).
    #[arg(
        long,
        global = true,
        value_name = "PATH|URL",
        env = "CLINIC2FA_DB",
        hide_env_values = true
    )]
    pub db: Option<PathBuf>,

    /// The key file [default: the database's path with .key added; for a postgres://
    /// URL, one named by the clinic's id in $XDG_DATA_HOME/clinic2fa]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "CLINIC2FA_KEY_FILE",
        hide_env_values = true
    )]
    pub key_file: Option<PathBuf>,

    /// Print exactly one JSON document on stdout; messages go to stderr
    #[arg(long, global = true)]
    pub json: bool,

    /// Never prompt (implied when stdin is not a terminal)
    #[arg(long, global = true)]
    pub no_input: bool,

    /// When to use colour (NO_COLOR is honoured under auto)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the clinic's database and its key file (the only command that does)
    ///
    /// Refuses if either already exists. Prints where both are: back the key file up
    /// separately from the database; without it no secret in the database can be read.
    Init {
        /// The clinic's name, shown as the issuer in authenticator apps [default: Clinic]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },

    /// Show and change the clinic's settings
    #[command(subcommand)]
    Clinic(ClinicCommand),

    /// Add and manage staff accounts
    #[command(subcommand)]
    User(UserCommand),

    /// Sign in as a member of staff (password, then a code if 2FA applies)
    Login(LoginArgs),

    /// Set up an authenticator app (shows a QR code), or confirm one with --confirm
    ///
    /// Without --confirm: starts an enrolment and shows the new secret as a QR code, as an
    /// otpauth:// link and as text. At a terminal it then asks for a code from the app and
    /// finishes; from a script, finish within 10 minutes with `enrol USERNAME --confirm
    /// CODE`. A person may have up to 5 authenticators, each named (--device, default
    /// `phone`): any of them signs in. Adding one, or replacing one (a new phone), needs
    /// a current code from any of them or a recovery code; the old one keeps working
    /// until the new one is confirmed. Confirming issues a new set of recovery codes.
    Enrol(EnrolArgs),

    /// Remove one of your authenticators (--device), or all of them (2FA off): needs a
    /// current code from any of them, or a recovery code
    Unenrol(UnenrolArgs),

    /// Issue a fresh set of recovery codes; the old ones stop working
    RecoveryCodes(OwnAccountArgs),

    /// Change your own password: the current one, a code if enrolled, then the new one
    ///
    /// With --password-stdin the first line of stdin is the current password and the
    /// second the new one.
    Passwd(OwnAccountArgs),

    /// Show the audit trail (table, an array with --json, or CSV with --csv), or verify it
    Audit(AuditArgs),

    /// Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts
    Report {
        /// One CSV line per account, with its status, for spreadsheets
        #[arg(long)]
        csv: bool,
    },

    /// Write a consistent copy of the database to FILE (mode 0600), while others work
    ///
    /// Never overwrites. The copy opens with the same key file: back that up too, but
    /// apart from the copy.
    Backup {
        /// Where the copy goes; must not exist yet
        file: PathBuf,
    },

    /// Work with the key file
    #[command(subcommand)]
    Key(KeyCommand),

    /// Move the whole database to another engine or place
    #[command(subcommand)]
    Db(DbCommand),

    /// Run the sign-in service: the machine's logins (PAM, over a Unix socket) and the
    /// clinic's applications (HTTP API) sign staff in through it, with the rules of `login`
    ///
    /// Runs in the foreground until SIGTERM or SIGINT, then finishes the sign-ins in
    /// flight and exits 0. It alone holds the database and its key file, and refuses to
    /// start when others can read either. The socket (--socket) takes root's requests
    /// for any account and another user's for its own. `--listen` serves the HTTP API:
    /// plain HTTP on a loopback address only; any other address needs --tls-cert and
    /// --tls-key. One line per sign-in on stderr (never a password, code or secret).
    Serve(ServeArgs),

    /// The applications allowed to call the sign-in service's HTTP API
    #[command(subcommand)]
    Client(ClientCommand),

    /// Print the man page (roff) on stdout, or write every command's page to a folder
    Man {
        /// Write clinic2fa.1 and a page for each subcommand (clinic2fa-user-add.1, ...)
        /// into this folder, made if missing, e.g. ~/.local/share/man/man1
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },

    /// Print a shell completion script on stdout
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The Unix socket the PAM module signs people in through
    #[arg(long, value_name = "PATH", default_value = "/run/clinic2fa/clinic2fa.sock")]
    pub socket: PathBuf,
    /// Serve the HTTP API at this address and port (e.g. 127.0.0.1:8443)
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// The TLS certificate chain (PEM) for --listen
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM) for --listen
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// How many password checks run at once (default: the number of cores); callers
    /// beyond it wait in a bounded queue, then are told the service is busy
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<u16>,
    /// The address staff reach this service's enrolment page at (e.g.
    /// https://signin.example.org): kept as the clinic's public-url, which
    /// `user enrol-link` links start with
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Allow an application to call the HTTP API: prints its token once (only a hash
    /// of it is kept)
    Add { name: String },
    /// The applications allowed to call the HTTP API
    List,
    /// Withdraw an application's token: it stops working at once
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy the database named by --db, from one consistent snapshot taken while others
    /// write, to a new SQLite file or an empty PostgreSQL database: accounts,
    /// authenticators, recovery codes, pending bypasses and enrolments, settings and the
    /// whole audit trail. The same key file opens both
    Copy {
        /// A SQLite path that does not exist yet, or a postgres:// URL of an empty database
        #[arg(long, value_name = "PATH|URL")]
        to: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a new key: every secret re-encrypted and the audit trail re-sealed in one
    /// transaction; the old key file is kept, renamed, for you to destroy
    Rotate,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only entries by or about this account
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
    /// Only entries from this time on: a duration back from now (1d, 12h), RFC 3339
    /// (2026-11-27T09:00:00Z) or a date (2026-11-27)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only entries of this action (login, user.grant-bypass, enrol.confirm, ...)
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Only the most recent N entries
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// CSV for spreadsheets, with a header line
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no entry was altered, inserted or deleted (exit 1 naming the first)
    Verify {
        /// Also check that the trail still holds this head, written down earlier from
        /// `audit head` (exit 1 if it was cut off, rolled back or rewritten since)
        #[arg(long, value_name = "TOKEN")]
        head: Option<String>,
    },
    /// Print the trail's current head, to write down or send off the machine
    Head,
}

#[derive(Debug, Subcommand)]
pub enum ClinicCommand {
    /// Show the clinic's name, whether 2FA is required clinic-wide, and all settings
    Show,

    /// Set the clinic's name: the issuer shown in authenticator apps (no ':')
    SetName {
        /// The clinic's name, e.g. "Sunny Vale Clinic"
        name: String,
    },

    /// Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody
    ///
    /// Reaches accounts whose per-user setting is clinic-default; "required" and
    /// "exempt" stay as they are. A change of role changes what applies at once.
    #[command(name = "require-2fa")]
    Require2fa {
        /// on: everyone; admins: accounts with the admin role; off: nobody
        #[arg(value_enum)]
        state: RequireFor,

        /// List who would have to enrol at their next login, and change nothing
        #[arg(long)]
        dry_run: bool,
    },

    /// Change one of the clinic's settings (each is described in `clinic set --help`)
    Set {
        #[arg(value_parser = setting_parser())]
        setting: SettingKey,
        /// The new value: a whole number in the setting's range (on or off for a switch;
        /// for public-url, an https:// address, or "none")
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequireFor {
    /// Everyone on the clinic default
    On,
    /// Only accounts with the admin role (on the clinic default)
    Admins,
    /// Nobody (per-user "required" still applies)
    Off,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account
    Add {
        /// 1-64 characters of a-z 0-9 . _ - (lower-cased)
        username: String,
        /// The person's full name
        #[arg(long)]
        name: Option<String>,
        /// The account's role
        #[arg(long, default_value = "staff", value_parser = role_parser())]
        role: Role,
        /// The per-user "Two-factor auth" setting
        #[arg(long = "2fa", value_name = "POLICY", default_value = "clinic-default", value_parser = policy_parser())]
        two_factor: Policy,
        #[command(flatten)]
        password: PasswordInput,
    },

    /// List the accounts: a table, an array with --json, or CSV with --csv
    List(ListArgs),

    /// Whether 2FA is required for this person and why, and what their next login asks
    Explain { username: String },

    /// Show one account
    Show { username: String },

    /// Delete an account (asks to confirm)
    Remove {
        username: String,
        /// Do not ask; required under --no-input
        #[arg(long)]
        yes: bool,
    },

    /// Stop an account from signing in
    Disable { username: String },

    /// Let a disabled account sign in again
    Enable { username: String },

    /// Reset someone's password (admin)
    SetPassword {
        username: String,
        #[command(flatten)]
        password: PasswordInput,
    },

    /// Change the person's full name (an empty NAME clears it)
    SetName { username: String, name: String },

    /// A one-time link to the sign-in service's enrolment page, to send to the person
    ///
    /// At the link the person signs in with their password (and a current code when
    /// they already have an authenticator), scans the QR code, confirms with a code and
    /// is shown their recovery codes. The link starts with the clinic's public-url
    /// (`clinic set public-url`); it works once, until it expires (24h unless
    /// --expires-in says otherwise, at most 7d); a new link ends the previous one.
    EnrolLink {
        username: String,
        /// How long the link works, like 24h or 3d (at most 7d)
        #[arg(long, value_name = "DURATION")]
        expires_in: Option<String>,
    },

    /// Change an account's role
    SetRole {
        username: String,
        #[arg(value_parser = role_parser())]
        role: Role,
    },

    /// Clear a lockout (and the count of failed sign-ins)
    Unlock { username: String },

    /// The per-user "Two-factor auth" setting, and the person's authenticators
    #[command(name = "2fa", subcommand)]
    TwoFactor(TwoFactorCommand),

    /// Let someone who lost their phone sign in once without 2FA
    ///
    /// The "Disable two-factor authentication" checkbox: one login without a code, after
    /// which the old authenticator is removed and the person sets up a new one. Their
    /// per-user 2FA setting is not changed: leave it on clinic-default.
    GrantBypass {
        username: String,
        /// How long it stays usable: 90s, 30m, 24h, 7d (1 minute to 7 days) [default: bypass-hours]
        #[arg(long, value_name = "DURATION")]
        expires_in: Option<String>,
    },

    /// Withdraw a pending one-time bypass
    RevokeBypass { username: String },

    /// Add many accounts from a CSV or JSON file, all or none
    ///
    /// CSV: a header line naming the columns (username, and any of name, role, 2fa,
    /// password, password_hash), then a line per account. JSON: an array of objects
    /// with the same keys. Every row is checked first; if any is wrong, nothing is
    /// imported and every bad row is listed. Rows without a password get a temporary
    /// one, written to --passwords-out, to be changed at first sign-in.
    Import {
        /// The file to read
        file: std::path::PathBuf,
        /// Check the file and say what would happen, changing nothing
        #[arg(long)]
        dry_run: bool,
        /// The file's format [default: from its extension]
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// Where to write the temporary passwords (mode 0600, never overwritten); needed
        /// when any row has no password
        #[arg(long, value_name = "FILE")]
        passwords_out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Set whether 2FA follows the clinic (clinic-default), or is required or exempt for
    /// this person whatever the clinic-wide setting
    Set {
        username: String,
        #[arg(value_parser = policy_parser())]
        policy: Policy,
        /// With required or exempt: revert to clinic-default by itself at WHEN, a date
        /// (2026-12-31), an RFC 3339 time, or a duration from now (30d, 12w). Without
        /// it, any end date is cleared
        #[arg(long, value_name = "WHEN")]
        until: Option<String>,
    },
    /// The person's authenticators: name, when added, when last used
    List { username: String },
    /// Remove one authenticator of a person who lost that device, leaving their others
    /// and their per-user setting as they are (the last one takes the recovery codes
    /// with it)
    Remove { username: String, device: String },
}

/// Which accounts `user list` shows (all filters must hold).
#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Only this role
    #[arg(long, value_parser = role_parser())]
    pub role: Option<Role>,
    /// Only people for whom 2FA is required but who have not set it up
    #[arg(long)]
    pub needs_enrolment: bool,
    /// Only locked accounts
    #[arg(long)]
    pub locked: bool,
    /// Only accounts with a pending one-time bypass
    #[arg(long)]
    pub bypass_pending: bool,
    /// Only accounts whose per-user setting is exempt
    #[arg(long)]
    pub exempt: bool,
    /// Only accounts with no sign-in for this long (never signed in: since they were
    /// made), like 90d or 12w
    #[arg(long, value_name = "DURATION")]
    pub inactive: Option<String>,
    /// CSV for spreadsheets, with a header line
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct PasswordInput {
    /// Read the password from the first line of stdin instead of prompting
    #[arg(long)]
    pub password_stdin: bool,
}

/// A second factor given on the command line (else asked for at a terminal).
#[derive(Debug, Args)]
pub struct CodeInput {
    /// A 6-digit code from the authenticator app
    #[arg(long, value_name = "CODE", conflicts_with = "recovery_code")]
    pub code: Option<String>,
    /// One of the recovery codes issued at enrolment (each works once); `-` reads it
    /// from the next line of stdin, keeping it out of the process list
    #[arg(long, value_name = "CODE")]
    pub recovery_code: Option<String>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    pub username: String,
    #[command(flatten)]
    pub password: PasswordInput,
    #[command(flatten)]
    pub code: CodeInput,
}

#[derive(Debug, Args)]
pub struct EnrolArgs {
    pub username: String,
    #[command(flatten)]
    pub password: PasswordInput,
    /// When adding or replacing one beside an active authenticator: a current code or
    /// recovery code
    #[command(flatten)]
    pub code: CodeInput,
    /// Finish an enrolment: a code from the newly added app
    #[arg(long, value_name = "CODE")]
    pub confirm: Option<String>,
    /// Which authenticator to set up: a new name adds one beside the others (at most
    /// 5), an existing one's name replaces it [default: phone]
    #[arg(long, value_name = "NAME", conflicts_with = "confirm")]
    pub device: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnenrolArgs {
    #[command(flatten)]
    pub own: OwnAccountArgs,
    /// Remove only this authenticator, leaving the others and the recovery codes
    /// [default: all of them, and the recovery codes]
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
}

/// A person acting on their own account with password and a current code.
#[derive(Debug, Args)]
pub struct OwnAccountArgs {
    pub username: String,
    #[command(flatten)]
    pub password: PasswordInput,
    #[command(flatten)]
    pub code: CodeInput,
}

fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(["staff", "admin"]).map(|s| s.parse().expect("listed role"))
}

/// The settings as the domain names and describes them: one list, shown in `--help`.
/// What `clinic set` sets: one of the domain's numeric settings, or the address
/// enrolment links start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    Number(Setting),
    PublicUrl,
}

fn setting_parser() -> impl TypedValueParser<Value = SettingKey> {
    let mut values: Vec<PossibleValue> =
        Setting::ALL.iter().map(|s| PossibleValue::new(s.key()).help(s.help())).collect();
    values.push(PossibleValue::new("public-url").help(
        "The address the sign-in service's page is reached at, which `user enrol-link` links start with (e.g. https://signin.example.org); \"none\" clears it",
    ));
    PossibleValuesParser::new(values).map(|key| match Setting::from_key(&key) {
        Some(setting) => SettingKey::Number(setting),
        None => SettingKey::PublicUrl,
    })
}

fn policy_parser() -> impl TypedValueParser<Value = Policy> {
    PossibleValuesParser::new(Policy::ALL.map(Policy::as_str))
        .map(|s| s.parse().expect("listed policy"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `clinic set` takes the domain's settings themselves: one added there is
    /// settable, and described in `--help`, with nothing to map by hand.
    #[test]
    fn clinic_set_takes_every_domain_setting_by_its_key() {
        use clap::Parser;

        use super::{ClinicCommand, Command, Setting};
        for setting in Setting::ALL {
            let cli = Cli::try_parse_from(["clinic2fa", "clinic", "set", setting.key(), "1"])
                .unwrap_or_else(|e| panic!("{setting}: {e}"));
            let Command::Clinic(ClinicCommand::Set { setting: parsed, .. }) = cli.command else {
                panic!("{setting}: parsed as another command")
            };
            assert_eq!(parsed, super::SettingKey::Number(setting));
        }
        let help = Cli::command()
            .find_subcommand_mut("clinic")
            .and_then(|c| c.find_subcommand_mut("set"))
            .map(|c| c.render_long_help().to_string())
            .unwrap();
        // Long lines wrap: compared word by word.
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        for setting in Setting::ALL {
            assert!(words(&help).contains(&words(&setting.help())), "{setting}:\n{help}");
        }
    }
}

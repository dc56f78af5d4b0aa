//! `enrol`, `unenrol` and `recovery-codes`: a person managing their own authenticator.

use crate::store::Db;
use zeroize::Zeroizing;

use crate::cli::{EnrolArgs, OwnAccountArgs};
use crate::commands::auth::{self, Attempted, Offered};
use crate::commands::{Context, input};
use crate::domain::account::Account;
use crate::domain::login::{self, DenyReason};
use crate::domain::recovery::RecoveryCode;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::domain::totp::{self, Code, TotpSecret};
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::{self, Store, audit, authenticators, recovery_codes};
use crate::ui::output::note;
use crate::ui::{enrolment, prompt};

/// How long a new secret waits for its confirming code.
const PENDING_SECONDS: i64 = 10 * 60;
/// Interactive tries at typing the first code before giving up.
const CONFIRM_TRIES: u32 = 3;

pub fn run(ctx: &Context, args: &EnrolArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let confirm = args.confirm.as_deref().map(Code::parse).transpose()?;
    let offered = Offered::from_args(&args.code)?;
    let password = input::current_password(ctx, &args.password)?;
    let mut store = ctx.open_store()?;
    match confirm {
        Some(code) => confirm_enrolment(ctx, &mut store, &username, &password, &code),
        None => start_enrolment(ctx, &mut store, &username, &password, offered),
    }
}

/// Creates a pending secret and shows it; at a terminal, goes on to confirm it.
fn start_enrolment(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    password: &Zeroizing<String>,
    offered: Offered,
) -> anyhow::Result<u8> {
    let started = Started::new(ctx)?;
    // Replacing an active authenticator needs a current code: verify_identity asks
    // for one exactly when the account is enrolled. The old one stays active.
    let request = auth::Request {
        username,
        password,
        offered,
        rule: login::verify_identity,
        action: "enrol",
    };
    let outcome =
        auth::attempt(ctx, store, request, |tx, account| started.save(ctx, tx, account, None))?;
    let (account, clinic) = match outcome {
        Attempted::Passed { account, value, .. } => (account, value),
        Attempted::Denied { reason, account } => {
            return auth::report_denied(ctx, username, reason, account.as_ref());
        }
    };
    if ctx.out.json && !ctx.interactive {
        let uri = started.uri(&clinic.name, username);
        let json = enrolment::pending_json(username, &started.secret, &uri, started.expires_at);
        ctx.out.document(&json)?;
        return Ok(exit::SUCCESS);
    }
    started.show(ctx, &clinic.name, username)?;
    if !ctx.interactive {
        ctx.out.text(&format!(
            "\nThen finish with the code the app shows:\n    clinic2fa enrol {username} --confirm CODE"
        ))?;
        return Ok(exit::SUCCESS);
    }
    match ask_and_confirm(ctx, store, &account, &clinic.name)? {
        Some(codes) => show_enrolled(ctx, username, &codes),
        None => Ok(DenyReason::InvalidCode.exit_code()),
    }
}

/// Enrolment as part of signing in, at a terminal (2FA required but not set up, or a
/// bypass just spent): a new pending secret, shown, then confirmed by a code. Returns
/// the recovery codes once confirmed, `None` if the person did not manage to.
pub fn enrol_at_login(
    ctx: &Context,
    store: &mut Store,
    account: &Account,
) -> anyhow::Result<Option<Vec<RecoveryCode>>> {
    let started = Started::new(ctx)?;
    let clinic = store.write(|tx| started.save(ctx, tx, account, Some("at login")))?;
    ctx.out.text(&format!(
        "Two-factor authentication is required for {}. Set up your authenticator app now.\n",
        account.username
    ))?;
    started.show(ctx, &clinic.name, &account.username)?;
    ask_and_confirm(ctx, store, account, &clinic.name)
}

/// A new secret awaiting its first code, for [`PENDING_SECONDS`].
struct Started {
    secret: TotpSecret,
    expires_at: Timestamp,
}

impl Started {
    fn new(ctx: &Context) -> anyhow::Result<Self> {
        Ok(Started {
            secret: TotpSecret::generate()?,
            expires_at: ctx.now.plus_seconds(PENDING_SECONDS),
        })
    }

    /// Makes it the account's pending enrolment (replacing any other), audited; returns
    /// the clinic, whose name is the issuer.
    fn save(
        &self,
        ctx: &Context,
        tx: &Db<'_>,
        account: &Account,
        detail: Option<&str>,
    ) -> anyhow::Result<Clinic> {
        authenticators::set_pending(tx, account, &self.secret, self.expires_at)?;
        record(ctx, tx, account, "enrol.start", "pending", detail)?;
        store::clinic::get(tx)
    }

    fn uri(&self, issuer: &str, username: &Username) -> String {
        totp::otpauth_uri(issuer, username, &self.secret)
    }

    /// QR code, setup key and link, for a person.
    fn show(&self, ctx: &Context, issuer: &str, username: &Username) -> anyhow::Result<()> {
        let uri = self.uri(issuer, username);
        let text =
            enrolment::pending_text(issuer, &self.secret, &uri, self.expires_at, ctx.out.color)?;
        ctx.out.text(&text)?;
        Ok(())
    }
}

/// Asks for the first code from the app (three tries) and confirms the pending secret.
fn ask_and_confirm(
    ctx: &Context,
    store: &mut Store,
    account: &Account,
    issuer: &str,
) -> anyhow::Result<Option<Vec<RecoveryCode>>> {
    let username = &account.username;
    for _ in 0..CONFIRM_TRIES {
        let typed = prompt::code("Code shown in the app", |t| {
            Code::parse(t).map(|_| ()).map_err(|e| e.to_string())
        })?;
        match finish(ctx, store, account, &Code::parse(&typed)?)? {
            Finished::Enrolled(codes) => return Ok(Some(codes)),
            Finished::WrongCode => note(&format!(
                "That code does not match. Check the app shows {issuer} ({username}) and type its newest code."
            ))?,
            Finished::NoPending | Finished::Expired(_) => break,
        }
    }
    note(&format!(
        "clinic2fa: enrolment not confirmed; nothing changed for sign-in. Run `clinic2fa enrol {username}` to start again."
    ))?;
    Ok(None)
}

/// `enrol --confirm CODE`: the password, then the code against the pending secret.
fn confirm_enrolment(
    ctx: &Context,
    store: &mut Store,
    username: &Username,
    password: &Zeroizing<String>,
    code: &Code,
) -> anyhow::Result<u8> {
    // Hashing ten recovery codes is slow: do it before taking the write lock, when a
    // look ahead says the code will match.
    let prepared = match store::accounts::find(store.conn(), username)? {
        Some(account) => prepare_if_matching(ctx, &store.db(), &account, code)?,
        None => None,
    };
    let outcome = auth::attempt(
        ctx,
        store,
        auth::Request {
            username,
            password,
            offered: Offered::Nothing,
            rule: login::verify_password,
            action: "enrol.confirm",
        },
        |tx, account| finish_in(ctx, tx, account, code, prepared.clone()),
    )?;
    match outcome {
        Attempted::Denied { reason, account } => {
            auth::report_denied(ctx, username, reason, account.as_ref())
        }
        Attempted::Passed { value: Finished::Enrolled(codes), .. } => {
            show_enrolled(ctx, username, &codes)
        }
        Attempted::Passed { value: Finished::WrongCode, account, .. } => {
            auth::report_denied(ctx, username, DenyReason::InvalidCode, Some(&account))
        }
        Attempted::Passed { value: Finished::NoPending, .. } => Err(Error::Conflict(format!(
            "no enrolment in progress for {username}: start one with `clinic2fa enrol {username}`"
        ))
        .into()),
        Attempted::Passed { value: Finished::Expired(at), .. } => Err(Error::Conflict(format!(
            "the enrolment of {username} expired at {at}: start again with `clinic2fa enrol {username}`"
        ))
        .into()),
    }
}

/// The end of an enrolment attempt.
#[derive(Debug)]
enum Finished {
    Enrolled(Vec<RecoveryCode>),
    WrongCode,
    NoPending,
    Expired(Timestamp),
}

/// Recovery codes made and hashed ahead of the transaction that stores them.
#[derive(Debug, Clone)]
struct Prepared {
    codes: Vec<RecoveryCode>,
    hashes: Vec<String>,
}

impl Prepared {
    fn new() -> anyhow::Result<Self> {
        let codes = RecoveryCode::generate_set()?;
        let hashes = hash_all(&codes)?;
        Ok(Prepared { codes, hashes })
    }
}

/// Hashes on every core: ten argon2 hashes one after another are a noticeable wait.
fn hash_all(codes: &[RecoveryCode]) -> anyhow::Result<Vec<String>> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = codes.iter().map(|c| scope.spawn(move || c.hash())).collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("hashing thread failed"))))
            .collect()
    })
}

/// Recovery codes made and hashed ahead, when a look at the pending secret says `code`
/// will confirm it: hashing ten of them is slow, and [`finish_in`] holds the write lock.
fn prepare_if_matching(
    ctx: &Context,
    db: &Db<'_>,
    account: &Account,
    code: &Code,
) -> anyhow::Result<Option<Prepared>> {
    let window = store::clinic::get(db)?.totp_window;
    let matches = authenticators::pending(db, account)?.is_some_and(|p| {
        p.expires_at > ctx.now
            && totp::matching_step(&p.secret, code, ctx.now, window, None).is_some()
    });
    matches.then(Prepared::new).transpose()
}

/// Confirms the pending secret interactively, in a transaction of its own.
fn finish(
    ctx: &Context,
    store: &mut Store,
    account: &Account,
    code: &Code,
) -> anyhow::Result<Finished> {
    let prepared = prepare_if_matching(ctx, &store.db(), account, code)?;
    store.write(|tx| finish_in(ctx, tx, account, code, prepared))
}

/// Activates the pending secret if `code` matches it (that step then counts as used),
/// replacing any old authenticator and issuing fresh recovery codes.
fn finish_in(
    ctx: &Context,
    tx: &Db<'_>,
    account: &Account,
    code: &Code,
    prepared: Option<Prepared>,
) -> anyhow::Result<Finished> {
    let Some(pending) = authenticators::pending(tx, account)? else {
        return Ok(Finished::NoPending);
    };
    if pending.expires_at <= ctx.now {
        return Ok(Finished::Expired(pending.expires_at));
    }
    let window = store::clinic::get(tx)?.totp_window;
    let Some(step) = totp::matching_step(&pending.secret, code, ctx.now, window, None) else {
        record(ctx, tx, account, "enrol.confirm", "denied", Some("invalid-code"))?;
        return Ok(Finished::WrongCode);
    };
    let prepared = match prepared {
        Some(prepared) => prepared,
        None => Prepared::new()?,
    };
    authenticators::activate(tx, account, &pending.secret, step, ctx.now)?;
    recovery_codes::replace(tx, account, &prepared.hashes)?;
    record(ctx, tx, account, "enrol.confirm", "enrolled", None)?;
    Ok(Finished::Enrolled(prepared.codes))
}

fn show_enrolled(ctx: &Context, username: &Username, codes: &[RecoveryCode]) -> anyhow::Result<u8> {
    ctx.out.result(&enrolment::enrolled_json(username, codes), || {
        enrolment::enrolled_text(username, codes)
    })?;
    Ok(exit::SUCCESS)
}

/// `unenrol USERNAME`: password and a current code, then the authenticator and its
/// recovery codes are gone.
pub fn unenrol(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let outcome = with_current_code(ctx, args, "turning 2FA off", "unenrol", |tx, account| {
        authenticators::remove(tx, account)?;
        recovery_codes::remove_all(tx, account)?;
        record(ctx, tx, account, "unenrol", "removed", None)
    })?;
    let username = match outcome {
        Ok((username, ())) => username,
        Err(refused) => return Ok(refused),
    };
    let json = serde_json::json!({"username": username.as_str(), "status": "not-enrolled"});
    ctx.out.result(&json, || {
        format!(
            "Two-factor authentication is off for {username}; its recovery codes no longer work.\n\
             Set up the new phone with `clinic2fa enrol {username}`."
        )
    })?;
    Ok(exit::SUCCESS)
}

/// `recovery-codes USERNAME`: a fresh set; the old codes stop working.
pub fn regenerate(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let prepared = Prepared::new()?;
    let outcome =
        with_current_code(ctx, args, "new recovery codes", "recovery-codes", |tx, account| {
            recovery_codes::replace(tx, account, &prepared.hashes)?;
            record(ctx, tx, account, "recovery-codes.regenerate", "issued", None)
        })?;
    let username = match outcome {
        Ok((username, ())) => username,
        Err(refused) => return Ok(refused),
    };
    let codes: Vec<String> = prepared.codes.iter().map(RecoveryCode::grouped).collect();
    let json = serde_json::json!({"username": username.as_str(), "recovery_codes": codes});
    ctx.out.result(&json, || {
        let list: Vec<String> = codes.iter().map(|c| format!("    {c}")).collect();
        format!(
            "New recovery codes for {username}; the old ones no longer work. Each works once.\n\
             Keep them somewhere safe. They are shown only now.\n\n{}",
            list.join("\n")
        )
    })?;
    Ok(exit::SUCCESS)
}

/// The shared front of `unenrol` and `recovery-codes`: the password and a current code
/// of an enrolled account, then `change` in the same transaction. A refusal has been
/// reported when this returns `Err(exit code)`.
fn with_current_code<T>(
    ctx: &Context,
    args: &OwnAccountArgs,
    what: &str,
    action: &str,
    mut change: impl FnMut(&Db<'_>, &Account) -> anyhow::Result<T>,
) -> anyhow::Result<Result<(Username, T), u8>> {
    let username = Username::parse(&args.username)?;
    let offered = Offered::from_args(&args.code)?;
    if matches!(offered, Offered::Nothing) && !ctx.interactive {
        return Err(Error::Usage(format!(
            "{what} needs a current code: pass --code CODE (or --recovery-code CODE)"
        ))
        .into());
    }
    let password = input::current_password(ctx, &args.password)?;
    let mut store = ctx.open_store()?;
    let request = auth::Request {
        username: &username,
        password: &password,
        offered,
        rule: login::verify_identity,
        action,
    };
    let outcome = auth::attempt(ctx, &mut store, request, |tx, account| {
        if !account.enrolled {
            return Err(not_enrolled(&account.username));
        }
        change(tx, account)
    })?;
    match outcome {
        Attempted::Passed { value, .. } => Ok(Ok((username, value))),
        Attempted::Denied { reason, account } => {
            auth::report_denied(ctx, &username, reason, account.as_ref()).map(Err)
        }
    }
}

/// `passwd USERNAME`: the current password (and a code if enrolled), then the new one.
pub fn change_password(ctx: &Context, args: &OwnAccountArgs) -> anyhow::Result<u8> {
    let username = Username::parse(&args.username)?;
    let offered = Offered::from_args(&args.code)?;
    let current = input::current_password(ctx, &args.password)?;
    let new = input::changed_password(ctx, &args.password, &username, Some(&current))?;
    let phc = crate::domain::password::hash(&new)?;
    drop(new);
    let mut store = ctx.open_store()?;
    let request = auth::Request {
        username: &username,
        password: &current,
        offered,
        rule: login::verify_identity,
        action: "passwd",
    };
    let outcome = auth::attempt(ctx, &mut store, request, |tx, account| {
        store::accounts::set_password_hash(tx, account, &phc, false)?;
        record(ctx, tx, account, "passwd", "changed", None)
    })?;
    match outcome {
        Attempted::Passed { .. } => {
            let json = serde_json::json!({"username": username.as_str(), "password_changed": true});
            ctx.out.result(&json, || format!("Password changed for {username}."))?;
            Ok(exit::SUCCESS)
        }
        Attempted::Denied { reason, account } => {
            auth::report_denied(ctx, &username, reason, account.as_ref())
        }
    }
}

fn not_enrolled(username: &Username) -> anyhow::Error {
    Error::Conflict(format!(
        "{username} has no authenticator set up: `clinic2fa enrol {username}` sets one up"
    ))
    .into()
}

/// An entry in the audit trail by the person themselves.
fn record(
    ctx: &Context,
    tx: &Db<'_>,
    account: &Account,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
) -> anyhow::Result<()> {
    audit::record(
        tx,
        &audit::Entry {
            at: ctx.now,
            actor: account.username.as_str(),
            action,
            subject: Some(account.username.as_str()),
            outcome,
            detail,
        },
    )
}

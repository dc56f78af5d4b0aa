//! One attempt: gather the facts for [`signin::decide`] inside one transaction and
//! apply the effects it returns there. No door counts a failure, resets the count,
//! spends a code or writes a sign-in's audit entry itself: [`attempt`] is the only
//! place that does, and only what `decide` listed. It never prompts: where a person
//! must be asked for a code it says so ([`Step::NeedCode`]), and the conversation
//! (`super::conversation`) asks its door.

use crate::domain::account::Account;
use crate::domain::client::ClientName;
use crate::domain::device::DeviceName;
use crate::domain::password::{self, Password};
use crate::domain::recovery::RecoveryCode;
use crate::domain::settings::Clinic;
use crate::domain::signin::{
    self, DenyReason, Effect, Facts, NewCode, Proof, Purpose, Target, Verdict,
};
use crate::domain::time::Timestamp;
use crate::domain::totp::{self, Code, TotpSecret};
use crate::domain::username::Username;
use crate::error::Error;
use crate::store::{self, Db, Store, accounts, audit, authenticators, recovery_codes};

/// How long a new secret waits for its confirming code.
const PENDING_SECONDS: i64 = 10 * 60;

/// The second factor a person offered.
#[derive(Debug, Clone)]
pub enum Offered {
    Nothing,
    Totp(Code),
    RecoveryCode(RecoveryCode),
}

impl Offered {
    /// What the person types at the prompt: a 6-digit code or a recovery code.
    pub fn from_typed(typed: &str) -> Result<Offered, Error> {
        Code::parse(typed).map(Offered::Totp).or_else(|_| {
            RecoveryCode::parse(typed).map(Offered::RecoveryCode).map_err(|_| {
                Error::Usage(
                    "type the 6-digit code from the app, or a recovery code like abcd-efgh-ijkl-mnop"
                        .into(),
                )
            })
        })
    }
}

/// How the person proves their password. Its `Debug` never shows the password.
#[derive(Clone)]
pub enum Credential {
    /// Typed for this attempt: checked against the stored hash.
    Password(Password),
    /// Checked earlier in the same conversation against this stored hash (the steps a
    /// sign-in goes on to). Still good only while the stored hash is the same.
    Verified(String),
    /// Proved by the door ([`Door::vouches_for_password`]): good for an account that
    /// exists, as its stored hash is now.
    VouchedFor,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Password(_) => f.write_str("Password(<hidden>)"),
            Credential::Verified(_) => f.write_str("Verified(<stored hash>)"),
            Credential::VouchedFor => f.write_str("VouchedFor"),
        }
    }
}

/// A new secret awaiting its first code, for [`PENDING_SECONDS`], and the device it is
/// for (as the rules decided, once started).
#[derive(Debug, Clone)]
pub struct Started {
    pub secret: TotpSecret,
    pub expires_at: Timestamp,
    pub device: DeviceName,
}

impl Started {
    pub fn new(now: Timestamp) -> anyhow::Result<Self> {
        Ok(Started {
            secret: TotpSecret::generate()?,
            expires_at: now.plus_seconds(PENDING_SECONDS),
            device: DeviceName::default_name(),
        })
    }
}

/// Recovery codes made ahead of the transaction that stores them.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub codes: Vec<RecoveryCode>,
}

impl Prepared {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Prepared { codes: RecoveryCode::generate_set()? })
    }
}

/// What effects may need, made before the transaction: hashing is slow, and the write
/// lock is held only for deciding and applying.
#[derive(Debug, Default)]
pub struct Materials {
    /// For [`Effect::SetPassword`].
    pub new_password_hash: Option<String>,
    /// For [`Effect::StartEnrolment`].
    pub started: Option<Started>,
    /// For [`Effect::ActivateEnrolment`] and [`Effect::ReplaceRecoveryCodes`].
    pub recovery_codes: Option<Prepared>,
}

/// One attempt: who, proving what, for which purpose.
#[derive(Debug)]
pub struct Request {
    pub purpose: Purpose,
    pub username: Username,
    pub credential: Credential,
    /// A code of an active authenticator, or (for the purposes that set one up) a code
    /// of the new one.
    pub offered: Offered,
    /// The authenticator `enrol` sets up (default `phone`) or `unenrol` removes (none:
    /// all of them). The set-up being confirmed names its own.
    pub device: Option<DeviceName>,
    pub materials: Materials,
}

/// How an attempt ended, with what the command shows.
#[derive(Debug)]
pub struct Attempted {
    pub verdict: Verdict,
    /// The account as the decision saw it (before its effects).
    pub account: Option<Account>,
    pub clinic: Clinic,
    /// The stored hash the password was proved against (or the one the effects put in
    /// its place); `None` when it was not proved. A later step of the same
    /// conversation passes it as [`Credential::Verified`].
    pub password_hash: Option<String>,
    /// Recovery codes the effects issued, to be shown once.
    pub issued_codes: Option<Vec<RecoveryCode>>,
    /// The secret the effects started, to be shown for set-up.
    pub started: Option<Started>,
    /// A wrong code that a phone clock this many minutes off would have made.
    pub clock_off_minutes: Option<i64>,
    /// Let in within the enrolment grace: until when.
    pub enrolment_due: Option<Timestamp>,
    /// What was offered was a recovery code (so a refusal is about that code, not
    /// the app's).
    pub offered_recovery_code: bool,
}

/// Who is asking, and when: what the pipeline needs of its door.
#[derive(Debug, Clone)]
pub struct Caller {
    pub now: Timestamp,
    /// A person is there to answer: a missing code is asked for, and where the rules
    /// say so, set-up follows at once.
    pub at_terminal: bool,
    /// Where a person is there: a set-up (a QR code, a key) can be shown to them. A
    /// machine's login that passes prompts but shows no text cannot: there a code is
    /// still asked for, but no set-up begins (and a bypass waits for one that can).
    pub shows_set_up: bool,
    /// The way in, for the audit trail.
    pub door: Door,
}

/// The way a sign-in came in, as the audit trail records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Door {
    /// `clinic2fa` at a terminal or in a script: the person is the actor.
    Command,
    /// The sign-in service's HTTP API, asked by this client (`api:NAME`), for a person
    /// at this address (as the client says).
    Api { client: ClientName, remote_addr: Option<std::net::IpAddr> },
    /// The sign-in service's socket, asked by the PAM module for this PAM service
    /// (`pam:sshd`), for a person at this remote host (`PAM_RHOST`); both as the door
    /// cleaned them (letters, digits and `.:_-` only). `code_only`: the module's
    /// `mode=code`, where an earlier module of a root caller's PAM stack proved the
    /// password (the door has checked the caller is root).
    Pam { service: String, rhost: Option<String>, code_only: bool },
    /// The sign-in service's enrolment page, opened from an enrolment link, by a
    /// browser at this address: the person is the actor.
    Page { remote_addr: Option<std::net::IpAddr> },
}

impl Door {
    /// Nobody may come in through this door owing a set-up: a machine's login lets a
    /// person into a session, and the only place the set-up can happen is the prompt.
    pub fn needs_set_up_at_once(&self) -> bool {
        matches!(self, Door::Pam { .. })
    }

    /// The door itself vouches for the password: nothing typed is checked against the
    /// stored hash. Only a root PAM stack's `mode=code`.
    pub fn vouches_for_password(&self) -> bool {
        matches!(self, Door::Pam { code_only: true, .. })
    }
}

impl Door {
    /// Who the audit entry says acted: the person, or the application that asked.
    fn actor<'a>(&self, username: &'a Username) -> std::borrow::Cow<'a, str> {
        match self {
            Door::Command | Door::Page { .. } => username.as_str().into(),
            Door::Api { client, .. } => format!("api:{client}").into(),
            Door::Pam { service, .. } => format!("pam:{service}").into(),
        }
    }

    /// The entry's detail, with where the person was when the door knows it.
    fn detail(&self, detail: Option<&str>) -> Option<String> {
        match (self, detail) {
            (Door::Api { remote_addr: Some(addr), .. }, Some(d)) => {
                Some(format!("{d}, from {addr}"))
            }
            (Door::Api { remote_addr: Some(addr), .. }, None) => Some(format!("from {addr}")),
            (Door::Pam { rhost, code_only, .. }, d) if rhost.is_some() || *code_only => {
                let parts = [
                    d.map(str::to_owned),
                    code_only.then(|| "password checked by the PAM stack".to_owned()),
                    rhost.as_ref().map(|host| format!("from {host}")),
                ];
                Some(parts.into_iter().flatten().collect::<Vec<_>>().join(", "))
            }
            (Door::Page { remote_addr }, d) => {
                let parts = [
                    d.map(str::to_owned),
                    Some("at the enrolment page".to_owned()),
                    remote_addr.map(|addr| format!("from {addr}")),
                ];
                Some(parts.into_iter().flatten().collect::<Vec<_>>().join(", "))
            }
            (_, d) => d.map(str::to_owned),
        }
    }
}

/// Where an attempt stands.
#[derive(Debug)]
pub enum Step {
    /// A person is there and no code was given: nothing was applied; answer with
    /// [`Awaiting::offer`].
    NeedCode(Awaiting),
    Done(Attempted),
}

/// An attempt waiting for its second factor, the password already proved or not.
#[derive(Debug)]
pub struct Awaiting {
    request: Request,
    proved: Proved,
}

impl Awaiting {
    /// The same attempt again with the code the person gave.
    pub fn offer(
        mut self,
        caller: &Caller,
        store: &mut Store,
        offered: Offered,
    ) -> anyhow::Result<Step> {
        self.request.offered = offered;
        decide_and_apply(caller, store, self.request, self.proved)
    }
}

/// What checking the password found, before any lock is taken.
#[derive(Debug)]
struct Proved {
    seen: Option<Account>,
    password_ok: bool,
    checked_hash: Option<String>,
    /// For [`Effect::UpgradePasswordHash`]: made when the stored hash is outdated.
    upgraded_hash: Option<String>,
}

/// Authenticates once: the password first (outside any transaction: it is the slow
/// part), then, inside one immediate transaction, the facts as they are now, the
/// decision, and its effects. Where a person is there and gave no code, nothing is
/// applied: the door asks, and offers it ([`Step::NeedCode`]).
pub fn attempt(caller: &Caller, store: &mut Store, request: Request) -> anyhow::Result<Step> {
    // As stored, unchecked: it only says which hash the password is checked against
    // (slow, so outside the lock). Nothing is decided on it: the decision reads the
    // account again, checked against its seal, inside the transaction.
    let seen = accounts::find_unverified(&store.db(), &request.username)?;
    let mut upgraded_hash = None;
    let (password_ok, checked_hash) = match (&request.credential, &seen) {
        (Credential::Password(p), Some(account)) => {
            let ok = password::verify(p, &account.password_hash)?;
            if ok && password::is_outdated(&account.password_hash) {
                upgraded_hash = Some(password::hash(p)?);
            }
            (ok, Some(account.password_hash.clone()))
        }
        // An unknown user costs the same argon2 work, so timing tells nothing.
        (Credential::Password(p), None) => (password::verify_dummy(p)?, None),
        (Credential::Verified(hash), _) => (true, Some(hash.to_owned())),
        (Credential::VouchedFor, Some(account)) => (true, Some(account.password_hash.clone())),
        (Credential::VouchedFor, None) => (false, None),
    };
    let proved = Proved { seen, password_ok, checked_hash, upgraded_hash };
    decide_and_apply(caller, store, request, proved)
}

fn decide_and_apply(
    caller: &Caller,
    store: &mut Store,
    mut request: Request,
    proved: Proved,
) -> anyhow::Result<Step> {
    let mut materials = std::mem::take(&mut request.materials);
    let (purpose, username, offered) = (request.purpose, &request.username, &request.offered);
    let Proved { seen, password_ok, checked_hash, upgraded_hash } = &proved;
    let ahead = look_ahead(caller, store, purpose, seen.as_ref(), offered)?;
    if ahead.new_code_matches && materials.recovery_codes.is_none() {
        materials.recovery_codes = Some(Prepared::new()?);
    }
    let step = store.write(|tx| {
        // Decided on the account as it is now, inside the write lock: a concurrent
        // attempt may have used a code, counted a failure or locked it meanwhile.
        let account = accounts::find(tx, username)?;
        let unchanged = account
            .as_ref()
            .zip(checked_hash.as_ref())
            .is_some_and(|(a, checked)| &a.password_hash == checked);
        let clinic = store::clinic::get(tx)?;
        let proved = *password_ok && unchanged;
        let (proof, signed_with) = match &account {
            Some(a) => proof(caller, tx, purpose, a, offered, ahead.recovery_code, &clinic)?,
            None => (Proof::Nothing, None),
        };
        let target = match &account {
            Some(a) => target(tx, purpose, a, request.device)?,
            None => None,
        };
        let facts = Facts {
            purpose,
            account: account.as_ref(),
            password_ok: proved,
            password_outdated: upgraded_hash.is_some(),
            proof,
            signed_with,
            target,
            at_terminal: caller.at_terminal && caller.shows_set_up,
            bypass_waits_for_set_up: caller.door.needs_set_up_at_once(),
            clinic: &clinic,
            now: caller.now,
        };
        let outcome = signin::decide(&facts);
        if outcome.verdict == Verdict::Denied(DenyReason::CodeRequired) && caller.at_terminal {
            return Ok(None); // nothing applied: ask, then decide again
        }
        let applied = match &account {
            Some(a) => {
                apply(caller, tx, a, &outcome.effects, &materials, upgraded_hash.as_deref())?
            }
            None => apply_unknown(caller, tx, username, &outcome.effects)?,
        };
        Ok(Some(Attempted {
            verdict: outcome.verdict,
            account,
            clinic,
            // Only a password proved here may be presented again as proved.
            password_hash: applied
                .password_hash
                .or_else(|| checked_hash.clone().filter(|_| proved)),
            issued_codes: applied.issued_codes,
            started: applied.started,
            clock_off_minutes: outcome.clock_off_minutes,
            enrolment_due: outcome.enrolment_due,
            offered_recovery_code: matches!(offered, Offered::RecoveryCode(_)),
        }))
    })?;
    Ok(match step {
        Some(attempted) => Step::Done(attempted),
        None => {
            request.materials = materials;
            Step::NeedCode(Awaiting { request, proved })
        }
    })
}

/// What is worth knowing before taking the write lock, because finding it out is slow.
#[derive(Debug, Default)]
struct Ahead {
    /// The unused recovery code, of those issued before look-up values (argon2
    /// hashes), that the offered one matches.
    recovery_code: Option<i64>,
    /// The offered code will confirm the pending secret: hash recovery codes now.
    new_code_matches: bool,
}

fn look_ahead(
    caller: &Caller,
    store: &Store,
    purpose: Purpose,
    seen: Option<&Account>,
    offered: &Offered,
) -> anyhow::Result<Ahead> {
    let Some(account) = seen else { return Ok(Ahead::default()) };
    let db = store.db();
    match offered {
        // Codes issued before look-up values are argon2 hashes: each is tried, every
        // one of them, whether or not the password was right and whatever the
        // account's state, so the time taken tells nothing about either.
        Offered::RecoveryCode(code) if !purpose.proves_new_authenticator() => {
            let mut found = None;
            for legacy in recovery_codes::unused_legacy(&db, account)? {
                if code.matches(&legacy.hash)? && found.is_none() {
                    found = Some(legacy.id);
                }
            }
            Ok(Ahead { recovery_code: found, new_code_matches: false })
        }
        Offered::Totp(code) if purpose.proves_new_authenticator() => {
            let window = store::clinic::get(&db)?.totp_window;
            let matches = authenticators::pending(&db, account)?.is_some_and(|p| {
                p.expires_at > caller.now
                    && totp::matching_step(&p.secret, code, caller.now, window, None).is_some()
            });
            Ok(Ahead { recovery_code: None, new_code_matches: matches })
        }
        _ => Ok(Ahead::default()),
    }
}

/// The authenticator the purpose acts on, as the account has it now.
fn target(
    tx: &Db<'_>,
    purpose: Purpose,
    account: &Account,
    device: Option<DeviceName>,
) -> anyhow::Result<Option<Target>> {
    let name = match purpose {
        Purpose::Enrol => Some(device.unwrap_or_else(DeviceName::default_name)),
        Purpose::Unenrol => device,
        Purpose::EnrolConfirm | Purpose::EnrolAtLogin => {
            authenticators::pending(tx, account)?.map(|p| p.device)
        }
        Purpose::Login
        | Purpose::LoginReplacingPassword
        | Purpose::Passwd
        | Purpose::RecoveryCodes => None,
    };
    let Some(name) = name else { return Ok(None) };
    let exists = authenticators::list(tx, account)?.iter().any(|d| d.name == name);
    Ok(Some(Target { name, exists }))
}

/// The offered second factor, checked against the account inside the transaction, and
/// the authenticator whose code matched.
fn proof(
    caller: &Caller,
    tx: &Db<'_>,
    purpose: Purpose,
    account: &Account,
    offered: &Offered,
    recovery_match: Option<i64>,
    clinic: &Clinic,
) -> anyhow::Result<(Proof, Option<DeviceName>)> {
    if purpose.proves_new_authenticator() {
        let Offered::Totp(code) = offered else { return Ok((Proof::Nothing, None)) };
        let window = clinic.totp_window;
        let checked = match authenticators::pending(tx, account)? {
            None => NewCode::NoPending,
            Some(p) if p.expires_at <= caller.now => NewCode::Expired(p.expires_at),
            Some(p) => match totp::matching_step(&p.secret, code, caller.now, window, None) {
                Some(step) => NewCode::Matches(step),
                None => totp::clock_offset(&p.secret, code, caller.now, window, None)
                    .map_or(NewCode::Wrong, NewCode::ClockOff),
            },
        };
        return Ok((Proof::NewCode(checked), None));
    }
    Ok(match offered {
        Offered::Nothing => (Proof::Nothing, None),
        Offered::Totp(code) => {
            // Any of the person's authenticators, each checked against the person's
            // mark: a step used on one is used on all.
            let devices = authenticators::active(tx, account)?;
            let (window, used) = (clinic.totp_window, authenticators::used_up_to(&devices));
            let matched = devices.iter().find_map(|d| {
                totp::matching_step(&d.secret, code, caller.now, window, used).map(|s| (s, d.name))
            });
            match matched {
                Some((step, name)) => (Proof::Totp(Some(step)), Some(name)),
                None => (
                    devices
                        .iter()
                        .find_map(|d| totp::clock_offset(&d.secret, code, caller.now, window, used))
                        .map_or(Proof::Totp(None), Proof::ClockOff),
                    None,
                ),
            }
        }
        // One keyed look-up, checked whatever the password and the account's state;
        // a code issued before look-up values was matched before the write lock:
        // still unused now? A concurrent sign-in may have spent it.
        Offered::RecoveryCode(code) => (
            Proof::RecoveryCode(
                match (recovery_codes::find_unused(tx, account, code)?, recovery_match) {
                    (Some(id), _) => Some(id),
                    (None, Some(id)) if recovery_codes::is_unused(tx, account, id)? => Some(id),
                    _ => None,
                },
            ),
            None,
        ),
    })
}

/// What applying the effects produced, for the command to show.
#[derive(Debug, Default)]
struct Applied {
    issued_codes: Option<Vec<RecoveryCode>>,
    started: Option<Started>,
    /// The stored hash, when the effects replaced it.
    password_hash: Option<String>,
}

/// Applies a decision's effects, in order, inside the caller's transaction: the one
/// place a sign-in's bookkeeping is written.
fn apply(
    caller: &Caller,
    tx: &Db<'_>,
    account: &Account,
    effects: &[Effect],
    materials: &Materials,
    upgraded_hash: Option<&str>,
) -> anyhow::Result<Applied> {
    let username = &account.username;
    let mut applied = Applied::default();
    // Inside the immediate transaction a decided spend cannot lose a race, but the
    // guarded updates make "exactly once" hold even if that changes.
    let raced = || {
        anyhow::Error::from(Error::Conflict(format!(
            "another sign-in of {username} used the same code or bypass at the same moment: sign in again"
        )))
    };
    let missing = |what: &str| anyhow::anyhow!("internal error: {what} was not prepared");
    for effect in effects {
        match effect {
            Effect::CountFailure => {
                accounts::count_failure(tx, account)?;
            }
            Effect::Lock { until } => accounts::lock(tx, account, *until)?,
            Effect::ResetFailures => accounts::reset_failures(tx, account)?,
            Effect::SpendTotpStep { device, step } => {
                if !authenticators::use_step(tx, account, *device, *step, caller.now)? {
                    return Err(raced());
                }
            }
            Effect::SpendRecoveryCode(id) => {
                if !recovery_codes::spend(tx, account, *id, caller.now)? {
                    return Err(raced());
                }
            }
            Effect::SpendBypass => {
                if !accounts::spend_bypass(tx, account, caller.now)? {
                    return Err(raced());
                }
            }
            Effect::RemoveAuthenticator => {
                authenticators::remove(tx, account)?;
                recovery_codes::remove_all(tx, account)?;
            }
            Effect::RemoveOneAuthenticator(device) => {
                if !authenticators::remove_one(tx, account, *device)? {
                    return Err(raced());
                }
            }
            Effect::SetPassword => {
                let phc = materials
                    .new_password_hash
                    .as_ref()
                    .ok_or_else(|| missing("the new password"))?;
                accounts::set_password_hash(tx, account, phc, false)?;
                applied.password_hash = Some(phc.clone());
            }
            Effect::UpgradePasswordHash => {
                let phc = upgraded_hash.ok_or_else(|| missing("the new hash"))?;
                accounts::set_password_hash(tx, account, phc, account.must_change_password)?;
                applied.password_hash = Some(phc.to_owned());
            }
            Effect::StartEnrolment(device) => {
                let started = materials.started.as_ref().ok_or_else(|| missing("a new secret"))?;
                let started = Started { device: *device, ..started.clone() };
                authenticators::set_pending(
                    tx,
                    account,
                    *device,
                    &started.secret,
                    started.expires_at,
                )?;
                applied.started = Some(started);
            }
            Effect::ActivateEnrolment { step } => {
                let pending = authenticators::pending(tx, account)?.ok_or_else(raced)?;
                let (device, secret) = (pending.device, &pending.secret);
                authenticators::activate(tx, account, device, secret, *step, caller.now)?;
                let prepared = match &materials.recovery_codes {
                    Some(prepared) => prepared.clone(),
                    None => Prepared::new()?,
                };
                recovery_codes::replace(tx, account, &prepared.codes)?;
                applied.issued_codes = Some(prepared.codes);
            }
            Effect::ReplaceRecoveryCodes => {
                let prepared =
                    materials.recovery_codes.as_ref().ok_or_else(|| missing("recovery codes"))?;
                recovery_codes::replace(tx, account, &prepared.codes)?;
                applied.issued_codes = Some(prepared.codes.clone());
            }
            Effect::RecordLogin => accounts::record_login(tx, account, caller.now)?,
            Effect::Audit(note) => record(caller, tx, username, note)?,
        }
    }
    Ok(applied)
}

/// An attempt on a username nobody has: only its audit entry can apply.
fn apply_unknown(
    caller: &Caller,
    tx: &Db<'_>,
    username: &Username,
    effects: &[Effect],
) -> anyhow::Result<Applied> {
    for effect in effects {
        match effect {
            Effect::Audit(note) => record(caller, tx, username, note)?,
            other => anyhow::bail!("internal error: {other:?} decided for an unknown user"),
        }
    }
    Ok(Applied::default())
}

fn record(
    caller: &Caller,
    tx: &Db<'_>,
    username: &Username,
    note: &signin::Note,
) -> anyhow::Result<()> {
    let actor = caller.door.actor(username);
    let detail = caller.door.detail(note.detail.as_deref());
    audit::record(
        tx,
        &audit::Entry {
            at: caller.now,
            actor: &actor,
            action: note.action,
            subject: Some(username.as_str()),
            outcome: note.outcome,
            detail: detail.as_deref(),
        },
    )
}

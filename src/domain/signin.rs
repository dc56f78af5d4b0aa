//! What happens when a person proves who they are: the contract's rule list, in order,
//! as one pure function for every command that authenticates (`login`, `enrol`,
//! `enrol --confirm`, `unenrol`, `passwd`, `recovery-codes`, and the steps a sign-in at
//! a terminal goes on to: choosing a new password, setting up an authenticator).
//!
//! [`decide`] returns the verdict *and every effect it has*: a failure counted, the
//! count reset, a code or bypass spent, the person's own change, the audit entries.
//! The command layer gathers the facts and applies the effects in one transaction; it
//! writes no bookkeeping of its own, so no path can forget a reset or add one.

use crate::domain::account::Account;
use crate::domain::audit::Action;
use crate::domain::device::{self, DeviceName};
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::error::exit;

/// What the person is trying to do, which decides what they must prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `login`: rules 1 to 6.
    Login,
    /// `login` at a terminal, after the person typed a new password to replace a
    /// temporary one: rules 1 to 6, the new password saved once their identity is proved.
    LoginReplacingPassword,
    /// `enrol` (start): the password, and a current code when an authenticator is active.
    Enrol,
    /// `enrol --confirm` (or the second half of `enrol` at a terminal): the password and
    /// a code from the secret being set up.
    EnrolConfirm,
    /// The set-up that a sign-in at a terminal goes on to (rule 5, or after a bypass):
    /// a code from the new secret finishes the sign-in.
    EnrolAtLogin,
    /// `unenrol`: the password and a current code.
    Unenrol,
    /// `passwd`: the current password (a temporary one too), and a code when enrolled.
    Passwd,
    /// `recovery-codes`: the password and a current code.
    RecoveryCodes,
}

impl Purpose {
    pub const ALL: [Purpose; 8] = [
        Purpose::Login,
        Purpose::LoginReplacingPassword,
        Purpose::Enrol,
        Purpose::EnrolConfirm,
        Purpose::EnrolAtLogin,
        Purpose::Unenrol,
        Purpose::Passwd,
        Purpose::RecoveryCodes,
    ];

    /// The audit trail's name for the attempt.
    pub fn action(self) -> Action {
        match self {
            Purpose::Login | Purpose::LoginReplacingPassword => Action::Login,
            Purpose::Enrol => Action::EnrolStart,
            Purpose::EnrolConfirm | Purpose::EnrolAtLogin => Action::EnrolConfirm,
            Purpose::Unenrol => Action::Unenrol,
            Purpose::Passwd => Action::Passwd,
            Purpose::RecoveryCodes => Action::RecoveryCodesRegenerate,
        }
    }

    /// The audit trail's word for what a successful attempt did.
    fn done(self) -> &'static str {
        match self {
            Purpose::Login | Purpose::LoginReplacingPassword => "success",
            Purpose::Enrol => "pending",
            Purpose::EnrolConfirm | Purpose::EnrolAtLogin => "enrolled",
            Purpose::Unenrol => "removed",
            Purpose::Passwd => "changed",
            Purpose::RecoveryCodes => "issued",
        }
    }

    /// Rule 2a: a password someone else chose is good for choosing a new one, nothing
    /// else.
    fn accepts_temporary_password(self) -> bool {
        matches!(self, Purpose::Passwd | Purpose::LoginReplacingPassword)
    }

    /// Whether the code that matters is from the secret being set up (not the active one).
    pub fn proves_new_authenticator(self) -> bool {
        matches!(self, Purpose::EnrolConfirm | Purpose::EnrolAtLogin)
    }
}

/// Why an attempt was refused, with the contract's wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    InvalidCredentials,
    Locked,
    CodeRequired,
    InvalidCode,
    EnrolmentRequired,
    PasswordChangeRequired,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::InvalidCredentials => "invalid-credentials",
            DenyReason::Locked => "locked",
            DenyReason::CodeRequired => "code-required",
            DenyReason::InvalidCode => "invalid-code",
            DenyReason::EnrolmentRequired => "enrolment-required",
            DenyReason::PasswordChangeRequired => "password-change-required",
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            DenyReason::InvalidCredentials | DenyReason::CodeRequired | DenyReason::InvalidCode => {
                exit::DENIED
            }
            DenyReason::Locked => exit::LOCKED,
            DenyReason::EnrolmentRequired | DenyReason::PasswordChangeRequired => {
                exit::ACTION_REQUIRED
            }
        }
    }
}

/// A request that cannot apply to the account as it is (exit 1): nothing was guessed,
/// so nothing is counted, and nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `unenrol` or `recovery-codes` for someone with no authenticator.
    NotEnrolled,
    /// A confirming code but no set-up in progress.
    NoPending,
    /// The set-up in progress expired at this moment.
    PendingExpired(Timestamp),
    /// The set-up at login met an authenticator made meanwhile by another command:
    /// replacing it needs a current code, which this step never had.
    EnrolledMeanwhile,
    /// Adding one more authenticator beyond [`device::MAX_PER_PERSON`].
    TooManyAuthenticators,
    /// `unenrol --device` naming none of the person's authenticators.
    NoSuchAuthenticator(DeviceName),
}

/// How the second factor was satisfied on a successful sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Totp,
    RecoveryCode,
    Bypass,
    None,
}

impl SecondFactor {
    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactor::Totp => "totp",
            SecondFactor::RecoveryCode => "recovery-code",
            SecondFactor::Bypass => "bypass",
            SecondFactor::None => "none",
        }
    }
}

/// A code typed from the authenticator being set up, as checked against the pending
/// secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCode {
    NoPending,
    Expired(Timestamp),
    Wrong,
    /// It matches only a clock this many 30 s steps off (positive: ahead).
    ClockOff(i64),
    /// It matched this step.
    Matches(u64),
}

/// What the person offered as a second factor, already checked by the caller against
/// the account as it is inside the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// No code was given.
    Nothing,
    /// A TOTP code of one of the active authenticators: `Some(step)` when it matched a
    /// step in the window later than any the person used (the authenticator is
    /// [`Facts::signed_with`]).
    Totp(Option<u64>),
    /// A recovery code: `Some(id)` when it matched an unused one.
    RecoveryCode(Option<i64>),
    /// A code from the authenticator being set up.
    NewCode(NewCode),
    /// A code of the active authenticator that matches only a clock this many 30 s
    /// steps off (positive: the phone is ahead): refused, but the reason is known.
    ClockOff(i64),
}

/// Everything the rules look at, gathered by the caller inside the transaction.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub purpose: Purpose,
    /// `None` when no account has that username.
    pub account: Option<&'a Account>,
    /// Whether the password matched (against a dummy hash for unknown users).
    pub password_ok: bool,
    /// The stored hash has other parameters than today's, and a new one is ready.
    pub password_outdated: bool,
    pub proof: Proof,
    /// The authenticator whose code matched ([`Proof::Totp`]).
    pub signed_with: Option<DeviceName>,
    /// The authenticator the purpose acts on: the one `enrol` sets up (or replaces),
    /// the one being confirmed, the one `unenrol --device` removes. `None` for
    /// `unenrol` without `--device` (all of them) and purposes that act on none.
    pub target: Option<Target>,
    /// A person is at the terminal: where the rules say so, set-up follows at once.
    pub at_terminal: bool,
    /// Away from a terminal, the door must not let anyone in who then owes a set-up
    /// (a machine's login that cannot show a QR code): a bypass waits for a sign-in
    /// where the set-up can follow at once.
    pub bypass_waits_for_set_up: bool,
    pub clinic: &'a Clinic,
    pub now: Timestamp,
}

/// The authenticator a purpose acts on, as found on the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub name: DeviceName,
    /// The person has an active authenticator of that name.
    pub exists: bool,
}

/// How a successful attempt let the person in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The password alone: no authenticator is active (and, at login, 2FA does not apply).
    Password,
    /// A code of the active authenticator, at this step.
    Totp(u64),
    /// This recovery code.
    RecoveryCode(i64),
    /// The admin's one-time bypass.
    Bypass,
    /// A code of the authenticator being set up, at this step.
    NewAuthenticator(u64),
}

impl Via {
    pub fn second_factor(self) -> SecondFactor {
        match self {
            Via::Password => SecondFactor::None,
            Via::Totp(_) | Via::NewAuthenticator(_) => SecondFactor::Totp,
            Via::RecoveryCode(_) => SecondFactor::RecoveryCode,
            Via::Bypass => SecondFactor::Bypass,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Let in. `enrolment_required`: a bypass was spent where 2FA applies, so the person
    /// must set up a new authenticator.
    Allowed {
        via: Via,
        enrolment_required: bool,
    },
    Denied(DenyReason),
    Refused(Refusal),
}

/// One audit entry, by (and about) the person signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub action: Action,
    pub outcome: &'static str,
    pub detail: Option<String>,
}

/// One change a decision makes, applied in order inside the command's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// One more consecutive failure.
    CountFailure,
    /// The failures reached the threshold: locked until then, the count starting afresh.
    Lock {
        until: Timestamp,
    },
    /// A whole sign-in: the count of consecutive failures starts afresh.
    ResetFailures,
    /// This step of the person's authenticator, and every earlier one of any of theirs,
    /// is used.
    SpendTotpStep {
        device: DeviceName,
        step: u64,
    },
    SpendRecoveryCode(i64),
    /// The bypass is used up.
    SpendBypass,
    /// Every active authenticator, any pending one and all recovery codes are gone.
    RemoveAuthenticator,
    /// This one authenticator is gone; the others and the recovery codes stay.
    RemoveOneAuthenticator(DeviceName),
    /// The prepared password hash replaces the current one, as the person's own.
    SetPassword,
    /// The stored hash is replaced by the prepared one with today's parameters.
    UpgradePasswordHash,
    /// The prepared secret becomes the pending one for this device (shown for set-up).
    StartEnrolment(DeviceName),
    /// The pending secret becomes the active authenticator of the device it names
    /// (beside the others, or replacing the one of that name) with this step used, and
    /// a fresh set of recovery codes replaces the old.
    ActivateEnrolment {
        step: u64,
    },
    /// A fresh set of recovery codes replaces the old.
    ReplaceRecoveryCodes,
    /// The last sign-in time is now.
    RecordLogin,
    Audit(Note),
}

/// A decision and what it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub effects: Vec<Effect>,
    /// A wrong code that a phone clock off by this many minutes would have made (its
    /// sign: ahead or behind): the denial says so, and how to fix it.
    pub clock_off_minutes: Option<i64>,
    /// Let in with the password alone within the enrolment grace (rule 5): the end of
    /// that grace, after which an authenticator is required.
    pub enrolment_due: Option<Timestamp>,
}

/// The rules of the contract, in its order, for any purpose.
pub fn decide(facts: &Facts<'_>) -> Outcome {
    let mut effects = Vec::new();
    let verdict = rules(facts, &mut effects);
    // A phone with a wrong clock: the code is refused (and counted) like any wrong
    // one; only the message differs.
    let off = match facts.proof {
        Proof::ClockOff(steps) | Proof::NewCode(NewCode::ClockOff(steps)) => Some(steps),
        _ => None,
    };
    let clock_off_minutes = off
        .filter(|_| verdict == Verdict::Denied(DenyReason::InvalidCode))
        .map(|steps| (steps * 30 + steps.signum() * 30) / 60);
    // Rule 5 within the grace let the person in with the password alone: until when.
    let signs_in = matches!(facts.purpose, Purpose::Login | Purpose::LoginReplacingPassword);
    let enrolment_due = match (verdict, facts.account) {
        (Verdict::Allowed { via: Via::Password, .. }, Some(account)) if signs_in => {
            account.enrolment_due(facts.clinic, facts.now)
        }
        _ => None,
    };
    Outcome { verdict, effects, clock_off_minutes, enrolment_due }
}

fn rules(f: &Facts<'_>, effects: &mut Vec<Effect>) -> Verdict {
    let deny = |effects: &mut Vec<Effect>, reason: DenyReason| {
        effects.push(denial(f.purpose, reason));
        Verdict::Denied(reason)
    };

    // 1. An existing, enabled account that is locked: `locked`, whatever the password.
    //    Before the password is judged, so a lock stops guessing instead of hiding the
    //    answer.
    let account = match f.account {
        Some(a) if !a.disabled && a.locked_at(f.now).is_some() => {
            return deny(effects, DenyReason::Locked);
        }
        // 2. Unknown user, disabled user or wrong password: one answer for all three.
        //    Only a wrong password for an account that can sign in counts.
        None => return deny(effects, DenyReason::InvalidCredentials),
        Some(a) if a.disabled => return deny(effects, DenyReason::InvalidCredentials),
        Some(a) if !f.password_ok => {
            count_failure(f, a, effects);
            return deny(effects, DenyReason::InvalidCredentials);
        }
        Some(a) => a,
    };

    // 2a. A temporary password is good for choosing a new one, nothing else. Nothing
    //     is spent.
    if account.must_change_password && !f.purpose.accepts_temporary_password() {
        return deny(effects, DenyReason::PasswordChangeRequired);
    }

    if f.purpose.proves_new_authenticator() {
        return new_authenticator(f, account, effects);
    }
    if matches!(f.purpose, Purpose::Unenrol | Purpose::RecoveryCodes) && !account.enrolled {
        return Verdict::Refused(Refusal::NotEnrolled);
    }
    // 2b. What `enrol` and `unenrol --device` act on must be there to act on (or room
    //     for it): refused before any code is judged, so nothing is spent.
    match (f.purpose, f.target) {
        (Purpose::Enrol, Some(t)) if adds_one_too_many(account, t) => {
            return Verdict::Refused(Refusal::TooManyAuthenticators);
        }
        (Purpose::Unenrol, Some(t)) if !t.exists => {
            return Verdict::Refused(Refusal::NoSuchAuthenticator(t.name));
        }
        _ => {}
    }

    let is_login = matches!(f.purpose, Purpose::Login | Purpose::LoginReplacingPassword);
    let required = account.requires_2fa(f.clinic, f.now);

    // 3. At login, a pending, unexpired bypass: one sign-in without 2FA. The old
    //    authenticator goes at that moment; where 2FA applies, a new one is due.
    //    Commands that change one's own 2FA do not spend it: they are how one acts on it.
    //    Where the new one cannot be set up at once and the door may not let in
    //    without it, the bypass is kept: the person is told to enrol.
    if is_login && account.bypass_at(f.now).is_some() {
        if required && !f.at_terminal && f.bypass_waits_for_set_up {
            return deny(effects, DenyReason::EnrolmentRequired);
        }
        effects.push(Effect::SpendBypass);
        effects.push(Effect::Audit(Note {
            action: Action::BypassUse,
            outcome: "spent",
            detail: Some(
                if account.enrolled { "authenticator removed" } else { "no authenticator" }
                    .to_owned(),
            ),
        }));
        effects.push(Effect::RemoveAuthenticator);
        if required && f.at_terminal {
            effects.push(Effect::StartEnrolment(DeviceName::default_name()));
        }
        return allow(f, account, Via::Bypass, required, effects);
    }

    // 4. Enrolled: a code of the active authenticator, fresh, or an unused recovery code.
    //    A missing one is asked for; a wrong or reused one counts as a failure.
    if account.enrolled {
        let (via, spend) = match (f.proof, f.signed_with) {
            (Proof::Totp(Some(step)), Some(device)) => {
                (Via::Totp(step), Effect::SpendTotpStep { device, step })
            }
            (Proof::Totp(Some(_)), None) => {
                // A matching code names the authenticator it matched: without one,
                // nothing is known to spend, so nothing is let in.
                count_failure(f, account, effects);
                return deny(effects, DenyReason::InvalidCode);
            }
            (Proof::RecoveryCode(Some(id)), _) => {
                (Via::RecoveryCode(id), Effect::SpendRecoveryCode(id))
            }
            (Proof::Nothing, _) => return deny(effects, DenyReason::CodeRequired),
            (
                Proof::Totp(None)
                | Proof::RecoveryCode(None)
                | Proof::NewCode(_)
                | Proof::ClockOff(_),
                _,
            ) => {
                count_failure(f, account, effects);
                return deny(effects, DenyReason::InvalidCode);
            }
        };
        effects.push(spend);
        return allow(f, account, via, false, effects);
    }

    // 5. At login, not enrolled and 2FA required: set up an authenticator first. At a
    //    terminal the set-up follows at once (the sign-in succeeds once it is
    //    confirmed); a new password typed to replace a temporary one is kept, since the
    //    password alone is all this account has to prove.
    if is_login && account.needs_enrolment(f.clinic, f.now) {
        // Within the enrolment grace (`enrol-grace-days` after 2FA began to apply to
        // them; never after a spent bypass): the password alone, for now.
        if account.enrolment_due(f.clinic, f.now).is_some() {
            return allow(f, account, Via::Password, false, effects);
        }
        if f.purpose == Purpose::LoginReplacingPassword {
            effects.push(Effect::SetPassword);
        }
        if f.at_terminal {
            effects.push(Effect::StartEnrolment(DeviceName::default_name()));
        }
        return deny(effects, DenyReason::EnrolmentRequired);
    }

    // 6. Not enrolled (and, at login, not required): the password is everything.
    allow(f, account, Via::Password, false, effects)
}

/// A code from the authenticator being set up (`enrol --confirm`, set-up at login).
fn new_authenticator(f: &Facts<'_>, account: &Account, effects: &mut Vec<Effect>) -> Verdict {
    if f.purpose == Purpose::EnrolAtLogin && account.enrolled {
        return Verdict::Refused(Refusal::EnrolledMeanwhile);
    }
    match f.proof {
        Proof::NewCode(NewCode::Matches(_))
            if f.target.is_some_and(|t| adds_one_too_many(account, t)) =>
        {
            Verdict::Refused(Refusal::TooManyAuthenticators)
        }
        Proof::NewCode(NewCode::Matches(step)) => {
            effects.push(Effect::ActivateEnrolment { step });
            allow(f, account, Via::NewAuthenticator(step), false, effects)
        }
        Proof::NewCode(NewCode::Expired(at)) => Verdict::Refused(Refusal::PendingExpired(at)),
        Proof::NewCode(NewCode::Wrong | NewCode::ClockOff(_)) => {
            count_failure(f, account, effects);
            effects.push(denial(f.purpose, DenyReason::InvalidCode));
            Verdict::Denied(DenyReason::InvalidCode)
        }
        Proof::NewCode(NewCode::NoPending)
        | Proof::Nothing
        | Proof::Totp(_)
        | Proof::RecoveryCode(_)
        | Proof::ClockOff(_) => Verdict::Refused(Refusal::NoPending),
    }
}

/// A success: the person's own change, the reset when every factor the account has was
/// proved in this one command, the sign-in time, and the audit entry.
fn allow(
    f: &Facts<'_>,
    account: &Account,
    via: Via,
    enrolment_required: bool,
    effects: &mut Vec<Effect>,
) -> Verdict {
    let change = match f.purpose {
        Purpose::Passwd | Purpose::LoginReplacingPassword => Some(Effect::SetPassword),
        Purpose::Enrol => {
            Some(Effect::StartEnrolment(f.target.map_or_else(DeviceName::default_name, |t| t.name)))
        }
        // One of several goes alone; the last one (or all) takes the recovery codes.
        Purpose::Unenrol => Some(match f.target {
            Some(t) if account.authenticators > 1 => Effect::RemoveOneAuthenticator(t.name),
            _ => Effect::RemoveAuthenticator,
        }),
        Purpose::RecoveryCodes => Some(Effect::ReplaceRecoveryCodes),
        Purpose::Login | Purpose::EnrolConfirm | Purpose::EnrolAtLogin => None,
    };
    let sets_password = change == Some(Effect::SetPassword);
    effects.extend(change);
    if f.password_outdated && !sets_password {
        effects.push(Effect::UpgradePasswordHash);
    }
    // Only a whole sign-in resets the count. Confirming a replacement authenticator
    // proves the password and the new code, but not the active one (that was checked
    // by an earlier command).
    let whole = !(f.purpose == Purpose::EnrolConfirm && account.enrolled);
    if whole {
        effects.push(Effect::ResetFailures);
    }
    let signs_in = matches!(
        f.purpose,
        Purpose::Login | Purpose::LoginReplacingPassword | Purpose::EnrolAtLogin
    );
    if signs_in {
        effects.push(Effect::RecordLogin);
    }
    effects.push(Effect::Audit(Note {
        action: f.purpose.action(),
        outcome: f.purpose.done(),
        detail: Some(detail(f, via)),
    }));
    // Set up at login: an enrolment, and the sign-in it completes.
    if f.purpose == Purpose::EnrolAtLogin {
        effects.push(Effect::Audit(Note {
            action: Action::Login,
            outcome: "success",
            detail: Some("totp (enrolled at login)".to_owned()),
        }));
    }
    Verdict::Allowed { via, enrolment_required }
}

/// Adding `target` (not one the person has) would pass the most one person may have.
fn adds_one_too_many(account: &Account, target: Target) -> bool {
    !target.exists && account.authenticators >= device::MAX_PER_PERSON
}

/// A success's audit detail: how the person proved themselves, and the authenticator
/// it concerned (the one whose code signed in, or the one set up or removed).
fn detail(f: &Facts<'_>, via: Via) -> String {
    let factor = via.second_factor().as_str();
    let device = match f.purpose {
        Purpose::Enrol | Purpose::EnrolConfirm | Purpose::EnrolAtLogin => f.target.map(|t| t.name),
        Purpose::Unenrol => {
            return match f.target {
                Some(t) => format!("{factor}, device {}", t.name),
                None => format!("{factor}, every device"),
            };
        }
        Purpose::Login
        | Purpose::LoginReplacingPassword
        | Purpose::Passwd
        | Purpose::RecoveryCodes => f.signed_with.filter(|_| matches!(via, Via::Totp(_))),
    };
    match device {
        Some(name) => format!("{factor}, device {name}"),
        None => factor.to_owned(),
    }
}

/// The audit entry of a denial: the attempt's name and the contract's reason.
fn denial(purpose: Purpose, reason: DenyReason) -> Effect {
    Effect::Audit(Note {
        action: purpose.action(),
        outcome: "denied",
        detail: Some(reason.as_str().to_owned()),
    })
}

/// One more consecutive failure; at the clinic's threshold, a lockout. Decided on the
/// account as read inside the transaction, so the count is exact under concurrency.
fn count_failure(f: &Facts<'_>, account: &Account, effects: &mut Vec<Effect>) {
    effects.push(Effect::CountFailure);
    if let Some(until) = lockout_after(account.failed_logins + 1, f.clinic, f.now) {
        effects.push(Effect::Lock { until });
        effects.push(Effect::Audit(Note {
            action: Action::Lockout,
            outcome: "locked",
            detail: Some(format!("until {until}")),
        }));
    }
}

/// Where a failure leaves the lockout: the moment the account is locked until, when
/// `failures` consecutive failures reach the clinic's threshold.
pub fn lockout_after(failures: u32, clinic: &Clinic, now: Timestamp) -> Option<Timestamp> {
    (failures >= clinic.lockout_threshold)
        .then(|| now.plus_seconds(i64::from(clinic.lockout_minutes) * 60))
}

#[cfg(test)]
mod tests;

//! One sign-in conversation, whichever door it comes through.
//!
//! A sign-in is sometimes more than one attempt: a code left out is asked for; a
//! mistyped code is asked again (three tries in all, each counted toward the lockout);
//! a password an admin set is replaced before the sign-in goes on; a person who must
//! set up an authenticator (2FA required and none set up, or a one-time bypass just
//! spent) does so before they are through; one within an enrolment grace is offered
//! the set-up. Where each of these happens is decided here, once, for every door: the
//! door only asks what [`Ask`] says and shows what [`Finished`] holds.
//!
//! Each answer runs one [`attempt`], with its own transaction and audit entry, so a
//! conversation left half-way (a closed terminal, a timed-out page) leaves the data as
//! the last complete step left it. Nothing is asked of a caller with nobody there
//! (`Caller::at_terminal` false): its first attempt is the whole conversation.

use crate::domain::device::DeviceName;
use crate::domain::password::{self, Password};
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose, Refusal, SecondFactor, Verdict, Via};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::Error;
use crate::pipeline::attempt::{
    Attempted, Awaiting, Caller, Credential, Materials, Offered, Prepared, Request, Started, Step,
    attempt,
};
use crate::store::Store;

/// Tries at a code (at login, or confirming a set-up) before the step is given up.
pub const CODE_TRIES: u32 = 3;

/// What the person gave to begin with.
pub struct Begin {
    pub purpose: Purpose,
    pub username: Username,
    pub password: Password,
    /// The second factor given with the request (`Offered::Nothing` for none: a person
    /// there is asked).
    pub offered: Offered,
    /// For `Purpose::Passwd`: the new password, checked against the rules here.
    pub new_password: Option<Password>,
    /// For `enrol` and `unenrol`: the authenticator (`--device`).
    pub device: Option<DeviceName>,
}

impl Begin {
    /// What the person gave for `purpose`: no new password, no device named.
    pub fn new(
        purpose: Purpose,
        username: Username,
        password: Password,
        offered: Offered,
    ) -> Begin {
        Begin { purpose, username, password, offered, new_password: None, device: None }
    }

    /// The same, for the authenticator `device` (`enrol`, `unenrol --device`).
    pub fn on_device(self, device: Option<DeviceName>) -> Begin {
        Begin { device, ..self }
    }
}

impl std::fmt::Debug for Begin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Begin")
            .field("purpose", &self.purpose)
            .field("username", &self.username)
            .field("offered", &self.offered)
            .finish_non_exhaustive()
    }
}

/// What the conversation needs from the person next.
#[derive(Debug)]
pub enum Ask {
    /// A code from the active authenticator, or a recovery code; after a wrong one,
    /// what was wrong.
    Code { wrong: Option<Wrong> },
    /// The password was set by someone else (rule 2a): the person's own, to replace
    /// it. After a refused one, why.
    NewPassword { refused: Option<String> },
    /// Show this set-up (QR code, setup key, link), then a code from it.
    SetUp { started: Started, issuer: String, why: SetUpWhy },
    /// Another code from the set-up shown (for `issuer`), after a wrong one.
    NewCode { wrong: Wrong, issuer: String },
    /// Signed in with the password alone within the enrolment grace: set up now, or
    /// put it off?
    SetUpNow { due: Timestamp },
}

/// Why a set-up is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetUpWhy {
    /// `enrol`: the person asked for it.
    Enrol,
    /// The rules require it before this sign-in is through (rule 5).
    Required,
    /// The admin's one-time bypass let the person in, and took the old authenticator
    /// with it: a new one now (rule 3).
    AfterBypass,
    /// Within the enrolment grace, the person said yes.
    Chosen,
}

/// A code that did not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wrong {
    /// It would have matched a phone clock this many minutes off.
    pub clock_off_minutes: Option<i64>,
    /// It was a recovery code (wrong, or one already used).
    pub recovery_code: bool,
}

/// The person's answer to an [`Ask`].
pub enum Answer {
    /// To `Ask::Code`, `Ask::SetUp` and `Ask::NewCode`.
    Code(Offered),
    /// To `Ask::NewPassword`.
    NewPassword(Password),
    /// To `Ask::SetUpNow`.
    SetUpNow(bool),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Code(offered) => f.debug_tuple("Code").field(offered).finish(),
            Answer::NewPassword(_) => f.write_str("NewPassword(<hidden>)"),
            Answer::SetUpNow(yes) => f.debug_tuple("SetUpNow").field(yes).finish(),
        }
    }
}

/// Where the conversation stands.
#[derive(Debug)]
pub enum Turn {
    Ask(Ask),
    Done(Box<Finished>),
}

/// How the conversation ended.
#[derive(Debug)]
pub struct Finished {
    /// The attempt that decided what the person came for: the sign-in (or `enrol`,
    /// `passwd`, …) with its verdict.
    pub decided: Attempted,
    /// The set-up that followed it, when one did.
    pub set_up: Option<SetUp>,
}

/// What a sign-in's asker is answered, in the contract's terms, whatever the door:
/// `clinic2fa login`'s JSON and exit code, the service's `login` document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    SignedIn {
        second_factor: SecondFactor,
        /// The person still has to set up an authenticator (a bypass spent, with
        /// nobody there to set one up at once).
        enrolment_required: bool,
        /// Let in with the password alone within the enrolment grace, until then.
        enrolment_due: Option<Timestamp>,
    },
    Denied(DenyReason),
    /// Not a denial: the request cannot be met as asked (exit 1).
    Refused(Refusal),
}

impl Finished {
    /// The sign-in's answer: the decided attempt, and the set-up that followed it at
    /// the prompt (which lets in a person the rules required to enrol).
    pub fn answer(&self) -> Answered {
        let set_up_done = matches!(self.set_up, Some(SetUp::Done(_)));
        match self.decided.verdict {
            Verdict::Allowed { .. } if self.decided.enrolment_due.is_some() && !set_up_done => {
                Answered::SignedIn {
                    second_factor: SecondFactor::None,
                    enrolment_required: false,
                    enrolment_due: self.decided.enrolment_due,
                }
            }
            Verdict::Allowed { via, enrolment_required } => Answered::SignedIn {
                second_factor: via.second_factor(),
                enrolment_required: enrolment_required && !set_up_done,
                enrolment_due: None,
            },
            Verdict::Denied(DenyReason::EnrolmentRequired) => match &self.set_up {
                Some(SetUp::Done(_)) => Answered::SignedIn {
                    second_factor: SecondFactor::Totp,
                    enrolment_required: false,
                    enrolment_due: None,
                },
                Some(SetUp::Failed(Some(reason))) => Answered::Denied(*reason),
                Some(SetUp::Failed(None)) | None => Answered::Denied(DenyReason::EnrolmentRequired),
            },
            Verdict::Denied(reason) => Answered::Denied(reason),
            Verdict::Refused(refusal) => Answered::Refused(refusal),
        }
    }
}

/// How a set-up that followed ended.
#[derive(Debug)]
pub enum SetUp {
    /// Confirmed: the recovery codes, to be shown once.
    Done(Vec<RecoveryCode>),
    /// Not confirmed; the denial that ended it, when one did (a lockout).
    Failed(Option<DenyReason>),
}

#[derive(Debug)]
enum Stage {
    /// The attempt waits for its second factor (`Some`: the password already proved or
    /// not, kept for the answer; `None`: a retry, with the password as verified).
    Code(Option<Box<Awaiting>>),
    NewPassword,
    /// A set-up was shown (for `issuer`): a code from it confirms it, by this purpose.
    NewCode {
        purpose: Purpose,
        tries: u32,
        issuer: String,
    },
    SetUpNow,
    Over,
}

/// A sign-in in progress. Owns what it needs, so a door that waits on a person
/// between requests (the service, the page) can keep it. Its `Debug` shows where it
/// stands, never the password.
pub struct Conversation {
    purpose: Purpose,
    username: Username,
    device: Option<DeviceName>,
    /// Kept only to refuse a "new" password that is the temporary one again.
    password: Password,
    offered: Offered,
    /// The stored hash the password was proved against: later steps present it.
    checked: Option<String>,
    new_password_hash: Option<String>,
    code_tries: u32,
    /// The attempt that decided the purpose, once one has.
    decided: Option<Attempted>,
    stage: Stage,
}

impl std::fmt::Debug for Conversation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversation")
            .field("purpose", &self.purpose)
            .field("username", &self.username)
            .field("code_tries", &self.code_tries)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

impl Conversation {
    /// Checks what was given and runs the first attempt.
    pub fn begin(
        caller: &Caller,
        store: &mut Store,
        begin: Begin,
    ) -> anyhow::Result<(Conversation, Turn)> {
        let new_password_hash = match &begin.new_password {
            Some(new) => {
                check_replacement(new, &begin.username, &begin.password)?;
                Some(password::hash(new)?)
            }
            None => None,
        };
        let mut conversation = Conversation {
            purpose: begin.purpose,
            username: begin.username,
            device: begin.device,
            password: begin.password,
            offered: begin.offered.clone(),
            checked: None,
            new_password_hash,
            code_tries: 1,
            decided: None,
            stage: Stage::Over,
        };
        let credential = if caller.door.vouches_for_password() {
            Credential::VouchedFor
        } else {
            Credential::Password(conversation.password.clone())
        };
        let turn = conversation.run(caller, store, credential, begin.offered)?;
        Ok((conversation, turn))
    }

    /// Goes on with the person's answer to the last [`Ask`].
    pub fn answer(
        &mut self,
        caller: &Caller,
        store: &mut Store,
        answer: Answer,
    ) -> anyhow::Result<Turn> {
        match (std::mem::replace(&mut self.stage, Stage::Over), answer) {
            (Stage::Code(Some(awaiting)), Answer::Code(offered)) => {
                let step = awaiting.offer(caller, store, offered)?;
                self.after_step(caller, step)
            }
            (Stage::Code(None), Answer::Code(offered)) => {
                let credential = self.verified()?;
                self.run(caller, store, credential, offered)
            }
            (Stage::NewPassword, Answer::NewPassword(new)) => {
                if let Err(refused) = self.check_new_password(&new) {
                    self.stage = Stage::NewPassword;
                    return Ok(Turn::Ask(Ask::NewPassword { refused: Some(refused.to_string()) }));
                }
                self.new_password_hash = Some(password::hash(&new)?);
                self.purpose = Purpose::LoginReplacingPassword;
                let credential = self.verified()?;
                self.run(caller, store, credential, self.offered.clone())
            }
            (Stage::NewCode { purpose, tries, issuer }, Answer::Code(offered)) => {
                self.confirm(caller, store, purpose, tries, issuer, offered)
            }
            (Stage::SetUpNow, Answer::SetUpNow(true)) => self.start_set_up(caller, store),
            (Stage::SetUpNow, Answer::SetUpNow(false)) => self.finish_set_up(None),
            (stage, answer) => {
                let expected = match stage {
                    Stage::Code(_) | Stage::NewCode { .. } => "a code",
                    Stage::NewPassword => "a new password",
                    Stage::SetUpNow => "yes or no to setting up now",
                    Stage::Over => "nothing more: the sign-in is over",
                };
                self.stage = stage;
                // Named by kind: an answer may hold a password.
                let given = match answer {
                    Answer::Code(_) => "a code",
                    Answer::NewPassword(_) => "a new password",
                    Answer::SetUpNow(_) => "yes or no",
                };
                Err(Error::Usage(format!(
                    "the sign-in of {} expected {expected}, not {given}",
                    self.username
                ))
                .into())
            }
        }
    }

    /// The rule a new password must pass here (for a door to check as it is typed).
    pub fn check_new_password(&self, candidate: &str) -> Result<(), Error> {
        check_replacement(candidate, &self.username, &self.password)
    }

    /// The password as proved by an earlier step: later steps follow only a proved
    /// password (the rules deny a wrong one before anything else can be asked).
    fn verified(&self) -> anyhow::Result<Credential> {
        self.checked.clone().map(Credential::Verified).ok_or_else(|| {
            anyhow::anyhow!("internal error: a sign-in step followed an unproved password")
        })
    }

    /// One attempt of the purpose, with what it may need made ahead.
    fn run(
        &mut self,
        caller: &Caller,
        store: &mut Store,
        credential: Credential,
        offered: Offered,
    ) -> anyhow::Result<Turn> {
        let purpose = self.purpose;
        let login = matches!(purpose, Purpose::Login | Purpose::LoginReplacingPassword);
        // A set-up may follow a sign-in at once where a person is there: its secret is
        // made ahead, as `enrol`'s always is.
        let set_up_ahead =
            purpose == Purpose::Enrol || (login && caller.at_terminal && caller.shows_set_up);
        let materials = Materials {
            new_password_hash: self.new_password_hash.clone(),
            started: set_up_ahead.then(|| Started::new(caller.now)).transpose()?,
            recovery_codes: (purpose == Purpose::RecoveryCodes).then(Prepared::new).transpose()?,
        };
        let request = Request {
            purpose,
            username: self.username.clone(),
            credential,
            offered,
            device: self.device,
            materials,
        };
        let step = attempt(caller, store, request)?;
        self.after_step(caller, step)
    }

    /// What follows an attempt of the purpose: the rules' verdict, and where a person
    /// is there, the step it leads to.
    fn after_step(&mut self, caller: &Caller, step: Step) -> anyhow::Result<Turn> {
        let attempted = match step {
            Step::NeedCode(awaiting) => {
                self.stage = Stage::Code(Some(Box::new(awaiting)));
                return Ok(Turn::Ask(Ask::Code { wrong: None }));
            }
            Step::Done(attempted) => attempted,
        };
        if attempted.password_hash.is_some() {
            self.checked.clone_from(&attempted.password_hash);
        }
        let login = matches!(self.purpose, Purpose::Login | Purpose::LoginReplacingPassword);
        if !caller.at_terminal {
            return self.finish_with(attempted, None);
        }
        match (attempted.verdict, attempted.enrolment_due, attempted.started.clone()) {
            // Rule 2a: the person's own password, then the sign-in goes on.
            (Verdict::Denied(DenyReason::PasswordChangeRequired), _, _)
                if self.purpose == Purpose::Login =>
            {
                self.stage = Stage::NewPassword;
                Ok(Turn::Ask(Ask::NewPassword { refused: None }))
            }
            // A mistyped code is asked again, as a set-up's is.
            (Verdict::Denied(DenyReason::InvalidCode), _, _)
                if login && self.code_tries < CODE_TRIES =>
            {
                self.code_tries += 1;
                self.stage = Stage::Code(None);
                let wrong = Wrong {
                    clock_off_minutes: attempted.clock_off_minutes,
                    recovery_code: attempted.offered_recovery_code,
                };
                Ok(Turn::Ask(Ask::Code { wrong: Some(wrong) }))
            }
            // In the enrolment grace: the person may set up now, or later (where a
            // set-up can be shown).
            (Verdict::Allowed { .. }, Some(due), _) if login && caller.shows_set_up => {
                self.decided = Some(attempted);
                self.stage = Stage::SetUpNow;
                Ok(Turn::Ask(Ask::SetUpNow { due }))
            }
            // The rules started a set-up (rule 5, a bypass spent, `enrol`): shown now.
            (
                Verdict::Allowed { .. } | Verdict::Denied(DenyReason::EnrolmentRequired),
                _,
                Some(started),
            ) => {
                let (purpose, why) = if login {
                    let bypass =
                        matches!(attempted.verdict, Verdict::Allowed { via: Via::Bypass, .. });
                    (
                        Purpose::EnrolAtLogin,
                        if bypass { SetUpWhy::AfterBypass } else { SetUpWhy::Required },
                    )
                } else {
                    (Purpose::EnrolConfirm, SetUpWhy::Enrol)
                };
                let issuer = attempted.clinic.name.clone();
                self.decided = Some(attempted);
                Ok(self.show_set_up(purpose, why, started, issuer))
            }
            _ => self.finish_with(attempted, None),
        }
    }

    /// Within the grace, the person said yes: an `enrol` with the password proved.
    fn start_set_up(&mut self, caller: &Caller, store: &mut Store) -> anyhow::Result<Turn> {
        let request = Request {
            purpose: Purpose::Enrol,
            username: self.username.clone(),
            credential: self.verified()?,
            device: None,
            offered: Offered::Nothing,
            materials: Materials {
                started: Some(Started::new(caller.now)?),
                ..Materials::default()
            },
        };
        let Step::Done(started) = attempt(caller, store, request)? else {
            // An authenticator appeared meanwhile (another command): nothing to set up.
            return self.finish_set_up(None);
        };
        match (started.verdict, started.started) {
            (Verdict::Allowed { .. }, Some(new)) => {
                let issuer = started.clinic.name.clone();
                Ok(self.show_set_up(Purpose::EnrolConfirm, SetUpWhy::Chosen, new, issuer))
            }
            _ => self.finish_set_up(None),
        }
    }

    /// Asks for the set-up to be shown, and waits for a code from it (by `purpose`).
    fn show_set_up(
        &mut self,
        purpose: Purpose,
        why: SetUpWhy,
        started: Started,
        issuer: String,
    ) -> Turn {
        self.stage = Stage::NewCode { purpose, tries: 1, issuer: issuer.clone() };
        Turn::Ask(Ask::SetUp { started, issuer, why })
    }

    /// A code from the set-up shown: confirms it, or is asked again (three tries).
    fn confirm(
        &mut self,
        caller: &Caller,
        store: &mut Store,
        purpose: Purpose,
        tries: u32,
        issuer: String,
        offered: Offered,
    ) -> anyhow::Result<Turn> {
        let request = Request {
            purpose,
            username: self.username.clone(),
            credential: self.verified()?,
            device: None,
            offered,
            materials: Materials::default(),
        };
        let Step::Done(attempted) = attempt(caller, store, request)? else {
            return self.finish_set_up(Some(SetUp::Failed(None)));
        };
        match (attempted.verdict, attempted.issued_codes) {
            (Verdict::Allowed { .. }, Some(codes)) => self.finish_set_up(Some(SetUp::Done(codes))),
            (Verdict::Denied(DenyReason::InvalidCode), _) if tries < CODE_TRIES => {
                self.stage = Stage::NewCode { purpose, tries: tries + 1, issuer: issuer.clone() };
                let wrong = Wrong {
                    clock_off_minutes: attempted.clock_off_minutes,
                    recovery_code: attempted.offered_recovery_code,
                };
                Ok(Turn::Ask(Ask::NewCode { wrong, issuer }))
            }
            (Verdict::Denied(DenyReason::InvalidCode), _) => {
                self.finish_set_up(Some(SetUp::Failed(None)))
            }
            (Verdict::Denied(reason), _) => self.finish_set_up(Some(SetUp::Failed(Some(reason)))),
            _ => self.finish_set_up(Some(SetUp::Failed(None))),
        }
    }

    /// Ends the conversation on the attempt that decided it.
    fn finish_with(&mut self, decided: Attempted, set_up: Option<SetUp>) -> anyhow::Result<Turn> {
        self.stage = Stage::Over;
        Ok(Turn::Done(Box::new(Finished { decided, set_up })))
    }

    /// Ends the conversation after the step that followed its deciding attempt.
    fn finish_set_up(&mut self, set_up: Option<SetUp>) -> anyhow::Result<Turn> {
        let decided = self.decided.take().ok_or_else(|| {
            anyhow::anyhow!("internal error: a sign-in step followed no deciding attempt")
        })?;
        self.finish_with(decided, set_up)
    }
}

/// A new password must pass the rules and differ from the one it replaces.
fn check_replacement(new: &str, username: &Username, current: &str) -> Result<(), Error> {
    password::check_new(new, username)?;
    if new == current {
        return Err(Error::Usage(
            "password refused: it is the current password; choose a new one".into(),
        ));
    }
    Ok(())
}

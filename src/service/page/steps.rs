//! What each form asks the pipeline for, at the stage the person is at, and where its
//! answer leaves them: the page's steps as one sign-in conversation.

use zeroize::Zeroizing;

use crate::domain::device::DeviceName;
use crate::domain::enrol_link::LinkState;
use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::totp::Code;
use crate::domain::username::Username;
use crate::pipeline::{
    Answer as Reply, Answered, Ask, Begin, Caller, Conversation, Finished, Offered, SetUp, Started,
    Turn, Wrong,
};
use crate::service::limits;
use crate::service::page::sessions::{Session, Stage};
use crate::store::Store;

/// What a form sent.
#[derive(Default)]
pub(super) struct Form {
    pub(super) csrf: String,
    pub(super) step: String,
    pub(super) password: Zeroizing<String>,
    pub(super) new: Zeroizing<String>,
    pub(super) repeat: Zeroizing<String>,
    pub(super) code: String,
    pub(super) device: String,
}

pub(super) fn parse_form(body: &[u8]) -> Form {
    let mut form = Form::default();
    for (name, value) in form_urlencoded::parse(body) {
        match &*name {
            "csrf" => form.csrf = value.into_owned(),
            "step" => form.step = value.into_owned(),
            "password" => form.password = Zeroizing::new(value.into_owned()),
            "new" => form.new = Zeroizing::new(value.into_owned()),
            "repeat" => form.repeat = Zeroizing::new(value.into_owned()),
            "code" => form.code = value.trim().to_owned(),
            "device" => form.device = value.trim().to_owned(),
            _ => {}
        }
    }
    form
}

/// What a step runs on a worker: the conversation begun, or answered.
pub(super) enum Work {
    Begin(Box<Begin>),
    /// `passwd` with the temporary password, then the set-up begun with the new one.
    ReplacePassword {
        passwd: Box<Begin>,
        then: Box<Begin>,
    },
    Answer {
        conversation: Box<Conversation>,
        reply: Reply,
        started: Option<Started>,
    },
}

/// What a step came to.
pub(super) enum Stepped {
    /// The conversation's next turn (and the set-up on show, to show again).
    Turn(Box<Conversation>, Turn, Option<Started>),
    /// The link was used, replaced or ran out meanwhile.
    LinkGone(LinkState),
}

impl Work {
    pub(super) fn run(self, caller: &Caller, store: &mut Store) -> anyhow::Result<Stepped> {
        Ok(match self {
            Work::Begin(begin) => {
                let (conversation, turn) = Conversation::begin(caller, store, *begin)?;
                Stepped::Turn(Box::new(conversation), turn, None)
            }
            Work::ReplacePassword { passwd, then } => {
                let (conversation, turn) = Conversation::begin(caller, store, *passwd)?;
                let changed = matches!(&turn, Turn::Done(f) if matches!(f.answer(), Answered::SignedIn { .. }));
                if !changed {
                    return Ok(Stepped::Turn(Box::new(conversation), turn, None));
                }
                let (conversation, turn) = Conversation::begin(caller, store, *then)?;
                Stepped::Turn(Box::new(conversation), turn, None)
            }
            Work::Answer { mut conversation, reply, started } => {
                let turn = conversation.answer(caller, store, reply)?;
                Stepped::Turn(conversation, turn, started)
            }
        })
    }
}

/// The work a form asks for at the stage the person is at; where the form does not
/// do (a code that is not one), the stage stays and the page says why.
pub(super) fn prepare(
    stage: Stage,
    form: &Form,
    session: &Session,
) -> Result<Work, Box<(Stage, String)>> {
    let offered = |typed: &str| -> Result<Offered, String> {
        Offered::from_typed(typed).map_err(|_| {
            "Type the 6-digit code from the app, or a recovery code like abcd-efgh-ijkl-mnop."
                .to_owned()
        })
    };
    match (stage, form.step.as_str()) {
        (Stage::SignIn, "sign-in") => {
            if form.password.is_empty() || form.password.len() > crate::domain::password::MAX_BYTES
            {
                return Err(Box::new((Stage::SignIn, "Type your password.".into())));
            }
            let code = match form.code.as_str() {
                "" => Offered::Nothing,
                typed => offered(typed).map_err(|m| Box::new((Stage::SignIn, m)))?,
            };
            let device = match form.device.as_str() {
                "" => None,
                typed => Some(
                    DeviceName::parse(typed)
                        .map_err(|e| Box::new((Stage::SignIn, e.to_string())))?,
                ),
            };
            let begin =
                Begin::new(Purpose::Enrol, session.username.clone(), form.password.clone(), code)
                    .on_device(device);
            Ok(Work::Begin(Box::new(begin)))
        }
        (Stage::NewPassword, "new-password") => {
            let refuse = |why: String| Box::new((Stage::NewPassword, why));
            if form.password.is_empty() {
                return Err(refuse("Type the password you were given.".into()));
            }
            if *form.new == *form.password {
                return Err(refuse("Choose a new password, not the one you were given.".into()));
            }
            if *form.new != *form.repeat {
                return Err(refuse(
                    "The two new passwords differ: type the same one twice.".into(),
                ));
            }
            crate::domain::password::check_new(&form.new, &session.username)
                .map_err(|e| refuse(e.to_string()))?;
            let code = match form.code.as_str() {
                "" => Offered::Nothing,
                typed => offered(typed).map_err(refuse)?,
            };
            let passwd = Begin {
                new_password: Some(form.new.clone()),
                ..Begin::new(Purpose::Passwd, session.username.clone(), form.password.clone(), code)
            };
            let then = Begin::new(
                Purpose::Enrol,
                session.username.clone(),
                form.new.clone(),
                Offered::Nothing,
            );
            Ok(Work::ReplacePassword { passwd: Box::new(passwd), then: Box::new(then) })
        }
        (Stage::Code(conversation), "code") => match offered(&form.code) {
            Ok(code) => Ok(Work::Answer { conversation, reply: Reply::Code(code), started: None }),
            Err(message) => Err(Box::new((Stage::Code(conversation), message))),
        },
        (Stage::SetUp { conversation, started, issuer }, "confirm") => {
            match Code::parse(&form.code) {
                Ok(code) => Ok(Work::Answer {
                    conversation,
                    reply: Reply::Code(Offered::Totp(code)),
                    started: Some(started),
                }),
                Err(_) => Err(Box::new((
                    Stage::SetUp { conversation, started, issuer },
                    "Type the 6 digits the app shows for this account.".into(),
                ))),
            }
        }
        // A form of another step (the back button, a second tab): the page as it is.
        (stage, _) => {
            Err(Box::new((stage, "This page was out of date; here it is as it stands.".into())))
        }
    }
}

/// A turn that follows a guess: a wrong password or code, or a locked account.
pub(super) fn guessed(turn: &Turn) -> bool {
    match turn {
        Turn::Ask(Ask::Code { wrong }) => wrong.is_some(),
        Turn::Ask(Ask::NewCode { .. }) => true,
        Turn::Done(finished) => match finished.answer() {
            Answered::Denied(reason) => limits::is_a_guess(reason),
            _ => false,
        },
        Turn::Ask(_) => false,
    }
}

/// Where a turn of the conversation leaves the person, what the page says, and the
/// log's word for it.
pub(super) fn next_stage(
    conversation: Box<Conversation>,
    turn: Turn,
    shown: Option<Started>,
    username: &Username,
) -> (Stage, Option<String>, String) {
    match turn {
        Turn::Ask(Ask::Code { wrong }) => (
            Stage::Code(conversation),
            wrong.map(crate::ui::signin::code_refused),
            "code asked".into(),
        ),
        Turn::Ask(Ask::SetUp { started, issuer, .. }) => {
            (Stage::SetUp { conversation, started, issuer }, None, "set-up shown".into())
        }
        Turn::Ask(Ask::NewCode { wrong, issuer }) => match shown {
            Some(started) => (
                Stage::SetUp { conversation, started, issuer },
                Some(crate::ui::signin::code_refused(wrong)),
                "set-up code wrong".into(),
            ),
            None => (Stage::SignIn, Some(START_AGAIN.into()), "set-up lost".into()),
        },
        Turn::Ask(Ask::NewPassword { .. } | Ask::SetUpNow { .. }) => {
            (Stage::SignIn, Some(START_AGAIN.into()), "unexpected step".into())
        }
        Turn::Done(finished) => finished_stage(*finished, username),
    }
}

const START_AGAIN: &str = "Something went wrong with the set-up; sign in again to start over.";

pub(super) fn finished_stage(
    finished: Finished,
    username: &Username,
) -> (Stage, Option<String>, String) {
    let wrong = Wrong {
        clock_off_minutes: finished.decided.clock_off_minutes,
        recovery_code: finished.decided.offered_recovery_code,
    };
    if let Some(SetUp::Done(codes)) = finished.set_up {
        return (Stage::Done(codes), None, "enrolled".into());
    }
    if let Some(SetUp::Failed(None)) = finished.set_up {
        let said = "The set-up was not confirmed: the code did not match three times. Sign in again to start over, and check that the phone sets its time automatically.";
        return (Stage::SignIn, Some(said.into()), "set-up not confirmed".into());
    }
    let said = match finished.answer() {
        Answered::Denied(reason) => {
            let text = match reason {
                DenyReason::InvalidCredentials => {
                    "That password is not right. (After several wrong tries the account is locked for a while.)".to_owned()
                }
                DenyReason::InvalidCode | DenyReason::CodeRequired => {
                    crate::ui::signin::code_refused(wrong)
                }
                DenyReason::Locked => "Your account is locked after too many failed sign-ins. Try again later, or ask the clinic's admin to unlock it.".to_owned(),
                DenyReason::PasswordChangeRequired => {
                    return (Stage::NewPassword, None, "new password asked".into());
                }
                DenyReason::EnrolmentRequired => START_AGAIN.to_owned(),
            };
            return (Stage::SignIn, Some(text), format!("denied ({})", reason.as_str()));
        }
        Answered::Refused(refusal) => crate::ui::signin::refusal_message(username, refusal),
        Answered::SignedIn { .. } => START_AGAIN.to_owned(),
    };
    (Stage::SignIn, Some(said), "refused".into())
}

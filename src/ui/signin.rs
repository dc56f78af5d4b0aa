//! What a person (or a script) is told about a sign-in: the contract's JSON results
//! and the one-line reasons, each saying what to do next.

use serde_json::{Value, json};

use crate::domain::signin::{DenyReason, Refusal, SecondFactor};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;

/// The contract's denied result.
pub fn denied_json(username: &Username, reason: DenyReason) -> Value {
    json!({"username": username.as_str(), "result": "denied", "reason": reason.as_str()})
}

/// The contract's successful result (with `enrolment_due` within an enrolment grace).
pub fn signed_in_json(
    username: &Username,
    second_factor: SecondFactor,
    enrolment_required: bool,
    enrolment_due: Option<Timestamp>,
) -> Value {
    let mut json = json!({
        "username": username.as_str(),
        "result": "success",
        "second_factor": second_factor.as_str(),
        "enrolment_required": enrolment_required,
    });
    if let Some(due) = enrolment_due {
        json["enrolment_due"] = json!(due.rfc3339());
    }
    json
}

/// Said after a sign-in within the enrolment grace.
pub fn enrolment_due_text(username: &Username, due: Timestamp) -> String {
    format!(
        "Two-factor authentication is required for {username}: set up an authenticator app before {due} (`clinic2fa enrol {username}`); from then on, signing in needs it."
    )
}

/// `passwd`: done.
pub fn password_changed_json(username: &Username) -> Value {
    json!({"username": username.as_str(), "password_changed": true})
}

/// One line saying why a person was refused, and what to do about it.
pub fn denial_message(
    reason: DenyReason,
    username: &Username,
    locked_until: Option<Timestamp>,
) -> String {
    match reason {
        DenyReason::InvalidCredentials => {
            "sign-in denied: unknown username or wrong password".to_owned()
        }
        DenyReason::Locked => {
            let until = locked_until.map_or_else(String::new, |t| format!(" until {t}"));
            format!(
                "sign-in denied: {username} is locked{until} after too many failed attempts; an admin can run `clinic2fa user unlock {username}`"
            )
        }
        DenyReason::CodeRequired => format!(
            "sign-in denied: {username} needs a code from their authenticator app: pass --code CODE (or --recovery-code CODE)"
        ),
        DenyReason::InvalidCode => {
            "sign-in denied: wrong or already used code; wait for the app's next code and try again"
                .to_owned()
        }
        DenyReason::EnrolmentRequired => format!(
            "sign-in denied: {username} must set up two-factor authentication first: run `clinic2fa enrol {username}`"
        ),
        DenyReason::PasswordChangeRequired => format!(
            "sign-in denied: {username} must choose a new password first: run `clinic2fa passwd {username}`"
        ),
    }
}

/// The line above a set-up that a sign-in goes on to: why it is shown, first, so the
/// person knows where they stand before the QR code. `None` for an `enrol` (asked for).
pub fn set_up_heading(username: &Username, why: crate::pipeline::SetUpWhy) -> Option<String> {
    use crate::pipeline::SetUpWhy;
    match why {
        SetUpWhy::Required => Some(format!(
            "Two-factor authentication is required for {username}.\nSet up your authenticator app now."
        )),
        // Two lines, each within 80 columns for a username of up to 20 letters: it
        // also heads the set-up at a machine's login prompt, whose width is unknown.
        SetUpWhy::AfterBypass => Some(format!(
            "{username} is signing in with the one-time bypass an admin granted.\nIt is used up now, and the old authenticator is gone: set up the app now."
        )),
        SetUpWhy::Enrol | SetUpWhy::Chosen => None,
    }
}

/// A recovery code refused: wrong, or one already used.
pub fn recovery_code_refused_message(username: &Username) -> String {
    format!(
        "sign-in denied: that recovery code is wrong or was already used (each works once); try another from {username}'s list, or ask an admin for a one-time bypass"
    )
}

/// Why a code was refused: a phone clock that is off (by this many minutes), or
/// `otherwise`. The same at every door that has a person to tell.
pub fn wrong_code_message(
    clock_off_minutes: Option<i64>,
    otherwise: impl FnOnce() -> String,
) -> String {
    clock_off_minutes.map_or_else(otherwise, clock_off_message)
}

/// A code of the person's authenticator (or a recovery code) refused at a prompt that
/// asks again: the words of every door.
pub fn code_refused(wrong: crate::pipeline::Wrong) -> String {
    wrong_code_message(wrong.clock_off_minutes, || {
        if wrong.recovery_code {
            "That recovery code is wrong or was already used: each works once. Type another, or the app's newest code.".into()
        } else {
            "That code does not match, or was already used. Type the app's newest code.".into()
        }
    })
}

/// A code refused because the phone's clock seems off by about `minutes` (positive:
/// ahead): what to do about it.
pub fn clock_off_message(minutes: i64) -> String {
    let way = if minutes > 0 { "ahead" } else { "behind" };
    let n = minutes.unsigned_abs().max(1);
    let unit = if n == 1 { "minute" } else { "minutes" };
    format!(
        "sign-in denied: wrong code: the phone's clock seems about {n} {unit} {way}. Turn on automatic date and time in the phone's settings, then use the app's newest code"
    )
}

/// Why a request does not apply to the account as it is.
pub fn refusal_message(username: &Username, refusal: Refusal) -> String {
    match refusal {
        Refusal::NotEnrolled => format!(
            "{username} has no authenticator set up: `clinic2fa enrol {username}` sets one up"
        ),
        Refusal::NoPending => format!(
            "no enrolment in progress for {username}: start one with `clinic2fa enrol {username}`"
        ),
        Refusal::PendingExpired(at) => format!(
            "the enrolment of {username} expired at {at}: start again with `clinic2fa enrol {username}`"
        ),
        Refusal::EnrolledMeanwhile => format!(
            "an authenticator was set up for {username} by another command meanwhile: sign in again"
        ),
        Refusal::TooManyAuthenticators => format!(
            "{username} already has {} authenticators, the most one person may have: remove one first (`clinic2fa unenrol {username} --device NAME`), or replace one by enrolling it by its name (`clinic2fa enrol {username} --device NAME`)",
            crate::domain::device::MAX_PER_PERSON
        ),
        Refusal::NoSuchAuthenticator(name) => format!(
            "{username} has no authenticator named {}: an admin lists them with `clinic2fa user 2fa list {username}`",
            crate::domain::text::shown(name.as_str())
        ),
    }
}

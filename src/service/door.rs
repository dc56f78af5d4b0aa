//! The HTTP API's door to the sign-in pipeline: a request becomes the same `Begin` a
//! `clinic2fa login --password-stdin --code …` makes, with nobody there to ask (so the
//! first attempt is the whole conversation), and its answer the same `login` document.

use std::net::IpAddr;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::domain::client::{ClientName, Token};
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::time::Timestamp;
use crate::domain::totp::Code;
use crate::domain::username::Username;
use crate::pipeline::{Answered, Begin, Caller, Conversation, Door, Offered, Turn};
use crate::store::{Store, clients};
use crate::ui::signin as shown;

/// `POST /v1/signin`'s body.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: Zeroizing<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub recovery_code: Option<String>,
    #[serde(default)]
    pub remote_addr: Option<String>,
}

/// A request checked for form: what the pipeline is given.
pub struct Checked {
    /// `None`: a name nobody can have, answered as an unknown one.
    pub username: Option<Username>,
    pub typed: String,
    pub password: Zeroizing<String>,
    pub offered: Offered,
    pub remote_addr: Option<IpAddr>,
}

impl SignIn {
    /// Checks the form of each field: a malformed code is the asker's mistake (400), a
    /// name that cannot exist is answered like an unknown one.
    pub fn check(self) -> Result<Checked, String> {
        let offered = match (&self.code, &self.recovery_code) {
            (Some(_), Some(_)) => {
                return Err("give \"code\" or \"recovery_code\", not both".into());
            }
            (Some(code), None) => {
                Offered::Totp(Code::parse(code).map_err(|e| format!("\"code\": {e}"))?)
            }
            (None, Some(code)) => Offered::RecoveryCode(
                RecoveryCode::parse(code).map_err(|e| format!("\"recovery_code\": {e}"))?,
            ),
            (None, None) => Offered::Nothing,
        };
        let remote_addr = match &self.remote_addr {
            Some(text) => Some(text.parse::<IpAddr>().map_err(|_| {
                "\"remote_addr\": not an IP address (like 203.0.113.7 or 2001:db8::7)".to_owned()
            })?),
            None => None,
        };
        if self.password.is_empty() || self.password.len() > crate::domain::password::MAX_BYTES {
            return Err(format!(
                "\"password\": give the person's password (1 to {} bytes)",
                crate::domain::password::MAX_BYTES
            ));
        }
        Ok(Checked {
            username: Username::parse(&self.username).ok(),
            typed: self.username,
            password: self.password,
            offered,
            remote_addr,
        })
    }
}

/// How a sign-in through the API ended.
pub enum Outcome {
    /// The contract's `login` document, and the answer it carries (for the log).
    Answered { document: Value, answered: Answered, client: ClientName },
    /// No valid client token.
    Unauthorized,
}

/// Signs the person in, for the client whose token this is. Runs on a worker (it
/// hashes the password).
pub fn sign_in(
    store: &mut Store,
    token: &Token,
    request: Checked,
    now: Timestamp,
) -> anyhow::Result<Outcome> {
    let Some(client) = clients::authenticate(&store.db(), token)? else {
        return Ok(Outcome::Unauthorized);
    };
    let Some(username) = request.username else {
        // No account can have this name: nothing to look up, audit or lock.
        let reason = DenyReason::InvalidCredentials;
        crate::domain::password::verify_dummy(&request.password)?;
        return Ok(Outcome::Answered {
            document: serde_json::json!({
                "username": request.typed, "result": "denied", "reason": reason.as_str()
            }),
            answered: Answered::Denied(reason),
            client,
        });
    };
    let caller = Caller {
        now,
        at_terminal: false,
        shows_set_up: false,
        door: Door::Api { client: client.clone(), remote_addr: request.remote_addr },
    };
    let begin = Begin::new(Purpose::Login, username.clone(), request.password, request.offered);
    let (_, turn) = Conversation::begin(&caller, store, begin)?;
    let Turn::Done(finished) = turn else {
        anyhow::bail!("internal error: a sign-in with nobody there asked a question");
    };
    let answered = finished.answer();
    let document = match answered {
        Answered::SignedIn { second_factor, enrolment_required, enrolment_due } => {
            shown::signed_in_json(&username, second_factor, enrolment_required, enrolment_due)
        }
        Answered::Denied(reason) => shown::denied_json(&username, reason),
        Answered::Refused(refusal) => {
            anyhow::bail!(crate::error::Error::Conflict(shown::refusal_message(&username, refusal)))
        }
    };
    Ok(Outcome::Answered { document, answered, client })
}

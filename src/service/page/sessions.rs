//! The people at the page: a session per browser (its cookie), for one link, holding
//! where the person stands and the sign-in conversation between requests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hyper::Request;
use hyper::body::Incoming;
use hyper::header::COOKIE;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::domain::enrol_link::LinkToken;
use crate::domain::recovery::RecoveryCode;
use crate::domain::username::Username;
use crate::pipeline::{Conversation, Started};

/// How long a session (one person's steps at the page) lasts.
pub(super) const SESSION_SECONDS: u64 = 15 * 60;
/// The most sessions held at once: beyond, new visitors are asked to come back.
pub(super) const MAX_SESSIONS: usize = 1000;
/// The most sessions one link holds (tabs, reloads): a new one ends its oldest, so
/// opening one link over and over cannot fill the service's sessions.
pub(super) const SESSIONS_PER_LINK: usize = 3;
pub(super) const COOKIE_NAME: &str = "c2f_enrol";

/// The sessions of the people at the page.
pub struct Pages {
    sessions: Mutex<HashMap<String, Session>>,
    lifetime: Duration,
}

impl Default for Pages {
    fn default() -> Self {
        Pages::lasting(Duration::from_secs(SESSION_SECONDS))
    }
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages { .. }")
    }
}

/// One person's visit, from opening the link to the recovery codes.
pub(super) struct Session {
    /// The link's token, as in the path: a session serves its own link only.
    pub(super) token: Zeroizing<String>,
    pub(super) csrf: String,
    pub(super) account_id: i64,
    pub(super) username: Username,
    pub(super) has_authenticator: bool,
    /// How the page addresses them: their name and username, as the clinic has them.
    pub(super) person: String,
    pub(super) clinic: String,
    pub(super) stage: Stage,
    pub(super) opened: Instant,
}

/// Where the person stands.
pub(super) enum Stage {
    /// The password (and a code, where they have an authenticator) is asked.
    SignIn,
    /// The password was right; a current code is asked.
    Code(Box<Conversation>),
    /// The password is a temporary one: the person's own is asked, then the set-up.
    NewPassword,
    /// The set-up is shown; a code from it confirms it.
    SetUp { conversation: Box<Conversation>, started: Started, issuer: String },
    /// Done: the recovery codes, for the download while the session lasts.
    Done(Vec<RecoveryCode>),
}

/// The session id the browser's cookie holds.
pub(super) fn session_id(request: &Request<Incoming>) -> Option<String> {
    request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

impl Pages {
    fn lasting(lifetime: Duration) -> Self {
        Pages { sessions: Mutex::default(), lifetime }
    }

    /// The sessions still within their time, the others dropped first: past its
    /// time nothing of a session is served (not even the recovery codes' download), and
    /// its codes are not kept in memory until a new visitor comes.
    fn live(&self) -> Option<std::sync::MutexGuard<'_, HashMap<String, Session>>> {
        let mut sessions = self.sessions.lock().ok()?;
        sessions.retain(|_, s| s.opened.elapsed() < self.lifetime);
        Some(sessions)
    }

    /// Keeps a new session; `false` when too many are open.
    pub(super) fn insert(&self, id: String, session: Session) -> bool {
        let Some(mut sessions) = self.live() else { return false };
        let same_link = |s: &Session| *s.token == *session.token;
        while sessions.values().filter(|s| same_link(s)).count() >= SESSIONS_PER_LINK {
            let oldest = sessions
                .iter()
                .filter(|(_, s)| same_link(s))
                .min_by_key(|(_, s)| s.opened)
                .map(|(id, _)| id.clone());
            let Some(oldest) = oldest else { break };
            sessions.remove(&oldest);
        }
        if sessions.len() >= MAX_SESSIONS {
            return false;
        }
        sessions.insert(id, session);
        true
    }

    /// Takes the session out for a request: it must be of this link, still within
    /// its time, and the form must carry its CSRF token.
    pub(super) fn take(&self, id: &str, token: &LinkToken, csrf: &str) -> Option<Session> {
        let mut sessions = self.live()?;
        let session = sessions.get(id)?;
        let same_link: bool = session.token.as_bytes().ct_eq(token.expose().as_bytes()).into();
        let same_form: bool = session.csrf.as_bytes().ct_eq(csrf.as_bytes()).into();
        if !(same_link && same_form) {
            return None;
        }
        sessions.remove(id)
    }

    pub(super) fn put_back(&self, id: String, session: Session) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(id, session);
        }
    }

    pub(super) fn remove(&self, id: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(id);
        }
    }

    pub(super) fn codes(
        &self,
        id: &str,
        token: &LinkToken,
    ) -> Option<(Username, Vec<RecoveryCode>)> {
        let sessions = self.live()?;
        let session = sessions.get(id)?;
        let same_link: bool = session.token.as_bytes().ct_eq(token.expose().as_bytes()).into();
        match &session.stage {
            Stage::Done(codes) if same_link => Some((session.username.clone(), codes.clone())),
            _ => None,
        }
    }
}

/// 128 random bits, as hex: a session id, a CSRF token, a style nonce.
pub(super) fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(token: &LinkToken) -> Session {
        Session {
            token: Zeroizing::new(token.expose().to_owned()),
            csrf: "form".into(),
            account_id: 1,
            username: Username::parse("alice").unwrap(),
            has_authenticator: true,
            person: "Alice Smith (alice)".into(),
            clinic: "Clinic".into(),
            stage: Stage::Done(RecoveryCode::generate_set().unwrap()),
            opened: Instant::now(),
        }
    }

    #[test]
    fn recovery_codes_are_downloaded_only_from_a_session_in_time() {
        let token = LinkToken::generate().unwrap();
        let pages = Pages::default();
        assert!(pages.insert("id".into(), done(&token)));
        assert!(pages.codes("id", &token).is_some());
        let other = LinkToken::generate().unwrap();
        assert!(pages.codes("id", &other).is_none(), "another link's session");

        // Past its time, with no new visitor to clear it away: nothing of it is served.
        let ended = Pages::lasting(Duration::ZERO);
        assert!(ended.insert("id".into(), done(&token)));
        assert!(ended.codes("id", &token).is_none());
        assert!(ended.take("id", &token, "form").is_none());
    }
}

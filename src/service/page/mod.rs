//! The self-service enrolment page, `GET|POST /enrol/TOKEN`: another door to the one
//! sign-in pipeline, for a person at a browser with a link from `user enrol-link`.
//!
//! The link names the account; the person proves it is theirs with their password
//! (and a current code when they already have an authenticator), as `clinic2fa enrol`
//! asks, under the same rules, lockout included. The steps are one
//! [`Conversation`], kept here between requests in a session the browser holds by a
//! cookie (`HttpOnly`, `SameSite=Strict`, path `/enrol/`), each form carrying the
//! session's CSRF token. Sessions live in this process for 15 minutes: behind a load
//! balancer, a person's requests must reach the same service.
//!
//! Every answer is a whole page that needs nothing else: the QR code is SVG in the page,
//! the style is inline under a nonce, and the Content-Security-Policy allows nothing
//! more; nothing is cached; no referrer leaves. The link's token is never written to
//! the log.

mod html;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, HeaderName, HeaderValue, SET_COOKIE,
};
use hyper::{Method, Request, Response, StatusCode};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::domain::client::ClientName;
use crate::domain::device::DeviceName;
use crate::domain::enrol_link::{LinkState, LinkToken};
use crate::domain::recovery::RecoveryCode;
use crate::domain::signin::{DenyReason, Purpose};
use crate::domain::time::Timestamp;
use crate::domain::totp::{self, Code};
use crate::domain::username::Username;
use crate::pipeline::{
    Answer as Reply, Answered, Ask, Begin, Caller, Conversation, Finished, Offered, SetUp, Started,
    Turn, Wrong,
};
use crate::service::limits::{self, Limits};
use crate::service::workers::{self, Workers};
use crate::store::{Store, accounts, enrol_links};

/// How long a session (one person's steps at the page) lasts.
const SESSION_SECONDS: u64 = 15 * 60;
/// The most sessions held at once: beyond, new visitors are asked to come back.
const MAX_SESSIONS: usize = 1000;
/// The most sessions one link holds (tabs, reloads): a new one ends its oldest, so
/// opening one link over and over cannot fill the service's sessions.
const SESSIONS_PER_LINK: usize = 3;
const COOKIE_NAME: &str = "c2f_enrol";

type Page = Response<Full<Bytes>>;

/// What the page shares with the rest of the service: the workers that run the
/// sign-ins, its sessions, and the limits on failed ones (the API's, counted for the
/// page as for a client of its own).
#[derive(Clone, Copy)]
pub struct Door<'a> {
    pub workers: &'a Workers,
    pub pages: &'a Pages,
    pub limits: &'a Limits,
}

/// The name the page's failures are counted under, beside the API clients'.
const PAGE_CLIENT: &str = "enrol-page";

/// The sessions of the people at the page.
#[derive(Default)]
pub struct Pages {
    sessions: Mutex<HashMap<String, Session>>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages { .. }")
    }
}

/// One person's visit, from opening the link to the recovery codes.
struct Session {
    /// The link's token, as in the path: a session serves its own link only.
    token: Zeroizing<String>,
    csrf: String,
    account_id: i64,
    username: Username,
    has_authenticator: bool,
    /// How the page addresses them: their name and username, as the clinic has them.
    person: String,
    clinic: String,
    stage: Stage,
    opened: Instant,
}

/// Where the person stands.
enum Stage {
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

/// What the link and its account are, read on a worker.
struct Opened {
    state: LinkState,
    clinic: String,
    has_authenticator: bool,
    person: Option<String>,
    /// Staff reach the page over HTTPS (a TLS proxy in front, say).
    https: bool,
}

/// Where the enrolment page's paths go. `secure`: the request came over TLS (the
/// cookie is then `Secure`, as it is when the clinic's public-url is `https://`).
pub async fn handle(
    request: Request<Incoming>,
    peer: SocketAddr,
    shared: Door<'_>,
    pinned: Option<Timestamp>,
    secure: bool,
) -> Page {
    let Door { workers, pages, .. } = shared;
    let path = request.uri().path().to_owned();
    let rest = path.strip_prefix("/enrol/").unwrap_or("");
    let (token, download) = match rest.strip_suffix("/recovery-codes.txt") {
        Some(token) => (token, true),
        None => (rest, false),
    };
    let Some(token) = LinkToken::presented(token) else {
        return gone(StatusCode::NOT_FOUND, "", LINK_UNKNOWN);
    };
    let now = workers::now(pinned);
    match (request.method(), download) {
        (&Method::GET, false) => open(token, peer, workers, pages, now, secure).await,
        (&Method::POST, false) => step(request, token, peer, shared, now).await,
        (&Method::GET, true) => recovery_codes(&request, &token, pages),
        _ => gone(
            StatusCode::METHOD_NOT_ALLOWED,
            "",
            "This page is opened from the link the clinic's admin sent you.",
        ),
    }
}

const LINK_UNKNOWN: &str = "This enrolment link is not valid: it may have been mistyped, or replaced by a newer one. Ask the clinic's admin for a new link.";
const LINK_SPENT: &str = "This enrolment link has been used already: each link works once. If you still need to set up an authenticator, ask the clinic's admin for a new link.";
const LINK_EXPIRED: &str =
    "This enrolment link has expired. Ask the clinic's admin for a new link.";

/// `GET /enrol/TOKEN`: a new session and the sign-in form, or why the link is no good.
async fn open(
    token: LinkToken,
    peer: SocketAddr,
    workers: &Workers,
    pages: &Pages,
    now: Timestamp,
    secure: bool,
) -> Page {
    let text = Zeroizing::new(token.expose().to_owned());
    let looked = workers
        .run(workers::Job::Link, move |store| {
            let db = store.db();
            let clinic = crate::store::clinic::get(&db)?.name;
            let state = enrol_links::state(&db, &token, now)?;
            let account = match &state {
                LinkState::Open { username, .. } => Username::parse(username)
                    .ok()
                    .and_then(|u| accounts::find(&db, &u).ok().flatten()),
                _ => None,
            };
            let has_authenticator = account.as_ref().is_some_and(|a| a.authenticators > 0);
            let person = account.and_then(|a| a.name.map(|n| format!("{n} ({})", a.username)));
            let https = crate::store::clinic::public_url(&db)?
                .is_some_and(|url| url.starts_with("https://"));
            Ok(Opened { state, clinic, has_authenticator, person, https })
        })
        .await;
    let opened = match looked {
        Ok(Ok(opened)) => opened,
        Ok(Err(e)) => return unavailable(&format!("{e:#}")),
        Err(workers::Busy) => return busy(),
    };
    let (account_id, username) = match opened.state {
        LinkState::Open { account_id, username, .. } => (account_id, username),
        LinkState::Spent => return gone(StatusCode::GONE, &opened.clinic, LINK_SPENT),
        LinkState::Expired => return gone(StatusCode::GONE, &opened.clinic, LINK_EXPIRED),
        LinkState::Unknown => return gone(StatusCode::NOT_FOUND, &opened.clinic, LINK_UNKNOWN),
    };
    let Ok(username) = Username::parse(&username) else {
        return gone(StatusCode::NOT_FOUND, &opened.clinic, LINK_UNKNOWN);
    };
    let (Ok(id), Ok(csrf)) = (random_hex(), random_hex()) else {
        return unavailable("the system's random source failed");
    };
    let action = format!("/enrol/{}", &*text);
    let session = Session {
        token: text,
        csrf: csrf.clone(),
        account_id,
        username: username.clone(),
        has_authenticator: opened.has_authenticator,
        person: opened.person.clone().unwrap_or_else(|| username.to_string()),
        clinic: opened.clinic.clone(),
        stage: Stage::SignIn,
        opened: Instant::now(),
    };
    if !pages.insert(id.clone(), session) {
        return busy();
    }
    super::http::log(&format!("enrol page for {username}: opened from {}", peer.ip()));
    let person = opened.person.unwrap_or_else(|| username.to_string());
    let body = html::sign_in(&action, &csrf, &person, opened.has_authenticator, None);
    let mut page = respond(StatusCode::OK, &opened.clinic, "Set up two-factor sign-in", &body);
    let secure = if secure || opened.https { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE_NAME}={id}; Path=/enrol/; Max-Age={SESSION_SECONDS}; HttpOnly; SameSite=Strict{secure}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        page.headers_mut().insert(SET_COOKIE, value);
    }
    page
}

/// What a form sent.
#[derive(Default)]
struct Form {
    csrf: String,
    step: String,
    password: Zeroizing<String>,
    new: Zeroizing<String>,
    repeat: Zeroizing<String>,
    code: String,
    device: String,
}

fn parse_form(body: &[u8]) -> Form {
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

/// `POST /enrol/TOKEN`: the step the form is for, in the session the cookie names.
async fn step(
    request: Request<Incoming>,
    token: LinkToken,
    peer: SocketAddr,
    shared: Door<'_>,
    now: Timestamp,
) -> Page {
    let Door { workers, pages, limits } = shared;
    let id = session_id(&request);
    let body = match super::http::read_body(request, Instant::now()).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let form = parse_form(&body);
    // The session of this browser, for this link, and the token of its own form: a
    // form posted from anywhere else (or a stale one) is refused, and changes nothing.
    let Some(id) = id else { return refused_form("") };
    let Some(mut session) = pages.take(&id, &token, &form.csrf) else {
        return refused_form("");
    };
    let clinic = session.clinic.clone();
    let action = format!("/enrol/{}", token.expose());
    let caller = Caller {
        now,
        at_terminal: true,
        shows_set_up: true,
        door: crate::pipeline::Door::Page { remote_addr: Some(peer.ip()) },
    };
    // Out of the session while the request is answered (the session itself is out of
    // the map: a second request meanwhile is refused).
    let stage = std::mem::replace(&mut session.stage, Stage::SignIn);
    let replacing_password = matches!(stage, Stage::NewPassword);
    let work = match prepare(stage, &form, &session) {
        Ok(work) => work,
        Err(refused) => {
            let (stage, message) = *refused;
            session.stage = stage;
            let page = render(&session, &action, Some(&message));
            pages.put_back(id, session);
            return page;
        }
    };
    // Failed sign-ins at the page count as at the API: one address guessing is held
    // (the account's own lockout counts too).
    let counted = ClientName::parse(PAGE_CLIENT).expect("a valid client name");
    let name = session.username.as_str().to_owned();
    if let Err(wait) = limits.check(&counted, &name, Some(peer.ip()), now) {
        session.stage = Stage::SignIn;
        pages.put_back(id, session);
        return held(wait.0);
    }
    let (account_id, link) = (session.account_id, LinkToken::presented(token.expose()));
    let ran = workers
        .run(workers::Job::SignIn, move |store| {
            // The link is checked again at every step: one used or replaced meanwhile
            // (another tab, a newer link) ends this session.
            let link = link.ok_or_else(|| anyhow::anyhow!("the link's token went missing"))?;
            match enrol_links::state(&store.db(), &link, now)? {
                LinkState::Open { account_id: same, .. } if same == account_id => {}
                other => return Ok(Stepped::LinkGone(other)),
            }
            let stepped = work.run(&caller, store)?;
            if let Stepped::Turn(_, Turn::Done(finished), _) = &stepped
                && matches!(finished.set_up, Some(SetUp::Done(_)))
            {
                store.write(|tx| enrol_links::spend(tx, account_id, now).map(drop))?;
            }
            Ok(stepped)
        })
        .await;
    let stepped = match ran {
        Ok(Ok(stepped)) => stepped,
        Ok(Err(e)) => {
            pages.remove(&id);
            return unavailable(&format!("{e:#}"));
        }
        Err(workers::Busy) => {
            session.stage = Stage::SignIn;
            pages.put_back(id, session);
            return busy();
        }
    };
    let (conversation, turn, started) = match stepped {
        Stepped::LinkGone(state) => {
            pages.remove(&id);
            return match state {
                LinkState::Spent => gone(StatusCode::GONE, &clinic, LINK_SPENT),
                LinkState::Expired => gone(StatusCode::GONE, &clinic, LINK_EXPIRED),
                _ => gone(StatusCode::NOT_FOUND, &clinic, LINK_UNKNOWN),
            };
        }
        Stepped::Turn(conversation, turn, started) => (conversation, turn, started),
    };
    if guessed(&turn) {
        limits.failed(&counted, &name, Some(peer.ip()), now);
    }
    let (mut stage, message, logged) = next_stage(conversation, turn, started, &session.username);
    // A refused new password (a wrong given one, a wrong code) is asked again there.
    if replacing_password && matches!(stage, Stage::SignIn) {
        stage = Stage::NewPassword;
    }
    super::http::log(&format!(
        "enrol page for {}: {logged} (from {})",
        session.username,
        peer.ip()
    ));
    session.stage = stage;
    let page = render(&session, &action, message.as_deref());
    pages.put_back(id, session);
    page
}

/// What a step runs on a worker: the conversation begun, or answered.
enum Work {
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
enum Stepped {
    /// The conversation's next turn (and the set-up on show, to show again).
    Turn(Box<Conversation>, Turn, Option<Started>),
    /// The link was used, replaced or ran out meanwhile.
    LinkGone(LinkState),
}

impl Work {
    fn run(self, caller: &Caller, store: &mut Store) -> anyhow::Result<Stepped> {
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
fn prepare(stage: Stage, form: &Form, session: &Session) -> Result<Work, Box<(Stage, String)>> {
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
fn guessed(turn: &Turn) -> bool {
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
fn next_stage(
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

fn finished_stage(finished: Finished, username: &Username) -> (Stage, Option<String>, String) {
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

/// The page of the stage the session is at.
fn render(session: &Session, action: &str, message: Option<&str>) -> Page {
    let clinic = &session.clinic;
    match &session.stage {
        Stage::SignIn => {
            let body = html::sign_in(
                action,
                &session.csrf,
                &session.person,
                session.has_authenticator,
                message,
            );
            respond(StatusCode::OK, clinic, "Set up two-factor sign-in", &body)
        }
        Stage::NewPassword => {
            let body =
                html::new_password(action, &session.csrf, session.has_authenticator, message);
            respond(StatusCode::OK, clinic, "Choose your own password", &body)
        }
        Stage::Code(_) => {
            let body = html::code(action, &session.csrf, message);
            respond(StatusCode::OK, clinic, "Set up two-factor sign-in", &body)
        }
        Stage::SetUp { started, issuer, .. } => {
            let uri = totp::otpauth_uri(issuer, &session.username, started.device, &started.secret);
            let label = format!("QR code to add {} to an authenticator app", session.username);
            let Ok(svg) = crate::ui::qr::svg(&uri, &html::escape(&label)) else {
                return unavailable("could not draw the QR code");
            };
            let account = format!("{issuer}: {}", session.username);
            let shown = html::SetUpShown {
                qr_svg: &svg,
                key_grouped: &started.secret.base32_grouped(),
                otpauth_uri: &uri,
                account_label: &account,
                expires_at: started.expires_at,
            };
            let body = html::set_up(action, &session.csrf, &shown, message);
            respond(StatusCode::OK, clinic, "Scan the QR code", &body)
        }
        Stage::Done(codes) => {
            let download = format!("{action}/recovery-codes.txt");
            let body = html::done(&download, &session.person, codes);
            respond(StatusCode::OK, clinic, "Two-factor sign-in is set up", &body)
        }
    }
}

/// `GET /enrol/TOKEN/recovery-codes.txt`: the codes just shown, as a file, from the
/// session that was shown them.
fn recovery_codes(request: &Request<Incoming>, token: &LinkToken, pages: &Pages) -> Page {
    let codes = session_id(request).and_then(|id| pages.codes(&id, token));
    let Some((username, codes)) = codes else {
        return gone(
            StatusCode::NOT_FOUND,
            "",
            "The recovery codes are shown once, at the end of the set-up, and can be downloaded only from that page while it is open.",
        );
    };
    let mut text = format!("Recovery codes for {username}: each signs you in once.\n\n");
    for code in &codes {
        text.push_str(&code.grouped());
        text.push('\n');
    }
    let mut page = Response::new(Full::new(Bytes::from(text)));
    let headers = page.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"recovery-codes.txt\""),
    );
    safe_headers(headers, None);
    page
}

/// The session id the browser's cookie holds.
fn session_id(request: &Request<Incoming>) -> Option<String> {
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
    /// Keeps a new session; `false` when too many are open.
    fn insert(&self, id: String, session: Session) -> bool {
        let Ok(mut sessions) = self.sessions.lock() else { return false };
        let lifetime = Duration::from_secs(SESSION_SECONDS);
        sessions.retain(|_, s| s.opened.elapsed() < lifetime);
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
    fn take(&self, id: &str, token: &LinkToken, csrf: &str) -> Option<Session> {
        let mut sessions = self.sessions.lock().ok()?;
        let session = sessions.get(id)?;
        let same_link: bool = session.token.as_bytes().ct_eq(token.expose().as_bytes()).into();
        let same_form: bool = session.csrf.as_bytes().ct_eq(csrf.as_bytes()).into();
        let in_time = session.opened.elapsed() < Duration::from_secs(SESSION_SECONDS);
        if !(same_link && same_form && in_time) {
            return None;
        }
        sessions.remove(id)
    }

    fn put_back(&self, id: String, session: Session) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(id, session);
        }
    }

    fn remove(&self, id: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(id);
        }
    }

    fn codes(&self, id: &str, token: &LinkToken) -> Option<(Username, Vec<RecoveryCode>)> {
        let sessions = self.sessions.lock().ok()?;
        let session = sessions.get(id)?;
        let same_link: bool = session.token.as_bytes().ct_eq(token.expose().as_bytes()).into();
        match &session.stage {
            Stage::Done(codes) if same_link => Some((session.username.clone(), codes.clone())),
            _ => None,
        }
    }
}

/// 128 random bits, as hex: a session id, a CSRF token, a style nonce.
fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A page with the headers every page of ours has.
fn respond(status: StatusCode, clinic: &str, title: &str, body: &str) -> Page {
    let nonce = random_hex().unwrap_or_else(|_| "0".repeat(32));
    let clinic = if clinic.is_empty() { "clinic2fa" } else { clinic };
    let mut page = Response::new(Full::new(Bytes::from(html::page(clinic, title, &nonce, body))));
    *page.status_mut() = status;
    let headers = page.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    safe_headers(headers, Some(&nonce));
    page
}

/// No framing, no caching, no referrer, no sniffing, and nothing loaded but the page's
/// own style.
fn safe_headers(headers: &mut hyper::HeaderMap, nonce: Option<&str>) {
    let style = nonce.map_or_else(String::new, |n| format!("; style-src 'nonce-{n}'"));
    let policy = format!(
        "default-src 'none'{style}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(HeaderName::from_static("content-security-policy"), value);
    }
    headers.insert(HeaderName::from_static("x-frame-options"), HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
}

fn gone(status: StatusCode, clinic: &str, text: &str) -> Page {
    respond(status, clinic, "Enrolment link", &html::notice(text))
}

fn refused_form(clinic: &str) -> Page {
    respond(
        StatusCode::FORBIDDEN,
        clinic,
        "Enrolment link",
        &html::notice(
            "This form could not be accepted: it did not come from this page, or the page was open too long. Open the link again.",
        ),
    )
}

fn held(seconds: u64) -> Page {
    let mut page = respond(
        StatusCode::TOO_MANY_REQUESTS,
        "",
        "Enrolment link",
        &html::notice(&format!(
            "Too many failed sign-ins from here: wait {seconds} seconds, then try again."
        )),
    );
    page.headers_mut().insert(hyper::header::RETRY_AFTER, HeaderValue::from(seconds));
    page
}

fn busy() -> Page {
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "",
        "Enrolment link",
        &html::notice(
            "The sign-in service is busy just now: wait a minute, then open the link again.",
        ),
    )
}

fn unavailable(why: &str) -> Page {
    super::http::log(&format!("enrol page: error: {why}"));
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "",
        "Enrolment link",
        &html::notice(
            "The page cannot be shown just now: try again in a few minutes, or ask the clinic's admin.",
        ),
    )
}

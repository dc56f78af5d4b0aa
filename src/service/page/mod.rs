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

mod answers;
mod html;
mod sessions;
mod steps;

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue, SET_COOKIE};
use hyper::{Method, Request, Response, StatusCode};
use zeroize::Zeroizing;

use crate::domain::client::ClientName;
use crate::domain::enrol_link::{LinkState, LinkToken};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::pipeline::{Caller, SetUp, Turn};
use crate::service::limits::Limits;
use crate::service::workers::{self, Workers};
use crate::store::{accounts, enrol_links};

use answers::{
    LINK_EXPIRED, LINK_SPENT, LINK_UNKNOWN, Page, busy, gone, held, refused_form, render, respond,
    safe_headers, unavailable,
};
pub use sessions::Pages;
use sessions::{COOKIE_NAME, SESSION_SECONDS, Session, Stage, random_hex, session_id};
use steps::{Stepped, guessed, next_stage, parse_form, prepare};

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

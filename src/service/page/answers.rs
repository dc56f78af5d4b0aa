//! The pages the enrolment page answers with, each whole, with the headers every one
//! of them carries.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};

use crate::domain::totp;
use crate::service::page::html;
use crate::service::page::sessions::{Session, Stage, random_hex};

pub(super) type Page = Response<Full<Bytes>>;

pub(super) const LINK_UNKNOWN: &str = "This enrolment link is not valid: it may have been mistyped, or replaced by a newer one. Ask the clinic's admin for a new link.";
pub(super) const LINK_SPENT: &str = "This enrolment link has been used already: each link works once. If you still need to set up an authenticator, ask the clinic's admin for a new link.";
pub(super) const LINK_EXPIRED: &str =
    "This enrolment link has expired. Ask the clinic's admin for a new link.";

/// The page of the stage the session is at.
pub(super) fn render(session: &Session, action: &str, message: Option<&str>) -> Page {
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

/// A page with the headers every page of ours has.
pub(super) fn respond(status: StatusCode, clinic: &str, title: &str, body: &str) -> Page {
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
pub(super) fn safe_headers(headers: &mut hyper::HeaderMap, nonce: Option<&str>) {
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

pub(super) fn gone(status: StatusCode, clinic: &str, text: &str) -> Page {
    respond(status, clinic, "Enrolment link", &html::notice(text))
}

pub(super) fn refused_form(clinic: &str) -> Page {
    respond(
        StatusCode::FORBIDDEN,
        clinic,
        "Enrolment link",
        &html::notice(
            "This form could not be accepted: it did not come from this page, or the page was open too long. Open the link again.",
        ),
    )
}

pub(super) fn held(seconds: u64) -> Page {
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

pub(super) fn busy() -> Page {
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "",
        "Enrolment link",
        &html::notice(
            "The sign-in service is busy just now: wait a minute, then open the link again.",
        ),
    )
}

pub(super) fn unavailable(why: &str) -> Page {
    crate::service::http::log(&format!("enrol page: error: {why}"));
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "",
        "Enrolment link",
        &html::notice(
            "The page cannot be shown just now: try again in a few minutes, or ask the clinic's admin.",
        ),
    )
}

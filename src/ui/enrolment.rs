//! What a person sees while setting up an authenticator app.

use serde_json::{Value, json};

use crate::domain::recovery::RecoveryCode;
use crate::domain::time::Timestamp;
use crate::domain::totp::TotpSecret;
use crate::domain::username::Username;
use crate::ui::qr;

/// The contract's pending-enrolment object.
pub fn pending_json(
    username: &Username,
    secret: &TotpSecret,
    uri: &str,
    expires_at: Timestamp,
) -> Value {
    json!({
        "username": username.as_str(),
        "status": "pending",
        "secret": secret.base32(),
        "otpauth_uri": uri,
        "expires_at": expires_at.rfc3339(),
    })
}

/// The new secret three ways: QR code, key to type, link.
pub fn pending_text(
    issuer: &str,
    secret: &TotpSecret,
    uri: &str,
    expires_at: Timestamp,
    color: bool,
) -> anyhow::Result<String> {
    Ok(format!(
        "Scan this QR code with Google Authenticator (or any authenticator app):\n\n{qr}\n\
         Can't scan it? In the app, add an account by setup key, time-based:\n\
         \x20   account: {issuer}\n\
         \x20   key:     {key}\n\
         Or open this link on the phone:\n\
         \x20   {uri}\n\n\
         This set-up expires at {expires_at} (10 minutes).",
        qr = qr::render(uri, color)?,
        key = secret.base32_grouped(),
    ))
}

/// The contract's confirmed-enrolment object.
pub fn enrolled_json(username: &Username, codes: &[RecoveryCode]) -> Value {
    json!({
        "username": username.as_str(),
        "status": "enrolled",
        "recovery_codes": codes.iter().map(RecoveryCode::grouped).collect::<Vec<_>>(),
    })
}

pub fn enrolled_text(username: &Username, codes: &[RecoveryCode]) -> String {
    let list: Vec<String> = codes.iter().map(|c| format!("    {}", c.grouped())).collect();
    format!(
        "Two-factor authentication is on for {username}: sign in with your password and the app's code.\n\n\
         Recovery codes: each works once, in place of a code, if the phone is lost. Keep them\n\
         somewhere safe, away from the phone. They are shown only now.\n\n{}",
        list.join("\n")
    )
}

/// `unenrol`: the authenticator is gone.
pub fn unenrolled_json(username: &Username) -> Value {
    json!({"username": username.as_str(), "status": "not-enrolled"})
}

pub fn unenrolled_text(username: &Username) -> String {
    format!(
        "Two-factor authentication is off for {username}; its recovery codes no longer work.\n\
         Set up the new phone with `clinic2fa enrol {username}`."
    )
}

/// `recovery-codes`: a fresh set, shown once.
pub fn recovery_codes_json(username: &Username, codes: &[RecoveryCode]) -> Value {
    json!({
        "username": username.as_str(),
        "recovery_codes": codes.iter().map(RecoveryCode::grouped).collect::<Vec<_>>(),
    })
}

pub fn recovery_codes_text(username: &Username, codes: &[RecoveryCode]) -> String {
    let list: Vec<String> = codes.iter().map(|c| format!("    {}", c.grouped())).collect();
    format!(
        "New recovery codes for {username}; the old ones no longer work. Each works once.\n\
         Keep them somewhere safe. They are shown only now.\n\n{}",
        list.join("\n")
    )
}

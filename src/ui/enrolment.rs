//! What a person sees while setting up an authenticator app.

use serde_json::{Value, json};

use crate::domain::device::DeviceName;
use crate::domain::recovery::RecoveryCode;
use crate::domain::time::Timestamp;
use crate::domain::totp::TotpSecret;
use crate::domain::username::Username;
use crate::ui::escape::for_terminal;
use crate::ui::qr;

/// The contract's pending-enrolment object, exactly its shape: the device it is for
/// is in the link's label, and the caller named it.
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
///
/// `screen`: the terminal's columns and rows, when showing on one. There the QR code
/// and its instructions sit side by side so that, at the "Code shown in the app"
/// prompt, the whole code, the account, the key and the prompt are on an 80×24
/// screen together. A terminal too small for the code gets no code but one line
/// saying why, and the key in whole groups of four.
pub fn pending_text(
    pending: &Pending<'_>,
    color: bool,
    screen: Option<(usize, usize)>,
) -> anyhow::Result<String> {
    let Some((columns, rows)) = screen else {
        return pending_text_for_a_file(pending, color);
    };
    let qr = qr::render(pending.uri, color, qr::QuietZone::Terminal)?;
    let link = format!("Or open this link on the phone: {}\n\n", pending.uri);
    // Beside the code: the instructions. The code and one line for the prompt.
    let side = columns.saturating_sub(qr.width + GAP);
    let text = side_text(pending, side);
    if side >= SIDE_MIN && qr.lines.len() < rows && text.len() <= qr.lines.len() {
        let mut out = link;
        for (i, line) in qr.lines.iter().enumerate() {
            let beside = text.get(i).map_or("", String::as_str);
            out.push_str(format!("{line}{}{beside}", " ".repeat(GAP)).trim_end_matches(' '));
            out.push('\n');
        }
        return Ok(out);
    }
    // Under the code: the account and the key. The prompt after them.
    let keys = key_lines(pending, columns);
    if qr.width <= columns && qr.lines.len() + keys.len() < rows {
        return Ok(format!("{link}{}\n{}", qr.lines.join("\n"), keys.join("\n")));
    }
    let mut out = format!(
        "No QR code: it needs a terminal of {} columns and {} rows, and this one is {columns}×{rows}; enlarge the window and run `clinic2fa enrol` again for one, or add the account by setup key, time-based:\n",
        qr.width,
        qr.lines.len() + keys.len() + 1,
    );
    out.push_str(&keys.join("\n"));
    out.push_str(&format!(
        "\nThis set-up expires at {} (10 minutes).\nThe link for the phone: {}",
        pending.expires_at, pending.uri
    ));
    Ok(out)
}

/// What a set-up shows.
#[derive(Debug)]
pub struct Pending<'a> {
    pub issuer: &'a str,
    pub username: &'a Username,
    /// The device it is for: shown in the account line as the app will show it.
    pub device: DeviceName,
    pub secret: &'a TotpSecret,
    pub uri: &'a str,
    pub expires_at: Timestamp,
}

/// Columns between the code and the text beside it.
const GAP: usize = 2;
/// The narrowest the text beside the code may be.
const SIDE_MIN: usize = 30;

/// For a file or a pipe: the standard quiet zone, everything one under the other.
fn pending_text_for_a_file(pending: &Pending<'_>, color: bool) -> anyhow::Result<String> {
    let qr = qr::render(pending.uri, color, qr::QuietZone::Standard)?;
    Ok(format!(
        "Scan this QR code with Google Authenticator (or any authenticator app):\n\n{}\n\n\
         Can't scan it? In the app, add an account by setup key, time-based:\n{}\n\
         Or open this link on the phone:\n\
         \x20   {}\n\n\
         This set-up expires at {} (10 minutes).",
        qr.lines.join("\n"),
        key_lines(pending, 80).join("\n"),
        pending.uri,
        pending.expires_at,
    ))
}

/// The instructions beside the code, wrapped to `width`.
fn side_text(pending: &Pending<'_>, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    lines.extend(wrap(
        "Scan the QR code with Google Authenticator or any authenticator app.",
        width,
    ));
    lines.push(String::new());
    lines.extend(wrap("Can't scan it? Add the account by setup key, time-based:", width));
    lines.extend(key_lines(pending, width));
    lines.push(String::new());
    lines.extend(wrap(&format!("Expires {} (10 minutes).", pending.expires_at), width));
    lines
}

/// `account` and `key`, the key in whole groups of four that fit `width`.
fn key_lines(pending: &Pending<'_>, width: usize) -> Vec<String> {
    const INDENT: &str = "    ";
    let label = |name: &str| format!("{INDENT}{:<9}", format!("{name}:"));
    // The values start after the label; what does not fit goes on under them.
    let room = width.saturating_sub(INDENT.len() + 9);
    let account = format!(
        "{}: {}",
        for_terminal(pending.issuer),
        crate::domain::totp::account_label(pending.username, pending.device)
    );
    let mut lines: Vec<String> = wrap(&account, room.max(1))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 { label("account") } else { " ".repeat(INDENT.len() + 9) };
            format!("{head}{part}")
        })
        .collect();
    // n groups of four, a space between each, take 5n - 1 columns.
    let per_line = ((room + 1) / 5).max(1);
    let groups: Vec<String> =
        pending.secret.base32_grouped().split(' ').map(str::to_owned).collect();
    for (i, chunk) in groups.chunks(per_line).enumerate() {
        let head = if i == 0 { label("key") } else { " ".repeat(INDENT.len() + 9) };
        lines.push(format!("{head}{}", chunk.join(" ")));
    }
    lines
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
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
         Recovery codes: each works once, in place of a code, if the phone is lost. Keep them \
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
         Set up the new phone with `clinic2fa enrol {username}`. (To change phones without\n\
         turning 2FA off: add the new one with `clinic2fa enrol {username} --device NAME`,\n\
         then remove the old with `clinic2fa unenrol {username} --device phone`.)"
    )
}

/// `unenrol --device`: one authenticator gone, `left` still signing in.
pub fn device_removed_json(username: &Username, device: DeviceName, left: u32) -> Value {
    json!({
        "username": username.as_str(),
        "status": "enrolled",
        "removed": device.as_str(),
        "authenticators": left,
    })
}

pub fn device_removed_text(username: &Username, device: DeviceName, left: u32) -> String {
    let others = if left == 1 { "the other one".to_owned() } else { format!("the other {left}") };
    format!(
        "Removed the authenticator {device} of {username}: {others} and the recovery codes still work."
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

//! The enrolment page's HTML: one small document per step, plain forms that work
//! without JavaScript, every value from outside escaped, the style inline under the
//! response's nonce (the Content-Security-Policy allows nothing else).

use crate::domain::recovery::RecoveryCode;
use crate::domain::time::Timestamp;

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Dark text on white (contrast well above 7:1), one column that fits 320 px and
/// reflows at 200 % zoom (sizes in rem, nothing fixed wider than the screen).
const STYLE: &str = "body{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;color:#1a1a1a;background:#ffffff;margin:0;padding:1rem}\
main{max-width:36rem;margin:0 auto}\
h1{font-size:1.5rem;margin:0 0 .5rem}\
.clinic{color:#333333;margin:0 0 1rem;font-weight:600}\
label{display:block;font-weight:600;margin-top:1rem}\
.hint{display:block;font-weight:400;color:#333333;font-size:1rem}\
input{font-size:1.125rem;padding:.5rem;width:100%;max-width:20rem;box-sizing:border-box;border:2px solid #555;border-radius:4px}\
button{display:block;font-size:1.125rem;padding:.6rem 1.2rem;margin-top:1.25rem;background:#0b4f8a;color:#ffffff;border:0;border-radius:4px}\
.error{border-left:4px solid #a40000;padding:.5rem .75rem;background:#fdeaea;color:#1a1a1a}\
.qr{width:100%;max-width:16rem;height:auto;display:block;margin:1rem 0}\
.key{font-family:ui-monospace,monospace;font-size:1.25rem;word-spacing:.25rem;overflow-wrap:anywhere}\
ol.codes{font-family:ui-monospace,monospace;font-size:1.125rem}\
a{color:#0b4f8a}.nowrap{white-space:nowrap}";

/// A whole page: the clinic's name on it, the title, the body.
pub fn page(clinic: &str, title: &str, nonce: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title} – {clinic}</title><style nonce=\"{nonce}\">{STYLE}</style></head>\
         <body><main><p class=\"clinic\">{clinic}</p><h1>{title}</h1>{body}</main></body></html>\n",
        title = escape(title),
        clinic = escape(clinic),
    )
}

/// A message above a form, announced to screen readers.
fn error(message: Option<&str>) -> String {
    message.map_or_else(String::new, |m| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))
    })
}

/// The form every step posts: to the link itself, with the session's CSRF token.
fn form(action: &str, csrf: &str, step: &str, fields: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"step\" value=\"{step}\">{fields}<button type=\"submit\">{}</button></form>",
        escape(action),
        escape(csrf),
        escape(button)
    )
}

fn code_field(label: &str, hint: &str) -> String {
    format!(
        "<label for=\"code\">{}<span class=\"hint\">{}</span></label>\
         <input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>",
        escape(label),
        escape(hint)
    )
}

/// Step 1: the password, and where the person has an authenticator, a current code
/// and the name of the one being added.
pub fn sign_in(
    action: &str,
    csrf: &str,
    person: &str,
    has_authenticator: bool,
    message: Option<&str>,
) -> String {
    let intro = if has_authenticator {
        format!(
            "<p>{}, this page adds an authenticator app (for example on a new phone) to your clinic sign-in. Sign in with your password and a current code from the authenticator you have now.</p>",
            escape(person)
        )
    } else {
        format!(
            "<p>{}, this page sets up two-factor sign-in: an authenticator app on your phone (Google Authenticator, Microsoft Authenticator or any other) that shows a new 6-digit code every 30 seconds. First, sign in with your clinic password.</p>",
            escape(person)
        )
    };
    let mut fields = String::from(
        "<label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>",
    );
    if has_authenticator {
        fields.push_str(&code_field(
            "Current code",
            "From the authenticator you have now, or one of your recovery codes",
        ));
        fields.push_str(
            "<label for=\"device\">Name for the new authenticator<span class=\"hint\">A new name adds one; the name of one you have replaces it</span></label>\
             <input id=\"device\" name=\"device\" type=\"text\" value=\"phone\" autocomplete=\"off\" required>",
        );
    }
    format!("{}{intro}{}", error(message), form(action, csrf, "sign-in", &fields, "Continue"))
}

/// The password was set by the clinic's admin: the person chooses their own first.
pub fn new_password(
    action: &str,
    csrf: &str,
    has_authenticator: bool,
    message: Option<&str>,
) -> String {
    let mut fields = String::from(
        "<label for=\"password\">Password you were given</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <label for=\"new\">Your new password<span class=\"hint\">At least 8 characters; a few words together are easy to remember</span></label>\
         <input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" required>\
         <label for=\"repeat\">The new password again</label>\
         <input id=\"repeat\" name=\"repeat\" type=\"password\" autocomplete=\"new-password\" required>",
    );
    if has_authenticator {
        fields.push_str(&code_field(
            "Current code",
            "From the authenticator you have now, or one of your recovery codes",
        ));
    }
    format!(
        "{}<p>Your password was set by the clinic's admin: choose your own first. Then you set up the authenticator.</p>{}",
        error(message),
        form(action, csrf, "new-password", &fields, "Continue")
    )
}

/// The code asked for after the password, from the authenticator the person has.
pub fn code(action: &str, csrf: &str, message: Option<&str>) -> String {
    let fields = code_field(
        "Current code",
        "From the authenticator you have now, or one of your recovery codes",
    );
    format!(
        "{}<p>Your password is right. To add an authenticator, type a current code from the one you have.</p>{}",
        error(message),
        form(action, csrf, "code", &fields, "Continue")
    )
}

/// What the set-up shows: the QR code, the key, the link for a phone.
#[derive(Debug)]
pub struct SetUpShown<'a> {
    pub qr_svg: &'a str,
    pub key_grouped: &'a str,
    pub otpauth_uri: &'a str,
    pub account_label: &'a str,
    pub expires_at: Timestamp,
}

/// Step 2: scan (or type, or tap), then the code the app shows.
pub fn set_up(action: &str, csrf: &str, shown: &SetUpShown<'_>, message: Option<&str>) -> String {
    let fields = code_field("Code shown in the app", "The 6 digits the app shows for this account");
    format!(
        "{}<p>Open your authenticator app, choose to add an account, and scan this code:</p>\
         <div class=\"qr\">{}</div>\
         <p>Or type this setup key (time-based) for the account <strong>{}</strong>:</p>\
         <p class=\"key\">{}</p>\
         <p>On the phone itself? <a href=\"{}\">Add it to an authenticator app</a>.</p>\
         <p>This set-up waits until <span class=\"nowrap\">{}</span> (10 minutes).</p>{}",
        error(message),
        shown.qr_svg,
        escape(shown.account_label),
        escape(shown.key_grouped),
        escape(shown.otpauth_uri),
        escape(&shown.expires_at.to_string()),
        form(action, csrf, "confirm", &fields, "Confirm")
    )
}

/// Step 3: done, and the recovery codes, once.
pub fn done(download: &str, person: &str, codes: &[RecoveryCode]) -> String {
    let items: String =
        codes.iter().map(|c| format!("<li>{}</li>", escape(&c.grouped()))).collect();
    format!(
        "<p>Two-factor sign-in is set up for {}. From now on you sign in with your password and the code the app shows.</p>\
         <h2>Your recovery codes</h2>\
         <p>If you lose your phone, each of these signs you in once instead of a code. Write them down or save them somewhere safe: <strong>they are shown only now.</strong></p>\
         <ol class=\"codes\">{items}</ol>\
         <p><a href=\"{}\" download=\"recovery-codes.txt\">Download them as a text file</a> (while this page is open; then close it).</p>",
        escape(person),
        escape(download)
    )
}

/// A page that ends the flow: a link spent, expired or unknown; a form refused.
pub fn notice(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_from_outside_is_escaped() {
        let shown = page("<Sunny & \"Vale\">", "Set up", "n0nce", &notice("<script>x</script>"));
        assert!(shown.contains("&lt;Sunny &amp; &quot;Vale&quot;&gt;"));
        assert!(!shown.contains("<script>"));
        assert!(shown.contains("<style nonce=\"n0nce\">"));
        let form = sign_in("/enrol/t", "c\"sr<f", "bob", false, Some("<b>"));
        assert!(form.contains("value=\"c&quot;sr&lt;f\"") && form.contains("&lt;b&gt;"));
    }

    /// WCAG 2 contrast of the style's text colours on their backgrounds: at least 7:1
    /// (level AAA) for text, 4.5:1 for the hints.
    #[test]
    fn the_colours_contrast_enough_to_read() {
        fn luminance(hex: &str) -> f64 {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        }
        let ratio = |a: &str, b: &str| {
            let (x, y) = (luminance(a), luminance(b));
            (x.max(y) + 0.05) / (x.min(y) + 0.05)
        };
        for (text, background, least) in [
            ("#1a1a1a", "#ffffff", 7.0), // body text
            ("#333333", "#ffffff", 7.0), // the clinic's name, hints
            ("#ffffff", "#0b4f8a", 7.0), // the button
            ("#0b4f8a", "#ffffff", 7.0), // links
            ("#1a1a1a", "#fdeaea", 7.0), // an error
        ] {
            assert!(STYLE.contains(text) && STYLE.contains(background), "{text} {background}");
            assert!(
                ratio(text, background) >= least,
                "{text} on {background}: {}",
                ratio(text, background)
            );
        }
    }

    #[test]
    fn every_field_has_a_label() {
        let pages = [
            sign_in("/e", "c", "bob", true, None),
            code("/e", "c", None),
            new_password("/e", "c", true, None),
        ];
        for html in pages {
            for id in ["password", "code", "device", "new", "repeat"] {
                if html.contains(&format!("id=\"{id}\"")) {
                    assert!(html.contains(&format!("<label for=\"{id}\">")), "{id}: {html}");
                }
            }
        }
    }
}

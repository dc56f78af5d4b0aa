//! Time-based one-time passwords (RFC 6238) as Google Authenticator expects them:
//! HMAC-SHA1, 6 digits, 30-second steps, a 160-bit secret.
//!
//! totp-rs computes the codes; this module adds what it leaves to callers: the window
//! around "now", refusal of already-used steps (RFC 6238 §5.2), constant-time
//! comparison of every candidate, and the `otpauth://` URI.

use std::fmt;

use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Builder, Totp};
use zeroize::Zeroizing;

use crate::domain::device::DeviceName;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::Error;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u8 = 6;
/// 160 bits, the length RFC 4226 recommends and Google Authenticator uses.
pub const SECRET_BYTES: usize = 20;

/// A shared TOTP secret, wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// 160 fresh bits from the operating system's CSPRNG.
    pub fn generate() -> anyhow::Result<Self> {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_BYTES]);
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        Ok(TotpSecret(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        TotpSecret(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// RFC 4648 base32, upper case, without padding: what authenticator apps accept.
    pub fn base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// The base32 secret in groups of four, for typing into an app by hand.
    pub fn base32_grouped(&self) -> String {
        let plain = self.base32();
        plain.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c)).collect::<Vec<_>>().join(" ")
    }

    fn totp(&self, digits: u8) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(digits)
            .with_step_duration(STEP_SECONDS)
            .with_secret(self.0.to_vec())
            .build_noncompliant()
    }

    /// The code for a time step, with `digits` digits (6 everywhere but RFC vectors).
    fn code_for_step(&self, step: u64, digits: u8) -> Zeroizing<String> {
        Zeroizing::new(self.totp(digits).generate(step * STEP_SECONDS).to_string())
    }

    /// The 6-digit code for a time step.
    pub fn code_at_step(&self, step: u64) -> Zeroizing<String> {
        self.code_for_step(step, DIGITS)
    }
}

/// The time step containing `now`.
pub fn step_at(now: Timestamp) -> u64 {
    u64::try_from(now.unix()).unwrap_or(0) / STEP_SECONDS
}

/// A code as the person typed it, with spaces and dashes removed: 6 digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(Zeroizing<String>);

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(…)")
    }
}

impl Code {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let digits: Zeroizing<String> =
            Zeroizing::new(input.chars().filter(|c| *c != ' ' && *c != '-').collect());
        if digits.len() != usize::from(DIGITS) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Usage(
                "a code from the authenticator app is 6 digits (spaces and dashes are ignored)"
                    .into(),
            ));
        }
        Ok(Code(digits))
    }
}

/// The step `code` matches within `window` steps either side of `now`, skipping every
/// step at or before `last_used` (a code, once accepted, never works again, nor does
/// any earlier one). Every candidate step is computed and compared in constant time,
/// so timing does not reveal which step matched.
pub fn matching_step(
    secret: &TotpSecret,
    code: &Code,
    now: Timestamp,
    window: u32,
    last_used: Option<u64>,
) -> Option<u64> {
    let centre = step_at(now);
    let first = centre.saturating_sub(u64::from(window));
    let last = centre.saturating_add(u64::from(window));
    let mut found = None;
    for step in first..=last {
        let candidate = secret.code_at_step(step);
        let equal: bool = candidate.as_bytes().ct_eq(code.0.as_bytes()).into();
        let fresh = last_used.is_none_or(|used| step > used);
        if equal && fresh && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// How far a phone's clock may be off and still be recognised as the reason a code
/// was refused: 10 minutes, in 30 s steps.
pub const CLOCK_DRIFT_STEPS: u32 = 20;

/// A code refused by [`matching_step`] that matches an unused step further in the past,
/// up to [`CLOCK_DRIFT_STEPS`] back: the phone's clock is behind by that many steps
/// (negative). Still refused: this only says why, so the person can fix the phone.
/// Steps ahead are never named: such a code becomes good later, and saying it matched
/// would tell whoever typed it to wait and use it (a past step never becomes good).
pub fn clock_offset(
    secret: &TotpSecret,
    code: &Code,
    now: Timestamp,
    window: u32,
    last_used: Option<u64>,
) -> Option<i64> {
    let centre = step_at(now);
    (u64::from(window) + 1..=u64::from(CLOCK_DRIFT_STEPS)).find_map(|d| {
        let step = centre.checked_sub(d)?;
        let fresh = last_used.is_none_or(|used| step > used);
        let equal: bool = secret.code_at_step(step).as_bytes().ct_eq(code.0.as_bytes()).into();
        (fresh && equal).then(|| -i64::try_from(d).unwrap_or(0))
    })
}

/// The key URI Google Authenticator (and pyotp, oathtool's users, every RFC 6238 app)
/// reads: `otpauth://totp/ISSUER:USERNAME?secret=…&issuer=ISSUER`. SHA-1, 6 digits and
/// 30 s are every app's defaults, so they are left out: a shorter URI is a smaller QR
/// code, which is what lets it fit an 80×24 terminal beside its instructions.
pub fn otpauth_uri(
    issuer: &str,
    username: &Username,
    device: DeviceName,
    secret: &TotpSecret,
) -> String {
    const _: () = assert!(DIGITS == 6 && STEP_SECONDS == 30, "the URI relies on the defaults");
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{user}?secret={secret}&issuer={issuer}",
        user = percent_encode(&account_label(username, device)),
        secret = secret.base32(),
    )
}

/// The account name the authenticator app shows under the issuer: the username, and
/// for any device but the default `phone` its name too, so that a person with two
/// entries (a phone and a ward tablet) can tell them apart. The default keeps the
/// contract's plain `ISSUER:USERNAME` label.
pub fn account_label(username: &Username, device: DeviceName) -> String {
    if device.is_default() {
        username.as_str().to_owned()
    } else {
        format!("{username} ({device})")
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters (so a space is `%20`,
/// which every authenticator decodes; `+` would not be).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// RFC 4648 base32 without padding, as authenticator apps read it (the `base32` crate,
/// which totp-rs already brings in).
fn base32_encode(bytes: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        // (time, 8-digit code) from RFC 6238 Appendix B, SHA1 column.
        let vectors = [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(*rfc_secret().code_for_step(time / STEP_SECONDS, 8), code, "T={time}");
        }
    }

    #[test]
    fn six_digit_codes_are_the_last_six_of_the_rfc_vectors() {
        assert_eq!(*rfc_secret().code_at_step(59 / 30), "287082");
        assert_eq!(*rfc_secret().code_at_step(1_111_111_109 / 30), "081804");
    }

    #[test]
    fn base32_matches_rfc_4648_without_padding() {
        let s = |b: &[u8]| base32_encode(b);
        assert_eq!(s(b""), "");
        assert_eq!(s(b"f"), "MY");
        assert_eq!(s(b"fo"), "MZXQ");
        assert_eq!(s(b"foo"), "MZXW6");
        assert_eq!(s(b"foob"), "MZXW6YQ");
        assert_eq!(s(b"fooba"), "MZXW6YTB");
        assert_eq!(s(b"foobar"), "MZXW6YTBOI");
        assert_eq!(rfc_secret().base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(rfc_secret().base32_grouped(), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    }

    #[test]
    fn generated_secrets_are_160_bits_and_differ() {
        let (a, b) = (TotpSecret::generate().unwrap(), TotpSecret::generate().unwrap());
        assert_eq!(a.as_bytes().len(), 20);
        assert_eq!(a.base32().len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn codes_ignore_spaces_and_dashes_and_need_six_digits() {
        assert!(Code::parse("123 456").is_ok());
        assert!(Code::parse("123-456").is_ok());
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert!(Code::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn window_accepts_neighbours_and_refuses_beyond_and_used_steps() {
        let secret = rfc_secret();
        let now = Timestamp::from_unix(1_795_798_800);
        let centre = step_at(now);
        let code = |step: u64| Code::parse(&secret.code_at_step(step)).unwrap();
        assert_eq!(matching_step(&secret, &code(centre), now, 1, None), Some(centre));
        assert_eq!(matching_step(&secret, &code(centre - 1), now, 1, None), Some(centre - 1));
        assert_eq!(matching_step(&secret, &code(centre + 1), now, 1, None), Some(centre + 1));
        assert_eq!(matching_step(&secret, &code(centre + 2), now, 1, None), None);
        assert_eq!(matching_step(&secret, &code(centre - 2), now, 1, None), None);
        assert_eq!(matching_step(&secret, &code(centre + 1), now, 0, None), None);
        // Replay: the used step and every earlier one are refused.
        assert_eq!(matching_step(&secret, &code(centre), now, 1, Some(centre)), None);
        assert_eq!(matching_step(&secret, &code(centre - 1), now, 1, Some(centre)), None);
        assert_eq!(
            matching_step(&secret, &code(centre + 1), now, 1, Some(centre)),
            Some(centre + 1)
        );
    }

    #[test]
    fn a_code_from_a_clock_up_to_ten_minutes_behind_is_recognised_but_not_accepted() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        let now = Timestamp::from_unix(1_795_798_800);
        let code = |offset_steps: i64| {
            let step = step_at(now).checked_add_signed(offset_steps).unwrap();
            Code::parse(&secret.code_at_step(step)).unwrap()
        };
        for off in [-2i64, -5, -20] {
            assert_eq!(matching_step(&secret, &code(off), now, 1, None), None, "{off}");
            assert_eq!(clock_offset(&secret, &code(off), now, 1, None), Some(off), "{off}");
        }
        // A code of a step to come becomes good later: never named (an attacker would
        // learn to wait and use it).
        for off in [2i64, 5, 16, 20] {
            assert_eq!(clock_offset(&secret, &code(off), now, 1, None), None, "{off}");
        }
        assert_eq!(clock_offset(&secret, &code(-21), now, 1, None), None, "beyond 10 minutes");
        assert_eq!(clock_offset(&secret, &code(1), now, 1, None), None, "inside the window");
        // A step already used tells nothing about the clock.
        let used = step_at(now) - 3;
        assert_eq!(clock_offset(&secret, &code(-3), now, 1, Some(used)), None);
    }

    #[test]
    fn uri_follows_the_key_uri_format() {
        let user = Username::parse("alice").unwrap();
        assert_eq!(
            otpauth_uri("Sunny Vale Clinic", &user, DeviceName::default_name(), &rfc_secret()),
            "otpauth://totp/Sunny%20Vale%20Clinic:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Sunny%20Vale%20Clinic"
        );
        assert_eq!(percent_encode("Dr. Ö & Co"), "Dr.%20%C3%96%20%26%20Co");
        // A second device is told apart in the app by its name.
        let tablet = DeviceName::parse("ward tablet").unwrap();
        assert!(
            otpauth_uri("Clinic", &user, tablet, &rfc_secret())
                .starts_with("otpauth://totp/Clinic:alice%20%28ward%20tablet%29?secret="),
        );
    }
}

//! Enrolment links (`user enrol-link`): a one-time address an admin sends a person, at
//! which the sign-in service's page lets them set up an authenticator from a browser.
//!
//! The link is `PUBLIC_URL/enrol/TOKEN`, the token 256 random bits. The database keeps
//! two keyed hashes of it, under the clinic's look-up key (sealed with the key file):
//! one to find the row by, and one binding the token to its account and its end. So
//! with the database alone nobody can read a link, make one, move one onto another
//! account, or make one last longer. The link only opens the page: the person still
//! signs in there with their password (and a current code when they have an
//! authenticator), under the same rules as everywhere.

use std::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::domain::time::Timestamp;
use crate::error::Error;

/// A link lasts this long unless `--expires-in` says otherwise.
pub const DEFAULT_SECONDS: i64 = 24 * 3600;
/// And never longer than this.
pub const MAX_SECONDS: i64 = 7 * 86_400;

const SECRET_BYTES: usize = 32;
/// Base32 (RFC 4648, lower case, unpadded) of [`SECRET_BYTES`].
const TOKEN_CHARS: usize = 52;

/// `--expires-in`: a duration like `24h` or `3d`, at most 7 days.
pub fn lifetime(input: Option<&str>) -> Result<i64, Error> {
    let Some(input) = input else { return Ok(DEFAULT_SECONDS) };
    let seconds = crate::domain::duration::parse_span(input, "--expires-in")?;
    if seconds > MAX_SECONDS {
        return Err(Error::Usage(format!(
            "--expires-in {}: a link lasts at most 7 days (7d); give a shorter one and send a new link later if needed",
            crate::domain::text::shown(input)
        )));
    }
    Ok(seconds)
}

/// A link's token, wiped from memory when dropped; its `Debug` never shows it.
pub struct LinkToken(Zeroizing<String>);

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(<hidden>)")
    }
}

impl LinkToken {
    pub fn generate() -> anyhow::Result<LinkToken> {
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        getrandom::fill(secret.as_mut())
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        let encoded = base32::encode(base32::Alphabet::Rfc4648Lower { padding: false }, &*secret);
        Ok(LinkToken(Zeroizing::new(encoded)))
    }

    /// A token as it came in a request's path; `None` when it is not one in form.
    pub fn presented(text: &str) -> Option<LinkToken> {
        let well_formed = text.len() == TOKEN_CHARS
            && text.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
        well_formed.then(|| LinkToken(Zeroizing::new(text.to_owned())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the row is found by.
    pub fn lookup(&self, lookup_key: &[u8]) -> [u8; 32] {
        mac(lookup_key, &[b"clinic2fa enrol link lookup v1", self.0.as_bytes()])
    }

    /// What binds the token to its account and its end.
    pub fn seal(&self, lookup_key: &[u8], account_id: i64, expires_at: Timestamp) -> [u8; 32] {
        mac(
            lookup_key,
            &[
                b"clinic2fa enrol link v1",
                self.0.as_bytes(),
                &account_id.to_be_bytes(),
                &expires_at.unix().to_be_bytes(),
            ],
        )
    }

    /// Whether `stored` is this token's seal for that account and end (constant time).
    pub fn sealed(
        &self,
        lookup_key: &[u8],
        account_id: i64,
        expires_at: Timestamp,
        stored: &[u8],
    ) -> bool {
        self.seal(lookup_key, account_id, expires_at).ct_eq(stored).into()
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac as _};
    let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// What a presented link is, as the page answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Good until `expires_at`, for this account.
    Open { account_id: i64, username: String, expires_at: Timestamp },
    /// Used to set up an authenticator already (or ended by a newer link's use).
    Spent,
    /// Its time is over.
    Expired,
    /// Not a link this clinic made (or one a newer link replaced).
    Unknown,
}

/// A stored link's state at `now`, its seal checked by the caller (`sealed`).
pub fn state(
    sealed: bool,
    used: bool,
    account_id: i64,
    username: String,
    expires_at: Timestamp,
    now: Timestamp,
) -> LinkState {
    match (sealed, used) {
        (_, true) => LinkState::Spent,
        (false, false) => LinkState::Unknown,
        (true, false) if expires_at <= now => LinkState::Expired,
        (true, false) => LinkState::Open { account_id, username, expires_at },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_has_256_random_bits_and_only_its_own_form_is_taken() {
        let token = LinkToken::generate().unwrap();
        assert_eq!(token.expose().len(), TOKEN_CHARS);
        assert!(LinkToken::presented(token.expose()).is_some());
        assert_ne!(LinkToken::generate().unwrap().expose(), token.expose());
        for bad in ["", "abc", &"A".repeat(52), &"a".repeat(51), &"1".repeat(52), "../x"] {
            assert!(LinkToken::presented(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_seal_binds_the_token_to_its_account_and_its_end() {
        let key = [3u8; 32];
        let token = LinkToken::generate().unwrap();
        let end = Timestamp::from_unix(1_800_000_000);
        let seal = token.seal(&key, 7, end);
        assert!(token.sealed(&key, 7, end, &seal));
        assert!(!token.sealed(&key, 8, end, &seal), "moved to another account");
        assert!(!token.sealed(&key, 7, end.plus_seconds(60), &seal), "made to last longer");
        assert!(!token.sealed(&[4u8; 32], 7, end, &seal), "another clinic's key");
        assert_ne!(token.lookup(&key), token.seal(&key, 7, end));
    }

    #[test]
    fn a_link_lasts_a_day_by_default_and_a_week_at_most() {
        assert_eq!(lifetime(None).unwrap(), 86_400);
        assert_eq!(lifetime(Some("3d")).unwrap(), 3 * 86_400);
        assert_eq!(lifetime(Some("7d")).unwrap(), MAX_SECONDS);
        assert!(lifetime(Some("8d")).unwrap_err().to_string().contains("at most 7 days"));
        assert!(lifetime(Some("soon")).is_err());
    }

    #[test]
    fn a_link_is_open_only_sealed_unused_and_in_time() {
        let now = Timestamp::from_unix(1_000);
        let later = Timestamp::from_unix(2_000);
        let open = state(true, false, 1, "alice".into(), later, now);
        assert!(matches!(open, LinkState::Open { account_id: 1, .. }));
        assert_eq!(state(true, true, 1, "alice".into(), later, now), LinkState::Spent);
        assert_eq!(state(false, false, 1, "alice".into(), later, now), LinkState::Unknown);
        assert_eq!(state(true, false, 1, "alice".into(), now, now), LinkState::Expired);
    }
}

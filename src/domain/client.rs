//! The applications allowed to ask the sign-in service's HTTP API (`client add`): a
//! name for the audit trail (`api:NAME`) and a bearer token, of which only a keyed
//! hash is stored.
//!
//! A token is `c2f_NAME_SECRET`: the name, so that the service finds the one row to
//! check (and an admin can tell which token is which in an application's settings),
//! and 256 random bits. The row keeps `HMAC(look-up key, name, token)`: the look-up
//! key is sealed with the key file, so someone with the database alone can neither
//! plant a client of their own nor move a token onto another client's name.

use std::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::domain::time::Timestamp;
use crate::error::Error;

/// A client as `client list` shows it.
#[derive(Debug, Clone)]
pub struct Client {
    pub name: ClientName,
    pub created_at: Timestamp,
}

pub const RULE: &str =
    "use 1-32 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

/// A client's name, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

impl ClientName {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let name = crate::domain::username::lowercase_name(input, 32, false).ok_or_else(|| {
            Error::Usage(format!(
                "invalid client name {}: {RULE}",
                crate::domain::text::shown(input)
            ))
        })?;
        Ok(ClientName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const PREFIX: &str = "c2f_";
const SECRET_BYTES: usize = 32;

/// A client's bearer token, wiped from memory when dropped.
pub struct Token(Zeroizing<String>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

impl Token {
    /// A new token for `name`: 256 bits from the system's random source.
    pub fn generate(name: &ClientName) -> anyhow::Result<Token> {
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        getrandom::fill(secret.as_mut())
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        let encoded = base32::encode(base32::Alphabet::Rfc4648Lower { padding: false }, &*secret);
        Ok(Token(Zeroizing::new(format!("{PREFIX}{name}_{encoded}"))))
    }

    /// A token as presented; `None` when it is not one in form (no answer says which
    /// part was wrong).
    pub fn presented(text: &str) -> Option<Token> {
        let rest = text.strip_prefix(PREFIX)?;
        let (name, secret) = rest.rsplit_once('_')?;
        let well_formed = ClientName::parse(name).is_ok_and(|n| n.as_str() == name)
            && secret.len() == 52
            && secret.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
        well_formed.then(|| Token(Zeroizing::new(text.to_owned())))
    }

    /// The client the token names (which must still be checked against its hash).
    pub fn client(&self) -> ClientName {
        let rest = &self.0[PREFIX.len()..];
        let (name, _) = rest.rsplit_once('_').expect("checked when made");
        ClientName(name.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps: the token's MAC under the clinic's look-up key, bound
    /// to the client's name.
    pub fn mac(&self, lookup_key: &[u8]) -> [u8; 32] {
        use hmac::{KeyInit as _, Mac as _};
        let mut mac =
            <hmac::Hmac<sha2::Sha256>>::new_from_slice(lookup_key).expect("any key length");
        let name = self.client();
        for part in
            [b"clinic2fa client token v1".as_slice(), name.as_str().as_bytes(), self.0.as_bytes()]
        {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Whether `stored` is this token's MAC, compared in constant time.
    pub fn matches(&self, lookup_key: &[u8], stored: &[u8]) -> bool {
        self.mac(lookup_key).ct_eq(stored).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_client_and_matches_only_its_own_hash() {
        let name = ClientName::parse("Practice-App").unwrap();
        assert_eq!(name.as_str(), "practice-app");
        let token = Token::generate(&name).unwrap();
        assert!(token.expose().starts_with("c2f_practice-app_"));
        let again = Token::presented(token.expose()).unwrap();
        assert_eq!(again.client(), name);
        let key = [7u8; 32];
        let stored = token.mac(&key);
        assert!(again.matches(&key, &stored));
        assert!(!again.matches(&[8u8; 32], &stored));
        let other = Token::generate(&name).unwrap();
        assert!(!other.matches(&key, &stored));
    }

    #[test]
    fn a_token_moved_to_another_name_does_not_match() {
        let key = [1u8; 32];
        let token = Token::generate(&ClientName::parse("front-desk").unwrap()).unwrap();
        let stored = token.mac(&key);
        let secret = token.expose().rsplit_once('_').unwrap().1.to_owned();
        let moved = Token::presented(&format!("c2f_billing_{secret}")).unwrap();
        assert!(!moved.matches(&key, &stored));
    }

    #[test]
    fn malformed_tokens_and_names_are_refused() {
        for bad in ["", "c2f_", "c2f_app", "c2f_app_short", "xyz_app_aaaa", "c2f_APP_x"] {
            assert!(Token::presented(bad).is_none(), "{bad}");
        }
        let upper = format!("c2f_app_{}", "A".repeat(52));
        assert!(Token::presented(&upper).is_none());
        for bad in ["", "-app", "app name", "a/b", &"x".repeat(33)] {
            assert!(ClientName::parse(bad).is_err(), "{bad}");
        }
    }
}

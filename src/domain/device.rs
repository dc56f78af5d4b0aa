//! The names of a person's authenticators ("phone", "ward tablet"): 1–32 characters of
//! the username alphabet plus spaces, so that a person with two can tell them apart in
//! a list, an audit entry and the authenticator app.

use std::fmt;

use crate::domain::time::Timestamp;
use crate::error::Error;

/// One of a person's authenticators, as `user 2fa list` shows it (no secret).
#[derive(Debug, Clone)]
pub struct Device {
    pub name: DeviceName,
    pub added_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// How many authenticators one person may have at once.
pub const MAX_PER_PERSON: u32 = 5;

pub const RULE: &str = "use 1-32 characters of a-z, 0-9, '.', '_', '-' or spaces, starting with a letter or digit and not ending with a space";

/// A device name, lower-cased. Kept inline (at most 32 bytes) so that the rules' facts
/// stay plain copyable values.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceName {
    len: u8,
    bytes: [u8; 32],
}

impl DeviceName {
    /// The name an authenticator gets when none is given, and the one an authenticator
    /// set up before names existed was given.
    pub const DEFAULT: &'static str = "phone";

    pub fn parse(input: &str) -> Result<Self, Error> {
        let name = crate::domain::username::lowercase_name(input, 32, true).ok_or_else(|| {
            Error::Usage(format!(
                "invalid device name {}: {RULE}",
                crate::domain::text::shown(input)
            ))
        })?;
        let mut bytes = [0u8; 32];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Ok(DeviceName { len: name.len() as u8, bytes })
    }

    pub fn default_name() -> Self {
        DeviceName::parse(Self::DEFAULT).expect("the default name follows the rule")
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("parsed as ASCII")
    }

    pub fn is_default(&self) -> bool {
        self.as_str() == Self::DEFAULT
    }
}

impl fmt::Display for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceName({:?})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases() {
        assert_eq!(DeviceName::parse("Ward Tablet").unwrap().as_str(), "ward tablet");
        assert_eq!(DeviceName::parse("phone-2").unwrap().as_str(), "phone-2");
        assert!(DeviceName::parse(&"a".repeat(32)).is_ok());
        assert!(DeviceName::default_name().is_default());
    }

    #[test]
    fn refuses_what_breaks_the_rule() {
        for bad in ["", " phone", "phone ", "-x", "tab:let", "télé", "a\tb", &"a".repeat(33)] {
            let err = DeviceName::parse(bad).unwrap_err();
            assert!(err.to_string().contains(RULE), "{bad:?}: {err}");
        }
    }
}

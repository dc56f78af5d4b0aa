//! Usernames: 1–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
//! Input is lower-cased first, so `Alice` and `alice` are one account.

use std::fmt;

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

pub const RULE: &str =
    "use 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

impl Username {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let name = input.to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
        let starts_well =
            name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if name.len() > 64 || !starts_well || !name.chars().all(allowed) {
            return Err(Error::Usage(format!(
                "invalid username {}: {RULE}",
                crate::domain::text::shown(input)
            )));
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases() {
        assert_eq!(Username::parse("Alice.Smith-2").unwrap().as_str(), "alice.smith-2");
        assert_eq!(Username::parse("7nurse").unwrap().as_str(), "7nurse");
        assert!(Username::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_what_breaks_the_rule() {
        for bad in ["", ".alice", "_a", "-a", "al ice", "al:ice", "élodie", "a@b", &"a".repeat(65)]
        {
            let err = Username::parse(bad).unwrap_err();
            assert!(err.to_string().contains(RULE), "{bad:?}: {err}");
        }
    }
}

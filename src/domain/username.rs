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
        let name = lowercase_name(input, 64, false).ok_or_else(|| {
            Error::Usage(format!("invalid username {}: {RULE}", crate::domain::text::shown(input)))
        })?;
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

/// The names of the clinic's world (people, their devices, the applications that call
/// the service): lower-cased, 1 to `max` characters of a-z, 0-9, '.', '_' and '-' (and,
/// where `spaces`, spaces inside), starting with a letter or digit. `None` if not.
pub(crate) fn lowercase_name(input: &str, max: usize, spaces: bool) -> Option<String> {
    let name = input.to_lowercase();
    let allowed = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c) || (spaces && c == ' ')
    };
    let starts_well =
        name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let well_formed =
        name.len() <= max && starts_well && !name.ends_with(' ') && name.chars().all(allowed);
    well_formed.then_some(name)
}

/// The order people read names in: runs of digits compared as numbers, so `staff2`
/// comes before `staff10`; the rest as text. Names equal so (`a01`, `a1`) fall back
/// to plain text order, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (m, n) = (run(x), run(y));
                fn trim(d: &[u8]) -> &[u8] {
                    &d[d.iter().position(|c| *c != b'0').unwrap_or(d.len())..]
                }
                let (dx, dy) = (trim(&x[..m]), trim(&y[..n]));
                let by_value = dx.len().cmp(&dy.len()).then_with(|| dx.cmp(dy));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                x = &x[m..];
                y = &y[n..];
            }
            (Some(p), Some(q)) if p != q => return p.cmp(q),
            _ => {
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_people_read_them() {
        let mut names =
            vec!["staff10", "staff2", "bob", "staff1", "alice", "staff02", "staff", "2b", "10a"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["2b", "10a", "alice", "bob", "staff", "staff1", "staff02", "staff2", "staff10"]
        );
    }

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

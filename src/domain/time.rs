//! Points in time as whole Unix seconds, shown as RFC 3339 UTC.
//!
//! Nothing in the domain reads the system clock: callers pass `now` in, which is what
//! lets `CLINIC2FA_NOW` pin it for simulations and tests.

use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A moment, in seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// The latest moment RFC 3339 can show (9999-12-31T23:59:59Z); anything later is clamped.
const MAX_SECONDS: i64 = 253_402_300_799;

impl Timestamp {
    pub fn from_unix(seconds: i64) -> Self {
        Timestamp(seconds.clamp(0, MAX_SECONDS))
    }

    /// For constants; the value must already lie in the showable range.
    pub const fn from_unix_const(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    pub fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp::from_unix(self.0.saturating_add(seconds))
    }

    /// `2026-11-27T17:00:00Z`
    pub fn rfc3339(self) -> String {
        OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| self.0.to_string())
    }

    /// Reads a time as an admin types it: RFC 3339 (`2026-11-27T09:00:00Z`) or a date
    /// (`2026-11-27`, meaning its start in UTC).
    pub fn parse(input: &str) -> Result<Self, crate::error::Error> {
        let text = input.trim();
        let full = OffsetDateTime::parse(text, &Rfc3339).ok();
        let date = || {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(text, format).ok().map(|d| d.midnight().assume_utc())
        };
        full.or_else(date).map(|t| Timestamp::from_unix(t.unix_timestamp())).ok_or_else(|| {
            crate::error::Error::Usage(format!(
                "invalid time {input:?}: use RFC 3339 like 2026-11-27T09:00:00Z, or a date like 2026-11-27"
            ))
        })
    }

    /// The system clock. Only the command layer calls this, once per process.
    #[allow(clippy::disallowed_methods)]
    pub fn system_now() -> Self {
        Timestamp::from_unix(OffsetDateTime::now_utc().unix_timestamp())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_rfc3339_utc() {
        assert_eq!(Timestamp::from_unix(1_795_798_800).rfc3339(), "2026-11-27T17:00:00Z");
        assert_eq!(Timestamp::from_unix(0).rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn parses_rfc3339_and_dates() {
        assert_eq!(Timestamp::parse("2026-11-27T17:00:00Z").unwrap().unix(), 1_795_798_800);
        assert_eq!(Timestamp::parse("2026-11-27T18:00:00+01:00").unwrap().unix(), 1_795_798_800);
        assert_eq!(Timestamp::parse("2026-11-27").unwrap().unix(), 1_795_798_800 - 17 * 3600);
        for bad in ["yesterday", "27/11/2026", "2026-13-01", ""] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn arithmetic_saturates_inside_the_showable_range() {
        let t = Timestamp::from_unix(MAX_SECONDS).plus_seconds(i64::MAX);
        assert_eq!(t.unix(), MAX_SECONDS);
        assert_eq!(t.rfc3339(), "9999-12-31T23:59:59Z");
    }
}

//! Points in time as whole Unix seconds: RFC 3339 UTC for machines (JSON, CSV, the
//! audit seal), local time with its offset for people (`Display`).
//!
//! Nothing in the domain reads the system clock: callers pass `now` in, which is what
//! lets `CLINIC2FA_NOW` pin it for simulations and tests.

use std::fmt;
use std::sync::OnceLock;

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

    /// `2026-11-27T17:00:00Z`. Computed directly (the civil-from-days algorithm of
    /// Howard Hinnant's date library): listing 100,000 accounts formats 300,000 times.
    pub fn rfc3339(self) -> String {
        let (days, second_of_day) = (self.0.div_euclid(86_400), self.0.rem_euclid(86_400));
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        let (hour, minute, second) =
            (second_of_day / 3600, second_of_day % 3600 / 60, second_of_day % 60);
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
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

/// The offset people's times are shown in, in seconds east of UTC: set once by the
/// command layer at start-up (the local offset can only be read soundly while the
/// process has one thread); UTC until then.
static PEOPLES_OFFSET: OnceLock<i32> = OnceLock::new();

/// Sets the offset [`Timestamp`]'s `Display` uses; only the first call counts.
pub fn show_people_times_at(offset_seconds: i32) {
    let _ = PEOPLES_OFFSET.set(offset_seconds);
}

/// For people: `2026-11-27 18:00 +01:00`, in the local offset read at start-up. The
/// offset is always written, so the moment is exact even across a change of
/// daylight-saving time.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = *PEOPLES_OFFSET.get().unwrap_or(&0);
        let local = Timestamp(self.0.saturating_add(i64::from(offset))).rfc3339();
        let (sign, abs) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
        write!(
            f,
            "{} {} {sign}{:02}:{:02}",
            &local[..10],
            &local[11..16],
            abs / 3600,
            abs % 3600 / 60
        )
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

    proptest::proptest! {
        #[test]
        fn formatting_agrees_with_the_time_crate(seconds in 0..=MAX_SECONDS) {
            let expected = OffsetDateTime::from_unix_timestamp(seconds).unwrap().format(&Rfc3339).unwrap();
            proptest::prop_assert_eq!(Timestamp::from_unix(seconds).rfc3339(), expected);
        }
    }

    #[test]
    fn arithmetic_saturates_inside_the_showable_range() {
        let t = Timestamp::from_unix(MAX_SECONDS).plus_seconds(i64::MAX);
        assert_eq!(t.unix(), MAX_SECONDS);
        assert_eq!(t.rfc3339(), "9999-12-31T23:59:59Z");
    }
}

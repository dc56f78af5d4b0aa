//! Durations as admins type them: `30m`, `24h`, `7d` (and `90s`).

use crate::domain::time::Timestamp;
use crate::error::Error;

/// The longest bypass an admin may grant: a week, as `bypass-hours` allows.
pub const MAX_BYPASS_SECONDS: i64 = 168 * 3600;

/// `<whole number><s|m|h|d|w>` in seconds, if that is what `input` is.
fn seconds_of(input: &str) -> Option<i64> {
    let text = input.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let unit_seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    number.parse::<i64>().ok()?.checked_mul(unit_seconds)
}

/// A span of time as admins type it, `<whole number><s|m|h|d|w>` (`90d`, `12w`), in
/// seconds: at least a minute, at most 100 years.
pub fn parse_span(input: &str, what: &str) -> Result<i64, Error> {
    seconds_of(input).filter(|s| (60..=100 * 366 * 86_400).contains(s)).ok_or_else(|| {
        Error::Usage(format!(
            "invalid {what} {}: use a whole number and a unit, like 90d, 12w or 36h",
            crate::domain::text::shown(input)
        ))
    })
}

/// When an override ends, as `--until` takes it: a duration from `now` (`30d`), a date
/// (`2026-12-31`, its start in UTC) or an RFC 3339 time. It must lie ahead.
pub fn parse_until(input: &str, now: Timestamp) -> Result<Timestamp, Error> {
    let starts_with_digits_then_unit = input
        .trim()
        .trim_end_matches(['s', 'm', 'h', 'd', 'w'])
        .bytes()
        .all(|b| b.is_ascii_digit());
    let at = if starts_with_digits_then_unit {
        now.plus_seconds(parse_span(input, "--until")?)
    } else {
        Timestamp::parse(input).map_err(|_| {
            Error::Usage(format!(
                "invalid --until {}: use a date (2026-12-31), an RFC 3339 time, or a duration like 30d",
                crate::domain::text::shown(input)
            ))
        })?
    };
    if at <= now {
        return Err(Error::Usage(format!(
            "--until {} is not in the future (now is {now}): give a later time, or leave --until out",
            crate::domain::text::shown(input)
        )));
    }
    Ok(at)
}

/// Where a listing starts, as `--since` takes it: a duration back from `now` (`1d`,
/// `12h`), a date (`2026-11-27`, its start in UTC) or an RFC 3339 time.
pub fn parse_since(input: &str, now: Timestamp) -> Result<Timestamp, Error> {
    if let Some(seconds) = seconds_of(input) {
        return Ok(now.plus_seconds(-seconds));
    }
    Timestamp::parse(input).map_err(|_| {
        Error::Usage(format!(
            "invalid --since {}: use a duration back from now (1d, 12h), a date (2026-11-27) or an RFC 3339 time",
            crate::domain::text::shown(input)
        ))
    })
}

/// A bypass's life, `<whole number><unit>` as [`parse_span`] reads it, from one minute
/// to a week.
pub fn parse_bypass_duration(input: &str) -> Result<i64, Error> {
    seconds_of(input).filter(|s| (60..=MAX_BYPASS_SECONDS).contains(s)).ok_or_else(|| {
        Error::Usage(format!(
            "invalid duration {}: use a whole number and a unit, like 30m, 24h or 7d (from 1m to 7d)",
            crate::domain::text::shown(input)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_duration_back_a_date_or_a_time() {
        let now = Timestamp::from_unix(1_795_798_800); // 2026-11-27T17:00:00Z
        assert_eq!(parse_since("1d", now).unwrap(), now.plus_seconds(-86_400));
        assert_eq!(parse_since("90m", now).unwrap(), now.plus_seconds(-5400));
        assert_eq!(parse_since("2026-11-27", now).unwrap(), Timestamp::from_unix(1_795_737_600));
        let refused = parse_since("yesterday", now).unwrap_err().to_string();
        assert!(refused.contains("1d") && refused.contains("2026-11-27"), "{refused}");
    }

    #[test]
    fn until_takes_a_duration_a_date_or_a_time_and_only_ahead() {
        let now = Timestamp::from_unix(1_795_798_800); // 2026-11-27T17:00:00Z
        assert_eq!(parse_until("30d", now).unwrap(), now.plus_seconds(30 * 86_400));
        assert_eq!(parse_until("2026-12-31", now).unwrap().rfc3339(), "2026-12-31T00:00:00Z");
        assert_eq!(
            parse_until("2026-11-28T09:00:00+01:00", now).unwrap().rfc3339(),
            "2026-11-28T08:00:00Z"
        );
        assert!(
            parse_until("2026-11-01", now).unwrap_err().to_string().contains("not in the future")
        );
        assert!(parse_until("next week", now).is_err());
    }

    #[test]
    fn spans_take_weeks_too_and_refuse_nonsense() {
        assert_eq!(parse_span("90d", "x").unwrap(), 90 * 86_400);
        assert_eq!(parse_span("12w", "x").unwrap(), 84 * 86_400);
        for bad in ["", "90", "d", "30s", "-5d", "1.5d", "9999999999999w"] {
            assert!(parse_span(bad, "--inactive").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn accepts_the_usual_units() {
        assert_eq!(parse_bypass_duration("30m").unwrap(), 1800);
        assert_eq!(parse_bypass_duration("24h").unwrap(), 86_400);
        assert_eq!(parse_bypass_duration("7d").unwrap(), 604_800);
        assert_eq!(parse_bypass_duration("90s").unwrap(), 90);
        assert_eq!(parse_bypass_duration(" 2h ").unwrap(), 7200);
    }

    #[test]
    fn refuses_nonsense_and_out_of_range() {
        for bad in
            ["", "h", "24", "24x", "-1h", "1.5h", "8d", "59s", "0m", "99999999999999999999d", "1 h"]
        {
            let err = parse_bypass_duration(bad).unwrap_err().to_string();
            assert!(err.contains("30m, 24h or 7d"), "{bad:?}: {err}");
        }
    }
}

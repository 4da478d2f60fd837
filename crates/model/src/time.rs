//! RFC 3339 timestamps as the API writes them, and the relative durations `oc` prints
//! ("5 minutes", "About an hour"). Times are Unix milliseconds so the console can feed
//! `Date.now()` and devcluster its system clock into the same functions.

use std::fmt;

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// The text that was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}: {}", self.input, self.reason)
    }
}

impl std::error::Error for TimeError {}

/// Reads an RFC 3339 time (`2024-05-01T10:00:00Z`, optional fraction, `Z` or `±hh:mm`) into
/// Unix milliseconds.
pub fn parse_rfc3339(input: &str) -> Result<i64, TimeError> {
    let fail = |reason| TimeError {
        input: input.to_owned(),
        reason,
    };
    // Byte positions are only used through `get`, so text with multi-byte characters where
    // digits belong (an annotation such as `2024-01-02T03:04:0é`) is an error, never a slice
    // through a character.
    let byte = |index: usize| input.as_bytes().get(index).copied();
    if input.len() < 20
        || byte(4) != Some(b'-')
        || byte(7) != Some(b'-')
        || !matches!(byte(10), Some(b'T' | b't' | b' '))
    {
        return Err(fail(
            "expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset",
        ));
    }
    if byte(13) != Some(b':') || byte(16) != Some(b':') {
        return Err(fail("expected HH:MM:SS after the date"));
    }
    let digits_at = |text: &str, range: std::ops::Range<usize>| -> Result<i64, TimeError> {
        let digits = text.get(range).ok_or_else(|| fail("expected digits"))?;
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(fail("expected digits"));
        }
        digits.parse().map_err(|_| fail("expected digits"))
    };
    let num = |range| digits_at(input, range);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(fail("date out of range"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(fail("time of day out of range"));
    }
    let mut rest = input.get(19..).ok_or_else(|| fail("expected digits"))?;
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(fail("expected digits after the decimal point"));
        }
        // The digits are ASCII, so these byte positions are character boundaries.
        let first = fraction.get(..digits.min(3)).unwrap_or_default();
        let padded = format!("{first:0<3}");
        millis = padded.parse::<i64>().map_err(|_| fail("bad fraction"))?;
        rest = fraction.get(digits..).unwrap_or_default();
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            if rest.as_bytes().get(3) != Some(&b':') {
                return Err(fail("offset must be ±hh:mm"));
            }
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (digits_at(rest, 1..3)? * 60 + digits_at(rest, 4..6)?)
        }
        _ => return Err(fail("expected Z or an offset ±hh:mm at the end")),
    };
    // Four-digit years and bounded fields: none of this can overflow an i64.
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1_000 + millis)
}

/// Writes Unix milliseconds as RFC 3339 UTC with whole seconds, the form the API server uses.
pub fn format_rfc3339(unix_millis: i64) -> String {
    let seconds = unix_millis.div_euclid(1_000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// How `oc` words a duration, before it is put into words: the unit and, where the words
/// carry one, the count. The console words it in the reader's language from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationWords {
    /// "Less than a second".
    LessThanASecond,
    /// "1 second", "59 seconds".
    Seconds(i64),
    /// "About a minute".
    AboutAMinute,
    /// "45 minutes".
    Minutes(i64),
    /// "About an hour".
    AboutAnHour,
    /// "47 hours".
    Hours(i64),
    /// "3 days".
    Days(i64),
    /// "2 weeks".
    Weeks(i64),
    /// "3 months".
    Months(i64),
    /// "2 years".
    Years(i64),
}

/// The unit and count of [`human_duration`] (go-units `HumanDuration`).
pub fn duration_words(millis: i64) -> DurationWords {
    let seconds = millis / 1_000;
    let minutes = seconds / 60;
    // Go rounds hours half up: int(d.Hours() + 0.5).
    let hours = (millis as f64 / 3_600_000.0 + 0.5).floor() as i64;
    match () {
        _ if seconds < 1 => DurationWords::LessThanASecond,
        _ if seconds < 60 => DurationWords::Seconds(seconds),
        _ if minutes == 1 => DurationWords::AboutAMinute,
        _ if minutes < 60 => DurationWords::Minutes(minutes),
        _ if hours == 1 => DurationWords::AboutAnHour,
        _ if hours < 48 => DurationWords::Hours(hours),
        _ if hours < 24 * 7 * 2 => DurationWords::Days(hours / 24),
        _ if hours < 24 * 30 * 2 => DurationWords::Weeks(hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => DurationWords::Months(hours / 24 / 30),
        _ => DurationWords::Years(millis / 3_600_000 / 24 / 365),
    }
}

/// The duration text `oc` prints in UPDATED and `describe` (go-units `HumanDuration`).
pub fn human_duration(millis: i64) -> String {
    match duration_words(millis) {
        DurationWords::LessThanASecond => "Less than a second".to_owned(),
        DurationWords::Seconds(1) => "1 second".to_owned(),
        DurationWords::Seconds(n) => format!("{n} seconds"),
        DurationWords::AboutAMinute => "About a minute".to_owned(),
        DurationWords::Minutes(n) => format!("{n} minutes"),
        DurationWords::AboutAnHour => "About an hour".to_owned(),
        DurationWords::Hours(n) => format!("{n} hours"),
        DurationWords::Days(n) => format!("{n} days"),
        DurationWords::Weeks(n) => format!("{n} weeks"),
        DurationWords::Months(n) => format!("{n} months"),
        DurationWords::Years(n) => format!("{n} years"),
    }
}

/// `"<duration> ago"` between a timestamp and now, or `None` if the timestamp is unreadable.
pub fn ago(timestamp: &str, now_millis: i64) -> Option<String> {
    let then = parse_rfc3339(timestamp).ok()?;
    Some(format!("{} ago", human_duration(now_millis - then)))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms: days since 1970-01-01 <-> (y, m, d).
/// Days since 1970-01-01 of a date (year, month 1-12, day 1-31).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_the_api_writes() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("2015-11-05T20:28:54Z"), Ok(1_446_755_334_000));
        assert_eq!(
            parse_rfc3339("2015-11-05T21:28:54.250+01:00"),
            Ok(1_446_755_334_250)
        );
    }

    #[test]
    fn rejects_malformed_times_with_a_reason() {
        for bad in [
            "",
            "2015-11-05",
            "2015-13-01T00:00:00Z",
            "2015-02-30T00:00:00Z",
            "2015-11-05T20:28:54",
            "2015-11-05T2a:28:54Z",
            "2015-11-05T20:28:54.Z",
            "2015-11-05T20:28:54+0100",
        ] {
            let err = parse_rfc3339(bad).unwrap_err();
            assert_eq!(err.input, bad);
            assert!(err.to_string().starts_with("invalid timestamp"));
        }
    }

    #[test]
    fn multi_byte_characters_where_digits_belong_are_an_error() {
        // Issue 15: the parser sliced through `é` and aborted the server on every start.
        for bad in [
            "2024-01-02T03:04:0é",
            "2024-01-02T03:04:05.é",
            "2024-01-02T03:04:05+0é:00",
            "2024-01-02T03:04:05+00:é",
            "2024-01-é2T03:04:05Z",
            "ééééééééééééééééééééé",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_back_to_the_same_text() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-11-27T05:49:36Z",
        ] {
            assert_eq!(format_rfc3339(parse_rfc3339(text).unwrap()), text);
        }
    }

    #[test]
    fn durations_read_like_oc() {
        let s = 1_000;
        assert_eq!(human_duration(500), "Less than a second");
        assert_eq!(human_duration(s), "1 second");
        assert_eq!(human_duration(59 * s), "59 seconds");
        assert_eq!(human_duration(60 * s), "About a minute");
        assert_eq!(human_duration(119 * s), "About a minute");
        assert_eq!(human_duration(45 * 60 * s), "45 minutes");
        assert_eq!(human_duration(89 * 60 * s), "About an hour");
        assert_eq!(human_duration(90 * 60 * s), "2 hours");
        assert_eq!(human_duration(47 * 3600 * s), "47 hours");
        assert_eq!(human_duration(3 * 86_400 * s), "3 days");
        assert_eq!(human_duration(20 * 86_400 * s), "2 weeks");
        assert_eq!(human_duration(90 * 86_400 * s), "3 months");
        assert_eq!(human_duration(800 * 86_400 * s), "2 years");
    }
}

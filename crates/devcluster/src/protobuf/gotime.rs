//! The time formats of Kubernetes' JSON, with Go's wording for what does not parse:
//! `metav1.Time` (RFC 3339, whole seconds, always UTC), `metav1.MicroTime` (RFC 3339 with
//! exactly six fractional digits) and `metav1.Duration` (Go's `time.Duration` string, `1h2m3s`).
//!
//! Written here rather than with a date library because the errors are part of the API: a
//! bad timestamp in a body makes kube-apiserver answer Go's `time.Parse` message verbatim
//! (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`), so the
//! parser walks the same layout elements as Go's `time.parse` and fails at the same place.

/// Go's `time.RFC3339`, the layout of `metav1.Time`.
pub(crate) const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
/// `metav1.RFC3339Micro`, the layout of `metav1.MicroTime`.
pub(crate) const RFC3339_MICRO: &str = "2006-01-02T15:04:05.000000Z07:00";

use imagestream_model::time::{civil_from_days, days_from_civil, days_in_month};

/// Unix seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z), which Kubernetes encodes as
/// JSON `null` and as an empty protobuf message.
pub(crate) const ZERO_TIME_SECONDS: i64 = -62_135_596_800;

fn format_date_time(seconds: i64) -> String {
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let year = if year < 0 {
        format!("-{:04}", -year)
    } else {
        format!("{year:04}")
    };
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// `metav1.Time` as JSON: UTC, whole seconds (`2024-01-02T03:04:05Z`).
pub(crate) fn format_time(seconds: i64) -> String {
    format!("{}Z", format_date_time(seconds))
}

/// `metav1.MicroTime` as JSON: UTC with six fractional digits (`2024-01-02T03:04:05.000123Z`).
pub(crate) fn format_micro_time(seconds: i64, nanos: i32) -> String {
    let micros = nanos.clamp(0, 999_999_999) / 1000;
    format!("{}.{micros:06}Z", format_date_time(seconds))
}

/// Go's `time` package quoting in its error messages: `"…"` with `"` and `\` escaped and
/// every byte of a non-ASCII or control character as `\xNN`.
pub(crate) fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                quoted.push_str(&format!("\\x{byte:02x}"));
            }
        }
    }
    quoted.push('"');
    quoted
}

/// Why a timestamp does not parse, worded as Go's `time.ParseError`.
fn parse_error(layout: &str, value: &str, layout_element: &str, value_element: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        go_quote(value),
        go_quote(layout),
        go_quote(value_element),
        go_quote(layout_element)
    )
}

fn range_error(value: &str, what: &str) -> String {
    format!("parsing time {}: {what} out of range", go_quote(value))
}

/// Go's `getnum`: one or two leading digits (`fixed`: exactly two).
fn getnum(text: &str, fixed: bool) -> Option<(i64, &str)> {
    let bytes = text.as_bytes();
    let digit = |i: usize| {
        bytes
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| i64::from(b - b'0'))
    };
    let first = digit(0)?;
    match digit(1) {
        Some(second) => Some((first * 10 + second, text.get(2..)?)),
        None if fixed => None,
        None => Some((first, text.get(1..)?)),
    }
}

/// Go's `atoi` on a short field: an optional sign and digits only.
fn atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: i64 = digits.parse().ok()?;
    Some(if text.starts_with('-') {
        -number
    } else {
        number
    })
}

/// Nanoseconds of a fraction `.ddd…` (the dot included), as Go's `parseNanoseconds`: at
/// most nine digits count.
fn fraction_nanos(fraction: &str) -> Option<i64> {
    let digits = fraction.get(1..)?;
    let digits = digits.get(..digits.len().min(9))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    let scale = 10_i64.pow(9 - u32::try_from(digits.len()).ok()?);
    value.checked_mul(scale)
}

/// Parses `value` with Go's RFC 3339 layout (`micro`: the MicroTime layout, which requires
/// exactly six fractional digits) into Unix seconds and nanoseconds, or Go's error text.
pub(crate) fn parse_time(value: &str, micro: bool) -> Result<(i64, i32), String> {
    let layout = if micro { RFC3339_MICRO } else { RFC3339 };
    let mut rest = value;
    // Literal separators of the layout, then the elements, in Go's order.
    let literal = |rest: &mut &str, expected: &str| -> Result<(), String> {
        match rest.strip_prefix(expected) {
            Some(after) => {
                *rest = after;
                Ok(())
            }
            None => Err(parse_error(layout, value, expected, rest)),
        }
    };
    let year_text = rest
        .get(..4)
        .ok_or_else(|| parse_error(layout, value, "2006", rest))?;
    let year = atoi(year_text).ok_or_else(|| parse_error(layout, value, "2006", rest))?;
    rest = rest.get(4..).unwrap_or_default();
    literal(&mut rest, "-")?;
    let (month, after) =
        getnum(rest, true).ok_or_else(|| parse_error(layout, value, "01", rest))?;
    if !(1..=12).contains(&month) {
        return Err(range_error(value, "month"));
    }
    rest = after;
    literal(&mut rest, "-")?;
    let (day, after) = getnum(rest, true).ok_or_else(|| parse_error(layout, value, "02", rest))?;
    rest = after;
    literal(&mut rest, "T")?;
    let (hour, after) =
        getnum(rest, false).ok_or_else(|| parse_error(layout, value, "15", rest))?;
    if hour >= 24 {
        return Err(range_error(value, "hour"));
    }
    rest = after;
    literal(&mut rest, ":")?;
    let (minute, after) =
        getnum(rest, true).ok_or_else(|| parse_error(layout, value, "04", rest))?;
    if minute >= 60 {
        return Err(range_error(value, "minute"));
    }
    rest = after;
    literal(&mut rest, ":")?;
    let (second, after) =
        getnum(rest, true).ok_or_else(|| parse_error(layout, value, "05", rest))?;
    if second >= 60 {
        return Err(range_error(value, "second"));
    }
    rest = after;
    let mut nanos = 0;
    let is_fraction_start = |text: &str| {
        let bytes = text.as_bytes();
        matches!(bytes.first(), Some(b'.' | b',')) && bytes.get(1).is_some_and(u8::is_ascii_digit)
    };
    if micro {
        // Exactly ".dddddd".
        let fraction = rest
            .get(..7)
            .filter(|f| f.starts_with(['.', ',']))
            .and_then(fraction_nanos)
            .ok_or_else(|| parse_error(layout, value, ".000000", rest))?;
        nanos = fraction;
        rest = rest.get(7..).unwrap_or_default();
    } else if is_fraction_start(rest) {
        // Go accepts a fraction after the seconds even when the layout has none.
        let length = 1 + rest.bytes().skip(1).take_while(u8::is_ascii_digit).count();
        nanos = rest
            .get(..length)
            .and_then(fraction_nanos)
            .ok_or_else(|| parse_error(layout, value, "05", rest))?;
        rest = rest.get(length..).unwrap_or_default();
    }
    let offset = if let Some(after) = rest.strip_prefix('Z') {
        rest = after;
        0
    } else {
        let bytes = rest.as_bytes();
        let zone = |rest: &str| parse_error(layout, value, "Z07:00", rest);
        if bytes.len() < 6 || bytes.get(3) != Some(&b':') {
            return Err(zone(rest));
        }
        let (hours, minutes) = (rest.get(1..3), rest.get(4..6));
        let hours = hours.and_then(|h| getnum(h, true)).map(|(h, _)| h);
        let minutes = minutes.and_then(|m| getnum(m, true)).map(|(m, _)| m);
        let (Some(hours), Some(minutes)) = (hours, minutes) else {
            return Err(zone(rest));
        };
        if hours > 24 {
            return Err(range_error(value, "time zone offset hour"));
        }
        if minutes > 60 {
            return Err(range_error(value, "time zone offset minute"));
        }
        let offset = (hours * 60 + minutes) * 60;
        let offset = match bytes.first() {
            Some(b'+') => offset,
            Some(b'-') => -offset,
            _ => return Err(zone(rest)),
        };
        rest = rest.get(6..).unwrap_or_default();
        offset
    };
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            go_quote(value),
            go_quote(rest)
        ));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(range_error(value, "day"));
    }
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Ok((seconds, i32::try_from(nanos).unwrap_or(0)))
}

/// Go's `time.Duration.String()` of a number of nanoseconds: `1h2m3.5s`, `1.5ms`, `0s`.
pub(crate) fn format_duration(nanos: i64) -> String {
    let negative = nanos < 0;
    let mut u = nanos.unsigned_abs();
    // The fraction of `value / 10^precision` as ".ddd" without trailing zeros.
    let fraction = |value: u64, precision: u32| -> (String, u64) {
        let scale = 10_u64.pow(precision);
        let (whole, part) = (value / scale, value % scale);
        if part == 0 {
            return (String::new(), whole);
        }
        let digits = format!("{part:0width$}", width = precision as usize);
        (format!(".{}", digits.trim_end_matches('0')), whole)
    };
    let text = if u < 1_000_000_000 {
        let (unit, precision) = match u {
            0 => return "0s".to_owned(),
            1..=999 => ("ns", 0),
            1_000..=999_999 => ("µs", 3),
            _ => ("ms", 6),
        };
        let (part, whole) = fraction(u, precision);
        format!("{whole}{part}{unit}")
    } else {
        let (part, seconds) = fraction(u, 9);
        u = seconds;
        let mut text = format!("{}{part}s", u % 60);
        u /= 60;
        if u > 0 {
            text = format!("{}m{text}", u % 60);
            u /= 60;
            if u > 0 {
                text = format!("{u}h{text}");
            }
        }
        text
    };
    if negative {
        format!("-{text}")
    } else {
        text
    }
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` into nanoseconds, with Go's
/// error texts.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(text));
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        if !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let whole: u64 = if digits == 0 {
            0
        } else {
            rest.get(..digits)
                .and_then(|d| d.parse().ok())
                .filter(|v| *v <= 1 << 63)
                .ok_or_else(invalid)?
        };
        rest = rest.get(digits..).unwrap_or_default();
        let (mut fraction, mut scale, mut fraction_digits) = (0_u64, 1_f64, 0);
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
            fraction_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for digit in rest.bytes().take(fraction_digits) {
                if overflow {
                    continue;
                }
                match fraction
                    .checked_mul(10)
                    .and_then(|f| f.checked_add(u64::from(digit - b'0')))
                    .filter(|f| *f <= 1 << 63)
                {
                    Some(next) => {
                        fraction = next;
                        scale *= 10.0;
                    }
                    None => overflow = true,
                }
            }
            rest = rest.get(fraction_digits..).unwrap_or_default();
        }
        if digits == 0 && fraction_digits == 0 {
            return Err(invalid());
        }
        let unit_length = rest
            .bytes()
            .take_while(|b| *b != b'.' && !b.is_ascii_digit())
            .count();
        if unit_length == 0 {
            return Err(format!("time: missing unit in duration {}", go_quote(text)));
        }
        let unit = rest.get(..unit_length).unwrap_or_default();
        rest = rest.get(unit_length..).unwrap_or_default();
        let nanos_per_unit: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(text)
                ))
            }
        };
        if whole > (1 << 63) / nanos_per_unit {
            return Err(invalid());
        }
        let mut value = whole * nanos_per_unit;
        if fraction > 0 {
            value += (fraction as f64 * (nanos_per_unit as f64 / scale)) as u64;
            if value > 1 << 63 {
                return Err(invalid());
            }
        }
        total = total
            .checked_add(value)
            .filter(|t| *t <= 1 << 63)
            .ok_or_else(invalid)?;
    }
    if negative {
        return Ok(0_i64.wrapping_sub_unsigned(total));
    }
    i64::try_from(total).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_and_parse_as_go_does() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_time(1_704_164_645), "2024-01-02T03:04:05Z");
        assert_eq!(format_time(ZERO_TIME_SECONDS), "0001-01-01T00:00:00Z");
        assert_eq!(
            format_micro_time(1_704_164_645, 123_456_789),
            "2024-01-02T03:04:05.123456Z"
        );
        assert_eq!(
            parse_time("2024-01-02T03:04:05Z", false),
            Ok((1_704_164_645, 0))
        );
        // An offset, and a fraction Go accepts after the seconds.
        assert_eq!(
            parse_time("2024-01-02T04:04:05.5+01:00", false),
            Ok((1_704_164_645, 500_000_000))
        );
        assert_eq!(
            parse_time("2024-01-02T03:04:05.000123Z", true),
            Ok((1_704_164_645, 123_000))
        );
        assert_eq!(
            parse_time("2024-02-29T00:00:00Z", false).map(|t| t.0),
            Ok(1_709_164_800)
        );
    }

    #[test]
    fn bad_times_get_go_s_words() {
        assert_eq!(
            parse_time("yesterday", false).unwrap_err(),
            r#"parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#
        );
        assert_eq!(
            parse_time("2024-01-02 03:04:05Z", false).unwrap_err(),
            r#"parsing time "2024-01-02 03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 03:04:05Z" as "T""#
        );
        assert_eq!(
            parse_time("2024-13-02T03:04:05Z", false).unwrap_err(),
            r#"parsing time "2024-13-02T03:04:05Z": month out of range"#
        );
        assert_eq!(
            parse_time("2023-02-29T03:04:05Z", false).unwrap_err(),
            r#"parsing time "2023-02-29T03:04:05Z": day out of range"#
        );
        assert_eq!(
            parse_time("2024-01-02T03:04:05", false).unwrap_err(),
            r#"parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#
        );
        assert_eq!(
            parse_time("2024-01-02T03:04:05Zjunk", false).unwrap_err(),
            r#"parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk""#
        );
        // MicroTime wants its six digits.
        assert_eq!(
            parse_time("2024-01-02T03:04:05Z", true).unwrap_err(),
            r#"parsing time "2024-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#
        );
        // Multi-byte characters never split, and are quoted byte by byte as Go does.
        assert_eq!(
            parse_time("2024-01-02T03:04:0é", false).unwrap_err(),
            r#"parsing time "2024-01-02T03:04:0\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "0\xc3\xa9" as "05""#
        );
        assert!(parse_time("", false).is_err());
        assert!(parse_time("é", true).is_err());
    }

    #[test]
    fn durations_round_trip_in_go_s_format() {
        for (nanos, text) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (1_500_000, "1.5ms"),
            (1_000_000_000, "1s"),
            (90_000_000_000, "1m30s"),
            (3_723_500_000_000, "1h2m3.5s"),
            (-60_000_000_000, "-1m0s"),
        ] {
            assert_eq!(format_duration(nanos), text);
            assert_eq!(parse_duration(text), Ok(nanos), "{text}");
        }
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(format_duration(i64::MIN), "-2562047h47m16.854775808s");
        assert_eq!(
            parse_duration("soon").unwrap_err(),
            r#"time: invalid duration "soon""#
        );
        assert_eq!(
            parse_duration("10").unwrap_err(),
            r#"time: missing unit in duration "10""#
        );
        assert_eq!(
            parse_duration("10y").unwrap_err(),
            r#"time: unknown unit "y" in duration "10y""#
        );
        assert_eq!(
            parse_duration("99999999999999999999h").unwrap_err(),
            r#"time: invalid duration "99999999999999999999h""#
        );
        assert!(parse_duration("").is_err() && parse_duration("-").is_err());
    }
}

//! The current time as a signal, so relative ages ("3 days ago") move while a page is open.

use leptos::prelude::*;

/// How often the ages move: the coarsest unit shown is minutes, so twice a minute is enough.
const CLOCK_TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// Unix milliseconds now, updated every [`CLOCK_TICK`] until the calling component goes away.
pub fn use_now() -> ReadSignal<i64> {
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    let interval =
        set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), CLOCK_TICK).ok();
    on_cleanup(move || {
        if let Some(handle) = interval {
            handle.clear();
        }
    });
    now
}

/// How long ago something happened `elapsed` milliseconds before now, in the page's language:
/// "5 minutes ago" (as `oc` words it) or "il y a 5 minutes". Each wording is one catalogue
/// entry, since French puts "il y a" first and has "à l'instant" for the first second.
pub fn ago_text(elapsed: i64) -> String {
    use crate::i18n::{fmt_count, t, tf};
    use imagestream_model::time::{duration_words, DurationWords};
    let (text, n): (&'static str, i64) = match duration_words(elapsed) {
        DurationWords::LessThanASecond => return t("Less than a second ago").to_owned(),
        DurationWords::AboutAMinute => return t("About a minute ago").to_owned(),
        DurationWords::AboutAnHour => return t("About an hour ago").to_owned(),
        DurationWords::Seconds(1) => return t("1 second ago").to_owned(),
        DurationWords::Seconds(n) => ("{n} seconds ago", n),
        DurationWords::Minutes(n) => ("{n} minutes ago", n),
        DurationWords::Hours(n) => ("{n} hours ago", n),
        DurationWords::Days(n) => ("{n} days ago", n),
        DurationWords::Weeks(n) => ("{n} weeks ago", n),
        DurationWords::Months(n) => ("{n} months ago", n),
        DurationWords::Years(n) => ("{n} years ago", n),
    };
    // The keys above are listed in the catalogue by hand (they are not literals in a `t(` call).
    tf(text, &[("n", &fmt_count(n.max(0) as u64))])
}

/// [`ago_text`] between an RFC 3339 `timestamp` and `now` (Unix milliseconds), or `None` if
/// the timestamp is unreadable: the console's localised `imagestream_model::time::ago`.
pub fn ago(timestamp: &str, now: i64) -> Option<String> {
    let then = imagestream_model::time::parse_rfc3339(timestamp).ok()?;
    Some(ago_text(now - then))
}

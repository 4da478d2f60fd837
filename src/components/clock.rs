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

//! A tag's history as a small inline SVG: one dot per image on a time axis ending now, the
//! current image emphasised, so digest changes are seen at a glance.

use crate::components::clock::ago;
use crate::i18n::{fmt_count, t, tf};
use imagestream_model::reference::short_digest;
use imagestream_model::tags::HistoryEvent;
use leptos::prelude::*;

/// Width of the drawing, in SVG user units (CSS pixels at 1:1).
const WIDTH: f64 = 240.0;
/// Height of the drawing.
const HEIGHT: f64 = 24.0;
/// Room kept at each end so the dots are not clipped.
const PAD: f64 = 8.0;

/// A coordinate as a whole number: pixels are enough here, and integers keep float
/// formatting out of the wasm.
fn coordinate(value: f64) -> String {
    (value.round() as i64).to_string()
}

/// Where each event sits on the axis (x in user units), oldest at the left and `now` at the
/// right end. Events without a readable time are spread by their position in the history.
fn positions(history: &[HistoryEvent], now: i64) -> Vec<f64> {
    let span = WIDTH - 2.0 * PAD;
    let times: Vec<i64> = history.iter().filter_map(|e| e.created_millis).collect();
    let oldest = times.iter().copied().min().unwrap_or(now).min(now);
    let range = (now - oldest) as f64;
    let count = history.len().max(1) as f64;
    history
        .iter()
        .enumerate()
        .map(|(index, event)| match event.created_millis {
            Some(at) if range > 0.0 => PAD + span * ((at.min(now) - oldest) as f64 / range),
            Some(_) => WIDTH - PAD,
            // Newest first: index 0 goes right, the last one left.
            None => WIDTH - PAD - span * (index as f64 / count),
        })
        .collect()
}

/// The accessible name of the drawing: how many images and how old the newest is.
pub fn history_label(tag: &str, history: &[HistoryEvent], now: i64) -> String {
    let count = history.len();
    let newest = history
        .first()
        .and_then(|event| ago(&event.created, now))
        .unwrap_or_else(|| t("at an unknown time").to_owned());
    let n = fmt_count(count as u64);
    let args = [("tag", tag), ("n", n.as_str()), ("newest", newest.as_str())];
    match count {
        0 => tf("History of {tag}: no images", &args[..1]),
        1 => tf("History of {tag}: 1 image, newest {newest}", &args),
        _ => tf("History of {tag}: {n} images, newest {newest}", &args),
    }
}

/// The history of one tag (newest first, as in `status.tags[].items`) drawn on a time axis
/// that ends at `now` (Unix milliseconds); hovering a dot names its digest and age.
#[component]
pub fn HistoryTimeline(
    /// The tag the history belongs to, used in the accessible name.
    #[prop(into)]
    tag: String,
    /// The images the tag pointed at, newest first.
    history: Vec<HistoryEvent>,
    /// The current time, in Unix milliseconds.
    #[prop(into)]
    now: Signal<i64>,
) -> impl IntoView {
    move || {
        let now = now.get();
        let label = history_label(&tag, &history, now);
        let xs = positions(&history, now);
        let middle = HEIGHT / 2.0;
        let dots = history
            .iter()
            .zip(xs)
            .enumerate()
            .rev() // the current dot last, so it is drawn on top
            .map(|(index, (event, x))| {
                let current = index == 0;
                let title = format!(
                    "{}{} – {}",
                    short_digest(&event.image),
                    if current { t(" (current)") } else { "" },
                    ago(&event.created, now).unwrap_or_else(|| event.created.clone())
                );
                // Colours come from style/main.css: inline styles would break under a strict CSP.
                view! {
                    <circle
                        cx=coordinate(x)
                        cy=coordinate(middle)
                        r=if current { "6" } else { "4" }
                        class=if current { "timeline-dot current" } else { "timeline-dot past" }
                    >
                        <title>{title}</title>
                    </circle>
                }
            })
            .collect_view();
        view! {
            <svg
                role="img"
                aria-label=label
                class="history-timeline"
                width=coordinate(WIDTH)
                height=coordinate(HEIGHT)
                viewBox=format!("0 0 {} {}", coordinate(WIDTH), coordinate(HEIGHT))
            >
                <line
                    class="timeline-axis"
                    x1=coordinate(PAD)
                    x2=coordinate(WIDTH - PAD)
                    y1=coordinate(middle)
                    y2=coordinate(middle)
                />
                <line
                    class="timeline-axis"
                    x1=coordinate(WIDTH - PAD)
                    x2=coordinate(WIDTH - PAD)
                    y1="4"
                    y2=coordinate(HEIGHT - 4.0)
                >
                    <title>{t("now")}</title>
                </line>
                {dots}
            </svg>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(created: &str, millis: Option<i64>) -> HistoryEvent {
        HistoryEvent {
            image: "sha256:0123456789abcdef".into(),
            pull_spec: String::new(),
            created: created.into(),
            created_millis: millis,
            generation: None,
        }
    }

    #[test]
    fn the_oldest_image_is_left_and_now_is_right() {
        let history = [event("", Some(50)), event("", Some(0))];
        let xs = positions(&history, 100);
        assert_eq!(xs, [PAD + (WIDTH - 2.0 * PAD) / 2.0, PAD]);
    }

    #[test]
    fn the_label_counts_images() {
        let history = [event("2023-11-14T22:13:20Z", Some(1_700_000_000_000))];
        assert_eq!(
            history_label("latest", &history, 1_700_000_600_000),
            "History of latest: 1 image, newest 10 minutes ago"
        );
    }
}

//! Whether a page's data is live: "Live", "Connecting…", "Connection lost — reconnecting in
//! N s", and "Reconnected" for a moment after a broken watch resumes. Announced politely to
//! screen readers, so a flaky connection is heard without interrupting.

use crate::i18n::{fmt_count, t, tf};
use crate::live::Connection;
use leptos::prelude::*;
use std::time::Duration;
use stylers_macro::style;

/// How long "Reconnected" stays before the indicator settles back to "Live".
const RECONNECTED_FOR: Duration = Duration::from_secs(5);

/// The words for a connection state (`reconnected`: it just came back after a break).
pub fn connection_text(state: Connection, reconnected: bool) -> String {
    match state {
        Connection::Connecting => t("Connecting…").to_owned(),
        Connection::Live if reconnected => t("Reconnected").to_owned(),
        Connection::Live => t("Live").to_owned(),
        Connection::Reconnecting { retry_in, .. } => tf(
            "Connection lost — reconnecting in {n} s",
            &[("n", &fmt_count(u64::from(retry_in)))],
        ),
        Connection::Lost => t("Not connected").to_owned(),
    }
}

/// A small status pill for a page header (or the masthead) showing `state`.
#[component]
pub fn ConnectionStatus(
    /// The connection of the data the page shows (see [`crate::live::LiveList::connection`]).
    #[prop(into)]
    state: Signal<Connection>,
) -> impl IntoView {
    let class = style! {
        .connection {
            display: inline-flex;
            align-items: center;
            gap: 0.4rem;
            font-size: 0.85rem;
            color: var(--muted);
            white-space: nowrap;
        }
        .dot {
            width: 0.55rem;
            height: 0.55rem;
            border-radius: 50%;
            background: var(--border-strong);
        }
        .connection[data-state="live"] .dot {
            background: var(--ok);
        }
        .connection[data-state="reconnecting"] .dot {
            background: var(--stale);
        }
        .connection[data-state="lost"] .dot {
            background: var(--danger-fg);
        }
    };
    let was_down = RwSignal::new(false);
    let reconnected = RwSignal::new(false);
    Effect::new(move |_| match state.get() {
        Connection::Reconnecting { .. } | Connection::Lost => {
            was_down.set(true);
            reconnected.set(false);
        }
        Connection::Live if was_down.get_untracked() => {
            was_down.set(false);
            reconnected.set(true);
            set_timeout(move || _ = reconnected.try_set(false), RECONNECTED_FOR);
        }
        _ => {}
    });
    let data_state = move || match state.get() {
        Connection::Connecting => "connecting",
        Connection::Live => "live",
        Connection::Reconnecting { .. } => "reconnecting",
        Connection::Lost => "lost",
    };
    view! { class=class,
        <span class="connection" role="status" aria-live="polite" data-state=data_state>
            <span class="dot" aria-hidden="true"></span>
            {move || connection_text(state.get(), reconnected.get())}
        </span>
    }
}

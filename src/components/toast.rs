//! Results announced after an action: a short message in an ARIA live region that outlives the
//! page it came from (a deleted stream's page is gone, but "Deleted image stream nginx" stays).
//!
//! Success and information messages go to a polite `status` region and fade after a while;
//! failures go to an `alert` region and stay until dismissed, so nobody misses one.

use crate::i18n::t;
use leptos::prelude::*;
use std::time::Duration;

/// How long a success or information message stays on screen.
const VISIBLE_FOR: Duration = Duration::from_secs(8);

/// What kind of result a message reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The action did what was asked.
    Success,
    /// Something to know that is neither success nor failure.
    Info,
    /// The action failed; the message says why.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    tone: Tone,
    text: String,
}

/// The handle pages use to announce results; `Copy`, so it can be moved into async blocks
/// (take it with [`use_toaster`] while the component is set up, not inside the future).
#[derive(Debug, Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toaster {
    fn new() -> Self {
        Toaster {
            toasts: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// Announces `text` with `tone`.
    pub fn announce(&self, tone: Tone, text: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.toasts.update(|toasts| {
            toasts.push(Toast {
                id,
                tone,
                text: text.into(),
            })
        });
        if tone != Tone::Error {
            let toasts = self.toasts;
            set_timeout(
                move || {
                    toasts
                        .try_update(|toasts| toasts.retain(|toast| toast.id != id))
                        .unwrap_or_default();
                },
                VISIBLE_FOR,
            );
        }
    }

    /// Announces a success.
    pub fn success(&self, text: impl Into<String>) {
        self.announce(Tone::Success, text);
    }

    /// Announces a failure (stays until dismissed).
    pub fn error(&self, text: impl Into<String>) {
        self.announce(Tone::Error, text);
    }

    /// Announces something worth knowing.
    pub fn info(&self, text: impl Into<String>) {
        self.announce(Tone::Info, text);
    }

    fn dismiss(&self, id: u64) {
        self.toasts
            .update(|toasts| toasts.retain(|toast| toast.id != id));
    }
}

/// Makes a [`Toaster`] available to everything below; the shell calls it once.
pub fn provide_toaster() -> Toaster {
    let toaster = Toaster::new();
    provide_context(toaster);
    toaster
}

/// The shell's [`Toaster`], or a private one (whose messages nobody sees) where no shell
/// provided it, such as a component rendered alone in a test.
pub fn use_toaster() -> Toaster {
    use_context::<Toaster>().unwrap_or_else(Toaster::new)
}

/// The two live regions where announced results appear, fixed at the bottom of the window.
#[component]
pub fn Toasts() -> impl IntoView {
    let toaster = use_toaster();
    let region = move |errors: bool| {
        move || {
            toaster
                .toasts
                .get()
                .into_iter()
                .filter(|toast| (toast.tone == Tone::Error) == errors)
                .map(|toast| {
                    let id = toast.id;
                    let class = match toast.tone {
                        Tone::Success => "toast success",
                        Tone::Info => "toast info",
                        Tone::Error => "toast failure",
                    };
                    view! {
                        <div class=class>
                            <span>{toast.text}</span>
                            <button
                                type="button"
                                class="dismiss"
                                aria-label=t("Dismiss")
                                on:click=move |_| toaster.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite">{region(false)}</div>
            <div role="alert" aria-live="assertive">{region(true)}</div>
        </div>
    }
}

//! A button that copies a text (a pull spec, a command) to the clipboard and says so in a
//! live region, for people who cannot see the button change.

use crate::i18n::{t, tf};
use leptos::prelude::*;
use stylers_macro::style;
use wasm_bindgen::{JsCast, JsValue};

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`) and calls `done` with
/// whether it worked. Returns false at once when the browser has no clipboard API.
fn write_clipboard(text: &str, done: impl FnOnce(bool) + 'static) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // Insecure origins have no `navigator.clipboard`; the getter then yields undefined.
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|value| !value.is_undefined())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    let promise = navigator.clipboard().write_text(text);
    let done = std::rc::Rc::new(std::cell::Cell::new(Some(done)));
    let on_ok = {
        let done = done.clone();
        wasm_bindgen::closure::Closure::once_into_js(move |_: JsValue| {
            if let Some(done) = done.take() {
                done(true);
            }
        })
    };
    let on_err = wasm_bindgen::closure::Closure::once_into_js(move |_: JsValue| {
        if let Some(done) = done.take() {
            done(false);
        }
    });
    let then = js_sys::Reflect::get(&promise, &JsValue::from_str("then"))
        .ok()
        .and_then(|then| then.dyn_into::<js_sys::Function>().ok());
    match then {
        Some(then) => then.call2(&promise, &on_ok, &on_err).is_ok(),
        None => false,
    }
}

/// "Copy <what>": copies `text` and announces "Copied" (or why not) in an `aria-live` region
/// next to the button.
#[component]
pub fn CopyButton(
    /// What is copied, for the button's name: "Copy internal repository".
    #[prop(into)]
    what: String,
    /// The text put on the clipboard.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    let class = style! {
        .copy {
            font: inherit;
            font-size: 0.8rem;
            white-space: nowrap;
            background: transparent;
            color: var(--accent);
            border: 1px solid var(--border-strong);
            border-radius: 3px;
            padding: 0.1rem 0.5rem;
            cursor: pointer;
        }
        .copy:hover {
            border-color: var(--accent);
        }
        .copy-status {
            flex: none;
            white-space: nowrap;
            font-size: 0.8rem;
            color: var(--muted);
        }
    };
    let (message, set_message) = signal(String::new());
    let copy = move |_| {
        set_message.set(String::new());
        let started = write_clipboard(&text, move |ok| {
            set_message.set(if ok { t("Copied") } else { t("Copy failed") }.to_owned());
        });
        if !started {
            set_message.set(t("Copying needs a secure (HTTPS) page").to_owned());
        }
    };
    view! { class=class,
        <button type="button" class="copy" on:click=copy>
            {tf("Copy {what}", &[("what", &what)])}
        </button>
        <span class="copy-status" role="status" aria-live="polite">
            {message}
        </span>
    }
}

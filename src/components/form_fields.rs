//! The inputs the import page and the Add tag dialog share: a labelled text field with its help
//! and error, a choice of two values, a checkbox row, and where a field's error comes from.
//!
//! Each is one function, so every use shares one instantiation of its view (each distinct view
//! shape costs kilobytes of wasm). Errors are tied to their input with `aria-invalid` and
//! `aria-describedby`; the markup uses the `.form .field` rules of style/main.css.

use crate::api::access::forbidden_explanation;
use crate::api::ApiError;
use crate::forms::FieldErrors;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A labelled text input: what [`text_field`] shows.
pub struct TextField {
    /// The input's id (the error is `{id}-error`, the help `{id}-help`).
    pub id: &'static str,
    /// The label, as `oc` names the flag.
    pub label: &'static str,
    /// The help under the input.
    pub help: Signal<&'static str>,
    /// The value, bound both ways.
    pub value: RwSignal<String>,
    /// Shown while the input is empty (e.g. the default oc would use).
    pub placeholder: Signal<String>,
    /// The message to show under the input, if any.
    pub error: Signal<Option<String>>,
    /// Whether the input is disabled (it keeps its value).
    pub disabled: Signal<bool>,
    /// The id of a `<datalist>` of suggestions.
    pub list: Option<&'static str>,
}

/// A label, its text input, the help, and the error under it.
pub fn text_field(field: TextField) -> impl IntoView {
    let TextField {
        id,
        label,
        help,
        value,
        placeholder,
        error,
        disabled,
        list,
    } = field;
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            if error.with(Option::is_some) {
                format!("{help_id} {error_id}")
            } else {
                help_id.clone()
            }
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                type="text"
                id=id
                list=list
                autocomplete="off"
                spellcheck="false"
                bind:value=value
                placeholder=move || placeholder.get()
                disabled=move || disabled.get()
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described
            />
            <p class="help" id=help_id>{move || help.get()}</p>
            <p class="field-error" id=error_id hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A labelled `<select>` of two `(value, text)` options; `second` is true when the second is
/// chosen (`--reference-policy=local`, `--import-mode=PreserveOriginal`, `--source=docker`).
pub fn choice(
    id: &'static str,
    label: &'static str,
    options: [(&'static str, &'static str); 2],
    second: RwSignal<bool>,
) -> impl IntoView {
    let [(first_value, first_text), (second_value, second_text)] = options;
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                prop:value=move || if second.get() { second_value } else { first_value }
                on:change=move |ev| second.set(event_target_value(&ev) == second_value)
            >
                <option value=first_value>{first_text}</option>
                <option value=second_value>{second_text}</option>
            </select>
        </div>
    }
}

/// A checkbox row with its label; left out of the page's layout while `hidden` is true (it
/// keeps its value).
pub fn check_box(
    label: &'static str,
    value: RwSignal<bool>,
    hidden: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="check" hidden=move || hidden.get()>
            <input type="checkbox" bind:checked=value />
            {label}
        </label>
    }
}

/// The message for the field at `paths`: the model's checks once the form was submitted (then
/// as the fields change), and the server's 422 causes from the last try.
pub fn field_error(
    attempted: RwSignal<bool>,
    model: Memo<FieldErrors>,
    server: RwSignal<FieldErrors>,
    paths: &'static [&'static str],
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let mut messages = Vec::new();
        for path in paths {
            if attempted.get() {
                messages.extend(model.with(|errors| errors.for_field(path)));
            }
            messages.extend(server.with(|errors| errors.for_field(path)));
        }
        (!messages.is_empty()).then(|| messages.join(" "))
    })
}

/// A failed call in words: the missing permission for a 403, else the server's reason and
/// message.
pub fn error_text(err: &ApiError) -> String {
    forbidden_explanation(err).unwrap_or_else(|| err.to_string())
}

/// Moves focus to the element with `id` (the first field to fix).
pub fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

//! Log in with a bearer token (`oc whoami -t`): the token is checked against `users/~` before
//! it is kept, and a failure says why without losing what was typed.

use crate::api::{session, Client, Config};
use crate::auth::Auth;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use stylers_macro::style;

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let class = style! {
        form {
            display: grid;
            gap: 0.75rem;
            max-width: 32rem;
        }
        input[type="password"] {
            font: inherit;
            padding: 0.5rem;
            border: 1px solid var(--border-strong);
            border-radius: 3px;
            background: var(--bg);
            color: var(--fg);
        }
        button {
            justify-self: start;
            font: inherit;
            padding: 0.45rem 1.2rem;
            border: 0;
            border-radius: 3px;
            background: var(--accent-strong);
            color: #fff;
            cursor: pointer;
        }
        button:disabled {
            opacity: 0.6;
            cursor: progress;
        }
        .hint {
            color: var(--muted);
            font-size: 0.9rem;
            margin: 0;
        }
    };
    let config = expect_context::<Config>();
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let token = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let server = if config.api_server.is_empty() {
        "this site".to_owned()
    } else {
        config.api_server.clone()
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = token.get_untracked().trim().to_owned();
        if typed.is_empty() {
            error.set(Some(
                "Paste a token first: run `oc whoami -t` and copy what it prints.".into(),
            ));
            return;
        }
        busy.set(true);
        error.set(None);
        let client = Client::new(&config, Some(typed.clone()));
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match client.who_am_i().await {
                Ok(user) => {
                    auth.logged_in(client, user, &typed, remember.get_untracked());
                    let next = session::take_return_path().unwrap_or_else(|| "/".into());
                    navigate(&next, Default::default());
                }
                Err(err) if err.is_unauthorized() => {
                    error.set(Some("The cluster did not accept this token (401 Unauthorized). It may have expired: run `oc whoami -t` again.".into()));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
            busy.set(false);
        });
    };
    view! { class=class,
        <h1>"Log in"</h1>
        <p class="subtitle">"API server: " <strong>{server}</strong></p>
        <form on:submit=submit>
            <label for="token">"Token"</label>
            <input
                id="token"
                type="password"
                autocomplete="off"
                prop:value=token
                on:input=move |event| token.set(event_target_value(&event))
            />
            <p class="hint">"Run " <code>"oc whoami -t"</code> " and paste what it prints. The token stays in this browser tab."</p>
            <label>
                <input
                    type="checkbox"
                    prop:checked=remember
                    on:change=move |event| remember.set(event_target_checked(&event))
                />
                " Remember me on this browser"
            </label>
            <button type="submit" disabled=busy>
                {move || if busy.get() { "Logging in…" } else { "Log in" }}
            </button>
            {move || error.get().map(|message| view! { <div role="alert" class="error">{message}</div> })}
        </form>
    }
}

//! Log in with a bearer token (`oc whoami -t`) or with OpenShift's OAuth server ("Log in with
//! OpenShift", implicit flow: the token comes back in the URL fragment, which is cleared at
//! once). Either way the token is checked against `users/~` before it is kept, and a failure
//! says why without losing what was typed.
//!
//! Or explore a demo cluster: devcluster's demo running inside the page (a Web Worker, loaded
//! only then), logged in as its user `developer`. The choice is kept for the tab, so a reload
//! stays in the demo (with a fresh cluster); logging out leaves it.

use crate::api::{session, ApiError, Client, Config};
use crate::auth::Auth;
use crate::i18n::{t, tf};
use imagestream_model::url::{decode_component, encode_component};
use imagestream_model::User;
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
        input[type="password"],
        input[type="url"] {
            box-sizing: border-box;
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
        .or {
            color: var(--muted);
            margin: 1rem 0 0.5rem;
        }
        button.secondary {
            background: transparent;
            color: var(--accent);
            border: 1px solid var(--accent);
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
        t("this site").to_owned()
    } else {
        config.api_server.clone()
    };
    // A build with no server of its own (the static demo, `"demo": true`) asks which cluster
    // to log in to; the cluster must allow this page's origin (CORS).
    let choose_server = config.demo;
    let api_server = RwSignal::new(config.api_server.clone());
    let with_chosen_server = move |config: &Config| -> Result<Config, String> {
        let mut config = config.clone();
        if choose_server {
            let typed = api_server
                .get_untracked()
                .trim()
                .trim_end_matches('/')
                .to_owned();
            if !(typed.starts_with("https://") || typed.starts_with("http://")) {
                return Err(t("Enter the API server's URL, such as https://api.cluster.example.com:6443 (oc whoami --show-server).").into());
            }
            config.api_server = typed;
        }
        Ok(config)
    };
    // Back from the OAuth server: take the token out of the address first thing.
    if let Some(answer) = oauth_answer() {
        busy.set(true);
        let client = Client::new(&config, Some(answer.token.clone()));
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match finish_oauth(&client, &answer).await {
                Ok(user) => {
                    auth.logged_in(client, user, &answer.token, false);
                    let next = session::take_return_path().unwrap_or_else(|| "/".into());
                    navigate(&next, Default::default());
                }
                Err(message) => error.set(Some(message)),
            }
            busy.set(false);
        });
    }
    let demo_error = RwSignal::new(None::<String>);
    let demo_config = config.clone();
    let demo_navigate = navigate.clone();
    let explore_demo = move |_| {
        busy.set(true);
        demo_error.set(None);
        let client = Client::in_browser(&demo_config);
        let navigate = demo_navigate.clone();
        leptos::task::spawn_local(async move {
            match client.who_am_i().await {
                Ok(user) => {
                    session::remember_demo();
                    auth.client.set(client);
                    auth.user.set(Some(user));
                    auth.checked.set(true);
                    let next = session::take_return_path().unwrap_or_else(|| DEMO_START.into());
                    navigate(&next, Default::default());
                }
                Err(err) => demo_error.set(Some(err.to_string())),
            }
            busy.set(false);
        });
    };
    let oauth_config = config.clone();
    let log_in_with_openshift = move |_| {
        busy.set(true);
        error.set(None);
        let oauth_config = match with_chosen_server(&oauth_config) {
            Ok(config) => config,
            Err(message) => {
                error.set(Some(message));
                busy.set(false);
                return;
            }
        };
        if choose_server {
            session::store_api_server(&oauth_config.api_server, false);
        }
        let client = Client::new(&oauth_config, None);
        leptos::task::spawn_local(async move {
            if let Err(message) = start_oauth(&client).await {
                error.set(Some(message));
                busy.set(false);
            }
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = token.get_untracked().trim().to_owned();
        if typed.is_empty() {
            error.set(Some(
                t("Paste a token first: run `oc whoami -t` and copy what it prints.").into(),
            ));
            return;
        }
        let config = match with_chosen_server(&config) {
            Ok(config) => config,
            Err(message) => return error.set(Some(message)),
        };
        busy.set(true);
        error.set(None);
        let client = Client::new(&config, Some(typed.clone()));
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match client.who_am_i().await {
                Ok(user) => {
                    if choose_server {
                        session::store_api_server(&config.api_server, remember.get_untracked());
                    }
                    auth.logged_in(client, user, &typed, remember.get_untracked());
                    let next = session::take_return_path().unwrap_or_else(|| "/".into());
                    navigate(&next, Default::default());
                }
                Err(err) if err.is_unauthorized() => {
                    error.set(Some(t("The cluster did not accept this token (401 Unauthorized). It may have expired: run `oc whoami -t` again.").into()));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
            busy.set(false);
        });
    };
    // The hint names a command inside the sentence; French puts it elsewhere than English.
    let hint = t("Run {command} and paste what it prints. The token stays in this browser tab.");
    let (hint_before, hint_after) = hint.split_once("{command}").unwrap_or((hint, ""));
    view! { class=class,
        <h1>{t("Log in")}</h1>
        {(!choose_server).then(|| view! { class=class,
            <p class="subtitle">{t("API server:")}" " <strong>{server}</strong></p>
        })}
        <form on:submit=submit>
            {choose_server.then(|| view! { class=class,
                <label for="api-server">{t("API server")}</label>
                <input
                    id="api-server"
                    type="url"
                    autocomplete="url"
                    placeholder="https://api.cluster.example.com:6443"
                    prop:value=api_server
                    on:input=move |event| api_server.set(event_target_value(&event))
                />
                <p class="hint">{t("The cluster must allow requests from this page's address (CORS).")}</p>
            })}
            <label for="token">{t("Token")}</label>
            <input
                id="token"
                type="password"
                autocomplete="off"
                prop:value=token
                on:input=move |event| token.set(event_target_value(&event))
            />
            <p class="hint">{hint_before}<code>"oc whoami -t"</code>{hint_after}</p>
            <label>
                <input
                    type="checkbox"
                    prop:checked=remember
                    on:change=move |event| remember.set(event_target_checked(&event))
                />
                " "{t("Remember me on this browser")}
            </label>
            <button type="submit" disabled=busy>
                {move || if busy.get() { t("Logging in…") } else { t("Log in") }}
            </button>
            {move || error.get().map(|message| view! { <div role="alert" class="error">{message}</div> })}
        </form>
        <p class="or">{t("or")}</p>
        <button type="button" class="secondary" disabled=busy on:click=log_in_with_openshift>
            {t("Log in with OpenShift")}
        </button>
        <p class="or">{t("or")}</p>
        <button type="button" class="secondary" disabled=busy on:click=explore_demo>
            {t("Explore a demo cluster")}
        </button>
        <p class="hint">{t("Runs a small cluster inside this page: nothing leaves your browser, and reloading starts it afresh.")}</p>
        {move || demo_error.get().map(|message| view! { <div role="alert" class="error">{message}</div> })}
    }
}

/// Where the demo opens: the image streams of its project `demo`.
const DEMO_START: &str = "/k8s/ns/demo/imagestreams";

/// The token and state the OAuth server put in the address fragment.
struct OAuthAnswer {
    token: String,
    state: String,
}

/// Reads `#access_token=…&state=…` and removes it from the address bar and history at once,
/// so the token is never left in a URL.
fn oauth_answer() -> Option<OAuthAnswer> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let fields: std::collections::BTreeMap<String, String> = hash
        .trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode_component(k), decode_component(v)))
        .collect();
    let token = fields.get("access_token")?.clone();
    clear_fragment(&window);
    Some(OAuthAnswer {
        token,
        state: fields.get("state").cloned().unwrap_or_default(),
    })
}

/// `history.replaceState(null, "", path + search)`: the same page without its fragment.
fn clear_fragment(window: &web_sys::Window) {
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let Ok(history) = js_sys::Reflect::get(window, &"history".into()) else {
        return;
    };
    let Ok(replace) = js_sys::Reflect::get(&history, &"replaceState".into()) else {
        return;
    };
    if let Some(replace) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&replace) {
        let _ = replace.call3(
            &history,
            &wasm_bindgen::JsValue::NULL,
            &"".into(),
            &url.into(),
        );
    }
}

async fn finish_oauth(client: &Client, answer: &OAuthAnswer) -> Result<User, String> {
    let expected = session::take_oauth_state();
    if expected.as_deref() != Some(answer.state.as_str()) {
        return Err(t("The log-in answer does not match a log-in started in this tab (state mismatch), so it was ignored. Try again.").into());
    }
    client.who_am_i().await.map_err(|err: ApiError| {
        tf(
            "The cluster did not accept the token it issued: {error}",
            &[("error", &err.to_string())],
        )
    })
}

/// Sends the browser to the cluster's OAuth server (implicit flow).
async fn start_oauth(client: &Client) -> Result<(), String> {
    let metadata = client.oauth_metadata().await.map_err(|err| {
        tf(
            "This cluster does not offer OAuth log-in: {error}",
            &[("error", &err.to_string())],
        )
    })?;
    let window = web_sys::window().ok_or_else(|| t("no browser window"))?;
    let origin = window
        .location()
        .origin()
        .map_err(|_| t("cannot read this page's address"))?;
    let state: String = (0..4)
        .map(|_| {
            format!(
                "{:08x}",
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            )
        })
        .collect();
    session::remember_oauth_state(&state);
    let target = format!(
        "{}?client_id={}&response_type=token&redirect_uri={}&scope=user%3Afull&state={}",
        metadata.authorization_endpoint,
        encode_component(crate::OAUTH_CLIENT_ID),
        encode_component(&format!("{origin}{}", crate::paths::href("/login"))),
        encode_component(&state),
    );
    window
        .location()
        .assign(&target)
        .map_err(|_| t("the browser refused to open the log-in page").to_owned())
}

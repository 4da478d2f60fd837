//! Where the bearer token lives: `sessionStorage` by default (gone when the tab closes),
//! `localStorage` when the person asked to be remembered. Never in the URL, never logged.

const TOKEN_KEY: &str = "imagestream-console.token";
const RETURN_KEY: &str = "imagestream-console.return-to";
const PROJECT_KEY_PREFIX: &str = "imagestream-console.project.";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored token, from this tab first, then from "remember me".
pub fn stored_token() -> Option<String> {
    [session_storage(), local_storage()]
        .into_iter()
        .flatten()
        .find_map(|storage| storage.get_item(TOKEN_KEY).ok().flatten())
        .filter(|token| !token.is_empty())
}

/// Keeps the token for this tab, or across visits when `remember` is set.
pub fn store_token(token: &str, remember: bool) {
    forget_token();
    let storage = if remember {
        local_storage()
    } else {
        session_storage()
    };
    if let Some(storage) = storage {
        let _ = storage.set_item(TOKEN_KEY, token);
    }
}

/// Drops the token everywhere (log out, or the server said 401), and leaves the demo cluster.
pub fn forget_token() {
    for storage in [session_storage(), local_storage()].into_iter().flatten() {
        let _ = storage.remove_item(TOKEN_KEY);
    }
    forget_demo();
}

const SERVER_KEY: &str = "imagestream-console.api-server";

/// The API server chosen on the log-in page (a build with no server of its own), if any:
/// from this tab first, then from "remember me".
pub fn stored_api_server() -> Option<String> {
    [session_storage(), local_storage()]
        .into_iter()
        .flatten()
        .find_map(|storage| storage.get_item(SERVER_KEY).ok().flatten())
        .filter(|server| !server.is_empty())
}

/// Keeps the API server chosen on the log-in page, beside the token ([`store_token`]).
pub fn store_api_server(server: &str, remember: bool) {
    for storage in [session_storage(), local_storage()].into_iter().flatten() {
        let _ = storage.remove_item(SERVER_KEY);
    }
    let storage = if remember {
        local_storage()
    } else {
        session_storage()
    };
    if let Some(storage) = storage {
        let _ = storage.set_item(SERVER_KEY, server);
    }
}

/// Remembers the page to come back to after logging in.
pub fn remember_return_path(path: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(RETURN_KEY, path);
    }
}

/// The page to return to after logging in (only same-site paths), then forgets it.
pub fn take_return_path() -> Option<String> {
    let storage = session_storage()?;
    let path = storage.get_item(RETURN_KEY).ok().flatten()?;
    let _ = storage.remove_item(RETURN_KEY);
    (path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/login"))
        .then_some(path)
}

/// The project last opened on this cluster.
pub fn remembered_project(api_server: &str) -> Option<String> {
    local_storage()?
        .get_item(&format!("{PROJECT_KEY_PREFIX}{api_server}"))
        .ok()
        .flatten()
}

/// Remembers the project opened on this cluster.
pub fn remember_project(api_server: &str, project: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(&format!("{PROJECT_KEY_PREFIX}{api_server}"), project);
    }
}

const OAUTH_STATE_KEY: &str = "imagestream-console.oauth-state";

/// Remembers the `state` sent to the OAuth server, to check the answer against.
pub fn remember_oauth_state(state: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(OAUTH_STATE_KEY, state);
    }
}

/// The `state` of the log-in in progress, forgotten as it is read (each answer counts once).
pub fn take_oauth_state() -> Option<String> {
    let storage = session_storage()?;
    let state = storage.get_item(OAUTH_STATE_KEY).ok().flatten()?;
    let _ = storage.remove_item(OAUTH_STATE_KEY);
    Some(state)
}

const DEMO_KEY: &str = "imagestream-console.demo";

/// Remembers for this tab that the person is exploring the in-browser demo cluster, so a
/// reload stays in it (with a fresh cluster: its state lives only in the page).
pub fn remember_demo() {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(DEMO_KEY, "1");
    }
}

/// Whether this tab is exploring the in-browser demo cluster.
pub fn in_demo() -> bool {
    session_storage()
        .and_then(|storage| storage.get_item(DEMO_KEY).ok().flatten())
        .is_some_and(|value| value != DEMO_LEFT)
}

/// Leaves the demo cluster (log-out does, through [`forget_token`]).
pub fn forget_demo() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(DEMO_KEY);
    }
}

/// Value of [`DEMO_KEY`] once the person chose "Connect to a cluster" in a build that starts
/// in the demo (`config.json` `"demo": true`): this tab no longer starts there.
const DEMO_LEFT: &str = "left";

/// In a build that starts in the demo: the person left it for a real cluster, so a reload
/// shows the log-in page rather than the demo again (until the tab closes or they log out).
pub fn leave_demo() {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(DEMO_KEY, DEMO_LEFT);
    }
}

/// Whether this tab left the demo with [`leave_demo`].
pub fn left_demo() -> bool {
    session_storage()
        .and_then(|storage| storage.get_item(DEMO_KEY).ok().flatten())
        .is_some_and(|value| value == DEMO_LEFT)
}

const DEMO_STATE_KEY: &str = "imagestream-console.demo-state";

/// The static demo's cluster as it was left (the demo worker's state document), kept in
/// `localStorage` so a reload, or a visit the next day, continues where it was.
pub fn demo_state() -> Option<String> {
    local_storage()?.get_item(DEMO_STATE_KEY).ok().flatten()
}

/// Keeps the demo cluster's state (sent by its worker after every change). Storage that is
/// full or refused only means the next reload starts from the seed.
pub fn keep_demo_state(state: &str) {
    if let Some(storage) = local_storage() {
        if storage.set_item(DEMO_STATE_KEY, state).is_err() {
            leptos::logging::warn!("the demo cluster's state could not be kept in localStorage");
        }
    }
}

/// Forgets the demo cluster's state ("Reset demo"): the next start is the seed.
pub fn forget_demo_state() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(DEMO_STATE_KEY);
    }
}

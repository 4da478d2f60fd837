//! Who is using the console: the client with its token, the user the cluster says it is
//! (`users/~`), and what happens when the cluster stops accepting the token.

use crate::api::{session, Client};
use imagestream_model::User;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// The session every page reads from context.
#[derive(Clone, Copy)]
pub struct Auth {
    /// The client requests go through (server URL and token).
    pub client: RwSignal<Client>,
    /// The logged-in user, once the cluster has said who it is.
    pub user: RwSignal<Option<User>>,
    /// Whether the first `users/~` check has finished.
    pub checked: RwSignal<bool>,
}

impl Auth {
    /// Starts a session from the stored token (if any) and asks the cluster who that is.
    pub fn start(client: Client) -> Self {
        let auth = Self {
            client: RwSignal::new(client),
            user: RwSignal::new(None),
            checked: RwSignal::new(false),
        };
        leptos::task::spawn_local(async move {
            let client = auth.client.get_untracked();
            // Same-origin proxies (`oc proxy`) answer without a token; a 401 means log in.
            let user = client.who_am_i().await.ok();
            auth.user.set(user);
            auth.checked.set(true);
        });
        auth
    }

    /// The cluster rejected the token (401): forget it; the guard sends the person to log in
    /// and back to where they were.
    pub fn expired(&self) {
        session::forget_token();
        self.client
            .update(|client| *client = client.without_token());
        self.user.set(None);
        // The answer is known: no need to wait for the `users/~` check to send them to log in.
        self.checked.set(true);
    }

    /// Logs in with a token the cluster accepted.
    pub fn logged_in(&self, client: Client, user: User, token: &str, remember: bool) {
        session::store_token(token, remember);
        self.client.set(client);
        self.user.set(Some(user));
        self.checked.set(true);
    }
}

/// Shows its children to a logged-in person; anyone else goes to the log-in page, which
/// brings them back here afterwards.
///
/// The page is shown while the cluster is still asked who the user is (`users/~`), so its
/// own requests start at once instead of one round trip later; if the cluster turns the
/// session down (that check, or any request of the page answered 401), the person is sent to
/// log in. The page is built once: learning the user's name does not rebuild it.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let location = use_location();
    let denied = Memo::new(move |_| auth.checked.get() && auth.user.with(Option::is_none));
    move || {
        if denied.get() {
            let here = format!(
                "{}{}",
                crate::paths::strip_base(&location.pathname.get_untracked()),
                location.search.get_untracked()
            );
            session::remember_return_path(&here);
            return view! { <Redirect path="/login" /> }.into_any();
        }
        children().into_any()
    }
}

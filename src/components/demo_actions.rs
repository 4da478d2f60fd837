//! The masthead's actions while the console runs the in-browser demo cluster: "Connect to a
//! cluster" (the log-in page, for a real API server) and "Reset demo" (after a confirmation,
//! the page starts again at the console's start with the demo cluster's seed, forgetting what
//! was kept across reloads).

use crate::api::{self, session};
use crate::auth::Auth;
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use stylers_macro::style;

/// In the demo cluster only: the images its in-memory registries hold, under a disclosure, for
/// the forms that look images up (Import image). Nothing at all for a real cluster.
#[component]
pub fn DemoCatalog() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let images = LocalResource::new(move || {
        let client = auth.client.get();
        async move { client.demo_catalog().await }
    });
    move || {
        images.get().flatten().map(|images| {
            view! {
                <details class="hint demo-catalog">
                    <summary>{t("Images in the demo cluster's registries")}</summary>
                    <ul>
                        {images
                            .into_iter()
                            .map(|image| view! { <li><code>{image}</code></li> })
                            .collect_view()}
                    </ul>
                </details>
            }
        })
    }
}

/// "Connect to a cluster" and "Reset demo", for the masthead while in the demo.
#[component]
pub fn DemoActions() -> impl IntoView {
    let class = style! {
        .demo-actions {
            display: inline-flex;
            gap: 0.5rem;
        }
        .demo-actions button {
            font: inherit;
            font-size: 0.85rem;
            background: transparent;
            color: inherit;
            border: 1px solid currentColor;
            border-radius: 3px;
            padding: 0.1rem 0.6rem;
            cursor: pointer;
        }
        .confirm-actions {
            display: flex;
            gap: 0.75rem;
            justify-content: flex-end;
            margin-top: 1.25rem;
        }
        .confirm-actions button {
            font: inherit;
            padding: 0.35rem 0.9rem;
            border-radius: 3px;
            cursor: pointer;
            border: 1px solid var(--border-strong);
            background: var(--bg);
            color: var(--fg);
        }
        .confirm-actions button.danger {
            background: var(--danger);
            border-color: var(--danger);
            color: var(--on-danger);
        }
    };
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let connect = move |_| {
        // Leave the demo for this tab; the log-in page asks for a server and a token.
        session::forget_demo();
        session::leave_demo();
        navigate("/login", Default::default());
        // Last: switching the client removes these buttons (and this handler's owner).
        auth.user.set(None);
        auth.client
            .update(|client| *client = client.without_token());
    };
    let dialog = NodeRef::<html::Dialog>::new();
    let open = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };
    let cancel = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let reset = move |_| {
        api::reset_demo();
        // A fresh page at the console's start (not a reload of this address: a static host
        // without a 404.html fallback has no file for it).
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(&crate::paths::href("/"));
        }
    };
    view! { class=class,
        <span class="demo-actions">
            <button type="button" on:click=connect>{t("Connect to a cluster")}</button>
            <button type="button" on:click=open>{t("Reset demo")}</button>
        </span>
        <dialog
            class="modal"
            node_ref=dialog
            aria-labelledby="reset-demo-heading"
            aria-describedby="reset-demo-text"
            on:keydown=move |ev| {
                if let Some(dialog) = dialog.get_untracked() {
                    crate::components::focus_trap::wrap_tab(&dialog, &ev);
                }
            }
        >
            <h2 id="reset-demo-heading">{t("Reset the demo cluster?")}</h2>
            <p id="reset-demo-text">
                {t("Everything created, imported or deleted in the demo is undone: its projects return to how they started.")}
            </p>
            <div class="confirm-actions">
                <button type="button" on:click=cancel>{t("Cancel")}</button>
                <button type="button" class="danger" on:click=reset>{t("Reset demo")}</button>
            </div>
        </dialog>
    }
}

//! The shell: loads the run-time configuration, then routes to the screens.

use crate::api::{self, Config};
use crate::pages::imagestreams::ImageStreamsPage;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

/// The whole console. Routes mirror the OpenShift console's (`/k8s/ns/:ns/imagestreams`) so a
/// link copied from one reads naturally in the other.
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(api::load_config);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading configuration…"</p> }>
            {move || {
                config
                    .get()
                    .map(|loaded| {
                        let config = loaded.unwrap_or_else(|err| {
                            leptos::logging::warn!("{err}; using same-origin defaults");
                            Config::default()
                        });
                        view! { <Shell config /> }
                    })
            }}
        </Suspense>
    }
}

/// Header and routed content, once the configuration is known.
#[component]
fn Shell(config: Config) -> impl IntoView {
    let start = format!("/k8s/ns/{}/imagestreams", config.default_namespace);
    provide_context(config);
    view! {
        <header class="masthead">
            <span class="brand">"imagestream-console"</span>
        </header>
        <main>
            <Router>
                <Routes fallback=|| view! { <p>"This page does not exist."</p> }>
                    <Route path=path!("/") view=move || view! { <Redirect path=start.clone() /> } />
                    <Route path=path!("/k8s/ns/:ns/imagestreams") view=ImageStreamsPage />
                </Routes>
            </Router>
        </main>
    }
}

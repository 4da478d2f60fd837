//! The shell: loads the run-time configuration, starts the session, then routes to the screens.

use crate::api::{self, session, Client, Config};
use crate::auth::{Auth, RequireLogin};
use crate::components::masthead::Masthead;
use crate::components::toast::{provide_toaster, Toasts};
use crate::pages::deployment::DeploymentPage;
use crate::pages::deployments::DeploymentsPage;
use crate::pages::imagestream::ImageStreamPage;
use crate::pages::imagestreams::ImageStreamsPage;
use crate::pages::imagestreamtag::ImageStreamTagPage;
use crate::pages::import_image::ImportImagePage;
use crate::pages::login::LoginPage;
use crate::pages::new_app::NewAppPage;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

/// The whole console. Routes mirror the OpenShift console's (`/k8s/ns/:ns/imagestreams`,
/// `/k8s/ns/:ns/imagestreamtags/STREAM:TAG`, `/k8s/ns/:ns/deployments/NAME`) so a link copied
/// from one reads naturally in the other.
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

/// Masthead and routed content, once the configuration is known.
#[component]
fn Shell(config: Config) -> impl IntoView {
    let auth = Auth::start(if session::in_demo() {
        Client::in_browser(&config)
    } else {
        Client::new(&config, session::stored_token())
    });
    let start_project = session::remembered_project(&config.api_server)
        .unwrap_or_else(|| config.default_namespace.clone());
    let start = format!("/k8s/ns/{start_project}/imagestreams");
    provide_context(config);
    provide_context(auth);
    provide_toaster();
    view! {
        <Router>
            <Masthead />
            <Toasts />
            <main>
                <Routes fallback=|| view! { <p>"This page does not exist."</p> }>
                    <Route path=path!("/") view=move || view! { <Redirect path=start.clone() /> } />
                    <Route path=path!("/login") view=LoginPage />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreams")
                        view=|| view! { <RequireLogin><ImageStreamsPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreams/:name")
                        view=|| view! { <RequireLogin><ImageStreamPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreamtags/:name")
                        view=|| view! { <RequireLogin><ImageStreamTagPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/deployments")
                        view=|| view! { <RequireLogin><DeploymentsPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/deployments/:name")
                        view=|| view! { <RequireLogin><DeploymentPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/deploy-image/ns/:ns")
                        view=|| view! { <RequireLogin><NewAppPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/import-image/ns/:ns")
                        view=|| view! { <RequireLogin><ImportImagePage /></RequireLogin> }
                    />
                </Routes>
            </main>
        </Router>
    }
}

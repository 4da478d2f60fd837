//! The shell: loads the run-time configuration, starts the session, then routes to the screens.

use crate::api::{self, session, Client, Config};
use crate::auth::{Auth, RequireLogin};
use crate::components::lazy_page::LazyPage;
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
use wasm_split_helpers::{wasm_split, SplitLoaderError};

/// The whole console. Routes mirror the OpenShift console's (`/k8s/ns/:ns/imagestreams`,
/// `/k8s/ns/:ns/imagestreamtags/STREAM:TAG`, `/k8s/ns/:ns/deployments/NAME`) so a link copied
/// from one reads naturally in the other.
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(api::load_config);
    view! {
        <Suspense fallback=|| view! { <p class="loading">{crate::i18n::t("Loading configuration…")}</p> }>
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
    let mut config = config;
    // A server chosen on the log-in page (a static demo build connecting to a real cluster).
    if let Some(server) = session::stored_api_server() {
        config.api_server = server;
    }
    // A build with no server (`"demo": true`) starts in the demo cluster, unless this tab has
    // a token for a real one or left the demo for one.
    let start_in_demo = config.demo && session::stored_token().is_none() && !session::left_demo();
    let auth = Auth::start(if session::in_demo() || start_in_demo {
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
        <Router base=crate::paths::base()>
            <Masthead />
            <Toasts />
            <main>
                <Routes fallback=|| view! { <p>{crate::i18n::t("This page does not exist.")}</p> }>
                    <Route path=path!("/") view=move || view! { <Redirect path=start.clone() /> } />
                    <Route path=path!("/login") view=|| view! { <LazyPage load=|| Box::pin(login_page()) /> } />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreams")
                        view=|| view! { <RequireLogin><ImageStreamsPage /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreams/:name")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(imagestream_page()) /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/imagestreamtags/:name")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(imagestreamtag_page()) /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/deployments")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(deployments_page()) /></RequireLogin> }
                    />
                    <Route
                        path=path!("/k8s/ns/:ns/deployments/:name")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(deployment_page()) /></RequireLogin> }
                    />
                    <Route
                        path=path!("/deploy-image/ns/:ns")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(new_app_page()) /></RequireLogin> }
                    />
                    <Route
                        path=path!("/import-image/ns/:ns")
                        view=|| view! { <RequireLogin><LazyPage load=|| Box::pin(import_image_page()) /></RequireLogin> }
                    />
                    // Chrome-less views for dashboards' iframes (no masthead; their own log-in link).
                    <Route
                        path=path!("/embed/ns/:ns/imagestreams/:name")
                        view=|| view! { <LazyPage load=|| Box::pin(crate::pages::embed::embed_page()) /> }
                    />
                    <Route
                        path=path!("/embed/ns/:ns/imagestreamtags/:name")
                        view=|| view! { <LazyPage load=|| Box::pin(crate::pages::embed::embed_page()) /> }
                    />
                    <Route
                        path=path!("/embed/ns/:ns/deployments")
                        view=|| view! { <LazyPage load=|| Box::pin(crate::pages::embed::embed_page()) /> }
                    />
                </Routes>
            </main>
        </Router>
    }
}

// Split points: each page below is cut into its own wasm chunk by scripts/split-build.sh and
// fetched on the first visit to its route (see `LazyPage`). The image streams list, the first
// screen, stays in the main module.

#[wasm_split(login, fallible)]
fn login_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <LoginPage /> }.into_any())
}

#[wasm_split(imagestream, fallible)]
fn imagestream_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <ImageStreamPage /> }.into_any())
}

#[wasm_split(imagestreamtag, fallible)]
fn imagestreamtag_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <ImageStreamTagPage /> }.into_any())
}

#[wasm_split(deployments, fallible)]
fn deployments_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <DeploymentsPage /> }.into_any())
}

#[wasm_split(deployment, fallible)]
fn deployment_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <DeploymentPage /> }.into_any())
}

#[wasm_split(new_app, fallible)]
fn new_app_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <NewAppPage /> }.into_any())
}

#[wasm_split(import_image, fallible)]
fn import_image_page() -> Result<fn() -> AnyView, SplitLoaderError> {
    Ok(|| view! { <ImportImagePage /> }.into_any())
}

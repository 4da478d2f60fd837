//! The image streams of a project (`oc get is`): load the list, show the table, or say why not.

use crate::api::{session, Config};
use crate::auth::Auth;
use crate::components::imagestream_table::ImageStreamTable;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// How often the UPDATED ages move.
const CLOCK_TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// `/k8s/ns/:ns/imagestreams`.
#[component]
pub fn ImageStreamsPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let namespace = move || params.read().get("ns").unwrap_or_default();
    let streams = LocalResource::new(move || {
        let client = auth.client.get();
        let namespace = namespace();
        session::remember_project(&config.api_server, &namespace);
        async move { client.image_streams(&namespace).await }
    });
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    let interval =
        set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), CLOCK_TICK).ok();
    on_cleanup(move || {
        if let Some(handle) = interval {
            handle.clear();
        }
    });

    view! {
        <h1>"Image streams"</h1>
        <p class="subtitle">"Project: " <strong>{namespace}</strong></p>
        <Suspense fallback=|| view! { <p role="status">"Loading image streams…"</p> }>
            {move || {
                streams
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <ImageStreamTable streams=list.items now /> }.into_any(),
                        Err(err) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            view! {
                                <div role="alert" class="error">
                                    <strong>"Could not list image streams. "</strong>
                                    {err.to_string()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

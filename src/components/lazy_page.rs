//! A page whose code arrives on first visit: the route-splitting build (scripts/split-build.sh)
//! moves each `#[wasm_split]` page into its own wasm chunk, so the first load carries only the
//! image streams list and what every page needs.

use crate::i18n::t;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use wasm_split_helpers::SplitLoaderError;

/// Fetches a page's chunk and hands back the function that builds the page.
pub type PageLoader =
    fn() -> Pin<Box<dyn Future<Output = Result<fn() -> AnyView, SplitLoaderError>>>>;

/// Shows the page once its chunk is loaded. If the chunk cannot be fetched (the console's
/// server is unreachable) it says so where the page would be and offers Retry, instead of
/// the panic a failed split load would otherwise be.
#[component]
pub fn LazyPage(
    /// The page's split point.
    load: PageLoader,
) -> impl IntoView {
    // `None` while loading; the page's builder, or the failure.
    let loaded = RwSignal::new(None::<Result<fn() -> AnyView, ()>>);
    let attempt = move || {
        loaded.set(None);
        leptos::task::spawn_local(async move {
            let outcome = load().await.map_err(|_| ());
            // The person may have left the page meanwhile.
            let _ = loaded.try_set(Some(outcome));
        });
    };
    attempt();
    move || match loaded.get() {
        None => view! { <p class="loading">{t("Loading…")}</p> }.into_any(),
        Some(Ok(page)) => untrack(page),
        Some(Err(())) => view! {
            <div role="alert" class="error">
                <strong>{t("Could not load this page.")}" "</strong>
                {t("The console's server did not answer: check the connection, then retry.")}
                <button type="button" class="retry" on:click=move |_| attempt()>
                    {t("Retry")}
                </button>
            </div>
        }
        .into_any(),
    }
}

//! Where a failed call is reported: the server's reason and message, what permission a 403 is
//! missing, and a retry when the network (not the server) failed.

use crate::api::access::forbidden_explanation;
use crate::api::ApiError;
use crate::i18n::t;
use leptos::prelude::*;

/// An alert saying what could not be done (`action`, e.g. "Could not list image streams.") and
/// why. `retry`, when given, is offered for failures worth trying again (no answer, or a 5xx).
#[component]
pub fn ErrorPanel(
    /// What the person was doing, as a sentence.
    action: String,
    /// Why it failed.
    error: ApiError,
    /// Tries the same thing again.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let permission = forbidden_explanation(&error);
    let retryable = error.is_network()
        || matches!(&error, ApiError::Status(status) if status.code.is_some_and(|code| code >= 500));
    let retry = retry.filter(|_| retryable).map(|retry| {
        view! {
            <button type="button" class="retry" on:click=move |_| retry.run(())>
                {t("Retry")}
            </button>
        }
    });
    view! {
        <div role="alert" class="error">
            <strong>{action}" "</strong>
            {error.to_string()}
            {permission.map(|text| view! { <p class="permission">{text}</p> })}
            {retry}
        </div>
    }
}

//! "Re-import" on a tag row: `oc import-image STREAM:TAG` for a tag that follows an external
//! image, offered only to people the cluster lets create imagestreamimports in the project.
//! The outcome is announced through the toaster, whose live region outlives the reload of the
//! stream that follows a success.

use crate::api::access::{use_permission, Permission};
use crate::api::{resource_path, ApiCall, IMAGE_V1};
use crate::auth::Auth;
use crate::components::toast::use_toaster;
use crate::i18n::{t, tf};
use imagestream_model::plan::{plan_import, ImportImageOptions};
use imagestream_model::reference::short_digest;
use imagestream_model::{ImageStream, ImageStreamImport};
use leptos::prelude::*;

/// A button that imports `tag` of `stream` again from its source, then calls `imported` so the
/// page can reload the stream. Disabled, with the reason in its title, when the user lacks
/// the permission; the outcome (digest or the server's failure) is shown next to it and
/// announced as a toast, which stays when the page reloads the stream.
#[component]
pub fn ReimportButton(
    /// The stream as loaded (the plan keeps its tag's import and reference policies).
    stream: ImageStream,
    /// The tag to import again.
    tag: String,
    /// Called after a successful import.
    #[prop(into)]
    imported: Callback<()>,
) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let toaster = use_toaster();
    let namespace = stream.metadata.namespace().to_owned();
    let subject = format!("{}:{tag}", stream.metadata.name());
    let allowed = use_permission(
        auth.client.into(),
        Permission::new(
            "create",
            "image.openshift.io",
            "imagestreamimports",
            &namespace,
        ),
    );
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let denied = tf(
        "You may not import images in project {namespace} (create imagestreamimports)",
        &[("namespace", &namespace)],
    );
    let label = tf("Re-import {tag}", &[("tag", &tag)]);
    let run = move |_| {
        let subject = subject.clone();
        let options = ImportImageOptions {
            target: subject.clone(),
            ..Default::default()
        };
        let plan = plan_import(&namespace, &options, Some(&stream));
        let client = auth.client.get_untracked();
        let path = resource_path(IMAGE_V1, Some(&namespace), "imagestreamimports", None);
        busy.set(true);
        outcome.set(Some(t("Importing…").into()));
        leptos::task::spawn_local(async move {
            let result = match plan {
                Err(err) => Err(err.0),
                Ok(request) => {
                    let call = ApiCall {
                        method: "POST",
                        path,
                        body: serde_json::to_string(&request).ok(),
                        content_type: "application/json",
                    };
                    match client.call_json::<ImageStreamImport>(call).await {
                        Ok(answer) => describe(&answer),
                        Err(err) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            Err(err.to_string())
                        }
                    }
                }
            };
            busy.try_set(false);
            match result {
                Ok(text) => {
                    toaster.success(tf(
                        "{result} into {subject}",
                        &[("result", &text), ("subject", &subject)],
                    ));
                    outcome.try_set(Some(text));
                    imported.run(());
                }
                Err(text) => {
                    toaster.error(tf(
                        "Re-import of {subject} failed: {error}",
                        &[("subject", &subject), ("error", &text)],
                    ));
                    outcome.try_set(Some(tf("Import failed: {error}", &[("error", &text)])));
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class="reimport"
            aria-label=label
            title=move || (allowed.get() == Some(false)).then(|| denied.clone())
            disabled=move || busy.get() || allowed.get() != Some(true)
            on:click=run
        >
            {t("Re-import")}
        </button>
        <span class="reimport-outcome" role="status" aria-live="polite">
            {move || outcome.get()}
        </span>
    }
}

/// The first image's outcome: the digest imported, or the server's reason and message.
fn describe(answer: &ImageStreamImport) -> Result<String, String> {
    let image = answer
        .status
        .as_ref()
        .and_then(|status| status.images.as_ref())
        .and_then(|images| images.first())
        .ok_or_else(|| t("the server did not say what it imported").to_owned())?;
    if image.status.status.as_deref() == Some("Success") {
        let digest = image
            .image
            .as_ref()
            .map(|image| short_digest(image.metadata.name()).to_owned())
            .unwrap_or_default();
        Ok(tf("Imported {digest}", &[("digest", &digest)]))
    } else {
        Err(format!(
            "{}: {}",
            image
                .status
                .reason
                .as_deref()
                .unwrap_or_else(|| t("Failure")),
            image
                .status
                .message
                .as_deref()
                .unwrap_or_else(|| t("no message"))
        ))
    }
}

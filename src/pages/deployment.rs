//! One Deployment (`oc describe deployment NAME`, the parts about images): its replicas, each
//! container's image resolved to image stream, tag and digest with whether it is current, the
//! image triggers, and the conditions.

use crate::api::{resource_path, ApiError, Client, APPS_V1};
use crate::components::clock::ago;
use crate::i18n::{fmt_count, t, tf};
use crate::pages::deployments::dom::{add, set, Builder};
use crate::pages::deployments::{
    container_images, current_digest, digest_into, page_class, ready_text, state_into, stream_into,
    tag_into, trigger_text, with_streams, Loaded, LoadedPage, PageAction, PageKind, ProjectImages,
};
use imagestream_model::graph::ImageUse;
use imagestream_model::workload::image_triggers;
use imagestream_model::Deployment;
use leptos::prelude::*;
use serde_json::Value;
use web_sys::Element;

/// `oc get deployment NAME` plus the streams its images come from. One function, so the page
/// can later take the same data from a live (watched) collection instead.
pub async fn load_deployment(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<ProjectImages, ApiError> {
    let deployment: Deployment = client
        .get(&resource_path(
            APPS_V1,
            Some(namespace),
            "deployments",
            Some(name),
        ))
        .await?;
    with_streams(client, namespace, vec![deployment]).await
}

/// The page of one Deployment.
const DEPLOYMENT: PageKind = PageKind {
    badge: "D",
    title: |_, name| name.to_owned(),
    back: |namespace, _| {
        Some((
            format!("/k8s/ns/{namespace}/deployments"),
            format!("← {}", t("Deployments")),
        ))
    },
    loading: "Loading deployment…",
    failed: |namespace, name, not_found| {
        if not_found {
            tf(
                "Deployment {name} not found in project {project}.",
                &[("name", name), ("project", namespace)],
            ) + " "
        } else {
            t("Could not load the deployment.").to_owned() + " "
        }
    },
    load: |client, namespace, name| {
        Box::pin(async move {
            let data = load_deployment(&client, &namespace, &name).await?;
            // The application is what carries the Deployment's `app` label (what
            // `oc new-app` sets on everything it creates).
            let app = data.deployments.first().and_then(|deployment| {
                deployment
                    .metadata
                    .labels
                    .as_ref()?
                    .get("app")
                    .filter(|app| !app.is_empty())
                    .cloned()
            });
            let mut loaded = Loaded::tree(deployment_tree(&data))?;
            loaded.action = Some(PageAction::DeleteApp {
                namespace,
                app,
                deployment: name,
            });
            Ok(loaded)
        })
    },
};

/// `/k8s/ns/:ns/deployments/:name`.
#[component]
pub fn DeploymentPage() -> impl IntoView {
    view! { <LoadedPage kind=DEPLOYMENT /> }
}

/// A string field of a condition object.
fn field<'a>(condition: &'a Value, key: &str) -> &'a str {
    condition
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Everything below the heading, built once per load.
fn deployment_tree(data: &ProjectImages) -> Option<Element> {
    let b = Builder::new(page_class())?;
    let deployment = data.deployments.first()?;
    let now = js_sys::Date::now() as i64;
    let graph = data.graph();
    let namespace = &data.namespace;
    let root = b.el("div", "");

    let status = deployment.status.clone().unwrap_or_default();
    let section = b.section(&root, "replicas-heading", t("Replicas"));
    let list = b.el("dl", "");
    let count = |n: Option<i32>| fmt_count(n.unwrap_or(0).max(0) as u64);
    b.term(&list, t("Ready"))
        .set_text_content(Some(&ready_text(deployment)));
    b.term(&list, t("Updated"))
        .set_text_content(Some(&count(status.updated_replicas)));
    b.term(&list, t("Available"))
        .set_text_content(Some(&count(status.available_replicas)));
    add(&section, &list);

    let section = b.section(&root, "containers-heading", t("Containers"));
    if let Err(err) = image_triggers(&deployment.metadata) {
        let warning = b.text(&section, "p", "warning", &err.to_string());
        set(&warning, "role", "alert");
    }
    for container in container_images(deployment, &graph) {
        let heading = if container.init {
            tf("Init container {name}", &[("name", &container.name)])
        } else {
            tf("Container {name}", &[("name", &container.name)])
        };
        b.text(&section, "h3", "", &heading);
        let list = b.el("dl", "");
        let image = b.term(&list, t("Image"));
        b.text(&image, "code", "spec", &container.image);
        let uses: Vec<Option<&ImageUse>> = if container.uses.is_empty() {
            vec![None]
        } else {
            container.uses.iter().map(Some).collect()
        };
        for image_use in uses {
            stream_into(&b, &b.term(&list, t("Image stream")), image_use, namespace);
            tag_into(&b, &b.term(&list, t("Tag")), image_use);
            let running = image_use.and_then(|u| u.digest.as_deref());
            digest_into(&b, &b.term(&list, t("Digest")), running);
            let current = image_use.and_then(|image_use| {
                current_digest(
                    &data.streams,
                    image_use.stream.as_ref()?,
                    image_use.tag.as_ref()?,
                )
            });
            if current.is_some() && current.as_deref() != running {
                digest_into(
                    &b,
                    &b.term(&list, t("Tag's current image")),
                    current.as_deref(),
                );
            }
            state_into(&b, &b.term(&list, t("Status")), image_use);
            b.term(&list, t("Trigger"))
                .set_text_content(Some(trigger_text(image_use)));
        }
        add(&section, &list);
    }

    let section = b.section(&root, "conditions-heading", t("Conditions"));
    let conditions = status
        .extra
        .get("conditions")
        .and_then(Value::as_array)
        .filter(|conditions| !conditions.is_empty());
    match conditions {
        None => {
            b.text(&section, "p", "none", t("No conditions reported yet."));
        }
        Some(conditions) => {
            let body = b.table(
                &section,
                &[
                    t("TYPE"),
                    t("STATUS"),
                    t("REASON"),
                    t("MESSAGE"),
                    t("UPDATED"),
                ],
            );
            for condition in conditions {
                let row = b.el("tr", "");
                for key in ["type", "status", "reason", "message"] {
                    b.text(&row, "td", "", field(condition, key));
                }
                let updated = field(condition, "lastUpdateTime");
                let cell = b.text(&row, "td", "", &ago(updated, now).unwrap_or_default());
                set(&cell, "title", updated);
                add(&body, &row);
            }
        }
    }
    Some(root)
}

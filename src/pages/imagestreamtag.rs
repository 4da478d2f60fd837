//! One ImageStreamTag (`oc describe istag STREAM:TAG`): the image the tag points at (full
//! digest, pull spec, created, what the image metadata says), the tag's history, and which
//! Deployments of the projects the user can see run it.

use crate::api::{resource_path, ApiError, Client, APPS_V1, IMAGE_V1};
use crate::components::clock::ago;
use crate::i18n::{fmt_count, t, tf};
use crate::pages::deployments::dom::{add, set, Builder};
use crate::pages::deployments::{
    deployment_href, digest_into, page_class, state_into, stream_href, Loaded, LoadedPage,
    PageAction, PageKind,
};
use imagestream_model::graph::{ImageUse, ProjectObjects, ReferenceGraph, StreamRef, WorkloadKind};
use imagestream_model::reference::short_digest;
use imagestream_model::tags::{alias_target, tag_view, HistoryEvent};
use imagestream_model::{Deployment, ImageStream, ImageStreamTag, List};
use leptos::prelude::*;
use web_sys::Element;

/// Projects searched for Deployments that use the tag; beyond this the page would send a
/// request storm on a large cluster.
const MAX_PROJECTS: usize = 10;

/// What the page shows: the tag, its stream (for the history) and the Deployments using it.
#[derive(Debug, Clone)]
pub struct TagData {
    /// The ImageStreamTag as the server computes it.
    pub istag: ImageStreamTag,
    /// The stream, when readable, for the tag's history.
    pub stream: Option<ImageStream>,
    /// The Deployments' containers that use the tag.
    pub users: Vec<ImageUse>,
    /// How many projects were searched for them.
    pub searched: usize,
}

/// `oc get istag NAME`, the stream for its history, and the Deployments (in the projects the
/// user can see, this one first) that use it. One function, so the page can later take the
/// same data from live collections instead.
pub async fn load_tag(client: &Client, namespace: &str, name: &str) -> Result<TagData, ApiError> {
    let istag: ImageStreamTag = client
        .get(&resource_path(
            IMAGE_V1,
            Some(namespace),
            "imagestreamtags",
            Some(name),
        ))
        .await?;
    let (stream_name, tag) = name.split_once(':').unwrap_or((name, ""));
    let stream = match client.image_stream(namespace, stream_name).await {
        Ok(stream) => Some(stream),
        Err(err) if err.is_unauthorized() => return Err(err),
        Err(_) => None,
    };
    let mut projects = vec![namespace.to_owned()];
    match client.projects().await {
        Ok(list) => projects.extend(
            list.items
                .iter()
                .map(|project| project.metadata.name().to_owned())
                .filter(|project| project != namespace),
        ),
        Err(err) if err.is_unauthorized() => return Err(err),
        Err(_) => {}
    }
    projects.truncate(MAX_PROJECTS);
    let streams: Vec<ImageStream> = stream.iter().cloned().collect();
    let mut users = Vec::new();
    for project in &projects {
        let deployments: List<Deployment> = match client
            .get(&resource_path(APPS_V1, Some(project), "deployments", None))
            .await
        {
            Ok(list) => list,
            Err(err) if err.is_unauthorized() => return Err(err),
            Err(_) => continue,
        };
        let graph = ReferenceGraph::build(&ProjectObjects {
            namespace: project,
            streams: &streams,
            deployments: &deployments.items,
            deployment_configs: &[],
            pods: &[],
        });
        users.extend(
            graph
                .uses_of_tag(namespace, stream_name, tag)
                .filter(|image_use| image_use.workload.kind == WorkloadKind::Deployment)
                .cloned(),
        );
    }
    Ok(TagData {
        istag,
        stream,
        users,
        searched: projects.len(),
    })
}

/// The page of one ImageStreamTag.
const IMAGE_STREAM_TAG: PageKind = PageKind {
    badge: "IST",
    title: |_, name| name.to_owned(),
    back: |namespace, name| {
        let (stream, _) = split_name(name);
        let href = stream_href(&StreamRef {
            namespace: namespace.to_owned(),
            name: stream.to_owned(),
        });
        Some((href, tf("← Image stream {name}", &[("name", stream)])))
    },
    loading: "Loading image stream tag…",
    failed: |namespace, name, not_found| {
        if not_found {
            tf(
                "Image stream tag {name} not found in project {project}.",
                &[("name", name), ("project", namespace)],
            ) + " "
        } else {
            t("Could not load the image stream tag.").to_owned() + " "
        }
    },
    load: |client, namespace, name| {
        Box::pin(async move {
            let data = load_tag(&client, &namespace, &name).await?;
            Ok(tag_page(&data))
        })
    },
};

/// `/k8s/ns/:ns/imagestreamtags/:name`, where the name is `STREAM:TAG` (a percent-encoded
/// colon works too).
#[component]
pub fn ImageStreamTagPage() -> impl IntoView {
    view! { <LoadedPage kind=IMAGE_STREAM_TAG /> }
}

/// Appends `key=value` chips (or "none") to `parent`.
fn chips<'a>(b: &Builder, parent: &Element, items: impl Iterator<Item = String> + 'a) {
    let mut any = false;
    for item in items {
        b.text(parent, "code", "chip", &item);
        any = true;
    }
    if !any {
        b.text(parent, "span", "none", t("none"));
    }
}

/// Bytes as `oc describe` rounds them: whole kB, MB or GB (integers keep float formatting out
/// of the wasm).
fn size_text(bytes: i64) -> String {
    let (text, n) = match bytes {
        b if b >= 1_000_000_000 => (t("{n} GB"), (b + 500_000_000) / 1_000_000_000),
        b if b >= 1_000_000 => (t("{n} MB"), (b + 500_000) / 1_000_000),
        b if b >= 1_000 => (t("{n} kB"), (b + 500) / 1_000),
        b => (t("{n} B"), b),
    };
    text.replace("{n}", &fmt_count(n.max(0) as u64))
}

/// The stream and tag names of an ImageStreamTag name `STREAM:TAG`.
fn split_name(name: &str) -> (&str, &str) {
    name.split_once(':').unwrap_or((name, ""))
}

/// The Details section: what the tag points at and what the image says about itself.
fn details_tree(data: &TagData, alias_of: Option<&str>, now: i64) -> Option<Element> {
    let b = Builder::new(page_class())?;
    let namespace = data.istag.metadata.namespace();
    let (stream_name, tag) = split_name(data.istag.metadata.name());
    let image = data.istag.image.clone().unwrap_or_default();
    let metadata = image.docker_image_metadata.clone().unwrap_or_default();
    let config = metadata.config.clone().unwrap_or_default();

    let section = b.el("section", "");
    set(&section, "aria-label", t("Details"));
    let list = b.el("dl", "");
    let stream = StreamRef {
        namespace: namespace.to_owned(),
        name: stream_name.to_owned(),
    };
    b.link(
        &b.term(&list, t("Image stream")),
        &stream_href(&stream),
        stream_name,
    );
    b.term(&list, t("Tag")).set_text_content(Some(tag));
    if let Some(target) = alias_of {
        b.term(&list, t("Alias of"))
            .set_text_content(Some(&format!("{stream_name}:{target}")));
    }
    let digest = image.metadata.name();
    let cell = b.term(&list, t("Digest"));
    if digest.is_empty() {
        b.text(&cell, "span", "none", t("no image"));
    } else {
        b.text(&cell, "code", "spec", digest);
    }
    if let Some(pull_spec) = image
        .docker_image_reference
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        b.text(&b.term(&list, t("Pull spec")), "code", "spec", pull_spec);
    }
    let created = metadata
        .created
        .clone()
        .or_else(|| data.istag.metadata.creation_timestamp.clone().flatten())
        .unwrap_or_default();
    let cell = b.term(&list, t("Created"));
    cell.set_text_content(Some(
        &ago(&created, now).unwrap_or_else(|| t("unknown").to_owned()),
    ));
    set(&cell, "title", &created);
    b.term(&list, t("Architecture")).set_text_content(Some(
        metadata
            .architecture
            .as_deref()
            .unwrap_or_else(|| t("unknown")),
    ));
    let os = ["Os", "OS"]
        .iter()
        .find_map(|key| metadata.extra.get(*key).and_then(|value| value.as_str()));
    if let Some(os) = os {
        b.term(&list, t("OS")).set_text_content(Some(os));
    }
    if let Some(size) = metadata.size {
        b.term(&list, t("Image size"))
            .set_text_content(Some(&size_text(size)));
    }
    let ports = image.exposed_ports();
    chips(
        &b,
        &b.term(&list, t("Exposes ports")),
        ports
            .iter()
            .map(|(port, protocol)| format!("{port}/{protocol}")),
    );
    chips(
        &b,
        &b.term(&list, t("Labels")),
        config
            .labels
            .iter()
            .flatten()
            .map(|(key, value)| format!("{key}={value}")),
    );
    chips(
        &b,
        &b.term(&list, t("Environment")),
        config.env.iter().flatten().cloned(),
    );
    add(&section, &list);
    Some(section)
}

/// The history as a list: short digest (full as title), age, and which is current (also the
/// tag embed's, `crate::pages::embed`).
pub(crate) fn history_tree(history: &[HistoryEvent], tag: &str, now: i64) -> Option<Element> {
    let b = Builder::new(page_class())?;
    let list = b.el("ol", "");
    set(
        &list,
        "aria-label",
        &tf("History of {tag}", &[("tag", tag)]),
    );
    for (index, event) in history.iter().enumerate() {
        let item = b.el("li", "");
        let code = b.text(&item, "code", "", short_digest(&event.image));
        set(&code, "title", &event.image);
        let when = ago(&event.created, now).unwrap_or_default();
        let current = if index == 0 { t(" · current") } else { "" };
        b.text(&item, "span", "none", &format!(" {when}{current}"));
        add(&list, &item);
    }
    Some(list)
}

/// The Used by section: the Deployments whose containers use the tag.
fn users_tree(data: &TagData) -> Option<Element> {
    let b = Builder::new(page_class())?;
    let namespace = data.istag.metadata.namespace();
    let section = b.section(&b.el("div", ""), "users-heading", t("Used by"));
    if data.users.is_empty() {
        let text = if data.searched == 1 {
            t("No Deployment uses this tag (searched 1 project).").to_owned()
        } else {
            tf(
                "No Deployment uses this tag (searched {n} projects).",
                &[("n", &fmt_count(data.searched as u64))],
            )
        };
        b.text(&section, "p", "none", &text);
        return Some(section);
    }
    let body = b.table(
        &section,
        &[t("DEPLOYMENT"), t("CONTAINER"), t("DIGEST"), t("STATUS")],
    );
    for image_use in &data.users {
        let workload = &image_use.workload;
        let label = if workload.namespace == namespace {
            workload.name.clone()
        } else {
            format!("{}/{}", workload.namespace, workload.name)
        };
        let row = b.el("tr", "");
        let cell = b.el("td", "");
        b.link(
            &cell,
            &deployment_href(&workload.namespace, &workload.name),
            &label,
        );
        add(&row, &cell);
        b.text(&row, "td", "", &image_use.container);
        let cell = b.el("td", "");
        digest_into(&b, &cell, image_use.digest.as_deref());
        add(&row, &cell);
        let cell = b.el("td", "");
        state_into(&b, &cell, Some(image_use));
        add(&row, &cell);
        add(&body, &row);
    }
    Some(section)
}

/// Everything below the heading, once the tag is loaded: details with copy buttons, the
/// history (timeline and list) and the Deployments using the tag.
fn tag_page(data: &TagData) -> Loaded {
    let now = js_sys::Date::now() as i64;
    let (_, tag) = split_name(data.istag.metadata.name());
    // The history lives on the stream; an alias shows its target's.
    let (history, alias_of) = match &data.stream {
        Some(stream) => {
            let target = alias_target(stream, tag).map(str::to_owned);
            let shown = target.as_deref().unwrap_or(tag);
            let view = tag_view(stream, shown).or_else(|| tag_view(stream, tag));
            (view.map(|view| view.history).unwrap_or_default(), target)
        }
        None => (Vec::new(), None),
    };
    let image = data.istag.image.clone().unwrap_or_default();
    let mut copies = Vec::new();
    if !image.metadata.name().is_empty() {
        copies.push((t("digest").to_owned(), image.metadata.name().to_owned()));
    }
    if let Some(pull_spec) = image.docker_image_reference.filter(|s| !s.is_empty()) {
        copies.push((t("pull spec").to_owned(), pull_spec));
    }
    let before = details_tree(data, alias_of.as_deref(), now);
    let after = Builder::new(page_class()).map(|b| {
        let root = b.el("div", "");
        if history.is_empty() {
            let section = b.section(&root, "history-heading", t("History"));
            b.text(
                &section,
                "p",
                "none",
                t("No history recorded for this tag."),
            );
        } else if let Some(list) = history_tree(&history, tag, now) {
            add(&root, &list);
        }
        if let Some(users) = users_tree(data) {
            add(&root, &users);
        }
        root
    });
    let timeline = (!history.is_empty()).then(|| (tag.to_owned(), history));
    let (stream, _) = split_name(data.istag.metadata.name());
    let action = Some(PageAction::DeleteTag {
        namespace: data.istag.metadata.namespace().to_owned(),
        stream: stream.to_owned(),
        tag: tag.to_owned(),
    });
    Loaded {
        before,
        copies,
        timeline,
        after,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_to_whole_units() {
        assert_eq!(size_text(999), "999 B");
        assert_eq!(size_text(1_500), "2 kB");
        assert_eq!(size_text(84_400_000), "84 MB");
    }
}

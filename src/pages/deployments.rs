//! The Deployments of a project and the images they run: the image part of
//! `oc describe deployment` for every Deployment. Each container's image is resolved to image
//! stream, tag and digest (through its image trigger and by matching pull specs and digests
//! against the streams, `imagestream_model::graph`), with whether it is the tag's current image,
//! the trigger's state and the ready replicas, above a map of the project.

use crate::api::{resource_path, ApiError, Client, APPS_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::connection_status::ConnectionStatus;
use crate::components::copy_button::CopyButton;
use crate::components::delete_dialog::{delete_button, DeleteAllButton, DeleteSpec};
use crate::components::history_timeline::HistoryTimeline;
use crate::components::project_map::project_map;
use crate::i18n::{fmt_count, t, tf};
use crate::live::{Connection, LiveList};
use imagestream_model::graph::{
    Evidence, ImageUse, ProjectObjects, ReferenceGraph, StreamRef, UseState, WorkloadKind,
};
use imagestream_model::reference::{self, short_digest};
use imagestream_model::tags::{self, HistoryEvent};
use imagestream_model::workload::image_triggers;
use imagestream_model::{Deployment, ImageStream, List};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use stylers_macro::style;
use web_sys::Element;

/// At most this many other projects are asked for the streams that cross-project triggers and
/// pull specs name; more would be a request storm for a page that only lists Deployments.
const MAX_OTHER_PROJECTS: usize = 8;

/// What the Deployment pages need: the Deployments and every stream they may use (the
/// project's own and those of other projects their triggers and pull specs name).
#[derive(Debug, Clone, Default)]
pub struct ProjectImages {
    /// The project the Deployments live in.
    pub namespace: String,
    /// The Deployments, in the server's order (by name).
    pub deployments: Vec<Deployment>,
    /// The streams to resolve their images against.
    pub streams: Vec<ImageStream>,
}

impl ProjectImages {
    /// Which container uses which stream, tag and digest.
    pub fn graph(&self) -> ReferenceGraph {
        ReferenceGraph::build(&ProjectObjects {
            namespace: &self.namespace,
            streams: &self.streams,
            deployments: &self.deployments,
            deployment_configs: &[],
            pods: &[],
        })
    }
}

/// `oc get deployments -n NAMESPACE` plus the streams their images come from. One function, so
/// the page can later take the same data from a live (watched) collection instead.
pub async fn load_deployments(client: &Client, namespace: &str) -> Result<ProjectImages, ApiError> {
    let list: List<Deployment> = client
        .get(&resource_path(
            APPS_V1,
            Some(namespace),
            "deployments",
            None,
        ))
        .await?;
    with_streams(client, namespace, list.items).await
}

/// Adds the streams `deployments` may use: the project's, then other projects' named by
/// triggers or by `host/project/stream` pull specs. Another project the user may not read
/// leaves those images unresolved rather than failing the page; a 401 still ends the session.
pub async fn with_streams(
    client: &Client,
    namespace: &str,
    deployments: Vec<Deployment>,
) -> Result<ProjectImages, ApiError> {
    let mut streams = client.image_streams(namespace).await?.items;
    for other in other_projects(namespace, &deployments) {
        match client.image_streams(&other).await {
            Ok(list) => streams.extend(list.items),
            Err(err) if err.is_unauthorized() => return Err(err),
            Err(_) => {}
        }
    }
    Ok(ProjectImages {
        namespace: namespace.to_owned(),
        deployments,
        streams,
    })
}

/// The other projects whose streams the Deployments' triggers or pull specs name.
fn other_projects(namespace: &str, deployments: &[Deployment]) -> Vec<String> {
    let mut found = BTreeSet::new();
    for deployment in deployments {
        for trigger in image_triggers(&deployment.metadata).unwrap_or_default() {
            if let Some(other) = trigger.from.namespace.filter(|ns| !ns.is_empty()) {
                found.insert(other);
            }
        }
        for container in deployment.containers() {
            let image = container.image.as_deref().unwrap_or_default().trim();
            // Only `host/project/name…` is read as a stream of a project (as the pruner does);
            // `user/name` on Docker Hub is not a project.
            if let Ok(parsed) = reference::parse(image) {
                if !parsed.registry.is_empty() && !parsed.namespace.is_empty() {
                    found.insert(parsed.namespace);
                }
            }
        }
    }
    found.remove(namespace);
    found.into_iter().take(MAX_OTHER_PROJECTS).collect()
}

/// `status.readyReplicas/spec.replicas`, as `oc get deployment`'s READY column.
pub fn ready_text(deployment: &Deployment) -> String {
    let ready = deployment
        .status
        .as_ref()
        .and_then(|status| status.ready_replicas)
        .unwrap_or(0);
    let wanted = deployment
        .spec
        .as_ref()
        .and_then(|spec| spec.replicas)
        .unwrap_or(1);
    format!("{ready}/{wanted}")
}

/// How what a container runs relates to its tag, in words.
pub fn state_text(state: UseState) -> String {
    match state {
        UseState::Current => t("current").to_owned(),
        UseState::Stale { behind: 1 } => t("1 version behind").to_owned(),
        UseState::Stale { behind } => {
            tf("{n} versions behind", &[("n", &fmt_count(behind as u64))])
        }
        UseState::Pending => t("pending: the trigger has not set an image yet").to_owned(),
        UseState::NotInHistory => t("not in the tag's history").to_owned(),
        UseState::Unresolved => t("unresolved: the tag has no image").to_owned(),
    }
}

/// The CSS class of a state, so colour is never the only sign (the text says it too).
pub fn state_class(state: UseState) -> &'static str {
    match state {
        UseState::Current => "state current",
        UseState::Stale { .. } => "state stale",
        _ => "state other",
    }
}

/// The trigger of a use: `Some(paused)` when an image trigger names the tag for the container.
pub fn trigger_paused(image_use: &ImageUse) -> Option<bool> {
    image_use.via.iter().find_map(|evidence| match evidence {
        Evidence::TriggerAnnotation { paused } => Some(*paused),
        _ => None,
    })
}

/// The trigger column's words.
pub fn trigger_text(image_use: Option<&ImageUse>) -> &'static str {
    match image_use.and_then(trigger_paused) {
        Some(true) => t("paused"),
        Some(false) => t("active"),
        None => t("none"),
    }
}

/// The page of an image stream.
pub fn stream_href(stream: &StreamRef) -> String {
    format!("/k8s/ns/{}/imagestreams/{}", stream.namespace, stream.name)
}

/// The page of an ImageStreamTag: `STREAM:TAG` with a literal colon, as the OpenShift console
/// writes it.
pub fn istag_href(namespace: &str, stream: &str, tag: &str) -> String {
    format!("/k8s/ns/{namespace}/imagestreamtags/{stream}:{tag}")
}

/// The page of a Deployment.
pub fn deployment_href(namespace: &str, name: &str) -> String {
    format!("/k8s/ns/{namespace}/deployments/{name}")
}

/// A stream's name as shown from `project`: bare in its own project, `project/name` elsewhere.
pub fn stream_label(stream: &StreamRef, project: &str) -> String {
    if stream.namespace == project {
        stream.name.clone()
    } else {
        format!("{}/{}", stream.namespace, stream.name)
    }
}

/// The digest a tag points at now (following an alias to its target), from loaded streams.
pub fn current_digest(streams: &[ImageStream], stream: &StreamRef, tag: &str) -> Option<String> {
    let stream = streams.iter().find(|candidate| {
        candidate.metadata.name() == stream.name
            && candidate.metadata.namespace() == stream.namespace
    })?;
    let target = tags::alias_target(stream, tag).unwrap_or(tag);
    tags::tag_view(stream, target)?
        .current()
        .map(|event| event.image.clone())
}

/// One container of a Deployment with the stream uses the graph found for it (usually one).
#[derive(Debug, Clone)]
pub struct ContainerImages {
    /// The container's name.
    pub name: String,
    /// True for an init container.
    pub init: bool,
    /// The image as written in the spec.
    pub image: String,
    /// The streams it uses.
    pub uses: Vec<ImageUse>,
}

/// The containers (then init containers) of `deployment` with their uses.
pub fn container_images(deployment: &Deployment, graph: &ReferenceGraph) -> Vec<ContainerImages> {
    let name = deployment.metadata.name();
    let uses: Vec<&ImageUse> = graph
        .uses_by_workload(WorkloadKind::Deployment, name)
        .collect();
    let pod = deployment
        .spec
        .as_ref()
        .and_then(|spec| spec.template.as_ref())
        .and_then(|template| template.spec.as_ref());
    let Some(pod) = pod else {
        return Vec::new();
    };
    let main = pod.containers.iter().map(|container| (container, false));
    let init = pod
        .init_containers
        .iter()
        .flatten()
        .map(|container| (container, true));
    main.chain(init)
        .map(|(container, init)| ContainerImages {
            name: container.name.clone(),
            init,
            image: container.image.clone().unwrap_or_default(),
            uses: uses
                .iter()
                .filter(|image_use| {
                    image_use.container == container.name && image_use.init_container == init
                })
                .map(|image_use| (*image_use).clone())
                .collect(),
        })
        .collect()
}

/// A small DOM builder for the read-only parts of the Deployment pages. Tables of containers
/// and the project map have no behaviour of their own (a live page builds them again when its
/// lists change), so they are built with plain DOM calls instead of Leptos views: each distinct
/// view shape costs kilobytes of generic code in the wasm, these calls cost a few bytes each. Text always goes in with `set_text_content`
/// and values with `set_attribute`, so cluster data renders as text, never as markup.
pub mod dom {
    use leptos::prelude::*;
    use leptos_router::hooks::use_navigate;
    use wasm_bindgen::JsCast;
    use web_sys::{Document, Element};

    /// The SVG namespace, for [`Builder::svg`].
    pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

    /// Creates elements that all carry one stylers scope class, so `style!` rules apply.
    pub struct Builder {
        document: Document,
        scope: &'static str,
    }

    impl Builder {
        /// A builder for the page's document, or `None` outside a browser.
        pub fn new(scope: &'static str) -> Option<Builder> {
            let document = web_sys::window()?.document()?;
            Some(Builder { document, scope })
        }

        fn finish(&self, element: Element, class: &str) -> Element {
            let classes = if class.is_empty() {
                self.scope.to_owned()
            } else {
                format!("{} {class}", self.scope)
            };
            set(&element, "class", &classes);
            element
        }

        /// A new HTML element with `class` (may be empty).
        pub fn el(&self, tag: &str, class: &str) -> Element {
            // createElement only fails for an invalid name; every name here is a constant.
            let element = self
                .document
                .create_element(tag)
                .expect("constant element names are valid");
            self.finish(element, class)
        }

        /// A new SVG element with `class` (may be empty).
        pub fn svg(&self, tag: &str, class: &str) -> Element {
            let element = self
                .document
                .create_element_ns(Some(SVG_NS), tag)
                .expect("constant element names are valid");
            self.finish(element, class)
        }

        /// Creates an element holding `text`, appended to `parent`.
        pub fn text(&self, parent: &Element, tag: &str, class: &str, text: &str) -> Element {
            let element = self.el(tag, class);
            element.set_text_content(Some(text));
            add(parent, &element);
            element
        }

        /// Appends a link `text` → `href` to `parent`.
        pub fn link(&self, parent: &Element, href: &str, text: &str) -> Element {
            let link = self.text(parent, "a", "", text);
            set(&link, "href", &crate::paths::href(href));
            link
        }

        /// A `<table>` with a header row, and its `<tbody>` for the rows.
        pub fn table(&self, parent: &Element, headers: &[&str]) -> Element {
            let table = self.el("table", "data");
            let head = self.el("thead", "");
            let row = self.el("tr", "");
            for header in headers {
                let cell = self.text(&row, "th", "", header);
                set(&cell, "scope", "col");
            }
            add(&head, &row);
            add(&table, &head);
            let body = self.el("tbody", "");
            add(&table, &body);
            add(parent, &table);
            body
        }

        /// Appends `<dt>term</dt><dd></dd>` to a `<dl>` and returns the `<dd>`.
        pub fn term(&self, list: &Element, term: &str) -> Element {
            self.text(list, "dt", "", term);
            let detail = self.el("dd", "");
            add(list, &detail);
            detail
        }

        /// A `<section>` with an `<h2>` heading (and `aria-labelledby` pointing at it).
        pub fn section(&self, parent: &Element, id: &str, heading: &str) -> Element {
            let section = self.el("section", "");
            set(&section, "aria-labelledby", id);
            let title = self.text(&section, "h2", "", heading);
            set(&title, "id", id);
            add(parent, &section);
            section
        }
    }

    /// Sets an attribute (DOM errors only come from invalid attribute names, never data).
    pub fn set(element: &Element, name: &str, value: &str) {
        let _ = element.set_attribute(name, value);
    }

    /// Appends `child` to `parent`.
    pub fn add(parent: &Element, child: &Element) {
        let _ = parent.append_child(child);
    }

    /// Shows a built tree in a `<div>`. Clicks on SVG links go through the router like HTML
    /// links do (the router only intercepts HTML anchors).
    pub fn mount(tree: Option<Element>) -> impl IntoView {
        let holder = NodeRef::<leptos::html::Div>::new();
        holder.on_load(move |div| {
            if let Some(tree) = tree {
                add(&div, &tree);
            }
        });
        holder_view(holder)
    }

    /// Shows the tree `build` makes in a `<div>`, replaced by a new one whenever a signal
    /// `build` read changes (nothing while it returns `None`). Clicks on SVG links go through
    /// the router as in [`mount`].
    pub fn mount_live(build: impl Fn() -> Option<Element> + 'static) -> impl IntoView {
        let holder = NodeRef::<leptos::html::Div>::new();
        Effect::new(move |_| {
            let tree = build();
            if let Some(div) = holder.get() {
                div.set_text_content(None);
                if let Some(tree) = tree {
                    add(&div, &tree);
                }
            }
        });
        holder_view(holder)
    }

    /// The `<div>` both mounts use, routing clicks on SVG links.
    fn holder_view(holder: NodeRef<leptos::html::Div>) -> impl IntoView {
        let navigate = use_navigate();
        let on_click = move |event: leptos::ev::MouseEvent| {
            if event.default_prevented()
                || event.button() != 0
                || event.ctrl_key()
                || event.meta_key()
                || event.shift_key()
                || event.alt_key()
            {
                return;
            }
            let anchor = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|element| element.closest("a").ok().flatten())
                .filter(|anchor| anchor.namespace_uri().as_deref() == Some(SVG_NS));
            let Some(href) = anchor
                .and_then(|anchor| anchor.get_attribute("href"))
                .filter(|href| href.starts_with('/'))
                .map(|href| crate::paths::strip_base(&href))
            else {
                return;
            };
            event.prevent_default();
            navigate(&href, Default::default());
        };
        view! { <div node_ref=holder on:click=on_click></div> }
    }
}

use dom::{add, set, Builder};

/// The scoped class of everything the Deployment pages build with [`dom`].
// stylers (build.rs) only collects style blocks bound with `let`, hence the binding.
#[allow(clippy::let_and_return)]
pub fn page_class() -> &'static str {
    let class = style! {
        a {
            color: var(--accent);
        }
        section {
            margin: 1.25rem 0 0;
            min-width: 0;
        }
        h2 {
            font-size: 1.15rem;
            font-weight: 500;
            margin: 0 0 0.6rem;
            padding-bottom: 0.3rem;
            border-bottom: 1px solid var(--border);
        }
        h3 {
            font-size: 1rem;
            font-weight: 600;
            margin: 1rem 0 0.3rem;
        }
        dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.25rem 1.5rem;
            margin: 0;
            font-size: 0.92rem;
        }
        dt {
            font-weight: 600;
        }
        dd {
            margin: 0;
            min-width: 0;
            overflow-wrap: anywhere;
        }
        code {
            font-family: var(--mono);
            font-size: 0.85rem;
        }
        .spec {
            font-size: 0.8rem;
            background: var(--row-hover);
            border: 1px solid var(--border);
            padding: 0.1rem 0.45rem;
            overflow-wrap: anywhere;
        }
        .chip {
            display: inline-block;
            font-size: 0.8rem;
            border: 1px solid var(--border);
            border-radius: 3px;
            padding: 0 0.35rem;
            margin: 0 0.25rem 0.25rem 0;
        }
        ol {
            list-style: none;
            margin: 0.5rem 0 0;
            padding: 0;
            font-size: 0.85rem;
        }
        .none {
            color: var(--muted);
        }
        .stale {
            color: var(--stale);
            font-weight: 600;
        }
        .current {
            color: var(--ok);
        }
        .other {
            color: var(--muted);
            font-style: italic;
        }
        .init {
            color: var(--muted);
            font-size: 0.8rem;
        }
        .warning {
            color: var(--danger-fg);
        }
    };
    class
}

/// Appends a short digest (full one as its title) or a dash to `parent`.
pub fn digest_into(b: &Builder, parent: &Element, digest: Option<&str>) {
    match digest {
        Some(full) => {
            let code = b.text(parent, "code", "digest", short_digest(full));
            set(&code, "title", full);
        }
        None => {
            b.text(parent, "span", "none", "—");
        }
    }
}

/// Appends the stream of a use as a link to its page, or a dash.
pub fn stream_into(b: &Builder, parent: &Element, image_use: Option<&ImageUse>, project: &str) {
    match image_use.and_then(|image_use| image_use.stream.as_ref()) {
        Some(stream) => {
            b.link(parent, &stream_href(stream), &stream_label(stream, project));
        }
        None => {
            b.text(parent, "span", "none", "—");
        }
    }
}

/// Appends the tag of a use as a link to its ImageStreamTag page (named `stream:tag`), or a
/// dash.
pub fn tag_into(b: &Builder, parent: &Element, image_use: Option<&ImageUse>) {
    let found =
        image_use.and_then(|image_use| Some((image_use.stream.as_ref()?, image_use.tag.as_ref()?)));
    match found {
        Some((stream, tag)) => {
            let link = b.link(
                parent,
                &istag_href(&stream.namespace, &stream.name, tag),
                tag,
            );
            set(&link, "aria-label", &format!("{}:{tag}", stream.name));
        }
        None => {
            b.text(parent, "span", "none", "—");
        }
    }
}

/// Appends the STATUS words of a use (with a ⚠ when stale, so colour is not the only sign).
pub fn state_into(b: &Builder, parent: &Element, image_use: Option<&ImageUse>) {
    match image_use {
        Some(image_use) => {
            let mark = if image_use.state.is_stale() {
                "⚠ "
            } else {
                ""
            };
            let text = format!("{mark}{}", state_text(image_use.state));
            b.text(parent, "span", state_class(image_use.state), &text);
        }
        None => {
            b.text(parent, "span", "state other", t("not from an image stream"));
        }
    }
}

/// The DEPLOYMENT … READY table: one row per container.
fn deployments_table(
    b: &Builder,
    parent: &Element,
    namespace: &str,
    deployments: &[Deployment],
    graph: &ReferenceGraph,
) {
    let body = b.table(
        parent,
        &[
            t("DEPLOYMENT"),
            t("CONTAINER"),
            t("IMAGE STREAM"),
            t("TAG"),
            t("DIGEST"),
            t("STATUS"),
            t("TRIGGER"),
            t("READY"),
        ],
    );
    for deployment in deployments {
        let name = deployment.metadata.name();
        let ready = ready_text(deployment);
        for container in container_images(deployment, graph) {
            let first = container.uses.first();
            let row = b.el("tr", "");
            let cell = b.el("td", "");
            b.link(&cell, &deployment_href(namespace, name), name);
            add(&row, &cell);
            let cell = b.text(&row, "td", "", &container.name);
            set(&cell, "title", &container.image);
            if container.init {
                b.text(&cell, "span", "init", t(" (init)"));
            }
            let cell = b.el("td", "");
            stream_into(b, &cell, first, namespace);
            add(&row, &cell);
            let cell = b.el("td", "");
            tag_into(b, &cell, first);
            add(&row, &cell);
            let cell = b.el("td", "");
            digest_into(b, &cell, first.and_then(|u| u.digest.as_deref()));
            add(&row, &cell);
            let cell = b.el("td", "");
            state_into(b, &cell, first);
            add(&row, &cell);
            b.text(&row, "td", "", trigger_text(first));
            b.text(&row, "td", "", &ready);
            add(&body, &row);
        }
    }
}

/// The page content below the heading, built again whenever the lists change: the table of
/// `deployments` (in name order) with their images resolved against `streams`, and the map
/// (unless `map` is false: the embed shows the table alone).
fn deployments_tree(
    namespace: &str,
    deployments: &[Deployment],
    streams: &[ImageStream],
    map: bool,
) -> Option<Element> {
    let b = Builder::new(page_class())?;
    let root = b.el("div", "");
    if deployments.is_empty() {
        b.text(
            &root,
            "p",
            "",
            &tf(
                "No deployments found in project {project}.",
                &[("project", namespace)],
            ),
        );
        return Some(root);
    }
    let graph = ReferenceGraph::build(&ProjectObjects {
        namespace,
        streams,
        deployments,
        deployment_configs: &[],
        pods: &[],
    });
    deployments_table(&b, &root, namespace, deployments, &graph);
    if !map {
        return Some(root);
    }
    let section = b.section(&root, "map-heading", t("Project map"));
    project_map(&section, &graph, streams, namespace);
    Some(root)
}

/// What a loaded page shows: DOM trees built once, with the few Leptos components that have
/// behaviour (copy buttons, the history timeline) between them.
#[derive(Clone, Default)]
pub struct Loaded {
    /// The content above the copy buttons and timeline (or all of it).
    pub before: Option<Element>,
    /// Copy buttons: (what, text).
    pub copies: Vec<(String, String)>,
    /// A history timeline: (tag, history), drawn under a "History" heading.
    pub timeline: Option<(String, Vec<HistoryEvent>)>,
    /// The content below the timeline.
    pub after: Option<Element>,
    /// What the heading offers to do with the object.
    pub action: Option<PageAction>,
}

/// An action in a loaded page's heading.
#[derive(Debug, Clone, PartialEq)]
pub enum PageAction {
    /// Delete one tag (`oc tag -d`); afterwards the stream's page.
    DeleteTag {
        /// The project.
        namespace: String,
        /// The stream.
        stream: String,
        /// The tag.
        tag: String,
    },
    /// Delete the application a Deployment belongs to (`oc delete all -l app=NAME`), or the
    /// Deployment alone when it has no `app` label; afterwards the Deployments list.
    DeleteApp {
        /// The project.
        namespace: String,
        /// The Deployment's `app` label.
        app: Option<String>,
        /// The Deployment.
        deployment: String,
    },
}

/// The button for `action`, going to `navigate`'s destination once it is done.
fn action_view(
    action: PageAction,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let href = match &action {
        PageAction::DeleteTag {
            namespace, stream, ..
        } => stream_href(&StreamRef {
            namespace: namespace.clone(),
            name: stream.clone(),
        }),
        PageAction::DeleteApp { namespace, .. } => format!("/k8s/ns/{namespace}/deployments"),
    };
    let after = Callback::new(move |()| navigate(&href, Default::default()));
    // One button type for both: no type-erased view in between.
    delete_button(match action {
        PageAction::DeleteTag {
            namespace,
            stream,
            tag,
        } => DeleteSpec::tag(namespace, stream, tag, after, None, false),
        PageAction::DeleteApp {
            namespace,
            app,
            deployment,
        } => DeleteSpec::app(namespace, app, deployment, after),
    })
}

impl Loaded {
    /// A page that is one tree.
    pub fn tree(tree: Option<Element>) -> Result<Loaded, ApiError> {
        Ok(Loaded {
            before: tree,
            ..Loaded::default()
        })
    }
}

/// A page load in progress. Boxed, so the three pages share one resource and view type: every
/// distinct type costs kilobytes of generic rendering code in the wasm.
pub type LoadFuture = Pin<Box<dyn Future<Output = Result<Loaded, ApiError>>>>;

/// How a page about Deployments or tags is titled and loaded; the project and name come from
/// the route (`:ns`, `:name`, percent-decoded).
#[derive(Clone, Copy)]
pub struct PageKind {
    /// The kind badge before the name ("D", "IST"), empty for a list page.
    pub badge: &'static str,
    /// The heading, from project and name.
    pub title: fn(&str, &str) -> String,
    /// The link back (href, text), if any.
    pub back: fn(&str, &str) -> Option<(String, String)>,
    /// The status text while loading, in English (shown through [`t`]).
    pub loading: &'static str,
    /// What failed, from project, name and whether the server said 404.
    pub failed: fn(&str, &str, bool) -> String,
    /// Starts the load.
    pub load: fn(Client, String, String) -> LoadFuture,
}

/// Undoes percent-encoding (`httpd%3Alatest` → `httpd:latest`); bytes that do not decode stay.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (byte, hex) {
            (b'%', Some(value)) => {
                out.push(value);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The page shell: back link, heading, project, then the loaded content or the server's
/// reason and message in an alert (a 401 ends the session).
#[component]
pub fn LoadedPage(kind: PageKind) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let namespace = move || params.read().get("ns").unwrap_or_default();
    let name = move || percent_decode(&params.read().get("name").unwrap_or_default());
    let data = LocalResource::new(move || (kind.load)(auth.client.get(), namespace(), name()));
    let navigate = use_navigate();
    let action = move || {
        let action = data.with(|loaded| match loaded {
            Some(Ok(loaded)) => loaded.action.clone(),
            _ => None,
        })?;
        Some(action_view(action, navigate.clone()))
    };
    let class = style! {
        h1 {
            overflow-wrap: anywhere;
        }
        .copies {
            display: flex;
            gap: 0.75rem;
            margin: 0.5rem 0 0;
        }
    };
    let back = move || {
        (kind.back)(&namespace(), &name()).map(|(href, text)| {
            view! { class=class,
                <p class="back">
                    <a href=crate::paths::href(&href)>{text}</a>
                </p>
            }
        })
    };
    let badge = (!kind.badge.is_empty())
        .then(|| view! { class=class, <span class="kind" aria-hidden="true">{kind.badge}</span> });
    view! { class=class,
        {back}
        <div class="heading">
            <h1>{badge} {move || (kind.title)(&namespace(), &name())}</h1>
            <div class="actions">{action}</div>
        </div>
        <p class="subtitle">{t("Project:")}" " <strong>{namespace}</strong></p>
        <Suspense fallback=move || view! { <p role="status">{t(kind.loading)}</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(loaded) => {
                            let copies = loaded
                                .copies
                                .into_iter()
                                .map(|(what, text)| view! { <CopyButton what text /> })
                                .collect_view();
                            let page = page_class();
                            let timeline = loaded.timeline.map(|(tag, history)| {
                                let now = js_sys::Date::now() as i64;
                                view! { class=page,
                                    <section aria-labelledby="history-heading">
                                        <h2 id="history-heading">{t("History")}</h2>
                                        <HistoryTimeline tag history now=Signal::stored(now) />
                                    </section>
                                }
                            });
                            view! { class=class,
                                {dom::mount(loaded.before)}
                                <div class="copies">{copies}</div>
                                {timeline}
                                {dom::mount(loaded.after)}
                            }
                                .into_any()
                        }
                        Err(err) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            let what = (kind.failed)(&namespace(), &name(), err.is_not_found());
                            let detail = err.to_string();
                            view! {
                                <div role="alert" class="error">
                                    <strong>{what}</strong>
                                    {detail}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// Streams of other projects that the Deployments' triggers and pull specs name, fetched once
/// per project (they are not watched) while the page shows one project.
#[derive(Default)]
struct OtherStreams {
    /// Bumped when the page's project changes: answers for an older one are dropped.
    generation: u64,
    /// The projects asked for so far.
    asked: BTreeSet<String>,
    /// Their streams, as they arrived.
    streams: Vec<ImageStream>,
}

/// `/k8s/ns/:ns/deployments`: the project's Deployments and image streams listed and then
/// watched ([`LiveList`]), the table and the map built again (with [`dom`]) whenever either
/// list changes in a way the page shows (at most once per frame: the lists batch per frame).
/// Also the "what runs where" embed (`crate::pages::embed`): `embedded` leaves out the map and,
/// unless `actions`, Delete all.
#[component]
pub fn DeploymentsPage(
    /// Shown in an embed.
    #[prop(optional)]
    embedded: bool,
    /// In an embed, offer Delete all.
    #[prop(optional)]
    actions: bool,
) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let namespace = Memo::new(move |_| params.read().get("ns").unwrap_or_default());
    let deployments = LiveList::<Deployment>::new();
    let streams = LiveList::<ImageStream>::new();
    let others = StoredValue::new_local(OtherStreams::default());
    let others_version = RwSignal::new(0u64);
    Effect::new(move |_| {
        let namespace = namespace.get();
        auth.client.track();
        others.update_value(|others| {
            *others = OtherStreams {
                generation: others.generation + 1,
                ..OtherStreams::default()
            }
        });
        let path = resource_path(APPS_V1, Some(&namespace), "deployments", None);
        deployments.start(auth, path, String::new());
        let path = resource_path(IMAGE_V1, Some(&namespace), "imagestreams", None);
        streams.start(auth, path, String::new());
    });
    on_cleanup(move || {
        deployments.stop();
        streams.stop();
    });

    // Fetches the streams of the projects in `wanted` not asked for yet; each answer re-renders.
    let fetch_others = move |wanted: Vec<String>| {
        let Some((generation, new)) = others.try_update_value(|others| {
            let new: Vec<String> = wanted
                .into_iter()
                .filter(|project| others.asked.insert(project.clone()))
                .collect();
            (others.generation, new)
        }) else {
            return;
        };
        for project in new {
            let client = auth.client.get_untracked();
            leptos::task::spawn_local(async move {
                let result = client.image_streams(&project).await;
                let list = match result {
                    Ok(list) => list.items,
                    Err(err) if err.is_unauthorized() => return auth.expired(),
                    // A project the user may not read leaves those images unresolved.
                    Err(_) => return,
                };
                let stored = others.try_update_value(|others| {
                    let current = others.generation == generation;
                    if current {
                        others.streams.extend(list);
                    }
                    current
                });
                if stored == Some(true) {
                    others_version.try_update(|version| *version += 1);
                }
            });
        }
    };

    let ready = move || deployments.complete().get() && streams.complete().get();
    let build = move || -> Option<Element> {
        others_version.track();
        // Every change of a Deployment the list applied, READY included: the list itself only
        // counts what the image streams page shows (spec and metadata, not rollout status).
        deployments.applied_version().track();
        if !ready() {
            return None;
        }
        let namespace = namespace.get_untracked();
        // The list keeps no order; the table is in name order, as `oc get` lists.
        let mut shown: Vec<Deployment> =
            deployments.with_items(|items| items.as_slice().to_vec())?;
        shown.sort_by(|a, b| a.metadata.name().cmp(b.metadata.name()));
        fetch_others(other_projects(&namespace, &shown));
        streams.with_items(|own| {
            others.with_value(|others| {
                if others.streams.is_empty() {
                    deployments_tree(&namespace, &shown, own.as_slice(), !embedded)
                } else {
                    let all: Vec<ImageStream> = own
                        .as_slice()
                        .iter()
                        .chain(&others.streams)
                        .cloned()
                        .collect();
                    deployments_tree(&namespace, &shown, &all, !embedded)
                }
            })
        })?
    };

    // One indicator for both lists: the Deployments' state, or the streams' once that is live.
    let connection = Signal::derive(move || match deployments.connection().get() {
        Connection::Live => streams.connection().get(),
        other => other,
    });
    // A list the server refuses for good (not a broken connection, which is retried).
    let failed = move || {
        [deployments.connection(), streams.connection()]
            .into_iter()
            .zip([deployments.error(), streams.error()])
            .find(|(connection, _)| connection.get() == Connection::Lost)
            .and_then(|(_, error)| error.get())
            .map(|err| {
                view! {
                    <div role="alert" class="error">
                        <strong>{t("Could not list deployments.")}" "</strong>
                        {err.to_string()}
                    </div>
                }
            })
    };
    let loading = move || {
        (!ready() && connection.get() != Connection::Lost)
            .then(|| view! { <p role="status">{t("Loading deployments…")}</p> })
    };
    // `oc delete all --all`, for the project shown (a new button when the project changes).
    let delete_all = move || {
        let namespace = namespace.get();
        (!embedded || actions).then(|| view! { <DeleteAllButton namespace /> })
    };
    view! {
        <div class="heading">
            <h1>{t("Deployments")}</h1>
            <ConnectionStatus state=connection />
            <div class="actions">{delete_all}</div>
        </div>
        <p class="subtitle">{t("Project:")}" " <strong>{namespace}</strong></p>
        {failed}
        {loading}
        {dom::mount_live(build)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(json: &str) -> Deployment {
        serde_json::from_str(json).expect("a Deployment")
    }

    #[test]
    fn ready_reads_like_oc_get_deployment() {
        let d = deployment(r#"{"spec":{"replicas":3},"status":{"readyReplicas":2}}"#);
        assert_eq!(ready_text(&d), "2/3");
        assert_eq!(ready_text(&deployment("{}")), "0/1");
    }

    #[test]
    fn states_read_as_words() {
        assert_eq!(
            state_text(UseState::Stale { behind: 1 }),
            "1 version behind"
        );
        assert_eq!(
            state_text(UseState::Stale { behind: 3 }),
            "3 versions behind"
        );
        assert_eq!(state_text(UseState::Current), "current");
    }

    #[test]
    fn other_projects_come_from_triggers_and_registry_paths_only() {
        let d = deployment(
            r#"{"metadata":{"name":"web","annotations":{"image.openshift.io/triggers":"[{\"from\":{\"kind\":\"ImageStreamTag\",\"name\":\"httpd:latest\",\"namespace\":\"openshift\"},\"fieldPath\":\"spec.template.spec.containers[0].image\"}]"}},
                "spec":{"template":{"spec":{"containers":[
                    {"name":"a","image":"image-registry.openshift-image-registry.svc:5000/shared/py@sha256:0000000000000000000000000000000000000000000000000000000000000000"},
                    {"name":"b","image":"library/nginx:latest"},
                    {"name":"c","image":"quay.io/demo/own:1"}]}}}}"#,
        );
        assert_eq!(other_projects("demo", &[d]), ["openshift", "shared"]);
    }

    #[test]
    fn an_encoded_colon_decodes() {
        assert_eq!(percent_decode("httpd%3Alatest"), "httpd:latest");
        assert_eq!(percent_decode("httpd:latest"), "httpd:latest");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn istag_links_keep_the_colon() {
        assert_eq!(
            istag_href("openshift", "httpd", "2.4-el9"),
            "/k8s/ns/openshift/imagestreamtags/httpd:2.4-el9"
        );
    }
}

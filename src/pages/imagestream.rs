//! One image stream (`oc describe is NAME`): its metadata, how to pull it, its tags with the
//! image each holds and how the import went, each tag's history, and the raw object.

use crate::api::{resource_path, ApiError, APPS_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::add_tag::AddTagButton;
use crate::components::clock::ago;
use crate::components::clock::use_now;
use crate::components::copy_button::CopyButton;
use crate::components::delete_dialog::{
    delete_tag_permission, use_permissions, DeleteImageStreamButton, DeleteTagButton, DeletionWatch,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::history_timeline::HistoryTimeline;
use crate::components::reimport::ReimportButton;
use crate::components::toast::use_toaster;
use crate::i18n::{fmt_count, t, tf};
use imagestream_model::graph::{ProjectObjects, ReferenceGraph, UseState};
use imagestream_model::reference::short_digest;
use imagestream_model::tags::{tag_views, unique_images, ImportStatus, TagSource, TagView};
use imagestream_model::yaml::to_yaml;
use imagestream_model::{Deployment, ImageStream, List};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeMap;
use stylers_macro::style;

/// `/k8s/ns/:ns/imagestreams/:name`.
#[component]
pub fn ImageStreamPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let namespace = move || params.read().get("ns").unwrap_or_default();
    let name = move || params.read().get("name").unwrap_or_default();
    let stream = LocalResource::new(move || {
        let client = auth.client.get();
        let (namespace, name) = (namespace(), name());
        async move { client.image_stream(&namespace, &name).await }
    });
    let resource = stream;
    // Who runs the stream's images: the project's Deployments (a failure only hides USED BY).
    // A plain signal rather than a resource: the `Suspense` below must not wait for thousands of
    // Deployments before showing the tags; USED BY fills in when they arrive.
    let deployments = RwSignal::new(None::<Result<Vec<Deployment>, ApiError>>);
    let request = StoredValue::new(0u64);
    Effect::new(move |_| {
        let client = auth.client.get();
        let path = resource_path(APPS_V1, Some(&namespace()), "deployments", None);
        let Some(number) = request.try_update_value(|number| {
            *number += 1;
            *number
        }) else {
            return;
        };
        deployments.set(None);
        leptos::task::spawn_local(async move {
            let loaded = client
                .get::<List<Deployment>>(&path)
                .await
                .map(|list| list.items);
            if request.try_get_value() == Some(number) {
                deployments.try_set(Some(loaded));
            }
        });
    });
    let now = use_now();
    let list_href = move || format!("/k8s/ns/{}/imagestreams", namespace());

    // Deleted here (Delete, then the list) or by someone else while the page is open (the
    // list, with a word about it): either way the page does not stay on a stream that is gone.
    let toaster = use_toaster();
    let navigate = use_navigate();
    let deleting = RwSignal::new(false);
    let to_list = {
        let navigate = navigate.clone();
        Callback::new(move |()| navigate(&list_href(), Default::default()))
    };
    let watch = DeletionWatch::new(auth, move || {
        if deleting.get_untracked() {
            return;
        }
        let (namespace, name) = params.with_untracked(|params| {
            (
                params.get("ns").unwrap_or_default(),
                params.get("name").unwrap_or_default(),
            )
        });
        toaster.info(tf("Image stream {name} was deleted", &[("name", &name)]));
        navigate(
            &format!("/k8s/ns/{namespace}/imagestreams"),
            Default::default(),
        );
    });
    Effect::new(move |_| {
        let loaded = stream.with(|loaded| match loaded {
            Some(Ok(stream)) => Some(resource_path(
                IMAGE_V1,
                Some(stream.metadata.namespace()),
                "imagestreams",
                Some(stream.metadata.name()),
            )),
            _ => None,
        });
        match loaded {
            Some(path) => watch.start(path),
            None => watch.stop(),
        }
    });
    let reload_page = Callback::new(move |()| resource.refetch());
    let delete = move || {
        let (namespace, name) = (namespace(), name());
        view! {
            <DeleteImageStreamButton
                namespace
                name
                after=to_list
                reload=reload_page
                busy=deleting
            />
        }
    };

    view! {
        <p class="back">
            <a href=move || crate::paths::href(&list_href())>"← "{t("Image streams")}</a>
        </p>
        <div class="heading">
            <h1>
                <span class="kind" aria-hidden="true">"IS"</span>
                {name}
            </h1>
            <div class="actions">{delete}</div>
        </div>
        <p class="subtitle">{t("Project:")}" " <strong>{namespace}</strong></p>
        <Suspense fallback=|| view! { <p role="status">{t("Loading image stream…")}</p> }>
            {move || {
                stream
                    .get()
                    .map(|result| match result {
                        Ok(stream) => {
                            let of = stream.clone();
                            // Once per arrival of the Deployments, not once per tag row.
                            let uses = Memo::new(move |_| {
                                deployments.with(|loaded| {
                                    loaded.as_ref().map(|loaded| match loaded {
                                        Ok(list) => Ok(uses_by_tag(&of, list)),
                                        Err(err) => Err(err.clone()),
                                    })
                                })
                            });
                            let reload = Callback::new(move |()| resource.refetch());
                            view! { <StreamDetails stream uses=uses.into() reload now /> }
                                .into_any()
                        }
                        Err(err) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            let retry = move || stream.refetch();
                            view! { <LoadError err name=name() namespace=namespace() retry /> }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// One workload running one of a tag's images, for the USED BY column.
#[derive(Debug, Clone, PartialEq)]
pub struct TagUse {
    deployment: String,
    state: UseState,
}

/// USED BY per tag: `None` while Deployments load, an error when they cannot be read.
pub(crate) type UsesSignal = Signal<Option<Result<BTreeMap<String, Vec<TagUse>>, ApiError>>>;

/// The Deployments using each tag of `stream` (tag "" for uses by digest alone), from the
/// model's reference graph.
pub(crate) fn uses_by_tag(
    stream: &ImageStream,
    deployments: &[Deployment],
) -> BTreeMap<String, Vec<TagUse>> {
    let namespace = stream.metadata.namespace();
    let graph = ReferenceGraph::build(&ProjectObjects {
        namespace,
        streams: std::slice::from_ref(stream),
        deployments,
        deployment_configs: &[],
        pods: &[],
    });
    let mut by_tag: BTreeMap<String, Vec<TagUse>> = BTreeMap::new();
    for image_use in graph.uses_of_stream(namespace, stream.metadata.name()) {
        let uses = by_tag
            .entry(image_use.tag.clone().unwrap_or_default())
            .or_default();
        if !uses
            .iter()
            .any(|known| known.deployment == image_use.workload.name)
        {
            uses.push(TagUse {
                deployment: image_use.workload.name.clone(),
                state: image_use.state,
            });
        }
    }
    by_tag
}

/// How a use reads in the USED BY column, and in the delete dialog's "Still referenced by".
pub(crate) fn use_state_text(state: UseState) -> String {
    match state {
        UseState::Current => t("current").into(),
        UseState::Stale { behind: 1 } => t("1 version behind").into(),
        UseState::Stale { behind } => {
            tf("{n} versions behind", &[("n", &fmt_count(behind as u64))])
        }
        UseState::Pending => t("trigger pending").into(),
        UseState::NotInHistory => t("image not in history").into(),
        UseState::Unresolved => t("tag has no image").into(),
    }
}

/// The USED BY cell of one tag: each Deployment, linked, with whether it runs the current image.
fn used_by_cell(namespace: &str, uses: Option<&Vec<TagUse>>, class: &'static str) -> AnyView {
    let Some(uses) = uses.filter(|uses| !uses.is_empty()) else {
        return view! { class=class, <span class="none">{t("none")}</span> }.into_any();
    };
    uses.iter()
        .map(|tag_use| {
            let href = format!("/k8s/ns/{namespace}/deployments/{}", tag_use.deployment);
            let state = use_state_text(tag_use.state);
            let stale = tag_use.state.is_stale().then_some("stale");
            view! { class=class,
                <span class="use">
                    <a href=crate::paths::href(&href)>{tag_use.deployment.clone()}</a>
                    " "
                    <span class=stale>{format!("({state})")}</span>
                </span>
            }
        })
        .collect_view()
        .into_any()
}

/// Why the stream could not be shown: "not found" names the stream and project; a network
/// failure offers to try again.
#[component]
pub(crate) fn LoadError(
    err: ApiError,
    name: String,
    namespace: String,
    #[prop(into)] retry: Callback<()>,
) -> impl IntoView {
    if err.is_not_found() {
        let message = err.server_message().unwrap_or_default().to_owned();
        view! {
            <div role="alert" class="error">
                <strong>
                    {tf(
                        "Image stream {name} not found in project {project}.",
                        &[("name", &name), ("project", &namespace)],
                    )}
                    " "
                </strong>
                {message}
            </div>
        }
        .into_any()
    } else {
        view! { <ErrorPanel action=t("Could not load the image stream.").to_owned() error=err retry /> }
            .into_any()
    }
}

/// Renders `key=value` pairs as chips (styled by the caller's scoped `class`), or "none".
fn pairs(map: Option<&BTreeMap<String, String>>, class: &'static str) -> AnyView {
    match map.filter(|map| !map.is_empty()) {
        None => view! { class=class, <span class="none">{t("none")}</span> }.into_any(),
        Some(map) => map
            .iter()
            .map(|(key, value)| {
                let text = format!("{key}={value}");
                view! { class=class, <code class="chip">{text}</code> " " }
            })
            .collect_view()
            .into_any(),
    }
}

/// What the SOURCE column says about where a tag's image comes from.
fn source_text(source: &TagSource, namespace: &str) -> String {
    match source {
        TagSource::DockerImage { pull_spec } => pull_spec.clone(),
        TagSource::ImageStreamTag {
            stream,
            tag,
            namespace: ns,
        } if ns == namespace => format!("ImageStreamTag {stream}:{tag}"),
        TagSource::ImageStreamTag {
            stream,
            tag,
            namespace: ns,
        } => format!("ImageStreamTag {ns}/{stream}:{tag}"),
        TagSource::ImageStreamImage {
            stream,
            image,
            namespace: ns,
        } => format!("ImageStreamImage {ns}/{stream}@{}", short_digest(image)),
        TagSource::Pushed => t("pushed").to_owned(),
        TagSource::NoSource => t("no source").to_owned(),
        TagSource::Unknown { kind, name } => format!("{kind} {name}"),
    }
}

/// The IMPORT STATUS column's words, like the OpenShift console's.
fn import_text(status: &ImportStatus) -> String {
    match status {
        ImportStatus::Imported => t("Imported").to_owned(),
        ImportStatus::Pending => t("Pending").to_owned(),
        ImportStatus::Failed {
            reason, message, ..
        } => tf(
            "Import failed ({reason}): {message}",
            &[("reason", reason), ("message", message)],
        ),
        ImportStatus::NoSource => t("No source").to_owned(),
    }
}

/// Everything below the heading, once the stream is loaded.
#[component]
fn StreamDetails(
    stream: ImageStream,
    uses: UsesSignal,
    reload: Callback<()>,
    now: ReadSignal<i64>,
) -> impl IntoView {
    let class = style! {
        section {
            margin: 1.25rem 0 0;
            min-width: 0;
        }
        .overview {
            display: grid;
            grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
            gap: 0 2.5rem;
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
            margin: 0 0 0.25rem;
            font-family: var(--mono);
        }
        dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.2rem 1.5rem;
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
        .chip {
            display: inline-block;
            font-family: var(--mono);
            font-size: 0.8rem;
            border: 1px solid var(--border);
            border-radius: 3px;
            padding: 0 0.35rem;
            margin: 0 0.25rem 0.25rem 0;
        }
        .none {
            color: var(--muted);
        }
        .pull {
            display: flex;
            align-items: flex-start;
            gap: 0.5rem;
        }
        .pull code {
            flex: 1 1 auto;
            min-width: 0;
        }
        .spec {
            font-family: var(--mono);
            font-size: 0.8rem;
            background: var(--row-hover);
            border: 1px solid var(--border);
            padding: 0.1rem 0.45rem;
            overflow-wrap: anywhere;
        }
        .examples {
            margin: 0.75rem 0 0;
            padding: 0.5rem 0.75rem;
            background: var(--row-hover);
            border-left: 3px solid var(--border-strong);
            font-family: var(--mono);
            font-size: 0.8rem;
            white-space: pre-wrap;
            overflow-wrap: anywhere;
        }
        .histories {
            display: grid;
            grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
            gap: 1rem 2rem;
        }
        ol {
            list-style: none;
            margin: 0.25rem 0 0;
            padding: 0;
            font-size: 0.85rem;
        }
        li code {
            font-family: var(--mono);
        }
        .when {
            color: var(--muted);
        }
        .raw-toggle {
            font: inherit;
            background: transparent;
            color: var(--accent);
            border: 1px solid var(--accent);
            border-radius: 3px;
            padding: 0.2rem 0.75rem;
            cursor: pointer;
        }
        pre {
            margin: 0.75rem 0 0;
            padding: 0.75rem;
            max-height: 32rem;
            overflow: auto;
            background: var(--row-hover);
            border: 1px solid var(--border);
            font-family: var(--mono);
            font-size: 0.8rem;
        }
    };
    let namespace = stream.metadata.namespace().to_owned();
    let name = stream.metadata.name().to_owned();
    let views = tag_views(&stream);
    let status = stream.status.clone().unwrap_or_default();
    let internal = status.docker_image_repository.clone();
    let public = status
        .public_docker_image_repository
        .clone()
        .filter(|public| !public.is_empty());
    let lookup_local = stream
        .spec
        .as_ref()
        .and_then(|spec| spec.lookup_policy.as_ref())
        .is_some_and(|policy| policy.local);
    let created = stream
        .metadata
        .creation_timestamp
        .clone()
        .flatten()
        .unwrap_or_default();
    let created_title = created.clone();
    let created_age = move || ago(&created, now.get()).unwrap_or_else(|| t("unknown").to_owned());
    let labels = pairs(stream.metadata.labels.as_ref(), class);
    let annotations = pairs(stream.metadata.annotations.as_ref(), class);
    let unique = unique_images(&stream);
    let tag_count = views.len();
    // Which text of the raw object is shown: none, "YAML" or "JSON".
    let raw_format = RwSignal::new(None::<&'static str>);
    let raw_button = move |format: &'static str| {
        view! { class=class,
            <button
                type="button"
                class="raw-toggle"
                aria-pressed=move || (raw_format.get() == Some(format)).to_string()
                on:click=move |_| {
                    raw_format.update(|shown| {
                        *shown = if *shown == Some(format) { None } else { Some(format) }
                    })
                }
            >
                {format}
            </button>
        }
    };

    let example_tag = views
        .first()
        .map_or_else(|| "latest".to_owned(), |view| view.name.clone());
    let pull_from = public.clone().unwrap_or_else(|| internal.clone());
    let examples = format!(
        "docker pull {pull_from}:{example_tag}\noc tag {namespace}/{name}:{example_tag} {other}:{example_tag}",
        other = t("<other>")
    );
    let internal_row = (!internal.is_empty()).then(|| {
        let text = internal.clone();
        view! { class=class,
            <dt>{t("Internal")}</dt>
            <dd class="pull">
                <code class="spec">{internal.clone()}</code>
                <CopyButton what=t("internal repository") text />
            </dd>
        }
    });
    let public_row = public.clone().map(|public| {
        let text = public.clone();
        view! { class=class,
            <dt>{t("Public")}</dt>
            <dd class="pull">
                <code class="spec">{public}</code>
                <CopyButton what=t("public repository") text />
            </dd>
        }
    });

    let by_name: BTreeMap<String, TagView> = views
        .iter()
        .map(|view| (view.name.clone(), view.clone()))
        .collect();
    let histories = views
        .iter()
        .filter(|view| view.alias_of.is_none() && !view.history.is_empty())
        .map(|view| {
            let tag = view.name.clone();
            let aliases = (!view.aliases.is_empty())
                .then(|| tf(" (also {tags})", &[("tags", &view.aliases.join(", "))]));
            let items = view
                .history
                .iter()
                .enumerate()
                .map(|(index, event)| {
                    let digest = short_digest(&event.image).to_owned();
                    let full = event.image.clone();
                    let created = event.created.clone();
                    let when = move || ago(&created, now.get()).unwrap_or_default();
                    view! { class=class,
                        <li>
                            <code title=full>{digest}</code>
                            " "
                            <span class="when">{when}</span>
                            {(index == 0).then(|| t(" · current"))}
                        </li>
                    }
                })
                .collect_view();
            view! { class=class,
                <div class="history">
                    <h3>{tag.clone()}<span class="when">{aliases}</span></h3>
                    <HistoryTimeline tag history=view.history.clone() now />
                    <ol>{items}</ol>
                </div>
            }
        })
        .collect_view();

    // The raw object is only turned into text when asked for.
    let object = stream.clone();
    let raw = StoredValue::new(stream);
    view! { class=class,
        <div class="overview">
        <section aria-labelledby="details-heading">
            <h2 id="details-heading">{t("Details")}</h2>
            <dl>
                <dt>{t("Namespace")}</dt>
                <dd>{namespace.clone()}</dd>
                <dt>{t("Created")}</dt>
                <dd title=created_title>{created_age}</dd>
                <dt>{t("Labels")}</dt>
                <dd>{labels}</dd>
                <dt>{t("Annotations")}</dt>
                <dd>{annotations}</dd>
                <dt>{t("Image lookup")}</dt>
                <dd>
                    <code>{format!("local={lookup_local}")}</code>
                </dd>
                <dt>{t("Unique images")}</dt>
                <dd>{fmt_count(unique as u64)}</dd>
                <dt>{t("Tags")}</dt>
                <dd>{fmt_count(tag_count as u64)}</dd>
            </dl>
        </section>
        <section aria-labelledby="pull-heading">
            <h2 id="pull-heading">{t("Pull specs")}</h2>
            <dl>{internal_row} {public_row}</dl>
            <pre class="examples">{examples}</pre>
        </section>
        </div>
        <section aria-labelledby="tags-heading">
            <h2 id="tags-heading">{t("Tags")}</h2>
            <AddTagButton stream=object.clone() added=reload />
            <TagsTable views=views.clone() by_name object namespace=namespace.clone() uses reload now />
        </section>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t("History")}</h2>
            <div class="histories">{histories}</div>
        </section>
        <section aria-labelledby="raw-heading">
            <h2 id="raw-heading">{t("Object")}</h2>
            {raw_button("YAML")}
            " "
            {raw_button("JSON")}
            {move || {
                raw_format
                    .get()
                    .map(|format| {
                        let object = raw
                            .with_value(|stream| serde_json::to_value(stream).unwrap_or_default());
                        let text = if format == "YAML" {
                            to_yaml(&object)
                        } else {
                            serde_json::to_string_pretty(&object).unwrap_or_default()
                        };
                        view! { class=class, <pre role="region" tabindex="0" aria-label=tf("{format} of the image stream", &[("format", format)])>{text}</pre> }
                    })
            }}
        </section>
    }
}

/// The tags of the stream: TAG, SOURCE, DIGEST, PULL SPEC, UPDATED, IMPORT STATUS.
/// Also the table of the image stream embed (`crate::pages::embed`), which is read-only unless
/// asked otherwise (`actions`).
#[component]
pub(crate) fn TagsTable(
    views: Vec<TagView>,
    by_name: BTreeMap<String, TagView>,
    object: ImageStream,
    namespace: String,
    uses: UsesSignal,
    reload: Callback<()>,
    now: ReadSignal<i64>,
    /// Whether rows offer Re-import and Delete.
    #[prop(default = true)]
    actions: bool,
) -> impl IntoView {
    let stream = object.metadata.name().to_owned();
    // Asked once for every row's Delete.
    let may_delete_tags = actions.then(|| use_permissions(vec![delete_tag_permission(&namespace)]));
    let class = style! {
        .mono {
            font-family: var(--mono);
            font-size: 0.8rem;
            overflow-wrap: anywhere;
        }
        .tag {
            font-weight: 600;
            white-space: nowrap;
        }
        .digest {
            position: relative;
            font-family: var(--mono);
            font-size: 0.85rem;
            cursor: help;
        }
        .digest .full {
            display: none;
        }
        .digest:focus .full {
            display: block;
            position: absolute;
            z-index: 2;
            top: 1.6rem;
            left: 0;
            padding: 0.25rem 0.5rem;
            background: var(--masthead-bg);
            color: var(--masthead-fg);
            white-space: nowrap;
            border-radius: 3px;
        }
        .ok {
            color: var(--fg);
        }
        .failed {
            color: var(--danger-fg);
        }
        .pending {
            color: var(--muted);
            font-style: italic;
        }
        .stale {
            color: var(--stale);
            font-weight: 600;
        }
        .use {
            display: block;
            white-space: nowrap;
        }
        a {
            color: var(--accent);
        }
        .none {
            color: var(--muted);
        }
        .sched {
            margin-left: 0.4rem;
            font-size: 0.75rem;
            border: 1px solid var(--border-strong);
            border-radius: 1rem;
            padding: 0 0.4rem;
        }
    };
    let rows = views
        .into_iter()
        .map(|view| {
            // An alias without its own status shows what its target holds.
            let shown = match (&view.alias_of, view.current()) {
                (Some(target), None) => by_name.get(target).unwrap_or(&view),
                _ => &view,
            };
            let tag_href = format!("/k8s/ns/{namespace}/imagestreamtags/{stream}:{}", view.name);
            let alias = view.alias_of.as_ref().map(|target| format!(" → {target}"));
            let source = source_text(&view.source, &namespace);
            let digest = shown.current().map(|event| {
                let full = event.image.clone();
                let short = short_digest(&full).to_owned();
                let title = full.clone();
                let text = full.clone();
                view! { class=class,
                    <code class="digest" tabindex="0" title=title>
                        {short}
                        <span class="full">{full}</span>
                    </code>
                    " "
                    <CopyButton what=t("digest") text />
                }
            });
            let tag = view.name.clone();
            let tag_namespace = namespace.clone();
            let used_by = move || match uses.get() {
                None => view! { class=class, <span class="none">"…"</span> }.into_any(),
                Some(Err(err)) => {
                    let why = err.to_string();
                    view! { class=class, <span class="none" title=why>{t("unknown")}</span> }.into_any()
                }
                Some(Ok(by_tag)) => used_by_cell(&tag_namespace, by_tag.get(&tag), class),
            };
            let pull_spec = shown.resolved_pull_spec.clone().unwrap_or_default();
            let created = shown
                .current()
                .map(|event| event.created.clone())
                .unwrap_or_default();
            let updated = move || ago(&created, now.get()).unwrap_or_default();
            let status_class = match &view.import_status {
                ImportStatus::Imported => "ok",
                ImportStatus::Failed { .. } => "failed",
                _ => "pending",
            };
            let status = import_text(&view.import_status);
            let scheduled = view
                .scheduled
                .then(|| view! { class=class, <span class="sched">{t("Scheduled")}</span> });
            // `oc import-image STREAM:TAG` applies to tags that follow an external image.
            let reimport = (actions
                && view.alias_of.is_none()
                && matches!(view.source, TagSource::DockerImage { .. }))
            .then(|| {
                view! { <ReimportButton stream=object.clone() tag=view.name.clone() imported=reload /> }
            });
            // `oc tag -d STREAM:TAG`; the stream is loaded again once the tag is gone.
            let delete = may_delete_tags.map(|allowed| {
                view! {
                    <DeleteTagButton
                        namespace=namespace.clone()
                        stream=stream.clone()
                        tag=view.name.clone()
                        after=reload
                        allowed
                        compact=true
                    />
                }
            });
            view! { class=class,
                <tr>
                    <td class="tag"><a href=crate::paths::href(&tag_href)>{view.name.clone()}</a>{alias}</td>
                    <td class="mono">{source}</td>
                    <td>{digest}</td>
                    <td class="mono">{pull_spec}</td>
                    <td>{updated}</td>
                    <td>
                        <span class=status_class>{status}</span>
                        {scheduled}
                        {reimport}
                        {delete}
                    </td>
                    <td>{used_by}</td>
                </tr>
            }
        })
        .collect_view();
    view! { class=class,
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">{t("TAG")}</th>
                    <th scope="col">{t("SOURCE")}</th>
                    <th scope="col">{t("DIGEST")}</th>
                    <th scope="col">{t("PULL SPEC")}</th>
                    <th scope="col">{t("UPDATED")}</th>
                    <th scope="col">{t("IMPORT STATUS")}</th>
                    <th scope="col">{t("USED BY")}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

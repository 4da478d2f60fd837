//! One image stream (`oc describe is NAME`): its metadata, how to pull it, its tags with the
//! image each holds and how the import went, each tag's history, and the raw object.

use crate::api::ApiError;
use crate::auth::Auth;
use crate::components::copy_button::CopyButton;
use crate::components::history_timeline::HistoryTimeline;
use imagestream_model::reference::short_digest;
use imagestream_model::tags::{tag_views, unique_images, ImportStatus, TagSource, TagView};
use imagestream_model::time::ago;
use imagestream_model::ImageStream;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use stylers_macro::style;

/// How often the relative ages move.
const CLOCK_TICK: std::time::Duration = std::time::Duration::from_secs(30);

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
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    let interval =
        set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), CLOCK_TICK).ok();
    on_cleanup(move || {
        if let Some(handle) = interval {
            handle.clear();
        }
    });
    let class = style! {
        .back {
            margin: 0 0 0.5rem;
            font-size: 0.9rem;
        }
        .back a {
            color: var(--accent);
            text-decoration: none;
        }
        .back a:hover {
            text-decoration: underline;
        }
        .kind {
            display: inline-block;
            background: var(--accent-strong);
            color: var(--masthead-fg);
            border-radius: 1rem;
            font-size: 0.8rem;
            font-weight: 600;
            padding: 0 0.45rem;
            margin-right: 0.5rem;
            vertical-align: middle;
        }
    };
    let list_href = move || format!("/k8s/ns/{}/imagestreams", namespace());

    view! { class=class,
        <p class="back">
            <a href=list_href>"← Image streams"</a>
        </p>
        <h1>
            <span class="kind" aria-hidden="true">"IS"</span>
            {name}
        </h1>
        <p class="subtitle">"Project: " <strong>{namespace}</strong></p>
        <Suspense fallback=|| view! { <p role="status">"Loading image stream…"</p> }>
            {move || {
                stream
                    .get()
                    .map(|result| match result {
                        Ok(stream) => view! { <StreamDetails stream now /> }.into_any(),
                        Err(err) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            view! { <LoadError err name=name() namespace=namespace() /> }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// Why the stream could not be shown: "not found" names the stream and project.
#[component]
fn LoadError(err: ApiError, name: String, namespace: String) -> impl IntoView {
    if err.is_not_found() {
        let message = err.server_message().unwrap_or_default().to_owned();
        view! {
            <div role="alert" class="error">
                <strong>{format!("Image stream {name} not found in project {namespace}. ")}</strong>
                {message}
            </div>
        }
        .into_any()
    } else {
        view! {
            <div role="alert" class="error">
                <strong>"Could not load the image stream. "</strong>
                {err.to_string()}
            </div>
        }
        .into_any()
    }
}

/// Renders `key=value` pairs as chips (styled by the caller's scoped `class`), or "none".
fn pairs(map: Option<&BTreeMap<String, String>>, class: &'static str) -> AnyView {
    match map.filter(|map| !map.is_empty()) {
        None => view! { class=class, <span class="none">"none"</span> }.into_any(),
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
        TagSource::Pushed => "pushed".to_owned(),
        TagSource::NoSource => "no source".to_owned(),
        TagSource::Unknown { kind, name } => format!("{kind} {name}"),
    }
}

/// The IMPORT STATUS column's words, like the OpenShift console's.
fn import_text(status: &ImportStatus) -> String {
    match status {
        ImportStatus::Imported => "Imported".to_owned(),
        ImportStatus::Pending => "Pending".to_owned(),
        ImportStatus::Failed {
            reason, message, ..
        } => format!("Import failed ({reason}): {message}"),
        ImportStatus::NoSource => "No source".to_owned(),
    }
}

/// Everything below the heading, once the stream is loaded.
#[component]
fn StreamDetails(stream: ImageStream, now: ReadSignal<i64>) -> impl IntoView {
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
    let created_age = move || ago(&created, now.get()).unwrap_or_else(|| "unknown".to_owned());
    let labels = pairs(stream.metadata.labels.as_ref(), class);
    let annotations = pairs(stream.metadata.annotations.as_ref(), class);
    let unique = unique_images(&stream);
    let tag_count = views.len();
    let raw = serde_json::to_string_pretty(&stream).unwrap_or_default();
    let (show_raw, set_show_raw) = signal(false);

    let example_tag = views
        .first()
        .map_or_else(|| "latest".to_owned(), |view| view.name.clone());
    let pull_from = public.clone().unwrap_or_else(|| internal.clone());
    let examples = format!(
        "docker pull {pull_from}:{example_tag}\noc tag {namespace}/{name}:{example_tag} <other>:{example_tag}"
    );
    let internal_row = (!internal.is_empty()).then(|| {
        let text = internal.clone();
        view! { class=class,
            <dt>"Internal"</dt>
            <dd class="pull">
                <code class="spec">{internal.clone()}</code>
                <CopyButton what="internal repository" text />
            </dd>
        }
    });
    let public_row = public.clone().map(|public| {
        let text = public.clone();
        view! { class=class,
            <dt>"Public"</dt>
            <dd class="pull">
                <code class="spec">{public}</code>
                <CopyButton what="public repository" text />
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
            let aliases =
                (!view.aliases.is_empty()).then(|| format!(" (also {})", view.aliases.join(", ")));
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
                            {(index == 0).then_some(" · current")}
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

    view! { class=class,
        <div class="overview">
        <section aria-labelledby="details-heading">
            <h2 id="details-heading">"Details"</h2>
            <dl>
                <dt>"Namespace"</dt>
                <dd>{namespace.clone()}</dd>
                <dt>"Created"</dt>
                <dd title=created_title>{created_age}</dd>
                <dt>"Labels"</dt>
                <dd>{labels}</dd>
                <dt>"Annotations"</dt>
                <dd>{annotations}</dd>
                <dt>"Image lookup"</dt>
                <dd>
                    <code>{format!("local={lookup_local}")}</code>
                </dd>
                <dt>"Unique images"</dt>
                <dd>{unique}</dd>
                <dt>"Tags"</dt>
                <dd>{tag_count}</dd>
            </dl>
        </section>
        <section aria-labelledby="pull-heading">
            <h2 id="pull-heading">"Pull specs"</h2>
            <dl>{internal_row} {public_row}</dl>
            <pre class="examples">{examples}</pre>
        </section>
        </div>
        <section aria-labelledby="tags-heading">
            <h2 id="tags-heading">"Tags"</h2>
            <TagsTable views=views.clone() by_name namespace=namespace.clone() now />
        </section>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <div class="histories">{histories}</div>
        </section>
        <section aria-labelledby="raw-heading">
            <h2 id="raw-heading">"Object"</h2>
            <button
                type="button"
                class="raw-toggle"
                aria-pressed=move || show_raw.get().to_string()
                on:click=move |_| set_show_raw.update(|shown| *shown = !*shown)
            >
                "YAML/JSON"
            </button>
            {move || show_raw.get().then(|| view! { class=class, <pre>{raw.clone()}</pre> })}
        </section>
    }
}

/// The tags of the stream: TAG, SOURCE, DIGEST, PULL SPEC, UPDATED, IMPORT STATUS.
#[component]
fn TagsTable(
    views: Vec<TagView>,
    by_name: BTreeMap<String, TagView>,
    namespace: String,
    now: ReadSignal<i64>,
) -> impl IntoView {
    let class = style! {
        table {
            width: 100%;
            border-collapse: collapse;
            font-size: 0.9rem;
        }
        th {
            text-align: left;
            font-weight: 600;
            padding: 0.45rem 0.7rem;
            border-bottom: 2px solid var(--border-strong);
            white-space: nowrap;
        }
        td {
            padding: 0.45rem 0.7rem;
            border-bottom: 1px solid var(--border);
            vertical-align: top;
        }
        tbody tr:hover {
            background: var(--row-hover);
        }
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
            let label = match &view.alias_of {
                Some(target) => format!("{} → {target}", view.name),
                None => view.name.clone(),
            };
            let source = source_text(&view.source, &namespace);
            let digest = shown.current().map(|event| {
                let full = event.image.clone();
                let short = short_digest(&full).to_owned();
                let title = full.clone();
                view! { class=class,
                    <code class="digest" tabindex="0" title=title>
                        {short}
                        <span class="full">{full}</span>
                    </code>
                }
            });
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
                .then(|| view! { class=class, <span class="sched">"Scheduled"</span> });
            view! { class=class,
                <tr>
                    <td class="tag">{label}</td>
                    <td class="mono">{source}</td>
                    <td>{digest}</td>
                    <td class="mono">{pull_spec}</td>
                    <td>{updated}</td>
                    <td>
                        <span class=status_class>{status}</span>
                        {scheduled}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { class=class,
        <table>
            <thead>
                <tr>
                    <th scope="col">"TAG"</th>
                    <th scope="col">"SOURCE"</th>
                    <th scope="col">"DIGEST"</th>
                    <th scope="col">"PULL SPEC"</th>
                    <th scope="col">"UPDATED"</th>
                    <th scope="col">"IMPORT STATUS"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

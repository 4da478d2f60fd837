//! The image streams of a project (`oc get is`), live: listed in chunks and then watched, with
//! a name filter, a server-side label selector, sortable columns and USED BY (which of the
//! project's Deployments run one of the stream's images, and whether some run an older one).
//! The filter, selector and sort live in the URL, so a reload or a shared link keeps them.

use crate::api::{resource_path, session, Config, APPS_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::clock::use_now;
use crate::components::connection_status::ConnectionStatus;
use crate::components::error_panel::ErrorPanel;
use crate::components::imagestream_table::{Sort, SortColumn, SortOrder, StreamGrid, StreamRow};
use crate::i18n::{fmt_count, t, tf};
use crate::live::{Connection, LiveList};
use imagestream_model::columns::{compact_for_list, image_repository};
use imagestream_model::graph::{compact_deployment, ProjectObjects, ReferenceGraph, StreamUsage};
use imagestream_model::url::encode_component;
use imagestream_model::{Deployment, ImageStream};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use std::cmp::Ordering;
use std::time::Duration;
use stylers_macro::style;

/// What the URL asks the list to show: `?name=..&label=..&sort=updated&order=desc`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    /// Part of the name (as typed; matched case-insensitively).
    pub name: String,
    /// A label selector, sent to the server.
    pub label: String,
    /// Column and order.
    pub sort: Sort,
}

impl ListQuery {
    /// Reads the query string's parameters; unknown values mean the defaults.
    pub fn from_params(params: &ParamsMap) -> Self {
        let column = params
            .get("sort")
            .and_then(|value| SortColumn::from_param(&value))
            .unwrap_or(SortColumn::Name);
        let order = match params.get("order").as_deref() {
            Some("asc") => SortOrder::Ascending,
            Some("desc") => SortOrder::Descending,
            _ => column.first_order(),
        };
        Self {
            name: params.get("name").unwrap_or_default(),
            label: params.get("label").unwrap_or_default(),
            sort: Sort { column, order },
        }
    }

    /// The query string (with its `?`, empty when everything is the default).
    pub fn to_search(&self) -> String {
        let mut parts = Vec::new();
        if !self.name.is_empty() {
            parts.push(format!("name={}", encode_component(&self.name)));
        }
        if !self.label.is_empty() {
            parts.push(format!("label={}", encode_component(&self.label)));
        }
        if self.sort != Sort::default() {
            parts.push(format!("sort={}", self.sort.column.param()));
            parts.push(format!("order={}", self.sort.order.param()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// When the reference graph was last rebuilt and what it cost, so rebuilds never take more than
/// a third of the time while changes pour in.
#[derive(Default)]
struct GraphSchedule {
    scheduled: bool,
    last_end: f64,
    last_cost: f64,
}

/// `/k8s/ns/:ns/imagestreams`.
#[component]
pub fn ImageStreamsPage() -> impl IntoView {
    let class = style! {
        .toolbar {
            display: flex;
            flex-wrap: wrap;
            gap: 1rem 1.5rem;
            align-items: flex-end;
            margin: 0 0 1rem;
        }
        .field {
            display: flex;
            flex-direction: column;
            gap: 0.2rem;
            font-size: 0.85rem;
            color: var(--muted);
        }
        .field input {
            font: inherit;
            font-size: 0.95rem;
            color: var(--fg);
            background: var(--bg);
            padding: 0.3rem 0.5rem;
            border: 1px solid var(--border-strong);
            border-radius: 3px;
            min-width: 16rem;
        }
        .field input[aria-invalid="true"] {
            border-color: var(--danger-fg);
        }
        form {
            display: flex;
            gap: 0.5rem;
            align-items: flex-end;
        }
        form button {
            font: inherit;
            padding: 0.3rem 0.8rem;
            border: 1px solid var(--border-strong);
            border-radius: 3px;
            background: var(--surface);
            color: var(--fg);
            cursor: pointer;
        }
        .progress {
            color: var(--muted);
            font-size: 0.9rem;
            margin: 0 0 0.5rem;
        }
        .invalid {
            color: var(--danger-fg);
            font-size: 0.85rem;
            margin: 0.3rem 0 0;
        }
    };
    let config = expect_context::<Config>();
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let query_map = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let namespace = Memo::new(move |_| params.read().get("ns").unwrap_or_default());
    let query = Memo::new(move |_| ListQuery::from_params(&query_map.read()));
    let label = Memo::new(move |_| query.read().label.clone());

    // Only what the table and USED BY read is kept of each stream (half the memory at 20,000).
    let streams = LiveList::<ImageStream>::new().compacting(compact_for_list);
    // USED BY needs the Deployments, the first rows do not: past their first chunk they are
    // listed once the first image streams are on screen, so that their requests and parsing
    // do not hold those up.
    let deployments = LiveList::<Deployment>::new()
        .compacting(compact_deployment)
        .later_chunks_after(streams.shown());
    Effect::new(move |_| {
        let namespace = namespace.get();
        auth.client.track();
        session::remember_project(&config.api_server, &namespace);
        let path = resource_path(IMAGE_V1, Some(&namespace), "imagestreams", None);
        streams.start(auth, path, label.get());
    });
    Effect::new(move |_| {
        let namespace = namespace.get();
        auth.client.track();
        let path = resource_path(APPS_V1, Some(&namespace), "deployments", None);
        deployments.start(auth, path, String::new());
    });
    on_cleanup(move || {
        streams.stop();
        deployments.stop();
    });

    // USED BY: the reference graph of the project's streams and Deployments, built once both
    // lists are complete (not per chunk while thousands of streams load), then rebuilt at most
    // once per frame, only when one of them changed in a way a page shows (an annotation patch
    // does not count, see `LiveObject::shows_same`), and throttled to its own cost.
    let graph = StoredValue::new(ReferenceGraph::default());
    let graph_ready = RwSignal::new(false);
    let graph_version = RwSignal::new(0u64);
    let schedule = StoredValue::new(GraphSchedule::default());
    let rebuild = move || {
        let started = js_sys::Date::now();
        let ready = deployments.complete().get_untracked() && streams.complete().get_untracked();
        let namespace = namespace.get_untracked();
        let built = deployments
            .with_items_untracked(|workloads| {
                if !ready || workloads.is_empty() {
                    return ReferenceGraph::default();
                }
                streams
                    .with_items_untracked(|streams| {
                        ReferenceGraph::build(&ProjectObjects {
                            namespace: &namespace,
                            streams: streams.as_slice(),
                            deployments: workloads.as_slice(),
                            deployment_configs: &[],
                            pods: &[],
                        })
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        if graph.try_set_value(built).is_some() {
            return;
        }
        let ended = js_sys::Date::now();
        schedule.try_update_value(|schedule| {
            schedule.scheduled = false;
            schedule.last_end = ended;
            schedule.last_cost = ended - started;
        });
        graph_ready.try_set(ready);
        graph_version.try_update(|version| *version += 1);
    };
    Effect::new(move |_| {
        streams.version().track();
        deployments.version().track();
        if !deployments.complete().get() || !streams.complete().get() {
            // A new project or selector is loading: USED BY is unknown until it is complete.
            if graph_ready.get_untracked() {
                graph_ready.set(false);
                graph_version.update(|version| *version += 1);
            }
            return;
        }
        if !graph_ready.get_untracked() {
            // The first graph of a list is built at once, so USED BY appears with the rows that
            // completed it rather than a frame later.
            return rebuild();
        }
        let Some(wait) = schedule
            .try_update_value(|schedule| {
                if schedule.scheduled {
                    return None;
                }
                schedule.scheduled = true;
                let ready_at = schedule.last_end + 2.0 * schedule.last_cost;
                Some((ready_at - js_sys::Date::now()).max(0.0))
            })
            .flatten()
        else {
            return;
        };
        set_timeout(
            move || request_animation_frame(rebuild),
            Duration::from_millis(wait as u64),
        );
    });
    let usage_of = move |graph: &ReferenceGraph, stream: &ImageStream| -> Option<StreamUsage> {
        graph_ready
            .get_untracked()
            .then(|| graph.stream_usage(stream.metadata.namespace(), stream.metadata.name()))
    };

    // The rows to show, as slots of the live list: filtered by name and sorted.
    let order = Memo::new(move |_| {
        let ListQuery { name, sort, .. } = query.get();
        let needle = name.trim().to_lowercase();
        if sort.column == SortColumn::UsedBy {
            graph_version.track();
        }
        streams
            .with_items(|items| {
                let objects = items.as_slice();
                let name = |slot: usize| objects[slot].metadata.name();
                let mut slots: Vec<usize> = (0..objects.len())
                    .filter(|&slot| needle.is_empty() || name(slot).contains(&needle))
                    .collect();
                let by_name = |a: &usize, b: &usize| name(*a).cmp(name(*b));
                let directed = |ordering: Ordering| match sort.order {
                    SortOrder::Ascending => ordering,
                    SortOrder::Descending => ordering.reverse(),
                };
                match sort.column {
                    SortColumn::Name => slots.sort_unstable_by(|a, b| directed(by_name(a, b))),
                    SortColumn::Repository => slots.sort_unstable_by(|a, b| {
                        directed(image_repository(&objects[*a]).cmp(image_repository(&objects[*b])))
                            .then_with(|| by_name(a, b))
                    }),
                    SortColumn::Updated => slots.sort_unstable_by(|a, b| {
                        let updated = |slot: usize| items.get(slot).and_then(|(_, u)| *u);
                        directed(updated(*a).cmp(&updated(*b))).then_with(|| by_name(a, b))
                    }),
                    SortColumn::UsedBy => {
                        let usage: Vec<(usize, usize)> = graph
                            .try_with_value(|graph| {
                                objects
                                    .iter()
                                    .map(|stream| {
                                        let usage = usage_of(graph, stream).unwrap_or_default();
                                        (usage.workloads, usage.stale)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let used = |slot: usize| usage.get(slot).copied().unwrap_or_default();
                        slots.sort_unstable_by(|a, b| {
                            directed(used(*a).cmp(&used(*b))).then_with(|| by_name(a, b))
                        });
                    }
                }
                slots
            })
            .unwrap_or_default()
    });
    let count = Signal::derive(move || order.with(Vec::len));
    let rows = Callback::new(move |(start, end): (usize, usize)| {
        graph_version.track();
        let Some(rows) = streams.with_items(|items| {
            order.with(|order| {
                let end = end.min(order.len());
                let start = start.min(end);
                graph
                    .try_with_value(|graph| {
                        order[start..end]
                            .iter()
                            .filter_map(|&slot| items.get(slot))
                            .map(|(stream, updated)| {
                                StreamRow::new(stream, *updated, usage_of(graph, stream))
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }) else {
            return Vec::new();
        };
        rows
    });

    // The URL is the state: every change replaces the query string.
    let go = StoredValue::new_local(navigate);
    let set_query = move |next: ListQuery| {
        let path = format!(
            "{}{}",
            crate::paths::strip_base(&location.pathname.get_untracked()),
            next.to_search()
        );
        go.with_value(|navigate| {
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            )
        });
    };
    let on_sort = Callback::new(move |column: SortColumn| {
        let mut next = query.get_untracked();
        next.sort = if next.sort.column == column {
            Sort {
                column,
                order: next.sort.order.flipped(),
            }
        } else {
            Sort {
                column,
                order: column.first_order(),
            }
        };
        set_query(next);
    });
    let on_name = move |ev: leptos::ev::Event| {
        let mut next = query.get_untracked();
        next.name = event_target_value(&ev);
        set_query(next);
    };
    let label_input = NodeRef::<leptos::html::Input>::new();
    let on_label = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = label_input.get_untracked() else {
            return;
        };
        let mut next = query.get_untracked();
        next.label = input.value().trim().to_owned();
        set_query(next);
    };
    let initial = query.get_untracked();

    // Errors: a rejected selector is reported at the selector, anything else above the table.
    let selector_error = Memo::new(move |_| {
        let error = streams.error().get()?;
        let rejected =
            matches!(&error, crate::api::ApiError::Status(status) if status.code == Some(400));
        (rejected && !streams.selector().get().is_empty()).then(|| error.to_string())
    });
    let list_error = move || {
        if selector_error.get().is_some() || streams.connection().get() != Connection::Lost {
            return None;
        }
        streams.error().get().map(|error| {
            view! { <ErrorPanel action=t("Could not list image streams.").to_owned() error /> }
        })
    };
    let progress = move || {
        let total = streams.total().get()?;
        (!streams.complete().get()).then(|| {
            tf(
                "Loading image streams… {n} of {total}",
                &[
                    ("n", &fmt_count(streams.loaded().get() as u64)),
                    ("total", &fmt_count(total as u64)),
                ],
            )
        })
    };
    let loading = move || {
        streams.total().get().is_none()
            && streams.error().get().is_none()
            && streams.connection().get() != Connection::Lost
    };
    let has_rows = Memo::new(move |_| streams.total().get().is_some());
    let empty_message = move || {
        if !streams.complete().get() || count.get() > 0 {
            return None;
        }
        let everything = streams.with_items(|items| items.is_empty()).unwrap_or(true)
            && streams.selector().get().is_empty();
        Some(if everything {
            t("No image streams in this project.")
        } else {
            t("No image streams match the filter.")
        })
    };

    let now = use_now();

    view! { class=class,
        <div class="heading" data-live-resource-version=move || streams.applied_version().get()>
            <h1>{t("Image streams")}</h1>
            <ConnectionStatus state=streams.connection() />
            <div class="actions">
                <a class="button" href=move || crate::paths::href(&format!("/import-image/ns/{}", namespace.get()))>
                    {t("Import image")}
                </a>
                <a
                    class="button primary"
                    href=move || crate::paths::href(&format!("/deploy-image/ns/{}", namespace.get()))
                >
                    {t("Deploy image")}
                </a>
            </div>
        </div>
        <p class="subtitle">{t("Project:")}" " <strong>{namespace}</strong></p>
        <div class="toolbar">
            <div class="field">
                <label for="imagestreams-name">{t("Filter by name")}</label>
                <input
                    id="imagestreams-name"
                    type="search"
                    placeholder=t("Name")
                    autocomplete="off"
                    prop:value=initial.name.clone()
                    on:input=on_name
                    on:change=on_name
                />
            </div>
            <form on:submit=on_label>
                <div class="field">
                    <label for="imagestreams-label">{t("Label selector")}</label>
                    <input
                        id="imagestreams-label"
                        type="text"
                        placeholder="app=frontend"
                        autocomplete="off"
                        spellcheck="false"
                        node_ref=label_input
                        prop:value=initial.label.clone()
                        aria-invalid=move || selector_error.get().is_some().then_some("true")
                        aria-describedby=move || {
                            selector_error.get().is_some().then_some("imagestreams-label-error")
                        }
                    />
                </div>
                <button type="submit">{t("Apply")}</button>
            </form>
        </div>
        {move || {
            selector_error
                .get()
                .map(|message| {
                    view! { class=class,
                        <p id="imagestreams-label-error" role="alert" class="invalid">
                            {tf("The label selector was rejected: {error}", &[("error", &message)])}
                        </p>
                    }
                })
        }}
        {list_error}
        {move || {
            loading().then(|| view! { <p role="status" class="loading">{t("Loading image streams…")}</p> })
        }}
        {move || {
            progress().map(|text| view! { class=class, <p role="status" class="progress">{text}</p> })
        }}
        {move || {
            has_rows
                .get()
                .then(|| {
                    view! {
                        <StreamGrid
                            count
                            rows
                            now
                            sort=Signal::derive(move || query.get().sort)
                            on_sort
                            used_by=true
                        />
                    }
                })
        }}
        {move || empty_message().map(|text| view! { <p class="empty">{text}</p> })}
    }
}

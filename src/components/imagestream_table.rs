//! The `oc get is` table: NAME, IMAGE REPOSITORY, TAGS, UPDATED, and USED BY on the live list.
//!
//! Rows are windowed: only the rows in view (plus some overscan) are in the DOM, between two
//! spacer rows as tall as the rows they stand for, so a project with 20,000 streams scrolls
//! like one with twenty and the scrollbar stays honest. `aria-rowcount` and `aria-rowindex`
//! keep it a proper table for screen readers.

use crate::components::clock::ago_text;
use crate::i18n::{fmt_count, t, tf};
use imagestream_model::columns::{image_repository, last_updated, tags_column, TAGS_WIDTH};
use imagestream_model::graph::StreamUsage;
use imagestream_model::time::parse_rfc3339;
use imagestream_model::ImageStream;
use leptos::ev;
use leptos::prelude::*;
use stylers_macro::style;

/// Rows rendered beyond each edge of the viewport.
const OVERSCAN: usize = 20;
/// The window moves in steps of this many rows, so small scrolls re-render nothing.
const STEP: usize = 10;
/// Rows rendered before the first measurement.
const INITIAL_ROWS: usize = 60;
/// Row height assumed until a row has been measured (CSS pixels).
const ASSUMED_ROW_HEIGHT: f64 = 38.0;

/// One image stream as the table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamRow {
    /// The stream's name.
    pub name: String,
    /// Its page, `/k8s/ns/<project>/imagestreams/<name>`.
    pub href: String,
    /// IMAGE REPOSITORY.
    pub repository: String,
    /// The tags that fit, newest first.
    pub tags: String,
    /// How many more tags there are.
    pub more: usize,
    /// When the newest current image was created (Unix milliseconds).
    pub updated: Option<i64>,
    /// USED BY, when the workloads are known.
    pub usage: Option<StreamUsage>,
}

impl StreamRow {
    /// The row for `stream`, with its UPDATED time already known (`updated`) and its use.
    pub fn new(stream: &ImageStream, updated: Option<i64>, usage: Option<StreamUsage>) -> Self {
        let name = stream.metadata.name().to_owned();
        let column = tags_column(stream, TAGS_WIDTH);
        Self {
            href: format!(
                "/k8s/ns/{}/imagestreams/{name}",
                stream.metadata.namespace()
            ),
            name,
            repository: image_repository(stream).to_owned(),
            tags: column.shown.join(", "),
            more: column.hidden,
            updated,
            usage,
        }
    }
}

/// The columns a person can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// NAME (the default, as `oc get is`).
    Name,
    /// IMAGE REPOSITORY.
    Repository,
    /// UPDATED.
    Updated,
    /// USED BY.
    UsedBy,
}

impl SortColumn {
    /// The value in the URL (`?sort=updated`).
    pub fn param(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Repository => "repository",
            SortColumn::Updated => "updated",
            SortColumn::UsedBy => "usedby",
        }
    }

    /// Reads a URL value; unknown values mean the default.
    pub fn from_param(value: &str) -> Option<Self> {
        [
            SortColumn::Name,
            SortColumn::Repository,
            SortColumn::Updated,
            SortColumn::UsedBy,
        ]
        .into_iter()
        .find(|column| column.param() == value)
    }

    /// The order a first click sorts in: names A to Z, times and counts biggest first.
    pub fn first_order(self) -> SortOrder {
        match self {
            SortColumn::Name | SortColumn::Repository => SortOrder::Ascending,
            SortColumn::Updated | SortColumn::UsedBy => SortOrder::Descending,
        }
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// A to Z, oldest first, smallest first.
    Ascending,
    /// The other way round.
    Descending,
}

impl SortOrder {
    /// The value in the URL (`?order=desc`).
    pub fn param(self) -> &'static str {
        match self {
            SortOrder::Ascending => "asc",
            SortOrder::Descending => "desc",
        }
    }

    /// The other order.
    pub fn flipped(self) -> Self {
        match self {
            SortOrder::Ascending => SortOrder::Descending,
            SortOrder::Descending => SortOrder::Ascending,
        }
    }
}

/// Which column the table is sorted by, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column.
    pub column: SortColumn,
    /// The order.
    pub order: SortOrder,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            column: SortColumn::Name,
            order: SortOrder::Ascending,
        }
    }
}

/// The UPDATED text at `now` (Unix milliseconds), as `oc` words it (in the page's language).
pub fn updated_text(updated: Option<i64>, now: i64) -> String {
    updated.map(|then| ago_text(now - then)).unwrap_or_default()
}

/// A fixed list of streams as `oc get is` lists them (no sorting, no USED BY), with UPDATED
/// relative to `now` (Unix milliseconds) so the caller decides how often the ages move.
#[component]
pub fn ImageStreamTable(
    /// The streams, in the order to show them.
    streams: Vec<ImageStream>,
    /// The current time, in Unix milliseconds.
    #[prop(into)]
    now: Signal<i64>,
) -> impl IntoView {
    let rows: Vec<StreamRow> = streams
        .iter()
        .map(|stream| {
            let updated = last_updated(stream).and_then(|created| parse_rfc3339(created).ok());
            StreamRow::new(stream, updated, None)
        })
        .collect();
    let count = rows.len();
    let rows = StoredValue::new(rows);
    let slice = Callback::new(move |(start, end): (usize, usize)| {
        rows.with_value(|rows| rows.get(start..end).map(<[_]>::to_vec).unwrap_or_default())
    });
    view! {
        <StreamGrid count=Signal::stored(count) rows=slice now />
        {(count == 0).then(|| view! { <p class="empty">{t("No image streams in this project.")}</p> })}
    }
}

/// The windowed table: `count` rows, of which it asks `rows` only for the ones in view
/// (`(start, end)`, end exclusive). With `sort` and `on_sort` the NAME, IMAGE REPOSITORY,
/// UPDATED and USED BY headers are buttons; `used_by` adds the USED BY column.
#[component]
pub fn StreamGrid(
    /// How many rows the table has.
    #[prop(into)]
    count: Signal<usize>,
    /// The rows from `start` to `end` (exclusive), in display order.
    rows: Callback<(usize, usize), Vec<StreamRow>>,
    /// The current time, in Unix milliseconds.
    #[prop(into)]
    now: Signal<i64>,
    /// The current sort, shown with `aria-sort`.
    #[prop(optional, into)]
    sort: Option<Signal<Sort>>,
    /// Called with the column whose header was clicked.
    #[prop(optional)]
    on_sort: Option<Callback<SortColumn>>,
    /// Whether to show USED BY.
    #[prop(optional)]
    used_by: bool,
) -> impl IntoView {
    let class = style! {
        table {
            width: 100%;
            border-collapse: collapse;
            table-layout: fixed;
            font-size: 0.95rem;
        }
        th {
            position: sticky;
            top: 0;
            z-index: 1;
            background: var(--bg);
            text-align: left;
            font-weight: 600;
            padding: 0.5rem 0.75rem;
            border-bottom: 2px solid var(--border-strong);
            white-space: nowrap;
        }
        th button {
            font: inherit;
            color: inherit;
            background: none;
            border: none;
            padding: 0;
            cursor: pointer;
        }
        .name-col {
            width: 22%;
        }
        .repository-col {
            width: 31%;
        }
        .tags-col {
            width: 22%;
        }
        .updated-col {
            width: 14%;
        }
        .used-col {
            width: 11%;
        }
        td {
            padding: 0.5rem 0.75rem;
            border-bottom: 1px solid var(--border);
            white-space: nowrap;
            overflow: hidden;
            text-overflow: ellipsis;
        }
        td.spacer {
            padding: 0;
            border: none;
        }
        tbody tr:hover {
            background: var(--row-hover);
        }
        .repository {
            font-family: var(--mono);
            font-size: 0.85rem;
        }
        .more {
            color: var(--muted);
        }
        .none {
            color: var(--muted);
        }
        .stale {
            color: var(--stale);
            font-weight: 600;
        }
        a {
            color: var(--accent);
            text-decoration: none;
        }
        a:hover {
            text-decoration: underline;
        }
    };
    let columns = if used_by { 5 } else { 4 };
    let body = NodeRef::<leptos::html::Tbody>::new();
    let row_height = RwSignal::new(ASSUMED_ROW_HEIGHT);
    let window = RwSignal::new((0usize, INITIAL_ROWS));
    let frame_requested = StoredValue::new(false);

    // Which rows are in view: measured from the table body's place in the viewport.
    let measure = move || {
        frame_requested.set_value(false);
        let Some(body) = body.get_untracked() else {
            return;
        };
        if let Ok(Some(row)) = body.query_selector("tr[aria-rowindex]") {
            let height = row.get_bounding_client_rect().height();
            if height >= 1.0 && (height - row_height.get_untracked()).abs() > 0.01 {
                row_height.set(height);
            }
        }
        let height = row_height.get_untracked().max(1.0);
        let viewport = web_sys::window()
            .and_then(|window| window.inner_height().ok())
            .and_then(|height| height.as_f64())
            .unwrap_or(900.0);
        let top = body.get_bounding_client_rect().top();
        let total = count.get_untracked();
        let first_visible = ((-top).max(0.0) / height) as usize;
        let visible = (viewport / height) as usize + 2;
        let end = ((first_visible + visible + OVERSCAN).div_ceil(STEP) * STEP).min(total);
        let start = (first_visible.saturating_sub(OVERSCAN) / STEP * STEP).min(end);
        if window.get_untracked() != (start, end) {
            window.set((start, end));
        }
    };
    let schedule = move || {
        if frame_requested.try_get_value() == Some(false) {
            frame_requested.set_value(true);
            request_animation_frame(move || {
                if frame_requested.try_get_value().is_some() {
                    measure();
                }
            });
        }
    };
    let on_scroll = window_event_listener(ev::scroll, move |_| schedule());
    let on_resize = window_event_listener(ev::resize, move |_| schedule());
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });
    Effect::new(move |_| {
        count.track();
        schedule();
    });

    // The window clamped to the rows there are now (the count can change before a measure).
    let range = move || {
        let total = count.get();
        let (start, end) = window.get();
        let end = end.max(start + INITIAL_ROWS).min(total);
        (start.min(end), end, total)
    };
    let spacer = move |rows: usize| {
        let height = move || format!("{}px", (rows as f64 * row_height.get()).round() as i64);
        view! { class=class,
            <tr aria-hidden="true">
                <td class="spacer" colspan=columns style:height=height></td>
            </tr>
        }
    };
    let header = move |label: &'static str, width: &'static str, column: Option<SortColumn>| match (
        column, sort, on_sort,
    ) {
        (Some(column), Some(sort), Some(on_sort)) => {
            let aria_sort = move || {
                let sort = sort.get();
                (sort.column == column).then_some(match sort.order {
                    SortOrder::Ascending => "ascending",
                    SortOrder::Descending => "descending",
                })
            };
            view! { class=class,
                <th scope="col" class=width aria-sort=aria_sort>
                    <button type="button" on:click=move |_| on_sort.run(column)>
                        {label}
                    </button>
                </th>
            }
            .into_any()
        }
        _ => view! { class=class, <th scope="col" class=width>{label}</th> }.into_any(),
    };

    view! { class=class,
        <table aria-rowcount=move || count.get() + 1>
            <thead>
                <tr aria-rowindex="1">
                    {header(t("NAME"), "name-col", Some(SortColumn::Name))}
                    {header(t("IMAGE REPOSITORY"), "repository-col", Some(SortColumn::Repository))}
                    {header(t("TAGS"), "tags-col", None)}
                    {header(t("UPDATED"), "updated-col", Some(SortColumn::Updated))}
                    {used_by.then(|| header(t("USED BY"), "used-col", Some(SortColumn::UsedBy)))}
                </tr>
            </thead>
            <tbody node_ref=body>
                {move || {
                    let (start, end, total) = range();
                    let top = (start > 0).then(|| spacer(start));
                    let bottom = (end < total).then(|| spacer(total - end));
                    let shown = rows
                        .run((start, end))
                        .into_iter()
                        .enumerate()
                        .map(|(offset, row)| stream_row(class, row, start + offset, now, used_by))
                        .collect_view();
                    view! { {top} {shown} {bottom} }
                }}
            </tbody>
        </table>
    }
}

/// One row; `index` counts from 0 (the header row is `aria-rowindex` 1).
fn stream_row(
    class: &'static str,
    row: StreamRow,
    index: usize,
    now: Signal<i64>,
    used_by: bool,
) -> impl IntoView {
    let StreamRow {
        name,
        href,
        repository,
        tags,
        more,
        updated,
        usage,
    } = row;
    let more = (more > 0).then(|| tf(" + {n} more", &[("n", &fmt_count(more as u64))]));
    let (name_title, repository_title, tags_title) =
        (name.clone(), repository.clone(), tags.clone());
    let usage_cell = used_by.then(|| {
        let content = match usage {
            None => None,
            Some(usage) if usage.workloads == 0 => {
                Some(view! { class=class, <span class="none">"—"</span> }.into_any())
            }
            Some(usage) => {
                let stale = (usage.stale > 0).then(|| {
                    let stale = fmt_count(usage.stale as u64);
                    let title = tf(
                        "{n} of them run an older image than the tag's current one",
                        &[("n", &stale)],
                    );
                    view! { class=class,
                        <span class="stale" title=title>{tf(" ({n} stale)", &[("n", &stale)])}</span>
                    }
                });
                Some(view! { class=class, {fmt_count(usage.workloads as u64)} {stale} }.into_any())
            }
        };
        view! { class=class, <td>{content}</td> }
    });
    view! { class=class,
        <tr aria-rowindex=index + 2>
            <td title=name_title><a href=crate::paths::href(&href)>{name}</a></td>
            <td class="repository" title=repository_title>{repository}</td>
            <td title=tags_title>{tags}<span class="more">{more}</span></td>
            <td>{move || updated_text(updated, now.get())}</td>
            {usage_cell}
        </tr>
    }
}

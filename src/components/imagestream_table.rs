//! The `oc get is` table: NAME, IMAGE REPOSITORY, TAGS, UPDATED.

use imagestream_model::columns::{image_repository, tags_column, updated_column, TAGS_WIDTH};
use imagestream_model::ImageStream;
use leptos::prelude::*;
use stylers_macro::style;

/// The image streams of one project as `oc get is` lists them, with UPDATED relative to `now`
/// (Unix milliseconds) so the caller decides how often the ages move.
#[component]
pub fn ImageStreamTable(
    /// The streams, in the order to show them.
    streams: Vec<ImageStream>,
    /// The current time, in Unix milliseconds.
    #[prop(into)]
    now: Signal<i64>,
) -> impl IntoView {
    let class = style! {
        table {
            width: 100%;
            border-collapse: collapse;
            font-size: 0.95rem;
        }
        th {
            text-align: left;
            font-weight: 600;
            padding: 0.5rem 0.75rem;
            border-bottom: 2px solid var(--border-strong);
            white-space: nowrap;
        }
        td {
            padding: 0.5rem 0.75rem;
            border-bottom: 1px solid var(--border);
            vertical-align: top;
        }
        tbody tr:hover {
            background: var(--row-hover);
        }
        .repository {
            font-family: var(--mono);
            font-size: 0.85rem;
            word-break: break-all;
        }
        .more {
            color: var(--muted);
        }
        a {
            color: var(--accent);
            text-decoration: none;
        }
        a:hover {
            text-decoration: underline;
        }
    };
    let empty = streams.is_empty();
    let rows = streams
        .into_iter()
        .map(|stream| {
            let name = stream.metadata.name().to_owned();
            let href = format!(
                "/k8s/ns/{}/imagestreams/{name}",
                stream.metadata.namespace()
            );
            let repository = image_repository(&stream).to_owned();
            let column = tags_column(&stream, TAGS_WIDTH);
            let tags = column.shown.join(", ");
            let more = (column.hidden > 0).then(|| format!(" + {} more", column.hidden));
            let updated = move || updated_column(&stream, now.get());
            view! { class=class,
                <tr>
                    <td><a href=href>{name}</a></td>
                    <td class="repository">{repository}</td>
                    <td>{tags}<span class="more">{more}</span></td>
                    <td>{updated}</td>
                </tr>
            }
        })
        .collect_view();
    view! { class=class,
        <table>
            <thead>
                <tr>
                    <th scope="col">"NAME"</th>
                    <th scope="col">"IMAGE REPOSITORY"</th>
                    <th scope="col">"TAGS"</th>
                    <th scope="col">"UPDATED"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {empty.then(|| view! { <p class="empty">"No image streams in this project."</p> })}
    }
}

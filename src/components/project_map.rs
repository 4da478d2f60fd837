//! What runs where, as a picture: image streams → tags → digests → Deployments of one project,
//! drawn as an SVG in four columns. Every node is a link to its page; an edge to a Deployment
//! that runs an older image than its tag's current one is dashed, classed and labelled "stale",
//! so the state never rests on colour alone. Only streams some Deployment uses are drawn, and a
//! column with too many nodes ends in "+N more".

use crate::i18n::{fmt_count, t, tf};
use crate::pages::deployments::dom::{add, set, Builder};
use crate::pages::deployments::{
    current_digest, deployment_href, istag_href, stream_href, stream_label,
};
use imagestream_model::graph::{ImageUse, ReferenceGraph, StreamRef, UseState, WorkloadKind};
use imagestream_model::reference::short_digest;
use imagestream_model::ImageStream;
use stylers_macro::style;
use web_sys::Element;

/// Nodes shown per column before the rest collapse into "+N more".
const MAX_ROWS: usize = 12;
/// Horizontal distance between columns.
const COLUMN_STEP: i32 = 260;
/// Node box size.
const NODE_WIDTH: i32 = 160;
const NODE_HEIGHT: i32 = 28;
/// Vertical distance between rows.
const ROW_STEP: i32 = 40;
/// Room above the first row for the column headings.
const TOP: i32 = 30;
/// Labels longer than this many characters are cut with "…" (SVG text cannot wrap).
const MAX_LABEL: usize = 20;

/// The four columns, left to right.
const COLUMNS: [&str; 4] = ["Image streams", "Tags", "Images", "Deployments"];

/// What a node stands for; also its identity when several uses share it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NodeKey {
    Stream(StreamRef),
    Tag(StreamRef, String),
    Digest(String),
    Deployment(String),
}

/// One box of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Column 0–3.
    pub column: usize,
    /// Row within the column.
    pub row: usize,
    /// The visible text (possibly cut).
    pub label: String,
    /// The accessible name of the link.
    pub name: String,
    /// Where the node leads.
    pub href: String,
}

/// How an edge relates what a Deployment runs to its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// The ordinary relation (stream has tag, tag points at its current image, …).
    Plain,
    /// A tag's older image, or a Deployment running one: `behind` newer images exist.
    Stale {
        /// How many versions behind, 0 when only "older" is known.
        behind: usize,
    },
    /// The Deployment waits for its trigger or its image is not resolved.
    Pending,
    /// A tag's older image (from its history), which some Deployment still runs.
    Older,
    /// An image a Deployment names through the tag but that the tag never pointed at.
    NotInHistory,
}

/// One line between two nodes (indexes into the node list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Left end.
    pub from: usize,
    /// Right end.
    pub to: usize,
    /// How it is drawn.
    pub kind: EdgeKind,
    /// The accessible description.
    pub description: String,
}

/// The laid-out map: nodes with rows, edges, and how many nodes each column hides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapLayout {
    /// Every node, visible or not (hidden ones have `row >= MAX_ROWS`).
    pub nodes: Vec<Node>,
    /// Every edge between nodes.
    pub edges: Vec<Edge>,
}

impl MapLayout {
    /// Nodes that fit on the map.
    fn visible(&self, index: usize) -> bool {
        self.nodes
            .get(index)
            .is_some_and(|node| !self.collapsed(node.column) || node.row + 1 < MAX_ROWS)
    }

    /// Whether a column has more nodes than rows.
    fn collapsed(&self, column: usize) -> bool {
        self.count(column) > MAX_ROWS
    }

    /// Nodes in a column.
    fn count(&self, column: usize) -> usize {
        self.nodes
            .iter()
            .filter(|node| node.column == column)
            .count()
    }

    /// Rows drawn in the tallest column.
    fn rows(&self) -> usize {
        (0..COLUMNS.len())
            .map(|column| self.count(column).min(MAX_ROWS))
            .max()
            .unwrap_or(0)
    }
}

/// Builds the map of the Deployments' uses in `graph`, ordered so that related nodes sit at
/// similar heights: streams by name, their tags, each tag's current image before older ones,
/// then the Deployments in the order of the images they run.
pub fn layout(graph: &ReferenceGraph, streams: &[ImageStream], project: &str) -> MapLayout {
    let mut uses: Vec<&ImageUse> = graph
        .uses()
        .iter()
        .filter(|image_use| {
            image_use.workload.kind == WorkloadKind::Deployment && image_use.stream.is_some()
        })
        .collect();
    uses.sort_by(|a, b| {
        let rank = |image_use: &ImageUse| match image_use.state {
            UseState::Current => 0,
            UseState::Stale { behind } => behind,
            _ => usize::MAX,
        };
        (&a.stream, &a.tag, rank(a), &a.workload.name).cmp(&(
            &b.stream,
            &b.tag,
            rank(b),
            &b.workload.name,
        ))
    });

    let mut builder = MapBuilder::default();
    for image_use in uses {
        let Some(stream) = image_use.stream.clone() else {
            continue;
        };
        let deployment_name = image_use.workload.name.clone();
        let stream_node = builder.node(
            NodeKey::Stream(stream.clone()),
            0,
            stream_label(&stream, project),
            tf(
                "Image stream {name}",
                &[("name", &stream_label(&stream, project))],
            ),
            stream_href(&stream),
        );
        let mut left = stream_node;
        let mut current = None;
        if let Some(tag) = &image_use.tag {
            let tag_label = format!("{}:{tag}", stream.name);
            let href = istag_href(&stream.namespace, &stream.name, tag);
            let tag_node = builder.node(
                NodeKey::Tag(stream.clone(), tag.clone()),
                1,
                tag_label.clone(),
                tf("Tag {tag}", &[("tag", &tag_label)]),
                href.clone(),
            );
            builder.edge(
                stream_node,
                tag_node,
                EdgeKind::Plain,
                tf(
                    "{stream} has tag {tag}",
                    &[("stream", &stream.name), ("tag", tag)],
                ),
            );
            left = tag_node;
            current = current_digest(streams, &stream, tag);
            if let Some(digest) = &current {
                let digest_node = builder.digest(digest, &tag_label, &href, true);
                builder.edge(
                    tag_node,
                    digest_node,
                    EdgeKind::Plain,
                    tf(
                        "{tag} points at {image}",
                        &[("tag", &tag_label), ("image", short_digest(digest))],
                    ),
                );
            }
        }
        let tag_text = image_use.tag.as_ref().map_or_else(
            || stream.name.clone(),
            |tag| format!("{}:{tag}", stream.name),
        );
        let digest_node = image_use.digest.as_ref().map(|digest| {
            let href = match &image_use.tag {
                Some(tag) => istag_href(&stream.namespace, &stream.name, tag),
                None => stream_href(&stream),
            };
            let is_current = current.as_deref() == Some(digest.as_str());
            (
                digest,
                is_current,
                builder.digest(digest, &tag_text, &href, is_current),
            )
        });
        let deployment = builder.node(
            NodeKey::Deployment(deployment_name.clone()),
            3,
            deployment_name.clone(),
            tf("Deployment {name}", &[("name", &deployment_name)]),
            deployment_href(project, &deployment_name),
        );
        match (digest_node, image_use.state) {
            (Some((digest, is_current, digest_node)), state) => {
                if !is_current {
                    let short = short_digest(digest);
                    let (kind, description) = match (&image_use.tag, state) {
                        (Some(_), UseState::NotInHistory) => (
                            EdgeKind::NotInHistory,
                            tf(
                                "{image} is not in the history of {tag}",
                                &[("image", short), ("tag", &tag_text)],
                            ),
                        ),
                        (Some(_), _) => (
                            EdgeKind::Older,
                            tf(
                                "{tag} once pointed at {image}",
                                &[("tag", &tag_text), ("image", short)],
                            ),
                        ),
                        (None, _) => (
                            EdgeKind::Plain,
                            tf(
                                "{stream} holds {image}",
                                &[("stream", &tag_text), ("image", short)],
                            ),
                        ),
                    };
                    builder.edge(left, digest_node, kind, description);
                }
                let (kind, description) = match state {
                    UseState::Stale { behind } => (
                        EdgeKind::Stale { behind },
                        tf(
                            "Stale: {deployment} runs an older image of {tag}, {behind}",
                            &[
                                ("deployment", &deployment_name),
                                ("tag", &tag_text),
                                ("behind", &behind_text(behind)),
                            ],
                        ),
                    ),
                    UseState::Current => (
                        EdgeKind::Plain,
                        tf(
                            "{deployment} runs the current image of {tag}",
                            &[("deployment", &deployment_name), ("tag", &tag_text)],
                        ),
                    ),
                    _ => (
                        EdgeKind::Plain,
                        tf(
                            "{deployment} runs {image}",
                            &[
                                ("deployment", &deployment_name),
                                ("image", short_digest(digest)),
                            ],
                        ),
                    ),
                };
                builder.edge(digest_node, deployment, kind, description);
            }
            (None, _) => {
                // A stand-in in the images column keeps every edge between neighbouring
                // columns, so none crosses another column's boxes.
                let href = match &image_use.tag {
                    Some(tag) => istag_href(&stream.namespace, &stream.name, tag),
                    None => stream_href(&stream),
                };
                let waiting = builder.node(
                    NodeKey::Digest(format!(" {}/{tag_text}", stream.namespace)),
                    2,
                    t("no image yet").to_owned(),
                    tf("No image yet for {tag}", &[("tag", &tag_text)]),
                    href,
                );
                builder.edge(
                    left,
                    waiting,
                    EdgeKind::Pending,
                    tf("{tag} has no image yet", &[("tag", &tag_text)]),
                );
                builder.edge(
                    waiting,
                    deployment,
                    EdgeKind::Pending,
                    tf(
                        "{deployment} waits for an image of {tag}",
                        &[("deployment", &deployment_name), ("tag", &tag_text)],
                    ),
                );
            }
        }
    }
    builder.finish()
}

/// "1 version behind", "3 versions behind", or "older" when the count is unknown.
fn behind_text(behind: usize) -> String {
    match behind {
        0 => t("an older version").to_owned(),
        1 => t("1 version behind").to_owned(),
        n => tf("{n} versions behind", &[("n", &fmt_count(n as u64))]),
    }
}

/// Collects nodes (once per key) and edges (once per pair).
#[derive(Default)]
struct MapBuilder {
    keys: Vec<NodeKey>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl MapBuilder {
    fn node(
        &mut self,
        key: NodeKey,
        column: usize,
        label: String,
        name: String,
        href: String,
    ) -> usize {
        if let Some(index) = self.keys.iter().position(|known| *known == key) {
            return index;
        }
        let row = self
            .nodes
            .iter()
            .filter(|node| node.column == column)
            .count();
        self.keys.push(key);
        self.nodes.push(Node {
            column,
            row,
            label: cut(&label),
            name,
            href,
        });
        self.nodes.len() - 1
    }

    fn digest(&mut self, digest: &str, tag: &str, href: &str, current: bool) -> usize {
        let short = short_digest(digest).to_owned();
        let name = if current {
            tf(
                "Image {image}, current image of {tag}",
                &[("image", &short), ("tag", tag)],
            )
        } else {
            tf(
                "Image {image}, older image of {tag}",
                &[("image", &short), ("tag", tag)],
            )
        };
        self.node(
            NodeKey::Digest(digest.to_owned()),
            2,
            short.clone(),
            name,
            href.to_owned(),
        )
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, description: String) {
        if let Some(edge) = self
            .edges
            .iter_mut()
            .find(|edge| edge.from == from && edge.to == to)
        {
            // A stale relation wins over a plain one between the same nodes.
            if matches!(kind, EdgeKind::Stale { .. }) && edge.kind == EdgeKind::Plain {
                edge.kind = kind;
                edge.description = description;
            }
            return;
        }
        self.edges.push(Edge {
            from,
            to,
            kind,
            description,
        });
    }

    fn finish(self) -> MapLayout {
        MapLayout {
            nodes: self.nodes,
            edges: self.edges,
        }
    }
}

/// `label` cut to [`MAX_LABEL`] characters.
fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_owned()
    } else {
        let kept: String = label.chars().take(MAX_LABEL - 1).collect();
        format!("{kept}…")
    }
}

/// Left x of a column.
fn column_x(column: usize) -> i32 {
    1 + column as i32 * COLUMN_STEP
}

/// Top y of a row.
fn row_y(row: usize) -> i32 {
    TOP + row as i32 * ROW_STEP
}

/// The scoped class of the map's SVG.
// stylers (build.rs) only collects style blocks bound with `let`, hence the binding.
#[allow(clippy::let_and_return)]
fn map_class() -> &'static str {
    let class = style! {
        figure {
            margin: 0;
            overflow-x: auto;
        }
        svg {
            display: block;
        }
        .map-heading {
            font-size: 12px;
            font-weight: 600;
            fill: var(--muted);
        }
        .map-node rect {
            fill: var(--surface);
            stroke: var(--border-strong);
            stroke-width: 1;
        }
        .map-node text {
            font-size: 12px;
            font-family: var(--mono);
            fill: var(--fg);
        }
        .map-node:hover rect {
            stroke: var(--accent);
            stroke-width: 2;
        }
        .map-node:focus rect {
            stroke: var(--accent);
            stroke-width: 3;
        }
        .deployment rect {
            fill: var(--bg);
        }
        .map-edge path {
            fill: none;
            stroke: var(--border-strong);
            stroke-width: 1.5;
        }
        .stale path {
            stroke: var(--stale);
            stroke-width: 2;
            stroke-dasharray: 6 4;
        }
        .pending path {
            stroke-dasharray: 2 3;
        }
        .older path {
            stroke-dasharray: 3 3;
        }
        .map-edge-label {
            text-anchor: middle;
            font-size: 11px;
            font-weight: 600;
            fill: var(--stale);
        }
        .map-more {
            font-size: 12px;
            fill: var(--muted);
        }
        figcaption {
            font-size: 0.85rem;
            color: var(--muted);
            margin-top: 0.4rem;
        }
        .map-empty {
            color: var(--muted);
        }
    };
    class
}

/// Sets integer coordinates (no float formatting in the wasm).
fn place(element: &Element, pairs: &[(&str, i32)]) {
    for (name, value) in pairs {
        set(element, name, &value.to_string());
    }
}

/// Appends SVG `<text>` at (x, y).
fn svg_text(b: &Builder, parent: &Element, class: &str, x: i32, y: i32, text: &str) -> Element {
    let element = b.svg("text", class);
    place(&element, &[("x", x), ("y", y)]);
    element.set_text_content(Some(text));
    add(parent, &element);
    element
}

/// Draws the project map of `graph`'s Deployments into `parent`: a `<figure>` with the SVG and
/// a caption, or a sentence when no Deployment uses a stream.
pub fn project_map(
    parent: &Element,
    graph: &ReferenceGraph,
    streams: &[ImageStream],
    namespace: &str,
) {
    let Some(b) = Builder::new(map_class()) else {
        return;
    };
    let map = layout(graph, streams, namespace);
    if map.nodes.is_empty() {
        b.text(
            parent,
            "p",
            "map-empty",
            t("No Deployment of this project runs an image from an image stream."),
        );
        return;
    }
    let width = column_x(COLUMNS.len() - 1) + NODE_WIDTH + 2;
    let height = row_y(map.rows()) + 4;
    let figure = b.el("figure", "");
    let svg = b.svg("svg", "");
    set(&svg, "role", "group");
    set(
        &svg,
        "aria-label",
        &tf(
            "Project map of {project}: which image stream tags and images each Deployment runs",
            &[("project", namespace)],
        ),
    );
    place(&svg, &[("width", width), ("height", height)]);
    set(&svg, "viewBox", &format!("0 0 {width} {height}"));
    for (column, &heading_en) in COLUMNS.iter().enumerate() {
        svg_text(
            &b,
            &svg,
            "map-heading",
            column_x(column) + 1,
            16,
            t(heading_en),
        );
    }
    for edge in &map.edges {
        if !map.visible(edge.from) || !map.visible(edge.to) {
            continue;
        }
        let (Some(from), Some(to)) = (map.nodes.get(edge.from), map.nodes.get(edge.to)) else {
            continue;
        };
        let x1 = column_x(from.column) + NODE_WIDTH;
        let y1 = row_y(from.row) + NODE_HEIGHT / 2;
        let x2 = column_x(to.column);
        let y2 = row_y(to.row) + NODE_HEIGHT / 2;
        let middle = (x1 + x2) / 2;
        let (class, mark) = match edge.kind {
            EdgeKind::Plain => ("map-edge", String::new()),
            EdgeKind::Stale { behind: 0 } => ("map-edge stale", t("stale").to_owned()),
            EdgeKind::Stale { behind } => (
                "map-edge stale",
                tf("stale, {n} behind", &[("n", &fmt_count(behind as u64))]),
            ),
            EdgeKind::Pending if to.column == 3 => ("map-edge pending", t("pending").to_owned()),
            EdgeKind::Pending => ("map-edge pending", String::new()),
            EdgeKind::Older => ("map-edge older", String::new()),
            EdgeKind::NotInHistory => ("map-edge pending", t("not in history").to_owned()),
        };
        let group = b.svg("g", class);
        set(&group, "role", "img");
        set(&group, "aria-label", &edge.description);
        let title = b.svg("title", "");
        title.set_text_content(Some(&edge.description));
        add(&group, &title);
        let path = b.svg("path", "");
        set(
            &path,
            "d",
            &format!("M{x1} {y1}C{middle} {y1} {middle} {y2} {x2} {y2}"),
        );
        add(&group, &path);
        if !mark.is_empty() {
            let label = svg_text(
                &b,
                &group,
                "map-edge-label",
                middle,
                (y1 + y2) / 2 - 4,
                &mark,
            );
            set(&label, "aria-hidden", "true");
        }
        add(&svg, &group);
    }
    for (index, node) in map.nodes.iter().enumerate() {
        if !map.visible(index) {
            continue;
        }
        let x = column_x(node.column);
        let y = row_y(node.row);
        let class = match node.column {
            0 => "map-node stream",
            1 => "map-node tag",
            2 => "map-node image",
            _ => "map-node deployment",
        };
        let link = b.svg("a", class);
        set(&link, "href", &crate::paths::href(&node.href));
        set(&link, "aria-label", &node.name);
        let title = b.svg("title", "");
        title.set_text_content(Some(&node.name));
        add(&link, &title);
        let rect = b.svg("rect", "");
        place(
            &rect,
            &[
                ("x", x),
                ("y", y),
                ("width", NODE_WIDTH),
                ("height", NODE_HEIGHT),
                ("rx", 4),
            ],
        );
        add(&link, &rect);
        svg_text(&b, &link, "", x + 8, y + 18, &node.label);
        add(&svg, &link);
    }
    for column in 0..COLUMNS.len() {
        if map.collapsed(column) {
            let hidden = map.count(column) - (MAX_ROWS - 1);
            let y = row_y(MAX_ROWS - 1) + 18;
            svg_text(
                &b,
                &svg,
                "map-more",
                column_x(column) + 8,
                y,
                &tf("+{n} more", &[("n", &fmt_count(hidden as u64))]),
            );
        }
    }
    add(&figure, &svg);
    b.text(
        &figure,
        "figcaption",
        "",
        t("Dashed lines marked “stale” lead to Deployments that run an older image than their tag points at now."),
    );
    add(parent, &figure);
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagestream_model::graph::ProjectObjects;
    use imagestream_model::Deployment;

    fn stream() -> ImageStream {
        serde_json::from_str(
            r#"{"metadata":{"name":"web","namespace":"demo"},
                "status":{"dockerImageRepository":"registry.local:5000/demo/web","tags":[{"tag":"latest","items":[
                  {"created":"2024-01-02T00:00:00Z","dockerImageReference":"registry.local:5000/demo/web@sha256:2222222222222222222222222222222222222222222222222222222222222222","image":"sha256:2222222222222222222222222222222222222222222222222222222222222222","generation":2},
                  {"created":"2024-01-01T00:00:00Z","dockerImageReference":"registry.local:5000/demo/web@sha256:1111111111111111111111111111111111111111111111111111111111111111","image":"sha256:1111111111111111111111111111111111111111111111111111111111111111","generation":1}]}]}}"#,
        )
        .expect("a stream")
    }

    fn deployment(name: &str, digest: char) -> Deployment {
        let hex: String = std::iter::repeat_n(digest, 64).collect();
        serde_json::from_str(&format!(
            r#"{{"metadata":{{"name":"{name}","namespace":"demo"}},"spec":{{"template":{{"spec":{{"containers":[{{"name":"c","image":"registry.local:5000/demo/web@sha256:{hex}"}}]}}}}}}}}"#
        ))
        .expect("a Deployment")
    }

    #[test]
    fn a_stale_deployment_gets_a_stale_edge_from_the_older_image() {
        let streams = [stream()];
        let deployments = [deployment("new", '2'), deployment("old", '1')];
        let graph = ReferenceGraph::build(&ProjectObjects {
            namespace: "demo",
            streams: &streams,
            deployments: &deployments,
            deployment_configs: &[],
            pods: &[],
        });
        let map = layout(&graph, &streams, "demo");
        let names: Vec<&str> = map.nodes.iter().map(|node| node.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Image stream web",
                "Tag web:latest",
                "Image 222222222222, current image of web:latest",
                "Deployment new",
                "Image 111111111111, older image of web:latest",
                "Deployment old",
            ]
        );
        let stale: Vec<&str> = map
            .edges
            .iter()
            .filter(|edge| matches!(edge.kind, EdgeKind::Stale { .. }))
            .map(|edge| edge.description.as_str())
            .collect();
        assert_eq!(
            stale,
            ["Stale: old runs an older image of web:latest, 1 version behind"]
        );
        assert!(map.edges.iter().any(|edge| edge.kind == EdgeKind::Older
            && edge.description == "web:latest once pointed at 111111111111"));
        assert_eq!(map.rows(), 2);
    }

    #[test]
    fn long_columns_collapse() {
        let mut builder = MapBuilder::default();
        for index in 0..20 {
            builder.node(
                NodeKey::Deployment(index.to_string()),
                3,
                index.to_string(),
                String::new(),
                String::new(),
            );
        }
        let map = builder.finish();
        assert_eq!(map.rows(), MAX_ROWS);
        assert!(map.visible(MAX_ROWS - 2));
        assert!(!map.visible(MAX_ROWS - 1));
    }

    #[test]
    fn labels_are_cut() {
        assert_eq!(cut("short"), "short");
        assert_eq!(cut(&"x".repeat(30)).chars().count(), MAX_LABEL);
    }
}

//! The demo cluster inside the browser: devcluster's API semantics ([`Cluster::handle`]) run in
//! a Web Worker, so "Explore a demo cluster" needs no server and nothing leaves the page.
//!
//! The console's in-browser transport (`src/api/in_browser.rs`) talks to the worker with
//! `postMessage`, and pages cannot tell it from HTTP: the same paths, the same JSON bodies and
//! `Status` errors, the same watch lines. This module is the worker's logic as plain Rust
//! ([`DemoCluster`]: requests in, [`Message`]s out, a clock passed in), tested natively; the
//! binary (`src/main.rs`) is only the `postMessage` glue around it.
//!
//! # Protocol
//!
//! Every message is a plain JavaScript object (structured clone, no JSON envelope):
//!
//! | direction | message | meaning |
//! |---|---|---|
//! | worker → page | `{ready: true}` | the worker is listening; send requests from now on |
//! | page → worker | `{id, method, path, query, body, contentType, accept, authorization}` | one API request, as the HTTP server would receive it (`query` without `?`, `body` a string or absent, `authorization` e.g. `"Bearer sha256~…"`) |
//! | worker → page | `{id, status, body}` | the answer: HTTP status code and JSON body text |
//! | worker → page | `{id, line}` | for a request that opened a watch (`?watch=1`), instead of an answer: one watch event, the JSON text of one line of the HTTP stream (ADDED, MODIFIED, DELETED, BOOKMARK, and the 410 `ERROR` event), without the newline |
//! | worker → page | `{id, closed: true}` | the watch ended (timeout, expired version); nothing follows |
//! | page → worker | `{cancel: id}` | stop that watch |
//! | page → worker | `{id, method: "GET", path: "/demo/catalog"}` | not an API path: the pull specs the demo's in-memory registries hold, answered as `{id, status: 200, body}` with body `{"images": ["quay.io/…:tag", …]}` (for the console's hints) |
//! | page → worker | `{persist: true, state}` | keep the cluster's state for the page (the static demo): `state`, if present, is the text of a state sent earlier, loaded before anything else; from now on the worker sends `{state}` after every change. Sent first, before any request |
//! | worker → page | `{state}` | the cluster changed: its whole state as JSON text (devcluster's state document, see `imagestream_devcluster::persist`), for the page to keep and send back after a reload |
//! | worker → page | `{restoreFailed}` | the `state` sent could not be loaded (the message says why); the cluster starts from its seed |
//!
//! `id` is a number the page picks, unique among its open requests. After every request other
//! than GET the worker runs the import controller as the native server does (spec tags that
//! changed are imported), and every open watch gets the events the request caused. A timer
//! ([`DemoCluster::tick`]) ends watches at their timeout, sends bookmarks every 15 seconds to
//! watches that asked for them, and re-imports scheduled tags.
//!
//! The registries are [`MemoryCatalog`]s holding an image for every pull spec the seeded streams
//! use, so imports (and `oc import-image`-style requests) work offline. The cluster starts as
//! devcluster's demo (`seed::demo_cluster`) plus a few image streams in project `demo`. Nothing
//! is stored unless the page asks for it (`persist`): then the page keeps the state the worker
//! sends (the static demo keeps it in `localStorage`), and a reload continues where it was.
//! Resetting is the page forgetting that state and starting a fresh worker.

use imagestream_devcluster::images::ImportJob;
use imagestream_devcluster::registry::{CatalogImage, MemoryCatalog};
use imagestream_devcluster::seed::{self, DEMO_USERS};
use imagestream_devcluster::{ApiRequest, ApiResponse, Cluster, ClusterSettings, WatchRequest};
use imagestream_model::time::format_rfc3339;
use serde_json::{json, Value};

/// Not an API path: the pull specs the in-memory registries hold (see the protocol).
pub const CATALOG_PATH: &str = "/demo/catalog";

/// How often a watch that asked for bookmarks gets one (as the native server).
pub const BOOKMARK_EVERY_MILLIS: i64 = 15_000;
/// How long a watch without `timeoutSeconds` stays open (as the native server).
pub const DEFAULT_WATCH_TIMEOUT_MILLIS: i64 = 30 * 60 * 1000;
/// How often scheduled tags are re-imported (OpenShift's default, 15 minutes).
pub const SCHEDULED_IMPORT_EVERY_MILLIS: i64 = 15 * 60 * 1000;
/// How often the import controller looks for due scheduled tags.
const SCHEDULED_CHECK_EVERY_MILLIS: i64 = 5_000;
/// How often the worker should call [`DemoCluster::tick`].
pub const TICK_EVERY_MILLIS: i32 = 1_000;

const DAY: i64 = 86_400_000;

/// One API request from the page (see the protocol above).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The page's number for this request; answers and watch lines carry it.
    pub id: u64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The query string without `?`.
    pub query: String,
    /// The request body (JSON or a patch), empty for none.
    pub body: String,
    /// `Content-Type` of the body.
    pub content_type: String,
    /// `Accept` (Table output when it asks for one).
    pub accept: String,
    /// The `Authorization` header, e.g. `Bearer sha256~…`.
    pub authorization: Option<String>,
}

/// What the worker sends back to the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The answer to request `id`.
    Reply {
        /// The request's id.
        id: u64,
        /// HTTP status code.
        status: u16,
        /// JSON body text.
        body: String,
    },
    /// One event of watch `id`, the JSON text of one line of the HTTP stream.
    Line {
        /// The watch request's id.
        id: u64,
        /// The event without its newline.
        line: String,
    },
    /// Watch `id` ended; nothing follows.
    Closed {
        /// The watch request's id.
        id: u64,
    },
    /// The cluster changed: its whole state (JSON text of devcluster's state document), for a
    /// page that asked to keep it ([`DemoCluster::persist`]).
    State {
        /// The state document.
        state: String,
    },
    /// The state given to [`DemoCluster::persist`] could not be loaded: why. The cluster kept
    /// its seed.
    RestoreFailed {
        /// What is wrong with the state.
        error: String,
    },
}

/// A watch being streamed to the page.
struct OpenWatch {
    id: u64,
    watch: WatchRequest,
    since: u64,
    deadline: i64,
    next_bookmark: i64,
}

/// The demo cluster, its registries and its open watches.
pub struct DemoCluster {
    cluster: Cluster,
    catalog: MemoryCatalog,
    /// The pull specs `catalog` holds, in the order they were added.
    catalog_images: Vec<String>,
    watches: Vec<OpenWatch>,
    next_scheduled_check: i64,
    /// The resourceVersion of the last state sent, while the page keeps the state.
    persisted: Option<u64>,
}

impl DemoCluster {
    /// devcluster's demo cluster at `now_millis` (Unix milliseconds), with image streams in
    /// project `demo` imported from the in-memory registries.
    pub fn new(now_millis: i64) -> Self {
        Self::with_settings(ClusterSettings::default(), now_millis)
    }

    /// The same with other cluster settings (a smaller watch window, in tests).
    pub fn with_settings(settings: ClusterSettings, now_millis: i64) -> Self {
        let mut demo = Self {
            cluster: seed::demo_cluster_with(settings, now_millis),
            catalog: MemoryCatalog::new(),
            catalog_images: Vec::new(),
            watches: Vec::new(),
            next_scheduled_check: now_millis + SCHEDULED_CHECK_EVERY_MILLIS,
            persisted: None,
        };
        (demo.catalog, demo.catalog_images) = demo_catalog(&mut demo.cluster, now_millis);
        demo.seed_demo_project(now_millis);
        demo
    }

    /// Project `demo`'s story: a shop's image streams created and imported a month ago, and
    /// a new front-end release tagged three days ago (`latest` moved to it).
    fn seed_demo_project(&mut self, now: i64) {
        let created = now - 30 * DAY;
        for stream in demo_project_streams() {
            self.seed_write("POST", STREAMS, &stream, created);
        }
        self.run_controller_imports(created, None);
        // The shop runs its front end and API from the streams: image triggers follow the tags.
        let deployed = created + DAY / 24;
        for (name, container, tag) in [
            ("shop-frontend", "frontend", "frontend:latest"),
            ("catalog-api", "api", "catalog-api:1.4"),
        ] {
            let path = "/apis/apps/v1/namespaces/demo/deployments";
            self.seed_write("POST", path, &deployment(name, container, tag), deployed);
        }
        let released = now - 3 * DAY;
        let release = json!({"spec": {"tags": [
            spec_tag("2.1", "DockerImage", FRONTEND_21, false),
            spec_tag("2.0", "DockerImage", FRONTEND_20, false),
            spec_tag("latest", "ImageStreamTag", "2.1", false),
        ]}});
        let frontend = format!("{STREAMS}/frontend");
        self.seed_write("PATCH", &frontend, &release, released);
        self.run_controller_imports(released, None);
    }

    /// One write to project `demo` as `developer`, at `now`.
    fn seed_write(&mut self, method: &str, path: &str, body: &Value, now: i64) {
        let content_type = if method == "PATCH" {
            "application/merge-patch+json"
        } else {
            "application/json"
        };
        let response = self.cluster.handle(&ApiRequest {
            method: method.into(),
            path: path.into(),
            body: serde_json::to_vec(body).unwrap_or_default(),
            content_type: content_type.into(),
            authorization: Some(bearer(DEMO_USERS[0].token)),
            now_millis: now,
            ..ApiRequest::default()
        });
        debug_assert!(response.status < 300, "{}", body_text(&response));
    }

    /// Answers `request` as the HTTP server would, at `now_millis`: its reply (or, for a watch,
    /// the watch's first lines), then the events it caused on every open watch.
    pub fn request(&mut self, request: Request, now_millis: i64) -> Vec<Message> {
        if request.method == "GET" && request.path == CATALOG_PATH {
            let body = json!({"images": self.catalog_images}).to_string();
            let (id, status) = (request.id, 200);
            return vec![Message::Reply { id, status, body }];
        }
        let api_request = ApiRequest {
            method: request.method,
            path: request.path,
            query: request.query,
            body: request.body.into_bytes(),
            content_type: request.content_type,
            accept: request.accept,
            authorization: request.authorization,
            now_millis,
        };
        let mut response = self.cluster.handle(&api_request);
        if let Some(job) = response.import.take() {
            response = self.import(&job, now_millis);
        }
        let mut out = Vec::new();
        self.pump(now_millis, &mut out);
        match response.watch.take() {
            Some(watch) => self.open_watch(request.id, *watch, now_millis, &mut out),
            None => out.push(Message::Reply {
                id: request.id,
                status: response.status,
                body: body_text(&response),
            }),
        }
        if api_request.method != "GET" {
            self.run_controller_imports(now_millis, None);
            self.pump(now_millis, &mut out);
        }
        self.send_state_if_changed(&mut out);
        out
    }

    /// The page keeps the cluster's state from now on: `state` (the text of a [`Message::State`]
    /// sent before a reload), if given, replaces the seed first. After every change the worker
    /// then sends [`Message::State`]. Call it before the first request: open watches would not
    /// see the replaced objects.
    pub fn persist(&mut self, state: Option<&str>) -> Vec<Message> {
        let mut out = Vec::new();
        if let Some(state) = state {
            let loaded = serde_json::from_str::<Value>(state)
                .map_err(|err| format!("the saved state is not JSON: {err}"))
                .and_then(|state| self.cluster.load_state(state));
            if let Err(error) = loaded {
                out.push(Message::RestoreFailed { error });
            }
        }
        self.persisted = Some(self.cluster.resource_version());
        out
    }

    /// The whole state of the cluster, as [`Message::State`] carries it.
    pub fn state(&self) -> String {
        self.cluster.save_state().to_string()
    }

    /// Adds a [`Message::State`] when the page keeps the state and the cluster changed since the
    /// last one.
    fn send_state_if_changed(&mut self, out: &mut Vec<Message>) {
        let Some(sent) = self.persisted else {
            return;
        };
        let version = self.cluster.resource_version();
        if version != sent {
            self.persisted = Some(version);
            out.push(Message::State {
                state: self.state(),
            });
        }
    }

    /// Stops watch `id` (the page dropped it); nothing more is sent for it.
    pub fn cancel(&mut self, id: u64) {
        self.watches.retain(|open| open.id != id);
    }

    /// The timer: re-imports due scheduled tags, ends watches whose time is up and sends
    /// bookmarks. Call it every [`TICK_EVERY_MILLIS`].
    pub fn tick(&mut self, now_millis: i64) -> Vec<Message> {
        let mut out = Vec::new();
        if now_millis >= self.next_scheduled_check {
            self.next_scheduled_check = now_millis + SCHEDULED_CHECK_EVERY_MILLIS;
            self.run_controller_imports(now_millis, Some(SCHEDULED_IMPORT_EVERY_MILLIS));
            self.pump(now_millis, &mut out);
        }
        let version = self.cluster.resource_version();
        self.watches.retain_mut(|open| {
            if now_millis >= open.deadline {
                out.push(Message::Closed { id: open.id });
                return false;
            }
            if now_millis >= open.next_bookmark {
                open.next_bookmark = now_millis + BOOKMARK_EVERY_MILLIS;
                if open.watch.bookmarks {
                    out.push(line_message(open.id, &open.watch.bookmark(version)));
                }
            }
            true
        });
        self.send_state_if_changed(&mut out);
        out
    }

    /// How many watches are open (for tests and diagnostics).
    pub fn open_watches(&self) -> usize {
        self.watches.len()
    }

    /// Starts streaming `watch` as request `id`: its initial events, what happened since its
    /// version, and the 410 `ERROR` event (then the end) when that version is gone.
    fn open_watch(&mut self, id: u64, mut watch: WatchRequest, now: i64, out: &mut Vec<Message>) {
        for event in std::mem::take(&mut watch.initial) {
            out.push(line_message(id, &event));
        }
        let (lines, since, expired) = self.cluster.watch_lines(&watch, watch.since, now);
        out.extend(lines.iter().map(|line| line_text(id, line)));
        let timeout = watch
            .timeout_seconds
            .map_or(DEFAULT_WATCH_TIMEOUT_MILLIS, |s| {
                i64::try_from(s).unwrap_or(i64::MAX / 2000) * 1000
            });
        if expired || timeout == 0 || watch.ends_at_once {
            out.push(Message::Closed { id });
            return;
        }
        self.watches.push(OpenWatch {
            id,
            watch,
            since,
            deadline: now.saturating_add(timeout),
            next_bookmark: now + BOOKMARK_EVERY_MILLIS,
        });
    }

    /// Sends every open watch the events after its version.
    fn pump(&mut self, now: i64, out: &mut Vec<Message>) {
        let cluster = &self.cluster;
        self.watches.retain_mut(|open| {
            let (lines, since, expired) = cluster.watch_lines(&open.watch, open.since, now);
            open.since = since;
            out.extend(lines.iter().map(|line| line_text(open.id, line)));
            if expired {
                out.push(Message::Closed { id: open.id });
            }
            !expired
        });
    }

    /// Resolves an import against the in-memory registries and applies it.
    fn import(&mut self, job: &ImportJob, now: i64) -> ApiResponse {
        let response = self.cluster.run_import(job, &self.catalog, now);
        if response.status == 409 && job.from_controller {
            self.cluster.requeue_import(job);
        }
        response
    }

    /// The import controller: spec tags that changed and, with `scheduled_every`, scheduled
    /// tags that are due.
    fn run_controller_imports(&mut self, now: i64, scheduled_every: Option<i64>) {
        for job in self.cluster.take_import_jobs(now, scheduled_every) {
            self.import(&job, now);
        }
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn body_text(response: &ApiResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

fn line_message(id: u64, event: &Value) -> Message {
    Message::Line {
        id,
        line: serde_json::to_string(event).unwrap_or_default(),
    }
}

fn line_text(id: u64, line: &[u8]) -> Message {
    Message::Line {
        id,
        line: String::from_utf8_lossy(line).trim_end().to_owned(),
    }
}

/// The demo shop's images in the in-memory registries.
const FRONTEND_20: &str = "quay.io/demo-shop/frontend:2.0";
const FRONTEND_21: &str = "quay.io/demo-shop/frontend:2.1";
const CATALOG_API: &str = "quay.io/demo-shop/catalog-api:1.4";
const ORDERS: &str = "quay.io/demo-shop/orders:stable";
const DEMO_IMAGES: [&str; 4] = [FRONTEND_20, FRONTEND_21, CATALOG_API, ORDERS];

/// Project `demo`'s image streams.
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

/// A Deployment whose one container follows image stream tag `tag` of project `demo` through
/// an image trigger (the trigger controller writes the image).
fn deployment(name: &str, container: &str, tag: &str) -> Value {
    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": tag},
        "fieldPath": format!("spec.template.spec.containers[?(@.name==\"{container}\")].image"),
    }]);
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "labels": {"app": "shop"},
            "annotations": {"image.openshift.io/triggers": trigger.to_string()},
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"deployment": name}},
            "template": {
                "metadata": {"labels": {"deployment": name, "app": "shop"}},
                "spec": {"containers": [{"name": container, "image": " "}]},
            },
        },
    })
}

/// One spec tag: `from` of `kind`, imported on a schedule or not.
fn spec_tag(name: &str, kind: &str, from: &str, scheduled: bool) -> Value {
    json!({
        "name": name,
        "from": {"kind": kind, "name": from},
        "importPolicy": {"scheduled": scheduled, "importMode": "Legacy"},
        "referencePolicy": {"type": "Source"},
    })
}

/// The image streams of project `demo` as first created: the import controller imports them
/// from the in-memory registries.
fn demo_project_streams() -> Vec<Value> {
    let stream = |name: &str, display: &str, tags: Vec<Value>| {
        json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStream",
            "metadata": {
                "name": name,
                "labels": {"app": "shop"},
                "annotations": {"openshift.io/display-name": display},
            },
            "spec": {"lookupPolicy": {"local": true}, "tags": tags},
        })
    };
    vec![
        stream(
            "frontend",
            "Shop web front end",
            vec![
                spec_tag("2.0", "DockerImage", FRONTEND_20, false),
                spec_tag("latest", "ImageStreamTag", "2.0", false),
            ],
        ),
        stream(
            "catalog-api",
            "Product catalog API",
            vec![
                spec_tag("1.4", "DockerImage", CATALOG_API, true),
                spec_tag("latest", "ImageStreamTag", "1.4", false),
            ],
        ),
        stream(
            "orders",
            "Order service",
            vec![spec_tag("stable", "DockerImage", ORDERS, true)],
        ),
    ]
}

/// Registries holding an image for every external pull spec the cluster's streams name, and
/// the demo shop's images.
fn demo_catalog(cluster: &mut Cluster, now: i64) -> (MemoryCatalog, Vec<String>) {
    let admin = DEMO_USERS
        .iter()
        .find(|user| user.name == "admin")
        .map_or(DEMO_USERS[0].token, |user| user.token);
    let list = cluster.handle(&ApiRequest {
        method: "GET".into(),
        path: "/apis/image.openshift.io/v1/imagestreams".into(),
        authorization: Some(bearer(admin)),
        now_millis: now,
        ..ApiRequest::default()
    });
    let mut catalog = MemoryCatalog::new();
    let mut held = Vec::new();
    let items = list.json_body();
    let pull_specs = items["items"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|stream| stream["spec"]["tags"].as_array().into_iter().flatten())
        .filter(|tag| tag["from"]["kind"] == "DockerImage")
        .filter_map(|tag| tag["from"]["name"].as_str())
        .chain(DEMO_IMAGES);
    for (index, pull_spec) in pull_specs.enumerate() {
        let index = index as i64;
        let repository = pull_spec.rsplit_once(':').map_or(pull_spec, |(r, _)| r);
        let name = repository.rsplit('/').next().unwrap_or(repository);
        let image = CatalogImage::new()
            .created(&format_rfc3339(now - (index % 9 + 1) * DAY))
            .label("io.k8s.display-name", name)
            .label("vendor", "imagestream-console demo")
            .env("PATH=/usr/local/bin:/usr/bin")
            .port("8080/tcp")
            .cmd(&["/usr/bin/run"])
            .working_dir("/opt/app-root/src")
            .user("1001")
            .layer("demo base layer", 38_000_000)
            .layer(pull_spec, 4_000_000 + index * 1_250_000);
        // A pull spec the catalog cannot take is left out: importing it says NotFound.
        if catalog.add_image(pull_spec, &image).is_ok() && !held.iter().any(|h| h == pull_spec) {
            held.push(pull_spec.to_owned());
        }
    }
    (catalog, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_760_000_000_000;

    fn get(path: &str, query: &str) -> Request {
        Request {
            id: 1,
            method: "GET".into(),
            path: path.into(),
            query: query.into(),
            accept: "application/json".into(),
            authorization: Some(bearer(DEMO_USERS[0].token)),
            ..Request::default()
        }
    }

    fn post(path: &str, body: &Value) -> Request {
        Request {
            method: "POST".into(),
            body: body.to_string(),
            content_type: "application/json".into(),
            ..get(path, "")
        }
    }

    fn reply(messages: &[Message]) -> (u16, Value) {
        messages
            .iter()
            .find_map(|message| match message {
                Message::Reply { status, body, .. } => {
                    Some((*status, serde_json::from_str(body).unwrap_or(Value::Null)))
                }
                _ => None,
            })
            .expect("a reply")
    }

    fn lines(messages: &[Message], watch: u64) -> Vec<Value> {
        messages
            .iter()
            .filter_map(|message| match message {
                Message::Line { id, line } if *id == watch => serde_json::from_str(line).ok(),
                _ => None,
            })
            .collect()
    }

    const DEMO_STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

    #[test]
    fn the_demo_project_holds_imported_streams() {
        let mut demo = DemoCluster::new(NOW);
        let (status, list) = reply(&demo.request(get(DEMO_STREAMS, ""), NOW));
        assert_eq!(status, 200);
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["metadata"]["name"].as_str())
            .collect();
        assert_eq!(names, ["catalog-api", "frontend", "orders"]);
        let frontend = &list["items"][1];
        let tags = frontend["status"]["tags"].as_array().unwrap();
        // 2.0 and 2.1 were imported; `latest` follows 2.1 (an ImageStreamTag source), so the
        // server gives it 2.1's image at once, as openshift-apiserver does.
        assert_eq!(tags.len(), 3, "{frontend}");
        for tag in tags {
            let image = tag["items"][0]["image"].as_str().unwrap_or_default();
            assert!(image.starts_with("sha256:"), "{tag}");
        }
        let image_of = |name: &str| {
            tags.iter()
                .find(|t| t["tag"] == name)
                .map(|t| t["items"][0]["image"].clone())
        };
        assert_eq!(image_of("latest"), image_of("2.1"));
    }

    #[test]
    fn the_shop_front_end_runs_the_release_its_trigger_follows() {
        let mut demo = DemoCluster::new(NOW);
        let (status, stream) = reply(&demo.request(get(&format!("{STREAMS}/frontend"), ""), NOW));
        assert_eq!(status, 200);
        let release = stream["status"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|tag| tag["tag"] == "2.1")
            .map(|tag| tag["items"][0]["dockerImageReference"].clone())
            .unwrap();
        let path = "/apis/apps/v1/namespaces/demo/deployments/shop-frontend";
        let (status, deployment) = reply(&demo.request(get(path, ""), NOW));
        assert_eq!(status, 200, "{deployment}");
        assert_eq!(
            deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            release
        );
    }

    #[test]
    fn requests_without_a_token_are_refused_as_by_the_server() {
        let mut demo = DemoCluster::new(NOW);
        let mut request = get(DEMO_STREAMS, "");
        request.authorization = None;
        let (status, body) = reply(&demo.request(request, NOW));
        assert_eq!(status, 401);
        assert_eq!(body["kind"], "Status");
        assert_eq!(body["reason"], "Unauthorized");
    }

    #[test]
    fn a_watch_streams_the_events_writes_cause_until_cancelled() {
        let mut demo = DemoCluster::new(NOW);
        let (_, list) = reply(&demo.request(get(DEMO_STREAMS, ""), NOW));
        let version = list["metadata"]["resourceVersion"].as_str().unwrap();
        let mut watch = get(DEMO_STREAMS, &format!("watch=1&resourceVersion={version}"));
        watch.id = 7;
        let opened = demo.request(watch, NOW);
        assert!(opened.is_empty(), "{opened:?}");
        assert_eq!(demo.open_watches(), 1);

        let create = Request {
            id: 8,
            ..post(
                DEMO_STREAMS,
                &json!({"metadata": {"name": "cart"}, "spec": {"tags": [{"name": "1.0", "from": {"kind": "DockerImage", "name": "quay.io/demo-shop/frontend:2.0"}}]}}),
            )
        };
        let messages = demo.request(create, NOW + 1000);
        let (status, _) = reply(&messages);
        assert_eq!(status, 201);
        let events = lines(&messages, 7);
        assert_eq!(events[0]["type"], "ADDED");
        assert_eq!(events[0]["object"]["metadata"]["name"], "cart");
        // The import controller imported the new tag, and the watch saw it.
        let imported = events.last().unwrap();
        assert_eq!(imported["type"], "MODIFIED");
        assert!(imported["object"]["status"]["tags"][0]["items"][0]["image"]
            .as_str()
            .is_some_and(|image| image.starts_with("sha256:")));

        demo.cancel(7);
        assert_eq!(demo.open_watches(), 0);
        let create = Request {
            id: 9,
            ..post(DEMO_STREAMS, &json!({"metadata": {"name": "other"}}))
        };
        let messages = demo.request(create, NOW + 2000);
        assert!(lines(&messages, 7).is_empty());
    }

    #[test]
    fn a_watch_without_version_starts_with_the_current_objects() {
        let mut demo = DemoCluster::new(NOW);
        let messages = demo.request(get(DEMO_STREAMS, "watch=1"), NOW);
        let events = lines(&messages, 1);
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|event| event["type"] == "ADDED"));
    }

    #[test]
    fn an_expired_version_gets_the_410_error_event_and_the_end() {
        let settings = ClusterSettings {
            watch_window: 4,
            ..ClusterSettings::default()
        };
        let mut demo = DemoCluster::with_settings(settings, NOW);
        let messages = demo.request(get(DEMO_STREAMS, "watch=1&resourceVersion=1"), NOW);
        let events = lines(&messages, 1);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0]["type"], "ERROR");
        assert_eq!(events[0]["object"]["code"], 410);
        assert_eq!(messages.last(), Some(&Message::Closed { id: 1 }));
        assert_eq!(demo.open_watches(), 0);
    }

    #[test]
    fn watches_get_bookmarks_and_end_at_their_timeout() {
        let mut demo = DemoCluster::new(NOW);
        let (_, list) = reply(&demo.request(get(DEMO_STREAMS, ""), NOW));
        let version = list["metadata"]["resourceVersion"].as_str().unwrap();
        let query =
            format!("watch=1&resourceVersion={version}&allowWatchBookmarks=true&timeoutSeconds=20");
        demo.request(get(DEMO_STREAMS, &query), NOW);
        assert!(demo.tick(NOW + 1000).is_empty());
        let ticked = demo.tick(NOW + BOOKMARK_EVERY_MILLIS);
        let events = lines(&ticked, 1);
        assert_eq!(events.last().unwrap()["type"], "BOOKMARK", "{events:?}");
        // The scheduled tags, last imported a month ago, were due: the controller checked them.
        assert!(events
            .iter()
            .any(|e| e["type"] == "MODIFIED" && e["object"]["metadata"]["name"] == "orders"));
        assert_eq!(demo.tick(NOW + 20_000), vec![Message::Closed { id: 1 }]);
        assert_eq!(demo.open_watches(), 0);
    }

    #[test]
    fn an_image_import_request_resolves_against_the_catalog() {
        let mut demo = DemoCluster::new(NOW);
        let import = json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStreamImport",
            "metadata": {"name": "imported", "namespace": "demo"},
            "spec": {"import": true, "images": [
                {"from": {"kind": "DockerImage", "name": "registry.access.redhat.com/ubi9/httpd-24:latest"}, "to": {"name": "latest"}},
                {"from": {"kind": "DockerImage", "name": "quay.io/nobody/missing:1"}, "to": {"name": "missing"}}
            ]},
        });
        let request = post(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreamimports",
            &import,
        );
        let (status, body) = reply(&demo.request(request, NOW));
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["status"]["images"][0]["status"]["status"], "Success");
        assert_eq!(body["status"]["images"][1]["status"]["reason"], "NotFound");
    }

    #[test]
    fn the_catalog_lists_what_imports_find() {
        let mut demo = DemoCluster::new(NOW);
        let (status, body) = reply(&demo.request(get(CATALOG_PATH, ""), NOW));
        assert_eq!(status, 200);
        let images: Vec<&str> = body["images"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for image in [
            ORDERS,
            FRONTEND_21,
            "registry.access.redhat.com/ubi9/httpd-24:latest",
        ] {
            assert!(images.contains(&image), "{image} missing from {images:?}");
        }
        // Every one of them imports.
        let import = json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStreamImport",
            "metadata": {"name": "everything", "namespace": "demo"},
            "spec": {"import": false, "images": images.iter().enumerate().map(|(i, image)| json!({
                "from": {"kind": "DockerImage", "name": image}, "to": {"name": format!("t{i}")}
            })).collect::<Vec<_>>()},
        });
        let request = post(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreamimports",
            &import,
        );
        let (status, body) = reply(&demo.request(request, NOW));
        assert_eq!(status, 201, "{body}");
        for image in body["status"]["images"].as_array().unwrap() {
            assert_eq!(image["status"]["status"], "Success", "{image}");
        }
    }

    fn states(messages: &[Message]) -> Vec<&str> {
        messages
            .iter()
            .filter_map(|message| match message {
                Message::State { state } => Some(state.as_str()),
                _ => None,
            })
            .collect()
    }

    fn create_stream(id: u64, name: &str) -> Request {
        let stream = json!({"metadata": {"name": name}, "spec": {"tags": [{"name": "1.0", "from": {"kind": "DockerImage", "name": FRONTEND_20}}]}});
        Request {
            id,
            ..post(DEMO_STREAMS, &stream)
        }
    }

    fn stream_names(demo: &mut DemoCluster) -> Vec<String> {
        let (_, list) = reply(&demo.request(get(DEMO_STREAMS, ""), NOW));
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["metadata"]["name"].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn without_persist_no_state_is_sent() {
        let mut demo = DemoCluster::new(NOW);
        let messages = demo.request(create_stream(2, "cart"), NOW + 1000);
        assert!(states(&messages).is_empty(), "{messages:?}");
    }

    #[test]
    fn a_kept_state_follows_every_write_and_brings_the_cluster_back() {
        let mut demo = DemoCluster::new(NOW);
        assert_eq!(demo.persist(None), Vec::new());
        // Reading changes nothing: no state.
        let messages = demo.request(get(DEMO_STREAMS, ""), NOW);
        assert!(states(&messages).is_empty());
        // A write (and the import it caused) does: one state, after the reply.
        let messages = demo.request(create_stream(2, "cart"), NOW + 1000);
        let sent = states(&messages);
        assert_eq!(sent.len(), 1, "{messages:?}");
        assert!(matches!(messages.last(), Some(Message::State { .. })));
        let state = sent[0].to_owned();

        // A reload: a fresh worker given the kept state has the stream, imported.
        let mut reloaded = DemoCluster::new(NOW + 5000);
        assert_eq!(reloaded.persist(Some(&state)), Vec::new());
        assert!(stream_names(&mut reloaded).contains(&"cart".to_owned()));
        let (status, cart) = reply(&reloaded.request(get(&format!("{STREAMS}/cart"), ""), NOW));
        assert_eq!(status, 200);
        assert!(cart["status"]["tags"][0]["items"][0]["image"]
            .as_str()
            .is_some_and(|image| image.starts_with("sha256:")));
        // Deleting there is kept too.
        let delete = Request {
            id: 3,
            method: "DELETE".into(),
            ..get(&format!("{STREAMS}/cart"), "")
        };
        let messages = reloaded.request(delete, NOW + 6000);
        let state = states(&messages)[0].to_owned();
        let mut again = DemoCluster::new(NOW + 7000);
        again.persist(Some(&state));
        assert!(!stream_names(&mut again).contains(&"cart".to_owned()));
    }

    #[test]
    fn resource_versions_keep_growing_after_a_restore() {
        let mut demo = DemoCluster::new(NOW);
        demo.persist(None);
        let messages = demo.request(create_stream(2, "cart"), NOW + 1000);
        let state = states(&messages)[0].to_owned();
        let (_, before) = reply(&demo.request(get(DEMO_STREAMS, ""), NOW));
        let mut reloaded = DemoCluster::new(NOW);
        reloaded.persist(Some(&state));
        let (_, after) = reply(&reloaded.request(get(DEMO_STREAMS, ""), NOW));
        assert_eq!(
            before["metadata"]["resourceVersion"],
            after["metadata"]["resourceVersion"]
        );
    }

    #[test]
    fn a_broken_state_is_reported_and_the_seed_kept() {
        let mut demo = DemoCluster::new(NOW);
        for broken in ["{not json", r#"{"kind": "Something"}"#] {
            let messages = demo.persist(Some(broken));
            assert!(
                matches!(&messages[..], [Message::RestoreFailed { error }] if !error.is_empty()),
                "{messages:?}"
            );
        }
        assert_eq!(
            stream_names(&mut demo),
            ["catalog-api", "frontend", "orders"]
        );
        // Still kept from now on.
        let messages = demo.request(create_stream(2, "cart"), NOW + 1000);
        assert_eq!(states(&messages).len(), 1);
    }

    #[test]
    fn scheduled_imports_on_the_timer_are_kept_too() {
        let mut demo = DemoCluster::new(NOW);
        demo.persist(None);
        // The scheduled tags, last imported a month ago, are due at the first check.
        let ticked = demo.tick(NOW + SCHEDULED_CHECK_EVERY_MILLIS);
        assert_eq!(states(&ticked).len(), 1, "{ticked:?}");
        assert!(states(&demo.tick(NOW + SCHEDULED_CHECK_EVERY_MILLIS + 1000)).is_empty());
    }
}

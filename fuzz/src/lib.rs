//! What the fuzz targets run, kept apart from libFuzzer's entry points so that each input
//! format is documented once and a find can be replayed with `cargo fuzz run TARGET FILE`.
//!
//! Every function panics only when an oracle fails: a reply that is not JSON, a status code
//! out of range, a list the console's typed decoding cannot read, a state that does not load
//! again. Any other panic is a bug of the code under test.

use imagestream_demo::{DemoCluster, Message, Request};
use imagestream_devcluster::decode::{self, FieldValidation};
use imagestream_devcluster::resources;
use imagestream_devcluster::seed::DEMO_USERS;
use imagestream_devcluster::selector::{FieldSelector, LabelSelector};
use imagestream_model as model;
use serde_json::Value;

/// The Authorization header of a demo user.
fn bearer(name: &str) -> Option<String> {
    DEMO_USERS
        .iter()
        .find(|user| user.name == name)
        .map(|user| format!("Bearer {}", user.token))
}

/// The demo cluster's clock at the start of every run.
pub const NOW: i64 = 1_780_000_000_000;

/// Parses the `handle` target's input: requests separated by a line `===`, each written as
///
/// ```text
/// PATCH /apis/image.openshift.io/v1/namespaces/demo/imagestreams/frontend?fieldValidation=Strict
/// C: application/merge-patch+json
/// U: developer
/// A: application/json;as=Table;g=meta.k8s.io;v=v1
/// T: 5000
///
/// {"spec":{"tags":[5]}}
/// ```
///
/// `C` (content type), `U` (a demo user's name, `none`, or a raw Authorization header; admin
/// when left out), `A`
/// (Accept) and `T` (milliseconds after the previous request) may be left out; the body
/// follows the first empty line.
pub fn parse_requests(data: &[u8]) -> Vec<(Request, i64)> {
    let text = String::from_utf8_lossy(data);
    let mut requests = Vec::new();
    for (index, block) in text.split("\n===\n").take(16).enumerate() {
        let (head, body) = block.split_once("\n\n").unwrap_or((block, ""));
        let mut lines = head.lines();
        let first = lines.next().unwrap_or_default();
        let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut request = Request {
            id: index as u64,
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            body: body.to_owned(),
            content_type: "application/json".into(),
            accept: "application/json".into(),
            authorization: bearer("admin"),
        };
        let mut delay = 1_000;
        for line in lines {
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            match key {
                "C" => request.content_type = value.to_owned(),
                "A" => request.accept = value.to_owned(),
                "T" => delay = value.parse().unwrap_or(delay),
                "U" => {
                    request.authorization = match DEMO_USERS.iter().find(|u| u.name == value) {
                        Some(user) => Some(format!("Bearer {}", user.token)),
                        None if value == "none" => None,
                        None => Some(value.to_owned()),
                    }
                }
                _ => {}
            }
        }
        requests.push((request, delay));
    }
    requests
}

/// Replays requests on a fresh demo cluster (the browser worker around `Cluster::handle`, with
/// its in-memory registries, imports and watches), then checks what every client relies on.
pub fn run_requests(data: &[u8]) {
    let mut demo = DemoCluster::new(NOW);
    let mut now = NOW;
    let mut wrote = false;
    for (request, delay) in parse_requests(data) {
        now = now.saturating_add(delay);
        let writes = request.method != "GET";
        for message in demo.request(request, now) {
            if let Message::Reply { status, .. } = message {
                wrote |= writes && status < 300;
            }
            check_message(&message);
        }
        for message in demo.tick(now) {
            check_message(&message);
        }
    }
    if !wrote {
        // Nothing was stored: the seed's lists and state are checked by the tests.
        return;
    }
    check_typed_lists(&mut demo, now);
    // What was stored must load again (a saved state that does not load loses everything).
    let state = demo.state();
    let parsed: Value = serde_json::from_str(&state).expect("a saved state is JSON");
    if let Err(error) = imagestream_devcluster::Cluster::default().load_state(parsed) {
        panic!("the state saved after these requests does not load: {error}");
    }
}

fn check_message(message: &Message) {
    match message {
        Message::Reply { status, body, .. } => {
            assert!((100..600).contains(status), "status {status}");
            assert!(
                serde_json::from_str::<Value>(body).is_ok(),
                "reply is not JSON: {body}"
            );
        }
        Message::Line { line, .. } => {
            assert!(
                serde_json::from_str::<Value>(line).is_ok(),
                "watch line is not JSON: {line}"
            );
        }
        _ => {}
    }
}

/// Lists every kind the console reads, cluster-wide as admin, and decodes each with the model's
/// types, as the console and oc do: one malformed object would break the list for everyone.
fn check_typed_lists(demo: &mut DemoCluster, now: i64) {
    fn list(demo: &mut DemoCluster, path: &str, now: i64) -> String {
        let request = Request {
            id: u64::MAX,
            method: "GET".into(),
            path: path.into(),
            accept: "application/json".into(),
            authorization: bearer("admin"),
            ..Request::default()
        };
        for message in demo.request(request, now) {
            if let Message::Reply { status, body, .. } = message {
                assert_eq!(status, 200, "{path}: {body}");
                return body;
            }
        }
        panic!("{path}: no reply");
    }
    let decode = |path: &str, body: &str, ok: bool| assert!(ok, "{path} does not decode: {body}");
    let path = "/apis/image.openshift.io/v1/imagestreams";
    let body = list(demo, path, now);
    decode(
        path,
        &body,
        serde_json::from_str::<model::List<model::ImageStream>>(&body).is_ok(),
    );
    let path = "/apis/apps/v1/deployments";
    let body = list(demo, path, now);
    decode(
        path,
        &body,
        serde_json::from_str::<model::List<model::Deployment>>(&body).is_ok(),
    );
    let path = "/apis/apps/v1/replicasets";
    let body = list(demo, path, now);
    decode(
        path,
        &body,
        serde_json::from_str::<model::List<model::ReplicaSet>>(&body).is_ok(),
    );
    let path = "/api/v1/services";
    let body = list(demo, path, now);
    decode(
        path,
        &body,
        serde_json::from_str::<model::List<model::Service>>(&body).is_ok(),
    );
    let path = "/api/v1/pods";
    let body = list(demo, path, now);
    decode(
        path,
        &body,
        serde_json::from_str::<model::List<model::Pod>>(&body).is_ok(),
    );
}

/// The `parsers` target: the first byte picks a parser, the rest is its input.
pub fn run_parsers(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match choice % 8 {
        0 => {
            if let Ok(reference) = model::reference::parse(&text) {
                // A parsed reference prints back to one that parses again.
                let again = reference.to_string();
                assert!(
                    model::reference::parse(&again).is_ok(),
                    "{text:?} -> {again:?}"
                );
            }
        }
        1 => {
            if let Ok(millis) = model::time::parse_rfc3339(&text) {
                let formatted = model::time::format_rfc3339(millis);
                assert!(
                    model::time::parse_rfc3339(&formatted).is_ok(),
                    "{formatted}"
                );
            }
            let _ = model::time::ago(&text, NOW);
        }
        2 => {
            if let Ok(selector) = LabelSelector::parse(&text) {
                let labels = [("app".to_owned(), "web".to_owned())].into_iter().collect();
                let _ = selector.matches(&labels);
            }
            let _ = FieldSelector::parse(&text, &["metadata.name", "metadata.namespace"]);
        }
        3 => {
            for resource in resources::RESOURCES {
                for validation in [FieldValidation::Strict, FieldValidation::Warn] {
                    if let Ok(object) = decode::parse_body(resource, rest, validation) {
                        // What decoding accepts, the model reads.
                        assert!(decode::type_errors(resource, &object).is_ok());
                    }
                }
            }
        }
        4 => {
            let _ = serde_json::from_slice::<model::ImageStream>(rest);
            let _ = serde_json::from_slice::<model::List<model::ImageStream>>(rest);
            let _ = serde_json::from_slice::<model::Deployment>(rest);
            let _ = serde_json::from_slice::<model::ImageStreamImport>(rest);
            let _ = serde_json::from_slice::<model::Image>(rest);
            if let Ok(stream) = serde_json::from_slice::<model::ImageStream>(rest) {
                let _ = model::tags::tag_views(&stream);
                let _ = model::tags::describe(&stream, NOW);
                let _ = model::tags::unique_images(&stream);
                for tag in stream.spec_tags() {
                    let _ = model::tags::resolved_pull_spec(&stream, &tag.name);
                    let _ = model::tags::alias_target(&stream, &tag.name);
                }
            }
        }
        5 => {
            let _ = model::validation::check_qualified_name(&text);
            let _ = model::validation::check_label_value(&text);
            let _ = model::validation::check_dns1123_subdomain(&text);
            let _ = model::validation::check_image_stream_name(&text, false);
            let _ = model::validation::check_tag_name(&text);
            let _ = model::validation::validate_pull_spec("f", &text);
            let _ = model::validation::derive_app_name(&text);
        }
        6 => {
            let _ = model::url::decode_component(&text);
            let _ = model::url::encode_component(&text);
            if let Ok(value) = serde_json::from_slice::<Value>(rest) {
                let _ = model::yaml::to_yaml(&value);
            }
        }
        _ => {
            let mut names: Vec<&str> = text.split(',').collect();
            model::tags::prioritize_tags(&mut names);
        }
    }
}

/// The `patch` target: a stored object and a patch, separated by a line `===`; the first
/// byte picks merge, JSON or strategic merge patch.
pub fn run_patch(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let Some((target, patch)) = text.split_once("\n===\n") else {
        return;
    };
    let (Ok(target), Ok(patch)) = (
        serde_json::from_str::<Value>(target),
        serde_json::from_str::<Value>(patch),
    ) else {
        return;
    };
    use imagestream_devcluster::patch::handler::{self, PatchTarget, PatchType};
    // The server's path: the patch handler picks the format and checks the result.
    let patch_type = match choice % 3 {
        0 => PatchType::Merge,
        1 => PatchType::Json,
        _ => PatchType::Strategic,
    };
    let validation = match (choice / 3) % 3 {
        0 => FieldValidation::Ignore,
        1 => FieldValidation::Warn,
        _ => FieldValidation::Strict,
    };
    let name = target
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("x")
        .to_owned();
    let namespace = target
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_owned);
    for kind in ["ImageStream", "Deployment", "Service", "Pod"] {
        let aimed_at = PatchTarget {
            name: &name,
            namespace: namespace.as_deref(),
            kind,
        };
        let _ = handler::apply(&target, patch_type, &patch, validation, aimed_at);
        if patch_type != PatchType::Strategic {
            break;
        }
    }
}

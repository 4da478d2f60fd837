//! Component tests in headless Chromium (wasm-bindgen-test): the table renders what `oc get is`
//! prints for a stream, and text from the cluster stays text.

#![cfg(target_arch = "wasm32")]

use imagestream_console::components::history_timeline::HistoryTimeline;
use imagestream_console::components::imagestream_table::ImageStreamTable;
use imagestream_model::tags::HistoryEvent;
use imagestream_model::ImageStream;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn stream(json: serde_json::Value) -> ImageStream {
    serde_json::from_value(json).expect("test stream is valid")
}

/// Mounts a view into a fresh container and returns the container.
fn mount(view: impl FnOnce() -> AnyView + 'static) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), view);
    handle.forget();
    container
}

fn texts(container: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let nodes = container.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|node| node.text_content().unwrap_or_default().trim().to_owned())
        .collect()
}

#[wasm_bindgen_test]
fn a_stream_row_shows_name_repository_tags_and_age() {
    let now = 1_700_000_600_000_i64; // 10 minutes after the image below
    let streams = vec![stream(serde_json::json!({
        "metadata": {"name": "nginx", "namespace": "openshift"},
        "status": {
            "dockerImageRepository": "registry.svc:5000/openshift/nginx",
            "tags": [
                {"tag": "latest", "items": [{"created": "2023-11-14T22:13:20Z", "dockerImageReference": "x@sha256:a", "image": "sha256:a"}]},
                {"tag": "1.24", "items": [{"created": "2023-11-14T22:13:20Z", "dockerImageReference": "x@sha256:a", "image": "sha256:a"}]}
            ]
        }
    }))];
    let container =
        mount(move || view! { <ImageStreamTable streams now=Signal::stored(now) /> }.into_any());
    assert_eq!(
        texts(&container, "th"),
        ["NAME", "IMAGE REPOSITORY", "TAGS", "UPDATED"]
    );
    assert_eq!(
        texts(&container, "td"),
        [
            "nginx",
            "registry.svc:5000/openshift/nginx",
            "1.24, latest",
            "10 minutes ago"
        ]
    );
}

#[wasm_bindgen_test]
fn markup_in_a_name_is_shown_as_text() {
    let streams = vec![stream(serde_json::json!({
        "metadata": {"name": "<img src=x onerror=alert(1)>"},
        "status": {"dockerImageRepository": "<b>repo</b>"}
    }))];
    let container =
        mount(move || view! { <ImageStreamTable streams now=Signal::stored(0) /> }.into_any());
    assert_eq!(texts(&container, "td")[0], "<img src=x onerror=alert(1)>");
    assert!(container.query_selector("img").unwrap().is_none());
    assert!(container.query_selector("td b").unwrap().is_none());
}

#[wasm_bindgen_test]
fn an_empty_project_says_so() {
    let container =
        mount(|| view! { <ImageStreamTable streams=vec![] now=Signal::stored(0) /> }.into_any());
    assert_eq!(
        texts(&container, "p"),
        ["No image streams in this project."]
    );
}

fn history_event(created: &str, millis: i64, digit: char) -> HistoryEvent {
    HistoryEvent {
        image: format!("sha256:{}", digit.to_string().repeat(64)),
        pull_spec: String::new(),
        created: created.to_owned(),
        created_millis: Some(millis),
        generation: None,
    }
}

#[wasm_bindgen_test]
fn a_history_timeline_draws_one_dot_per_image_and_names_itself() {
    let now = 1_700_000_600_000_i64;
    let history = vec![
        history_event("2023-11-14T22:13:20Z", 1_700_000_000_000, 'a'),
        history_event("2023-11-13T22:13:20Z", 1_699_913_600_000, 'b'),
        history_event("2023-11-01T00:00:00Z", 1_698_796_800_000, 'c'),
    ];
    let container = mount(move || {
        view! { <HistoryTimeline tag="2.4-el9" history now=Signal::stored(now) /> }.into_any()
    });
    let circles = container.query_selector_all("svg circle").unwrap();
    assert_eq!(circles.length(), 3);
    assert_eq!(
        container
            .query_selector_all("svg circle.current")
            .unwrap()
            .length(),
        1
    );
    let svg = container.query_selector("svg").unwrap().unwrap();
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("History of 2.4-el9: 3 images, newest 10 minutes ago")
    );
}

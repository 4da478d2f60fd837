//! Component tests in headless Chromium (wasm-bindgen-test): the table renders what `oc get is`
//! prints for a stream, and text from the cluster stays text.

#![cfg(target_arch = "wasm32")]

use imagestream_console::components::imagestream_table::ImageStreamTable;
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

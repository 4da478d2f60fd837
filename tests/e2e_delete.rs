//! End to end: Delete in the console. An image stream (the dialog names the Deployments still
//! using it, then the list, with the result announced), one tag (from the stream's page and from
//! the tag's own page), an application (everything labelled `app=NAME`, nothing else), and
//! everything in a project (only once the project's name is typed). Keyboard only, a person
//! who may not delete, a stream deleted by someone else while its page is open, and a stream
//! changed between opening the dialog and confirming (409, then Reload).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{Key, Session, VIEWER_TOKEN};

const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";
const SERVICES: &str = "/api/v1/namespaces/demo/services";

/// devcluster (anonymous requests act as `developer`) with `count` generated image streams in
/// demo (app-00000 on, five tags each), and a browser.
async fn start_with_streams(count: &str) -> Session {
    Session::start_with(&["--allow-anonymous", "--seed-streams", count]).await
}

/// The current image of `stream`'s tag `tag`, from the server.
async fn current_image(session: &Session, stream: &str, tag: &str) -> String {
    let (status, found) = session
        .api("GET", &format!("{STREAMS}/{stream}"), None)
        .await;
    assert_eq!(status, 200, "{found}");
    found["status"]["tags"]
        .as_array()
        .and_then(|tags| tags.iter().find(|t| t["tag"] == tag))
        .and_then(|t| t["items"][0]["image"].as_str())
        .unwrap_or_else(|| panic!("{stream}:{tag} has an image: {found}"))
        .to_owned()
}

/// A Deployment `name` whose container `app` follows `stream:tag` through an image trigger and
/// runs `image`.
fn following(name: &str, stream_tag: &str, image: &str) -> Value {
    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": stream_tag},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"app\")].image"
    }])
    .to_string();
    support::deployment(
        name,
        "app",
        image,
        json!({"image.openshift.io/triggers": trigger}),
    )
}

/// Creates Deployment `name` in demo following `stream:tag` and running the tag's current image
/// (as the trigger controller leaves it), so that deleting the stream or tag names it.
async fn create_follower(session: &Session, name: &str, stream: &str, tag: &str) {
    let image = current_image(session, stream, tag).await;
    session
        .create(
            DEPLOYMENTS,
            following(
                name,
                &format!("{stream}:{tag}"),
                &format!("quay.io/bench-org/{stream}@{image}"),
            ),
        )
        .await;
}

/// The propagation policy chosen in the open dialog.
async fn chosen_policy(session: &Session) -> Value {
    session
        .script(
            "return document.querySelector('dialog[open] select').value;",
            "select query",
        )
        .await
}

/// Puts the keyboard focus on the button whose `aria-label` is `label`.
async fn focus_button(session: &Session, label: &str) {
    session
        .script(
            &format!(
                "document.querySelector('button[aria-label={}]').focus();",
                json!(label)
            ),
            "focus the button",
        )
        .await;
}

/// The open dialog's Delete button: whether it is disabled, once it is `disabled`.
async fn wait_for_delete_disabled(session: &Session, disabled: bool) {
    let deadline = Instant::now() + support::PATIENCE;
    loop {
        let state = session
            .browser
            .execute(
                "const b = document.querySelector('dialog[open] button[type=submit]'); return b ? b.disabled : null;",
                vec![],
            )
            .await
            .expect("dialog button query");
        if state.as_bool() == Some(disabled) {
            return;
        }
        if Instant::now() > deadline {
            panic!("the dialog's Delete button never became disabled={disabled}: {state}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until no dialog is open.
async fn wait_for_dialog_closed(session: &Session) {
    let deadline = Instant::now() + support::PATIENCE;
    while session.count("dialog[open]").await > 0 {
        assert!(Instant::now() < deadline, "the dialog stayed open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the first table's rows no longer name `tag` in their first cell.
async fn wait_for_tag_gone(session: &Session, tag: &str) {
    let deadline = Instant::now() + support::PATIENCE;
    loop {
        let rows = session.table_rows().await;
        let tags: Vec<&str> = rows
            .iter()
            .filter_map(|row| row.first())
            .map(String::as_str)
            .collect();
        if !tags.is_empty() && !tags.contains(&tag) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "tag {tag} is still listed: {tags:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The status code of a GET of `path`.
async fn status_of(session: &Session, path: &str) -> u16 {
    session.api("GET", path, None).await.0
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_stream_names_who_still_uses_it_then_returns_to_the_list() {
    let session = start_with_streams("2").await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_names(&["app-00000", "app-00001"]).await;
    create_follower(&session, "uses-app", "app-00000", "latest").await;

    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("heading", "app-00000").await;
    session
        .click_named_button("Delete image stream app-00000")
        .await;
    let shown = session.dialog_with("Still referenced by").await;
    assert!(shown.contains("Delete image stream app-00000?"), "{shown}");
    assert!(shown.contains("ImageStream app-00000"), "{shown}");
    assert!(
        shown.contains("its 5 tags: latest"),
        "the stream's tags are listed: {shown}"
    );
    assert!(
        shown.contains("Deployment uses-app — container app runs app-00000:latest (current)"),
        "{shown}"
    );
    let policies = session.options("Propagation policy").await;
    assert_eq!(policies, ["Background", "Foreground", "Orphan"]);
    assert_eq!(
        chosen_policy(&session).await,
        json!("Background"),
        "oc's default is chosen"
    );
    let link = session
        .script(
            "return [...document.querySelectorAll('dialog[open] a')].map(a => [a.innerText, a.getAttribute('href')]);",
            "link query",
        )
        .await;
    assert_eq!(
        link,
        json!([["Deployment uses-app", "/k8s/ns/demo/deployments/uses-app"]])
    );
    wait_for_delete_disabled(&session, false).await;
    session.screenshot("delete-dialog").await;

    session.click_in_dialog("Delete").await;
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("status", "Deleted image stream app-00000")
        .await;
    session.wait_for_names(&["app-00001"]).await;
    assert_eq!(
        status_of(&session, &format!("{STREAMS}/app-00000")).await,
        404
    );
    assert_eq!(
        status_of(&session, &format!("{DEPLOYMENTS}/uses-app")).await,
        200,
        "the Deployment using it stays"
    );
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_tag_from_the_stream_page_and_from_the_tag_page() {
    let session = start_with_streams("1").await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_names(&["app-00000"]).await;
    create_follower(&session, "on-stable", "app-00000", "stable").await;

    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "stable").await;
    session.click_named_button("Delete tag stable").await;
    let shown = session.dialog_with("Still referenced by").await;
    assert!(shown.contains("Delete tag app-00000:stable?"), "{shown}");
    assert!(
        shown.contains("ImageStreamTag app-00000:stable → "),
        "{shown}"
    );
    assert!(shown.contains("Deployment on-stable"), "{shown}");
    assert!(
        !shown.contains("Propagation policy"),
        "a tag has no dependents to propagate to: {shown}"
    );
    session.click_in_dialog("Delete").await;
    session
        .wait_for_role("status", "Deleted tag app-00000:stable")
        .await;
    wait_for_tag_gone(&session, "stable").await;
    assert_eq!(
        status_of(
            &session,
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags/app-00000:stable"
        )
        .await,
        404
    );

    session
        .open("/k8s/ns/demo/imagestreamtags/app-00000:1.0")
        .await;
    session.click_named_button("Delete tag 1.0").await;
    session.dialog_with("ImageStreamTag app-00000:1.0").await;
    session.click_in_dialog("Delete").await;
    session
        .wait_for_path("/k8s/ns/demo/imagestreams/app-00000")
        .await;
    session
        .wait_for_role("status", "Deleted tag app-00000:1.0")
        .await;
    wait_for_tag_gone(&session, "1.0").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_an_app_removes_what_carries_its_label_and_nothing_else() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    let mut shop = support::deployment("shop", "web", "quay.io/example/shop:1", json!({}));
    shop["metadata"]["labels"] = json!({"app": "shop"});
    session.create(DEPLOYMENTS, shop).await;
    let service = |name: &str| {
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"selector": {"app": name}, "ports": [{"port": 8080, "targetPort": 8080}]}
        })
    };
    session.create(SERVICES, service("shop")).await;
    let mut stream = support::image_stream("shop");
    stream["metadata"]["labels"] = json!({"app": "shop"});
    session.create(STREAMS, stream).await;
    // Another application, which uses shop's stream: it must survive, and be named.
    let mut other = following("other", "shop:latest", " ");
    other["metadata"]["labels"] = json!({"app": "other"});
    session.create(DEPLOYMENTS, other).await;
    session.create(SERVICES, service("other")).await;

    session.open("/k8s/ns/demo/deployments/shop").await;
    session.click_named_button("Delete application shop").await;
    let shown = session.dialog_with("Still referenced by").await;
    for listed in ["Deployment shop", "Service shop", "ImageStream shop"] {
        assert!(shown.contains(listed), "{listed} is listed: {shown}");
    }
    assert!(
        !shown.contains("Service other"),
        "only app=shop is listed: {shown}"
    );
    assert!(
        shown.contains("Deployment other — container app runs shop:latest"),
        "{shown}"
    );
    session.click_in_dialog("Delete").await;
    session.wait_for_path("/k8s/ns/demo/deployments").await;
    session
        .wait_for_role("status", "Deleted application shop")
        .await;
    for gone in [
        format!("{DEPLOYMENTS}/shop"),
        format!("{SERVICES}/shop"),
        format!("{STREAMS}/shop"),
    ] {
        assert_eq!(status_of(&session, &gone).await, 404, "{gone}");
    }
    for kept in [format!("{DEPLOYMENTS}/other"), format!("{SERVICES}/other")] {
        assert_eq!(status_of(&session, &kept).await, 200, "{kept}");
    }
    let (_, replica_sets) = session
        .api(
            "GET",
            "/apis/apps/v1/namespaces/demo/replicasets?labelSelector=app%3Dshop",
            None,
        )
        .await;
    assert_eq!(replica_sets["items"], json!([]), "{replica_sets}");
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_everything_in_a_project_needs_its_name_typed() {
    let session = start_with_streams("2").await;
    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    session
        .create(
            DEPLOYMENTS,
            support::deployment("web", "web", "quay.io/example/web:1", json!({})),
        )
        .await;
    session.wait_for_role("link", "web").await;

    session
        .click_named_button("Delete all in project demo")
        .await;
    let shown = session
        .dialog_with("2 ImageStreams: app-00000, app-00001")
        .await;
    assert!(
        shown.contains("Delete everything in project demo?"),
        "{shown}"
    );
    assert!(shown.contains("1 Deployment: web"), "{shown}");
    wait_for_delete_disabled(&session, true).await;
    session.fill("to confirm", "dem").await;
    wait_for_delete_disabled(&session, true).await;
    session.fill("to confirm", "demo").await;
    wait_for_delete_disabled(&session, false).await;
    session.click_in_dialog("Delete").await;
    session
        .wait_for_role("status", "Deleted everything in project demo")
        .await;
    session
        .wait_for_role("paragraph", "No deployments found in project demo.")
        .await;
    for collection in [STREAMS, DEPLOYMENTS] {
        let (status, list) = session.api("GET", collection, None).await;
        assert_eq!(status, 200);
        assert_eq!(list["items"], json!([]), "{collection}: {list}");
    }
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dialog_works_from_the_keyboard_alone() {
    let session = start_with_streams("1").await;
    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "2.0").await;
    let opener = "Delete image stream app-00000";
    assert!(!session.button_state(opener).await.0, "{opener} is enabled");
    focus_button(&session, opener).await;

    session.press(&Key::Enter).await;
    session.dialog_with("This will delete").await;
    let (focused, in_dialog) = session.focused().await;
    assert_eq!(
        (focused.as_str(), in_dialog),
        ("Cancel", true),
        "focus starts on Cancel, inside the modal dialog"
    );
    session.press(&Key::Escape).await;
    wait_for_dialog_closed(&session).await;
    assert_eq!(
        session.focused().await,
        (opener.to_owned(), false),
        "focus is back on the button that opened the dialog"
    );

    // One tag deleted without a mouse: Enter opens, Shift+Tab reaches Delete, Enter confirms.
    focus_button(&session, "Delete tag 2.0").await;
    session.press(&Key::Enter).await;
    session.dialog_with("ImageStreamTag app-00000:2.0").await;
    wait_for_delete_disabled(&session, false).await;
    session.press(&(Key::Shift + &Key::Tab)).await;
    assert_eq!(session.focused().await, ("Delete".to_owned(), true));
    session.press(&Key::Enter).await;
    session
        .wait_for_role("status", "Deleted tag app-00000:2.0")
        .await;
    wait_for_tag_gone(&session, "2.0").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_sees_delete_disabled_with_the_reason() {
    let session = Session::start_with(&["--seed-streams", "1"]).await;
    session.log_in(VIEWER_TOKEN, "viewer").await;

    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "latest").await;
    assert_eq!(
        session.button_state("Delete image stream app-00000").await,
        (
            true,
            "You may not delete image streams in project demo (delete imagestreams)".to_owned()
        )
    );
    assert_eq!(
        session.button_state("Delete tag latest").await,
        (
            true,
            "You may not delete image stream tags in project demo (delete imagestreamtags)"
                .to_owned()
        )
    );
    session.open("/k8s/ns/demo/deployments").await;
    let (disabled, reason) = session.button_state("Delete all in project demo").await;
    assert!(disabled);
    assert!(
        reason.starts_with(
            "You may not delete everything in project demo (deletecollection deployments"
        ),
        "{reason}"
    );
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_deleted_elsewhere_sends_its_page_to_the_list() {
    let session = start_with_streams("2").await;
    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "latest").await;
    let (status, body) = session
        .api("DELETE", &format!("{STREAMS}/app-00000"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("status", "Image stream app-00000 was deleted")
        .await;
    session.wait_for_names(&["app-00001"]).await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_changed_after_the_dialog_opened_is_explained_and_reloaded() {
    let session = start_with_streams("1").await;
    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "latest").await;
    session
        .click_named_button("Delete image stream app-00000")
        .await;
    session.dialog_with("its 5 tags").await;
    wait_for_delete_disabled(&session, false).await;
    session
        .script(
            "document.querySelector('dialog[open] select').value = 'Orphan'; document.querySelector('dialog[open] select').dispatchEvent(new Event('change', {bubbles: true}));",
            "choose a policy",
        )
        .await;

    // Someone removes a tag meanwhile.
    let (status, body) = session
        .api(
            "DELETE",
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags/app-00000:1.1",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    session.click_in_dialog("Delete").await;
    let shown = session.dialog_with("Someone changed this object").await;
    assert!(shown.contains("Conflict: "), "the server's words: {shown}");
    session
        .wait_for_role("alert", "Could not delete image stream app-00000")
        .await;
    session.click_in_dialog("Reload").await;
    let shown = session.dialog_with("its 4 tags").await;
    assert!(!shown.contains("1.1"), "{shown}");
    assert_eq!(
        chosen_policy(&session).await,
        json!("Orphan"),
        "the choice survives the reload"
    );
    wait_for_delete_disabled(&session, false).await;
    session.click_in_dialog("Delete").await;
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("status", "Deleted image stream app-00000")
        .await;
    session.finish().await;
}

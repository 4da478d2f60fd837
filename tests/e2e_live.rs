//! End to end: the image streams list is live. Changes made through the API appear without a
//! reload, a dropped connection is announced and resumed (the server restarting from its state
//! file, so the watch also meets `410 Expired`), USED BY follows the project's Deployments, and a
//! project of 20,000 streams loads in chunks with only the rows in view in the page.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{image_stream as stream, Session};

const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";

/// A Deployment in `demo` running one container `app`.
fn deployment(name: &str, image: &str, annotations: Value) -> Value {
    support::deployment(name, "app", image, annotations)
}

/// The row of the stream called `name`, once it shows `expected` in column `column`.
async fn wait_for_cell(session: &Session, name: &str, column: usize, expected: &str) {
    let deadline = Instant::now() + support::PATIENCE;
    loop {
        let rows = session.data_rows().await;
        let row = rows
            .iter()
            .find(|row| row.first().map(String::as_str) == Some(name));
        if row.and_then(|row| row.get(column)).map(String::as_str) == Some(expected) {
            return;
        }
        if Instant::now() > deadline {
            panic!("{name}'s column {column} never read {expected:?}; the row is {row:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_created_changed_and_deleted_through_the_api_show_up_without_a_reload() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    session.wait_for_role("status", "Live").await;

    session.create(STREAMS, stream("arrives-live")).await;
    session.wait_for_names(&["arrives-live"]).await;

    let patch = json!({"spec": {"dockerImageRepository": "quay.io/example/arrives-live"}});
    let (status, body) = session
        .api("PATCH", &format!("{STREAMS}/arrives-live"), Some(patch))
        .await;
    assert_eq!(status, 200, "{body}");
    wait_for_cell(&session, "arrives-live", 1, "quay.io/example/arrives-live").await;

    session.create(STREAMS, stream("another")).await;
    session.wait_for_names(&["another", "arrives-live"]).await;
    let (status, body) = session
        .api("DELETE", &format!("{STREAMS}/arrives-live"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    session.wait_for_names(&["another"]).await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_announced_and_resumed() {
    let state = support::workspace_root()
        .join(format!("target/e2e-live-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let state_arg = state.display().to_string();
    let flags = ["--allow-anonymous", "--state", state_arg.as_str()];
    let mut session = Session::start_with(&flags).await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    session.create(STREAMS, stream("before-restart")).await;
    session.wait_for_names(&["before-restart"]).await;
    session.wait_for_role("status", "Live").await;
    // A write the streams watch does not see: its resourceVersion falls behind the cluster's,
    // and the restarted server (whose change log starts at the saved version) answers 410.
    session
        .create(
            DEPLOYMENTS,
            deployment("bystander", "quay.io/example/bystander:1", json!({})),
        )
        .await;

    session.stop_devcluster().await;
    let status = session
        .wait_for_role("status", "Connection lost — reconnecting in")
        .await;
    assert!(status.ends_with(" s"), "{status}");

    session.start_devcluster_again(&flags).await;
    session.wait_for_role("status", "Reconnected").await;
    session.create(STREAMS, stream("after-restart")).await;
    session
        .wait_for_names(&["after-restart", "before-restart"])
        .await;
    session.wait_for_role("status", "Live").await;
    session.finish().await;
    let _ = std::fs::remove_file(&state);
}

#[tokio::test(flavor = "multi_thread")]
async fn used_by_counts_the_deployments_running_a_streams_images_and_marks_stale_ones() {
    let session = Session::start_with(&["--allow-anonymous", "--seed-streams", "3"]).await;
    session.open("/k8s/ns/demo/imagestreams").await;
    let rows = session
        .wait_for_names(&["app-00000", "app-00001", "app-00002"])
        .await;
    assert_eq!(rows[0][4], "—");

    // The current and the previous image of app-00000:latest, from the stream itself.
    let (status, app) = session
        .api("GET", &format!("{STREAMS}/app-00000"), None)
        .await;
    assert_eq!(status, 200, "{app}");
    let latest = app["status"]["tags"]
        .as_array()
        .and_then(|tags| tags.iter().find(|tag| tag["tag"] == "latest"))
        .expect("a latest tag")
        .clone();
    let current = latest["items"][0]["image"].as_str().expect("current image");
    let previous = latest["items"][1]["image"]
        .as_str()
        .expect("previous image");

    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": "app-00000:latest"},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"app\")].image"
    }])
    .to_string();
    session
        .create(
            DEPLOYMENTS,
            deployment(
                "follows-latest",
                &format!("quay.io/bench-org/app-00000@{current}"),
                json!({"image.openshift.io/triggers": trigger}),
            ),
        )
        .await;
    wait_for_cell(&session, "app-00000", 4, "1").await;

    session
        .create(
            DEPLOYMENTS,
            deployment(
                "pinned-old",
                &format!("quay.io/bench-org/app-00000@{previous}"),
                json!({}),
            ),
        )
        .await;
    wait_for_cell(&session, "app-00000", 4, "2 (1 stale)").await;
    wait_for_cell(&session, "app-00001", 4, "—").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_thousand_streams_load_in_chunks_and_only_the_rows_in_view_are_in_the_page() {
    let session = Session::start_with(&["--allow-anonymous", "--seed-streams", "20000"]).await;
    session.open("/k8s/ns/demo/imagestreams").await;
    // The first chunk is on screen while the rest is still coming.
    session.wait_for_role("cell", "app-00000").await;
    let progress = session
        .wait_for_role("status", "Loading image streams…")
        .await;
    assert!(progress.ends_with("of 20,000"), "{progress}");

    // Then the whole list, windowed.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !session.by_role("status").await.iter().any(|s| s == "Live") {
        assert!(Instant::now() < deadline, "the list never finished loading");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let rowcount = session
        .browser
        .execute(
            "return document.querySelector('table').getAttribute('aria-rowcount');",
            vec![],
        )
        .await
        .expect("row count");
    assert_eq!(rowcount, json!("20001"));
    let in_page = session.count("table tr").await;
    assert!(in_page < 200, "{in_page} rows are in the page");

    session
        .browser
        .execute(
            "window.scrollTo(0, document.documentElement.scrollHeight);",
            vec![],
        )
        .await
        .expect("scroll");
    session.wait_for_role("cell", "app-19999").await;
    let in_page = session.count("table tr").await;
    assert!(in_page < 200, "{in_page} rows are in the page");
    let last = session
        .browser
        .execute(
            "const rows = document.querySelectorAll('table tbody tr[aria-rowindex]'); return rows[rows.length - 1].getAttribute('aria-rowindex');",
            vec![],
        )
        .await
        .expect("last row index");
    assert_eq!(last, json!("20001"));
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_stays_live_when_the_server_ends_its_watch() {
    // kube-apiserver ends a watch without timeoutSeconds after --min-request-timeout to twice
    // that (30 to 60 min by default); here after 2 to 4 s.
    let session = Session::start_with(&["--allow-anonymous", "--min-request-timeout", "2"]).await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    session.wait_for_role("status", "Live").await;
    // Scenario set-up, not a timing assertion: long enough for the server to have closed the
    // first watch (at most 4 s).
    tokio::time::sleep(Duration::from_secs(6)).await;

    session
        .create(STREAMS, stream("after-the-watch-ended"))
        .await;
    session.wait_for_names(&["after-the-watch-ended"]).await;
    session.wait_for_role("status", "Live").await;
    assert!(
        !session
            .by_role("status")
            .await
            .iter()
            .any(|s| s.starts_with("Connection lost")),
        "a watch the server ends on schedule is not a lost connection"
    );
    session.finish().await;
}

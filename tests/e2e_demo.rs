//! End to end: "Explore a demo cluster" runs devcluster's demo inside the page (a Web Worker)
//! instead of talking to a server. devcluster serves only the console's files here and runs
//! without anonymous access, so any API call reaching it would be refused: the demo working
//! at all, logged in as `developer`, shows the API never left the browser.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::json;
use support::Session;

/// The URLs of every resource the page fetched that contains `part` (Resource Timing).
async fn fetched(session: &Session, part: &str) -> Vec<String> {
    let urls = session
        .browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes(arguments[0]));",
            vec![json!(part)],
        )
        .await
        .expect("resource timing query failed");
    serde_json::from_value(urls).unwrap_or_default()
}

/// The first cell of every row of the table on screen.
async fn first_cells(session: &Session) -> Vec<String> {
    session
        .table_rows()
        .await
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_explores_the_demo_cluster_inside_the_page() {
    let session = Session::start_with(&[]).await;
    session.open("/login").await;
    session
        .wait_for_role("button", "Explore a demo cluster")
        .await;
    session
        .wait_for_role("paragraph", "nothing leaves your browser")
        .await;
    // The demo's worker is not part of the first load.
    assert_eq!(
        fetched(&session, "imagestream-demo").await,
        Vec::<String>::new()
    );
    // The page asked the server who is logged in (and was refused); nothing more from here on.
    let asked_the_server = fetched(&session, "/api").await;

    session.click_button("Explore a demo cluster").await;
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("banner", "Logged in as developer")
        .await;
    session.wait_for_role("cell", "frontend").await;
    let streams = first_cells(&session).await;
    for name in ["catalog-api", "frontend", "orders"] {
        assert!(
            streams.iter().any(|cell| cell.starts_with(name)),
            "{name} is missing from {streams:?}"
        );
    }
    assert!(!fetched(&session, "imagestream-demo-worker")
        .await
        .is_empty());
    // The list is watched through the worker, as over HTTP.
    session.wait_for_role("status", "Live").await;

    session.click_link("frontend").await;
    session
        .wait_for_path("/k8s/ns/demo/imagestreams/frontend")
        .await;
    session.wait_for_role("heading", "frontend").await;
    session.wait_for_role("cell", "2.0").await;
    let tags = first_cells(&session).await;
    assert!(tags.contains(&"2.1".to_owned()), "tags: {tags:?}");
    assert!(
        tags.iter().any(|t| t.starts_with("latest")),
        "tags: {tags:?}"
    );
    session.screenshot("demo-cluster").await;

    // Nothing more went to the server's API: only the worker's files were fetched.
    assert_eq!(fetched(&session, "/api").await, asked_the_server);

    // A reload stays in the demo, with a fresh cluster.
    session.browser.refresh().await.expect("reload");
    session
        .wait_for_role("banner", "Logged in as developer")
        .await;
    session.wait_for_role("cell", "2.0").await;
    session.wait_for_role("cell", "2.1").await;
    // After the reload the page went straight to the demo: no API call to the server at all.
    assert_eq!(fetched(&session, "/api").await, Vec::<String>::new());

    // Logging out leaves the demo: the server (which refuses anonymous calls) asks for a log-in.
    session.click_button("Log out").await;
    session.wait_for_path("/login").await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_path("/login").await;
    session.wait_for_role("heading", "Log in").await;
    session.finish().await;
}

//! End to end: the static demo (scripts/build-demo.sh) served by a plain static file server
//! (`python3 -m http.server`) under a sub-path, as GitHub Pages serves a project's site: no
//! devcluster, no API server at all. The console starts in the demo cluster inside the page;
//! a person browses, imports an image, deploys one and deletes a stream there; a reload keeps
//! all that, "Reset demo" brings the seed back, and "Connect to a cluster" still offers the
//! log-in form for a real API server. Every file the page fetches comes from below the
//! sub-path.
//!
//! The build is taken from `DEMO_DIST` (scripts/test.sh builds it); without it, the test runs
//! `scripts/build-demo.sh` into target/demo-dist first.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::{Path, PathBuf};
use support::{workspace_root, Session};

/// The static demo's files: `DEMO_DIST`, or a fresh build in target/demo-dist.
fn demo_dist() -> PathBuf {
    if let Some(dist) = std::env::var_os("DEMO_DIST").map(PathBuf::from) {
        assert!(
            dist.join("index.html").is_file(),
            "DEMO_DIST={} has no index.html: build it with scripts/build-demo.sh --dist {0}",
            dist.display()
        );
        return dist;
    }
    let root = workspace_root();
    let dist = root.join("target/demo-dist");
    let status = std::process::Command::new("bash")
        .arg(root.join("scripts/build-demo.sh"))
        .arg("--dist")
        .arg(&dist)
        .current_dir(&root)
        .status()
        .expect("cannot run scripts/build-demo.sh");
    assert!(
        status.success(),
        "scripts/build-demo.sh failed ({status}); set DEMO_DIST to a built static demo to skip the build"
    );
    dist
}

/// The sub-path the build was made for: its `<base href>` ("/imagestream-console/").
fn public_url(dist: &Path) -> String {
    let index = std::fs::read_to_string(dist.join("index.html")).expect("read index.html");
    let start = index
        .find("<base href=\"")
        .map(|at| at + "<base href=\"".len())
        .expect("index.html has a <base href>");
    let end = index[start..].find('"').expect("<base href> is closed") + start;
    index[start..end].to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's directory");
    for entry in std::fs::read_dir(from).expect("read the build") {
        let entry = entry.expect("read the build");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file of the build");
        }
    }
}

/// The first cell of every data row on screen.
async fn names(session: &Session) -> Vec<String> {
    session
        .data_rows()
        .await
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .collect()
}

/// Waits until the list's names include every one of `present` and none of `absent`.
async fn wait_for_list(session: &Session, present: &[&str], absent: &[&str]) {
    let deadline = std::time::Instant::now() + support::PATIENCE;
    loop {
        let shown = names(session).await;
        let has = |name: &&str| shown.iter().any(|cell| cell == name);
        if present.iter().all(has) && !absent.iter().any(has) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "expected {present:?} and not {absent:?} in the list; it shows {shown:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Every resource the page fetched came from the static server, below `sub_path`.
async fn all_fetched_below(session: &Session, sub_path: &str) {
    let prefix = format!("{}{sub_path}", session.base_url);
    let urls = session.fetched_urls().await;
    assert!(!urls.is_empty(), "the page fetched nothing?");
    let outside: Vec<&String> = urls
        .iter()
        .filter(|url| !url.starts_with(&prefix))
        .collect();
    assert!(outside.is_empty(), "fetched outside {prefix}: {outside:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_static_demo_runs_under_a_sub_path_with_no_server() {
    let dist = demo_dist();
    let sub_path = public_url(&dist);
    assert!(
        sub_path.len() > 1,
        "the static demo should be built for a sub-path, not {sub_path:?}"
    );
    let site = workspace_root().join(format!("target/static-demo-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&site);
    copy_dir(&dist, &site.join(sub_path.trim_matches('/')));
    let session = Session::start_static(&site).await;
    let at = |path: &str| format!("{}{}", sub_path.trim_end_matches('/'), path);

    // Straight into the demo cluster: its project `demo`, no log-in page.
    session.open(&sub_path).await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams"))
        .await;
    session
        .wait_for_role("banner", "Logged in as developer")
        .await;
    session.wait_for_role("banner", "Demo cluster").await;
    wait_for_list(&session, &["catalog-api", "frontend", "orders"], &[]).await;

    // A stream's page, its URL below the sub-path.
    session.click_link("frontend").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams/frontend"))
        .await;
    session.wait_for_role("heading", "frontend").await;
    session.wait_for_role("cell", "2.1").await;
    all_fetched_below(&session, &sub_path).await;

    // Import an image the in-memory registries hold.
    session.click_link("← Image streams").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams"))
        .await;
    session.click_link("Import image").await;
    session.wait_for_path(&at("/import-image/ns/demo")).await;
    session.wait_for_role("heading", "Import image").await;
    // The images the demo's registries hold are listed there.
    session
        .script(
            "document.querySelector('details.demo-catalog summary').click(); return 1;",
            "open the list of the demo's images",
        )
        .await;
    session
        .wait_for_text("details.demo-catalog", "quay.io/demo-shop/orders:stable")
        .await;
    session.screenshot("static-demo").await;
    session.fill("Image stream name", "cart").await;
    session
        .fill("Source image", "quay.io/demo-shop/orders:stable")
        .await;
    session.wait_for_role("status", "sha256:").await;
    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/cart imported")
        .await;
    session.click_link("Open image stream cart").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams/cart"))
        .await;
    session.wait_for_role("cell", "latest").await;

    // Deploy an image (oc new-app): its Deployment runs. (Pages are reached by their links:
    // a plain static server has no answer for a deep link, where GitHub Pages serves 404.html.)
    session.click_link("← Image streams").await;
    session.click_link("Deploy image").await;
    session.wait_for_path(&at("/deploy-image/ns/demo")).await;
    session.wait_for_role("heading", "Deploy image").await;
    session
        .fill("Image", "registry.access.redhat.com/ubi9/httpd-24:latest")
        .await;
    session.wait_for_role("status", "Found sha256:").await;
    assert_eq!(session.value_of("Application name").await, "httpd-24");
    session.click_button("Create").await;
    session
        .wait_for_role("status", "Deployment httpd-24 runs")
        .await;
    session.click_link("Deployment httpd-24").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/deployments/httpd-24"))
        .await;
    session.wait_for_role("heading", "httpd-24").await;

    // Delete a stream of the seed.
    session.click_link("Image streams").await;
    session.click_link("orders").await;
    session.wait_for_role("heading", "orders").await;
    session
        .click_named_button("Delete image stream orders")
        .await;
    session.dialog_with("orders").await;
    session.click_in_dialog("Delete").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams"))
        .await;
    wait_for_list(&session, &["cart", "frontend", "httpd-24"], &["orders"]).await;

    // Loading the page again continues where the demo was.
    session.open(&sub_path).await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams"))
        .await;
    session
        .wait_for_role("banner", "Logged in as developer")
        .await;
    wait_for_list(&session, &["cart", "frontend", "httpd-24"], &["orders"]).await;
    session.click_link("Deployments").await;
    session.wait_for_path(&at("/k8s/ns/demo/deployments")).await;
    session.wait_for_role("link", "httpd-24").await;
    all_fetched_below(&session, &sub_path).await;

    // Reset demo, confirmed: the seed is back.
    session.click_button("Reset demo").await;
    session.dialog_with("Reset the demo cluster?").await;
    session.click_in_dialog("Reset demo").await;
    session
        .wait_for_path(&at("/k8s/ns/demo/imagestreams"))
        .await;
    wait_for_list(
        &session,
        &["catalog-api", "frontend", "orders"],
        &["cart", "httpd-24"],
    )
    .await;
    all_fetched_below(&session, &sub_path).await;

    // A real cluster is still one click away: the log-in form asks for its API server.
    session.click_button("Connect to a cluster").await;
    session.wait_for_path(&at("/login")).await;
    session.wait_for_role("heading", "Log in").await;
    let server = session.labelled("API server").await;
    assert_eq!(
        server.attr("type").await.expect("type").as_deref(),
        Some("url")
    );
    session.labelled("Token").await;
    session
        .wait_for_role("button", "Explore a demo cluster")
        .await;

    session.finish().await;
    let _ = std::fs::remove_dir_all(&site);
}

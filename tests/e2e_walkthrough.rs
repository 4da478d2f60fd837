//! The tutorial this project grew from (`../shared/seed`, "OpenShift - Utiliser les flux
//! d'image"), step by step, in the console, in headless Chromium: devcluster with its
//! integrated registry, and a second registry standing in for Docker Hub (no internet here),
//! both Debian's docker-registry with images pushed by skopeo.
//!
//! | tutorial | here |
//! |---|---|
//! | `oc get is -n openshift` | the openshift project's image streams |
//! | `oc describe is/mongodb -n openshift` | mongodb's page: its tags and the digests the API reports |
//! | `oc import-image nginx --confirm` | Import image |
//! | `oc delete is/nginx` | Delete on the stream's page |
//! | `oc new-app gists/lighttpd` | Deploy image |
//! | `oc describe deployment lighttpd` | the Deployment page: stream, tag and the registry's sha256 digest |
//! | `oc delete all --all` | Delete application |
//! | `docker push HOST:5000/advanced/lighttpd`, `oc get is` | a push to the integrated registry, and the stream appearing in the list |
//! | `oc delete is/lighttpd` | Delete on the stream's page |

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/registry.rs"]
mod registry;
mod support;

use serde_json::json;
use support::{short, Session};

const PROJECT: &str = "advanced";
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/advanced/imagestreams";

/// The names of the objects of `path` (a collection) that the API lists now.
async fn names(session: &Session, path: &str) -> Vec<String> {
    let (code, list) = session.api("GET", path, None).await;
    assert_eq!(code, 200, "GET {path}: {list}");
    list["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["metadata"]["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Deletes `what` ("image stream nginx", "application lighttpd") with its Delete button and the
/// dialog's Delete, as a person confirms after reading what will go.
async fn delete_in_dialog(session: &Session, what: &str) {
    session.click_named_button(&format!("Delete {what}")).await;
    session.dialog_with(&format!("Delete {what}?")).await;
    session.click_in_dialog("Delete").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_step_of_the_tutorial_works_in_the_console() {
    let Some(hub) =
        registry::ExternalRegistry::with_images(&["library/nginx:latest", "gists/lighttpd:latest"])
    else {
        return;
    };
    let nginx_digest = hub.digest("library/nginx", "latest");
    let lighttpd_digest = hub.digest("gists/lighttpd", "latest");
    let session = Session::start_with(&["--allow-anonymous", "--registry"]).await;

    // `oc get is -n openshift`
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("heading", "Image streams").await;
    session
        .wait_for_names(&["httpd", "mongodb", "nginx", "postgresql", "python"])
        .await;

    // `oc describe is/mongodb -n openshift`: every tag, with the digest the API reports.
    session.click_link("mongodb").await;
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams/mongodb")
        .await;
    session.wait_for_role("heading", "mongodb").await;
    let (code, mongodb) = session
        .api(
            "GET",
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/mongodb",
            None,
        )
        .await;
    assert_eq!(code, 200);
    let tags = mongodb["status"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!tags.is_empty(), "mongodb has tags: {mongodb}");
    for tag in &tags {
        let name = tag["tag"].as_str().expect("tag name");
        let digest = tag["items"][0]["image"].as_str().expect("current digest");
        session.wait_for_role("cell", short(digest)).await;
        let rows = session.table_rows().await;
        let row = rows
            .iter()
            .find(|row| {
                // An alias reads "latest → 3.6".
                row.first()
                    .is_some_and(|cell| cell == name || cell.starts_with(&format!("{name} →")))
            })
            .unwrap_or_else(|| panic!("no row for tag {name} in {rows:?}"));
        assert!(
            row.iter().any(|cell| cell.starts_with(short(digest))),
            "tag {name} shows {digest}: {row:?}"
        );
    }

    // The tutorial's project.
    let (code, answer) = session
        .api(
            "POST",
            "/apis/project.openshift.io/v1/projectrequests",
            Some(
                json!({"kind": "ProjectRequest", "apiVersion": "project.openshift.io/v1",
                        "metadata": {"name": PROJECT}}),
            ),
        )
        .await;
    assert_eq!(code, 201, "oc new-project advanced: {answer}");

    // `oc import-image nginx --confirm` (the image comes from the stand-in for Docker Hub).
    session.open("/k8s/ns/advanced/imagestreams").await;
    session.wait_for_role("paragraph", "No image streams").await;
    session.click_link("Import image").await;
    session.wait_for_path("/import-image/ns/advanced").await;
    session.fill("Image stream name", "nginx").await;
    session
        .fill(
            "Source image",
            &format!("{}/library/nginx:latest", hub.host()),
        )
        .await;
    session.click_labelled("Insecure registry").await;
    session.wait_for_role("status", &nginx_digest).await;
    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/nginx imported")
        .await;
    session.click_link("Open image stream nginx").await;
    session
        .wait_for_path("/k8s/ns/advanced/imagestreams/nginx")
        .await;
    session.wait_for_role("cell", short(&nginx_digest)).await;

    // `oc delete is/nginx`
    delete_in_dialog(&session, "image stream nginx").await;
    session.wait_for_path("/k8s/ns/advanced/imagestreams").await;
    session
        .wait_for_role("status", "Deleted image stream nginx")
        .await;
    assert_eq!(names(&session, STREAMS).await, Vec::<String>::new());

    // `oc new-app gists/lighttpd`
    session.click_link("Deploy image").await;
    session.wait_for_path("/deploy-image/ns/advanced").await;
    session
        .fill("Image", &format!("{}/gists/lighttpd:latest", hub.host()))
        .await;
    session.click_labelled("Insecure registry").await;
    session
        .wait_for_role("status", &format!("Found {lighttpd_digest}"))
        .await;
    session.click_button("Create").await;
    session
        .wait_for_role(
            "status",
            &format!("Deployment lighttpd runs {lighttpd_digest}."),
        )
        .await;

    // `oc describe deployment lighttpd`: it references the stream, and the sha256 digest the
    // registry reports.
    session.open("/k8s/ns/advanced/deployments/lighttpd").await;
    session.wait_for_role("heading", "lighttpd").await;
    session.wait_for_role("link", "lighttpd:latest").await;
    let page = session.inner_text("main").await;
    assert!(
        page.contains(&lighttpd_digest) || page.contains(short(&lighttpd_digest)),
        "the Deployment page shows the registry's digest {lighttpd_digest}: {page}"
    );
    let (_, deployment) = session
        .api(
            "GET",
            "/apis/apps/v1/namespaces/advanced/deployments/lighttpd",
            None,
        )
        .await;
    let image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default();
    assert!(
        image.ends_with(&format!("@{lighttpd_digest}")),
        "the Deployment runs the digest: {image}"
    );

    // `oc delete all --all` (here: the application, everything labelled app=lighttpd).
    delete_in_dialog(&session, "application lighttpd").await;
    session.wait_for_path("/k8s/ns/advanced/deployments").await;
    session.wait_for_role("status", "Deleted").await;
    for collection in [
        "/apis/apps/v1/namespaces/advanced/deployments",
        "/api/v1/namespaces/advanced/services",
        STREAMS,
    ] {
        assert_eq!(
            names(&session, collection).await,
            Vec::<String>::new(),
            "{collection} is empty"
        );
    }

    // `docker push HOST:5000/advanced/lighttpd`, then `oc get is`: the stream appears.
    let (_, httpd) = session
        .api(
            "GET",
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/httpd",
            None,
        )
        .await;
    let internal = httpd["status"]["dockerImageRepository"]
        .as_str()
        .and_then(|repository| repository.split('/').next())
        .expect("the integrated registry's host")
        .to_owned();
    session.open("/k8s/ns/advanced/imagestreams").await;
    session.wait_for_role("paragraph", "No image streams").await;
    hub.push(&format!("{internal}/advanced/lighttpd:latest"));
    let rows = session.wait_for_names(&["lighttpd"]).await;
    assert!(
        rows[0].iter().any(|cell| cell.contains("latest")),
        "the pushed tag is listed: {rows:?}"
    );
    assert!(
        rows[0]
            .iter()
            .any(|cell| cell.contains(&format!("{internal}/advanced/lighttpd"))),
        "its repository is the integrated registry's: {rows:?}"
    );

    // `oc delete is/lighttpd`
    session.click_link("lighttpd").await;
    session
        .wait_for_path("/k8s/ns/advanced/imagestreams/lighttpd")
        .await;
    delete_in_dialog(&session, "image stream lighttpd").await;
    session.wait_for_path("/k8s/ns/advanced/imagestreams").await;
    session.wait_for_role("paragraph", "No image streams").await;
    assert_eq!(names(&session, STREAMS).await, Vec::<String>::new());
    session.finish().await;
}

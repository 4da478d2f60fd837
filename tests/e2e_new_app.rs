//! End to end: "Deploy image" (`oc new-app IMAGE`) against devcluster and a second, external
//! registry (Debian's docker-registry on loopback, HTTP only): the look-up with the image's
//! ports and digest, the server's failure without `--insecure-registry`, the app name derived
//! as `oc` derives it and checked with the server's rules before sending (nothing typed lost),
//! the preview of every object with its YAML, the server's dry run, creation followed until
//! the Deployment runs the registry's digest, AlreadyExists explained, keyboard-only use,
//! results announced in live regions, and the permission check for a viewer.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/registry.rs"]
mod registry;
mod support;

use serde_json::json;
use support::{Key, Session, VIEWER_TOKEN};

/// The server's DNS-1035 message for an app name, without its examples and regex.
const DNS1035: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

/// Starts an external registry holding gists/lighttpd:latest and the console on Deploy image
/// in project demo; returns the registry (it stops when dropped), the session, the image's
/// reference (`HOST/gists/lighttpd:latest`) and its digest. None where the registry cannot run.
async fn open_deploy_image() -> Option<(registry::ExternalRegistry, Session, String, String)> {
    let ext = registry::ExternalRegistry::with_images(&["gists/lighttpd:latest"])?;
    let image = format!("{}/gists/lighttpd:latest", ext.host());
    let digest = ext.digest("gists/lighttpd", "latest");
    let session = Session::start().await;
    session.open("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Deploy image").await;
    Some((ext, session, image, digest))
}

/// How many Deployments project demo has, through the API.
async fn deployment_count(session: &Session) -> usize {
    let (status, list) = session
        .api("GET", "/apis/apps/v1/namespaces/demo/deployments", None)
        .await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_image_looks_up_previews_creates_and_follows_the_app_until_it_runs_the_digest() {
    let Some((ext, session, image, digest)) = open_deploy_image().await else {
        return;
    };
    let before = deployment_count(&session).await;

    // The registry speaks plain HTTP: the look-up fails with the server's reason until the
    // registry is marked insecure, as with `oc new-app --insecure-registry`.
    session.fill("Image", &image).await;
    let refused = session
        .wait_for_text("#image-error", "Insecure registry")
        .await;
    assert!(refused.contains("insecure"), "{refused}");
    session.click_labelled("Insecure registry").await;
    let found = session
        .wait_for_role("status", &format!("Found {digest}"))
        .await;
    assert!(found.contains("exposes 8080/tcp"), "{found}");
    assert!(found.contains("amd64"), "{found}");
    assert_eq!(session.count("#image-error:not([hidden])").await, 0);

    // The name oc derives, and the ports read from the image.
    assert_eq!(session.value_of("Application name").await, "lighttpd");
    assert_eq!(session.value_of("Ports").await, "8080/tcp");
    assert_eq!(session.value_of("Replicas").await, "1");
    let command = session.equivalent_command().await;
    assert_eq!(
        command,
        format!("oc new-app {image} --insecure-registry -n demo")
    );

    // A name the server would refuse: its message at the field, before anything is sent, and
    // what was typed stays.
    session.fill("Application name", "Lighttpd_1").await;
    let message = session.wait_for_text("#app-name-error", DNS1035).await;
    assert!(
        message.starts_with("Invalid value: \"Lighttpd_1\": "),
        "{message}"
    );
    let input = session.labelled("Application name").await;
    assert_eq!(
        input
            .attr("aria-invalid")
            .await
            .expect("attribute")
            .as_deref(),
        Some("true")
    );
    session.click_button("Create").await;
    assert_eq!(session.focused_id().await, "app-name");
    assert_eq!(session.value_of("Application name").await, "Lighttpd_1");
    assert_eq!(deployment_count(&session).await, before, "nothing was sent");
    assert!(
        session
            .equivalent_command()
            .await
            .contains("--name=Lighttpd_1"),
        "the command follows the edited name"
    );
    session.fill("Application name", "lighttpd").await;
    session
        .wait_until(
            "return document.getElementById('app-name-error').hidden;",
            "the name's error to go",
        )
        .await;

    // The preview: every object, each with its YAML; the Deployment's has the trigger.
    let summaries = session
        .wait_until(
            "const s = [...document.querySelectorAll('details summary')].map(s => s.innerText.trim()); return s.length === 3 ? s : null;",
            "the three objects of the preview",
        )
        .await;
    assert_eq!(
        summaries,
        json!([
            "ImageStream lighttpd",
            "Deployment lighttpd",
            "Service lighttpd"
        ])
    );
    session
        .script(
            "[...document.querySelectorAll('details summary')].find(s => s.innerText.includes('Deployment')).click();",
            "open the Deployment's YAML",
        )
        .await;
    let yaml = session
        .wait_for_text(
            "pre[aria-label='YAML of Deployment lighttpd']",
            "image.openshift.io/triggers",
        )
        .await;
    assert!(yaml.contains("lighttpd:latest"), "{yaml}");
    assert!(yaml.contains("containerPort: 8080"), "{yaml}");
    let service = session
        .text_of("pre[aria-label='YAML of Service lighttpd']")
        .await;
    assert!(service.contains("port: 8080"), "{service}");

    // Create: dry run, then the objects, then the app is followed until it runs the digest
    // the registry reports.
    session.click_button("Create").await;
    session
        .wait_for_toast(
            "status",
            "Created ImageStream, Deployment, Service lighttpd in project demo.",
        )
        .await;
    session
        .wait_for_role("status", &format!("Deployment lighttpd runs {digest}."))
        .await;
    let steps = session.text_of("ol.steps").await;
    assert!(
        steps.contains(&format!("Image stream lighttpd imported {digest}")),
        "{steps}"
    );
    assert!(
        steps.contains(&format!(
            "Trigger lighttpd:latest resolved to {}/gists/lighttpd@{digest}",
            ext.host()
        )),
        "{steps}"
    );
    assert!(steps.contains("Replicas of lighttpd ready: 1/1"), "{steps}");
    session
        .wait_for_toast(
            "status",
            &format!("Deployment lighttpd runs {digest} (1/1 ready)."),
        )
        .await;
    session.screenshot_whole_page("new-app", 2400).await;

    // The Deployment's own page shows the digest it runs.
    session.click_link("Deployment lighttpd").await;
    session
        .wait_for_path("/k8s/ns/demo/deployments/lighttpd")
        .await;
    session.wait_for_text("main", &format!("@{digest}")).await;

    // The same app again (image from the address): the dry run finds it exists, and nothing
    // typed is lost.
    session
        .open(&format!("/deploy-image/ns/demo?image={image}"))
        .await;
    session.wait_for_role("heading", "Deploy image").await;
    assert_eq!(session.value_of("Image").await, image);
    session.click_labelled("Insecure registry").await;
    session
        .wait_for_role("status", &format!("Found {digest}"))
        .await;
    session.click_button("Create").await;
    session
        .wait_for_toast(
            "alert",
            "Nothing was created: lighttpd already exists in project demo.",
        )
        .await;
    let exists = session
        .wait_for_text("#app-name-error", "already exists")
        .await;
    assert!(
        exists.contains("imagestreams.image.openshift.io \"lighttpd\" already exists"),
        "{exists}"
    );
    assert!(exists.contains("choose another name"), "{exists}");
    assert_eq!(session.focused_id().await, "app-name");
    assert_eq!(session.value_of("Image").await, image);
    assert_eq!(session.value_of("Application name").await, "lighttpd");
    let links = session.by_role("link").await;
    assert!(
        links.iter().any(|link| link == "Open ImageStream lighttpd"),
        "{links:?}"
    );
    assert_eq!(deployment_count(&session).await, before + 1);
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_image_works_with_the_keyboard_alone() {
    let Some((_registry, session, image, digest)) = open_deploy_image().await else {
        return;
    };
    session.wait_for_enabled_button("Create").await;

    // Tab to the Image field, type, tick Insecure registry with Space, rename the app.
    let mut tabs = 0;
    while session.focused_id().await != "image" {
        tabs += 1;
        assert!(tabs < 40, "Tab never reached the Image field");
        session.press(&Key::Tab).await;
    }
    session.press(&image).await;
    session.press(&Key::Tab).await;
    assert_eq!(session.focused_id().await, "insecure");
    session.press(&Key::Space).await;
    session
        .wait_for_role("status", &format!("Found {digest}"))
        .await;
    session.press(&Key::Tab).await;
    assert_eq!(session.focused_id().await, "app-name");
    assert_eq!(session.value_of("Application name").await, "lighttpd");
    // Tabbing into a text field selects its text: typing replaces the derived name.
    session.press("web").await;
    assert_eq!(session.value_of("Application name").await, "web");

    // Enter submits; the focus moves to the progress, whose links the keyboard reaches.
    session.press(&Key::Enter).await;
    session
        .wait_for_toast(
            "status",
            "Created ImageStream, Deployment, Service web in project demo.",
        )
        .await;
    session
        .wait_for_role("status", &format!("Deployment web runs {digest}."))
        .await;
    assert_eq!(session.focused_id().await, "progress-heading");
    session.press(&Key::Tab).await;
    session.press(&Key::Enter).await;
    session.wait_for_path("/k8s/ns/demo/imagestreams/web").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_sees_create_disabled_with_the_reason() {
    let session = Session::start_with(&[]).await;
    session.open("/deploy-image/ns/demo").await;
    session.wait_for_path("/login").await;
    session.fill("Token", VIEWER_TOKEN).await;
    session.click_button("Log in").await;
    session.wait_for_path("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Deploy image").await;

    let reason = "You may not create Deployments in project demo (create deployments.apps).";
    session.wait_for_role("paragraph", reason).await;
    let state = session
        .wait_until(
            "const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Create'); return b && b.title ? [b.disabled, b.title] : null;",
            "the Create button's reason",
        )
        .await;
    assert_eq!(state, json!([true, reason]));

    // The look-up needs a permission the viewer lacks too: the field says which, in oc terms.
    session.fill("Image", "quay.io/org/app:1.0").await;
    let refused = session
        .wait_for_text("#image-error", "may not create")
        .await;
    assert!(refused.contains("imagestreamimports"), "{refused}");
    assert!(
        refused.contains("oc adm policy add-role-to-user"),
        "{refused}"
    );
    session.finish().await;
}

//! End to end: "Import image" (`oc import-image`) against devcluster and a second, external
//! registry (Debian's docker-registry on loopback, HTTP only): the look-up before saving, the
//! server's failure without `--insecure`, the import and its digest on the stream page, all
//! tags, validation before sending with nothing typed lost, keyboard-only use, results
//! announced in live regions, the permission check, Re-import's announcement, and Add tag.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/registry.rs"]
mod registry;
mod support;

use serde_json::{json, Value};
use support::{short, Key, Session, VIEWER_TOKEN};

/// The import's result section.
const RESULT: &str = "section[aria-labelledby=result-heading]";

/// The Import button's `[disabled, title]`, once the permission check has answered.
async fn import_button(session: &Session) -> Value {
    session
        .wait_until(
            "const b = [...document.querySelectorAll('button[type=submit]')].find(b => b.innerText.trim() === 'Import'); return b && (b.title || !b.disabled) ? [b.disabled, b.title] : null;",
            "the permission check",
        )
        .await
}

/// Starts an external registry holding `repository:tag` and the console, creates an image
/// stream in demo named after the repository's last part, with one tag, `tag`, importing the
/// image (insecure: the registry speaks plain HTTP), and opens the stream's page. Returns the
/// registry (it stops when dropped), the session and the image's digest; None where the
/// registry cannot run.
async fn open_stream_importing(
    repository: &str,
    tag: &str,
) -> Option<(registry::ExternalRegistry, Session, String)> {
    let ext = registry::ExternalRegistry::with_images(&[&format!("{repository}:{tag}")])?;
    let digest = ext.digest(repository, tag);
    let stream = repository.rsplit('/').next().unwrap_or(repository);
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    let mut object = support::image_stream(stream);
    object["spec"]["tags"] = json!([{
        "name": tag,
        "from": {"kind": "DockerImage", "name": format!("{}/{repository}:{tag}", ext.host())},
        "importPolicy": {"insecure": true}
    }]);
    session
        .create(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            object,
        )
        .await;
    session
        .open(&format!("/k8s/ns/demo/imagestreams/{stream}"))
        .await;
    Some((ext, session, digest))
}

/// Presses Tab until `script` (a question about `document.activeElement`) answers true, ten
/// times at most.
async fn tab_until(session: &Session, script: &str) {
    for _ in 0..10 {
        if session.script(script, "focus query").await == json!(true) {
            return;
        }
        session.press(&Key::Tab).await;
    }
}

/// A look-up shows the image before anything is saved; importing without "Insecure registry"
/// fails with the server's message and keeps the form; with it, the tag gets the registry's
/// digest, announced, and shown on the stream page.
#[tokio::test(flavor = "multi_thread")]
async fn a_looked_up_image_is_imported_with_its_digest_after_the_insecure_failure() {
    let Some(ext) = registry::ExternalRegistry::with_images(&["library/nginx:latest"]) else {
        return;
    };
    let digest = ext.digest("library/nginx", "latest");
    let source = format!("{}/library/nginx:latest", ext.host());
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.click_link("Import image").await;
    session.wait_for_path("/import-image/ns/demo").await;
    session.wait_for_role("heading", "Import image").await;
    assert_eq!(
        import_button(&session).await,
        json!([false, ""]),
        "developer may import in demo"
    );
    session.fill("Image stream name", "web").await;
    session.fill("Source image", &source).await;
    let command = session.equivalent_command().await;
    assert_eq!(
        command,
        format!("oc import-image web --from={source} --confirm -n demo")
    );

    // Without --insecure the server's look-up already says why an import would fail.
    session
        .wait_for_role("status", "requires the insecure flag")
        .await;
    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imported with errors")
        .await;
    let result = session.text_of(RESULT).await;
    assert!(
        result.contains("BadRequest: the repository")
            && result.contains("is HTTP only and requires the insecure flag to import"),
        "the server's reason and message: {result:?}"
    );
    session
        .wait_for_toast("alert", "requires the insecure flag")
        .await;
    // Nothing typed is lost.
    let kept = session
        .script(
            "return [document.getElementById('import-stream').value, document.getElementById('import-from').value];",
            "field values",
        )
        .await;
    assert_eq!(kept, json!(["web", source]));

    // With --insecure the look-up shows the registry's digest, architecture and port.
    session.click_labelled("Insecure registry").await;
    let found = session.wait_for_role("status", &digest).await;
    assert!(found.contains("amd64"), "architecture: {found:?}");
    assert!(found.contains("8080/TCP"), "exposed port: {found:?}");
    assert!(
        session.equivalent_command().await.contains("--insecure"),
        "the command follows the form"
    );
    // The failure's announcement stays until dismissed.
    session
        .script(
            "document.querySelector('.toasts [role=alert] button.dismiss').click();",
            "dismiss the failure",
        )
        .await;
    assert_eq!(session.toast("alert").await, "");
    session.screenshot("import-image").await;

    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/web imported")
        .await;
    let toast = session
        .wait_for_toast("status", "Imported web:latest")
        .await;
    assert!(toast.contains(short(&digest)), "toast {toast:?}");

    session.click_link("Open image stream web").await;
    session.wait_for_path("/k8s/ns/demo/imagestreams/web").await;
    session.wait_for_role("cell", short(&digest)).await;
    let rows = session.table_rows().await;
    let latest = rows
        .iter()
        .find(|row| row[0] == "latest")
        .unwrap_or_else(|| panic!("no latest row in {rows:?}"));
    assert!(latest[2].starts_with(short(&digest)), "{latest:?}");
    assert!(latest[5].starts_with("Imported"), "{latest:?}");
    session.finish().await;
}

/// "Import all tags" imports the repository's tags (oc import-image --all), each listed with
/// its digest.
#[tokio::test(flavor = "multi_thread")]
async fn import_all_tags_lists_every_tag() {
    let Some(ext) = registry::ExternalRegistry::with_images(&["team/app:v1", "team/app:v2"]) else {
        return;
    };
    let session = Session::start().await;
    session
        .open(&format!(
            "/import-image/ns/demo?stream=app&from={}/team/app",
            ext.host()
        ))
        .await;
    session.wait_for_role("heading", "Import image").await;
    for label in ["Import all tags", "Insecure registry"] {
        session.click_labelled(label).await;
    }
    let command = session.equivalent_command().await;
    assert!(
        command.contains("--all") && command.contains("--insecure"),
        "{command:?}"
    );
    import_button(&session).await;
    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/app imported")
        .await;
    let result = session.text_of(RESULT).await;
    for (tag, digest) in [
        ("v1", ext.digest("team/app", "v1")),
        ("v2", ext.digest("team/app", "v2")),
    ] {
        assert!(result.contains(tag), "{tag} in {result:?}");
        assert!(result.contains(&digest), "{digest} in {result:?}");
    }
    session.wait_for_toast("status", "Imported app:").await;
    session.finish().await;
}

/// A bad name is refused at its field with the server's own message before anything is sent,
/// focus goes to it and what was typed stays; then the whole form works from the keyboard.
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_name_is_refused_before_sending_and_the_keyboard_alone_imports() {
    let Some(ext) = registry::ExternalRegistry::with_images(&["library/nginx:latest"]) else {
        return;
    };
    let session = Session::start().await;
    session.open("/import-image/ns/demo").await;
    import_button(&session).await;
    let name = session.labelled("Image stream name").await;
    name.send_keys("Bad_Name").await.expect("type");
    name.send_keys(&Key::Enter).await.expect("press Enter");
    let error = session.text_of("#import-stream-error").await;
    assert_eq!(
        error,
        r#"Invalid value: "Bad_Name": must match "[a-z0-9]+(?:[._-][a-z0-9]+)*""#
    );
    let state = session
        .script(
            r#"const input = document.getElementById('import-stream');
               return [input.value, input.getAttribute('aria-invalid'), document.activeElement === input,
                       input.getAttribute('aria-describedby'),
                       performance.getEntriesByType('resource').filter(e => e.name.includes('imagestreamimports')).length];"#,
            "field state",
        )
        .await;
    assert_eq!(
        state,
        json!([
            "Bad_Name",
            "true",
            true,
            "import-stream-help import-stream-error",
            0
        ])
    );

    // Keyboard only: fix the name, Tab to the source, tick Insecure with Space, Tab to Import.
    for _ in 0.."Bad_Name".len() {
        session.press(&Key::Backspace).await;
    }
    session.press("kbd").await;
    session.press(&Key::Tab).await;
    session
        .press(&format!("{}/library/nginx:latest", ext.host()))
        .await;
    tab_until(
        &session,
        "return document.activeElement.parentElement.innerText.includes('Insecure registry');",
    )
    .await;
    session.press(&Key::Space).await;
    tab_until(
        &session,
        "return document.activeElement.innerText === 'Import';",
    )
    .await;
    assert_eq!(
        session
            .script("return document.activeElement.innerText;", "focus query")
            .await,
        json!("Import")
    );
    session.press(&Key::Enter).await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/kbd imported")
        .await;
    let toast = session
        .wait_for_toast("status", "Imported kbd:latest")
        .await;
    assert!(toast.contains('('), "tag and digest: {toast:?}");
    session.finish().await;
}

/// Someone who may not create imagestreamimports (viewer) sees Import disabled, with why.
#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_cannot_import_and_is_told_why() {
    let session = Session::start_with(&[]).await;
    session.log_in(VIEWER_TOKEN, "viewer").await;
    session.open("/import-image/ns/demo?stream=nginx").await;
    assert_eq!(
        import_button(&session).await,
        json!([
            true,
            "You may not import images in project demo (create imagestreamimports)"
        ])
    );
    // The look-up is refused too, and says which permission is missing and how to get it.
    let refused = session
        .wait_for_role("status", "viewer may not create imagestreamimports")
        .await;
    assert!(
        refused.contains("oc adm policy add-role-to-user edit viewer -n demo"),
        "{refused:?}"
    );
    // The prefilled name is there, so nothing needs retyping once access is granted.
    assert_eq!(session.value_of("Image stream name").await, "nginx");
    session.finish().await;
}

/// Re-import from a tag row: the result is announced in the toast region, which stays while the
/// page reloads the stream.
#[tokio::test(flavor = "multi_thread")]
async fn re_import_announces_its_result_through_the_reload() {
    let Some((_registry, session, digest)) = open_stream_importing("team/app", "v1").await else {
        return;
    };
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    session.click_button("Re-import").await;
    let toast = session.wait_for_toast("status", "into app:v1").await;
    assert!(toast.contains(short(&digest)), "{toast:?}");
    // After the reload the tag shows the digest, and the announcement is still there.
    session.wait_for_role("cell", short(&digest)).await;
    assert!(session.toast("status").await.contains("into app:v1"));
    session.finish().await;
}

/// Add tag (oc tag): a tag of the stream copied as its current image, and an alias; a stale
/// stream gets a 409 that is explained with a Reload, and the typed values survive it.
#[tokio::test(flavor = "multi_thread")]
async fn add_tag_copies_a_tag_and_explains_a_conflict() {
    let Some((_registry, session, digest)) = open_stream_importing("team/base", "1.0").await else {
        return;
    };
    // The controller has imported the tag: the stream no longer changes on its own.
    session.wait_for_role("cell", short(&digest)).await;
    session.wait_for_enabled_button("Add tag").await;

    // Someone else changes the stream after the page loaded it.
    let (status, body) = session
        .api(
            "PATCH",
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams/base",
            Some(json!({"metadata": {"labels": {"changed": "elsewhere"}}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    session.click_button("Add tag").await;
    session.wait_for_role("heading", "Add tag to base").await;
    session.fill("Source", "base:1.0").await;
    session.fill("New tag", "stable").await;
    assert_eq!(
        session.text_of("dialog code").await,
        "oc tag base:1.0 base:stable -n demo"
    );
    session.screenshot("add-tag").await;
    session.click_button("Add").await;
    let alert = session.wait_for_role("alert", "Reload").await;
    assert!(
        alert.contains("Conflict") && alert.contains("Someone changed this object"),
        "{alert:?}"
    );
    session.click_button("Reload").await;
    session
        .wait_for_toast("status", "Reloaded image stream base")
        .await;
    let kept = session
        .script(
            "return [document.getElementById('add-tag-source').value, document.getElementById('add-tag-name').value];",
            "field values",
        )
        .await;
    assert_eq!(kept, json!(["base:1.0", "stable"]));
    session.click_button("Add").await;
    session
        .wait_for_toast("status", &format!("Tag stable set to base@{digest}."))
        .await;
    session.wait_for_role("cell", "stable").await;

    // An alias follows the tag.
    session.click_button("Add tag").await;
    session.fill("Source", "base:1.0").await;
    session.fill("New tag", "current").await;
    session.click_labelled("Alias").await;
    session.click_button("Add").await;
    session
        .wait_for_toast("status", "Tag current set up to track base:1.0.")
        .await;
    session.wait_for_role("cell", "current → 1.0").await;
    session.finish().await;
}

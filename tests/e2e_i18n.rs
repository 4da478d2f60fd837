//! End to end: the console in French. A browser that prefers French gets every browse page,
//! the log-in page, the forms and a delete dialog in French, with `<html lang="fr">`, no
//! string left without its translation (`<html data-untranslated>`), and none of the English
//! sentences of the catalogue on screen; numbers and relative times are written the French
//! way. The language switcher in the masthead changes the language, the choice survives a
//! reload, and `?lang=` in the address wins over both (embeds use it).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use imagestream_console::i18n::all_entries;
use serde_json::Value;
use support::{deployment, image_stream, tag_history, Key, Session};

/// The literal parts of an English catalogue key, between its `{placeholders}`.
fn fragments(english: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = english;
    while let Some(open) = rest.find('{') {
        parts.push(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    parts.push(rest);
    parts
}

/// Whether `word` stands on its own in `text` (not inside a longer word or identifier).
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let joins =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
        !joins(before) && !joins(after)
    })
}

/// The English of the catalogue still readable in `text`, a page shown in French.
///
/// Checked: every literal part of two words or more of a key whose French differs (sentences,
/// labels, headings, messages), and every single upper-case word of three letters or more (the
/// column headers). Not checked: single ordinary words ("current", "none", "Tag", "Live"…).
/// Those are short enough to occur inside cluster data the console must show as it is (names,
/// labels, annotations, image environment, `oc` commands), and some are French too ("Image",
/// "Source", "Annotations"); each of them goes through `t()`, so a missing French is caught
/// by the `data-untranslated` check instead.
fn english_left_in(text: &str) -> Vec<String> {
    let mut left = Vec::new();
    for (english, french) in all_entries() {
        if english == french {
            continue;
        }
        for fragment in fragments(english) {
            let fragment = fragment.trim();
            if french.contains(fragment) {
                continue;
            }
            let words = fragment.split_whitespace().count();
            let header = words == 1
                && fragment.chars().count() >= 3
                && fragment.chars().all(|c| c.is_uppercase());
            let found = if words >= 2 && fragment.len() >= 6 {
                text.contains(fragment)
            } else {
                header && has_word(text, fragment)
            };
            if found {
                left.push(format!("{fragment:?} (from {english:?})"));
            }
        }
    }
    left.sort();
    left.dedup();
    left
}

/// Asserts the page open in `session` is entirely French: `<html lang="fr">`, every string
/// found in the catalogue, and no English sentence or header of the catalogue readable.
async fn assert_french(session: &Session, page: &str) {
    assert_eq!(session.html_lang().await, "fr", "<html lang> on {page}");
    assert_eq!(
        session.untranslated().await,
        None,
        "strings without French on {page}"
    );
    let text = session.readable_text().await;
    let left = english_left_in(&text);
    assert!(
        left.is_empty(),
        "English left on {page}: {left:#?}\nthe page reads:\n{text}"
    );
}

/// The digests of openshift/httpd's tag 2.4-el9, newest first (read as the page's user).
async fn httpd_history(session: &Session) -> Vec<String> {
    let (status, stream) = session
        .api(
            "GET",
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/httpd",
            None,
        )
        .await;
    assert_eq!(status, 200, "{stream}");
    tag_history(&stream, "2.4-el9")
}

/// Sets the scene in project demo: a stream `web` to delete, and two Deployments of
/// openshift/httpd:2.4-el9, `web` following the tag and `legacy` pinned to its older image
/// (so the table and the map say "behind").
async fn create_demo_objects(session: &Session) {
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_role("heading", "Flux d'images").await;
    session
        .create(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            image_stream("web"),
        )
        .await;
    let history = httpd_history(session).await;
    assert!(history.len() >= 2, "httpd:2.4-el9 history: {history:?}");
    let trigger = serde_json::json!([{
        "from": {"kind": "ImageStreamTag", "name": "httpd:2.4-el9", "namespace": "openshift"},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"httpd\")].image"
    }])
    .to_string();
    let repository = "image-registry.openshift-image-registry.svc:5000/openshift/httpd";
    for object in [
        deployment(
            "web",
            "httpd",
            " ",
            serde_json::json!({"image.openshift.io/triggers": trigger}),
        ),
        deployment(
            "legacy",
            "httpd",
            &format!("{repository}@{}", history[1]),
            Value::Object(Default::default()),
        ),
    ] {
        session
            .create("/apis/apps/v1/namespaces/demo/deployments", object)
            .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_preferring_french_gets_every_page_in_french() {
    let session = Session::start_in_language("fr-FR", &["--allow-anonymous"]).await;
    create_demo_objects(&session).await;

    // The Deployments of demo, with the project map.
    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Carte du projet").await;
    session.wait_for_role("cell", "legacy").await;
    let behind = session.wait_for_role("cell", "de retard").await;
    assert!(behind.contains("1 version de retard"), "{behind}");
    assert_french(&session, "the Deployments").await;

    // One Deployment.
    session.open("/k8s/ns/demo/deployments/legacy").await;
    session.wait_for_role("heading", "Conteneurs").await;
    session.wait_for_role("heading", "Conditions").await;
    assert_french(&session, "the legacy Deployment").await;

    // The image streams of openshift: headers, relative times, the live indicator.
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("heading", "Flux d'images").await;
    session.wait_for_role("cell", "httpd").await;
    session.wait_for_role("status", "En direct").await;
    let headers = session.by_role("columnheader").await;
    assert_eq!(
        headers,
        [
            "NOM",
            "DÉPÔT D'IMAGES",
            "BALISES",
            "MIS À JOUR",
            "UTILISÉ PAR"
        ]
    );
    let rows = session.data_rows().await;
    let updated = &rows[0][3];
    assert!(updated.starts_with("il y a "), "UPDATED reads {updated:?}");
    assert_french(&session, "the image streams").await;
    session.screenshot("imagestreams-fr").await;

    // One stream: details, pull specs, tags, history.
    session.open("/k8s/ns/openshift/imagestreams/httpd").await;
    session.wait_for_role("heading", "Balises").await;
    session.wait_for_role("columnheader", "CONDENSÉ").await;
    let copy = session
        .wait_for_role("button", "Copier le dépôt interne")
        .await;
    assert_eq!(copy, "Copier le dépôt interne");
    assert_french(&session, "the httpd stream").await;

    // One tag.
    session
        .open("/k8s/ns/openshift/imagestreamtags/httpd:2.4-el9")
        .await;
    session.wait_for_role("heading", "Historique").await;
    session.wait_for_role("heading", "Utilisé par").await;
    session.wait_for_role("cell", "web").await;
    assert_french(&session, "the httpd:2.4-el9 tag").await;

    // The forms, once their words are in the catalogue.
    session.open("/import-image/ns/demo").await;
    session.wait_for_role("heading", "Importer une image").await;
    assert_french(&session, "Import image").await;
    session.open("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Déployer une image").await;
    assert_french(&session, "Deploy image").await;

    // A delete dialog.
    session.open("/k8s/ns/demo/imagestreams/web").await;
    session.wait_for_role("heading", "Balises").await;
    session
        .click_named_button("Supprimer le flux d'images web")
        .await;
    session.dialog_with("Supprimer le flux d'images web").await;
    assert_french(&session, "the delete dialog").await;
    session.press(&Key::Escape).await;

    // The log-in page.
    session.open("/login").await;
    session.wait_for_role("heading", "Se connecter").await;
    session
        .wait_for_role("button", "Explorer un cluster de démonstration")
        .await;
    assert_french(&session, "log in").await;

    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_switcher_changes_the_language_and_the_choice_survives_a_reload() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("heading", "Image streams").await;
    assert_eq!(session.html_lang().await, "en");
    assert_eq!(
        session.options("Language").await,
        ["English", "Français"],
        "the switcher names each language in that language"
    );

    // From the keyboard: focus the switcher and move to the next language.
    let switcher = session.labelled("Language").await;
    switcher
        .send_keys(&Key::Down)
        .await
        .expect("press ↓ in the switcher");
    session.wait_for_role("heading", "Flux d'images").await;
    assert_eq!(session.html_lang().await, "fr");
    assert_eq!(session.value_of("Langue").await, "fr");
    session.wait_for_role("cell", "httpd").await;
    assert_french(&session, "the image streams after switching").await;

    // Kept across a reload and a new visit.
    session.browser.refresh().await.expect("reload");
    session.wait_for_role("heading", "Flux d'images").await;
    session.open("/k8s/ns/openshift/deployments").await;
    session.wait_for_role("heading", "Déploiements").await;
    assert_eq!(session.html_lang().await, "fr");

    // And back.
    let switcher = session.labelled("Langue").await;
    switcher
        .send_keys(&Key::Up)
        .await
        .expect("press ↑ in the switcher");
    session.wait_for_role("heading", "Deployments").await;
    assert_eq!(session.html_lang().await, "en");
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lang_parameter_in_the_address_wins_over_the_browser_and_the_stored_choice() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams?lang=fr").await;
    session.wait_for_role("heading", "Flux d'images").await;
    assert_eq!(session.html_lang().await, "fr");
    // Without it, the English browser's language again.
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("heading", "Image streams").await;
    assert_eq!(session.html_lang().await, "en");
    session.finish().await;

    let session = Session::start_in_language("fr-FR", &["--allow-anonymous"]).await;
    session.open("/k8s/ns/openshift/imagestreams?lang=en").await;
    session.wait_for_role("heading", "Image streams").await;
    assert_eq!(session.html_lang().await, "en");
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn numbers_are_grouped_the_french_way() {
    let session =
        Session::start_in_language("fr-FR", &["--allow-anonymous", "--seed-streams", "20000"])
            .await;
    session.open("/k8s/ns/demo/imagestreams").await;
    // The first chunk is on screen while the rest is still coming.
    session.wait_for_role("cell", "app-00000").await;
    let progress = session
        .wait_for_role("status", "Chargement des flux d'images…")
        .await;
    assert!(
        progress.ends_with("sur 20\u{202f}000"),
        "the progress reads {progress:?}"
    );
    session.finish().await;
}

#[test]
fn the_check_finds_english_sentences_and_headers_but_not_single_words() {
    let left = english_left_in("Filtrer par nom\nNOM\nLoading image streams… 5 of 9");
    assert!(
        left.iter()
            .any(|found| found.contains("Loading image streams…")),
        "{left:?}"
    );
    assert!(english_left_in("IMAGE REPOSITORY").len() == 1);
    assert!(english_left_in("NAME")
        .iter()
        .any(|f| f.starts_with("\"NAME\"")));
    assert!(english_left_in("HOSTNAME=web current none").is_empty());
    assert_eq!(fragments("{n} of {total}"), ["", " of ", ""]);
}

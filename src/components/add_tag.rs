//! "Add tag" on a stream's page: `oc tag SOURCE STREAM:TAG` in a dialog. The source is another
//! tag of the project (`stream:tag`, copied as its current image, or followed with `--alias`)
//! or a container image pull spec; the new tag is written into the stream's `spec.tags` and the
//! stream is updated with the resourceVersion it was loaded with, so someone else's change in
//! between is a 409 that is explained, with a reload offered, rather than overwritten.

use crate::api::access::{use_permission, Permission};
use crate::api::{resource_path, ApiCall, ApiError, IMAGE_V1};
use crate::auth::Auth;
use crate::components::form_fields::{
    check_box, choice, error_text, field_error, focus, text_field, TextField,
};
use crate::components::toast::use_toaster;
use crate::forms::{conflict_explanation, field_message, reference_text, FieldErrors};
use crate::i18n::{t, tf};
use imagestream_model::imagestream::{ObjectReference, TagImportPolicy, TagReferencePolicy};
use imagestream_model::reference::{self, ImageReference};
use imagestream_model::validation::{validate_pull_spec, validate_tag_name};
use imagestream_model::{ImageStream, TagReference};
use leptos::html;
use leptos::prelude::*;

/// Field keys of the form (the server's 422 causes under `spec.tags` land on the source).
const SOURCE_FIELD: &str = "source";
const TAG_FIELD: &str = "tag";
const SERVER_TAG_FIELDS: &str = "spec.tags";

/// The flags of `oc tag`, as the dialog collects them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagOptions {
    /// `--source=docker`: the source is a container image pull spec; otherwise an image
    /// stream tag `[project/]stream:tag`.
    pub docker: bool,
    /// SOURCE.
    pub source: String,
    /// The tag of this stream to set.
    pub tag: String,
    /// `--alias`: follow the source tag instead of copying its current image.
    pub alias: bool,
    /// `--reference-policy=local`.
    pub local: bool,
    /// `--scheduled` (container images only).
    pub scheduled: bool,
    /// `--insecure` (container images only).
    pub insecure: bool,
}

/// The `oc tag` command the dialog stands for.
pub fn tag_command(stream: &str, namespace: &str, options: &TagOptions) -> String {
    let mut words = vec!["oc tag".to_owned()];
    if options.docker {
        words.push("--source=docker".into());
    }
    words.push(if options.source.is_empty() {
        "SOURCE".into()
    } else {
        options.source.clone()
    });
    let tag = if options.tag.is_empty() {
        "TAG"
    } else {
        &options.tag
    };
    words.push(format!("{stream}:{tag}"));
    for (set, flag) in [
        (options.alias && !options.docker, "--alias"),
        (options.scheduled && options.docker, "--scheduled"),
        (options.insecure && options.docker, "--insecure"),
        (options.local, "--reference-policy=local"),
    ] {
        if set {
            words.push(flag.into());
        }
    }
    words.push(format!("-n {namespace}"));
    words.join(" ")
}

/// The source as oc reads it (for an image stream tag, `[project/]stream:tag`), after oc's
/// checks with oc's messages and the server's tag and pull spec rules, keyed [`SOURCE_FIELD`]
/// and [`TAG_FIELD`].
pub fn check_tag(stream: &str, options: &TagOptions) -> Result<ImageReference, FieldErrors> {
    let mut errors = FieldErrors::from_model(&validate_tag_name(TAG_FIELD, &options.tag));
    let parsed = if options.docker {
        let problems = validate_pull_spec(SOURCE_FIELD, &options.source);
        let parsed = problems
            .is_empty()
            .then(|| reference::parse(&options.source).ok())
            .flatten();
        for problem in &problems {
            errors.push(SOURCE_FIELD, field_message(problem));
        }
        parsed
    } else {
        let (parsed, problem) = match reference::parse(&options.source) {
            Err(_) if options.source.is_empty() => {
                (None, Some(t("a source is required").to_owned()))
            }
            Err(err) => (
                None,
                Some(tf(
                    "invalid SOURCE: {error}",
                    &[("error", reference_text(err.kind()))],
                )),
            ),
            Ok(parsed) => {
                let problem = if !parsed.registry.is_empty() {
                    Some(t(
                        "server in SOURCE is only allowed when providing a container image",
                    ))
                } else if parsed.tag.is_empty() || !parsed.id.is_empty() {
                    Some(t(
                        "--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE",
                    ))
                } else if options.alias && parsed.name != stream {
                    Some(t("cannot set alias across different Image Streams"))
                } else {
                    None
                };
                (Some(parsed), problem.map(str::to_owned))
            }
        };
        if let Some(problem) = problem {
            errors.push(SOURCE_FIELD, problem);
        }
        parsed
    };
    match parsed {
        Some(parsed) if errors.is_empty() => Ok(parsed),
        _ => Err(errors),
    }
}

/// The spec tag `oc tag` writes, and oc's message for it. `source_stream` is the source tag's
/// stream, needed to copy its current image when the source is an image stream tag and not
/// an alias.
pub fn tag_reference(
    options: &TagOptions,
    parsed: &ImageReference,
    source_stream: Option<&ImageStream>,
) -> Result<(TagReference, String), String> {
    let source_namespace = (!parsed.namespace.is_empty() && parsed.namespace != "library")
        .then(|| parsed.namespace.clone());
    let (kind, name, namespace) = if options.docker {
        ("DockerImage", parsed.exact(), None)
    } else if options.alias {
        (
            "ImageStreamTag",
            parsed.name_with_tag_or_digest(),
            source_namespace,
        )
    } else {
        // Not an alias: the image the source tag points at now.
        let event = source_stream
            .and_then(|stream| {
                stream
                    .status_tags()
                    .iter()
                    .find(|list| list.tag == parsed.tag)
            })
            .and_then(|list| list.events().first())
            .ok_or_else(|| {
                tf(
                    "{source} is not currently pointing to an image, cannot use it as the source of a tag",
                    &[("source", &format!("{:?}", options.source))],
                )
            })?;
        if event.image.is_empty() {
            ("DockerImage", event.docker_image_reference.clone(), None)
        } else {
            (
                "ImageStreamImage",
                format!("{}@{}", parsed.name, event.image),
                source_namespace,
            )
        }
    };
    let shown = match &namespace {
        Some(namespace) if kind != "DockerImage" => format!("{namespace}/{name}"),
        _ => name.clone(),
    };
    let args = [("tag", options.tag.as_str()), ("source", shown.as_str())];
    let message = if options.alias && !options.docker {
        tf("Tag {tag} set up to track {source}.", &args)
    } else if options.scheduled && options.docker {
        tf("Tag {tag} set to import {source} periodically.", &args)
    } else {
        tf("Tag {tag} set to {source}.", &args)
    };
    let docker = kind == "DockerImage";
    let tag = TagReference {
        name: options.tag.clone(),
        annotations: Some(None),
        from: Some(ObjectReference {
            kind: kind.into(),
            name,
            namespace,
            ..ObjectReference::default()
        }),
        // Asks the server to import a pull spec now; other sources resolve on their own.
        generation: Some(docker.then_some(0)),
        import_policy: Some(TagImportPolicy {
            insecure: (docker && options.insecure).then_some(true),
            scheduled: (docker && options.scheduled).then_some(true),
            ..TagImportPolicy::default()
        }),
        reference_policy: Some(TagReferencePolicy {
            policy_type: if options.local { "Local" } else { "Source" }.into(),
            ..TagReferencePolicy::default()
        }),
        ..TagReference::default()
    };
    Ok((tag, message))
}

/// `stream` with `tag` set: replacing the spec tag of that name, or added after the others.
pub fn with_tag(stream: &ImageStream, tag: TagReference) -> ImageStream {
    let mut updated = stream.clone();
    let tags = updated
        .spec
        .get_or_insert_with(Default::default)
        .tags
        .get_or_insert_with(Vec::new);
    match tags.iter_mut().find(|existing| existing.name == tag.name) {
        Some(existing) => *existing = tag,
        None => tags.push(tag),
    }
    updated
}

/// Why setting the tag failed, in words, and whether a reload is offered (409).
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    text: String,
    conflict: bool,
}

/// A button "Add tag" opening a dialog for `oc tag SOURCE STREAM:TAG`; `added` is called after
/// the stream was updated, so the page can reload it. Disabled, with the reason in its title,
/// for people who may not update image streams in the project.
#[component]
pub fn AddTagButton(
    /// The stream as loaded (its resourceVersion guards the update).
    stream: ImageStream,
    /// Called after the tag was set.
    #[prop(into)]
    added: Callback<()>,
) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let toaster = use_toaster();
    let namespace = stream.metadata.namespace().to_owned();
    let name = stream.metadata.name().to_owned();
    let allowed = use_permission(
        auth.client.into(),
        Permission::new("update", "image.openshift.io", "imagestreams", &namespace),
    );
    let denied = tf(
        "You may not change image streams in project {namespace} (update imagestreams)",
        &[("namespace", &namespace)],
    );
    // The stream the update starts from: as loaded, or as reloaded after a 409.
    let current = RwSignal::new(stream);
    let names = StoredValue::new((namespace, name));

    let docker = RwSignal::new(false);
    let source = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let alias = RwSignal::new(false);
    let local = RwSignal::new(false);
    let scheduled = RwSignal::new(false);
    let insecure = RwSignal::new(false);
    let options = Memo::new(move |_| TagOptions {
        docker: docker.get(),
        source: source.get().trim().to_owned(),
        tag: tag.get().trim().to_owned(),
        alias: alias.get(),
        local: local.get(),
        scheduled: scheduled.get(),
        insecure: insecure.get(),
    });
    let command = move || names.with_value(|(ns, name)| tag_command(name, ns, &options.get()));
    let attempted = RwSignal::new(false);
    let model_errors = Memo::new(move |_| {
        names
            .with_value(|(_, name)| check_tag(name, &options.get()))
            .err()
            .unwrap_or_default()
    });
    let server_errors = RwSignal::new(FieldErrors::new());
    let error_for = move |paths| field_error(attempted, model_errors, server_errors, paths);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);

    let dialog = NodeRef::<html::Dialog>::new();
    let opener = NodeRef::<html::Button>::new();
    let open = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    // Focus goes back to the button that opened the dialog, however it was closed.
    let closed = move |_| {
        if let Some(opener) = opener.get_untracked() {
            let _ = opener.focus();
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || allowed.get_untracked() != Some(true) {
            return;
        }
        attempted.set(true);
        server_errors.set(FieldErrors::new());
        failure.set(None);
        let options = options.get_untracked();
        let (namespace, name) = names.get_value();
        let parsed = match check_tag(&name, &options) {
            Ok(parsed) => parsed,
            Err(errors) => {
                let id = if errors.for_field(SOURCE_FIELD).is_some() {
                    "add-tag-source"
                } else {
                    "add-tag-name"
                };
                focus(id);
                return;
            }
        };
        busy.set(true);
        let client = auth.client.get_untracked();
        let stream = current.get_untracked();
        leptos::task::spawn_local(async move {
            // Copying a tag's current image needs its stream (this one, or another).
            let source_stream = if options.docker || options.alias {
                Ok(None)
            } else if parsed.name == name
                && (parsed.namespace.is_empty() || parsed.namespace == namespace)
            {
                Ok(Some(stream.clone()))
            } else {
                let from = if parsed.namespace.is_empty() {
                    namespace.clone()
                } else {
                    parsed.namespace.clone()
                };
                let read = client.image_stream(&from, &parsed.name).await;
                if read.as_ref().is_err_and(ApiError::is_unauthorized) {
                    auth.expired();
                }
                read.map(Some)
            };
            let result = match source_stream {
                Err(err) => Err(Failure {
                    text: tf(
                        "Could not read the source: {error}",
                        &[("error", &error_text(&err))],
                    ),
                    conflict: false,
                }),
                Ok(source_stream) => {
                    match tag_reference(&options, &parsed, source_stream.as_ref()) {
                        Err(text) => Err(Failure {
                            text,
                            conflict: false,
                        }),
                        Ok((tag, message)) => {
                            let call = ApiCall {
                                method: "PUT",
                                path: resource_path(
                                    IMAGE_V1,
                                    Some(&namespace),
                                    "imagestreams",
                                    Some(&name),
                                ),
                                // Through a Value: the stream page already serializes
                                // streams that way, so no second serializer is compiled in.
                                body: serde_json::to_value(with_tag(&stream, tag))
                                    .ok()
                                    .map(|value| value.to_string()),
                                content_type: "application/json",
                            };
                            match client.call_json::<ImageStream>(call).await {
                                Ok(_) => Ok(message),
                                Err(err) => {
                                    if err.is_unauthorized() {
                                        auth.expired();
                                    }
                                    server_errors.try_set(FieldErrors::from_api(&err));
                                    let conflict = conflict_explanation(&err);
                                    let mut text = tf(
                                        "Could not set the tag: {error}",
                                        &[("error", &error_text(&err))],
                                    );
                                    if let Some(explained) = &conflict {
                                        text = format!("{text}. {explained}");
                                    }
                                    Err(Failure {
                                        text,
                                        conflict: conflict.is_some(),
                                    })
                                }
                            }
                        }
                    }
                }
            };
            busy.try_set(false);
            match result {
                Ok(message) => {
                    toaster.success(message);
                    close();
                    added.run(());
                }
                Err(failed) => {
                    toaster.error(failed.text.clone());
                    failure.try_set(Some(failed));
                }
            }
        });
    };
    // After a 409: read the stream again; the next try starts from it, and what was typed stays.
    let reload = move |_| {
        let (namespace, name) = names.get_value();
        let client = auth.client.get_untracked();
        leptos::task::spawn_local(async move {
            match client.image_stream(&namespace, &name).await {
                Ok(stream) => {
                    current.try_set(stream);
                    failure.try_set(None);
                    toaster.info(tf(
                        "Reloaded image stream {name}: add the tag again to use the latest version.",
                        &[("name", &name)],
                    ));
                }
                Err(err) => toaster.error(tf(
                    "Could not reload: {error}",
                    &[("error", &error_text(&err))],
                )),
            }
        });
    };

    // Suggestions for the source: this stream's tags, filled in when the dialog is built.
    let suggestions = NodeRef::<html::Datalist>::new();
    suggestions.on_load(move |list| {
        let Some(document) = list.owner_document() else {
            return;
        };
        current.with_untracked(|stream| {
            for status in stream.status_tags() {
                if let Ok(option) = document.create_element("option") {
                    let _ = option.set_attribute(
                        "value",
                        &format!("{}:{}", stream.metadata.name(), status.tag),
                    );
                    let _ = list.append_child(&option);
                }
            }
        });
    });
    let failed = move || failure.with(Option::is_none);
    let title = move || (allowed.get() == Some(false)).then(|| denied.clone());
    let heading = names.with_value(|(_, name)| tf("Add tag to {name}", &[("name", name)]));
    view! {
        <button
            type="button"
            class="secondary"
            node_ref=opener
            title=title
            disabled=move || allowed.get() != Some(true)
            on:click=open
        >
            {t("Add tag")}
        </button>
        <dialog
            class="modal"
            node_ref=dialog
            aria-labelledby="add-tag-heading"
            on:close=closed
            on:keydown=move |ev| {
                if let Some(dialog) = dialog.get_untracked() {
                    crate::components::focus_trap::wrap_tab(&dialog, &ev);
                }
            }
        >
            <h2 id="add-tag-heading">{heading}</h2>
            <form class="form" on:submit=submit novalidate>
                {choice(
                    "add-tag-kind",
                    t("Kind of source (--source)"),
                    [("istag", t("Image stream tag")), ("docker", t("Container image"))],
                    docker,
                )}
                {text_field(TextField {
                    id: "add-tag-source",
                    label: t("Source"),
                    help: Signal::derive(move || {
                        if docker.get() {
                            t("A pull spec, e.g. quay.io/org/app:1.0.")
                        } else {
                            t("Another tag of the project, as stream:tag.")
                        }
                    }),
                    value: source,
                    placeholder: Signal::stored(String::new()),
                    error: error_for(&[SOURCE_FIELD, SERVER_TAG_FIELDS]),
                    disabled: Signal::stored(false),
                    list: Some("add-tag-suggestions"),
                })}
                <datalist id="add-tag-suggestions" node_ref=suggestions></datalist>
                {text_field(TextField {
                    id: "add-tag-name",
                    label: t("New tag"),
                    help: Signal::stored(t(
                        "The tag of this stream to set; an existing tag is replaced.",
                    )),
                    value: tag,
                    placeholder: Signal::stored(String::new()),
                    error: error_for(&[TAG_FIELD]),
                    disabled: Signal::stored(false),
                    list: None,
                })}
                {check_box(
                    t("Alias: follow the source tag as it changes (--alias)"),
                    alias,
                    docker.into(),
                )}
                {check_box(
                    t("Scheduled: import again periodically (--scheduled)"),
                    scheduled,
                    Signal::derive(move || !docker.get()),
                )}
                {check_box(
                    t("Insecure registry: allow HTTP and unverified TLS (--insecure)"),
                    insecure,
                    Signal::derive(move || !docker.get()),
                )}
                {choice(
                    "add-tag-policy",
                    t("Reference policy (--reference-policy)"),
                    [("Source", "Source"), ("Local", "Local")],
                    local,
                )}
                <p>{t("Command line: ")} <code>{command}</code></p>
                <div role="alert" class="field-error" hidden=failed>
                    <p>{move || failure.get().map(|failed| failed.text)}</p>
                    <button
                        type="button"
                        class="secondary"
                        hidden=move || !failure.with(|failed| failed.as_ref().is_some_and(|f| f.conflict))
                        on:click=reload
                    >
                        {t("Reload")}
                    </button>
                </div>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="primary"
                        disabled=move || busy.get() || allowed.get() != Some(true)
                    >
                        {move || if busy.get() { t("Adding…") } else { t("Add") }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| close()>
                        {t("Cancel")}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream() -> ImageStream {
        serde_json::from_value(json!({
            "metadata": {"name": "nginx", "namespace": "demo", "resourceVersion": "7"},
            "spec": {"tags": [{"name": "latest", "from": {"kind": "DockerImage", "name": "nginx:latest"}}]},
            "status": {"dockerImageRepository": "", "tags": [{"tag": "latest", "items": [
                {"created": "2024-01-01T00:00:00Z", "dockerImageReference": "nginx@sha256:aa", "image": "sha256:aa"}
            ]}]}
        }))
        .unwrap()
    }

    fn istag(source: &str, tag: &str, alias: bool) -> TagOptions {
        TagOptions {
            source: source.into(),
            tag: tag.into(),
            alias,
            ..TagOptions::default()
        }
    }

    #[test]
    fn a_copied_tag_points_at_the_current_image() {
        let options = istag("nginx:latest", "stable", false);
        let parsed = check_tag("nginx", &options).unwrap();
        let (tag, message) = tag_reference(&options, &parsed, Some(&stream())).unwrap();
        let from = tag.from.as_ref().unwrap();
        assert_eq!(
            (from.kind.as_str(), from.name.as_str()),
            ("ImageStreamImage", "nginx@sha256:aa")
        );
        assert_eq!(message, "Tag stable set to nginx@sha256:aa.");
        assert_eq!(tag.generation, Some(None));
        let updated = with_tag(&stream(), tag);
        assert_eq!(updated.spec_tags().len(), 2);
        assert_eq!(updated.metadata.resource_version.as_deref(), Some("7"));
        assert_eq!(
            tag_command("nginx", "demo", &options),
            "oc tag nginx:latest nginx:stable -n demo"
        );
    }

    #[test]
    fn an_alias_follows_the_tag_and_stays_in_its_stream() {
        let options = istag("nginx:latest", "current", true);
        let parsed = check_tag("nginx", &options).unwrap();
        let (tag, message) = tag_reference(&options, &parsed, None).unwrap();
        let from = tag.from.unwrap();
        assert_eq!(
            (from.kind.as_str(), from.name.as_str()),
            ("ImageStreamTag", "nginx:latest")
        );
        assert_eq!(message, "Tag current set up to track nginx:latest.");
        let across = check_tag("nginx", &istag("httpd:latest", "x", true)).unwrap_err();
        assert_eq!(
            across.for_field(SOURCE_FIELD).as_deref(),
            Some("cannot set alias across different Image Streams")
        );
    }

    #[test]
    fn oc_rules_are_checked_with_ocs_messages() {
        let no_tag = check_tag("nginx", &istag("nginx", "x", false)).unwrap_err();
        assert_eq!(
            no_tag.for_field(SOURCE_FIELD).as_deref(),
            Some("--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE")
        );
        let bad_name = check_tag("nginx", &istag("nginx:latest", "-bad", false)).unwrap_err();
        assert!(bad_name.for_field(TAG_FIELD).is_some());
        assert_eq!(bad_name.for_field(SOURCE_FIELD), None);
        let missing = tag_reference(
            &istag("nginx:none", "x", false),
            &reference::parse("nginx:none").unwrap(),
            Some(&stream()),
        )
        .unwrap_err();
        assert_eq!(
            missing,
            "\"nginx:none\" is not currently pointing to an image, cannot use it as the source of a tag"
        );
    }

    #[test]
    fn a_pull_spec_is_imported_with_its_flags() {
        let options = TagOptions {
            docker: true,
            source: "quay.io/org/app:1.0".into(),
            tag: "1.0".into(),
            scheduled: true,
            local: true,
            ..TagOptions::default()
        };
        let parsed = check_tag("nginx", &options).unwrap();
        let (tag, message) = tag_reference(&options, &parsed, None).unwrap();
        assert_eq!(tag.generation, Some(Some(0)));
        assert_eq!(tag.import_policy.unwrap().scheduled, Some(true));
        assert_eq!(tag.reference_policy.unwrap().policy_type, "Local");
        assert_eq!(
            message,
            "Tag 1.0 set to import quay.io/org/app:1.0 periodically."
        );
        assert_eq!(
            tag_command("nginx", "demo", &options),
            "oc tag --source=docker quay.io/org/app:1.0 nginx:1.0 --scheduled --reference-policy=local -n demo"
        );
    }
}

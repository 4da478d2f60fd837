//! "Import image" (`oc import-image`): the stream, where its image comes from and how, with the
//! `oc` command the form stands for shown as it is filled in, so people learn the command too.
//!
//! Typing a source looks the image up on the server without saving anything (an
//! ImageStreamImport with `spec.import: false`, what `oc import-image --dry-run` sends), so the
//! digest, age, architecture and ports are known before anything is imported. Importing sends
//! exactly what `oc import-image --confirm` sends (`imagestream_model::plan::plan_import`, with
//! the stream as it is now), and shows each image's outcome: tag and digest, or the registry
//! failure in the server's words. Nothing typed is lost on any failure.

use crate::api::access::{use_permission, Permission};
use crate::api::{resource_path, ApiCall, ApiError, Client, IMAGE_V1};
use crate::auth::Auth;
use crate::components::clock::use_now;
use crate::components::form_fields::{
    check_box, choice, error_text, field_error, focus, text_field, TextField,
};
use crate::components::toast::{use_toaster, Toaster};
use crate::forms::{conflict_explanation, rule_text, FieldErrors};
use crate::i18n::{fmt_count, t, tf};
use crate::pages::deployments::dom::{self, Builder};
use imagestream_model::image::ImageImportStatus;
use imagestream_model::plan::{lookup_import, plan_import, ImportImageOptions, ReferencePolicy};
use imagestream_model::reference::short_digest;
use imagestream_model::time::ago;
use imagestream_model::validation::{
    validate_image_stream_name, validate_pull_spec, validate_tag_name,
};
use imagestream_model::{Image, ImageStream, ImageStreamImport};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::time::Duration;
use stylers_macro::style;
use web_sys::Element;

/// How long typing must pause before the source is looked up.
const LOOKUP_DELAY: Duration = Duration::from_millis(400);

/// Field paths: the model's checks and the server's 422 causes use these, so both land on the
/// same input.
const NAME_FIELD: &str = "metadata.name";
const TAG_FIELD: &str = "spec.images[0].to.name";
const SOURCE_FIELDS: [&str; 2] = ["spec.images[0].from", "spec.repository.from"];

/// `/import-image/ns/:ns`, prefilled from `?stream=NAME&tag=TAG&from=PULLSPEC` (links from a
/// stream's page or a tag row).
#[component]
pub fn ImportImagePage() -> impl IntoView {
    let params = use_params_map();
    let namespace = Memo::new(move |_| params.read().get("ns").unwrap_or_default());
    let query = use_query_map();
    let prefill = query.with_untracked(|query| Prefill {
        stream: query.get("stream").unwrap_or_default(),
        tag: query.get("tag").unwrap_or_default(),
        from: query.get("from").unwrap_or_default(),
    });
    let list_href = move || format!("/k8s/ns/{}/imagestreams", namespace.get());
    view! {
        <p class="back">
            <a href=move || crate::paths::href(&list_href())>{t("← Image streams")}</a>
        </p>
        <h1>{t("Import image")}</h1>
        <p class="subtitle">{t("Project: ")} <strong>{move || namespace.get()}</strong></p>
        <crate::components::demo_actions::DemoCatalog />
        // Another project is another form (its permission and streams differ).
        {move || {
            let namespace = namespace.get();
            let prefill = prefill.clone();
            view! { <ImportForm namespace prefill /> }.into_any()
        }}
    }
}

/// What the address asked to fill in.
#[derive(Debug, Clone, Default, PartialEq)]
struct Prefill {
    stream: String,
    tag: String,
    from: String,
}

/// The inputs, one signal each, so the lookup and the command follow every keystroke.
#[derive(Clone, Copy)]
struct Inputs {
    stream: RwSignal<String>,
    from: RwSignal<String>,
    tag: RwSignal<String>,
    all: RwSignal<bool>,
    scheduled: RwSignal<bool>,
    insecure: RwSignal<bool>,
    local: RwSignal<bool>,
    preserve: RwSignal<bool>,
}

impl Inputs {
    /// The flags of `oc import-image` these inputs stand for (tracked: call inside effects
    /// and memos so they rerun on change).
    fn options(&self) -> ImportImageOptions {
        let stream = self.stream.get().trim().to_owned();
        let tag = self.tag.get().trim().to_owned();
        let from = self.from.get().trim().to_owned();
        options(
            &stream,
            &tag,
            &from,
            [
                self.all.get(),
                self.scheduled.get(),
                self.insecure.get(),
                self.local.get(),
                self.preserve.get(),
            ],
        )
    }
}

/// `oc import-image` flags from the form's values: `[all, scheduled, insecure, local,
/// preserve]`. An unticked "insecure" is the flag left out (the stream's annotation may still
/// allow it), and the tag is ignored with "all tags", as the field is then disabled.
fn options(stream: &str, tag: &str, from: &str, flags: [bool; 5]) -> ImportImageOptions {
    let [all, scheduled, insecure, local, preserve] = flags;
    let target = if tag.is_empty() || all {
        stream.to_owned()
    } else {
        format!("{stream}:{tag}")
    };
    ImportImageOptions {
        target,
        from: (!from.is_empty()).then(|| from.to_owned()),
        confirm: true,
        all,
        scheduled,
        insecure: insecure.then_some(true),
        reference_policy: if local {
            ReferencePolicy::Local
        } else {
            ReferencePolicy::Source
        },
        import_mode: preserve.then(|| "PreserveOriginal".to_owned()),
        dry_run: false,
    }
}

/// The image stream named by `IMAGESTREAM[:TAG]`.
fn stream_name(options: &ImportImageOptions) -> &str {
    options
        .target
        .split_once(':')
        .map_or(options.target.as_str(), |(name, _)| name)
}

/// The model's checks (the server's own rules and messages), before anything is sent.
fn check(namespace: &str, options: &ImportImageOptions, tag: &str) -> FieldErrors {
    let mut errors = validate_image_stream_name(namespace, stream_name(options));
    if !options.all && !tag.is_empty() {
        errors.extend(validate_tag_name(TAG_FIELD, tag));
    }
    if let Some(from) = &options.from {
        errors.extend(validate_pull_spec("spec.images[0].from.name", from));
    }
    FieldErrors::from_model(&errors)
}

/// Quotes `word` for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@=+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The `oc import-image` command the form stands for. `--confirm` is left out once the stream
/// is known to exist, as oc only needs it to create one.
fn command_line(namespace: &str, options: &ImportImageOptions, exists: Option<bool>) -> String {
    let target = if options.target.is_empty() {
        "IMAGESTREAM".to_owned()
    } else {
        shell_word(&options.target)
    };
    let mut words = vec!["oc import-image".to_owned(), target];
    if let Some(from) = &options.from {
        words.push(format!("--from={}", shell_word(from)));
    }
    if exists != Some(true) {
        words.push("--confirm".into());
    }
    for (set, flag) in [
        (options.all, "--all"),
        (options.scheduled, "--scheduled"),
        (options.insecure == Some(true), "--insecure"),
        (
            options.reference_policy == ReferencePolicy::Local,
            "--reference-policy=local",
        ),
    ] {
        if set {
            words.push(flag.into());
        }
    }
    if let Some(mode) = &options.import_mode {
        words.push(format!("--import-mode={mode}"));
    }
    words.push(format!("-n {}", shell_word(namespace)));
    words.join(" ")
}

/// What the server found for one image: the digest and what its config says.
#[derive(Debug, Clone, PartialEq)]
struct Facts {
    digest: String,
    created: Option<String>,
    architecture: String,
    ports: String,
}

impl Facts {
    fn of(image: &Image) -> Self {
        let metadata = image.docker_image_metadata.as_ref();
        // A manifest list (PreserveOriginal) names each platform; one image has one.
        let platforms: Vec<String> = image
            .docker_image_manifests
            .iter()
            .flatten()
            .filter_map(|manifest| {
                let arch = manifest.architecture.as_deref()?;
                Some(match manifest.os.as_deref() {
                    Some(os) if !os.is_empty() => format!("{os}/{arch}"),
                    _ => arch.to_owned(),
                })
            })
            .collect();
        let architecture = if platforms.is_empty() {
            metadata
                .and_then(|meta| meta.architecture.clone())
                .filter(|arch| !arch.is_empty())
                .unwrap_or_else(|| t("unknown").into())
        } else {
            platforms.join(", ")
        };
        let ports: Vec<String> = image
            .exposed_ports()
            .into_iter()
            .map(|(port, protocol)| format!("{port}/{protocol}"))
            .collect();
        Facts {
            digest: image.metadata.name().to_owned(),
            created: metadata.and_then(|meta| meta.created.clone()),
            architecture,
            ports: if ports.is_empty() {
                t("none").into()
            } else {
                ports.join(", ")
            },
        }
    }
}

/// One image of an import or look-up: the tag it is (or would be) under, and what was found
/// or the failure as `Reason: message`.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    tag: String,
    found: Result<Facts, String>,
}

/// What the server answered for every image of `request`, and notes (tags left out by the
/// per-repository limit, as oc prints them).
fn outcomes(
    request: &ImageStreamImport,
    answer: &ImageStreamImport,
) -> (Vec<Outcome>, Vec<String>) {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    let status = answer.status.clone().unwrap_or_default();
    let specs = request.spec.images.as_deref().unwrap_or_default();
    for (index, image) in status.images.iter().flatten().enumerate() {
        let spec = specs.get(index);
        let tag = image
            .tag
            .clone()
            .or_else(|| {
                spec.and_then(|spec| spec.to.as_ref())
                    .map(|to| to.name.clone())
            })
            .or_else(|| spec.map(|spec| spec.from.name.clone()))
            .unwrap_or_default();
        found.push(outcome(tag, image));
    }
    if let Some(repository) = &status.repository {
        let images = repository.images.as_deref().unwrap_or_default();
        for image in images {
            found.push(outcome(image.tag.clone().unwrap_or_default(), image));
        }
        if images.is_empty() && repository.status.status.as_deref() == Some("Failure") {
            let from = request
                .spec
                .repository
                .as_ref()
                .map(|repo| repo.from.name.clone())
                .unwrap_or_default();
            found.push(Outcome {
                tag: from,
                found: Err(failure_text(&repository.status)),
            });
        }
        let additional = repository.additional_tags.as_deref().unwrap_or_default();
        if !additional.is_empty() {
            notes.push(tf(
                "The remote repository contained {n} additional tags which were not imported: {tags}",
                &[
                    ("n", &fmt_count(additional.len() as u64)),
                    ("tags", &additional.join(", ")),
                ],
            ));
        }
    }
    (found, notes)
}

fn outcome(tag: String, image: &ImageImportStatus) -> Outcome {
    let found = match (&image.image, image.status.status.as_deref()) {
        (Some(found), Some("Success")) => Ok(Facts::of(found)),
        _ => Err(failure_text(&image.status)),
    };
    Outcome { tag, found }
}

/// `Reason: message`, as the server put it.
fn failure_text(status: &imagestream_model::Status) -> String {
    format!(
        "{}: {}",
        status.reason.as_deref().unwrap_or_else(|| t("Failure")),
        status
            .message
            .as_deref()
            .unwrap_or_else(|| t("unknown error prevented import"))
    )
}

/// What the source look-up shows.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// Nothing to look up yet.
    Idle,
    /// Typing paused; the server is being asked about this source.
    Asking(String),
    /// The server's answer for each image, and notes.
    Found(Vec<Outcome>, Vec<String>),
    /// The look-up itself failed (not an image failure): the error in words.
    Failed(String),
}

/// What the last import did.
#[derive(Debug, Clone, PartialEq)]
enum Submitted {
    /// Sending; the stream is named.
    Importing(String),
    /// The server answered: each image's outcome, notes, and the stream's name.
    Done(String, Vec<Outcome>, Vec<String>),
    /// It failed before any image was tried: the message, and whether a reload is offered
    /// (a 409 on a stale resourceVersion).
    Failed(String, bool),
}

/// The stream as last read, by name: `None` inside when the server said 404.
type Known = Option<(String, Option<ImageStream>)>;

/// Reads the stream `name`: `Ok(None)` when it does not exist.
async fn read_stream(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<Option<ImageStream>, ApiError> {
    match client.image_stream(namespace, name).await {
        Ok(stream) => Ok(Some(stream)),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(err),
    }
}

/// POSTs an ImageStreamImport and returns the server's answer.
async fn send_import(
    client: &Client,
    namespace: &str,
    request: &ImageStreamImport,
) -> Result<ImageStreamImport, ApiError> {
    let call = ApiCall {
        method: "POST",
        path: resource_path(IMAGE_V1, Some(namespace), "imagestreamimports", None),
        body: serde_json::to_string(request).ok(),
        content_type: "application/json",
    };
    client.call_json(call).await
}

/// The form for one project.
#[component]
fn ImportForm(namespace: String, prefill: Prefill) -> impl IntoView {
    let class = style! {
        .layout {
            display: flex;
            flex-wrap: wrap;
            align-items: flex-start;
            gap: 1.5rem 2.5rem;
        }
        .layout > form {
            flex: 1 1 26rem;
        }
        .side {
            flex: 1 1 20rem;
            display: grid;
            gap: 1rem;
            min-width: 0;
            position: sticky;
            top: 1rem;
        }
        .lookup {
            border: 1px solid var(--border);
            border-radius: 4px;
            padding: 0.6rem 0.9rem;
            background: var(--surface);
        }
        .lookup h2, .result h2 {
            font-size: 1rem;
            font-weight: 600;
            margin: 0 0 0.4rem;
        }
        dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.15rem 1.25rem;
            margin: 0 0 0.5rem;
            font-size: 0.9rem;
        }
        dt {
            font-weight: 600;
        }
        dd {
            margin: 0;
            overflow-wrap: anywhere;
        }
        code {
            font-family: var(--mono);
            font-size: 0.85rem;
        }
        .failed {
            color: var(--danger);
            overflow-wrap: anywhere;
        }
        .muted {
            color: var(--muted);
            margin: 0;
        }
        .command {
            margin: 0;
            white-space: pre-wrap;
            overflow-wrap: anywhere;
        }
        .result {
            border-left: 4px solid var(--ok);
            padding: 0.4rem 0.9rem;
        }
        .result.bad {
            border-left-color: var(--danger);
        }
        a {
            color: var(--accent);
        }
    };
    let auth = expect_context::<Auth>();
    let toaster = use_toaster();
    let now = use_now();
    let inputs = Inputs {
        stream: RwSignal::new(prefill.stream),
        from: RwSignal::new(prefill.from),
        tag: RwSignal::new(prefill.tag),
        all: RwSignal::new(false),
        scheduled: RwSignal::new(false),
        insecure: RwSignal::new(false),
        local: RwSignal::new(false),
        preserve: RwSignal::new(false),
    };
    let allowed = use_permission(
        auth.client.into(),
        Permission::new(
            "create",
            "image.openshift.io",
            "imagestreamimports",
            &namespace,
        ),
    );
    let denied = tf(
        "You may not import images in project {namespace} (create imagestreamimports)",
        &[("namespace", &namespace)],
    );

    // The stream as last read (for the plan, the default source and `--confirm`).
    let known: RwSignal<Known> = RwSignal::new(None);
    let existing = move || -> Option<Option<ImageStream>> {
        let name = inputs.stream.get().trim().to_owned();
        known.with(|known| {
            known
                .as_ref()
                .filter(|(known, _)| *known == name)
                .map(|(_, stream)| stream.clone())
        })
    };
    let ns = StoredValue::new(namespace.clone());
    let options = Memo::new(move |_| inputs.options());
    let command = Memo::new(move |_| {
        let exists = existing().map(|stream| stream.is_some());
        ns.with_value(|ns| command_line(ns, &options.get(), exists))
    });
    // What oc would refuse, said as oc says it, once the name is valid.
    let plan_problem = Memo::new(move |_| {
        let options = options.get();
        let stream = existing()?;
        let name = stream_name(&options);
        if name.is_empty() || !ns.with_value(|ns| validate_image_stream_name(ns, name).is_empty()) {
            return None;
        }
        ns.with_value(|ns| plan_import(ns, &options, stream.as_ref()))
            .err()
            .map(|err| rule_text(&err.0))
    });

    // The look-up: after typing pauses, read the stream when its name changed, then ask the
    // server about the source without importing. Answers to older keystrokes are dropped.
    let lookup = RwSignal::new(Lookup::Idle);
    let asked = StoredValue::new(0u64);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let options = options.get();
        let Some(number) = asked.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        if let Some(Some(handle)) = timer.try_update_value(Option::take) {
            handle.clear();
        }
        let name = stream_name(&options).to_owned();
        let namespace = ns.get_value();
        let name_ok = !name.is_empty() && validate_image_stream_name(&namespace, &name).is_empty();
        let source_ok = options
            .from
            .as_deref()
            .is_some_and(|from| validate_pull_spec("from", from).is_empty());
        if !name_ok && !source_ok {
            lookup.set(Lookup::Idle);
            return;
        }
        let current = move || asked.try_get_value() == Some(number);
        let run = move || {
            leptos::task::spawn_local(async move {
                if !current() {
                    return;
                }
                let client = auth.client.get_untracked();
                let mut stream = None;
                if name_ok {
                    let cached = known.with_untracked(|known| {
                        known
                            .as_ref()
                            .filter(|(known, _)| *known == name)
                            .map(|(_, stream)| stream.clone())
                    });
                    stream = match cached {
                        Some(stream) => stream,
                        None => match read_stream(&client, &namespace, &name).await {
                            Ok(stream) => {
                                if current() {
                                    known.set(Some((name.clone(), stream.clone())));
                                }
                                stream
                            }
                            Err(err) => {
                                if err.is_unauthorized() {
                                    auth.expired();
                                }
                                None
                            }
                        },
                    };
                }
                // The plan itself as a dry run (exactly what an import would ask for); or,
                // when oc would refuse the plan, the source alone.
                let planned = if name_ok {
                    let dry_run = ImportImageOptions {
                        dry_run: true,
                        ..options.clone()
                    };
                    plan_import(&namespace, &dry_run, stream.as_ref()).ok()
                } else {
                    None
                };
                let request = match planned {
                    Some(mut request) => {
                        request.metadata.resource_version = None;
                        request
                    }
                    None if source_ok => lookup_import(
                        &namespace,
                        options.from.as_deref().unwrap_or_default(),
                        options.insecure == Some(true),
                    ),
                    None => {
                        lookup.set(Lookup::Idle);
                        return;
                    }
                };
                if !current() {
                    return;
                }
                let source = request
                    .spec
                    .images
                    .as_ref()
                    .and_then(|images| images.first())
                    .map(|image| image.from.name.clone())
                    .or_else(|| {
                        request
                            .spec
                            .repository
                            .as_ref()
                            .map(|repo| repo.from.name.clone())
                    })
                    .unwrap_or_default();
                lookup.set(Lookup::Asking(source));
                let answer = send_import(&client, &namespace, &request).await;
                if !current() {
                    return;
                }
                lookup.set(match answer {
                    Ok(answer) => {
                        let (found, notes) = outcomes(&request, &answer);
                        Lookup::Found(found, notes)
                    }
                    Err(err) => {
                        if err.is_unauthorized() {
                            auth.expired();
                        }
                        Lookup::Failed(error_text(&err))
                    }
                });
            });
        };
        timer.set_value(set_timeout_with_handle(run, LOOKUP_DELAY).ok());
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = timer.try_update_value(Option::take) {
            handle.clear();
        }
    });

    // Field errors: the model's (shown once an import was tried, then as the fields change)
    // and the server's 422 causes (until the next try).
    let attempted = RwSignal::new(false);
    let model_errors = Memo::new(move |_| {
        let tag = inputs.tag.get().trim().to_owned();
        ns.with_value(|ns| check(ns, &options.get(), &tag))
    });
    let server_errors = RwSignal::new(FieldErrors::new());
    let error_for = move |paths| field_error(attempted, model_errors, server_errors, paths);
    // Server causes that belong to no field are listed at the form's end.
    let other_errors = move || {
        server_errors.with(|errors| {
            errors
                .others(&[NAME_FIELD, TAG_FIELD, SOURCE_FIELDS[0], SOURCE_FIELDS[1]])
                .join(" ")
        })
    };

    let submitted = RwSignal::new(None::<Submitted>);
    let busy = move || matches!(submitted.get(), Some(Submitted::Importing(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy() || allowed.get_untracked() != Some(true) {
            return;
        }
        attempted.set(true);
        server_errors.set(FieldErrors::new());
        let options = options.get_untracked();
        let first_bad = model_errors.with_untracked(|errors| {
            if errors.for_field(NAME_FIELD).is_some() {
                Some("import-stream")
            } else if SOURCE_FIELDS
                .iter()
                .any(|path| errors.for_field(path).is_some())
            {
                Some("import-from")
            } else if errors.for_field(TAG_FIELD).is_some() {
                Some("import-tag")
            } else {
                None
            }
        });
        if let Some(id) = first_bad {
            submitted.set(Some(Submitted::Failed(
                t("Check the fields marked below: nothing was sent.").into(),
                false,
            )));
            focus(id);
            return;
        }
        let namespace = ns.get_value();
        let name = stream_name(&options).to_owned();
        submitted.set(Some(Submitted::Importing(name.clone())));
        let client = auth.client.get_untracked();
        leptos::task::spawn_local(async move {
            // As oc does: read the stream now, then plan against it (its resourceVersion is a
            // precondition, so a change in between is a 409, not a lost update).
            let result = match read_stream(&client, &namespace, &name).await {
                Err(err) => Err(err),
                Ok(stream) => {
                    known.try_set(Some((name.clone(), stream.clone())));
                    match plan_import(&namespace, &options, stream.as_ref()) {
                        Err(err) => {
                            let text = tf(
                                "oc would refuse this import: {problem}",
                                &[("problem", &rule_text(&err.0))],
                            );
                            toaster.error(text.clone());
                            submitted.try_set(Some(Submitted::Failed(text, false)));
                            return;
                        }
                        Ok(request) => send_import(&client, &namespace, &request)
                            .await
                            .map(|answer| (request, answer)),
                    }
                }
            };
            match result {
                Ok((request, answer)) => {
                    if let Some(stream) = answer.status.as_ref().and_then(|s| s.import.clone()) {
                        known.try_set(Some((name.clone(), Some(stream))));
                    }
                    let (found, notes) = outcomes(&request, &answer);
                    announce(toaster, &name, &found);
                    submitted.try_set(Some(Submitted::Done(name, found, notes)));
                }
                Err(err) => {
                    if err.is_unauthorized() {
                        auth.expired();
                    }
                    let fields = FieldErrors::from_api(&err);
                    let conflict = conflict_explanation(&err);
                    let mut text = tf("Import failed: {error}", &[("error", &error_text(&err))]);
                    if let Some(explained) = &conflict {
                        text = format!("{text}. {explained}");
                    }
                    toaster.error(text.clone());
                    server_errors.try_set(fields);
                    submitted.try_set(Some(Submitted::Failed(text, conflict.is_some())));
                }
            }
        });
    };
    // After a 409: read the stream again (the next import plans against it); what was typed
    // stays as it is.
    let reload = move |_| {
        let name = inputs.stream.get_untracked().trim().to_owned();
        let namespace = ns.get_value();
        let client = auth.client.get_untracked();
        leptos::task::spawn_local(async move {
            match read_stream(&client, &namespace, &name).await {
                Ok(stream) => {
                    known.try_set(Some((name.clone(), stream)));
                    submitted.try_set(None);
                    toaster.info(tf(
                        "Reloaded image stream {name}: import again to use the latest version.",
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

    let source_placeholder = move || {
        // oc's default: the stream's tag's source, or the name typed when it is new.
        let options = options.get();
        match existing() {
            Some(Some(stream)) => ns
                .with_value(|ns| plan_import(ns, &options, Some(&stream)))
                .ok()
                .and_then(|plan| {
                    plan.spec
                        .images
                        .and_then(|images| images.into_iter().next())
                })
                .map(|image| image.from.name)
                .unwrap_or_default(),
            _ => options.target,
        }
    };
    // The look-up's answer and the import's outcome are read-only text: built with plain DOM
    // calls (see `pages::deployments::dom`), text always set as text.
    let lookup_tree = move || {
        let builder = Builder::new(class)?;
        let root = builder.el("div", "");
        match lookup.get() {
            Lookup::Idle => {
                builder.text(
                    &root,
                    "p",
                    "muted",
                    t("Type an image stream name or a source image to look it up."),
                );
            }
            Lookup::Asking(source) => {
                builder.text(
                    &root,
                    "p",
                    "muted",
                    &tf("Looking up {source}…", &[("source", &source)]),
                );
            }
            Lookup::Failed(text) => {
                builder.text(&root, "p", "failed", &text);
            }
            Lookup::Found(found, notes) => {
                outcome_tree(&builder, &root, &found, &notes, now.get());
            }
        }
        Some(root)
    };
    let done_tree = move || {
        let Some(Submitted::Done(name, found, notes)) = submitted.get() else {
            return None;
        };
        let builder = Builder::new(class)?;
        let bad = found.iter().any(|outcome| outcome.found.is_err());
        let section = builder.el("section", if bad { "result bad" } else { "result" });
        dom::set(&section, "aria-labelledby", "result-heading");
        let stream = format!("imagestream.image.openshift.io/{name}");
        let heading = if bad {
            tf("{stream} imported with errors", &[("stream", &stream)])
        } else {
            tf("{stream} imported", &[("stream", &stream)])
        };
        dom::set(
            &builder.text(&section, "h2", "", &heading),
            "id",
            "result-heading",
        );
        outcome_tree(&builder, &section, &found, &notes, now.get());
        let link = builder.el("p", "");
        let href = ns.with_value(|ns| format!("/k8s/ns/{ns}/imagestreams/{name}"));
        builder.link(
            &link,
            &href,
            &tf("Open image stream {name}", &[("name", &name)]),
        );
        dom::add(&section, &link);
        Some(section)
    };
    let failure = move || match submitted.get() {
        Some(Submitted::Failed(text, conflict)) => Some((text, conflict)),
        _ => None,
    };
    let button_title = move || (allowed.get() == Some(false)).then(|| denied.clone());

    view! { class=class,
        <div class="layout">
            <form class="form" on:submit=submit novalidate>
                {text_field(TextField {
                    id: "import-stream",
                    label: t("Image stream name"),
                    help: Signal::stored(t(
                        "The stream to import into; created when it does not exist (--confirm).",
                    )),
                    value: inputs.stream,
                    placeholder: Signal::stored(String::new()),
                    error: error_for(&[NAME_FIELD]),
                    disabled: Signal::stored(false),
                    list: None,
                })}
                {text_field(TextField {
                    id: "import-from",
                    label: t("Source image (--from)"),
                    help: Signal::stored(t(
                        "Pull spec of the image, e.g. quay.io/org/app:1.0. Empty: the stream's source, or the name above, as oc does.",
                    )),
                    value: inputs.from,
                    placeholder: Signal::derive(source_placeholder),
                    error: error_for(&SOURCE_FIELDS),
                    disabled: Signal::stored(false),
                    list: None,
                })}
                {text_field(TextField {
                    id: "import-tag",
                    label: t("Tag"),
                    help: Signal::stored(t("The stream's tag to import into; latest when empty.")),
                    value: inputs.tag,
                    placeholder: Signal::stored("latest".to_owned()),
                    error: error_for(&[TAG_FIELD]),
                    disabled: inputs.all.into(),
                    list: None,
                })}
                {check_box(t("Import all tags (--all)"), inputs.all, Signal::stored(false))}
                {check_box(
                    t("Scheduled: import again periodically (--scheduled)"),
                    inputs.scheduled,
                    Signal::stored(false),
                )}
                {check_box(
                    t("Insecure registry: allow HTTP and unverified TLS (--insecure)"),
                    inputs.insecure,
                    Signal::stored(false),
                )}
                {choice(
                    "import-policy",
                    t("Reference policy (--reference-policy)"),
                    [("Source", "Source"), ("Local", "Local")],
                    inputs.local,
                )}
                {choice(
                    "import-mode",
                    t("Import mode (--import-mode)"),
                    [("Legacy", "Legacy"), ("PreserveOriginal", "PreserveOriginal")],
                    inputs.preserve,
                )}
                <p class="field-error" hidden=move || other_errors().is_empty()>{other_errors}</p>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="primary"
                        title=button_title
                        disabled=move || busy() || allowed.get() != Some(true)
                    >
                        {move || if busy() { t("Importing…") } else { t("Import") }}
                    </button>
                    <a href=ns.with_value(|ns| crate::paths::href(&format!("/k8s/ns/{ns}/imagestreams")))>{t("Cancel")}</a>
                </div>
                <p role="status" class="muted">
                    {move || match submitted.get() {
                        Some(Submitted::Importing(name)) => {
                            tf("Importing into {name}…", &[("name", &name)])
                        }
                        _ => String::new(),
                    }}
                </p>
                <div role="alert" class="result bad" hidden=move || failure().is_none()>
                    <p class="failed">{move || failure().map(|(text, _)| text)}</p>
                    <button
                        type="button"
                        class="secondary"
                        hidden=move || !failure().is_some_and(|(_, conflict)| conflict)
                        on:click=reload
                    >
                        {t("Reload")}
                    </button>
                </div>
                {dom::mount_live(done_tree)}
            </form>
            <aside class="side">
                <section class="lookup" aria-labelledby="lookup-heading">
                    <h2 id="lookup-heading">{t("Image")}</h2>
                    <div role="status" aria-live="polite">{dom::mount_live(lookup_tree)}</div>
                </section>
                <div>
                    <p class="muted">{t("Command line")}</p>
                    <pre class="yaml command" role="group" aria-label=t("Equivalent oc command")>{move || command.get()}</pre>
                    <p class="failed" hidden=move || plan_problem.with(Option::is_none)>
                        {move || {
                            plan_problem
                                .get()
                                .map(|problem| {
                                    tf("oc would refuse this import: {problem}", &[("problem", &problem)])
                                })
                        }}
                    </p>
                </div>
            </aside>
        </div>
    }
}

/// Announces the import's outcome: a success with the tag and digest, or each failure.
fn announce(toaster: Toaster, name: &str, found: &[Outcome]) {
    let failed: Vec<String> = found
        .iter()
        .filter_map(|outcome| {
            outcome.found.as_ref().err().map(|why| {
                tf(
                    "{tag} failed: {why}",
                    &[("tag", &format!("{name}:{}", outcome.tag)), ("why", why)],
                )
            })
        })
        .collect();
    let imported: Vec<String> =
        found
            .iter()
            .filter_map(|outcome| {
                outcome.found.as_ref().ok().map(|facts| {
                    format!("{name}:{} ({})", outcome.tag, short_digest(&facts.digest))
                })
            })
            .collect();
    if !imported.is_empty() {
        toaster.success(tf("Imported {tags}", &[("tags", &imported.join(", "))]));
    }
    if !failed.is_empty() {
        toaster.error(tf("Import of {tags}", &[("tags", &failed.join("; "))]));
    }
    if found.is_empty() {
        toaster.info(tf("Nothing was imported into {name}", &[("name", name)]));
    }
}

/// Appends each image's tag with its digest, age, architecture and ports, or its failure, then
/// the notes, to `parent`.
fn outcome_tree(
    builder: &Builder,
    parent: &Element,
    found: &[Outcome],
    notes: &[String],
    now: i64,
) {
    for outcome in found {
        match &outcome.found {
            Ok(facts) => {
                let list = builder.el("dl", "");
                for (index, (term, value)) in [
                    (t("Tag"), outcome.tag.as_str()),
                    (t("Digest"), facts.digest.as_str()),
                    (t("Created"), ""),
                    (t("Architecture"), facts.architecture.as_str()),
                    (t("Exposed ports"), facts.ports.as_str()),
                ]
                .into_iter()
                .enumerate()
                {
                    let detail = builder.term(&list, term);
                    if index == 2 {
                        let created = facts.created.as_deref().unwrap_or_default();
                        detail.set_text_content(Some(
                            &ago(created, now).unwrap_or_else(|| created.to_owned()),
                        ));
                        dom::set(&detail, "title", created);
                    } else if index == 1 {
                        builder.text(&detail, "code", "", value);
                    } else {
                        detail.set_text_content(Some(value));
                    }
                }
                dom::add(parent, &list);
            }
            Err(why) => {
                builder.text(
                    parent,
                    "p",
                    "failed",
                    &tf(
                        "{tag}: failed — {why}",
                        &[("tag", &outcome.tag), ("why", why)],
                    ),
                );
            }
        }
    }
    for note in notes {
        builder.text(parent, "p", "muted", note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flags(all: bool, insecure: bool) -> [bool; 5] {
        [all, false, insecure, false, false]
    }

    #[test]
    fn the_command_reads_like_oc() {
        let plain = options("nginx", "", "", flags(false, false));
        assert_eq!(
            command_line("demo", &plain, None),
            "oc import-image nginx --confirm -n demo"
        );
        let full = options(
            "app",
            "v1",
            "quay.io/x/y:1.2",
            [false, true, true, true, true],
        );
        assert_eq!(
            command_line("demo", &full, Some(true)),
            "oc import-image app:v1 --from=quay.io/x/y:1.2 --scheduled --insecure --reference-policy=local --import-mode=PreserveOriginal -n demo"
        );
        // All tags ignores the tag, as the field is disabled then.
        let all = options("app", "v1", "", flags(true, false));
        assert_eq!(
            command_line("demo", &all, Some(false)),
            "oc import-image app --confirm --all -n demo"
        );
        assert_eq!(shell_word("a b'c"), r"'a b'\''c'");
        assert_eq!(
            command_line("demo", &options("", "", "", flags(false, false)), None),
            "oc import-image IMAGESTREAM --confirm -n demo"
        );
    }

    #[test]
    fn the_servers_rules_are_checked_before_sending() {
        let bad = options(
            "Bad_Name",
            "not a tag",
            "no spaces please",
            flags(false, false),
        );
        let errors = check("demo", &bad, "not a tag");
        assert!(errors.for_field(NAME_FIELD).is_some());
        assert!(errors.for_field(TAG_FIELD).is_some());
        assert!(errors.for_field(SOURCE_FIELDS[0]).is_some());
        assert!(check("demo", &options("nginx", "", "", flags(false, false)), "").is_empty());
    }

    #[test]
    fn outcomes_name_each_tag_with_its_digest_or_its_failure() {
        let request = plan_import(
            "demo",
            &options("app", "", "127.0.0.1:5000/team/app:v1", flags(false, true)),
            None,
        )
        .unwrap();
        let answer: ImageStreamImport = serde_json::from_value(json!({
            "metadata": {"name": "app"},
            "spec": {"import": true},
            "status": {"images": [{
                "status": {"metadata": {}, "status": "Success"},
                "image": {
                    "metadata": {"name": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
                    "dockerImageMetadata": {
                        "Created": "2024-01-01T00:00:00Z",
                        "Architecture": "amd64",
                        "Config": {"ExposedPorts": {"8080/tcp": {}}}
                    }
                },
                "tag": "latest"
            }]}
        }))
        .unwrap();
        let (found, notes) = outcomes(&request, &answer);
        assert!(notes.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tag, "latest");
        let facts = found[0].found.as_ref().unwrap();
        assert_eq!(facts.architecture, "amd64");
        assert_eq!(facts.ports, "8080/TCP");
        assert_eq!(facts.created.as_deref(), Some("2024-01-01T00:00:00Z"));

        let failed: ImageStreamImport = serde_json::from_value(json!({
            "spec": {"import": true},
            "status": {
                "repository": {
                    "status": {"status": "Failure", "reason": "BadRequest", "message": "the repository x is HTTP only and requires the insecure flag to import"},
                    "additionalTags": ["a", "b"]
                }
            }
        }))
        .unwrap();
        let all = plan_import(
            "demo",
            &options("app", "", "127.0.0.1:5000/team/app", flags(true, false)),
            None,
        )
        .unwrap();
        let (found, notes) = outcomes(&all, &failed);
        assert_eq!(found[0].tag, "127.0.0.1:5000/team/app");
        assert_eq!(
            found[0].found,
            Err("BadRequest: the repository x is HTTP only and requires the insecure flag to import".into())
        );
        assert_eq!(
            notes,
            ["The remote repository contained 2 additional tags which were not imported: a, b"]
        );
    }
}

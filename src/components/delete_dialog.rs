//! Delete, with a confirmation that says what goes and what still needs it: an image stream,
//! one tag (`oc tag -d STREAM:TAG`), an application (`oc delete all -l app=NAME`) or everything
//! in a project (`oc delete all --all`).
//!
//! Every use is one [`delete_button`] with a [`DeleteSpec`]: a button, disabled with the reason
//! unless a SelfSubjectAccessReview allows it, that opens a native modal `<dialog>` (focus
//! trapped, Escape closes, focus back on the button after). The dialog looks up what will be
//! removed and which Deployments still use it when it opens, offers the propagation policy
//! (`--cascade`) and, for the whole project, a typed confirmation. The server's answers are
//! shown in the dialog (reason and message, the missing permission for a 403, a Reload offer
//! for a 409); nothing typed is lost, and every result is announced by a toast.
//!
//! Button and dialog are built with plain DOM calls (`pages::deployments::dom`), not views:
//! the dialog exists only while open, and the wasm carries no view code for it.
//! [`DeletionWatch`] lets a page notice that the object it shows was deleted elsewhere.
//!
//! Objects are deleted one by one with what the dialog listed (uid preconditions, so an object
//! re-created under the same name meanwhile is not taken along); a 404 counts as deleted, as
//! `oc delete` with a selector ignores objects already gone. Only "everything in a project",
//! which may hold thousands of objects, deletes whole collections (`deletecollection`).

use crate::api::access::{forbidden_explanation, use_permission, Permission};
use crate::api::{resource_path, ApiCall, ApiError, Client};
use crate::api::{APPS_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::toast::{use_toaster, Toaster};
use crate::forms::conflict_explanation;
use crate::i18n::{fmt_count, t, tf};
use crate::pages::deployments::dom::{self, add, set, Builder};
use crate::pages::imagestream::use_state_text;
use imagestream_model::graph::{ImageUse, ProjectObjects, ReferenceGraph};
use imagestream_model::plan::{plan_delete_app, AllResource, ALL_RESOURCES};
use imagestream_model::reference::short_digest;
use imagestream_model::tags::{alias_target, tag_views};
use imagestream_model::url::encode_component;
use imagestream_model::{Deployment, ImageStream, List, ObjectMeta, Status};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use stylers_macro::style;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

/// How many names of one kind the whole-project dialog lists before "and N more".
const NAMES_SHOWN: usize = 8;

/// What happens to the objects a deleted object owns (`oc delete --cascade=…`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Propagation {
    /// The object goes now; the cluster removes what it owns afterwards (`oc`'s default).
    #[default]
    Background,
    /// What it owns goes first; the object stays, marked for deletion, until then.
    Foreground,
    /// Only the object goes; what it owns keeps running, without an owner.
    Orphan,
}

impl Propagation {
    /// The three, in the order the dialog offers them.
    pub const ALL: [Propagation; 3] = [
        Propagation::Background,
        Propagation::Foreground,
        Propagation::Orphan,
    ];

    /// `propagationPolicy` as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }

    /// The policy named `name`, Background for anything else.
    pub fn from_name(name: &str) -> Self {
        Propagation::ALL
            .into_iter()
            .find(|policy| policy.as_str() == name)
            .unwrap_or_default()
    }

    /// What choosing it means, in words.
    pub fn help(self) -> &'static str {
        match self {
            Propagation::Background => t(
                "Delete now; the cluster then removes what it owns (ReplicaSets, pods). As oc delete does by default.",
            ),
            Propagation::Foreground => t(
                "Remove what it owns first; the object stays, marked for deletion, until they are gone.",
            ),
            Propagation::Orphan => t(
                "Delete only the object: what it owns (ReplicaSets, pods) keeps running, without an owner.",
            ),
        }
    }
}

/// A workload that still uses what is deleted, for the "Still referenced by" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The workload as shown: `Deployment web`, or `Tag nginx:stable` for an alias.
    pub name: String,
    /// Its page.
    pub href: String,
    /// How it uses it: `container web runs nginx:latest (current)`.
    pub detail: String,
}

/// One DELETE the dialog will send.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    /// `Deployment web`, `every ImageStream`: how failures name it.
    label: String,
    /// The object's (or, for a collection, the collection's) path.
    path: String,
    /// A collection (`deletecollection`), not one object.
    collection: bool,
    /// Precondition: delete only this incarnation of the object.
    uid: Option<String>,
    /// Precondition: delete only if unchanged since the dialog looked.
    resource_version: Option<String>,
    /// Whether the propagation policy applies (not to an ImageStreamTag, which is part of its
    /// stream).
    propagates: bool,
}

/// What the dialog found when it opened: what will be removed, what still uses it, and what
/// it could not look at (so the list is never silently short).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Removal {
    /// One line per object or group of objects.
    pub items: Vec<String>,
    /// Workloads that use what goes.
    pub references: Vec<Reference>,
    /// What could not be checked, with the server's words.
    pub notes: Vec<String>,
    /// How the result is announced: "Deleted {summary}".
    pub summary: String,
    targets: Vec<Target>,
}

/// A delete that failed: what and why.
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    label: String,
    error: ApiError,
}

/// A boxed future, so every use shares one dialog type (each distinct type costs wasm).
type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Looks up what will be removed, as the current user.
type Planner = Rc<dyn Fn(Client) -> LocalFuture<Result<Removal, ApiError>>>;

/// What one Delete button offers: made by [`DeleteSpec::image_stream`], [`DeleteSpec::tag`],
/// [`DeleteSpec::app`] or [`DeleteSpec::all`], shown by [`delete_button`].
pub struct DeleteSpec {
    /// The opener's visible text.
    opener: &'static str,
    /// The opener's accessible name (`Delete tag latest`), unique on the page.
    opener_label: String,
    /// The dialog's heading.
    title: String,
    /// Whether the user may do it (SelfSubjectAccessReviews, see [`use_permissions`]).
    allowed: Signal<Option<bool>>,
    /// Why the opener is disabled when a permission is missing.
    denied: String,
    /// A name to type before Delete is enabled.
    confirm: Option<String>,
    /// Whether the propagation policy is offered.
    propagation: bool,
    /// Looks up what will be removed.
    plan: Planner,
    /// Runs after everything listed was deleted (or, after a partial failure, once the
    /// dialog is closed): go to the list, reload the page.
    after: Option<Callback<()>>,
    /// Also refreshes the page when the person asks to reload after a 409.
    reload: Option<Callback<()>>,
    /// Set while deleting, so the page can tell its own delete from someone else's.
    busy: Option<RwSignal<bool>>,
    /// A small opener, for a table row.
    compact: bool,
}

/// `propagationPolicy` and preconditions, as `oc delete` sends them in the body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteOptions<'a> {
    kind: &'static str,
    api_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    propagation_policy: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preconditions: Option<Preconditions<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Preconditions<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_version: Option<&'a str>,
}

/// Any object, for its metadata only.
#[derive(Debug, Default, Deserialize)]
struct Named {
    #[serde(default)]
    metadata: ObjectMeta,
}

/// Whether the user has every one of `permissions` (one SelfSubjectAccessReview each, asked
/// once): `None` until the cluster has answered them all, `Some(false)` as soon as one is
/// refused. A page with a Delete on every row asks once and gives the answer to each.
pub fn use_permissions(permissions: Vec<Permission>) -> Signal<Option<bool>> {
    let auth = expect_context::<Auth>();
    let checks: Vec<Signal<Option<bool>>> = permissions
        .into_iter()
        .map(|permission| use_permission(auth.client.into(), permission))
        .collect();
    Signal::derive(move || {
        let mut all = Some(true);
        for check in &checks {
            match check.get() {
                Some(false) => return Some(false),
                None => all = None,
                Some(true) => {}
            }
        }
        all
    })
}

/// The permission deleting one tag needs (`oc tag -d` deletes an ImageStreamTag).
pub fn delete_tag_permission(namespace: &str) -> Permission {
    Permission::new("delete", "image.openshift.io", "imagestreamtags", namespace)
}

/// A fresh id for the dialog's labelled elements (several dialogs can share a page).
fn next_id() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// "You may not delete image streams in project demo (delete imagestreams)"; `what` is the
/// action, already in the page's language.
fn denied_text(what: &str, namespace: &str, permissions: &[Permission]) -> String {
    let needed: Vec<String> = permissions
        .iter()
        .map(|permission| format!("{} {}", permission.verb, permission.resource))
        .collect();
    tf(
        "You may not {what} in project {namespace} ({needed})",
        &[
            ("what", what),
            ("namespace", namespace),
            ("needed", &needed.join(", ")),
        ],
    )
}

/// The REST path of one object of an `oc delete all` kind.
fn object_path(resource: &AllResource, namespace: &str, name: &str) -> String {
    let group_version = resource
        .api_prefix
        .strip_prefix("/apis/")
        .unwrap_or(crate::api::CORE_V1);
    resource_path(
        group_version,
        Some(namespace),
        resource.resource,
        Some(name),
    )
}

/// A 404 for something the dialog expected to find, in the server's own shape.
fn not_found(message: String) -> ApiError {
    ApiError::Status(Box::new(Status::failure(404, "NotFound", message)))
}

/// Names as a short list: `a, b, c and 5 more`.
fn some_names(names: &[String], total: usize) -> String {
    let shown: Vec<&str> = names.iter().take(NAMES_SHOWN).map(String::as_str).collect();
    let more = total.saturating_sub(shown.len());
    if more == 0 {
        shown.join(", ")
    } else {
        tf(
            "{names} and {more} more",
            &[
                ("names", &shown.join(", ")),
                ("more", &fmt_count(more as u64)),
            ],
        )
    }
}

/// "1 object" / "3 objects": `one` is the text for one, `many` has an `{n}`; both already in
/// the page's language.
fn count(number: usize, one: &str, many: &str) -> String {
    if number == 1 {
        one.to_owned()
    } else {
        many.replace("{n}", &fmt_count(number as u64))
    }
}

/// "1 object" / "3 objects", in the page's language.
fn objects(number: usize) -> String {
    count(number, t("1 object"), t("{n} objects"))
}

/// How a use reads: `container web runs nginx:latest (current)`.
fn use_detail(image_use: &ImageUse, stream: &str) -> String {
    let what = match (&image_use.tag, &image_use.digest) {
        (Some(tag), _) => format!("{stream}:{tag}"),
        (None, Some(digest)) => format!("{stream}@{}", short_digest(digest)),
        (None, None) => stream.to_owned(),
    };
    let state = use_state_text(image_use.state);
    tf(
        "container {container} runs {image} ({state})",
        &[
            ("container", &image_use.container),
            ("image", &what),
            ("state", &state),
        ],
    )
}

/// The Deployments using `streams` (by any tag, or only `tag` and its aliases when given),
/// each container once.
fn uses_of(
    namespace: &str,
    streams: &[ImageStream],
    deployments: &[Deployment],
    tag: Option<&str>,
) -> Vec<Reference> {
    let graph = ReferenceGraph::build(&ProjectObjects {
        namespace,
        streams,
        deployments,
        deployment_configs: &[],
        pods: &[],
    });
    let mut found: Vec<Reference> = Vec::new();
    for stream in streams {
        let name = stream.metadata.name();
        // Tags that follow `tag` lose their image with it.
        let followers: Vec<String> = match tag {
            Some(tag) => tag_views(stream)
                .into_iter()
                .filter(|view| alias_target(stream, &view.name) == Some(tag))
                .map(|view| view.name)
                .collect(),
            None => Vec::new(),
        };
        for image_use in graph.uses_of_stream(stream.metadata.namespace(), name) {
            let wanted = match tag {
                None => true,
                Some(tag) => image_use
                    .tag
                    .as_deref()
                    .is_some_and(|used| used == tag || followers.iter().any(|f| f == used)),
            };
            if !wanted {
                continue;
            }
            let workload = &image_use.workload;
            let reference = Reference {
                name: format!("{} {}", workload.kind.as_str(), workload.name),
                href: format!(
                    "/k8s/ns/{}/deployments/{}",
                    workload.namespace, workload.name
                ),
                detail: use_detail(image_use, name),
            };
            if !found.contains(&reference) {
                found.push(reference);
            }
        }
    }
    found
}

/// The project's Deployments, for the references; a failure becomes a note, a 401 an error.
async fn project_deployments(
    client: &Client,
    namespace: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<Deployment>, ApiError> {
    let path = resource_path(APPS_V1, Some(namespace), "deployments", None);
    match client.get::<List<Deployment>>(&path).await {
        Ok(list) => Ok(list.items),
        Err(err) if err.is_unauthorized() => Err(err),
        Err(err) => {
            notes.push(tf(
                "Could not check which Deployments use it: {error}",
                &[("error", &err.to_string())],
            ));
            Ok(Vec::new())
        }
    }
}

/// The stream as it is now, its tags, and the Deployments using it.
async fn plan_stream(client: Client, namespace: String, name: String) -> Result<Removal, ApiError> {
    let stream = client.image_stream(&namespace, &name).await?;
    let mut removal = Removal {
        summary: tf("image stream {name}", &[("name", &name)]),
        ..Removal::default()
    };
    let tags: Vec<String> = tag_views(&stream)
        .into_iter()
        .map(|view| view.name)
        .collect();
    removal.items.push(format!("ImageStream {name}"));
    if !tags.is_empty() {
        removal.items.push(tf(
            "its {tags}: {names}",
            &[
                ("tags", &count(tags.len(), t("1 tag"), t("{n} tags"))),
                ("names", &some_names(&tags, tags.len())),
            ],
        ));
    }
    let deployments = project_deployments(&client, &namespace, &mut removal.notes).await?;
    removal.references = uses_of(
        &namespace,
        std::slice::from_ref(&stream),
        &deployments,
        None,
    );
    removal.targets.push(Target {
        label: format!("ImageStream {name}"),
        path: resource_path(IMAGE_V1, Some(&namespace), "imagestreams", Some(&name)),
        collection: false,
        uid: stream.metadata.uid.clone(),
        resource_version: stream.metadata.resource_version.clone(),
        propagates: true,
    });
    Ok(removal)
}

/// One tag as it is now, the tags that follow it, and the Deployments using them.
async fn plan_tag(
    client: Client,
    namespace: String,
    stream_name: String,
    tag: String,
) -> Result<Removal, ApiError> {
    let stream = client.image_stream(&namespace, &stream_name).await?;
    let full = format!("{stream_name}:{tag}");
    let views = tag_views(&stream);
    let Some(view) = views.iter().find(|view| view.name == tag) else {
        return Err(not_found(format!(
            "imagestreamtags.image.openshift.io \"{full}\" not found"
        )));
    };
    let mut removal = Removal {
        summary: tf("tag {tag}", &[("tag", &full)]),
        ..Removal::default()
    };
    let image = match (&view.alias_of, view.current()) {
        (Some(target), _) => tf(" (follows {target})", &[("target", target)]),
        (None, Some(event)) => tf(
            " → {digest} ({images} in its history)",
            &[
                ("digest", short_digest(&event.image)),
                (
                    "images",
                    &count(view.history.len(), t("1 image"), t("{n} images")),
                ),
            ],
        ),
        (None, None) => t(" (no image yet)").to_owned(),
    };
    removal.items.push(format!("ImageStreamTag {full}{image}"));
    for follower in views
        .iter()
        .filter(|other| alias_target(&stream, &other.name) == Some(tag.as_str()))
    {
        removal.references.push(Reference {
            name: tf(
                "Tag {tag}",
                &[("tag", &format!("{stream_name}:{}", follower.name))],
            ),
            href: format!(
                "/k8s/ns/{namespace}/imagestreamtags/{stream_name}:{}",
                follower.name
            ),
            detail: t("follows it, and will point at nothing").to_owned(),
        });
    }
    let deployments = project_deployments(&client, &namespace, &mut removal.notes).await?;
    removal.references.extend(uses_of(
        &namespace,
        std::slice::from_ref(&stream),
        &deployments,
        Some(&tag),
    ));
    removal.targets.push(Target {
        label: format!("ImageStreamTag {full}"),
        path: resource_path(IMAGE_V1, Some(&namespace), "imagestreamtags", Some(&full)),
        collection: false,
        uid: None,
        resource_version: None,
        propagates: false,
    });
    Ok(removal)
}

/// `oc delete all -l app=NAME`: every object of the `all` kinds with the label, and the
/// Deployments outside the app that use its image streams. Without an app label, the one
/// Deployment.
async fn plan_app(
    client: Client,
    namespace: String,
    app: Option<String>,
    deployment: String,
) -> Result<Removal, ApiError> {
    let mut removal = Removal::default();
    let Some(app) = app else {
        let path = resource_path(APPS_V1, Some(&namespace), "deployments", Some(&deployment));
        let found: Named = client.get(&path).await?;
        removal.summary = format!("Deployment {deployment}");
        removal.items.push(format!("Deployment {deployment}"));
        removal.targets.push(Target {
            label: format!("Deployment {deployment}"),
            path,
            collection: false,
            uid: found.metadata.uid,
            resource_version: None,
            propagates: true,
        });
        return Ok(removal);
    };
    let plan = plan_delete_app(&app).map_err(|err| {
        ApiError::Status(Box::new(Status::failure(422, "Invalid", err.to_string())))
    })?;
    let selector = encode_component(&plan.label_selector);
    let mut streams: Vec<ImageStream> = Vec::new();
    for resource in plan.resources {
        let path = format!(
            "{}?labelSelector={selector}",
            resource.collection_path(&namespace)
        );
        let objects: Vec<ObjectMeta> = if resource.resource == "imagestreams" {
            match client.get::<List<ImageStream>>(&path).await {
                Ok(list) => {
                    streams = list.items;
                    streams.iter().map(|s| s.metadata.clone()).collect()
                }
                Err(err) => {
                    skip_kind(err, resource, &mut removal.notes)?;
                    continue;
                }
            }
        } else {
            match client.get::<List<Named>>(&path).await {
                Ok(list) => list.items.into_iter().map(|n| n.metadata).collect(),
                Err(err) => {
                    skip_kind(err, resource, &mut removal.notes)?;
                    continue;
                }
            }
        };
        for meta in objects
            .into_iter()
            .filter(|meta| plan.selects(meta.labels.as_ref()))
        {
            let label = format!("{} {}", resource.kind, meta.name());
            removal.items.push(label.clone());
            removal.targets.push(Target {
                label,
                path: object_path(resource, &namespace, meta.name()),
                collection: false,
                uid: meta.uid.clone(),
                resource_version: None,
                propagates: true,
            });
        }
    }
    if !streams.is_empty() {
        let deployments = project_deployments(&client, &namespace, &mut removal.notes).await?;
        let outside: Vec<Deployment> = deployments
            .into_iter()
            .filter(|deployment| !plan.selects(deployment.metadata.labels.as_ref()))
            .collect();
        removal.references = uses_of(&namespace, &streams, &outside, None);
    }
    removal.summary = tf(
        "application {app} ({objects})",
        &[("app", &app), ("objects", &objects(removal.targets.len()))],
    );
    Ok(removal)
}

/// A kind that could not be listed: not served by this cluster (404, e.g. DeploymentConfigs
/// where that API is off) is left out; anything else is noted; a 401 ends the plan.
fn skip_kind(
    err: ApiError,
    resource: &AllResource,
    notes: &mut Vec<String>,
) -> Result<(), ApiError> {
    if err.is_unauthorized() {
        return Err(err);
    }
    if !err.is_not_found() {
        let mut note = tf(
            "Could not list {kind}s: {error}",
            &[("kind", resource.kind), ("error", &err.to_string())],
        );
        if let Some(permission) = forbidden_explanation(&err) {
            note.push(' ');
            note.push_str(&permission);
        }
        notes.push(note);
    }
    Ok(())
}

/// `oc delete all --all`: every kind's objects, counted (a few names shown), each kind
/// deleted as a collection.
async fn plan_all(client: Client, namespace: String) -> Result<Removal, ApiError> {
    let mut removal = Removal::default();
    let mut total = 0;
    for resource in ALL_RESOURCES {
        let path = format!(
            "{}?limit={NAMES_SHOWN}",
            resource.collection_path(&namespace)
        );
        let list = match client.get::<List<Named>>(&path).await {
            Ok(list) => list,
            Err(err) => {
                skip_kind(err, resource, &mut removal.notes)?;
                continue;
            }
        };
        let names: Vec<String> = list
            .items
            .iter()
            .map(|item| item.metadata.name().to_owned())
            .collect();
        let remaining = list
            .metadata
            .as_ref()
            .and_then(|meta| meta.remaining_item_count)
            .and_then(|count| usize::try_from(count).ok())
            .unwrap_or(0);
        let number = names.len() + remaining;
        if number == 0 {
            continue;
        }
        total += number;
        removal.items.push(format!(
            "{}: {}",
            count(
                number,
                &format!("1 {}", resource.kind),
                &format!("{{n}} {}s", resource.kind)
            ),
            some_names(&names, number)
        ));
        removal.targets.push(Target {
            label: tf("every {kind}", &[("kind", resource.kind)]),
            path: resource.collection_path(&namespace),
            collection: true,
            uid: None,
            resource_version: None,
            propagates: true,
        });
    }
    removal.summary = tf(
        "everything in project {namespace} ({objects})",
        &[("namespace", &namespace), ("objects", &objects(total))],
    );
    Ok(removal)
}

/// Sends the DELETEs in order; an object already gone counts as deleted. Returns how many
/// went and what failed.
async fn delete_targets(
    client: &Client,
    targets: &[Target],
    policy: Propagation,
) -> (usize, Vec<Failure>) {
    let mut removed = 0;
    let mut failures = Vec::new();
    for target in targets {
        let preconditions =
            (target.uid.is_some() || target.resource_version.is_some()).then_some(Preconditions {
                uid: target.uid.as_deref(),
                resource_version: target.resource_version.as_deref(),
            });
        let options = DeleteOptions {
            kind: "DeleteOptions",
            api_version: "v1",
            propagation_policy: target.propagates.then(|| policy.as_str()),
            preconditions,
        };
        let body = (target.propagates || target.collection)
            .then(|| serde_json::to_string(&options).ok())
            .flatten();
        let call = ApiCall {
            method: "DELETE",
            path: target.path.clone(),
            body,
            content_type: "application/json",
        };
        match client.call(call).await {
            Ok(_) => removed += 1,
            Err(err) if err.is_not_found() => removed += 1,
            Err(error) => failures.push(Failure {
                label: target.label.clone(),
                error,
            }),
        }
    }
    (removed, failures)
}

impl DeleteSpec {
    /// "Delete" for an image stream (`oc delete is NAME`): lists its tags and the Deployments
    /// that still run its images, then deletes it if it is unchanged since (a 409 otherwise,
    /// with a Reload offer, which also runs `reload`). `after` runs once it is gone; `busy` is
    /// set while the DELETE is on its way, so the page knows the deletion it sees is its own.
    pub fn image_stream(
        namespace: String,
        name: String,
        after: Callback<()>,
        reload: Option<Callback<()>>,
        busy: Option<RwSignal<bool>>,
    ) -> Self {
        let permissions = vec![Permission::new(
            "delete",
            "image.openshift.io",
            "imagestreams",
            &namespace,
        )];
        let denied = denied_text(t("delete image streams"), &namespace, &permissions);
        let (project, stream) = (namespace, name.clone());
        DeleteSpec {
            opener: t("Delete"),
            opener_label: tf("Delete image stream {name}", &[("name", &name)]),
            title: tf("Delete image stream {name}?", &[("name", &name)]),
            allowed: use_permissions(permissions),
            denied,
            confirm: None,
            propagation: true,
            plan: Rc::new(move |client| {
                Box::pin(plan_stream(client, project.clone(), stream.clone()))
            }),
            after: Some(after),
            reload,
            busy,
            compact: false,
        }
    }

    /// "Delete" for one tag (`oc tag -d STREAM:TAG`, a DELETE of the ImageStreamTag): lists the
    /// image it points at, the tags that follow it and the Deployments using them. `allowed`
    /// is [`delete_tag_permission`]'s answer when the page asked once for all its rows.
    pub fn tag(
        namespace: String,
        stream: String,
        tag: String,
        after: Callback<()>,
        allowed: Option<Signal<Option<bool>>>,
        compact: bool,
    ) -> Self {
        let permission = delete_tag_permission(&namespace);
        let denied = denied_text(
            t("delete image stream tags"),
            &namespace,
            std::slice::from_ref(&permission),
        );
        let allowed = allowed.unwrap_or_else(|| use_permissions(vec![permission]));
        let title = tf("Delete tag {tag}?", &[("tag", &format!("{stream}:{tag}"))]);
        let opener_label = tf("Delete tag {tag}", &[("tag", &tag)]);
        DeleteSpec {
            opener: t("Delete"),
            opener_label,
            title,
            allowed,
            denied,
            confirm: None,
            propagation: false,
            plan: Rc::new(move |client| {
                Box::pin(plan_tag(
                    client,
                    namespace.clone(),
                    stream.clone(),
                    tag.clone(),
                ))
            }),
            after: Some(after),
            reload: None,
            busy: None,
            compact,
        }
    }

    /// "Delete application" (`oc delete all -l app=NAME`): every object with the Deployment's
    /// `app` label, of the kinds `oc delete all` covers, listed when the dialog opens and then
    /// deleted one by one; or "Delete deployment" for a Deployment without that label.
    pub fn app(
        namespace: String,
        app: Option<String>,
        deployment: String,
        after: Callback<()>,
    ) -> Self {
        let resources: &[(&str, &str)] = if app.is_some() {
            &[
                ("apps", "deployments"),
                ("", "services"),
                ("image.openshift.io", "imagestreams"),
            ]
        } else {
            &[("apps", "deployments")]
        };
        let permissions: Vec<Permission> = resources
            .iter()
            .map(|(group, resource)| Permission::new("delete", group, resource, &namespace))
            .collect();
        let (opener, name, action, label, title) = match &app {
            Some(app) => (
                t("Delete application"),
                app.clone(),
                t("delete applications"),
                t("Delete application {name}"),
                t("Delete application {name}?"),
            ),
            None => (
                t("Delete deployment"),
                deployment.clone(),
                t("delete deployments"),
                t("Delete deployment {name}"),
                t("Delete deployment {name}?"),
            ),
        };
        let denied = denied_text(action, &namespace, &permissions);
        DeleteSpec {
            opener,
            opener_label: label.replace("{name}", &name),
            title: title.replace("{name}", &name),
            allowed: use_permissions(permissions),
            denied,
            confirm: None,
            propagation: true,
            plan: Rc::new(move |client| {
                Box::pin(plan_app(
                    client,
                    namespace.clone(),
                    app.clone(),
                    deployment.clone(),
                ))
            }),
            after: Some(after),
            reload: None,
            busy: None,
            compact: false,
        }
    }

    /// "Delete all" for a project (`oc delete all --all`): every object of the kinds `oc delete
    /// all` covers, counted by kind, deleted a collection at a time once the project's name is
    /// typed.
    pub fn all(namespace: String, after: Option<Callback<()>>) -> Self {
        let permissions: Vec<Permission> = [
            ("apps", "deployments"),
            ("", "services"),
            ("image.openshift.io", "imagestreams"),
        ]
        .iter()
        .map(|(group, resource)| Permission::new("deletecollection", group, resource, &namespace))
        .collect();
        DeleteSpec {
            opener: t("Delete all"),
            opener_label: tf(
                "Delete all in project {namespace}",
                &[("namespace", &namespace)],
            ),
            title: tf(
                "Delete everything in project {namespace}?",
                &[("namespace", &namespace)],
            ),
            denied: denied_text(t("delete everything"), &namespace, &permissions),
            allowed: use_permissions(permissions),
            confirm: Some(namespace.clone()),
            propagation: true,
            plan: Rc::new(move |client| Box::pin(plan_all(client, namespace.clone()))),
            after,
            reload: None,
            busy: None,
            compact: false,
        }
    }
}

/// The dialog's state between events. It lives outside the reactive graph and the dialog is
/// plain DOM, built when it opens and removed when it closes: a page with a Delete on every
/// row then costs one button per row, and the wasm no view code per dialog part.
struct State {
    /// What will be removed: `None` while looking.
    found: Option<Result<Removal, ApiError>>,
    policy: Propagation,
    /// The typed confirmation, kept across failures and reopening.
    typed: String,
    /// The DELETEs are on their way.
    busy: bool,
    failures: Vec<Failure>,
    /// Something was deleted but not all: `after` runs once the dialog closes.
    removed_some: bool,
    /// Numbers the looks, so an older answer is dropped.
    request: u64,
    shown: Option<Shown>,
    /// The button that opens the dialog (focus returns to it), and its click listener.
    opener: Option<(Element, Listener)>,
}

/// The open dialog's elements.
struct Shown {
    dialog: web_sys::HtmlDialogElement,
    removal: Element,
    failures: Element,
    submit: Element,
    reload: Element,
    cancel: Element,
    help: Option<Element>,
    listener: Listener,
}

/// A DOM event listener written in Rust.
type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// The events the dialog listens to, with one listener.
const EVENTS: [&str; 6] = ["submit", "click", "input", "change", "keydown", "close"];

impl Shown {
    /// Takes the dialog out of the page and stops listening (the listener may be running:
    /// the caller drops it later).
    fn remove(&self) {
        for kind in EVENTS {
            let _ = self
                .dialog
                .remove_event_listener_with_callback(kind, self.listener.as_ref().unchecked_ref());
        }
        self.dialog.remove();
    }
}

/// A Delete button and its dialog: a cheap `Copy` handle for the event handlers.
#[derive(Clone, Copy)]
struct Dialog {
    state: StoredValue<State, LocalStorage>,
    spec: StoredValue<DeleteSpec, LocalStorage>,
    auth: Auth,
    toaster: Toaster,
    /// The stylers class of everything the dialog builds.
    scope: &'static str,
    /// Makes the dialog's element ids unique on the page.
    id: usize,
}

/// Sets or removes a boolean attribute (`disabled`, `hidden`).
fn toggle(element: &Element, name: &str, on: bool) {
    if on {
        set(element, name, "");
    } else {
        let _ = element.remove_attribute(name);
    }
}

/// Focuses an element, if it can take focus.
fn focus(element: &Element) {
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

impl Dialog {
    /// Whether Delete can be pressed now.
    fn can_delete(self, state: &State) -> bool {
        let allowed = self
            .spec
            .try_with_value(|spec| spec.allowed.get_untracked() == Some(true))
            .unwrap_or(false);
        let confirmed = self
            .spec
            .try_with_value(|spec| match &spec.confirm {
                Some(name) => state.typed.trim() == name,
                None => true,
            })
            .unwrap_or(false);
        let ready = matches!(&state.found, Some(Ok(removal)) if !removal.targets.is_empty());
        allowed && confirmed && ready && !state.busy
    }

    /// Builds the dialog, shows it as a modal (focus trapped, Escape closes) and looks up what
    /// will be removed.
    fn open(self) {
        let Some(b) = Builder::new(self.scope) else {
            return;
        };
        let Some(body) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.body())
        else {
            return;
        };
        let Some((title, propagation, confirm)) = self
            .spec
            .try_with_value(|spec| (spec.title.clone(), spec.propagation, spec.confirm.clone()))
        else {
            return;
        };
        let (policy, typed) = self
            .state
            .with_value(|state| (state.policy, state.typed.clone()));
        let id = self.id;
        let dialog = b.el("dialog", "modal");
        set(&dialog, "aria-labelledby", &format!("delete-title-{id}"));
        let form = b.el("form", "form");
        let heading = b.text(&form, "h2", "", &title);
        set(&heading, "id", &format!("delete-title-{id}"));
        let removal = b.el("div", "removal");
        add(&form, &removal);
        let help = propagation.then(|| {
            let field = b.el("div", "field");
            let label = b.text(&field, "label", "", t("Propagation policy"));
            set(&label, "for", &format!("delete-policy-{id}"));
            let select = b.el("select", "");
            set(&select, "id", &format!("delete-policy-{id}"));
            for choice in Propagation::ALL {
                let option = b.text(&select, "option", "", choice.as_str());
                set(&option, "value", choice.as_str());
                toggle(&option, "selected", choice == policy);
            }
            add(&field, &select);
            let help = b.text(&field, "p", "help", policy.help());
            add(&form, &field);
            help
        });
        let mut first = None;
        if let Some(name) = confirm {
            let field = b.el("div", "field");
            let label = b.el("label", "");
            set(&label, "for", &format!("delete-confirm-{id}"));
            b.text(&label, "span", "", t("Type "));
            b.text(&label, "strong", "", &name);
            b.text(&label, "span", "", t(" to confirm"));
            add(&field, &label);
            let input = b.el("input", "");
            for (name, value) in [
                ("id", format!("delete-confirm-{id}")),
                ("type", "text".to_owned()),
                ("autocomplete", "off".to_owned()),
                ("spellcheck", "false".to_owned()),
                ("value", typed),
            ] {
                set(&input, name, &value);
            }
            add(&field, &input);
            add(&form, &field);
            first = Some(input);
        }
        let failures = b.el("div", "");
        add(&form, &failures);
        let actions = b.el("div", "form-actions");
        let submit = b.text(&actions, "button", "danger", t("Delete"));
        set(&submit, "type", "submit");
        let reload = b.text(&actions, "button", "secondary", t("Reload"));
        set(&reload, "type", "button");
        set(&reload, "data-action", "reload");
        let cancel = b.text(&actions, "button", "secondary", t("Cancel"));
        set(&cancel, "type", "button");
        set(&cancel, "data-action", "cancel");
        add(&form, &actions);
        add(&dialog, &form);

        let listener = Listener::new(move |event: web_sys::Event| self.heard(event));
        for kind in EVENTS {
            let _ =
                dialog.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        let _ = body.append_child(&dialog);
        let dialog: web_sys::HtmlDialogElement = dialog.unchecked_into();
        let _ = dialog.show_modal();
        focus(first.as_ref().unwrap_or(&cancel));
        self.state.update_value(|state| {
            state.failures.clear();
            state.shown = Some(Shown {
                dialog,
                removal,
                failures,
                submit,
                reload,
                cancel,
                help,
                listener,
            });
        });
        self.look();
    }

    /// One event from inside the dialog.
    fn heard(self, event: web_sys::Event) {
        let target = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok());
        match event.type_().as_str() {
            "submit" => {
                event.prevent_default();
                self.run();
            }
            "click" => match target
                .and_then(|target| target.get_attribute("data-action"))
                .as_deref()
            {
                Some("cancel") => self.close(),
                Some("reload") => self.reload(),
                _ => {}
            },
            "input" => {
                if let Some(input) = target.and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                    self.state.update_value(|state| state.typed = input.value());
                    self.refresh(false);
                }
            }
            "change" => {
                if let Some(select) = target.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                    let policy = Propagation::from_name(&select.value());
                    self.state.update_value(|state| state.policy = policy);
                    self.refresh(false);
                }
            }
            // Escape cancels the dialog, except while the DELETEs are on their way.
            "keydown" => {
                let escape = event
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|key| key.key() == "Escape");
                if escape && self.state.with_value(|state| state.busy) {
                    event.prevent_default();
                }
                // Tab and Shift+Tab go round the dialog's controls.
                if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                    self.state.with_value(|state| {
                        if let Some(shown) = &state.shown {
                            crate::components::focus_trap::wrap_tab(&shown.dialog, key);
                        }
                    });
                }
            }
            "close" => self.closed(),
            _ => {}
        }
    }

    /// Shows the state: the lists (when `lists`), then which buttons can be pressed.
    fn refresh(self, lists: bool) {
        self.state.try_with_value(|state| {
            let Some(shown) = &state.shown else {
                return;
            };
            if lists {
                for (holder, tree) in [
                    (&shown.removal, found_tree(state.found.as_ref(), self.scope)),
                    (&shown.failures, failures_tree(&state.failures, self.scope)),
                ] {
                    holder.set_text_content(None);
                    if let Some(tree) = tree {
                        add(holder, &tree);
                    }
                }
            }
            toggle(&shown.submit, "disabled", !self.can_delete(state));
            shown.submit.set_text_content(Some(if state.busy {
                t("Deleting…")
            } else {
                t("Delete")
            }));
            toggle(&shown.cancel, "disabled", state.busy);
            let conflict = state
                .failures
                .iter()
                .any(|failure| conflict_explanation(&failure.error).is_some());
            toggle(&shown.reload, "hidden", !conflict || state.busy);
            if let Some(help) = &shown.help {
                help.set_text_content(Some(state.policy.help()));
            }
        });
    }

    /// Looks (again) at what will be removed.
    fn look(self) {
        let client = self.auth.client.get_untracked();
        let Some(future) = self.spec.try_with_value(|spec| (spec.plan)(client)) else {
            return;
        };
        let Some(number) = self.state.try_update_value(|state| {
            state.request += 1;
            state.found = None;
            state.request
        }) else {
            return;
        };
        self.refresh(true);
        let auth = self.auth;
        leptos::task::spawn_local(async move {
            let result = future.await;
            if result.as_ref().is_err_and(ApiError::is_unauthorized) {
                auth.expired();
            }
            let current = self.state.try_update_value(|state| {
                let current = state.request == number;
                if current {
                    state.found = Some(result);
                }
                current
            });
            if current == Some(true) {
                self.refresh(true);
            }
        });
    }

    /// After a 409: look again (keeping what was chosen and typed), and refresh the page.
    fn reload(self) {
        self.state.update_value(|state| state.failures.clear());
        if let Some(Some(reload)) = self.spec.try_with_value(|spec| spec.reload) {
            reload.try_run(());
        }
        self.look();
    }

    /// Sends the DELETEs for what the dialog listed; announces the result.
    fn run(self) {
        let Some(removal) = self.state.try_update_value(|state| {
            if !self.can_delete(state) {
                return None;
            }
            let Some(Ok(removal)) = &state.found else {
                return None;
            };
            state.busy = true;
            state.failures.clear();
            Some((removal.clone(), state.policy))
        }) else {
            return;
        };
        let Some((removal, policy)) = removal else {
            return;
        };
        let Some((after, page_busy)) = self.spec.try_with_value(|spec| (spec.after, spec.busy))
        else {
            return;
        };
        if let Some(page_busy) = page_busy {
            page_busy.set(true);
        }
        self.refresh(true);
        let (auth, toaster) = (self.auth, self.toaster);
        let client = auth.client.get_untracked();
        leptos::task::spawn_local(async move {
            let (removed, failed) = delete_targets(&client, &removal.targets, policy).await;
            if failed.iter().any(|failure| failure.error.is_unauthorized()) {
                auth.expired();
            }
            if failed.is_empty() {
                toaster.success(tf("Deleted {what}", &[("what", &removal.summary)]));
                self.state.try_update_value(|state| {
                    state.busy = false;
                    state.typed.clear();
                });
                self.close();
                if let Some(after) = after {
                    after.try_run(());
                }
                return;
            }
            if let Some(page_busy) = page_busy {
                page_busy.try_set(false);
            }
            toaster.error(match failed.as_slice() {
                [only] if removal.targets.len() == 1 => tf(
                    "Could not delete {what}: {error}",
                    &[
                        ("what", &removal.summary),
                        ("error", &only.error.to_string()),
                    ],
                ),
                _ => tf(
                    "Deleted {removed} of {objects}; {failed} could not be deleted",
                    &[
                        ("removed", &fmt_count(removed as u64)),
                        ("objects", &objects(removal.targets.len())),
                        ("failed", &fmt_count(failed.len() as u64)),
                    ],
                ),
            });
            self.state.try_update_value(|state| {
                state.busy = false;
                state.failures = failed;
                state.removed_some |= removed > 0;
            });
            self.refresh(true);
            if removed > 0 {
                // Show what is left.
                self.look();
            }
        });
    }

    /// Closes the dialog (the `close` event does the rest).
    fn close(self) {
        self.state.try_with_value(|state| {
            if let Some(shown) = &state.shown {
                shown.dialog.close();
            }
        });
    }

    /// The dialog closed (Cancel, Escape, or done): it leaves the page, focus goes back to
    /// the button that opened it, and after a partial delete the page moves on.
    fn closed(self) {
        let Some((shown, after)) = self.state.try_update_value(|state| {
            (state.shown.take(), std::mem::take(&mut state.removed_some))
        }) else {
            return;
        };
        if let Some(shown) = shown {
            shown.remove();
            // The listener is running this very call: drop it afterwards.
            leptos::task::spawn_local(async move { drop(shown) });
        }
        self.state.try_with_value(|state| {
            if let Some((opener, _)) = &state.opener {
                focus(opener);
            }
        });
        if after {
            if let Some(Some(after)) = self.spec.try_with_value(|spec| spec.after) {
                after.try_run(());
            }
        }
    }

    /// The button is going away (the page changed): so does an open dialog.
    fn dispose(self) {
        if let Some(Some(shown)) = self.state.try_update_value(|state| state.shown.take()) {
            shown.remove();
        }
    }
}

/// A Delete button that opens the dialog `spec` describes; see the module documentation.
/// The button too is plain DOM (disabled, with the reason in its title, until the cluster
/// says the user may), in the same holder as the Deployment pages' trees.
pub fn delete_button(spec: DeleteSpec) -> impl IntoView {
    let class = style! {
        h2 {
            margin: 0;
        }
        h3 {
            font-size: 1rem;
            font-weight: 600;
            margin: 0.75rem 0 0.25rem;
        }
        p {
            margin: 0.25rem 0;
        }
        ul {
            margin: 0.25rem 0 0.5rem;
            padding-left: 1.25rem;
        }
        .removal {
            max-height: 18rem;
            overflow: auto;
        }
        .help {
            color: var(--muted);
            font-size: 0.85rem;
        }
    };
    let allowed = spec.allowed;
    let denied = spec.denied.clone();
    let button = Builder::new(class).map(|b| {
        let kind = if spec.compact {
            "delete"
        } else {
            "secondary delete"
        };
        let button = b.el("button", kind);
        button.set_text_content(Some(spec.opener));
        set(&button, "type", "button");
        set(&button, "aria-label", &spec.opener_label);
        set(&button, "disabled", "");
        button
    });
    let dialog = Dialog {
        state: StoredValue::new_local(State {
            found: None,
            policy: Propagation::default(),
            typed: String::new(),
            busy: false,
            failures: Vec::new(),
            removed_some: false,
            request: 0,
            shown: None,
            opener: None,
        }),
        spec: StoredValue::new_local(spec),
        auth: expect_context::<Auth>(),
        toaster: use_toaster(),
        scope: class,
        id: next_id(),
    };
    if let Some(button) = &button {
        let listener = Listener::new(move |_: web_sys::Event| dialog.open());
        let _ = button.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        let opener = button.clone();
        dialog
            .state
            .update_value(|state| state.opener = Some((opener, listener)));
        let button = button.clone();
        Effect::new(move |_| {
            let allowed = allowed.get();
            toggle(&button, "disabled", allowed != Some(true));
            match allowed {
                Some(false) => set(&button, "title", &denied),
                _ => {
                    let _ = button.remove_attribute("title");
                }
            }
        });
    }
    on_cleanup(move || dialog.dispose());
    dom::mount(button)
}

/// An alert: `lead` in bold, then the server's reason and message, then what permission a
/// 403 lacks.
fn alert_into(b: &Builder, parent: &Element, lead: &str, error: &ApiError) -> Element {
    let alert = b.el("div", "error");
    set(&alert, "role", "alert");
    b.text(&alert, "strong", "", lead);
    b.text(&alert, "span", "", &error.to_string());
    if let Some(permission) = forbidden_explanation(error) {
        b.text(&alert, "p", "permission", &permission);
    }
    add(parent, &alert);
    alert
}

/// What the dialog found: "Looking up…", the failure to look, or the lists.
fn found_tree(found: Option<&Result<Removal, ApiError>>, scope: &'static str) -> Option<Element> {
    let b = Builder::new(scope)?;
    let root = b.el("div", "");
    let removal = match found {
        None => {
            let status = b.text(&root, "p", "", t("Looking up what will be deleted…"));
            set(&status, "role", "status");
            return Some(root);
        }
        Some(Err(err)) => {
            alert_into(
                &b,
                &root,
                t("Could not look up what would be deleted. "),
                err,
            );
            return Some(root);
        }
        Some(Ok(removal)) => removal,
    };
    if removal.items.is_empty() {
        b.text(
            &root,
            "p",
            "",
            t("Nothing to delete: no objects were found."),
        );
    } else {
        b.text(&root, "p", "", t("This will delete:"));
        let list = b.el("ul", "");
        for item in &removal.items {
            b.text(&list, "li", "", item);
        }
        add(&root, &list);
    }
    if !removal.references.is_empty() {
        b.text(&root, "h3", "", t("Still referenced by"));
        let list = b.el("ul", "");
        for reference in &removal.references {
            let item = b.el("li", "");
            b.link(&item, &reference.href, &reference.name);
            b.text(&item, "span", "", &format!(" — {}", reference.detail));
            add(&list, &item);
        }
        add(&root, &list);
        b.text(
            &root,
            "p",
            "help",
            t("They keep running the image they have, but cannot start new pods from it once it is gone, and their image triggers stop."),
        );
    }
    for note in &removal.notes {
        let alert = b.text(&root, "p", "error", note);
        set(&alert, "role", "alert");
    }
    Some(root)
}

/// What could not be deleted, each with the server's reason and message (and what to do
/// about a 409).
fn failures_tree(failed: &[Failure], scope: &'static str) -> Option<Element> {
    if failed.is_empty() {
        return None;
    }
    let b = Builder::new(scope)?;
    let alert = b.el("div", "error");
    set(&alert, "role", "alert");
    b.text(&alert, "strong", "", t("Not deleted:"));
    let list = b.el("ul", "");
    for failure in failed {
        let item = b.el("li", "");
        let text = if failed.len() == 1 {
            failure.error.to_string()
        } else {
            format!("{}: {}", failure.label, failure.error)
        };
        b.text(&item, "span", "", &text);
        if let Some(permission) = forbidden_explanation(&failure.error) {
            b.text(&item, "p", "permission", &permission);
        }
        add(&list, &item);
    }
    add(&alert, &list);
    if let Some(text) = failed
        .iter()
        .find_map(|failure| conflict_explanation(&failure.error))
    {
        b.text(&alert, "p", "", &text);
    }
    Some(alert)
}

/// "Delete" for an image stream; see [`DeleteSpec::image_stream`].
#[component]
pub fn DeleteImageStreamButton(
    /// The stream's project.
    namespace: String,
    /// The stream.
    name: String,
    /// Runs once the stream is deleted.
    #[prop(into)]
    after: Callback<()>,
    /// Refreshes the page when the person reloads after a 409.
    #[prop(optional, into)]
    reload: Option<Callback<()>>,
    /// Set while the DELETE is on its way.
    #[prop(optional)]
    busy: Option<RwSignal<bool>>,
) -> impl IntoView {
    delete_button(DeleteSpec::image_stream(
        namespace, name, after, reload, busy,
    ))
}

/// "Delete" for one tag; see [`DeleteSpec::tag`].
#[component]
pub fn DeleteTagButton(
    /// The stream's project.
    namespace: String,
    /// The stream.
    stream: String,
    /// The tag.
    tag: String,
    /// Runs once the tag is deleted (reload the stream, or go to it).
    #[prop(into)]
    after: Callback<()>,
    /// The answer of [`delete_tag_permission`], when the page asked once for all its rows.
    #[prop(optional, into)]
    allowed: Option<Signal<Option<bool>>>,
    /// A small button, for a row of the tags table.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    delete_button(DeleteSpec::tag(
        namespace, stream, tag, after, allowed, compact,
    ))
}

/// "Delete application" (or "Delete deployment"); see [`DeleteSpec::app`].
#[component]
pub fn DeleteAppButton(
    /// The project.
    namespace: String,
    /// The `app` label's value, if the Deployment has one.
    app: Option<String>,
    /// The Deployment the page shows.
    deployment: String,
    /// Runs once everything listed is deleted (the page goes to the Deployments list).
    #[prop(into)]
    after: Callback<()>,
) -> impl IntoView {
    delete_button(DeleteSpec::app(namespace, app, deployment, after))
}

/// "Delete all" for a project; see [`DeleteSpec::all`].
#[component]
pub fn DeleteAllButton(
    /// The project.
    namespace: String,
    /// Runs once everything is deleted.
    #[prop(optional, into)]
    after: Option<Callback<()>>,
) -> impl IntoView {
    delete_button(DeleteSpec::all(namespace, after))
}

/// How often a page asks whether the object it shows still exists.
const DELETION_POLL: Duration = Duration::from_secs(5);

/// What a [`DeletionWatch`] holds.
struct Watched {
    auth: Auth,
    gone: Option<Rc<dyn Fn()>>,
    /// The object's path.
    path: String,
    /// Bumped by every start and stop: an older round of asking ends.
    generation: u64,
}

/// Notices when the object a page shows is deleted by someone else: asks for it (a GET of
/// its metadata) every few seconds while the page is open, and calls back once on a 404.
/// Stops when the page's owner is cleaned up (the person left the page).
#[derive(Clone, Copy)]
pub struct DeletionWatch(StoredValue<Watched, LocalStorage>);

impl DeletionWatch {
    /// A watch that calls `gone` once, when the object is found deleted; idle until
    /// [`Self::start`].
    pub fn new(auth: Auth, gone: impl Fn() + 'static) -> Self {
        let watch = DeletionWatch(StoredValue::new_local(Watched {
            auth,
            gone: Some(Rc::new(gone)),
            path: String::new(),
            generation: 0,
        }));
        on_cleanup(move || watch.stop());
        watch
    }

    /// Watches the object at `path` (see [`resource_path`]) instead of whatever was watched.
    pub fn start(self, path: String) {
        if let Some(generation) = self.0.try_update_value(|watched| {
            watched.generation += 1;
            watched.path = path;
            watched.generation
        }) {
            self.later(generation);
        }
    }

    /// Stops watching.
    pub fn stop(self) {
        self.0.try_update_value(|watched| watched.generation += 1);
    }

    fn later(self, generation: u64) {
        set_timeout(move || self.check(generation), DELETION_POLL);
    }

    /// Asks once: gone (404) calls back, anything else asks again later; a 401 ends the
    /// session.
    fn check(self, generation: u64) {
        let Some(Some((client, path))) = self.0.try_with_value(|watched| {
            (watched.generation == generation)
                .then(|| (watched.auth.client.get_untracked(), watched.path.clone()))
        }) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let result = client.get::<Named>(&path).await;
            let Some(Some((auth, gone))) = self.0.try_update_value(|watched| {
                (watched.generation == generation).then(|| {
                    let gone = match &result {
                        Err(err) if err.is_not_found() => watched.gone.take(),
                        _ => None,
                    };
                    (watched.auth, gone)
                })
            }) else {
                return;
            };
            match result {
                Err(err) if err.is_unauthorized() => auth.expired(),
                Err(err) if err.is_not_found() => {
                    self.stop();
                    if let Some(gone) = gone {
                        gone();
                    }
                }
                _ => self.later(generation),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_what_oc_delete_sends() {
        let options = DeleteOptions {
            kind: "DeleteOptions",
            api_version: "v1",
            propagation_policy: Some(Propagation::Foreground.as_str()),
            preconditions: Some(Preconditions {
                uid: None,
                resource_version: Some("42"),
            }),
        };
        assert_eq!(
            serde_json::to_string(&options).unwrap(),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground","preconditions":{"resourceVersion":"42"}}"#
        );
    }

    #[test]
    fn policies_read_back_and_default_to_background() {
        for policy in Propagation::ALL {
            assert_eq!(Propagation::from_name(policy.as_str()), policy);
        }
        assert_eq!(Propagation::from_name("cascade"), Propagation::Background);
        assert_eq!(Propagation::default(), Propagation::Background);
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let names: Vec<String> = (0..3).map(|i| format!("s{i}")).collect();
        assert_eq!(some_names(&names, 3), "s0, s1, s2");
        assert_eq!(some_names(&names, 20_000), "s0, s1, s2 and 19,997 more");
        assert_eq!(count(1, "1 tag", "{n} tags"), "1 tag");
        assert_eq!(count(2, "1 tag", "{n} tags"), "2 tags");
        assert_eq!(count(20000, "1 tag", "{n} tags"), "20,000 tags");
    }

    #[test]
    fn the_reason_names_every_permission_needed() {
        let permissions = [
            Permission::new("deletecollection", "apps", "deployments", "demo"),
            Permission::new("deletecollection", "", "services", "demo"),
        ];
        assert_eq!(
            denied_text("delete everything", "demo", &permissions),
            "You may not delete everything in project demo (deletecollection deployments, deletecollection services)"
        );
    }

    #[test]
    fn objects_of_core_and_group_kinds_have_their_paths() {
        let services = ALL_RESOURCES
            .iter()
            .find(|r| r.resource == "services")
            .unwrap();
        assert_eq!(
            object_path(services, "demo", "web"),
            "/api/v1/namespaces/demo/services/web"
        );
        let deployments = ALL_RESOURCES
            .iter()
            .find(|r| r.resource == "deployments")
            .unwrap();
        assert_eq!(
            object_path(deployments, "demo", "web"),
            "/apis/apps/v1/namespaces/demo/deployments/web"
        );
    }

    fn stream() -> ImageStream {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "demo"},
            "spec": {"tags": [
                {"name": "1.0", "from": {"kind": "DockerImage", "name": "quay.io/x/web:1.0"}},
                {"name": "latest", "from": {"kind": "ImageStreamTag", "name": "1.0"}}
            ]},
            "status": {"dockerImageRepository": "image-registry.openshift-image-registry.svc:5000/demo/web", "tags": [
                {"tag": "1.0", "items": [{"created": "2026-01-01T00:00:00Z", "dockerImageReference": "quay.io/x/web@sha256:1111111111111111111111111111111111111111111111111111111111111111", "image": "sha256:1111111111111111111111111111111111111111111111111111111111111111", "generation": 1}]}
            ]}
        }))
        .unwrap()
    }

    fn following(name: &str, tag: &str) -> Deployment {
        let trigger = serde_json::json!([{
            "from": {"kind": "ImageStreamTag", "name": format!("web:{tag}")},
            "fieldPath": "spec.template.spec.containers[?(@.name==\"app\")].image"
        }])
        .to_string();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "demo", "annotations": {"image.openshift.io/triggers": trigger}},
            "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "quay.io/x/web@sha256:1111111111111111111111111111111111111111111111111111111111111111"}]}}}
        }))
        .unwrap()
    }

    #[test]
    fn a_tag_is_referenced_by_who_uses_it_or_a_tag_that_follows_it() {
        let streams = [stream()];
        let deployments = [following("direct", "1.0"), following("via-alias", "latest")];
        let names = |references: Vec<Reference>| -> Vec<String> {
            references.into_iter().map(|r| r.name).collect()
        };
        assert_eq!(
            names(uses_of("demo", &streams, &deployments, Some("1.0"))),
            ["Deployment direct", "Deployment via-alias"]
        );
        assert_eq!(
            names(uses_of("demo", &streams, &deployments, Some("latest"))),
            ["Deployment via-alias"]
        );
        let all = uses_of("demo", &streams, &deployments, None);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].href, "/k8s/ns/demo/deployments/direct");
        assert_eq!(all[0].detail, "container app runs web:1.0 (current)");
    }
}

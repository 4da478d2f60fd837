//! The image side of the cluster (API.md §1.3–§1.6, §3, §6): ImageStreamImport in two steps
//! (the registries are asked outside any lock, then the result is applied), images pushed to
//! the integrated registry, and the controllers the console depends on: import of new spec
//! tags, image triggers writing the resolved pull spec into Deployments, and a small
//! deployment controller. The virtual imagestreamtags and imagestreamimages are in
//! `image_tags.rs`.

use crate::api::{failure, invalid, not_found, ApiRequest, ApiResponse, Cluster, Target};
use crate::registry::{ImageSource, ImportFailure, ResolveRequest, ResolvedImage};
use crate::resources;
use crate::store::{ObjectKey, Store};
use imagestream_model::imagestream::{
    NamedTagEventList, ObjectReference, TagEvent, TagEventCondition, TagImportPolicy, TagReference,
    TagReferencePolicy,
};
use imagestream_model::reference::{self, ImageReference};
use imagestream_model::tags;
use imagestream_model::time::{format_rfc3339, parse_rfc3339};
use imagestream_model::validation::{self, FieldError};
use imagestream_model::{ImageStream, Status};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Stream annotation stamped by every server-side import.
pub const REPOSITORY_CHECK: &str = "openshift.io/image.dockerRepositoryCheck";
/// The most tags a repository import takes (openshift-controller-manager's default).
pub const REPOSITORY_TAG_LIMIT: usize = 50;

/// One image an import resolves.
#[derive(Debug, Clone)]
pub struct ImageTarget {
    /// The pull spec exactly as requested.
    pub from: String,
    /// The same, parsed.
    pub reference: ImageReference,
    /// The tag to set, if any.
    pub to: Option<String>,
    /// Requested import policy.
    pub import_policy: TagImportPolicy,
    /// Requested reference policy, if any.
    pub reference_policy: Option<TagReferencePolicy>,
    /// `includeManifest` as requested (echoed in the response's spec).
    pub include_manifest: bool,
}

impl ImageTarget {
    /// This target as the response's `spec.images[i]` (or `spec.repository`) shows it: the
    /// request after the server's defaulting (openshift-apiserver's v1 defaults: the import
    /// mode the cluster uses, `Legacy`, and a `Source` reference policy), `to` defaulted to
    /// the tag of `from` for an image (the same defaults file).
    fn spec(&self, repository: bool) -> Value {
        let mut import_policy = self.import_policy.clone();
        if import_policy
            .import_mode
            .as_deref()
            .is_none_or(str::is_empty)
        {
            import_policy.import_mode = Some("Legacy".into());
        }
        let mut reference_policy = self.reference_policy.clone().unwrap_or_default();
        if reference_policy.policy_type.is_empty() {
            reference_policy.policy_type = "Source".into();
        }
        let mut spec = json!({
            "from": {"kind": "DockerImage", "name": self.from},
            "importPolicy": import_policy,
            "referencePolicy": reference_policy,
        });
        if let (false, Some(to)) = (repository, &self.to) {
            spec["to"] = json!({"name": to});
        }
        if self.include_manifest {
            spec["includeManifest"] = json!(true);
        }
        spec
    }
}

/// A pending import: what to ask the registries, and where to put the answers.
#[derive(Debug, Clone)]
pub struct ImportJob {
    namespace: String,
    name: String,
    /// Whether anything is persisted (`spec.import`).
    pub persist: bool,
    expected_version: Option<String>,
    expected_uid: Option<String>,
    images: Vec<ImageTarget>,
    repository: Option<ImageTarget>,
    /// Started by the import controller rather than by a client.
    pub from_controller: bool,
    /// The uid the server gives the ImageStreamImport object it answers with.
    uid: String,
}

/// The outcome of resolving one image.
pub type Resolution = Result<ResolvedImage, ImportFailure>;

/// A repository import's outcome: each imported tag's resolution, and the tags left out by
/// the per-repository limit.
#[derive(Debug, Clone, Default)]
pub struct RepositoryResolution {
    tags: Vec<(String, Resolution)>,
    additional: Vec<String>,
}

/// What the registries answered for a job.
#[derive(Debug, Clone, Default)]
pub struct ImportResults {
    images: Vec<Resolution>,
    repository: Option<Result<RepositoryResolution, ImportFailure>>,
}

fn resolve_request(
    target: &ImageTarget,
    tag_annotations: Option<&BTreeMap<String, String>>,
) -> ResolveRequest {
    let mut request = ResolveRequest::new(target.reference.clone());
    request.insecure = target.import_policy.insecure.unwrap_or(false);
    request.preserve_original =
        target.import_policy.import_mode.as_deref() == Some("PreserveOriginal");
    if let Some(annotations) = tag_annotations {
        request.prefer_arch = annotations
            .get("importer.image.openshift.io/prefer-arch")
            .cloned();
        request.prefer_os = annotations
            .get("importer.image.openshift.io/prefer-os")
            .cloned();
    }
    request
}

impl ImportJob {
    /// The stream the job writes to, as (namespace, name).
    pub fn stream(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }

    /// Asks the registries. This is the slow part: call it without holding the cluster.
    pub fn resolve(&self, source: &dyn ImageSource) -> ImportResults {
        let images = self
            .images
            .iter()
            .map(|target| source.resolve(&resolve_request(target, None)))
            .collect();
        let repository = self.repository.as_ref().map(|target| {
            let mut tags = source.list_tags(
                &target.reference,
                target.import_policy.insecure.unwrap_or(false),
            )?;
            tags::prioritize_tags(&mut tags);
            let additional = tags.split_off(tags.len().min(REPOSITORY_TAG_LIMIT));
            let resolved = tags
                .into_iter()
                .map(|tag| {
                    let mut reference = target.reference.clone();
                    reference.tag = tag.clone();
                    reference.id.clear();
                    let request = ImageTarget {
                        reference,
                        ..target.clone()
                    };
                    let result = source.resolve(&resolve_request(&request, None));
                    (tag, result)
                })
                .collect();
            Ok(RepositoryResolution {
                tags: resolved,
                additional,
            })
        });
        ImportResults { images, repository }
    }
}

/// Store index of Deployments by the streams their image triggers follow
/// (`namespace/stream`): the trigger controller's look-up when a stream changes.
pub(crate) const FOLLOWED_STREAMS: &str = "deployments-by-followed-stream";

/// `store` with the indexes the controllers look objects up by ([`FOLLOWED_STREAMS`],
/// [`crate::deployments::OWNERS`]), so a write costs the objects it concerns rather than a scan of them all.
pub(crate) fn with_controller_indexes(store: Store) -> Store {
    store
        .with_index(
            FOLLOWED_STREAMS,
            "deployments",
            crate::image_triggers::followed_streams,
        )
        .with_index(
            crate::deployments::OWNERS,
            "replicasets",
            crate::deployments::owner_uids,
        )
}

pub(crate) fn stream_key(namespace: &str, name: &str) -> ObjectKey {
    ObjectKey {
        resource: "imagestreams",
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    }
}

fn import_status(result: &Result<ResolvedImage, ImportFailure>, tag: Option<&str>) -> Value {
    match result {
        Ok(resolved) => {
            let mut status =
                json!({"status": {"metadata": {}, "status": "Success"}, "image": resolved.image});
            if let Some(tag) = tag {
                status["tag"] = json!(tag);
            }
            if !resolved.manifests.is_empty() {
                status["manifests"] = json!(resolved.manifests);
            }
            status
        }
        Err(failure) => {
            let mut status = json!({"status": *failure.status});
            if let Some(tag) = tag {
                status["tag"] = json!(tag);
            }
            status
        }
    }
}

/// Records a tag event the way the server keeps history: an identical event is ignored, one
/// that changes only the image or only the pull spec replaces the newest entry, anything else
/// is prepended (API.md §1.1).
pub fn add_tag_event(stream: &mut ImageStream, tag: &str, event: TagEvent) -> bool {
    let list = status_tag_mut(stream, tag);
    let items = list.items.get_or_insert(None).get_or_insert_with(Vec::new);
    let changed = match items.first_mut() {
        Some(first)
            if first.image == event.image
                && first.docker_image_reference == event.docker_image_reference =>
        {
            // Re-imported unchanged (a scheduled import): only a newer generation is recorded,
            // so the import controller sees the tag as observed and does not import it again.
            let newer = event.generation > first.generation;
            if newer {
                first.generation = event.generation;
            }
            newer
        }
        Some(first)
            if first.image == event.image
                || first.docker_image_reference == event.docker_image_reference =>
        {
            *first = event;
            true
        }
        _ => {
            items.insert(0, event);
            true
        }
    };
    list.conditions = None;
    changed
}

/// The entry named `name` in a list the server keeps sorted by name, inserted (from `make`)
/// in its place when missing.
fn sorted_entry<'a, T>(
    entries: &'a mut Vec<T>,
    name: &str,
    name_of: impl Fn(&T) -> &str,
    make: impl FnOnce() -> T,
) -> &'a mut T {
    let index = match entries.binary_search_by(|entry| name_of(entry).cmp(name)) {
        Ok(index) => index,
        Err(index) => {
            entries.insert(index, make());
            index
        }
    };
    &mut entries[index]
}

fn status_tag_mut<'a>(stream: &'a mut ImageStream, tag: &str) -> &'a mut NamedTagEventList {
    let status = stream.status.get_or_insert_with(Default::default);
    let tags = status.tags.get_or_insert_with(Vec::new);
    tags.sort_by(|a, b| a.tag.cmp(&b.tag));
    sorted_entry(
        tags,
        tag,
        |t| &t.tag,
        || NamedTagEventList {
            tag: tag.to_owned(),
            items: Some(None),
            ..NamedTagEventList::default()
        },
    )
}

fn set_import_failure(
    stream: &mut ImageStream,
    tag: &str,
    status: &Status,
    generation: i64,
    now: i64,
) {
    let list = status_tag_mut(stream, tag);
    let message = status
        .message
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "unknown error prevented import".into());
    list.conditions = Some(vec![TagEventCondition {
        condition_type: "ImportSuccess".into(),
        status: "False".into(),
        last_transition_time: Some(format_rfc3339(now)),
        reason: status.reason.clone(),
        message: Some(message),
        generation,
        ..TagEventCondition::default()
    }]);
}

/// Removes status tags with neither history nor conditions (`collapseEmptyStatusTags`).
fn collapse_empty_status_tags(stream: &mut ImageStream) {
    if let Some(tags) = stream.status.as_mut().and_then(|s| s.tags.as_mut()) {
        tags.retain(|t| {
            !t.events().is_empty() || t.conditions.as_ref().is_some_and(|c| !c.is_empty())
        });
    }
}

pub(crate) fn spec_tag_mut<'a>(stream: &'a mut ImageStream, tag: &str) -> &'a mut TagReference {
    let spec = stream.spec.get_or_insert_with(Default::default);
    let tags = spec.tags.get_or_insert_with(Vec::new);
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    sorted_entry(
        tags,
        tag,
        |t| &t.name,
        || TagReference {
            name: tag.to_owned(),
            annotations: Some(None),
            generation: Some(None),
            ..TagReference::default()
        },
    )
}

/// The generation a tag's state was last observed at: the newest event's or the first
/// ImportSuccess condition's (API.md §3.1).
fn observed_generation(stream: &ImageStream, tag: &str) -> i64 {
    let Some(list) = stream.status_tags().iter().find(|t| t.tag == tag) else {
        return 0;
    };
    let from_items = list
        .events()
        .first()
        .and_then(|e| e.generation)
        .unwrap_or(0);
    let from_condition = list
        .conditions
        .iter()
        .flatten()
        .find(|c| c.condition_type == "ImportSuccess")
        .map_or(0, |c| c.generation);
    from_items.max(from_condition)
}

impl Cluster {
    pub(crate) fn load_stream(&self, namespace: &str, name: &str) -> Option<ImageStream> {
        let stored = self.store.get(&stream_key(namespace, name))?;
        serde_json::from_value((**stored).clone()).ok()
    }

    pub(crate) fn stream_resource() -> &'static resources::Resource {
        resources::find("image.openshift.io", "v1", "imagestreams")
            .expect("imagestreams are served")
    }

    /// Stores a stream the import path changed (keeping identity, bumping nothing else).
    fn store_stream(
        &mut self,
        namespace: &str,
        stream: &ImageStream,
        now: i64,
    ) -> Result<Value, ApiResponse> {
        let value = serde_json::to_value(stream).map_err(|err| {
            failure(
                500,
                "InternalError",
                format!("Internal error occurred: {err}"),
                None,
            )
        })?;
        let name = stream.metadata.name().to_owned();
        let mut value = value;
        if let Some(existing) = self.store.get(&stream_key(namespace, &name)).cloned() {
            // Tags tracking an imported or pushed tag follow it.
            self.resolve_tag_references(Some(&existing), &mut value, now)?;
            let stored = self.store.put(stream_key(namespace, &name), value);
            Ok(self.present(Self::stream_resource(), &stored))
        } else {
            let stored =
                self.restore_object(Self::stream_resource(), Some(namespace), value, now)?;
            Ok(self.present(Self::stream_resource(), &stored))
        }
    }

    /// Stores the Image of `resolved` unless it is known, and returns the stored Image without
    /// its raw manifest and config: what the ImageStreamImport response shows (upstream's
    /// `importSuccessful` creates the Image and answers with the created object, its
    /// creationTimestamp and uid set).
    fn store_image(&mut self, resolved: &ResolvedImage, managed: bool, now: i64) -> Value {
        let key = ObjectKey {
            resource: "images",
            namespace: String::new(),
            name: resolved.digest.clone(),
        };
        let stored = match self.store.get(&key) {
            Some(stored) => (**stored).clone(),
            None => {
                let mut image = serde_json::to_value(&resolved.image).unwrap_or_else(|_| json!({}));
                image["kind"] = json!("Image");
                image["apiVersion"] = json!("image.openshift.io/v1");
                image["metadata"]["name"] = json!(resolved.digest);
                image["metadata"]["uid"] = json!(self.new_uid(&resolved.digest));
                image["metadata"]["creationTimestamp"] = json!(format_rfc3339(now));
                image["dockerImageMetadataVersion"] = json!("1.0");
                image["dockerImageManifest"] = json!(resolved.raw_manifest);
                if let Some(config) = &resolved.raw_config {
                    image["dockerImageConfig"] = json!(config);
                }
                if managed {
                    if !image["metadata"]["annotations"].is_object() {
                        image["metadata"]["annotations"] = json!({});
                    }
                    image["metadata"]["annotations"]["openshift.io/image.managed"] = json!("true");
                }
                (*self.store.put(key, image)).clone()
            }
        };
        let mut shown = stored;
        if let Some(map) = shown.as_object_mut() {
            map.remove("dockerImageManifest");
            map.remove("dockerImageConfig");
        }
        shown
    }

    /// `POST imagestreamimports`: validates the request and returns the job the server must
    /// resolve (or the error).
    pub(crate) fn import_request(&mut self, target: &Target, request: &ApiRequest) -> ApiResponse {
        let resource = target.resource;
        let body = match Self::body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let namespace = target.namespace.clone().unwrap_or_default();
        let name = body
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut errors: Vec<FieldError> = validation::validate_image_stream_name(&namespace, &name);
        let persist = body
            .pointer("/spec/import")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut images = Vec::new();
        let specs = body
            .pointer("/spec/images")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (index, spec) in specs.iter().enumerate() {
            let field = format!("spec.images[{index}]");
            match parse_target(spec, &field, false) {
                Ok(target) => images.push(target),
                Err(mut problems) => errors.append(&mut problems),
            }
        }
        let repository = match body.pointer("/spec/repository") {
            Some(spec) if !spec.is_null() => match parse_target(spec, "spec.repository", true) {
                Ok(target) => Some(target),
                Err(mut problems) => {
                    errors.append(&mut problems);
                    None
                }
            },
            _ => None,
        };
        if specs.is_empty() && body.pointer("/spec/repository").is_none_or(Value::is_null) {
            errors.push(FieldError::invalid(
                "spec.images",
                validation::FieldValue::Text(String::new()),
                "you must specify at least one image or a repository import",
            ));
        }
        if !errors.is_empty() {
            let isi = resources::find("image.openshift.io", "v1", "imagestreamimports")
                .unwrap_or(resource);
            return invalid(isi, &name, &errors);
        }
        let job = ImportJob {
            uid: self.new_uid(&name),
            namespace,
            name,
            persist,
            expected_version: body
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            expected_uid: body
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            images,
            repository,
            from_controller: false,
        };
        if let Err(response) = self.check_preconditions(&job) {
            return response;
        }
        ApiResponse {
            status: 202,
            body: Vec::new(),
            content_type: crate::api::JSON,
            watch: None,
            import: Some(Box::new(job)),
        }
    }

    fn check_preconditions(&self, job: &ImportJob) -> Result<(), ApiResponse> {
        let current = self.store.get(&stream_key(&job.namespace, &job.name));
        match current {
            None if job.expected_version.is_some() || job.expected_uid.is_some() => {
                Err(not_found(Self::stream_resource(), &job.name))
            }
            None => Ok(()),
            Some(current) => {
                let version = current
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if let Some(expected) = &job.expected_version {
                    if expected != version {
                        return Err(failure(409, "Conflict", format!("Operation cannot be fulfilled on imagestream.image.openshift.io {:?}: the image stream was updated from {expected:?} to {version:?}", job.name), Some(json!({"name": job.name, "group": "image.openshift.io", "kind": "imagestream"}))));
                    }
                }
                let uid = current
                    .pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if job
                    .expected_uid
                    .as_deref()
                    .is_some_and(|expected| expected != uid)
                {
                    return Err(not_found(Self::stream_resource(), &job.name));
                }
                Ok(())
            }
        }
    }

    /// Applies what the registries answered and returns the ImageStreamImport response
    /// (201 even when images failed: per-image failures are in `status.images`).
    pub fn complete_import(
        &mut self,
        job: &ImportJob,
        results: ImportResults,
        now: i64,
    ) -> ApiResponse {
        let mut image_statuses: Vec<Value> = job
            .images
            .iter()
            .zip(&results.images)
            .map(|(target, result)| import_status(result, target.to.as_deref()))
            .collect();
        let repository_status = results.repository.as_ref().map(|outcome| match outcome {
            Ok(RepositoryResolution { tags: resolved, additional }) => {
                let failed = resolved.iter().filter(|(_, r)| r.is_err()).count();
                let status = match failed {
                    0 => json!({"metadata": {}, "status": "Success"}),
                    1 => json!({"metadata": {}, "status": "Failure", "reason": "ImportFailed", "message": "one of the images from this repository failed to import"}),
                    n => json!({"metadata": {}, "status": "Failure", "reason": "ImportFailed", "message": format!("{n} of the images from this repository failed to import")}),
                };
                let mut value = json!({"status": status, "images": resolved.iter().map(|(tag, r)| import_status(r, Some(tag))).collect::<Vec<_>>()});
                if !additional.is_empty() {
                    value["additionalTags"] = json!(additional);
                }
                value
            }
            Err(failure) => json!({"status": *failure.status}),
        });
        // The real server answers with the whole request object (openshift-apiserver's
        // imagestreamimport REST Create returns the ImageStreamImport it was given, its
        // metadata filled as for any create and its status set): clients such as `oc new-app`
        // read `spec.images[i]` next to `status.images[i]`.
        let mut spec = json!({"import": job.persist});
        if !job.images.is_empty() {
            spec["images"] = job.images.iter().map(|t| t.spec(false)).collect();
        }
        if let Some(repository) = &job.repository {
            spec["repository"] = repository.spec(true);
        }
        let mut response = json!({
            "kind": "ImageStreamImport",
            "apiVersion": "image.openshift.io/v1",
            "metadata": {"name": job.name, "namespace": job.namespace, "uid": job.uid, "creationTimestamp": format_rfc3339(now)},
            "spec": spec,
            "status": {},
        });
        if !job.persist {
            response["status"]["images"] = json!(image_statuses);
            if let Some(repository) = repository_status {
                response["status"]["repository"] = repository;
            }
            return ApiResponse::json(201, &response);
        }
        if let Err(conflict) = self.check_preconditions(job) {
            return conflict;
        }
        let existing = self.load_stream(&job.namespace, &job.name);
        let is_new = existing.is_none();
        let mut stream = existing.unwrap_or_else(|| {
            let mut stream = ImageStream::default();
            stream.metadata.name = Some(job.name.clone());
            stream.metadata.namespace = Some(job.namespace.clone());
            stream
        });
        let generation = if is_new {
            1
        } else {
            stream.metadata.generation.unwrap_or(1) + 1
        };
        let mut outcomes: Vec<(
            &ImageTarget,
            Option<String>,
            &Result<ResolvedImage, ImportFailure>,
        )> = job
            .images
            .iter()
            .zip(&results.images)
            .map(|(target, result)| (target, target.to.clone(), result))
            .collect();
        let repository_targets: Vec<(ImageTarget, Result<ResolvedImage, ImportFailure>)> =
            match (&job.repository, &results.repository) {
                (Some(target), Some(Ok(RepositoryResolution { tags: resolved, .. }))) => resolved
                    .iter()
                    .map(|(tag, result)| {
                        let mut reference = target.reference.clone();
                        reference.tag = tag.clone();
                        (
                            ImageTarget {
                                from: reference.exact(),
                                reference,
                                to: Some(tag.clone()),
                                ..target.clone()
                            },
                            result.clone(),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
        outcomes.extend(
            repository_targets
                .iter()
                .map(|(target, result)| (target, target.to.clone(), result)),
        );
        let mut tagged = false;
        let mut stored_images: BTreeMap<String, Value> = BTreeMap::new();
        for (target, to, result) in outcomes {
            if let Ok(resolved) = result {
                let image = self.store_image(resolved, false, now);
                stored_images.insert(resolved.digest.clone(), image);
            }
            let Some(tag) = to else { continue };
            tagged = true;
            let spec = spec_tag_mut(&mut stream, &tag);
            spec.from = Some(ObjectReference {
                kind: "DockerImage".into(),
                name: target.from.clone(),
                ..ObjectReference::default()
            });
            spec.generation = Some(Some(generation));
            spec.import_policy = Some(target.import_policy.clone());
            if spec
                .reference_policy
                .as_ref()
                .is_none_or(|p| p.policy_type.is_empty())
            {
                spec.reference_policy = Some(target.reference_policy.clone().unwrap_or(
                    TagReferencePolicy {
                        policy_type: "Source".into(),
                        ..Default::default()
                    },
                ));
            }
            match result {
                Ok(resolved) => {
                    let event = TagEvent {
                        created: format_rfc3339(now),
                        docker_image_reference: resolved
                            .image
                            .docker_image_reference
                            .clone()
                            .unwrap_or_default(),
                        image: resolved.digest.clone(),
                        generation: Some(generation),
                        ..TagEvent::default()
                    };
                    add_tag_event(&mut stream, &tag, event);
                }
                Err(failure) => {
                    set_import_failure(&mut stream, &tag, &failure.status, generation, now)
                }
            }
        }
        collapse_empty_status_tags(&mut stream);
        stream.metadata.generation = Some(generation);
        stream
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(REPOSITORY_CHECK.into(), format_rfc3339(now));
        let stored = match self.store_stream(&job.namespace.clone(), &stream, now) {
            Ok(stored) => stored,
            Err(response) => return response,
        };
        if tagged || job.repository.is_some() {
            response["status"]["import"] = stored;
        }
        image_statuses.iter_mut().for_each(|status| {
            let digest = status
                .pointer("/image/metadata/name")
                .and_then(Value::as_str)
                .and_then(|digest| stored_images.get(digest));
            if let Some(stored) = digest {
                status["image"] = stored.clone();
            }
        });
        response["spec"]["import"] = json!(true);
        response["status"]["images"] = json!(image_statuses);
        if let Some(mut repository) = repository_status {
            for status in repository["images"].as_array_mut().into_iter().flatten() {
                let stored = status
                    .pointer("/image/metadata/name")
                    .and_then(Value::as_str)
                    .and_then(|digest| stored_images.get(digest))
                    .cloned();
                if let Some(stored) = stored {
                    status["image"] = stored;
                }
            }
            response["status"]["repository"] = repository;
        }
        // Triggers follow the new images at once, as the controllers would.
        self.reconcile(now);
        ApiResponse::json(201, &response)
    }

    /// Resolves and applies a job at once (in-browser demo, tests): no lock to release there.
    pub fn run_import(
        &mut self,
        job: &ImportJob,
        source: &dyn ImageSource,
        now: i64,
    ) -> ApiResponse {
        let results = job.resolve(source);
        self.complete_import(job, results, now)
    }

    /// Import jobs the import controller wants: spec tags newer than what was observed, and
    /// scheduled tags whose last import is older than `scheduled_every_millis`.
    pub fn take_import_jobs(
        &mut self,
        now: i64,
        scheduled_every_millis: Option<i64>,
    ) -> Vec<ImportJob> {
        let mut candidates: Vec<(String, String)> =
            std::mem::take(&mut self.import_queue).into_iter().collect();
        if let Some(every) = scheduled_every_millis {
            for (key, object) in self.store.list("imagestreams", None) {
                let scheduled = object
                    .pointer("/spec/tags")
                    .and_then(Value::as_array)
                    .is_some_and(|tags| {
                        tags.iter().any(|t| {
                            t.pointer("/importPolicy/scheduled") == Some(&Value::Bool(true))
                        })
                    });
                let last = object
                    .pointer(&format!(
                        "/metadata/annotations/{}",
                        REPOSITORY_CHECK.replace('/', "~1")
                    ))
                    .and_then(Value::as_str)
                    .and_then(|t| parse_rfc3339(t).ok())
                    .unwrap_or(0);
                if scheduled && now - last >= every {
                    candidates.push((key.namespace.clone(), key.name.clone()));
                }
            }
        }
        candidates.sort();
        candidates.dedup();
        let mut jobs = Vec::new();
        for (namespace, name) in candidates {
            let Some(stream) = self.load_stream(&namespace, &name) else {
                continue;
            };
            let last_check = stream
                .metadata
                .annotation(REPOSITORY_CHECK)
                .and_then(|t| parse_rfc3339(t).ok());
            let due_scheduled = |tag: &TagReference| {
                scheduled_every_millis.is_some_and(|every| {
                    tag.import_policy.as_ref().and_then(|p| p.scheduled) == Some(true)
                        && last_check.is_none_or(|last| now - last >= every)
                })
            };
            let images: Vec<ImageTarget> = stream
                .spec_tags()
                .iter()
                .filter(|tag| {
                    tag.from.as_ref().is_some_and(|f| f.kind == "DockerImage")
                        && tag.reference != Some(true)
                })
                .filter(|tag| {
                    let generation = tag.generation.flatten().unwrap_or(0);
                    last_check.is_none()
                        || generation > observed_generation(&stream, &tag.name)
                        || due_scheduled(tag)
                })
                .filter_map(|tag| {
                    let from = tag.from.as_ref()?.name.clone();
                    let reference = reference::parse(&from).ok()?;
                    Some(ImageTarget {
                        from,
                        reference,
                        to: Some(tag.name.clone()),
                        import_policy: tag.import_policy.clone().unwrap_or_default(),
                        reference_policy: tag.reference_policy.clone(),
                        include_manifest: false,
                    })
                })
                .collect();
            if images.is_empty() {
                continue;
            }
            let uid = self.new_uid(&name);
            jobs.push(ImportJob {
                uid,
                namespace,
                name,
                persist: true,
                expected_version: stream.metadata.resource_version.clone(),
                expected_uid: stream.metadata.uid.clone(),
                images,
                repository: None,
                from_controller: true,
            });
        }
        jobs
    }

    /// Puts a stream back in the import queue (a controller import lost a race and retries).
    pub fn requeue_import(&mut self, job: &ImportJob) {
        self.import_queue
            .insert((job.namespace.clone(), job.name.clone()));
    }

    /// An image pushed to the integrated registry as `<namespace>/<stream>:<tag>`: the stream
    /// is created if needed and the tag records the pushed digest (API.md §1.2 "managed").
    pub fn image_pushed(
        &mut self,
        namespace: &str,
        name: &str,
        tag: &str,
        resolved: &ResolvedImage,
        now: i64,
    ) -> Result<Value, ApiResponse> {
        self.store_image(resolved, true, now);
        let existing = self.load_stream(namespace, name);
        let mut stream = existing.unwrap_or_else(|| {
            let mut stream = ImageStream::default();
            stream.metadata.name = Some(name.to_owned());
            stream.metadata.namespace = Some(namespace.to_owned());
            stream
        });
        let generation = stream.metadata.generation.unwrap_or(1);
        let event = TagEvent {
            created: format_rfc3339(now),
            docker_image_reference: format!(
                "{}/{namespace}/{name}@{}",
                self.settings.internal_registry, resolved.digest
            ),
            image: resolved.digest.clone(),
            generation: Some(generation),
            ..TagEvent::default()
        };
        add_tag_event(&mut stream, tag, event);
        let stored = self.store_stream(namespace, &stream, now)?;
        self.reconcile(now);
        Ok(stored)
    }

    /// Runs the controllers over what changed: import queue, image triggers, deployments.
    pub(crate) fn reconcile(&mut self, now: i64) {
        for _ in 0..8 {
            let changed = self.store.drain_changed();
            if changed.is_empty() {
                break;
            }
            let mut streams: BTreeSet<(String, String)> = BTreeSet::new();
            let mut deployments: BTreeSet<ObjectKey> = BTreeSet::new();
            for key in changed {
                match key.resource {
                    "imagestreams" => {
                        self.import_queue
                            .insert((key.namespace.clone(), key.name.clone()));
                        streams.insert((key.namespace, key.name));
                    }
                    "deployments" => {
                        deployments.insert(key);
                    }
                    // A ReplicaSet changed by hand is put back by its Deployment's controller.
                    "replicasets" => {
                        let owner = self
                            .store
                            .get(&key)
                            .and_then(|rs| crate::deployments::controlling_deployment(&key, rs));
                        deployments.extend(owner);
                    }
                    _ => {}
                }
            }
            if streams.is_empty() && deployments.is_empty() {
                continue;
            }
            self.run_triggers(&streams, &deployments);
            self.run_deployments(&deployments, now);
        }
        // Streams removed meanwhile are not imported.
        let store = &self.store;
        self.import_queue
            .retain(|(ns, name)| store.get(&stream_key(ns, name)).is_some());
    }
}

fn parse_target(
    spec: &Value,
    field: &str,
    repository: bool,
) -> Result<ImageTarget, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = spec
        .pointer("/from/kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != "DockerImage" {
        errors.push(FieldError::invalid(
            &format!("{field}.from.kind"),
            validation::FieldValue::Text(kind.into()),
            "only DockerImage is supported",
        ));
    }
    let from = spec
        .pointer("/from/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let reference = if from.is_empty() {
        errors.push(FieldError::required(&format!("{field}.from.name"), ""));
        None
    } else {
        match reference::parse(&from) {
            Ok(parsed) => Some(parsed),
            Err(err) => {
                errors.push(FieldError::invalid(
                    &format!("{field}.from.name"),
                    validation::FieldValue::Text(from.clone()),
                    format!("invalid name: {err}"),
                ));
                None
            }
        }
    };
    if repository {
        if let Some(parsed) = &reference {
            if !parsed.tag.is_empty() || !parsed.id.is_empty() {
                errors.push(FieldError::invalid(
                    &format!("{field}.from.name"),
                    validation::FieldValue::Text(from.clone()),
                    "you must specify an image repository, not a tag or ID",
                ));
            }
        }
    }
    let to = if repository {
        None
    } else {
        match spec.get("to").filter(|t| !t.is_null()) {
            Some(to) => {
                let name = to
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if name.is_empty() {
                    errors.push(FieldError::required(
                        &format!("{field}.to.name"),
                        "the name of the target tag must be specified",
                    ));
                }
                Some(name)
            }
            // The server defaults the target tag to the tag in from.name (API.md §1.6).
            None => reference
                .as_ref()
                .map(|r| r.tag.clone())
                .filter(|t| !t.is_empty()),
        }
    };
    let import_policy: TagImportPolicy = spec
        .get("importPolicy")
        .cloned()
        .and_then(|p| serde_json::from_value(p).ok())
        .unwrap_or_default();
    if let Some(mode) = import_policy.import_mode.as_deref() {
        if !matches!(mode, "" | "Legacy" | "PreserveOriginal") {
            errors.push(FieldError {
                field: format!("{field}.importPolicy.importMode"),
                reason: validation::FieldErrorType::NotSupported,
                value: Some(validation::FieldValue::Text(mode.into())),
                message: "supported values: \"Legacy\", \"PreserveOriginal\"".into(),
            });
        }
    }
    let reference_policy: Option<TagReferencePolicy> = spec
        .get("referencePolicy")
        .cloned()
        .and_then(|p| serde_json::from_value(p).ok());
    match (errors.is_empty(), reference) {
        (true, Some(reference)) => Ok(ImageTarget {
            from,
            reference,
            to,
            import_policy,
            reference_policy,
            include_manifest: spec.get("includeManifest") == Some(&Value::Bool(true)),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(image: &str, reference: &str) -> TagEvent {
        TagEvent {
            created: "2024-01-01T00:00:00Z".into(),
            docker_image_reference: reference.into(),
            image: image.into(),
            ..TagEvent::default()
        }
    }

    #[test]
    fn history_is_kept_as_the_server_keeps_it() {
        let mut stream = ImageStream::default();
        assert!(add_tag_event(
            &mut stream,
            "latest",
            event("sha256:a", "x@sha256:a")
        ));
        assert!(
            !add_tag_event(&mut stream, "latest", event("sha256:a", "x@sha256:a")),
            "identical events are ignored"
        );
        assert!(
            add_tag_event(&mut stream, "latest", event("sha256:a", "y@sha256:a")),
            "same image, new pull spec: updated in place"
        );
        assert_eq!(stream.status_tags()[0].events().len(), 1);
        assert!(add_tag_event(
            &mut stream,
            "latest",
            event("sha256:b", "x@sha256:b")
        ));
        let images: Vec<_> = stream.status_tags()[0]
            .events()
            .iter()
            .map(|e| e.image.as_str())
            .collect();
        assert_eq!(images, ["sha256:b", "sha256:a"], "newest first");
    }

    #[test]
    fn an_unchanged_reimport_records_its_generation() {
        let mut stream = ImageStream::default();
        let at = |generation| TagEvent {
            generation: Some(generation),
            ..event("sha256:a", "x@sha256:a")
        };
        add_tag_event(&mut stream, "latest", at(1));
        assert!(add_tag_event(&mut stream, "latest", at(2)));
        assert_eq!(stream.status_tags()[0].events().len(), 1);
        assert_eq!(observed_generation(&stream, "latest"), 2);
        assert!(!add_tag_event(&mut stream, "latest", at(2)));
    }

    #[test]
    fn a_failed_import_keeps_the_last_good_image() {
        let mut stream = ImageStream::default();
        add_tag_event(&mut stream, "latest", event("sha256:a", "x@sha256:a"));
        let status = Status::failure(
            404,
            "NotFound",
            "dockerimage.image.openshift.io \"x:latest\" not found",
        );
        set_import_failure(&mut stream, "latest", &status, 2, 0);
        let list = &stream.status_tags()[0];
        assert_eq!(list.events().len(), 1);
        let condition = &list.conditions.as_ref().unwrap()[0];
        assert_eq!(
            (
                condition.status.as_str(),
                condition.reason.as_deref(),
                condition.generation
            ),
            ("False", Some("NotFound"), 2)
        );
        assert_eq!(observed_generation(&stream, "latest"), 2);
    }
}

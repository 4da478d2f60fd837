//! Writing: create, update (and the status subresource), patch, delete with propagation,
//! deletecollection, and restoring saved objects.

use super::read::selected;
use super::{
    bad_request, failure, not_found, ApiRequest, ApiResponse, Cluster, QueryParams, Target,
};
use crate::decode::{self, FieldValidation};
use crate::kinds;
use crate::resources::{Resource, Storage, RESOURCES};
use crate::store::ObjectKey;
use imagestream_model::time::format_rfc3339;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Cluster {
    pub(crate) fn body(request: &ApiRequest) -> Result<Value, ApiResponse> {
        let value: Value = serde_json::from_slice(&request.body).map_err(|err| {
            bad_request(format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({err})"))
        })?;
        if !value.is_object() {
            return Err(bad_request("the body of the request must be a JSON object"));
        }
        Ok(value)
    }

    /// Refuses an object that nests deeper than every stored object may
    /// ([`crate::limits::MAX_OBJECT_DEPTH`]), so that a saved state always loads again.
    fn check_depth(object: &Value) -> Result<(), ApiResponse> {
        if crate::limits::too_deep(object) {
            return Err(bad_request(format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the object nests deeper than {} levels)", crate::limits::MAX_OBJECT_DEPTH)));
        }
        Ok(())
    }

    pub(crate) fn new_uid(&mut self, seed: &str) -> String {
        use sha2::{Digest, Sha256};
        self.next_uid = self.next_uid.wrapping_add(1);
        let hash = Sha256::digest(format!(
            "{seed}/{}/{}",
            self.next_uid,
            self.store.resource_version()
        ));
        let hex = |range: std::ops::Range<usize>| -> String {
            hash.get(range)
                .unwrap_or_default()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        format!(
            "{}-{}-{}-{}-{}",
            hex(0..4),
            hex(4..6),
            hex(6..8),
            hex(8..10),
            hex(10..16)
        )
    }

    pub(super) fn namespace_exists(&self, namespace: &str) -> bool {
        self.store
            .get(&ObjectKey {
                resource: "namespaces",
                namespace: String::new(),
                name: namespace.to_owned(),
            })
            .is_some()
    }

    /// Creates an object in the store through the same checks as a POST (used by seeds and
    /// controllers too).
    pub fn create_object(
        &mut self,
        resource: &'static Resource,
        namespace: Option<&str>,
        mut object: Value,
        now_millis: i64,
        dry_run: bool,
    ) -> Result<Arc<Value>, ApiResponse> {
        Self::check_depth(&object)?;
        let expected_kind = resource.kind;
        // Seeds, saved state and controllers come here without a request body: what is stored
        // must always have the kind's types (see `decode`).
        if let Err(message) = decode::type_errors(resource, &object) {
            return Err(bad_request(format!(
                "{expected_kind} in version {:?} cannot be handled as a {expected_kind}: {message}",
                resource.version
            )));
        }
        let root = kinds::as_object(&mut object);
        match root.get("kind").and_then(Value::as_str) {
            None | Some("") => {
                root.insert("kind".into(), json!(expected_kind));
            }
            Some(kind) if kind == expected_kind => {}
            Some(kind) => return Err(bad_request(format!("the kind {kind:?} of the object does not match the resource {:?} ({expected_kind})", resource.plural))),
        }
        root.insert("apiVersion".into(), json!(resource.group_version()));
        kinds::object_at(&mut object, "metadata");
        let meta_namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let (Some(url_ns), Some(body_ns)) = (namespace, meta_namespace.as_deref()) {
            if url_ns != body_ns {
                return Err(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
            }
        }
        if let Some(namespace) = namespace {
            kinds::object_at(&mut object, "metadata").insert("namespace".into(), json!(namespace));
            if !self.namespace_exists(namespace) {
                return Err(failure(
                    404,
                    "NotFound",
                    format!("namespaces {namespace:?} not found"),
                    Some(json!({"name": namespace, "kind": "namespaces"})),
                ));
            }
        } else if let Some(meta) = object["metadata"].as_object_mut() {
            meta.remove("namespace");
        }
        let mut name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            if let Some(prefix) = object
                .pointer("/metadata/generateName")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
            {
                let suffix: String = self
                    .new_uid(prefix)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .take(5)
                    .collect();
                name = format!("{prefix}{suffix}");
                kinds::object_at(&mut object, "metadata").insert("name".into(), json!(name));
            } else {
                let error = imagestream_model::validation::FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                );
                return Err(invalid(resource, "", &[error]));
            }
        }
        let errors = kinds::validate(resource, namespace.unwrap_or_default(), &object);
        if !errors.is_empty() {
            return Err(invalid(resource, &name, &errors));
        }
        let key = ObjectKey {
            resource: resource.id(),
            namespace: namespace.unwrap_or_default().to_owned(),
            name: name.clone(),
        };
        if self.store.get(&key).is_some() {
            return Err(failure(
                409,
                "AlreadyExists",
                format!("{} {name:?} already exists", resource.qualified()),
                Some(json!({"name": name, "group": resource.group, "kind": resource.plural})),
            ));
        }
        let mut next_ip = self.next_cluster_ip;
        kinds::apply_defaults(resource, &mut object, || {
            next_ip = next_ip.wrapping_add(1);
            format!("172.30.{}.{}", next_ip / 250, next_ip % 250 + 1)
        });
        self.next_cluster_ip = next_ip;
        let uid = self.new_uid(&name);
        if let Some(meta) = object["metadata"].as_object_mut() {
            meta.insert("uid".into(), json!(uid));
            meta.insert(
                "creationTimestamp".into(),
                json!(format_rfc3339(now_millis)),
            );
            meta.remove("resourceVersion");
            meta.remove("generateName");
            if resource.tracks_generation() {
                meta.insert("generation".into(), json!(1));
            } else {
                meta.remove("generation");
            }
        }
        if resource.kind == "ImageStream" {
            stamp_tag_generations(&mut object, 1, None);
            // The server owns an image stream's status; imports fill it.
            kinds::as_object(&mut object)
                .insert("status".into(), json!({"dockerImageRepository": ""}));
            self.resolve_tag_references(None, &mut object, now_millis)?;
        }
        if dry_run {
            let mut preview = object;
            kinds::object_at(&mut preview, "metadata").insert("resourceVersion".into(), json!(""));
            return Ok(Arc::new(preview));
        }
        Ok(self.store.put(key, object))
    }

    /// Bodies reach the library as JSON: the native server turns YAML, and protobuf for the
    /// built-in kinds, into JSON first (src/protobuf/http.rs). Anything else is refused with
    /// the media types kube-apiserver lists: JSON, YAML and protobuf for the built-in groups;
    /// JSON and YAML for OpenShift's groups, which devcluster serves like a CRD.
    pub(super) fn check_content_type(
        resource: &Resource,
        request: &ApiRequest,
    ) -> Result<(), ApiResponse> {
        let media_type = media_type(request);
        if media_type.is_empty() || media_type == "application/json" || media_type == "*/*" {
            return Ok(());
        }
        let accepted = if crate::resources::is_kubernetes_group(resource.group) {
            "application/json, application/yaml, application/vnd.kubernetes.protobuf"
        } else {
            "application/json, application/yaml"
        };
        Err(failure(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in an unknown format - accepted media types include: {accepted}"),
            None,
        ))
    }

    pub(super) fn create(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        if let Err(response) = Self::check_content_type(target.resource, request) {
            return response;
        }
        let validation =
            match FieldValidation::from_query(query.get("fieldValidation"), "CreateOptions") {
                Ok(validation) => validation,
                Err(response) => return response,
            };
        let object = match decode::parse_body(target.resource, &request.body, validation) {
            Ok(object) => object,
            Err(response) => return response,
        };
        let dry_run = query.get("dryRun") == Some("All");
        let sets_version = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty());
        if sets_version && !dry_run {
            // The storage layer refuses it after validation and before the existence check
            // (etcd3 store `Create`); a dry run never reaches that check.
            return match self.create_object(
                target.resource,
                target.namespace.as_deref(),
                object,
                request.now_millis,
                true,
            ) {
                Ok(_) => decode::resource_version_set_on_create(),
                Err(response) if response.status == 409 => decode::resource_version_set_on_create(),
                Err(response) => response,
            };
        }
        match self.create_object(
            target.resource,
            target.namespace.as_deref(),
            object,
            request.now_millis,
            dry_run,
        ) {
            Ok(created) => ApiResponse::json(201, &self.present(target.resource, &created)),
            Err(response) => response,
        }
    }

    pub(super) fn update(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
        patched: Option<Value>,
    ) -> ApiResponse {
        let resource = target.resource;
        let name = target.name.clone().unwrap_or_default();
        let key = self.key(target, &name);
        let Some(existing) = self.store.get(&key).cloned() else {
            return not_found(resource, &name);
        };
        let options_kind = if patched.is_some() {
            "PatchOptions"
        } else {
            "UpdateOptions"
        };
        let validation =
            match FieldValidation::from_query(query.get("fieldValidation"), options_kind) {
                Ok(validation) => validation,
                Err(response) => return response,
            };
        let mut object = match patched {
            Some(object) => {
                if let Err(response) = decode::check_patched(resource, &object, validation) {
                    return response;
                }
                object
            }
            None => {
                if let Err(response) = Self::check_content_type(resource, request) {
                    return response;
                }
                match decode::parse_body(resource, &request.body, validation) {
                    Ok(object) => object,
                    Err(response) => return response,
                }
            }
        };
        if let Err(response) = Self::check_depth(&object) {
            return response;
        }
        let body_name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !body_name.is_empty() && body_name != name {
            return bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            ));
        }
        if let Some(sent) = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        {
            let current = existing
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if sent != current {
                return failure(409, "Conflict", format!("Operation cannot be fulfilled on {} {name:?}: the object has been modified; please apply your changes to the latest version and try again", resource.qualified()), Some(json!({"name": name, "group": resource.group, "kind": resource.plural})));
            }
        }
        if !object.get("metadata").is_some_and(Value::is_object) {
            object["metadata"] = json!({});
        }
        object["kind"] = json!(resource.kind);
        object["apiVersion"] = json!(resource.group_version());
        // Identity and server-owned metadata stay as they are.
        for field in ["name", "namespace", "uid", "creationTimestamp"] {
            match existing.pointer(&format!("/metadata/{field}")) {
                Some(value) => object["metadata"][field] = value.clone(),
                None => {
                    if let Some(meta) = object["metadata"].as_object_mut() {
                        meta.remove(field);
                    }
                }
            }
        }
        let status_only = target.subresource.as_deref() == Some("status");
        if resource.has_status() {
            if status_only {
                let status = object.get("status").cloned();
                object = (*existing).clone();
                match status {
                    Some(status) => object["status"] = status,
                    None => {
                        if let Some(map) = object.as_object_mut() {
                            map.remove("status");
                        }
                    }
                }
            } else {
                match existing.get("status") {
                    Some(status) => object["status"] = status.clone(),
                    None => {
                        if let Some(map) = object.as_object_mut() {
                            map.remove("status");
                        }
                    }
                }
            }
        }
        let errors = kinds::validate(
            resource,
            target.namespace.as_deref().unwrap_or_default(),
            &object,
        );
        if !errors.is_empty() {
            return invalid(resource, &name, &errors);
        }
        if resource.tracks_generation() {
            let generation = existing
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let changed = existing.get("spec") != object.get("spec");
            let next = if changed && !status_only {
                generation.saturating_add(1)
            } else {
                generation
            };
            object["metadata"]["generation"] = json!(next);
            if resource.kind == "ImageStream" && changed && !status_only {
                stamp_tag_generations(&mut object, next, existing.get("spec"));
            }
            if resource.kind == "ImageStream" {
                if let Err(response) =
                    self.resolve_tag_references(Some(&existing), &mut object, request.now_millis)
                {
                    return response;
                }
            }
        }
        let mut next_ip = self.next_cluster_ip;
        kinds::apply_defaults(resource, &mut object, || {
            next_ip = next_ip.wrapping_add(1);
            format!("172.30.{}.{}", next_ip / 250, next_ip % 250 + 1)
        });
        self.next_cluster_ip = next_ip;
        if query.get("dryRun") == Some("All") {
            return ApiResponse::json(200, &self.present(resource, &object));
        }
        let stored = self.store.put(key, object);
        ApiResponse::json(200, &self.present(resource, &stored))
    }

    /// PATCH: the three formats, applied and checked as kube-apiserver's patch handler does
    /// (`crate::patch::handler`), then stored through [`Cluster::update`].
    pub(super) fn patch(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let name = target.name.clone().unwrap_or_default();
        let Some(existing) = self.store.get(&self.key(target, &name)).cloned() else {
            return not_found(target.resource, &name);
        };
        match Self::patched(&existing, request, query, target, target.resource.kind) {
            Ok(patched) => self.update(target, request, query, Some(patched)),
            Err(response) => response,
        }
    }

    /// `existing` with the request's patch applied, in the flavour its Content-Type names
    /// (`kind` gives a strategic merge patch its list keys).
    pub(super) fn patched(
        existing: &Value,
        request: &ApiRequest,
        query: &QueryParams,
        target: &Target,
        kind: &str,
    ) -> Result<Value, ApiResponse> {
        use crate::patch::handler::{self, PatchTarget, PatchType};
        // The media type decides first, before the body is read, as in kube-apiserver.
        let media_type = media_type(request);
        let Some(patch_type) = PatchType::from_media_type(media_type) else {
            return Err(failure(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {media_type:?})"), None));
        };
        let patch: Value = serde_json::from_slice(&request.body).map_err(|err| {
            bad_request(format!(
                "the body of the request was in an unknown format: {err}"
            ))
        })?;
        let aimed_at = PatchTarget {
            name: target.name.as_deref().unwrap_or_default(),
            namespace: target.namespace.as_deref(),
            kind,
        };
        let validation = FieldValidation::from_query(query.get("fieldValidation"), "PatchOptions")?;
        handler::apply(existing, patch_type, &patch, validation, aimed_at).map_err(|refused| {
            failure(
                refused.code,
                refused.reason,
                refused.message,
                refused.details,
            )
        })
    }

    pub(super) fn delete_options(
        request: &ApiRequest,
        query: &QueryParams,
    ) -> Result<Value, ApiResponse> {
        let mut options = if request.body.iter().any(|b| !b.is_ascii_whitespace()) {
            Self::body(request)?
        } else {
            json!({})
        };
        if let Some(policy) = query.get("propagationPolicy") {
            options["propagationPolicy"] = json!(policy);
        }
        if query.get("dryRun") == Some("All") {
            options["dryRun"] = json!(["All"]);
        }
        Ok(options)
    }

    pub(super) fn delete(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let options = match Self::delete_options(request, query) {
            Ok(options) => options,
            Err(response) => return response,
        };
        let name = target.name.clone().unwrap_or_default();
        let key = self.key(target, &name);
        let Some(existing) = self.store.get(&key).cloned() else {
            return not_found(target.resource, &name);
        };
        for (field, path) in [
            ("uid", "/metadata/uid"),
            ("resourceVersion", "/metadata/resourceVersion"),
        ] {
            if let Some(expected) = options
                .pointer(&format!("/preconditions/{field}"))
                .and_then(Value::as_str)
            {
                let actual = existing
                    .pointer(path)
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if expected != actual {
                    return failure(409, "Conflict", format!("Operation cannot be fulfilled on {} {name:?}: Precondition failed: {field}: {expected}, ObjectMeta.{field}: {actual}", target.resource.qualified()), Some(json!({"name": name, "group": target.resource.group, "kind": target.resource.plural})));
                }
            }
        }
        if options.get("dryRun").is_some() {
            return ApiResponse::json(200, &self.present(target.resource, &existing));
        }
        let policy = options
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Background")
            .to_owned();
        let removed = self.remove_object(&key, &policy);
        ApiResponse::json(
            200,
            &self.present(target.resource, &removed.unwrap_or(existing)),
        )
    }

    /// Removes an object and, unless orphaning, what it owns; a namespace takes its contents along.
    pub fn remove_object(&mut self, key: &ObjectKey, propagation: &str) -> Option<Arc<Value>> {
        let removed = self.store.remove(key)?;
        if key.resource == "namespaces" {
            let contents: Vec<ObjectKey> = RESOURCES
                .iter()
                .filter(|r| r.namespaced && r.storage == Storage::Stored)
                .flat_map(|r| {
                    self.store
                        .list(r.id(), Some(&key.name))
                        .map(|(k, _)| k.clone())
                        .collect::<Vec<_>>()
                })
                .collect();
            for content in contents {
                self.store.remove(&content);
            }
            self.auth.revoke_namespace(&key.name);
            return Some(removed);
        }
        let uid = removed
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let dependents: Vec<(ObjectKey, Value)> = RESOURCES
            .iter()
            .filter(|r| r.namespaced && r.storage == Storage::Stored)
            .flat_map(|r| {
                self.store
                    .list(r.id(), Some(&key.namespace))
                    .filter(|(_, object)| owned_by(object, &uid))
                    .map(|(k, object)| (k.clone(), (**object).clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (dependent, mut object) in dependents {
            if propagation == "Orphan" {
                if let Some(owners) = object
                    .pointer_mut("/metadata/ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    owners.retain(|owner| {
                        owner.get("uid").and_then(Value::as_str) != Some(uid.as_str())
                    });
                }
                self.store.put(dependent, object);
            } else {
                self.remove_object(&dependent, propagation);
            }
        }
        Some(removed)
    }

    pub(super) fn delete_collection(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let options = match Self::delete_options(request, query) {
            Ok(options) => options,
            Err(response) => return response,
        };
        let (labels, fields) = match Self::selectors(target.resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let keys: Vec<ObjectKey> = self
            .store
            .list(target.resource.id(), target.namespace.as_deref())
            .filter(|(_, object)| selected(object, &labels, &fields))
            .map(|(key, _)| key.clone())
            .collect();
        let policy = options
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Background")
            .to_owned();
        let dry_run = options.get("dryRun").is_some();
        let mut items = Vec::new();
        for key in keys {
            let removed = if dry_run {
                self.store.get(&key).cloned()
            } else {
                self.remove_object(&key, &policy)
            };
            if let Some(removed) = removed {
                items.push(self.present(target.resource, &removed));
            }
        }
        ApiResponse::json(
            200,
            &json!({
                "kind": format!("{}List", target.resource.kind),
                "apiVersion": target.resource.group_version(),
                "metadata": {"resourceVersion": self.store.resource_version().to_string()},
                "items": items,
            }),
        )
    }

    /// Stores an object as it is, status included, after the create checks (seeds and saved
    /// state: the status a controller would have written is kept).
    pub fn restore_object(
        &mut self,
        resource: &'static Resource,
        namespace: Option<&str>,
        object: Value,
        now_millis: i64,
    ) -> Result<Arc<Value>, ApiResponse> {
        let status = object.get("status").cloned();
        let created_at = object
            .pointer("/metadata/creationTimestamp")
            .filter(|t| t.is_string())
            .cloned();
        let created = self.create_object(resource, namespace, object, now_millis, false)?;
        if status.is_none() && created_at.is_none() {
            return Ok(created);
        }
        let mut object = (*created).clone();
        if let Some(status) = status {
            object["status"] = status;
        }
        if let Some(created_at) = created_at {
            object["metadata"]["creationTimestamp"] = created_at;
        }
        let key = ObjectKey {
            resource: resource.id(),
            namespace: namespace.unwrap_or_default().to_owned(),
            name: object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        };
        Ok(self.store.put(key, object))
    }
}

/// The media type of a request body, without its parameters.
fn media_type(request: &ApiRequest) -> &str {
    request
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
}

pub(crate) fn invalid(
    resource: &Resource,
    name: &str,
    errors: &[imagestream_model::validation::FieldError],
) -> ApiResponse {
    failure(
        422,
        "Invalid",
        kinds::invalid_message(resource, name, errors),
        Some(
            json!({"name": name, "group": resource.group, "kind": resource.kind, "causes": kinds::causes(errors)}),
        ),
    )
}

/// Gives each spec tag that changed (or is new) the stream's generation, as the server does, so
/// the import controller sees which tags to import.
pub(crate) fn stamp_tag_generations(
    object: &mut Value,
    generation: i64,
    previous_spec: Option<&Value>,
) {
    let previous: BTreeMap<String, Value> = previous_spec
        .and_then(|spec| spec.get("tags"))
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| Some((t.get("name")?.as_str()?.to_owned(), t.clone())))
                .collect()
        })
        .unwrap_or_default();
    let Some(tags) = object
        .pointer_mut("/spec/tags")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for tag in tags {
        let name = tag
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let unchanged = previous.get(&name).is_some_and(|old| {
            let strip = |t: &Value| {
                let mut t = t.clone();
                if let Some(map) = t.as_object_mut() {
                    map.remove("generation");
                }
                t
            };
            strip(old) == strip(tag)
                && tag
                    .get("generation")
                    .is_some_and(|g| !g.is_null() && g != 0)
        });
        if !unchanged {
            // A tag that is not an object cannot be stored (see `decode`); skip it anyway.
            if let Some(tag) = tag.as_object_mut() {
                tag.insert("generation".into(), json!(generation));
            }
        }
    }
}

fn owned_by(object: &Value, uid: &str) -> bool {
    !uid.is_empty()
        && object
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|owners| {
                owners
                    .iter()
                    .any(|o| o.get("uid").and_then(Value::as_str) == Some(uid))
            })
}

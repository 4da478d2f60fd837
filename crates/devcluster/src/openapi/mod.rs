//! The OpenAPI documents kubectl reads, generated from the resource table
//! ([`crate::resources::RESOURCES`]) so a resource added there appears here unedited:
//!
//! - `/openapi/v3`: where each group version's document is, with a hash of its content;
//! - `/openapi/v3/api/v1`, `/openapi/v3/apis/GROUP/VERSION`: the paths of every resource and
//!   subresource with their group-version-kind and query parameters (`fieldValidation` on
//!   PATCH tells kubectl the server validates fields itself), and the schemas `kubectl
//!   explain` shows and `kubectl apply` computes strategic merge patches from;
//! - `/openapi/v2`: every schema once, in JSON or protobuf. kubectl falls back to it to
//!   validate on the client the kinds whose v3 paths have no PATCH (a ProjectRequest).
//!
//! Kinds with written schemas ([`image_types`], [`common_types`]) are described field by
//! field; the others get an open object schema with their group-version-kind.

mod common_types;
mod image_types;
mod schema;
mod v2_proto;

use crate::resources::{Resource, RESOURCES};
use schema::{Definition, Version};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every written definition.
fn definitions() -> impl Iterator<Item = &'static Definition> {
    common_types::META
        .iter()
        .chain(common_types::PROJECT_AND_USER)
        .chain(common_types::AUTOSCALING)
        .chain(image_types::IMAGE_TYPES)
}

fn definition(name: &str) -> Option<&'static Definition> {
    definitions().find(|d| d.name == name)
}

/// The name kube-openapi gives a kind's Go type: `io.k8s.api.core.v1.Pod`,
/// `io.k8s.api.apps.v1.Deployment`, `io.k8s.api.authorization.v1.SelfSubjectAccessReview`,
/// `com.github.openshift.api.image.v1.ImageStream`.
fn kind_name(group: &str, version: &str, kind: &str) -> String {
    let first = group.split('.').next().unwrap_or_default();
    if group.is_empty() {
        format!("io.k8s.api.core.{version}.{kind}")
    } else if group.ends_with(".openshift.io") {
        format!("com.github.openshift.api.{first}.{version}.{kind}")
    } else if group.ends_with(".k8s.io") || !group.contains('.') {
        format!("io.k8s.api.{first}.{version}.{kind}")
    } else {
        let reversed: Vec<&str> = group.split('.').rev().collect();
        format!("{}.{version}.{kind}", reversed.join("."))
    }
}

/// A few words about the kinds devcluster serves without a written schema.
fn open_kind_description(kind: &str) -> &'static str {
    match kind {
        "Namespace" => "A namespace groups objects under one name and one set of permissions.",
        "Pod" => "A pod is one or more containers run together on a node.",
        "Service" => "A service gives a set of pods one stable address and port.",
        "Event" => "An event records something that happened to an object.",
        "Deployment" => "A deployment keeps a number of identical pods running and rolls out changes to their template through replica sets.",
        "ReplicaSet" => "A replica set keeps a number of pods of one template running.",
        "SelfSubjectAccessReview" => "Asks whether the caller may perform an action.",
        _ => "",
    }
}

/// The `x-kubernetes-group-version-kind` of a kind.
fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "kind": kind, "version": version})
}

/// A kind's schema: its written definition, or an open object.
fn kind_schema(name: &str, kind: &str, version: Version) -> (Value, bool) {
    match definition(name) {
        Some(definition) => (definition.schema(version), true),
        None => {
            let mut open = json!({"type": "object", "description": open_kind_description(kind)});
            if version == Version::V3 {
                open["x-kubernetes-preserve-unknown-fields"] = json!(true);
            }
            (open, false)
        }
    }
}

/// Adds `names` and everything they refer to, transitively, to `schemas`.
fn add_closure(names: Vec<&'static str>, version: Version, schemas: &mut Map<String, Value>) {
    let mut pending = names;
    while let Some(name) = pending.pop() {
        if schemas.contains_key(name) {
            continue;
        }
        let Some(definition) = definition(name) else {
            continue;
        };
        schemas.insert(name.to_owned(), definition.schema(version));
        pending.extend(definition.references());
    }
}

/// The group, version and kind a subresource answers with, in full (discovery leaves the
/// parent's own kind unqualified; OpenAPI names it).
fn subresource_gvk(resource: &Resource, sub: &str) -> (&'static str, &'static str, &'static str) {
    match crate::api::subresource_kind(resource, sub) {
        (_, _, kind) if kind == resource.kind => (resource.group, resource.version, kind),
        other => other,
    }
}

/// The kinds a group version serves: each resource's kind and its subresources' kinds
/// (the autoscaling/v1 Scale of `deployments/scale` is in apps/v1's document, as on a real
/// server).
fn kinds_of(resources: &[&Resource]) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut kinds = Vec::new();
    for resource in resources {
        let own = (resource.group, resource.version, resource.kind);
        if !kinds.contains(&own) {
            kinds.push(own);
        }
        for sub in resource.subresources {
            let sub_kind = subresource_gvk(resource, sub);
            if !kinds.contains(&sub_kind) {
                kinds.push(sub_kind);
            }
        }
    }
    kinds
}

/// Adds the schemas of `kinds`, each with its group-version-kind, and what they refer to;
/// returns the kinds that have written schemas.
fn add_kinds(
    kinds: &[(&'static str, &'static str, &'static str)],
    version: Version,
    schemas: &mut Map<String, Value>,
) -> Vec<&'static str> {
    let mut described = Vec::new();
    for &(group, api_version, kind) in kinds {
        let name = kind_name(group, api_version, kind);
        let (mut schema, written) = kind_schema(&name, kind, version);
        schema["x-kubernetes-group-version-kind"] = json!([gvk(group, api_version, kind)]);
        if written {
            described.push(kind);
            if let Some(definition) = definition(&name) {
                add_closure(definition.references(), version, schemas);
            }
        }
        schemas.insert(name, schema);
    }
    described
}

fn group_version_path(resource: &Resource) -> String {
    if resource.group.is_empty() {
        format!("api/{}", resource.version)
    } else {
        format!("apis/{}/{}", resource.group, resource.version)
    }
}

/// The operations of one path, for the verbs of a kind.
fn operations(
    kind: (&str, &str, &str),
    verbs: &[(&str, &str)],
    strategic: bool,
) -> Map<String, Value> {
    let (group, version, kind) = kind;
    let parameters = json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
    ]);
    verbs
        .iter()
        .map(|&(method, verb)| {
            let mut operation = json!({
                "operationId": format!("{verb}{kind}"),
                "x-kubernetes-action": verb,
                "x-kubernetes-group-version-kind": gvk(group, version, kind),
                "responses": {"200": {"description": "OK"}},
            });
            if matches!(verb, "post" | "put" | "patch") {
                operation["parameters"] = parameters.clone();
            }
            if verb == "patch" {
                // kubectl computes a strategic merge patch from this document only when the
                // operation says it takes one; the built-in kinds, whose schemas devcluster
                // does not publish field by field, it patches from the types it knows.
                let mut content = json!({
                    "application/merge-patch+json": {"schema": {"type": "object"}},
                    "application/json-patch+json": {"schema": {"type": "object"}},
                });
                if strategic {
                    content["application/strategic-merge-patch+json"] =
                        json!({"schema": {"type": "object"}});
                }
                operation["requestBody"] = json!({"content": content});
            }
            (method.to_owned(), operation)
        })
        .collect()
}

/// `GET /openapi/v3/<api/v1 | apis/group/version>`, or `None` for an unknown group version.
pub fn group_version_document(path: &str) -> Option<Value> {
    let resources: Vec<&Resource> = RESOURCES
        .iter()
        .filter(|r| group_version_path(r) == path)
        .collect();
    if resources.is_empty() {
        return None;
    }
    let mut schemas = Map::new();
    let described = add_kinds(&kinds_of(&resources), Version::V3, &mut schemas);
    let mut paths = Map::new();
    for resource in &resources {
        let own = (resource.group, resource.version, resource.kind);
        let strategic = described.contains(&resource.kind);
        let base = format!("/{path}");
        let collection = if resource.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}", resource.plural)
        } else {
            format!("{base}/{}", resource.plural)
        };
        // (HTTP method, verb the resource must allow, the x-kubernetes-action).
        let served =
            |methods: &[(&'static str, &str, &'static str)]| -> Vec<(&'static str, &'static str)> {
                methods
                    .iter()
                    .filter(|(_, verb, _)| resource.allows(verb))
                    .map(|&(method, _, action)| (method, action))
                    .collect()
            };
        let item_verbs = served(&[
            ("get", "get", "get"),
            ("put", "update", "put"),
            ("patch", "patch", "patch"),
            ("delete", "delete", "delete"),
        ]);
        if !item_verbs.is_empty() {
            let item = operations(own, &item_verbs, strategic);
            paths.insert(format!("{collection}/{{name}}"), Value::Object(item));
        }
        let collection_verbs = served(&[("get", "list", "list"), ("post", "create", "post")]);
        if !collection_verbs.is_empty() {
            let item = operations(own, &collection_verbs, strategic);
            paths.insert(collection.clone(), Value::Object(item));
        }
        for sub in resource.subresources {
            let sub_kind = subresource_gvk(resource, sub);
            let verbs = [("get", "get"), ("put", "put"), ("patch", "patch")];
            let strategic = described.contains(&sub_kind.2);
            let item = operations(sub_kind, &verbs, strategic);
            paths.insert(format!("{collection}/{{name}}/{sub}"), Value::Object(item));
        }
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "devcluster", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// The v2 document: every schema of every served kind, with no paths (kubectl only looks
/// kinds up in it; without paths it patches built-in kinds from its own types).
fn v2_json() -> Value {
    let resources: Vec<&Resource> = RESOURCES.iter().collect();
    let mut definitions = Map::new();
    add_kinds(&kinds_of(&resources), Version::V2, &mut definitions);
    json!({
        "swagger": "2.0",
        "info": {"title": "devcluster", "version": env!("CARGO_PKG_VERSION")},
        "paths": {},
        "definitions": definitions,
    })
}

/// The documents, built once: they depend only on the resource table.
struct Documents {
    index: Vec<u8>,
    group_versions: BTreeMap<String, Vec<u8>>,
    v2_json: Vec<u8>,
    v2_protobuf: Vec<u8>,
}

fn documents() -> &'static Documents {
    static DOCUMENTS: OnceLock<Documents> = OnceLock::new();
    DOCUMENTS.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let mut group_versions = BTreeMap::new();
        let mut paths = Map::new();
        for resource in RESOURCES {
            let path = group_version_path(resource);
            if group_versions.contains_key(&path) {
                continue;
            }
            let document = group_version_document(&path).unwrap_or_default();
            let bytes = serde_json::to_vec(&document).unwrap_or_default();
            // The hash in the URL changes with the content, so kubectl's cache of documents
            // by URL never serves a stale one (the API server hashes its documents too).
            let hash: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            paths.insert(
                path.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
            );
            group_versions.insert(path, bytes);
        }
        let v2 = v2_json();
        Documents {
            index: serde_json::to_vec(&json!({"paths": paths})).unwrap_or_default(),
            group_versions,
            v2_json: serde_json::to_vec(&v2).unwrap_or_default(),
            v2_protobuf: v2_proto::encode(&v2),
        }
    })
}

/// `GET /openapi/v3`: where each group version's document is.
pub fn index() -> Vec<u8> {
    documents().index.clone()
}

/// `GET /openapi/v3/<group version path>` as bytes, or `None` for an unknown group version.
pub fn group_version(path: &str) -> Option<Vec<u8>> {
    documents().group_versions.get(path).cloned()
}

/// `GET /openapi/v2`: protobuf when the `Accept` header asks for it (kubectl does), else
/// JSON; the media type of the answer and its body.
pub fn v2_document(accept: &str) -> (&'static str, Vec<u8>) {
    let protobuf = accept.split(',').any(|range| {
        range
            .trim()
            .starts_with("application/com.github.proto-openapi.spec.v2")
    });
    if protobuf {
        (
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            documents().v2_protobuf.clone(),
        )
    } else {
        ("application/json", documents().v2_json.clone())
    }
}

#[cfg(test)]
mod tests;

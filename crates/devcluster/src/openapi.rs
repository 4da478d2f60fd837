//! The OpenAPI v3 documents kubectl reads before `create` and `apply`: one per group version,
//! listing each resource's paths with their group-version-kind and the `fieldValidation`
//! parameter, so kubectl leaves field validation to the server instead of validating against
//! a schema it would otherwise need.

use crate::resources::{Resource, RESOURCES};
use serde_json::{json, Map, Value};

fn group_version_path(resource: &Resource) -> String {
    if resource.group.is_empty() {
        format!("api/{}", resource.version)
    } else {
        format!("apis/{}/{}", resource.group, resource.version)
    }
}

/// `GET /openapi/v3`: where each group version's document is.
pub fn index() -> Value {
    let mut paths = Map::new();
    for resource in RESOURCES {
        let path = group_version_path(resource);
        paths.entry(path.clone()).or_insert_with(|| {
            json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash=devcluster-{}", env!("CARGO_PKG_VERSION"))})
        });
    }
    json!({"paths": paths})
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
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for resource in resources {
        let gvk =
            json!([{"group": resource.group, "version": resource.version, "kind": resource.kind}]);
        let parameters = json!([
            {"name": "dryRun", "in": "query", "schema": {"type": "string"}},
            {"name": "fieldManager", "in": "query", "schema": {"type": "string"}},
            {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
        ]);
        let schema = kind_schema(resource.kind);
        let operation = |verb: &str| {
            let mut operation = json!({
                "operationId": format!("{verb}{}", resource.kind),
                "x-kubernetes-action": verb,
                "x-kubernetes-group-version-kind": gvk[0],
                "parameters": parameters,
                "responses": {"200": {"description": "OK"}},
            });
            // kubectl computes a strategic merge patch from the schema only where the schema
            // can tell it the merge keys; the built-in kinds it knows itself.
            if verb == "patch" && schema.is_some() {
                operation["requestBody"] = json!({"content": {
                    "application/strategic-merge-patch+json": {"schema": {"type": "object"}},
                    "application/merge-patch+json": {"schema": {"type": "object"}},
                    "application/json-patch+json": {"schema": {"type": "object"}},
                }});
            }
            operation
        };
        let base = format!("/{path}");
        let collection = if resource.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}", resource.plural)
        } else {
            format!("{base}/{}", resource.plural)
        };
        let mut item = Map::new();
        for (method, verb) in [
            ("get", "get"),
            ("put", "update"),
            ("patch", "patch"),
            ("delete", "delete"),
        ] {
            if resource.allows(verb) {
                item.insert(method.into(), operation(verb));
            }
        }
        if !item.is_empty() {
            paths.insert(format!("{collection}/{{name}}"), Value::Object(item));
        }
        if resource.allows("create") || resource.allows("list") {
            let mut collection_item = Map::new();
            if resource.allows("list") {
                collection_item.insert("get".into(), operation("list"));
            }
            if resource.allows("create") {
                collection_item.insert("post".into(), operation("post"));
            }
            paths.insert(collection, Value::Object(collection_item));
        }
        let group_prefix = if resource.group.is_empty() {
            "io.k8s.api.core"
        } else {
            resource.group
        };
        let mut kind_schema = schema.unwrap_or_else(
            || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        );
        kind_schema["x-kubernetes-group-version-kind"] = gvk;
        schemas.insert(
            format!("{group_prefix}.{}.{}", resource.version, resource.kind),
            kind_schema,
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "devcluster", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

fn string() -> Value {
    json!({"type": "string"})
}

fn string_map() -> Value {
    json!({"type": "object", "additionalProperties": {"type": "string"}})
}

/// Standard object metadata, with the merge keys of its lists.
fn object_meta() -> Value {
    json!({"type": "object", "properties": {
        "name": string(), "generateName": string(), "namespace": string(), "uid": string(),
        "resourceVersion": string(), "generation": {"type": "integer"}, "creationTimestamp": string(),
        "labels": string_map(), "annotations": string_map(),
        "finalizers": {"type": "array", "items": string(), "x-kubernetes-patch-strategy": "merge"},
        "ownerReferences": {"type": "array", "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge",
            "items": {"type": "object", "properties": {"apiVersion": string(), "kind": string(), "name": string(), "uid": string(), "controller": {"type": "boolean"}, "blockOwnerDeletion": {"type": "boolean"}}}},
    }})
}

/// Full schemas for the OpenShift kinds kubectl does not know: enough for it to merge
/// `spec.tags` by name (API.md §1.1) instead of replacing the list on every apply.
fn kind_schema(kind: &str) -> Option<Value> {
    let reference = json!({"type": "object", "properties": {"kind": string(), "name": string(), "namespace": string()}});
    match kind {
        "ImageStream" => Some(json!({"type": "object", "properties": {
            "apiVersion": string(), "kind": string(), "metadata": object_meta(),
            "spec": {"type": "object", "properties": {
                "lookupPolicy": {"type": "object", "properties": {"local": {"type": "boolean"}}},
                "dockerImageRepository": string(),
                "tags": {"type": "array", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
                    "items": {"type": "object", "properties": {
                        "name": string(), "annotations": string_map(), "from": reference,
                        "reference": {"type": "boolean"}, "generation": {"type": "integer"},
                        "importPolicy": {"type": "object", "properties": {"insecure": {"type": "boolean"}, "scheduled": {"type": "boolean"}, "importMode": string()}},
                        "referencePolicy": {"type": "object", "properties": {"type": string()}},
                    }}},
            }},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        }})),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_patchable_resource_declares_field_validation_with_its_kind() {
        let document = group_version_document("apis/apps/v1").unwrap();
        let item = &document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
        assert_eq!(
            item["patch"]["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        let names: Vec<_> = item["patch"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].clone())
            .collect();
        assert!(names.contains(&json!("fieldValidation")));
        assert!(
            index()["paths"]["apis/image.openshift.io/v1"]["serverRelativeURL"]
                .as_str()
                .unwrap()
                .starts_with("/openapi/v3/apis/image.openshift.io/v1?hash=")
        );
        assert!(group_version_document("apis/nope/v1").is_none());
    }
}

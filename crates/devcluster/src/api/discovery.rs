//! Discovery documents: /version, /apis, a group, and a group version's resource list.

use crate::resources::{self, RESOURCES};
use serde_json::{json, Value};

pub(super) fn version_info() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "gitVersion": concat!("v1.33.0+devcluster-", env!("CARGO_PKG_VERSION")),
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "2026-11-27T00:00:00Z",
        "goVersion": "rust",
        "compiler": "rustc",
        "platform": "linux/amd64",
    })
}

/// `GET /`: kube-apiserver's index (the `Index` route of k8s.io/apiserver's server/routes
/// package), a `RootPaths` object listing every path the server serves, sorted. Only what
/// devcluster serves is listed.
pub(super) fn root_paths() -> Value {
    let mut paths: Vec<String> = [
        "/.well-known/oauth-authorization-server",
        "/api",
        "/api/v1",
        "/apis",
        "/apis/",
        "/openapi/v3",
        "/openapi/v3/",
        "/version",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for group in resources::groups() {
        paths.push(format!("/apis/{group}"));
        paths.push(format!("/apis/{group}/v1"));
    }
    paths.sort();
    json!({ "paths": paths })
}

pub(super) fn group_list() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": resources::groups().into_iter().map(api_group).collect::<Vec<_>>(),
    })
}

pub(super) fn api_group(group: &str) -> Value {
    let version = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": [version.clone()], "preferredVersion": version})
}

pub(super) fn resource_list(group: &str, version: &str) -> Value {
    let mut entries = Vec::new();
    for resource in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut entry = json!({
            "name": resource.plural,
            "singularName": resource.singular,
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": resource.verbs,
        });
        if !resource.short_names.is_empty() {
            entry["shortNames"] = json!(resource.short_names);
        }
        if !resource.categories.is_empty() {
            entry["categories"] = json!(resource.categories);
        }
        entries.push(entry);
        for sub in resource.subresources {
            entries.push(json!({
                "name": format!("{}/{sub}", resource.plural),
                "singularName": "",
                "namespaced": resource.namespaced,
                "kind": resource.kind,
                "verbs": ["get", "patch", "update"],
            }));
        }
    }
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries})
}

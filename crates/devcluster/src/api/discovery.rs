//! Discovery documents: /version, /apis, a group, a group version's resource list, and the
//! aggregated form of /api and /apis (`apidiscovery.k8s.io/v2`) that kubectl 1.32 asks for
//! first, which lists every group version's resources in one answer.

use crate::resources::{self, Resource, RESOURCES};
use serde_json::{json, Value};

/// The media type of an aggregated discovery answer; its parameters tell the client which
/// form it got (client-go reads the aggregated form only when the Content-Type says so).
pub(crate) const AGGREGATED_V2: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

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

/// The group, version and kind a subresource answers with: `scale` answers an
/// autoscaling/v1 Scale whatever its parent, as kube-apiserver's deployment and replica set
/// storage declare; other subresources (`status`) answer the parent's own kind, which
/// discovery leaves unqualified.
pub(crate) fn subresource_kind(
    resource: &Resource,
    sub: &str,
) -> (&'static str, &'static str, &'static str) {
    match sub {
        "scale" => ("autoscaling", "v1", "Scale"),
        _ => ("", "", resource.kind),
    }
}

fn served<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static Resource> + use<'a> {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

pub(super) fn resource_list(group: &str, version: &str) -> Value {
    let mut entries = Vec::new();
    for resource in served(group, version) {
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
            let mut entry = json!({
                "name": format!("{}/{sub}", resource.plural),
                "singularName": "",
                "namespaced": resource.namespaced,
                "verbs": ["get", "patch", "update"],
            });
            let (group, version, kind) = subresource_kind(resource, sub);
            if !group.is_empty() {
                entry["group"] = json!(group);
                entry["version"] = json!(version);
            }
            entry["kind"] = json!(kind);
            entries.push(entry);
        }
    }
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries})
}

/// Whether an `Accept` header asks for aggregated discovery before any plain JSON: the first
/// media range devcluster can answer decides, as in the API server's content negotiation.
pub(super) fn wants_aggregated(accept: &str) -> bool {
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media_type = parts.next().unwrap_or_default();
        let params: Vec<(&str, &str)> = parts.filter_map(|p| p.split_once('=')).collect();
        let param = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        match (media_type, param("g"), param("v"), param("as")) {
            (
                "application/json",
                Some("apidiscovery.k8s.io"),
                Some("v2"),
                Some("APIGroupDiscoveryList"),
            ) => return true,
            ("application/json" | "application/*" | "*/*", None, _, None) => return false,
            _ => {}
        }
    }
    false
}

/// One group version in aggregated form: its resources with their subresources nested, as
/// the API server converts a resource list (installer's ConvertGroupVersionIntoToDiscovery).
fn aggregated_version(group: &str, version: &str) -> Value {
    let resources: Vec<Value> = served(group, version)
        .map(|resource| {
            let mut entry = json!({
                "resource": resource.plural,
                "responseKind": {"group": "", "version": "", "kind": resource.kind},
                "scope": if resource.namespaced { "Namespaced" } else { "Cluster" },
                "singularResource": resource.singular,
                "verbs": resource.verbs,
            });
            if !resource.short_names.is_empty() {
                entry["shortNames"] = json!(resource.short_names);
            }
            if !resource.categories.is_empty() {
                entry["categories"] = json!(resource.categories);
            }
            if !resource.subresources.is_empty() {
                let subresources: Vec<Value> = resource
                    .subresources
                    .iter()
                    .map(|sub| {
                        let (group, version, kind) = subresource_kind(resource, sub);
                        json!({
                            "subresource": sub,
                            "responseKind": {"group": group, "version": version, "kind": kind},
                            "verbs": ["get", "patch", "update"],
                        })
                    })
                    .collect();
                entry["subresources"] = json!(subresources);
            }
            entry
        })
        .collect();
    json!({"version": version, "resources": resources, "freshness": "Current"})
}

fn aggregated_group(group: &str) -> Value {
    let mut metadata = json!({"creationTimestamp": null});
    if !group.is_empty() {
        metadata["name"] = json!(group);
    }
    json!({"metadata": metadata, "versions": [aggregated_version(group, "v1")]})
}

/// `GET /api` (`core`) or `GET /apis` in aggregated form.
pub(super) fn aggregated(core: bool) -> Value {
    let items: Vec<Value> = if core {
        vec![aggregated_group("")]
    } else {
        resources::groups()
            .into_iter()
            .map(aggregated_group)
            .collect()
    };
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectls_accept_header_gets_the_aggregated_form_and_plain_json_the_legacy_one() {
        let kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert!(wants_aggregated(kubectl));
        assert!(!wants_aggregated("application/json"));
        assert!(!wants_aggregated(""));
        assert!(!wants_aggregated(
            "application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        ));
        // Only v2 is served: a client asking for v2beta1 alone gets the legacy form.
        assert!(!wants_aggregated(
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        ));
    }

    #[test]
    fn the_scale_subresource_answers_an_autoscaling_scale_in_both_forms() {
        let legacy = resource_list("apps", "v1");
        let scale = legacy["resources"]
            .as_array()
            .and_then(|r| r.iter().find(|e| e["name"] == "deployments/scale"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (&scale["group"], &scale["version"], &scale["kind"]),
            (&json!("autoscaling"), &json!("v1"), &json!("Scale"))
        );
        let aggregated = aggregated(false);
        let apps = aggregated["items"]
            .as_array()
            .and_then(|items| items.iter().find(|g| g["metadata"]["name"] == "apps"))
            .cloned()
            .unwrap_or_default();
        let deployments = &apps["versions"][0]["resources"][0];
        assert_eq!(deployments["resource"], "deployments");
        assert_eq!(deployments["scope"], "Namespaced");
        let subresources = deployments["subresources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(subresources.contains(&json!({
            "subresource": "scale",
            "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
            "verbs": ["get", "patch", "update"],
        })));
    }
}

use super::*;

fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(target)) => out.push(target.to_owned()),
                    _ => references(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

#[test]
fn every_served_group_version_has_a_document_naming_each_kind() {
    let index: Value = serde_json::from_slice(&index()).unwrap_or_default();
    for resource in RESOURCES {
        let path = group_version_path(resource);
        let url = index["paths"][&path]["serverRelativeURL"]
            .as_str()
            .unwrap_or_default();
        assert!(
            url.starts_with(&format!("/openapi/v3/{path}?hash=")),
            "{path}: {url}"
        );
        let document: Value =
            serde_json::from_slice(&group_version(&path).unwrap_or_default()).unwrap_or_default();
        let name = kind_name(resource.group, resource.version, resource.kind);
        assert_eq!(
            document["components"]["schemas"][&name]["x-kubernetes-group-version-kind"],
            json!([{"group": resource.group, "kind": resource.kind, "version": resource.version}]),
            "{name} in {path}"
        );
    }
    assert!(group_version("apis/nope/v1").is_none());
}

#[test]
fn every_reference_resolves_within_its_document() {
    let mut paths: Vec<String> = RESOURCES.iter().map(group_version_path).collect();
    paths.dedup();
    for path in paths {
        let document = group_version_document(&path).unwrap_or_default();
        let mut found = Vec::new();
        references(&document, &mut found);
        for target in found {
            let name = target.trim_start_matches("#/components/schemas/");
            assert!(
                document["components"]["schemas"].get(name).is_some(),
                "{path} refers to {target}, which it lacks"
            );
        }
    }
    let v2 = v2_json();
    let mut found = Vec::new();
    references(&v2, &mut found);
    for target in found {
        let name = target.trim_start_matches("#/definitions/");
        assert!(v2["definitions"].get(name).is_some(), "v2 lacks {target}");
    }
}

#[test]
fn patch_operations_declare_field_validation_and_strategic_merge_only_where_described() {
    let apps = group_version_document("apis/apps/v1").unwrap_or_default();
    let deployment =
        &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert_eq!(
        deployment["x-kubernetes-group-version-kind"]["kind"],
        "Deployment"
    );
    let names: Vec<&Value> = deployment["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| &p["name"])
        .collect();
    assert!(names.contains(&&json!("fieldValidation")));
    // Built-in kinds are patched from kubectl's own types, not this open schema.
    assert!(deployment["requestBody"]["content"]
        .get("application/strategic-merge-patch+json")
        .is_none());
    let scale = &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert_eq!(
        scale["put"]["x-kubernetes-group-version-kind"],
        json!({"group": "autoscaling", "kind": "Scale", "version": "v1"})
    );
    assert_eq!(
        apps["components"]["schemas"]["io.k8s.api.autoscaling.v1.Scale"]["properties"]["status"]
            ["allOf"][0]["$ref"],
        "#/components/schemas/io.k8s.api.autoscaling.v1.ScaleStatus"
    );
    let image = group_version_document("apis/image.openshift.io/v1").unwrap_or_default();
    let stream = &image["paths"]
        ["/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}"]["patch"];
    assert!(stream["requestBody"]["content"]
        .get("application/strategic-merge-patch+json")
        .is_some());
}

#[test]
fn image_stream_tags_merge_by_name_as_openshift_publishes_them() {
    let image = group_version_document("apis/image.openshift.io/v1").unwrap_or_default();
    let schemas = &image["components"]["schemas"];
    let spec = &schemas["com.github.openshift.api.image.v1.ImageStreamSpec"]["properties"];
    assert_eq!(spec["tags"]["x-kubernetes-patch-merge-key"], "name");
    assert_eq!(spec["tags"]["x-kubernetes-patch-strategy"], "merge");
    assert_eq!(
        spec["tags"]["items"]["allOf"][0]["$ref"],
        "#/components/schemas/com.github.openshift.api.image.v1.TagReference"
    );
    let tag = &schemas["com.github.openshift.api.image.v1.TagReference"];
    assert_eq!(tag["required"], json!(["name"]));
    assert_eq!(tag["properties"]["generation"]["format"], "int64");
    assert_eq!(
        schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"],
        json!({"type": "string", "format": "date-time", "description": "A point in time, written as an RFC 3339 date and time in UTC."})
    );
    let import = &schemas["com.github.openshift.api.image.v1.ImageStreamImport"];
    assert_eq!(import["required"], json!(["spec", "status"]));
}

#[test]
fn create_only_kinds_have_no_patch_and_are_in_the_v2_document() {
    let project = group_version_document("apis/project.openshift.io/v1").unwrap_or_default();
    let requests = &project["paths"]["/apis/project.openshift.io/v1/projectrequests"];
    assert!(requests.get("post").is_some() && requests.get("patch").is_none());
    let v2 = v2_json();
    let request = &v2["definitions"]["com.github.openshift.api.project.v1.ProjectRequest"];
    assert_eq!(
        request["x-kubernetes-group-version-kind"],
        json!([{"group": "project.openshift.io", "kind": "ProjectRequest", "version": "v1"}])
    );
    assert_eq!(
        request["properties"]["metadata"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    // Kinds without a written schema accept any object (a map of anything in v2).
    let review = &v2["definitions"]["io.k8s.api.authorization.v1.SelfSubjectAccessReview"];
    assert_eq!(review["type"], "object");
    assert!(review.get("properties").is_none());
    let (media_type, body) =
        v2_document("application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    assert!(media_type.ends_with("+protobuf") && !body.is_empty());
    let (media_type, body) = v2_document("application/json");
    assert_eq!(media_type, "application/json");
    assert_eq!(serde_json::from_slice::<Value>(&body).ok(), Some(v2));
}

#[test]
fn every_extension_text_is_a_json_object() {
    for definition in definitions() {
        let texts = std::iter::once(definition.extensions).chain(match definition.shape {
            schema::Shape::Struct(fields) => fields.iter().map(|f| f.extensions).collect(),
            _ => Vec::new(),
        });
        for text in texts.filter(|t| !t.is_empty()) {
            assert!(
                serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object()),
                "{}: {text}",
                definition.name
            );
        }
        assert!(!definition.description.is_empty(), "{}", definition.name);
    }
}

#[test]
fn kind_names_follow_kube_openapi() {
    assert_eq!(kind_name("", "v1", "Pod"), "io.k8s.api.core.v1.Pod");
    assert_eq!(
        kind_name("apps", "v1", "Deployment"),
        "io.k8s.api.apps.v1.Deployment"
    );
    assert_eq!(
        kind_name("authorization.k8s.io", "v1", "SelfSubjectAccessReview"),
        "io.k8s.api.authorization.v1.SelfSubjectAccessReview"
    );
    assert_eq!(
        kind_name("image.openshift.io", "v1", "ImageStream"),
        "com.github.openshift.api.image.v1.ImageStream"
    );
    assert_eq!(
        kind_name("example.com", "v1", "Widget"),
        "com.example.v1.Widget"
    );
}

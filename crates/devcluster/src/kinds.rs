//! What the server checks and fills in per kind on create and update: name rules, required
//! fields, and the defaults a real cluster writes (replicas, protocols, cluster IPs, import
//! and reference policies), using the model's validation so messages match the server's.

use crate::resources::Resource;
use imagestream_model::validation::{
    self, validate_dns1035_label, validate_dns1123_label, validate_dns1123_subdomain,
    validate_image_stream_name, validate_pull_spec, FieldError, FieldErrorType, FieldValue,
};
use serde_json::{json, Map, Value};

/// Field problems of an object about to be stored; empty when it is valid.
pub fn validate(resource: &Resource, namespace: &str, object: &Value) -> Vec<FieldError> {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut errors = match resource.kind {
        "ImageStream" => validate_image_stream_name(namespace, name),
        "Namespace" => validate_dns1123_label("metadata.name", name),
        "Service" => validate_dns1035_label("metadata.name", name),
        _ => validate_dns1123_subdomain("metadata.name", name),
    };
    validate_metadata_maps(object.get("metadata"), "metadata", &mut errors);
    match resource.kind {
        "Deployment" | "ReplicaSet" => validate_workload(object, &mut errors),
        "Pod" => validate_pod_spec(object.get("spec"), "spec", &mut errors),
        "Service" => validate_service(object, &mut errors),
        "ImageStream" => validate_image_stream(object, &mut errors),
        _ => {}
    }
    errors
}

/// Labels and annotations of object metadata, as apimachinery's `ValidateObjectMeta` checks
/// them (keys are qualified names, label values label values, annotations at most 256 KiB).
fn validate_metadata_maps(metadata: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let strings = |field: &str| -> Vec<(&str, &str)> {
        metadata
            .and_then(|m| m.get(field))
            .and_then(Value::as_object)
            .map(|map| {
                map.iter()
                    .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    };
    errors.extend(validation::validate_labels(
        &format!("{path}.labels"),
        strings("labels"),
    ));
    errors.extend(validation::validate_annotations(
        &format!("{path}.annotations"),
        strings("annotations"),
    ));
}

fn validate_workload(object: &Value, errors: &mut Vec<FieldError>) {
    if let Some(match_labels) = object
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
    {
        errors.extend(validation::validate_labels(
            "spec.selector.matchLabels",
            match_labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())),
        ));
    }
    validate_metadata_maps(
        object.pointer("/spec/template/metadata"),
        "spec.template.metadata",
        errors,
    );
    let selector = object
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object);
    if object.pointer("/spec/selector").is_none() {
        errors.push(FieldError::required("spec.selector", ""));
    }
    let labels = object
        .pointer("/spec/template/metadata/labels")
        .and_then(Value::as_object);
    if let Some(selector) = selector {
        let matches = selector
            .iter()
            .all(|(key, value)| labels.and_then(|l| l.get(key)) == Some(value));
        if !matches {
            errors.push(FieldError::invalid(
                "spec.template.metadata.labels",
                FieldValue::Text(
                    labels
                        .map(|l| Value::Object(l.clone()).to_string())
                        .unwrap_or_default(),
                ),
                "`selector` does not match template `labels`",
            ));
        }
    }
    if let Some(replicas) = object.pointer("/spec/replicas").and_then(Value::as_i64) {
        if replicas < 0 {
            errors.push(FieldError::invalid(
                "spec.replicas",
                FieldValue::Number(replicas),
                "must be greater than or equal to 0",
            ));
        }
    }
    validate_pod_spec(
        object.pointer("/spec/template/spec"),
        "spec.template.spec",
        errors,
    );
}

fn validate_pod_spec(spec: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let containers = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    let Some(containers) = containers.filter(|c| !c.is_empty()) else {
        errors.push(FieldError::required(&format!("{path}.containers"), ""));
        return;
    };
    let mut names = Vec::new();
    for (index, container) in containers.iter().enumerate() {
        let field = format!("{path}.containers[{index}]");
        let name = container
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if name.is_empty() {
            errors.push(FieldError::required(&format!("{field}.name"), ""));
        } else {
            errors.extend(validate_dns1123_label(&format!("{field}.name"), name));
            if names.contains(&name) {
                errors.push(FieldError {
                    field: format!("{field}.name"),
                    reason: FieldErrorType::Duplicate,
                    value: Some(FieldValue::Text(name.into())),
                    message: String::new(),
                });
            }
            names.push(name);
        }
        if container
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
        {
            errors.push(FieldError::required(&format!("{field}.image"), ""));
        }
        for (port_index, port) in container
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let number = port
                .get("containerPort")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            errors.extend(validation::validate_port(
                &format!("{field}.ports[{port_index}].containerPort"),
                number,
            ));
        }
    }
}

fn validate_service(object: &Value, errors: &mut Vec<FieldError>) {
    let ports = object.pointer("/spec/ports").and_then(Value::as_array);
    let service_type = object
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    if ports.is_none_or(Vec::is_empty) && service_type != "ExternalName" {
        errors.push(FieldError::required("spec.ports", ""));
    }
    for (index, port) in ports.into_iter().flatten().enumerate() {
        let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
        errors.extend(validation::validate_port(
            &format!("spec.ports[{index}].port"),
            number,
        ));
    }
}

fn validate_image_stream(object: &Value, errors: &mut Vec<FieldError>) {
    let Some(tags) = object.pointer("/spec/tags").and_then(Value::as_array) else {
        return;
    };
    for tag in tags {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        let field = format!("spec.tags[{name}]");
        if let Some(from) = tag.get("from") {
            let kind = from.get("kind").and_then(Value::as_str).unwrap_or_default();
            let from_name = from.get("name").and_then(Value::as_str).unwrap_or_default();
            match kind {
                "DockerImage" => {
                    errors.extend(validate_pull_spec(&format!("{field}.from.name"), from_name))
                }
                "ImageStreamTag" | "ImageStreamImage" => {
                    if from_name.is_empty() {
                        errors.push(FieldError::required(&format!("{field}.from.name"), ""));
                    }
                    if tag.pointer("/importPolicy/scheduled") == Some(&Value::Bool(true)) {
                        errors.push(FieldError::invalid(
                            &format!("{field}.importPolicy.scheduled"),
                            FieldValue::Text("true".into()),
                            "only tags pointing to Docker repositories may be scheduled for background import",
                        ));
                    }
                }
                other => errors.push(FieldError {
                    field: format!("{field}.from.kind"),
                    reason: FieldErrorType::Invalid,
                    value: Some(FieldValue::Text(other.into())),
                    message: "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'"
                        .into(),
                }),
            }
        }
        let policy = tag
            .pointer("/referencePolicy/type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !matches!(policy, "" | "Source" | "Local") {
            errors.push(FieldError {
                field: format!("{field}.referencePolicy.type"),
                reason: FieldErrorType::NotSupported,
                value: Some(FieldValue::Text(policy.into())),
                message: "supported values: \"Local\", \"Source\"".into(),
            });
        }
    }
}

/// The `Invalid` Status message: `<Kind>.<group> "<name>" is invalid: <errors>`.
pub fn invalid_message(resource: &Resource, name: &str, errors: &[FieldError]) -> String {
    let qualified_kind = if resource.group.is_empty() {
        resource.kind.to_owned()
    } else {
        format!("{}.{}", resource.kind, resource.group)
    };
    let joined = match errors {
        [single] => single.to_string(),
        many => format!(
            "[{}]",
            many.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("{qualified_kind} {name:?} is invalid: {joined}")
}

/// The causes of an `Invalid` Status.
pub fn causes(errors: &[FieldError]) -> Value {
    Value::Array(
        errors
            .iter()
            .map(
                |e| json!({"reason": e.reason.cause_type(), "message": e.body(), "field": e.field}),
            )
            .collect(),
    )
}

/// Fills what a real server writes on create: defaults per kind.
pub fn apply_defaults(
    resource: &Resource,
    object: &mut Value,
    cluster_ip: impl FnOnce() -> String,
) {
    match resource.kind {
        "Deployment" | "ReplicaSet" => {
            let spec = object_at(object, "spec");
            spec.entry("replicas").or_insert(json!(1));
            if resource.kind == "Deployment" {
                spec.entry("revisionHistoryLimit").or_insert(json!(10));
                spec.entry("progressDeadlineSeconds").or_insert(json!(600));
                // apps/v1 SetDefaults_Deployment: an empty strategy (what `oc new-app` sends)
                // is a rolling update of 25% / 25%.
                let strategy = spec.entry("strategy").or_insert(json!({}));
                if let Some(strategy) = strategy.as_object_mut() {
                    let kind = strategy.entry("type").or_insert(json!("RollingUpdate"));
                    if kind == "RollingUpdate" {
                        let rolling = strategy.entry("rollingUpdate").or_insert(json!({}));
                        if let Some(rolling) = rolling.as_object_mut() {
                            rolling.entry("maxUnavailable").or_insert(json!("25%"));
                            rolling.entry("maxSurge").or_insert(json!("25%"));
                        }
                    }
                }
            }
            default_containers(object.pointer_mut("/spec/template/spec"));
        }
        "Pod" => default_containers(object.get_mut("spec")),
        "LimitRange" => default_limit_range(object),
        "Secret" => default_secret(object),
        "Service" => {
            let spec = object_at(object, "spec");
            spec.entry("type").or_insert(json!("ClusterIP"));
            spec.entry("sessionAffinity").or_insert(json!("None"));
            if !spec.contains_key("clusterIP") {
                let ip = cluster_ip();
                spec.insert("clusterIP".into(), json!(ip));
                spec.insert("clusterIPs".into(), json!([ip]));
            }
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports {
                    if let Some(port) = port.as_object_mut() {
                        port.entry("protocol").or_insert(json!("TCP"));
                        if let Some(number) = port.get("port").cloned() {
                            port.entry("targetPort").or_insert(number);
                        }
                    }
                }
            }
        }
        "ImageStream" => {
            let spec = object_at(object, "spec");
            spec.entry("lookupPolicy")
                .or_insert(json!({"local": false}));
            if let Some(tags) = spec.get_mut("tags").and_then(Value::as_array_mut) {
                tags.sort_by(|a, b| {
                    let name = |t: &Value| t.get("name").and_then(Value::as_str).map(str::to_owned);
                    name(a).cmp(&name(b))
                });
                for tag in tags {
                    let Some(tag) = tag.as_object_mut() else {
                        continue;
                    };
                    tag.entry("annotations").or_insert(Value::Null);
                    let import = tag.entry("importPolicy").or_insert(json!({}));
                    if let Some(import) = import.as_object_mut() {
                        import.entry("importMode").or_insert(json!("Legacy"));
                    }
                    let reference = tag.entry("referencePolicy").or_insert(json!({}));
                    if let Some(reference) = reference.as_object_mut() {
                        let empty = reference
                            .get("type")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty);
                        if empty {
                            reference.insert("type".into(), json!("Source"));
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// What kube-apiserver stores of a Secret: core/v1's conversion to the internal type
/// (Convert_v1_Secret_To_core_Secret) writes each `stringData` value into `data`, over a key
/// both have, and drops `stringData`, which the internal type lacks; SetDefaults_Secret makes
/// an untyped secret `Opaque`.
fn default_secret(object: &mut Value) {
    use base64::Engine;
    let Some(secret) = object.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(strings)) = secret.remove("stringData") {
        if !strings.is_empty() {
            let data = secret.entry("data").or_insert(json!({}));
            if !data.is_object() {
                *data = json!({});
            }
            if let Some(data) = data.as_object_mut() {
                for (key, value) in strings {
                    let text = value.as_str().unwrap_or_default();
                    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                    data.insert(key, json!(encoded));
                }
            }
        }
    }
    let untyped = secret
        .get("type")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    if untyped {
        secret.insert("type".into(), json!("Opaque"));
    }
}

/// core/v1 SetDefaults_LimitRangeItem: a Container item's default limit falls back to its
/// max, and its default request to the default limit, then to its min.
fn default_limit_range(object: &mut Value) {
    let Some(items) = object
        .pointer_mut("/spec/limits")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for item in items.iter_mut().filter(|i| i["type"] == "Container") {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let resources = |item: &Map<String, Value>, key: &str| {
            item.get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let mut default = resources(item, "default");
        let mut request = resources(item, "defaultRequest");
        for (name, value) in resources(item, "max") {
            default.entry(name).or_insert(value);
        }
        for (name, value) in default.iter().chain(resources(item, "min").iter()) {
            request.entry(name.clone()).or_insert(value.clone());
        }
        item.insert("default".into(), Value::Object(default));
        item.insert("defaultRequest".into(), Value::Object(request));
    }
}

/// The object at `key` of `object`, made (or replaced by) an empty object when it is missing
/// or not an object. Indexing a serde_json value that is not an object panics, so controllers
/// and defaults write through this.
pub(crate) fn object_at<'a>(object: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    let child = as_object(object)
        .entry(key.to_owned())
        .or_insert_with(|| json!({}));
    as_object(child)
}

/// `value` as an object, replacing anything else by an empty one.
pub(crate) fn as_object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        // Made an object just above.
        _ => unreachable!("an object"),
    }
}

fn default_containers(pod_spec: Option<&mut Value>) {
    let Some(pod_spec) = pod_spec.and_then(Value::as_object_mut) else {
        return;
    };
    pod_spec.entry("restartPolicy").or_insert(json!("Always"));
    pod_spec
        .entry("terminationGracePeriodSeconds")
        .or_insert(json!(30));
    pod_spec.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
    if let Some(containers) = pod_spec.get_mut("containers").and_then(Value::as_array_mut) {
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            let image = container
                .get("image")
                .and_then(Value::as_str)
                .unwrap_or_default();
            // Kubernetes pulls `:latest` and untagged images always, pinned ones if missing.
            let policy = match imagestream_model::reference::parse(image) {
                Ok(parsed)
                    if parsed.id.is_empty() && matches!(parsed.tag.as_str(), "" | "latest") =>
                {
                    "Always"
                }
                _ => "IfNotPresent",
            };
            container.entry("imagePullPolicy").or_insert(json!(policy));
            container
                .entry("terminationMessagePath")
                .or_insert(json!("/dev/termination-log"));
            container
                .entry("terminationMessagePolicy")
                .or_insert(json!("File"));
            if let Some(ports) = container.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    port.entry("protocol").or_insert(json!("TCP"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::find;

    #[test]
    fn a_deployment_without_containers_is_invalid_with_the_server_message() {
        let resource = find("apps", "v1", "deployments").unwrap();
        let object = json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}}});
        let errors = validate(resource, "demo", &object);
        assert_eq!(
            invalid_message(resource, "web", &errors),
            "Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value"
        );
    }

    #[test]
    fn image_stream_names_and_sources_are_checked() {
        let resource = find("image.openshift.io", "v1", "imagestreams").unwrap();
        let object = json!({"metadata": {"name": "Bad"}, "spec": {"tags": [{"name": "x", "from": {"kind": "Git", "name": "y"}}]}});
        let errors = validate(resource, "demo", &object);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["metadata.name", "spec.tags[x].from.kind"]);
        let message = invalid_message(resource, "Bad", &errors);
        assert!(message.starts_with("ImageStream.image.openshift.io \"Bad\" is invalid: [metadata.name: Invalid value: \"Bad\": "), "{message}");
    }

    #[test]
    fn defaults_are_filled_like_a_real_cluster() {
        let resource = find("", "v1", "services").unwrap();
        let mut service = json!({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 8080}]}});
        apply_defaults(resource, &mut service, || "172.30.0.10".into());
        assert_eq!(
            service["spec"]["ports"][0],
            json!({"port": 8080, "protocol": "TCP", "targetPort": 8080})
        );
        assert_eq!(service["spec"]["clusterIP"], "172.30.0.10");
        let stream_resource = find("image.openshift.io", "v1", "imagestreams").unwrap();
        let mut stream = json!({"metadata": {"name": "x"}, "spec": {"tags": [{"name": "b", "from": {"kind": "DockerImage", "name": "b"}}, {"name": "a"}]}});
        apply_defaults(stream_resource, &mut stream, String::new);
        assert_eq!(stream["spec"]["tags"][0]["name"], "a");
        assert_eq!(
            stream["spec"]["tags"][1]["referencePolicy"]["type"],
            "Source"
        );
        assert_eq!(
            stream["spec"]["tags"][1]["importPolicy"]["importMode"],
            "Legacy"
        );
        // A secret's stringData is stored as data (base64), over a key both have.
        let secrets = find("", "v1", "secrets").unwrap();
        let mut secret = json!({"metadata": {"name": "s"}, "data": {"a": "eA==", "b": "eA=="},
            "stringData": {"b": "two", "c": "three"}});
        apply_defaults(secrets, &mut secret, String::new);
        assert_eq!(
            secret,
            json!({"metadata": {"name": "s"}, "type": "Opaque",
                "data": {"a": "eA==", "b": "dHdv", "c": "dGhyZWU="}})
        );
        let mut typed =
            json!({"metadata": {"name": "t"}, "type": "kubernetes.io/tls", "stringData": {}});
        apply_defaults(secrets, &mut typed, String::new);
        assert_eq!(
            typed,
            json!({"metadata": {"name": "t"}, "type": "kubernetes.io/tls"})
        );
    }
}

const OBJECT_META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

const CONTAINER_FIELDS: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];

const CONTAINER_PORT_FIELDS: &[&str] = &["name", "hostPort", "containerPort", "protocol", "hostIP"];

const OBJECT_REFERENCE_FIELDS: &[&str] = &[
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
];

/// The fields a kind declares at the levels devcluster knows (`spec.tags[]` is an element of
/// `spec.tags`), for `fieldValidation=Strict`; `None` where it does not know them, so nothing
/// there is called unknown. A full-schema checker (see [`crate::decode`]) knows every level.
pub fn declared_fields(kind: &str, path: &str) -> Option<&'static [&'static str]> {
    Some(match (kind, path) {
        (_, "") => match kind {
            "Event" => &[
                "apiVersion",
                "kind",
                "metadata",
                "involvedObject",
                "reason",
                "message",
                "source",
                "firstTimestamp",
                "lastTimestamp",
                "count",
                "type",
                "eventTime",
                "series",
                "action",
                "related",
                "reportingComponent",
                "reportingInstance",
            ],
            // The core kinds whose fields are not under spec and status (k8s.io/api core/v1).
            "Secret" => &[
                "apiVersion",
                "kind",
                "metadata",
                "immutable",
                "data",
                "stringData",
                "type",
            ],
            "ConfigMap" => &[
                "apiVersion",
                "kind",
                "metadata",
                "immutable",
                "data",
                "binaryData",
            ],
            "ServiceAccount" => &[
                "apiVersion",
                "kind",
                "metadata",
                "secrets",
                "imagePullSecrets",
                "automountServiceAccountToken",
            ],
            _ => &["apiVersion", "kind", "metadata", "spec", "status"],
        },
        (_, "metadata") => OBJECT_META_FIELDS,
        ("ImageStream", "spec") => &["lookupPolicy", "dockerImageRepository", "tags"],
        ("ImageStream", "spec.tags[]") => &[
            "name",
            "annotations",
            "from",
            "reference",
            "generation",
            "importPolicy",
            "referencePolicy",
        ],
        ("Deployment", "spec") => &[
            "replicas",
            "selector",
            "template",
            "strategy",
            "minReadySeconds",
            "revisionHistoryLimit",
            "paused",
            "progressDeadlineSeconds",
        ],
        ("ReplicaSet", "spec") => &["replicas", "minReadySeconds", "selector", "template"],
        ("Service", "spec") => &[
            "ports",
            "selector",
            "clusterIP",
            "clusterIPs",
            "type",
            "externalIPs",
            "sessionAffinity",
            "loadBalancerIP",
            "loadBalancerSourceRanges",
            "externalName",
            "externalTrafficPolicy",
            "healthCheckNodePort",
            "publishNotReadyAddresses",
            "sessionAffinityConfig",
            "ipFamilies",
            "ipFamilyPolicy",
            "allocateLoadBalancerNodePorts",
            "loadBalancerClass",
            "internalTrafficPolicy",
            "trafficDistribution",
        ],
        ("Namespace", "spec") => &["finalizers"],
        ("ImageStream", "spec.lookupPolicy") => &["local"],
        ("ImageStream", "spec.tags[].from") => OBJECT_REFERENCE_FIELDS,
        ("ImageStream", "spec.tags[].importPolicy") => &["insecure", "scheduled", "importMode"],
        ("ImageStream", "spec.tags[].referencePolicy") => &["type"],
        ("ImageStream", "status") => &[
            "dockerImageRepository",
            "publicDockerImageRepository",
            "tags",
        ],
        ("Deployment" | "ReplicaSet", "spec.selector") => &["matchLabels", "matchExpressions"],
        ("Deployment" | "ReplicaSet", "spec.template") => &["metadata", "spec"],
        ("Deployment" | "ReplicaSet", "spec.template.metadata") => OBJECT_META_FIELDS,
        ("Deployment" | "ReplicaSet", "spec.template.spec.containers[]")
        | ("Deployment" | "ReplicaSet", "spec.template.spec.initContainers[]")
        | ("Pod", "spec.containers[]" | "spec.initContainers[]") => CONTAINER_FIELDS,
        ("Deployment" | "ReplicaSet", "spec.template.spec.containers[].ports[]")
        | ("Pod", "spec.containers[].ports[]") => CONTAINER_PORT_FIELDS,
        ("Service", "spec.ports[]") => &[
            "name",
            "protocol",
            "appProtocol",
            "port",
            "targetPort",
            "nodePort",
        ],
        _ => return None,
    })
}

#[cfg(test)]
mod strict_tests {
    use super::*;

    #[test]
    fn declared_fields_cover_the_levels_the_model_knows() {
        assert!(
            declared_fields("ImageStream", "spec.tags[].from").is_some_and(|f| f.contains(&"name"))
        );
        assert!(
            declared_fields("Deployment", "spec.template.spec.containers[]")
                .is_some_and(|f| f.contains(&"image"))
        );
        // Levels it does not know accept every field.
        assert!(declared_fields("Deployment", "spec.template.spec").is_none());
        // What `kubectl create secret generic` and `create configmap` send (Strict).
        let secret = declared_fields("Secret", "").expect("a Secret's top level");
        assert!(["data", "stringData", "type", "immutable"]
            .iter()
            .all(|f| secret.contains(f)));
        assert!(!secret.contains(&"spec"));
        let config = declared_fields("ConfigMap", "").expect("a ConfigMap's top level");
        assert!(config.contains(&"binaryData"));
    }
}

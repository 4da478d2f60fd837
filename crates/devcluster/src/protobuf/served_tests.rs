//! The kinds served in protobuf, derived from the resource table: every built-in resource has
//! a descriptor and Go facts for each message it reaches; and the kinds added since the first
//! protobuf kinds (secrets' bytes, config maps, quantities in maps, jobs, cron jobs,
//! autoscalers) decode to what Go prints after a protobuf round trip of the same JSON
//! (k8s.io/api v0.35's types; `creationTimestamp: null` as v1.33 prints it).

use super::gofields::{GO_FIELDS, JSON_TYPES, LIST_WRAPPERS};
use super::served::{self, ProtoKind};
use super::*;
use crate::resources::RESOURCES;
use protobuf::reflect::{RuntimeFieldType, RuntimeType};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

fn round_trip(object: &Value) -> Value {
    let bytes = encode_object(object).expect("encodes");
    decode_object(&bytes, ("", "")).expect("decodes")
}

/// Every message a kind's message reaches through its fields (list items and map values
/// too), but the types with a JSON form of their own and the list wrappers.
fn reachable(from: &MessageDescriptor, seen: &mut BTreeSet<String>) {
    let name = from.full_name().to_owned();
    if JSON_TYPES.contains(&name.as_str()) || LIST_WRAPPERS.contains(&name.as_str()) {
        return;
    }
    if !seen.insert(name) {
        return;
    }
    for field in from.fields() {
        let child = match field.runtime_field_type() {
            RuntimeFieldType::Singular(RuntimeType::Message(m))
            | RuntimeFieldType::Repeated(RuntimeType::Message(m))
            | RuntimeFieldType::Map(_, RuntimeType::Message(m)) => m,
            _ => continue,
        };
        reachable(&child, seen);
    }
}

#[test]
fn every_built_in_resource_has_a_descriptor_and_go_facts_for_what_it_reaches() {
    let mut problems = Vec::new();
    // The table's built-in resources, their lists and subresource kinds are all served.
    for resource in RESOURCES
        .iter()
        .filter(|r| crate::resources::is_kubernetes_group(r.group))
    {
        let group_version = resource.group_version();
        let mut kinds = vec![(group_version.clone(), resource.kind.to_owned())];
        if resource.allows("list") {
            kinds.push((group_version.clone(), format!("{}List", resource.kind)));
        }
        for subresource in resource.subresources {
            if let Some((gv, kind)) = served::subresource_kind(subresource) {
                kinds.push((gv.to_owned(), kind.to_owned()));
            }
        }
        for (gv, kind) in kinds {
            if message_for(&gv, &kind).is_none() {
                problems.push(format!("{gv} {kind} has no protobuf descriptor"));
            }
        }
    }
    // Each message reached has its Go facts listed; each listed message is reached and
    // names fields its descriptor has.
    let mut seen = BTreeSet::new();
    for ProtoKind { message: name, .. } in served::kinds() {
        match message(&name) {
            Some(descriptor) => reachable(&descriptor, &mut seen),
            None => problems.push(format!("no descriptor for {name}")),
        }
    }
    let listed: BTreeMap<&str, &str> = GO_FIELDS.iter().copied().collect();
    assert_eq!(listed.len(), GO_FIELDS.len(), "a message is listed twice");
    for name in &seen {
        if !listed.contains_key(name.as_str()) {
            problems.push(format!("{name} is reached but has no entry in GO_FIELDS"));
        }
    }
    for (name, marks) in &listed {
        if !seen.contains(*name) {
            problems.push(format!(
                "{name} is in GO_FIELDS but no kind served reaches it"
            ));
            continue;
        }
        let Some(descriptor) = message(name) else {
            continue;
        };
        for mark in marks.split_whitespace() {
            let field = mark.trim_end_matches(['*', '=', '!', '~']);
            if descriptor.field_by_name(field).is_none() {
                problems.push(format!("{name} has no field {field} (GO_FIELDS: {mark})"));
            }
        }
    }
    for wrapper in LIST_WRAPPERS {
        if message(wrapper).is_none() {
            problems.push(format!("list wrapper {wrapper} has no descriptor"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn kinds_follow_the_resource_table() {
    for (api_version, kind) in [
        ("v1", "Secret"),
        ("v1", "SecretList"),
        ("v1", "ServiceAccount"),
        ("v1", "ConfigMap"),
        ("v1", "ReplicationController"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJobList"),
        ("autoscaling/v1", "HorizontalPodAutoscaler"),
        ("autoscaling/v1", "Scale"),
        ("apps/v1", "StatefulSet"),
        ("batch/v1", "DeleteOptions"),
        ("v1", "Status"),
    ] {
        assert!(
            message_for(api_version, kind).is_some(),
            "{api_version} {kind}"
        );
    }
    // Not served: a kind of a group version devcluster has no resource of, a kind of another
    // group, the review kinds' lists (create only), OpenShift's kinds.
    assert!(message_for("policy/v1", "PodDisruptionBudget").is_none());
    assert!(message_for("batch/v1", "Deployment").is_none());
    assert!(message_for("authorization.k8s.io/v1", "SubjectAccessReviewList").is_none());
    assert!(message_for("apps.openshift.io/v1", "DeploymentConfig").is_none());
    assert!(group_has_protobuf("batch") && group_has_protobuf("autoscaling"));
    assert!(!group_has_protobuf("route.openshift.io"));
    // CRD-like groups under k8s.io are not built in.
    assert!(!group_has_protobuf("gateway.networking.k8s.io"));
}

#[test]
fn secrets_keep_bytes_raw_on_the_wire_and_base64_in_json() {
    let secret = json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": "s1", "creationTimestamp": null},
        "data": {"a": "Yg==", "bin": "AP8B", "e": ""},
        "stringData": {"x": "y"},
        "type": "Opaque"
    });
    let bytes = encode_object(&secret).expect("encodes");
    // map<string, bytes>: the value is the raw bytes (0x00 0xff 0x01), not its base64.
    assert!(bytes.windows(3).any(|w| w == [0x00, 0xff, 0x01]));
    assert!(!bytes.windows(4).any(|w| w == b"AP8B"));
    assert_eq!(decode_object(&bytes, ("", "")).expect("decodes"), secret);
    // A null value is Go's nil []byte, which protobuf carries as empty bytes.
    let mut nil = secret.clone();
    nil["data"]["n"] = Value::Null;
    assert_eq!(round_trip(&nil)["data"]["n"], "");
    // immutable is a *bool: an explicit false is kept.
    nil["immutable"] = json!(false);
    assert_eq!(round_trip(&nil)["immutable"], false);
    // Bad base64 is the decoder's error, as kube-apiserver words it.
    let mut bad = secret.clone();
    bad["data"]["a"] = json!("Yg=?");
    assert_eq!(
        check_json("v1", "Secret", &bad),
        Err(TypeError::Invalid(
            r#"Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 2"#
                .into()
        ))
    );
}

#[test]
fn config_maps_keep_text_and_binary_data() {
    let config = json!({
        "kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"name": "c1", "namespace": "demo", "creationTimestamp": null},
        "data": {"a": "b", "empty": ""},
        "binaryData": {"bin": "AP8B"}
    });
    assert_eq!(round_trip(&config), config);
    let checked = check_json("v1", "ConfigMap", &config).expect("typed");
    assert_eq!(checked.object, config);
    assert!(checked.unknown_fields.is_empty());
    // data is map[string]string: a number there is a type error.
    let mut wrong = config.clone();
    wrong["data"]["a"] = json!(1);
    assert_eq!(
        check_json("v1", "ConfigMap", &wrong),
        Err(TypeError::Invalid(
            r#"ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string"#
                .into()
        ))
    );
}

#[test]
fn quantity_maps_round_trip_and_bad_quantities_are_refused() {
    let quota = json!({
        "kind": "ResourceQuota", "apiVersion": "v1",
        "metadata": {"name": "q", "creationTimestamp": null},
        "spec": {"hard": {"cpu": "1", "memory": "1Gi", "pods": "2", "requests.storage": "500m"}},
        "status": {"hard": {"cpu": "1"}, "used": {"cpu": "0"}}
    });
    assert_eq!(round_trip(&quota), quota);
    let claim = json!({
        "kind": "PersistentVolumeClaim", "apiVersion": "v1",
        "metadata": {"name": "p", "creationTimestamp": null},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {}
    });
    assert_eq!(round_trip(&claim), claim);
    let mut bad = quota.clone();
    bad["spec"]["hard"]["cpu"] = json!("one");
    assert_eq!(
        check_json("v1", "ResourceQuota", &bad),
        Err(TypeError::Invalid(format!(
            r#"ResourceQuota in version "v1" cannot be handled as a ResourceQuota: {}"#,
            quantity::FORMAT_WRONG
        )))
    );
}

#[test]
fn jobs_cron_jobs_and_autoscalers_take_go_s_shape() {
    // What `kubectl create cronjob cj --image=busybox --schedule="*/1 * * * *"` sends.
    let sent = json!({
        "kind": "CronJob", "apiVersion": "batch/v1",
        "metadata": {"name": "cj"},
        "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"metadata": {"name": "cj"},
            "spec": {"template": {"metadata": {}, "spec": {
                "containers": [{"name": "cj", "image": "busybox", "resources": {}}],
                "restartPolicy": "OnFailure"}}}}}
    });
    assert_eq!(
        round_trip(&sent),
        json!({
            "kind": "CronJob", "apiVersion": "batch/v1",
            "metadata": {"name": "cj", "creationTimestamp": null},
            "spec": {"schedule": "*/1 * * * *", "jobTemplate": {
                "metadata": {"name": "cj", "creationTimestamp": null},
                "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {
                    "containers": [{"name": "cj", "image": "busybox", "resources": {}}],
                    "restartPolicy": "OnFailure"}}}}},
            "status": {}
        })
    );
    // A Job: backoffLimit is an *int32, so 0 stays; the template is a struct value.
    let job = json!({
        "kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j"},
        "spec": {"backoffLimit": 0, "template": {"spec": {
            "containers": [{"name": "j", "image": "busybox"}], "restartPolicy": "Never"}}}
    });
    let back = round_trip(&job);
    assert_eq!(back["spec"]["backoffLimit"], 0);
    assert_eq!(
        back["spec"]["template"],
        json!({"metadata": {"creationTimestamp": null}, "spec": {
            "containers": [{"name": "j", "image": "busybox", "resources": {}}],
            "restartPolicy": "Never"}})
    );
    assert_eq!(back["status"], json!({}));
    // autoscaling/v1: maxReplicas and the status replica counts have no omitempty.
    let autoscaler = json!({
        "kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1",
        "metadata": {"name": "h"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
            "minReplicas": 1, "maxReplicas": 3, "targetCPUUtilizationPercentage": 80}
    });
    let back = round_trip(&autoscaler);
    assert_eq!(back["spec"], autoscaler["spec"]);
    assert_eq!(
        back["status"],
        json!({"currentReplicas": 0, "desiredReplicas": 0})
    );
    // A service account with nothing but a name.
    let account =
        json!({"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "sa1"}});
    assert_eq!(
        round_trip(&account),
        json!({"kind": "ServiceAccount", "apiVersion": "v1",
            "metadata": {"name": "sa1", "creationTimestamp": null}})
    );
}

#[test]
fn endpoints_know_only_what_the_router_serves() {
    let endpoint = |method: &str, path: &str| http::endpoint(method, path, "");
    let expects = |method: &str, path: &str| endpoint(method, path).expects;
    let pair = |gv: &str, kind: &str| Some((gv.to_owned(), kind.to_owned()));
    // Served, in protobuf: the kinds added to the table since the first protobuf kinds.
    for (path, gv, kind) in [
        ("/api/v1/namespaces/demo/configmaps", "v1", "ConfigMap"),
        ("/api/v1/namespaces/demo/secrets", "v1", "Secret"),
        (
            "/api/v1/namespaces/demo/serviceaccounts",
            "v1",
            "ServiceAccount",
        ),
        ("/apis/batch/v1/namespaces/demo/jobs", "batch/v1", "Job"),
        (
            "/apis/batch/v1/namespaces/demo/cronjobs",
            "batch/v1",
            "CronJob",
        ),
        (
            "/apis/autoscaling/v1/namespaces/demo/horizontalpodautoscalers",
            "autoscaling/v1",
            "HorizontalPodAutoscaler",
        ),
    ] {
        let at = endpoint("POST", path);
        assert!(at.known && at.protobuf, "{path}");
        assert_eq!(at.expects, pair(gv, kind), "{path}");
    }
    // A namespace's own subresource is the namespaces resource; anything else under a
    // namespace that is not a namespaced resource is not served (the router's 404).
    assert_eq!(
        expects("PUT", "/api/v1/namespaces/demo/status"),
        pair("v1", "Namespace")
    );
    for path in [
        "/api/v1/namespaces/demo/widgets",
        "/api/v1/namespaces/demo/configmaps/c1/status",
        "/api/v1/namespaces/demo/secrets/s1/x/y",
        "/apis/batch/v1/namespaces/demo/deployments",
        "/api/v1/secrets/s1",
    ] {
        assert_eq!(endpoint("POST", path), http::Endpoint::default(), "{path}");
    }
    // A subresource with a kind of its own.
    assert_eq!(
        expects(
            "PUT",
            "/api/v1/namespaces/demo/replicationcontrollers/rc/scale"
        ),
        pair("autoscaling/v1", "Scale")
    );
    assert_eq!(
        expects("DELETE", "/apis/batch/v1/namespaces/demo/jobs/j1"),
        pair("meta.k8s.io/v1", "DeleteOptions")
    );
    // A watch of every namespace's config maps.
    let watch = http::endpoint("GET", "/api/v1/configmaps", "watch=true");
    assert!(watch.known && watch.watch);
}

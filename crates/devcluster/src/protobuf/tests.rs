//! The protobuf module against what kube-apiserver does: the JSON Go prints after a protobuf
//! decode (`kubectl create deployment --dry-run=client -o json` shows the same shape), the
//! special types, Go's wording of type errors, unknown fields, hostile bytes.

use super::http::{self, Format};
use super::*;
use serde_json::{json, Value};

/// What `kubectl create deployment hello --image=quay.io/x/hello:1` sends, as Go prints it.
fn deployment() -> Value {
    json!({
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "hello", "creationTimestamp": null, "labels": {"app": "hello"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "hello"}},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "hello"}},
                "spec": {"containers": [{"name": "hello", "image": "quay.io/x/hello:1", "resources": {}}]}
            },
            "strategy": {}
        },
        "status": {}
    })
}

fn round_trip(object: &Value) -> Value {
    let bytes = encode_object(object).expect("encodes");
    assert_eq!(&bytes[..4], b"k8s\0");
    decode_object(&bytes, ("", "")).expect("decodes")
}

fn invalid(api_version: &str, kind: &str, object: Value) -> String {
    match check_json(api_version, kind, &object) {
        Err(TypeError::Invalid(message)) => message,
        other => panic!("expected a type error, got {other:?}"),
    }
}

#[test]
fn the_kinds_served_have_protobuf_forms_and_openshift_kinds_do_not() {
    for (api_version, kind) in [
        ("apps/v1", "Deployment"),
        ("apps/v1", "ReplicaSetList"),
        ("v1", "Namespace"),
        ("v1", "Pod"),
        ("v1", "Service"),
        ("v1", "Event"),
        ("v1", "ResourceQuota"),
        ("v1", "LimitRange"),
        ("autoscaling/v1", "Scale"),
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
        ("authorization.k8s.io/v1", "SubjectAccessReview"),
        ("authorization.k8s.io/v1", "LocalSubjectAccessReview"),
        ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
        ("v1", "Status"),
        ("apps/v1", "DeleteOptions"),
        ("meta.k8s.io/v1", "DeleteOptions"),
    ] {
        assert!(
            message_for(api_version, kind).is_some(),
            "{api_version} {kind}"
        );
    }
    assert!(message_for("image.openshift.io/v1", "ImageStream").is_none());
    // A message that is not a kind, a kind of another group version, a kind not served.
    assert!(message_for("apps/v1", "DeploymentSpec").is_none());
    assert!(message_for("v1", "Deployment").is_none());
    assert!(message_for("v1", "Node").is_none());
    assert!(group_has_protobuf("apps") && group_has_protobuf(""));
    assert!(!group_has_protobuf("image.openshift.io"));
}

#[test]
fn a_deployment_decodes_to_the_json_go_prints() {
    // The minimal object a client builds; the decode gives Go's shape of it.
    let sent = json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "hello", "labels": {"app": "hello"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "hello"}},
            "template": {
                "metadata": {"labels": {"app": "hello"}},
                "spec": {"containers": [{"name": "hello", "image": "quay.io/x/hello:1"}]}
            }
        }
    });
    assert_eq!(round_trip(&sent), deployment());
    assert_eq!(round_trip(&deployment()), deployment());
}

#[test]
fn pointers_keep_their_zero_and_omitempty_values_drop_it() {
    let mut sent = deployment();
    sent["spec"]["replicas"] = json!(0);
    sent["spec"]["paused"] = json!(false);
    sent["metadata"]["generation"] = json!(0);
    sent["metadata"]["namespace"] = json!("");
    sent["spec"]["template"]["spec"]["automountServiceAccountToken"] = json!(false);
    let back = round_trip(&sent);
    assert_eq!(
        back["spec"]["replicas"],
        json!(0),
        "*int32 keeps an explicit 0"
    );
    assert_eq!(
        back["spec"]["template"]["spec"]["automountServiceAccountToken"],
        json!(false)
    );
    assert!(back["spec"].get("paused").is_none(), "bool,omitempty");
    assert!(back["metadata"].get("generation").is_none());
    assert!(back["metadata"].get("namespace").is_none());
    // Without omitempty Go prints zero values, and null for a nil pointer.
    let mut spec = deployment();
    spec["spec"].as_object_mut().map(|s| s.remove("selector"));
    spec["spec"]["template"]["spec"]["containers"][0]["name"] = json!("");
    let back = round_trip(&spec);
    assert_eq!(back["spec"]["selector"], Value::Null);
    assert_eq!(
        back["spec"]["template"]["spec"]["containers"][0]["name"],
        json!("")
    );
}

#[test]
fn a_service_keeps_ports_and_int_or_string_target_ports() {
    let service = json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": "hello", "creationTimestamp": null, "labels": {"app": "hello"}},
        "spec": {
            "ports": [
                {"name": "8080-8080", "protocol": "TCP", "port": 8080, "targetPort": 8080},
                {"name": "web", "protocol": "TCP", "port": 80, "targetPort": "http"}
            ],
            "selector": {"app": "hello"},
            "type": "ClusterIP"
        },
        "status": {"loadBalancer": {}}
    });
    assert_eq!(round_trip(&service), service);
    // A ServicePort without targetPort: Go's IntOrString value prints 0.
    let bare = json!({"kind": "Service", "apiVersion": "v1", "metadata": {"name": "x"},
        "spec": {"ports": [{"port": 80}]}});
    assert_eq!(
        round_trip(&bare)["spec"]["ports"][0],
        json!({"port": 80, "targetPort": 0})
    );
}

#[test]
fn special_types_take_kubernetes_json_forms() {
    let pod = json!({
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {
            "name": "p", "creationTimestamp": "2024-01-02T04:04:05.750+01:00",
            "managedFields": [{"manager": "kubectl", "operation": "Update",
                "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {}}}}]
        },
        "spec": {"containers": [{"name": "c", "image": "i",
            "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": 1}}}]}
    });
    let back = round_trip(&pod);
    // Time: UTC, whole seconds (metav1.Time drops the fraction).
    assert_eq!(
        back["metadata"]["creationTimestamp"],
        "2024-01-02T03:04:05Z"
    );
    assert_eq!(
        back["metadata"]["managedFields"][0]["fieldsV1"],
        json!({"f:metadata": {"f:labels": {}}})
    );
    let resources = &back["spec"]["containers"][0]["resources"];
    assert_eq!(resources["limits"], json!({"cpu": "500m", "memory": "1Gi"}));
    assert_eq!(
        resources["requests"],
        json!({"cpu": "1"}),
        "a bare number is a quantity"
    );
    // MicroTime keeps microseconds; an event's series and counts.
    let event = json!({
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": "e", "namespace": "demo", "creationTimestamp": null},
        "involvedObject": {"kind": "Pod", "name": "p"},
        "reason": "Pulled", "count": 3, "type": "Normal",
        "eventTime": "2024-01-02T03:04:05.123456Z",
        "firstTimestamp": "2024-01-02T03:04:05Z", "lastTimestamp": null,
        "source": {}, "reportingComponent": "", "reportingInstance": ""
    });
    assert_eq!(round_trip(&event), event);
    // IntOrString in a rolling update, both ways.
    let mut rolling = deployment();
    rolling["spec"]["strategy"] = json!({"type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}});
    assert_eq!(
        round_trip(&rolling)["spec"]["strategy"],
        rolling["spec"]["strategy"]
    );
}

#[test]
fn access_reviews_keep_allowed_false_and_extra_values_as_lists() {
    let review = json!({
        "kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": {
            "resourceAttributes": {"namespace": "demo", "verb": "create", "group": "apps", "resource": "deployments"},
            "user": "developer", "groups": ["system:authenticated"],
            "extra": {"scopes.authorization.openshift.io": ["user:full"]}
        },
        "status": {"allowed": false}
    });
    assert_eq!(round_trip(&review), review);
    // kubectl auth can-i's body; the answer keeps allowed: true and the reason.
    let answer = json!({
        "kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": {"resourceAttributes": {"namespace": "demo", "verb": "create", "group": "apps", "resource": "deployments"}},
        "status": {"allowed": true, "reason": "devcluster: allowed by the user's role"}
    });
    assert_eq!(round_trip(&answer), answer);
}

#[test]
fn embedded_structs_are_flattened_into_their_parent() {
    let mut pod = deployment();
    pod["spec"]["template"]["spec"]["volumes"] =
        json!([{"name": "config", "configMap": {"name": "settings", "defaultMode": 420}}]);
    pod["spec"]["template"]["spec"]["containers"][0]["env"] = json!([{"name": "A",
        "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "a"}}}]);
    pod["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] =
        json!({"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5});
    let back = round_trip(&pod);
    let spec = &back["spec"]["template"]["spec"];
    assert_eq!(spec["volumes"], pod["spec"]["template"]["spec"]["volumes"]);
    assert_eq!(
        spec["containers"][0]["env"],
        pod["spec"]["template"]["spec"]["containers"][0]["env"]
    );
    assert_eq!(
        spec["containers"][0]["readinessProbe"],
        pod["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    );
}

#[test]
fn statuses_and_delete_options_round_trip() {
    let status = crate::api::status(
        404,
        "NotFound",
        "deployments.apps \"x\" not found",
        Some(json!({"name": "x", "group": "apps", "kind": "deployments"})),
    );
    assert_eq!(round_trip(&status), status);
    let options = json!({"kind": "DeleteOptions", "apiVersion": "v1",
        "gracePeriodSeconds": 0, "propagationPolicy": "Foreground", "dryRun": ["All"]});
    assert_eq!(
        round_trip(&options),
        options,
        "an explicit gracePeriodSeconds: 0 is kept"
    );
}

#[test]
fn watch_events_are_length_prefixed_frames() {
    let added = json!({"type": "ADDED", "object": deployment()});
    let expired = json!({"type": "ERROR", "object": crate::api::status(410, "Expired", "too old resource version: 1 (5)", None)});
    let mut stream = encode_watch_event(&added).expect("frame");
    let first = stream.len();
    assert_eq!(
        u32::from_be_bytes([stream[0], stream[1], stream[2], stream[3]]) as usize,
        first - 4
    );
    stream.extend(encode_watch_event(&expired).expect("frame"));
    stream.extend_from_slice(&[0, 0, 1]);
    let (events, rest) = decode_watch_frames(&stream).expect("frames");
    assert_eq!(events, vec![added, expired]);
    assert_eq!(rest, &[0, 0, 1], "an incomplete frame waits for more bytes");
}

#[test]
fn wrong_types_at_depth_are_refused_in_go_s_words() {
    let prefix = r#"Deployment in version "v1" cannot be handled as a Deployment: "#;
    let with = |pointer: &str, value: Value| {
        let mut object = deployment();
        *object.pointer_mut(pointer).expect("field") = value;
        invalid("apps/v1", "Deployment", object)
    };
    assert_eq!(
        with("/spec/replicas", json!("3")),
        format!("{prefix}json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")
    );
    assert_eq!(
        with("/spec/replicas", json!(1.5)),
        format!("{prefix}json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")
    );
    assert_eq!(
        with("/spec/replicas", json!(3_000_000_000_u64)),
        format!("{prefix}json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")
    );
    assert_eq!(
        with("/spec", json!(5)),
        format!("{prefix}json: cannot unmarshal number into Go struct field Deployment.spec of type v1.DeploymentSpec")
    );
    assert_eq!(
        with("/metadata/labels", json!({"app": 5})),
        format!("{prefix}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")
    );
    assert_eq!(
        with("/spec/template/spec/containers", json!({})),
        format!("{prefix}json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container")
    );
    assert_eq!(
        with("/spec/template/spec/containers/0/resources", json!({"claims": [{"name": 5}]})),
        format!("{prefix}json: cannot unmarshal number into Go struct field ResourceClaim.spec.template.spec.containers.resources.claims.name of type string")
    );
    let mut ports = deployment();
    ports["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": "x"}]);
    assert_eq!(
        invalid("apps/v1", "Deployment", ports),
        format!("{prefix}json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32")
    );
    let mut args = deployment();
    args["spec"]["template"]["spec"]["containers"][0]["args"] = json!(["a", true]);
    assert_eq!(
        invalid("apps/v1", "Deployment", args),
        format!("{prefix}json: cannot unmarshal bool into Go struct field Container.spec.template.spec.containers.args of type string")
    );
    // The custom decoders' own words.
    assert_eq!(
        with("/metadata/creationTimestamp", json!("yesterday")),
        format!(
            r#"{prefix}parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#
        )
    );
    assert_eq!(
        with("/metadata/creationTimestamp", json!(5)),
        format!("{prefix}json: cannot unmarshal number into Go value of type string")
    );
    assert_eq!(
        with("/spec/template/spec/containers/0/resources", json!({"limits": {"cpu": "lots"}})),
        format!("{prefix}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    );
    assert_eq!(
        with(
            "/spec/strategy",
            json!({"rollingUpdate": {"maxSurge": true}})
        ),
        format!("{prefix}json: cannot unmarshal bool into Go value of type int32")
    );
    // The message names the body's kind and version.
    let mut other = deployment();
    other["apiVersion"] = json!("apps/v1beta2");
    other["spec"]["paused"] = json!("yes");
    assert!(invalid("apps/v1", "Deployment", other)
        .starts_with(r#"Deployment in version "v1beta2" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool"#));
    assert_eq!(
        invalid("apps/v1", "Deployment", json!([])),
        format!("{prefix}json: cannot unmarshal array into Go value of type v1.Deployment")
    );
}

#[test]
fn unknown_fields_are_dropped_and_listed_with_their_path() {
    let mut object = deployment();
    object["spec"]["foo"] = json!(1);
    object["spec"]["template"]["spec"]["containers"][0]["bar"] = json!({"x": 1});
    object["status"]["replica"] = json!(2);
    // Annotations and labels take any key; null is no value.
    object["metadata"]["annotations"] = json!({"anything/at-all": "v"});
    object["spec"]["minReadySeconds"] = Value::Null;
    let checked = check_json("apps/v1", "Deployment", &object).expect("well typed");
    assert_eq!(
        checked.unknown_fields,
        [
            "spec.foo",
            "spec.template.spec.containers[0].bar",
            "status.replica"
        ]
    );
    let mut expected = deployment();
    expected["metadata"]["annotations"] = json!({"anything/at-all": "v"});
    assert_eq!(checked.object, expected);
    assert_eq!(
        checked.strict_error().as_deref(),
        Some(
            r#"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar", unknown field "status.replica""#
        )
    );
    assert_eq!(checked.warnings()[0], r#"unknown field "spec.foo""#);
    let clean = check_json("apps/v1", "Deployment", &deployment()).expect("well typed");
    assert!(clean.unknown_fields.is_empty() && clean.strict_error().is_none());
    assert_eq!(clean.object, deployment());
    assert_eq!(
        check_json("image.openshift.io/v1", "ImageStream", &json!({})),
        Err(TypeError::NotTyped)
    );
}

#[test]
fn hostile_bytes_are_errors_never_panics() {
    let valid = encode_object(&deployment()).expect("encodes");
    // Every truncation of a valid body: never a panic; a cut at a field boundary is a valid
    // shorter message (as in Go), a cut inside the object's bytes is an error.
    let raw = super::from_json::encode(
        &message_for("apps/v1", "Deployment").expect("type"),
        &deployment(),
    )
    .expect("encodes");
    let at = valid
        .windows(raw.len())
        .position(|w| w == raw.as_slice())
        .expect("the object inside the envelope");
    for length in 0..valid.len() {
        let result = decode_object(&valid[..length], ("apps/v1", "Deployment"));
        if (at..at + raw.len()).contains(&length) || length <= 4 {
            assert!(result.is_err(), "{length} bytes decoded");
        }
    }
    let error = decode_object(&valid[..valid.len() - 3], ("apps/v1", "Deployment")).unwrap_err();
    assert_eq!(error.detail, "unexpected EOF");
    assert_eq!(
        decode_object(b"", ("", "")).unwrap_err().detail,
        "empty data"
    );
    assert_eq!(
        decode_object(b"k8s\0", ("", "")).unwrap_err().detail,
        "empty body"
    );
    assert_eq!(
        decode_object(b"{\"kind\":\"Pod\"}", ("", ""))
            .unwrap_err()
            .detail,
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    );
    // A varint past 64 bits, a length past the end, garbage after the magic.
    for body in [
        &b"k8s\0\x12\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"[..],
        b"k8s\0\x12\x7f\x01",
        b"k8s\0\xff\xff\xff\xff",
        b"k8s\0\x0a\x02\x0a",
    ] {
        assert!(
            decode_object(body, ("apps/v1", "Deployment")).is_err(),
            "{body:?}"
        );
    }
    // Pseudo-random bytes behind the magic (a fixed LCG, so the run is repeatable).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2000 {
        let mut body = b"k8s\0".to_vec();
        let length = (seed >> 58) as usize;
        for _ in 0..length {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            body.push((seed >> 33) as u8);
        }
        let _ = decode_object(&body, ("apps/v1", "Deployment"));
        let _ = decode_watch_frames(&body);
    }
    // Mutations of a valid body: each byte flipped.
    for index in 4..valid.len() {
        let mut body = valid.clone();
        body[index] ^= 0xff;
        let _ = decode_object(&body, ("apps/v1", "Deployment"));
    }
    // A kind devcluster has no protobuf form of.
    let mut foreign = deployment();
    foreign["kind"] = json!("Foo");
    assert!(encode_object(&foreign).is_err());
}

#[test]
fn an_envelope_naming_another_kind_is_not_registered() {
    let mut bytes = encode_object(&deployment()).expect("encodes");
    // Rename the kind inside the TypeMeta: "Deployment" -> "Deploymenx".
    let at = bytes
        .windows(10)
        .position(|w| w == b"Deployment")
        .expect("kind in the envelope");
    bytes[at + 9] = b'x';
    let error = decode_object(&bytes, ("apps/v1", "Deployment")).unwrap_err();
    assert!(error.not_registered && !error.envelope);
    assert_eq!(
        error.detail,
        r#"no kind "Deploymenx" is registered for version "apps/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29""#
    );
}

#[test]
fn accept_headers_pick_a_format_as_kube_apiserver_negotiates() {
    let builtin = http::endpoint("GET", "/apis/apps/v1/namespaces/demo/deployments/hello", "");
    assert!(builtin.known && builtin.protobuf && !builtin.watch);
    let kubectl = "application/vnd.kubernetes.protobuf,application/json";
    assert_eq!(
        http::negotiate(kubectl, &builtin).map(|n| n.format),
        Ok(Format::Protobuf)
    );
    assert_eq!(
        http::negotiate(
            "application/json, application/vnd.kubernetes.protobuf",
            &builtin
        )
        .map(|n| n.format),
        Ok(Format::Json)
    );
    assert_eq!(
        http::negotiate(
            "application/vnd.kubernetes.protobuf;q=0.5, application/yaml",
            &builtin
        )
        .map(|n| n.format),
        Ok(Format::Yaml)
    );
    let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    assert_eq!(
        http::negotiate(table, &builtin),
        Ok(http::Negotiated {
            format: Format::Json,
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io".into()
        })
    );
    // Table has no protobuf form: that clause is skipped, and alone it is 406.
    let refused = http::negotiate(
        "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
        &builtin,
    )
    .unwrap_err();
    assert_eq!(refused.status, 406);
    assert_eq!(
        refused.body["message"],
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
    );
    assert_eq!(refused.body["reason"], "NotAcceptable");
    assert_eq!(
        http::negotiate("text/html", &builtin).unwrap_err().status,
        406
    );
    assert_eq!(
        http::negotiate("*/*", &builtin).map(|n| n.format),
        Ok(Format::Json)
    );
    // OpenShift's groups: JSON and YAML only.
    let streams = http::endpoint(
        "GET",
        "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
        "",
    );
    assert!(streams.known && !streams.protobuf);
    assert_eq!(
        http::negotiate(kubectl, &streams).map(|n| n.format),
        Ok(Format::Json)
    );
    assert_eq!(
        http::negotiate("application/vnd.kubernetes.protobuf", &streams)
            .unwrap_err()
            .body["message"],
        "only the following media types are accepted: application/json, application/yaml"
    );
    // Watches: protobuf frames, JSON lines, and no YAML stream.
    let watch = http::endpoint(
        "GET",
        "/apis/apps/v1/namespaces/demo/deployments",
        "watch=true&resourceVersion=5",
    );
    assert!(watch.watch);
    assert_eq!(
        http::negotiate("application/vnd.kubernetes.protobuf;stream=watch", &watch)
            .map(|n| n.format),
        Ok(Format::Protobuf)
    );
    assert_eq!(
        http::negotiate("application/yaml", &watch).unwrap_err().body["message"],
        "only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch"
    );
    // Paths devcluster does not serve are left to the router.
    assert!(!http::endpoint("GET", "/apis/apps/v1/widgets", "").known);
    assert_eq!(
        http::negotiate("text/html", &Default::default()).map(|n| n.format),
        Ok(Format::Json)
    );
}

#[test]
fn request_bodies_are_turned_into_json_or_refused_with_apiserver_s_words() {
    let create = http::endpoint("POST", "/apis/apps/v1/namespaces/demo/deployments", "");
    let bytes = encode_object(&deployment()).expect("encodes");
    let json = http::convert_body("application/vnd.kubernetes.protobuf", &bytes, &create)
        .expect("decodes")
        .expect("converted");
    assert_eq!(
        serde_json::from_slice::<Value>(&json).expect("json"),
        deployment()
    );
    // Cut short, the envelope itself does not parse: no type is known yet.
    let truncated = http::convert_body(MEDIA_TYPE, &bytes[..bytes.len() - 3], &create).unwrap_err();
    assert_eq!(truncated.status, 400);
    let message = truncated.body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("the object provided is unrecognized (must be of type Deployment): unexpected EOF (6b387300"),
        "{message}"
    );
    // A whole envelope around a cut-short object: the type is known.
    let raw = super::from_json::encode(
        &message_for("apps/v1", "Deployment").expect("type"),
        &deployment(),
    )
    .expect("encodes");
    let cut = super::envelope::wrap("apps/v1", "Deployment", raw[..raw.len() / 2].to_vec())
        .expect("wraps");
    assert_eq!(
        http::convert_body(MEDIA_TYPE, &cut, &create)
            .unwrap_err()
            .body["message"],
        r#"Deployment in version "v1" cannot be handled as a Deployment: unexpected EOF"#
    );
    let garbage = http::convert_body(MEDIA_TYPE, b"k8s\0\x0a", &create).unwrap_err();
    assert_eq!(
        garbage.body["message"],
        "the object provided is unrecognized (must be of type Deployment): unexpected EOF (6b3873000a)"
    );
    let scale = http::endpoint(
        "PUT",
        "/apis/apps/v1/namespaces/demo/deployments/hello/scale",
        "",
    );
    assert_eq!(
        scale.expects,
        Some(("autoscaling/v1".into(), "Scale".into()))
    );
    // An ImageStream in protobuf: its group is JSON and YAML only.
    let streams = http::endpoint(
        "POST",
        "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
        "",
    );
    let refused = http::convert_body(MEDIA_TYPE, &bytes, &streams).unwrap_err();
    assert_eq!(refused.status, 415);
    assert_eq!(
        refused.body["message"],
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"
    );
    // YAML bodies become JSON; JSON is left alone.
    let yaml = http::convert_body(
        "application/yaml",
        b"kind: Deployment\nmetadata: {name: y}\n",
        &create,
    )
    .expect("yaml")
    .expect("converted");
    assert_eq!(
        serde_json::from_slice::<Value>(&yaml).expect("json"),
        json!({"kind": "Deployment", "metadata": {"name": "y"}})
    );
    assert!(http::convert_body("application/yaml", b"a: [", &create).unwrap_err().body["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("the object provided is unrecognized (must be of type Deployment): error converting YAML to JSON: yaml: ")));
    assert_eq!(
        http::convert_body("application/json", b"{}", &create),
        Ok(None)
    );
}

#[test]
fn answers_fall_back_to_json_when_they_have_no_protobuf_form() {
    let table = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "rows": []});
    let body = serde_json::to_vec(&table).expect("json");
    assert_eq!(
        http::encode_body(Format::Protobuf, &body),
        ("application/json", body.clone())
    );
    let (content_type, bytes) = http::encode_body(
        Format::Protobuf,
        &serde_json::to_vec(&deployment()).expect("json"),
    );
    assert_eq!(content_type, MEDIA_TYPE);
    assert_eq!(
        decode_object(&bytes, ("", "")).expect("decodes"),
        deployment()
    );
    let (content_type, yaml) = http::encode_body(Format::Yaml, &body);
    assert_eq!(content_type, "application/yaml");
    assert!(String::from_utf8_lossy(&yaml).contains("kind: Table"));
    // A stored object whose field has the wrong type has no protobuf form: JSON it is.
    let mut broken = deployment();
    broken["spec"]["replicas"] = json!("x");
    let body = serde_json::to_vec(&broken).expect("json");
    assert_eq!(
        http::encode_body(Format::Protobuf, &body).0,
        "application/json"
    );
}

//! The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale read from
//! and written into the parent's `spec.replicas`, as kube-apiserver's ScaleREST does
//! (registry/apps/deployment/storage and replicaset/storage): `kubectl scale` patches it,
//! `kubectl scale --current-replicas` reads it and puts it back.

use super::{
    bad_request, failure, not_found, ApiRequest, ApiResponse, Cluster, QueryParams, Target,
};
use crate::resources::{Resource, Storage};
use imagestream_model::validation::{FieldError, FieldValue};
use serde_json::{json, Value};

/// The kind a Scale's validation errors name (`Scale.autoscaling "web" is invalid: …`).
const SCALE: Resource = Resource {
    group: "autoscaling",
    version: "v1",
    plural: "scales",
    singular: "scale",
    kind: "Scale",
    namespaced: true,
    short_names: &[],
    categories: &[],
    verbs: &["get", "patch", "update"],
    subresources: &[],
    storage: Storage::Virtual,
    extra_field_selectors: &[],
};

/// A label selector (`matchLabels` and `matchExpressions`) in its string form, requirements
/// sorted by key, as apimachinery's LabelSelectorAsSelector prints it: `app=web`,
/// `tier in (a,b)`, `tier notin (a)`, `tier`, `!tier`. The error is the API server's.
pub(crate) fn selector_string(selector: Option<&Value>) -> Result<String, String> {
    let mut requirements: Vec<(String, String)> = Vec::new();
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        // A missing selector selects nothing, which prints as nothing.
        return Ok(String::new());
    };
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in labels {
            let value = value.as_str().unwrap_or_default();
            requirements.push((key.clone(), format!("{key}={value}")));
        }
    }
    for expression in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = expression
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut values: Vec<&str> = expression
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        let operator = expression
            .get("operator")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = match operator {
            "In" | "NotIn" if values.is_empty() => {
                return Err("for 'in', 'notin' operators, values set can't be empty".into())
            }
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_owned(),
            "DoesNotExist" => format!("!{key}"),
            other => return Err(format!("{other:?} is not a valid label selector operator")),
        };
        requirements.push((key.to_owned(), text));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(requirements
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(","))
}

/// The Scale of a Deployment or ReplicaSet: its identity, desired replicas and the replicas
/// its status counts. `spec.replicas` is left out at 0, as the Go type omits it when empty.
fn scale_of(parent: &Value) -> Result<Value, String> {
    let selector = selector_string(parent.pointer("/spec/selector"))?;
    let mut metadata = json!({});
    for field in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(value) = parent.pointer(&format!("/metadata/{field}")) {
            metadata[field] = value.clone();
        }
    }
    let replicas = parent
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut scale = json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": {},
        "status": {"replicas": parent.pointer("/status/replicas").and_then(Value::as_i64).unwrap_or(0)},
    });
    if replicas != 0 {
        scale["spec"]["replicas"] = json!(replicas);
    }
    if !selector.is_empty() {
        scale["status"]["selector"] = json!(selector);
    }
    Ok(scale)
}

/// The 405 for a verb the subresource does not serve (only get, update and patch).
fn method_not_allowed() -> ApiResponse {
    failure(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        Some(json!({})),
    )
}

impl Cluster {
    /// `GET`, `PUT` or `PATCH …/deployments/NAME/scale` (and replicasets).
    pub(super) fn scale(
        &mut self,
        verb: &str,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        if !matches!(verb, "get" | "update" | "patch") {
            return method_not_allowed();
        }
        let name = target.name.clone().unwrap_or_default();
        let Some(parent) = self.store.get(&self.key(target, &name)).cloned() else {
            return not_found(target.resource, &name);
        };
        let current = match scale_of(&parent) {
            Ok(scale) => scale,
            Err(message) => return bad_request(message),
        };
        let wanted = match verb {
            "get" => return ApiResponse::json(200, &current),
            "patch" => match Self::patched(&current, request, query, target, "Scale") {
                Ok(scale) => scale,
                Err(response) => return response,
            },
            "update" => {
                if let Err(response) = Self::check_content_type(target.resource, request) {
                    return response;
                }
                match Self::body(request) {
                    Ok(scale) => scale,
                    Err(response) => return response,
                }
            }
            _ => return method_not_allowed(),
        };
        match wanted.get("kind").and_then(Value::as_str) {
            None | Some("" | "Scale") => {}
            Some(kind) => {
                return bad_request(format!(
                    "the kind {kind:?} of the object does not match the resource {:?} (Scale)",
                    format!("{}/scale", target.resource.plural)
                ))
            }
        }
        let replicas = match wanted.pointer("/spec/replicas") {
            None | Some(Value::Null) => 0,
            Some(value) => match value.as_i64().filter(|r| i32::try_from(*r).is_ok()) {
                Some(replicas) => replicas,
                None => {
                    // The decoder's words for a value that is no int32.
                    let found = match value {
                        Value::Number(n) => format!("number {n}"),
                        Value::String(_) => "string".into(),
                        Value::Bool(_) => "bool".into(),
                        Value::Array(_) => "array".into(),
                        _ => "object".into(),
                    };
                    return bad_request(format!(
                        "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal {found} into Go struct field ScaleSpec.spec.replicas of type int32"
                    ));
                }
            },
        };
        if replicas < 0 {
            let error = FieldError::invalid(
                "spec.replicas",
                FieldValue::Number(replicas),
                "must be greater than or equal to 0",
            );
            return super::invalid(&SCALE, &name, &[error]);
        }
        let parent_uid = parent
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(uid) = wanted
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .filter(|uid| !uid.is_empty() && *uid != parent_uid)
        {
            let resource = format!("{}/scale", target.resource.plural);
            return failure(
                409,
                "Conflict",
                format!("Operation cannot be fulfilled on {resource}.{} {name:?}: Precondition failed: UID in precondition: {uid}, UID in object meta: {parent_uid}", target.resource.group),
                Some(json!({"name": name, "group": target.resource.group, "kind": resource})),
            );
        }
        // The Scale's resourceVersion becomes the parent's precondition, as ScaleREST moves it
        // over: a stale one is the parent's 409.
        let mut updated = (*parent).clone();
        updated["spec"]["replicas"] = json!(replicas);
        match wanted
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            Some(version) if !version.is_empty() => {
                updated["metadata"]["resourceVersion"] = json!(version)
            }
            _ => {
                if let Some(meta) = updated["metadata"].as_object_mut() {
                    meta.remove("resourceVersion");
                }
            }
        }
        let parent_target = Target {
            resource: target.resource,
            namespace: target.namespace.clone(),
            name: target.name.clone(),
            subresource: None,
        };
        let response = self.update(&parent_target, request, query, Some(updated));
        if response.status != 200 {
            return response;
        }
        match scale_of(&response.json_body()) {
            Ok(scale) => ApiResponse::json(200, &scale),
            Err(message) => bad_request(message),
        }
    }
}

/// Sends a request to `cluster` as the demo cluster's admin; the status and the body (unit
/// tests of handlers and controllers).
#[cfg(test)]
pub(crate) fn as_admin(
    cluster: &mut Cluster,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let admin = crate::seed::DEMO_USERS
        .iter()
        .find(|u| u.name == "admin")
        .map(|u| u.token);
    let response = cluster.handle(&ApiRequest {
        method: method.into(),
        path: path.into(),
        body: body.as_bytes().to_vec(),
        content_type: content_type.into(),
        accept: "application/json".into(),
        authorization: admin.map(|token| format!("Bearer {token}")),
        now_millis: 1_780_000_000_000,
        ..Default::default()
    });
    (response.status, response.json_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE_PATH: &str = "/apis/apps/v1/namespaces/demo/deployments/web/scale";

    fn with_web() -> Cluster {
        let mut cluster = crate::seed::demo_cluster(1_780_000_000_000);
        let web = json!({"metadata": {"name": "web"}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "quay.io/example/web:1"}]}}}});
        let (status, _) = as_admin(
            &mut cluster,
            "POST",
            "/apis/apps/v1/namespaces/demo/deployments",
            "application/json",
            &web.to_string(),
        );
        assert_eq!(status, 201);
        cluster
    }

    #[test]
    fn a_scale_update_is_checked_as_the_api_server_checks_it() {
        let mut cluster = with_web();
        let (status, scale) = as_admin(&mut cluster, "GET", SCALE_PATH, "", "");
        assert_eq!((status, &scale["spec"]["replicas"]), (200, &json!(2)));
        let (status, body) = as_admin(
            &mut cluster,
            "PUT",
            SCALE_PATH,
            "application/json",
            r#"{"spec": {"replicas": "three"}}"#,
        );
        assert_eq!(status, 400);
        assert_eq!(body["message"], "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32");
        let (status, body) = as_admin(
            &mut cluster,
            "PUT",
            SCALE_PATH,
            "application/json",
            r#"{"spec": {"replicas": 4294967296}}"#,
        );
        assert_eq!(status, 400, "{body}");
        let (status, body) = as_admin(
            &mut cluster,
            "PUT",
            SCALE_PATH,
            "application/json",
            r#"{"metadata": {"uid": "someone-else"}, "spec": {"replicas": 3}}"#,
        );
        assert_eq!((status, &body["reason"]), (409, &json!("Conflict")));
        assert!(body["message"].as_str().unwrap_or_default().starts_with("Operation cannot be fulfilled on deployments/scale.apps \"web\": Precondition failed: UID in precondition: someone-else, UID in object meta: "), "{body}");
        let stale = json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 3}});
        let (status, body) = as_admin(
            &mut cluster,
            "PUT",
            SCALE_PATH,
            "application/json",
            &stale.to_string(),
        );
        assert_eq!((status, &body["reason"]), (409, &json!("Conflict")));
        let (status, _) = as_admin(&mut cluster, "DELETE", SCALE_PATH, "", "");
        assert_eq!(status, 405);
        let (status, scale) = as_admin(
            &mut cluster,
            "PATCH",
            SCALE_PATH,
            "application/json-patch+json",
            r#"[{"op": "replace", "path": "/spec/replicas", "value": 5}]"#,
        );
        assert_eq!((status, &scale["spec"]["replicas"]), (200, &json!(5)));
        let (_, deployment) = as_admin(
            &mut cluster,
            "GET",
            "/apis/apps/v1/namespaces/demo/deployments/web",
            "",
            "",
        );
        assert_eq!(deployment["spec"]["replicas"], 5);
        assert_eq!(deployment["metadata"]["generation"], 2);
    }

    #[test]
    fn selectors_print_sorted_by_key_like_apimachinery() {
        let selector = json!({
            "matchLabels": {"tier": "web", "app": "hello"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "legacy", "operator": "DoesNotExist"},
                {"key": "zone", "operator": "NotIn", "values": ["b"]},
                {"key": "canary", "operator": "Exists"},
            ],
        });
        assert_eq!(
            selector_string(Some(&selector)).as_deref(),
            Ok("app=hello,canary,env in (dev,prod),!legacy,tier=web,zone notin (b)")
        );
        let empty_in = json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]});
        assert!(selector_string(Some(&empty_in)).is_err());
        let unknown = json!({"matchExpressions": [{"key": "a", "operator": "Near"}]});
        assert!(selector_string(Some(&unknown)).is_err());
    }

    #[test]
    fn a_scale_carries_the_parents_identity_and_counts() {
        let deployment = json!({
            "metadata": {"name": "hello", "namespace": "demo", "uid": "u1", "resourceVersion": "7", "generation": 2, "labels": {"a": "b"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}}},
            "status": {"replicas": 2},
        });
        assert_eq!(
            scale_of(&deployment),
            Ok(json!({
                "kind": "Scale",
                "apiVersion": "autoscaling/v1",
                "metadata": {"name": "hello", "namespace": "demo", "uid": "u1", "resourceVersion": "7"},
                "spec": {"replicas": 3},
                "status": {"replicas": 2, "selector": "app=hello"},
            }))
        );
        let scaled_down = json!({"metadata": {"name": "x"}, "spec": {"replicas": 0}});
        assert_eq!(
            scale_of(&scaled_down).map(|s| s["spec"].clone()),
            Ok(json!({}))
        );
    }
}

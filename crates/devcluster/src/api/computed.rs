//! Resources computed from others rather than stored: `users/~`, access reviews, projects
//! (namespaces as the user sees them) and project requests.

use super::read::selected;
use super::{failure, not_found, ApiRequest, ApiResponse, Cluster, QueryParams, Target};
use crate::auth::{Access, Caller};
use crate::resources::{self, RESOURCES};
use crate::store::ObjectKey;
use crate::table;
use imagestream_model::time::format_rfc3339;
use serde_json::{json, Map, Value};

impl Cluster {
    pub(super) fn get_user(&self, caller: &Caller, name: &str, now_millis: i64) -> ApiResponse {
        let name = if name == "~" {
            caller.name.as_str()
        } else {
            name
        };
        let Some(record) = self.auth.user(name) else {
            let resource = resources::find("user.openshift.io", "v1", "users")
                .expect("users resource is registered");
            return not_found(resource, name);
        };
        let mut groups = vec!["system:authenticated", "system:authenticated:oauth"];
        if record.cluster_admin {
            groups.insert(0, "system:cluster-admins");
        }
        ApiResponse::json(
            200,
            &json!({
                "kind": "User",
                "apiVersion": "user.openshift.io/v1",
                "metadata": {"name": name, "uid": format!("devcluster-user-{name}"), "creationTimestamp": format_rfc3339(now_millis - now_millis % 86_400_000)},
                "fullName": record.full_name,
                "identities": [format!("devcluster:{name}")],
                "groups": groups,
            }),
        )
    }

    pub(super) fn access_review(&self, caller: &Caller, request: &ApiRequest) -> ApiResponse {
        let mut review = match Self::body(request) {
            Ok(review) => review,
            Err(response) => return response,
        };
        let attributes = review
            .pointer("/spec/resourceAttributes")
            .cloned()
            .unwrap_or(json!({}));
        let text = |key: &str| {
            attributes
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (group, plural, verb, namespace, name) = (
            text("group"),
            text("resource"),
            text("verb"),
            text("namespace"),
            text("name"),
        );
        let allowed = match RESOURCES
            .iter()
            .find(|r| r.group == group && r.plural == plural)
        {
            Some(resource) => {
                let target = Target {
                    resource,
                    namespace: (!namespace.is_empty() && resource.namespaced)
                        .then(|| namespace.clone()),
                    name: (!name.is_empty()).then(|| name.clone()),
                    subresource: None,
                };
                resource.allows(&verb) && self.authorize(caller, &verb, &target).is_ok()
            }
            None => self.auth.is_cluster_admin(caller),
        };
        review["kind"] = json!("SelfSubjectAccessReview");
        review["apiVersion"] = json!("authorization.k8s.io/v1");
        review["status"] = if allowed {
            json!({"allowed": true, "reason": "devcluster: allowed by the user's role"})
        } else {
            json!({"allowed": false})
        };
        ApiResponse::json(201, &review)
    }

    pub(super) fn project_of(&self, namespace: &Value) -> Value {
        let mut project = namespace.clone();
        project["kind"] = json!("Project");
        project["apiVersion"] = json!("project.openshift.io/v1");
        project["spec"] = json!({"finalizers": ["kubernetes"]});
        project["status"] = json!({"phase": "Active"});
        project
    }

    pub(super) fn projects(
        &mut self,
        verb: &str,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let visible = self.auth.visible_namespaces(caller);
        let namespaces =
            resources::find("", "v1", "namespaces").expect("namespaces resource is registered");
        let resource = target.resource;
        match verb {
            "get" => {
                let name = target.name.clone().unwrap_or_default();
                match self.store.get(&ObjectKey {
                    resource: "namespaces",
                    namespace: String::new(),
                    name: name.clone(),
                }) {
                    Some(namespace) => ApiResponse::json(200, &self.project_of(namespace)),
                    None => not_found(resource, &name),
                }
            }
            "list" => {
                let (labels, fields) = match Self::selectors(resource, query) {
                    Ok(selectors) => selectors,
                    Err(response) => return response,
                };
                let items: Vec<Value> = self
                    .store
                    .list("namespaces", None)
                    .filter(|(key, _)| visible.as_ref().is_none_or(|v| v.contains(&key.name)))
                    .filter(|(_, ns)| selected(ns, &labels, &fields))
                    .map(|(_, ns)| self.project_of(ns))
                    .collect();
                let meta = json!({"resourceVersion": self.store.resource_version().to_string()});
                if Self::wants_table(request) {
                    let refs: Vec<&Value> = items.iter().collect();
                    return ApiResponse::json(
                        200,
                        &table::table(
                            "Project",
                            &refs,
                            request.now_millis,
                            query.get("includeObject").unwrap_or("Metadata"),
                            meta,
                        ),
                    );
                }
                ApiResponse::json(
                    200,
                    &json!({"kind": "ProjectList", "apiVersion": "project.openshift.io/v1", "metadata": meta, "items": items}),
                )
            }
            "delete" => {
                let name = target.name.clone().unwrap_or_default();
                match self.remove_object(
                    &ObjectKey {
                        resource: namespaces.id(),
                        namespace: String::new(),
                        name: name.clone(),
                    },
                    "Background",
                ) {
                    Some(_) => ApiResponse::json(
                        200,
                        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": name, "group": "project.openshift.io", "kind": "projects"}}),
                    ),
                    None => not_found(resource, &name),
                }
            }
            _ => failure(
                405,
                "MethodNotAllowed",
                "projects are changed through their namespace in this development cluster",
                Some(json!({})),
            ),
        }
    }

    pub(super) fn request_project(&mut self, caller: &Caller, request: &ApiRequest) -> ApiResponse {
        let body = match Self::body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let name = body
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut annotations = Map::new();
        annotations.insert("openshift.io/requester".into(), json!(caller.name));
        for (field, annotation) in [
            ("displayName", "openshift.io/display-name"),
            ("description", "openshift.io/description"),
        ] {
            if let Some(value) = body
                .get(field)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                annotations.insert(annotation.into(), json!(value));
            }
        }
        let namespaces =
            resources::find("", "v1", "namespaces").expect("namespaces resource is registered");
        let namespace = json!({"metadata": {"name": name, "annotations": annotations}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        match self.create_object(namespaces, None, namespace, request.now_millis, false) {
            Ok(created) => {
                self.auth.grant(&caller.name, &name, Access::Admin);
                ApiResponse::json(201, &self.project_of(&created))
            }
            Err(response) if response.status == 409 => failure(
                409,
                "AlreadyExists",
                format!("project.project.openshift.io {name:?} already exists"),
                Some(json!({"name": name, "group": "project.openshift.io", "kind": "project"})),
            ),
            Err(response) => response,
        }
    }
}

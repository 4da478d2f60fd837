//! Resources computed from others rather than stored: `users/~`, access reviews, projects
//! (namespaces as the user sees them) and project requests.

use super::read::selected;
use super::{failure, not_found, ApiRequest, ApiResponse, Cluster, QueryParams, Target};
use crate::auth::{Access, Caller};
use crate::resources;
use crate::store::ObjectKey;
use crate::table;
use imagestream_model::time::format_rfc3339;
use imagestream_model::validation::{validate_dns1123_label, FieldError, FieldValue};
use serde_json::{json, Map, Value};

impl Cluster {
    /// Answers a request for a computed resource (`Storage::Virtual`), once authorized.
    pub(super) fn computed(
        &mut self,
        verb: &str,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let resource = target.resource;
        match (resource.group, resource.plural) {
            ("user.openshift.io", "users") => self.get_user(
                caller,
                target.name.as_deref().unwrap_or_default(),
                request.now_millis,
            ),
            ("authorization.k8s.io", "selfsubjectaccessreviews") => {
                self.self_subject_access_review(caller, request)
            }
            ("authorization.k8s.io", "subjectaccessreviews" | "localsubjectaccessreviews") => {
                self.subject_access_review(target, request)
            }
            (_, "selfsubjectrulesreviews") => {
                self.self_subject_rules_review(caller, target, request)
            }
            (
                "authorization.openshift.io",
                "subjectaccessreviews" | "localsubjectaccessreviews",
            ) => self.openshift_subject_access_review(caller, target, request),
            (
                "authorization.openshift.io",
                "resourceaccessreviews" | "localresourceaccessreviews",
            ) => self.resource_access_review(caller, target, request),
            ("oauth.openshift.io", "oauthaccesstokens") => {
                self.oauth_access_tokens(verb, target, request)
            }
            ("project.openshift.io", "projects") => {
                self.projects(verb, caller, target, request, query)
            }
            ("project.openshift.io", "projectrequests") => match verb {
                "list" => self.may_request_projects(caller),
                _ => self.request_project(caller, request),
            },
            ("image.openshift.io", "imagestreamimports") => self.import_request(target, request),
            ("image.openshift.io", "imagestreamtags") => {
                self.image_stream_tags(verb, target, request, query)
            }
            ("image.openshift.io", "imagestreamimages") => self.image_stream_image(target),
            _ => failure(
                405,
                "MethodNotAllowed",
                format!(
                    "{} are not served by this development cluster yet",
                    resource.plural
                ),
                Some(json!({})),
            ),
        }
    }

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
                    Some(_) => super::deleted(&name, "project.openshift.io", "projects"),
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

    /// A ResourceQuota as the quota controller keeps it: `status.hard` is the spec's, and
    /// `status.used` counts the namespace's objects for the object-count resources (`pods`,
    /// `services`, `count/deployments.apps`…). Compute resources (`requests.cpu`…) are `0`:
    /// devcluster runs no pods that would use them.
    pub(crate) fn quota_status(&self, quota: &mut Value) {
        let Some(hard) = quota
            .pointer("/spec/hard")
            .and_then(Value::as_object)
            .cloned()
        else {
            return;
        };
        let namespace = quota
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut used = Map::new();
        for resource in hard.keys() {
            let counted = resource.strip_prefix("count/").unwrap_or(resource);
            let (plural, group) = counted.split_once('.').unwrap_or((counted, ""));
            let served = crate::resources::RESOURCES.iter().find(|r| {
                r.plural == plural
                    && r.group == group
                    && r.namespaced
                    && r.storage == crate::resources::Storage::Stored
            });
            let count = match served {
                Some(r) if resource.starts_with("count/") || group.is_empty() => {
                    self.store.count(r.id(), Some(&namespace))
                }
                _ => 0,
            };
            used.insert(resource.clone(), json!(count.to_string()));
        }
        quota["status"] = json!({"hard": hard, "used": used});
    }

    /// `GET projectrequests`: whether the caller may request a project, as
    /// openshift-apiserver's projectrequest REST List answers (a Status Success, or Forbidden
    /// with the cluster's message).
    pub(super) fn may_request_projects(&self, caller: &Caller) -> ApiResponse {
        let target = Target {
            resource: resources::find("project.openshift.io", "v1", "projectrequests")
                .expect("projectrequests are served"),
            namespace: None,
            name: None,
            subresource: None,
        };
        if self.auth.is_cluster_admin(caller)
            || self.role_allows(caller, "create", &target).is_some()
        {
            return ApiResponse::json(
                200,
                &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
            );
        }
        failure(
            403,
            "Forbidden",
            "You may not request a new project via this API.",
            Some(json!({"group": "project.openshift.io", "kind": "projectrequest"})),
        )
    }

    /// `POST projectrequests`: a new project with the caller as its admin, as
    /// openshift-apiserver's projectrequest REST Create makes it from the default project
    /// template (the display name, description and requester annotations, an `admin` role
    /// binding for the requester).
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
        let requests = resources::find("project.openshift.io", "v1", "projectrequests")
            .expect("projectrequests are served");
        let errors = validate_project_name(&name);
        if !errors.is_empty() {
            return super::invalid(requests, &name, &errors);
        }
        // The names the REST refuses before anything else (its ForbiddenNames and
        // ForbiddenPrefixes).
        let refused = ["openshift", "kubernetes", "kube"]
            .iter()
            .find(|n| **n == name)
            .map(|n| format!("cannot request a project with the name {n:?}"))
            .or_else(|| {
                ["openshift-", "kubernetes-", "kube-"]
                    .iter()
                    .find(|p| name.starts_with(**p))
                    .map(|p| format!("cannot request a project starting with {p:?}"))
            });
        if let Some(reason) = refused {
            return failure(
                403,
                "Forbidden",
                format!("project.project.openshift.io {name:?} is forbidden: {reason}"),
                Some(json!({"name": name, "group": "project.openshift.io", "kind": "project"})),
            );
        }
        if self.namespace_exists(&name) {
            return failure(
                409,
                "AlreadyExists",
                format!("project.project.openshift.io {name:?} already exists"),
                Some(json!({"name": name, "group": "project.openshift.io", "kind": "project"})),
            );
        }
        let text = |field: &str| {
            body.get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        // The default template writes all three annotations, empty ones included.
        let mut annotations = Map::new();
        annotations.insert(
            "openshift.io/description".into(),
            json!(text("description")),
        );
        annotations.insert(
            "openshift.io/display-name".into(),
            json!(text("displayName")),
        );
        annotations.insert("openshift.io/requester".into(), json!(caller.name));
        let namespaces =
            resources::find("", "v1", "namespaces").expect("namespaces resource is registered");
        let namespace = json!({"metadata": {"name": name, "annotations": annotations}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        match self.create_object(namespaces, None, namespace, request.now_millis, false) {
            Ok(created) => {
                self.auth.grant(&caller.name, &name, Access::Admin);
                ApiResponse::json(201, &self.project_of(&created))
            }
            Err(response) => response,
        }
    }

    /// `oauthaccesstokens`: the bearer tokens, each named as `oc logout` names the token it
    /// deletes (`sha256~` and the unpadded base64url SHA-256 of the rest). Any authenticated
    /// user may delete one by name (OpenShift's `system:oauth-token-deleter`: knowing the
    /// name means holding the token); only cluster admins may read them.
    pub(super) fn oauth_access_tokens(
        &mut self,
        verb: &str,
        target: &Target,
        request: &ApiRequest,
    ) -> ApiResponse {
        let resource = target.resource;
        let object = |name: &str, user: &str| {
            json!({
                "kind": "OAuthAccessToken",
                "apiVersion": "oauth.openshift.io/v1",
                "metadata": {"name": name, "creationTimestamp": format_rfc3339(request.now_millis - request.now_millis % 86_400_000)},
                "clientName": "openshift-challenging-client",
                "scopes": ["user:full"],
                "userName": user,
                "userUID": format!("devcluster-user-{user}"),
            })
        };
        let name = target.name.clone().unwrap_or_default();
        match verb {
            "list" => {
                let items: Vec<Value> = self
                    .auth
                    .token_objects()
                    .map(|(name, user)| object(&name, user))
                    .collect();
                ApiResponse::json(
                    200,
                    &json!({"kind": "OAuthAccessTokenList", "apiVersion": "oauth.openshift.io/v1", "metadata": {"resourceVersion": self.resource_version().to_string()}, "items": items}),
                )
            }
            "get" => match self.auth.token_objects().find(|(n, _)| *n == name) {
                Some((name, user)) => ApiResponse::json(200, &object(&name, user)),
                None => not_found(resource, &name),
            },
            "delete" => match self.auth.revoke_token_object(&name) {
                Some(_) => super::deleted(&name, "oauth.openshift.io", "oauthaccesstokens"),
                None => not_found(resource, &name),
            },
            _ => super::method_not_allowed(),
        }
    }
}

/// openshift-apiserver's ValidateProjectName for a ProjectRequest's `metadata.name`: a path
/// segment, at least two characters, and a namespace name (a DNS-1123 label).
fn validate_project_name(name: &str) -> Vec<FieldError> {
    const FIELD: &str = "metadata.name";
    if name.is_empty() {
        return vec![FieldError::required(
            FIELD,
            "name or generateName is required",
        )];
    }
    let value = || FieldValue::Text(name.to_owned());
    let segment = match name {
        "." => Some("may not be '.'"),
        ".." => Some("may not be '..'"),
        _ if name.contains('/') => Some("may not contain '/'"),
        _ if name.contains('%') => Some("may not contain '%'"),
        _ if name.len() < 2 => Some("must be at least 2 characters long"),
        _ => None,
    };
    match segment {
        Some(message) => vec![FieldError::invalid(FIELD, value(), message)],
        None => validate_dns1123_label(FIELD, name),
    }
}

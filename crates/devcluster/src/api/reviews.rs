//! Authorization as RBAC decides it from the default roles (`crate::roles`), and the access
//! reviews built on it: Kubernetes' SelfSubjectAccessReview (`auth can-i`), SubjectAccessReview
//! and LocalSubjectAccessReview, SelfSubjectRulesReview (`auth can-i --list`), and OpenShift's
//! SubjectAccessReview, LocalSubjectAccessReview, ResourceAccessReview and
//! LocalResourceAccessReview (`oc adm policy who-can`) and SelfSubjectRulesReview.

use super::{bad_request, failure, invalid, ApiRequest, ApiResponse, Cluster, Target};
use crate::auth::{Access, Caller};
use crate::resources::{self, Resource};
use crate::roles::{self, Rule};
use imagestream_model::validation::{FieldError, FieldValue};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What a request asks to do, in RBAC's terms.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attributes {
    pub(crate) verb: String,
    pub(crate) group: String,
    /// `plural` or `plural/subresource`.
    pub(crate) resource: String,
    /// Empty at the cluster scope.
    pub(crate) namespace: String,
    pub(crate) name: String,
}

impl Attributes {
    /// The attributes of a request for `target`. Requests for a namespace or a project are
    /// authorized in that namespace (kube-apiserver's RequestInfo does so for namespaces,
    /// openshift-apiserver's project request-info resolver for projects).
    pub(crate) fn of(verb: &str, target: &Target) -> Self {
        let resource = target.resource;
        let name = target.name.clone().unwrap_or_default();
        let namespace = match (resource.group, resource.plural) {
            ("", "namespaces") | ("project.openshift.io", "projects") => name.clone(),
            _ => target.namespace.clone().unwrap_or_default(),
        };
        Attributes {
            verb: verb.to_owned(),
            group: resource.group.to_owned(),
            resource: match &target.subresource {
                Some(sub) => format!("{}/{sub}", resource.plural),
                None => resource.plural.to_owned(),
            },
            namespace,
            name,
        }
    }

    /// Whether `rule` allows these attributes.
    fn allowed_by(&self, rule: &Rule) -> bool {
        roles::allows(rule, &self.group, &self.resource, &self.verb, &self.name)
    }

    /// `spec.resourceAttributes` of a Kubernetes review.
    fn from_kube(attributes: &Value) -> Self {
        let text = |key: &str| text_at(attributes, key);
        let subresource = text("subresource");
        Attributes {
            verb: text("verb"),
            group: text("group"),
            resource: if subresource.is_empty() {
                text("resource")
            } else {
                format!("{}/{subresource}", text("resource"))
            },
            namespace: text("namespace"),
            name: text("name"),
        }
    }

    /// The inline `Action` of an OpenShift review.
    fn from_openshift(action: &Value) -> Self {
        let text = |key: &str| text_at(action, key);
        Attributes {
            verb: text("verb"),
            group: text("resourceAPIGroup"),
            resource: text("resource"),
            namespace: text("namespace"),
            name: text("resourceName"),
        }
    }
}

/// Who is asked about: a user known to the cluster and the groups it is in.
struct Subject {
    user: String,
    groups: Vec<String>,
}

impl Cluster {
    /// The groups a devcluster user is in (what `users/~` reports).
    fn subject(&self, user: &str) -> Subject {
        let mut groups = vec![
            "system:authenticated".to_owned(),
            "system:authenticated:oauth".to_owned(),
        ];
        if self.auth.user(user).is_some_and(|r| r.cluster_admin) {
            groups.insert(0, "system:cluster-admins".to_owned());
        }
        Subject {
            user: user.to_owned(),
            groups,
        }
    }

    /// RBAC's decision for `subject`: the reason it is allowed, or `None`.
    fn decide(&self, subject: &Subject, attributes: &Attributes) -> Option<String> {
        let in_group = |group: &str| subject.groups.iter().any(|g| g == group);
        for (group, binding) in [
            ("system:cluster-admins", "cluster-admins"),
            ("system:masters", "system:masters"),
        ] {
            if in_group(group) {
                let role = if group == "system:masters" {
                    "system:master"
                } else {
                    "cluster-admin"
                };
                return Some(roles::cluster_reason(binding, role, group));
            }
        }
        let allows = |rule: &Rule| attributes.allowed_by(rule);
        for binding in roles::AUTHENTICATED {
            if in_group(binding.group) && binding.rules.iter().any(allows) {
                return Some(roles::cluster_reason(
                    binding.binding,
                    binding.role,
                    binding.group,
                ));
            }
        }
        if attributes.namespace.is_empty() {
            return None;
        }
        let access = self
            .auth
            .user(&subject.user)?
            .projects
            .get(&attributes.namespace)
            .copied()?;
        roles::project_rules(access)
            .any(allows)
            .then(|| roles::project_reason(access, &attributes.namespace, &subject.user))
    }

    /// Whether the caller's roles allow `verb` on `target`, with RBAC's reason.
    pub(super) fn role_allows(
        &self,
        caller: &Caller,
        verb: &str,
        target: &Target,
    ) -> Option<String> {
        self.decide(&self.subject(&caller.name), &Attributes::of(verb, target))
    }

    /// `POST selfsubjectaccessreviews` (authorization.k8s.io): may I?
    pub(super) fn self_subject_access_review(
        &self,
        caller: &Caller,
        request: &ApiRequest,
    ) -> ApiResponse {
        let review = match Self::body(request) {
            Ok(review) => review,
            Err(response) => return response,
        };
        let subject = self.subject(&caller.name);
        self.kube_review(review, "SelfSubjectAccessReview", &subject, None)
    }

    /// `POST subjectaccessreviews` and `namespaces/NS/localsubjectaccessreviews`
    /// (authorization.k8s.io): may this user or these groups? The caller's right to ask was
    /// checked on the way in (cluster-admin, or admin of the namespace for a local review).
    pub(super) fn subject_access_review(
        &self,
        target: &Target,
        request: &ApiRequest,
    ) -> ApiResponse {
        let review = match Self::body(request) {
            Ok(review) => review,
            Err(response) => return response,
        };
        let spec = review.get("spec").cloned().unwrap_or(json!({}));
        let user = spec.get("user").and_then(Value::as_str).unwrap_or_default();
        let groups = groups_in(&spec);
        if user.is_empty() && groups.is_empty() {
            let error = FieldError::invalid(
                "spec.user",
                FieldValue::Text(String::new()),
                "at least one of user or group must be specified",
            );
            return invalid(target.resource, "", &[error]);
        }
        // The groups asked about, and those of a user the cluster knows.
        let mut subject = Subject {
            user: user.to_owned(),
            groups,
        };
        if !user.is_empty() && self.auth.user(user).is_some() {
            for group in self.subject(user).groups {
                if !subject.groups.contains(&group) {
                    subject.groups.push(group);
                }
            }
        }
        let kind = target.resource.kind;
        self.kube_review(review, kind, &subject, target.namespace.as_deref())
    }

    /// Answers a Kubernetes access review of `kind` for `subject`; `local_namespace` is the
    /// URL's namespace of a LocalSubjectAccessReview.
    fn kube_review(
        &self,
        mut review: Value,
        kind: &str,
        subject: &Subject,
        local_namespace: Option<&str>,
    ) -> ApiResponse {
        let resource_attributes = review.pointer("/spec/resourceAttributes").cloned();
        let non_resource = review.pointer("/spec/nonResourceAttributes").cloned();
        let present = |v: &Option<Value>| v.as_ref().is_some_and(|v| !v.is_null());
        let reviews = resources::find(
            "authorization.k8s.io",
            "v1",
            &format!("{}s", kind.to_ascii_lowercase()),
        );
        // kube's ValidateSubjectAccessReviewSpec (and its self and local variants).
        let spec_error = match (present(&resource_attributes), present(&non_resource)) {
            (true, true) => Some(FieldError::invalid(
                "spec.nonResourceAttributes",
                FieldValue::Text("{}".into()),
                "cannot be specified in combination with resourceAttributes",
            )),
            (false, false) => Some(FieldError::invalid(
                "spec.resourceAttributes",
                FieldValue::Text("null".into()),
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )),
            _ => None,
        };
        if let (Some(error), Some(resource)) = (spec_error, reviews) {
            return invalid(resource, "", &[error]);
        }
        let reason = match (&resource_attributes, &non_resource) {
            (Some(attributes), _) if !attributes.is_null() => {
                let attributes = Attributes::from_kube(attributes);
                if let Some(namespace) = local_namespace {
                    if attributes.namespace != namespace {
                        return bad_request(format!(
                            "spec.resourceAttributes.namespace must match namespace: {namespace}"
                        ));
                    }
                }
                self.decide(subject, &attributes)
            }
            (_, Some(attributes)) => {
                let text = |key: &str| text_at(attributes, key);
                self.decide_path(subject, &text("verb"), &text("path"))
            }
            _ => None,
        };
        review["kind"] = json!(kind);
        review["apiVersion"] = json!("authorization.k8s.io/v1");
        if !review.get("metadata").is_some_and(Value::is_object) {
            review["metadata"] = json!({});
        }
        review["metadata"]["creationTimestamp"] = Value::Null;
        // RBAC never denies outright: a request it does not allow has no opinion (`denied`
        // stays unset) and no reason.
        review["status"] = match reason {
            Some(reason) => json!({"allowed": true, "reason": reason}),
            None => json!({"allowed": false}),
        };
        ApiResponse::json(201, &review)
    }

    /// A non-resource request (`GET /version`…): the discovery and cluster-status paths every
    /// authenticated user may get.
    fn decide_path(&self, subject: &Subject, verb: &str, path: &str) -> Option<String> {
        if subject.groups.iter().any(|g| g == "system:cluster-admins") {
            return Some(roles::cluster_reason(
                "cluster-admins",
                "cluster-admin",
                "system:cluster-admins",
            ));
        }
        let listed =
            roles::AUTHENTICATED_PATHS
                .iter()
                .any(|allowed| match allowed.strip_suffix('*') {
                    Some(prefix) => path.starts_with(prefix),
                    None => *allowed == path,
                });
        (verb == "get" && listed).then(|| {
            roles::cluster_reason(
                "cluster-status-binding",
                "cluster-status",
                "system:authenticated",
            )
        })
    }

    /// The rules `user` has in `namespace`, as RBAC's rule resolver lists them: the cluster
    /// bindings first, then the project's role binding.
    fn rules_of(&self, user: &str, namespace: &str) -> (Vec<Rule>, Vec<&'static str>) {
        if self.auth.user(user).is_some_and(|r| r.cluster_admin) {
            return (vec![roles::CLUSTER_ADMIN], vec!["*"]);
        }
        let mut rules: Vec<Rule> = roles::AUTHENTICATED
            .iter()
            .flat_map(|b| b.rules.iter().copied())
            .collect();
        let access: Option<Access> = self
            .auth
            .user(user)
            .and_then(|r| r.projects.get(namespace).copied());
        if let Some(access) = access {
            rules.extend(roles::project_rules(access).copied());
        }
        (rules, roles::AUTHENTICATED_PATHS.to_vec())
    }

    /// `POST selfsubjectrulesreviews`: Kubernetes' (`auth can-i --list`, `spec.namespace`) or
    /// OpenShift's (namespaced, `status.rules`).
    pub(super) fn self_subject_rules_review(
        &self,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
    ) -> ApiResponse {
        let mut review = match Self::body(request) {
            Ok(review) => review,
            Err(response) => return response,
        };
        let openshift = target.resource.group == "authorization.openshift.io";
        let namespace = if openshift {
            target.namespace.clone().unwrap_or_default()
        } else {
            review
                .pointer("/spec/namespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (rules, paths) = self.rules_of(&caller.name, &namespace);
        review["kind"] = json!("SelfSubjectRulesReview");
        review["apiVersion"] = json!(target.resource.group_version());
        if !review.get("metadata").is_some_and(Value::is_object) {
            review["metadata"] = json!({});
        }
        review["metadata"]["creationTimestamp"] = Value::Null;
        let path_verbs = if paths == ["*"] {
            vec!["*"]
        } else {
            vec!["get"]
        };
        review["status"] = if openshift {
            let mut listed: Vec<Value> = rules.iter().map(roles::rule_json).collect();
            listed.push(json!({"verbs": path_verbs, "apiGroups": null, "resources": null, "nonResourceURLs": paths}));
            json!({"rules": listed})
        } else {
            json!({
                "resourceRules": rules.iter().map(roles::rule_json).collect::<Vec<_>>(),
                "nonResourceRules": [{"verbs": path_verbs, "nonResourceURLs": paths}],
                "incomplete": false,
            })
        };
        ApiResponse::json(201, &review)
    }

    /// `POST subjectaccessreviews` and `namespaces/NS/localsubjectaccessreviews`
    /// (authorization.openshift.io), as openshift-apiserver's subjectaccessreview REST answers:
    /// a review naming no user and no group is about the caller (anyone may ask it, as a
    /// SelfSubjectAccessReview); one about someone else needs the right to create a local
    /// review in the namespace (cluster-admin at the cluster scope).
    pub(super) fn openshift_subject_access_review(
        &self,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
    ) -> ApiResponse {
        let (review, mut attributes) = match openshift_action(target.resource, request) {
            Ok(parsed) => parsed,
            Err(response) => return response,
        };
        if let Some(namespace) = &target.namespace {
            attributes.namespace = namespace.clone();
        }
        let user = review
            .get("user")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let groups = groups_in(&review);
        let personal = user.is_empty() && groups.is_empty();
        if !personal {
            if let Err(denied) =
                self.may_review(caller, "localsubjectaccessreviews", &attributes.namespace)
            {
                return denied;
            }
        }
        let subject = if personal {
            self.subject(&caller.name)
        } else {
            let mut subject = Subject {
                user: user.to_owned(),
                groups,
            };
            if self.auth.user(user).is_some() {
                subject.groups.extend(self.subject(user).groups);
            }
            subject
        };
        let reason = if review.get("isNonResourceURL") == Some(&Value::Bool(true)) {
            let path = review
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or_default();
            self.decide_path(&subject, &attributes.verb, path)
        } else {
            self.decide(&subject, &attributes)
        };
        let mut response = json!({
            "kind": "SubjectAccessReviewResponse",
            "apiVersion": "authorization.openshift.io/v1",
            "namespace": attributes.namespace,
            "allowed": reason.is_some(),
        });
        if let Some(reason) = reason {
            response["reason"] = json!(reason);
        }
        ApiResponse::json(201, &response)
    }

    /// The check openshift-apiserver makes before a review about others: the caller may
    /// create `resource` (a local review) in `namespace`, or at the cluster scope.
    fn may_review(
        &self,
        caller: &Caller,
        resource: &str,
        namespace: &str,
    ) -> Result<(), ApiResponse> {
        let attributes = Attributes {
            verb: "create".into(),
            group: "authorization.openshift.io".into(),
            resource: resource.into(),
            namespace: namespace.into(),
            name: String::new(),
        };
        if self
            .decide(&self.subject(&caller.name), &attributes)
            .is_some()
        {
            return Ok(());
        }
        let scope = if namespace.is_empty() {
            "at the cluster scope".to_owned()
        } else {
            format!("in the namespace {namespace:?}")
        };
        Err(failure(
            403,
            "Forbidden",
            format!("{resource}.authorization.openshift.io is forbidden: User {:?} cannot create resource {resource:?} in API group \"authorization.openshift.io\" {scope}", caller.name),
            Some(json!({"group": "authorization.openshift.io", "kind": resource})),
        ))
    }

    /// `POST resourceaccessreviews` and `namespaces/NS/localresourceaccessreviews`: who may
    /// do this? The users and groups whose bindings allow it, as openshift-apiserver's subject
    /// locator reports them: users bound in the namespace, `system:admin` and the groups of the
    /// cluster bindings (cluster-admins, masters, cluster readers for reads, and the groups every
    /// authenticated user is in when their roles allow it).
    pub(super) fn resource_access_review(
        &self,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
    ) -> ApiResponse {
        let (_, mut attributes) = match openshift_action(target.resource, request) {
            Ok(parsed) => parsed,
            Err(response) => return response,
        };
        match &target.namespace {
            Some(namespace) => attributes.namespace = namespace.clone(),
            None => {
                if let Err(denied) =
                    self.may_review(caller, "localresourceaccessreviews", &attributes.namespace)
                {
                    return denied;
                }
            }
        }
        let allows = |rule: &Rule| attributes.allowed_by(rule);
        let mut users: BTreeSet<String> = BTreeSet::from(["system:admin".to_owned()]);
        if !attributes.namespace.is_empty() {
            for (name, record) in self.auth.users() {
                let allowed = record
                    .projects
                    .get(&attributes.namespace)
                    .is_some_and(|access| roles::project_rules(*access).any(allows));
                if allowed && !record.cluster_admin {
                    users.insert(name.to_owned());
                }
            }
        }
        let mut groups: BTreeSet<&str> =
            BTreeSet::from(["system:cluster-admins", "system:masters"]);
        let reading = matches!(attributes.verb.as_str(), "get" | "list" | "watch");
        if reading && roles::project_rules(Access::View).any(allows) {
            groups.insert("system:cluster-readers");
        }
        for binding in roles::AUTHENTICATED {
            if binding.rules.iter().any(allows) {
                groups.insert(binding.group);
            }
        }
        ApiResponse::json(
            201,
            &json!({
                "kind": "ResourceAccessReviewResponse",
                "apiVersion": "authorization.openshift.io/v1",
                "namespace": attributes.namespace,
                "users": users,
                "groups": groups,
                // The field's real JSON name has this spelling (openshift/api authorization/v1).
                "evalutionError": "",
            }),
        )
    }
}

/// The string at `key` of `object`, empty when missing.
fn text_at(object: &Value, key: &str) -> String {
    object
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The body of an OpenShift review and its inline `Action`, once valid.
fn openshift_action(
    resource: &Resource,
    request: &ApiRequest,
) -> Result<(Value, Attributes), ApiResponse> {
    let review = Cluster::body(request)?;
    let attributes = Attributes::from_openshift(&review);
    validate_action(resource, &review, &attributes)?;
    Ok((review, attributes))
}

/// The `groups` a review names.
fn groups_in(review: &Value) -> Vec<String> {
    review
        .get("groups")
        .and_then(Value::as_array)
        .map(|groups| {
            groups
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// OpenShift's ValidateSubjectAccessReview / ValidateResourceAccessReview: a verb, and a
/// resource unless the action is about a path.
fn validate_action(
    resource: &Resource,
    review: &Value,
    attributes: &Attributes,
) -> Result<(), ApiResponse> {
    let mut errors = Vec::new();
    if attributes.verb.is_empty() {
        errors.push(FieldError::required("verb", ""));
    }
    let about_path = review.get("isNonResourceURL") == Some(&Value::Bool(true));
    if !about_path && attributes.resource.is_empty() {
        errors.push(FieldError::required("resource", ""));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(invalid(resource, "", &errors))
    }
}

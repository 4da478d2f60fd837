//! Who may do what: asking the cluster before offering an action (`SelfSubjectAccessReview`, as
//! `oc auth can-i` does), and reading a 403's message back into the permission that is missing.

use super::{resource_path, ApiCall, ApiError, Client};
use crate::i18n::tf;
use leptos::prelude::*;
use serde::Deserialize;

/// One permission: a verb on a resource of an API group, in a project (or cluster-wide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// `get`, `list`, `create`, `delete`, …
    pub verb: String,
    /// Plural resource name, e.g. `imagestreams`.
    pub resource: String,
    /// API group, empty for the core group.
    pub group: String,
    /// The project, or `None` for cluster-scoped requests.
    pub namespace: Option<String>,
}

impl Permission {
    /// A permission on a namespaced resource.
    pub fn new(verb: &str, group: &str, resource: &str, namespace: &str) -> Self {
        Self {
            verb: verb.into(),
            resource: resource.into(),
            group: group.into(),
            namespace: Some(namespace.into()),
        }
    }

    /// Reads the permission out of the API server's Forbidden message, e.g.
    /// `… is forbidden: User "viewer" cannot delete resource "imagestreams" in API group
    /// "image.openshift.io" in the namespace "demo"`.
    pub fn from_forbidden_message(message: &str) -> Option<(String, Self)> {
        let after_user = message.split_once("is forbidden: User ")?.1;
        let (user, rest) = quoted(after_user)?;
        let rest = rest.trim_start().strip_prefix("cannot ")?;
        let (verb, rest) = rest.split_once(' ')?;
        let rest = rest.strip_prefix("resource ")?;
        let (resource, rest) = quoted(rest)?;
        let rest = rest.trim_start().strip_prefix("in API group ")?;
        let (group, rest) = quoted(rest)?;
        let namespace = rest
            .trim_start()
            .strip_prefix("in the namespace ")
            .and_then(quoted)
            .map(|(namespace, _)| namespace);
        Some((
            user,
            Self {
                verb: verb.into(),
                resource,
                group,
                namespace,
            },
        ))
    }

    /// What to tell a person who lacks this permission, in `oc` terms.
    pub fn explain(&self, user: &str) -> String {
        // The verb and resource stay in the API's words (`delete imagestreams`), as `oc` and
        // the role definitions write them; only the sentence around them is translated.
        let resource = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{} ({})", self.resource, self.group)
        };
        let args = [
            ("user", user),
            ("verb", self.verb.as_str()),
            ("resource", resource.as_str()),
            ("namespace", self.namespace.as_deref().unwrap_or_default()),
        ];
        match &self.namespace {
            Some(_) => tf(
                "{user} may not {verb} {resource} in project {namespace}. Ask a project administrator for a role that allows it, e.g. `oc adm policy add-role-to-user edit {user} -n {namespace}`.",
                &args,
            ),
            None => tf(
                "{user} may not {verb} {resource} across the cluster. Ask a cluster administrator for a role that allows it.",
                &args,
            ),
        }
    }
}

/// The text between the first pair of double quotes, and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    Some((rest[..end].to_owned(), &rest[end + 1..]))
}

/// The missing permission, explained, when `error` is a 403 from the API server.
pub fn forbidden_explanation(error: &ApiError) -> Option<String> {
    if !error.is_forbidden() {
        return None;
    }
    let (user, permission) = Permission::from_forbidden_message(error.server_message()?)?;
    Some(permission.explain(&user))
}

#[derive(Deserialize)]
struct ReviewAnswer {
    #[serde(default)]
    status: ReviewStatus,
}

#[derive(Default, Deserialize)]
struct ReviewStatus {
    #[serde(default)]
    allowed: bool,
}

impl Client {
    /// `oc auth can-i VERB RESOURCE -n NAMESPACE`: asks the cluster whether the current user
    /// has `permission`.
    pub async fn can_i(&self, permission: &Permission) -> Result<bool, ApiError> {
        let mut attributes = serde_json::Map::new();
        attributes.insert("verb".into(), permission.verb.clone().into());
        attributes.insert("group".into(), permission.group.clone().into());
        attributes.insert("resource".into(), permission.resource.clone().into());
        if let Some(namespace) = &permission.namespace {
            attributes.insert("namespace".into(), namespace.clone().into());
        }
        let review = serde_json::json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "spec": { "resourceAttributes": attributes },
        });
        let call = ApiCall {
            method: "POST",
            path: resource_path(
                "authorization.k8s.io/v1",
                None,
                "selfsubjectaccessreviews",
                None,
            ),
            body: Some(review.to_string()),
            content_type: "application/json",
        };
        let answer: ReviewAnswer = self.call_json(call).await?;
        Ok(answer.status.allowed)
    }
}

/// Whether the user may do `permission`, asked once per client: `None` while the cluster has not
/// answered. An action button is disabled unless this is `Some(true)`; a failed review counts as
/// "not allowed" (the server would refuse anyway, and says why when tried).
pub fn use_permission(client: Signal<Client>, permission: Permission) -> Signal<Option<bool>> {
    let answer = LocalResource::new(move || {
        let client = client.get();
        let permission = permission.clone();
        async move { client.can_i(&permission).await.unwrap_or(false) }
    });
    Signal::derive(move || answer.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespaced_forbidden_message_names_the_missing_permission() {
        let message = r#"imagestreams.image.openshift.io "nginx" is forbidden: User "viewer" cannot delete resource "imagestreams" in API group "image.openshift.io" in the namespace "demo""#;
        let (user, permission) = Permission::from_forbidden_message(message).unwrap();
        assert_eq!(user, "viewer");
        assert_eq!(
            permission,
            Permission::new("delete", "image.openshift.io", "imagestreams", "demo")
        );
        assert_eq!(
            permission.explain(&user),
            "viewer may not delete imagestreams (image.openshift.io) in project demo. Ask a project administrator for a role that allows it, e.g. `oc adm policy add-role-to-user edit viewer -n demo`."
        );
    }

    #[test]
    fn a_cluster_scoped_or_core_message_still_reads_well() {
        let message = r#"namespaces is forbidden: User "developer" cannot list resource "namespaces" in API group "" at the cluster scope"#;
        let (user, permission) = Permission::from_forbidden_message(message).unwrap();
        assert_eq!(permission.namespace, None);
        assert_eq!(
            permission.explain(&user),
            "developer may not list namespaces across the cluster. Ask a cluster administrator for a role that allows it."
        );
    }

    #[test]
    fn other_messages_are_not_guessed_at() {
        assert_eq!(Permission::from_forbidden_message("forbidden"), None);
        assert_eq!(
            Permission::from_forbidden_message(r#"x is forbidden: User "a" cannot"#),
            None
        );
    }
}

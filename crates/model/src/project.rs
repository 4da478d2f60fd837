//! Projects and users (`project.openshift.io`, `user.openshift.io`).

use crate::meta::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A project: a namespace as the user sees it, with a display name and description.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// `project.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Project`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name and the `openshift.io/display-name` / `description` annotations.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Anything else (spec.finalizers, status.phase), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Project {
    /// The display name annotation, or the name.
    pub fn display_name(&self) -> &str {
        self.metadata
            .annotation("openshift.io/display-name")
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| self.metadata.name())
    }
}

/// The logged-in user (`users/~`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// `user.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `User`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The user name is `metadata.name`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Full name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Group memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// Anything else (identities), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

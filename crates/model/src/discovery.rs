//! What a server says about itself: API discovery (classic and aggregated), the OAuth server
//! metadata for "Log in with OpenShift", and registry manifest lists read during import.
//! Also `GenericObject`, for kinds the console only carries along (BuildConfig, Route…).

use crate::meta::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /apis/<group>/<version>`: the resources of one group version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResourceList {
    /// `APIResourceList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// e.g. `image.openshift.io/v1`.
    #[serde(default)]
    pub group_version: String,
    /// The resources.
    #[serde(default)]
    pub resources: Vec<ApiResource>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One resource in discovery.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    /// Plural name, e.g. `imagestreams` or `imagestreams/status`.
    pub name: String,
    /// Singular name; may be empty.
    #[serde(default)]
    pub singular_name: String,
    /// Whether objects live in a namespace.
    #[serde(default)]
    pub namespaced: bool,
    /// The kind, e.g. `ImageStream`.
    #[serde(default)]
    pub kind: String,
    /// Allowed verbs.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Short names such as `is`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_names: Option<Vec<String>>,
    /// Categories such as `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Anything else (storageVersionHash, group, version), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Aggregated discovery (`apidiscovery.k8s.io/v2`): every group in one document. The resource
/// entries are kept as JSON; the console reads only names and verbs from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroupDiscoveryList {
    /// `apidiscovery.k8s.io/v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `APIGroupDiscoveryList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// One entry per group.
    #[serde(default)]
    pub items: Vec<ApiGroupDiscovery>,
    /// Anything else (metadata), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One group in aggregated discovery.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiGroupDiscovery {
    /// The group name is `metadata.name`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Versions with their resources.
    #[serde(default)]
    pub versions: Vec<Value>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `/.well-known/oauth-authorization-server`: where to send the user to log in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OAuthServerMetadata {
    /// The OAuth server's URL (not the API server's).
    pub issuer: String,
    /// Where the browser goes to log in.
    pub authorization_endpoint: String,
    /// Where a code is exchanged for a token.
    pub token_endpoint: String,
    /// e.g. `user:full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes_supported: Option<Vec<String>>,
    /// `code`, `token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_types_supported: Option<Vec<String>>,
    /// `plain`, `S256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Anything else (grant types), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A registry manifest list (Docker) or image index (OCI): one manifest per platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestList {
    /// 2 for both formats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<i64>,
    /// The list's media type, when the registry writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The platform manifests.
    #[serde(default)]
    pub manifests: Vec<PlatformManifest>,
    /// Anything else (annotations), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One platform's entry in a manifest list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformManifest {
    /// The manifest digest.
    pub digest: String,
    /// The manifest's media type.
    #[serde(default)]
    pub media_type: String,
    /// Manifest size in bytes.
    #[serde(default)]
    pub size: i64,
    /// `{architecture, os, variant?}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A platform: CPU architecture and operating system.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    /// e.g. `amd64`, `arm64`.
    #[serde(default)]
    pub architecture: String,
    /// e.g. `linux`.
    #[serde(default)]
    pub os: String,
    /// e.g. `v8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Any Kubernetes object the console does not model field by field: its identity is typed,
/// the rest is carried unchanged (BuildConfig, Route, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenericObject {
    /// API group and version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name, namespace, labels, annotations.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

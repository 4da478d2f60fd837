//! Which kinds devcluster serves in protobuf, derived from the resource table
//! (`crate::resources::RESOURCES`): every resource of a Kubernetes built-in API group, its
//! List kind when it can be listed, the kinds of its subresources (Scale), and meta/v1's
//! Status, DeleteOptions, WatchEvent and options, which kube-apiserver registers in every
//! group version (`metav1.AddToGroupVersion`). A resource added to the table gets its
//! protobuf form with no edit here.
//!
//! build.rs includes this file (with `resources.rs`) to know which `.proto` files to compile,
//! so it uses nothing but `std` and `crate::resources`.

use crate::resources::{is_kubernetes_group, RESOURCES};
use std::collections::HashMap;
use std::sync::OnceLock;

/// meta/v1 as a group version of its own (DeleteOptions may name it).
pub const META_GROUP_VERSION: &str = "meta.k8s.io/v1";
/// The folder of meta/v1's `.proto` file.
const META_FOLDER: &str = "apimachinery/pkg/apis/meta/v1";

/// Kinds of meta/v1 that every group version answers with or accepts (`Status` is
/// unversioned `v1`).
pub const META_KINDS: &[&str] = &[
    "Status",
    "DeleteOptions",
    "WatchEvent",
    "ListOptions",
    "GetOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
];

/// The kinds that subresources read and write, as kube-apiserver's REST storage for them
/// declares (`New()`): every built-in `…/scale` is an autoscaling/v1 Scale, pods' `eviction`
/// a policy/v1 Eviction, `binding` a v1 Binding, serviceaccounts' `token` a TokenRequest.
/// `status` (and pods' `ephemeralcontainers`, `resize`) carry the resource's own kind;
/// the others (`log`, `exec`, `proxy`, …) are no objects.
const SUBRESOURCE_KINDS: &[(&str, &str, &str)] = &[
    ("scale", "autoscaling/v1", "Scale"),
    ("eviction", "policy/v1", "Eviction"),
    ("binding", "v1", "Binding"),
    ("token", "authentication.k8s.io/v1", "TokenRequest"),
];

/// The group version and kind a subresource reads and writes, when it has one of its own.
pub fn subresource_kind(subresource: &str) -> Option<(&'static str, &'static str)> {
    SUBRESOURCE_KINDS
        .iter()
        .find(|(name, ..)| *name == subresource)
        .map(|(_, group_version, kind)| (*group_version, *kind))
}

/// A kind with a protobuf form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoKind {
    /// `apps/v1`, `v1`, `meta.k8s.io/v1`.
    pub group_version: String,
    /// `Deployment`, `DeploymentList`, `Scale`.
    pub kind: String,
    /// The proto message's full name: `api.apps.v1.Deployment`.
    pub message: String,
}

/// The folder of a built-in group version's `.proto` file (`api/apps/v1`), or `None` for a
/// group that is not one of Kubernetes' ([`crate::resources::is_kubernetes_group`]): the
/// layout of Kubernetes' sources as the k8s-rs-pb package ships them (`k8s.io/api/<first
/// label of the group>`, core as `api/core`, and the apiextensions-apiserver and
/// kube-aggregator groups), whose proto package is the folder with dots (`api.apps.v1`).
pub fn proto_folder(group: &str, version: &str) -> Option<String> {
    if !is_kubernetes_group(group) {
        return None;
    }
    let folder = match group {
        "" => "api/core".to_owned(),
        "apiextensions.k8s.io" => "apiextensions_apiserver/pkg/apis/apiextensions".to_owned(),
        "apiregistration.k8s.io" => "kube_aggregator/pkg/apis/apiregistration".to_owned(),
        "internal.apiserver.k8s.io" => "api/apiserverinternal".to_owned(),
        _ => format!("api/{}", group.split('.').next().unwrap_or(group)),
    };
    Some(format!("{folder}/{version}"))
}

fn split(group_version: &str) -> (&str, &str) {
    group_version
        .rsplit_once('/')
        .unwrap_or(("", group_version))
}

/// The proto package of a group version's messages (`api.apps.v1`).
fn package(group_version: &str) -> Option<String> {
    if group_version == META_GROUP_VERSION {
        return Some(META_FOLDER.replace('/', "."));
    }
    let (group, version) = split(group_version);
    proto_folder(group, version).map(|folder| folder.replace('/', "."))
}

/// Every kind served in protobuf, derived from the resource table (see the module doc).
pub fn kinds() -> Vec<ProtoKind> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |group_version: String, kind: String| {
        if !pairs
            .iter()
            .any(|(gv, k)| *gv == group_version && *k == kind)
        {
            pairs.push((group_version, kind));
        }
    };
    for resource in RESOURCES.iter().filter(|r| is_kubernetes_group(r.group)) {
        let group_version = resource.group_version();
        add(group_version.clone(), resource.kind.to_owned());
        if resource.allows("list") {
            add(group_version.clone(), format!("{}List", resource.kind));
        }
        for (group_version, kind) in resource
            .subresources
            .iter()
            .filter_map(|subresource| subresource_kind(subresource))
        {
            add(group_version.to_owned(), kind.to_owned());
        }
    }
    for kind in META_KINDS {
        add(META_GROUP_VERSION.to_owned(), (*kind).to_owned());
    }
    pairs
        .into_iter()
        .filter_map(|(group_version, kind)| {
            let message = if META_KINDS.contains(&kind.as_str()) {
                format!("{}.{kind}", package(META_GROUP_VERSION)?)
            } else {
                format!("{}.{kind}", package(&group_version)?)
            };
            Some(ProtoKind {
                group_version,
                kind,
                message,
            })
        })
        .collect()
}

/// The `.proto` files (relative to the package's version folder) that hold the kinds served:
/// one per group version, and meta/v1's. Their imports are found by build.rs, which is
/// what calls this.
#[allow(dead_code)]
pub fn proto_files() -> Vec<String> {
    let mut files: Vec<String> = vec![format!("{META_FOLDER}/generated.proto")];
    for kind in kinds() {
        let (group, version) = split(&kind.group_version);
        if let Some(folder) = proto_folder(group, version) {
            let file = format!("{folder}/generated.proto");
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    files
}

struct Lookup {
    /// (group version, kind) → message full name.
    by_kind: HashMap<(String, String), String>,
    /// Messages whose Go struct embeds `metav1.TypeMeta`.
    type_meta: HashMap<String, ()>,
    /// Group versions with protobuf forms.
    group_versions: Vec<String>,
}

fn lookup() -> &'static Lookup {
    static LOOKUP: OnceLock<Lookup> = OnceLock::new();
    LOOKUP.get_or_init(|| {
        let kinds = kinds();
        let mut group_versions: Vec<String> = Vec::new();
        for kind in &kinds {
            if !group_versions.contains(&kind.group_version) {
                group_versions.push(kind.group_version.clone());
            }
        }
        Lookup {
            type_meta: kinds
                .iter()
                // A watch event is `type` and `object`; every other kind embeds TypeMeta.
                .filter(|k| k.kind != "WatchEvent")
                .map(|k| (k.message.clone(), ()))
                .collect(),
            by_kind: kinds
                .into_iter()
                .map(|k| ((k.group_version, k.kind), k.message))
                .collect(),
            group_versions,
        }
    })
}

/// The message full name of a kind in a group version, when it has a protobuf form: the
/// kinds served, and meta/v1's kinds in any group version that has protobuf forms.
pub fn message_name(group_version: &str, kind: &str) -> Option<String> {
    let lookup = lookup();
    if META_KINDS.contains(&kind)
        && (lookup.group_versions.iter().any(|gv| gv == group_version) || group_version == "v1")
    {
        return Some(format!("{}.{kind}", package(META_GROUP_VERSION)?));
    }
    lookup
        .by_kind
        .get(&(group_version.to_owned(), kind.to_owned()))
        .cloned()
}

/// Whether a message is a kind whose Go struct embeds `metav1.TypeMeta`: `apiVersion` and
/// `kind` are JSON fields of its although the protobuf message has none.
pub fn has_type_meta(message: &str) -> bool {
    lookup().type_meta.contains_key(message)
}

//! The resources devcluster serves, described once: discovery, routing, RBAC messages and
//! Table output all read this table, so a resource is added in one place.
//!
//! build.rs includes this file too (for the protobuf forms of the built-in kinds,
//! src/protobuf/served.rs), so it uses nothing but `std`.

/// How a resource is stored and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Objects kept in the store.
    Stored,
    /// Computed from other objects (imagestreamtags, users/~, reviews…).
    Virtual,
}

/// One API resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// API group; empty for the core group.
    pub group: &'static str,
    /// API version.
    pub version: &'static str,
    /// Plural name used in paths.
    pub plural: &'static str,
    /// Singular name.
    pub singular: &'static str,
    /// The kind of its objects.
    pub kind: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names (`is`, `deploy`…).
    pub short_names: &'static [&'static str],
    /// Categories (`all`).
    pub categories: &'static [&'static str],
    /// Verbs allowed on the resource.
    pub verbs: &'static [&'static str],
    /// Subresources such as `status`.
    pub subresources: &'static [&'static str],
    /// Stored or computed.
    pub storage: Storage,
    /// Field selectors supported besides metadata.name and metadata.namespace.
    pub extra_field_selectors: &'static [&'static str],
}

impl Resource {
    /// `group/version`, or `version` for the core group.
    pub fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group` as error messages name it (`imagestreams.image.openshift.io`, `pods`).
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The store key prefix, unique across groups.
    pub fn id(&self) -> &'static str {
        self.plural
    }

    /// Whether the verb is allowed.
    pub fn allows(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }

    /// Whether objects have a status subresource (spec and status are written separately).
    pub fn has_status(&self) -> bool {
        self.subresources.contains(&"status")
    }

    /// Whether the server keeps metadata.generation for this kind.
    pub fn tracks_generation(&self) -> bool {
        matches!(
            self.kind,
            "Deployment"
                | "ReplicaSet"
                | "ImageStream"
                | "DeploymentConfig"
                | "DaemonSet"
                | "StatefulSet"
                | "ReplicationController"
                | "Job"
                | "CronJob"
                | "BuildConfig"
        )
    }
}

/// A namespaced kind stored like any other, with every verb: (group, plural, singular, kind,
/// short names, categories, subresources), as its API server's discovery lists it.
const fn namespaced(
    group: &'static str,
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    subresources: &'static [&'static str],
) -> Resource {
    Resource {
        group,
        version: "v1",
        plural,
        singular,
        kind,
        namespaced: true,
        short_names,
        categories,
        verbs: CRUD,
        subresources,
        storage: Storage::Stored,
        extra_field_selectors: &[],
    }
}

/// A computed resource that only takes `create` (the access reviews).
const fn review(
    group: &'static str,
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
) -> Resource {
    Resource {
        group,
        version: "v1",
        plural,
        singular,
        kind,
        namespaced,
        short_names: &[],
        categories: &[],
        verbs: &["create"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    }
}

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Every resource served.
pub const RESOURCES: &[Resource] = &[
    Resource {
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        kind: "Namespace",
        namespaced: false,
        short_names: &["ns"],
        categories: &[],
        verbs: &[
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        subresources: &["status"],
        storage: Storage::Stored,
        extra_field_selectors: &["status.phase"],
    },
    Resource {
        group: "",
        version: "v1",
        plural: "pods",
        singular: "pod",
        kind: "Pod",
        namespaced: true,
        short_names: &["po"],
        categories: &["all"],
        verbs: CRUD,
        subresources: &["status"],
        storage: Storage::Stored,
        extra_field_selectors: &["status.phase", "spec.nodeName"],
    },
    Resource {
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        kind: "Service",
        namespaced: true,
        short_names: &["svc"],
        categories: &["all"],
        verbs: CRUD,
        subresources: &["status"],
        storage: Storage::Stored,
        extra_field_selectors: &[],
    },
    Resource {
        group: "",
        version: "v1",
        plural: "events",
        singular: "event",
        kind: "Event",
        namespaced: true,
        short_names: &["ev"],
        categories: &[],
        verbs: CRUD,
        subresources: &[],
        storage: Storage::Stored,
        // The event registry's selectable fields (kubectl describe selects by all four
        // involvedObject fields of the object it describes).
        extra_field_selectors: &[
            "involvedObject.name",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "type",
        ],
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "deployments",
        singular: "deployment",
        kind: "Deployment",
        namespaced: true,
        short_names: &["deploy"],
        categories: &["all"],
        verbs: CRUD,
        subresources: &["scale", "status"],
        storage: Storage::Stored,
        extra_field_selectors: &[],
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "replicasets",
        singular: "replicaset",
        kind: "ReplicaSet",
        namespaced: true,
        short_names: &["rs"],
        categories: &["all"],
        verbs: CRUD,
        subresources: &["scale", "status"],
        storage: Storage::Stored,
        extra_field_selectors: &[],
    },
    Resource {
        group: "image.openshift.io",
        version: "v1",
        plural: "imagestreams",
        singular: "imagestream",
        kind: "ImageStream",
        namespaced: true,
        short_names: &["is"],
        categories: &["all"],
        verbs: CRUD,
        subresources: &["status"],
        storage: Storage::Stored,
        extra_field_selectors: &["spec.dockerImageRepository", "status.dockerImageRepository"],
    },
    Resource {
        group: "image.openshift.io",
        version: "v1",
        plural: "imagestreamtags",
        singular: "imagestreamtag",
        kind: "ImageStreamTag",
        namespaced: true,
        short_names: &["istag"],
        categories: &[],
        verbs: &["create", "delete", "get", "list", "patch", "update"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    Resource {
        group: "image.openshift.io",
        version: "v1",
        plural: "imagestreamimages",
        singular: "imagestreamimage",
        kind: "ImageStreamImage",
        namespaced: true,
        short_names: &["isimage"],
        categories: &[],
        verbs: &["get"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    Resource {
        group: "image.openshift.io",
        version: "v1",
        plural: "imagestreamimports",
        singular: "imagestreamimport",
        kind: "ImageStreamImport",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: &["create"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    Resource {
        group: "image.openshift.io",
        version: "v1",
        plural: "images",
        singular: "image",
        kind: "Image",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &["delete", "get", "list", "watch"],
        subresources: &[],
        storage: Storage::Stored,
        extra_field_selectors: &[],
    },
    Resource {
        group: "project.openshift.io",
        version: "v1",
        plural: "projects",
        singular: "project",
        kind: "Project",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &[
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &["status.phase"],
    },
    Resource {
        group: "project.openshift.io",
        version: "v1",
        plural: "projectrequests",
        singular: "projectrequest",
        kind: "ProjectRequest",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &["create", "list"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    Resource {
        group: "user.openshift.io",
        version: "v1",
        plural: "users",
        singular: "user",
        kind: "User",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &["get"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    Resource {
        group: "authorization.k8s.io",
        version: "v1",
        plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview",
        kind: "SelfSubjectAccessReview",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &["create"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    review(
        "authorization.k8s.io",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        false,
    ),
    review(
        "authorization.k8s.io",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        true,
    ),
    review(
        "authorization.k8s.io",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        false,
    ),
    // OpenShift's own reviews (`oc adm policy who-can`, `oc status`, `oc login`). The
    // singular of resourceaccessreviews is what openshift-apiserver really reports (its REST
    // storage shares the local review's GetSingularName).
    review(
        "authorization.openshift.io",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        false,
    ),
    review(
        "authorization.openshift.io",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        true,
    ),
    review(
        "authorization.openshift.io",
        "resourceaccessreviews",
        "localresourceaccessreview",
        "ResourceAccessReview",
        false,
    ),
    review(
        "authorization.openshift.io",
        "localresourceaccessreviews",
        "localresourceaccessreview",
        "LocalResourceAccessReview",
        true,
    ),
    review(
        "authorization.openshift.io",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        true,
    ),
    Resource {
        group: "oauth.openshift.io",
        version: "v1",
        plural: "oauthaccesstokens",
        singular: "oauthaccesstoken",
        kind: "OAuthAccessToken",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: &["delete", "get", "list"],
        subresources: &[],
        storage: Storage::Virtual,
        extra_field_selectors: &[],
    },
    // What `oc status`, `oc describe project` and `oc get all` read besides the kinds above:
    // stored as they are sent (no controllers run them), so a project lists none until some
    // are created, as on a cluster.
    namespaced(
        "",
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        &["quota"],
        &[],
        &["status"],
    ),
    namespaced(
        "",
        "limitranges",
        "limitrange",
        "LimitRange",
        &["limits"],
        &[],
        &[],
    ),
    namespaced(
        "",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        &["pvc"],
        &[],
        &["status"],
    ),
    namespaced(
        "",
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        &["rc"],
        &["all"],
        &["scale", "status"],
    ),
    namespaced("", "secrets", "secret", "Secret", &[], &[], &[]),
    // `kubectl create configmap`, one of the most common imperative commands.
    namespaced(
        "",
        "configmaps",
        "configmap",
        "ConfigMap",
        &["cm"],
        &[],
        &[],
    ),
    namespaced(
        "",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        &["sa"],
        &[],
        &[],
    ),
    namespaced(
        "apps",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        &["ds"],
        &["all"],
        &["status"],
    ),
    namespaced(
        "apps",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        &["sts"],
        &["all"],
        &["scale", "status"],
    ),
    namespaced(
        "autoscaling",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        &["hpa"],
        &["all"],
        &["status"],
    ),
    namespaced(
        "batch",
        "cronjobs",
        "cronjob",
        "CronJob",
        &["cj"],
        &["all"],
        &["status"],
    ),
    namespaced("batch", "jobs", "job", "Job", &[], &["all"], &["status"]),
    namespaced(
        "apps.openshift.io",
        "deploymentconfigs",
        "deploymentconfig",
        "DeploymentConfig",
        &["dc"],
        &["all"],
        &["status"],
    ),
    namespaced(
        "build.openshift.io",
        "buildconfigs",
        "buildconfig",
        "BuildConfig",
        &["bc"],
        &["all"],
        &[],
    ),
    namespaced(
        "build.openshift.io",
        "builds",
        "build",
        "Build",
        &[],
        &["all"],
        &[],
    ),
    namespaced(
        "route.openshift.io",
        "routes",
        "route",
        "Route",
        &[],
        &["all"],
        &["status"],
    ),
];

/// Kubernetes' built-in API groups (kube-apiserver's legacy scheme, with apiextensions and
/// the aggregator's apiregistration): their objects also come in protobuf, where OpenShift's
/// groups and CRDs are JSON and YAML only.
const KUBERNETES_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Whether `group` is one of Kubernetes' built-in API groups.
pub fn is_kubernetes_group(group: &str) -> bool {
    KUBERNETES_GROUPS.contains(&group)
}

/// The resource served at `group/version` under `plural`.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The resource of a kind.
pub fn by_kind(kind: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.kind == kind)
}

/// The groups served under /apis, in discovery order.
pub fn groups() -> Vec<&'static str> {
    let mut groups: Vec<&str> = Vec::new();
    for resource in RESOURCES {
        if !resource.group.is_empty() && !groups.contains(&resource.group) {
            groups.push(resource.group);
        }
    }
    groups
}

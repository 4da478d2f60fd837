//! The cluster's default roles as RBAC rules: `view`, `edit` and `admin` in a project (what a
//! user's [`Access`] there means), the rules every authenticated user has cluster-wide, and
//! `cluster-admin`. Authorization, the access reviews (`auth can-i`, `can-i --list`, `oc adm
//! policy who-can`) and the reasons they give all read these tables, so they always agree.
//!
//! The rules follow Kubernetes' bootstrap policy (the aggregated `view`/`edit`/`admin` cluster
//! roles of plugin/pkg/auth/authorizer/rbac/bootstrappolicy) and OpenShift's additions to them
//! (openshift-apiserver's bootstrappolicy: `system:openshift:aggregate-to-view/edit/admin`,
//! `basic-user`, `self-provisioner`, `system:oauth-token-deleter`, `cluster-status`), written
//! here as data for the resources a development cluster is asked about. OpenShift's rules for
//! its own resources also name the legacy `""` group, which its clients still send in reviews
//! (`oc` asks about `projectrequests` with an empty group).

use crate::auth::Access;
use serde_json::{json, Value};

/// One RBAC policy rule: any of `verbs` on any of `resources` (`plural` or `plural/sub`) in
/// any of `groups`, limited to `names` when not empty. `*` matches everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// API groups (`""` is the core group).
    pub groups: &'static [&'static str],
    /// Resources, with subresources written `plural/sub`.
    pub resources: &'static [&'static str],
    /// Verbs.
    pub verbs: &'static [&'static str],
    /// Resource names the rule is limited to (none: every name).
    pub names: &'static [&'static str],
}

const fn rule(
    groups: &'static [&'static str],
    resources: &'static [&'static str],
    verbs: &'static [&'static str],
) -> Rule {
    Rule {
        groups,
        resources,
        verbs,
        names: &[],
    }
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const CREATE: &[&str] = &["create"];

/// `view`: reading a project's workloads and images, not its secrets.
const VIEW: &[Rule] = &[
    rule(
        &[""],
        &[
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
        ],
        READ,
    ),
    rule(
        &[""],
        &[
            "bindings",
            "events",
            "limitranges",
            "namespaces/status",
            "pods/log",
            "pods/status",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
        ],
        READ,
    ),
    rule(&[""], &["namespaces"], READ),
    rule(
        &["apps"],
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
        READ,
    ),
    rule(
        &["autoscaling"],
        &[
            "horizontalpodautoscalers",
            "horizontalpodautoscalers/status",
        ],
        READ,
    ),
    rule(
        &["batch"],
        &["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
        READ,
    ),
    rule(
        &["", "build.openshift.io"],
        &[
            "buildconfigs",
            "buildconfigs/webhooks",
            "builds",
            "builds/log",
        ],
        READ,
    ),
    rule(
        &["", "apps.openshift.io"],
        &[
            "deploymentconfigs",
            "deploymentconfigs/scale",
            "deploymentconfigs/log",
            "deploymentconfigs/status",
        ],
        READ,
    ),
    rule(
        &["", "image.openshift.io"],
        &[
            "imagestreamimages",
            "imagestreammappings",
            "imagestreams",
            "imagestreamtags",
            "imagetags",
            "imagestreams/status",
        ],
        READ,
    ),
    rule(&["", "project.openshift.io"], &["projects"], &["get"]),
    rule(
        &["", "route.openshift.io"],
        &["routes", "routes/status"],
        READ,
    ),
];

/// What `edit` adds to `view`: changing the project's objects, reading its secrets.
const EDIT: &[Rule] = &[
    rule(
        &[""],
        &[
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
            "secrets",
            "services/proxy",
        ],
        READ,
    ),
    rule(
        &[""],
        &[
            "pods",
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
        ],
        WRITE,
    ),
    rule(&[""], &["pods/eviction", "serviceaccounts/token"], CREATE),
    rule(
        &[""],
        &[
            "configmaps",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "secrets",
            "serviceaccounts",
            "services",
            "services/proxy",
        ],
        WRITE,
    ),
    rule(
        &["apps"],
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "replicasets",
            "replicasets/scale",
            "statefulsets",
            "statefulsets/scale",
        ],
        WRITE,
    ),
    rule(&["autoscaling"], &["horizontalpodautoscalers"], WRITE),
    rule(&["batch"], &["cronjobs", "jobs"], WRITE),
    rule(
        &["", "build.openshift.io"],
        &["buildconfigs", "buildconfigs/webhooks", "builds"],
        ALL,
    ),
    rule(
        &["", "build.openshift.io"],
        &[
            "buildconfigs/instantiate",
            "buildconfigs/instantiatebinary",
            "builds/clone",
        ],
        CREATE,
    ),
    rule(
        &["", "build.openshift.io"],
        &["builds/details"],
        &["update"],
    ),
    rule(
        &["", "apps.openshift.io"],
        &["deploymentconfigs", "deploymentconfigs/scale"],
        ALL,
    ),
    rule(
        &["", "apps.openshift.io"],
        &[
            "deploymentconfigrollbacks",
            "deploymentconfigs/instantiate",
            "deploymentconfigs/rollback",
        ],
        CREATE,
    ),
    rule(
        &["", "image.openshift.io"],
        &[
            "imagestreamimages",
            "imagestreammappings",
            "imagestreams",
            "imagestreams/secrets",
            "imagestreamtags",
            "imagetags",
        ],
        ALL,
    ),
    rule(
        &["", "image.openshift.io"],
        &["imagestreams/layers"],
        &["get", "update"],
    ),
    rule(&["", "image.openshift.io"], &["imagestreamimports"], CREATE),
    rule(&["", "route.openshift.io"], &["routes"], ALL),
    rule(&["", "route.openshift.io"], &["routes/custom-host"], CREATE),
];

/// What `admin` adds to `edit`: the project's role bindings and access reviews, and the
/// project itself.
const ADMIN: &[Rule] = &[
    rule(
        &["authorization.k8s.io"],
        &["localsubjectaccessreviews"],
        CREATE,
    ),
    rule(
        &[
            "",
            "rbac.authorization.k8s.io",
            "authorization.openshift.io",
        ],
        &["rolebindings", "roles"],
        ALL,
    ),
    rule(
        &["", "authorization.openshift.io"],
        &[
            "localresourceaccessreviews",
            "localsubjectaccessreviews",
            "subjectrulesreviews",
            "resourceaccessreviews",
            "subjectaccessreviews",
        ],
        CREATE,
    ),
    rule(
        &["", "project.openshift.io"],
        &["projects"],
        &["delete", "get", "patch", "update"],
    ),
    rule(&["", "route.openshift.io"], &["routes/status"], &["update"]),
];

/// The role `access` stands for, as a ClusterRole name.
pub fn role_name(access: Access) -> &'static str {
    match access {
        Access::View => "view",
        Access::Edit => "edit",
        Access::Admin => "admin",
    }
}

/// The rules of the role `access` stands for, in a project.
pub fn project_rules(access: Access) -> impl Iterator<Item = &'static Rule> {
    let extra: &[&[Rule]] = match access {
        Access::View => &[],
        Access::Edit => &[EDIT],
        Access::Admin => &[EDIT, ADMIN],
    };
    VIEW.iter()
        .chain(extra.iter().flat_map(|rules| rules.iter()))
}

/// A ClusterRoleBinding every authenticated user falls under: (binding, ClusterRole, group
/// bound, its rules).
pub struct ClusterBinding {
    /// The ClusterRoleBinding's name.
    pub binding: &'static str,
    /// The ClusterRole it grants.
    pub role: &'static str,
    /// The group it binds.
    pub group: &'static str,
    /// The role's rules.
    pub rules: &'static [Rule],
}

/// The bindings of every authenticated user (OpenShift binds them to `system:authenticated`,
/// and self-provisioning to `system:authenticated:oauth`, which every devcluster user is in).
pub const AUTHENTICATED: &[ClusterBinding] = &[
    ClusterBinding {
        binding: "basic-users",
        role: "basic-user",
        group: "system:authenticated",
        rules: &[
            Rule {
                groups: &["", "user.openshift.io"],
                resources: &["users"],
                verbs: &["get"],
                names: &["~"],
            },
            rule(
                &["", "project.openshift.io"],
                &["projectrequests"],
                &["list"],
            ),
            rule(
                &["", "authorization.openshift.io"],
                &["clusterroles"],
                &["get", "list"],
            ),
            rule(&["rbac.authorization.k8s.io"], &["clusterroles"], READ),
            rule(&["storage.k8s.io"], &["storageclasses"], &["get", "list"]),
            rule(
                &["", "project.openshift.io"],
                &["projects"],
                &["list", "watch"],
            ),
            rule(
                &["", "authorization.openshift.io"],
                &["selfsubjectrulesreviews"],
                CREATE,
            ),
            rule(
                &["authorization.k8s.io"],
                &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                CREATE,
            ),
        ],
    },
    ClusterBinding {
        binding: "self-provisioners",
        role: "self-provisioner",
        group: "system:authenticated:oauth",
        rules: &[rule(
            &["", "project.openshift.io"],
            &["projectrequests"],
            CREATE,
        )],
    },
    ClusterBinding {
        binding: "system:oauth-token-deleters",
        role: "system:oauth-token-deleter",
        group: "system:authenticated",
        rules: &[rule(
            &["", "oauth.openshift.io"],
            &["oauthaccesstokens", "oauthauthorizetokens"],
            &["delete"],
        )],
    },
];

/// The non-resource paths every authenticated user may get (`cluster-status` and
/// `system:discovery`), as `can-i --list` shows them.
pub const AUTHENTICATED_PATHS: &[&str] = &[
    "/",
    "/.well-known",
    "/.well-known/oauth-authorization-server",
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/healthz",
    "/healthz/",
    "/livez",
    "/openapi",
    "/openapi/*",
    "/readyz",
    "/version",
    "/version/",
    "/version/*",
];

/// Whether `rule` allows `verb` on `resource` (`plural` or `plural/sub`) of `group`, named
/// `name` (empty: a request without a name, which a rule limited to names never allows),
/// as RBAC's `RuleAllows` decides.
pub fn allows(rule: &Rule, group: &str, resource: &str, verb: &str, name: &str) -> bool {
    let has = |list: &[&str], value: &str| list.iter().any(|item| *item == "*" || *item == value);
    has(rule.groups, group)
        && has(rule.resources, resource)
        && has(rule.verbs, verb)
        && (rule.names.is_empty() || rule.names.contains(&name))
}

/// A rule as the reviews' JSON writes it (`resourceRules[i]` of a SelfSubjectRulesReview).
pub fn rule_json(rule: &Rule) -> Value {
    let mut value = json!({
        "verbs": rule.verbs,
        "apiGroups": rule.groups,
        "resources": rule.resources,
    });
    if !rule.names.is_empty() {
        value["resourceNames"] = json!(rule.names);
    }
    value
}

/// The `cluster-admin` rule: everything.
pub const CLUSTER_ADMIN: Rule = rule(&["*"], &["*"], &["*"]);

/// RBAC's reason for an allowed request (`RBAC: allowed by …`), as kube-apiserver's RBAC
/// authorizer words it (its `authorizingVisitor` and the binding descriptions).
pub fn project_reason(access: Access, namespace: &str, user: &str) -> String {
    let role = role_name(access);
    format!("RBAC: allowed by RoleBinding \"{role}/{namespace}\" of ClusterRole \"{role}\" to User \"{user}\"")
}

/// The reason for a request allowed by a cluster-wide binding to a group.
pub fn cluster_reason(binding: &str, role: &str, group: &str) -> String {
    format!("RBAC: allowed by ClusterRoleBinding \"{binding}\" of ClusterRole \"{role}\" to Group \"{group}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grow_from_view_to_admin() {
        let can = |access, group, resource, verb| {
            project_rules(access).any(|r| allows(r, group, resource, verb, ""))
        };
        assert!(can(
            Access::View,
            "image.openshift.io",
            "imagestreams",
            "list"
        ));
        assert!(!can(
            Access::View,
            "image.openshift.io",
            "imagestreams",
            "create"
        ));
        assert!(!can(Access::View, "", "secrets", "get"));
        assert!(can(Access::Edit, "", "secrets", "get"));
        assert!(can(
            Access::Edit,
            "image.openshift.io",
            "imagestreamimports",
            "create"
        ));
        assert!(!can(Access::Edit, "", "resourcequotas", "create"));
        assert!(!can(Access::Admin, "", "resourcequotas", "create"));
        assert!(!can(Access::Edit, "apps", "deployments/status", "update"));
        assert!(can(
            Access::Admin,
            "authorization.openshift.io",
            "localresourceaccessreviews",
            "create"
        ));
        assert!(!can(
            Access::Edit,
            "authorization.openshift.io",
            "localresourceaccessreviews",
            "create"
        ));
    }

    #[test]
    fn names_limit_a_rule() {
        let users = &AUTHENTICATED[0].rules[0];
        assert!(allows(users, "user.openshift.io", "users", "get", "~"));
        assert!(!allows(users, "user.openshift.io", "users", "get", "admin"));
        assert!(!allows(users, "user.openshift.io", "users", "get", ""));
        assert!(allows(&CLUSTER_ADMIN, "x", "y", "z", ""));
    }
}

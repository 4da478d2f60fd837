//! Schemas shared by every group (object metadata, references, Status) and the kinds of the
//! smaller groups: project.openshift.io, user.openshift.io, and autoscaling/v1 Scale. Field
//! names, types, required fields and list extensions follow the published OpenAPI of
//! Kubernetes and openshift/api; the descriptions are devcluster's own.

use super::schema::{field, field_with, Definition, Field, Shape, Type};

pub(crate) const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
pub(crate) const TIME: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
pub(crate) const OBJECT_REFERENCE: &str = "io.k8s.api.core.v1.ObjectReference";
pub(crate) const LOCAL_OBJECT_REFERENCE: &str = "io.k8s.api.core.v1.LocalObjectReference";
pub(crate) const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
pub(crate) const RAW_EXTENSION: &str = "io.k8s.apimachinery.pkg.runtime.RawExtension";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const STATUS_DETAILS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails";
const STATUS_CAUSE: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause";
const OWNER_REFERENCE: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference";
const MANAGED_FIELDS_ENTRY: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry";
const FIELDS_V1: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
const NAMESPACE_CONDITION: &str = "io.k8s.api.core.v1.NamespaceCondition";

/// The `apiVersion` property every kind has.
pub(crate) const API_VERSION: Field = field(
    "apiVersion",
    Type::String,
    "The versioned schema this object is written in, as group/version (or just the version for the core group). The server converts objects it receives to the version it stores.",
);

/// The `kind` property every kind has.
pub(crate) const KIND: Field = field(
    "kind",
    Type::String,
    "The type of this object, in CamelCase. The server takes it from the endpoint the object is sent to, so it cannot be changed.",
);

/// The `metadata` property every kind has.
pub(crate) const METADATA: Field = field(
    "metadata",
    Type::Ref(OBJECT_META),
    "Identity and bookkeeping of the object: its name, namespace, labels, annotations and the versions the server keeps.",
);

const STRING_LIST: Type = Type::Array(&Type::String);

/// The fields conditions share (a namespace's, a tag's, a signature's): when the status last
/// changed, the message, the reason and the status.
pub(crate) const CONDITION_FIELDS: [Field; 4] = [
    field(
        "lastTransitionTime",
        Type::Ref(TIME),
        "When the status last changed.",
    ),
    field("message", Type::String, "Details for people."),
    field(
        "reason",
        Type::String,
        "A word for why the status is what it is.",
    ),
    field("status", Type::String, "True, False or Unknown."),
];

/// Definitions of metadata, references and Status.
pub(crate) const META: &[Definition] = &[
    Definition {
        name: OBJECT_META,
        description: "Metadata every persisted object carries, whether users or the server set it.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("annotations", Type::StringMap, "Free-form key/value pairs that tools attach to an object for their own use. They are not used to select objects."),
            field("creationTimestamp", Type::Ref(TIME), "When the server created the object, in UTC. Set by the server; clients cannot write it."),
            field("deletionGracePeriodSeconds", Type::Int64, "How many seconds the object is given to shut down gracefully once its deletion began. Only set while it is being deleted."),
            field("deletionTimestamp", Type::Ref(TIME), "When the object is to be removed; set by the server when a deletion is requested and finalizers still have work to do."),
            field_with("finalizers", STRING_LIST, "Names of the controllers that must finish their clean-up before the object is removed from storage.", r#"{"x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge"}"#),
            field("generateName", Type::String, "A prefix from which the server makes a unique name when no name is given; a random suffix is appended."),
            field("generation", Type::Int64, "A counter the server increases each time the desired state (spec) changes. Set by the server."),
            field("labels", Type::StringMap, "Key/value pairs used to organize objects and to select them (label selectors)."),
            field_with("managedFields", Type::Array(&Type::Ref(MANAGED_FIELDS_ENTRY)), "Which actor manages which fields, as recorded by server-side apply. Mostly of internal interest.", r#"{"x-kubernetes-list-type": "atomic"}"#),
            field("name", Type::String, "The name of the object, unique among objects of its kind in its namespace. Cannot be changed after creation."),
            field("namespace", Type::String, "The namespace the object lives in; empty for cluster-scoped kinds. Cannot be changed after creation."),
            field_with("ownerReferences", Type::Array(&Type::Ref(OWNER_REFERENCE)), "The objects this one depends on. When all of its owners are deleted, the garbage collector removes it too.", r#"{"x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge"}"#),
            field("resourceVersion", Type::String, "An opaque value that changes whenever the object does. Clients send it back to update only the version they read, and watch from it."),
            field("selfLink", Type::String, "Deprecated and no longer set by the server."),
            field("uid", Type::String, "A value the server generates once per object, unique across space and time, to tell apart objects that reuse a name."),
        ]),
    },
    Definition {
        name: TIME,
        description: "A point in time, written as an RFC 3339 date and time in UTC.",
        required: &[],
        extensions: "",
        shape: Shape::Formatted("date-time"),
    },
    Definition {
        name: RAW_EXTENSION,
        description: "An embedded JSON object kept as it was sent.",
        required: &[],
        extensions: "",
        shape: Shape::AnyObject,
    },
    Definition {
        name: FIELDS_V1,
        description: "A set of field paths, in the trie encoding server-side apply uses.",
        required: &[],
        extensions: "",
        shape: Shape::AnyObject,
    },
    Definition {
        name: OWNER_REFERENCE,
        description: "Names an object that owns this one. The owner must be in the same namespace or be cluster-scoped.",
        required: &["apiVersion", "kind", "name", "uid"],
        extensions: r#"{"x-kubernetes-map-type": "atomic"}"#,
        shape: Shape::Struct(&[
            field("apiVersion", Type::String, "The API version of the owner."),
            field("blockOwnerDeletion", Type::Bool, "When true, a foreground deletion of the owner waits until this object is gone."),
            field("controller", Type::Bool, "When true, the owner is the controller that manages this object. At most one owner can be."),
            field("kind", Type::String, "The kind of the owner."),
            field("name", Type::String, "The name of the owner."),
            field("uid", Type::String, "The uid of the owner."),
        ]),
    },
    Definition {
        name: MANAGED_FIELDS_ENTRY,
        description: "One actor's set of managed fields, at one version of the resource.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("apiVersion", Type::String, "The version of the resource the field set is written against."),
            field("fieldsType", Type::String, "The format of the field set; always FieldsV1."),
            field("fieldsV1", Type::Ref(FIELDS_V1), "The fields this actor manages."),
            field("manager", Type::String, "Who manages the fields (the client's field manager name)."),
            field("operation", Type::String, "How the fields came to be managed: Apply or Update."),
            field("subresource", Type::String, "The subresource the fields were written through, if any."),
            field("time", Type::Ref(TIME), "When this entry last changed."),
        ]),
    },
    Definition {
        name: OBJECT_REFERENCE,
        description: "Points at another object by kind, namespace and name, or at a field inside it.",
        required: &[],
        extensions: r#"{"x-kubernetes-map-type": "atomic"}"#,
        shape: Shape::Struct(&[
            field("apiVersion", Type::String, "The API version of the referenced object."),
            field("fieldPath", Type::String, "A path to a piece of the object (a container, say) rather than the whole of it."),
            field("kind", Type::String, "The kind of the referenced object."),
            field("name", Type::String, "The name of the referenced object."),
            field("namespace", Type::String, "The namespace of the referenced object."),
            field("resourceVersion", Type::String, "The version of the referenced object this reference was made for, if it matters."),
            field("uid", Type::String, "The uid of the referenced object."),
        ]),
    },
    Definition {
        name: LOCAL_OBJECT_REFERENCE,
        description: "Names an object in the same namespace.",
        required: &[],
        extensions: r#"{"x-kubernetes-map-type": "atomic"}"#,
        shape: Shape::Struct(&[field("name", Type::String, "The name of the object.")]),
    },
    Definition {
        name: STATUS,
        description: "The result of a call that returns no object: success, or why it failed.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("code", Type::Int32, "The HTTP status code of the result."),
            field("details", Type::Ref(STATUS_DETAILS), "More about the failure, depending on its reason."),
            KIND,
            field("message", Type::String, "A sentence for people saying what happened."),
            field("metadata", Type::Ref(LIST_META), "List metadata; normally empty."),
            field("reason", Type::String, "A machine-readable word for why the call failed (NotFound, Conflict, Invalid…)."),
            field("status", Type::String, "Success or Failure."),
        ]),
    },
    Definition {
        name: LIST_META,
        description: "Metadata of a list of objects.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("continue", Type::String, "Set when the list was cut short by a limit: pass it back to get the next chunk."),
            field("remainingItemCount", Type::Int64, "How many items are left after this chunk, when the server knows."),
            field("resourceVersion", Type::String, "The version of the collection this list was read at, to watch from."),
            field("selfLink", Type::String, "Deprecated and no longer set by the server."),
        ]),
    },
    Definition {
        name: STATUS_DETAILS,
        description: "Which object a failure concerns and, for invalid objects, which fields.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field_with("causes", Type::Array(&Type::Ref(STATUS_CAUSE)), "The individual problems, one per field when the object was invalid.", r#"{"x-kubernetes-list-type": "atomic"}"#),
            field("group", Type::String, "The API group of the resource concerned."),
            field("kind", Type::String, "The kind (or resource) concerned."),
            field("name", Type::String, "The name of the object concerned."),
            field("retryAfterSeconds", Type::Int32, "How long to wait before trying again, when that makes sense."),
            field("uid", Type::String, "The uid of the object concerned."),
        ]),
    },
    Definition {
        name: STATUS_CAUSE,
        description: "One reason a call failed.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("field", Type::String, "The field at fault, as a path such as spec.tags[0].name."),
            field("message", Type::String, "What is wrong, for people."),
            field("reason", Type::String, "What is wrong, as a machine-readable word (FieldValueRequired…)."),
        ]),
    },
];

const PROJECT_SPEC: &str = "com.github.openshift.api.project.v1.ProjectSpec";
const PROJECT_STATUS: &str = "com.github.openshift.api.project.v1.ProjectStatus";

/// project.openshift.io/v1 and user.openshift.io/v1.
pub(crate) const PROJECT_AND_USER: &[Definition] = &[
    Definition {
        name: "com.github.openshift.api.project.v1.Project",
        description: "A project is a namespace seen through OpenShift: the unit users create, are given access to, and keep their applications in.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            KIND,
            METADATA,
            field("spec", Type::Ref(PROJECT_SPEC), "What the project should be."),
            field("status", Type::Ref(PROJECT_STATUS), "What the project is: active, or being deleted."),
        ]),
    },
    Definition {
        name: PROJECT_SPEC,
        description: "The desired state of a project.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[field("finalizers", STRING_LIST, "The finalizers that must run before the project's content is gone for good.")]),
    },
    Definition {
        name: PROJECT_STATUS,
        description: "The observed state of a project.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field_with("conditions", Type::Array(&Type::Ref(NAMESPACE_CONDITION)), "What the server has observed about the project, such as problems deleting its content.", r#"{"x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge"}"#),
            field_with("phase", Type::String, "Active while the project is in use; Terminating once its deletion has begun.", r#"{"enum": ["Active", "Terminating"]}"#),
        ]),
    },
    Definition {
        name: NAMESPACE_CONDITION,
        description: "One observation about a namespace.",
        required: &["type", "status"],
        extensions: "",
        shape: Shape::Struct(&[
            CONDITION_FIELDS[0],
            CONDITION_FIELDS[1],
            CONDITION_FIELDS[2],
            CONDITION_FIELDS[3],
            field("type", Type::String, "What is observed."),
        ]),
    },
    Definition {
        name: "com.github.openshift.api.project.v1.ProjectRequest",
        description: "Asks the server to create a project for the caller, who becomes its administrator. Anyone allowed to self-provision may send one.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("description", Type::String, "A longer text about the project, shown by consoles."),
            field("displayName", Type::String, "A name for people, shown by consoles instead of the project's name."),
            KIND,
            METADATA,
        ]),
    },
    Definition {
        name: "com.github.openshift.api.user.v1.User",
        description: "A person or a system account that can sign in to the cluster. `users/~` is whoever makes the request.",
        required: &["groups"],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("fullName", Type::String, "The user's name for people."),
            field("groups", STRING_LIST, "The groups the user belongs to."),
            field("identities", STRING_LIST, "The identities (provider:name) the user signs in with."),
            KIND,
            METADATA,
        ]),
    },
];

const SCALE_SPEC: &str = "io.k8s.api.autoscaling.v1.ScaleSpec";
const SCALE_STATUS: &str = "io.k8s.api.autoscaling.v1.ScaleStatus";
/// The autoscaling/v1 Scale the `scale` subresources answer with.
pub(crate) const SCALE: &str = "io.k8s.api.autoscaling.v1.Scale";

/// autoscaling/v1 Scale.
pub(crate) const AUTOSCALING: &[Definition] = &[
    Definition {
        name: SCALE,
        description: "How many replicas a scalable resource (a Deployment, a ReplicaSet) should have and has, read and written through its `scale` subresource.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            KIND,
            METADATA,
            field("spec", Type::Ref(SCALE_SPEC), "The wanted number of replicas."),
            field("status", Type::Ref(SCALE_STATUS), "The number of replicas there are, and how to find their pods."),
        ]),
    },
    Definition {
        name: SCALE_SPEC,
        description: "The wanted size of a scalable resource.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[field("replicas", Type::Int32, "How many replicas there should be.")]),
    },
    Definition {
        name: SCALE_STATUS,
        description: "The current size of a scalable resource.",
        required: &["replicas"],
        extensions: "",
        shape: Shape::Struct(&[
            field("replicas", Type::Int32, "How many replicas there are now."),
            field("selector", Type::String, "The label selector of the replicas' pods, in its string form (app=web)."),
        ]),
    },
];

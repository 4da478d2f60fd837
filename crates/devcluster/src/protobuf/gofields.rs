//! What the protobuf descriptors do not say about the Go types behind them, and the Go JSON
//! encoder needs: which scalar fields are Go pointers (an explicit `0`, `false` or `""` is kept),
//! which message fields are Go values rather than pointers (always encoded, `{}` when empty),
//! which fields have no `omitempty` in their json tag (encoded even when zero or nil, as
//! `null` for a nil pointer, slice or map), which embedded structs are inlined into their
//! parent's JSON object, and which messages carry `apiVersion` and `kind` (an inlined
//! `metav1.TypeMeta`).
//!
//! The facts were read from the Go types of Kubernetes v1.35: the `types.go` of k8s.io/api
//! core/v1, apps/v1, autoscaling/v1, authorization/v1 and of k8s.io/apimachinery
//! pkg/apis/meta/v1 (their field types and json tags), for every message reachable from the
//! kinds devcluster serves in protobuf. A field not listed follows the common Go shape: a
//! scalar is a non-pointer with `omitempty` (zero omitted), a message is a pointer with
//! `omitempty` (omitted when absent), a list or map is omitted when empty.

use std::collections::HashMap;
use std::sync::OnceLock;

/// How one field is declared in Go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GoField {
    /// A pointer to a scalar (`*int32`, `*bool`, `*string`): a present zero is kept.
    pub pointer: bool,
    /// A struct value, not a pointer: always encoded, in its zero form when absent.
    pub value: bool,
    /// No `omitempty`: encoded even when zero, or `null` when a nil pointer, slice or map.
    pub always: bool,
    /// An embedded struct whose fields are the parent's JSON fields.
    pub inline: bool,
}

/// Messages (proto full names) whose Go struct embeds `metav1.TypeMeta`: `apiVersion` and
/// `kind` are JSON fields of theirs although the protobuf message has none.
pub(crate) fn has_type_meta(message: &str) -> bool {
    table().1.contains_key(message)
}

/// The Go shape of `field` of `message` (full proto names, no leading dot).
pub(crate) fn go_field(message: &str, field: &str) -> GoField {
    table()
        .0
        .get(&(message, field))
        .copied()
        .unwrap_or_default()
}

/// Go named slices (`type ExtraValue []string`) that protobuf wraps in a message with one
/// repeated `items` field; in JSON they are the bare array.
pub(crate) const LIST_WRAPPERS: &[&str] = &[
    "api.authorization.v1.ExtraValue",
    "apimachinery.pkg.apis.meta.v1.Verbs",
];

type Table = (
    HashMap<(&'static str, &'static str), GoField>,
    HashMap<&'static str, ()>,
);

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut fields = HashMap::new();
        let mut kinds = HashMap::new();
        for (message, marks) in GO_FIELDS {
            for mark in marks.split_whitespace() {
                if mark == "@kind" {
                    kinds.insert(*message, ());
                    continue;
                }
                let name = mark.trim_end_matches(['*', '=', '!', '~']);
                let flags = &mark[name.len()..];
                fields.insert(
                    (*message, name),
                    GoField {
                        pointer: flags.contains('*'),
                        value: flags.contains('='),
                        always: flags.contains('!'),
                        inline: flags.contains('~'),
                    },
                );
            }
        }
        (fields, kinds)
    })
}

/// Per message: `@kind` (embeds TypeMeta), then `field` with `*` (scalar pointer), `=` (struct
/// value), `!` (no omitempty), `~` (inlined embedded struct).
const GO_FIELDS: &[(&str, &str)] = &[
    ("api.apps.v1.Deployment", "@kind metadata= spec= status="),
    ("api.apps.v1.DeploymentCondition", "type! status! lastUpdateTime= lastTransitionTime="),
    ("api.apps.v1.DeploymentList", "@kind metadata= items!"),
    ("api.apps.v1.DeploymentSpec", "replicas* selector! template=! strategy= revisionHistoryLimit* progressDeadlineSeconds*"),
    ("api.apps.v1.DeploymentStatus", "terminatingReplicas* collisionCount*"),
    ("api.apps.v1.ReplicaSet", "@kind metadata= spec= status="),
    ("api.apps.v1.ReplicaSetCondition", "type! status! lastTransitionTime="),
    ("api.apps.v1.ReplicaSetList", "@kind metadata= items!"),
    ("api.apps.v1.ReplicaSetSpec", "replicas* selector! template="),
    ("api.apps.v1.ReplicaSetStatus", "replicas! terminatingReplicas*"),
    ("api.authorization.v1.LocalSubjectAccessReview", "@kind metadata= spec=! status="),
    ("api.authorization.v1.NonResourceRule", "verbs!"),
    ("api.authorization.v1.ResourceRule", "verbs!"),
    ("api.authorization.v1.SelfSubjectAccessReview", "@kind metadata= spec=! status="),
    ("api.authorization.v1.SelfSubjectRulesReview", "@kind metadata= spec=! status="),
    ("api.authorization.v1.SubjectAccessReview", "@kind metadata= spec=! status="),
    ("api.authorization.v1.SubjectAccessReviewStatus", "allowed!"),
    ("api.authorization.v1.SubjectRulesReviewStatus", "resourceRules! nonResourceRules! incomplete!"),
    ("api.autoscaling.v1.Scale", "@kind metadata= spec= status="),
    ("api.autoscaling.v1.ScaleStatus", "replicas!"),
    ("api.core.v1.AWSElasticBlockStoreVolumeSource", "volumeID!"),
    ("api.core.v1.AppArmorProfile", "type! localhostProfile*"),
    ("api.core.v1.AzureDiskVolumeSource", "diskName! diskURI! cachingMode* fsType* readOnly* kind*"),
    ("api.core.v1.AzureFileVolumeSource", "secretName! shareName!"),
    ("api.core.v1.CSIVolumeSource", "driver! readOnly* fsType*"),
    ("api.core.v1.CephFSVolumeSource", "monitors!"),
    ("api.core.v1.CinderVolumeSource", "volumeID!"),
    ("api.core.v1.ClientIPConfig", "timeoutSeconds*"),
    ("api.core.v1.ClusterTrustBundleProjection", "name* signerName* optional* path!"),
    ("api.core.v1.ConfigMapEnvSource", "localObjectReference~ optional*"),
    ("api.core.v1.ConfigMapKeySelector", "localObjectReference~ key! optional*"),
    ("api.core.v1.ConfigMapProjection", "localObjectReference~ optional*"),
    ("api.core.v1.ConfigMapVolumeSource", "localObjectReference~ defaultMode* optional*"),
    ("api.core.v1.Container", "name! resources= restartPolicy*"),
    ("api.core.v1.ContainerExtendedResourceRequest", "containerName! resourceName! requestName!"),
    ("api.core.v1.ContainerPort", "containerPort!"),
    ("api.core.v1.ContainerResizePolicy", "resourceName! restartPolicy!"),
    ("api.core.v1.ContainerStateRunning", "startedAt="),
    ("api.core.v1.ContainerStateTerminated", "exitCode! startedAt= finishedAt="),
    ("api.core.v1.ContainerStatus", "name! state= lastState= ready! restartCount! image! imageID! started* stopSignal*"),
    ("api.core.v1.DownwardAPIVolumeFile", "path! mode*"),
    ("api.core.v1.DownwardAPIVolumeSource", "defaultMode*"),
    ("api.core.v1.EnvVar", "name!"),
    ("api.core.v1.EphemeralContainer", "ephemeralContainerCommon~"),
    ("api.core.v1.EphemeralContainerCommon", "name! resources= restartPolicy*"),
    ("api.core.v1.Event", "@kind metadata=! involvedObject=! source= firstTimestamp= lastTimestamp= eventTime= reportingComponent! reportingInstance!"),
    ("api.core.v1.EventList", "@kind metadata= items!"),
    ("api.core.v1.EventSeries", "lastObservedTime="),
    ("api.core.v1.FCVolumeSource", "lun*"),
    ("api.core.v1.FileKeySelector", "volumeName! path! key! optional*"),
    ("api.core.v1.FlexVolumeSource", "driver!"),
    ("api.core.v1.GCEPersistentDiskVolumeSource", "pdName!"),
    ("api.core.v1.GRPCAction", "port! service*!"),
    ("api.core.v1.GitRepoVolumeSource", "repository!"),
    ("api.core.v1.GlusterfsVolumeSource", "endpoints! path!"),
    ("api.core.v1.HTTPGetAction", "port=!"),
    ("api.core.v1.HTTPHeader", "name! value!"),
    ("api.core.v1.HostAlias", "ip!"),
    ("api.core.v1.HostIP", "ip!"),
    ("api.core.v1.HostPathVolumeSource", "path! type*"),
    ("api.core.v1.ISCSIVolumeSource", "targetPortal! iqn! lun! initiatorName*"),
    ("api.core.v1.KeyToPath", "key! path! mode*"),
    ("api.core.v1.Lifecycle", "stopSignal*"),
    ("api.core.v1.LimitRange", "@kind metadata= spec="),
    ("api.core.v1.LimitRangeItem", "type!"),
    ("api.core.v1.LimitRangeList", "@kind metadata= items!"),
    ("api.core.v1.LimitRangeSpec", "limits!"),
    ("api.core.v1.LinuxContainerUser", "uid! gid!"),
    ("api.core.v1.LoadBalancerIngress", "ipMode*"),
    ("api.core.v1.NFSVolumeSource", "server! path!"),
    ("api.core.v1.Namespace", "@kind metadata= spec= status="),
    ("api.core.v1.NamespaceCondition", "type! status! lastTransitionTime="),
    ("api.core.v1.NamespaceList", "@kind metadata= items!"),
    ("api.core.v1.NodeSelector", "nodeSelectorTerms!"),
    ("api.core.v1.NodeSelectorRequirement", "key! operator!"),
    ("api.core.v1.ObjectFieldSelector", "fieldPath!"),
    ("api.core.v1.PersistentVolumeClaimSpec", "resources= storageClassName* volumeMode* volumeAttributesClassName*"),
    ("api.core.v1.PersistentVolumeClaimTemplate", "metadata= spec=!"),
    ("api.core.v1.PersistentVolumeClaimVolumeSource", "claimName!"),
    ("api.core.v1.PhotonPersistentDiskVolumeSource", "pdID!"),
    ("api.core.v1.Pod", "@kind metadata= spec= status="),
    ("api.core.v1.PodAffinityTerm", "topologyKey!"),
    ("api.core.v1.PodCertificateProjection", "maxExpirationSeconds*"),
    ("api.core.v1.PodCondition", "type! status! lastProbeTime= lastTransitionTime="),
    ("api.core.v1.PodDNSConfigOption", "value*"),
    ("api.core.v1.PodExtendedResourceClaimStatus", "requestMappings! resourceClaimName!"),
    ("api.core.v1.PodIP", "ip!"),
    ("api.core.v1.PodList", "@kind metadata= items!"),
    ("api.core.v1.PodOS", "name!"),
    ("api.core.v1.PodReadinessGate", "conditionType!"),
    ("api.core.v1.PodResourceClaim", "name! resourceClaimName* resourceClaimTemplateName*"),
    ("api.core.v1.PodResourceClaimStatus", "name! resourceClaimName*"),
    ("api.core.v1.PodSchedulingGate", "name!"),
    ("api.core.v1.PodSecurityContext", "runAsUser* runAsGroup* runAsNonRoot* supplementalGroupsPolicy* fsGroup* fsGroupChangePolicy* seLinuxChangePolicy*"),
    ("api.core.v1.PodSpec", "containers! terminationGracePeriodSeconds* activeDeadlineSeconds* automountServiceAccountToken* shareProcessNamespace* priority* runtimeClassName* enableServiceLinks* preemptionPolicy* setHostnameAsFQDN* hostUsers* hostnameOverride*"),
    ("api.core.v1.PodTemplateSpec", "metadata= spec="),
    ("api.core.v1.PortStatus", "port! protocol! error*"),
    ("api.core.v1.PortworxVolumeSource", "volumeID!"),
    ("api.core.v1.PreferredSchedulingTerm", "weight! preference=!"),
    ("api.core.v1.Probe", "handler~ terminationGracePeriodSeconds*"),
    ("api.core.v1.ProjectedVolumeSource", "sources! defaultMode*"),
    ("api.core.v1.QuobyteVolumeSource", "registry! volume!"),
    ("api.core.v1.RBDVolumeSource", "monitors! image!"),
    ("api.core.v1.ResourceClaim", "name!"),
    ("api.core.v1.ResourceFieldSelector", "resource! divisor="),
    ("api.core.v1.ResourceHealth", "resourceID!"),
    ("api.core.v1.ResourceQuota", "@kind metadata= spec= status="),
    ("api.core.v1.ResourceQuotaList", "@kind metadata= items!"),
    ("api.core.v1.ResourceStatus", "name!"),
    ("api.core.v1.ScaleIOVolumeSource", "gateway! system! secretRef!"),
    ("api.core.v1.ScopedResourceSelectorRequirement", "scopeName! operator!"),
    ("api.core.v1.SeccompProfile", "type! localhostProfile*"),
    ("api.core.v1.SecretEnvSource", "localObjectReference~ optional*"),
    ("api.core.v1.SecretKeySelector", "localObjectReference~ key! optional*"),
    ("api.core.v1.SecretProjection", "localObjectReference~ optional*"),
    ("api.core.v1.SecretVolumeSource", "defaultMode* optional*"),
    ("api.core.v1.SecurityContext", "privileged* runAsUser* runAsGroup* runAsNonRoot* readOnlyRootFilesystem* allowPrivilegeEscalation* procMount*"),
    ("api.core.v1.Service", "@kind metadata= spec= status="),
    ("api.core.v1.ServiceAccountTokenProjection", "expirationSeconds* path!"),
    ("api.core.v1.ServiceList", "@kind metadata= items!"),
    ("api.core.v1.ServicePort", "appProtocol* port! targetPort="),
    ("api.core.v1.ServiceSpec", "ipFamilyPolicy* allocateLoadBalancerNodePorts* loadBalancerClass* internalTrafficPolicy* trafficDistribution*"),
    ("api.core.v1.ServiceStatus", "loadBalancer="),
    ("api.core.v1.SleepAction", "seconds!"),
    ("api.core.v1.Sysctl", "name! value!"),
    ("api.core.v1.TCPSocketAction", "port=!"),
    ("api.core.v1.Toleration", "tolerationSeconds*"),
    ("api.core.v1.TopologySpreadConstraint", "maxSkew! topologyKey! whenUnsatisfiable! minDomains* nodeAffinityPolicy* nodeTaintsPolicy*"),
    ("api.core.v1.TypedLocalObjectReference", "apiGroup*! kind! name!"),
    ("api.core.v1.TypedObjectReference", "apiGroup*! kind! name! namespace*"),
    ("api.core.v1.Volume", "name! volumeSource~"),
    ("api.core.v1.VolumeDevice", "name! devicePath!"),
    ("api.core.v1.VolumeMount", "name! recursiveReadOnly* mountPath! mountPropagation*"),
    ("api.core.v1.VolumeMountStatus", "name! mountPath! recursiveReadOnly*"),
    ("api.core.v1.VsphereVirtualDiskVolumeSource", "volumePath!"),
    ("api.core.v1.WeightedPodAffinityTerm", "weight! podAffinityTerm=!"),
    ("api.core.v1.WindowsSecurityContextOptions", "gmsaCredentialSpecName* gmsaCredentialSpec* runAsUserName* hostProcess*"),
    ("apimachinery.pkg.apis.meta.v1.Condition", "type! status! lastTransitionTime=! reason! message!"),
    ("apimachinery.pkg.apis.meta.v1.DeleteOptions", "@kind gracePeriodSeconds* orphanDependents* propagationPolicy* ignoreStoreReadErrorWithClusterBreakingPotential*"),
    ("apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement", "key! operator!"),
    ("apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "key! operator!"),
    ("apimachinery.pkg.apis.meta.v1.ListMeta", "remainingItemCount*"),
    ("apimachinery.pkg.apis.meta.v1.ObjectMeta", "creationTimestamp= deletionGracePeriodSeconds*"),
    ("apimachinery.pkg.apis.meta.v1.OwnerReference", "apiVersion! kind! name! uid! controller* blockOwnerDeletion*"),
    ("apimachinery.pkg.apis.meta.v1.Preconditions", "uid* resourceVersion*"),
    ("apimachinery.pkg.apis.meta.v1.Status", "@kind metadata="),
    ("apimachinery.pkg.apis.meta.v1.WatchEvent", "type! object=!"),
];

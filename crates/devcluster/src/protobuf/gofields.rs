//! What the protobuf descriptors do not say about the Go types behind them, and the Go JSON
//! encoder needs: which scalar fields are Go pointers (an explicit `0`, `false` or `""` is kept),
//! which message fields are Go values rather than pointers (always encoded, `{}` when empty),
//! which fields have no `omitempty` in their json tag (encoded even when zero or nil, as
//! `null` for a nil pointer, slice or map), and which embedded structs are inlined into their
//! parent's JSON object. (Which messages carry `apiVersion` and `kind`, an inlined
//! `metav1.TypeMeta`, follows from the kinds served: [`super::served`].)
//!
//! The facts were read from the Go types of Kubernetes v1.35 (k8s.io/api and
//! k8s.io/apimachinery v0.35.0, the version of the `.proto` files): the field types, json tags
//! and protobuf tags (which name the proto field) of the structs in the `types.go` of
//! k8s.io/api core/v1, apps/v1, batch/v1, autoscaling/v1, authorization/v1 and of
//! apimachinery's pkg/apis/meta/v1, for every message reachable from the kinds devcluster
//! serves in protobuf; a unit test fails when a served kind reaches a message not listed
//! here, or an entry names a field the descriptors do not have. A field not listed follows
//! the common Go shape: a scalar is a non-pointer with `omitempty` (zero omitted), a message
//! is a pointer with `omitempty` (omitted when absent), a list or map is omitted when empty.
//!
//! One exception: ObjectMeta's `creationTimestamp` is `omitempty,omitzero` since Kubernetes
//! 1.34 (a zero time is left out); devcluster reports v1.33 (`/version`), whose servers and
//! kubectl 1.32 print a zero time as `null`, so it is marked a plain struct value here.

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

/// The Go shape of `field` of `message` (full proto names, no leading dot).
pub(crate) fn go_field(message: &str, field: &str) -> GoField {
    table().get(&(message, field)).copied().unwrap_or_default()
}

/// The types with a JSON form of their own (their Go `MarshalJSON`/`UnmarshalJSON`), which
/// `to_json` and `from_json` convert by name rather than field by field.
#[cfg(test)]
pub(crate) const JSON_TYPES: &[&str] = &[
    "apimachinery.pkg.apis.meta.v1.Time",
    "apimachinery.pkg.apis.meta.v1.MicroTime",
    "apimachinery.pkg.apis.meta.v1.Duration",
    "apimachinery.pkg.api.resource.Quantity",
    "apimachinery.pkg.util.intstr.IntOrString",
    "apimachinery.pkg.runtime.RawExtension",
    "apimachinery.pkg.apis.meta.v1.FieldsV1",
];

/// Go named slices (`type ExtraValue []string`) that protobuf wraps in a message with one
/// repeated `items` field; in JSON they are the bare array.
pub(crate) const LIST_WRAPPERS: &[&str] = &[
    "api.authorization.v1.ExtraValue",
    "apimachinery.pkg.apis.meta.v1.Verbs",
];

type Table = HashMap<(&'static str, &'static str), GoField>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut fields = HashMap::new();
        for (message, marks) in GO_FIELDS {
            for mark in marks.split_whitespace() {
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
        fields
    })
}

/// Every message reachable from the kinds served in protobuf (but the types with a JSON form
/// of their own: Time, MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1),
/// each with the fields that differ from the common shape: `field` with `*` (scalar pointer),
/// `=` (struct value), `!` (no omitempty), `~` (inlined embedded struct). A message with no
/// marks has only common fields; it is listed so that the coverage test can tell it was read.
pub(crate) const GO_FIELDS: &[(&str, &str)] = &[
    ("api.apps.v1.DaemonSet", "metadata= spec= status="),
    ("api.apps.v1.DaemonSetCondition", "type! status! lastTransitionTime="),
    ("api.apps.v1.DaemonSetList", "metadata= items!"),
    ("api.apps.v1.DaemonSetSpec", "selector! template=! updateStrategy= revisionHistoryLimit*"),
    ("api.apps.v1.DaemonSetStatus", "currentNumberScheduled! numberMisscheduled! desiredNumberScheduled! numberReady! collisionCount*"),
    ("api.apps.v1.DaemonSetUpdateStrategy", ""),
    ("api.apps.v1.Deployment", "metadata= spec= status="),
    ("api.apps.v1.DeploymentCondition", "type! status! lastUpdateTime= lastTransitionTime="),
    ("api.apps.v1.DeploymentList", "metadata= items!"),
    ("api.apps.v1.DeploymentSpec", "replicas* selector! template=! strategy= revisionHistoryLimit* progressDeadlineSeconds*"),
    ("api.apps.v1.DeploymentStatus", "terminatingReplicas* collisionCount*"),
    ("api.apps.v1.DeploymentStrategy", ""),
    ("api.apps.v1.ReplicaSet", "metadata= spec= status="),
    ("api.apps.v1.ReplicaSetCondition", "type! status! lastTransitionTime="),
    ("api.apps.v1.ReplicaSetList", "metadata= items!"),
    ("api.apps.v1.ReplicaSetSpec", "replicas* selector! template="),
    ("api.apps.v1.ReplicaSetStatus", "replicas! terminatingReplicas*"),
    ("api.apps.v1.RollingUpdateDaemonSet", ""),
    ("api.apps.v1.RollingUpdateDeployment", ""),
    ("api.apps.v1.RollingUpdateStatefulSetStrategy", "partition*"),
    ("api.apps.v1.StatefulSet", "metadata= spec= status="),
    ("api.apps.v1.StatefulSetCondition", "type! status! lastTransitionTime="),
    ("api.apps.v1.StatefulSetList", "metadata= items!"),
    ("api.apps.v1.StatefulSetOrdinals", "start!"),
    ("api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", ""),
    ("api.apps.v1.StatefulSetSpec", "replicas* selector! template=! serviceName! updateStrategy= revisionHistoryLimit*"),
    ("api.apps.v1.StatefulSetStatus", "replicas! collisionCount* availableReplicas!"),
    ("api.apps.v1.StatefulSetUpdateStrategy", ""),
    ("api.authorization.v1.FieldSelectorAttributes", ""),
    ("api.authorization.v1.LabelSelectorAttributes", ""),
    ("api.authorization.v1.LocalSubjectAccessReview", "metadata= spec=! status="),
    ("api.authorization.v1.NonResourceAttributes", ""),
    ("api.authorization.v1.NonResourceRule", "verbs!"),
    ("api.authorization.v1.ResourceAttributes", ""),
    ("api.authorization.v1.ResourceRule", "verbs!"),
    ("api.authorization.v1.SelfSubjectAccessReview", "metadata= spec=! status="),
    ("api.authorization.v1.SelfSubjectAccessReviewSpec", ""),
    ("api.authorization.v1.SelfSubjectRulesReview", "metadata= spec=! status="),
    ("api.authorization.v1.SelfSubjectRulesReviewSpec", ""),
    ("api.authorization.v1.SubjectAccessReview", "metadata= spec=! status="),
    ("api.authorization.v1.SubjectAccessReviewSpec", ""),
    ("api.authorization.v1.SubjectAccessReviewStatus", "allowed!"),
    ("api.authorization.v1.SubjectRulesReviewStatus", "resourceRules! nonResourceRules! incomplete!"),
    ("api.autoscaling.v1.CrossVersionObjectReference", "kind! name!"),
    ("api.autoscaling.v1.HorizontalPodAutoscaler", "metadata= spec= status="),
    ("api.autoscaling.v1.HorizontalPodAutoscalerList", "metadata= items!"),
    ("api.autoscaling.v1.HorizontalPodAutoscalerSpec", "scaleTargetRef=! minReplicas* maxReplicas! targetCPUUtilizationPercentage*"),
    ("api.autoscaling.v1.HorizontalPodAutoscalerStatus", "observedGeneration* currentReplicas! desiredReplicas! currentCPUUtilizationPercentage*"),
    ("api.autoscaling.v1.Scale", "metadata= spec= status="),
    ("api.autoscaling.v1.ScaleSpec", ""),
    ("api.autoscaling.v1.ScaleStatus", "replicas!"),
    ("api.batch.v1.CronJob", "metadata= spec= status="),
    ("api.batch.v1.CronJobList", "metadata= items!"),
    ("api.batch.v1.CronJobSpec", "schedule! timeZone* startingDeadlineSeconds* suspend* jobTemplate=! successfulJobsHistoryLimit* failedJobsHistoryLimit*"),
    ("api.batch.v1.CronJobStatus", ""),
    ("api.batch.v1.Job", "metadata= spec= status="),
    ("api.batch.v1.JobCondition", "type! status! lastProbeTime= lastTransitionTime="),
    ("api.batch.v1.JobList", "metadata= items!"),
    ("api.batch.v1.JobSpec", "parallelism* completions* activeDeadlineSeconds* backoffLimit* backoffLimitPerIndex* maxFailedIndexes* manualSelector* template=! ttlSecondsAfterFinished* completionMode* suspend* podReplacementPolicy* managedBy*"),
    ("api.batch.v1.JobStatus", "terminating* failedIndexes* ready*"),
    ("api.batch.v1.JobTemplateSpec", "metadata= spec="),
    ("api.batch.v1.PodFailurePolicy", "rules!"),
    ("api.batch.v1.PodFailurePolicyOnExitCodesRequirement", "containerName* operator! values!"),
    ("api.batch.v1.PodFailurePolicyOnPodConditionsPattern", "type! status!"),
    ("api.batch.v1.PodFailurePolicyRule", "action!"),
    ("api.batch.v1.SuccessPolicy", "rules!"),
    ("api.batch.v1.SuccessPolicyRule", "succeededIndexes* succeededCount*"),
    ("api.batch.v1.UncountedTerminatedPods", ""),
    ("api.core.v1.AWSElasticBlockStoreVolumeSource", "volumeID!"),
    ("api.core.v1.Affinity", ""),
    ("api.core.v1.AppArmorProfile", "type! localhostProfile*"),
    ("api.core.v1.AzureDiskVolumeSource", "diskName! diskURI! cachingMode* fsType* readOnly* kind*"),
    ("api.core.v1.AzureFileVolumeSource", "secretName! shareName!"),
    ("api.core.v1.CSIVolumeSource", "driver! readOnly* fsType*"),
    ("api.core.v1.Capabilities", ""),
    ("api.core.v1.CephFSVolumeSource", "monitors!"),
    ("api.core.v1.CinderVolumeSource", "volumeID!"),
    ("api.core.v1.ClientIPConfig", "timeoutSeconds*"),
    ("api.core.v1.ClusterTrustBundleProjection", "name* signerName* optional* path!"),
    ("api.core.v1.ConfigMap", "metadata= immutable*"),
    ("api.core.v1.ConfigMapEnvSource", "localObjectReference~ optional*"),
    ("api.core.v1.ConfigMapKeySelector", "localObjectReference~ key! optional*"),
    ("api.core.v1.ConfigMapList", "metadata= items!"),
    ("api.core.v1.ConfigMapProjection", "localObjectReference~ optional*"),
    ("api.core.v1.ConfigMapVolumeSource", "localObjectReference~ defaultMode* optional*"),
    ("api.core.v1.Container", "name! resources= restartPolicy*"),
    ("api.core.v1.ContainerExtendedResourceRequest", "containerName! resourceName! requestName!"),
    ("api.core.v1.ContainerPort", "containerPort!"),
    ("api.core.v1.ContainerResizePolicy", "resourceName! restartPolicy!"),
    ("api.core.v1.ContainerRestartRule", ""),
    ("api.core.v1.ContainerRestartRuleOnExitCodes", ""),
    ("api.core.v1.ContainerState", ""),
    ("api.core.v1.ContainerStateRunning", "startedAt="),
    ("api.core.v1.ContainerStateTerminated", "exitCode! startedAt= finishedAt="),
    ("api.core.v1.ContainerStateWaiting", ""),
    ("api.core.v1.ContainerStatus", "name! state= lastState= ready! restartCount! image! imageID! started* stopSignal*"),
    ("api.core.v1.ContainerUser", ""),
    ("api.core.v1.DownwardAPIProjection", ""),
    ("api.core.v1.DownwardAPIVolumeFile", "path! mode*"),
    ("api.core.v1.DownwardAPIVolumeSource", "defaultMode*"),
    ("api.core.v1.EmptyDirVolumeSource", ""),
    ("api.core.v1.EnvFromSource", ""),
    ("api.core.v1.EnvVar", "name!"),
    ("api.core.v1.EnvVarSource", ""),
    ("api.core.v1.EphemeralContainer", "ephemeralContainerCommon~"),
    ("api.core.v1.EphemeralContainerCommon", "name! resources= restartPolicy*"),
    ("api.core.v1.EphemeralVolumeSource", ""),
    ("api.core.v1.Event", "metadata=! involvedObject=! source= firstTimestamp= lastTimestamp= eventTime= reportingComponent! reportingInstance!"),
    ("api.core.v1.EventList", "metadata= items!"),
    ("api.core.v1.EventSeries", "lastObservedTime="),
    ("api.core.v1.EventSource", ""),
    ("api.core.v1.ExecAction", ""),
    ("api.core.v1.FCVolumeSource", "lun*"),
    ("api.core.v1.FileKeySelector", "volumeName! path! key! optional*"),
    ("api.core.v1.FlexVolumeSource", "driver!"),
    ("api.core.v1.FlockerVolumeSource", ""),
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
    ("api.core.v1.ImageVolumeSource", ""),
    ("api.core.v1.KeyToPath", "key! path! mode*"),
    ("api.core.v1.Lifecycle", "stopSignal*"),
    ("api.core.v1.LifecycleHandler", ""),
    ("api.core.v1.LimitRange", "metadata= spec="),
    ("api.core.v1.LimitRangeItem", "type!"),
    ("api.core.v1.LimitRangeList", "metadata= items!"),
    ("api.core.v1.LimitRangeSpec", "limits!"),
    ("api.core.v1.LinuxContainerUser", "uid! gid!"),
    ("api.core.v1.LoadBalancerIngress", "ipMode*"),
    ("api.core.v1.LoadBalancerStatus", ""),
    ("api.core.v1.LocalObjectReference", ""),
    ("api.core.v1.ModifyVolumeStatus", "status!"),
    ("api.core.v1.NFSVolumeSource", "server! path!"),
    ("api.core.v1.Namespace", "metadata= spec= status="),
    ("api.core.v1.NamespaceCondition", "type! status! lastTransitionTime="),
    ("api.core.v1.NamespaceList", "metadata= items!"),
    ("api.core.v1.NamespaceSpec", ""),
    ("api.core.v1.NamespaceStatus", ""),
    ("api.core.v1.NodeAffinity", ""),
    ("api.core.v1.NodeSelector", "nodeSelectorTerms!"),
    ("api.core.v1.NodeSelectorRequirement", "key! operator!"),
    ("api.core.v1.NodeSelectorTerm", ""),
    ("api.core.v1.ObjectFieldSelector", "fieldPath!"),
    ("api.core.v1.ObjectReference", ""),
    ("api.core.v1.PersistentVolumeClaim", "metadata= spec= status="),
    ("api.core.v1.PersistentVolumeClaimCondition", "type! status! lastProbeTime= lastTransitionTime="),
    ("api.core.v1.PersistentVolumeClaimList", "metadata= items!"),
    ("api.core.v1.PersistentVolumeClaimSpec", "resources= storageClassName* volumeMode* volumeAttributesClassName*"),
    ("api.core.v1.PersistentVolumeClaimStatus", "currentVolumeAttributesClassName*"),
    ("api.core.v1.PersistentVolumeClaimTemplate", "metadata= spec=!"),
    ("api.core.v1.PersistentVolumeClaimVolumeSource", "claimName!"),
    ("api.core.v1.PhotonPersistentDiskVolumeSource", "pdID!"),
    ("api.core.v1.Pod", "metadata= spec= status="),
    ("api.core.v1.PodAffinity", ""),
    ("api.core.v1.PodAffinityTerm", "topologyKey!"),
    ("api.core.v1.PodAntiAffinity", ""),
    ("api.core.v1.PodCertificateProjection", "maxExpirationSeconds*"),
    ("api.core.v1.PodCondition", "type! status! lastProbeTime= lastTransitionTime="),
    ("api.core.v1.PodDNSConfig", ""),
    ("api.core.v1.PodDNSConfigOption", "value*"),
    ("api.core.v1.PodExtendedResourceClaimStatus", "requestMappings! resourceClaimName!"),
    ("api.core.v1.PodIP", "ip!"),
    ("api.core.v1.PodList", "metadata= items!"),
    ("api.core.v1.PodOS", "name!"),
    ("api.core.v1.PodReadinessGate", "conditionType!"),
    ("api.core.v1.PodResourceClaim", "name! resourceClaimName* resourceClaimTemplateName*"),
    ("api.core.v1.PodResourceClaimStatus", "name! resourceClaimName*"),
    ("api.core.v1.PodSchedulingGate", "name!"),
    ("api.core.v1.PodSecurityContext", "runAsUser* runAsGroup* runAsNonRoot* supplementalGroupsPolicy* fsGroup* fsGroupChangePolicy* seLinuxChangePolicy*"),
    ("api.core.v1.PodSpec", "containers! terminationGracePeriodSeconds* activeDeadlineSeconds* automountServiceAccountToken* shareProcessNamespace* priority* runtimeClassName* enableServiceLinks* preemptionPolicy* setHostnameAsFQDN* hostUsers* hostnameOverride*"),
    ("api.core.v1.PodStatus", ""),
    ("api.core.v1.PodTemplateSpec", "metadata= spec="),
    ("api.core.v1.PortStatus", "port! protocol! error*"),
    ("api.core.v1.PortworxVolumeSource", "volumeID!"),
    ("api.core.v1.PreferredSchedulingTerm", "weight! preference=!"),
    ("api.core.v1.Probe", "handler~ terminationGracePeriodSeconds*"),
    ("api.core.v1.ProbeHandler", ""),
    ("api.core.v1.ProjectedVolumeSource", "sources! defaultMode*"),
    ("api.core.v1.QuobyteVolumeSource", "registry! volume!"),
    ("api.core.v1.RBDVolumeSource", "monitors! image!"),
    ("api.core.v1.ReplicationController", "metadata= spec= status="),
    ("api.core.v1.ReplicationControllerCondition", "type! status! lastTransitionTime="),
    ("api.core.v1.ReplicationControllerList", "metadata= items!"),
    ("api.core.v1.ReplicationControllerSpec", "replicas*"),
    ("api.core.v1.ReplicationControllerStatus", "replicas!"),
    ("api.core.v1.ResourceClaim", "name!"),
    ("api.core.v1.ResourceFieldSelector", "resource! divisor="),
    ("api.core.v1.ResourceHealth", "resourceID!"),
    ("api.core.v1.ResourceQuota", "metadata= spec= status="),
    ("api.core.v1.ResourceQuotaList", "metadata= items!"),
    ("api.core.v1.ResourceQuotaSpec", ""),
    ("api.core.v1.ResourceQuotaStatus", ""),
    ("api.core.v1.ResourceRequirements", ""),
    ("api.core.v1.ResourceStatus", "name!"),
    ("api.core.v1.SELinuxOptions", ""),
    ("api.core.v1.ScaleIOVolumeSource", "gateway! system! secretRef!"),
    ("api.core.v1.ScopeSelector", ""),
    ("api.core.v1.ScopedResourceSelectorRequirement", "scopeName! operator!"),
    ("api.core.v1.SeccompProfile", "type! localhostProfile*"),
    ("api.core.v1.Secret", "metadata= immutable*"),
    ("api.core.v1.SecretEnvSource", "localObjectReference~ optional*"),
    ("api.core.v1.SecretKeySelector", "localObjectReference~ key! optional*"),
    ("api.core.v1.SecretList", "metadata= items!"),
    ("api.core.v1.SecretProjection", "localObjectReference~ optional*"),
    ("api.core.v1.SecretVolumeSource", "defaultMode* optional*"),
    ("api.core.v1.SecurityContext", "privileged* runAsUser* runAsGroup* runAsNonRoot* readOnlyRootFilesystem* allowPrivilegeEscalation* procMount*"),
    ("api.core.v1.Service", "metadata= spec= status="),
    ("api.core.v1.ServiceAccount", "metadata= automountServiceAccountToken*"),
    ("api.core.v1.ServiceAccountList", "metadata= items!"),
    ("api.core.v1.ServiceAccountTokenProjection", "expirationSeconds* path!"),
    ("api.core.v1.ServiceList", "metadata= items!"),
    ("api.core.v1.ServicePort", "appProtocol* port! targetPort="),
    ("api.core.v1.ServiceSpec", "ipFamilyPolicy* allocateLoadBalancerNodePorts* loadBalancerClass* internalTrafficPolicy* trafficDistribution*"),
    ("api.core.v1.ServiceStatus", "loadBalancer="),
    ("api.core.v1.SessionAffinityConfig", ""),
    ("api.core.v1.SleepAction", "seconds!"),
    ("api.core.v1.StorageOSVolumeSource", ""),
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
    ("api.core.v1.VolumeProjection", ""),
    ("api.core.v1.VolumeResourceRequirements", ""),
    ("api.core.v1.VolumeSource", ""),
    ("api.core.v1.VsphereVirtualDiskVolumeSource", "volumePath!"),
    ("api.core.v1.WeightedPodAffinityTerm", "weight! podAffinityTerm=!"),
    ("api.core.v1.WindowsSecurityContextOptions", "gmsaCredentialSpecName* gmsaCredentialSpec* runAsUserName* hostProcess*"),
    ("api.core.v1.WorkloadReference", "name! podGroup!"),
    ("apimachinery.pkg.apis.meta.v1.Condition", "type! status! lastTransitionTime=! reason! message!"),
    ("apimachinery.pkg.apis.meta.v1.CreateOptions", ""),
    ("apimachinery.pkg.apis.meta.v1.DeleteOptions", "gracePeriodSeconds* orphanDependents* propagationPolicy* ignoreStoreReadErrorWithClusterBreakingPotential*"),
    ("apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement", "key! operator!"),
    ("apimachinery.pkg.apis.meta.v1.GetOptions", ""),
    ("apimachinery.pkg.apis.meta.v1.LabelSelector", ""),
    ("apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "key! operator!"),
    ("apimachinery.pkg.apis.meta.v1.ListMeta", "remainingItemCount*"),
    ("apimachinery.pkg.apis.meta.v1.ListOptions", "timeoutSeconds* sendInitialEvents*"),
    ("apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", ""),
    ("apimachinery.pkg.apis.meta.v1.ObjectMeta", "creationTimestamp= deletionGracePeriodSeconds*"),
    ("apimachinery.pkg.apis.meta.v1.OwnerReference", "apiVersion! kind! name! uid! controller* blockOwnerDeletion*"),
    ("apimachinery.pkg.apis.meta.v1.PatchOptions", "force*"),
    ("apimachinery.pkg.apis.meta.v1.Preconditions", "uid* resourceVersion*"),
    ("apimachinery.pkg.apis.meta.v1.Status", "metadata="),
    ("apimachinery.pkg.apis.meta.v1.StatusCause", ""),
    ("apimachinery.pkg.apis.meta.v1.StatusDetails", ""),
    ("apimachinery.pkg.apis.meta.v1.UpdateOptions", ""),
    ("apimachinery.pkg.apis.meta.v1.WatchEvent", "type! object=!"),
];

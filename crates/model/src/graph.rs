//! Which workload containers use which image stream, tag and digest, and whether what they run
//! is the tag's current image (API.md §6).
//!
//! The server keeps no back-references from a stream to its users, so the console has to infer
//! them the way the pruner and the trigger controllers do: from trigger annotations, DeploymentConfig
//! ImageChange triggers, digests found in tag histories, exact pull specs and short names resolved
//! through `lookupPolicy` (§6.5). Each container yields at most one [`ImageUse`] per stream, with
//! every piece of [`Evidence`] that linked them, so a page can explain *why* it claims the link.
//!
//! The graph is rebuilt whenever a watch delivers a change, for projects with tens of thousands of
//! streams, so it is built in one pass over the streams: first every container says what it looks
//! for (digests, pull specs, repositories, stream names), then each tag history is walked once and
//! only those keys are looked up. Nothing is compared pairwise. That walk is bound by memory
//! latency rather than arithmetic, which shapes the details: small Bloom-style pre-checks before
//! hash probes, keys hashed by their tails, and tables sized by the workloads, not the streams.

use crate::imagestream::{ImageStream, TagEvent};
use crate::meta::ObjectMeta;
use crate::reference::{self, ImageReference, DEFAULT_TAG};
use crate::workload::{image_triggers, Container, Deployment, DeploymentConfig, Pod, PodSpec};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// Annotation that makes admission resolve short image names (`is:tag`) against the namespace's
/// streams even when their `lookupPolicy.local` is false; the web console's Deploy Image form
/// sets it to `"*"` (§6.4).
pub const RESOLVE_NAMES_ANNOTATION: &str = "alpha.image.policy.openshift.io/resolve-names";

/// Where a Deployment's pod spec lives; trigger `fieldPath`s start with it (§6.1).
const POD_TEMPLATE_SPEC_PATH: &str = "spec.template.spec.";

/// The only `from.kind` image triggers and tag aliases act on.
const IMAGE_STREAM_TAG: &str = "ImageStreamTag";

/// Alias chains longer than this are treated as broken; real ones have one or two hops, and the
/// bound keeps a cycle (`a → b → a`) from looping.
const MAX_ALIAS_HOPS: usize = 16;

/// The objects of one project that the graph relates.
#[derive(Debug, Clone, Copy)]
pub struct ProjectObjects<'a> {
    /// The project the workloads live in. Objects whose metadata has no namespace (as in
    /// `kind: List` files) are taken to live here.
    pub namespace: &'a str,
    /// The streams to match against, including other namespaces' streams that cross-namespace
    /// triggers name; each stream's own `metadata.namespace` is used.
    pub streams: &'a [ImageStream],
    /// The project's Deployments (annotation triggers, §6.1).
    pub deployments: &'a [Deployment],
    /// The project's DeploymentConfigs (ImageChange triggers, §6.2).
    pub deployment_configs: &'a [DeploymentConfig],
    /// The project's pods, which hold the images admission and the triggers resolved.
    pub pods: &'a [Pod],
}

/// The kinds of object whose containers the graph inspects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkloadKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `apps.openshift.io/v1` DeploymentConfig.
    DeploymentConfig,
    /// `v1` Pod.
    Pod,
}

impl WorkloadKind {
    /// The API kind as `oc` prints it, for labels and links.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::DeploymentConfig => "DeploymentConfig",
            WorkloadKind::Pod => "Pod",
        }
    }
}

/// Identifies the workload a container belongs to, so a use can link back to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkloadRef {
    /// Deployment, DeploymentConfig or Pod.
    pub kind: WorkloadKind,
    /// The workload's namespace.
    pub namespace: String,
    /// The workload's name.
    pub name: String,
}

/// Identifies an image stream, possibly in another namespace than the workload using it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamRef {
    /// The stream's namespace.
    pub namespace: String,
    /// The stream's name.
    pub name: String,
}

/// One reason to believe a container uses a stream; a use lists every reason that applied, the
/// strongest (triggers) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// The Deployment's `image.openshift.io/triggers` annotation names the tag for this
    /// container; `paused` triggers no longer update it.
    TriggerAnnotation {
        /// The controller skips paused triggers, so the container will not follow the tag.
        paused: bool,
    },
    /// A DeploymentConfig ImageChange trigger names the tag for this container.
    DeploymentConfigTrigger {
        /// Whether a new image rolls out without a manual `oc rollout latest`.
        automatic: bool,
    },
    /// The container's digest is in the tag's history (host ignored, as the pruner does).
    DigestInHistory,
    /// The image equals the stream's repository plus `:tag` or `@digest`, or a history pull spec.
    PullSpecMatch,
    /// The image is the short name `is[:tag]` and the stream has `lookupPolicy.local: true`.
    LookupPolicyShortName,
    /// The image is the short name `is[:tag]` and the workload carries the resolve-names
    /// annotation ([`RESOLVE_NAMES_ANNOTATION`]).
    ResolveNamesShortName,
    /// The image's `namespace/name` (any registry host) is the stream's, as the pruner counts
    /// references; used when nothing stronger names a stream.
    RepositoryPath,
    /// The digest was read from the pod's `status.containerStatuses[].imageID`, because the spec
    /// image names a tag.
    PodStatusImageId,
}

/// How what a container runs relates to the tag it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UseState {
    /// The container runs the tag's newest image (or names the tag itself and pulls whatever it
    /// points at).
    Current,
    /// The container runs an older image of the tag.
    Stale {
        /// How many newer distinct images the tag has had since: 1 means one image behind.
        behind: usize,
    },
    /// The container image is empty or `" "`: its trigger has not fired yet (§6.1).
    Pending,
    /// The container points at the stream or tag, but its image is not in the tag's history
    /// (pruned, pushed elsewhere, or changed by hand).
    NotInHistory,
    /// The tag has no image yet (import pending or failed), or its stream is not loaded.
    Unresolved,
}

impl UseState {
    /// True for [`UseState::Stale`], which a "USED BY" column counts separately.
    pub fn is_stale(self) -> bool {
        matches!(self, UseState::Stale { .. })
    }
}

/// One container's use of one image stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    /// The workload the container belongs to.
    pub workload: WorkloadRef,
    /// The container's name.
    pub container: String,
    /// True for an entry of `initContainers`.
    pub init_container: bool,
    /// The image exactly as written in the container (`" "` while a trigger is pending).
    pub image: String,
    /// The stream used. Always set by [`ReferenceGraph::build`]; optional so that a caller can
    /// describe a container outside any stream with the same type.
    pub stream: Option<StreamRef>,
    /// The tag used, as the evidence names it (an alias stays the alias). `None` when only the
    /// stream is known, e.g. `<repository>@<digest>` with a digest in no tag.
    pub tag: Option<String>,
    /// The digest the container runs (from its image or its pod status), or for an image that
    /// names a tag, the digest that tag resolves to now.
    pub digest: Option<String>,
    /// Why the container is believed to use the stream, strongest first.
    pub via: Vec<Evidence>,
    /// Whether the container runs the tag's current image.
    pub state: UseState,
}

/// How many workloads use a stream, for a "USED BY" column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct StreamUsage {
    /// Distinct workloads with at least one container using the stream. Pods that have an owner
    /// (ReplicaSet, ReplicationController, …) are left out: their Deployment or
    /// DeploymentConfig already counts, and replicas would inflate the number.
    pub workloads: usize,
    /// How many of those run an older image of the tag they use.
    pub stale: usize,
}

/// Which containers use which stream, tag and digest, with lookups for the pages that show it.
#[derive(Debug, Clone, Default)]
pub struct ReferenceGraph {
    uses: Vec<ImageUse>,
    /// For each use: the workload it came from (uses of one workload are contiguous) and whether
    /// that workload counts in [`StreamUsage`].
    owners: Vec<(usize, bool)>,
    /// `(hash of namespace and stream name, index into uses)`, sorted: one allocation for the
    /// whole table instead of a key copy per use. Hashes can collide, so lookups re-check names.
    by_stream: Vec<(u64, usize)>,
    /// `(hash of kind and workload name, index into uses)`, sorted likewise.
    by_workload: Vec<(u64, usize)>,
}

impl ReferenceGraph {
    /// Relates every container of `objects` to the streams it uses (§6.5). Never fails: malformed
    /// annotations, field paths and pull specs are skipped and other rules still apply.
    pub fn build(objects: &ProjectObjects<'_>) -> ReferenceGraph {
        let streams = StreamTable {
            streams: objects.streams,
            project: objects.namespace,
        };
        let mut containers = ContainerCollector::default();
        for deployment in objects.deployments {
            containers.add_deployment(deployment, objects.namespace);
        }
        for config in objects.deployment_configs {
            containers.add_deployment_config(config, objects.namespace);
        }
        for pod in objects.pods {
            containers.add_pod(pod, objects.namespace);
        }

        let mut wanted = WantedKeys::new(&containers);
        wanted.scan(&streams);

        let mut graph = ReferenceGraph::default();
        let mut scratch = Scratch {
            found: Vec::new(),
            best: Vec::new(),
        };
        for site in &containers.sites {
            let Some(workload) = containers.workloads.get(site.workload) else {
                continue;
            };
            candidates(site, workload, &streams, &wanted, &mut scratch);
            for candidate in &scratch.found {
                graph.uses.push(judge(site, workload, candidate, &streams));
                graph.owners.push((site.workload, workload.counted));
            }
        }
        graph.index();
        graph
    }

    /// Every use, in input order: Deployments, then DeploymentConfigs, then pods; within a
    /// workload its containers, then its init containers.
    pub fn uses(&self) -> &[ImageUse] {
        &self.uses
    }

    /// The uses of one stream, by any tag or by digest only.
    pub fn uses_of_stream<'g, 'q>(
        &'g self,
        namespace: &'q str,
        name: &'q str,
    ) -> impl Iterator<Item = &'g ImageUse> + use<'g, 'q> {
        self.stream_uses(namespace, name)
            .map(|(_, image_use)| image_use)
    }

    /// The uses of one tag of a stream (as the evidence names it, so uses of an alias are found
    /// under the alias).
    pub fn uses_of_tag<'g, 'q>(
        &'g self,
        namespace: &'q str,
        stream: &'q str,
        tag: &'q str,
    ) -> impl Iterator<Item = &'g ImageUse> + use<'g, 'q> {
        self.uses_of_stream(namespace, stream)
            .filter(move |image_use| image_use.tag.as_deref() == Some(tag))
    }

    /// The uses of one workload's containers. The graph covers one project, so kind and name
    /// identify the workload.
    pub fn uses_by_workload<'g, 'q>(
        &'g self,
        kind: WorkloadKind,
        name: &'q str,
    ) -> impl Iterator<Item = &'g ImageUse> + use<'g, 'q> {
        self.indexed(&self.by_workload, workload_key(kind, name))
            .filter(move |(_, image_use)| {
                image_use.workload.kind == kind && image_use.workload.name == name
            })
            .map(|(_, image_use)| image_use)
    }

    /// How many workloads use a stream and how many of them are stale, for a "USED BY" column.
    pub fn stream_usage(&self, namespace: &str, name: &str) -> StreamUsage {
        let mut usage = StreamUsage::default();
        // Uses of one workload are contiguous, so a change of owner starts the next workload.
        let mut current: Option<(usize, bool)> = None;
        for (index, image_use) in self.stream_uses(namespace, name) {
            let Some(&(owner, counted)) = self.owners.get(index) else {
                continue;
            };
            if !counted {
                continue;
            }
            let stale = image_use.state.is_stale();
            match &mut current {
                Some((seen, seen_stale)) if *seen == owner => {
                    if stale && !*seen_stale {
                        *seen_stale = true;
                        usage.stale += 1;
                    }
                }
                _ => {
                    current = Some((owner, stale));
                    usage.workloads += 1;
                    if stale {
                        usage.stale += 1;
                    }
                }
            }
        }
        usage
    }

    /// The uses of one stream with their indexes, in use order.
    fn stream_uses<'g, 'q>(
        &'g self,
        namespace: &'q str,
        name: &'q str,
    ) -> impl Iterator<Item = (usize, &'g ImageUse)> + use<'g, 'q> {
        self.indexed(&self.by_stream, stream_key(namespace, name))
            .filter(move |(_, image_use)| {
                image_use
                    .stream
                    .as_ref()
                    .is_some_and(|stream| stream.namespace == namespace && stream.name == name)
            })
    }

    /// The uses filed under `key` in a sorted table, in use order.
    fn indexed<'g>(
        &'g self,
        table: &'g [(u64, usize)],
        key: u64,
    ) -> impl Iterator<Item = (usize, &'g ImageUse)> + use<'g> {
        let start = table.partition_point(|&(hash, _)| hash < key);
        table
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |&&(hash, _)| hash == key)
            .filter_map(|&(_, index)| Some((index, self.uses.get(index)?)))
    }

    /// Builds the lookup tables once, after all uses are known.
    fn index(&mut self) {
        for (index, image_use) in self.uses.iter().enumerate() {
            if let Some(stream) = &image_use.stream {
                let key = stream_key(&stream.namespace, &stream.name);
                self.by_stream.push((key, index));
            }
            let workload = &image_use.workload;
            self.by_workload
                .push((workload_key(workload.kind, &workload.name), index));
        }
        // Sorting the pairs keeps use order within a key, which `stream_usage` relies on.
        self.by_stream.sort_unstable();
        self.by_workload.sort_unstable();
    }
}

/// Strips a Deployment down to what [`ReferenceGraph::build`] reads: name, namespace,
/// resourceVersion, the trigger and resolve-names annotations (also on the pod template) and
/// each container's name and image. A page that keeps thousands of Deployments only to show
/// USED BY holds a fraction of their memory, and their status updates (rollouts, replica
/// counts) compare equal after compaction, so they need not rebuild the graph.
pub fn compact_deployment(deployment: &mut Deployment) {
    use crate::workload::{DeploymentSpec, PodTemplateSpec, TRIGGERS_ANNOTATION};
    fn meta(meta: ObjectMeta, keep_identity: bool) -> ObjectMeta {
        let annotations: std::collections::BTreeMap<String, String> = meta
            .annotations
            .unwrap_or_default()
            .into_iter()
            .filter(|(key, _)| key == TRIGGERS_ANNOTATION || key == RESOLVE_NAMES_ANNOTATION)
            .collect();
        let mut kept = ObjectMeta {
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        };
        if keep_identity {
            kept.name = meta.name;
            kept.namespace = meta.namespace;
            kept.resource_version = meta.resource_version;
        }
        kept
    }
    fn containers(list: Vec<Container>) -> Vec<Container> {
        list.into_iter()
            .map(|container| Container {
                name: container.name,
                image: container.image,
                ..Container::default()
            })
            .collect()
    }
    deployment.metadata = meta(std::mem::take(&mut deployment.metadata), true);
    deployment.api_version = None;
    deployment.kind = None;
    deployment.status = None;
    deployment.extra = Default::default();
    let template = deployment
        .spec
        .take()
        .and_then(|spec| spec.template)
        .map(|template| PodTemplateSpec {
            metadata: template.metadata.map(|m| meta(m, false)),
            spec: template.spec.map(|spec| PodSpec {
                containers: containers(spec.containers),
                init_containers: spec.init_containers.map(containers),
                ..PodSpec::default()
            }),
            ..PodTemplateSpec::default()
        });
    deployment.spec = Some(DeploymentSpec {
        template,
        ..DeploymentSpec::default()
    });
}

fn stream_key(namespace: &str, name: &str) -> u64 {
    BuildHasherDefault::<FoldHasher>::default().hash_one((namespace, name))
}

fn workload_key(kind: WorkloadKind, name: &str) -> u64 {
    BuildHasherDefault::<FoldHasher>::default().hash_one((kind, name))
}

// ---------------------------------------------------------------------------------------------
// Hashing

/// A multiply-rotate hasher (the one rustc uses) for the internal indexes. SipHash's flooding
/// resistance buys nothing here: the keys are digests and names from the user's own cluster, and
/// the graph is rebuilt on watch events, where hashing hundreds of thousands of 71-byte digests
/// with SipHash would take most of the time budget.
#[derive(Debug, Default, Clone, Copy)]
struct FoldHasher {
    hash: u64,
}

impl FoldHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        if !rest.is_empty() {
            let mut word = 0u64;
            for &byte in rest {
                word = (word << 8) | u64::from(byte);
            }
            self.add(word);
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    /// The multiply only carries entropy upwards, while the table picks buckets from the low
    /// bits; digests that differ only near their end (common in generated data) would pile into
    /// a few buckets. A MurmurHash3 finaliser spreads every bit over the whole word.
    fn finish(&self) -> u64 {
        let mut hash = self.hash;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FoldHasher>>;

fn fast_map<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

// ---------------------------------------------------------------------------------------------
// Streams

/// The streams, addressed by position. Finding one by name goes through [`WantedKeys`], which
/// indexes only the names some container asks for.
struct StreamTable<'a> {
    streams: &'a [ImageStream],
    /// The namespace of streams whose metadata has none.
    project: &'a str,
}

impl<'a> StreamTable<'a> {
    fn stream(&self, index: usize) -> Option<&'a ImageStream> {
        self.streams.get(index)
    }

    fn namespace(&self, index: usize) -> &'a str {
        self.stream(index)
            .map_or("", |stream| namespace_or(&stream.metadata, self.project))
    }

    fn name(&self, index: usize) -> &'a str {
        self.stream(index)
            .map_or("", |stream| stream.metadata.name())
    }

    fn lookup_local(&self, index: usize) -> bool {
        self.stream(index)
            .and_then(|stream| stream.spec.as_ref())
            .and_then(|spec| spec.lookup_policy.as_ref())
            .is_some_and(|policy| policy.local)
    }

    /// The history of one status tag, empty when the tag has none.
    fn status_events(&self, index: usize, tag: &str) -> &'a [TagEvent] {
        self.stream(index)
            .and_then(|stream| stream.status_tags().iter().find(|list| list.tag == tag))
            .map_or(&[], |list| list.events())
    }

    /// The history that decides whether a user of `tag` is current. An alias (a spec tag whose
    /// `from` is another tag of the same stream, possibly through a chain) takes its target's
    /// history, because that is what the alias resolves to next; the alias's own status history
    /// is kept as a fallback for images the target never had (the alias pointed elsewhere
    /// before). Cross-stream `from`s are not followed: the server mirrors them into the tag's own
    /// status, which is then the best record.
    /// `own` is the tag's status history when the caller already has it.
    fn tag_history(&self, index: usize, tag: &str, own: Option<&'a [TagEvent]>) -> TagHistory<'a> {
        let own = own.unwrap_or_else(|| self.status_events(index, tag));
        let mut current = own;
        let Some(stream) = self.stream(index) else {
            return TagHistory { current, own };
        };
        let namespace = self.namespace(index);
        let mut name = tag;
        for _ in 0..MAX_ALIAS_HOPS {
            // Checking the kind first skips most tags without reading their names: `str`
            // equality compares lengths before bytes, and the stream's memory is cold by now.
            let Some(from) = stream
                .spec_tags()
                .iter()
                .filter_map(|spec| Some((spec, spec.from.as_ref()?)))
                .find(|(spec, from)| from.kind == IMAGE_STREAM_TAG && spec.name == name)
                .map(|(_, from)| from)
            else {
                break;
            };
            if from
                .namespace
                .as_deref()
                .is_some_and(|ns| !ns.is_empty() && ns != namespace)
            {
                break;
            }
            let next = match split_stream_tag(&from.name) {
                Some((other, _)) if other != stream.metadata.name() => break,
                Some((_, next)) => next,
                None => from.name.as_str(),
            };
            name = next;
            let events = self.status_events(index, name);
            if !events.is_empty() {
                current = events;
            }
        }
        TagHistory { current, own }
    }
}

/// A tag's history as used for judging: `current` decides, `own` is searched second.
#[derive(Clone, Copy)]
struct TagHistory<'a> {
    current: &'a [TagEvent],
    own: &'a [TagEvent],
}

// ---------------------------------------------------------------------------------------------
// Containers

/// Which container a trigger writes.
enum ContainerSelector<'a> {
    /// `containers[0]` or `initContainers[1]`.
    Index { init: bool, index: usize },
    /// `containers[?(@.name=="web")]`; like the controller, it matches init containers too.
    Name(String),
    /// DeploymentConfig `containerNames`.
    Names(&'a [String]),
}

/// A trigger of a workload, reduced to the tag it names and the container it feeds.
struct TriggerBinding<'a> {
    selector: ContainerSelector<'a>,
    namespace: String,
    stream: String,
    tag: String,
    evidence: Evidence,
}

impl TriggerBinding<'_> {
    fn selects(&self, site: &ContainerSite<'_>) -> bool {
        match &self.selector {
            ContainerSelector::Index { init, index } => site.init == *init && site.index == *index,
            ContainerSelector::Name(name) => site.name == name,
            ContainerSelector::Names(names) => names.iter().any(|name| name == site.name),
        }
    }
}

/// A workload as the matching needs it.
struct WorkloadEntry<'a> {
    kind: WorkloadKind,
    namespace: &'a str,
    name: &'a str,
    /// The resolve-names annotation is on the workload or its pod template.
    resolve_names: bool,
    /// Counts in [`StreamUsage`] (false for pods that have an owner).
    counted: bool,
    triggers: Vec<TriggerBinding<'a>>,
}

/// One container of one workload, with what its image says.
struct ContainerSite<'a> {
    workload: usize,
    name: &'a str,
    init: bool,
    index: usize,
    image: &'a str,
    /// The image is blank: a trigger has not written it yet.
    pending: bool,
    /// The image split for comparison with stream repositories.
    repository: &'a str,
    suffix: PullSpecSuffix<'a>,
    /// The parsed image, when it parses.
    reference: Option<ImageReference>,
    /// The digest it runs: from the image, or from the pod status when the image names a tag.
    digest: Option<&'a str>,
    digest_from_status: bool,
}

#[derive(Default)]
struct ContainerCollector<'a> {
    workloads: Vec<WorkloadEntry<'a>>,
    sites: Vec<ContainerSite<'a>>,
}

impl<'a> ContainerCollector<'a> {
    fn add_deployment(&mut self, deployment: &'a Deployment, project: &'a str) {
        let namespace = namespace_or(&deployment.metadata, project);
        let template = deployment
            .spec
            .as_ref()
            .and_then(|spec| spec.template.as_ref());
        let entry = WorkloadEntry {
            kind: WorkloadKind::Deployment,
            namespace,
            name: deployment.metadata.name(),
            resolve_names: resolve_names(
                &deployment.metadata,
                template.and_then(|t| t.metadata.as_ref()),
            ),
            counted: true,
            triggers: annotation_triggers(&deployment.metadata, namespace),
        };
        self.add(entry, template.and_then(|t| t.spec.as_ref()), None);
    }

    fn add_deployment_config(&mut self, config: &'a DeploymentConfig, project: &'a str) {
        let namespace = namespace_or(&config.metadata, project);
        let spec = config.spec.as_ref();
        let template = spec.and_then(|spec| spec.template.as_ref());
        let mut triggers = Vec::new();
        for trigger in spec
            .and_then(|spec| spec.triggers.as_deref())
            .unwrap_or(&[])
        {
            let Some(params) = &trigger.image_change_params else {
                continue;
            };
            if trigger.trigger_type != "ImageChange" || params.from.kind != IMAGE_STREAM_TAG {
                continue;
            }
            let Some((stream, tag)) = split_stream_tag(&params.from.name) else {
                continue;
            };
            triggers.push(TriggerBinding {
                selector: ContainerSelector::Names(
                    params.container_names.as_deref().unwrap_or(&[]),
                ),
                namespace: non_empty_or(params.from.namespace.as_deref(), namespace).to_owned(),
                stream: stream.to_owned(),
                tag: tag.to_owned(),
                evidence: Evidence::DeploymentConfigTrigger {
                    automatic: params.automatic.unwrap_or(false),
                },
            });
        }
        let entry = WorkloadEntry {
            kind: WorkloadKind::DeploymentConfig,
            namespace,
            name: config.metadata.name(),
            resolve_names: resolve_names(
                &config.metadata,
                template.and_then(|t| t.metadata.as_ref()),
            ),
            counted: true,
            triggers,
        };
        self.add(entry, template.and_then(|t| t.spec.as_ref()), None);
    }

    fn add_pod(&mut self, pod: &'a Pod, project: &'a str) {
        let owned = pod
            .metadata
            .extra
            .get("ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|owners| !owners.is_empty());
        let entry = WorkloadEntry {
            kind: WorkloadKind::Pod,
            namespace: namespace_or(&pod.metadata, project),
            name: pod.metadata.name(),
            resolve_names: resolve_names(&pod.metadata, None),
            counted: !owned,
            triggers: Vec::new(),
        };
        self.add(entry, pod.spec.as_ref(), Some(pod));
    }

    fn add(&mut self, entry: WorkloadEntry<'a>, spec: Option<&'a PodSpec>, pod: Option<&'a Pod>) {
        let workload = self.workloads.len();
        self.workloads.push(entry);
        let Some(spec) = spec else {
            return;
        };
        let init_containers = spec.init_containers.as_deref().unwrap_or(&[]);
        let lists = [(false, spec.containers.as_slice()), (true, init_containers)];
        for (init, list) in lists {
            for (index, container) in list.iter().enumerate() {
                self.sites.push(site(workload, container, init, index, pod));
            }
        }
    }
}

fn site<'a>(
    workload: usize,
    container: &'a Container,
    init: bool,
    index: usize,
    pod: Option<&'a Pod>,
) -> ContainerSite<'a> {
    let image = container.image.as_deref().unwrap_or_default();
    let pending = image.trim().is_empty();
    let reference = if pending {
        None
    } else {
        reference::parse(image).ok()
    };
    let (repository, suffix) = split_pull_spec(image);
    // A parsed digest is exactly the text after the `@`; borrowing it avoids a copy per container.
    let mut digest = reference
        .as_ref()
        .filter(|parsed| parsed.has_digest())
        .and_then(|_| image.rsplit_once('@'))
        .map(|(_, digest)| digest);
    let mut digest_from_status = false;
    if digest.is_none() && reference.is_some() {
        if let Some(from_status) = pod.and_then(|pod| status_digest(pod, &container.name, init)) {
            digest = Some(from_status);
            digest_from_status = true;
        }
    }
    ContainerSite {
        workload,
        name: &container.name,
        init,
        index,
        image,
        pending,
        repository,
        suffix,
        reference,
        digest,
        digest_from_status,
    }
}

/// The manifest digest a pod's container runs, from `imageID` (`docker-pullable://repo@sha256:…`
/// or `repo@sha256:…`). A bare `sha256:…` there is the image *config* id, not a manifest digest,
/// so it is ignored.
fn status_digest<'a>(pod: &'a Pod, container: &str, init: bool) -> Option<&'a str> {
    let status = pod.status.as_ref()?;
    let statuses: &[Value] = if init {
        status
            .extra
            .get("initContainerStatuses")
            .and_then(Value::as_array)?
    } else {
        status.container_statuses.as_deref()?
    };
    let entry = statuses
        .iter()
        .find(|entry| entry.get("name").and_then(Value::as_str) == Some(container))?;
    let (_, digest) = entry
        .get("imageID")
        .and_then(Value::as_str)?
        .rsplit_once('@')?;
    reference::is_valid_digest(digest).then_some(digest)
}

/// The triggers of a Deployment's annotation. A malformed annotation, or one with duplicate
/// field paths (which the controller rejects as a whole), contributes nothing; an entry with a
/// field path or `from` the controller could not act on is skipped alone.
fn annotation_triggers<'a>(meta: &ObjectMeta, namespace: &str) -> Vec<TriggerBinding<'a>> {
    let Ok(triggers) = image_triggers(meta) else {
        return Vec::new();
    };
    let mut paths: Vec<&str> = triggers.iter().map(|t| t.field_path.as_str()).collect();
    paths.sort_unstable();
    if paths.windows(2).any(|pair| pair.first() == pair.get(1)) {
        return Vec::new();
    }
    let mut bindings = Vec::with_capacity(triggers.len());
    for trigger in &triggers {
        if trigger.from.kind != IMAGE_STREAM_TAG {
            continue;
        }
        let (Some(selector), Some((stream, tag))) = (
            container_selector(&trigger.field_path),
            split_stream_tag(&trigger.from.name),
        ) else {
            continue;
        };
        bindings.push(TriggerBinding {
            selector,
            namespace: non_empty_or(trigger.from.namespace.as_deref(), namespace).to_owned(),
            stream: stream.to_owned(),
            tag: tag.to_owned(),
            evidence: Evidence::TriggerAnnotation {
                paused: trigger.paused.unwrap_or(false),
            },
        });
    }
    bindings
}

/// Reads a trigger `fieldPath` the way library-go does: the pod-spec path, then
/// `containers[…]` or `initContainers[…]` with an index or `?(@.name=="…")`, then optionally
/// `.image`. Anything else is `None`.
fn container_selector<'a>(field_path: &str) -> Option<ContainerSelector<'a>> {
    let rest = field_path.strip_prefix(POD_TEMPLATE_SPEC_PATH)?;
    let (init, rest) = match rest.strip_prefix("containers[") {
        Some(rest) => (false, rest),
        None => (true, rest.strip_prefix("initContainers[")?),
    };
    let (selector, remainder) = rest.split_once(']')?;
    if !matches!(remainder, "" | ".image") {
        return None;
    }
    if let Ok(index) = selector.parse::<usize>() {
        return Some(ContainerSelector::Index { init, index });
    }
    let name = selector.strip_prefix("?(@.name==\"")?.strip_suffix("\")")?;
    Some(ContainerSelector::Name(name.to_owned()))
}

/// Splits an ImageStreamTag name `stream:tag`; both parts must be present and the tag may not
/// contain another `:`.
fn split_stream_tag(name: &str) -> Option<(&str, &str)> {
    let (stream, tag) = name.split_once(':')?;
    (!stream.is_empty() && !tag.is_empty() && !tag.contains(':')).then_some((stream, tag))
}

fn resolve_names(meta: &ObjectMeta, template: Option<&ObjectMeta>) -> bool {
    let forced = |meta: &ObjectMeta| meta.annotation(RESOLVE_NAMES_ANNOTATION) == Some("*");
    forced(meta) || template.is_some_and(forced)
}

fn namespace_or<'a>(meta: &'a ObjectMeta, project: &'a str) -> &'a str {
    non_empty_or(meta.namespace.as_deref(), project)
}

fn non_empty_or<'a>(value: Option<&'a str>, fallback: &'a str) -> &'a str {
    match value {
        Some(value) if !value.is_empty() => value,
        _ => fallback,
    }
}

/// Splits a pull spec for comparison with a stream repository: `<repo>@<digest>` (a tag before
/// the `@` is dropped), `<repo>:<tag>`, or a bare `<repo>`, which pulls `latest`.
fn split_pull_spec(image: &str) -> (&str, PullSpecSuffix<'_>) {
    fn strip_tag(spec: &str) -> (&str, Option<&str>) {
        let last_slash = spec.rfind('/');
        match spec.rfind(':') {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
                let (repo, tag) = spec.split_at(colon);
                (repo, tag.get(1..))
            }
            _ => (spec, None),
        }
    }
    match image.split_once('@') {
        Some((left, _)) => (strip_tag(left).0, PullSpecSuffix::Digest),
        None => {
            let (repo, tag) = strip_tag(image);
            (repo, PullSpecSuffix::Tag(tag.unwrap_or(DEFAULT_TAG)))
        }
    }
}

/// What follows the repository in a pull spec.
#[derive(Clone, Copy)]
enum PullSpecSuffix<'a> {
    Tag(&'a str),
    /// The digest itself is matched through the tag histories, not here.
    Digest,
}

// ---------------------------------------------------------------------------------------------
// The one pass over the streams

/// Where an image was found in a tag's history.
#[derive(Clone, Copy)]
struct TagHit<'a> {
    stream: usize,
    tag: &'a str,
    behind: usize,
    created: &'a str,
    /// The event's pull spec, to tell an exact pull-spec match from a digest match.
    reference: &'a str,
    /// The whole history the hit was found in.
    events: &'a [TagEvent],
}

/// A string key hashed by its length and last 16 bytes only. Digests and pull specs differ
/// most at their end (random hex), and reading only the tail saves a cache line per history
/// event on the hot path; equality still compares the whole string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TailKey<'a>(&'a str);

impl Hash for TailKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let bytes = self.0.as_bytes();
        state.write_usize(bytes.len());
        state.write(bytes.get(bytes.len().saturating_sub(16)..).unwrap_or(bytes));
    }
}

/// A one-hash Bloom filter over the last 8 bytes and the length of strings. The walk over the
/// streams is bound by memory latency, not arithmetic: checking a bit in this L1-sized table
/// costs one independent load per history event, so the processor overlaps the cache misses,
/// and only the few strings that pass go on to a hash-table probe.
struct TailFilter {
    words: Vec<u64>,
    /// Right shift that turns a 64-bit fingerprint into a bit index.
    shift: u32,
}

impl TailFilter {
    /// Sixteen bits per expected key keeps false positives around 6 %; the size is capped at
    /// 2 MiB, past which a bigger table would no longer stay in cache anyway.
    fn with_capacity(keys: usize) -> Self {
        const MAX_BITS: usize = 1 << 24;
        let bits = keys
            .saturating_mul(16)
            .clamp(64, MAX_BITS)
            .checked_next_power_of_two()
            .unwrap_or(MAX_BITS);
        TailFilter {
            words: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
        }
    }

    fn bit(&self, key: &str) -> usize {
        let bytes = key.as_bytes();
        let tail = match bytes.last_chunk::<8>() {
            Some(tail) => u64::from_le_bytes(*tail),
            None => bytes
                .iter()
                .fold(0u64, |word, &byte| (word << 8) | u64::from(byte)),
        };
        let mixed = (tail ^ (bytes.len() as u64).rotate_left(48)).wrapping_mul(FoldHasher::SEED);
        usize::try_from(mixed >> self.shift).unwrap_or_default()
    }

    fn insert(&mut self, key: &str) {
        let bit = self.bit(key);
        if let Some(word) = self.words.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    fn may_contain(&self, key: &str) -> bool {
        let bit = self.bit(key);
        self.words
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }
}

/// What the containers look for, filled in by one walk over all streams. Keyed by what the
/// containers ask for rather than by what the streams hold, so the tables stay as small as the
/// workload count while the walk only probes them.
struct WantedKeys<'w> {
    /// Container digest → first appearance in each tag whose history has it.
    digests: FastMap<TailKey<'w>, Vec<TagHit<'w>>>,
    /// Container image without a digest → each tag whose history has it as a
    /// `dockerImageReference` (reference-only tags record tag pull specs). Images with a digest
    /// need no entry: their digest hits carry the event's pull spec.
    pull_specs: FastMap<TailKey<'w>, Vec<TagHit<'w>>>,
    /// `pull_spec_lengths[n]` is true when some key of `pull_specs` has `n` bytes. A length is
    /// read without a trip to the string's heap data, so most history pull specs are skipped
    /// without being read or hashed.
    pull_spec_lengths: Vec<bool>,
    /// Repository part of a container image → streams with that repository.
    repositories: FastMap<&'w str, Vec<usize>>,
    /// `(namespace, name)` named by a trigger, a short name or a repository path → the stream.
    streams: FastMap<(&'w str, &'w str), Option<usize>>,
    /// Pre-checks for `digests`, `repositories` and the names in `streams`.
    digest_filter: TailFilter,
    repository_filter: TailFilter,
    name_filter: TailFilter,
}

impl<'w> WantedKeys<'w> {
    fn new(containers: &'w ContainerCollector<'_>) -> Self {
        let sites = &containers.sites;
        let mut wanted = WantedKeys {
            digests: fast_map(sites.len()),
            pull_specs: fast_map(sites.len()),
            pull_spec_lengths: Vec::new(),
            repositories: fast_map(sites.len()),
            streams: fast_map(sites.len()),
            digest_filter: TailFilter::with_capacity(sites.len()),
            repository_filter: TailFilter::with_capacity(sites.len()),
            name_filter: TailFilter::with_capacity(sites.len()),
        };
        for workload in &containers.workloads {
            for trigger in &workload.triggers {
                wanted.want_stream(&trigger.namespace, &trigger.stream);
            }
        }
        for site in sites {
            if site.pending {
                continue;
            }
            match site.digest {
                Some(digest) => {
                    wanted.digests.entry(TailKey(digest)).or_default();
                    wanted.digest_filter.insert(digest);
                }
                None => {
                    wanted.pull_specs.entry(TailKey(site.image)).or_default();
                    let length = site.image.len();
                    if wanted.pull_spec_lengths.len() <= length {
                        wanted.pull_spec_lengths.resize(length + 1, false);
                    }
                    if let Some(slot) = wanted.pull_spec_lengths.get_mut(length) {
                        *slot = true;
                    }
                }
            }
            if !site.repository.is_empty() {
                wanted.repositories.entry(site.repository).or_default();
                wanted.repository_filter.insert(site.repository);
            }
            if let Some(parsed) = &site.reference {
                if is_short_name(parsed) {
                    if let Some(workload) = containers.workloads.get(site.workload) {
                        wanted.want_stream(workload.namespace, &parsed.name);
                    }
                } else if is_repository_path(parsed) {
                    wanted.want_stream(&parsed.namespace, &parsed.name);
                }
            }
        }
        wanted
    }

    fn want_stream(&mut self, namespace: &'w str, name: &'w str) {
        self.streams.insert((namespace, name), None);
        self.name_filter.insert(name);
    }

    /// The stream called `name` in `namespace`, if it was asked for and is loaded.
    fn stream(&self, namespace: &str, name: &str) -> Option<usize> {
        self.streams.get(&(namespace, name)).copied().flatten()
    }

    fn scan(&mut self, table: &StreamTable<'w>) {
        for (index, stream) in table.streams.iter().enumerate() {
            let name = stream.metadata.name();
            if !self.streams.is_empty() && self.name_filter.may_contain(name) {
                let key = (namespace_or(&stream.metadata, table.project), name);
                // The server keeps names unique; in malformed input the first stream wins.
                if let Some(slot @ None) = self.streams.get_mut(&key) {
                    *slot = Some(index);
                }
            }
            let Some(status) = &stream.status else {
                continue;
            };
            if self.digests.is_empty() && self.pull_specs.is_empty() && self.repositories.is_empty()
            {
                continue;
            }
            let public = status.public_docker_image_repository.as_deref();
            for repository in [Some(status.docker_image_repository.as_str()), public]
                .into_iter()
                .flatten()
            {
                if repository.is_empty() || !self.repository_filter.may_contain(repository) {
                    continue;
                }
                if let Some(found) = self.repositories.get_mut(repository) {
                    if found.last() != Some(&index) {
                        found.push(index);
                    }
                }
            }
            for list in stream.status_tags() {
                self.scan_history(index, &list.tag, list.events());
            }
        }
    }

    fn scan_history(&mut self, stream: usize, tag: &'w str, events: &'w [TagEvent]) {
        for (position, event) in events.iter().enumerate() {
            let earlier = events.get(..position).unwrap_or_default();
            let hit = || TagHit {
                stream,
                tag,
                behind: distinct_images(earlier),
                created: &event.created,
                reference: &event.docker_image_reference,
                events,
            };
            if !self.digests.is_empty() && self.digest_filter.may_contain(&event.image) {
                if let Some(hits) = self.digests.get_mut(&TailKey(&event.image)) {
                    if !earlier.iter().any(|e| e.image == event.image) {
                        hits.push(hit());
                    }
                }
            }
            let reference = event.docker_image_reference.as_str();
            let wanted_length = self
                .pull_spec_lengths
                .get(reference.len())
                .copied()
                .unwrap_or(false);
            if wanted_length && !reference.is_empty() {
                if let Some(hits) = self.pull_specs.get_mut(&TailKey(reference)) {
                    if !earlier
                        .iter()
                        .any(|e| e.docker_image_reference == reference)
                    {
                        hits.push(hit());
                    }
                }
            }
        }
    }
}

/// `is` or `is:tag`: a name that lookupPolicy or resolve-names may turn into a stream (§6.4).
fn is_short_name(parsed: &ImageReference) -> bool {
    parsed.registry.is_empty() && parsed.namespace.is_empty() && parsed.id.is_empty()
}

/// `host/namespace/name…`: the pruner reads it as stream `namespace/name` whatever the host.
fn is_repository_path(parsed: &ImageReference) -> bool {
    !parsed.registry.is_empty() && !parsed.namespace.is_empty() && !parsed.name.is_empty()
}

/// How many distinct images a history slice holds: the "behind" count of the image after it.
/// Quadratic, but only run for images a container uses, over histories of a few items.
fn distinct_images(events: &[TagEvent]) -> usize {
    events
        .iter()
        .enumerate()
        .filter(|(position, event)| {
            !events
                .get(..*position)
                .unwrap_or_default()
                .iter()
                .any(|earlier| earlier.image == event.image)
        })
        .count()
}

// ---------------------------------------------------------------------------------------------
// Matching one container

/// How firmly a piece of evidence names the tag; lower wins when several name different tags of
/// one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TagClaim {
    Trigger,
    ShortName,
    PullSpecTag,
    History,
    RepositoryPath,
    StreamOnly,
}

/// The evidence gathered for one candidate: each value at most once, in the order found. Kept
/// inline because there are only ten possible values and thousands of candidates.
#[derive(Debug, Clone, Copy, Default)]
struct Via {
    slots: [Option<Evidence>; 10],
}

impl Via {
    fn of(evidence: Evidence) -> Self {
        let mut via = Via::default();
        via.add(evidence);
        via
    }

    fn add(&mut self, evidence: Evidence) {
        for slot in &mut self.slots {
            match slot {
                Some(present) if *present == evidence => return,
                Some(_) => {}
                None => {
                    *slot = Some(evidence);
                    return;
                }
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = Evidence> + '_ {
        self.slots.iter().map_while(|slot| *slot)
    }

    fn is_empty(&self) -> bool {
        self.slots.first().is_none_or(Option::is_none)
    }
}

/// A stream a container appears to use, before judging it.
struct Candidate<'s> {
    /// The stream's position, or `None` when a trigger names a stream that is not loaded.
    stream: Option<usize>,
    namespace: &'s str,
    name: &'s str,
    tag: Option<&'s str>,
    /// The status history of `tag` when a hit already found it, which saves searching the
    /// stream's (by now uncached) tags again.
    own_events: Option<&'s [TagEvent]>,
    claim: TagClaim,
    /// The image names the tag rather than a digest, so it pulls whatever the tag holds.
    follows_tag: bool,
    via: Via,
}

impl<'s> Candidate<'s> {
    fn loaded(
        streams: &StreamTable<'s>,
        index: usize,
        tag: Option<&'s str>,
        claim: TagClaim,
        follows_tag: bool,
    ) -> Self {
        Candidate {
            stream: Some(index),
            namespace: streams.namespace(index),
            name: streams.name(index),
            tag,
            own_events: None,
            claim,
            follows_tag,
            via: Via::default(),
        }
    }

    fn from_hit(streams: &StreamTable<'s>, hit: &TagHit<'s>, follows_tag: bool) -> Self {
        Candidate {
            own_events: Some(hit.events),
            ..Candidate::loaded(
                streams,
                hit.stream,
                Some(hit.tag),
                TagClaim::History,
                follows_tag,
            )
        }
    }

    fn with(mut self, evidence: Evidence) -> Self {
        self.via.add(evidence);
        self
    }
}

fn offer<'s>(candidates: &mut Vec<Candidate<'s>>, offered: Candidate<'s>) {
    let Some(existing) = candidates
        .iter_mut()
        .find(|c| c.namespace == offered.namespace && c.name == offered.name)
    else {
        candidates.push(offered);
        return;
    };
    for evidence in offered.via.iter() {
        existing.via.add(evidence);
    }
    if offered.claim < existing.claim {
        existing.tag = offered.tag;
        existing.own_events = offered.own_events;
        existing.claim = offered.claim;
        existing.follows_tag = offered.follows_tag;
    } else if offered.tag == existing.tag {
        existing.follows_tag |= offered.follows_tag;
        existing.own_events = existing.own_events.or(offered.own_events);
    }
}

/// Buffers reused from one container to the next, so matching allocates only the uses it keeps.
struct Scratch<'s> {
    found: Vec<Candidate<'s>>,
    best: Vec<TagHit<'s>>,
}

/// The streams one container uses, strongest evidence first, into `scratch.found`. Triggers,
/// short names and pull specs name streams outright; when nothing does, the digest alone
/// decides (rule 2).
fn candidates<'s>(
    site: &'s ContainerSite<'s>,
    workload: &'s WorkloadEntry<'s>,
    streams: &StreamTable<'s>,
    wanted: &'s WantedKeys<'s>,
    scratch: &mut Scratch<'s>,
) {
    let found = &mut scratch.found;
    found.clear();

    // Rule 1: triggers.
    for trigger in workload.triggers.iter().filter(|t| t.selects(site)) {
        offer(
            found,
            Candidate {
                stream: wanted.stream(&trigger.namespace, &trigger.stream),
                namespace: &trigger.namespace,
                name: &trigger.stream,
                tag: Some(&trigger.tag),
                own_events: None,
                claim: TagClaim::Trigger,
                follows_tag: false,
                via: Via::of(trigger.evidence),
            },
        );
    }
    if site.pending {
        return;
    }

    // Rule 4: `is` or `is:tag` resolved through lookupPolicy or resolve-names.
    if let Some(parsed) = site.reference.as_ref().filter(|p| is_short_name(p)) {
        if let Some(index) = wanted.stream(workload.namespace, &parsed.name) {
            let evidence = if streams.lookup_local(index) {
                Some(Evidence::LookupPolicyShortName)
            } else if workload.resolve_names {
                Some(Evidence::ResolveNamesShortName)
            } else {
                None
            };
            if let Some(evidence) = evidence {
                let tag = non_empty_or(Some(&parsed.tag), DEFAULT_TAG);
                let candidate =
                    Candidate::loaded(streams, index, Some(tag), TagClaim::ShortName, true);
                offer(found, candidate.with(evidence));
            }
        }
    }

    // Rule 3: the stream's repository plus `:tag` or `@digest`.
    for &index in wanted
        .repositories
        .get(site.repository)
        .into_iter()
        .flatten()
    {
        let candidate = match site.suffix {
            PullSpecSuffix::Tag(tag) if !tag.is_empty() => {
                Candidate::loaded(streams, index, Some(tag), TagClaim::PullSpecTag, true)
            }
            _ => Candidate::loaded(streams, index, None, TagClaim::StreamOnly, false),
        };
        offer(found, candidate.with(Evidence::PullSpecMatch));
    }

    // Rule 3: a history pull spec, exactly. For an image with a digest, the digest's hits carry
    // the pull spec of the event they were found in.
    let digest_hits = site
        .digest
        .and_then(|digest| wanted.digests.get(&TailKey(digest)))
        .map_or(&[][..], Vec::as_slice);
    let spec_hits = wanted
        .pull_specs
        .get(&TailKey(site.image))
        .into_iter()
        .flatten()
        .chain(digest_hits.iter().filter(|hit| hit.reference == site.image));
    best_hit_per_stream(spec_hits, &mut scratch.best);
    for hit in &scratch.best {
        let candidate = Candidate::from_hit(streams, hit, true);
        offer(found, candidate.with(Evidence::PullSpecMatch));
    }

    // The pruner's rule: `host/namespace/name[:tag|@digest]` refers to stream namespace/name
    // whatever the host (e.g. an old internal registry address).
    if found.is_empty() {
        let path_stream = site
            .reference
            .as_ref()
            .filter(|parsed| is_repository_path(parsed))
            .and_then(|parsed| Some((wanted.stream(&parsed.namespace, &parsed.name)?, parsed)));
        if let Some((index, parsed)) = path_stream {
            let candidate = if parsed.has_digest() {
                Candidate::loaded(streams, index, None, TagClaim::StreamOnly, false)
            } else {
                let tag = non_empty_or(Some(&parsed.tag), DEFAULT_TAG);
                Candidate::loaded(streams, index, Some(tag), TagClaim::RepositoryPath, true)
            };
            offer(found, candidate.with(Evidence::RepositoryPath));
        }
    }

    // Rule 2: the digest in a tag's history. Streams already named (including the image's own
    // repository path above) only learn their tag from it; otherwise every stream holding the
    // digest is used.
    let named = !found.is_empty();
    best_hit_per_stream(digest_hits.iter(), &mut scratch.best);
    for hit in &scratch.best {
        if named && !found.iter().any(|c| c.stream == Some(hit.stream)) {
            continue;
        }
        offer(found, Candidate::from_hit(streams, hit, false));
    }
}

/// For each stream among the hits, the tag that best explains the image: the one where it is
/// newest (current beats older), then the most recently created event (RFC 3339 in UTC compares
/// as text), then the first in status order. Written into `best`, which is cleared first.
fn best_hit_per_stream<'h, 'a: 'h>(
    hits: impl Iterator<Item = &'h TagHit<'a>>,
    best: &mut Vec<TagHit<'a>>,
) {
    best.clear();
    for hit in hits {
        match best.iter_mut().find(|b| b.stream == hit.stream) {
            Some(current) => {
                if (hit.behind, std::cmp::Reverse(hit.created))
                    < (current.behind, std::cmp::Reverse(current.created))
                {
                    *current = *hit;
                }
            }
            None => best.push(*hit),
        }
    }
}

/// Decides the state of one candidate and builds the use.
fn judge(
    site: &ContainerSite<'_>,
    workload: &WorkloadEntry<'_>,
    candidate: &Candidate<'_>,
    streams: &StreamTable<'_>,
) -> ImageUse {
    let mut via = candidate.via;
    let mut digest = site.digest;
    let state = match (candidate.tag, candidate.stream) {
        _ if site.pending => {
            digest = None;
            UseState::Pending
        }
        (None, _) => UseState::NotInHistory,
        (Some(_), None) => UseState::Unresolved,
        (Some(tag), Some(index)) => {
            let history = streams.tag_history(index, tag, candidate.own_events);
            match locate(site, history) {
                _ if history.current.is_empty() => UseState::Unresolved,
                Some((behind, evidence, event)) => {
                    via.add(evidence);
                    if digest.is_none() && !event.image.is_empty() {
                        digest = Some(&event.image);
                    }
                    behind_state(behind)
                }
                None if site.digest.is_none() && candidate.follows_tag => {
                    digest = history
                        .current
                        .first()
                        .map(|event| event.image.as_str())
                        .filter(|image| !image.is_empty());
                    UseState::Current
                }
                None => UseState::NotInHistory,
            }
        }
    };
    if site.digest_from_status && digest == site.digest && !via.is_empty() {
        via.add(Evidence::PodStatusImageId);
    }
    ImageUse {
        workload: WorkloadRef {
            kind: workload.kind,
            namespace: workload.namespace.to_owned(),
            name: workload.name.to_owned(),
        },
        container: site.name.to_owned(),
        init_container: site.init,
        image: site.image.to_owned(),
        stream: Some(StreamRef {
            namespace: candidate.namespace.to_owned(),
            name: candidate.name.to_owned(),
        }),
        tag: candidate.tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
        via: via.iter().collect(),
        state,
    }
}

/// Finds the container's image in a tag history: by digest first, then by exact pull spec.
/// Returns how far behind it is, the evidence, and the matching event.
fn locate<'h>(
    site: &ContainerSite<'_>,
    history: TagHistory<'h>,
) -> Option<(usize, Evidence, &'h TagEvent)> {
    let lists = [history.current, history.own];
    if let Some(digest) = site.digest {
        for events in lists {
            if let Some(position) = events.iter().position(|e| e.image == digest) {
                let earlier = events.get(..position).unwrap_or_default();
                let event = events.get(position)?;
                return Some((distinct_images(earlier), Evidence::DigestInHistory, event));
            }
        }
    }
    for events in lists {
        if let Some(position) = events
            .iter()
            .position(|e| e.docker_image_reference == site.image)
        {
            let earlier = events.get(..position).unwrap_or_default();
            let event = events.get(position)?;
            return Some((distinct_images(earlier), Evidence::PullSpecMatch, event));
        }
    }
    None
}

fn behind_state(behind: usize) -> UseState {
    if behind == 0 {
        UseState::Current
    } else {
        UseState::Stale { behind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imagestream::{ImageStreamStatus, NamedTagEventList};
    use crate::workload::TRIGGERS_ANNOTATION;
    use serde_json::{json, Map};

    const PROJECT: &str = "proj";
    const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";

    fn digest(n: u32) -> String {
        format!("sha256:{n:064x}")
    }

    /// A stream whose tags hold the given digests, newest first. Each event's pull spec is
    /// `quay.io/upstream/<name>@<digest>`, as a Source reference policy records it.
    fn stream(namespace: &str, name: &str, tags: &[(&str, &[u32])]) -> ImageStream {
        let status_tags: Vec<Value> = tags
            .iter()
            .map(|(tag, digests)| {
                let items: Vec<Value> = digests
                    .iter()
                    .enumerate()
                    .map(|(age, n)| {
                        json!({
                            "created": format!("2024-01-{:02}T00:00:00Z", 28 - age),
                            "dockerImageReference": format!("quay.io/upstream/{name}@{}", digest(*n)),
                            "image": digest(*n),
                            "generation": 1
                        })
                    })
                    .collect();
                json!({"tag": tag, "items": items})
            })
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"lookupPolicy": {"local": false}},
            "status": {
                "dockerImageRepository": format!("{REGISTRY}/{namespace}/{name}"),
                "publicDockerImageRepository": format!("registry.apps.example.com/{namespace}/{name}"),
                "tags": status_tags
            }
        }))
        .unwrap()
    }

    fn with_spec(mut stream: ImageStream, spec: Value) -> ImageStream {
        stream.spec = Some(serde_json::from_value(spec).unwrap());
        stream
    }

    fn trigger(from: &str, field_path: &str) -> Value {
        json!({"from": {"kind": "ImageStreamTag", "name": from}, "fieldPath": field_path})
    }

    #[test]
    fn a_compacted_deployment_is_related_the_same() {
        let full: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": PROJECT, "labels": {"app": "web"},
                "annotations": {
                    TRIGGERS_ANNOTATION: json!([trigger("app:latest", &by_name("web"))]).to_string(),
                    "deployment.kubernetes.io/revision": "3"
                }},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}, "annotations": {RESOLVE_NAMES_ANNOTATION: "*"}},
                    "spec": {
                        "containers": [
                            {"name": "web", "image": format!("quay.io/upstream/app@{}", digest(1)),
                             "ports": [{"containerPort": 8080}], "env": [{"name": "A", "value": "b"}]},
                            {"name": "side", "image": "other:stable"}
                        ],
                        "initContainers": [{"name": "init", "image": "app"}],
                        "volumes": []
                    }}},
            "status": {"replicas": 2, "readyReplicas": 1}
        }))
        .unwrap();
        let mut compact = full.clone();
        compact_deployment(&mut compact);
        let mut rolled = full.clone();
        rolled.metadata.resource_version = Some("9".into());
        rolled.status = None;
        let mut rolled_compact = rolled.clone();
        compact_deployment(&mut rolled_compact);
        assert_eq!(compact.spec, rolled_compact.spec);
        assert_eq!(
            compact.metadata.annotations,
            rolled_compact.metadata.annotations
        );
        let streams = [
            stream(PROJECT, "app", &[("latest", &[2, 1])]),
            with_spec(
                stream(PROJECT, "other", &[("stable", &[3])]),
                json!({"lookupPolicy": {"local": true}}),
            ),
        ];
        let uses = |deployment: &Deployment| {
            ReferenceGraph::build(&ProjectObjects {
                namespace: PROJECT,
                streams: &streams,
                deployments: std::slice::from_ref(deployment),
                deployment_configs: &[],
                pods: &[],
            })
            .uses()
            .to_vec()
        };
        let full_uses = uses(&full);
        assert_eq!(full_uses.len(), 3);
        assert_eq!(uses(&compact), full_uses);
    }

    fn by_name(container: &str) -> String {
        format!("spec.template.spec.containers[?(@.name==\"{container}\")].image")
    }

    fn deployment(name: &str, triggers: Option<Value>, containers: Value) -> Deployment {
        let mut annotations = Map::new();
        if let Some(triggers) = triggers {
            let text = match triggers {
                Value::String(text) => text,
                other => other.to_string(),
            };
            annotations.insert(TRIGGERS_ANNOTATION.into(), Value::String(text));
        }
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": PROJECT, "annotations": annotations},
            "spec": {"template": {"spec": {"containers": containers}}}
        }))
        .unwrap()
    }

    fn container(name: &str, image: &str) -> Value {
        json!({"name": name, "image": image})
    }

    fn project<'a>(
        streams: &'a [ImageStream],
        deployments: &'a [Deployment],
        deployment_configs: &'a [DeploymentConfig],
        pods: &'a [Pod],
    ) -> ProjectObjects<'a> {
        ProjectObjects {
            namespace: PROJECT,
            streams,
            deployments,
            deployment_configs,
            pods,
        }
    }

    fn graph_of(streams: &[ImageStream], deployments: &[Deployment]) -> ReferenceGraph {
        ReferenceGraph::build(&project(streams, deployments, &[], &[]))
    }

    fn only_use(graph: &ReferenceGraph) -> &ImageUse {
        assert_eq!(graph.uses().len(), 1, "{:#?}", graph.uses());
        &graph.uses()[0]
    }

    fn stream_ref(namespace: &str, name: &str) -> Option<StreamRef> {
        Some(StreamRef {
            namespace: namespace.into(),
            name: name.into(),
        })
    }

    const TRIGGERED: Evidence = Evidence::TriggerAnnotation { paused: false };

    #[test]
    fn graph_trigger_annotation_by_container_name_is_current() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1, 2, 3])])];
        let image = format!("quay.io/upstream/app@{}", digest(1));
        let deployments = [deployment(
            "web",
            Some(json!([trigger("app:latest", &by_name("web"))])),
            json!([container("web", &image)]),
        )];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(
            found.workload,
            WorkloadRef {
                kind: WorkloadKind::Deployment,
                namespace: PROJECT.into(),
                name: "web".into()
            }
        );
        assert_eq!(found.container, "web");
        assert!(!found.init_container);
        assert_eq!(found.image, image);
        assert_eq!(found.stream, stream_ref(PROJECT, "app"));
        assert_eq!(found.tag.as_deref(), Some("latest"));
        assert_eq!(found.digest, Some(digest(1)));
        assert_eq!(found.state, UseState::Current);
        assert_eq!(found.via.first(), Some(&TRIGGERED));
        assert!(found.via.contains(&Evidence::DigestInHistory));
        // The image is also the history's own pull spec.
        assert!(found.via.contains(&Evidence::PullSpecMatch));
    }

    #[test]
    fn graph_trigger_annotation_index_forms_reach_containers_and_init_containers() {
        let streams = [
            stream(PROJECT, "app", &[("latest", &[1])]),
            stream(PROJECT, "tools", &[("v1", &[7])]),
        ];
        let mut deployments = [deployment(
            "web",
            Some(json!([
                trigger("app:latest", "spec.template.spec.containers[1].image"),
                trigger("tools:v1", "spec.template.spec.initContainers[0].image"),
            ])),
            json!([
                container("sidecar", "nginx:1.25"),
                container("main", &format!("{REGISTRY}/proj/app@{}", digest(1)))
            ]),
        )];
        let pod_spec = deployments[0]
            .spec
            .as_mut()
            .and_then(|spec| spec.template.as_mut())
            .and_then(|template| template.spec.as_mut())
            .unwrap();
        pod_spec.init_containers = Some(vec![serde_json::from_value(container(
            "setup",
            &format!("quay.io/upstream/tools@{}", digest(7)),
        ))
        .unwrap()]);
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), 2, "{uses:#?}");
        assert_eq!(
            (uses[0].container.as_str(), uses[0].init_container),
            ("main", false)
        );
        assert_eq!(uses[0].stream, stream_ref(PROJECT, "app"));
        assert_eq!(uses[0].state, UseState::Current);
        assert_eq!(
            (uses[1].container.as_str(), uses[1].init_container),
            ("setup", true)
        );
        assert_eq!(uses[1].stream, stream_ref(PROJECT, "tools"));
        assert_eq!(uses[1].via.first(), Some(&TRIGGERED));
        assert_eq!(uses[1].state, UseState::Current);
    }

    #[test]
    fn graph_name_selector_also_finds_init_containers_and_paused_is_reported() {
        let streams = [stream(PROJECT, "tools", &[("v1", &[7])])];
        let mut paused = trigger("tools:v1", &by_name("setup"));
        paused["paused"] = json!(true);
        let mut deployments = [deployment("web", Some(json!([paused])), json!([]))];
        let pod_spec = deployments[0]
            .spec
            .as_mut()
            .and_then(|spec| spec.template.as_mut())
            .and_then(|template| template.spec.as_mut())
            .unwrap();
        pod_spec.init_containers = Some(vec![serde_json::from_value(container(
            "setup",
            &format!("elsewhere.example.com/tools@{}", digest(7)),
        ))
        .unwrap()]);
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert!(found.init_container);
        assert_eq!(
            found.via.first(),
            Some(&Evidence::TriggerAnnotation { paused: true })
        );
        assert_eq!(found.state, UseState::Current);
    }

    #[test]
    fn graph_stale_counts_distinct_newer_images() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1, 2, 1, 3])])];
        let deployment_running = |n: u32| {
            deployment(
                &format!("web{n}"),
                Some(json!([trigger("app:latest", &by_name("web"))])),
                json!([container(
                    "web",
                    &format!("{REGISTRY}/proj/app@{}", digest(n))
                )]),
            )
        };
        let deployments = [
            deployment_running(3),
            deployment_running(2),
            deployment_running(1),
        ];
        let graph = graph_of(&streams, &deployments);
        let states: Vec<UseState> = graph.uses().iter().map(|u| u.state).collect();
        // items: [1, 2, 1, 3]: image 3 has two distinct newer images (1 and 2), image 2 has one,
        // and image 1 is the newest even though it also appears further down.
        assert_eq!(
            states,
            [
                UseState::Stale { behind: 2 },
                UseState::Stale { behind: 1 },
                UseState::Current
            ]
        );
        assert!(graph.uses()[0].state.is_stale());
    }

    #[test]
    fn graph_stale_behind_example_from_the_brief() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1, 2, 3])])];
        let deployments = [deployment(
            "web",
            Some(json!([trigger("app:latest", &by_name("web"))])),
            json!([container(
                "web",
                &format!("quay.io/upstream/app@{}", digest(3))
            )]),
        )];
        let graph = graph_of(&streams, &deployments);
        assert_eq!(only_use(&graph).state, UseState::Stale { behind: 2 });
    }

    #[test]
    fn graph_pending_when_the_trigger_has_not_fired() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1])])];
        let mut deployments = Vec::new();
        for (index, image) in [Some(" "), Some(""), None].into_iter().enumerate() {
            let mut spec = json!({"name": "web"});
            if let Some(image) = image {
                spec["image"] = json!(image);
            }
            deployments.push(deployment(
                &format!("web{index}"),
                Some(json!([trigger("app:latest", &by_name("web"))])),
                json!([spec]),
            ));
        }
        // Without a trigger a blank image uses nothing.
        deployments.push(deployment("plain", None, json!([container("web", " ")])));
        let graph = graph_of(&streams, &deployments);
        assert_eq!(graph.uses().len(), 3);
        for found in graph.uses() {
            assert_eq!(found.state, UseState::Pending);
            assert_eq!(found.digest, None);
            assert_eq!(found.tag.as_deref(), Some("latest"));
            assert_eq!(found.via, [TRIGGERED]);
        }
    }

    #[test]
    fn graph_unresolved_when_the_tag_has_no_image_or_the_stream_is_not_loaded() {
        let mut empty = stream(PROJECT, "app", &[("latest", &[])]);
        empty = with_spec(
            empty,
            json!({"tags": [{"name": "v2", "from": {"kind": "DockerImage", "name": "quay.io/upstream/app:v2"}}]}),
        );
        let streams = [empty];
        let running = format!("quay.io/upstream/app@{}", digest(1));
        let deployments = [deployment(
            "web",
            Some(json!([
                trigger("app:latest", &by_name("a")),
                trigger("app:v2", &by_name("b")),
                trigger("missing:latest", &by_name("c")),
            ])),
            json!([
                container("a", &running),
                container("b", &running),
                container("c", &running)
            ]),
        )];
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), 3, "{uses:#?}");
        for found in uses {
            assert_eq!(found.state, UseState::Unresolved, "{found:#?}");
            assert_eq!(found.digest, Some(digest(1)));
        }
        assert_eq!(uses[2].stream, stream_ref(PROJECT, "missing"));
    }

    #[test]
    fn graph_not_in_history_when_the_digest_is_unknown_to_the_tag() {
        let streams = [stream(
            PROJECT,
            "app",
            &[("latest", &[1, 2]), ("old", &[9])],
        )];
        let deployments = [deployment(
            "web",
            Some(json!([trigger("app:latest", &by_name("web"))])),
            // Digest 9 belongs to another tag of the same stream: still not this tag's history.
            json!([container(
                "web",
                &format!("quay.io/upstream/app@{}", digest(9))
            )]),
        )];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(found.tag.as_deref(), Some("latest"));
        assert_eq!(found.state, UseState::NotInHistory);
        assert_eq!(found.digest, Some(digest(9)));
        assert!(!found.via.contains(&Evidence::DigestInHistory));
    }

    #[test]
    fn graph_deployment_config_image_change_trigger() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1, 2])])];
        let config: DeploymentConfig = serde_json::from_value(json!({
            "metadata": {"name": "legacy", "namespace": PROJECT},
            "spec": {
                "template": {"spec": {"containers": [
                    container("web", &format!("{REGISTRY}/proj/app@{}", digest(2))),
                    container("other", &format!("{REGISTRY}/proj/app@{}", digest(1)))
                ]}},
                "triggers": [
                    {"type": "ConfigChange"},
                    {"type": "ImageChange", "imageChangeParams": {
                        "automatic": true, "containerNames": ["web"],
                        "from": {"kind": "ImageStreamTag", "name": "app:latest"}}},
                    {"type": "ImageChange", "imageChangeParams": {
                        "containerNames": ["other"],
                        "from": {"kind": "ImageStreamTag", "name": "app:latest"}}}
                ]
            }
        }))
        .unwrap();
        let configs = [config];
        let graph = ReferenceGraph::build(&project(&streams, &[], &configs, &[]));
        let uses = graph.uses();
        assert_eq!(uses.len(), 2);
        assert_eq!(uses[0].workload.kind, WorkloadKind::DeploymentConfig);
        assert_eq!(
            uses[0].via.first(),
            Some(&Evidence::DeploymentConfigTrigger { automatic: true })
        );
        assert_eq!(uses[0].state, UseState::Stale { behind: 1 });
        assert_eq!(
            uses[1].via.first(),
            Some(&Evidence::DeploymentConfigTrigger { automatic: false })
        );
        assert_eq!(uses[1].state, UseState::Current);
    }

    #[test]
    fn graph_digest_only_image_from_another_registry_host() {
        let streams = [
            stream(PROJECT, "app", &[("v1", &[1, 2])]),
            stream(PROJECT, "unrelated", &[("latest", &[5])]),
        ];
        let deployments = [deployment(
            "web",
            None,
            json!([container(
                "web",
                &format!("mirror.example.com:5000/some/where@{}", digest(2))
            )]),
        )];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(found.stream, stream_ref(PROJECT, "app"));
        assert_eq!(found.tag.as_deref(), Some("v1"));
        assert_eq!(found.state, UseState::Stale { behind: 1 });
        assert_eq!(found.via, [Evidence::DigestInHistory]);
    }

    #[test]
    fn graph_digest_only_prefers_the_tag_where_it_is_current() {
        let streams = [stream(
            PROJECT,
            "app",
            &[("a", &[1, 2]), ("b", &[2]), ("c", &[3, 4, 2])],
        )];
        let deployments = [deployment(
            "web",
            None,
            json!([container(
                "web",
                &format!("docker.io/library/app@{}", digest(2))
            )]),
        )];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(found.tag.as_deref(), Some("b"));
        assert_eq!(found.state, UseState::Current);

        // Without a current tag, the newest appearance wins.
        let streams = [stream(PROJECT, "app", &[("a", &[1, 3, 2]), ("c", &[4, 2])])];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(found.tag.as_deref(), Some("c"));
        assert_eq!(found.state, UseState::Stale { behind: 1 });
    }

    #[test]
    fn graph_digest_in_several_streams_uses_the_repository_path_when_it_names_one() {
        let streams = [
            stream(PROJECT, "first", &[("latest", &[2])]),
            stream("other", "second", &[("latest", &[1, 2])]),
        ];
        let anywhere = [deployment(
            "web",
            None,
            json!([container("web", &format!("somewhere.io/x/y@{}", digest(2)))]),
        )];
        let graph = graph_of(&streams, &anywhere);
        let found: Vec<_> = graph.uses().iter().map(|u| u.stream.clone()).collect();
        assert_eq!(
            found,
            [stream_ref(PROJECT, "first"), stream_ref("other", "second")]
        );

        // An old internal registry address still names namespace/name.
        let pathed = [deployment(
            "web",
            None,
            json!([container(
                "web",
                &format!("172.30.1.1:5000/other/second@{}", digest(2))
            )]),
        )];
        let graph = graph_of(&streams, &pathed);
        let found = only_use(&graph);
        assert_eq!(found.stream, stream_ref("other", "second"));
        assert_eq!(found.state, UseState::Stale { behind: 1 });
        assert!(found.via.contains(&Evidence::RepositoryPath));
        assert!(found.via.contains(&Evidence::DigestInHistory));
    }

    #[test]
    fn graph_pull_spec_of_the_stream_repository() {
        let streams = [stream(PROJECT, "app", &[("v1", &[1, 2]), ("v2", &[3])])];
        let deployments = [
            deployment(
                "tagged",
                None,
                json!([container("c", &format!("{REGISTRY}/proj/app:v1"))]),
            ),
            deployment(
                "bare",
                None,
                json!([container("c", &format!("{REGISTRY}/proj/app"))]),
            ),
            deployment(
                "public",
                None,
                json!([container(
                    "c",
                    &format!("registry.apps.example.com/proj/app@{}", digest(2))
                )]),
            ),
            deployment(
                "unknown-digest",
                None,
                json!([container(
                    "c",
                    &format!("{REGISTRY}/proj/app@{}", digest(99))
                )]),
            ),
        ];
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), 4, "{uses:#?}");

        assert_eq!(uses[0].tag.as_deref(), Some("v1"));
        assert_eq!(uses[0].state, UseState::Current);
        // A tag-following image reports what the tag resolves to now.
        assert_eq!(uses[0].digest, Some(digest(1)));
        assert_eq!(uses[0].via, [Evidence::PullSpecMatch]);

        // A bare repository pulls `latest`, which this stream does not have.
        assert_eq!(uses[1].tag.as_deref(), Some("latest"));
        assert_eq!(uses[1].state, UseState::Unresolved);

        assert_eq!(uses[2].tag.as_deref(), Some("v1"));
        assert_eq!(uses[2].state, UseState::Stale { behind: 1 });
        assert!(uses[2].via.contains(&Evidence::PullSpecMatch));
        assert!(uses[2].via.contains(&Evidence::DigestInHistory));

        assert_eq!(uses[3].stream, stream_ref(PROJECT, "app"));
        assert_eq!(uses[3].tag, None);
        assert_eq!(uses[3].state, UseState::NotInHistory);
    }

    #[test]
    fn graph_history_pull_spec_without_digest() {
        // A reference-only DockerImage tag records the pull spec as written, without an image id.
        let streams: [ImageStream; 1] = [serde_json::from_value(json!({
            "metadata": {"name": "nginx", "namespace": PROJECT},
            "status": {"dockerImageRepository": "", "tags": [{"tag": "1.25", "items": [
                {"created": "2024-01-02T00:00:00Z", "dockerImageReference": "docker.io/library/nginx:1.25", "image": "", "generation": 1}
            ]}]}
        }))
        .unwrap()];
        let deployments = [deployment(
            "web",
            None,
            json!([container("web", "docker.io/library/nginx:1.25")]),
        )];
        let graph = graph_of(&streams, &deployments);
        let found = only_use(&graph);
        assert_eq!(found.tag.as_deref(), Some("1.25"));
        assert_eq!(found.state, UseState::Current);
        assert_eq!(found.digest, None);
        assert_eq!(found.via, [Evidence::PullSpecMatch]);
    }

    #[test]
    fn graph_short_names_resolve_through_lookup_policy_or_resolve_names() {
        let local = with_spec(
            stream(PROJECT, "app", &[("latest", &[1]), ("v1", &[2, 3])]),
            json!({"lookupPolicy": {"local": true}}),
        );
        let plain = stream(PROJECT, "plain", &[("latest", &[4])]);
        let elsewhere = with_spec(
            stream("other", "far", &[("latest", &[5])]),
            json!({"lookupPolicy": {"local": true}}),
        );
        let streams = [local, plain, elsewhere];
        let mut forced = deployment("forced", None, json!([container("c", "plain")]));
        let template = forced
            .spec
            .as_mut()
            .and_then(|spec| spec.template.as_mut())
            .unwrap();
        template.metadata = Some(
            serde_json::from_value(json!({"annotations": {RESOLVE_NAMES_ANNOTATION: "*"}}))
                .unwrap(),
        );
        let deployments = [
            deployment("tagged", None, json!([container("c", "app:v1")])),
            deployment("untagged", None, json!([container("c", "app")])),
            deployment("not-local", None, json!([container("c", "plain:latest")])),
            deployment("other-namespace", None, json!([container("c", "far")])),
            forced,
        ];
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), 3, "{uses:#?}");
        assert_eq!(uses[0].workload.name, "tagged");
        assert_eq!(uses[0].tag.as_deref(), Some("v1"));
        assert_eq!(uses[0].digest, Some(digest(2)));
        assert_eq!(uses[0].via, [Evidence::LookupPolicyShortName]);
        assert_eq!(uses[0].state, UseState::Current);
        assert_eq!(uses[1].workload.name, "untagged");
        assert_eq!(uses[1].tag.as_deref(), Some("latest"));
        assert_eq!(uses[2].workload.name, "forced");
        assert_eq!(uses[2].stream, stream_ref(PROJECT, "plain"));
        assert_eq!(uses[2].via, [Evidence::ResolveNamesShortName]);
    }

    #[test]
    fn graph_alias_chains_resolve_to_the_target_history() {
        let app = with_spec(
            stream(PROJECT, "app", &[("v2", &[5, 4])]),
            json!({"tags": [
                {"name": "latest", "from": {"kind": "ImageStreamTag", "name": "stable"}},
                {"name": "stable", "from": {"kind": "ImageStreamTag", "name": "app:v2", "namespace": PROJECT}},
                {"name": "v2", "from": {"kind": "DockerImage", "name": "quay.io/upstream/app:v2"}},
                {"name": "loop-a", "from": {"kind": "ImageStreamTag", "name": "loop-b"}},
                {"name": "loop-b", "from": {"kind": "ImageStreamTag", "name": "loop-a"}}
            ]}),
        );
        let streams = [app];
        let deployments = [deployment(
            "web",
            Some(json!([
                trigger("app:latest", &by_name("web")),
                trigger("app:loop-a", &by_name("looped")),
            ])),
            json!([
                container("web", &format!("{REGISTRY}/proj/app@{}", digest(4))),
                container("looped", &format!("{REGISTRY}/proj/app@{}", digest(4)))
            ]),
        )];
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), 2);
        assert_eq!(uses[0].tag.as_deref(), Some("latest"));
        assert_eq!(uses[0].state, UseState::Stale { behind: 1 });
        assert!(uses[0].via.contains(&Evidence::DigestInHistory));
        // A cycle ends the walk without an answer instead of looping.
        assert_eq!(uses[1].tag.as_deref(), Some("loop-a"));
        assert_eq!(uses[1].state, UseState::Unresolved);
        assert_eq!(graph.uses_of_tag(PROJECT, "app", "latest").count(), 1);
    }

    #[test]
    fn graph_cross_namespace_triggers() {
        let streams = [
            stream("shared", "base", &[("v1", &[1, 2])]),
            stream(PROJECT, "base", &[("v1", &[8])]),
        ];
        let mut cross = trigger("base:v1", &by_name("web"));
        cross["from"]["namespace"] = json!("shared");
        let deployments = [deployment(
            "web",
            Some(json!([cross])),
            json!([container(
                "web",
                &format!("{REGISTRY}/shared/base@{}", digest(2))
            )]),
        )];
        let config: DeploymentConfig = serde_json::from_value(json!({
            "metadata": {"name": "legacy"},
            "spec": {
                "template": {"spec": {"containers": [container("web", &format!("quay.io/upstream/base@{}", digest(1)))]}},
                "triggers": [{"type": "ImageChange", "imageChangeParams": {
                    "automatic": true, "containerNames": ["web"],
                    "from": {"kind": "ImageStreamTag", "name": "base:v1", "namespace": "shared"}}}]
            }
        }))
        .unwrap();
        let configs = [config];
        let graph = ReferenceGraph::build(&project(&streams, &deployments, &configs, &[]));
        let shared: Vec<_> = graph.uses_of_stream("shared", "base").collect();
        assert_eq!(shared.len(), 2);
        assert_eq!(shared[0].state, UseState::Stale { behind: 1 });
        assert_eq!(shared[1].state, UseState::Current);
        // The DeploymentConfig's metadata had no namespace: it is the project's.
        assert_eq!(shared[1].workload.namespace, PROJECT);
        assert_eq!(graph.uses_of_stream(PROJECT, "base").count(), 0);
    }

    #[test]
    fn graph_malformed_trigger_annotations_fall_back_to_other_rules() {
        let streams = [stream(PROJECT, "app", &[("latest", &[1]), ("v1", &[2])])];
        let image = format!("{REGISTRY}/proj/app@{}", digest(1));
        let deployments = [
            deployment(
                "broken-json",
                Some(json!("[{")),
                json!([container("web", &image)]),
            ),
            deployment(
                "not-an-array",
                Some(json!("{\"from\": 1}")),
                json!([container("web", &image)]),
            ),
            deployment(
                "unknown-field-path",
                Some(json!([
                    trigger(
                        "app:v1",
                        "spec.template.spec.containers[?(@.name=='web')].image"
                    ),
                    trigger("app:v1", "spec.containers[0].image"),
                    trigger("app:v1", "spec.template.spec.containers[0].command"),
                    trigger("app:v1", "spec.template.spec.containers[-1].image"),
                    trigger("app:v1", "spec.template.spec.containers[0"),
                    trigger("app:v1", "spec.template.spec.containers[99].image"),
                    trigger(
                        "app:v1",
                        "spec.template.spec.containers[?(@.name==\"ünïcode\")].image"
                    ),
                    trigger("no-tag", &by_name("web")),
                    trigger("a:b:c", &by_name("other")),
                ])),
                json!([container("web", &image)]),
            ),
            deployment(
                "duplicate-paths",
                Some(json!([
                    trigger("app:v1", &by_name("web")),
                    trigger("app:v1", &by_name("web")),
                ])),
                json!([container("web", &image)]),
            ),
            deployment(
                "wrong-kind",
                Some(
                    json!([{"from": {"kind": "DockerImage", "name": "app:v1"}, "fieldPath": by_name("web")}]),
                ),
                json!([container("web", &image)]),
            ),
        ];
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), deployments.len(), "{uses:#?}");
        for found in uses {
            // The digest and the pull spec still find stream and tag; no trigger was believed.
            assert_eq!(found.tag.as_deref(), Some("latest"), "{found:#?}");
            assert_eq!(found.state, UseState::Current);
            assert!(found
                .via
                .iter()
                .all(|e| !matches!(e, Evidence::TriggerAnnotation { .. })));
        }
    }

    #[test]
    fn graph_pod_status_image_id_supplies_the_running_digest() {
        let streams = [stream(PROJECT, "app", &[("v1", &[1, 2])])];
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": PROJECT},
            "spec": {"containers": [container("web", &format!("{REGISTRY}/proj/app:v1"))]},
            "status": {"containerStatuses": [{
                "name": "web",
                "image": format!("{REGISTRY}/proj/app:v1"),
                "imageID": format!("docker-pullable://{REGISTRY}/proj/app@{}", digest(2))
            }]}
        }))
        .unwrap();
        let pods = [pod];
        let graph = ReferenceGraph::build(&project(&streams, &[], &[], &pods));
        let found = only_use(&graph);
        assert_eq!(found.workload.kind, WorkloadKind::Pod);
        assert_eq!(found.digest, Some(digest(2)));
        assert_eq!(found.state, UseState::Stale { behind: 1 });
        assert_eq!(
            found.via,
            [
                Evidence::PullSpecMatch,
                Evidence::DigestInHistory,
                Evidence::PodStatusImageId
            ]
        );
    }

    #[test]
    fn graph_lookups_and_stream_usage() {
        let streams = [
            stream(PROJECT, "app", &[("latest", &[1, 2]), ("v1", &[3])]),
            stream(PROJECT, "idle", &[("latest", &[4])]),
        ];
        let at = |n: u32| format!("{REGISTRY}/proj/app@{}", digest(n));
        let deployments = [
            deployment(
                "current",
                None,
                json!([container("a", &at(1)), container("b", &at(3))]),
            ),
            deployment(
                "stale",
                None,
                json!([container("a", &at(2)), container("b", &at(1))]),
            ),
        ];
        let pod = |name: &str, owned: bool| -> Pod {
            let mut metadata = json!({"name": name, "namespace": PROJECT});
            if owned {
                metadata["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "stale-5d8", "uid": "u"}]);
            }
            serde_json::from_value(json!({
                "metadata": metadata,
                "spec": {"containers": [container("a", &at(2))]}
            }))
            .unwrap()
        };
        let pods = [pod("stale-5d8-x", true), pod("bare", false)];
        let graph = ReferenceGraph::build(&project(&streams, &deployments, &[], &pods));
        assert_eq!(graph.uses().len(), 6);
        assert_eq!(graph.uses_of_stream(PROJECT, "app").count(), 6);
        assert_eq!(graph.uses_of_tag(PROJECT, "app", "v1").count(), 1);
        assert_eq!(graph.uses_of_tag(PROJECT, "app", "latest").count(), 5);
        assert_eq!(graph.uses_of_stream(PROJECT, "idle").count(), 0);
        assert_eq!(graph.uses_of_stream("nowhere", "app").count(), 0);
        let stale: Vec<_> = graph
            .uses_by_workload(WorkloadKind::Deployment, "stale")
            .map(|u| (u.container.as_str(), u.state))
            .collect();
        assert_eq!(
            stale,
            [
                ("a", UseState::Stale { behind: 1 }),
                ("b", UseState::Current)
            ]
        );
        assert_eq!(graph.uses_by_workload(WorkloadKind::Pod, "bare").count(), 1);
        assert_eq!(
            graph
                .uses_by_workload(WorkloadKind::DeploymentConfig, "stale")
                .count(),
            0
        );
        // Two Deployments and the bare pod; the owned pod counts through its Deployment.
        assert_eq!(
            graph.stream_usage(PROJECT, "app"),
            StreamUsage {
                workloads: 3,
                stale: 2
            }
        );
        assert_eq!(graph.stream_usage(PROJECT, "idle"), StreamUsage::default());
    }

    // --- Upstream fixtures ----------------------------------------------------------------

    fn fixtures_dir() -> Option<std::path::PathBuf> {
        crate::test_fixtures::fixtures_dir()
    }

    /// The objects of a fixture file (a single object or a `kind: List`) sorted by kind.
    #[derive(Default)]
    struct FixtureObjects {
        streams: Vec<ImageStream>,
        deployments: Vec<Deployment>,
        deployment_configs: Vec<DeploymentConfig>,
        pods: Vec<Pod>,
    }

    fn load_fixture(dir: &std::path::Path, file: &str) -> FixtureObjects {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let value: Value = serde_yaml::from_str(&text).unwrap();
        let items = match value.get("kind").and_then(Value::as_str) {
            Some("List") => value["items"].as_array().cloned().unwrap_or_default(),
            _ => vec![value],
        };
        let mut objects = FixtureObjects::default();
        for item in items {
            match item.get("kind").and_then(Value::as_str) {
                Some("ImageStream") => objects.streams.push(serde_json::from_value(item).unwrap()),
                Some("Deployment") => objects
                    .deployments
                    .push(serde_json::from_value(item).unwrap()),
                Some("DeploymentConfig") => objects
                    .deployment_configs
                    .push(serde_json::from_value(item).unwrap()),
                Some("Pod") => objects.pods.push(serde_json::from_value(item).unwrap()),
                _ => {}
            }
        }
        objects
    }

    fn build_fixture(namespace: &str, objects: &FixtureObjects) -> ReferenceGraph {
        ReferenceGraph::build(&ProjectObjects {
            namespace,
            streams: &objects.streams,
            deployments: &objects.deployments,
            deployment_configs: &objects.deployment_configs,
            pods: &objects.pods,
        })
    }

    #[test]
    fn graph_fixture_new_app_deployment_uses_its_stream_through_the_trigger() {
        let Some(dir) = fixtures_dir() else {
            return;
        };
        let objects = load_fixture(&dir, "oc-graph-deployment.yaml");
        assert_eq!((objects.streams.len(), objects.deployments.len()), (1, 1));
        let graph = build_fixture("myproject", &objects);
        let found = only_use(&graph);
        assert_eq!(found.workload.name, "ruby-deploy");
        assert_eq!(found.workload.namespace, "myproject");
        assert_eq!(found.container, "ruby-deploy");
        assert_eq!(
            found.image,
            "busybox@sha256:4cee1979ba0bf7db9fc5d28fb7b798ca69ae95a47c5fecf46327720df4ff352d"
        );
        assert_eq!(found.stream, stream_ref("myproject", "ruby-deploy"));
        assert_eq!(found.tag.as_deref(), Some("latest"));
        assert_eq!(
            found.digest.as_deref(),
            Some("sha256:4cee1979ba0bf7db9fc5d28fb7b798ca69ae95a47c5fecf46327720df4ff352d")
        );
        assert_eq!(found.via, [TRIGGERED]);
        // The stream in the file has no status tags yet.
        assert_eq!(found.state, UseState::Unresolved);
        assert_eq!(
            graph.stream_usage("myproject", "ruby-deploy"),
            StreamUsage {
                workloads: 1,
                stale: 0
            }
        );
    }

    #[test]
    fn graph_fixture_deployment_config_triggered_from_another_project() {
        let Some(dir) = fixtures_dir() else {
            return;
        };
        let mut objects = load_fixture(&dir, "oc-graph-different-project-image-deployment.yaml");
        assert_eq!(objects.deployment_configs.len(), 1);

        // The other project's stream is not readable: the trigger still names it.
        let graph = build_fixture("example", &objects);
        let found = only_use(&graph);
        assert_eq!(found.workload.kind, WorkloadKind::DeploymentConfig);
        assert_eq!(found.workload.namespace, "example");
        assert_eq!(found.stream, stream_ref("different", "origin-ruby-sample"));
        assert_eq!(found.tag.as_deref(), Some("latest"));
        assert_eq!(
            found.via,
            [Evidence::DeploymentConfigTrigger { automatic: true }]
        );
        assert_eq!(found.state, UseState::Unresolved);

        // With the stream loaded, and one newer image tagged since the rollout, it is stale.
        let running = "sha256:857010da6b7ef44ecd566eb390a702c2f24a254f7408a8f2fad524a2673a1b87";
        let mut other: ImageStream = stream("different", "origin-ruby-sample", &[]);
        other.status.as_mut().unwrap().tags = Some(vec![NamedTagEventList {
            tag: "latest".into(),
            items: Some(Some(
                [digest(42), running.to_owned()]
                    .into_iter()
                    .map(|image| TagEvent {
                        docker_image_reference: format!(
                            "172.30.164.11:5000/different/origin-ruby-sample@{image}"
                        ),
                        image,
                        ..TagEvent::default()
                    })
                    .collect(),
            )),
            ..NamedTagEventList::default()
        }]);
        objects.streams.push(other);
        let graph = build_fixture("example", &objects);
        let found = only_use(&graph);
        assert_eq!(found.digest.as_deref(), Some(running));
        assert_eq!(found.state, UseState::Stale { behind: 1 });
        assert_eq!(
            found.via,
            [
                Evidence::DeploymentConfigTrigger { automatic: true },
                Evidence::DigestInHistory
            ]
        );
    }

    #[test]
    fn graph_fixture_annotation_trigger_with_blank_image_is_pending() {
        let Some(dir) = fixtures_dir() else {
            return;
        };
        let objects = load_fixture(&dir, "origin-deployment-with-annotation-trigger.yaml");
        let graph = build_fixture("e2e", &objects);
        let found = only_use(&graph);
        assert_eq!(found.image, " ");
        assert_eq!(found.stream, stream_ref("e2e", "test"));
        assert_eq!(found.tag.as_deref(), Some("v1"));
        assert_eq!(found.state, UseState::Pending);
    }

    // --- Size --------------------------------------------------------------------------------

    const SIZE_STREAMS: usize = 20_000;
    const SIZE_DEPLOYMENTS: usize = 5_000;
    const SIZE_TAGS: usize = 5;
    const SIZE_HISTORY: usize = 3;

    fn size_digest(stream: usize, tag: usize, item: usize) -> String {
        format!(
            "sha256:{:064x}",
            (stream * SIZE_TAGS + tag) * SIZE_HISTORY + item
        )
    }

    fn size_streams() -> Vec<ImageStream> {
        (0..SIZE_STREAMS)
            .map(|s| {
                let name = format!("s{s}");
                let tags = (0..SIZE_TAGS)
                    .map(|t| NamedTagEventList {
                        tag: format!("t{t}"),
                        items: Some(Some(
                            (0..SIZE_HISTORY)
                                .map(|i| TagEvent {
                                    created: format!("2024-01-{:02}T00:00:00Z", 28 - i),
                                    docker_image_reference: format!(
                                        "quay.io/org/{name}@{}",
                                        size_digest(s, t, i)
                                    ),
                                    image: size_digest(s, t, i),
                                    ..TagEvent::default()
                                })
                                .collect(),
                        )),
                        ..NamedTagEventList::default()
                    })
                    .collect();
                ImageStream {
                    metadata: ObjectMeta {
                        name: Some(name.clone()),
                        namespace: Some(PROJECT.into()),
                        ..ObjectMeta::default()
                    },
                    status: Some(ImageStreamStatus {
                        docker_image_repository: format!("{REGISTRY}/{PROJECT}/{name}"),
                        tags: Some(tags),
                        ..ImageStreamStatus::default()
                    }),
                    ..ImageStream::default()
                }
            })
            .collect()
    }

    /// Deployment `d` uses stream `4d`, tag `d % 5`: one in five runs the previous image, one in
    /// five the one before, the rest the current one. Even ones have a trigger, odd ones are
    /// matched by digest alone, through three kinds of pull spec.
    fn size_deployments() -> Vec<Deployment> {
        (0..SIZE_DEPLOYMENTS)
            .map(|d| {
                let (s, t) = (d * 4, d % SIZE_TAGS);
                let item = match d % 5 {
                    0 => 1,
                    1 => 2,
                    _ => 0,
                };
                let running = size_digest(s, t, item);
                let image = match d % 3 {
                    0 => format!("{REGISTRY}/{PROJECT}/s{s}@{running}"),
                    1 => format!("quay.io/org/s{s}@{running}"),
                    _ => format!("mirror.example.com/x/y@{running}"),
                };
                let triggers =
                    (d % 2 == 0).then(|| json!([trigger(&format!("s{s}:t{t}"), &by_name("app"))]));
                deployment(
                    &format!("d{d}"),
                    triggers,
                    json!([container("app", &image)]),
                )
            })
            .collect()
    }

    #[test]
    fn graph_twenty_thousand_streams_and_five_thousand_deployments() {
        let streams = size_streams();
        let deployments = size_deployments();
        let graph = graph_of(&streams, &deployments);
        let uses = graph.uses();
        assert_eq!(uses.len(), SIZE_DEPLOYMENTS);
        let count = |state: UseState| uses.iter().filter(|u| u.state == state).count();
        assert_eq!(count(UseState::Current), 3_000);
        assert_eq!(count(UseState::Stale { behind: 1 }), 1_000);
        assert_eq!(count(UseState::Stale { behind: 2 }), 1_000);
        let triggered = uses
            .iter()
            .filter(|u| u.via.first() == Some(&TRIGGERED))
            .count();
        assert_eq!(triggered, 2_500);
        for (d, found) in uses.iter().enumerate() {
            let name = format!("s{}", d * 4);
            assert_eq!(found.stream, stream_ref(PROJECT, &name), "{found:#?}");
            assert_eq!(found.tag, Some(format!("t{}", d % SIZE_TAGS)));
        }
        assert_eq!(
            graph.stream_usage(PROJECT, "s0"),
            StreamUsage {
                workloads: 1,
                stale: 1
            }
        );
        assert_eq!(graph.stream_usage(PROJECT, "s1"), StreamUsage::default());
    }

    // --- No panics -----------------------------------------------------------------------------

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn graph_build_never_panics(
                image in "\\PC{0,40}|[a-z0-9.:/@-]{0,60}",
                field_path in "spec\\.template\\.spec\\.(init)?[cC]ontainers\\[\\PC{0,12}\\]?(\\.image)?\\PC{0,4}",
                from in "\\PC{0,12}|[a-z]{1,4}:[a-z]{0,4}(:[a-z]{0,3})?",
                annotation in "\\PC{0,30}",
                status_image in "\\PC{0,20}|sha256:[0-9a-f]{64}",
            ) {
                let mut streams = vec![stream(PROJECT, "app", &[("latest", &[1, 2])])];
                let odd: ImageStream = serde_json::from_value(json!({
                    "metadata": {"name": from, "namespace": PROJECT},
                    "spec": {"lookupPolicy": {"local": true}, "tags": [
                        {"name": "latest", "from": {"kind": "ImageStreamTag", "name": from}}
                    ]},
                    "status": {"dockerImageRepository": image, "tags": [{"tag": "latest", "items": [
                        {"created": "", "dockerImageReference": image, "image": status_image}
                    ]}]}
                }))
                .unwrap();
                streams.push(odd);
                let deployments = [
                    deployment(
                        "structured",
                        Some(json!([trigger(&from, &field_path)])),
                        json!([container("web", &image), container(&from, &image)]),
                    ),
                    deployment("raw", Some(Value::String(annotation)), json!([container("web", &image)])),
                ];
                let pod: Pod = serde_json::from_value(json!({
                    "metadata": {"name": "p"},
                    "spec": {"containers": [container("web", &image)]},
                    "status": {"containerStatuses": [{"name": "web", "imageID": format!("x@{status_image}")}]}
                }))
                .unwrap();
                let pods = [pod];
                let graph = ReferenceGraph::build(&project(&streams, &deployments, &[], &pods));
                for found in graph.uses() {
                    prop_assert!(found.stream.is_some());
                }
                let _ = graph.stream_usage(PROJECT, "app");
            }
        }
    }
}

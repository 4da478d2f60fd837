//! What each tag of a stream is: where its image comes from, which image it holds now, how
//! that image is pulled, and whether its import is done, waiting or broken (API.md §1.1, §3.1,
//! §6.3). Also the two orderings and texts `oc` derives from tags: PrioritizeTags (§8.3) and
//! `oc describe is` (§8.2), so the console shows tags in the order and words users know from
//! the command line.

use crate::imagestream::{
    ImageStream, NamedTagEventList, ObjectReference, TagEvent, TagEventCondition, TagReference,
};
use crate::meta::ObjectMeta;
use crate::reference;
use crate::time::{human_duration, parse_rfc3339};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The tag a pull spec without a tag means, and the tag `PrioritizeTags` puts first.
const LATEST_TAG: &str = "latest";

/// The only condition type the server writes on a status tag.
const IMPORT_SUCCESS: &str = "ImportSuccess";

/// Where a tag's image comes from, read from the spec tag's `from` (or its absence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagSource {
    /// Imported from (or, for reference tags, pointing straight at) an external pull spec.
    DockerImage {
        /// `from.name` as written, e.g. `registry.redhat.io/ubi9/httpd-24:latest`.
        pull_spec: String,
    },
    /// Follows another image stream tag; an alias when that tag is in this same stream.
    ImageStreamTag {
        /// The stream named in `from.name` (`stream:tag`), or this stream for a bare `tag`.
        stream: String,
        /// The followed tag; `latest` when `from.name` ends in a bare `:`.
        tag: String,
        /// `from.namespace`, or this stream's namespace when absent (the server's default).
        namespace: String,
    },
    /// Pinned to one image of a stream by digest (`stream@sha256:…` or a bare id).
    ImageStreamImage {
        /// The stream named before `@`, or this stream for a bare id.
        stream: String,
        /// The image id or digest after `@` (may be a prefix of the digest).
        image: String,
        /// `from.namespace`, or this stream's namespace when absent.
        namespace: String,
    },
    /// No spec tag: the tag exists only in status, because an image was pushed to it.
    Pushed,
    /// A spec tag without `from`: nothing to import, it only holds annotations or a policy.
    NoSource,
    /// A `from.kind` the server rejects; kept so a malformed object still shows what it says.
    Unknown {
        /// `from.kind` as written.
        kind: String,
        /// `from.name` as written.
        name: String,
    },
}

/// How pull specs for a tag are written (`referencePolicy.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferencePolicy {
    /// Pull from the original registry (the server's default; also any unknown value, which
    /// is how the resolver treats it).
    #[default]
    Source,
    /// Pull through the integrated registry by digest.
    Local,
}

/// How a tag's image is imported (`importPolicy.importMode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportMode {
    /// One platform's manifest is taken from a manifest list.
    Legacy,
    /// The whole manifest list is kept.
    PreserveOriginal,
    /// A value this model does not know, kept as written.
    Other(String),
}

/// One image the tag pointed at (one `status.tags[].items[]` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    /// The image name, i.e. the manifest digest `sha256:…`; empty for reference-only tags.
    pub image: String,
    /// The pull spec recorded by the server, normally `<repo>@sha256:…`.
    pub pull_spec: String,
    /// When the tag started pointing at this image, as the server wrote it (RFC 3339).
    pub created: String,
    /// `created` in Unix milliseconds, when it is a readable timestamp.
    pub created_millis: Option<i64>,
    /// The spec generation that produced the event.
    pub generation: Option<i64>,
}

/// Where the tag's import stands. Having an image and having a failed import are independent:
/// a tag keeps its last good image when a later import fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    /// The tag holds an image and no newer import was asked for.
    Imported,
    /// An import was asked for and the controller has not answered yet: the spec tag changed
    /// after the last observed import, or it has a source but no image and no error yet.
    Pending,
    /// The last import failed (an `ImportSuccess` condition with status `False`).
    Failed {
        /// The failed import's Status reason, e.g. `NotFound` (empty when missing).
        reason: String,
        /// The failed import's Status message (empty when missing).
        message: String,
        /// When the failure was recorded (RFC 3339), if the server wrote it.
        last_transition_time: Option<String>,
    },
    /// No image and nothing that would import one: a spec tag without `from`, or a status
    /// entry with neither image nor error.
    NoSource,
}

/// The tag annotations the console shows (template-catalog conventions of API.md §1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagAnnotations {
    /// `description`, a free text about the image.
    pub description: Option<String>,
    /// `openshift.io/display-name`, the human title.
    pub display_name: Option<String>,
    /// `tags`, split at commas and trimmed (`builder`, `hidden`, languages…).
    pub tags: Vec<String>,
    /// True when `tags` contains `hidden`: catalogs leave such tags out of their lists.
    pub hidden: bool,
    /// `supports`, split at commas and trimmed (`wildfly:8.1`, `java`…).
    pub supports: Vec<String>,
    /// `sampleRepo`, an example source repository for builder images.
    pub sample_repo: Option<String>,
    /// `version`, the version the tag stands for.
    pub version: Option<String>,
}

/// Everything the console shows about one tag, joined from the spec tag and the status tag
/// of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagView {
    /// The tag name.
    pub name: String,
    /// Where the image comes from.
    pub source: TagSource,
    /// `reference: true`: the image is never imported, the tag only points at it.
    pub reference_only: bool,
    /// `importPolicy.scheduled`: the tag is re-imported periodically.
    pub scheduled: bool,
    /// `importPolicy.insecure`: imports may use plain HTTP or unverified TLS.
    pub insecure: bool,
    /// `importPolicy.importMode`, when set (the server fills in the cluster default).
    pub import_mode: Option<ImportMode>,
    /// How pull specs for this tag are written.
    pub reference_policy: ReferencePolicy,
    /// Every image the tag pointed at, newest first; the first is the current one.
    pub history: Vec<HistoryEvent>,
    /// The pull spec workloads get for this tag (API.md §6.3), when it has an image.
    pub resolved_pull_spec: Option<String>,
    /// Where the import stands.
    pub import_status: ImportStatus,
    /// The annotations of interest on the spec tag.
    pub annotations: TagAnnotations,
    /// The tag of this stream this one finally follows, when it is an alias (see
    /// [`alias_target`]).
    pub alias_of: Option<String>,
    /// The tags of this stream that are aliases of this one, in PrioritizeTags order.
    pub aliases: Vec<String>,
}

impl TagView {
    /// The image the tag points at now (`items[0]`), if it has one.
    pub fn current(&self) -> Option<&HistoryEvent> {
        self.history.first()
    }
}

/// One view per tag (the union of spec and status tags, each name once), in PrioritizeTags
/// order, which is the order `oc describe` lists them in.
pub fn tag_views(stream: &ImageStream) -> Vec<TagView> {
    let mut names: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    let all = stream
        .status_tags()
        .iter()
        .map(|list| list.tag.as_str())
        .chain(stream.spec_tags().iter().map(|tag| tag.name.as_str()));
    for name in all {
        if seen.insert(name) {
            names.push(name);
        }
    }
    prioritize_tags(&mut names);
    let aliases = aliases_by_target(stream);
    names
        .into_iter()
        .map(|name| build_view(stream, name, &aliases))
        .collect()
}

/// The view of one tag, or `None` when the stream has no spec or status tag of that name.
pub fn tag_view(stream: &ImageStream, name: &str) -> Option<TagView> {
    if spec_tag(stream, name).is_none() && status_tag(stream, name).is_none() {
        return None;
    }
    Some(build_view(stream, name, &aliases_by_target(stream)))
}

fn build_view(stream: &ImageStream, name: &str, aliases: &BTreeMap<&str, Vec<&str>>) -> TagView {
    let spec = spec_tag(stream, name);
    let status = status_tag(stream, name);
    let source = match spec {
        None => TagSource::Pushed,
        Some(tag) => match &tag.from {
            None => TagSource::NoSource,
            Some(from) => source_of(stream, from),
        },
    };
    let policy = spec.and_then(|tag| tag.import_policy.as_ref());
    let history: Vec<HistoryEvent> = status
        .map(NamedTagEventList::events)
        .unwrap_or_default()
        .iter()
        .map(history_event)
        .collect();
    TagView {
        name: name.to_owned(),
        source,
        reference_only: spec.is_some_and(|tag| tag.reference == Some(true)),
        scheduled: policy.and_then(|p| p.scheduled).unwrap_or(false),
        insecure: policy.and_then(|p| p.insecure).unwrap_or(false),
        import_mode: policy
            .and_then(|p| p.import_mode.as_deref())
            .map(|mode| match mode {
                "Legacy" => ImportMode::Legacy,
                "PreserveOriginal" => ImportMode::PreserveOriginal,
                other => ImportMode::Other(other.to_owned()),
            }),
        reference_policy: reference_policy(spec),
        resolved_pull_spec: resolved_pull_spec(stream, name),
        history,
        import_status: import_status(spec, status),
        annotations: spec.map(tag_annotations).unwrap_or_default(),
        alias_of: alias_target(stream, name).map(str::to_owned),
        aliases: aliases
            .get(name)
            .map(|names| names.iter().map(|alias| (*alias).to_owned()).collect())
            .unwrap_or_default(),
    }
}

fn source_of(stream: &ImageStream, from: &ObjectReference) -> TagSource {
    let namespace = match from.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => ns.to_owned(),
        _ => stream.metadata.namespace().to_owned(),
    };
    match from.kind.as_str() {
        "DockerImage" => TagSource::DockerImage {
            pull_spec: from.name.clone(),
        },
        "ImageStreamTag" => {
            let (stream_name, tag) = match split_stream_tag(&from.name) {
                Some((stream_name, tag)) => (stream_name, tag),
                None => (stream.metadata.name(), from.name.as_str()),
            };
            TagSource::ImageStreamTag {
                stream: stream_name.to_owned(),
                tag: tag.to_owned(),
                namespace,
            }
        }
        "ImageStreamImage" => {
            let (stream_name, image) = match from.name.split_once('@') {
                Some((stream_name, image)) => (stream_name, image),
                None => (stream.metadata.name(), from.name.as_str()),
            };
            TagSource::ImageStreamImage {
                stream: stream_name.to_owned(),
                image: image.to_owned(),
                namespace,
            }
        }
        other => TagSource::Unknown {
            kind: other.to_owned(),
            name: from.name.clone(),
        },
    }
}

/// Splits `stream:tag` at the first `:`, reading an empty tag as `latest` (library-go
/// `SplitImageStreamTag`); `None` for a bare tag name.
fn split_stream_tag(name: &str) -> Option<(&str, &str)> {
    let (stream, tag) = name.split_once(':')?;
    Some((stream, if tag.is_empty() { LATEST_TAG } else { tag }))
}

fn history_event(event: &TagEvent) -> HistoryEvent {
    HistoryEvent {
        image: event.image.clone(),
        pull_spec: event.docker_image_reference.clone(),
        created: event.created.clone(),
        created_millis: parse_rfc3339(&event.created).ok(),
        generation: event.generation,
    }
}

fn reference_policy(spec: Option<&TagReference>) -> ReferencePolicy {
    match spec.and_then(|tag| tag.reference_policy.as_ref()) {
        Some(policy) if policy.policy_type == "Local" => ReferencePolicy::Local,
        _ => ReferencePolicy::Source,
    }
}

/// The pull spec a trigger or admission writes for `tag` (API.md §6.3, library-go
/// `ResolveLatestTaggedImage`): with a `Local` policy, a readable
/// `status.dockerImageRepository` and an image id, the integrated registry by digest;
/// otherwise the pull spec the server recorded. `None` when the tag has no image.
pub fn resolved_pull_spec(stream: &ImageStream, tag: &str) -> Option<String> {
    let event = status_tag(stream, tag)?.events().first()?;
    let recorded = || Some(event.docker_image_reference.clone()).filter(|spec| !spec.is_empty());
    let Some(spec) = spec_tag(stream, tag) else {
        return recorded();
    };
    if reference_policy(Some(spec)) != ReferencePolicy::Local || event.image.is_empty() {
        return recorded();
    }
    let local = stream
        .status
        .as_ref()
        .map_or("", |status| status.docker_image_repository.as_str());
    if local.is_empty() {
        return recorded();
    }
    match reference::parse(local) {
        Ok(mut repository) => {
            repository.tag.clear();
            repository.id = event.image.clone();
            Some(repository.exact())
        }
        // An unreadable repository cannot be pulled through; the recorded spec still works.
        Err(_) => recorded(),
    }
}

/// The spec generation the import controller last acted on for a tag: the newer of the
/// current image's generation and the first `ImportSuccess` condition's (API.md §3.1).
fn observed_generation(status: Option<&NamedTagEventList>) -> i64 {
    let Some(status) = status else { return 0 };
    let from_image = status
        .events()
        .first()
        .and_then(|event| event.generation)
        .unwrap_or(0);
    let from_condition = status
        .conditions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|condition| condition.condition_type == IMPORT_SUCCESS)
        .map_or(0, |condition| condition.generation);
    from_image.max(from_condition)
}

/// True when the spec tag asks for an import the controller has not observed yet.
fn import_requested(spec: Option<&TagReference>, status: Option<&NamedTagEventList>) -> bool {
    let Some(spec) = spec else { return false };
    if spec.from.is_none() || spec.reference == Some(true) {
        return false;
    }
    matches!(spec.generation, Some(Some(generation)) if generation > observed_generation(status))
}

fn failed_imports(status: Option<&NamedTagEventList>) -> impl Iterator<Item = &TagEventCondition> {
    status
        .and_then(|list| list.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .filter(|condition| {
            condition.condition_type == IMPORT_SUCCESS && condition.status == "False"
        })
}

fn import_status(spec: Option<&TagReference>, status: Option<&NamedTagEventList>) -> ImportStatus {
    // A newer request makes both the current image and a recorded failure stale.
    if import_requested(spec, status) {
        return ImportStatus::Pending;
    }
    if let Some(failure) = failed_imports(status).next() {
        return ImportStatus::Failed {
            reason: failure.reason.clone().unwrap_or_default(),
            message: failure.message.clone().unwrap_or_default(),
            last_transition_time: failure.last_transition_time.clone(),
        };
    }
    if status.is_some_and(|list| !list.events().is_empty()) {
        return ImportStatus::Imported;
    }
    match spec {
        Some(tag) if tag.from.is_some() => ImportStatus::Pending,
        _ => ImportStatus::NoSource,
    }
}

fn annotations_of(tag: &TagReference) -> Option<&BTreeMap<String, String>> {
    tag.annotations.as_ref().and_then(Option::as_ref)
}

fn tag_annotations(tag: &TagReference) -> TagAnnotations {
    let Some(map) = annotations_of(tag) else {
        return TagAnnotations::default();
    };
    let text = |key: &str| map.get(key).filter(|value| !value.is_empty()).cloned();
    let list = |key: &str| -> Vec<String> {
        map.get(key)
            .map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let tags = list("tags");
    TagAnnotations {
        description: text("description"),
        display_name: text("openshift.io/display-name"),
        hidden: tags.iter().any(|item| item == "hidden"),
        tags,
        supports: list("supports"),
        sample_repo: text("sampleRepo"),
        version: text("version"),
    }
}

fn spec_tag<'a>(stream: &'a ImageStream, name: &str) -> Option<&'a TagReference> {
    stream.spec_tags().iter().find(|tag| tag.name == name)
}

fn status_tag<'a>(stream: &'a ImageStream, name: &str) -> Option<&'a NamedTagEventList> {
    stream.status_tags().iter().find(|list| list.tag == name)
}

/// The tag of this stream that `tag` finally stands for, when `tag` is an alias: a spec tag
/// whose `from` is an ImageStreamTag of this same stream (no namespace or this namespace;
/// `other` or `<this stream>:other`), followed through further aliases to a tag with a
/// different kind of source. `None` when `tag` is not an alias or the chain is broken
/// (a cycle, a missing tag, or a step into another stream), exactly when `oc describe` does
/// not fold it into another tag's header (oc `FollowTagReference`).
pub fn alias_target<'a>(stream: &'a ImageStream, tag: &str) -> Option<&'a str> {
    let stream_name = stream.metadata.name();
    let namespace = stream.metadata.namespace();
    let mut visited: BTreeSet<&str> = BTreeSet::new();
    let mut current = spec_tag(stream, tag)?;
    loop {
        if !visited.insert(current.name.as_str()) {
            return None;
        }
        let from = match &current.from {
            Some(from) if from.kind == "ImageStreamTag" => from,
            // The chain ends at a tag with its own source; a tag without hops is no alias.
            _ => return (visited.len() > 1).then_some(current.name.as_str()),
        };
        if from
            .namespace
            .as_deref()
            .is_some_and(|ns| !ns.is_empty() && ns != namespace)
        {
            return None;
        }
        let next = match split_stream_tag(&from.name) {
            Some((other, _)) if other != stream_name => return None,
            Some((_, next)) => next,
            None => from.name.as_str(),
        };
        current = spec_tag(stream, next)?;
    }
}

/// For each tag, the aliases that fold into it, in PrioritizeTags order.
fn aliases_by_target(stream: &ImageStream) -> BTreeMap<&str, Vec<&str>> {
    let mut folded: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for tag in stream.spec_tags() {
        if let Some(target) = alias_target(stream, &tag.name) {
            let aliases = folded.entry(target).or_default();
            if !aliases.contains(&tag.name.as_str()) {
                aliases.push(&tag.name);
            }
        }
    }
    for aliases in folded.values_mut() {
        prioritize_tags(aliases);
    }
    folded
}

/// The "Unique Images" count of `oc describe is`: distinct image ids over every tag's whole
/// history. Like `oc`, events without an image id (reference-only tags) all count together
/// as one more entry, so the console and the command line print the same number.
pub fn unique_images(stream: &ImageStream) -> usize {
    let mut images: BTreeSet<&str> = BTreeSet::new();
    for event in stream.status_tags().iter().flat_map(|list| list.events()) {
        if !event.image.is_empty() {
            images.insert(&event.image);
        } else if !event.docker_image_reference.is_empty()
            && !images.contains(event.docker_image_reference.as_str())
        {
            images.insert("");
        }
    }
    images.len()
}

// ---------------------------------------------------------------------------------------
// PrioritizeTags
// ---------------------------------------------------------------------------------------

/// Sorts tag names the way OpenShift lists and picks them (library-go `PrioritizeTags`,
/// API.md §8.3): `latest`; then minor versions (`5.1`, `v5.1`, `5.1-rc1`) newest first; then
/// full semantic versions (`5.1.3`, `v1.0.0-rc1`) newest first, the form without `v` before
/// the one with it; then everything else in byte order. `describe`, repository imports and
/// `oc import-image --all` all use this order, so the console should too.
///
/// Names that rank equal in OpenShift (e.g. `1.0.0+a` and `1.0.0+b`, whose build metadata
/// does not count) come out in byte order here, where Go's unstable sort leaves them in an
/// unspecified order.
pub fn prioritize_tags<S: AsRef<str>>(names: &mut [S]) {
    names.sort_by_cached_key(|name| TagRank::of(name.as_ref()));
}

/// Compares two tag names in PrioritizeTags order (see [`prioritize_tags`]), for sorting
/// tags inside other structures.
pub fn compare_tags(a: &str, b: &str) -> Ordering {
    TagRank::of(a).cmp(&TagRank::of(b))
}

/// A tag's place in PrioritizeTags order. The derived ordering compares the class first, then
/// the version (stored reversed so that newer sorts first), then the `v` prefix, then the name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TagRank {
    Latest,
    Minor {
        version: std::cmp::Reverse<SemVer>,
        v_prefix: bool,
        name: String,
    },
    Full {
        version: std::cmp::Reverse<SemVer>,
        v_prefix: bool,
        name: String,
    },
    Other {
        name: String,
    },
}

impl TagRank {
    fn of(name: &str) -> TagRank {
        if name == LATEST_TAG {
            return TagRank::Latest;
        }
        let (short, v_prefix) = match name.strip_prefix('v') {
            Some(short) => (short, true),
            None => (name, false),
        };
        let owned = || name.to_owned();
        if let Some(version) = SemVer::parse(short) {
            return TagRank::Full {
                version: std::cmp::Reverse(version),
                v_prefix,
                name: owned(),
            };
        }
        if let Some(version) = minor_version(short) {
            return TagRank::Minor {
                version: std::cmp::Reverse(version),
                v_prefix,
                name: owned(),
            };
        }
        TagRank::Other { name: owned() }
    }
}

/// Reads `5.1` as 5.1.0 and `5.1-rc1` as 5.1.0-rc1, the two shapes OpenShift calls minor
/// versions (`^\d+\.\d+$` and `^(\d+\.\d+)-\w+$`).
fn minor_version(short: &str) -> Option<SemVer> {
    let (head, suffix) = match short.split_once('-') {
        Some((head, suffix)) => (head, Some(suffix)),
        None => (short, None),
    };
    let (major, minor) = head.split_once('.')?;
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return None;
    }
    match suffix {
        None => SemVer::parse(&format!("{head}.0")),
        Some(word)
            if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            SemVer::parse(&format!("{head}.0-{word}"))
        }
        Some(_) => None,
    }
}

/// A semantic version as blang/semver reads it strictly; build metadata is checked but, as in
/// semver, takes no part in ordering, so it is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SemVer {
    major: u64,
    minor: u64,
    patch: u64,
    pre_release: Vec<PreRelease>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PreRelease {
    // Declared first: numeric identifiers rank below alphanumeric ones.
    Numeric(u64),
    Alphanumeric(String),
}

impl SemVer {
    fn parse(text: &str) -> Option<SemVer> {
        let mut parts = text.splitn(3, '.');
        let major = numeric_identifier(parts.next()?)?;
        let minor = numeric_identifier(parts.next()?)?;
        let rest = parts.next()?;
        let (rest, build) = match rest.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (rest, None),
        };
        let (patch, pre_release) = match rest.split_once('-') {
            Some((patch, pre)) => (patch, Some(pre)),
            None => (rest, None),
        };
        let patch = numeric_identifier(patch)?;
        let pre_release = match pre_release {
            Some(pre) => pre
                .split('.')
                .map(pre_release_identifier)
                .collect::<Option<Vec<_>>>()?,
            None => Vec::new(),
        };
        if let Some(build) = build {
            if !build.split('.').all(is_alphanumeric_identifier) {
                return None;
            }
        }
        Some(SemVer {
            major,
            minor,
            patch,
            pre_release,
        })
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(
                // A release ranks above its pre-releases; otherwise identifiers decide, and a
                // longer list wins when one is a prefix of the other.
                || match (self.pre_release.is_empty(), other.pre_release.is_empty()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => self.pre_release.cmp(&other.pre_release),
                },
            )
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn numeric_identifier(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

fn is_alphanumeric_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn pre_release_identifier(text: &str) -> Option<PreRelease> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return numeric_identifier(text).map(PreRelease::Numeric);
    }
    is_alphanumeric_identifier(text).then(|| PreRelease::Alphanumeric(text.to_owned()))
}

// ---------------------------------------------------------------------------------------
// oc describe is
// ---------------------------------------------------------------------------------------

/// The text `oc describe is/NAME` prints for `stream` at `now_millis` (API.md §8.2; oc
/// `DescribeImageStream`), so the console's "describe" tab reads like the command line.
///
/// Layout: oc writes through Go's `text/tabwriter` with minimum width 0, tab width 8,
/// padding 1 and **tab** as the padding character, and so does this function: a value is
/// preceded by as many tab characters as it takes to start at the first 8-column tab stop
/// past the longest label of its block (`Name:` + 3 tabs, `Image Repository:` + 1 tab, …).
/// The text is therefore byte-for-byte what `oc` prints and lines up wherever tabs stop every
/// 8 columns (terminals, and `<pre>` elements at the CSS default `tab-size: 8`).
///
/// Times that are missing or unreadable count as Go's zero time, as they would in oc: a
/// stream without a creation time has no `Created` line, and an event or failure without
/// a time is "292 years ago" (Go's longest duration).
pub fn describe(stream: &ImageStream, now_millis: i64) -> String {
    let mut raw = String::new();
    write_meta(&mut raw, &stream.metadata, now_millis);
    let status = stream.status.as_ref();
    let repository = match status.and_then(|s| s.public_docker_image_repository.as_deref()) {
        Some(public) if !public.is_empty() => public,
        _ => status.map_or("", |s| s.docker_image_repository.as_str()),
    };
    write_field(&mut raw, "Image Repository", repository);
    let lookup_local = stream
        .spec
        .as_ref()
        .and_then(|spec| spec.lookup_policy.as_ref())
        .is_some_and(|policy| policy.local);
    write_field(&mut raw, "Image Lookup", &format!("local={lookup_local}"));
    write_tag_blocks(&mut raw, stream, now_millis);
    align_tabs(&raw)
}

/// Unix milliseconds of Go's zero `time.Time` (0001-01-01T00:00:00Z), which oc's JSON
/// decoding leaves in time fields that are absent.
const GO_ZERO_TIME_MILLIS: i64 = -62_135_596_800_000;

/// Go's `time.Duration` is nanoseconds in an i64, so `Sub` saturates at about 292 years.
const GO_MAX_DURATION_MILLIS: i64 = i64::MAX / 1_000_000;

fn go_time(timestamp: Option<&str>) -> i64 {
    timestamp
        .and_then(|text| parse_rfc3339(text).ok())
        .unwrap_or(GO_ZERO_TIME_MILLIS)
}

/// `"<duration> ago"` as oc prints it, saturating like Go's `Time.Sub`.
fn go_ago(timestamp: Option<&str>, now_millis: i64) -> String {
    let elapsed = now_millis
        .saturating_sub(go_time(timestamp))
        .clamp(-GO_MAX_DURATION_MILLIS, GO_MAX_DURATION_MILLIS);
    format!("{} ago", human_duration(elapsed))
}

/// `Label:` then each line of the value after a tab; `<none>` for an empty value (oc
/// `formatString`).
fn write_field(raw: &mut String, label: &str, value: &str) {
    let value = if value.is_empty() { "<none>" } else { value };
    raw.push_str(label);
    raw.push(':');
    for line in value.split('\n') {
        raw.push('\t');
        raw.push_str(line);
        raw.push('\n');
    }
}

/// `key=value` pairs sorted by key, the first after the label and the rest on continuation
/// lines; `<none>` when empty (oc `formatMapStringString`).
fn write_pairs<'a>(
    raw: &mut String,
    label: &str,
    pairs: impl IntoIterator<Item = (&'a String, &'a String)>,
) {
    let mut any = false;
    for (key, value) in pairs {
        if any {
            let _ = writeln!(raw, "\t{key}={value}");
        } else {
            write_field(raw, label, &format!("{key}={value}"));
            any = true;
        }
    }
    if !any {
        write_field(raw, label, "");
    }
}

fn write_meta(raw: &mut String, meta: &ObjectMeta, now_millis: i64) {
    write_field(raw, "Name", meta.name());
    if !meta.namespace().is_empty() {
        write_field(raw, "Namespace", meta.namespace());
    }
    let created = meta.creation_timestamp.as_ref().and_then(Option::as_deref);
    if go_time(created) != GO_ZERO_TIME_MILLIS {
        let _ = writeln!(raw, "Created:\t{}", go_ago(created, now_millis));
    }
    let empty = BTreeMap::new();
    write_pairs(raw, "Labels", meta.labels.as_ref().unwrap_or(&empty));
    let annotations = meta.annotations.as_ref().unwrap_or(&empty);
    if let Some(description) = annotations.get("description").filter(|d| !d.is_empty()) {
        write_field(raw, "Description", description);
    }
    write_pairs(
        raw,
        "Annotations",
        annotations.iter().filter(|(key, _)| *key != "description"),
    );
}

fn write_tag_blocks(raw: &mut String, stream: &ImageStream, now_millis: i64) {
    let (status_tags, spec_tags) = (stream.status_tags(), stream.spec_tags());
    if status_tags.is_empty() && spec_tags.is_empty() {
        raw.push_str("Tags:\t<none>\n");
        return;
    }
    // Counted like oc: every status tag, then spec tags that have no status yet.
    let mut names: Vec<&str> = status_tags.iter().map(|list| list.tag.as_str()).collect();
    names.extend(
        spec_tags
            .iter()
            .filter(|tag| status_tag(stream, &tag.name).is_none())
            .map(|tag| tag.name.as_str()),
    );
    let _ = write!(
        raw,
        "Unique Images:\t{}\nTags:\t{}\n\n",
        unique_images(stream),
        names.len()
    );
    prioritize_tags(&mut names);
    let folded = aliases_by_target(stream);
    let alias_names: BTreeSet<&str> = folded.values().flatten().copied().collect();
    let mut first = true;
    for name in names {
        if alias_names.contains(name) {
            continue;
        }
        if !first {
            raw.push('\n');
        }
        first = false;
        write_tag_block(raw, stream, name, folded.get(name), now_millis);
    }
}

fn write_tag_block(
    raw: &mut String,
    stream: &ImageStream,
    name: &str,
    aliases: Option<&Vec<&str>>,
    now_millis: i64,
) {
    let spec = spec_tag(stream, name);
    let status = status_tag(stream, name);
    match aliases {
        Some(aliases) if !aliases.is_empty() => {
            let _ = writeln!(raw, "{name} ({})", aliases.join(", "));
        }
        _ => {
            let _ = writeln!(raw, "{name}");
        }
    }
    raw.push_str(&source_line(stream, spec));
    raw.push('\n');
    let from_policy = spec
        .filter(|tag| tag.from.is_some())
        .and_then(|tag| tag.import_policy.as_ref());
    if from_policy.and_then(|p| p.insecure).unwrap_or(false) {
        raw.push_str("    will use insecure HTTPS or HTTP connections\n");
    }
    let local = spec
        .and_then(|tag| tag.reference_policy.as_ref())
        .is_some_and(|policy| policy.policy_type == "Local");
    if local {
        raw.push_str("    prefer registry pullthrough when referencing this tag\n");
    }
    raw.push('\n');

    let annotations = spec.and_then(annotations_of);
    let annotation = |key: &str| {
        annotations
            .and_then(|map| map.get(key))
            .filter(|value| !value.is_empty())
    };
    let mut extras = String::new();
    if let Some(description) = annotation("description") {
        let _ = writeln!(extras, "  {description}");
    }
    if let Some(tags) = annotation("tags") {
        let _ = writeln!(extras, "  Tags: {}", tags.replace(',', ", "));
    }
    if let Some(supports) = annotation("supports") {
        let _ = writeln!(extras, "  Supports: {}", supports.replace(',', ", "));
    }
    if let Some(sample) = annotation("sampleRepo") {
        let _ = writeln!(extras, "  Example Repo: {sample}");
    }
    if !extras.is_empty() {
        raw.push_str(&extras);
        raw.push('\n');
    }

    if import_requested(spec, status) {
        raw.push_str("  ~ importing latest image ...\n");
    }
    for failure in failed_imports(status) {
        let _ = writeln!(
            raw,
            "  ! error: Import failed ({}): {}\n      {}",
            failure.reason.as_deref().unwrap_or_default(),
            failure.message.as_deref().unwrap_or_default(),
            go_ago(failure.last_transition_time.as_deref(), now_millis)
        );
    }
    for (index, event) in status
        .map(NamedTagEventList::events)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let marker = if index == 0 { "  * " } else { "    " };
        let _ = writeln!(raw, "{marker}{}", event.docker_image_reference);
        let age = go_ago(Some(&event.created), now_millis);
        // oc adds the image id only when the recorded pull spec names a different one.
        let names_other_image = !event.image.is_empty()
            && reference::parse(&event.docker_image_reference)
                .is_ok_and(|parsed| parsed.id != event.image);
        if names_other_image {
            let _ = writeln!(raw, "      {age}\t{}", event.image);
        } else {
            let _ = writeln!(raw, "      {age}");
        }
    }
}

/// The two-space indented line saying where the tag's image comes from.
fn source_line(stream: &ImageStream, spec: Option<&TagReference>) -> String {
    let Some(spec) = spec else {
        return "  no spec tag".to_owned();
    };
    let Some(from) = &spec.from else {
        return "  tag without source image".to_owned();
    };
    let name = match from.namespace.as_deref() {
        Some(ns) if !ns.is_empty() && ns != stream.metadata.namespace() => {
            format!("{ns}/{}", from.name)
        }
        _ => from.name.clone(),
    };
    let reference = spec.reference == Some(true);
    let scheduled = spec
        .import_policy
        .as_ref()
        .and_then(|p| p.scheduled)
        .unwrap_or(false);
    match from.kind.as_str() {
        "ImageStreamTag" if reference => format!("  reference to {name}"),
        "ImageStreamTag" if scheduled => format!("  updates automatically from {name}"),
        "DockerImage" if reference => format!("  reference to registry {name}"),
        "DockerImage" if scheduled => format!("  updates automatically from registry {name}"),
        "ImageStreamImage" if reference => format!("  reference to image {name}"),
        "ImageStreamTag" | "DockerImage" | "ImageStreamImage" => format!("  tagged from {name}"),
        kind if reference => format!("  reference to {kind} {name}"),
        kind => format!("  updates from {kind} {name}"),
    }
}

// ---------------------------------------------------------------------------------------
// Go text/tabwriter, as oc's describers configure it
// ---------------------------------------------------------------------------------------

/// Tab stops every 8 columns, as in oc's `tabbedString`.
const TAB_WIDTH: usize = 8;

/// Space added after the widest cell of a column before rounding to a tab stop.
const CELL_PADDING: usize = 1;

/// One line of tabwriter input: tab-terminated cells, then the trailing text.
struct TabLine<'a> {
    cells: Vec<&'a str>,
    ends_with_newline: bool,
}

/// Pads tab-separated cells with tabs so that each column starts at the same tab stop within
/// every run of consecutive lines that have that column (Go `tabwriter`, minwidth 0, tab
/// width 8, padding 1, padchar `\t`). A form feed also ends every column, like a flush.
fn align_tabs(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + raw.len() / 8);
    let mut section: Vec<TabLine> = Vec::new();
    let mut cells: Vec<&str> = Vec::new();
    let mut cell_start = 0;
    for (index, ch) in raw.char_indices() {
        match ch {
            '\t' | '\u{b}' => {
                cells.push(&raw[cell_start..index]);
                cell_start = index + 1;
            }
            '\n' | '\u{c}' => {
                cells.push(&raw[cell_start..index]);
                cell_start = index + 1;
                section.push(TabLine {
                    cells: std::mem::take(&mut cells),
                    ends_with_newline: true,
                });
                if ch == '\u{c}' {
                    format_columns(&section, 0, &mut Vec::new(), &mut out);
                    section.clear();
                }
            }
            _ => {}
        }
    }
    // Like Go's Flush, trailing text becomes a cell only when there is some.
    let rest = &raw[cell_start..];
    if !rest.is_empty() {
        cells.push(rest);
    }
    if !cells.is_empty() {
        section.push(TabLine {
            cells,
            ends_with_newline: false,
        });
    }
    format_columns(&section, 0, &mut Vec::new(), &mut out);
    out
}

/// Finds each block of consecutive lines that have a cell in `column`, fixes that column's
/// width for the block, and recurses into the next column.
fn format_columns(lines: &[TabLine], column: usize, widths: &mut Vec<usize>, out: &mut String) {
    let has_column = |line: &TabLine| line.cells.len() > column + 1;
    let mut written = 0;
    let mut index = 0;
    while index < lines.len() {
        if !has_column(&lines[index]) {
            index += 1;
            continue;
        }
        write_tab_lines(&lines[written..index], widths, out);
        let block_start = index;
        let mut width = 0;
        while index < lines.len() && has_column(&lines[index]) {
            width = width.max(lines[index].cells[column].chars().count() + CELL_PADDING);
            index += 1;
        }
        widths.push(width);
        format_columns(&lines[block_start..index], column + 1, widths, out);
        widths.pop();
        written = index;
    }
    write_tab_lines(&lines[written..], widths, out);
}

fn write_tab_lines(lines: &[TabLine], widths: &[usize], out: &mut String) {
    for line in lines {
        let last = line.cells.len().saturating_sub(1);
        for (column, cell) in line.cells.iter().enumerate() {
            out.push_str(cell);
            if column == last {
                break;
            }
            if let Some(&width) = widths.get(column) {
                let text_width = cell.chars().count();
                let stop = width.div_ceil(TAB_WIDTH) * TAB_WIDTH;
                let tabs = stop.saturating_sub(text_width).div_ceil(TAB_WIDTH);
                out.extend(std::iter::repeat_n('\t', tabs));
            }
        }
        if line.ends_with_newline {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const DIGEST_A: &str =
        "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const DIGEST_B: &str =
        "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const DIGEST_C: &str =
        "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    fn stream(value: Value) -> ImageStream {
        serde_json::from_value(value).expect("test stream parses")
    }

    fn millis(text: &str) -> i64 {
        parse_rfc3339(text).expect("test time parses")
    }

    fn view<'a>(views: &'a [TagView], name: &str) -> &'a TagView {
        views
            .iter()
            .find(|view| view.name == name)
            .unwrap_or_else(|| panic!("no view for tag {name}"))
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        prioritize_tags(&mut names);
        names
    }

    // --- PrioritizeTags -----------------------------------------------------------------

    #[test]
    fn prioritize_puts_latest_then_minor_then_full_then_the_rest() {
        assert_eq!(
            sorted(&[
                "latest",
                "5.1",
                "v5.1",
                "5.1.3",
                "5.10",
                "5.2",
                "abc",
                "1.0.0-rc1"
            ]),
            [
                "latest",
                "5.10",
                "5.2",
                "5.1",
                "v5.1",
                "5.1.3",
                "1.0.0-rc1",
                "abc"
            ]
        );
    }

    #[test]
    fn prioritize_orders_minor_versions_with_suffixes_as_prereleases() {
        // 5.1-rc1 is 5.1.0-rc1: below 5.1 (a release), above 5.0; alphanumeric suffixes
        // compare by bytes, so "ubi10" sorts below "ubi8".
        assert_eq!(
            sorted(&[
                "5.1-rc1",
                "5.0",
                "5.1",
                "2.4-ubi10",
                "2.4-ubi8",
                "2.4-ubi9",
                "2.4-el8"
            ]),
            [
                "5.1",
                "5.1-rc1",
                "5.0",
                "2.4-ubi9",
                "2.4-ubi8",
                "2.4-ubi10",
                "2.4-el8"
            ]
        );
    }

    #[test]
    fn prioritize_orders_full_versions_by_semver_and_plain_before_v() {
        assert_eq!(
            sorted(&[
                "v5.1.3",
                "5.1.3",
                "1.0.0",
                "1.0.0-rc.2",
                "1.0.0-rc.10",
                "1.0.0-alpha",
                "1.0.0-1",
                "1.0.0-rc",
                "10.0.0",
            ]),
            [
                "10.0.0",
                "5.1.3",
                "v5.1.3",
                "1.0.0",
                "1.0.0-rc.10",
                "1.0.0-rc.2",
                "1.0.0-rc",
                "1.0.0-alpha",
                "1.0.0-1",
            ]
        );
    }

    #[test]
    fn prioritize_leaves_non_versions_in_byte_order() {
        // Leading zeroes, a dot inside the suffix, a dash in the suffix, bare majors, an
        // uppercase Latest, overflowing numbers and a lone v are not versions.
        assert_eq!(
            sorted(&[
                "zeta",
                "05.1",
                "5.1-rc.1",
                "3.12-minimal-ubi9",
                "16-el9",
                "5",
                "Latest",
                "99999999999999999999.1",
                "v",
                "",
                "1.02.3",
                "1.2.3-01",
                "1.2.3+",
                "1.2-a_b",
            ]),
            [
                "",
                "05.1",
                "1.02.3",
                "1.2-a_b",
                "1.2.3+",
                "1.2.3-01",
                "16-el9",
                "3.12-minimal-ubi9",
                "5",
                "5.1-rc.1",
                "99999999999999999999.1",
                "Latest",
                "v",
                "zeta",
            ]
        );
    }

    #[test]
    fn prioritize_breaks_ties_that_semver_ignores_by_name() {
        assert_eq!(
            sorted(&["1.2.3+b", "1.2.3", "1.2.3+a.1", "v1.2.3"]),
            ["1.2.3", "1.2.3+a.1", "1.2.3+b", "v1.2.3"]
        );
    }

    #[test]
    fn prioritize_sorts_borrowed_names_and_compare_agrees() {
        let mut names = vec!["b", "latest", "1.0", "a"];
        prioritize_tags(&mut names);
        assert_eq!(names, ["latest", "1.0", "a", "b"]);
        assert_eq!(compare_tags("latest", "1.0"), Ordering::Less);
        assert_eq!(compare_tags("5.1", "v5.1"), Ordering::Less);
        assert_eq!(compare_tags("abc", "abc"), Ordering::Equal);
    }

    proptest::proptest! {
        #[test]
        fn prioritize_is_a_total_order(names in proptest::collection::vec("(v?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}(-[a-z0-9_.]{1,3})?|latest|[a-z]{1,3})", 0..12)) {
            let once = sorted(&names.iter().map(String::as_str).collect::<Vec<_>>());
            let twice = sorted(&once.iter().map(String::as_str).collect::<Vec<_>>());
            proptest::prop_assert_eq!(&once, &twice);
            for pair in once.windows(2) {
                proptest::prop_assert_ne!(compare_tags(&pair[0], &pair[1]), Ordering::Greater);
                proptest::prop_assert_eq!(
                    compare_tags(&pair[0], &pair[1]),
                    compare_tags(&pair[1], &pair[0]).reverse()
                );
            }
        }
    }

    // --- sources, policies, annotations --------------------------------------------------

    fn every_source_stream() -> ImageStream {
        stream(json!({
            "metadata": {"name": "app", "namespace": "team"},
            "spec": {"tags": [
                {"name": "docker", "annotations": null, "generation": 1,
                 "from": {"kind": "DockerImage", "name": "quay.io/org/app:1"},
                 "importPolicy": {"insecure": true, "scheduled": true, "importMode": "PreserveOriginal"},
                 "referencePolicy": {"type": "Local"}},
                {"name": "alias", "from": {"kind": "ImageStreamTag", "name": "docker"}},
                {"name": "other-stream", "from": {"kind": "ImageStreamTag", "name": "base:"}},
                {"name": "other-ns", "from": {"kind": "ImageStreamTag", "name": "app:docker", "namespace": "shared"}},
                {"name": "pinned", "reference": true,
                 "from": {"kind": "ImageStreamImage", "name": "base@sha256:1234"}},
                {"name": "bare-id", "from": {"kind": "ImageStreamImage", "name": "sha256:99"}},
                {"name": "empty", "annotations": {"description": "placeholder"}},
                {"name": "odd", "from": {"kind": "ImageStream", "name": "x"},
                 "importPolicy": {"importMode": "Future"}}
            ]},
            "status": {"dockerImageRepository": "", "tags": [
                {"tag": "pushed", "items": [{"created": "2024-01-01T00:00:00Z",
                  "dockerImageReference": "registry.svc:5000/team/app@".to_owned() + DIGEST_A, "image": DIGEST_A}]}
            ]}
        }))
    }

    #[test]
    fn each_source_kind_becomes_its_own_case() {
        let views = tag_views(&every_source_stream());
        assert_eq!(
            view(&views, "docker").source,
            TagSource::DockerImage {
                pull_spec: "quay.io/org/app:1".into()
            }
        );
        assert_eq!(
            view(&views, "alias").source,
            TagSource::ImageStreamTag {
                stream: "app".into(),
                tag: "docker".into(),
                namespace: "team".into()
            }
        );
        assert_eq!(
            view(&views, "other-stream").source,
            TagSource::ImageStreamTag {
                stream: "base".into(),
                tag: "latest".into(),
                namespace: "team".into()
            }
        );
        assert_eq!(
            view(&views, "other-ns").source,
            TagSource::ImageStreamTag {
                stream: "app".into(),
                tag: "docker".into(),
                namespace: "shared".into()
            }
        );
        assert_eq!(
            view(&views, "pinned").source,
            TagSource::ImageStreamImage {
                stream: "base".into(),
                image: "sha256:1234".into(),
                namespace: "team".into()
            }
        );
        assert_eq!(
            view(&views, "bare-id").source,
            TagSource::ImageStreamImage {
                stream: "app".into(),
                image: "sha256:99".into(),
                namespace: "team".into()
            }
        );
        assert_eq!(view(&views, "pushed").source, TagSource::Pushed);
        assert_eq!(view(&views, "empty").source, TagSource::NoSource);
        assert_eq!(
            view(&views, "odd").source,
            TagSource::Unknown {
                kind: "ImageStream".into(),
                name: "x".into()
            }
        );
    }

    #[test]
    fn import_and_reference_policies_are_read_with_server_defaults() {
        let views = tag_views(&every_source_stream());
        let docker = view(&views, "docker");
        assert!(docker.scheduled && docker.insecure && !docker.reference_only);
        assert_eq!(docker.import_mode, Some(ImportMode::PreserveOriginal));
        assert_eq!(docker.reference_policy, ReferencePolicy::Local);
        let alias = view(&views, "alias");
        assert!(!alias.scheduled && !alias.insecure);
        assert_eq!(alias.import_mode, None);
        assert_eq!(alias.reference_policy, ReferencePolicy::Source);
        assert!(view(&views, "pinned").reference_only);
        assert_eq!(
            view(&views, "odd").import_mode,
            Some(ImportMode::Other("Future".into()))
        );
        let legacy = stream(json!({"metadata": {"name": "s"}, "spec": {"tags": [
            {"name": "a", "importPolicy": {"importMode": "Legacy"}, "referencePolicy": {"type": "Bogus"}}
        ]}}));
        let a = &tag_views(&legacy)[0];
        assert_eq!(a.import_mode, Some(ImportMode::Legacy));
        assert_eq!(a.reference_policy, ReferencePolicy::Source);
    }

    #[test]
    fn views_cover_spec_and_status_tags_once_in_priority_order() {
        let names: Vec<String> = tag_views(&every_source_stream())
            .into_iter()
            .map(|view| view.name)
            .collect();
        assert_eq!(
            names,
            [
                "alias",
                "bare-id",
                "docker",
                "empty",
                "odd",
                "other-ns",
                "other-stream",
                "pinned",
                "pushed"
            ]
        );
        assert!(tag_view(&every_source_stream(), "pushed").is_some());
        assert!(tag_view(&every_source_stream(), "missing").is_none());
    }

    #[test]
    fn annotations_of_interest_are_split_and_hidden_is_detected() {
        let s = stream(json!({"metadata": {"name": "db"}, "spec": {"tags": [
            {"name": "a", "annotations": {
                "description": "A database", "openshift.io/display-name": "DB 1",
                "tags": "database, mongodb,hidden,", "supports": "mongodb:3.6,db",
                "sampleRepo": "https://example.com/repo.git", "version": "3.6", "iconClass": "x"}},
            {"name": "b", "annotations": null},
            {"name": "c", "annotations": {"description": "", "tags": "hiddenish"}}
        ]}}));
        let views = tag_views(&s);
        assert_eq!(
            view(&views, "a").annotations,
            TagAnnotations {
                description: Some("A database".into()),
                display_name: Some("DB 1".into()),
                tags: vec!["database".into(), "mongodb".into(), "hidden".into()],
                hidden: true,
                supports: vec!["mongodb:3.6".into(), "db".into()],
                sample_repo: Some("https://example.com/repo.git".into()),
                version: Some("3.6".into()),
            }
        );
        assert_eq!(view(&views, "b").annotations, TagAnnotations::default());
        let c = &view(&views, "c").annotations;
        assert_eq!(c.description, None);
        assert!(!c.hidden);
    }

    // --- aliases -------------------------------------------------------------------------

    fn alias_stream(tags: Value) -> ImageStream {
        stream(json!({"metadata": {"name": "web", "namespace": "ns"}, "spec": {"tags": tags}}))
    }

    fn docker(name: &str) -> Value {
        json!({"name": name, "from": {"kind": "DockerImage", "name": "quay.io/x/web:1"}})
    }

    fn follows(name: &str, target: &str) -> Value {
        json!({"name": name, "from": {"kind": "ImageStreamTag", "name": target}})
    }

    #[test]
    fn alias_follows_chains_to_the_tag_with_a_source() {
        let s = alias_stream(json!([
            docker("1.0"),
            follows("1", "1.0"),
            follows("latest", "1"),
            follows("stable", "web:1.0"),
            json!({"name": "same-ns", "from": {"kind": "ImageStreamTag", "name": "1.0", "namespace": "ns"}}),
            json!({"name": "blank", "from": {"kind": "ImageStreamTag", "name": "web:"}}),
            docker("latest-real"),
        ]));
        assert_eq!(alias_target(&s, "1"), Some("1.0"));
        assert_eq!(alias_target(&s, "latest"), Some("1.0"));
        assert_eq!(alias_target(&s, "stable"), Some("1.0"));
        assert_eq!(alias_target(&s, "same-ns"), Some("1.0"));
        // `web:` means web:latest, which is itself an alias of 1.0.
        assert_eq!(alias_target(&s, "blank"), Some("1.0"));
        assert_eq!(
            alias_target(&s, "1.0"),
            None,
            "a tag with a source is no alias"
        );
        assert_eq!(alias_target(&s, "nope"), None);
    }

    #[test]
    fn broken_chains_are_not_aliases() {
        let s = alias_stream(json!([
            follows("a", "b"),
            follows("b", "a"),
            follows("self", "self"),
            follows("dangling", "missing"),
            follows("into-dangling", "dangling"),
            follows("other-stream", "api:1.0"),
            json!({"name": "other-ns", "from": {"kind": "ImageStreamTag", "name": "1.0", "namespace": "elsewhere"}}),
            json!({"name": "1.0"}),
            follows("to-unsourced", "1.0"),
        ]));
        for tag in [
            "a",
            "b",
            "self",
            "dangling",
            "into-dangling",
            "other-stream",
            "other-ns",
        ] {
            assert_eq!(alias_target(&s, tag), None, "{tag}");
        }
        // A tag without a source still ends a chain, as in oc.
        assert_eq!(alias_target(&s, "to-unsourced"), Some("1.0"));
    }

    #[test]
    fn views_name_alias_targets_and_list_aliases_in_priority_order() {
        let s = alias_stream(json!([
            docker("1.0"),
            follows("stable", "1.0"),
            follows("latest", "stable"),
            follows("1", "web:1.0"),
        ]));
        let views = tag_views(&s);
        assert_eq!(view(&views, "1.0").aliases, ["latest", "1", "stable"]);
        assert_eq!(view(&views, "latest").alias_of.as_deref(), Some("1.0"));
        assert_eq!(view(&views, "1.0").alias_of, None);
        assert!(view(&views, "latest").aliases.is_empty());
    }

    // --- resolved pull spec ------------------------------------------------------------

    fn resolve_stream(policy: &str, repository: &str, image: &str) -> ImageStream {
        stream(json!({
            "metadata": {"name": "is", "namespace": "ns"},
            "spec": {"tags": [{"name": "t", "from": {"kind": "DockerImage", "name": "quay.io/org/img:1"},
                                "referencePolicy": {"type": policy}}]},
            "status": {"dockerImageRepository": repository, "tags": [
                {"tag": "t", "items": [{"created": "2024-01-01T00:00:00Z",
                  "dockerImageReference": "quay.io/org/img@".to_owned() + DIGEST_A, "image": image}]},
                {"tag": "pushed", "items": [{"created": "2024-01-01T00:00:00Z",
                  "dockerImageReference": "registry.svc:5000/ns/is@".to_owned() + DIGEST_B, "image": DIGEST_B}]},
                {"tag": "pending", "items": null}
            ]}
        }))
    }

    #[test]
    fn local_policy_resolves_through_the_integrated_registry() {
        let s = resolve_stream("Local", "image-registry.svc:5000/ns/is", DIGEST_A);
        assert_eq!(
            resolved_pull_spec(&s, "t").as_deref(),
            Some(format!("image-registry.svc:5000/ns/is@{DIGEST_A}").as_str())
        );
        assert_eq!(
            tag_views(&s)
                .iter()
                .find(|v| v.name == "t")
                .and_then(|v| v.resolved_pull_spec.clone()),
            resolved_pull_spec(&s, "t")
        );
    }

    #[test]
    fn source_policy_and_local_fallbacks_use_the_recorded_pull_spec() {
        let recorded = format!("quay.io/org/img@{DIGEST_A}");
        for s in [
            resolve_stream("Source", "image-registry.svc:5000/ns/is", DIGEST_A),
            resolve_stream("", "image-registry.svc:5000/ns/is", DIGEST_A),
            resolve_stream("Local", "", DIGEST_A),
            resolve_stream("Local", "image-registry.svc:5000/ns/is", ""),
            resolve_stream("Local", "not a repository!", DIGEST_A),
        ] {
            assert_eq!(
                resolved_pull_spec(&s, "t").as_deref(),
                Some(recorded.as_str())
            );
        }
        let s = resolve_stream("Local", "image-registry.svc:5000/ns/is", DIGEST_A);
        assert_eq!(
            resolved_pull_spec(&s, "pushed"),
            Some(format!("registry.svc:5000/ns/is@{DIGEST_B}"))
        );
        assert_eq!(resolved_pull_spec(&s, "pending"), None);
        assert_eq!(resolved_pull_spec(&s, "absent"), None);
    }

    #[test]
    fn history_is_every_item_newest_first_with_the_current_one_first() {
        let s = stream(
            json!({"metadata": {"name": "is"}, "status": {"tags": [{"tag": "t", "items": [
                {"created": "2024-02-01T00:00:00Z", "dockerImageReference": "r@".to_owned() + DIGEST_B, "image": DIGEST_B, "generation": 3},
                {"created": "not a time", "dockerImageReference": "r@".to_owned() + DIGEST_A, "image": DIGEST_A}
            ]}]}}),
        );
        let t = &tag_views(&s)[0];
        assert_eq!(t.history.len(), 2);
        let current = t.current().expect("has an image");
        assert_eq!(current.image, DIGEST_B);
        assert_eq!(current.pull_spec, format!("r@{DIGEST_B}"));
        assert_eq!(current.created_millis, Some(millis("2024-02-01T00:00:00Z")));
        assert_eq!(current.generation, Some(3));
        assert_eq!(t.history[1].created, "not a time");
        assert_eq!(t.history[1].created_millis, None);
    }

    // --- import status -----------------------------------------------------------------

    fn status_of(spec_tag: Value, status_tag: Value) -> ImportStatus {
        let s = stream(json!({"metadata": {"name": "is"},
            "spec": {"tags": [spec_tag]}, "status": {"tags": [status_tag]}}));
        tag_views(&s)
            .into_iter()
            .find(|view| view.name == "t")
            .expect("tag t")
            .import_status
    }

    fn spec_with_generation(generation: Value) -> Value {
        json!({"name": "t", "from": {"kind": "DockerImage", "name": "quay.io/a/b:1"}, "generation": generation})
    }

    fn item(generation: i64) -> Value {
        json!({"created": "2024-01-01T00:00:00Z", "dockerImageReference": "quay.io/a/b@".to_owned() + DIGEST_A,
               "image": DIGEST_A, "generation": generation})
    }

    fn failure(generation: i64) -> Value {
        json!({"type": "ImportSuccess", "status": "False", "reason": "NotFound",
               "message": "manifest unknown", "lastTransitionTime": "2024-01-02T00:00:00Z",
               "generation": generation})
    }

    #[test]
    fn a_tag_with_an_image_and_nothing_newer_is_imported() {
        assert_eq!(
            status_of(
                spec_with_generation(json!(2)),
                json!({"tag": "t", "items": [item(2)]})
            ),
            ImportStatus::Imported
        );
        // Clients send generation null; nothing is pending then.
        assert_eq!(
            status_of(
                spec_with_generation(Value::Null),
                json!({"tag": "t", "items": [item(0)]})
            ),
            ImportStatus::Imported
        );
    }

    #[test]
    fn a_spec_newer_than_the_observed_generation_is_pending() {
        assert_eq!(
            status_of(
                spec_with_generation(json!(3)),
                json!({"tag": "t", "items": [item(2)]})
            ),
            ImportStatus::Pending
        );
        // A newer request also outdates a recorded failure.
        assert_eq!(
            status_of(
                spec_with_generation(json!(4)),
                json!({"tag": "t", "items": [item(2)], "conditions": [failure(3)]})
            ),
            ImportStatus::Pending
        );
        // Reference tags are never imported, so they never wait.
        let mut reference = spec_with_generation(json!(3));
        reference["reference"] = json!(true);
        assert_eq!(
            status_of(reference, json!({"tag": "t", "items": [item(2)]})),
            ImportStatus::Imported
        );
    }

    #[test]
    fn a_spec_tag_without_image_or_error_is_pending() {
        let s = stream(
            json!({"metadata": {"name": "is"}, "spec": {"tags": [spec_with_generation(Value::Null)]}}),
        );
        assert_eq!(tag_views(&s)[0].import_status, ImportStatus::Pending);
        assert_eq!(
            status_of(
                spec_with_generation(Value::Null),
                json!({"tag": "t", "items": null})
            ),
            ImportStatus::Pending
        );
    }

    #[test]
    fn a_false_import_condition_is_a_failure_even_with_a_last_good_image() {
        let expected = ImportStatus::Failed {
            reason: "NotFound".into(),
            message: "manifest unknown".into(),
            last_transition_time: Some("2024-01-02T00:00:00Z".into()),
        };
        assert_eq!(
            status_of(
                spec_with_generation(json!(3)),
                json!({"tag": "t", "items": [item(2)], "conditions": [failure(3)]})
            ),
            expected
        );
        assert_eq!(
            status_of(
                spec_with_generation(json!(3)),
                json!({"tag": "t", "items": null, "conditions": [failure(3)]})
            ),
            expected
        );
        // Only False ImportSuccess conditions count.
        let unknown = json!({"type": "ImportSuccess", "status": "Unknown", "generation": 3});
        assert_eq!(
            status_of(
                spec_with_generation(json!(3)),
                json!({"tag": "t", "items": [item(3)], "conditions": [unknown]})
            ),
            ImportStatus::Imported
        );
    }

    #[test]
    fn nothing_to_import_is_its_own_status() {
        assert_eq!(
            status_of(json!({"name": "t"}), json!({"tag": "t", "items": null})),
            ImportStatus::NoSource
        );
        let s = stream(
            json!({"metadata": {"name": "is"}, "status": {"tags": [{"tag": "t", "items": []}]}}),
        );
        assert_eq!(tag_views(&s)[0].import_status, ImportStatus::NoSource);
    }

    // --- unique images -----------------------------------------------------------------

    #[test]
    fn unique_images_counts_distinct_ids_like_oc() {
        let event = |image: &str, reference: &str| json!({"created": "2024-01-01T00:00:00Z", "dockerImageReference": reference, "image": image});
        let s = stream(json!({"metadata": {"name": "is"}, "status": {"tags": [
            {"tag": "a", "items": [event(DIGEST_A, "x"), event(DIGEST_B, "y")]},
            {"tag": "b", "items": [event(DIGEST_A, "x")]},
            {"tag": "c", "items": [event("", "quay.io/a/b:1"), event("", "quay.io/a/b:2")]},
            {"tag": "d", "items": [event("", "")]},
            {"tag": "e", "items": null}
        ]}}));
        // A and B, plus one shared entry for the events without an id.
        assert_eq!(unique_images(&s), 3);
        assert_eq!(unique_images(&ImageStream::default()), 0);
    }

    // --- tabwriter -----------------------------------------------------------------------

    #[test]
    fn tab_alignment_matches_go_tabwriter_with_tab_padding() {
        // Widest cell "Image Repository:" (17) + 1 rounds up to 24 columns: 3 tabs after
        // "Name:", 1 after the widest label; an empty continuation cell takes all 3.
        assert_eq!(
            align_tabs("Name:\ta\nImage Repository:\tb\n\tc\n"),
            "Name:\t\t\ta\nImage Repository:\tb\n\t\t\tc\n"
        );
        // A line without a tab ends the block, so the next block is measured on its own.
        assert_eq!(
            align_tabs("Long label here:\t1\nplain\nA:\t2\n"),
            "Long label here:\t1\nplain\nA:\t2\n"
        );
        // Exactly 7 characters leave room for the padding inside one tab stop.
        assert_eq!(align_tabs("1234567\tx\n12\ty\n"), "1234567\tx\n12\ty\n");
        assert_eq!(align_tabs("12345678\tx\n12\ty\n"), "12345678\tx\n12\t\ty\n");
        // Later columns are measured within the lines that have them.
        assert_eq!(
            align_tabs("a\tbbbbbbbbbb\tc\na\tb\tc\na\tb\n"),
            "a\tbbbbbbbbbb\tc\na\tb\t\tc\na\tb\n"
        );
        // A form feed flushes: the blocks on either side are measured apart.
        assert_eq!(align_tabs("a\tx\u{c}12345678\ty\n"), "a\tx\n12345678\ty\n");
        // Text after the last newline is written without one; cells count characters.
        assert_eq!(align_tabs("é\tx\nabcdefgh\ty"), "é\t\tx\nabcdefgh\ty");
        assert_eq!(align_tabs(""), "");
        // A tab at the very end starts no cell, so the text before it is a plain last cell.
        assert_eq!(align_tabs("a\tb\nc\t"), "a\tb\nc");
    }

    // --- describe ------------------------------------------------------------------------

    fn described_stream() -> ImageStream {
        stream(json!({
            "metadata": {
                "name": "web", "namespace": "team",
                "creationTimestamp": "2024-03-01T10:00:00Z",
                "labels": {"app": "web", "tier": "front"},
                "annotations": {"description": "The web front end",
                                "openshift.io/image.dockerRepositoryCheck": "2024-03-01T10:00:05Z"}
            },
            "spec": {
                "lookupPolicy": {"local": true},
                "tags": [
                    {"name": "1.2", "annotations": {"description": "Web 1.2", "tags": "builder,web",
                                                    "sampleRepo": "https://example.com/web.git"},
                     "from": {"kind": "DockerImage", "name": "quay.io/org/web:1.2"},
                     "generation": 2, "importPolicy": {"scheduled": true, "insecure": true},
                     "referencePolicy": {"type": "Local"}},
                    {"name": "latest", "annotations": null,
                     "from": {"kind": "ImageStreamTag", "name": "1.2"}, "generation": 2,
                     "importPolicy": {}, "referencePolicy": {"type": "Source"}},
                    {"name": "nightly", "annotations": null,
                     "from": {"kind": "DockerImage", "name": "quay.io/org/web:nightly"}, "generation": 3,
                     "importPolicy": {}, "referencePolicy": {"type": "Source"}}
                ]
            },
            "status": {
                "dockerImageRepository": "image-registry.svc:5000/team/web",
                "tags": [
                    {"tag": "1.2", "items": [
                        {"created": "2024-03-01T11:55:00Z", "dockerImageReference": format!("quay.io/org/web@{DIGEST_B}"), "image": DIGEST_B, "generation": 2},
                        {"created": "2024-03-01T10:00:00Z", "dockerImageReference": "quay.io/org/web:1.2", "image": DIGEST_A, "generation": 1}
                    ]},
                    {"tag": "latest", "items": [
                        {"created": "2024-03-01T11:55:00Z", "dockerImageReference": format!("quay.io/org/web@{DIGEST_B}"), "image": DIGEST_B, "generation": 2}
                    ]},
                    {"tag": "nightly", "items": [
                        {"created": "2024-03-01T11:00:00Z", "dockerImageReference": format!("quay.io/org/web@{DIGEST_C}"), "image": DIGEST_C, "generation": 1}
                    ], "conditions": [
                        {"type": "ImportSuccess", "status": "False", "reason": "NotFound",
                         "message": "manifest unknown", "lastTransitionTime": "2024-03-01T11:58:00Z", "generation": 3}
                    ]}
                ]
            }
        }))
    }

    #[test]
    fn describe_prints_the_whole_oc_text() {
        let now = millis("2024-03-01T12:00:00Z");
        let expected = concat!(
            "Name:\t\t\tweb\n",
            "Namespace:\t\tteam\n",
            "Created:\t\t2 hours ago\n",
            "Labels:\t\t\tapp=web\n",
            "\t\t\ttier=front\n",
            "Description:\t\tThe web front end\n",
            "Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2024-03-01T10:00:05Z\n",
            "Image Repository:\timage-registry.svc:5000/team/web\n",
            "Image Lookup:\t\tlocal=true\n",
            "Unique Images:\t\t3\n",
            "Tags:\t\t\t3\n",
            "\n",
            "1.2 (latest)\n",
            "  updates automatically from registry quay.io/org/web:1.2\n",
            "    will use insecure HTTPS or HTTP connections\n",
            "    prefer registry pullthrough when referencing this tag\n",
            "\n",
            "  Web 1.2\n",
            "  Tags: builder, web\n",
            "  Example Repo: https://example.com/web.git\n",
            "\n",
            "  * quay.io/org/web@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
            "      5 minutes ago\n",
            "    quay.io/org/web:1.2\n",
            "      2 hours ago\tsha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
            "\n",
            "nightly\n",
            "  tagged from quay.io/org/web:nightly\n",
            "\n",
            "  ! error: Import failed (NotFound): manifest unknown\n",
            "      2 minutes ago\n",
            "  * quay.io/org/web@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n",
            "      About an hour ago\n",
        );
        assert_eq!(describe(&described_stream(), now), expected);
    }

    #[test]
    fn describe_shows_pending_imports_and_every_source_line() {
        let s = stream(json!({
            "metadata": {"name": "app", "namespace": "team"},
            "spec": {"tags": [
                {"name": "ext", "from": {"kind": "DockerImage", "name": "quay.io/a/b:1"}, "generation": 5},
                {"name": "ref", "reference": true, "from": {"kind": "DockerImage", "name": "quay.io/a/b:2"}},
                {"name": "istag-ref", "reference": true, "from": {"kind": "ImageStreamTag", "name": "base:1", "namespace": "shared"}},
                {"name": "istag-sched", "from": {"kind": "ImageStreamTag", "name": "base:1", "namespace": "team"},
                 "importPolicy": {"scheduled": true}},
                {"name": "isimage-ref", "reference": true, "from": {"kind": "ImageStreamImage", "name": "base@sha256:12"}},
                {"name": "isimage", "from": {"kind": "ImageStreamImage", "name": "base@sha256:12"}},
                {"name": "odd-ref", "reference": true, "from": {"kind": "Thing", "name": "t"}},
                {"name": "odd", "from": {"kind": "Thing", "name": "t"}},
                {"name": "bare", "referencePolicy": {"type": "Local"}}
            ]},
            "status": {"dockerImageRepository": "", "tags": [
                {"tag": "pushed", "items": [{"created": "", "dockerImageReference": "not//parseable", "image": DIGEST_A}]}
            ]}
        }));
        let text = describe(&s, millis("2024-03-01T12:00:00Z"));
        let expected_blocks = concat!(
            "Image Repository:\t<none>\n",
            "Image Lookup:\t\tlocal=false\n",
            "Unique Images:\t\t1\n",
            "Tags:\t\t\t10\n",
            "\n",
            "bare\n  tag without source image\n    prefer registry pullthrough when referencing this tag\n\n",
            "\n",
            "ext\n  tagged from quay.io/a/b:1\n\n  ~ importing latest image ...\n",
            "\n",
            "isimage\n  tagged from base@sha256:12\n\n",
            "\n",
            "isimage-ref\n  reference to image base@sha256:12\n\n",
            "\n",
            "istag-ref\n  reference to shared/base:1\n\n",
            "\n",
            "istag-sched\n  updates automatically from base:1\n\n",
            "\n",
            "odd\n  updates from Thing t\n\n",
            "\n",
            "odd-ref\n  reference to Thing t\n\n",
            "\n",
            "pushed\n  no spec tag\n\n  * not//parseable\n      292 years ago\n",
            "\n",
            "ref\n  reference to registry quay.io/a/b:2\n\n",
        );
        assert!(
            text.starts_with(
                "Name:\t\t\tapp\nNamespace:\t\tteam\nLabels:\t\t\t<none>\nAnnotations:\t\t<none>\n"
            ),
            "{text}"
        );
        assert!(text.ends_with(expected_blocks), "{text}");
    }

    #[test]
    fn describe_of_a_stream_without_tags_says_none() {
        let s = stream(json!({"metadata": {"name": "empty", "creationTimestamp": null}}));
        assert_eq!(
            describe(&s, 0),
            "Name:\t\t\tempty\nLabels:\t\t\t<none>\nAnnotations:\t\t<none>\nImage Repository:\t<none>\nImage Lookup:\t\tlocal=false\nTags:\t\t\t<none>\n"
        );
        // Multi-line values continue after the label column, as formatString does.
        let s =
            stream(json!({"metadata": {"name": "n", "annotations": {"description": "one\ntwo"}}}));
        assert!(describe(&s, 0).contains("Description:\t\tone\n\t\t\ttwo\n"));
    }

    #[test]
    fn describe_and_views_survive_hostile_input() {
        let s = stream(json!({
            "metadata": {"name": "x\ty", "namespace": "", "creationTimestamp": "garbage",
                         "labels": {"a\nb": "c\td"}},
            "spec": {"tags": [
                {"name": "", "from": {"kind": "", "name": ""}, "generation": i64::MAX},
                {"name": "loop", "from": {"kind": "ImageStreamTag", "name": "x\ty:loop"}},
                {"name": "t", "annotations": {"description": "\u{c}\t\u{b}"}}
            ]},
            "status": {"dockerImageRepository": "::::", "publicDockerImageRepository": "",
                       "tags": [{"tag": "", "items": [{"created": "9999-12-31T23:59:59Z"}],
                                 "conditions": [{"type": "ImportSuccess", "status": "False", "generation": i64::MIN}]},
                                {"tag": "", "items": null}]}
        }));
        for now in [i64::MIN, 0, i64::MAX] {
            let text = describe(&s, now);
            assert!(text.contains("loop"));
        }
        assert_eq!(alias_target(&s, "loop"), None);
        assert_eq!(tag_views(&s).len(), 3);
    }

    // --- fixtures ------------------------------------------------------------------------

    /// A fixture stream, or `None` where the fixtures folder is absent (outside CI).
    fn fixture(name: &str) -> Option<ImageStream> {
        let path = crate::test_fixtures::fixtures_dir()?.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("fixture {} is not readable: {err}", path.display()));
        Some(serde_json::from_str(&text).expect("fixture parses as an ImageStream"))
    }

    #[test]
    fn fixture_streams_give_the_expected_views() {
        let Some(httpd) = fixture("library-httpd-rhel.imagestream.json") else {
            return;
        };
        let views = tag_views(&httpd);
        let names: Vec<&str> = views.iter().map(|view| view.name.as_str()).collect();
        assert_eq!(
            names,
            ["latest", "2.4-ubi9", "2.4-ubi8", "2.4-ubi10", "2.4-el8"]
        );
        assert_eq!(views[0].alias_of.as_deref(), Some("2.4-ubi10"));
        assert_eq!(view(&views, "2.4-ubi10").aliases, ["latest"]);
        for tag in &views {
            assert_eq!(tag.reference_policy, ReferencePolicy::Local);
            assert_eq!(tag.import_status, ImportStatus::Pending);
            assert_eq!(tag.current(), None);
            assert_eq!(tag.resolved_pull_spec, None);
        }
        assert_eq!(
            view(&views, "2.4-ubi9").source,
            TagSource::DockerImage {
                pull_spec: "registry.redhat.io/ubi9/httpd-24:latest".into()
            }
        );

        for (file, alias, target) in [
            (
                "library-postgresql-rhel.imagestream.json",
                "latest",
                "16-el9",
            ),
            (
                "library-python-rhel.imagestream.json",
                "latest",
                "3.12-ubi8",
            ),
            ("library-nginx-rhel.imagestream.json", "latest", "1.26-ubi9"),
            ("library-mongodb-rhel7.imagestream.json", "latest", "3.6"),
        ] {
            let Some(s) = fixture(file) else { return };
            let views = tag_views(&s);
            assert_eq!(views[0].name, "latest", "{file}");
            assert_eq!(alias_target(&s, alias), Some(target), "{file}");
            assert!(!describe(&s, 0).is_empty());
        }
        let Some(mongodb) = fixture("library-mongodb-rhel7.imagestream.json") else {
            return;
        };
        assert!(tag_views(&mongodb).iter().all(|tag| tag.annotations.hidden));

        let Some(python) = fixture("library-python-rhel.imagestream.json") else {
            return;
        };
        let python_views = tag_views(&python);
        let order: Vec<&str> = python_views.iter().map(|v| v.name.as_str()).collect();
        // 3.12-minimal-ubi9 has a dash in its suffix, so it is no version and goes last.
        assert_eq!(order.first(), Some(&"latest"));
        assert_eq!(order.last(), Some(&"3.12-minimal-ubi9"));
    }

    #[test]
    fn fixture_wildfly_stream_describes_like_oc() {
        let Some(wildfly) = fixture("restclient-java-v1_image_stream.json") else {
            return;
        };
        let digest = "sha256:7e4c604e6ffad326607461165ef2f23dff5158e0249a3d4f7c0ef3eea58b1d2f";
        let pulled = format!("docker.io/openshift/wildfly-81-centos7@{digest}");
        let views = tag_views(&wildfly);
        assert_eq!(views.len(), 2);
        let (latest, version) = (&views[0], &views[1]);
        assert_eq!(latest.name, "latest");
        assert_eq!(latest.alias_of.as_deref(), Some("8.1"));
        assert_eq!(version.aliases, ["latest"]);
        assert_eq!(version.import_status, ImportStatus::Imported);
        assert_eq!(version.resolved_pull_spec.as_deref(), Some(pulled.as_str()));
        assert_eq!(version.current().map(|e| e.image.as_str()), Some(digest));
        assert_eq!(version.annotations.tags, ["builder", "wildfly", "java"]);
        assert_eq!(unique_images(&wildfly), 1);

        let now = millis("2015-11-05T21:30:00Z");
        let expected = format!(
            concat!(
                "Name:\t\t\twildfly\n",
                "Namespace:\t\topenshift\n",
                "Created:\t\tAbout an hour ago\n",
                "Labels:\t\t\t<none>\n",
                "Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2015-11-05T20:28:54Z\n",
                "Image Repository:\t172.30.224.48:5000/openshift/wildfly\n",
                "Image Lookup:\t\tlocal=false\n",
                "Unique Images:\t\t1\n",
                "Tags:\t\t\t2\n",
                "\n",
                "8.1 (latest)\n",
                "  tagged from openshift/wildfly-81-centos7:latest\n",
                "\n",
                "  Build and run Java applications on Wildfly 8.1\n",
                "  Tags: builder, wildfly, java\n",
                "  Supports: wildfly:8.1, jee, java\n",
                "  Example Repo: https://github.com/bparees/openshift-jee-sample.git\n",
                "\n",
                "  * {pulled}\n",
                "      About an hour ago\n",
            ),
            pulled = pulled
        );
        assert_eq!(describe(&wildfly, now), expected);
    }

    #[test]
    fn scheduled_insecure_stream_image_tag_from_the_oc_graph_fixture() {
        // oc-graph-prereq-image-present-with-sched.yaml, the ImageStream item, as JSON.
        let s = stream(json!({
            "apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
            "metadata": {"annotations": {"openshift.io/image.dockerRepositoryCheck": "2015-11-09T19:41:58Z"},
                         "creationTimestamp": null, "labels": {"app": "ruby"},
                         "name": "ruby-20-centos7", "namespace": "example"},
            "spec": {"tags": [{"annotations": null,
                "from": {"kind": "ImageStreamImage",
                         "name": "ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf"},
                "generation": 2, "importPolicy": {"insecure": true, "scheduled": true}, "name": "prod"}]},
            "status": {"dockerImageRepository": "example/ruby-20-centos7", "tags": [
                {"items": [{"created": "2015-11-09T19:41:58Z",
                    "dockerImageReference": "example/ruby-20-centos7@sha256:603bfa418e1ff0a486f3d795a8b69a2f8f5eed488fbf5c286bffd8ab77b8e7a5",
                    "image": "sha256:603bfa418e1ff0a486f3d795a8b69a2f8f5eed488fbf5c286bffd8ab77b8e7a5"}], "tag": "latest"},
                {"items": [{"created": "2016-06-29T18:12:07Z",
                    "dockerImageReference": "example/ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf",
                    "generation": 2,
                    "image": "sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf"}], "tag": "prod"}
            ]}
        }));
        let views = tag_views(&s);
        assert_eq!(views[0].name, "latest");
        assert_eq!(views[0].source, TagSource::Pushed);
        assert_eq!(views[0].import_status, ImportStatus::Imported);
        let prod = &views[1];
        assert_eq!(
            prod.source,
            TagSource::ImageStreamImage {
                stream: "ruby-20-centos7".into(),
                image: "sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf"
                    .into(),
                namespace: "example".into()
            }
        );
        assert!(prod.scheduled && prod.insecure);
        assert_eq!(prod.import_status, ImportStatus::Imported);
        let text = describe(&s, millis("2016-06-29T18:12:10Z"));
        assert!(
            text.contains(concat!(
                "prod\n",
                "  tagged from ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf\n",
                "    will use insecure HTTPS or HTTP connections\n",
                "\n",
                "  * example/ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf\n",
                "      3 seconds ago\n",
            )),
            "{text}"
        );
        assert!(
            !text.contains("Created:"),
            "a null creationTimestamp prints no Created line"
        );
    }
}

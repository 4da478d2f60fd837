//! The columns `oc get is` prints (API.md §8.1): NAME, IMAGE REPOSITORY, TAGS, UPDATED.
//! devcluster serves them as a server-side Table and the console shows the same text.

use crate::imagestream::ImageStream;
use crate::time::{ago, parse_rfc3339};

/// Width budget of the TAGS column, as in the OpenShift printer.
pub const TAGS_WIDTH: usize = 40;

/// The IMAGE REPOSITORY column: the public repository if exposed, else the spec repository,
/// else the in-cluster one.
pub fn image_repository(stream: &ImageStream) -> &str {
    let status = stream.status.as_ref();
    if let Some(public) = status.and_then(|s| s.public_docker_image_repository.as_deref()) {
        if !public.is_empty() {
            return public;
        }
    }
    match stream
        .spec
        .as_ref()
        .and_then(|s| s.docker_image_repository.as_deref())
    {
        Some(spec_repo) if !spec_repo.is_empty() => spec_repo,
        _ => status.map_or("", |s| s.docker_image_repository.as_str()),
    }
}

/// Status tag names, newest first by the creation of their current image (whole seconds);
/// ties alphabetically; tags without an image last.
pub fn tags_newest_first(stream: &ImageStream) -> Vec<&str> {
    let mut tags: Vec<(Option<i64>, &str)> = stream
        .status_tags()
        .iter()
        .map(|list| {
            let created = list
                .events()
                .first()
                .and_then(|event| parse_rfc3339(&event.created).ok())
                .map(|millis| millis.div_euclid(1_000));
            (created, list.tag.as_str())
        })
        .collect();
    tags.sort_by(|(a_time, a_name), (b_time, b_name)| {
        b_time.cmp(a_time).then_with(|| a_name.cmp(b_name))
    });
    tags.into_iter().map(|(_, name)| name).collect()
}

/// How the TAGS column splits the tags: those shown and how many are hidden behind "+ N more...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagsColumn<'a> {
    /// Tags that fit the width budget, newest first (always at least one when there are tags).
    pub shown: Vec<&'a str>,
    /// How many more tags the stream has.
    pub hidden: usize,
}

impl std::fmt::Display for TagsColumn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown.join(","))?;
        if self.hidden > 0 {
            write!(f, " + {} more...", self.hidden)?;
        }
        Ok(())
    }
}

/// The TAGS column: as many tags as fit `width` characters, stretching by up to a quarter of
/// the width rather than leaving a ragged edge.
pub fn tags_column(stream: &ImageStream, width: usize) -> TagsColumn<'_> {
    let tags = tags_newest_first(stream);
    let total = tags.len();
    let width = width as i64;
    let margin = width / 4;
    let mut remaining = width;
    let mut keep = total;
    for (i, tag) in tags.iter().enumerate() {
        let len = tag.len() as i64;
        remaining -= len + 1;
        if remaining >= 0 {
            continue;
        }
        if i == 0 {
            keep = 1;
            break;
        }
        if margin < remaining + len && margin >= -remaining {
            continue;
        }
        keep = i;
        break;
    }
    let shown: Vec<&str> = tags.into_iter().take(keep).collect();
    TagsColumn {
        hidden: total - shown.len(),
        shown,
    }
}

/// The newest current-image time across all tags (RFC 3339), if any tag has an image.
pub fn last_updated(stream: &ImageStream) -> Option<&str> {
    stream
        .status_tags()
        .iter()
        .filter_map(|list| list.events().first())
        .filter_map(|event| Some((parse_rfc3339(&event.created).ok()?, event.created.as_str())))
        .max_by_key(|(millis, _)| *millis)
        .map(|(_, text)| text)
}

/// The UPDATED column at `now_millis`: `"<duration> ago"`, empty when no tag has an image.
pub fn updated_column(stream: &ImageStream, now_millis: i64) -> String {
    last_updated(stream)
        .and_then(|created| ago(created, now_millis))
        .unwrap_or_default()
}

/// Strips `stream` down to what the list of streams and the reference graph read (name,
/// namespace, resourceVersion, lookup policy, repositories, tag aliases and every tag's history:
/// created, pull spec, digest), dropping labels, annotations, spec tags that are not aliases,
/// import and reference policies, conditions and unknown fields. A project of 20,000 streams
/// then holds half the memory, and every column, sort key and [`crate::graph::StreamUsage`]
/// stays the same. The object page loads the full object itself.
pub fn compact_for_list(stream: &mut ImageStream) {
    use crate::imagestream::{ImageStreamSpec, ImageStreamStatus, TagEvent};
    use crate::meta::ObjectMeta;
    let meta = std::mem::take(&mut stream.metadata);
    stream.metadata = ObjectMeta {
        name: meta.name,
        namespace: meta.namespace,
        resource_version: meta.resource_version,
        ..ObjectMeta::default()
    };
    stream.api_version = None;
    stream.kind = None;
    stream.extra = Default::default();
    if let Some(spec) = stream.spec.take() {
        let tags: Vec<_> = spec
            .tags
            .unwrap_or_default()
            .into_iter()
            .filter(|tag| {
                tag.from
                    .as_ref()
                    .is_some_and(|from| from.kind == "ImageStreamTag")
            })
            .map(|tag| crate::imagestream::TagReference {
                name: tag.name,
                from: tag.from.map(|from| crate::imagestream::ObjectReference {
                    kind: from.kind,
                    name: from.name,
                    namespace: from.namespace,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect();
        stream.spec = Some(ImageStreamSpec {
            lookup_policy: spec
                .lookup_policy
                .map(|policy| crate::imagestream::LookupPolicy {
                    local: policy.local,
                    ..Default::default()
                }),
            docker_image_repository: spec.docker_image_repository,
            tags: (!tags.is_empty()).then_some(tags),
            ..Default::default()
        });
    }
    if let Some(status) = stream.status.take() {
        let tags = status.tags.map(|lists| {
            let mut lists = lists
                .into_iter()
                .map(|list| crate::imagestream::NamedTagEventList {
                    tag: list.tag,
                    items: list.items.map(|items| {
                        items.map(|events| {
                            let mut events = events
                                .into_iter()
                                .map(|event| TagEvent {
                                    created: event.created,
                                    docker_image_reference: event.docker_image_reference,
                                    image: event.image,
                                    generation: event.generation,
                                    ..Default::default()
                                })
                                .collect::<Vec<_>>();
                            // Parsing grew the vectors by doubling; keep only what is used.
                            events.shrink_to_fit();
                            events
                        })
                    }),
                    ..Default::default()
                })
                .collect::<Vec<_>>();
            lists.shrink_to_fit();
            lists
        });
        stream.status = Some(ImageStreamStatus {
            docker_image_repository: status.docker_image_repository,
            public_docker_image_repository: status.public_docker_image_repository,
            tags,
            ..Default::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream(status_tags: serde_json::Value) -> ImageStream {
        serde_json::from_value(json!({
            "metadata": {"name": "demo", "namespace": "openshift"},
            "spec": {},
            "status": {"dockerImageRepository": "registry.svc:5000/openshift/demo", "tags": status_tags}
        }))
        .unwrap()
    }

    fn event(created: &str) -> serde_json::Value {
        json!([{"created": created, "dockerImageReference": "x@sha256:1", "image": "sha256:1"}])
    }

    #[test]
    fn a_compacted_stream_shows_and_is_used_the_same() {
        use crate::graph::{ProjectObjects, ReferenceGraph};
        use crate::workload::Deployment;
        let full: ImageStream = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "demo", "resourceVersion": "7",
                "labels": {"app": "web"}, "annotations": {"a": "b"}},
            "spec": {"lookupPolicy": {"local": true}, "tags": [
                {"name": "latest", "from": {"kind": "DockerImage", "name": "quay.io/x/web:latest"},
                 "importPolicy": {"scheduled": true}, "annotations": {"k": "v"}},
                {"name": "prod", "from": {"kind": "ImageStreamTag", "name": "latest"}}
            ]},
            "status": {"dockerImageRepository": "registry.svc:5000/demo/web",
                "publicDockerImageRepository": "registry.example.com/demo/web",
                "tags": [
                    {"tag": "latest", "items": [
                        {"created": "2024-06-01T00:00:00Z", "dockerImageReference": "quay.io/x/web@sha256:2", "image": "sha256:2", "generation": 2},
                        {"created": "2024-01-01T00:00:00Z", "dockerImageReference": "quay.io/x/web@sha256:1", "image": "sha256:1", "generation": 1}
                    ], "conditions": [{"type": "ImportSuccess", "status": "False", "generation": 2}]},
                    {"tag": "pending", "items": null}
                ]}
        }))
        .unwrap();
        let mut compact = full.clone();
        compact_for_list(&mut compact);
        assert!(compact.metadata.labels.is_none() && compact.metadata.annotations.is_none());
        assert_eq!(compact.spec_tags().len(), 1);
        assert_eq!(compact.metadata.name(), "web");
        assert_eq!(compact.metadata.resource_version.as_deref(), Some("7"));
        assert_eq!(image_repository(&compact), image_repository(&full));
        assert_eq!(
            tags_column(&compact, TAGS_WIDTH),
            tags_column(&full, TAGS_WIDTH)
        );
        assert_eq!(last_updated(&compact), last_updated(&full));
        let deployments: Vec<Deployment> = serde_json::from_value(json!([
            {"metadata": {"name": "old", "namespace": "demo"}, "spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "quay.io/x/web@sha256:1"}]}}}},
            {"metadata": {"name": "short", "namespace": "demo"}, "spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "web:prod"}]}}}}
        ]))
        .unwrap();
        let usage = |stream: &ImageStream| {
            let streams = std::slice::from_ref(stream);
            let graph = ReferenceGraph::build(&ProjectObjects {
                namespace: "demo",
                streams,
                deployments: &deployments,
                deployment_configs: &[],
                pods: &[],
            });
            (graph.stream_usage("demo", "web"), graph.uses().to_vec())
        };
        let (full_usage, full_uses) = usage(&full);
        assert_eq!(full_usage.workloads, 2);
        assert_eq!(full_usage.stale, 1);
        assert_eq!(usage(&compact), (full_usage, full_uses));
    }

    #[test]
    fn tags_are_newest_first_then_alphabetical_then_without_image() {
        let s = stream(json!([
            {"tag": "old", "items": event("2024-01-01T00:00:00Z")},
            {"tag": "pending", "items": null},
            {"tag": "b-new", "items": event("2024-06-01T00:00:00Z")},
            {"tag": "a-new", "items": event("2024-06-01T00:00:00.900Z")},
        ]));
        assert_eq!(tags_newest_first(&s), ["a-new", "b-new", "old", "pending"]);
    }

    #[test]
    fn tags_column_fits_forty_characters_and_counts_the_rest() {
        let names: Vec<String> = (0..12).map(|i| format!("1.{i}-el9")).collect();
        let tags: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"tag": n, "items": event(&format!("2024-01-{:02}T00:00:00Z", i + 1))}))
            .collect();
        let s = stream(json!(tags));
        let column = tags_column(&s, TAGS_WIDTH);
        // 9 + 9 + 8 + 8 characters leave 6 of 40; the fifth tag would overshoot by 2 while
        // filling only 5 of the 10-character margin, so it is cut.
        assert_eq!(column.shown, ["1.11-el9", "1.10-el9", "1.9-el9", "1.8-el9"]);
        assert_eq!(
            column.to_string(),
            "1.11-el9,1.10-el9,1.9-el9,1.8-el9 + 8 more..."
        );
    }

    #[test]
    fn tags_column_stretches_a_quarter_rather_than_leave_a_ragged_edge() {
        let (first, second) = ("a".repeat(26), "b".repeat(18));
        let s = stream(json!([
            {"tag": first, "items": event("2024-01-02T00:00:00Z")},
            {"tag": second, "items": event("2024-01-01T00:00:00Z")},
        ]));
        assert_eq!(tags_column(&s, TAGS_WIDTH).hidden, 0);
    }

    #[test]
    fn one_long_tag_is_always_shown() {
        let long = "x".repeat(60);
        let s = stream(
            json!([{"tag": long, "items": event("2024-01-01T00:00:00Z")}, {"tag": "b", "items": null}]),
        );
        let column = tags_column(&s, TAGS_WIDTH);
        assert_eq!(column.shown, [long.as_str()]);
        assert_eq!(column.hidden, 1);
    }

    #[test]
    fn repository_prefers_public_then_spec_then_status() {
        let mut s = stream(json!([]));
        assert_eq!(image_repository(&s), "registry.svc:5000/openshift/demo");
        s.spec.as_mut().unwrap().docker_image_repository = Some("quay.io/x/y".into());
        assert_eq!(image_repository(&s), "quay.io/x/y");
        s.status.as_mut().unwrap().public_docker_image_repository = Some("public.example/x".into());
        assert_eq!(image_repository(&s), "public.example/x");
    }

    #[test]
    fn updated_is_the_newest_current_image() {
        let s = stream(json!([
            {"tag": "a", "items": event("2024-01-01T00:00:00Z")},
            {"tag": "b", "items": event("2024-01-01T00:05:00Z")},
        ]));
        let now = parse_rfc3339("2024-01-01T00:15:00Z").unwrap();
        assert_eq!(updated_column(&s, now), "10 minutes ago");
        assert_eq!(updated_column(&stream(json!([])), now), "");
    }
}

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

//! What the server itself records in an image stream's status when its spec tags change, before
//! any import: a tag that points at another stream's tag or image (`oc tag SRC DEST`, an
//! ImageStreamTag or ImageStreamImage source) gets that image at once, a `reference: true`
//! Docker tag gets its pull spec, and tags tracking a tag of the same stream (`latest` →
//! `3.6`) follow it. openshift-apiserver does this in its image stream strategy (`tagsChanged`
//! and `updateChangedTrackingTags` in registry/imagestream/strategy.go, with
//! internalimageutil's `LatestTaggedImage`, `ResolveImageID` and `UpdateTrackingTags`).

use crate::api::{failure, ApiResponse, Cluster};
use crate::images::add_tag_event;
use crate::store::ObjectKey;
use imagestream_model::imagestream::TagReference;
use imagestream_model::reference;
use imagestream_model::time::format_rfc3339;
use imagestream_model::{ImageStream, TagEvent};
use serde_json::{json, Value};

/// Whether a spec tag changed in a way that makes the server look at it again (upstream's
/// `tagRefChanged`): its source namespace or name, `reference`, or a generation reset to 0.
fn tag_changed(old: &TagReference, new: &TagReference, namespace: &str) -> bool {
    let Some(next) = &new.from else {
        return false;
    };
    if next.kind.is_empty() && next.name.is_empty() {
        return false;
    }
    let of = |ns: Option<&String>| {
        ns.filter(|ns| !ns.is_empty())
            .map_or(namespace.to_owned(), Clone::clone)
    };
    let (old_name, old_namespace) = match &old.from {
        Some(from) => (from.name.as_str(), of(from.namespace.as_ref())),
        None => ("", namespace.to_owned()),
    };
    if old_namespace != of(next.namespace.as_ref()) || old_name != next.name {
        return true;
    }
    if old.reference.unwrap_or(false) != new.reference.unwrap_or(false) {
        return true;
    }
    matches!(
        (old.generation.flatten(), new.generation.flatten()),
        (Some(before), Some(0)) if before != 0
    )
}

/// The newest event of `tag` (`latest` when empty), upstream's `LatestTaggedImage`.
fn latest_tagged(stream: &ImageStream, tag: &str) -> Option<TagEvent> {
    let tag = if tag.is_empty() { "latest" } else { tag };
    stream
        .status_tags()
        .iter()
        .find(|t| t.tag == tag)?
        .events()
        .first()
        .cloned()
}

/// The one image of `stream` whose digest starts with `id` (upstream's `ResolveImageID`).
fn resolve_image_id(stream: &ImageStream, id: &str, now: i64) -> Result<TagEvent, String> {
    let bare = id.strip_prefix("sha256:").unwrap_or(id);
    let mut found: Vec<&TagEvent> = stream
        .status_tags()
        .iter()
        .flat_map(|t| t.events())
        .filter(|e| {
            e.image.starts_with(id)
                || e.image
                    .strip_prefix("sha256:")
                    .is_some_and(|hex| hex.starts_with(bare))
        })
        .collect();
    found.sort_by(|a, b| a.image.cmp(&b.image));
    found.dedup_by(|a, b| a.image == b.image);
    match found.as_slice() {
        [one] => Ok(TagEvent {
            created: format_rfc3339(now),
            docker_image_reference: one.docker_image_reference.clone(),
            image: one.image.clone(),
            ..TagEvent::default()
        }),
        [] => Err(format!(
            "imagestreamimage.image.openshift.io {id:?} not found"
        )),
        many => Err(format!(
            "Operation cannot be fulfilled on imagestreamimage.image.openshift.io {id:?}: multiple images match the prefix {id:?}: {}",
            many.iter().map(|e| e.image.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Tags of `stream` that track `tag` of the same stream get its newest event (upstream's
/// `UpdateTrackingTags`).
fn update_tracking_tags(stream: &mut ImageStream, tag: &str, event: &TagEvent) {
    let (name, namespace) = (
        stream.metadata.name().to_owned(),
        stream.metadata.namespace().to_owned(),
    );
    let trackers: Vec<String> = stream
        .spec_tags()
        .iter()
        .filter(|spec| spec.name != tag)
        .filter_map(|spec| {
            let from = spec.from.as_ref().filter(|f| f.kind == "ImageStreamTag")?;
            if from
                .namespace
                .as_deref()
                .is_some_and(|ns| !ns.is_empty() && ns != namespace)
            {
                return None;
            }
            let (other, followed) = match from.name.split_once(':') {
                Some((other, followed)) => (other, followed),
                None => (name.as_str(), from.name.as_str()),
            };
            (other == name && followed == tag).then(|| spec.name.clone())
        })
        .collect();
    for tracker in trackers {
        add_tag_event(stream, &tracker, event.clone());
    }
}

/// The status tags whose newest event differs between `old` and `new`.
fn changed_status_tags(old: Option<&ImageStream>, new: &ImageStream) -> Vec<(String, TagEvent)> {
    new.status_tags()
        .iter()
        .filter(|list| list.conditions.as_ref().is_none_or(Vec::is_empty))
        .filter_map(|list| {
            let newest = list.events().first()?;
            let before = old
                .and_then(|o| o.status_tags().iter().find(|t| t.tag == list.tag))
                .and_then(|t| t.events().first());
            (before != Some(newest)).then(|| (list.tag.clone(), newest.clone()))
        })
        .collect()
}

impl Cluster {
    /// Records in `stream`'s status what its changed spec tags point at (see the module
    /// documentation); `previous` is the stored stream, `None` on create. A source that
    /// cannot be resolved is a 422, worded as the server words it.
    pub(crate) fn resolve_tag_references(
        &self,
        previous: Option<&Value>,
        stream: &mut Value,
        now: i64,
    ) -> Result<(), ApiResponse> {
        let Ok(mut parsed) = serde_json::from_value::<ImageStream>(stream.clone()) else {
            return Ok(());
        };
        let old: Option<ImageStream> =
            previous.and_then(|p| serde_json::from_value(p.clone()).ok());
        let namespace = parsed.metadata.namespace().to_owned();
        let name = parsed.metadata.name().to_owned();
        let generation = parsed.metadata.generation.unwrap_or(1);
        let Some(stream_resource) =
            crate::resources::find("image.openshift.io", "v1", "imagestreams")
        else {
            return Ok(());
        };
        let mut errors = Vec::new();
        let mut events = Vec::new();
        for tag in parsed.spec_tags() {
            let unchanged = old
                .as_ref()
                .and_then(|o| o.spec_tags().iter().find(|t| t.name == tag.name))
                .is_some_and(|before| !tag_changed(before, tag, &namespace));
            let Some(from) = tag.from.as_ref().filter(|_| !unchanged) else {
                continue;
            };
            let field = format!("spec.tags[{}].from", tag.name);
            let event = match from.kind.as_str() {
                "DockerImage" if tag.reference == Some(true) && !from.name.is_empty() => {
                    Some(TagEvent {
                        created: format_rfc3339(now),
                        docker_image_reference: from.name.clone(),
                        ..TagEvent::default()
                    })
                }
                "ImageStreamTag" | "ImageStreamImage" => {
                    let separator = if from.kind == "ImageStreamTag" {
                        ':'
                    } else {
                        '@'
                    };
                    let parts: Vec<&str> = from.name.split(separator).collect();
                    let (source, tag_or_id) = match parts.as_slice() {
                        [one] => (name.as_str(), *one),
                        [stream, tag] => (*stream, *tag),
                        _ => {
                            errors.push(format!("{field}.name: Invalid value: {:?}: must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>", from.name));
                            continue;
                        }
                    };
                    let source_namespace = from
                        .namespace
                        .clone()
                        .filter(|ns| !ns.is_empty())
                        .unwrap_or_else(|| namespace.clone());
                    let source_stream = if source_namespace == namespace && source == name {
                        Some(parsed.clone())
                    } else {
                        self.store
                            .get(&ObjectKey {
                                resource: "imagestreams",
                                namespace: source_namespace.clone(),
                                name: source.to_owned(),
                            })
                            .and_then(|s| {
                                serde_json::from_value(self.present(stream_resource, s)).ok()
                            })
                    };
                    let Some(source_stream) = source_stream else {
                        errors.push(format!("{field}.name: Not found: {:?}", from.name));
                        continue;
                    };
                    let resolved = if from.kind == "ImageStreamTag" {
                        Ok(latest_tagged(&source_stream, tag_or_id))
                    } else {
                        resolve_image_id(&source_stream, tag_or_id, now).map(Some)
                    };
                    match resolved {
                        Ok(Some(mut event)) => {
                            // Pulls of a copied tag go through this stream's own repository.
                            if tag.reference != Some(true) {
                                if let Ok(mut pull) =
                                    reference::parse(&event.docker_image_reference)
                                {
                                    let internal = self.internal_registry();
                                    if pull.registry == internal
                                        && pull.namespace == source_namespace
                                        && pull.name == source
                                    {
                                        pull.namespace = namespace.clone();
                                        pull.name = name.clone();
                                        event.docker_image_reference = pull.exact();
                                    }
                                }
                            }
                            Some(event)
                        }
                        Ok(None) => None,
                        Err(message) => {
                            errors.push(format!("{field}.name: Invalid value: {:?}: error generating tag event: {message}", from.name));
                            continue;
                        }
                    }
                }
                _ => None,
            };
            if let Some(mut event) = event {
                event.generation = Some(tag.generation.flatten().unwrap_or(generation));
                events.push((tag.name.clone(), event));
            }
        }
        if !errors.is_empty() {
            let joined = match errors.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            // The strategy's Validate wraps its own Invalid error as an internal field error.
            return Err(failure(
                422,
                "Invalid",
                format!("ImageStream.image.openshift.io {name:?} is invalid: []: Internal error: imagestreams {name:?} is invalid: {joined}"),
                Some(json!({"name": name, "group": "image.openshift.io", "kind": "ImageStream", "causes": [{"reason": "InternalError", "message": format!("Internal error: imagestreams {name:?} is invalid: {joined}"), "field": "<nil>"}]})),
            ));
        }
        for (tag, event) in events {
            add_tag_event(&mut parsed, &tag, event);
        }
        for (tag, event) in changed_status_tags(old.as_ref(), &parsed) {
            update_tracking_tags(&mut parsed, &tag, &event);
        }
        // A new stream's events carry its creation time (a consistent timestamp on create).
        if old.is_none() {
            if let Some(created) = parsed.metadata.creation_timestamp.clone().flatten() {
                if let Some(tags) = parsed.status.as_mut().and_then(|s| s.tags.as_mut()) {
                    for event in tags
                        .iter_mut()
                        .filter_map(|t| t.items.as_mut())
                        .flatten()
                        .flatten()
                    {
                        event.created = created.clone();
                    }
                }
            }
        }
        if let (Ok(Value::Object(status)), Some(map)) = (
            serde_json::to_value(parsed.status.unwrap_or_default()),
            stream.as_object_mut(),
        ) {
            map.insert("status".into(), Value::Object(status));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagestream_model::imagestream::ObjectReference;

    fn tag(name: &str, kind: &str, from: &str) -> TagReference {
        TagReference {
            name: name.into(),
            from: Some(ObjectReference {
                kind: kind.into(),
                name: from.into(),
                ..ObjectReference::default()
            }),
            ..TagReference::default()
        }
    }

    #[test]
    fn a_tag_changes_when_its_source_or_reference_does() {
        let a = tag("x", "ImageStreamTag", "other:latest");
        assert!(!tag_changed(&a, &a.clone(), "ns"));
        assert!(tag_changed(
            &a,
            &tag("x", "ImageStreamTag", "other:1"),
            "ns"
        ));
        let mut reset = a.clone();
        let mut before = a.clone();
        before.generation = Some(Some(3));
        reset.generation = Some(Some(0));
        assert!(
            tag_changed(&before, &reset, "ns"),
            "generation 0 asks again"
        );
    }

    #[test]
    fn an_image_id_prefix_must_be_unique() {
        let mut stream = ImageStream::default();
        for image in ["sha256:abc1", "sha256:abd2"] {
            add_tag_event(
                &mut stream,
                image,
                TagEvent {
                    image: image.into(),
                    docker_image_reference: format!("r@{image}"),
                    ..TagEvent::default()
                },
            );
        }
        assert_eq!(
            resolve_image_id(&stream, "abc", 0).unwrap().image,
            "sha256:abc1"
        );
        assert!(resolve_image_id(&stream, "ab", 0)
            .unwrap_err()
            .contains("multiple images"));
        assert!(resolve_image_id(&stream, "ff", 0)
            .unwrap_err()
            .contains("not found"));
    }
}

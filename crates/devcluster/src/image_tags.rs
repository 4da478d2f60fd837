//! The virtual image resources read and written through their stream: `imagestreamtags`
//! (`<stream>:<tag>`: get, list, create, update, delete) and `imagestreamimages`
//! (`<stream>@<id>`), as openshift-apiserver's imagestreamtag and imagestreamimage REST
//! storage serve them, in JSON or as `oc get istag`'s Table.

use crate::api::{
    bad_request, failure, invalid, not_found, stamp_tag_generations, ApiRequest, ApiResponse,
    Cluster, Target,
};
use crate::images::{spec_tag_mut, stream_key};
use crate::store::ObjectKey;
use imagestream_model::imagestream::TagReference;
use imagestream_model::tags;
use imagestream_model::validation::FieldError;
use imagestream_model::ImageStream;
use serde_json::{json, Value};

impl Cluster {
    /// `imagestreamtags`: get, list, create, update, delete through the stream.
    pub(crate) fn image_stream_tags(
        &mut self,
        verb: &str,
        target: &Target,
        request: &ApiRequest,
        query: &crate::api::QueryParams,
    ) -> ApiResponse {
        let namespace = target.namespace.clone().unwrap_or_default();
        let resource = target.resource;
        if verb == "list" {
            let items: Vec<Value> = self
                .store
                .list("imagestreams", Some(&namespace))
                .filter_map(|(_, stored)| {
                    serde_json::from_value::<ImageStream>(
                        self.present(Self::stream_resource(), stored),
                    )
                    .ok()
                })
                .flat_map(|stream| {
                    stream
                        .status_tags()
                        .iter()
                        .filter(|t| !t.events().is_empty())
                        .filter_map(|t| self.stream_tag(&stream, &t.tag))
                        .collect::<Vec<_>>()
                })
                .collect();
            let meta = json!({"resourceVersion": self.resource_version().to_string()});
            if Self::wants_table(request) {
                let rows: Vec<&Value> = items.iter().collect();
                let include = query.get("includeObject").unwrap_or("Metadata");
                return ApiResponse::json(
                    200,
                    &crate::table::table(
                        "ImageStreamTag",
                        &rows,
                        request.now_millis,
                        include,
                        meta,
                    ),
                );
            }
            return ApiResponse::json(
                200,
                &json!({"kind": "ImageStreamTagList", "apiVersion": "image.openshift.io/v1", "metadata": meta, "items": items}),
            );
        }
        let full_name = match verb {
            "create" => match Self::body(request) {
                Ok(body) => body
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                Err(response) => return response,
            },
            _ => target.name.clone().unwrap_or_default(),
        };
        let Some((stream_name, tag)) = full_name.split_once(':').filter(|(s, t)| {
            !s.is_empty() && !t.is_empty() && !t.contains(':') && !full_name.contains('@')
        }) else {
            return bad_request("ImageStreamTags must be retrieved with <name>:<tag>");
        };
        let (stream_name, tag) = (stream_name.to_owned(), tag.to_owned());
        let existing = self.load_stream(&namespace, &stream_name);
        match verb {
            "get" => {
                let Some(stored) = self.store.get(&stream_key(&namespace, &stream_name)) else {
                    return not_found(resource, &full_name);
                };
                let Ok(stream) = serde_json::from_value::<ImageStream>(
                    self.present(Self::stream_resource(), stored),
                ) else {
                    return not_found(resource, &full_name);
                };
                match self.stream_tag(&stream, &tag) {
                    Some(istag) if Self::wants_table(request) => {
                        let include = query.get("includeObject").unwrap_or("Metadata");
                        let meta = json!({"resourceVersion": stream.metadata.resource_version});
                        ApiResponse::json(
                            200,
                            &crate::table::table(
                                "ImageStreamTag",
                                &[&istag],
                                request.now_millis,
                                include,
                                meta,
                            ),
                        )
                    }
                    Some(istag) => ApiResponse::json(200, &istag),
                    None => not_found(resource, &full_name),
                }
            }
            "create" | "update" | "patch" => {
                let body = match Self::body(request) {
                    Ok(body) => body,
                    Err(response) => return response,
                };
                let Some(tag_ref) = body.get("tag").filter(|t| !t.is_null()) else {
                    return invalid(resource, &full_name, &[FieldError::required("tag", "")]);
                };
                let mut spec_tag: TagReference = match serde_json::from_value(tag_ref.clone()) {
                    Ok(spec) => spec,
                    Err(err) => {
                        return bad_request(format!("tag is not a valid TagReference: {err}"))
                    }
                };
                spec_tag.name = tag.clone();
                let mut stream = match existing {
                    Some(stream) => stream,
                    None if verb == "create" => {
                        let mut stream = ImageStream::default();
                        stream.metadata.name = Some(stream_name.clone());
                        stream.metadata.namespace = Some(namespace.clone());
                        stream
                    }
                    None => return not_found(resource, &full_name),
                };
                let exists = stream.spec_tags().iter().any(|t| t.name == tag);
                if verb == "create" && exists {
                    return failure(
                        409,
                        "AlreadyExists",
                        format!("{} {full_name:?} already exists", resource.qualified()),
                        Some(
                            json!({"name": full_name, "group": resource.group, "kind": resource.plural}),
                        ),
                    );
                }
                if verb != "create" && !exists {
                    return not_found(resource, &full_name);
                }
                spec_tag.generation = Some(None);
                *spec_tag_mut(&mut stream, &tag) = spec_tag;
                let value = match serde_json::to_value(&stream) {
                    Ok(value) => value,
                    Err(err) => return failure(500, "InternalError", err.to_string(), None),
                };
                let stored = if stream.metadata.resource_version.is_some() {
                    self.update_stream_value(&namespace, &stream_name, value, request.now_millis)
                } else {
                    self.create_object(
                        Self::stream_resource(),
                        Some(&namespace),
                        value,
                        request.now_millis,
                        false,
                    )
                    .map(|v| (*v).clone())
                };
                match stored {
                    Ok(stored) => {
                        let presented = self.present(Self::stream_resource(), &stored);
                        let stream: ImageStream =
                            serde_json::from_value(presented).unwrap_or_default();
                        let istag = self.stream_tag(&stream, &tag).unwrap_or_else(|| json!({"kind": "ImageStreamTag", "apiVersion": "image.openshift.io/v1", "metadata": {"name": full_name, "namespace": namespace}, "tag": stream.spec_tags().iter().find(|t| t.name == tag)}));
                        ApiResponse::json(if verb == "create" { 201 } else { 200 }, &istag)
                    }
                    Err(response) => response,
                }
            }
            "delete" => {
                let Some(mut stream) = existing else {
                    return not_found(resource, &full_name);
                };
                let in_spec = stream.spec_tags().iter().any(|t| t.name == tag);
                let in_status = stream.status_tags().iter().any(|t| t.tag == tag);
                if !in_spec && !in_status {
                    return not_found(resource, &full_name);
                }
                if let Some(tags) = stream.spec.as_mut().and_then(|s| s.tags.as_mut()) {
                    tags.retain(|t| t.name != tag);
                }
                if let Some(tags) = stream.status.as_mut().and_then(|s| s.tags.as_mut()) {
                    tags.retain(|t| t.tag != tag);
                }
                let value = match serde_json::to_value(&stream) {
                    Ok(value) => value,
                    Err(err) => return failure(500, "InternalError", err.to_string(), None),
                };
                match self.update_stream_value(&namespace, &stream_name, value, request.now_millis)
                {
                    Ok(_) => {
                        crate::api::deleted(&full_name, "image.openshift.io", "imagestreamtags")
                    }
                    Err(response) => response,
                }
            }
            _ => crate::api::method_not_allowed(),
        }
    }

    /// Writes a changed stream as an update would (generation and tag generations bumped).
    fn update_stream_value(
        &mut self,
        namespace: &str,
        name: &str,
        mut value: Value,
        now: i64,
    ) -> Result<Value, ApiResponse> {
        let Some(existing) = self.store.get(&stream_key(namespace, name)).cloned() else {
            return Err(not_found(Self::stream_resource(), name));
        };
        if existing.get("spec") != value.get("spec") {
            let generation = existing
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                .saturating_add(1);
            crate::kinds::object_at(&mut value, "metadata")
                .insert("generation".into(), json!(generation));
            stamp_tag_generations(&mut value, generation, existing.get("spec"));
        }
        self.resolve_tag_references(Some(&existing), &mut value, now)?;
        let stored = self.store.put(stream_key(namespace, name), value);
        Ok((*stored).clone())
    }

    /// The ImageStreamTag view of one tag, or `None` when the tag has no image yet.
    fn stream_tag(&self, stream: &ImageStream, tag: &str) -> Option<Value> {
        let list = stream.status_tags().iter().find(|t| t.tag == tag)?;
        let event = list.events().first()?;
        let spec = stream.spec_tags().iter().find(|t| t.name == tag);
        let mut image = self
            .store
            .get(&ObjectKey {
                resource: "images",
                namespace: String::new(),
                name: event.image.clone(),
            })
            .map(|i| (**i).clone())
            .unwrap_or_else(|| json!({"metadata": {"name": event.image}}));
        if let Some(map) = image.as_object_mut() {
            map.remove("dockerImageManifest");
            map.remove("dockerImageConfig");
        }
        image["dockerImageReference"] = json!(tags::resolved_pull_spec(stream, tag)
            .unwrap_or_else(|| event.docker_image_reference.clone()));
        let mut metadata = json!({
            "name": format!("{}:{tag}", stream.metadata.name()),
            "namespace": stream.metadata.namespace(),
            "uid": stream.metadata.uid,
            "resourceVersion": stream.metadata.resource_version,
            "creationTimestamp": event.created,
        });
        if let Some(labels) = &stream.metadata.labels {
            metadata["labels"] = json!(labels);
        }
        if let Some(Some(annotations)) = spec.and_then(|s| s.annotations.clone()) {
            metadata["annotations"] = json!(annotations);
        }
        let mut istag = json!({
            "kind": "ImageStreamTag",
            "apiVersion": "image.openshift.io/v1",
            "metadata": metadata,
            "tag": spec,
            "generation": event.generation.unwrap_or(0),
            "lookupPolicy": stream.spec.as_ref().and_then(|s| s.lookup_policy.clone()).unwrap_or_default(),
            "image": image,
        });
        if let Some(conditions) = &list.conditions {
            istag["conditions"] = json!(conditions);
        }
        Some(istag)
    }

    /// `imagestreamimages/<stream>@<id>`: an image of the stream, found by digest or prefix.
    pub(crate) fn image_stream_image(&self, target: &Target) -> ApiResponse {
        let name = target.name.clone().unwrap_or_default();
        let namespace = target.namespace.clone().unwrap_or_default();
        let Some((stream_name, id)) = name
            .split_once('@')
            .filter(|(s, i)| !s.is_empty() && !i.is_empty())
        else {
            return bad_request("ImageStreamImages must be retrieved with <name>@<id>");
        };
        let missing = || {
            failure(
                404,
                "NotFound",
                format!("imagestreamimage.image.openshift.io {name:?} not found"),
                Some(
                    json!({"name": name, "group": "image.openshift.io", "kind": "imagestreamimage"}),
                ),
            )
        };
        let Some(stream) = self.load_stream(&namespace, stream_name) else {
            return missing();
        };
        let bare = id.strip_prefix("sha256:").unwrap_or(id);
        let found = stream
            .status_tags()
            .iter()
            .flat_map(|t| t.events())
            .find(|e| {
                e.image == id
                    || e.image
                        .strip_prefix("sha256:")
                        .is_some_and(|hex| hex.starts_with(bare))
            });
        let Some(event) = found else {
            return missing();
        };
        let mut image = self
            .store
            .get(&ObjectKey { resource: "images", namespace: String::new(), name: event.image.clone() })
            .map(|i| (**i).clone())
            .unwrap_or_else(|| json!({"metadata": {"name": event.image, "creationTimestamp": event.created}, "dockerImageReference": event.docker_image_reference}));
        if let Some(map) = image.as_object_mut() {
            map.remove("dockerImageManifest");
            map.remove("dockerImageConfig");
        }
        let created = image
            .pointer("/metadata/creationTimestamp")
            .cloned()
            .unwrap_or(json!(event.created));
        ApiResponse::json(
            200,
            &json!({
                "kind": "ImageStreamImage",
                "apiVersion": "image.openshift.io/v1",
                "metadata": {"name": format!("{stream_name}@{}", event.image), "namespace": namespace, "creationTimestamp": created},
                "image": image,
            }),
        )
    }
}

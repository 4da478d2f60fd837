//! Plans: the exact objects `oc import-image` sends and `oc new-app IMAGE` creates
//! (API.md §9, §10), and what "delete app NAME" removes, built without any I/O so the console
//! can preview them and devcluster tests can compare against them.

use crate::image::{
    ImageImportSpec, ImageStreamImport, ImageStreamImportSpec, LocalObjectReference,
    RepositoryImportSpec,
};
use crate::imagestream::{
    ImageStream, ImageStreamSpec, ImageStreamStatus, LookupPolicy, ObjectReference,
    TagImportPolicy, TagReference, TagReferencePolicy,
};
use crate::meta::ObjectMeta;
use crate::reference::{self, ImageReference};
use crate::validation::{self, check_dns1123_subdomain};
use crate::workload::{
    Container, ContainerPort, Deployment, DeploymentSpec, ImageTrigger, LabelSelector, PodSpec,
    PodTemplateSpec, Service, ServicePort, ServiceSpec, TRIGGERS_ANNOTATION,
};
use crate::{Image, ImageStreamTag};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Annotation marking every object `oc new-app` generates.
pub const GENERATED_BY: &str = "openshift.io/generated-by";
/// Annotation recording the pull spec a tag was imported from.
pub const IMPORTED_FROM: &str = "openshift.io/imported-from";
/// Stream annotation that makes imports insecure by default.
pub const INSECURE_REPOSITORY: &str = "openshift.io/image.insecureRepository";
/// Tag annotation stamped by server-side imports; `oc import-image` drops it before re-import.
pub const REPOSITORY_CHECK: &str = "openshift.io/image.dockerRepositoryCheck";

/// Why a plan cannot be made; the messages are `oc`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub String);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

fn fail<T>(message: impl Into<String>) -> Result<T, PlanError> {
    Err(PlanError(message.into()))
}

/// `Source` or `Local`: how pull specs of the tag are written (§6.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReferencePolicy {
    /// Pull from the original registry (oc's default).
    #[default]
    Source,
    /// Pull through the integrated registry.
    Local,
}

impl ReferencePolicy {
    fn as_str(self) -> &'static str {
        match self {
            ReferencePolicy::Source => "Source",
            ReferencePolicy::Local => "Local",
        }
    }
}

/// The flags of `oc import-image IMAGESTREAM[:TAG]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportImageOptions {
    /// The positional argument `IMAGESTREAM[:TAG]`.
    pub target: String,
    /// `--from`: the pull spec to import.
    pub from: Option<String>,
    /// `--confirm`: create the stream if it does not exist.
    pub confirm: bool,
    /// `--all`: import every tag of the repository.
    pub all: bool,
    /// `--scheduled`: re-import periodically.
    pub scheduled: bool,
    /// `--insecure`; `None` when not given, so the stream's annotation decides.
    pub insecure: Option<bool>,
    /// `--reference-policy`.
    pub reference_policy: ReferencePolicy,
    /// `--import-mode`; `Legacy` when not given.
    pub import_mode: Option<String>,
    /// `--dry-run`: look up only, persist nothing.
    pub dry_run: bool,
}

/// What `oc import-image` POSTs to `imagestreamimports`, given the stream as it exists now
/// (`None` when `GET imagestreams/NAME` answered 404).
pub fn plan_import(
    namespace: &str,
    options: &ImportImageOptions,
    existing: Option<&ImageStream>,
) -> Result<ImageStreamImport, PlanError> {
    let target = reference::parse(&options.target).map_err(|err| PlanError(err.to_string()))?;
    if !target.id.is_empty() {
        return fail("to import images by ID, use the 'tag' command");
    }
    if options.all && !target.tag.is_empty() {
        return fail(format!(
            "cannot specify a tag {:?} as well as --all",
            target.tag
        ));
    }
    let name = target.name.clone();
    if name.is_empty() {
        return fail("you must specify the name of an image stream");
    }
    let tag = if target.tag.is_empty() {
        "latest".to_owned()
    } else {
        target.tag.clone()
    };
    let from = options.from.clone().filter(|from| !from.is_empty());

    let Some(stream) = existing else {
        if !options.confirm {
            return fail(format!(
                "no image stream named {name:?} exists, pass --confirm to create and import"
            ));
        }
        let from = from.unwrap_or_else(|| options.target.clone());
        let policy = import_policy(options, false, None);
        let spec = if options.all {
            repository_spec(&from, policy, options.reference_policy)?
        } else {
            images_spec(vec![(tag, from, policy)], options.reference_policy)
        };
        return Ok(image_stream_import(
            namespace,
            &name,
            None,
            spec,
            options.dry_run,
        ));
    };

    let annotated_insecure = stream.metadata.annotation(INSECURE_REPOSITORY) == Some("true");
    let spec_repository = stream
        .spec
        .as_ref()
        .and_then(|spec| spec.docker_image_repository.clone())
        .filter(|repo| !repo.is_empty());
    let resource_version = stream.metadata.resource_version.clone();

    let spec = if options.all {
        if let Some(repository) = from.clone().or(spec_repository) {
            let policy = import_policy(options, annotated_insecure, None);
            repository_spec(&repository, policy, options.reference_policy)?
        } else {
            let images: Vec<_> = stream
                .spec_tags()
                .iter()
                .filter_map(|tag_ref| {
                    let source = tag_ref.from.as_ref().filter(|f| f.kind == "DockerImage")?;
                    let policy =
                        import_policy(options, annotated_insecure, tag_ref.import_policy.as_ref());
                    Some((tag_ref.name.clone(), source.name.clone(), policy))
                })
                .collect();
            if images.is_empty() {
                return fail(format!(
                    "image stream {name:?} does not have tags pointing to external container images"
                ));
            }
            images_spec(images, options.reference_policy)
        }
    } else {
        let (final_tag, existing_tag, followed) = follow_tag_reference(stream, &tag)?;
        let (import_tag, import_from, current_policy) = match existing_tag {
            None => {
                let from = match from {
                    Some(from) => from,
                    None if tag == "latest" => spec_repository.unwrap_or_default(),
                    None => String::new(),
                };
                if from.is_empty() {
                    return fail(format!(
                        "the tag {tag:?} does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag"
                    ));
                }
                (tag.clone(), from, None)
            }
            Some(tag_ref) => {
                let Some(source) = tag_ref.from.as_ref() else {
                    return fail(format!(
                        "tag {tag:?} already exists - you must use the 'tag' command if you want to change the source to {:?}",
                        from.unwrap_or_default()
                    ));
                };
                if source.kind != "DockerImage" {
                    return fail(format!(
                        "tag {tag:?} points to existing {} {:?}, it cannot be re-imported",
                        source.kind, source.name
                    ));
                }
                if let Some(from) = from.as_ref().filter(|from| **from != source.name) {
                    return fail(if followed {
                        format!(
                            "the tag {tag:?} points to the tag {final_tag:?} which points to {:?} - use the 'tag' command if you want to change the source to {from:?}",
                            source.name
                        )
                    } else {
                        format!(
                            "the tag {tag:?} points to {:?} - use the 'tag' command if you want to change the source to {from:?}",
                            source.name
                        )
                    });
                }
                let target_tag = if followed { final_tag } else { tag.clone() };
                (
                    target_tag,
                    source.name.clone(),
                    tag_ref.import_policy.as_ref(),
                )
            }
        };
        let policy = import_policy(options, annotated_insecure, current_policy);
        images_spec(
            vec![(import_tag, import_from, policy)],
            options.reference_policy,
        )
    };
    Ok(image_stream_import(
        namespace,
        &name,
        resource_version,
        spec,
        options.dry_run,
    ))
}

/// Follows ImageStreamTag aliases inside the stream to the tag that holds a source.
/// Returns the final tag name, its spec (if the tag exists) and whether an alias was followed.
fn follow_tag_reference<'a>(
    stream: &'a ImageStream,
    tag: &str,
) -> Result<(String, Option<&'a TagReference>, bool), PlanError> {
    let stream_name = stream.metadata.name();
    let mut current = tag.to_owned();
    let mut seen = vec![current.clone()];
    loop {
        let Some(tag_ref) = stream.spec_tags().iter().find(|t| t.name == current) else {
            return if seen.len() == 1 {
                Ok((current, None, false))
            } else {
                fail(format!("tag {tag:?} points to an invalid imagestreamtag"))
            };
        };
        let Some(source) = tag_ref.from.as_ref().filter(|f| f.kind == "ImageStreamTag") else {
            return Ok((current, Some(tag_ref), seen.len() > 1));
        };
        let other_namespace = source
            .namespace
            .as_deref()
            .is_some_and(|ns| !ns.is_empty() && ns != stream.metadata.namespace());
        let next = match source.name.split_once(':') {
            None => source.name.clone(),
            Some((other, _)) if other != stream_name || other_namespace => {
                return fail(format!(
                    "tag {tag:?} points to an imagestreamtag from another ImageStream"
                ));
            }
            Some((_, next)) => next.to_owned(),
        };
        if other_namespace {
            return fail(format!(
                "tag {tag:?} points to an imagestreamtag from another ImageStream"
            ));
        }
        if seen.contains(&next) {
            return fail(format!(
                "tag {tag:?} on the image stream is a reference to same tag"
            ));
        }
        seen.push(next.clone());
        current = next;
    }
}

fn import_policy(
    options: &ImportImageOptions,
    annotated_insecure: bool,
    current: Option<&TagImportPolicy>,
) -> TagImportPolicy {
    let current_insecure = current.and_then(|p| p.insecure).unwrap_or(false);
    let current_scheduled = current.and_then(|p| p.scheduled).unwrap_or(false);
    // An explicit --insecure=false overrides the stream annotation; otherwise they OR.
    let insecure = match options.insecure {
        Some(flag) => flag || current_insecure,
        None => annotated_insecure || current_insecure,
    };
    let scheduled = options.scheduled || current_scheduled;
    TagImportPolicy {
        insecure: insecure.then_some(true),
        scheduled: scheduled.then_some(true),
        import_mode: Some(
            options
                .import_mode
                .clone()
                .unwrap_or_else(|| "Legacy".into()),
        ),
        ..TagImportPolicy::default()
    }
}

fn reference_policy(policy: ReferencePolicy) -> TagReferencePolicy {
    TagReferencePolicy {
        policy_type: policy.as_str().into(),
        ..TagReferencePolicy::default()
    }
}

fn docker_image(name: &str) -> ObjectReference {
    ObjectReference {
        kind: "DockerImage".into(),
        name: name.into(),
        ..ObjectReference::default()
    }
}

fn images_spec(
    images: Vec<(String, String, TagImportPolicy)>,
    policy: ReferencePolicy,
) -> ImageStreamImportSpec {
    ImageStreamImportSpec {
        images: Some(
            images
                .into_iter()
                .map(|(tag, from, import_policy)| ImageImportSpec {
                    from: docker_image(&from),
                    to: Some(LocalObjectReference {
                        name: tag,
                        ..LocalObjectReference::default()
                    }),
                    import_policy: Some(import_policy),
                    reference_policy: Some(reference_policy(policy)),
                    ..ImageImportSpec::default()
                })
                .collect(),
        ),
        ..ImageStreamImportSpec::default()
    }
}

/// `--all` imports a repository: the pull spec without tag or digest (the server refuses one).
fn repository_spec(
    from: &str,
    import_policy: TagImportPolicy,
    policy: ReferencePolicy,
) -> Result<ImageStreamImportSpec, PlanError> {
    let parsed = reference::parse(from).map_err(|err| PlanError(err.to_string()))?;
    Ok(ImageStreamImportSpec {
        repository: Some(RepositoryImportSpec {
            from: docker_image(&parsed.as_repository().exact()),
            import_policy: Some(import_policy),
            reference_policy: Some(reference_policy(policy)),
            ..RepositoryImportSpec::default()
        }),
        ..ImageStreamImportSpec::default()
    })
}

fn image_stream_import(
    namespace: &str,
    name: &str,
    resource_version: Option<String>,
    mut spec: ImageStreamImportSpec,
    dry_run: bool,
) -> ImageStreamImport {
    spec.import = !dry_run;
    ImageStreamImport {
        api_version: Some("image.openshift.io/v1".into()),
        kind: Some("ImageStreamImport".into()),
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            resource_version,
            creation_timestamp: Some(None),
            ..ObjectMeta::default()
        },
        spec,
        status: Some(Default::default()),
        ..ImageStreamImport::default()
    }
}

/// The dry-run look-up `oc new-app` (and the import form) sends before creating anything:
/// `spec.import = false`, so the server only reports what the image is.
pub fn lookup_import(namespace: &str, image: &str, insecure: bool) -> ImageStreamImport {
    let mut plan = image_stream_import(
        namespace,
        "newapp",
        None,
        ImageStreamImportSpec {
            images: Some(vec![ImageImportSpec {
                from: docker_image(image),
                import_policy: Some(TagImportPolicy {
                    insecure: insecure.then_some(true),
                    ..TagImportPolicy::default()
                }),
                ..ImageImportSpec::default()
            }]),
            ..ImageStreamImportSpec::default()
        },
        true,
    );
    plan.metadata.creation_timestamp = None;
    plan.status = None;
    plan
}

/// The inputs of `oc new-app IMAGE`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAppOptions {
    /// The image argument exactly as typed (`gists/lighttpd`).
    pub image: String,
    /// `--name`, overriding the derived name.
    pub name: Option<String>,
    /// `--insecure-registry`.
    pub insecure: bool,
    /// Replica count (oc always writes 1).
    pub replicas: i32,
    /// Whether an image stream of that name already exists (then an ImageStreamTag is created).
    pub stream_exists: bool,
}

/// The objects `oc new-app` creates, in creation order.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAppPlan {
    /// The app name used for every object.
    pub name: String,
    /// The tag the Deployment follows.
    pub tag: String,
    /// A new stream, when none exists yet.
    pub image_stream: Option<ImageStream>,
    /// A new tag on the existing stream otherwise.
    pub image_stream_tag: Option<ImageStreamTag>,
    /// The Deployment with its image trigger and image `" "`.
    pub deployment: Deployment,
    /// The Service, only when the image exposes ports.
    pub service: Option<Service>,
}

/// Builds what `oc new-app IMAGE` creates from the image found by the look-up.
pub fn plan_new_app(options: &NewAppOptions, image: &Image) -> Result<NewAppPlan, PlanError> {
    let parsed: ImageReference =
        reference::parse(&options.image).map_err(|err| PlanError(err.to_string()))?;
    let name = match options.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => {
            validation::derive_app_name(&options.image).map_err(|err| PlanError(err.to_string()))?
        }
    };
    let app_errors = validation::check_app_name(&name);
    if let Some(message) = app_errors.first() {
        return fail(format!("invalid name: {name}: {message}"));
    }
    let tag = if parsed.tag.is_empty() {
        "latest".to_owned()
    } else {
        parsed.tag.clone()
    };
    let labels = BTreeMap::from([
        ("app".to_owned(), name.clone()),
        ("app.kubernetes.io/component".to_owned(), name.clone()),
        ("app.kubernetes.io/instance".to_owned(), name.clone()),
    ]);
    let generated = || BTreeMap::from([(GENERATED_BY.to_owned(), "OpenShiftNewApp".to_owned())]);
    let meta = |object_name: &str, annotations: BTreeMap<String, String>| ObjectMeta {
        name: Some(object_name.into()),
        labels: Some(labels.clone()),
        annotations: Some(annotations),
        ..ObjectMeta::default()
    };

    let spec_tag = TagReference {
        name: tag.clone(),
        annotations: Some(Some(BTreeMap::from([(
            IMPORTED_FROM.to_owned(),
            options.image.clone(),
        )]))),
        from: Some(docker_image(&options.image)),
        generation: Some(None),
        import_policy: Some(TagImportPolicy {
            insecure: options.insecure.then_some(true),
            import_mode: Some("Legacy".into()),
            ..TagImportPolicy::default()
        }),
        reference_policy: Some(TagReferencePolicy::default()),
        ..TagReference::default()
    };
    let (image_stream, image_stream_tag) = if options.stream_exists {
        let istag = ImageStreamTag {
            api_version: Some("image.openshift.io/v1".into()),
            kind: Some("ImageStreamTag".into()),
            metadata: meta(&format!("{name}:{tag}"), generated()),
            tag: Some(Some(spec_tag)),
            ..ImageStreamTag::default()
        };
        (None, Some(istag))
    } else {
        let stream = ImageStream {
            api_version: Some("image.openshift.io/v1".into()),
            kind: Some("ImageStream".into()),
            metadata: meta(&name, generated()),
            spec: Some(ImageStreamSpec {
                lookup_policy: Some(LookupPolicy::default()),
                tags: Some(vec![spec_tag]),
                ..ImageStreamSpec::default()
            }),
            status: Some(ImageStreamStatus::default()),
            ..ImageStream::default()
        };
        (Some(stream), None)
    };

    let ports = image.exposed_ports();
    let trigger = ImageTrigger {
        from: ObjectReference {
            kind: "ImageStreamTag".into(),
            name: format!("{name}:{tag}"),
            ..ObjectReference::default()
        },
        field_path: format!("spec.template.spec.containers[?(@.name==\"{name}\")].image"),
        paused: None,
    };
    let trigger_annotation = serde_json::to_string(&[trigger])
        .map_err(|err| PlanError(format!("cannot encode the trigger annotation: {err}")))?;
    let mut deployment_annotations = generated();
    deployment_annotations.insert(TRIGGERS_ANNOTATION.into(), trigger_annotation);
    let pod_labels = BTreeMap::from([("deployment".to_owned(), name.clone())]);

    let volume_paths: Vec<&String> = image
        .docker_image_metadata
        .as_ref()
        .and_then(|meta| meta.config.as_ref())
        .and_then(|config| config.volumes.as_ref())
        .map(|volumes| volumes.keys().collect())
        .unwrap_or_default();
    let mut container_extra = Map::new();
    let mut pod_extra = Map::new();
    if !volume_paths.is_empty() {
        let names: Vec<String> = (1..=volume_paths.len())
            .map(|n| format!("{name}-volume-{n}"))
            .collect();
        container_extra.insert(
            "volumeMounts".into(),
            Value::Array(
                names
                    .iter()
                    .zip(&volume_paths)
                    .map(|(volume, path)| json!({"name": volume, "mountPath": path}))
                    .collect(),
            ),
        );
        pod_extra.insert(
            "volumes".into(),
            Value::Array(
                names
                    .iter()
                    .map(|volume| json!({"name": volume, "emptyDir": {}}))
                    .collect(),
            ),
        );
    }
    let container = Container {
        name: name.clone(),
        image: Some(" ".into()),
        ports: (!ports.is_empty()).then(|| {
            ports
                .iter()
                .map(|(port, protocol)| ContainerPort {
                    container_port: i32::from(*port),
                    protocol: Some(protocol.clone()),
                    ..ContainerPort::default()
                })
                .collect()
        }),
        extra: container_extra,
    };
    let deployment = Deployment {
        api_version: Some("apps/v1".into()),
        kind: Some("Deployment".into()),
        metadata: meta(&name, deployment_annotations),
        spec: Some(DeploymentSpec {
            replicas: Some(options.replicas),
            selector: Some(LabelSelector {
                match_labels: Some(pod_labels.clone()),
                ..LabelSelector::default()
            }),
            template: Some(PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels.clone()),
                    annotations: Some(generated()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container],
                    extra: pod_extra,
                    ..PodSpec::default()
                }),
                ..PodTemplateSpec::default()
            }),
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    };

    let service = (!ports.is_empty()).then(|| Service {
        api_version: Some("v1".into()),
        kind: Some("Service".into()),
        metadata: meta(&service_name(&name), generated()),
        spec: Some(ServiceSpec {
            selector: Some(pod_labels),
            ports: Some(
                ports
                    .iter()
                    .map(|(port, protocol)| ServicePort {
                        name: Some(format!("{port}-{}", protocol.to_ascii_lowercase())),
                        port: i32::from(*port),
                        protocol: Some(protocol.clone()),
                        target_port: Some(json!(port)),
                        ..ServicePort::default()
                    })
                    .collect(),
            ),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    });

    Ok(NewAppPlan {
        name,
        tag,
        image_stream,
        image_stream_tag,
        deployment,
        service,
    })
}

/// The Service name: the app name when it is a DNS-1123 subdomain, else lower-cased, reduced
/// to `[-a-z0-9]`, trimmed of `-` and cut to 63 characters (§4.4 step 4).
pub fn service_name(name: &str) -> String {
    if check_dns1123_subdomain(name).is_empty() {
        return name.to_owned();
    }
    let cleaned: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    cleaned.trim_matches('-').chars().take(63).collect()
}

/// A collection `oc delete all` covers, with the API path of its collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllResource {
    /// `/api/v1` or `/apis/<group>/<version>`.
    pub api_prefix: &'static str,
    /// Plural resource name.
    pub resource: &'static str,
    /// The kind, for listing what will be removed.
    pub kind: &'static str,
}

impl AllResource {
    /// The collection path in a namespace.
    pub fn collection_path(&self, namespace: &str) -> String {
        format!(
            "{}/namespaces/{namespace}/{}",
            self.api_prefix, self.resource
        )
    }
}

/// The resources in the `all` category that the console deals with, in the order they are
/// deleted (owners before what they own, the stream last so triggers stop first).
pub const ALL_RESOURCES: &[AllResource] = &[
    AllResource {
        api_prefix: "/apis/apps/v1",
        resource: "deployments",
        kind: "Deployment",
    },
    AllResource {
        api_prefix: "/apis/apps.openshift.io/v1",
        resource: "deploymentconfigs",
        kind: "DeploymentConfig",
    },
    AllResource {
        api_prefix: "/apis/apps/v1",
        resource: "replicasets",
        kind: "ReplicaSet",
    },
    AllResource {
        api_prefix: "/api/v1",
        resource: "pods",
        kind: "Pod",
    },
    AllResource {
        api_prefix: "/api/v1",
        resource: "services",
        kind: "Service",
    },
    AllResource {
        api_prefix: "/apis/image.openshift.io/v1",
        resource: "imagestreams",
        kind: "ImageStream",
    },
];

/// `oc delete all -l app=NAME`: the label selector and the collections it is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAppPlan {
    /// `app=NAME`.
    pub label_selector: String,
    /// The collections, in deletion order.
    pub resources: &'static [AllResource],
}

/// What deleting the app NAME removes: everything with label `app=NAME`.
pub fn plan_delete_app(name: &str) -> Result<DeleteAppPlan, PlanError> {
    if let Some(message) = validation::check_label_value(name).first() {
        return fail(format!("invalid app name {name:?}: {message}"));
    }
    if name.is_empty() {
        return fail("an app name is required");
    }
    Ok(DeleteAppPlan {
        label_selector: format!("app={name}"),
        resources: ALL_RESOURCES,
    })
}

impl DeleteAppPlan {
    /// Whether an object with these labels is removed by the plan.
    pub fn selects(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let Some((key, value)) = self.label_selector.split_once('=') else {
            return false;
        };
        labels.and_then(|l| l.get(key)).is_some_and(|v| v == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn options(target: &str) -> ImportImageOptions {
        ImportImageOptions {
            target: target.into(),
            confirm: true,
            ..ImportImageOptions::default()
        }
    }

    fn stream(value: Value) -> ImageStream {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn import_of_a_new_stream_sends_exactly_what_oc_sends() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                from: Some("registry.io/repo/image:latest".into()),
                ..options("mystream")
            },
            None,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            json!({"kind":"ImageStreamImport","apiVersion":"image.openshift.io/v1",
             "metadata":{"name":"mystream","namespace":"ns","creationTimestamp":null},
             "spec":{"import":true,
               "images":[{"from":{"kind":"DockerImage","name":"registry.io/repo/image:latest"},
                          "to":{"name":"latest"},
                          "importPolicy":{"importMode":"Legacy"},
                          "referencePolicy":{"type":"Source"}}]},
             "status":{}})
        );
    }

    #[test]
    fn the_target_tag_comes_from_the_argument_not_from() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                from: Some("quay.io/x/y:1.2".into()),
                ..options("app")
            },
            None,
        )
        .unwrap();
        let image = &plan.spec.images.unwrap()[0];
        assert_eq!(image.to.as_ref().unwrap().name, "latest");
        assert_eq!(image.from.name, "quay.io/x/y:1.2");
    }

    #[test]
    fn without_from_the_whole_argument_is_imported() {
        let plan = plan_import("ns", &options("nginx"), None).unwrap();
        assert_eq!(plan.spec.images.unwrap()[0].from.name, "nginx");
    }

    #[test]
    fn a_missing_stream_needs_confirm() {
        let err = plan_import(
            "ns",
            &ImportImageOptions {
                confirm: false,
                ..options("nginx")
            },
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no image stream named \"nginx\" exists, pass --confirm to create and import"
        );
    }

    #[test]
    fn arguments_oc_refuses() {
        let digest = format!("nginx@sha256:{}", "a".repeat(64));
        assert_eq!(
            plan_import("ns", &options(&digest), None)
                .unwrap_err()
                .to_string(),
            "to import images by ID, use the 'tag' command"
        );
        let err = plan_import(
            "ns",
            &ImportImageOptions {
                all: true,
                ..options("nginx:1.0")
            },
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot specify a tag \"1.0\" as well as --all"
        );
    }

    #[test]
    fn flags_set_the_import_and_reference_policies() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                scheduled: true,
                insecure: Some(true),
                reference_policy: ReferencePolicy::Local,
                import_mode: Some("PreserveOriginal".into()),
                dry_run: true,
                ..options("nginx")
            },
            None,
        )
        .unwrap();
        let value = serde_json::to_value(&plan).unwrap();
        assert_eq!(value["spec"]["import"], false);
        assert_eq!(
            value["spec"]["images"][0]["importPolicy"],
            json!({"insecure": true, "scheduled": true, "importMode": "PreserveOriginal"})
        );
        assert_eq!(
            value["spec"]["images"][0]["referencePolicy"],
            json!({"type": "Local"})
        );
    }

    #[test]
    fn all_on_a_new_stream_imports_the_repository_without_its_tag() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                all: true,
                from: Some("quay.io/org/app:1.0".into()),
                ..options("app")
            },
            None,
        )
        .unwrap();
        assert!(plan.spec.images.is_none());
        assert_eq!(plan.spec.repository.unwrap().from.name, "quay.io/org/app");
    }

    fn existing() -> ImageStream {
        stream(json!({
            "metadata": {"name": "app", "namespace": "ns", "resourceVersion": "42",
                         "annotations": {INSECURE_REPOSITORY: "true"}},
            "spec": {"tags": [
                {"name": "1.0", "from": {"kind": "DockerImage", "name": "quay.io/org/app:1.0"},
                 "importPolicy": {"scheduled": true}},
                {"name": "latest", "from": {"kind": "ImageStreamTag", "name": "1.0"}},
                {"name": "other", "from": {"kind": "ImageStreamTag", "name": "base:1"}},
                {"name": "bare"}
            ]}
        }))
    }

    #[test]
    fn reimport_of_an_existing_tag_follows_aliases_and_locks_the_version() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                confirm: false,
                ..options("app")
            },
            Some(&existing()),
        )
        .unwrap();
        assert_eq!(plan.metadata.resource_version.as_deref(), Some("42"));
        let image = &plan.spec.images.unwrap()[0];
        assert_eq!(image.to.as_ref().unwrap().name, "1.0");
        assert_eq!(image.from.name, "quay.io/org/app:1.0");
        // Insecure from the stream annotation, scheduled OR-ed from the tag.
        let policy = image.import_policy.as_ref().unwrap();
        assert_eq!(
            (policy.insecure, policy.scheduled),
            (Some(true), Some(true))
        );
    }

    #[test]
    fn an_explicit_insecure_false_overrides_the_annotation() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                insecure: Some(false),
                ..options("app:1.0")
            },
            Some(&existing()),
        )
        .unwrap();
        assert_eq!(
            plan.spec.images.unwrap()[0]
                .import_policy
                .as_ref()
                .unwrap()
                .insecure,
            None
        );
    }

    #[test]
    fn existing_tags_oc_will_not_reimport() {
        let s = existing();
        let err = |target: &str, from: Option<&str>| {
            plan_import(
                "ns",
                &ImportImageOptions {
                    from: from.map(Into::into),
                    ..options(target)
                },
                Some(&s),
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            err("app:other", None),
            "tag \"other\" points to an imagestreamtag from another ImageStream"
        );
        assert_eq!(err("app:bare", Some("x/y")), "tag \"bare\" already exists - you must use the 'tag' command if you want to change the source to \"x/y\"");
        assert_eq!(err("app:1.0", Some("x/y")), "the tag \"1.0\" points to \"quay.io/org/app:1.0\" - use the 'tag' command if you want to change the source to \"x/y\"");
        assert_eq!(err("app:latest", Some("x/y")), "the tag \"latest\" points to the tag \"1.0\" which points to \"quay.io/org/app:1.0\" - use the 'tag' command if you want to change the source to \"x/y\"");
        assert_eq!(err("app:2.0", None), "the tag \"2.0\" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag");
    }

    #[test]
    fn a_new_tag_with_from_on_an_existing_stream_is_imported() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                from: Some("quay.io/org/app:2.0".into()),
                ..options("app:2.0")
            },
            Some(&existing()),
        )
        .unwrap();
        let image = &plan.spec.images.unwrap()[0];
        assert_eq!(
            (
                image.to.as_ref().unwrap().name.as_str(),
                image.from.name.as_str()
            ),
            ("2.0", "quay.io/org/app:2.0")
        );
    }

    #[test]
    fn all_on_an_existing_stream_reimports_every_docker_tag() {
        let plan = plan_import(
            "ns",
            &ImportImageOptions {
                all: true,
                ..options("app")
            },
            Some(&existing()),
        )
        .unwrap();
        let images = plan.spec.images.unwrap();
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].from.name, "quay.io/org/app:1.0");
    }

    #[test]
    fn a_circular_alias_is_refused() {
        let s = stream(json!({"metadata": {"name": "app"}, "spec": {"tags": [
            {"name": "a", "from": {"kind": "ImageStreamTag", "name": "b"}},
            {"name": "b", "from": {"kind": "ImageStreamTag", "name": "app:a"}}
        ]}}));
        let err = plan_import("ns", &options("app:a"), Some(&s)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tag \"a\" on the image stream is a reference to same tag"
        );
    }

    fn lighttpd_image() -> Image {
        serde_json::from_value(json!({
            "metadata": {"name": "sha256:abc"},
            "dockerImageMetadata": {"Config": {"ExposedPorts": {"80/tcp": {}}, "Volumes": {"/var/www": {}}}}
        }))
        .unwrap()
    }

    #[test]
    fn new_app_creates_the_stream_deployment_and_service_oc_creates() {
        let plan = plan_new_app(
            &NewAppOptions {
                image: "gists/lighttpd".into(),
                replicas: 1,
                ..NewAppOptions::default()
            },
            &lighttpd_image(),
        )
        .unwrap();
        let labels = json!({"app":"lighttpd","app.kubernetes.io/component":"lighttpd","app.kubernetes.io/instance":"lighttpd"});
        assert_eq!(
            serde_json::to_value(plan.image_stream.as_ref().unwrap()).unwrap(),
            json!({"kind":"ImageStream","apiVersion":"image.openshift.io/v1",
             "metadata":{"name":"lighttpd","labels":labels,"annotations":{"openshift.io/generated-by":"OpenShiftNewApp"}},
             "spec":{"lookupPolicy":{"local":false},
               "tags":[{"name":"latest","annotations":{"openshift.io/imported-from":"gists/lighttpd"},
                        "from":{"kind":"DockerImage","name":"gists/lighttpd"},"generation":null,
                        "importPolicy":{"importMode":"Legacy"},"referencePolicy":{"type":""}}]},
             "status":{"dockerImageRepository":""}})
        );
        assert_eq!(
            serde_json::to_value(&plan.deployment).unwrap(),
            json!({"kind":"Deployment","apiVersion":"apps/v1",
             "metadata":{"name":"lighttpd","labels":labels,"annotations":{
                "image.openshift.io/triggers":"[{\"from\":{\"kind\":\"ImageStreamTag\",\"name\":\"lighttpd:latest\"},\"fieldPath\":\"spec.template.spec.containers[?(@.name==\\\"lighttpd\\\")].image\"}]",
                "openshift.io/generated-by":"OpenShiftNewApp"}},
             "spec":{"replicas":1,"selector":{"matchLabels":{"deployment":"lighttpd"}},
               "template":{"metadata":{"labels":{"deployment":"lighttpd"},"annotations":{"openshift.io/generated-by":"OpenShiftNewApp"}},
                 "spec":{"containers":[{"name":"lighttpd","image":" ","ports":[{"containerPort":80,"protocol":"TCP"}],
                                         "volumeMounts":[{"name":"lighttpd-volume-1","mountPath":"/var/www"}]}],
                         "volumes":[{"name":"lighttpd-volume-1","emptyDir":{}}]}}}})
        );
        assert_eq!(
            serde_json::to_value(plan.service.as_ref().unwrap()).unwrap(),
            json!({"kind":"Service","apiVersion":"v1",
             "metadata":{"name":"lighttpd","labels":labels,"annotations":{"openshift.io/generated-by":"OpenShiftNewApp"}},
             "spec":{"selector":{"deployment":"lighttpd"},
                     "ports":[{"name":"80-tcp","port":80,"protocol":"TCP","targetPort":80}]}})
        );
    }

    #[test]
    fn new_app_honours_name_override_tag_and_existing_stream() {
        let plan = plan_new_app(
            &NewAppOptions {
                image: "quay.io/org/team/app:1.2".into(),
                name: Some("web".into()),
                replicas: 2,
                stream_exists: true,
                ..NewAppOptions::default()
            },
            &Image::default(),
        )
        .unwrap();
        assert_eq!((plan.name.as_str(), plan.tag.as_str()), ("web", "1.2"));
        assert!(plan.image_stream.is_none());
        assert_eq!(plan.image_stream_tag.unwrap().metadata.name(), "web:1.2");
        assert!(plan.service.is_none(), "no ports, no Service");
        assert_eq!(plan.deployment.spec.unwrap().replicas, Some(2));
    }

    #[test]
    fn new_app_derives_the_name_like_oc() {
        let plan = plan_new_app(
            &NewAppOptions {
                image: "quay.io/org/team/app:1".into(),
                replicas: 1,
                ..NewAppOptions::default()
            },
            &Image::default(),
        )
        .unwrap();
        assert_eq!(plan.name, "team-app");
    }

    #[test]
    fn new_app_refuses_a_bad_name() {
        let err = plan_new_app(
            &NewAppOptions {
                image: "nginx".into(),
                name: Some("Web_App".into()),
                ..NewAppOptions::default()
            },
            &Image::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid name: Web_App: "),
            "{err}"
        );
    }

    #[test]
    fn service_names_are_simplified_only_when_needed() {
        assert_eq!(service_name("lighttpd"), "lighttpd");
        assert_eq!(service_name("my.app"), "my.app");
        assert_eq!(service_name("-Bad_Name-"), "badname");
    }

    #[test]
    fn delete_app_selects_by_the_app_label() {
        let plan = plan_delete_app("lighttpd").unwrap();
        assert_eq!(plan.label_selector, "app=lighttpd");
        assert_eq!(
            plan.resources[0].collection_path("demo"),
            "/apis/apps/v1/namespaces/demo/deployments"
        );
        assert!(plan.selects(Some(&BTreeMap::from([("app".into(), "lighttpd".into())]))));
        assert!(!plan.selects(Some(&BTreeMap::from([("app".into(), "other".into())]))));
        assert!(!plan.selects(None));
        assert!(plan_delete_app("bad name").is_err());
    }
}

//! The demo data: an `openshift` project with the image streams the tutorial starts from
//! (`oc get is -n openshift`), written by this project. Digests are derived from the tag and its
//! history position so every run shows the same values.

use crate::api::{Cluster, ClusterSettings};
use crate::auth::{Access, UserRecord};
use crate::resources;
use imagestream_model::imagestream::{
    LookupPolicy, ObjectReference, TagImportPolicy, TagReferencePolicy,
};
use imagestream_model::time::format_rfc3339;
use imagestream_model::{
    ImageStream, ImageStreamSpec, ImageStreamStatus, NamedTagEventList, ObjectMeta, TagEvent,
    TagReference,
};
use std::collections::BTreeMap;

/// Host of the cluster's internal registry as OpenShift names it.
pub const INTERNAL_REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";

const DAY: i64 = 86_400_000;

/// One seeded tag: its source and how many days ago each image in its history arrived
/// (newest first).
struct SeedTag {
    name: &'static str,
    source: Source,
    history_days_ago: &'static [i64],
}

enum Source {
    /// Imported from an external registry.
    Docker(&'static str),
    /// An alias of another tag of the same stream.
    Alias(&'static str),
}

struct SeedStream {
    name: &'static str,
    display_name: &'static str,
    tags: &'static [SeedTag],
    /// What the stream's images run, for their `dockerImageMetadata`.
    runs: Runs,
}

/// The runtime configuration of a seeded stream's images (the `Config` of an image config
/// blob), the way these Red Hat images set it.
struct Runs {
    ports: &'static [&'static str],
    command: &'static [&'static str],
    user: &'static str,
    working_dir: &'static str,
}

const S2I_USAGE: &[&str] = &["/bin/sh", "-c", "$STI_SCRIPTS_PATH/usage"];

const fn docker(name: &'static str, pull: &'static str, days: &'static [i64]) -> SeedTag {
    SeedTag {
        name,
        source: Source::Docker(pull),
        history_days_ago: days,
    }
}

const fn alias(name: &'static str, target: &'static str) -> SeedTag {
    SeedTag {
        name,
        source: Source::Alias(target),
        history_days_ago: &[],
    }
}

const OPENSHIFT_STREAMS: &[SeedStream] = &[
    SeedStream {
        name: "httpd",
        display_name: "Apache HTTP Server (httpd)",
        tags: &[
            docker(
                "2.4-el9",
                "registry.access.redhat.com/ubi9/httpd-24:latest",
                &[3, 40, 95],
            ),
            docker(
                "2.4-el8",
                "registry.access.redhat.com/ubi8/httpd-24:latest",
                &[12, 130],
            ),
            alias("latest", "2.4-el9"),
        ],
        runs: Runs {
            ports: &["8080/tcp", "8443/tcp"],
            command: &["/usr/bin/run-httpd"],
            user: "1001",
            working_dir: "/opt/app-root/src",
        },
    },
    SeedStream {
        name: "mongodb",
        display_name: "MongoDB",
        tags: &[
            docker(
                "3.6",
                "registry.redhat.io/rhscl/mongodb-36-rhel7:latest",
                &[400, 700],
            ),
            alias("latest", "3.6"),
        ],
        runs: Runs {
            ports: &["27017/tcp"],
            command: &["run-mongod"],
            user: "184",
            working_dir: "/opt/app-root/src",
        },
    },
    SeedStream {
        name: "nginx",
        display_name: "Nginx HTTP server and a reverse proxy",
        tags: &[
            docker(
                "1.24-ubi9",
                "registry.access.redhat.com/ubi9/nginx-124:latest",
                &[1, 20],
            ),
            docker(
                "1.22-ubi8",
                "registry.access.redhat.com/ubi8/nginx-122:latest",
                &[60],
            ),
            alias("latest", "1.24-ubi9"),
        ],
        runs: Runs {
            ports: &["8080/tcp", "8443/tcp"],
            command: S2I_USAGE,
            user: "1001",
            working_dir: "/opt/app-root/src",
        },
    },
    SeedStream {
        name: "postgresql",
        display_name: "PostgreSQL",
        tags: &[
            docker(
                "16-el9",
                "registry.redhat.io/rhel9/postgresql-16:latest",
                &[2, 33, 70],
            ),
            docker(
                "15-el9",
                "registry.redhat.io/rhel9/postgresql-15:latest",
                &[9],
            ),
            docker(
                "13-el8",
                "registry.redhat.io/rhel8/postgresql-13:latest",
                &[210],
            ),
            alias("latest", "16-el9"),
        ],
        runs: Runs {
            ports: &["5432/tcp"],
            command: &["run-postgresql"],
            user: "26",
            working_dir: "/var/lib/pgsql",
        },
    },
    SeedStream {
        name: "python",
        display_name: "Python",
        tags: &[
            docker(
                "3.12-ubi9",
                "registry.access.redhat.com/ubi9/python-312:latest",
                &[5, 26],
            ),
            docker(
                "3.11-ubi9",
                "registry.access.redhat.com/ubi9/python-311:latest",
                &[6],
            ),
            docker(
                "3.9-ubi8",
                "registry.access.redhat.com/ubi8/python-39:latest",
                &[150, 300],
            ),
            alias("latest", "3.12-ubi9"),
        ],
        runs: Runs {
            ports: &["8080/tcp"],
            command: S2I_USAGE,
            user: "1001",
            working_dir: "/opt/app-root/src",
        },
    },
];

/// A demo user and the token that logs in as them.
pub struct DemoUser {
    /// User name.
    pub name: &'static str,
    /// Bearer token (`oc whoami -t` would print it).
    pub token: &'static str,
    /// What the user may do.
    pub role: &'static str,
}

/// The users of a seeded cluster: an editor of the `demo` project, a viewer, and an admin.
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        name: "developer",
        token: "sha256~developer-devcluster-token",
        role: "edit in demo, view in openshift",
    },
    DemoUser {
        name: "viewer",
        token: "sha256~viewer-devcluster-token",
        role: "view in demo and openshift",
    },
    DemoUser {
        name: "admin",
        token: "sha256~admin-devcluster-token",
        role: "cluster-admin",
    },
];

/// A cluster holding the demo `openshift` project (the tutorial's streams) and an empty
/// user project `demo`, with history times relative to `now_millis`.
pub fn demo_cluster(now_millis: i64) -> Cluster {
    demo_cluster_with(ClusterSettings::default(), now_millis)
}

/// The demo cluster with the given settings.
pub fn demo_cluster_with(settings: ClusterSettings, now_millis: i64) -> Cluster {
    let mut cluster = Cluster::new(settings);
    let namespaces = resources::find("", "v1", "namespaces").expect("namespaces are served");
    let image_streams = resources::find("image.openshift.io", "v1", "imagestreams")
        .expect("imagestreams are served");
    for (name, display) in [("openshift", "Shared images"), ("demo", "Demo project")] {
        let namespace = serde_json::json!({"metadata": {"name": name, "annotations": {"openshift.io/display-name": display}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        if let Err(response) = cluster.restore_object(namespaces, None, namespace, now_millis) {
            panic!(
                "seeding namespace {name} failed: {}",
                String::from_utf8_lossy(&response.body)
            );
        }
    }
    for seed in OPENSHIFT_STREAMS {
        for (digest, image) in seed_images(seed, now_millis) {
            let key = crate::store::ObjectKey {
                resource: "images",
                namespace: String::new(),
                name: digest,
            };
            cluster.store.put(key, image);
        }
        let stream = serde_json::to_value(build_stream("openshift", seed, now_millis))
            .expect("seed streams serialize");
        if let Err(response) =
            cluster.restore_object(image_streams, Some("openshift"), stream, now_millis)
        {
            panic!(
                "seeding stream {} failed: {}",
                seed.name,
                String::from_utf8_lossy(&response.body)
            );
        }
    }
    let roles = [
        (
            "developer",
            "Developer",
            false,
            vec![("demo", Access::Edit), ("openshift", Access::View)],
        ),
        (
            "viewer",
            "Viewer",
            false,
            vec![("demo", Access::View), ("openshift", Access::View)],
        ),
        ("admin", "Administrator", true, vec![]),
    ];
    for ((name, full_name, cluster_admin, projects), user) in roles.into_iter().zip(DEMO_USERS) {
        cluster.add_user(
            name,
            user.token,
            UserRecord {
                full_name: full_name.into(),
                cluster_admin,
                projects: projects
                    .into_iter()
                    .map(|(ns, access)| (ns.to_owned(), access))
                    .collect(),
            },
        );
    }
    cluster
}

fn build_stream(namespace: &str, seed: &SeedStream, now: i64) -> ImageStream {
    let oldest_day = seed
        .tags
        .iter()
        .flat_map(|t| t.history_days_ago.iter().copied())
        .max()
        .unwrap_or(0);
    let mut spec_tags = Vec::new();
    let mut status_tags: BTreeMap<&str, Vec<TagEvent>> = BTreeMap::new();
    for tag in seed.tags {
        let from = match tag.source {
            Source::Docker(pull) => ObjectReference {
                kind: "DockerImage".into(),
                name: pull.into(),
                ..ObjectReference::default()
            },
            Source::Alias(target) => ObjectReference {
                kind: "ImageStreamTag".into(),
                name: target.into(),
                ..ObjectReference::default()
            },
        };
        spec_tags.push(TagReference {
            name: tag.name.into(),
            annotations: Some(Some(BTreeMap::from([(
                "openshift.io/display-name".to_owned(),
                format!("{} {}", seed.display_name, tag.name),
            )]))),
            from: Some(from),
            generation: Some(Some(1)),
            import_policy: Some(TagImportPolicy {
                import_mode: Some("Legacy".into()),
                ..TagImportPolicy::default()
            }),
            reference_policy: Some(TagReferencePolicy {
                policy_type: "Local".into(),
                ..TagReferencePolicy::default()
            }),
            ..TagReference::default()
        });
        if let Source::Docker(pull) = tag.source {
            let repository = pull.rsplit_once(':').map_or(pull, |(repo, _)| repo);
            let events = tag
                .history_days_ago
                .iter()
                .enumerate()
                .map(|(position, days)| {
                    let digest = seed_digest(seed.name, tag.name, position);
                    TagEvent {
                        created: format_rfc3339(now - days * DAY),
                        docker_image_reference: format!("{repository}@{digest}"),
                        image: digest,
                        generation: Some(1),
                        ..TagEvent::default()
                    }
                })
                .collect();
            status_tags.insert(tag.name, events);
        }
    }
    // An alias tag resolves to its target's current image, as the server records it.
    for tag in seed.tags {
        if let Source::Alias(target) = tag.source {
            if let Some(current) = status_tags.get(target).and_then(|events| events.first()) {
                let event = current.clone();
                status_tags.insert(tag.name, vec![event]);
            }
        }
    }
    ImageStream {
        metadata: ObjectMeta {
            name: Some(seed.name.into()),
            namespace: Some(namespace.into()),
            creation_timestamp: Some(Some(format_rfc3339(now - (oldest_day + 1) * DAY))),
            // Stamped as already imported, so the import controller leaves the seed alone.
            annotations: Some(BTreeMap::from([
                (
                    "openshift.io/display-name".to_owned(),
                    seed.display_name.to_owned(),
                ),
                (
                    crate::images::REPOSITORY_CHECK.to_owned(),
                    format_rfc3339(now),
                ),
            ])),
            ..ObjectMeta::default()
        },
        spec: Some(ImageStreamSpec {
            lookup_policy: Some(LookupPolicy::default()),
            tags: Some(spec_tags),
            ..ImageStreamSpec::default()
        }),
        status: Some(ImageStreamStatus {
            docker_image_repository: format!("{INTERNAL_REGISTRY}/{namespace}/{}", seed.name),
            tags: Some(
                status_tags
                    .into_iter()
                    .map(|(tag, events)| NamedTagEventList {
                        tag: tag.into(),
                        items: Some(Some(events)),
                        ..NamedTagEventList::default()
                    })
                    .collect(),
            ),
            ..ImageStreamStatus::default()
        }),
        ..ImageStream::default()
    }
}

/// The Image objects behind a seeded stream's history: (digest, Image), with the
/// `dockerImageMetadata` (a `DockerImage`, version `1.0`) and layers an import would have
/// recorded, so `oc describe istag` and the ImageStreamTag/ImageStreamImage reads show them.
/// Digests, sizes and times are derived from the seed, so every run shows the same values.
fn seed_images(seed: &SeedStream, now: i64) -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let mut images = Vec::new();
    for tag in seed.tags {
        let Source::Docker(pull) = tag.source else {
            continue;
        };
        let repository = pull.rsplit_once(':').map_or(pull, |(repo, _)| repo);
        let path = repository
            .split_once('/')
            .map_or(repository, |(_, path)| path);
        for (position, days) in tag.history_days_ago.iter().enumerate() {
            let digest = seed_digest(seed.name, tag.name, position);
            let created = format_rfc3339(now - days * DAY);
            let part =
                |what: &str| seed_digest(seed.name, &format!("{}/{what}", tag.name), position);
            // Sizes spread over tens of megabytes, stable per tag and position.
            let layer_size = |what: &str| {
                let hex = part(what);
                let n = i64::from_str_radix(hex.get(7..13).unwrap_or("0"), 16).unwrap_or(0);
                8_000_000 + n * 40
            };
            let layers: Vec<_> = ["base", "runtime"]
                .iter()
                .map(|what| json!({"name": part(what), "size": layer_size(what), "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"}))
                .collect();
            let config_size = 6_000 + (position as i64) * 17;
            let size = config_size
                + layers
                    .iter()
                    .filter_map(|l| l["size"].as_i64())
                    .sum::<i64>();
            let exposed: serde_json::Map<String, serde_json::Value> = seed
                .runs
                .ports
                .iter()
                .map(|port| ((*port).to_owned(), json!({})))
                .collect();
            let image = json!({
                "kind": "Image",
                "apiVersion": "image.openshift.io/v1",
                "metadata": {
                    "name": digest,
                    "creationTimestamp": created,
                    "annotations": {crate::registry::LAYERS_ORDER_ANNOTATION: "ascending"},
                },
                "dockerImageReference": format!("{repository}@{digest}"),
                "dockerImageMetadata": {
                    "kind": "DockerImage",
                    "apiVersion": "1.0",
                    "Id": part("config"),
                    "Created": created,
                    "ContainerConfig": {},
                    "Config": {
                        "User": seed.runs.user,
                        "ExposedPorts": exposed,
                        "Env": ["container=oci", "HOME=/opt/app-root/src", "PATH=/opt/app-root/src/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"],
                        "Cmd": seed.runs.command,
                        "WorkingDir": seed.runs.working_dir,
                        "Labels": {
                            "io.k8s.display-name": format!("{} {}", seed.display_name, tag.name),
                            "name": path,
                            "version": tag.name,
                        },
                    },
                    "Architecture": "amd64",
                    "Size": size,
                },
                "dockerImageMetadataVersion": "1.0",
                "dockerImageLayers": layers,
                "dockerImageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
            });
            images.push((digest, image));
        }
    }
    images
}

/// A reproducible `sha256:<64 hex>` for a seeded tag's history position.
fn seed_digest(stream: &str, tag: &str, position: usize) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(format!(
        "imagestream-console seed {stream}:{tag}#{position}"
    ));
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Generated image stream number `index` of a large project (`devcluster --seed-streams`, the
/// server load benchmark): `app-NNNNN` with five spec tags from `quay.io/bench-org`, each with
/// three images in its status history, recorded as imported at `now_millis` so the import
/// controller leaves it alone.
pub fn generated_stream(namespace: &str, index: usize, now_millis: i64) -> serde_json::Value {
    use serde_json::json;
    const TAGS: [&str; 5] = ["latest", "stable", "1.0", "1.1", "2.0"];
    let name = format!("app-{index:05}");
    let repository = format!("quay.io/bench-org/{name}");
    let spec_tags: Vec<_> = TAGS
        .iter()
        .map(|tag| {
            json!({
                "name": tag,
                "annotations": {"openshift.io/display-name": format!("{name} {tag}")},
                "from": {"kind": "DockerImage", "name": format!("{repository}:{tag}")},
                "generation": 1,
                "importPolicy": {"importMode": "Legacy"},
                "referencePolicy": {"type": "Source"},
            })
        })
        .collect();
    let status_tags: Vec<_> = TAGS
        .iter()
        .enumerate()
        .map(|(t, tag)| {
            let items: Vec<_> = (0..3)
                .map(|position| {
                    let digest = seed_digest(&name, tag, position);
                    let days = (position * 30 + t * 2 + index % 7 + 1) as i64;
                    json!({
                        "created": format_rfc3339(now_millis - days * DAY),
                        "dockerImageReference": format!("{repository}@{digest}"),
                        "image": digest,
                        "generation": 1,
                    })
                })
                .collect();
            json!({"tag": tag, "items": items})
        })
        .collect();
    json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": "ImageStream",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "creationTimestamp": format_rfc3339(now_millis - 120 * DAY),
            "labels": {"app": name},
            "annotations": {
                "openshift.io/display-name": format!("Application {index}"),
                crate::images::REPOSITORY_CHECK: format_rfc3339(now_millis),
            },
        },
        "spec": {"lookupPolicy": {"local": false}, "tags": spec_tags},
        "status": {
            "dockerImageRepository": format!("{INTERNAL_REGISTRY}/{namespace}/{name}"),
            "tags": status_tags,
        },
    })
}

/// Adds `count` [`generated_stream`]s to `namespace` (`devcluster --seed-streams N`).
pub fn add_generated_streams(
    cluster: &mut Cluster,
    namespace: &str,
    count: usize,
    now_millis: i64,
) -> Result<(), String> {
    let image_streams = resources::find("image.openshift.io", "v1", "imagestreams")
        .ok_or("imagestreams are not served")?;
    add_generated(
        cluster,
        image_streams,
        namespace,
        count,
        now_millis,
        |index| generated_stream(namespace, index, now_millis),
    )
}

/// Stores objects `0..count` of `resource` in `namespace` as `make` generates them.
fn add_generated(
    cluster: &mut Cluster,
    resource: &'static resources::Resource,
    namespace: &str,
    count: usize,
    now_millis: i64,
    make: impl Fn(usize) -> serde_json::Value,
) -> Result<(), String> {
    for index in 0..count {
        cluster
            .restore_object(resource, Some(namespace), make(index), now_millis)
            .map_err(|response| {
                format!(
                    "generating {} {index} in {namespace} failed: {}",
                    resource.kind,
                    String::from_utf8_lossy(&response.body)
                )
            })?;
    }
    Ok(())
}

/// How many of [`generated_deployment`]'s Deployments run an older image than their tag's
/// current one: every `PINNED_EVERY`th, so USED BY shows stale markers.
pub const PINNED_EVERY: usize = 4;

/// Generated Deployment number `index` of a large project (`devcluster --seed-deployments N`,
/// the console benchmark): `deploy-NNNNN`, one container following tag `TAG` of generated
/// stream `app-MMMMM` (`M = index % streams`, the tag chosen by `index`) through an image
/// trigger. Every [`PINNED_EVERY`]th one is pinned: its trigger is paused and it runs the tag's
/// previous image (one or two versions behind), so the reference graph has stale edges; the
/// others run the tag's current image, as the trigger controller would have written it.
pub fn generated_deployment(
    namespace: &str,
    index: usize,
    streams: usize,
    now_millis: i64,
) -> serde_json::Value {
    use serde_json::json;
    const TAGS: [&str; 5] = ["latest", "stable", "1.0", "1.1", "2.0"];
    let name = format!("deploy-{index:05}");
    let stream = format!("app-{:05}", index % streams.max(1));
    let tag = TAGS[(index / streams.max(1) + index) % TAGS.len()];
    let pinned = index % PINNED_EVERY == PINNED_EVERY - 1;
    // Position 0 is the tag's current image; pinned ones run one or two versions behind.
    let position = if pinned {
        1 + (index / PINNED_EVERY) % 2
    } else {
        0
    };
    let digest = seed_digest(&stream, tag, position);
    let image = format!("quay.io/bench-org/{stream}@{digest}");
    let mut trigger = json!({
        "from": {"kind": "ImageStreamTag", "name": format!("{stream}:{tag}")},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"app\")].image",
    });
    if pinned {
        trigger["paused"] = json!(true);
    }
    let triggers = serde_json::to_string(&[trigger]).unwrap_or_default();
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "creationTimestamp": format_rfc3339(now_millis - 30 * DAY),
            "labels": {"app": name},
            "annotations": {imagestream_model::workload::TRIGGERS_ANNOTATION: triggers},
        },
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
        },
        "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1},
    })
}

/// Adds `count` [`generated_deployment`]s to `namespace`, following its first `streams`
/// generated streams (`devcluster --seed-deployments N`), then runs the cluster's controllers
/// once so their ReplicaSets exist before the server starts rather than on the first write.
pub fn add_generated_deployments(
    cluster: &mut Cluster,
    namespace: &str,
    count: usize,
    streams: usize,
    now_millis: i64,
) -> Result<(), String> {
    if count > 0 && streams == 0 {
        return Err("generated Deployments follow generated streams: --seed-deployments needs --seed-streams".into());
    }
    let deployments =
        resources::find("apps", "v1", "deployments").ok_or("deployments are not served")?;
    add_generated(
        cluster,
        deployments,
        namespace,
        count,
        now_millis,
        |index| generated_deployment(namespace, index, streams, now_millis),
    )?;
    if count > 0 {
        cluster.reconcile(now_millis);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiRequest;
    use imagestream_model::columns::tags_newest_first;
    use imagestream_model::ImageStream;

    /// GET `path` as the first demo user; the answer must be 200.
    fn get(cluster: &mut Cluster, path: &str) -> serde_json::Value {
        let response = cluster.handle(&ApiRequest {
            method: "GET".into(),
            path: path.into(),
            authorization: Some(format!("Bearer {}", DEMO_USERS[0].token)),
            ..ApiRequest::default()
        });
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        serde_json::from_slice(&response.body).unwrap()
    }

    fn stream(cluster: &mut Cluster, name: &str) -> ImageStream {
        let path = format!("/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/{name}");
        serde_json::from_value(get(cluster, &path)).unwrap()
    }

    #[test]
    fn aliases_point_at_their_targets_current_image() {
        let mut cluster = demo_cluster(0);
        let httpd = stream(&mut cluster, "httpd");
        let image_of = |tag: &str| {
            httpd
                .status_tags()
                .iter()
                .find(|t| t.tag == tag)
                .and_then(|t| t.events().first())
                .map(|e| e.image.clone())
        };
        assert_eq!(image_of("latest"), image_of("2.4-el9"));
        assert!(image_of("latest").unwrap().starts_with("sha256:"));
        assert_eq!(image_of("latest").unwrap().len(), 71);
    }

    #[test]
    fn history_is_newest_first() {
        let mut cluster = demo_cluster(1_700_000_000_000);
        let postgresql = stream(&mut cluster, "postgresql");
        assert_eq!(tags_newest_first(&postgresql)[..2], ["16-el9", "latest"]);
        let history = postgresql
            .status_tags()
            .iter()
            .find(|t| t.tag == "16-el9")
            .unwrap();
        let created: Vec<_> = history
            .events()
            .iter()
            .map(|e| e.created.as_str())
            .collect();
        let mut sorted = created.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(created, sorted);
        assert_eq!(created.len(), 3);
    }

    #[test]
    fn generated_deployments_follow_generated_streams_and_some_are_stale() {
        use imagestream_model::graph::{ProjectObjects, ReferenceGraph};
        use imagestream_model::Deployment;
        let now = 1_700_000_000_000;
        let mut cluster = demo_cluster(now);
        add_generated_streams(&mut cluster, "demo", 10, now).unwrap();
        add_generated_deployments(&mut cluster, "demo", 40, 10, now).unwrap();
        let deployments: Vec<Deployment> = serde_json::from_value(
            get(&mut cluster, "/apis/apps/v1/namespaces/demo/deployments")["items"].clone(),
        )
        .unwrap();
        let streams: Vec<ImageStream> = serde_json::from_value(
            get(
                &mut cluster,
                "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            )["items"]
                .clone(),
        )
        .unwrap();
        assert_eq!(deployments.len(), 40);
        // The trigger controller left every image as seeded: current ones were current, pinned
        // ones are paused.
        for (index, deployment) in deployments.iter().enumerate() {
            let expected = generated_deployment("demo", index, 10, now);
            assert_eq!(
                deployment.containers()[0].image.as_deref(),
                expected
                    .pointer("/spec/template/spec/containers/0/image")
                    .and_then(|v| v.as_str()),
                "{}",
                deployment.metadata.name()
            );
        }
        let graph = ReferenceGraph::build(&ProjectObjects {
            namespace: "demo",
            streams: &streams,
            deployments: &deployments,
            deployment_configs: &[],
            pods: &[],
        });
        let (mut workloads, mut stale) = (0, 0);
        for index in 0..10 {
            let usage = graph.stream_usage("demo", &format!("app-{index:05}"));
            workloads += usage.workloads;
            stale += usage.stale;
        }
        assert_eq!(workloads, 40);
        assert_eq!(stale, 40 / PINNED_EVERY);
        // ReplicaSets were made at seeding time, one per Deployment.
        let replica_sets = get(&mut cluster, "/apis/apps/v1/namespaces/demo/replicasets");
        assert_eq!(replica_sets["items"].as_array().map(Vec::len), Some(40));
        assert!(add_generated_deployments(&mut cluster, "demo", 1, 0, now).is_err());
    }
}

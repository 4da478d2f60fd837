//! Saving and loading a cluster's state, so that `devcluster --state FILE` keeps what was
//! created across restarts (issue 4 part 6), and durably so (issue 15): a write is answered
//! only once it is on disk, as an API server backed by etcd answers.
//!
//! # Files
//!
//! `--state FILE` keeps the cluster in a *snapshot* (`FILE`) and an append-only *log* of the
//! changes since (`FILE.wal.N`, see [`crate::log_record`] and the native `wal` module):
//!
//! * `FILE` is one JSON document, a `DevclusterState`:
//!
//!   ```json
//!   {"kind": "DevclusterState", "version": 2, "resourceVersion": 42, "logSegment": 3,
//!    "objects": [{"resource": "imagestreams", "namespace": "demo", "name": "app", "object": {…}}],
//!    "grants": {"developer": {"demo": "edit", "openshift": "view"}}}
//!   ```
//!
//!   - `objects` is every stored object exactly as stored (status and `resourceVersion`
//!     included); virtual resources (ImageStreamTags, projects, …) are computed from them and
//!     not saved.
//!   - `resourceVersion` is the cluster-wide counter at the snapshot.
//!   - `grants` are the users' per-project roles (a user who created a project is its admin).
//!     Users and their tokens (OAuth-issued ones too) are not saved: they come from the seed.
//!   - `logSegment` (version 2 only) names the first log segment that continues the snapshot:
//!     `FILE.wal.3`, then `FILE.wal.4`, …; lower-numbered segments are already in it.
//!
//!   Version 1 documents (written by earlier builds, and by the in-browser demo, which keeps
//!   its state in the page) have no `logSegment` and no log: they load as they are.
//! * `FILE.wal.N` holds one line per change after the snapshot, in resourceVersion order:
//!   an ADDED, MODIFIED or DELETED object with its key and version, or the new grants.
//!
//! The snapshot is written atomically (a temporary file, fsync, rename, fsync of the
//! directory) at every start and whenever the log has grown past a limit (compaction); the
//! log segments it covers are then removed.
//!
//! # Loading
//!
//! Loading checks the whole document before touching the cluster, so a malformed file leaves
//! the cluster as it was and yields an error that names the offending entry; it never panics,
//! and accepts objects deeper than a write may store them ([`LOAD_DEPTH_LIMIT`]). Replaying the
//! log checks that every record continues the one before (versions one apart, no ADDED of an
//! object that exists, no MODIFIED or DELETED of one that does not).
//!
//! The change log that watches read starts at the snapshot's version and holds the replayed
//! records: a watch resumed from a version since the snapshot gets the changes after it; one
//! from before gets `410 Expired` and re-lists, as after an etcd compaction. Since a version
//! reaches clients only once it is on disk, a recovered counter is never behind a version a
//! client has seen.
//!
//! Not saved: the counters behind generated service cluster IPs (a service created after a
//! restart may get an IP an older one has) and the controllers' work queues (scheduled imports
//! are found again from the streams themselves).

use crate::api::Cluster;
use crate::auth::Access;
use crate::resources::{Storage, RESOURCES};
use crate::store::ObjectKey;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Levels a state document wraps each object in (`{"objects": [{"object": …}]}`): with them,
/// the deepest object the API stores must still parse when the file is loaded.
const STATE_WRAPPING_DEPTH: usize = 3;
const _: () = assert!(
    crate::limits::MAX_OBJECT_DEPTH + STATE_WRAPPING_DEPTH < crate::limits::PARSER_DEPTH_LIMIT
);

/// `kind` of a state document, so that another JSON file is not mistaken for one.
pub const STATE_KIND: &str = "DevclusterState";
/// The version of a whole state without a log ([`Cluster::save_state`]; earlier builds'
/// state files): still read.
pub const STATE_VERSION: u64 = 1;
/// The version of a snapshot continued by log segments (`logSegment`), written by
/// [`write_snapshot`].
pub const SNAPSHOT_VERSION: u64 = 2;

/// How deeply nested an object in a state file or log may be, counting the object itself as 1,
/// for loading: kube-apiserver's JSON decoding limit (apimachinery's `util/json`, `maxDepth`).
/// Writes store far less ([`crate::limits::MAX_OBJECT_DEPTH`]), so everything a write stored
/// loads again, with room for files from builds that stored deeper objects.
pub const LOAD_DEPTH_LIMIT: usize = 10_000;

/// The users' per-project roles, by user then namespace, as a state document's `grants`.
pub type Grants = BTreeMap<String, BTreeMap<String, Access>>;

pub(crate) fn access_name(access: Access) -> &'static str {
    match access {
        Access::View => "view",
        Access::Edit => "edit",
        Access::Admin => "admin",
    }
}

pub(crate) fn parse_access(text: &str) -> Option<Access> {
    match text {
        "view" => Some(Access::View),
        "edit" => Some(Access::Edit),
        "admin" => Some(Access::Admin),
        _ => None,
    }
}

fn field<'a>(entry: &'a Map<String, Value>, name: &str, at: &str) -> Result<&'a str, String> {
    entry
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}: {name:?} must be a string"))
}

impl Cluster {
    /// Everything a restart must keep, as one version 1 JSON document (see the module docs):
    /// every stored object, the resourceVersion counter and the users' project grants.
    pub fn save_state(&self) -> Value {
        let objects: Vec<Value> = self
            .store
            .iter()
            .map(|(key, object)| {
                json!({
                    "resource": key.resource,
                    "namespace": key.namespace,
                    "name": key.name,
                    "object": **object,
                })
            })
            .collect();
        json!({
            "kind": STATE_KIND,
            "version": STATE_VERSION,
            "resourceVersion": self.store.resource_version(),
            "objects": objects,
            "grants": grants_json(&self.grants()),
        })
    }

    /// The users' project roles, as saved.
    pub fn grants(&self) -> Grants {
        self.auth
            .users()
            .map(|(name, record)| (name.to_owned(), record.projects.clone()))
            .collect()
    }

    /// Replaces the stored objects, the resourceVersion counter and the grants of known users
    /// with a document from [`Cluster::save_state`] or [`write_snapshot`]. The whole document
    /// is checked first: on error the cluster is unchanged and the message says what is wrong
    /// where. Grants of users this cluster does not know are ignored (users come from the seed).
    pub fn load_state(&mut self, state: Value) -> Result<(), String> {
        self.load_state_document(state).map(|_| ())
    }

    /// [`Cluster::load_state`], telling which log segment continues the document: `None` for
    /// a version 1 document (no log), `Some(N)` for a snapshot continued by `FILE.wal.N`.
    pub fn load_state_document(&mut self, state: Value) -> Result<Option<u64>, String> {
        let Value::Object(mut state) = state else {
            return Err("the state must be a JSON object".into());
        };
        match state.get("kind").and_then(Value::as_str) {
            Some(STATE_KIND) => {}
            Some(other) => {
                return Err(format!(
                    "\"kind\" is {other:?}, not {STATE_KIND:?}: not a devcluster state file"
                ))
            }
            None => {
                return Err(format!(
                    "\"kind\" {STATE_KIND:?} is missing: not a devcluster state file"
                ))
            }
        }
        let log_segment = match state.get("version").and_then(Value::as_u64) {
            Some(STATE_VERSION) => None,
            Some(SNAPSHOT_VERSION) => Some(
                state
                    .get("logSegment")
                    .and_then(Value::as_u64)
                    .ok_or("\"logSegment\" must be a whole number")?,
            ),
            Some(other) => {
                return Err(format!(
                    "state format version {other} is not supported (this devcluster reads versions {STATE_VERSION} and {SNAPSHOT_VERSION})"
                ))
            }
            None => return Err("\"version\" must be a whole number".into()),
        };
        let resource_version = state
            .get("resourceVersion")
            .and_then(Value::as_u64)
            .ok_or("\"resourceVersion\" must be a whole number")?;
        let Some(Value::Array(entries)) = state.remove("objects") else {
            return Err("\"objects\" must be an array".into());
        };
        let mut objects = BTreeMap::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let (key, object) = restored_object(index, entry, resource_version)?;
            if objects.contains_key(&key) {
                return Err(format!(
                    "objects[{index}]: {} {:?} in namespace {:?} appears twice",
                    key.resource, key.name, key.namespace
                ));
            }
            objects.insert(key, Arc::new(object));
        }
        let grants = match state.get("grants") {
            None => BTreeMap::new(),
            Some(grants) => parse_grants(grants, "grants")?,
        };
        self.store.replace_all(objects, resource_version);
        self.set_grants(grants);
        // Work the controllers had queued was about the replaced objects.
        self.import_queue.clear();
        Ok(log_segment)
    }

    /// Gives each known user the project roles `grants` names for them.
    pub(crate) fn set_grants(&mut self, grants: Grants) {
        for (user, projects) in grants {
            self.auth.set_projects(&user, projects);
        }
    }
}

/// `grants` as JSON: user → namespace → `"view"`, `"edit"` or `"admin"`.
pub(crate) fn grants_json(grants: &Grants) -> Value {
    let users: Map<String, Value> = grants
        .iter()
        .map(|(user, projects)| {
            let projects: Map<String, Value> = projects
                .iter()
                .map(|(namespace, access)| (namespace.clone(), json!(access_name(*access))))
                .collect();
            (user.clone(), Value::Object(projects))
        })
        .collect();
    Value::Object(users)
}

/// Reads `grants` written by [`grants_json`]; `at` names it in errors.
pub(crate) fn parse_grants(grants: &Value, at: &str) -> Result<Grants, String> {
    let Value::Object(grants) = grants else {
        return Err(format!("\"{at}\" must be an object"));
    };
    let mut parsed = BTreeMap::new();
    for (user, projects) in grants {
        let Value::Object(projects) = projects else {
            return Err(format!("{at}.{user}: must be an object of project roles"));
        };
        let mut roles = BTreeMap::new();
        for (namespace, access) in projects {
            let access = access.as_str().and_then(parse_access).ok_or_else(|| {
                format!(
                    "{at}.{user}.{namespace}: {access} is not one of \"view\", \"edit\", \"admin\""
                )
            })?;
            roles.insert(namespace.clone(), access);
        }
        parsed.insert(user.clone(), roles);
    }
    Ok(parsed)
}

/// Writes a version 2 snapshot (see the module docs) of `objects` at `resource_version`,
/// continued by log segment `log_segment`. Entries are written one after the other from the
/// shared objects, so a snapshot of thousands of objects never holds a second copy of them.
pub fn write_snapshot<'a>(
    out: &mut impl std::io::Write,
    resource_version: u64,
    log_segment: u64,
    objects: impl Iterator<Item = (&'a ObjectKey, &'a Arc<Value>)>,
    grants: &Grants,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Entry<'e> {
        resource: &'e str,
        namespace: &'e str,
        name: &'e str,
        object: &'e Value,
    }
    write!(
        out,
        "{{\"kind\":\"{STATE_KIND}\",\"version\":{SNAPSHOT_VERSION},\"resourceVersion\":{resource_version},\"logSegment\":{log_segment},\"objects\":["
    )?;
    for (index, (key, object)) in objects.enumerate() {
        if index > 0 {
            out.write_all(b",\n")?;
        }
        let entry = Entry {
            resource: key.resource,
            namespace: &key.namespace,
            name: &key.name,
            object,
        };
        serde_json::to_writer(&mut *out, &entry)?;
    }
    out.write_all(b"],\n\"grants\":")?;
    serde_json::to_writer(&mut *out, &grants_json(grants))?;
    out.write_all(b"}\n")
}

/// Parses a JSON document whose values may nest `max_depth` levels deep (serde_json stops at
/// 128 by default, less than a write may store). The depth is checked on the bytes first, so
/// a hostile file cannot drive the parser's recursion further; the caller runs this on a
/// thread whose stack fits `max_depth` levels (the server loads on one).
pub fn parse_deep_json(bytes: &[u8], max_depth: usize) -> Result<Value, String> {
    let depth = json_depth(bytes);
    if depth > max_depth {
        return Err(format!(
            "it nests {depth} levels deep, more than the {max_depth} a stored object may"
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    deserializer.disable_recursion_limit();
    let value = <Value as serde::Deserialize>::deserialize(&mut deserializer)
        .map_err(|err| err.to_string())?;
    deserializer.end().map_err(|err| err.to_string())?;
    Ok(value)
}

/// The deepest nesting of arrays and objects in JSON text (strings skipped), without parsing
/// it: a scan of brackets, written here because no JSON library reports depth before it
/// recurses. Malformed text gives some number; the parser then reports what is wrong.
pub(crate) fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0_usize, 0_usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth = depth.saturating_add(1);
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Checks one `objects[index]` entry and returns where it is stored and the object.
fn restored_object(
    index: usize,
    entry: Value,
    resource_version: u64,
) -> Result<(ObjectKey, Value), String> {
    let at = format!("objects[{index}]");
    let Value::Object(mut entry) = entry else {
        return Err(format!("{at}: must be an object"));
    };
    let resource = field(&entry, "resource", &at)?.to_owned();
    let namespace = field(&entry, "namespace", &at)?.to_owned();
    let name = field(&entry, "name", &at)?.to_owned();
    let object = entry.remove("object");
    let (key, object) = checked_object(&at, &resource, namespace, name, object)?;
    let at = format!("{at} ({resource} {}/{})", key.namespace, key.name);
    let version = object_version(&object)
        .ok_or_else(|| format!("{at}: metadata.resourceVersion must be a number in a string"))?;
    if version > resource_version {
        return Err(format!(
            "{at}: metadata.resourceVersion {version} is newer than the saved counter {resource_version}"
        ));
    }
    Ok((key, object))
}

/// An object's `metadata.resourceVersion` as a number.
pub(crate) fn object_version(object: &Value) -> Option<u64> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<u64>().ok())
}

/// Checks that `object` may be stored as `resource` `namespace`/`name` (a stored resource,
/// the right scope, matching metadata) and returns its key; `at` names it in errors. Shared by
/// snapshot entries and log records.
pub(crate) fn checked_object(
    at: &str,
    resource_name: &str,
    namespace: String,
    name: String,
    object: Option<Value>,
) -> Result<(ObjectKey, Value), String> {
    let resource = RESOURCES
        .iter()
        .find(|r| r.id() == resource_name && r.storage == Storage::Stored)
        .ok_or_else(|| format!("{at}: {resource_name:?} is not a stored resource"))?;
    if name.is_empty() {
        return Err(format!("{at}: \"name\" is empty"));
    }
    match (resource.namespaced, namespace.is_empty()) {
        (true, true) => return Err(format!("{at}: {resource_name} {name:?} needs a namespace")),
        (false, false) => {
            return Err(format!(
                "{at}: {resource_name} {name:?} is cluster-scoped but has namespace {namespace:?}"
            ))
        }
        _ => {}
    }
    let at = format!("{at} ({resource_name} {namespace}/{name})");
    let object = match object {
        Some(object @ Value::Object(_)) => object,
        _ => return Err(format!("{at}: \"object\" must be a JSON object")),
    };
    let meta = object.get("metadata");
    if meta.and_then(|m| m.get("name")).and_then(Value::as_str) != Some(name.as_str()) {
        return Err(format!(
            "{at}: metadata.name does not match the entry's name"
        ));
    }
    let object_namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    if let Some(object_namespace) = object_namespace.filter(|ns| *ns != namespace) {
        return Err(format!(
            "{at}: metadata.namespace {object_namespace:?} does not match the entry's namespace"
        ));
    }
    let key = ObjectKey {
        resource: resource.id(),
        namespace,
        name,
    };
    Ok((key, object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{demo_cluster, DEMO_USERS};
    use crate::{ApiRequest, ApiResponse};

    const NOW: i64 = 1_780_000_000_000;

    fn send(
        cluster: &mut Cluster,
        user: &str,
        method: &str,
        path: &str,
        body: Value,
    ) -> ApiResponse {
        let token = DEMO_USERS.iter().find(|u| u.name == user).unwrap().token;
        cluster.handle(&ApiRequest {
            method: method.into(),
            path: path.into(),
            body: if body.is_null() {
                Vec::new()
            } else {
                serde_json::to_vec(&body).unwrap()
            },
            content_type: "application/json".into(),
            accept: "application/json".into(),
            authorization: Some(format!("Bearer {token}")),
            now_millis: NOW,
            ..ApiRequest::default()
        })
    }

    const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

    /// A cluster with a user-made stream and project, and a deleted object (so the counter
    /// is ahead of every stored version).
    fn worked_on() -> Cluster {
        let mut cluster = demo_cluster(NOW);
        let created = send(
            &mut cluster,
            "developer",
            "POST",
            STREAMS,
            json!({"metadata": {"name": "web", "labels": {"app": "web"}}, "spec": {"tags": [{"name": "1.0", "from": {"kind": "DockerImage", "name": "quay.io/example/web:1.0"}, "reference": true}]}}),
        );
        assert_eq!(created.status, 201, "{:?}", created.json_body());
        let project = send(
            &mut cluster,
            "viewer",
            "POST",
            "/apis/project.openshift.io/v1/projectrequests",
            json!({"kind": "ProjectRequest", "apiVersion": "project.openshift.io/v1", "metadata": {"name": "mine"}}),
        );
        assert_eq!(project.status, 201, "{:?}", project.json_body());
        let temporary = send(
            &mut cluster,
            "developer",
            "POST",
            STREAMS,
            json!({"metadata": {"name": "gone"}}),
        );
        assert_eq!(temporary.status, 201);
        assert_eq!(
            send(
                &mut cluster,
                "developer",
                "DELETE",
                &format!("{STREAMS}/gone"),
                Value::Null
            )
            .status,
            200
        );
        cluster
    }

    #[test]
    fn a_saved_state_loads_back_with_objects_versions_and_grants() {
        let original = worked_on();
        let text = serde_json::to_string(&original.save_state()).unwrap();
        let mut restored = demo_cluster(NOW + 5_000);
        restored
            .load_state(serde_json::from_str(&text).unwrap())
            .unwrap();

        assert_eq!(restored.resource_version(), original.resource_version());
        let keys = |c: &Cluster| {
            c.store
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(&restored),
            keys(&original),
            "every object, byte for byte"
        );
        let stream = send(
            &mut restored,
            "developer",
            "GET",
            &format!("{STREAMS}/web"),
            Value::Null,
        );
        assert_eq!(stream.status, 200);
        let before = send(
            &mut worked_on(),
            "developer",
            "GET",
            &format!("{STREAMS}/web"),
            Value::Null,
        )
        .json_body();
        assert_eq!(
            stream.json_body()["metadata"]["resourceVersion"],
            before["metadata"]["resourceVersion"]
        );
        assert_eq!(stream.json_body()["spec"]["tags"][0]["name"], "1.0");
        assert_eq!(
            send(
                &mut restored,
                "developer",
                "GET",
                &format!("{STREAMS}/gone"),
                Value::Null
            )
            .status,
            404
        );
        for user in ["developer", "viewer", "admin"] {
            assert_eq!(restored.auth.user(user), original.auth.user(user), "{user}");
        }
        // The viewer made project "mine" and administers it after the restart too.
        let in_mine = send(
            &mut restored,
            "viewer",
            "POST",
            "/apis/image.openshift.io/v1/namespaces/mine/imagestreams",
            json!({"metadata": {"name": "x"}}),
        );
        assert_eq!(in_mine.status, 201, "{:?}", in_mine.json_body());
        let version: u64 = in_mine.json_body()["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            version,
            original.resource_version() + 1,
            "versions continue from the counter"
        );
    }

    #[test]
    fn watches_from_before_the_load_must_re_list() {
        let original = worked_on();
        let mut restored = demo_cluster(NOW);
        restored.load_state(original.save_state()).unwrap();
        let version = restored.resource_version();
        assert!(restored.store.changes_since(version - 1).is_err());
        assert_eq!(restored.store.changes_since(version).unwrap().count(), 0);
    }

    #[test]
    fn malformed_states_are_refused_with_a_reason_and_change_nothing() {
        let good = worked_on().save_state();
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut state = good.clone();
            edit(&mut state);
            state
        };
        let cases: Vec<(Value, &str)> = vec![
            (json!([1, 2]), "must be a JSON object"),
            (json!({"kind": "Deployment"}), "not a devcluster state file"),
            (
                with(&|s| s["version"] = json!(7)),
                "version 7 is not supported",
            ),
            (
                with(&|s| s["resourceVersion"] = json!("12")),
                "\"resourceVersion\" must be a whole number",
            ),
            (
                with(&|s| s["objects"] = json!({})),
                "\"objects\" must be an array",
            ),
            (
                with(&|s| s["objects"][0] = json!("x")),
                "objects[0]: must be an object",
            ),
            (
                with(&|s| s["objects"][0]["resource"] = json!("imagestreamtags")),
                "is not a stored resource",
            ),
            (
                with(&|s| s["objects"][0]["name"] = json!(3)),
                "\"name\" must be a string",
            ),
            (
                with(&|s| s["objects"][0]["object"] = json!(null)),
                "\"object\" must be a JSON object",
            ),
            (
                with(&|s| {
                    s["objects"][0]["object"]["metadata"]["resourceVersion"] = json!("999999")
                }),
                "is newer than the saved counter",
            ),
            (
                with(&|s| s["objects"][0]["object"]["metadata"]["name"] = json!("other")),
                "metadata.name does not match",
            ),
            (
                with(&|s| {
                    let first = s["objects"][0].clone();
                    s["objects"].as_array_mut().unwrap().push(first);
                }),
                "appears twice",
            ),
            (
                with(&|s| s["grants"]["developer"]["demo"] = json!("owner")),
                "grants.developer.demo",
            ),
            (
                with(&|s| s["grants"] = json!([])),
                "\"grants\" must be an object",
            ),
        ];
        for (state, expected) in cases {
            let mut cluster = demo_cluster(NOW);
            let before = cluster.save_state();
            let error = cluster.load_state(state).unwrap_err();
            assert!(
                error.contains(expected),
                "{error:?} should mention {expected:?}"
            );
            assert_eq!(
                cluster.save_state(),
                before,
                "a refused state changes nothing"
            );
        }
        let namespaced_without = with(&|s| {
            let entry = s["objects"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|e| e["resource"] == "imagestreams")
                .unwrap();
            entry["namespace"] = json!("");
        });
        assert!(demo_cluster(NOW)
            .load_state(namespaced_without)
            .unwrap_err()
            .contains("needs a namespace"));
    }

    #[test]
    fn a_snapshot_loads_back_like_a_whole_state_and_names_its_log() {
        let original = worked_on();
        let mut text = Vec::new();
        write_snapshot(
            &mut text,
            original.resource_version(),
            4,
            original.store.iter(),
            &original.grants(),
        )
        .unwrap();
        let document = parse_deep_json(&text, LOAD_DEPTH_LIMIT + 3).unwrap();
        assert_eq!(document["version"], SNAPSHOT_VERSION);
        // The same content as the whole state of version 1, with its log segment.
        let mut whole = original.save_state();
        whole["version"] = json!(SNAPSHOT_VERSION);
        whole["logSegment"] = json!(4);
        assert_eq!(document, whole);
        let mut restored = demo_cluster(NOW);
        assert_eq!(restored.load_state_document(document).unwrap(), Some(4));
        assert_eq!(restored.save_state(), original.save_state());
        let mut old = demo_cluster(NOW);
        assert_eq!(
            old.load_state_document(original.save_state()).unwrap(),
            None,
            "a version 1 document has no log"
        );
        let mut without = whole.clone();
        without.as_object_mut().unwrap().remove("logSegment");
        assert!(demo_cluster(NOW)
            .load_state_document(without)
            .unwrap_err()
            .contains("\"logSegment\" must be a whole number"));
    }

    #[test]
    fn depth_is_counted_on_the_bytes_outside_strings() {
        assert_eq!(json_depth(br#"{"a": [1, {"b": "[[[{{{"}], "c": "\"]"}"#), 3);
        assert_eq!(json_depth(b"5"), 0);
        assert_eq!(json_depth(b"]]]}}"), 0, "malformed text does not underflow");
        let error = parse_deep_json(b"[[[1]]]", 2).unwrap_err();
        assert!(error.contains("nests 3 levels deep"), "{error}");
        assert_eq!(parse_deep_json(b"[[[1]]]", 3).unwrap(), json!([[[1]]]));
        assert!(parse_deep_json(b"[[[1]]] x", 3).is_err(), "trailing text");
    }

    #[test]
    fn unknown_users_in_grants_are_ignored() {
        let mut state = worked_on().save_state();
        state["grants"]["someone"] = json!({"demo": "admin"});
        let mut cluster = demo_cluster(NOW);
        cluster.load_state(state).unwrap();
        assert!(cluster.auth.user("someone").is_none());
    }
}

//! One record of the state log (`FILE.wal.N` next to a `--state FILE`, see [`crate::persist`]):
//! its form on disk, its checksum, and its replay into a cluster. Files and fsync are the
//! native `wal` module's; this part has none, so it builds for wasm32 with the library.
//!
//! A log segment is text, one record per line, the first line its header:
//!
//! ```text
//! 2c6a4f0e {"kind":"DevclusterStateLog","version":1,"segment":3}
//! 0e1f2a3b {"resourceVersion":43,"type":"ADDED","resource":"imagestreams","namespace":"demo","name":"web","object":{…}}
//! 9a8b7c6d {"resourceVersion":44,"type":"DELETED","resource":"imagestreams","namespace":"demo","name":"web","object":{…}}
//! 11223344 {"resourceVersion":45,"type":"GRANTS","grants":{"developer":{"demo":"edit"}}}
//! ```
//!
//! * The 8 hex digits are the CRC-32 of the JSON after the space: a line cut short by a crash
//!   or changed on disk fails it.
//! * `ADDED`, `MODIFIED`, `DELETED`: one change of a stored object, with the resourceVersion it
//!   produced (versions go up by one from record to record, as the store hands them out) and
//!   the object after it (for a deletion, its last state with the deletion's version: what
//!   watchers are sent).
//! * `GRANTS`: the users' project roles after the change whose version it carries (a project
//!   request creates a namespace and makes its requester admin); not a version of its own.

use crate::api::Cluster;
use crate::persist::{checked_object, grants_json, object_version, parse_grants, Grants};
use crate::persist::{parse_deep_json, LOAD_DEPTH_LIMIT};
use crate::store::{ChangeType, ObjectKey};
use serde_json::{json, Map, Value};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// `kind` of a log segment's header line.
pub const LOG_KIND: &str = "DevclusterStateLog";
/// The log format version written and read by this build.
pub const LOG_VERSION: u64 = 1;

/// One change as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// An object was created, updated or deleted.
    Object {
        /// The resourceVersion the change produced.
        version: u64,
        /// Which object.
        key: ObjectKey,
        /// What happened.
        change: ChangeType,
        /// The object after the change (its last state, for a deletion).
        object: Arc<Value>,
    },
    /// The users' project roles changed along with the change at `version`.
    Grants {
        /// The resourceVersion of the change they came with.
        version: u64,
        /// Every known user's roles.
        grants: Grants,
    },
}

/// Why a line of a log segment cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// Not what was written: cut short, or its checksum does not match (a torn write at the
    /// end of the log; anywhere else, damage).
    Damaged(String),
    /// Written whole (the checksum matches) but not a record this build reads.
    Invalid(String),
}

impl Record {
    /// The resourceVersion the record belongs to.
    pub fn version(&self) -> u64 {
        match self {
            Record::Object { version, .. } | Record::Grants { version, .. } => *version,
        }
    }

    /// Appends the record as one line (checksum, space, JSON, newline) to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), String> {
        #[derive(serde::Serialize)]
        struct ObjectLine<'a> {
            #[serde(rename = "resourceVersion")]
            version: u64,
            #[serde(rename = "type")]
            change: &'a str,
            resource: &'a str,
            namespace: &'a str,
            name: &'a str,
            object: &'a Value,
        }
        write_line(out, |out| match self {
            Record::Object {
                version,
                key,
                change,
                object,
            } => serde_json::to_writer(
                out,
                &ObjectLine {
                    version: *version,
                    change: change.as_str(),
                    resource: key.resource,
                    namespace: &key.namespace,
                    name: &key.name,
                    object,
                },
            ),
            Record::Grants { version, grants } => serde_json::to_writer(
                out,
                &json!({"resourceVersion": version, "type": "GRANTS", "grants": grants_json(grants)}),
            ),
        })
    }

    /// Reads a record from a line's JSON (see [`decode_line`]); the error says what is wrong.
    pub fn decode(value: Value) -> Result<Record, String> {
        let Value::Object(mut line) = value else {
            return Err("a record must be a JSON object".into());
        };
        let version = line
            .get("resourceVersion")
            .and_then(Value::as_u64)
            .ok_or("\"resourceVersion\" must be a whole number")?;
        let change = match line.get("type").and_then(Value::as_str) {
            Some("ADDED") => ChangeType::Added,
            Some("MODIFIED") => ChangeType::Modified,
            Some("DELETED") => ChangeType::Deleted,
            Some("GRANTS") => {
                let grants = parse_grants(line.get("grants").unwrap_or(&Value::Null), "grants")?;
                return Ok(Record::Grants { version, grants });
            }
            _ => return Err("\"type\" must be ADDED, MODIFIED, DELETED or GRANTS".into()),
        };
        let text = |line: &Map<String, Value>, name: &str| {
            line.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("{name:?} must be a string"))
        };
        let resource = text(&line, "resource")?;
        let (namespace, name) = (text(&line, "namespace")?, text(&line, "name")?);
        let object = line.remove("object");
        let (key, object) = checked_object("the record", &resource, namespace, name, object)?;
        if object_version(&object) != Some(version) {
            return Err(format!(
                "the object's metadata.resourceVersion is not the record's {version}"
            ));
        }
        Ok(Record::Object {
            version,
            key,
            change,
            object: Arc::new(object),
        })
    }
}

/// Appends a segment's header line (its kind, format version and number) to `out`.
pub fn encode_header(segment: u64, out: &mut Vec<u8>) -> Result<(), String> {
    write_line(out, |out| {
        serde_json::to_writer(
            out,
            &json!({"kind": LOG_KIND, "version": LOG_VERSION, "segment": segment}),
        )
    })
}

/// Checks a header line's JSON (from [`decode_line`]) against the segment number its file
/// name gives.
pub fn check_header(value: &Value, segment: u64) -> Result<(), String> {
    if value.get("kind").and_then(Value::as_str) != Some(LOG_KIND) {
        return Err(format!("the first line is not a {LOG_KIND} header"));
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(LOG_VERSION) => {}
        other => {
            return Err(format!(
            "log format version {} is not supported (this devcluster reads version {LOG_VERSION})",
            other.map_or("(missing)".to_owned(), |v| v.to_string())
        ))
        }
    }
    match value.get("segment").and_then(Value::as_u64) {
        Some(number) if number == segment => Ok(()),
        _ => Err(format!("the header does not name segment {segment}")),
    }
}

/// Checks one line (without its newline) and parses its JSON. Objects may nest up to
/// [`LOAD_DEPTH_LIMIT`] (plus the record around them), deeper than any write stores.
pub fn decode_line(line: &[u8]) -> Result<Value, LineError> {
    let damaged = |what: &str| LineError::Damaged(what.to_owned());
    let (Some(digits), Some(b' '), Some(json)) = (line.get(..8), line.get(8), line.get(9..)) else {
        return Err(damaged("cut short: no checksum and record"));
    };
    let expected = std::str::from_utf8(digits)
        .ok()
        .and_then(|digits| u32::from_str_radix(digits, 16).ok())
        .ok_or_else(|| damaged("no checksum at its start"))?;
    if crc32fast::hash(json) != expected {
        return Err(damaged("its checksum does not match its content"));
    }
    parse_deep_json(json, LOAD_DEPTH_LIMIT.saturating_add(1))
        .map_err(|err| LineError::Invalid(format!("not a record: {err}")))
}

/// Appends `checksum SP json LF`, the JSON written by `json` straight into `out` (no copy).
fn write_line(
    out: &mut Vec<u8>,
    json: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Result<(), String> {
    let start = out.len();
    out.extend_from_slice(b"00000000 ");
    let body = out.len();
    if let Err(err) = json(out) {
        out.truncate(start);
        return Err(format!("cannot encode a log record: {err}"));
    }
    let checksum = format!(
        "{:08x}",
        crc32fast::hash(out.get(body..).unwrap_or_default())
    );
    if let Some(digits) = out.get_mut(start..start + 8) {
        digits.copy_from_slice(checksum.as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

impl Cluster {
    /// From now on every change is kept for [`Cluster::take_records`], and watches replay only
    /// what `durable` (the newest version on disk, raised by the log writer) allows.
    pub fn keep_records(&mut self, durable: Arc<AtomicU64>) {
        self.store.keep_journal(durable);
    }

    /// The changes since the last call as log records, in version order, and a `GRANTS` record
    /// when the users' project roles are no longer `logged` (which is then updated).
    pub fn take_records(&mut self, logged: &mut Grants) -> Vec<Record> {
        let mut records: Vec<Record> = self
            .store
            .take_journal()
            .into_iter()
            .map(|change| Record::Object {
                version: change.resource_version,
                key: change.key,
                change: change.change,
                object: change.object,
            })
            .collect();
        // Compared in place: no copy of the roles unless they changed.
        let unchanged = self
            .auth
            .users()
            .map(|(name, record)| (name, &record.projects))
            .eq(logged
                .iter()
                .map(|(name, projects)| (name.as_str(), projects)));
        if !unchanged {
            *logged = self.grants();
            records.push(Record::Grants {
                version: self.store.resource_version(),
                grants: logged.clone(),
            });
        }
        records
    }

    /// The newest resourceVersion that watches replay (with a state log: the newest on disk).
    pub fn watchable_version(&self) -> u64 {
        self.store.watchable_version()
    }

    /// Every stored object in key order, shared, not copied (a snapshot is written from them).
    pub fn stored_objects(&self) -> impl Iterator<Item = (&ObjectKey, &Arc<Value>)> {
        self.store.iter()
    }

    /// Applies one record read back from the log, checking that it continues the state: an
    /// object record must carry the next version and add an object that does not exist, or
    /// change or delete one that does; a `GRANTS` record the current version. The change goes
    /// into the watch history like any other, so a watch resumed after a restart gets it.
    pub fn replay_record(&mut self, record: Record) -> Result<(), String> {
        let current = self.store.resource_version();
        match record {
            Record::Grants { version, grants } => {
                if version != current {
                    return Err(format!(
                        "GRANTS at resourceVersion {version} does not follow resourceVersion {current}"
                    ));
                }
                self.set_grants(grants);
            }
            Record::Object {
                version,
                key,
                change,
                object,
            } => {
                if Some(version) != current.checked_add(1) {
                    return Err(format!(
                        "resourceVersion {version} does not follow resourceVersion {current}: the log does not continue the state"
                    ));
                }
                let what = format!("{} {}/{}", key.resource, key.namespace, key.name);
                match (change, self.store.get(&key).is_some()) {
                    (ChangeType::Added, false) | (ChangeType::Modified, true) => {
                        self.store.put(key, Arc::unwrap_or_clone(object));
                    }
                    (ChangeType::Deleted, true) => {
                        self.store.remove(&key);
                    }
                    (ChangeType::Added, true) => {
                        return Err(format!("ADDED {what}, which exists already"))
                    }
                    (_, false) => {
                        return Err(format!("{} {what}, which does not exist", change.as_str()))
                    }
                }
            }
        }
        // The replayed changes were the controllers' business before the restart already.
        self.store.drain_changed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::demo_cluster;

    const NOW: i64 = 1_780_000_000_000;

    fn stream_key(name: &str) -> ObjectKey {
        ObjectKey {
            resource: "imagestreams",
            namespace: "demo".into(),
            name: name.into(),
        }
    }

    fn added(version: u64, name: &str) -> Record {
        Record::Object {
            version,
            key: stream_key(name),
            change: ChangeType::Added,
            object: Arc::new(json!({
                "kind": "ImageStream",
                "metadata": {"name": name, "namespace": "demo", "resourceVersion": version.to_string()},
            })),
        }
    }

    fn line_of(record: &Record) -> Vec<u8> {
        let mut out = Vec::new();
        record.encode(&mut out).unwrap();
        assert_eq!(out.last(), Some(&b'\n'));
        out.pop();
        out
    }

    #[test]
    fn records_read_back_as_written() {
        let mut grants = Grants::new();
        grants.insert(
            "developer".into(),
            [("demo".to_owned(), crate::auth::Access::Edit)].into(),
        );
        for record in [added(7, "web"), Record::Grants { version: 7, grants }] {
            let line = line_of(&record);
            let value = decode_line(&line).unwrap();
            assert_eq!(Record::decode(value).unwrap(), record);
        }
        let mut header = Vec::new();
        encode_header(3, &mut header).unwrap();
        let value = decode_line(header.strip_suffix(b"\n").unwrap()).unwrap();
        check_header(&value, 3).unwrap();
        assert!(check_header(&value, 4).unwrap_err().contains("segment 4"));
    }

    #[test]
    fn a_changed_or_cut_line_is_damaged_and_a_foreign_one_invalid() {
        let line = line_of(&added(7, "web"));
        let mut changed = line.clone();
        let at = changed.len() - 5;
        changed[at] ^= 1;
        assert!(matches!(decode_line(&changed), Err(LineError::Damaged(_))));
        assert!(matches!(
            decode_line(&line[..line.len() / 2]),
            Err(LineError::Damaged(_))
        ));
        assert!(matches!(
            decode_line(b"garbage"),
            Err(LineError::Damaged(_))
        ));
        // Whole (the checksum matches), but not a record.
        let json = br#"{"resourceVersion":1,"type":"RENAMED"}"#;
        let mut foreign = format!("{:08x} ", crc32fast::hash(json)).into_bytes();
        foreign.extend_from_slice(json);
        let value = decode_line(&foreign).unwrap();
        assert!(Record::decode(value)
            .unwrap_err()
            .contains("\"type\" must be"));
        let bad = br#"{"resourceVersion":1,"type":"ADDED","resource":"imagestreams","namespace":"demo","name":"x","object":{"metadata":{"name":"x","resourceVersion":"2"}}}"#;
        let value = serde_json::from_slice(bad).unwrap();
        assert!(Record::decode(value)
            .unwrap_err()
            .contains("not the record's 1"));
    }

    #[test]
    fn objects_as_deep_as_may_be_stored_read_back() {
        // Parsing and serializing recurse per level: on a deep stack, as the server does.
        let deep_stack = std::thread::Builder::new().stack_size(256 * 1024 * 1024);
        deep_stack
            .spawn(|| {
                let mut deep = json!("leaf");
                // The object, then `spec` and its chain: LOAD_DEPTH_LIMIT levels in all.
                for _ in 0..LOAD_DEPTH_LIMIT - 1 {
                    // Not json!, which would serialize `deep` again at every level.
                    deep = Value::Object(Map::from_iter([("x".to_owned(), deep)]));
                }
                let record = Record::Object {
                    version: 7,
                    key: stream_key("deep"),
                    change: ChangeType::Added,
                    object: Arc::new(Value::Object(Map::from_iter([
                        (
                            "metadata".to_owned(),
                            json!({"name": "deep", "resourceVersion": "7"}),
                        ),
                        ("spec".to_owned(), deep),
                    ]))),
                };
                let line = line_of(&record);
                // Deeper than serde_json's default limit of 128, which a patch can reach.
                assert!(serde_json::from_slice::<Value>(&line[9..]).is_err());
                let decoded = Record::decode(decode_line(&line).unwrap()).unwrap();
                assert!(decoded == record, "the deep object reads back unchanged");
                // One level more than a stored object may have is refused before parsing.
                let mut deeper = line[9..].to_vec();
                deeper.splice(0..0, *b"[");
                deeper.push(b']');
                assert!(
                    crate::persist::parse_deep_json(&deeper, LOAD_DEPTH_LIMIT + 1)
                        .unwrap_err()
                        .contains("more than the")
                );
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn replay_continues_the_state_or_says_why_not() {
        let mut cluster = demo_cluster(NOW);
        let start = cluster.resource_version();
        cluster.replay_record(added(start + 1, "web")).unwrap();
        assert!(cluster.store.get(&stream_key("web")).is_some());
        assert_eq!(cluster.resource_version(), start + 1);
        let changes: Vec<u64> = cluster
            .store
            .changes_since(start)
            .unwrap()
            .map(|c| c.resource_version)
            .collect();
        assert_eq!(
            changes,
            [start + 1],
            "replayed changes are in the watch history"
        );
        let error = cluster.replay_record(added(start + 5, "api")).unwrap_err();
        assert!(error.contains("does not follow"), "{error}");
        let error = cluster.replay_record(added(start + 2, "web")).unwrap_err();
        assert!(error.contains("exists already"), "{error}");
        let Record::Object { object, .. } = added(start + 2, "gone") else {
            unreachable!()
        };
        let deleted = Record::Object {
            version: start + 2,
            key: stream_key("gone"),
            change: ChangeType::Deleted,
            object,
        };
        assert!(cluster
            .replay_record(deleted)
            .unwrap_err()
            .contains("DELETED imagestreams demo/gone, which does not exist"));
    }

    #[test]
    fn taken_records_are_every_change_and_grants_when_they_change() {
        let mut cluster = demo_cluster(NOW);
        let mut logged = cluster.grants();
        cluster.keep_records(Arc::new(AtomicU64::new(0)));
        assert!(cluster.take_records(&mut logged).is_empty());
        let token = crate::seed::DEMO_USERS
            .iter()
            .find(|u| u.name == "viewer")
            .unwrap()
            .token;
        let created = cluster.handle(&crate::ApiRequest {
            method: "POST".into(),
            path: "/apis/project.openshift.io/v1/projectrequests".into(),
            body: br#"{"kind":"ProjectRequest","apiVersion":"project.openshift.io/v1","metadata":{"name":"mine"}}"#.to_vec(),
            content_type: "application/json".into(),
            authorization: Some(format!("Bearer {token}")),
            now_millis: NOW,
            ..crate::ApiRequest::default()
        });
        assert_eq!(created.status, 201);
        let records = cluster.take_records(&mut logged);
        let Some(Record::Grants { version, grants }) = records.last() else {
            panic!("a GRANTS record last: {records:?}");
        };
        assert_eq!(*version, cluster.resource_version());
        assert_eq!(
            grants["viewer"].get("mine"),
            Some(&crate::auth::Access::Admin)
        );
        assert!(records
            .iter()
            .any(|r| matches!(r, Record::Object { key, .. } if key.resource == "namespaces")));
        assert_eq!(&logged, grants);
        assert!(cluster.take_records(&mut logged).is_empty());
    }
}

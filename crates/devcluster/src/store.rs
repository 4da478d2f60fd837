//! The object store: every stored object as JSON keyed by resource, namespace and name, one
//! cluster-wide resourceVersion counter, and a bounded log of changes that watches read from.
//! Older changes fall out of the log; a watch from before them gets 410 Expired, as from etcd
//! after compaction. Secondary indexes (like client-go's indexers) find objects by a value
//! derived from them, so controllers need not scan a whole resource on every change.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Where an object lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// The resource's store id (its plural).
    pub resource: &'static str,
    /// Namespace; empty for cluster-scoped objects.
    pub namespace: String,
    /// Object name.
    pub name: String,
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    /// Created.
    Added,
    /// Updated.
    Modified,
    /// Removed.
    Deleted,
}

impl ChangeType {
    /// The watch event type.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One change, as watches replay it.
#[derive(Debug, Clone)]
pub struct Change {
    /// The resourceVersion the change produced.
    pub resource_version: u64,
    /// Which object.
    pub key: ObjectKey,
    /// What happened.
    pub change: ChangeType,
    /// The object after the change (before it, for deletions).
    pub object: Arc<Value>,
    /// The object before the change, for updates (selectors may stop or start matching).
    pub previous: Option<Arc<Value>>,
}

/// How many changes a watch can fall behind before it must re-list.
pub const DEFAULT_LOG_CAPACITY: usize = 20_000;

/// The values an object is indexed under (deduplicated by the index); derived from the
/// object alone, so the same values are found again when it is replaced or removed.
pub type IndexFn = fn(&ObjectKey, &Value) -> Vec<String>;

/// A secondary index over one resource: index value → keys of the objects carrying it.
#[derive(Debug)]
struct Index {
    name: &'static str,
    resource: &'static str,
    values: IndexFn,
    entries: BTreeMap<String, BTreeSet<ObjectKey>>,
}

impl Index {
    fn insert(&mut self, key: &ObjectKey, object: &Value) {
        for value in (self.values)(key, object) {
            self.entries.entry(value).or_default().insert(key.clone());
        }
    }

    fn remove(&mut self, key: &ObjectKey, object: &Value) {
        for value in (self.values)(key, object) {
            if let Some(keys) = self.entries.get_mut(&value) {
                keys.remove(key);
                if keys.is_empty() {
                    self.entries.remove(&value);
                }
            }
        }
    }
}

/// All stored objects.
#[derive(Debug)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Arc<Value>>,
    /// How many objects each (resource, namespace) holds: a list's remainingItemCount without
    /// walking thousands of objects.
    counts: HashMap<(&'static str, String), usize>,
    resource_version: u64,
    log: VecDeque<Change>,
    log_capacity: usize,
    compacted_through: u64,
    changed: Vec<ObjectKey>,
    indexes: Vec<Index>,
    /// Every change since the last [`Store::take_journal`], while a state log is kept
    /// (`devcluster --state`): what goes into the log, in version order.
    journal: Option<Vec<Change>>,
    /// The newest version on disk, while a state log is kept: watches replay no change past
    /// it, so no watcher sees a version a crash could take back (etcd's order: durable, then
    /// visible). Set by the log writer without the cluster lock.
    durable: Option<Arc<AtomicU64>>,
}

impl Default for Store {
    fn default() -> Self {
        Self::with_log_capacity(DEFAULT_LOG_CAPACITY)
    }
}

impl Store {
    /// An empty store keeping at most `capacity` changes for watches.
    pub fn with_log_capacity(capacity: usize) -> Self {
        Self {
            objects: BTreeMap::new(),
            counts: HashMap::new(),
            resource_version: 0,
            log: VecDeque::new(),
            log_capacity: capacity.max(1),
            compacted_through: 0,
            changed: Vec::new(),
            indexes: Vec::new(),
            journal: None,
            durable: None,
        }
    }

    /// Adds secondary index `name` over `resource`: every object of it is found by
    /// [`Store::indexed`] under each value `values` derives from it, kept current on every
    /// write, removal and load.
    pub fn with_index(
        mut self,
        name: &'static str,
        resource: &'static str,
        values: IndexFn,
    ) -> Self {
        let mut index = Index {
            name,
            resource,
            values,
            entries: BTreeMap::new(),
        };
        for (key, object) in self.list(resource, None) {
            index.insert(key, object);
        }
        self.indexes.retain(|i| i.name != name);
        self.indexes.push(index);
        self
    }

    /// The keys of the objects index `name` holds under `value`, in key order (for one
    /// namespace's objects, the order of [`Store::list`]); none for an unknown index.
    pub fn indexed<'a>(
        &'a self,
        name: &str,
        value: &str,
    ) -> impl Iterator<Item = &'a ObjectKey> + 'a {
        debug_assert!(
            self.indexes.iter().any(|i| i.name == name),
            "no store index {name}"
        );
        self.indexes
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.entries.get(value))
            .into_iter()
            .flatten()
    }

    /// The latest resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// The newest resourceVersion watches replay: [`Store::resource_version`], or while a state
    /// log is kept the newest one on disk (see [`Store::keep_journal`]).
    pub fn watchable_version(&self) -> u64 {
        match &self.durable {
            Some(durable) => durable.load(Ordering::Acquire).min(self.resource_version),
            None => self.resource_version,
        }
    }

    /// From now on every change is also kept for [`Store::take_journal`], and watches replay
    /// only the changes up to the version `durable` holds (which the log writer raises as
    /// changes reach the disk).
    pub fn keep_journal(&mut self, durable: Arc<AtomicU64>) {
        self.journal = Some(Vec::new());
        self.durable = Some(durable);
    }

    /// The changes since the last call, oldest first (none unless [`Store::keep_journal`]).
    pub fn take_journal(&mut self) -> Vec<Change> {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The oldest resourceVersion a watch may still start from.
    pub fn oldest_watchable(&self) -> u64 {
        self.compacted_through
    }

    /// One object.
    pub fn get(&self, key: &ObjectKey) -> Option<&Arc<Value>> {
        self.objects.get(key)
    }

    /// The objects of a resource, in one namespace or (with `None`) all, sorted by namespace
    /// then name.
    pub fn list<'a>(
        &'a self,
        resource: &'static str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Arc<Value>)> + 'a {
        let start = ObjectKey {
            resource,
            namespace: namespace.unwrap_or_default().to_owned(),
            name: String::new(),
        };
        self.objects.range(start..).take_while(move |(key, _)| {
            key.resource == resource && namespace.is_none_or(|ns| key.namespace == ns)
        })
    }

    /// How many objects [`Store::list`] yields for `resource` and `namespace`, without
    /// walking them.
    pub fn count(&self, resource: &'static str, namespace: Option<&str>) -> usize {
        match namespace {
            Some(namespace) => self
                .counts
                .get(&(resource, namespace.to_owned()))
                .copied()
                .unwrap_or(0),
            None => self
                .counts
                .iter()
                .filter(|((r, _), _)| *r == resource)
                .map(|(_, count)| count)
                .sum(),
        }
    }

    /// The objects [`Store::list`] yields after the one at `after` (namespace, name; it need
    /// not exist): where the next page of a chunked list starts, found in one search rather
    /// than by walking the objects before it.
    pub fn list_after<'a>(
        &'a self,
        resource: &'static str,
        namespace: Option<&'a str>,
        after: (&str, &str),
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Arc<Value>)> + 'a {
        use std::ops::Bound;
        let key = |namespace: &str, name: &str| ObjectKey {
            resource,
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        };
        let start = match namespace {
            // A position before this namespace lists all of it (one after it, nothing).
            Some(ns) if after.0 < ns => Bound::Included(key(ns, "")),
            _ => Bound::Excluded(key(after.0, after.1)),
        };
        self.objects
            .range((start, Bound::Unbounded))
            .take_while(move |(key, _)| {
                key.resource == resource && namespace.is_none_or(|ns| key.namespace == ns)
            })
    }

    /// Writes an object, stamping `metadata.resourceVersion`, and records the change.
    pub fn put(&mut self, key: ObjectKey, mut object: Value) -> Arc<Value> {
        self.resource_version += 1;
        set_resource_version(&mut object, self.resource_version);
        let object = Arc::new(object);
        let previous = self.objects.insert(key.clone(), object.clone());
        if previous.is_none() {
            *self
                .counts
                .entry((key.resource, key.namespace.clone()))
                .or_default() += 1;
        }
        for index in self
            .indexes
            .iter_mut()
            .filter(|i| i.resource == key.resource)
        {
            if let Some(previous) = &previous {
                index.remove(&key, previous);
            }
            index.insert(&key, &object);
        }
        let change = if previous.is_some() {
            ChangeType::Modified
        } else {
            ChangeType::Added
        };
        self.record(Change {
            resource_version: self.resource_version,
            key,
            change,
            object: object.clone(),
            previous,
        });
        object
    }

    /// Removes an object and records the deletion (the deleted object carries a new version).
    pub fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Value>> {
        let removed = self.objects.remove(key)?;
        let counted = (key.resource, key.namespace.clone());
        if let Some(count) = self.counts.get_mut(&counted) {
            *count -= 1;
            if *count == 0 {
                self.counts.remove(&counted);
            }
        }
        for index in self
            .indexes
            .iter_mut()
            .filter(|i| i.resource == key.resource)
        {
            index.remove(key, &removed);
        }
        self.resource_version += 1;
        let mut last = (*removed).clone();
        set_resource_version(&mut last, self.resource_version);
        let last = Arc::new(last);
        self.record(Change {
            resource_version: self.resource_version,
            key: key.clone(),
            change: ChangeType::Deleted,
            object: last.clone(),
            previous: None,
        });
        Some(last)
    }

    /// Changes after `since` up to [`Store::watchable_version`], or `Err(oldest)` when some of
    /// them have been compacted away.
    pub fn changes_since(&self, since: u64) -> Result<impl Iterator<Item = &Change>, u64> {
        if since < self.compacted_through {
            return Err(self.compacted_through.saturating_add(1));
        }
        let start = self.log.partition_point(|c| c.resource_version <= since);
        let through = self.watchable_version();
        Ok(self
            .log
            .range(start..)
            .take_while(move |c| c.resource_version <= through))
    }

    /// The objects written or removed since the last call: what controllers look at next.
    pub fn drain_changed(&mut self) -> Vec<ObjectKey> {
        std::mem::take(&mut self.changed)
    }

    /// Every stored object in key order: what a saved state file holds (`persist`).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Arc<Value>)> {
        self.objects.iter()
    }

    /// Replaces every object with restored ones that keep their own `resourceVersion`, and
    /// sets the counter (loading a saved state). The change log starts empty at
    /// `resource_version`, so a watch from before the load gets 410 Expired and re-lists.
    pub(crate) fn replace_all(
        &mut self,
        objects: BTreeMap<ObjectKey, Arc<Value>>,
        resource_version: u64,
    ) {
        self.objects = objects;
        self.counts.clear();
        for key in self.objects.keys() {
            *self
                .counts
                .entry((key.resource, key.namespace.clone()))
                .or_default() += 1;
        }
        self.resource_version = resource_version;
        self.log.clear();
        self.compacted_through = resource_version;
        self.changed.clear();
        for index in &mut self.indexes {
            index.entries.clear();
            let resource = index.resource;
            let objects = self.objects.range(
                ObjectKey {
                    resource,
                    namespace: String::new(),
                    name: String::new(),
                }..,
            );
            for (key, object) in objects.take_while(|(key, _)| key.resource == resource) {
                index.insert(key, object);
            }
        }
    }

    fn record(&mut self, change: Change) {
        self.changed.push(change.key.clone());
        if let Some(journal) = &mut self.journal {
            journal.push(change.clone());
        }
        if self.log.len() == self.log_capacity {
            if let Some(dropped) = self.log.pop_front() {
                self.compacted_through = dropped.resource_version;
            }
        }
        self.log.push_back(change);
    }
}

fn set_resource_version(object: &mut Value, version: u64) {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(version.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(ns: &str, name: &str) -> ObjectKey {
        ObjectKey {
            resource: "imagestreams",
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn every_write_takes_the_next_cluster_wide_version() {
        let mut store = Store::default();
        let a = store.put(key("a", "x"), json!({"metadata": {"name": "x"}}));
        let b = store.put(key("b", "y"), json!({"metadata": {"name": "y"}}));
        assert_eq!(a["metadata"]["resourceVersion"], "1");
        assert_eq!(b["metadata"]["resourceVersion"], "2");
        let gone = store.remove(&key("a", "x")).unwrap();
        assert_eq!(gone["metadata"]["resourceVersion"], "3");
        assert_eq!(store.resource_version(), 3);
    }

    #[test]
    fn lists_are_per_namespace_and_sorted() {
        let mut store = Store::default();
        for (ns, name) in [("b", "2"), ("a", "9"), ("b", "1"), ("ab", "0")] {
            store.put(key(ns, name), json!({"metadata": {}}));
        }
        let names: Vec<_> = store
            .list("imagestreams", Some("b"))
            .map(|(k, _)| k.name.as_str())
            .collect();
        assert_eq!(names, ["1", "2"]);
        assert_eq!(store.list("imagestreams", None).count(), 4);
        assert_eq!(store.list("deployments", None).count(), 0);
    }

    #[test]
    fn indexes_follow_writes_removals_and_loads() {
        fn by_label(_: &ObjectKey, object: &Value) -> Vec<String> {
            object
                .pointer("/metadata/labels/app")
                .and_then(Value::as_str)
                .map(|app| vec![app.to_owned(), app.to_owned()])
                .unwrap_or_default()
        }
        let names = |store: &Store, app: &str| -> Vec<String> {
            store
                .indexed("app", app)
                .map(|k| format!("{}/{}", k.namespace, k.name))
                .collect()
        };
        let mut store = Store::default();
        store.put(
            key("ns", "a"),
            json!({"metadata": {"labels": {"app": "x"}}}),
        );
        let mut store = store.with_index("app", "imagestreams", by_label);
        assert_eq!(
            names(&store, "x"),
            ["ns/a"],
            "objects stored before the index"
        );
        store.put(
            key("ns", "c"),
            json!({"metadata": {"labels": {"app": "x"}}}),
        );
        store.put(
            key("ma", "b"),
            json!({"metadata": {"labels": {"app": "x"}}}),
        );
        let other = ObjectKey {
            resource: "deployments",
            ..key("ns", "d")
        };
        store.put(other, json!({"metadata": {"labels": {"app": "x"}}}));
        assert_eq!(
            names(&store, "x"),
            ["ma/b", "ns/a", "ns/c"],
            "key order, one resource"
        );
        store.put(
            key("ns", "a"),
            json!({"metadata": {"labels": {"app": "y"}}}),
        );
        assert_eq!(names(&store, "x"), ["ma/b", "ns/c"]);
        assert_eq!(names(&store, "y"), ["ns/a"]);
        store.remove(&key("ns", "c"));
        assert_eq!(names(&store, "x"), ["ma/b"]);
        let loaded = BTreeMap::from([(
            key("zz", "e"),
            Arc::new(json!({"metadata": {"labels": {"app": "y"}}})),
        )]);
        store.replace_all(loaded, 9);
        assert!(names(&store, "x").is_empty());
        assert_eq!(names(&store, "y"), ["zz/e"]);
    }

    #[test]
    fn counts_and_later_pages_follow_writes_removals_and_loads() {
        let mut store = Store::default();
        for (ns, name) in [("a", "1"), ("a", "2"), ("a-b", "0"), ("b", "1"), ("b", "2")] {
            store.put(key(ns, name), json!({"metadata": {}}));
        }
        store.put(key("a", "1"), json!({"metadata": {"labels": {}}}));
        assert_eq!(
            store.count("imagestreams", Some("a")),
            2,
            "a rewrite adds none"
        );
        assert_eq!(store.count("imagestreams", None), 5);
        assert_eq!(store.count("deployments", None), 0);
        let after = |store: &Store, ns: Option<&str>, position: (&str, &str)| -> Vec<String> {
            store
                .list_after("imagestreams", ns, position)
                .map(|(k, _)| format!("{}/{}", k.namespace, k.name))
                .collect()
        };
        assert_eq!(after(&store, None, ("a", "2")), ["a-b/0", "b/1", "b/2"]);
        assert_eq!(after(&store, Some("b"), ("b", "1")), ["b/2"]);
        assert_eq!(after(&store, Some("b"), ("b", "0")), ["b/1", "b/2"], "gone");
        assert_eq!(after(&store, Some("b"), ("a", "9")), ["b/1", "b/2"]);
        assert!(after(&store, Some("a"), ("b", "0")).is_empty());
        store.remove(&key("a", "1"));
        store.remove(&key("a", "2"));
        assert_eq!(store.count("imagestreams", Some("a")), 0);
        assert_eq!(store.count("imagestreams", None), 3);
        let loaded = BTreeMap::from([(key("z", "e"), Arc::new(json!({"metadata": {}})))]);
        store.replace_all(loaded, 9);
        assert_eq!(store.count("imagestreams", None), 1);
        assert_eq!(store.count("imagestreams", Some("z")), 1);
    }

    #[test]
    fn a_journal_keeps_every_change_and_watches_wait_for_the_disk() {
        let mut store = Store::with_log_capacity(2);
        store.put(key("ns", "before"), json!({"metadata": {}}));
        assert!(
            store.take_journal().is_empty(),
            "nothing kept before it starts"
        );
        let durable = Arc::new(AtomicU64::new(1));
        store.keep_journal(durable.clone());
        for name in ["a", "b", "c"] {
            store.put(key("ns", name), json!({"metadata": {}}));
        }
        store.remove(&key("ns", "a"));
        let journal = store.take_journal();
        let kept: Vec<(u64, ChangeType)> = journal
            .iter()
            .map(|c| (c.resource_version, c.change))
            .collect();
        assert_eq!(
            kept,
            [
                (2, ChangeType::Added),
                (3, ChangeType::Added),
                (4, ChangeType::Added),
                (5, ChangeType::Deleted)
            ],
            "all of them, more than the watch log holds"
        );
        assert!(store.take_journal().is_empty());
        // Watches see nothing past the version on disk.
        assert_eq!(store.watchable_version(), 1);
        durable.store(4, Ordering::Release);
        assert_eq!(store.watchable_version(), 4);
        let seen: Vec<u64> = store
            .changes_since(3)
            .unwrap()
            .map(|c| c.resource_version)
            .collect();
        assert_eq!(seen, [4]);
        durable.store(9, Ordering::Release);
        assert_eq!(store.watchable_version(), 5, "never past the counter");
    }

    #[test]
    fn a_watch_from_a_compacted_version_is_expired() {
        let mut store = Store::with_log_capacity(2);
        for name in ["a", "b", "c"] {
            store.put(key("ns", name), json!({"metadata": {}}));
        }
        assert_eq!(store.changes_since(1).unwrap().count(), 2);
        assert_eq!(store.changes_since(0).err(), Some(2));
        assert_eq!(store.changes_since(3).unwrap().count(), 0);
    }
}

//! Live collections: one resource in one namespace kept up to date the Kubernetes way
//! (DESIGN.md, "Data flow").
//!
//! A [`LiveList`] lists in chunks (`limit`/`continue`), showing the first chunk at once and
//! counting the rest in from `remainingItemCount`, then watches from the list's
//! `resourceVersion` with bookmarks. The second chunk is asked for only once the first is on
//! screen ([`LiveList::shown`]): a big chunk's arrival and parsing would otherwise hold up the
//! paint of the first rows. A page's secondary list can wait for its main list the same way
//! ([`LiveList::later_chunks_after`]). A watch the server closes is reopened from the last version
//! seen; one that breaks is reopened with exponential backoff (1 s doubling to 30 s) after a
//! cheap reachability check; `410 Expired` (as an HTTP status or an `ERROR` event) lists again;
//! `401` ends the session.
//!
//! Events are not applied as they arrive: they are queued by name (the last change of an object
//! wins) and applied once per animation frame with a single signal update, so a busy project
//! sending thousands of events a second costs one re-render per frame, not one per event. The
//! objects live outside the reactive graph in one `Vec` (what the reference graph takes as a
//! slice) with a name index, and a version counter signal says when they changed, so nothing
//! clones 20,000 objects per frame.

use crate::api::{ApiCall, ApiError, WatchHandle, WatchMessage};
use crate::auth::Auth;
use imagestream_model::columns::last_updated;
use imagestream_model::time::parse_rfc3339;
use imagestream_model::{Deployment, ImageStream, List, ObjectMeta, Status};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

/// Items in the first list request: about a screenful, so the first rows are on screen after
/// one short round trip and a short parse (a 500-stream chunk is ~3 MB of JSON; parsing the
/// first chunk runs in the browser's baseline wasm code, before it is optimised).
pub const FIRST_CHUNK: usize = 25;
/// Items per later list request.
pub const CHUNK: usize = 500;
/// The first reconnection waits this long; each failure doubles it.
const FIRST_RETRY_SECONDS: u32 = 1;
/// The longest wait between reconnection attempts.
const MAX_RETRY_SECONDS: u32 = 30;
/// A watch the server closes cleanly after this long (or after any event) is simply reopened;
/// one closed sooner without a word counts as a failure, so a misbehaving server is not
/// hammered in a tight loop.
const QUIET_CLOSE_MILLIS: f64 = 5_000.0;
/// Where no frame comes (a hidden tab paints nothing), the list goes on after this long
/// instead of waiting for the first chunk to be painted.
const PAINT_WAIT: Duration = Duration::from_millis(100);

/// An object a [`LiveList`] can hold: it has metadata, and a small summary computed once per
/// change (for example a sort key) so pages need not re-derive it for every object each frame.
pub trait LiveObject: DeserializeOwned + 'static {
    /// What is worth computing once per change.
    type Summary: 'static;
    /// The object's metadata (name and resourceVersion are what the list uses).
    fn metadata(&self) -> &ObjectMeta;
    /// Computes the summary of this version of the object.
    fn summarize(&self) -> Self::Summary;
    /// Whether a page showing `self` would show exactly the same for `next` (a newer version of
    /// the same object). When that holds for every change of a frame, the list's version does
    /// not move, so nothing re-renders or re-derives (an annotation patch on one of 20,000
    /// streams costs nothing). The default says every change shows.
    fn shows_same(&self, next: &Self) -> bool {
        let _ = next;
        false
    }
}

impl LiveObject for ImageStream {
    /// When the newest current image of any tag was created (Unix milliseconds): the UPDATED
    /// column and its sort key.
    type Summary = Option<i64>;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn summarize(&self) -> Option<i64> {
        last_updated(self).and_then(|created| parse_rfc3339(created).ok())
    }

    /// The list page and the reference graph read only the name, namespace, spec and status.
    fn shows_same(&self, next: &Self) -> bool {
        self.metadata.namespace == next.metadata.namespace
            && self.spec == next.spec
            && self.status == next.status
    }
}

impl LiveObject for Deployment {
    type Summary = ();

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn summarize(&self) {}

    /// What a Deployment asks for counts (its labels, annotations and spec), not its rollout
    /// status: the page that lists Deployments live shows which images they run (USED BY), and
    /// a rollout rewrites the status many times.
    fn shows_same(&self, next: &Self) -> bool {
        self.metadata.namespace == next.metadata.namespace
            && self.metadata.labels == next.metadata.labels
            && self.metadata.annotations == next.metadata.annotations
            && self.spec == next.spec
    }
}

/// The objects of a live list: one contiguous slice (in no particular order) with an index by
/// name. Slots move when objects are removed, so hold names, not slots, across changes.
pub struct Items<T: LiveObject> {
    objects: Vec<T>,
    summaries: Vec<T::Summary>,
    slots: HashMap<String, usize>,
}

impl<T: LiveObject> Default for Items<T> {
    fn default() -> Self {
        Self {
            objects: Vec::new(),
            summaries: Vec::new(),
            slots: HashMap::new(),
        }
    }
}

impl<T: LiveObject> Items<T> {
    /// Every object, as one slice (what [`imagestream_model::graph::ProjectObjects`] takes).
    pub fn as_slice(&self) -> &[T] {
        &self.objects
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The object in `slot` with its summary.
    pub fn get(&self, slot: usize) -> Option<(&T, &T::Summary)> {
        Some((self.objects.get(slot)?, self.summaries.get(slot)?))
    }

    /// The object called `name`.
    pub fn by_name(&self, name: &str) -> Option<&T> {
        self.objects.get(*self.slots.get(name)?)
    }

    /// Adds `object`, or replaces the one with the same name. Returns whether a page would
    /// show something different ([`LiveObject::shows_same`]).
    fn upsert(&mut self, object: T) -> bool {
        match self.slots.get(object.metadata().name()) {
            Some(&slot) => {
                if self.objects[slot].shows_same(&object) {
                    self.objects[slot] = object;
                    return false;
                }
                self.summaries[slot] = object.summarize();
                self.objects[slot] = object;
            }
            None => {
                let summary = object.summarize();
                self.slots
                    .insert(object.metadata().name().to_owned(), self.objects.len());
                self.objects.push(object);
                self.summaries.push(summary);
            }
        }
        true
    }

    /// Removes the object called `name`, if present (the last object takes its slot). Returns
    /// whether there was one.
    fn remove(&mut self, name: &str) -> bool {
        let Some(slot) = self.slots.remove(name) else {
            return false;
        };
        self.objects.swap_remove(slot);
        self.summaries.swap_remove(slot);
        if let Some(moved) = self.objects.get(slot) {
            self.slots.insert(moved.metadata().name().to_owned(), slot);
        }
        true
    }
}

/// How the list stands with the server, for the page's connection indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Listing, before the first watch is open.
    Connecting,
    /// Watching: changes appear as they happen.
    Live,
    /// The connection broke; the next attempt (number `attempt`) starts in `retry_in` seconds.
    Reconnecting {
        /// How many attempts have failed in a row.
        attempt: u32,
        /// Seconds until the next attempt.
        retry_in: u32,
    },
    /// Given up: the server refused in a way retrying will not fix (see the list's error).
    Lost,
}

/// A watch event as the API server streams it.
#[derive(Deserialize)]
#[serde(
    tag = "type",
    content = "object",
    bound(deserialize = "T: DeserializeOwned")
)]
enum Event<T> {
    #[serde(rename = "ADDED")]
    Added(T),
    #[serde(rename = "MODIFIED")]
    Modified(T),
    #[serde(rename = "DELETED")]
    Deleted(T),
    #[serde(rename = "BOOKMARK")]
    Bookmark(Bookmark),
    #[serde(rename = "ERROR")]
    Error(Status),
}

/// A BOOKMARK's object: only its resourceVersion matters.
#[derive(Deserialize)]
struct Bookmark {
    #[serde(default)]
    metadata: ObjectMeta,
}

/// A change waiting for the next frame.
enum Change<T> {
    Put(T),
    Delete,
}

/// What to do when a retry's countdown ends.
#[derive(Clone, Copy)]
enum Next {
    /// List from scratch.
    List,
    /// Check the server answers, then watch from the last version seen.
    Reconnect,
}

/// The list's machinery, outside the reactive graph (watch handles and timers are not `Send`).
struct Runtime<T: LiveObject> {
    /// Bumped by every start and stop: work begun for an older generation is dropped.
    generation: u64,
    auth: Option<Auth>,
    /// The collection path, e.g. `/apis/image.openshift.io/v1/namespaces/demo/imagestreams`.
    path: String,
    selector: String,
    resource_version: Option<String>,
    watch: Option<WatchHandle>,
    pending: HashMap<String, Change<T>>,
    frame_requested: bool,
    timer: Option<TimeoutHandle>,
    attempt: u32,
    listed_once: bool,
    /// Applied to every object as it arrives, before it is stored (see [`LiveList::compacting`]).
    compact: fn(&mut T),
    /// What the first list's later chunks wait for (see [`LiveList::later_chunks_after`]).
    after: Option<Signal<bool>>,
}

impl<T: LiveObject> Runtime<T> {
    fn new() -> Self {
        Self {
            generation: 0,
            auth: None,
            path: String::new(),
            selector: String::new(),
            resource_version: None,
            watch: None,
            pending: HashMap::new(),
            frame_requested: false,
            timer: None,
            attempt: 0,
            listed_once: false,
            compact: |_| {},
            after: None,
        }
    }

    /// Forgets everything in flight.
    fn halt(&mut self) {
        self.generation += 1;
        self.watch = None;
        self.pending.clear();
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
    }
}

/// One resource in one namespace, listed and then watched; see the module documentation.
/// A cheap `Copy` handle: give it to closures freely.
pub struct LiveList<T: LiveObject> {
    items: StoredValue<Items<T>, LocalStorage>,
    runtime: StoredValue<Runtime<T>, LocalStorage>,
    version: RwSignal<u64>,
    loaded: RwSignal<usize>,
    total: RwSignal<Option<usize>>,
    complete: RwSignal<bool>,
    connection: RwSignal<Connection>,
    error: RwSignal<Option<ApiError>>,
    selector: RwSignal<String>,
    applied_version: RwSignal<Option<String>>,
    shown: RwSignal<bool>,
}

impl<T: LiveObject> Clone for LiveList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: LiveObject> Copy for LiveList<T> {}

impl<T: LiveObject> Default for LiveList<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: LiveObject> LiveList<T> {
    /// An idle list, owned by the current reactive owner (the page); [`Self::start`] fills it.
    pub fn new() -> Self {
        Self {
            items: StoredValue::new_local(Items::default()),
            runtime: StoredValue::new_local(Runtime::new()),
            version: RwSignal::new(0),
            loaded: RwSignal::new(0),
            total: RwSignal::new(None),
            complete: RwSignal::new(false),
            connection: RwSignal::new(Connection::Connecting),
            error: RwSignal::new(None),
            selector: RwSignal::new(String::new()),
            applied_version: RwSignal::new(None),
            shown: RwSignal::new(false),
        }
    }

    /// Makes the list pass every object through `compact` as it arrives, before storing it: a
    /// page that shows a few fields of thousands of objects keeps only those (the objects are
    /// then not complete; [`LiveObject::shows_same`] sees compacted objects).
    pub fn compacting(self, compact: fn(&mut T)) -> Self {
        self.runtime
            .try_update_value(|runtime| runtime.compact = compact);
        self
    }

    /// Makes the list ask for its chunks after the first only once `gate` holds, typically
    /// another list's [`Self::shown`]: a page's secondary list (the Deployments behind USED BY)
    /// then does not hold up the first rows of its main one, while a small project, listed in
    /// one chunk, is complete as soon as before.
    pub fn later_chunks_after(self, gate: Signal<bool>) -> Self {
        self.runtime
            .try_update_value(|runtime| runtime.after = Some(gate));
        self
    }

    /// Lists `path` (a collection path, see [`crate::api::resource_path`]) with the label
    /// `selector` (empty for all), as `auth`'s client, then watches it. Whatever the list was
    /// doing before is dropped and its objects forgotten.
    pub fn start(self, auth: Auth, path: String, selector: String) {
        let Some(generation) = self.runtime.try_update_value(|runtime| {
            runtime.halt();
            runtime.auth = Some(auth);
            runtime.path = path;
            runtime.selector = selector.clone();
            runtime.resource_version = None;
            runtime.attempt = 0;
            runtime.listed_once = false;
            runtime.generation
        }) else {
            return;
        };
        self.items
            .try_update_value(|items| *items = Items::default());
        self.version.try_update(|version| *version += 1);
        self.loaded.try_set(0);
        self.total.try_set(None);
        self.complete.try_set(false);
        self.connection.try_set(Connection::Connecting);
        self.error.try_set(None);
        self.selector.try_set(selector);
        self.applied_version.try_set(None);
        self.shown.try_set(false);
        self.list(generation);
    }

    /// Stops listing and watching (the page is going away). The objects stay readable.
    pub fn stop(self) {
        self.runtime.try_update_value(Runtime::halt);
    }

    /// Reads the objects, and re-runs the caller when they change (once per frame at most).
    /// `None` once the list has been disposed with its page.
    pub fn with_items<R>(self, read: impl FnOnce(&Items<T>) -> R) -> Option<R> {
        self.version.track();
        self.items.try_with_value(read)
    }

    /// Reads the objects without subscribing to changes.
    pub fn with_items_untracked<R>(self, read: impl FnOnce(&Items<T>) -> R) -> Option<R> {
        self.items.try_with_value(read)
    }

    /// A counter that moves whenever the objects change.
    pub fn version(self) -> Signal<u64> {
        self.version.into()
    }

    /// How many objects have arrived.
    pub fn loaded(self) -> Signal<usize> {
        self.loaded.into()
    }

    /// How many objects there are in all, once the first chunk has said (`None` before).
    pub fn total(self) -> Signal<Option<usize>> {
        self.total.into()
    }

    /// Whether the whole list has arrived (the watch then keeps it current).
    pub fn complete(self) -> Signal<bool> {
        self.complete.into()
    }

    /// The connection state, for [`crate::components::connection_status::ConnectionStatus`].
    pub fn connection(self) -> Signal<Connection> {
        self.connection.into()
    }

    /// The last error from the server, cleared by the next success.
    pub fn error(self) -> Signal<Option<ApiError>> {
        self.error.into()
    }

    /// The label selector the list is listed and watched with (server-side `labelSelector`).
    pub fn selector(self) -> Signal<String> {
        self.selector.into()
    }

    /// Whether the first chunk of the list (since the last [`Self::start`]) is on screen: once
    /// it has been painted, or at once when it was the whole list. A page's secondary list
    /// waits for it ([`Self::later_chunks_after`]), so the first rows do not wait for that.
    pub fn shown(self) -> Signal<bool> {
        self.shown.into()
    }

    /// The resourceVersion of the newest state shown: the list's once it is complete, then the
    /// last version the watch had delivered when a frame's changes were applied. A page exposes
    /// it (`data-live-resource-version`) so tests and benchmarks can tell that every write made
    /// so far has reached the screen.
    pub fn applied_version(self) -> Signal<Option<String>> {
        self.applied_version.into()
    }

    fn current(self, generation: u64) -> bool {
        self.runtime
            .try_with_value(|runtime| runtime.generation == generation)
            .unwrap_or(false)
    }

    /// The collection URL with the list's selector and the given query parameters.
    fn url(self, query: &str) -> Option<(crate::api::Client, String)> {
        self.runtime.try_with_value(|runtime| {
            let auth = runtime.auth?;
            let client = auth.client.try_get_untracked()?;
            let mut url = format!("{}?{query}", runtime.path);
            if !runtime.selector.trim().is_empty() {
                url.push_str("&labelSelector=");
                url.push_str(&imagestream_model::url::encode_component(
                    runtime.selector.trim(),
                ));
            }
            Some((client, url))
        })?
    }

    /// Lists in chunks. The first list fills the visible objects chunk by chunk; a later one
    /// (after `410 Expired`) gathers a fresh copy and swaps it in at the end, so the page does
    /// not empty and refill.
    fn list(self, generation: u64) {
        leptos::task::spawn_local(async move {
            let first = !self
                .runtime
                .try_with_value(|runtime| runtime.listed_once)
                .unwrap_or(true);
            let mut fresh = Items::<T>::default();
            let mut token: Option<String> = None;
            let mut loaded = 0;
            let compact = self
                .runtime
                .try_with_value(|runtime| runtime.compact)
                .unwrap_or(|_| {});
            loop {
                let query = match &token {
                    Some(token) => format!(
                        "limit={CHUNK}&continue={}",
                        imagestream_model::url::encode_component(token)
                    ),
                    None => format!("limit={FIRST_CHUNK}"),
                };
                let Some((client, url)) = self.url(&query) else {
                    return;
                };
                // The first chunk of a page's list is what its first rows wait for: its steps go
                // on the performance timeline (see `mark`).
                let first_chunk =
                    first && token.is_none() && !self.shown.try_get_untracked().unwrap_or(true);
                if first_chunk {
                    mark("live: first chunk asked for", &url);
                }
                let result = client.get::<List<T>>(&url).await;
                if !self.current(generation) {
                    return;
                }
                if first_chunk {
                    mark("live: first chunk parsed", &url);
                }
                let list = match result {
                    Ok(list) => list,
                    Err(err) if err.is_gone() && token.is_some() => {
                        // The snapshot the continue token pointed into is gone: start over.
                        token = None;
                        loaded = 0;
                        fresh = Items::default();
                        if first {
                            self.items
                                .try_update_value(|items| *items = Items::default());
                            self.version.try_update(|version| *version += 1);
                        }
                        continue;
                    }
                    Err(err) => return self.failed(generation, err, Next::List),
                };
                let remaining = list
                    .metadata
                    .as_ref()
                    .and_then(|meta| meta.remaining_item_count)
                    .and_then(|count| usize::try_from(count).ok());
                let next = list.continue_token().map(str::to_owned);
                let resource_version = list.resource_version().map(str::to_owned);
                loaded += list.items.len();
                let target = if first { None } else { Some(&mut fresh) };
                let store = |items: &mut Items<T>| {
                    // One allocation for the whole list rather than doublings (and their copies).
                    if let Some(more) = remaining {
                        let wanted = items.len() + list.items.len() + more;
                        items
                            .objects
                            .reserve_exact(wanted.saturating_sub(items.objects.len()));
                        items
                            .summaries
                            .reserve_exact(wanted.saturating_sub(items.summaries.len()));
                    }
                    for mut object in list.items {
                        compact(&mut object);
                        items.upsert(object);
                    }
                };
                if first {
                    self.items.try_update_value(store);
                    self.version.try_update(|version| *version += 1);
                    self.loaded.try_set(loaded);
                    self.total.try_set(Some(loaded + remaining.unwrap_or(0)));
                    if first_chunk {
                        mark("live: first chunk stored", &url);
                        if next.is_some() {
                            // The first rows are painted before more is asked for.
                            painted().await;
                            if !self.current(generation) {
                                return;
                            }
                            mark("live: first chunk painted", &url);
                        }
                        self.shown.try_set(true);
                    }
                } else if let Some(fresh) = target {
                    store(fresh);
                }
                if next.is_some() {
                    let gate = self.runtime.try_with_value(|runtime| runtime.after);
                    if let (true, Some(Some(gate))) = (first, gate) {
                        // Until what the later chunks wait for holds (looked at once a frame).
                        while !gate.try_get_untracked().unwrap_or(true) {
                            painted().await;
                            if !self.current(generation) {
                                return;
                            }
                        }
                    }
                    token = next;
                    continue;
                }
                if !first {
                    self.items.try_update_value(|items| *items = fresh);
                    self.version.try_update(|version| *version += 1);
                }
                let count = self.items.try_with_value(Items::len).unwrap_or(loaded);
                self.loaded.try_set(count);
                self.total.try_set(Some(count));
                self.complete.try_set(true);
                self.applied_version.try_set(resource_version.clone());
                self.runtime.try_update_value(|runtime| {
                    runtime.resource_version = resource_version;
                    runtime.listed_once = true;
                    runtime.attempt = 0;
                });
                self.connection.try_set(Connection::Live);
                self.error.try_set(None);
                self.watch(generation);
                return;
            }
        });
    }

    /// Opens a watch from the last version seen.
    fn watch(self, generation: u64) {
        let Some(version) = self
            .runtime
            .try_with_value(|runtime| runtime.resource_version.clone())
        else {
            return;
        };
        let query = match version {
            Some(version) => format!(
                "watch=1&allowWatchBookmarks=true&resourceVersion={}",
                imagestream_model::url::encode_component(&version)
            ),
            None => "watch=1&allowWatchBookmarks=true".to_owned(),
        };
        let Some((client, url)) = self.url(&query) else {
            return;
        };
        let opened = js_sys::Date::now();
        let mut heard = false;
        let handle = client.watch(&url, move |message| {
            if !self.current(generation) {
                return;
            }
            match message {
                WatchMessage::Line(line) => {
                    heard = true;
                    self.receive(generation, &line);
                }
                WatchMessage::Closed(None) => {
                    if heard || js_sys::Date::now() - opened >= QUIET_CLOSE_MILLIS {
                        // The server ends watches after its timeout: a normal event.
                        self.watch(generation);
                    } else {
                        let err = ApiError::Network(
                            crate::i18n::t("the server closed the watch at once").into(),
                        );
                        self.failed(generation, err, Next::Reconnect);
                    }
                }
                WatchMessage::Closed(Some(err)) if err.is_gone() => self.relist(generation),
                WatchMessage::Closed(Some(err)) => self.failed(generation, err, Next::Reconnect),
            }
        });
        self.runtime.try_update_value(|runtime| {
            if runtime.generation == generation {
                runtime.watch = Some(handle);
            }
        });
    }

    /// Handles one watch line: data events wait for the next frame, the rest act now.
    fn receive(self, generation: u64, line: &str) {
        let event = match serde_json::from_str::<Event<T>>(line) {
            Ok(event) => event,
            Err(err) => {
                leptos::logging::warn!("ignoring a watch event that does not parse: {err}");
                return;
            }
        };
        let (version, change) = match event {
            Event::Added(mut object) | Event::Modified(mut object) => {
                if let Some(compact) = self.runtime.try_with_value(|runtime| runtime.compact) {
                    compact(&mut object);
                }
                let name = object.metadata().name().to_owned();
                let version = object.metadata().resource_version.clone();
                (version, Some((name, Change::Put(object))))
            }
            Event::Deleted(object) => {
                let name = object.metadata().name().to_owned();
                let version = object.metadata().resource_version.clone();
                (version, Some((name, Change::Delete)))
            }
            Event::Bookmark(bookmark) => (bookmark.metadata.resource_version, None),
            Event::Error(status) => {
                let err = ApiError::Status(Box::new(status));
                if err.is_gone() {
                    self.relist(generation);
                } else {
                    self.failed(generation, err, Next::Reconnect);
                }
                return;
            }
        };
        let request_frame = self
            .runtime
            .try_update_value(|runtime| {
                if version.is_some() {
                    runtime.resource_version = version;
                }
                if let Some((name, change)) = change {
                    runtime.pending.insert(name, change);
                }
                let request = !runtime.pending.is_empty() && !runtime.frame_requested;
                runtime.frame_requested |= request;
                request
            })
            .unwrap_or(false);
        if request_frame {
            request_animation_frame(move || self.apply_pending(generation));
        }
    }

    /// Applies the changes queued since the last frame, with one signal update.
    fn apply_pending(self, generation: u64) {
        let Some(taken) = self.runtime.try_update_value(|runtime| {
            if runtime.generation != generation {
                return None;
            }
            runtime.frame_requested = false;
            Some((
                std::mem::take(&mut runtime.pending),
                runtime.resource_version.clone(),
            ))
        }) else {
            return;
        };
        let Some((pending, applied)) = taken else {
            return;
        };
        if applied.is_some() && self.applied_version.try_get_untracked().flatten() != applied {
            self.applied_version.try_set(applied);
        }
        if pending.is_empty() {
            return;
        }
        let Some((count, shown)) = self.items.try_update_value(|items| {
            let mut shown = false;
            for (name, change) in pending {
                shown |= match change {
                    Change::Put(object) => items.upsert(object),
                    Change::Delete => items.remove(&name),
                };
            }
            (items.len(), shown)
        }) else {
            return;
        };
        if !shown {
            return;
        }
        self.version.try_update(|version| *version += 1);
        if self.loaded.try_get_untracked() != Some(count) {
            self.loaded.try_set(count);
            self.total.try_set(Some(count));
        }
    }

    /// The watch's version is too old: list again (the objects stay on screen meanwhile).
    fn relist(self, generation: u64) {
        self.runtime.try_update_value(|runtime| {
            runtime.watch = None;
            runtime.pending.clear();
            runtime.resource_version = None;
        });
        self.list(generation);
    }

    /// A request failed: end the session on 401, give up on errors retrying cannot fix, and
    /// otherwise count down to the next attempt.
    fn failed(self, generation: u64, err: ApiError, next: Next) {
        let auth = self
            .runtime
            .try_update_value(|runtime| {
                runtime.watch = None;
                runtime.auth
            })
            .flatten();
        if err.is_unauthorized() {
            self.connection.try_set(Connection::Lost);
            self.error.try_set(Some(err));
            if let Some(auth) = auth {
                auth.expired();
            }
            return;
        }
        let permanent = matches!(
            &err,
            ApiError::Status(status)
                if matches!(status.code, Some(code) if (400..500).contains(&code) && !matches!(code, 408 | 429))
        );
        self.error.try_set(Some(err));
        if permanent {
            self.connection.try_set(Connection::Lost);
            return;
        }
        let Some(attempt) = self.runtime.try_update_value(|runtime| {
            runtime.attempt = runtime.attempt.saturating_add(1);
            runtime.attempt
        }) else {
            return;
        };
        let delay = FIRST_RETRY_SECONDS
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(MAX_RETRY_SECONDS)
            .min(MAX_RETRY_SECONDS);
        self.count_down(generation, attempt, delay, next);
    }

    /// Shows "reconnecting in N s", one second at a time, then tries again.
    fn count_down(self, generation: u64, attempt: u32, seconds: u32, next: Next) {
        if !self.current(generation) {
            return;
        }
        if seconds == 0 {
            return match next {
                Next::List => {
                    self.connection.try_set(Connection::Connecting);
                    self.list(generation)
                }
                Next::Reconnect => self.reconnect(generation),
            };
        }
        self.connection.try_set(Connection::Reconnecting {
            attempt,
            retry_in: seconds,
        });
        let timer = set_timeout_with_handle(
            move || self.count_down(generation, attempt, seconds - 1, next),
            Duration::from_secs(1),
        )
        .ok();
        self.runtime
            .try_update_value(|runtime| runtime.timer = timer);
    }

    /// After a broken watch: one tiny list request says whether the server answers again; if it
    /// does the watch resumes from the last version seen (missing nothing), else back off more.
    fn reconnect(self, generation: u64) {
        leptos::task::spawn_local(async move {
            let Some((client, url)) = self.url("limit=1") else {
                return;
            };
            let result = client.call(ApiCall::get(url)).await;
            if !self.current(generation) {
                return;
            }
            match result {
                Ok(_) => {
                    self.runtime.try_update_value(|runtime| runtime.attempt = 0);
                    self.connection.try_set(Connection::Live);
                    self.error.try_set(None);
                    self.watch(generation);
                }
                Err(err) => self.failed(generation, err, Next::Reconnect),
            }
        });
    }
}

/// Puts `what` for the collection at `url` on the page's performance timeline
/// (`performance.mark`), where the console benchmark reads how long each step took.
fn mark(what: &str, url: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(&format!("{what} {url}"));
    }
}

/// Resolves once the browser has painted what the page shows now (its next animation frame,
/// then a task), or after [`PAINT_WAIT`] where no frame comes.
async fn painted() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let after_frame = resolve.clone();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    let _ = after_frame.call0(&wasm_bindgen::JsValue::UNDEFINED);
                },
                Duration::ZERO,
            );
        });
        set_timeout(
            move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
            },
            PAINT_WAIT,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(name: &str, version: &str) -> ImageStream {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "resourceVersion": version}
        }))
        .expect("a valid stream")
    }

    #[test]
    fn items_are_replaced_by_name_and_removal_keeps_the_index_right() {
        let mut items = Items::<ImageStream>::default();
        items.upsert(stream("a", "1"));
        items.upsert(stream("b", "2"));
        items.upsert(stream("c", "3"));
        items.upsert(stream("a", "4"));
        assert_eq!(items.len(), 3);
        assert_eq!(
            items
                .by_name("a")
                .unwrap()
                .metadata
                .resource_version
                .as_deref(),
            Some("4")
        );
        items.remove("a");
        items.remove("missing");
        assert_eq!(items.len(), 2);
        assert!(items.by_name("a").is_none());
        assert_eq!(items.by_name("c").unwrap().metadata.name(), "c");
        items.remove("c");
        assert_eq!(items.by_name("b").unwrap().metadata.name(), "b");
        assert_eq!(items.as_slice().len(), 1);
    }

    #[test]
    fn a_change_only_a_page_would_not_show_does_not_count() {
        let mut items = Items::<ImageStream>::default();
        assert!(items.upsert(stream("a", "1")));
        // A new resourceVersion (say, an annotation patch) replaces the object silently.
        assert!(!items.upsert(stream("a", "2")));
        assert_eq!(
            items
                .by_name("a")
                .unwrap()
                .metadata
                .resource_version
                .as_deref(),
            Some("2")
        );
        let mut tagged = stream("a", "3");
        tagged.status = Some(Default::default());
        assert!(items.upsert(tagged));
        assert!(items.remove("a"));
        assert!(!items.remove("a"));
    }

    #[test]
    fn watch_events_of_every_type_parse() {
        let added: Event<ImageStream> = serde_json::from_str(
            r#"{"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"7"}}}"#,
        )
        .unwrap();
        assert!(matches!(added, Event::Added(s) if s.metadata.name() == "x"));
        let bookmark: Event<ImageStream> = serde_json::from_str(
            r#"{"type":"BOOKMARK","object":{"kind":"ImageStream","metadata":{"resourceVersion":"12"}}}"#,
        )
        .unwrap();
        assert!(
            matches!(bookmark, Event::Bookmark(b) if b.metadata.resource_version.as_deref() == Some("12"))
        );
        let error: Event<ImageStream> = serde_json::from_str(
            r#"{"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410}}"#,
        )
        .unwrap();
        assert!(matches!(error, Event::Error(s) if s.code == Some(410)));
    }
}

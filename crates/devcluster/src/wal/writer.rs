//! The log writer: one thread that appends the records it is sent to the current segment and
//! fsyncs them, many writes per fsync (group commit: whatever arrived while the last fsync ran
//! goes into the next one, as etcd batches its WAL writes), then tells the waiting requests and
//! the watches. A failed append or fsync is reported, the segment cut back to what was on disk,
//! and the same records written again until it works. When the segment has grown past the
//! limit, the writer starts the next one and a second thread writes a snapshot of its own copy
//! of the state (shared objects, no lock of the cluster), then removes the covered segments.

use super::files::write_snapshot_file;
use super::files::{create_segment, remove_segments, segment_path, segments_below};
use crate::log_record::Record;
use crate::persist::Grants;
use crate::store::{ChangeType, ObjectKey};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the log has reached, published after every append.
#[derive(Debug, Clone, Default)]
pub struct Durability {
    /// Every batch up to this sequence number is on disk.
    pub durable_batch: u64,
    /// The newest resourceVersion on disk.
    pub durable_version: u64,
    /// The newest batch an append or fsync failed for (its requests get an error; it is
    /// written again until it works).
    pub failed_batch: u64,
    /// What the last failure was.
    pub error: Option<Arc<str>>,
    /// fsyncs of appended records so far.
    pub fsyncs: u64,
    /// Records appended so far.
    pub records: u64,
    /// Snapshots written by compaction so far.
    pub compactions: u64,
}

/// What the writer is sent.
pub enum Message {
    /// The records of one locked section of the cluster, numbered in order.
    Records {
        /// Its sequence number.
        batch: u64,
        /// Its records, in version order.
        records: Vec<Record>,
    },
    /// Write what is left and end.
    Stop,
}

/// The writer's own copy of the state (objects shared with the store), for snapshots.
pub struct Shadow {
    /// Every stored object.
    pub objects: BTreeMap<ObjectKey, Arc<Value>>,
    /// The users' project roles.
    pub grants: Grants,
    /// The newest version written.
    pub version: u64,
}

/// What has been taken from messages but is not on disk yet.
#[derive(Default)]
struct Pending {
    /// The encoded lines.
    bytes: Vec<u8>,
    /// The newest batch among them.
    batch: u64,
    /// The newest resourceVersion among them.
    version: u64,
    /// How many records.
    records: u64,
}

/// Everything the writer thread owns.
pub struct Writer {
    pub(super) state: PathBuf,
    pub(super) file: File,
    pub(super) segment: u64,
    /// Bytes of the segment on disk (what a failed append is cut back to).
    pub(super) written: u64,
    pub(super) shadow: Shadow,
    /// Compact once the segment holds this many bytes (and at least the last snapshot's size,
    /// so rewriting the state costs no more than the log it replaces).
    pub(super) compact_bytes: u64,
    pub(super) snapshot_bytes: u64,
    pub(super) receiver: Receiver<Message>,
    pub(super) status: tokio::sync::watch::Sender<Durability>,
    /// The durable version the store's watches read.
    pub(super) gate: Arc<AtomicU64>,
}

/// Stack of the writer and compaction threads: serializing an object recurses once per level
/// of nesting, and objects may be [`crate::persist::LOAD_DEPTH_LIMIT`] deep.
pub const DEEP_STACK: usize = 256 * 1024 * 1024;

impl Writer {
    /// Runs until [`Message::Stop`] (or every sender is gone), then waits for a compaction
    /// under way.
    pub fn run(mut self) {
        let mut pending = Pending::default();
        let mut stopping = false;
        let mut failing: Option<String> = None;
        let mut backoff = Duration::from_millis(10);
        let mut compaction: Option<JoinHandle<Result<u64, String>>> = None;
        loop {
            if pending.bytes.is_empty() {
                if stopping {
                    break;
                }
                match self.receiver.recv() {
                    Ok(message) => stopping |= self.take(message, &mut pending),
                    Err(_) => break,
                }
            }
            // Group commit: everything that arrived meanwhile shares this append and fsync.
            while let Ok(message) = self.receiver.try_recv() {
                stopping |= self.take(message, &mut pending);
            }
            if pending.bytes.is_empty() {
                continue;
            }
            match append(&mut self.file, &pending.bytes) {
                Ok(()) => {
                    self.written = self.written.saturating_add(pending.bytes.len() as u64);
                    // The gate first: a watcher woken by the status must find the changes.
                    self.gate.fetch_max(pending.version, Ordering::AcqRel);
                    self.status.send_modify(|status| {
                        status.durable_batch = pending.batch;
                        status.durable_version = status.durable_version.max(pending.version);
                        status.fsyncs += 1;
                        status.records += pending.records;
                    });
                    if failing.take().is_some() {
                        eprintln!(
                            "devcluster: the state log {} is written again; nothing was lost",
                            segment_path(&self.state, self.segment).display()
                        );
                    }
                    pending.bytes.clear();
                    pending.records = 0;
                    backoff = Duration::from_millis(10);
                    self.compact_if_due(&mut compaction);
                }
                Err(err) => {
                    let message = format!(
                        "cannot append to the state log {}: {err}",
                        segment_path(&self.state, self.segment).display()
                    );
                    self.status.send_modify(|status| {
                        status.failed_batch = pending.batch;
                        status.error = Some(message.as_str().into());
                    });
                    if failing.as_deref() != Some(message.as_str()) {
                        eprintln!("devcluster: {message}; retrying (the changes are kept in memory, their requests got an error)");
                        failing = Some(message);
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    self.cut_back();
                }
            }
        }
        if let Some(compaction) = compaction {
            let _ = compaction.join();
        }
    }

    /// Adds a message's records to `pending` and the shadow; true for [`Message::Stop`].
    fn take(&mut self, message: Message, pending: &mut Pending) -> bool {
        let (batch, records) = match message {
            Message::Stop => return true,
            Message::Records { batch, records } => (batch, records),
        };
        for record in records {
            if let Err(message) = record.encode(&mut pending.bytes) {
                // Cannot happen for JSON values; if it did, the request hears of it.
                eprintln!("devcluster: {message}");
                self.status.send_modify(|status| {
                    status.failed_batch = status.failed_batch.max(batch);
                    status.error = Some(message.as_str().into());
                });
                continue;
            }
            pending.version = pending.version.max(record.version());
            pending.records += 1;
            self.shadow.version = self.shadow.version.max(record.version());
            match record {
                Record::Object {
                    key,
                    change: ChangeType::Deleted,
                    ..
                } => {
                    self.shadow.objects.remove(&key);
                }
                Record::Object { key, object, .. } => {
                    self.shadow.objects.insert(key, object);
                }
                Record::Grants { grants, .. } => self.shadow.grants = grants,
            }
        }
        pending.batch = pending.batch.max(batch);
        false
    }

    /// After a failed append: the segment back to what is on disk (reopened if the file
    /// handle itself is broken), so the retry writes the records once.
    fn cut_back(&mut self) {
        if self.file.set_len(self.written).is_ok() {
            return;
        }
        let path = segment_path(&self.state, self.segment);
        if let Ok(file) = OpenOptions::new().append(true).open(&path) {
            if file.set_len(self.written).is_ok() {
                self.file = file;
            }
        }
    }

    /// Starts the next segment and a snapshot in the background once the segment is big
    /// enough and no compaction is under way; collects a finished one.
    fn compact_if_due(&mut self, compaction: &mut Option<JoinHandle<Result<u64, String>>>) {
        if let Some(running) = compaction.take_if(|running| running.is_finished()) {
            match running.join() {
                Ok(Ok(size)) => {
                    self.snapshot_bytes = size;
                    self.status.send_modify(|status| status.compactions += 1);
                }
                Ok(Err(message)) => {
                    eprintln!("devcluster: compaction failed, the log is kept and compaction tried again later: {message}")
                }
                Err(_) => eprintln!("devcluster: compaction stopped unexpectedly; the log is kept"),
            }
        }
        if compaction.is_some() || self.written < self.compact_bytes.max(self.snapshot_bytes) {
            return;
        }
        let next = self.segment.saturating_add(1);
        let (file, written) = match create_segment(&self.state, next) {
            Ok(created) => created,
            Err(message) => {
                eprintln!("devcluster: cannot start a new log segment, compaction tried again later: {message}");
                // Not again on every append: after the log grew by another limit.
                self.compact_bytes = self.compact_bytes.saturating_mul(2);
                return;
            }
        };
        self.file = file;
        self.segment = next;
        self.written = written;
        // A copy of the map only (the objects are shared), on this thread, not under the
        // cluster lock.
        let objects = self.shadow.objects.clone();
        let grants = self.shadow.grants.clone();
        let (state, version) = (self.state.clone(), self.shadow.version);
        let started = std::thread::Builder::new()
            .name("state-compaction".into())
            .stack_size(DEEP_STACK)
            .spawn(move || {
                let size = write_snapshot_file(&state, version, next, objects.iter(), &grants)?;
                remove_segments(&state, &segments_below(&state, next)?)?;
                Ok(size)
            });
        match started {
            Ok(handle) => *compaction = Some(handle),
            Err(err) => eprintln!("devcluster: cannot start compaction: {err}"),
        }
    }
}

/// One group commit: the records, then fdatasync (the data and the file's new length).
fn append(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_data()
}

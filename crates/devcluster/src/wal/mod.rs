//! Durability for `devcluster --state FILE` (native only): the cluster behind a lock whose
//! every release hands the changes made under it to the log writer, and a wait that lets a
//! request be answered only once what it saw is on disk.
//!
//! The order is etcd's: a change is made in memory, logged and fsynced (shared with the
//! other changes of the moment, see [`writer`]), and only then acknowledged to its client and
//! replayed to watches. Reads wait the same way for the changes they could see, so no client
//! ever sees a resourceVersion that a crash could take back, and the counter recovered from
//! the log is never behind one a client holds. Formats: [`crate::persist`] and
//! [`crate::log_record`]; files and recovery: [`files`].

pub mod files;
pub mod writer;

use crate::api::Cluster;
use crate::log_record::Record;
use crate::persist::Grants;
use files::{create_segment, remove_segments, write_snapshot_file, Recovered};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use writer::{Durability, Message, Shadow, Writer, DEEP_STACK};

/// Default `--state-compact-bytes`: the log is compacted into a snapshot past this size.
pub const DEFAULT_COMPACT_BYTES: u64 = 16 * 1024 * 1024;

/// Runs `work` on a thread with a stack deep enough for objects as deep as may be stored
/// (parsing and serializing them recurse per level).
pub fn on_deep_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("state-load".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, work)
            .map_err(|err| format!("cannot start a thread: {err}"))?
            .join()
            .map_err(|_| "loading the state stopped unexpectedly".to_owned())
    })
}

/// Loads `FILE` and its log into `cluster` (see [`files::recover`]), on a deep stack.
pub fn recover(cluster: &mut Cluster, state: &Path) -> Result<Recovered, String> {
    on_deep_stack(|| files::recover(cluster, state))?
}

/// The log writer's handle: where records go, and how far they are on disk.
pub struct Wal {
    sender: Sender<Message>,
    /// The number of the last batch sent; assigned under the cluster lock, so in order.
    sent: AtomicU64,
    status: tokio::sync::watch::Receiver<Durability>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    state: PathBuf,
}

impl Wal {
    fn submit(&self, records: Vec<Record>) {
        let batch = self.sent.fetch_add(1, Ordering::AcqRel).saturating_add(1);
        // A writer that is gone has dropped its status, which waiters then hear of.
        let _ = self.sender.send(Message::Records { batch, records });
    }

    /// Waits until everything sent so far is on disk; the error says why not (an append or
    /// fsync failed: the writer retries, the changes stay in memory).
    pub async fn synced(&self) -> Result<(), String> {
        let target = self.sent.load(Ordering::Acquire);
        let mut status = self.status.clone();
        if status.borrow().durable_batch >= target {
            return Ok(());
        }
        let reached = status
            .wait_for(|s| s.durable_batch >= target || s.failed_batch >= target)
            .await
            .map(|s| (s.durable_batch >= target, s.error.clone()));
        match reached {
            Ok((true, _)) => Ok(()),
            Ok((false, error)) => Err(format!(
                "the change is not saved: {}; it is kept in memory and saving is retried",
                error
                    .as_deref()
                    .unwrap_or("the state log cannot be written")
            )),
            Err(_) => Err(format!(
                "the writer of the state log {} has stopped",
                self.state.display()
            )),
        }
    }

    /// What the log has reached (figures for `/metrics`).
    pub fn durability(&self) -> Durability {
        self.status.borrow().clone()
    }

    /// Resolves whenever more reached the disk (watches are told then).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Durability> {
        self.status.clone()
    }

    /// Writes what is pending and stops the writer (at shutdown).
    pub fn stop(&self) {
        let _ = self.sender.send(Message::Stop);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

/// The cluster and what has been logged of its grants.
struct Logged {
    cluster: Cluster,
    grants: Grants,
}

/// The cluster behind its lock, logged when opened with a state file.
pub struct DurableCluster {
    inner: Mutex<Logged>,
    wal: Option<Wal>,
}

/// The cluster lock was poisoned by a panic.
#[derive(Debug)]
pub struct Poisoned;

/// The locked cluster. Dropping it (the end of the locked section) hands the changes made
/// under it to the log writer, still under the lock, so batches reach the log in version order.
pub struct ClusterGuard<'a> {
    guard: MutexGuard<'a, Logged>,
    wal: Option<&'a Wal>,
}

impl std::ops::Deref for ClusterGuard<'_> {
    type Target = Cluster;
    fn deref(&self) -> &Cluster {
        &self.guard.cluster
    }
}

impl std::ops::DerefMut for ClusterGuard<'_> {
    fn deref_mut(&mut self) -> &mut Cluster {
        &mut self.guard.cluster
    }
}

impl Drop for ClusterGuard<'_> {
    fn drop(&mut self) {
        if let Some(wal) = self.wal {
            let logged = &mut *self.guard;
            let records = logged.cluster.take_records(&mut logged.grants);
            if !records.is_empty() {
                wal.submit(records);
            }
        }
    }
}

impl DurableCluster {
    /// A cluster that is not saved.
    pub fn in_memory(cluster: Cluster) -> Self {
        Self {
            inner: Mutex::new(Logged {
                cluster,
                grants: Grants::new(),
            }),
            wal: None,
        }
    }

    /// Starts the log of a recovered (or seeded) cluster: writes a snapshot of it continued
    /// by a new segment, removes the segments it holds, and starts the writer. From then on
    /// every change is logged. Returns a note for the start-up message.
    pub fn open(
        mut cluster: Cluster,
        state: &Path,
        recovered: Recovered,
        compact_bytes: u64,
    ) -> Result<(Self, String), String> {
        let segment = recovered.next_segment;
        let version = cluster.resource_version();
        let grants = cluster.grants();
        let snapshot_bytes = on_deep_stack(|| {
            write_snapshot_file(state, version, segment, cluster.stored_objects(), &grants)
        })??;
        remove_segments(state, &recovered.old_segments)?;
        let (file, written) = create_segment(state, segment)?;
        let gate = Arc::new(AtomicU64::new(version));
        cluster.keep_records(gate.clone());
        let (status_sender, status) = tokio::sync::watch::channel(Durability {
            durable_version: version,
            ..Durability::default()
        });
        let (sender, receiver) = std::sync::mpsc::channel();
        let writer = Writer {
            state: state.to_owned(),
            file,
            segment,
            written,
            shadow: Shadow {
                objects: cluster
                    .stored_objects()
                    .map(|(key, object)| (key.clone(), object.clone()))
                    .collect(),
                grants: grants.clone(),
                version,
            },
            compact_bytes,
            snapshot_bytes,
            receiver,
            status: status_sender,
            gate,
        };
        let thread = std::thread::Builder::new()
            .name("state-log".into())
            .stack_size(DEEP_STACK)
            .spawn(move || writer.run())
            .map_err(|err| format!("cannot start the state log writer: {err}"))?;
        let mut note = recovered.notes.join("; ");
        note.push_str(&format!(
            "; every write is logged to {} and fsynced before it is answered",
            files::segment_path(state, segment).display()
        ));
        let wal = Wal {
            sender,
            sent: AtomicU64::new(0),
            status,
            thread: Mutex::new(Some(thread)),
            state: state.to_owned(),
        };
        let durable = Self {
            inner: Mutex::new(Logged { cluster, grants }),
            wal: Some(wal),
        };
        Ok((durable, note))
    }

    /// Locks the cluster; see [`ClusterGuard`].
    pub fn lock(&self) -> Result<ClusterGuard<'_>, Poisoned> {
        let guard = self.inner.lock().map_err(|_| Poisoned)?;
        Ok(ClusterGuard {
            guard,
            wal: self.wal.as_ref(),
        })
    }

    /// Waits until every change made so far is on disk (at once without a state file).
    pub async fn synced(&self) -> Result<(), String> {
        match &self.wal {
            Some(wal) => wal.synced().await,
            None => Ok(()),
        }
    }

    /// The log, when there is one.
    pub fn wal(&self) -> Option<&Wal> {
        self.wal.as_ref()
    }
}

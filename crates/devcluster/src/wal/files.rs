//! The files of a `--state FILE`: the snapshot `FILE`, the log segments `FILE.wal.N`, and
//! recovery from them (snapshot, then the segments in order; a torn last record dropped, any
//! other damage refused with its place named and nothing changed on disk).

use crate::api::Cluster;
use crate::log_record::{check_header, decode_line, encode_header, LineError, Record};
use crate::persist::{parse_deep_json, write_snapshot, Grants, LOAD_DEPTH_LIMIT};
use crate::store::ObjectKey;
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What recovery found, for the start-up that follows.
#[derive(Debug)]
pub struct Recovered {
    /// Whether `FILE` existed (else the cluster is the seed).
    pub loaded: bool,
    /// The number of the log segment to start: above every existing one.
    pub next_segment: u64,
    /// The segments on disk, all of them in the state once a new snapshot is written.
    pub old_segments: Vec<PathBuf>,
    /// What happened, for the start-up message (records replayed, a torn tail dropped).
    pub notes: Vec<String>,
}

/// `FILE.wal.N`.
pub fn segment_path(state: &Path, segment: u64) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(format!(".wal.{segment:08}"));
    PathBuf::from(name)
}

/// The directory `FILE` is in (`.` for a bare name).
fn directory_of(state: &Path) -> PathBuf {
    match state.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The log segments next to `FILE`, by number.
pub fn list_segments(state: &Path) -> Result<Vec<(u64, PathBuf)>, String> {
    let directory = directory_of(state);
    let Some(prefix) = state.file_name().map(|name| {
        let mut prefix = name.to_owned();
        prefix.push(".wal.");
        prefix.to_string_lossy().into_owned()
    }) else {
        return Err(format!("{} does not name a file", state.display()));
    };
    let entries = std::fs::read_dir(&directory)
        .map_err(|err| format!("cannot list {}: {err}", directory.display()))?;
    let mut segments = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot list {}: {err}", directory.display()))?;
        let name = entry.file_name();
        let number = name
            .to_str()
            .and_then(|name| name.strip_prefix(prefix.as_str()))
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u64>().ok());
        if let Some(number) = number {
            segments.push((number, entry.path()));
        }
    }
    segments.sort();
    Ok(segments)
}

/// Makes a rename or removal in `directory` durable (a crash could undo it otherwise).
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    File::open(directory)?.sync_all()
}

/// How to say that devcluster refuses to start on damaged files.
fn refuse(state: &Path) -> String {
    format!(
        "devcluster does not start on it and changes nothing; move {0} and {0}.wal.* away to start from the demo seed",
        state.display()
    )
}

/// Loads `FILE` and replays the log segments that continue it into `cluster` (which holds
/// the seed, kept when there is no `FILE` yet). Nothing on disk is changed.
pub fn recover(cluster: &mut Cluster, state: &Path) -> Result<Recovered, String> {
    let segments = list_segments(state)?;
    let bytes = match std::fs::read(state) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if let Some((_, first)) = segments.first() {
                return Err(format!(
                    "{} exists but the state file {} does not: {}",
                    first.display(),
                    state.display(),
                    refuse(state)
                ));
            }
            return Ok(Recovered {
                loaded: false,
                next_segment: 1,
                old_segments: Vec::new(),
                notes: vec![format!(
                    "{} does not exist yet: seeded the demo",
                    state.display()
                )],
            });
        }
        Err(err) => {
            return Err(format!(
                "cannot read the state file {}: {err}",
                state.display()
            ))
        }
    };
    // The document wraps each object in three levels: the document, `objects`, the entry.
    let document = parse_deep_json(&bytes, LOAD_DEPTH_LIMIT.saturating_add(3)).map_err(|err| {
        format!(
            "the state file {} is not JSON ({err}); move it away to start from the demo seed",
            state.display()
        )
    })?;
    drop(bytes);
    let log_segment = cluster.load_state_document(document).map_err(|err| {
        format!(
            "the state file {} cannot be loaded: {err}; move it away to start from the demo seed",
            state.display()
        )
    })?;
    let snapshot_version = cluster.resource_version();
    let mut notes = vec![format!(
        "loaded {} (resourceVersion {snapshot_version})",
        state.display()
    )];
    let replay: Vec<&(u64, PathBuf)> = match log_segment {
        None => {
            if let Some((_, first)) = segments.first() {
                return Err(format!(
                    "the state file {} is a version 1 state without a log, but {} exists: {}",
                    state.display(),
                    first.display(),
                    refuse(state)
                ));
            }
            Vec::new()
        }
        Some(first) => segments.iter().filter(|(n, _)| *n >= first).collect(),
    };
    if let (Some(first), Some((number, path))) = (log_segment, replay.first()) {
        if *number != first {
            return Err(format!(
                "the state file {} continues in segment {first}, but the first one there is {}: {}",
                state.display(),
                path.display(),
                refuse(state)
            ));
        }
    }
    let mut replayed = 0_usize;
    for (position, (number, path)) in replay.iter().enumerate() {
        if position > 0
            && replay.get(position - 1).map(|(n, _)| n.saturating_add(1)) != Some(*number)
        {
            return Err(format!(
                "log segment {} follows a gap in the numbering: {}",
                path.display(),
                refuse(state)
            ));
        }
        let last = position + 1 == replay.len();
        let (count, torn) = replay_segment(cluster, state, path, *number, last)?;
        replayed += count;
        notes.extend(torn);
    }
    if replayed > 0 {
        notes.push(format!(
            "replayed {replayed} logged changes (resourceVersion {snapshot_version} to {})",
            cluster.resource_version()
        ));
    }
    let highest = segments.last().map_or(0, |(n, _)| *n);
    Ok(Recovered {
        loaded: true,
        next_segment: highest.max(log_segment.unwrap_or(1).saturating_sub(1)) + 1,
        old_segments: segments.into_iter().map(|(_, path)| path).collect(),
        notes,
    })
}

/// Replays one segment; returns how many records it held and, for a torn last record
/// (allowed only in the `last` segment), a note saying it was dropped.
fn replay_segment(
    cluster: &mut Cluster,
    state: &Path,
    path: &Path,
    number: u64,
    last: bool,
) -> Result<(usize, Option<String>), String> {
    let bytes =
        std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    // Lines with their 1-based number and byte offset; text after the last newline is a line
    // that was being written.
    let mut lines = Vec::new();
    let mut offset = 0_usize;
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let end = offset.saturating_add(line.len());
        if end >= bytes.len() && line.is_empty() {
            break; // after the final newline
        }
        let decoded = if end >= bytes.len() {
            Err(LineError::Damaged("cut short: it has no newline".into()))
        } else {
            decode_line(line)
        };
        lines.push((index + 1, offset, line.len(), decoded));
        offset = end.saturating_add(1);
    }
    let first_bad = lines.iter().position(|(_, _, _, decoded)| decoded.is_err());
    let mut torn = None;
    if let Some(bad) = first_bad {
        let (line, at, _, error) = &lines[bad];
        let only_torn_after = lines[bad..]
            .iter()
            .all(|(_, _, _, d)| matches!(d, Err(LineError::Damaged(_))));
        let reason = match error {
            Err(LineError::Damaged(reason) | LineError::Invalid(reason)) => reason.clone(),
            Ok(_) => String::new(),
        };
        if !(last && only_torn_after) {
            let place = if only_torn_after {
                "at the end of a segment that was complete"
            } else {
                "with intact records after it"
            };
            return Err(format!(
                "{} line {line} (byte {at}) is damaged ({reason}), {place}: {}",
                path.display(),
                refuse(state)
            ));
        }
        let dropped: usize = lines[bad..].iter().map(|(_, _, len, _)| len + 1).sum();
        torn = Some(format!(
            "dropped a torn write at the end of {} (line {line}, {} bytes: {reason}); it was never acknowledged",
            path.display(),
            dropped.min(bytes.len().saturating_sub(*at))
        ));
        lines.truncate(bad);
    }
    let mut records = 0;
    for (index, (line, at, _, decoded)) in lines.into_iter().enumerate() {
        let place = |err: String| {
            format!(
                "{} line {line} (byte {at}): {err}: {}",
                path.display(),
                refuse(state)
            )
        };
        let value = decoded.map_err(|_| place("unreadable".into()))?;
        if index == 0 {
            check_header(&value, number).map_err(place)?;
            continue;
        }
        let record = Record::decode(value).map_err(place)?;
        cluster.replay_record(record).map_err(place)?;
        records += 1;
    }
    Ok((records, torn))
}

/// Writes `FILE` as a snapshot at `version` continued by segment `log_segment`, atomically:
/// a temporary file, fsync, rename over `FILE`, fsync of the directory. Returns its size.
pub fn write_snapshot_file<'a>(
    state: &Path,
    version: u64,
    log_segment: u64,
    objects: impl Iterator<Item = (&'a ObjectKey, &'a Arc<Value>)>,
    grants: &Grants,
) -> Result<u64, String> {
    let failed =
        |err: std::io::Error| format!("cannot write the snapshot {}: {err}", state.display());
    let mut temporary = state.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let written = (|| {
        let file = File::create(&temporary)?;
        let mut out = BufWriter::new(file);
        write_snapshot(&mut out, version, log_segment, objects, grants)?;
        let file = out.into_inner().map_err(|err| err.into_error())?;
        file.sync_all()?;
        let size = file.metadata()?.len();
        drop(file);
        std::fs::rename(&temporary, state)?;
        sync_directory(&directory_of(state))?;
        Ok(size)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(failed)
}

/// Creates segment `number` with its header, on disk (file and directory entry) before it is
/// used; never over an existing file. Returns the file (appending) and its length.
pub fn create_segment(state: &Path, number: u64) -> Result<(File, u64), String> {
    let path = segment_path(state, number);
    let failed = |err: std::io::Error| format!("cannot create {}: {err}", path.display());
    let mut header = Vec::new();
    encode_header(number, &mut header)?;
    let mut file = OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(&path)
        .map_err(failed)?;
    file.write_all(&header).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    sync_directory(&directory_of(state)).map_err(failed)?;
    Ok((file, header.len() as u64))
}

/// Removes segments a snapshot now holds (a missing one is fine); the first error is returned.
pub fn remove_segments(state: &Path, segments: &[PathBuf]) -> Result<(), String> {
    for path in segments {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(format!("cannot remove {}: {err}", path.display())),
        }
    }
    sync_directory(&directory_of(state))
        .map_err(|err| format!("cannot sync {}: {err}", directory_of(state).display()))
}

/// The segments below `number`: what a snapshot continued by segment `number` holds.
pub fn segments_below(state: &Path, number: u64) -> Result<Vec<PathBuf>, String> {
    Ok(list_segments(state)?
        .into_iter()
        .filter(|(n, _)| *n < number)
        .map(|(_, path)| path)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::demo_cluster;

    const NOW: i64 = 1_780_000_000_000;

    /// A fresh directory for one test, removed at the end.
    struct Directory(PathBuf);

    impl Directory {
        fn new(tag: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("devcluster-files-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Directory(path)
        }
    }

    impl Drop for Directory {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A snapshot of the seed continued by segment 1, and segment 1 with `records` in it.
    fn logged(directory: &Directory, records: usize) -> PathBuf {
        let state = directory.0.join("state.json");
        let cluster = demo_cluster(NOW);
        let version = cluster.resource_version();
        write_snapshot_file(
            &state,
            version,
            1,
            cluster.stored_objects(),
            &cluster.grants(),
        )
        .unwrap();
        let (mut file, _) = create_segment(&state, 1).unwrap();
        let mut bytes = Vec::new();
        for index in 0..records {
            let version = version + 1 + index as u64;
            let name = format!("s{index}");
            Record::Object {
                version,
                key: ObjectKey {
                    resource: "imagestreams",
                    namespace: "demo".into(),
                    name: name.clone(),
                },
                change: crate::store::ChangeType::Added,
                object: Arc::new(serde_json::json!({"metadata": {"name": name, "namespace": "demo", "resourceVersion": version.to_string()}})),
            }
            .encode(&mut bytes)
            .unwrap();
        }
        file.write_all(&bytes).unwrap();
        state
    }

    #[test]
    fn the_log_is_replayed_after_the_snapshot_and_the_next_segment_follows() {
        let directory = Directory::new("replay");
        let state = logged(&directory, 3);
        let mut cluster = demo_cluster(NOW);
        let seeded = cluster.resource_version();
        let recovered = recover(&mut cluster, &state).unwrap();
        assert!(recovered.loaded);
        assert_eq!(recovered.next_segment, 2);
        assert_eq!(recovered.old_segments, [segment_path(&state, 1)]);
        assert_eq!(cluster.resource_version(), seeded + 3);
        assert!(recovered
            .notes
            .iter()
            .any(|n| n.contains("replayed 3 logged changes")));
    }

    #[test]
    fn files_that_do_not_belong_together_are_refused() {
        let directory = Directory::new("refused");
        let state = logged(&directory, 1);
        // A log segment missing between the snapshot's and a later one.
        std::fs::rename(segment_path(&state, 1), segment_path(&state, 2)).unwrap();
        let error = recover(&mut demo_cluster(NOW), &state).unwrap_err();
        assert!(error.contains("continues in segment 1"), "{error}");
        // A log without its state file.
        std::fs::remove_file(&state).unwrap();
        let error = recover(&mut demo_cluster(NOW), &state).unwrap_err();
        assert!(error.contains("exists but the state file"), "{error}");
        // A log next to a version 1 state file.
        std::fs::write(&state, demo_cluster(NOW).save_state().to_string()).unwrap();
        let error = recover(&mut demo_cluster(NOW), &state).unwrap_err();
        assert!(error.contains("version 1 state without a log"), "{error}");
    }

    #[test]
    fn a_torn_end_only_counts_in_the_last_segment() {
        let directory = Directory::new("torn");
        let state = logged(&directory, 2);
        let first = segment_path(&state, 1);
        let mut bytes = std::fs::read(&first).unwrap();
        bytes.extend_from_slice(b"0badf00d {\"resourceVersion\":");
        std::fs::write(&first, &bytes).unwrap();
        let recovered = recover(&mut demo_cluster(NOW), &state).unwrap();
        assert!(recovered
            .notes
            .iter()
            .any(|n| n.contains("dropped a torn write")));
        // With a later segment, the same end is damage in a segment that was complete.
        create_segment(&state, 2).unwrap();
        let error = recover(&mut demo_cluster(NOW), &state).unwrap_err();
        assert!(error.contains("line 4"), "{error}");
        assert!(
            error.contains("at the end of a segment that was complete"),
            "{error}"
        );
    }
}

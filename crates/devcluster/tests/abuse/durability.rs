//! `devcluster --state FILE` is durable like an API server on etcd (issue 15), checked on the
//! binary, on 127.0.0.1 only:
//!
//! * `kill_9_during_1000_writes_per_second_loses_no_acknowledged_write`: concurrent creates
//!   paced at about 1,000 a second, `kill -9` in the middle, restart: every acknowledged create
//!   is there. Prints the figures (acknowledged, found, writes/s reached, fsyncs/s and writes
//!   per fsync from `/metrics`, compactions).
//! * `a_watcher_resuming_after_a_crash_gets_the_new_events_or_410`: a watcher's last seen
//!   version, after a `kill -9` during writes, still means what it meant: resuming from it gives
//!   every change after it or `410 Expired`, never silence.
//! * `a_failed_append_gives_the_client_an_error`: under a file-size limit (`prlimit`) appends
//!   fail; the client gets 500 InternalError, not a success that is not on disk, and the server
//!   keeps answering.
//! * `a_version_1_state_file_still_loads`: a file written in the earlier format.
//! * `a_torn_tail_is_dropped_and_damage_in_the_middle_refused`: a half-written last record is
//!   dropped at start; a damaged record with intact ones after it stops devcluster with its
//!   place named, and no file is changed.
use crate::common::{bearer, Devcluster, TempDir};
use imagestream_devcluster::seed::demo_cluster;
use imagestream_devcluster::ApiRequest;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

fn agent(timeout: Option<Duration>) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(timeout)
        .build();
    ureq::Agent::new_with_config(config)
}

/// `(status, body)`, or `Err` when the server did not answer (it was killed).
fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    user: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", bearer(user))
        .header("Content-Type", "application/json")
        .body(body.map(|b| b.to_string()).unwrap_or_default())
        .map_err(|err| err.to_string())?;
    let mut response = agent.run(request).map_err(|err| err.to_string())?;
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .map_err(|err| err.to_string())?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

fn stream(name: &str) -> Value {
    json!({"kind": "ImageStream", "apiVersion": "image.openshift.io/v1", "metadata": {"name": name, "labels": {"load": "yes"}}})
}

fn args(state: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["--listen", "127.0.0.1:0", "--dist", "no-console", "--state"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    args.push(state.to_string_lossy().into_owned());
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Names and versions of the streams in project demo.
fn stream_versions(base: &str) -> Vec<(String, u64)> {
    let (status, list) = send(
        &agent(None),
        "GET",
        &format!("{base}{STREAMS}"),
        "developer",
        None,
    )
    .expect("the list is answered");
    assert_eq!(status, 200, "{list}");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                version_of(item),
            )
        })
        .collect()
}

fn version_of(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `/metrics` figures of the state log by name.
fn metrics(base: &str) -> std::collections::BTreeMap<String, f64> {
    let mut response = agent(Some(Duration::from_secs(10)))
        .get(&format!("{base}/metrics"))
        .header("Authorization", bearer("admin"))
        .call()
        .expect("/metrics answers");
    let text = response.body_mut().read_to_string().unwrap_or_default();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (name, value) = line.split_once(' ')?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Creates streams from `threads` clients, at `per_second` in all (each request at its planned
/// time, or at once when behind) or as fast as they are answered, until `stop`; returns the
/// acknowledged (201) names with their versions, and counts them in `counted`. A client ends
/// at the first request the server does not answer (it was killed).
fn write_load(
    base: &str,
    threads: usize,
    per_second: Option<u64>,
    prefix: &str,
    stop: Arc<AtomicBool>,
    counted: Arc<AtomicU64>,
) -> Vec<std::thread::JoinHandle<Vec<(String, u64)>>> {
    let started = Instant::now();
    (0..threads)
        .map(|thread| {
            let (base, prefix, stop) = (base.to_owned(), prefix.to_owned(), stop.clone());
            let counted = counted.clone();
            std::thread::spawn(move || {
                let agent = agent(Some(Duration::from_secs(30)));
                let mut acknowledged = Vec::new();
                for index in 0_u64.. {
                    if let Some(per_second) = per_second {
                        let planned = Duration::from_micros(
                            (index * threads as u64 + thread as u64) * 1_000_000 / per_second,
                        );
                        if let Some(wait) = planned.checked_sub(started.elapsed()) {
                            std::thread::sleep(wait);
                        }
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let name = format!("{prefix}-{thread}-{index}");
                    let url = format!("{base}{STREAMS}");
                    match send(&agent, "POST", &url, "developer", Some(&stream(&name))) {
                        Ok((201, created)) => {
                            acknowledged.push((name, version_of(&created)));
                            counted.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok((status, body)) => panic!("create {name}: {status} {body}"),
                        Err(_) => break,
                    }
                }
                acknowledged
            })
        })
        .collect()
}

/// Runs `load` for `warm_up` and `measured` more, and prints the figures of the measured part:
/// writes acknowledged per second, fsyncs per second, records per fsync.
fn measure(base: &str, label: &str, measured: Duration, acknowledged: &AtomicU64) {
    let figure = |m: &std::collections::BTreeMap<String, f64>, name: &str| {
        m.get(name).copied().unwrap_or(0.0)
    };
    let (before, writes_before, at) = (
        metrics(base),
        acknowledged.load(Ordering::SeqCst),
        Instant::now(),
    );
    std::thread::sleep(measured);
    let (after, writes_after) = (metrics(base), acknowledged.load(Ordering::SeqCst));
    let seconds = at.elapsed().as_secs_f64();
    let delta = |name: &str| figure(&after, name) - figure(&before, name);
    let fsyncs = delta("devcluster_state_log_fsyncs_total");
    report!(
        "{label}: {:.0} writes/s acknowledged, {:.0} fsyncs/s, {:.1} records per fsync (group commit), {} compactions so far",
        (writes_after - writes_before) as f64 / seconds,
        fsyncs / seconds,
        delta("devcluster_state_log_records_total") / fsyncs.max(1.0),
        figure(&after, "devcluster_state_log_compactions_total"),
    );
}

#[test]
fn kill_9_during_1000_writes_per_second_loses_no_acknowledged_write() {
    let _alone = crate::alone();
    let work = TempDir::new("durable-load");
    let state = work.0.join("state.json");
    // A small compaction limit, so snapshots are written (and may be cut) during the load.
    let args = args(&state, &["--state-compact-bytes", "1000000"]);
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    let counted = Arc::new(AtomicU64::new(0));
    // 1,000 writes a second from 32 clients, then as many as they get answered.
    let paced_stop = Arc::new(AtomicBool::new(false));
    let paced = write_load(
        &first.base,
        32,
        Some(1000),
        "paced",
        paced_stop.clone(),
        counted.clone(),
    );
    std::thread::sleep(Duration::from_millis(500));
    measure(
        &first.base,
        "32 clients asking 1,000 creates/s",
        Duration::from_millis(2500),
        &counted,
    );
    paced_stop.store(true, Ordering::SeqCst);
    let mut acknowledged: Vec<(String, u64)> = paced
        .into_iter()
        .flat_map(|w| w.join().expect("a writer thread"))
        .collect();
    let burst_stop = Arc::new(AtomicBool::new(false));
    let burst = write_load(
        &first.base,
        32,
        None,
        "burst",
        burst_stop.clone(),
        counted.clone(),
    );
    std::thread::sleep(Duration::from_millis(500));
    measure(
        &first.base,
        "32 clients unpaced",
        Duration::from_millis(2000),
        &counted,
    );
    // Killed with requests in flight: what was answered must survive.
    assert!(first.stop("KILL"));
    burst_stop.store(true, Ordering::SeqCst);
    acknowledged.extend(
        burst
            .into_iter()
            .flat_map(|w| w.join().expect("a writer thread")),
    );

    let second = Devcluster::start(BINARY, &args, &work.0.join("stderr-2.log"));
    let found = stream_versions(&second.base);
    let found_names: BTreeSet<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    let lost: Vec<&(String, u64)> = acknowledged
        .iter()
        .filter(|(name, _)| !found_names.contains(name.as_str()))
        .collect();
    let written = found
        .iter()
        .filter(|(n, _)| n.starts_with("paced-") || n.starts_with("burst-"))
        .count();
    report!(
        "kill -9 during writes: {} creates acknowledged, {written} found after the restart ({} more were on disk but unanswered), {} lost",
        acknowledged.len(),
        written.saturating_sub(acknowledged.len() - lost.len()),
        lost.len(),
    );
    assert!(
        lost.is_empty(),
        "acknowledged creates lost: {:?}",
        &lost[..lost.len().min(10)]
    );
    assert!(!acknowledged.is_empty());
    // Versions go on from the newest one a client was given.
    let newest = acknowledged.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let (status, created) = send(
        &agent(None),
        "POST",
        &format!("{}{STREAMS}", second.base),
        "developer",
        Some(&stream("after-restart")),
    )
    .expect("answered");
    assert_eq!(status, 201, "{created}");
    assert!(
        version_of(&created) > newest,
        "{} after {newest}",
        version_of(&created)
    );
}

#[test]
fn a_watcher_resuming_after_a_crash_gets_the_new_events_or_410() {
    let _alone = crate::alone();
    let work = TempDir::new("durable-watch");
    let state = work.0.join("state.json");
    let args = args(&state, &[]);
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    let (_, list) = send(
        &agent(None),
        "GET",
        &format!("{}{STREAMS}", first.base),
        "developer",
        None,
    )
    .expect("list");
    let listed = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("0")
        .to_owned();
    // The watcher keeps the version of the last event it got, as an informer does.
    let last_seen = Arc::new(AtomicU64::new(listed.parse().unwrap_or(0)));
    let seen = last_seen.clone();
    let url = format!(
        "{}{STREAMS}?watch=1&resourceVersion={listed}&timeoutSeconds=60",
        first.base
    );
    let watcher = std::thread::spawn(move || {
        let Ok(response) = agent(None)
            .get(&url)
            .header("Authorization", bearer("developer"))
            .call()
        else {
            return;
        };
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines().map_while(Result::ok) {
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            seen.fetch_max(version_of(&event["object"]), Ordering::SeqCst);
        }
    });
    let stop = Arc::new(AtomicBool::new(false));
    let writers = write_load(
        &first.base,
        8,
        Some(300),
        "before",
        stop.clone(),
        Arc::default(),
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert!(first.stop("KILL"));
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().expect("a writer thread");
    }
    watcher.join().expect("the watcher");
    let resume_from = last_seen.load(Ordering::SeqCst);

    let second = Devcluster::start(BINARY, &args, &work.0.join("stderr-2.log"));
    let present = stream_versions(&second.base);
    let url = format!(
        "{}{STREAMS}?watch=1&resourceVersion={resume_from}&timeoutSeconds=20",
        second.base
    );
    let response = agent(None)
        .get(&url)
        .header("Authorization", bearer("developer"))
        .call()
        .expect("the watch is answered");
    let new: Vec<String> = (0..20).map(|i| format!("after-{i}")).collect();
    for name in &new {
        let (status, body) = send(
            &agent(None),
            "POST",
            &format!("{}{STREAMS}", second.base),
            "developer",
            Some(&stream(name)),
        )
        .expect("answered");
        assert_eq!(status, 201, "{body}");
    }
    // Every stream changed after the resumed version must come as an event.
    let mut expected: BTreeSet<String> = present
        .iter()
        .filter(|(_, version)| *version > resume_from)
        .map(|(name, _)| name.clone())
        .collect();
    expected.extend(new.iter().cloned());
    let mut events = 0;
    let mut expired = false;
    let reader = BufReader::new(response.into_body().into_reader());
    for line in reader.lines().map_while(Result::ok) {
        let event: Value = serde_json::from_str(&line).expect("an event");
        if event["type"] == "ERROR" {
            assert_eq!(event["object"]["code"], 410, "{event}");
            expired = true;
            break;
        }
        events += 1;
        assert!(
            version_of(&event["object"]) > resume_from,
            "an event from before the resumed version: {event}"
        );
        if let Some(name) = event["object"]["metadata"]["name"].as_str() {
            expected.remove(name);
        }
        if expected.is_empty() {
            break;
        }
    }
    report!(
        "watch resumed after kill -9 from resourceVersion {resume_from}: {}",
        if expired {
            "410 Expired (re-list)".to_owned()
        } else {
            format!("{events} events, none missing")
        }
    );
    assert!(
        expired || expected.is_empty(),
        "silence: no event and no 410 for {expected:?}"
    );
}

#[test]
fn a_failed_append_gives_the_client_an_error() {
    let _alone = crate::alone();
    if !Path::new("/usr/bin/prlimit").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "prlimit (util-linux) is needed"
        );
        report!(
            "SKIPPED (needs prlimit from util-linux): a_failed_append_gives_the_client_an_error"
        );
        return;
    }
    let work = TempDir::new("durable-full");
    let state = work.0.join("state.json");
    let args = args(&state, &[]);
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    assert!(first.stop("TERM"));
    let snapshot = std::fs::metadata(&state).expect("a snapshot").len();
    // No file may grow past the snapshot and 40 KiB: the log runs into the limit soon.
    let mut limited = vec![
        format!("--fsize={}", snapshot + 40 * 1024),
        "--".into(),
        BINARY.into(),
    ];
    limited.extend(args.iter().cloned());
    let mut second = Devcluster::start("/usr/bin/prlimit", &limited, &work.0.join("stderr-2.log"));
    let client = agent(Some(Duration::from_secs(20)));
    let url = format!("{}{STREAMS}", second.base);
    let big = "x".repeat(2048);
    let mut acknowledged = Vec::new();
    let mut failure = None;
    for index in 0..200 {
        let name = format!("big-{index}");
        let mut body = stream(&name);
        body["metadata"]["annotations"] = json!({"filler": big});
        let (status, answer) =
            send(&client, "POST", &url, "developer", Some(&body)).expect("answered");
        match status {
            201 => acknowledged.push(name),
            _ => {
                failure = Some((name, status, answer));
                break;
            }
        }
    }
    let (failed, status, answer) = failure.expect("the file-size limit is reached");
    assert_eq!(status, 500, "{answer}");
    assert_eq!(answer["reason"], "InternalError", "{answer}");
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Internal error occurred: the change is not saved: cannot append to the state log"
        ) && message.contains("File too large"),
        "{message}"
    );
    // Still serving: reads say why they cannot be answered from saved state.
    let (status, answer) = send(&client, "GET", &url, "developer", None).expect("answered");
    assert_eq!(status, 500, "{answer}");
    let stderr = std::fs::read_to_string(work.0.join("stderr-2.log")).unwrap_or_default();
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(second.stop("KILL"));

    let third = Devcluster::start(BINARY, &args, &work.0.join("stderr-3.log"));
    let names: BTreeSet<String> = stream_versions(&third.base)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|n| !names.contains(*n))
        .collect();
    report!(
        "file-size limit: {} creates acknowledged, then 500 for {failed}; after a restart without the limit {} of them found, {failed} {}",
        acknowledged.len(),
        acknowledged.len() - missing.len(),
        if names.contains(&failed) { "found" } else { "absent (never on disk)" }
    );
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn a_version_1_state_file_still_loads() {
    let _alone = crate::alone();
    let work = TempDir::new("durable-v1");
    let state = work.0.join("state.json");
    // A state file as earlier builds wrote it: one pretty-printed version 1 document.
    let now = 1_780_000_000_000;
    let mut cluster = demo_cluster(now);
    let created = cluster.handle(&ApiRequest {
        method: "POST".into(),
        path: STREAMS.into(),
        body: stream("kept").to_string().into_bytes(),
        content_type: "application/json".into(),
        authorization: Some(bearer("developer")),
        now_millis: now,
        ..ApiRequest::default()
    });
    assert_eq!(created.status, 201);
    let document = cluster.save_state();
    assert_eq!(document["version"], 1);
    let mut text = serde_json::to_vec_pretty(&document).expect("JSON");
    text.push(b'\n');
    std::fs::write(&state, text).expect("written");
    let args = args(&state, &[]);
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    let versions = stream_versions(&first.base);
    let kept = versions
        .iter()
        .find(|(n, _)| n == "kept")
        .expect("the stream is back");
    assert_eq!(kept.1, version_of(&created.json_body()));
    let (status, _) = send(
        &agent(None),
        "POST",
        &format!("{}{STREAMS}", first.base),
        "developer",
        Some(&stream("new")),
    )
    .expect("answered");
    assert_eq!(status, 201);
    assert!(first.stop("KILL"));
    let rewritten: Value =
        serde_json::from_slice(&std::fs::read(&state).expect("the state file")).expect("JSON");
    assert_eq!(
        rewritten["version"], 2,
        "the start wrote a snapshot in the new format"
    );
    let second = Devcluster::start(BINARY, &args, &work.0.join("stderr-2.log"));
    let names: Vec<String> = stream_versions(&second.base)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        names.contains(&"kept".to_owned()) && names.contains(&"new".to_owned()),
        "{names:?}"
    );
}

/// The newest log segment next to `state`.
fn last_segment(state: &Path) -> std::path::PathBuf {
    let directory = state.parent().expect("a directory");
    let mut segments: Vec<_> = std::fs::read_dir(directory)
        .expect("listed")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".wal."))
        .collect();
    segments.sort();
    segments.pop().expect("a log segment")
}

fn files_in(directory: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(directory)
        .expect("listed")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("state.json"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_torn_tail_is_dropped_and_damage_in_the_middle_refused() {
    let _alone = crate::alone();
    let work = TempDir::new("durable-torn");
    let state = work.0.join("state.json");
    let args = args(&state, &[]);
    let create = |base: &str, names: &[&str]| {
        for name in names {
            let (status, body) = send(
                &agent(None),
                "POST",
                &format!("{base}{STREAMS}"),
                "developer",
                Some(&stream(name)),
            )
            .expect("answered");
            assert_eq!(status, 201, "{body}");
        }
    };
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    create(&first.base, &["a", "b", "c"]);
    assert!(first.stop("KILL"));
    // A crash in the middle of an append leaves half a record at the end.
    let segment = last_segment(&state);
    let mut bytes = std::fs::read(&segment).expect("the log");
    bytes.extend_from_slice(b"1a2b3c4d {\"resourceVersion\":99,\"type\":\"ADD");
    std::fs::write(&segment, bytes).expect("written");
    let mut second = Devcluster::start(BINARY, &args, &work.0.join("stderr-2.log"));
    let names: BTreeSet<String> = stream_versions(&second.base)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for name in ["a", "b", "c"] {
        assert!(names.contains(name), "{name} is back: {names:?}");
    }
    let note = second
        .lines
        .recv_timeout(Duration::from_secs(10))
        .into_iter()
        .chain(second.lines.try_iter())
        .find(|line| line.starts_with("state: "))
        .unwrap_or_default();
    assert!(
        note.contains("dropped a torn write at the end of"),
        "{note}"
    );
    create(&second.base, &["d", "e", "f"]);
    assert!(second.stop("KILL"));

    // One changed byte inside the first record of the new segment, intact ones after it.
    let segment = last_segment(&state);
    let mut bytes = std::fs::read(&segment).expect("the log");
    let second_line = bytes
        .iter()
        .position(|b| *b == b'\n')
        .expect("a header line")
        + 1;
    let target = second_line + 40;
    bytes[target] = if bytes[target] == b'x' { b'y' } else { b'x' };
    std::fs::write(&segment, &bytes).expect("written");
    let before = files_in(&work.0);
    let output = std::process::Command::new(BINARY)
        .args(&args)
        .env("TMPDIR", &work.0)
        .output()
        .expect("devcluster runs");
    assert!(
        !output.status.success(),
        "devcluster must not start on a damaged log"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{} line 2 (byte {second_line}) is damaged",
            segment.display()
        )) && stderr.contains("intact records after it"),
        "{stderr}"
    );
    assert_eq!(files_in(&work.0), before, "no file was changed");
}

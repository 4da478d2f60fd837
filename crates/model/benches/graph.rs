//! Measures what the image-stream pages pay on a large project: decoding a 20,000-stream
//! ImageStreamList (5 tags, 3 history items each) and relating 5,000 Deployments to it with
//! [`ReferenceGraph::build`]. Prints each figure next to its budget.
//!
//! Run with `cargo bench -p imagestream-model --bench graph`. A plain binary (`harness = false`)
//! so it needs no benchmarking crate; budgets are reported, not asserted, because timings depend
//! on the machine and on what else is running.

use imagestream_model::graph::{ProjectObjects, ReferenceGraph, UseState};
use imagestream_model::{Deployment, ImageStream, List};
use serde_json::json;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

const NAMESPACE: &str = "bench";
const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";
const STREAMS: usize = 20_000;
const TAGS: usize = 5;
const HISTORY: usize = 3;
const DEPLOYMENTS: usize = 5_000;
const GRAPH_RUNS: usize = 10;
const DECODE_RUNS: usize = 3;
const DECODE_BUDGET_MB_PER_S: f64 = 100.0;
const GRAPH_BUDGET: Duration = Duration::from_millis(50);

fn digest(stream: usize, tag: usize, item: usize) -> String {
    format!("sha256:{:064x}", (stream * TAGS + tag) * HISTORY + item)
}

/// The list as the server sends it: full metadata, spec tags with every key Go emits, and a
/// status history per tag.
fn stream_list_json() -> String {
    let mut out = String::with_capacity(STREAMS * 4_000);
    out.push_str(r#"{"kind":"ImageStreamList","apiVersion":"image.openshift.io/v1","metadata":{"resourceVersion":"987654"},"items":["#);
    for s in 0..STREAMS {
        if s > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"metadata":{{"name":"s{s}","namespace":"{NAMESPACE}","uid":"00000000-0000-0000-0000-{s:012}","resourceVersion":"{rv}","generation":2,"creationTimestamp":"2024-01-01T00:00:00Z","annotations":{{"openshift.io/image.dockerRepositoryCheck":"2024-01-28T00:00:00Z"}}}},"spec":{{"lookupPolicy":{{"local":false}},"tags":["#,
            rv = 100_000 + s
        );
        for t in 0..TAGS {
            if t > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"name":"t{t}","annotations":null,"from":{{"kind":"DockerImage","name":"quay.io/org/s{s}:t{t}"}},"generation":2,"importPolicy":{{"importMode":"Legacy"}},"referencePolicy":{{"type":"Source"}}}}"#
            );
        }
        let _ = write!(
            out,
            r#"]}},"status":{{"dockerImageRepository":"{REGISTRY}/{NAMESPACE}/s{s}","tags":["#
        );
        for t in 0..TAGS {
            if t > 0 {
                out.push(',');
            }
            let _ = write!(out, r#"{{"tag":"t{t}","items":["#);
            for i in 0..HISTORY {
                if i > 0 {
                    out.push(',');
                }
                let d = digest(s, t, i);
                let _ = write!(
                    out,
                    r#"{{"created":"2024-01-{day:02}T00:00:00Z","dockerImageReference":"quay.io/org/s{s}@{d}","image":"{d}","generation":2}}"#,
                    day = 28 - i
                );
            }
            out.push_str("]}");
        }
        out.push_str("]}}");
    }
    out.push_str("]}");
    out
}

/// Deployment `d` uses stream `4d`, tag `d % 5`; one in five runs the previous image and one in
/// five the one before. Even ones carry a trigger annotation, odd ones are matched by digest.
fn deployments() -> Vec<Deployment> {
    (0..DEPLOYMENTS)
        .map(|d| {
            let (s, t) = (d * 4, d % TAGS);
            let item = match d % 5 {
                0 => 1,
                1 => 2,
                _ => 0,
            };
            let running = digest(s, t, item);
            let image = match d % 3 {
                0 => format!("{REGISTRY}/{NAMESPACE}/s{s}@{running}"),
                1 => format!("quay.io/org/s{s}@{running}"),
                _ => format!("mirror.example.com/x/y@{running}"),
            };
            let mut annotations = serde_json::Map::new();
            if d % 2 == 0 {
                let triggers = json!([{
                    "from": {"kind": "ImageStreamTag", "name": format!("s{s}:t{t}")},
                    "fieldPath": "spec.template.spec.containers[?(@.name==\"app\")].image"
                }]);
                annotations.insert(
                    "image.openshift.io/triggers".into(),
                    triggers.to_string().into(),
                );
            }
            serde_json::from_value(json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": format!("d{d}"), "namespace": NAMESPACE, "annotations": annotations},
                "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "app", "image": image}]}}}
            }))
            .expect("a generated Deployment decodes")
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn verdict(holds: bool) -> &'static str {
    if holds {
        "holds"
    } else {
        "MISSED"
    }
}

fn main() {
    let text = stream_list_json();
    let megabytes = text.len() as f64 / 1_000_000.0;
    println!(
        "graph benchmark: {STREAMS} streams x {TAGS} tags x {HISTORY} history items, {DEPLOYMENTS} Deployments"
    );
    println!(
        "ImageStreamList JSON: {} bytes ({megabytes:.1} MB)",
        text.len()
    );

    let mut decode_times = Vec::with_capacity(DECODE_RUNS);
    let mut list: Option<List<ImageStream>> = None;
    for _ in 0..DECODE_RUNS {
        let started = Instant::now();
        let decoded: List<ImageStream> =
            serde_json::from_str(black_box(&text)).expect("the generated list decodes");
        decode_times.push(started.elapsed());
        list = Some(black_box(decoded));
    }
    let decode = median(decode_times);
    let rate = megabytes / decode.as_secs_f64();
    println!(
        "decode (serde_json -> List<ImageStream>), median of {DECODE_RUNS}: {:.1} ms = {rate:.1} MB/s; budget decode >= {DECODE_BUDGET_MB_PER_S:.0} MB/s: {}",
        decode.as_secs_f64() * 1_000.0,
        verdict(rate >= DECODE_BUDGET_MB_PER_S)
    );

    let streams = list.map(|list| list.items).unwrap_or_default();
    let deployments = deployments();
    let objects = ProjectObjects {
        namespace: NAMESPACE,
        streams: &streams,
        deployments: &deployments,
        deployment_configs: &[],
        pods: &[],
    };
    let mut graph_times = Vec::with_capacity(GRAPH_RUNS);
    let mut graph = ReferenceGraph::default();
    for _ in 0..GRAPH_RUNS {
        let started = Instant::now();
        let built = black_box(ReferenceGraph::build(black_box(&objects)));
        graph_times.push(started.elapsed());
        // Dropping the previous graph is the caller's cost, not the build's: keep it untimed.
        graph = built;
    }
    let fastest = graph_times.iter().min().copied().unwrap_or_default();
    let slowest = graph_times.iter().max().copied().unwrap_or_default();
    let build = median(graph_times);
    println!(
        "graph build, median of {GRAPH_RUNS}: {:.2} ms (min {:.2}, max {:.2}); budget graph < {} ms: {}",
        build.as_secs_f64() * 1_000.0,
        fastest.as_secs_f64() * 1_000.0,
        slowest.as_secs_f64() * 1_000.0,
        GRAPH_BUDGET.as_millis(),
        verdict(build < GRAPH_BUDGET)
    );

    let uses = graph.uses();
    let current = uses.iter().filter(|u| u.state == UseState::Current).count();
    let stale = uses.iter().filter(|u| u.state.is_stale()).count();
    println!("uses: {} (current {current}, stale {stale})", uses.len());
}

//! Measures what the image-stream pages pay on a large project: decoding a 20,000-stream
//! ImageStreamList (5 tags, 3 history items each) and relating 5,000 Deployments to it with
//! `ReferenceGraph::build`. Prints each figure next to its budget.
//!
//! Run with `cargo bench -p imagestream-model --bench graph` (or `scripts/bench-model.sh`, which
//! also runs the same measurement in wasm, in headless Chromium: `graph_wasm.rs`). A plain binary
//! (`harness = false`) so it needs no benchmarking crate; budgets are reported, not asserted,
//! because timings depend on the machine and on what else is running. The data and the
//! measurement live in `fixture/mod.rs`, shared with the wasm bench.

mod fixture;

use std::time::{Duration, Instant};

impl fixture::Stopwatch for Instant {
    fn start() -> Self {
        Instant::now()
    }

    fn elapsed(&self) -> Duration {
        Instant::elapsed(self)
    }
}

fn main() {
    fixture::run::<Instant>("native", &mut |line| println!("{line}"));
}

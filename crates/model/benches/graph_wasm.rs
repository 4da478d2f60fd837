//! The `graph` benchmark in wasm32, in headless Chromium: the same 20,000-stream ImageStreamList
//! decode and 5,000-Deployment `ReferenceGraph::build` as `graph.rs` (both come from
//! `fixture/mod.rs`), timed with `performance.now()` and printed as the same figure lines, so the
//! native and browser figures read side by side.
//!
//! Run with `scripts/bench-model.sh`, or by hand from the workspace root:
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/webdriver.json
//! cargo bench --target wasm32-unknown-unknown -p imagestream-model --bench graph_wasm`.
//! `wasm-bindgen-test-runner` (the wasm32 runner in `.cargo/config.toml`) calls the
//! `#[wasm_bindgen_bench]` function below; it uses the bench profile, like the native bench.
//! On other targets this file is an empty `main` that says where it runs.

// `harness = false`: the runner calls the exported bench, so wasm32 needs no `main`.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(target_arch = "wasm32")]
mod fixture;

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::fixture::{self, Stopwatch};
    use std::time::Duration;
    use wasm_bindgen_test::{console_log, wasm_bindgen_bench, Criterion, Instant};

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// `performance.now()`, through wasm-bindgen-test's `Instant`.
    struct Performance(Instant);

    impl Stopwatch for Performance {
        fn start() -> Self {
            Performance(Instant::now())
        }

        fn elapsed(&self) -> Duration {
            self.0.elapsed()
        }
    }

    /// Runs the shared measurement once: medians over several runs (3 decodes, 10 graph
    /// builds), timed by hand like the native bench. The runner's Criterion port is not used:
    /// it would sample each step at least 10 times after a 3 s warm-up and report its own
    /// statistics (mean and confidence interval), not figures comparable with `graph.rs`.
    #[wasm_bindgen_bench]
    fn graph(_criterion: &mut Criterion) {
        fixture::run::<Performance>("wasm32, headless Chromium", &mut |line| {
            console_log!("{line}")
        });
        // Linear memory only grows, so this is the run's high-water mark.
        let bytes = core::arch::wasm32::memory_size(0) * 65_536;
        console_log!("wasm memory (peak): {} MB", bytes / 1_000_000);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "graph_wasm runs in headless Chromium: cargo bench --target wasm32-unknown-unknown -p imagestream-model --bench graph_wasm (or scripts/bench-model.sh)"
    );
}

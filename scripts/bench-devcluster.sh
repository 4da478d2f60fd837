#!/usr/bin/env bash
# The devcluster server load benchmark (issue 4): builds the release devcluster and runs
# crates/devcluster/benches/server_load.rs against it on a free loopback port. Full figures by
# default: 20,000 image streams (5 spec tags, 3 history images each) listed as JSON, as Table
# and in pages of 500 (10 runs each), then 100 watch clients while 1,000 merge patches/s are
# written for 10 s from 8 writers; latency percentiles, lost events, devcluster's RSS.
# Arguments go to the benchmark: `scripts/bench-devcluster.sh --smoke` is the cheap run
# (200 streams, 5 clients, 100 writes/s for 2 s), `--help` lists the others.
# Figures: target/bench-devcluster.{md,json} (smoke: target/bench-devcluster-smoke.{md,json});
# build output in target/bench-devcluster-build.log. Only "lost events = 0" is a budget: the
# exit status is non-zero when it is missed or the run fails; timings are reported, not judged
# (the server and the client share this machine's cores).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mkdir -p target
log=target/bench-devcluster-build.log
build() {
  if ! "$@" > "$log" 2>&1; then
    tail -n 40 "$log"
    echo "bench-devcluster: FAILED: $* (full output in $log)" >&2
    exit 1
  fi
}

echo "== cargo build --release -p imagestream-devcluster"
build cargo build --release --locked -p imagestream-devcluster
# The bench profile inherits the release one, so the bench uses this same target/release/devcluster.
build cargo bench --locked -p imagestream-devcluster --bench server_load --no-run

echo "== server_load $*"
exec cargo bench --locked -q -p imagestream-devcluster --bench server_load -- "$@"

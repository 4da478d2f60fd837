#!/usr/bin/env bash
# The console benchmark (issues 5 and 8): the built console in headless Chromium against the
# release devcluster, measured against its budgets and side by side with `kubectl get is`.
# Builds what it needs through the project's own tools: the release devcluster, the console's
# trunk release build into target/dist-bench (or `--dist DIR` to measure an existing build,
# e.g. `--dist dist`), its bundle report (scripts/bundle-report.sh), then runs benches/console.rs.
# Full figures by default: 1,000 and 20,000 image streams (5 tags x 3 history items) with 5,000
# Deployments; first load, first rows, whole list, memory, 50 filter keystrokes, the page of a
# stream with 100 tags x 20 history items, 1,000 watch writes/s for 10 s, kubectl get is.
# `scripts/bench-console.sh --smoke` is the cheap run (200 streams, 50 Deployments, 100 writes/s
# for 2 s, 5 keystrokes; under 2 minutes once built); `--help` lists the other arguments, which
# go to the benchmark.
# Figures: target/bench-console.{md,json} (smoke: target/bench-console-smoke.{md,json});
# build output in target/bench-console-build.log. Only "lost events = 0" is a budget that fails:
# the exit status is non-zero when it is missed or the run fails; timings are reported with
# their budgets, not judged (browser, server and driver share this machine's cores).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

dist=target/dist-bench
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=${2:?--dist needs a directory}; shift 2 ;;
    --dist=*) dist=${1#--dist=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
build_console=1
[ "$dist" = target/dist-bench ] || build_console=0

mkdir -p target
log=target/bench-console-build.log
: > "$log"
build() {
  if ! "$@" >> "$log" 2>&1; then
    tail -n 40 "$log"
    echo "bench-console: FAILED: $* (full output in $log)" >&2
    exit 1
  fi
}

echo "== cargo build --release -p imagestream-devcluster"
build cargo build --release --locked -p imagestream-devcluster
if [ "$build_console" = 1 ]; then
  echo "== trunk build --release --dist $dist"
  # The lock keeps concurrent trunk builds of this tree from clobbering each other.
  build flock target/trunk.lock trunk build --release --dist "$dist"
fi
[ -f "$dist/index.html" ] || { echo "bench-console: $dist/index.html is missing" >&2; exit 1; }
echo "== bundle report of $dist"
build scripts/bundle-report.sh "$dist"
cp target/bundle-report.md target/bench-console-bundle.md
build cargo bench --locked --bench console --no-run

echo "== console bench ${args[*]:-}"
exec cargo bench --locked -q --bench console -- --dist "$dist" --bundle-report target/bench-console-bundle.md ${args[@]+"${args[@]}"}

#!/usr/bin/env bash
# Time to first screen of the static demo (scripts/build-demo.sh): the build served by
# `python3 -m http.server` under its sub-path, in headless Chromium, navigation start → the
# first rows of the demo project's image streams painted; cold (fresh browser) and warm loads
# (examples/static_demo_load.rs says how it measures). Prints a markdown table, also written to
# target/bench-static-demo.md. A benchmark: it reports, it does not judge.
#
#   bash scripts/bench-static-demo.sh [--dist DIR] [--runs N]
#
# Without --dist it builds the static demo into target/demo-dist first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

dist=
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=${2:?--dist needs a directory}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    *) echo "bench-static-demo.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$dist" ]; then
  dist=target/demo-dist
  bash scripts/build-demo.sh --dist "$dist"
fi
mkdir -p target
cargo run --release --quiet --example static_demo_load -- --dist "$dist" --runs "$runs" |
  tee target/bench-static-demo.md

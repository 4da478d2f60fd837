#!/usr/bin/env bash
# The model's decode + reference-graph benchmark, natively and then in wasm32 in headless
# Chromium, with the release profile (the bench profile inherits it: opt-level "z", LTO).
# Both runs generate the same 20,000-stream ImageStreamList and 5,000 Deployments
# (crates/model/benches/fixture/mod.rs); the script prints each run's figures, then both side by
# side with their budgets. Budgets are reported, not enforced: the exit status only says whether
# both benchmarks ran. Full output in target/bench-model-{native,wasm}.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
# Cargo starts the runner in the model crate's folder; the browser capabilities (headless
# Chromium flags) are at the workspace root.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$root/webdriver.json"
# The runner's default 20 s is enough on an idle machine (the run takes a few seconds), not
# always on a busy 2-core one.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}

fail() { echo "bench-model: $*" >&2; exit 1; }

[ -x "$CHROMEDRIVER" ] || fail "chromedriver not found at $CHROMEDRIVER; run scripts/setup.sh"
command -v wasm-bindgen-test-runner > /dev/null \
  || fail "wasm-bindgen-test-runner not found on PATH (~/.cargo/bin); run scripts/setup.sh"
rustup target list --installed 2> /dev/null | grep -qx wasm32-unknown-unknown \
  || fail "the rust target wasm32-unknown-unknown is not installed; run scripts/setup.sh"
# The runner must match the wasm-bindgen crate in Cargo.lock exactly.
wanted=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen-test-runner --version | awk '{print $2}')
[ "$have" = "$wanted" ] \
  || fail "wasm-bindgen-test-runner is $have, Cargo.lock has wasm-bindgen $wanted; run scripts/setup.sh"

mkdir -p target
native_log=target/bench-model-native.log
wasm_log=target/bench-model-wasm.log

# Runs a benchmark with its build output in LOG, shown only if it fails.
bench() {
  local log=$1; shift
  if ! "$@" > "$log" 2>&1; then
    tail -n 40 "$log"
    fail "FAILED: $* (full output in $log)"
  fi
}

echo "== native (cargo bench -p imagestream-model --bench graph)"
bench "$native_log" cargo bench --locked -p imagestream-model --bench graph
figures='^(graph benchmark|ImageStreamList JSON|decode|graph build|uses|wasm memory)'
grep -E "$figures" "$native_log"

echo
echo "== wasm32, headless Chromium (cargo bench --target wasm32-unknown-unknown -p imagestream-model --bench graph_wasm)"
bench "$wasm_log" cargo bench --locked --target wasm32-unknown-unknown -p imagestream-model --bench graph_wasm
grep -E "$figures" "$wasm_log"
grep -q '^graph build' "$wasm_log" || fail "the wasm benchmark printed no figures (full output in $wasm_log)"

# "decode (...), median of 3: 350.0 ms = 295.1 MB/s; budget decode >= 100 MB/s: holds"
# -> "350.0 ms = 295.1 MB/s: holds"
figure() { grep -m1 "^$2" "$1" | sed -E 's/^[^:]*: (.*); budget [^:]*: (.*)$/\1: \2/'; }
budget() { grep -m1 "^$2" "$1" | sed -E 's/^.*; budget [a-z]+ ([^:]*): .*$/\1/'; }

echo
echo "== side by side"
row() { printf '| %-22s | %-42s | %-42s | %-11s |\n' "$@"; }
row figure native "wasm32, headless Chromium" budget
row "decode (median of 3)" "$(figure "$native_log" decode)" "$(figure "$wasm_log" decode)" \
  "$(budget "$native_log" decode)"
row "graph (median of 10)" "$(figure "$native_log" 'graph build')" "$(figure "$wasm_log" 'graph build')" \
  "$(budget "$native_log" 'graph build')"

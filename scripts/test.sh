#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, formatting, lints (native and wasm32), unit
# tests, component tests in headless Chromium, the release build, the bundle report, and
# end-to-end tests against devcluster. Stops at the first failure; ends with the test count.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup.sh
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

log=target/test-output.log
mkdir -p target
: > "$log"
started=$(date +%s)
step() { printf '\n== %s\n' "$*"; }
# Runs a build step with its output in target/NAME.log, shown only if it fails.
quietly() {
  local name=$1; shift
  if "$@" > "target/$name.log" 2>&1; then
    echo "ok ($*)"
  else
    tail -n 60 "target/$name.log"
    echo "FAILED: $* (full output in target/$name.log)" >&2
    exit 1
  fi
}
# Runs a test command, keeping its output for the final count.
run_tests() { "$@" 2>&1 | grep -v 'Stylers debug output' | tee -a "$log"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings 2>&1 | grep -v 'Stylers debug output'

# The model's own tests use native-only dev-dependencies (proptest, serde_yaml), so on wasm32
# its library is linted; the console is linted with its component tests.
step "clippy (wasm32: console with its component tests, model library)"
cargo clippy --target wasm32-unknown-unknown -p imagestream-console --all-targets --locked -- -D warnings 2>&1 | grep -v 'Stylers debug output'
cargo clippy --target wasm32-unknown-unknown -p imagestream-model --lib --locked -- -D warnings
# devcluster's library (API semantics) must build for the browser, without the server feature.
cargo clippy --target wasm32-unknown-unknown -p imagestream-devcluster --lib --no-default-features --locked -- -D warnings
# The in-page demo cluster: a Web Worker around that library.
cargo clippy --target wasm32-unknown-unknown -p imagestream-demo --all-targets --locked -- -D warnings

step "release build (trunk)"
rm -rf dist
quietly trunk-build trunk build --release

step "bundle report"
bash scripts/bundle-report.sh dist

# The static demo (issue 7): the same console for a static host under a sub-path; its
# end-to-end test serves it with python3 -m http.server.
step "static demo build (scripts/build-demo.sh)"
quietly demo-build bash scripts/build-demo.sh --public-url /imagestream-console/ --dist target/demo-dist
export DEMO_DIST="$root/target/demo-dist"

step "devcluster binary for the end-to-end tests"
quietly devcluster-build cargo build -p imagestream-devcluster --locked

step "unit and end-to-end tests (native)"
run_tests cargo test --workspace --locked

# Coverage-guided fuzzing (issue 15): devcluster's request handler, the model's parsers and the
# patch functions, from the committed seeds in fuzz/corpus; a crash fails the suite.
step "fuzz (scripts/fuzz.sh, 20 s per target)"
quietly fuzz bash scripts/fuzz.sh 20
grep -E '^(== fuzz|#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)' target/fuzz.log

step "component tests (wasm32, headless Chromium)"
run_tests cargo test --target wasm32-unknown-unknown -p imagestream-console --locked

# The console benchmark with small numbers, so it cannot rot; its figures are not judged here,
# but a failed run or a lost watch event fails the suite.
step "console benchmark, smoke run"
quietly bench-console-smoke bash scripts/bench-console.sh --smoke --dist dist
tail -n 25 target/bench-console-smoke.md

passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')
printf '\nall checks done in %ss\n' "$(( $(date +%s) - started ))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

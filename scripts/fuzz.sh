#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets of fuzz/ (cargo fuzz, libFuzzer) for a while each:
# devcluster's request handler on the demo worker (handle), the model's parsers (parsers) and
# the patch functions (patch). New inputs go to target/fuzz-corpus/TARGET; the committed seeds
# in fuzz/corpus/TARGET are only read. A crash stops the run with its input in
# fuzz/artifacts/TARGET/ and fails the script.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 20 s, all three)
#
# cargo fuzz needs nightly rustc flags (-Z sanitizer options); RUSTC_BOOTSTRAP=1 lets the
# stable toolchain accept them. No sanitizer: the code under test is safe Rust, and without
# AddressSanitizer each run is several times faster. Debug assertions are on, so arithmetic
# overflow is a crash too.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(handle parsers patch)
export RUSTC_BOOTSTRAP=1 PATH="$HOME/.cargo/bin:$PATH"
for target in "${targets[@]}"; do
  work="target/fuzz-corpus/$target"
  mkdir -p "$work"
  echo "== fuzz $target for ${seconds}s"
  set +e
  cargo fuzz run --fuzz-dir fuzz -s none -a "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=30 -max_len=8192 -print_final_stats=1 2>&1 |
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|thread .* panicked|SUMMARY|Done )'
  status=${PIPESTATUS[0]}
  set -e
  # cargo fuzz exits non-zero on a crash (or a build failure).
  [ "$status" -eq 0 ] || { echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2; exit 1; }
done

#!/usr/bin/env bash
# Trunk pre-build hook: compiles the console with the same flags trunk will use, so build.rs
# writes target/stylers.css before trunk links it and trunk's own cargo run is a no-op.
set -euo pipefail
profile=()
[ "${TRUNK_PROFILE:-debug}" = "release" ] && profile=(--release)
exec cargo build --offline --target wasm32-unknown-unknown --bin imagestream-console "${profile[@]}" --quiet

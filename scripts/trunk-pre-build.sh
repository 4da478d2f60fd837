#!/usr/bin/env bash
# Trunk pre-build hook: compiles the console for scripts/split-build.sh (run after trunk's own
# steps), with the linker's relocations the route splitter needs (.cargo/config.toml). build.rs
# writes target/stylers.css on the way, before trunk links it.
set -euo pipefail
profile=()
[ "${TRUNK_PROFILE:-debug}" = "release" ] && profile=(--release)
exec cargo build --offline --target wasm32-unknown-unknown --bin imagestream-console "${profile[@]}" --quiet

#!/usr/bin/env bash
# Trunk post-build hook: adds the console's split wasm (scripts/split-build.sh), then writes a brotli (.br) and a gzip (.gz) copy next to every wasm, JS and
# CSS file of the build, as static hosts serve them (nginx brotli_static/gzip_static, devcluster).
set -euo pipefail
dir=${TRUNK_STAGING_DIR:?trunk sets TRUNK_STAGING_DIR for its hooks}
bash "$(dirname "$0")/split-build.sh"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) -print0 |
  while IFS= read -r -d '' file; do
    brotli -q 11 -f -o "$file.br" "$file"
    gzip -9 -n -c "$file" > "$file.gz"
  done

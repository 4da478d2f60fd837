#!/usr/bin/env bash
# Prints the size of what a browser downloads from dist/: raw, gzip -9 and brotli -q 11 bytes
# of every wasm, JS and CSS file, grouped by when it is fetched, with a total per group:
#   first load    the files dist/index.html names (what every visit downloads; the budget)
#   page chunks   the pages split off by scripts/split-build.sh, each fetched on the first
#                 visit to its route
#   demo worker   the in-browser demo cluster (crates/demo), fetched only when someone
#                 chooses "Explore a demo cluster"
#   other         anything else in dist/ (nothing, normally)
# Also writes target/bundle-report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
[ -d "$dist" ] || { echo "bundle-report: $dist does not exist; build first" >&2; exit 1; }
[ -f "$dist/index.html" ] || { echo "bundle-report: $dist/index.html is missing" >&2; exit 1; }

files=$(find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) | sort)

# The group of one file: named by index.html, the demo worker, or other.
group_of() {
  local name=${1#"$dist"/}
  if grep -qF -- "$name" "$dist/index.html"; then
    echo "first load"
  elif [[ $name == pkg-*/* ]]; then
    echo "page chunks"
  elif [[ $(basename "$name") == imagestream-demo-worker* ]]; then
    echo "demo worker"
  else
    echo "other"
  fi
}

report=target/bundle-report.md
mkdir -p target
{
  for group in "first load" "page chunks" "demo worker" "other"; do
    rows=""
    total_raw=0 total_gz=0 total_br=0
    while IFS= read -r file; do
      [ -n "$file" ] || continue
      [ "$(group_of "$file")" = "$group" ] || continue
      raw=$(stat -c %s "$file")
      gz=$(gzip -9 -c "$file" | wc -c)
      br=$(brotli -q 11 -c "$file" | wc -c)
      total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
      rows+=$(printf '| %s | %d | %d | %d |' "${file#"$dist"/}" "$raw" "$gz" "$br")$'\n'
    done <<< "$files"
    # "other" is shown only when something is in it.
    [ "$group" != "other" ] || [ -n "$rows" ] || continue
    printf '\n### %s\n\n| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n' "$group"
    printf '%s' "$rows"
    printf '| **total %s** | %d | %d | %d |\n' "$group" "$total_raw" "$total_gz" "$total_br"
  done
} > "$report"
echo "bundle report (bytes):"
cat "$report"

#!/usr/bin/env bash
# Prints the size of what a browser downloads from dist/: raw, gzip -9 and brotli -q 11 bytes
# of every wasm, JS and CSS file, and the totals. Also writes target/bundle-report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
[ -d "$dist" ] || { echo "bundle-report: $dist does not exist; build first" >&2; exit 1; }

report=target/bundle-report.md
mkdir -p target
{
  printf '| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n'
  total_raw=0 total_gz=0 total_br=0
  while IFS= read -r file; do
    raw=$(stat -c %s "$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    br=$(brotli -q 11 -c "$file" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
    printf '| %s | %d | %d | %d |\n' "${file#"$dist"/}" "$raw" "$gz" "$br"
  done < <(find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) | sort)
  printf '| **total** | %d | %d | %d |\n' "$total_raw" "$total_gz" "$total_br"
} > "$report"
echo "bundle report (bytes):"
cat "$report"

#!/usr/bin/env bash
# The static demo: one build of the console that runs on any static file host (GitHub Pages,
# S3, `python3 -m http.server`) with no server at all. It starts in the demo cluster that runs
# inside the page (crates/demo in a Web Worker), keeps that cluster's state in the browser
# across reloads, and offers "Reset demo"; "Connect to a cluster" still logs in to a real API
# server (which must allow the page's origin: CORS).
#
#   bash scripts/build-demo.sh [--public-url /imagestream-console/] [--dist target/demo-dist]
#
# --public-url  the path the files are served under (GitHub Pages: /REPOSITORY/); written into
#               <base href>, every link and fetch of the console is relative to it
# --dist        where the files go (replaced)
#
# The output is the release build (scripts/trunk-post-build.sh writes .br/.gz copies beside
# every wasm, JS and CSS file), plus:
#   config.json  {"demo": true, "defaultNamespace": "demo"}
#   404.html     a copy of index.html: GitHub Pages serves it for any unknown path, so a deep
#                link (…/k8s/ns/demo/imagestreams/frontend) opens the console at that page
#   .nojekyll    GitHub Pages would otherwise hide files starting with "_" (__wasm_split.js)
#
# Runs trunk under the shared lock (target/trunk.lock) unless BUILD_DEMO_LOCKED=1 says the
# caller holds it.
set -euo pipefail
cd "$(dirname "$0")/.."

public_url=/imagestream-console/
dist=target/demo-dist
usage() { sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --public-url) public_url=${2:?--public-url needs a path}; shift 2 ;;
    --public-url=*) public_url=${1#*=}; shift ;;
    --dist) dist=${2:?--dist needs a directory}; shift 2 ;;
    --dist=*) dist=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
# One leading and one trailing slash: "imagestream-console" → "/imagestream-console/".
public_url="/${public_url#/}"
public_url="${public_url%/}/"
case "$dist" in ''|/|.) echo "build-demo.sh: refusing --dist '$dist'" >&2; exit 2 ;; esac

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
mkdir -p target
build=(trunk build --release --public-url "$public_url" --dist "$dist")
if [ "${BUILD_DEMO_LOCKED:-}" = 1 ]; then
  "${build[@]}"
else
  flock target/trunk.lock "${build[@]}"
fi

cat > "$dist/config.json" <<'JSON'
{
  "apiServer": "",
  "defaultNamespace": "demo",
  "demo": true
}
JSON
cp "$dist/index.html" "$dist/404.html"
touch "$dist/.nojekyll"
echo "static demo in $dist, to be served under $public_url"

#!/usr/bin/env bash
# Builds everything and runs the console against the built-in development cluster.
# Usage: scripts/demo.sh [PORT]   (default 8080; devcluster binds 127.0.0.1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8080}

bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "[demo] building the console (trunk build --release)"
mkdir -p target
if ! trunk build --release > target/trunk-build.log 2>&1; then
  tail -n 60 target/trunk-build.log
  echo "[demo] the console build failed (full output in target/trunk-build.log)" >&2
  exit 1
fi

echo "[demo] building devcluster"
cargo build --release -p imagestream-devcluster --locked --quiet

cat <<MSG

  imagestream-console is starting at http://127.0.0.1:$port/
  The development cluster holds the demo project "openshift" (httpd, mongodb, nginx,
  postgresql, python) and an empty project "demo".

  Log in: paste the token of 'developer' into the console's log-in page:
      sha256~developer-devcluster-token
  (the other users and their tokens are printed below; they work with kubectl and curl too).
  An integrated registry runs beside it (its address is printed below): an image pushed to
  <registry>/<project>/<name>:<tag> appears as an image stream. As on OpenShift, log in to it
  with your token as password: docker login -u developer -p sha256~developer-devcluster-token
  Or choose "Explore a demo cluster" on the log-in page: a cluster runs inside the page
  (a Web Worker), nothing goes to the server, and a reload starts it afresh.
  devcluster serves 127.0.0.1 only. Stop with Ctrl-C.

MSG
exec target/release/devcluster --listen "127.0.0.1:$port" --dist dist --registry

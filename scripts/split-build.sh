#!/usr/bin/env bash
# The console's wasm, split by route: trunk builds the CSS, assets and the demo worker; this
# script (run by scripts/trunk-post-build.sh) turns the console binary that
# scripts/trunk-pre-build.sh compiled (with relocations kept) into a main module plus one chunk
# per `#[wasm_split]` page, and links them from index.html.
#
#   wasm-split-cli  cuts the chunks out (it needs the linker's relocations, hence --emit-relocs)
#   wasm-bindgen    writes the JS glue for the main module (--keep-lld-exports: the chunks link
#                   against the main module's function table and memory)
#   wasm-opt        shrinks every module (release builds)
#
# Everything lands in pkg-HASH/ (HASH of its contents), so the files can be cached for ever and
# the chunks keep the plain names __wasm_split.js asks for. index.html gets a module script
# (pkg-HASH/boot.js, no inline script: a strict Content-Security-Policy allows it) and
# preloads for the main module, resolved against <base href>, so the build works under a
# sub-path too.
set -euo pipefail
cd "$(dirname "$0")/.."
staging=${TRUNK_STAGING_DIR:?run from trunk: TRUNK_STAGING_DIR is the build output}
profile=${TRUNK_PROFILE:-debug}
name=imagestream-console
wasm=target/wasm32-unknown-unknown/$profile/$name.wasm
work=target/split-$profile
rm -rf "$work"
mkdir -p "$work/split" "$work/pkg"

wasm-split-cli --target web --out-name "$name" "$wasm" "$work/split"
bindgen=(--target web --no-typescript --keep-lld-exports --out-dir "$work/pkg" --out-name "$name")
[ "$profile" = release ] || bindgen+=(--debug --keep-debug)
wasm-bindgen "${bindgen[@]}" "$work/split/$name.wasm"
for file in "$work"/split/*; do
  [ "$(basename "$file")" = "$name.wasm" ] || cp "$file" "$work/pkg/"
done
if [ "$profile" = release ]; then
  features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
    --enable-mutable-globals --enable-reference-types --enable-multivalue)
  python3 scripts/wasm-strip-linking.py "$work"/pkg/*.wasm
  for module in "$work"/pkg/*.wasm; do
    wasm-opt -Oz --strip-debug --strip-producers "${features[@]}" "$module" -o "$module.opt"
    mv "$module.opt" "$module"
  done
fi

cat > "$work/pkg/boot.js" <<JS
// Starts the console; a module file rather than an inline script, for strict CSPs.
import init from './$name.js';
const wasm = await init({ module_or_path: new URL('./${name}_bg.wasm', import.meta.url) });
// The event trunk's own loader sends, with the module's exports (the benchmark reads the
// wasm memory from it).
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
JS

hash=$(cd "$work/pkg" && cat $(ls | sort) | sha256sum | cut -c1-16)
pkg=pkg-$hash
rm -rf "${staging:?}/$pkg"
cp -r "$work/pkg" "$staging/$pkg"

# trunk's own single-module build of the console gives way: its files, its preloads and its
# inline start-up script.
rm -f "$staging/$name"-*.js "$staging/$name"-*_bg.wasm
python3 - "$staging/index.html" "$pkg" "$name" <<'PY'
import re, sys
path, pkg, name = sys.argv[1:]
html = open(path).read()
html = re.sub(r'<link rel="(modulepreload|preload)" href="[^"]*/' + re.escape(name) + r'-[0-9a-f]+(_bg\.wasm|\.js)"[^>]*>', '', html)
html, scripts = re.subn(r'<script type="module">\s*import init, \* as bindings from [^<]*</script>', '', html)
assert scripts == 1, "trunk's start-up script for the console was not found in index.html"
tags = (f'<link rel="modulepreload" href="{pkg}/{name}.js" />'
        f'<link rel="modulepreload" href="{pkg}/__wasm_split.js" />'
        f'<link rel="preload" href="{pkg}/{name}_bg.wasm" as="fetch" type="application/wasm" crossorigin="anonymous" />'
        f'<script type="module" src="{pkg}/boot.js"></script>')
assert html.count('</head>') == 1
html = html.replace('</head>', tags + '</head>')
open(path, 'w').write(html)
PY
# The demo worker: trunk built it with wasm-opt off (it cannot optimise a module that still
# has the linker's sections); strip them, then optimise.
for worker in "$staging"/imagestream-demo-worker*_bg.wasm; do
  [ -f "$worker" ] || continue
  python3 scripts/wasm-strip-linking.py "$worker"
  if [ "$profile" = release ]; then
    wasm-opt -Oz --strip-debug --strip-producers "${features[@]}" "$worker" -o "$worker.opt"
    mv "$worker.opt" "$worker"
  fi
done
echo "split build: $pkg: $(ls "$staging/$pkg" | tr '\n' ' ')"

#!/usr/bin/env bash
# Builds the softphone and the click-to-call widget into OUTDIR (served by tandem's [listen]
# web_root): OUTDIR/index.html + softphone.js/css, OUTDIR/click-to-call/click-to-call.js.
# `npm ci` installs the pinned JsSIP and esbuild (package-lock.json; npm registry only) into
# NODE_DIR (default: OUTDIR/../softphone-node), only when absent or when the lock file changed.
# Nothing is fetched at run time: the output is plain static files.
# Usage: web/softphone/build.sh OUTDIR [NODE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 OUTDIR [NODE_DIR]" >&2
  exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
node_dir=${2:-$(dirname "$out")/softphone-node}
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (apt-get install nodejs npm)" >&2; exit 1; }
done
mkdir -p "$node_dir"
if [ ! -d "$node_dir/node_modules" ] || ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json"; then
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  rm -rf "$node_dir/node_modules"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
esbuild=$node_dir/node_modules/.bin/esbuild
common=(--bundle --minify --format=iife --target=es2020 --log-level=warning --legal-comments=linked)
NODE_PATH=$node_dir/node_modules "$esbuild" "$here/src/main.js" "${common[@]}" --outfile="$out/softphone.js"
cp "$here/index.html" "$here/softphone.css" "$out/"
mkdir -p "$out/click-to-call"
NODE_PATH=$node_dir/node_modules "$esbuild" "$here/../click-to-call/click-to-call.js" "${common[@]}" \
  --outfile="$out/click-to-call/click-to-call.js"
cp "$here/../click-to-call/example.html" "$out/click-to-call/"
echo "softphone built into $out"

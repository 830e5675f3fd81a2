#!/usr/bin/env bash
# CTest driver for e2e.demo (demo.e2e.js): the demo script, one call, Ctrl-C. Skips (exit 77)
# when Chromium, node, npm or network namespaces are missing. Outside the namespace (the npm
# registry is needed once): installs tests/e2e's pinned packages into <node dir> and, when the
# softphone exists, its packages into the state dir (web/softphone/build.sh), so the demo script
# inside the loopback-only namespace builds the softphone offline, as it does for a user.
# Usage: run.sh <tandem> <tandem-pbx> <node dir> <artefact dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$here/../../interop/lib.sh"
tandem=$1 pbx=$2 node_dir=$3 out=$4
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium not installed ($chromium); apt-get install chromium"
  exit 77
fi
require_tools node npm unshare ip openssl ss setsid
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
npm_ci "$here/.." "$node_dir"
# A first run every time (new certificate, key, passwords), keeping only the softphone's
# node_modules from the last run.
mkdir -p "$out/state"
find "$out" -mindepth 1 -maxdepth 1 ! -name state -exec rm -rf {} +
find "$out/state" -mindepth 1 -maxdepth 1 ! -name softphone-node -exec rm -rf {} +
if [ -x "$root/web/softphone/build.sh" ]; then
  "$root/web/softphone/build.sh" "$out/state/web" "$out/state/softphone-node" >"$out/softphone-prebuild.log" 2>&1 ||
    { cat "$out/softphone-prebuild.log"; echo "FAIL: web/softphone/build.sh"; exit 1; }
  rm -rf "$out/state/web"
fi
export CHROMIUM="$chromium"
exec unshare --net sh -c 'ip link set lo up && exec node "$@"' sh \
  "$here/demo.e2e.js" "$root/scripts/demo.sh" "$tandem" "$pbx" "$out"

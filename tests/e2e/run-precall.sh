#!/bin/sh
# CTest driver for the pre-call e2e test. Skips (exit 77) when Chromium, node/npm or network
# namespaces are missing. Installs playwright-core (pinned in package-lock.json) into
# <node-dir>/node_modules on first use, then runs precall.e2e.js inside a loopback-only network
# namespace so nothing leaves 127.0.0.0/8.
# Usage: run-precall.sh <tandem binary> <web dir> <node dir> <artefact dir> [--no-video]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tandem=$1 web=$2 node_dir=$3 out=$4
shift 4
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium not installed ($chromium); apt-get install chromium"
  exit 77
fi
for tool in node npm unshare ip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
  mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$out"
export NODE_PATH="$node_dir/node_modules"
export CHROMIUM="$chromium"
exec unshare --net sh -c 'ip link set lo up && exec node "$@"' e2e-netns \
  "$here/precall.e2e.js" "$tandem" "$web" "$out" "$@"

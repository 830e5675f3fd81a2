#!/usr/bin/env bash
# CTest driver for the softphone UI tests (softphone.e2e.js). Skips (exit 77) when Chromium,
# node, npm, openssl or network namespaces are missing. Installs the pinned e2e npm packages
# (playwright-core) into <node dir>, builds web/softphone with its own pinned packages into
# <node dir>/../softphone-node, then runs inside a loopback-only network namespace.
# Usage: run.sh <tandem> <tandem-pbx> <node dir> <artefact dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$here/../../interop/lib.sh"
tandem=$1 pbx=$2 node_dir=$3 out=$4
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium not installed ($chromium); apt-get install chromium"
  exit 77
fi
require_tools node npm unshare ip openssl
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
npm_ci "$here/.." "$node_dir"
export CHROMIUM="$chromium"
build=$here/../../../web/softphone/build.sh
softphone_node=$(dirname "$node_dir")/softphone-node
# npm ci needs the registry, so it runs (through a first build) before entering the namespace.
"$build" "$(dirname "$node_dir")/softphone-www" "$softphone_node" >/dev/null
exec unshare --net sh -c 'ip link set lo up && exec node "$@"' sh \
  "$here/softphone.e2e.js" "$tandem" "$pbx" "$build" "$softphone_node" "$out"

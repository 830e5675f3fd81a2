#!/usr/bin/env bash
# CTest driver for the gateway e2e tests (gateway.e2e.js). Skips (exit 77) when Chromium, node,
# npm, Kamailio, SIPp, python3 or network namespaces are missing. Installs the pinned npm
# packages (playwright-core, jssip, esbuild) into <node-dir> on first use, then runs one group
# inside a loopback-only network namespace of its own: only lo exists, so the fixed ports of
# rig.js collide with nothing and no packet leaves the machine.
# Usage: run.sh <tandem> <tandem-pbx> <node dir> <artefact dir> <group>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$here/../../interop/lib.sh"
tandem=$1 pbx=$2 node_dir=$3 out=$4 group=$5
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium not installed ($chromium); apt-get install chromium"
  exit 77
fi
require_tools node npm unshare ip kamailio kamcmd sipp python3 openssl
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
npm_ci "$here/.." "$node_dir"
export CHROMIUM="$chromium"
exec unshare --net sh -c 'ip link set lo up && exec node "$@"' sh \
  "$here/gateway.e2e.js" "$tandem" "$pbx" "$out" "$group"

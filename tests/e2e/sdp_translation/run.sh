#!/usr/bin/env bash
# e2e.sdp-translation-chromium: runs run.mjs inside a loopback-only network namespace, like every
# browser test, so the STUN checks Chromium sends toward the translated candidates stay inside it.
# Exit 77 when node or network namespaces are unavailable.
#   run.sh <sdp_translate binary> <fixture dir> [capture dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node not found"
  exit 77
fi
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
exec unshare --net sh -c 'ip link set lo up && exec node "$@"' sh "$here/run.mjs" "$@"

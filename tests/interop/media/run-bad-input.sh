#!/usr/bin/env bash
# CTest driver for the media-port bad-input test. Installs werift (pinned in package-lock.json)
# into <node dir>/node_modules on first use (or when the lock file changed), then runs
# bad_input.js, inside a loopback-only network namespace when one can be created (everything
# binds 127.0.0.1 either way). Skips (exit 77) when node or npm is missing.
# Usage: run-bad-input.sh <tandem binary> <web dir> <node dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
tandem=$1 web=$2 node_dir=$3
require_tools node npm
npm_ci "$here" "$node_dir"
if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
   unshare --net true 2>/dev/null; then
  exec unshare --net sh -c 'ip link set lo up && exec node "$@"' bad-input-netns \
    "$here/bad_input.js" "$tandem" "$web"
fi
exec node "$here/bad_input.js" "$tandem" "$web"

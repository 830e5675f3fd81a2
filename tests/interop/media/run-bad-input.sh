#!/bin/sh
# CTest driver for the media-port bad-input test. Installs werift (pinned in package-lock.json)
# into <node dir>/node_modules on first use (or when the lock file changed), then runs
# bad_input.js, inside a loopback-only network namespace when one can be created (everything
# binds 127.0.0.1 either way). Skips (exit 77) when node or npm is missing.
# Usage: run-bad-input.sh <tandem binary> <web dir> <node dir>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tandem=$1 web=$2 node_dir=$3
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done
if [ ! -f "$node_dir/node_modules/werift/package.json" ] ||
   ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json"; then
  mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  rm -rf "$node_dir/node_modules"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
export NODE_PATH="$node_dir/node_modules"
if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
   unshare --net true 2>/dev/null; then
  exec unshare --net sh -c 'ip link set lo up && exec node "$@"' bad-input-netns \
    "$here/bad_input.js" "$tandem" "$web"
fi
exec node "$here/bad_input.js" "$tandem" "$web"

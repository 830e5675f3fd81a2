# shellcheck shell=bash
# Helpers shared by the interop, e2e and bench shell drivers. Source it from bash (it is safe
# under `set -euo pipefail`):
#   source "$(dirname "$0")/../lib.sh"   (from tests/interop/<peer>/)
# It defines functions and two globals: `failures` (the count `fail` raises and `finish` exits
# with) and `pids` (what `track` registered and the EXIT trap of `enter_workdir` stops).
# Nothing here reads files outside the script's own work directory.

failures=0
pids=()

# --- skipping ---------------------------------------------------------------------------------

# require_tools TOOL...: exit 77 (CTest's SKIP_RETURN_CODE) when one is not on PATH (or, for a
# path, not executable).
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not found"; exit 77; }
  done
}

# npm_ci SRC_DIR NODE_DIR: installs SRC_DIR's package.json/package-lock.json (pinned versions)
# into NODE_DIR/node_modules, only when that is absent or the lock file changed, and exports
# NODE_PATH for it.
npm_ci() {
  local src=$1 dir=$2
  mkdir -p "$dir"
  if [[ ! -d "$dir/node_modules" ]] || ! cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    rm -rf "$dir/node_modules"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export NODE_PATH="$dir/node_modules"
}

# --- work directory and background processes --------------------------------------------------

# enter_workdir: makes a temporary directory, sets $work to it and changes into it. On exit
# every tracked process still running is stopped and $work removed.
enter_workdir() {
  work=$(mktemp -d)
  trap _lib_cleanup EXIT
  cd "$work" || exit 1
}

# Only tracked processes still running as this shell's jobs are signalled: the pid of one that
# ended may belong to someone else's process by now.
_lib_cleanup() {
  local p running
  running=" $(jobs -p | tr '\n' ' ') "
  for p in "${pids[@]}"; do
    if [[ $running == *" $p "* ]]; then kill "$p" 2>/dev/null || true; fi
  done
  for p in "${pids[@]}"; do
    if [[ $running == *" $p "* ]]; then wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}

# track PID...: stop these processes when the script exits.
track() { pids+=("$@"); }

# spawn LOG COMMAND...: runs COMMAND in the background with stdout and stderr in LOG (truncated
# first), tracks it and sets $spawned to its pid.
spawn() {
  local log=$1
  shift
  : >"$log"
  "$@" >"$log" 2>&1 &
  spawned=$!
  track "$spawned"
}

# stop PID: SIGTERM and wait; never fails. A clean stop lets an ASan build's sanitizers report.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wait_for LOG REGEX [COUNT] [TENTHS]: waits until LOG has COUNT (default 1) lines matching the
# extended REGEX, for at most TENTHS tenths of a second (default 50). Fails when they never come.
wait_for() {
  local log=$1 regex=$2 count=${3:-1} tenths=${4:-50} _
  for _ in $(seq "$tenths"); do
    [[ $(grep -c -E -- "$regex" "$log" 2>/dev/null) -ge $count ]] && return 0
    sleep 0.1
  done
  [[ $(grep -c -E -- "$regex" "$log" 2>/dev/null) -ge $count ]]
}

# listen_port LOG SPEC: the port of the first "listening ... SPEC:PORT" field in LOG, where SPEC
# is e.g. UDP:127.0.0.1, tcp:127.0.0.1 or UDP:[::1]. Prints nothing when there is none.
listen_port() {
  awk -v spec="$2:" '$1 == "listening" {
    for (i = 2; i <= NF; i++) if (index($i, spec) == 1) {
      port = substr($i, length(spec) + 1); sub(/[^0-9].*$/, "", port); print port; exit
    } }' "$1"
}

# free_port: a port currently free for both UDP and TCP on 127.0.0.1 (SIPp's `-p 0` means 5060,
# which other tests may hold).
free_port() {
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# self_signed_cert KEY CERT: an ECDSA P-256 key and a 2-day self-signed certificate for
# 127.0.0.1 (CN and subjectAltName IP), in PEM. Exits 1 with openssl's output when it fails.
self_signed_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout "$1" -out "$2" \
    >openssl.log 2>&1 || { cat openssl.log; exit 1; }
}

# gateway_config NAME PBX_URI TRANSPORT [MEDIA_LINES]: writes NAME.toml for tandem: WSS on a free
# port of 127.0.0.1 (sets $wss_port) with $work/cert.pem and $work/key.pem, the PBX at PBX_URI over
# TRANSPORT, one media worker on loopback (plus MEDIA_LINES in [media]), HS256 tokens for audience
# $aud signed with $secret. The caller appends the rest ([[credentials.user]], [turn], ...).
gateway_config() {
  wss_port=$(free_port)
  cat >"$1.toml" <<TOML
[listen]
wss = "127.0.0.1:$wss_port"
tls_certificate = "$work/cert.pem"
tls_private_key = "$work/key.pem"
[sip]
pbx = "$2"
transport = "$3"
local_address = "127.0.0.1:0"
domain = "tandem.test"
[media]
public_ip = "127.0.0.1"
bind_ip = "127.0.0.1"
browser_port = $(free_port)
workers = 1
ice_tcp = false
${4:-}
[auth]
audience = "$aud"
hs256_secret = "$secret"
TOML
}

# --- verdicts ---------------------------------------------------------------------------------

# pass TEXT: prints "PASS TEXT". fail TEXT: prints "FAIL TEXT" and counts a failure.
pass() { echo "PASS $*"; }
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

# verify LABEL WHAT COMMAND...: PASS or FAIL "LABEL: WHAT" by COMMAND's exit status.
verify() {
  local label=$1 what=$2
  shift 2
  if "$@"; then pass "$label: $what"; else fail "$label: $what"; fi
}

# sanitizer_clean LOG...: fails (and prints the lines) when an ASan/UBSan report is in a LOG.
sanitizer_clean() { ! grep -h -E 'Sanitizer|runtime error' "$@"; }

# stop_checked PID LOG NAME: stops PID, then fails "NAME reported the errors above" when its LOG
# holds a sanitizer report.
stop_checked() {
  stop "$1"
  sanitizer_clean "$2" || fail "$3 reported the errors above"
}

# finish [SUMMARY]: prints SUMMARY when nothing failed, then exits with the failure count.
finish() {
  if [[ $failures -eq 0 && -n "${1:-}" ]]; then echo "$1"; fi
  exit "$failures"
}

#!/usr/bin/env bash
# The one-command demo (README's run command, `make demo`, docs/quickstart.md): starts
# tandem-pbx (users 1000-1009, services 600 echo / 601 tone / 602 DTMF readback) and `tandem
# --config` in demo mode, wired together on loopback, serving the softphone at
# https://localhost:<port>/. Ctrl-C (or SIGTERM) stops tandem gracefully (calls ended,
# registrations removed), then tandem-pbx, and exits 0.
#
# State (certificate, token key, SIP passwords, config, logs) lives in the state directory
# (default .demo/ in the checkout) and is reused on the next run.
#
# Usage: scripts/demo.sh [--build-dir DIR | --tandem BIN --tandem-pbx BIN] [--state-dir DIR]
#                        [--web-root DIR]
#   --build-dir  where tandem and tandem-pbx were built (default build/release)
#   --web-root   serve this directory at / instead of building web/softphone into the state dir
# Ports (environment): TANDEM_DEMO_PORT (HTTPS/WSS, 8443), TANDEM_DEMO_PBX_PORT (tandem-pbx SIP
# UDP, 5070), TANDEM_DEMO_MEDIA_PORT (browser media UDP, 40000), TANDEM_DEMO_RTP_PORTS (tandem's
# PBX-side RTP, 20000-20999). TANDEM_DEMO_MEDIA_IP (127.0.0.1): the address media uses.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=$root/build/release
tandem=""
pbx=""
state=$root/.demo
web_root=""

die() {
  echo "demo: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --tandem) tandem=$2; shift 2 ;;
    --tandem-pbx) pbx=$2; shift 2 ;;
    --state-dir) state=$2; shift 2 ;;
    --web-root) web_root=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
tandem=${tandem:-$build_dir/src/app/tandem}
pbx=${pbx:-$build_dir/tools/tandem-pbx/tandem-pbx}
[ -x "$tandem" ] || die "no tandem binary at $tandem: build first (make build) or pass --build-dir"
[ -x "$pbx" ] || die "no tandem-pbx binary at $pbx: build first (make build) or pass --build-dir"
command -v openssl >/dev/null || die "openssl is not installed (scripts/install-deps.sh)"

port=${TANDEM_DEMO_PORT:-8443}
pbx_port=${TANDEM_DEMO_PBX_PORT:-5070}
media_port=${TANDEM_DEMO_MEDIA_PORT:-40000}
rtp_ports=${TANDEM_DEMO_RTP_PORTS:-20000-20999}
media_ip=${TANDEM_DEMO_MEDIA_IP:-127.0.0.1}
rtp_min=${rtp_ports%-*}
rtp_max=${rtp_ports#*-}
for v in port pbx_port media_port rtp_min rtp_max; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v: got \"${!v}\", expected a port number"
done
users=(1000 1001 1002 1003 1004 1005 1006 1007 1008 1009)

# --- the port check: name the port and the variable that moves it ----------------------------

# in_use PROTO PORT: true when something on this machine listens there (ss from iproute2).
in_use() {
  command -v ss >/dev/null || return 1
  local flag=-Hltn
  [ "$1" = udp ] && flag=-Hlun
  [ -n "$(ss "$flag" "sport = :$2" 2>/dev/null)" ]
}
check_port() {
  local proto=$1 p=$2 what=$3 var=$4
  if in_use "$proto" "$p"; then
    die "port $p/$proto ($what) is already in use; stop what uses it (ss -lpn 'sport = :$p') or" \
      "choose another: $var=<port> $0 (or make demo $var=<port>)"
  fi
}
check_port tcp "$port" "HTTPS and secure WebSocket" TANDEM_DEMO_PORT
check_port udp "$pbx_port" "tandem-pbx SIP" TANDEM_DEMO_PBX_PORT
check_port udp "$media_port" "browser media" TANDEM_DEMO_MEDIA_PORT

# --- state: certificate, token key, SIP passwords (kept between runs) -------------------------

mkdir -p "$state"
state=$(cd "$state" && pwd)
umask 077
if [ ! -s "$state/cert.pem" ] || [ ! -s "$state/key.pem" ]; then
  echo "demo: generating a self-signed certificate for localhost and 127.0.0.1 in $state"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -keyout "$state/key.pem" -out "$state/cert.pem" 2>/dev/null ||
    die "openssl could not make the certificate"
fi
if [ ! -s "$state/hs256.key" ]; then
  openssl rand -hex 32 >"$state/hs256.key"
fi
if [ ! -s "$state/passwords" ]; then
  for u in "${users[@]}"; do echo "$u $(openssl rand -hex 8)"; done >"$state/passwords"
fi
declare -A password
while read -r u pw; do password[$u]=$pw; done <"$state/passwords"
for u in "${users[@]}"; do
  [ -n "${password[$u]:-}" ] || die "$state/passwords has no password for $u: delete the file"
done

# --- the web root: the softphone, built by its own script ---------------------------------------

if [ -z "$web_root" ]; then
  web_root=$state/web
  if [ -x "$root/web/softphone/build.sh" ]; then
    echo "demo: building the softphone into $web_root (web/softphone/build.sh)"
    "$root/web/softphone/build.sh" "$web_root" "$state/softphone-node" >"$state/softphone-build.log" 2>&1 ||
      die "the softphone build failed; see $state/softphone-build.log"
  else
    mkdir -p "$web_root"
    cat >"$web_root/index.html" <<'EOF'
<!doctype html><meta charset="utf-8"><title>Tandem demo</title>
<p>The softphone is not built (web/softphone/build.sh is missing). Tokens:
<code>curl -k -d '{"user":"1000"}' https://localhost:PORT/api/demo/token</code>.
The pre-call network test: <a href="/precall/">/precall/</a>.</p>
EOF
  fi
fi
[ -d "$web_root" ] || die "--web-root $web_root is not a directory"

# --- the configurations ------------------------------------------------------------------------

user_args=()
credentials=""
demo_users=""
for u in "${users[@]}"; do
  user_args+=(--user "$u:${password[$u]}")
  credentials+=$'\n[[credentials.user]]\n'"user = \"$u\""$'\n'"password = \"${password[$u]}\""$'\n'
  demo_users+="${demo_users:+, }\"$u\""
done
cat >"$state/tandem.toml" <<EOF
# Written by scripts/demo.sh at every start (edit the script or the environment, not this file).
# docs/configuration.md explains every key; docs/quickstart.md how to use a real PBX instead.
[listen]
wss = "127.0.0.1:$port"
tls_certificate = "cert.pem"
tls_private_key = "key.pem"
web_root = "$web_root"

[sip]
pbx = "sip:127.0.0.1:$pbx_port"
transport = "udp"
local_address = "127.0.0.1:0"
domain = "127.0.0.1"

[media]
public_ip = "$media_ip"
bind_ip = "$media_ip"
browser_port = $media_port
rtp_port_min = $rtp_min
rtp_port_max = $rtp_max
workers = 1
ice_tcp = false

[codecs]
order = ["opus", "pcmu", "pcma"]

[auth]
audience = "tandem-demo"
hs256_secret_file = "hs256.key"

[demo]
enabled = true
token_ttl = "1h"
users = [$demo_users]

[credentials]
mode = "store"
$credentials
[logging]
level = "info"
EOF

# --- start, wait for ready, stop ---------------------------------------------------------------

tandem_pid=""
pbx_pid=""
stopping=""

# stop_one PID NAME: SIGTERM, then SIGKILL after 10 s; its exit status in $stopped_rc (not a
# subshell: only this shell can wait for its children).
stop_one() {
  local pid=$1 name=$2
  stopped_rc=0
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "demo: $name did not stop within 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || stopped_rc=$?
}

# Stops tandem first (it ends calls and un-registers at tandem-pbx), then tandem-pbx.
stop_all() {
  local t p
  stop_one "$tandem_pid" tandem
  t=$stopped_rc
  stop_one "$pbx_pid" tandem-pbx
  p=$stopped_rc
  tandem_pid="" pbx_pid=""
  echo "demo: stopped (tandem exit $t, tandem-pbx exit $p)"
  [ "$t" = 0 ] && [ "$p" = 0 ]
}

on_signal() { stopping=$1; }
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
# Any other way out (an error below) must not leave the two running.
trap 'if [ -n "$tandem_pid$pbx_pid" ]; then stop_all >/dev/null || true; fi' EXIT

# start_failed NAME LOG: the reason from the log, with the port hint when a port was busy.
start_failed() {
  echo "demo: $1 did not start; the end of $2:" >&2
  tail -n 15 "$2" >&2
  if grep -qi "in use" "$2"; then
    echo "demo: a port is taken; choose others with TANDEM_DEMO_PORT, TANDEM_DEMO_PBX_PORT," \
      "TANDEM_DEMO_MEDIA_PORT or TANDEM_DEMO_RTP_PORTS" >&2
  fi
  exit 1
}

# wait_for PID LOG REGEX NAME: until the log matches (10 s), or the process exits.
wait_for() {

  for _ in $(seq 200); do
    grep -qE "$3" "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || start_failed "$4" "$2"
    sleep 0.05
  done
  start_failed "$4" "$2"
}

# Own sessions (setsid): a Ctrl-C reaches only this script, which then stops them in order.
setsid "$pbx" --listen "udp:127.0.0.1:$pbx_port" --realm tandem.demo "${user_args[@]}" \
  >"$state/tandem-pbx.log" 2>&1 &
pbx_pid=$!
wait_for "$pbx_pid" "$state/tandem-pbx.log" "^services 600" tandem-pbx

setsid "$tandem" --config "$state/tandem.toml" >"$state/tandem.log" 2>&1 &
tandem_pid=$!
wait_for "$tandem_pid" "$state/tandem.log" "^ready" tandem

url="https://localhost:$port/"
cat <<EOF

  Tandem demo is running.

  Open            $url
                  (the certificate is self-signed: accept the browser's warning once)
  Log in as       1000 (any of 1000-1009), then call
                    600  echo: you hear yourself
                    601  a 1000 Hz tone
                    602  DTMF readback: press keys; the digits 602 received come back as a message
                    1001 another softphone: log in as 1001 in a second tab
  Stop            Ctrl-C
  Logs            $state/tandem.log, $state/tandem-pbx.log
  Config          $state/tandem.toml (docs/quickstart.md: use your own PBX instead)

EOF
echo "demo: ready (tandem pid $tandem_pid, tandem-pbx pid $pbx_pid)"

while [ -z "$stopping" ]; do
  rc=0
  wait -n "$tandem_pid" "$pbx_pid" || rc=$?
  [ -n "$stopping" ] && break
  # Not a signal to us: one of the two ended on its own.
  if ! kill -0 "$tandem_pid" 2>/dev/null; then
    tandem_pid=""
    echo "demo: tandem exited unexpectedly (status $rc); the end of $state/tandem.log:" >&2
    tail -n 15 "$state/tandem.log" >&2
  elif ! kill -0 "$pbx_pid" 2>/dev/null; then
    pbx_pid=""
    echo "demo: tandem-pbx exited unexpectedly (status $rc); the end of $state/tandem-pbx.log:" >&2
    tail -n 15 "$state/tandem-pbx.log" >&2
  fi
  stop_all || true
  exit 1
done
echo
echo "demo: $stopping received; stopping tandem (ending calls, un-registering), then tandem-pbx"
stop_all

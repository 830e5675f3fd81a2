#!/usr/bin/env bash
# `tandem --config` between JsSIP (Node, over WSS with tokens) and a real registrar: tandem-pbx
# and Kamailio, both with Digest authentication. Tandem registers each browser at the registrar
# with its own Contact sip:<user>-<flow>@127.0.0.1:<port> and credentials from its store; SIPp
# (a REGISTER query with the user's own credentials) looks at the registrar's bindings. Checked:
# REGISTER 200 with the browser's contact, the registrar's binding, refresh, un-REGISTER, the
# WebSocket closing (binding removed, then a PBX INVITE to that Contact gets 480), a wrong
# password in the store (403), a REGISTER for another user than the token's (403), an unreachable
# PBX (503), the token cases at the upgrade (401, no upgrade), GET /api/ice-servers on the same
# WSS port (401 without a valid token, 200 with), and SIGTERM (un-REGISTER, exit 0).
#   run-gateway.sh <tandem> <tandem-pbx> <sipp> <kamailio or ""> <source dir> <node work dir>
# Exits 77 (skipped) when node, npm, openssl or sipp is missing; the Kamailio half is skipped
# (said so) when kamailio is absent.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
require_tools node npm openssl "$3"
tandem=$(realpath "$1") pbx=$(realpath "$2") sipp=$3 kamailio=${4:-} src=$(realpath "$5")
nodedir=$(realpath -m "$6")
client=$src/gateway-client.js
npm_ci "$src/../jssip" "$nodedir"
enter_workdir
self_signed_cert key.pem cert.pem
secret=gateway-test-secret-0123456789abcdef
aud="tandem-gateway-test"

# write_config NAME PBX_URI TRANSPORT PASSWORD_1000: NAME.toml; sets $wss_port.
write_config() {
  gateway_config "$1" "$2" "$3"
  cat >>"$1.toml" <<TOML
[turn]
stun = ["stun:127.0.0.1:3478"]
servers = ["turn:127.0.0.1:3478?transport=udp"]
secret = "turn-test-secret"
[[credentials.user]]
user = "1000"
password = "$4"
[[credentials.user]]
user = "1002"
password = "not-the-password"
TOML
}

# start_tandem NAME: runs tandem --config NAME.toml; sets $tandem_pid, $sip_port (UDP or TCP).
start_tandem() {
  spawn "$1.log" "$tandem" --config "$1.toml"
  tandem_pid=$spawned
  wait_for "$1.log" '^ready' 1 100 || { echo "tandem did not start"; cat "$1.log"; exit 1; }
  sip_port=$(listen_port "$1.log" UDP:127.0.0.1)
  [[ -n $sip_port ]] || sip_port=$(listen_port "$1.log" TCP:127.0.0.1)
}

# session NAME SUB [AOR_USER]: JsSIP in the background, commands through NAME.ctl (fd 3).
session() {
  local name=$1
  shift
  rm -f "$name.ctl"
  mkfifo "$name.ctl"
  exec 3<>"$name.ctl"
  # Not through spawn: a background command without its own redirection reads /dev/null.
  node "$client" session "wss://127.0.0.1:$wss_port" cert.pem "$secret" "$aud" "$@" \
    <"$name.ctl" >"$name.out" 2>&1 &
  node_pid=$!
  track "$node_pid"
}
end_session() {
  stop "$node_pid"
  exec 3>&-
}

# query REGISTRAR_PORT PASSWORD present|absent: the registrar's bindings for 1000, by SIPp.
# shellcheck disable=SC2317  # called through verify
query() {
  local check='check_it="true"'
  [[ $3 == absent ]] && check='check_it_inverse="true"'
  sed -e "s/\[check\]/$check/" -e "s/@USER@/1000/" "$src/scenarios/query.xml" >query.xml
  "$sipp" "127.0.0.1:$1" -sf query.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -m 1 -s 1000 \
    -au 1000 -ap "$2" -nostdin -timeout 10s -timeout_error -trace_logs -log_file query.log \
    >query.out 2>&1
}

# The browser's life at one registrar: register, refresh, un-REGISTER, register, close.
browser_life() {  # LABEL REGISTRAR_PORT PASSWORD LOG
  local label=$1 port=$2 password=$3 log=$4
  session "s-$label" 1000
  if wait_for "s-$label.out" '^REGISTERED [0-9]+' 1 100; then
    pass "$label: JsSIP REGISTER through tandem: 200 with its contact, expires $(awk '/^REGISTERED/ {print $2; exit}' "s-$label.out")"
  else
    fail "$label: JsSIP REGISTER through tandem"
    cat "s-$label.out"
    tail -20 "$log"
  fi
  verify "$label" "the registrar holds tandem's Contact 1000-<flow>@127.0.0.1" query "$port" "$password" present
  grep -o 'contact sip:[^ ]*' query.log 2>/dev/null | head -1
  echo register >&3
  wait_for "s-$label.out" '^REGISTER-RESPONSE 200' 2 100 && pass "$label: refresh answered 200" ||
    fail "$label: refresh"
  verify "$label" "the binding stays after the refresh" query "$port" "$password" present
  echo unregister >&3
  wait_for "s-$label.out" '^UNREGISTERED' 1 100 && pass "$label: un-REGISTER answered 200" ||
    fail "$label: un-REGISTER"
  verify "$label" "un-REGISTER removed the binding at the registrar" query "$port" "$password" absent
  echo register >&3
  wait_for "s-$label.out" '^REGISTERED' 2 100 || fail "$label: registering again"
  verify "$label" "registered again" query "$port" "$password" present
  local contact_user
  contact_user=$(grep -o 'registering 1000-[a-z0-9]* at the PBX' "$log" | tail -1 | awk '{print $2}')
  local removed
  removed=$(grep -c 'removed from the PBX' "$log")
  echo exit >&3
  wait "$node_pid" 2>/dev/null
  exec 3>&-
  wait_for "$log" 'removed from the PBX' $((removed + 1)) 100 ||
    fail "$label: tandem did not un-REGISTER after the WebSocket closed"
  verify "$label" "WebSocket closed: the binding is gone from the registrar" query "$port" "$password" absent
  sed -e 's/\[expect\]/480/' "$src/scenarios/invite-gone.xml" >invite-gone.xml
  if "$sipp" "127.0.0.1:$sip_port" -sf invite-gone.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -m 1 \
    -s "$contact_user" -nostdin -timeout 10s -timeout_error >invite-gone.out 2>&1; then
    pass "$label: INVITE to $contact_user (browser gone) answered 480"
  else
    fail "$label: INVITE to a gone browser's contact"
    grep -A8 -E 'Aborting|unexpected|timed out' invite-gone.out | head -20
  fi
}

refused() {  # LABEL NAME SUB AOR STATUS WHAT
  session "$2" "$3" "$4"
  if wait_for "$2.out" "^REGFAILED $5" 1 100; then
    pass "$1: $6: browser gets $(grep -m1 REGFAILED "$2.out" | cut -d' ' -f2-)"
  else
    fail "$1: $6: expected $5"
    cat "$2.out"
  fi
  end_session
}

sigterm() {  # LABEL REGISTRAR_PORT PASSWORD LOG
  session "t-$1" 1000
  wait_for "t-$1.out" '^REGISTERED' 1 100 || fail "$1: registering before SIGTERM"
  verify "$1" "registered before SIGTERM" query "$2" "$3" present
  kill -TERM "$tandem_pid"
  wait "$tandem_pid"
  local rc=$?
  [[ $rc -eq 0 ]] && pass "$1: SIGTERM: tandem exited 0" || fail "$1: SIGTERM: exit status $rc"
  grep -q 'shutdown: registrations removed from the PBX' "$4" &&
    pass "$1: SIGTERM: tandem logged the un-REGISTER step" || fail "$1: no shutdown log lines"
  verify "$1" "SIGTERM: the binding is gone from the registrar" query "$2" "$3" absent
  end_session
  sanitizer_clean "$4" || fail "$1: tandem reported the errors above"
}

# ---- tandem-pbx ----
spawn pbx.log "$pbx" --listen udp:127.0.0.1:0 --user 1000:secret1000 --user 1002:secret1002 \
  --digest MD5 --no-services
pbx_pid=$spawned
wait_for pbx.log '^listening' 1 || true
pbx_port=$(listen_port pbx.log UDP:127.0.0.1)
[[ -n $pbx_port ]] || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }
write_config gw-pbx "sip:127.0.0.1:$pbx_port" udp secret1000
start_tandem gw-pbx
if node "$client" tokens "wss://127.0.0.1:$wss_port" cert.pem "$secret" "$aud" >tokens.out 2>&1; then
  cat tokens.out
else
  cat tokens.out
  fail "token cases at the WebSocket upgrade"
fi
browser_life tandem-pbx "$pbx_port" secret1000 gw-pbx.log
refused tandem-pbx wrongpw 1002 1002 403 "wrong password in tandem's store"
refused tandem-pbx wrongsub 1000 1001 403 "REGISTER for 1001 with a token for 1000"
sigterm tandem-pbx "$pbx_port" secret1000 gw-pbx.log
grep -q 'eyJ' gw-pbx.log && fail "tandem logged a token"
stop_checked "$pbx_pid" pbx.log tandem-pbx

# ---- an unreachable PBX (TCP to a closed port): 503 ----
write_config gw-down "sip:127.0.0.1:$(free_port)" tcp secret1000
start_tandem gw-down
refused "unreachable PBX" down-s 1000 1000 503 "PBX refuses the TCP connection"
stop_checked "$tandem_pid" gw-down.log tandem

# ---- Kamailio ----
if [[ -z $kamailio ]] || ! command -v "$kamailio" >/dev/null; then
  echo "SKIP Kamailio half: kamailio not found"
  finish "gateway registration interop passed (tandem-pbx only)"
fi
kport=$(free_port)
cat >kamailio.cfg <<KAM
#!KAMAILIO
# Registrar with Digest auth (every user's password is "secret", realm = From domain).
debug=2
log_stderror=yes
fork=yes
children=1
auto_aliases=no
dns=no
rev_dns=no
alias="tandem.test"
listen=udp:127.0.0.1:$kport
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("auth", "secret", "tandem-gateway-nonce-secret")
request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	xlog("L_INFO", "REQ \$rm \$ru from \$si:\$sp contact \$ct\n");
	if (!is_method("REGISTER")) { sl_send_reply("405", "Registrar only"); exit; }
	if (!pv_www_authenticate("\$fd", "secret", "0")) { www_challenge("\$fd", "0"); exit; }
	if (\$au != \$tU) { sl_send_reply("403", "Forbidden auth ID"); exit; }
	consume_credentials();
	if (!save("location")) sl_reply_error();
}
KAM
"$kamailio" -c -f kamailio.cfg >kamcheck.log 2>&1 || { fail "kamailio.cfg rejected"; cat kamcheck.log; finish; }
mkdir -p run
spawn kamailio.log "$kamailio" -f kamailio.cfg -DD -E -Y "$work/run" -P "$work/run/kamailio.pid"
kam_pid=$spawned
sleep 1
kill -0 "$kam_pid" 2>/dev/null || { fail "kamailio did not start"; cat kamailio.log; finish; }
write_config gw-kam "sip:127.0.0.1:$kport" udp secret
start_tandem gw-kam
browser_life kamailio "$kport" secret gw-kam.log
refused kamailio kwrongpw 1002 1002 403 "wrong password in tandem's store"
sigterm kamailio "$kport" secret gw-kam.log
stop "$kam_pid"
finish "gateway registration interop passed (tandem-pbx and Kamailio)"

#!/usr/bin/env bash
# Calls through `tandem --config` (the B2BUA), signaling proven against real peers: SIPp plays the
# PBX (UAS scenarios in scenarios/), a Node client speaks raw SIP over WSS with a token and a
# recorded Chromium offer as the browser (browser-calls.js). Cases: PBX busy (486 with Reason),
# 180 then 200 with ACK and the browser's BYE, 183 early media then 200, CANCEL while ringing,
# the PBX's hold re-INVITE translated for the browser and the browser's for the PBX, SIP INFO DTMF, the browser's WebSocket
# dropping mid-call (BYE to the PBX with a Reason), SIGTERM mid-call (BYE both ways with a
# Reason, exit 0), and an unreachable PBX
# (503 with Reason); and calls from the PBX to a browser registered through Tandem (answered,
# then cancelled while ringing). Media is proven by the e2e tests with Chromium.
#   run-gateway-calls.sh <tandem> <sipp> <source dir> <node work dir> <sdp dir>
# Exits 77 (skipped) when node, npm, openssl or sipp is missing.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
require_tools node npm openssl "$2"
tandem=$(realpath "$1") sipp=$2 src=$(realpath "$3") nodedir=$(realpath -m "$4")
sdpdir=$(realpath "$5")
client=$src/browser-calls.js
npm_ci "$src/../jssip" "$nodedir"
enter_workdir
self_signed_cert key.pem cert.pem
secret=gateway-calls-secret-0123456789abcdef
aud="tandem-calls-test"
# The recorded SDPs the browser client sends and answers with.
mkdir sdp
cp "$sdpdir/chromium-156-audio.offer.sdp" "$src"/../../unit/gateway/data/chromium-to-sipp-pcmu{,-hold}.answer.sdp \
  sdp/

# write_config NAME PBX_URI TRANSPORT: NAME.toml; sets $wss_port. RTP below the ephemeral
# range, so free_port (browser_port, SIP) never lands in it.
write_config() {
  gateway_config "$1" "$2" "$3" $'rtp_port_min = 31000\nrtp_port_max = 31999'
  cat >>"$1.toml" <<TOML
[[credentials.user]]
user = "1000"
password = "secret1000"
TOML
}

start_tandem() {  # NAME
  spawn "$1.log" "$tandem" --config "$1.toml"
  tandem_pid=$spawned
  wait_for "$1.log" '^ready' 1 100 || { echo "tandem did not start"; cat "$1.log"; exit 1; }
}

# one_call CASE SCENARIO: SIPp as the PBX with SCENARIO, the browser client with CASE.
one_call() {
  local case=$1 scenario=$2
  "$sipp" -sf "$src/scenarios/$scenario" -i 127.0.0.1 -p "$pbx_port" -m 1 -nostdin \
    -timeout 30s -timeout_error -trace_msg -message_file "sipp-$case.msg" >"sipp-$case.out" 2>&1 &
  local sipp_pid=$!
  track "$sipp_pid"
  sleep 0.3
  node "$client" "wss://127.0.0.1:$wss_port" cert.pem "$secret" "$aud" 1000 "$case" sdp \
    >"browser-$case.out" 2>&1
  local browser_rc=$?
  wait "$sipp_pid"
  local sipp_rc=$?
  sed "s/^/  [$case] /" "browser-$case.out"
  if [[ $browser_rc -eq 0 && $sipp_rc -eq 0 ]]; then
    pass "$case: browser client and SIPp ($scenario) both completed"
  else
    fail "$case: browser exit $browser_rc, SIPp ($scenario) exit $sipp_rc"
    grep -E -A6 'Aborting|unexpected|timed out|Failed' "sipp-$case.out" | head -20
    tail -30 "gw.log"
  fi
}

pbx_port=$(free_port)
write_config gw "sip:127.0.0.1:$pbx_port" udp
start_tandem gw
one_call busy uas-busy.xml
one_call answer uas-answer.xml
one_call early uas-early.xml
one_call cancel uas-cancel.xml
one_call hold uas-hold.xml
one_call browser-hold uas-browser-hold.xml
one_call info uas-info.xml
one_call gone uas-gone.xml
one_call inbound pbx-inbound-answer.xml
one_call inbound-cancel pbx-inbound-cancel.xml
one_call inbound-refer pbx-inbound-refer.xml
# What the PBX saw: our From/To and an RTP/AVP offer from the media address.
if grep -q 'From: <sip:1000@tandem.test>' sipp-answer.msg && grep -q 'To: <sip:600@tandem.test>' sipp-answer.msg; then
  pass "the PBX's INVITE: From 1000@tandem.test, To 600@tandem.test"
else
  fail "From/To toward the PBX"
fi
if grep -q 'm=audio [0-9]* RTP/AVP' sipp-answer.msg; then
  pass "the PBX's INVITE offers RTP/AVP"
else
  fail "no RTP/AVP offer toward the PBX"
fi
# One info line per call event with the Call-IDs, and no SDP above debug.
if grep -q 'call .*: ended' gw.log; then pass "tandem logged the calls' ends"; else fail "no call end log lines"; fi
grep -q 'v=0' gw.log && fail "tandem logged an SDP body"
stop_checked "$tandem_pid" gw.log tandem

# ---- SIGTERM mid-call: both legs get BYE with a Reason, then tandem exits 0 ----
write_config gw-term "sip:127.0.0.1:$pbx_port" udp
start_tandem gw-term
"$sipp" -sf "$src/scenarios/uas-shutdown.xml" -i 127.0.0.1 -p "$pbx_port" -m 1 -nostdin \
  -timeout 30s -timeout_error >sipp-shutdown.out 2>&1 &
sipp_pid=$!
track "$sipp_pid"
sleep 0.3
node "$client" "wss://127.0.0.1:$wss_port" cert.pem "$secret" "$aud" 1000 shutdown sdp \
  >browser-shutdown.out 2>&1 &
browser_pid=$!
wait_for browser-shutdown.out '^OK in call' 1 100 || fail "shutdown: the call was not answered"
kill -TERM "$tandem_pid"
wait "$browser_pid"
browser_rc=$?
wait "$sipp_pid"
sipp_rc=$?
wait "$tandem_pid"
tandem_rc=$?
sed "s/^/  [shutdown] /" browser-shutdown.out
verify shutdown "the browser got BYE with a Reason" test "$browser_rc" -eq 0
verify shutdown "the PBX got BYE with Reason 503 (SIPp exit $sipp_rc)" test "$sipp_rc" -eq 0
verify shutdown "tandem exited 0 after SIGTERM (exit $tandem_rc)" test "$tandem_rc" -eq 0
verify shutdown "tandem logged the calls' end" grep -q 'shutdown: all calls ended' gw-term.log
sanitizer_clean gw-term.log || fail "tandem reported the errors above"

# ---- an unreachable PBX (TCP to a closed port): 503 with a Reason ----
write_config gw-down "sip:127.0.0.1:$(free_port)" tcp
start_tandem gw-down
if node "$client" "wss://127.0.0.1:$wss_port" cert.pem "$secret" "$aud" 1000 down sdp >browser-down.out 2>&1; then
  pass "down: unreachable PBX: $(grep -m1 'INVITE answered' browser-down.out | cut -d' ' -f2-)"
else
  fail "down: unreachable PBX"
fi
sed "s/^/  [down] /" browser-down.out
stop_checked "$tandem_pid" gw-down.log tandem
finish "gateway calls interop passed"

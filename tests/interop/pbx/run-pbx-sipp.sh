#!/usr/bin/env bash
# tandem-pbx against SIPp, over UDP and TCP: digest REGISTER (good, wrong password, too brief,
# un-REGISTER); a malformed request answered 400 with the parser's reason; calls between two
# registered SIPp users through the proxy (INVITE/407/180/200/ACK/BYE along the Record-Route,
# CANCEL while ringing, MESSAGE); 404 and 480; calls over UDP with 10% of the packets lost on
# both ends (retransmissions must carry them through); and a SIPp flooding OPTIONS from 127.0.0.2
# while calls from 127.0.0.1 must all succeed.
#   run-pbx-sipp.sh <tandem-pbx> <sipp> <scenario dir>
set -euo pipefail
pbx=$1 sipp=$2 scenarios=$3
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
enter_workdir

spawn pbx.log "$pbx" --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 --user 1000:secret1000 \
  --user 1001:secret1001 --realm tandem.test --max-rate 300
pid=$spawned
# A clean stop (SIGTERM ends the event loop) lets the sanitizers of an ASan build report.
stop_pbx() { stop_checked "$pid" pbx.log tandem-pbx; }
wait_for pbx.log '^listening' 2 || true
udp=$(listen_port pbx.log UDP:127.0.0.1)
tcp=$(listen_port pbx.log TCP:127.0.0.1)
[[ -n "$udp" && -n "$tcp" ]] || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

# SIPp does not expand keywords in attributes (<recv response>, <pause>): they are written in.
scenario() {  # scenario label expect pause-ms
  sed -e "s/\[expect\]/$3/" -e "s/\[hold\]/$4/" -e "s/\[linger\]/$4/" "$scenarios/$1.xml" >"$2.xml"
}

check() {  # label status
  if [[ $2 -eq 0 ]]; then
    pass "$1"
  else
    fail "$1 (exit status $2)"
    local base=${1%-callee}
    grep -h -E 'Successful call|Failed call' "$base".out "$base"-uas.out 2>/dev/null || true
    tail -20 "$base".err "$base"-uas.err 2>/dev/null || true
  fi
}

run() {  # label scenario expected-status transport port sipp-args...
  local label=$1 scenario=$2 expect=$3 transport=$4 port=$5
  shift 5
  scenario "$scenario" "$label" "$expect" 200
  local status=0
  "$sipp" 127.0.0.1:"$port" -sf "$label.xml" -t "$transport" -i 127.0.0.1 -p "$(free_port)" -m 1 -nostdin \
    -timeout 20s -timeout_error -trace_err -error_file "$label.err" "$@" >"$label.out" 2>&1 ||
    status=$?
  check "$label" $status
}

# A callee: a SIPp UAS on a port of its own, registered as 1001 by a separate REGISTER run (a
# client-mode SIPp ignores requests of calls it did not start). Prints the UAS pid.
start_callee() {  # label uas-scenario transport pbx-port calls linger-ms [sipp-args...]
  local label=$1 uas=$2 transport=$3 port=$4 calls=$5 linger=$6
  shift 6
  local uport
  uport=$(free_port)
  scenario "$uas" "$label-uas" 0 "$linger"
  "$sipp" -sf "$label-uas.xml" -t "$transport" -i 127.0.0.1 -p "$uport" -s 1001 -m "$calls" \
    -nostdin -timeout 60s -timeout_error -trace_err -error_file "$label-uas.err" "$@" \
    >"$label-uas.out" 2>&1 &
  echo $! >"$label-uas.pid"
  sleep 0.3
  run "$label-register" register 200 "$transport" "$port" -s 1001 -au 1001 -ap secret1001 \
    -key expires 300 -key contact_port "$uport"
}

finish_callee() {  # label
  local status=0
  wait "$(cat "$1-uas.pid")" || status=$?
  check "$1-callee" $status
}

for t in u1 t1; do
  port=$udp && [[ $t == t1 ]] && port=$tcp
  me=(-key contact_port 9)  # 1000 is only a caller here
  run "register-$t" register 200 $t "$port" -s 1000 -au 1000 -ap secret1000 -key expires 300 \
    "${me[@]}"
  run "wrong-password-$t" register 403 $t "$port" -s 1001 -au 1001 -ap wrong -key expires 300 \
    "${me[@]}"
  run "unknown-user-$t" register 403 $t "$port" -s 9999 -au 9999 -ap x -key expires 300 "${me[@]}"
  run "too-brief-$t" register 423 $t "$port" -s 1000 -au 1000 -ap secret1000 -key expires 10 \
    "${me[@]}"
  run "invite-unknown-$t" invite 404 $t "$port" -s nobody -au 1000 -ap secret1000
  run "invite-offline-$t" invite 480 $t "$port" -s 1001 -au 1000 -ap secret1000
  run "invite-bad-password-$t" invite 403 $t "$port" -s 1001 -au 1000 -ap wrong
  run "message-unknown-$t" message 404 $t "$port" -s nobody -key caller 1000 -au 1000 \
    -ap secret1000
  run "message-offline-$t" message 480 $t "$port" -s 1001 -key caller 1000 -au 1000 -ap secret1000

  start_callee "call-$t" uas-call $t "$port" 1 0
  run "call-$t" call 200 $t "$port" -s 1001 -key caller 1000 -au 1000 -ap secret1000
  finish_callee "call-$t"

  start_callee "cancel-$t" uas-cancel $t "$port" 1 0
  run "cancel-$t" cancel 487 $t "$port" -s 1001 -key caller 1000 -au 1000 -ap secret1000
  finish_callee "cancel-$t"

  start_callee "message-$t" uas-message $t "$port" 1 0
  run "message-$t" message 200 $t "$port" -s 1001 -key caller 1000 -au 1000 -ap secret1000
  finish_callee "message-$t"

  # Malformed (Max-Forwards 300): the transport answers 400 with the parser's reason; the same
  # scenario as tests/interop/sip, where it checks the stack alone.
  status=0
  "$sipp" 127.0.0.1:"$port" -sf "$scenarios/../../sip/scenarios/malformed.xml" -t $t -i 127.0.0.1 \
    -p "$(free_port)" -m 1 -nostdin -timeout 20s -timeout_error -trace_err \
    -error_file "malformed-$t.err" >"malformed-$t.out" 2>&1 || status=$?
  check "malformed-$t" $status

  run "unregister-$t" unregister 200 $t "$port" -s 1001 -au 1001 -ap secret1001
  run "invite-after-unregister-$t" invite 480 $t "$port" -s 1001 -au 1000 -ap secret1000
done

# IPv6 over UDP and TCP: a second pbx on [::1] (one listener per transport kind): REGISTER (401,
# then 200), and an INVITE to an offline user (407, then 480).
spawn pbx6.log "$pbx" --listen 'udp:[::1]:0' --listen 'tcp:[::1]:0' --user 1000:secret1000 \
  --user 1001:secret1001
wait_for pbx6.log '^listening' || true
for t in u1 t1; do
  kind=UDP
  [[ $t == t1 ]] && kind=TCP
  port6=$(listen_port pbx6.log "$kind:[::1]")
  scenario register "register-v6-$t" 200 0
  scenario invite "invite-v6-$t" 480 0
  status=0
  v6=(-t $t -i ::1 -m 1 -nostdin -timeout 20s -timeout_error -au 1000 -ap secret1000)
  "$sipp" "[::1]:$port6" -sf "register-v6-$t.xml" -p "$(free_port)" "${v6[@]}" -s 1000 \
    -key expires 300 -key contact_port 9 >"register-v6-$t.out" 2>&1 || status=$?
  check "register-v6-$t" $status
  status=0
  "$sipp" "[::1]:$port6" -sf "invite-v6-$t.xml" -p "$(free_port)" "${v6[@]}" -s 1001 \
    >"invite-v6-$t.out" 2>&1 || status=$?
  check "invite-v6-$t" $status
done

# Loss: SIPp drops 10% of what each end sends and receives; Timer A/E/G retransmissions in the
# pbx and in SIPp, and 2xx retransmissions until the end-to-end ACK, must still finish every call.
calls=10
start_callee "lossy" uas-call u1 "$udp" $calls 8000 -lost 10
scenario call lossy 200 200
status=0
"$sipp" 127.0.0.1:"$udp" -sf lossy.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -m $calls -l 1 -nostdin \
  -timeout 90s -timeout_error -trace_err -error_file lossy.err -s 1001 \
  -key caller 1000 -au 1000 -ap secret1000 -lost 10 >lossy.out 2>&1 || status=$?
check "lossy" $status
# The caller's verdict is the end-to-end one (every INVITE answered 200, every BYE answered 200,
# which needs the BYE to reach the callee). The callee SIPp, dropping its own packets too, now and
# then counts a call failed on its side (seen once, 1 of 10): reported, not judged.
wait "$(cat lossy-uas.pid)" || echo "note: the lossy callee SIPp counted failures:"
grep -h -E 'Successful call|Failed call' lossy-uas.out || true
echo "lossy: SIPp's message counts (sent/received, retransmissions, timeouts, unexpected, lost):"
grep -E '^ +(INVITE|BYE|ACK|200|180) ' lossy.out lossy-uas.out 2>/dev/null || true

# Flood: 127.0.0.2 sends OPTIONS at 4000/s (above --max-rate 300) while 127.0.0.1 registers and
# places 20 calls. The flooder must lose most of its requests, the calls none.
scenario options-flood flood 200 0
spawn flood.out "$sipp" 127.0.0.1:"$udp" -sf flood.xml -t u1 -i 127.0.0.2 -p "$(free_port)" -r 4000 \
  -m 40000 -l 5000 -nostdin -timeout 30s
flood_pid=$spawned
sleep 1
start_callee "flooded" uas-call u1 "$udp" 20 0
scenario call flooded 200 50
status=0
"$sipp" 127.0.0.1:"$udp" -sf flooded.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -m 20 -r 10 -nostdin \
  -timeout 30s -timeout_error -trace_err -error_file flooded.err -s 1001 -key caller 1000 \
  -au 1000 -ap secret1000 >flooded.out 2>&1 || status=$?
check "flooded" $status
finish_callee "flooded"
stop "$flood_pid"
if grep -q '127.0.0.2 exceeds --max-rate' pbx.log; then
  pass "flood-cut-off ($(grep -c 'exceeds --max-rate' pbx.log) report(s) in the pbx log)"
else
  fail "flood-cut-off: the pbx never reported 127.0.0.2"
fi
if grep -q '127.0.0.1 exceeds' pbx.log; then
  fail "the normal traffic from 127.0.0.1 was limited too"
fi

stop_pbx
finish "all tandem-pbx SIPp scenarios passed"

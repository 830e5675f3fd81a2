#!/usr/bin/env bash
# tandem-pbx's flood cut-off on its stream transports, against real peers. tandem-pbx listens on
# TCP, TLS and WS with --max-rate 100 (bursts of 200). For 8 seconds:
#   - SIPp floods OPTIONS over TCP from 127.0.0.2 at 2000/s, started again whenever the pbx
#     closes its connection (SIPp 3.6 does not reconnect);
#   - Node (OpenSSL) floods OPTIONS over TLS from 127.0.0.2, npm ws over WS from 127.0.0.4, each
#     at 2000/s, reconnecting after every close;
#   - meanwhile, from 127.0.0.3: SIPp registers 1000 with digest over TCP, JsSIP registers 1001
#     with digest over WS, and Node's TLS sends an OPTIONS; all must succeed.
# Then: each flooder was disconnected by the pbx and got only a small part of its requests
# answered, the pbx logged the cut-off per transport and counts it at exit (stats lines), nothing
# from 127.0.0.3 was limited, and the pbx still answers (127.0.0.2 too, once its bucket refilled).
# SIPp on Debian 12 is built without TLS, hence Node for the TLS flooder.
#   run-stream-flood.sh <tandem-pbx> <sipp> <source dir> <node work dir>
# Exits 77 (skipped) when node or npm is missing.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
require_tools node npm
pbx=$(realpath "$1") sipp=$2 src=$(realpath "$3") nodedir=$(realpath -m "$4")
npm_ci "$src/../jssip" "$nodedir"
client=$src/stream-flood.js
enter_workdir

spawn pbx.log "$pbx" --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 --listen tls:127.0.0.1:0 \
  --listen ws:127.0.0.1:0 --user 1000:secret1000 --user 1001:secret1001 --digest MD5 \
  --max-rate 100 --no-services
pbx_pid=$spawned
wait_for pbx.log '^listening' 4 || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }
udp=$(listen_port pbx.log UDP:127.0.0.1)
tcp=$(listen_port pbx.log TCP:127.0.0.1)
tls=$(listen_port pbx.log TLS:127.0.0.1)
ws=$(listen_port pbx.log WS:127.0.0.1)
echo "tandem-pbx: udp $udp tcp $tcp tls $tls ws $ws"

scenario() {  # name expect -> name.xml
  sed -e "s/\[expect\]/$2/" "$src/scenarios/$1.xml" >"$1-$2.xml"
}
scenario options-flood 200
scenario register 200

# SIPp's final message counts: "OPTIONS ---------->  216" and "200 <----------  209".
sipp_count() {  # file message arrow
  awk -v m="$2" -v a="$3" '$1 == m && $2 ~ a { n = $3 } END { print n + 0 }' "$1"
}

flood_seconds=8
# The TCP flooder: SIPp runs again and again until the flood time is over.
sipp_flood() {
  local end=$((SECONDS + flood_seconds)) run=0
  while ((SECONDS < end)); do
    run=$((run + 1))
    "$sipp" 127.0.0.1:"$tcp" -sf options-flood-200.xml -t t1 -i 127.0.0.2 -p "$(free_port)" \
      -r 2000 -m 4000 -l 5000 -nostdin -timeout 5s -trace_err -error_file "tcp-flood-$run.err" \
      >"tcp-flood-$run.out" 2>&1 || true
    sleep 0.2
  done
}
flood_start=$SECONDS
sipp_flood &
track $!
sipp_flood_pid=$!
spawn tls-flood.log node "$client" flood-tls 127.0.0.1 "$tls" 127.0.0.2 $flood_seconds 2000
tls_flood_pid=$spawned
spawn ws-flood.log node "$client" flood-ws "ws://127.0.0.1:$ws" 127.0.0.4 $flood_seconds 2000
ws_flood_pid=$spawned

# The well-behaved clients, while the flood is on.
sleep 1
status=0
"$sipp" 127.0.0.1:"$tcp" -sf register-200.xml -t t1 -i 127.0.0.3 -p "$(free_port)" -m 1 -nostdin \
  -timeout 20s -timeout_error -trace_err -error_file good-tcp.err -s 1000 -au 1000 \
  -ap secret1000 -key expires 300 -key contact_port 9 >good-tcp.out 2>&1 || status=$?
verify good-tcp "SIPp registers 1000 over TCP from 127.0.0.3 during the flood" test $status -eq 0
verify good-ws "JsSIP registers 1001 over WS from 127.0.0.3 during the flood" \
  node "$client" good-ws "ws://127.0.0.1:$ws" 127.0.0.3 1001 secret1001
verify good-tls "an OPTIONS over TLS from 127.0.0.3 is answered during the flood" \
  node "$client" good-tls 127.0.0.1 "$tls" 127.0.0.3

wait "$sipp_flood_pid" || true
flood_elapsed=$((SECONDS - flood_start))
wait "$tls_flood_pid" || true
wait "$ws_flood_pid" || true

# SIPp over TCP: each run was cut off by the pbx after about one burst.
runs=0 sent=0 answered=0 broken=0
for out in tcp-flood-*.out; do
  runs=$((runs + 1))
  sent=$((sent + $(sipp_count "$out" OPTIONS '-->')))
  answered=$((answered + $(sipp_count "$out" 200 '<--')))
  # SIPp's words for a connection the peer closed (reset, broken pipe, or refused at once).
  if grep -q -E 'remote peer probably closed|TCP reset or close|Broken pipe|Connection reset' \
    "${out%.out}.err" "$out" 2>/dev/null; then
    broken=$((broken + 1))
  fi
done
echo "tcp flood (SIPp, 127.0.0.2): $runs runs, $sent OPTIONS sent, $answered answered, $broken" \
  "runs saw the connection closed"
verify tcp-flood "SIPp saw tandem-pbx close its TCP connection in every run" \
  test "$runs" -gt 0 -a "$broken" -eq "$runs"
# Unlimited, each run would get its 4000 OPTIONS answered; the token bucket allows one burst of
# 200 plus 100/s (a connection attempt takes a token too).
bound=$((200 + 100 * (flood_elapsed + 1)))
verify tcp-flood "SIPp got $answered answered, at most $bound of $((4000 * runs)) requested" \
  test "$answered" -le $bound

for t in tls ws; do
  line=$(tail -1 "$t-flood.log")
  echo "$t flood: $line"
  read -r fsent fanswered fconnections fclosed < <(node -e '
    const s = JSON.parse(process.argv[1]);
    console.log(s.sent, s.answered, s.connections, s.closed_by_peer);' "$line" 2>/dev/null ||
    echo 0 0 0 0)
  verify "$t-flood" "the flooder really flooded (sent $fsent)" test "$fsent" -ge 4000
  verify "$t-flood" "tandem-pbx closed its connection ($fclosed of $fconnections)" \
    test "$fclosed" -ge 1
  verify "$t-flood" "answered $fanswered of $fsent: at most a tenth" \
    test $((fanswered * 10)) -le "$fsent"
done

for spec in '127.0.0.2 exceeds --max-rate on TCP' '127.0.0.2 exceeds --max-rate on TLS' \
  '127.0.0.4 exceeds --max-rate on WS'; do
  verify log "tandem-pbx reported \"$spec\"" grep -q -- "$spec" pbx.log
done
verify log "nothing from 127.0.0.3 was limited" bash -c '! grep -q "127.0.0.3 exceeds" pbx.log'

# Alive afterwards, and the cut-off is not permanent: 127.0.0.2's bucket refills.
sleep 3
verify alive "tandem-pbx is still running" kill -0 "$pbx_pid"
scenario options-flood 200
for source in 127.0.0.3 127.0.0.2; do
  for t in t1 u1; do
    port=$tcp && [[ $t == u1 ]] && port=$udp
    status=0
    "$sipp" 127.0.0.1:"$port" -sf options-flood-200.xml -t $t -i $source -p "$(free_port)" -m 5 \
      -r 10 -nostdin -timeout 10s -timeout_error >"after-$source-$t.out" 2>&1 || status=$?
    verify after "OPTIONS over $t from $source answered after the flood" test $status -eq 0
  done
done

stop_checked "$pbx_pid" pbx.log tandem-pbx
grep '^stats' pbx.log || true
for t in TCP TLS WS; do
  n=$(sed -n "s/^stats $t: .*flood_disconnects=\([0-9]*\).*/\1/p" pbx.log)
  verify stats "tandem-pbx counted ${n:-no} flood disconnects on $t" test "${n:-0}" -ge 1
done
finish "tandem-pbx cut off the TCP, TLS and WS flooders and kept serving everyone else"

#!/usr/bin/env bash
# JsSIP (Node) and SIPp as users of tandem-pbx, across transports: JsSIP registers over WSS
# (with a certificate given by --tls-cert/--tls-key and verified by Node), sends a MESSAGE to a
# SIPp UAS registered over UDP, then receives a MESSAGE and an INVITE from a SIPp UAC over UDP,
# which the pbx can only deliver on JsSIP's WebSocket connection (JsSIP in Node has no WebRTC
# and refuses the INVITE itself with 405, which SIPp must get back).
#   run-pbx-jssip.sh <tandem-pbx> <sipp> <source dir> <node work dir>
# Exits 77 (skipped) when node, npm or openssl is missing.
set -euo pipefail
for tool in node npm openssl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
pbx=$(realpath "$1") sipp=$2 src=$(realpath "$3") nodedir=$(realpath -m "$4")
scenarios=$src/scenarios
mkdir -p "$nodedir"
lock=$src/../jssip/package-lock.json
if [[ ! -d "$nodedir/node_modules" ]] || ! cmp -s "$lock" "$nodedir/package-lock.json"; then
  cp "$src/../jssip/package.json" "$lock" "$nodedir/"
  rm -rf "$nodedir/node_modules"
  (cd "$nodedir" && npm ci --no-audit --no-fund --loglevel=error)
fi
export NODE_PATH="$nodedir/node_modules"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# JsSIP 3.13 answers only MD5 challenges and reads the last WWW-Authenticate: offer only MD5.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem \
  2>/dev/null
: >pbx.log
"$pbx" --listen udp:127.0.0.1:0 --listen wss:127.0.0.1:0 --listen tls:127.0.0.1:0 \
  --tls-cert cert.pem --tls-key key.pem \
  --user 1000:secret1000 --user 1001:secret1001 --digest MD5 >pbx.log 2>&1 &
pid=$!
pids+=("$pid")
# A clean stop (SIGTERM ends the event loop) lets the sanitizers of an ASan build report.
stop_pbx() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -E 'Sanitizer|runtime error' pbx.log; then
    echo "FAIL tandem-pbx reported the errors above"
    failures=$((failures + 1))
  fi
}
for _ in $(seq 50); do [[ $(grep -c '^listening' pbx.log) -eq 3 ]] && break; sleep 0.1; done
udp=$(sed -n 's/^listening UDP:127\.0\.0\.1:\([0-9]*\)$/\1/p' pbx.log)
wss=$(sed -n 's/^listening WSS:127\.0\.0\.1:\([0-9]*\)$/\1/p' pbx.log)
tls=$(sed -n 's/^listening TLS:127\.0\.0\.1:\([0-9]*\)$/\1/p' pbx.log)
[[ -n "$udp" && -n "$wss" && -n "$tls" ]] || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

free_port() {  # SIPp's -p 0 means 5060, which other tests may hold: pick free ports
  python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
uport=$(free_port)
sed -e 's/\[linger\]/0/' "$scenarios/uas-message.xml" >uas.xml
sed -e 's/\[expect\]/200/' "$scenarios/register.xml" >register.xml
sed -e 's/\[expect\]/200/' "$scenarios/message.xml" >message.xml
sed -e 's/\[expect\]/405/' "$scenarios/invite.xml" >invite.xml
"$sipp" -sf uas.xml -t u1 -i 127.0.0.1 -p "$uport" -s 1001 -m 1 -nostdin -timeout 30s \
  -timeout_error >uas.out 2>&1 &
uas=$!
pids+=("$uas")
sleep 0.3
common=(-t u1 -i 127.0.0.1 -p "$(free_port)" -m 1 -nostdin -timeout 15s -timeout_error)
"$sipp" 127.0.0.1:"$udp" -sf register.xml "${common[@]}" -s 1001 -au 1001 -ap secret1001 \
  -key expires 300 -key contact_port "$uport" >register.out 2>&1 ||
  { echo "FAIL SIPp 1001 could not register"; exit 1; }

node "$src/jssip-pbx.js" "wss://127.0.0.1:$wss" cert.pem >node.out 2>&1 &
node=$!
pids+=("$node")
for _ in $(seq 150); do grep -q READY node.out && break; sleep 0.1; done
grep -q READY node.out || { echo "FAIL JsSIP did not register or message 1001"; cat node.out; exit 1; }
failures=0
wait "$uas" && echo "PASS JsSIP (WSS) -> pbx -> SIPp (UDP): MESSAGE" ||
  { echo "FAIL SIPp UAS 1001 did not get JsSIP's MESSAGE"; failures=$((failures + 1)); }
"$sipp" 127.0.0.1:"$udp" -sf message.xml "${common[@]}" -s 1000 -key caller 1001 -au 1001 \
  -ap secret1001 >message.out 2>&1 && echo "PASS SIPp (UDP) -> pbx -> JsSIP (WSS): MESSAGE" ||
  { echo "FAIL MESSAGE to JsSIP"; grep -A8 -E 'Aborting|unexpected|timed out' message.out | head -30
    failures=$((failures + 1)); }
"$sipp" 127.0.0.1:"$udp" -sf invite.xml "${common[@]}" -s 1000 -au 1001 -ap secret1001 \
  >invite.out 2>&1 && echo "PASS SIPp (UDP) -> pbx -> JsSIP (WSS): INVITE, refused 405 by JsSIP" ||
  { echo "FAIL INVITE to JsSIP"; grep -A8 -E 'Aborting|unexpected|timed out' invite.out | head -30
    failures=$((failures + 1)); }
# The tls: listener with the same certificate, verified by openssl s_client: OPTIONS gets 200.
printf 'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS client.invalid;branch=z9hG4bK-tls1;rport\r\nFrom: <sip:probe@tandem.test>;tag=t1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: tls-options\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' |
  (cat; sleep 2) | timeout 10 openssl s_client -connect "127.0.0.1:$tls" -quiet -CAfile cert.pem \
    -verify_return_error -verify_ip 127.0.0.1 >tls.out 2>tls.err || true
if grep -q '^SIP/2.0 200 OK' tls.out; then echo "PASS OPTIONS over TLS (certificate verified)"; else
  echo "FAIL OPTIONS over TLS"
  cat tls.out tls.err
  failures=$((failures + 1))
fi
if grep -q PASS node.out; then grep PASS node.out; else
  echo "FAIL JsSIP did not get the MESSAGE"
  cat node.out
  failures=$((failures + 1))
fi
stop_pbx
exit $failures

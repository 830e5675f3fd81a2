#!/usr/bin/env bash
# tandem-ua registers with Digest to Kamailio (registrar + record-routing proxy) and calls through
# it to a SIPp UAS, over UDP, TCP and TLS between tandem-ua and Kamailio (Kamailio reaches SIPp
# over UDP). The config, TLS certificate and ports are made here; nothing outside is read.
#   run-kamailio.sh <tandem-ua> <kamailio> <sipp> <scenario dir>
set -uo pipefail
ua=$1 kamailio=$2 sipp=$3 scenarios=$4
for tool in "$kamailio" "$sipp"; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
[[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so || -n "$(find /usr/lib -path '*kamailio/modules/tls.so' 2>/dev/null | head -1)" ]] ||
  { echo "SKIP: kamailio-tls-modules not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
kam_pid= sipp_pid=
cleanup() {
  [[ -n "$sipp_pid" ]] && kill "$sipp_pid" 2>/dev/null
  [[ -n "$kam_pid" ]] && kill "$kam_pid" 2>/dev/null && wait "$kam_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

free_port() {  # free for both UDP and TCP on 127.0.0.1
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

port=$(free_port)
tls_port=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout key.pem -out cert.pem >openssl.log 2>&1 || { cat openssl.log; exit 1; }
cat >tls.cfg <<TLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $work/key.pem
certificate = $work/cert.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
TLS
sed -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" -e "s|@DIR@|$work|g" \
  "$here/kamailio.cfg.in" >kamailio.cfg
"$kamailio" -c -f kamailio.cfg >check.log 2>&1 || { echo "kamailio.cfg rejected"; cat check.log; exit 1; }
mkdir -p run
"$kamailio" -f kamailio.cfg -DD -E -Y "$work/run" -P "$work/run/kamailio.pid" >kamailio.log 2>&1 &
kam_pid=$!
for _ in $(seq 50); do
  (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && (echo >/dev/tcp/127.0.0.1/"$tls_port") 2>/dev/null && break
  sleep 0.1
done
kill -0 "$kam_pid" 2>/dev/null || { echo "kamailio did not start"; cat kamailio.log; exit 1; }

failures=0
run() {  # transport
  local t=$1
  local sipp_port; sipp_port=$(free_port)
  "$sipp" -sf "$scenarios/uas_proxied.xml" -i 127.0.0.1 -p "$sipp_port" -t u1 -m 1 -nostdin \
      -timeout 20s -timeout_error -trace_err -error_file "sipp-$t.err" >"sipp-$t.log" 2>&1 &
  sipp_pid=$!
  sleep 0.3
  local proxy_port=$port
  [[ $t == tls ]] && proxy_port=$tls_port
  "$ua" --local "$t:127.0.0.1:0" --user alice --password secret --domain tandem.test \
      --proxy "sip:127.0.0.1:$proxy_port;transport=$t" --register "sip:tandem.test" \
      --call "sip:bob@127.0.0.1:$sipp_port" --hangup-after 500ms --tls-ca cert.pem \
      --timeout 20s >"ua-$t.log" 2>&1
  local ua_rc=$?
  wait "$sipp_pid"
  local sipp_rc=$?
  sipp_pid=
  if [[ $ua_rc -eq 0 && $sipp_rc -eq 0 ]] && grep -q '^registered' "ua-$t.log" &&
     grep -q '^unregistered' "ua-$t.log"; then
    echo "PASS register + call through kamailio over $t"
  else
    echo "FAIL over $t (tandem-ua exit $ua_rc, sipp exit $sipp_rc)"
    cat "ua-$t.log"
    tail -20 "sipp-$t.err" 2>/dev/null
    failures=$((failures + 1))
  fi
}
run udp
run tcp
run tls

# Kamailio saw our REGISTERs and INVITEs with credentials (401/407 answered) on every transport.
for proto in udp tcp tls; do
  grep -q "REQ INVITE sip:bob@.* ($proto)" kamailio.log ||
    { echo "FAIL: no INVITE over $proto in kamailio.log"; failures=$((failures + 1)); }
done
if [[ $failures -ne 0 ]]; then tail -40 kamailio.log; fi
[[ $failures -eq 0 ]] && echo "all Kamailio scenarios passed"
exit $failures

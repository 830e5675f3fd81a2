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
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
enter_workdir

port=$(free_port)
tls_port=$(free_port)
self_signed_cert key.pem cert.pem
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
spawn kamailio.log "$kamailio" -f kamailio.cfg -DD -E -Y "$work/run" -P "$work/run/kamailio.pid"
kam_pid=$spawned
for _ in $(seq 50); do
  (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && (echo >/dev/tcp/127.0.0.1/"$tls_port") 2>/dev/null && break
  sleep 0.1
done
kill -0 "$kam_pid" 2>/dev/null || { echo "kamailio did not start"; cat kamailio.log; exit 1; }

run() {  # transport
  local t=$1
  local sipp_port; sipp_port=$(free_port)
  spawn "sipp-$t.log" "$sipp" -sf "$scenarios/uas_proxied.xml" -i 127.0.0.1 -p "$sipp_port" -t u1 \
      -m 1 -nostdin -timeout 20s -timeout_error -trace_err -error_file "sipp-$t.err"
  local sipp_pid=$spawned
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
  if [[ $ua_rc -eq 0 && $sipp_rc -eq 0 ]] && grep -q '^registered' "ua-$t.log" &&
     grep -q '^unregistered' "ua-$t.log"; then
    pass "register + call through kamailio over $t"
  else
    fail "over $t (tandem-ua exit $ua_rc, sipp exit $sipp_rc)"
    cat "ua-$t.log"
    tail -20 "sipp-$t.err" 2>/dev/null
  fi
}
run udp
run tcp
run tls

# Kamailio saw our REGISTERs and INVITEs with credentials (401/407 answered) on every transport.
for proto in udp tcp tls; do
  grep -q "REQ INVITE sip:bob@.* ($proto)" kamailio.log ||
    fail "no INVITE over $proto in kamailio.log"
done
if [[ $failures -ne 0 ]]; then tail -40 kamailio.log; fi
finish "all Kamailio scenarios passed"

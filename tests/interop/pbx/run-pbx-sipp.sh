#!/usr/bin/env bash
# tandem-pbx against SIPp: digest REGISTER (good, wrong password, too brief, un-REGISTER) and
# INVITEs to unknown and offline users, over UDP and TCP.
#   run-pbx-sipp.sh <tandem-pbx> <sipp> <scenario dir>
set -euo pipefail
pbx=$1 sipp=$2 scenarios=$3
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$pbx" --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 --user 1000:secret1000 \
  --user 1001:secret1001 --realm tandem.test >pbx.log 2>&1 &
pid=$!
for _ in $(seq 50); do [[ $(grep -c '^listening' pbx.log) -eq 2 ]] && break; sleep 0.1; done
udp=$(sed -n 's/^listening UDP:127\.0\.0\.1:\([0-9]*\)$/\1/p' pbx.log)
tcp=$(sed -n 's/^listening TCP:127\.0\.0\.1:\([0-9]*\)$/\1/p' pbx.log)
[[ -n "$udp" && -n "$tcp" ]] || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

failures=0
run() {  # label scenario expected-status transport port sipp-args...
  local label=$1 scenario=$2 expect=$3 transport=$4 port=$5
  shift 5
  # SIPp does not expand keywords in <recv response>, so the expected status is written in.
  sed "s/\[expect\]/$expect/" "$scenarios/$scenario.xml" >"$label.xml"
  if "$sipp" 127.0.0.1:"$port" -sf "$label.xml" -t "$transport" -i 127.0.0.1 \
      -p 0 -m 1 -nostdin -timeout 15s -timeout_error -trace_err -error_file "$label.err" "$@" \
      >"$label.out" 2>&1; then
    echo "PASS $label"
  else
    echo "FAIL $label"
    tail -20 "$label.err" 2>/dev/null || true
    failures=$((failures + 1))
  fi
}

for t in u1 t1; do
  port=$udp && [[ $t == t1 ]] && port=$tcp
  run "register-$t" register 200 $t "$port" -s 1000 -au 1000 -ap secret1000 -key expires 300
  run "wrong-password-$t" register 403 $t "$port" -s 1001 -au 1001 -ap wrong -key expires 300
  run "unknown-user-$t" register 403 $t "$port" -s 9999 -au 9999 -ap x -key expires 300
  run "too-brief-$t" register 423 $t "$port" -s 1000 -au 1000 -ap secret1000 -key expires 10
  run "invite-unknown-$t" invite 404 $t "$port" -s nobody
  run "invite-offline-$t" invite 480 $t "$port" -s 1001
  run "invite-registered-$t" invite 501 $t "$port" -s 1000
  run "unregister-$t" unregister 200 $t "$port" -s 1000 -au 1000 -ap secret1000
  run "invite-after-unregister-$t" invite 480 $t "$port" -s 1000
done
[[ $failures -eq 0 ]] && echo "all tandem-pbx SIPp scenarios passed"
exit $failures

#!/usr/bin/env bash
# tandem-pbx under SIPp load on loopback (UDP): REGISTER transactions per second, then
# INVITE-407-INVITE-180-200-ACK-BYE calls per second from a SIPp UAC to a registered SIPp UAS
# through the pbx. Prints calls/s, failed calls, the pbx's CPU time (utime+stime from
# /proc/PID/stat over each phase) and its peak RSS (VmHWM), and calls per CPU-second of the pbx,
# i.e. what one core would carry.
#   bench/pbx_load.sh [tandem-pbx binary]     (default: build/release/tools/tandem-pbx/tandem-pbx)
# Environment: RATE (calls/s offered, default 500), SECONDS_PER_PHASE (default 20),
# REG_RATE (REGISTERs/s offered, default RATE), MAX_RATE (the pbx's --max-rate, default 0 = off),
# KEEP (a directory to copy the SIPp outputs and the pbx log to).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pbx=$(realpath "${1:-$here/../build/release/tools/tandem-pbx/tandem-pbx}")
scenarios=$here/../tests/interop/pbx/scenarios
rate=${RATE:-500}
reg_rate=${REG_RATE:-$rate}
seconds=${SECONDS_PER_PHASE:-20}
sipp=$(command -v sipp) || { echo "sipp not installed (apt sip-tester)"; exit 77; }
[[ -x $pbx ]] || { echo "no tandem-pbx at $pbx: build the release preset first"; exit 1; }
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
source "$here/../tests/interop/lib.sh"
enter_workdir

port=$(free_port)
spawn pbx.log "$pbx" --listen "udp:127.0.0.1:$port" --user 1000:secret1000 --user 1001:secret1001 \
  --max-rate "${MAX_RATE:-0}"
pid=$spawned
wait_for pbx.log '^listening' || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status"; }
scenario() {  # name out expect pause-ms
  sed -e "s/\[expect\]/$3/" -e "s/\[hold\]/$4/" -e "s/\[linger\]/$4/" "$scenarios/$1.xml" >"$2"
}
counts() {  # sipp stdout -> "successful failed"
  local ok failed
  ok=$(grep 'Successful call' "$1" | tail -1 | awk '{print $NF}')
  failed=$(grep 'Failed call' "$1" | tail -1 | awk '{print $NF}')
  echo "${ok:-0} ${failed:-0}"
}
report() {  # label successful failed wall-seconds cpu-ticks
  awk -v label="$1" -v ok="$2" -v failed="$3" -v wall="$4" -v cpu="$5" -v hz="$ticks" \
    -v hwm="$(hwm_kb)" 'BEGIN {
      cpu_s = cpu / hz
      printf "%-9s %7d ok %5d failed  %8.1f /s  pbx CPU %6.2f s (%5.1f%% of a core)  %8.0f /CPU-s  VmHWM %d kB\n",
             label, ok, failed, ok / wall, cpu_s, 100 * cpu_s / wall,
             (cpu_s > 0 ? ok / cpu_s : 0), hwm }'
}

# Phase 1: REGISTER with a 401 challenge, two transactions per "call", all from one SIPp.
n=$((reg_rate * seconds))
scenario register register.xml 200 0
before=$(cpu_ticks)
start=$(date +%s.%N)
"$sipp" 127.0.0.1:"$port" -sf register.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -s 1000 -au 1000 \
  -ap secret1000 -key expires 300 -key contact_port 9 -r "$reg_rate" -m "$n" -l 2000 \
  -nostdin -timeout $((seconds * 3))s >register.out 2>&1 || true
end=$(date +%s.%N)
read -r ok failed < <(counts register.out)
wall=$(echo "$end - $start" | bc -l)
echo "tandem-pbx load on loopback UDP, offered $reg_rate REGISTER/s and $rate calls/s, ${seconds}s each"
report REGISTER "$ok" "$failed" "$wall" $(($(cpu_ticks) - before))
echo "          (each REGISTER is two transactions: 401 challenge, then 200)"

# Phase 2: calls through the pbx to a registered UAS.
uport=$(free_port)
n=$((rate * seconds))
scenario uas-call uas.xml 0 0
scenario call call.xml 200 0
spawn uas.out "$sipp" -sf uas.xml -t u1 -i 127.0.0.1 -p "$uport" -s 1001 -m "$n" -nostdin \
  -timeout $((seconds * 3))s
uas=$spawned
sleep 0.3
scenario register register1001.xml 200 0
"$sipp" 127.0.0.1:"$port" -sf register1001.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -s 1001 -au 1001 \
  -ap secret1001 -key expires 3600 -key contact_port "$uport" -m 1 -nostdin -timeout 10s \
  -timeout_error >/dev/null 2>&1 || { echo "the UAS could not register"; exit 1; }
before=$(cpu_ticks)
start=$(date +%s.%N)
"$sipp" 127.0.0.1:"$port" -sf call.xml -t u1 -i 127.0.0.1 -p "$(free_port)" -s 1001 -key caller 1000 \
  -au 1000 -ap secret1000 -r "$rate" -m "$n" -l 5000 -nostdin -timeout $((seconds * 3))s \
  >calls.out 2>&1 || true
end=$(date +%s.%N)
read -r ok failed < <(counts calls.out)
wall=$(echo "$end - $start" | bc -l)
report calls "$ok" "$failed" "$wall" $(($(cpu_ticks) - before))
echo "          (each call: INVITE, 407, ACK, INVITE, 100, 180, 200, ACK, BYE, 200 at the caller)"
kill "$uas" 2>/dev/null || true
[[ -n ${KEEP:-} ]] && mkdir -p "$KEEP" && cp ./*.out pbx.log "$KEEP"/
[[ $failed -eq 0 && $ok -eq $n ]] || { echo "calls failed: see above"; exit 1; }

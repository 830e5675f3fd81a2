#!/usr/bin/env bash
# tandem-pbx's service extensions against SIPp, calls from an authenticated user (407 first)
# through the proxy, over UDP and TCP:
#   600 echo: SIPp plays its PCMA speech pcap; dumpcap records what comes back to SIPp's media
#     port, rtp_check.py compares it packet by packet; then a hold re-INVITE (a=sendonly must be
#     answered a=recvonly) and BYE.
#   601 tone: the offer names the port of rtp_check.py's recorder, which decodes the stream
#     (PCMU, PCMA by table; Opus with libopus) and measures 1000 Hz.
#   602 DTMF: RFC 4733 digits from SIPp's pcaps and SIP INFO digits; SIPp expects the pbx's
#     MESSAGE "DTMF 1 2 # 9" in the dialog.
#   An offer with only G.729 gets 488 with a Warning; with --no-services 600 is 404.
#   run-services-sipp.sh <tandem-pbx> <sipp> <dumpcap or ""> <test dir>
# Exit 77 (skip) when SIPp or its pcaps are absent; the echo comparison needs dumpcap (and
# capture rights on lo) and is reported SKIP without it, the rest still runs.
set -euo pipefail
pbx=$1 sipp=$2 dumpcap=$3 dir=$4
scenarios=$dir/scenarios
pcaps=/usr/share/sip-tester
[[ -x "$sipp" && -r "$pcaps/dtmf_2833_1.pcap" && -r "$pcaps/g711a.pcap" ]] || exit 77

# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
enter_workdir

rtp_low=$((30000 + RANDOM % 20000))
rtp_low=$((rtp_low - rtp_low % 2))
rtp_high=$(( rtp_low + 199 ))
spawn pbx.log "$pbx" --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 --user 1000:secret1000 \
  --realm tandem.test --rtp-ports "$rtp_low-$rtp_high"
pid=$spawned
wait_for pbx.log '^services ' 1 100 || true
udp=$(listen_port pbx.log UDP:127.0.0.1)
tcp=$(listen_port pbx.log TCP:127.0.0.1)
[[ -n "$udp" && -n "$tcp" ]] && grep -q '^services 600' pbx.log ||
  { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

# offer MEDIA-PORT-KEYWORD FORMATS RTPMAPS [DIRECTION]: the SDP body, indented as SIPp wants it.
offer() {
  printf '      v=0\n      o=sipp 1 1 IN IP[local_ip_type] [local_ip]\n      s=-\n'
  printf '      c=IN IP[media_ip_type] [media_ip]\n      t=0 0\n      m=audio %s RTP/AVP %s\n' "$1" "$2"
  printf '%s\n' "$3" | sed 's/^/      /'
  [[ -z "${4:-}" ]] || printf '      a=%s\n' "$4"
}

# build SCENARIO LABEL OFFER ANSWER-CHECK [NAME=VALUE...]: fills in the shared pieces.
build() {
  local scenario=$1 label=$2
  OFFER=$3 CHECK=$4 INVITE=$(cat "$scenarios/invite-auth.inc") \
    ANSWERED=$(cat "$scenarios/answered.inc") BYE=$(cat "$scenarios/bye.inc") \
    perl -0pe 's/\@INVITE\@/$ENV{INVITE}/; s/\@ANSWERED\@/$ENV{ANSWERED}/; s/\@BYE\@/$ENV{BYE}/;
               s/\@OFFER\@/$ENV{OFFER}/g; s/\@ANSWER_CHECK\@/$ENV{CHECK}/g' \
    "$scenarios/$scenario.xml" >"$label.xml"
  shift 4
  for kv in "$@"; do
    K=${kv%%=*} V=${kv#*=} perl -pi -e 's/\@$ENV{K}\@/$ENV{V}/g' "$label.xml"
  done
}

sipp_call() {  # label service transport pbx-port media-port sipp-args...
  local label=$1 service=$2 transport=$3 port=$4 mp=$5
  shift 5
  local status=0
  "$sipp" 127.0.0.1:"$port" -sf "$label.xml" -t "$transport" -i 127.0.0.1 -p "$(free_port)" \
    -mi 127.0.0.1 -mp "$mp" -s "$service" -key caller 1000 -au 1000 -ap secret1000 -m 1 \
    -nostdin -timeout 30s -timeout_error -trace_err -error_file "$label.err" "$@" \
    >"$label.out" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    fail "$label: SIPp exit status $status"
    grep -h -E 'Successful call|Failed call' "$label.out" || true
    tail -30 "$label.err" 2>/dev/null || true
    return 1
  fi
  pass "$label: SIPp scenario (407, INVITE again, then as the scenario says)"
}

in_range() {  # the media port of the answer in --rtp-ports
  local port
  port=$(grep -o 'RTP 127.0.0.1:[0-9]*' pbx.log | tail -1 | cut -d: -f2)
  [[ -n "$port" && $port -ge $rtp_low && $port -le $rtp_high ]]
}

hold_offer=$(offer '[media_port]' "8 101" $'a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000' sendonly)
for t in u1 t1; do
  # 600 echo with the speech pcap, a hold re-INVITE, BYE.
  label=echo-$t
  mp=$(free_port)
  build echo "$label" "$(offer '[media_port]' "8 101" $'a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000')" \
    'm=audio [0-9]+ RTP/AVP 8 101' "PCAP=$pcaps/g711a.pcap" PLAY_MS=7600 "HOLD_OFFER=$hold_offer"
  capture=""
  if [[ -n "$dumpcap" ]]; then
    spawn "$label-cap.log" "$dumpcap" -i lo -f "udp dst port $mp" -P -w "$label.pcap"
    cap_pid=$spawned
    wait_for "$label-cap.log" '^Capturing on' 1 100 && capture=yes
  fi
  port=$([[ $t == u1 ]] && echo "$udp" || echo "$tcp")
  if sipp_call "$label" 600 "$t" "$port" "$mp"; then
    verify "$label" "answer's RTP port in --rtp-ports $rtp_low-$rtp_high" in_range
    if [[ -n "$capture" ]]; then
      sleep 0.5
      kill -INT "$cap_pid" 2>/dev/null || true
      wait "$cap_pid" 2>/dev/null || true
      verify "$label" "echo returns SIPp's RTP: $(python3 "$dir/rtp_check.py" echo "$pcaps/g711a.pcap" "$label.pcap" "$mp" | tail -1)" \
        python3 "$dir/rtp_check.py" echo "$pcaps/g711a.pcap" "$label.pcap" "$mp"
    else
      echo "SKIP $label: no capture on lo (dumpcap missing or not allowed): echo not compared"
      cat "$label-cap.log" 2>/dev/null || true
    fi
  fi

  # 602: RFC 4733 digits 1 2, INFO digits # 9, MESSAGE "DTMF 1 2 # 9" back.
  label=dtmf-$t
  build dtmf "$label" "$(offer '[media_port]' "0 101" $'a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15')" \
    'a=rtpmap:101 telephone-event' "PCAPS=$pcaps"
  sipp_call "$label" 602 "$t" "$port" "$(free_port)" || true

  # 488 for G.729 only.
  label=reject-$t
  build reject "$label" "$(offer '[media_port]' 18 'a=rtpmap:18 G729/8000')" ''
  sipp_call "$label" 600 "$t" "$port" "$(free_port)" || true
done

# 601 tone in PCMU, PCMA and Opus (UDP; the signalling path is the same as above).
for codec in PCMU PCMA opus; do
  label=tone-$codec
  case $codec in
    PCMU) formats=0 rtpmap='a=rtpmap:0 PCMU/8000' ;;
    PCMA) formats=8 rtpmap='a=rtpmap:8 PCMA/8000' ;;
    opus) formats=111 rtpmap=$'a=rtpmap:111 opus/48000/2\na=fmtp:111 useinbandfec=1' ;;
  esac
  rec=$(free_port)
  build tone "$label" "$(offer "$rec" "$formats" "$rtpmap")" "m=audio [0-9]+ RTP/AVP $formats" \
    HOLD_MS=3000 "FORMATS=$formats"
  spawn "$label-rec.log" python3 "$dir/rtp_check.py" tone "$rec" "$codec" 4
  rec_pid=$spawned
  wait_for "$label-rec.log" listening || true
  sipp_call "$label" 601 u1 "$udp" "$(free_port)" || true
  status=0
  wait "$rec_pid" || status=$?
  verify "$label" "1000 Hz tone: $(tail -1 "$label-rec.log")" test $status -eq 0
done

stop "$pid"

# --no-services: the numbers are ordinary (unknown) users again.
spawn pbx-off.log "$pbx" --listen udp:127.0.0.1:0 --user 1000:secret1000 --realm tandem.test \
  --no-services
off=$spawned
wait_for pbx-off.log '^listening' 1 100 || true
off_port=$(listen_port pbx-off.log UDP:127.0.0.1)
build not-found off "$(offer '[media_port]' 0 'a=rtpmap:0 PCMU/8000')" ''
sipp_call off 600 u1 "$off_port" "$(free_port)" || true
verify off "no services line in the log" bash -c "! grep -q '^services' pbx-off.log"
stop "$off"

echo "--- tandem-pbx log"
cat pbx.log
verify pbx "no sanitizer report" sanitizer_clean pbx.log pbx-off.log
verify pbx "602 logged the digits" grep -q 'sends MESSAGE "DTMF 1 2 # 9"' pbx.log
finish "all service SIPp cases passed"

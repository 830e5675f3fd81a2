#!/usr/bin/env bash
# Cross-checks RtcpBuilder against Wireshark's RTCP dissector: rtcp_pcap_writer writes a pcap of
# built packets (UDP port 5005), tshark decodes it as RTCP and each display filter below must match
# exactly the expected frame. Also fails on any expert-info item (malformed, bad length, ...).
# Usage: tshark_crosscheck.sh path/to/rtcp_pcap_writer out.pcap. Exit 77 (skipped) without tshark.
set -euo pipefail
writer=$1 pcap=$2
if ! command -v tshark >/dev/null 2>&1; then
  echo "tshark not installed (apt tshark): skipped"
  exit 77
fi
"$writer" "$pcap"

frames() {  # frames matching a display filter, space-separated
  tshark -r "$pcap" -d udp.port==5005,rtcp -Y "$1" -T fields -e frame.number 2>/dev/null |
    tr '\n' ' ' | sed 's/ $//'
}

failures=0
expect() {  # expect "frames" "filter"
  local got
  got=$(frames "$2")
  if [[ "$got" == "$1" ]]; then
    echo "ok   frame(s) [$1]: $2"
  else
    echo "FAIL expected frame(s) [$1], got [$got]: $2"
    failures=$((failures + 1))
  fi
}

expect_text() {  # expect_text frame "text in the dissection tree"
  if tshark -r "$pcap" -d udp.port==5005,rtcp -Y "frame.number == $1" -O rtcp 2>/dev/null |
    grep -qF "$2"; then
    echo "ok   frame $1 shows: $2"
  else
    echo "FAIL frame $1 does not show: $2"
    failures=$((failures + 1))
  fi
}

expect "1" 'rtcp.pt == 200 && rtcp.senderssrc == 0xaaa && rtcp.timestamp.ntp.msw == 0xe9000000 &&
  rtcp.timestamp.ntp.lsw == 0x80000000 && rtcp.timestamp.rtp == 16000 &&
  rtcp.sender.packetcount == 50 && rtcp.sender.octetcount == 8000'
expect "1" 'rtcp.ssrc.identifier == 0xbbb && rtcp.ssrc.fraction == 64 && rtcp.ssrc.cum_nr == 5 &&
  rtcp.ssrc.ext_high == 66770 && rtcp.ssrc.high_cycles == 1 && rtcp.ssrc.jitter == 42 &&
  rtcp.ssrc.lsr == 0xc1b47654 && rtcp.ssrc.dlsr == 98304'
expect "1" 'rtcp.pt == 202 && rtcp.sdes.type == 1 && rtcp.sdes.text == "tandem@example.org"'
expect "2" 'rtcp.pt == 201 && rtcp.ssrc.identifier == 0xccc && rtcp.ssrc.fraction == 64 &&
  rtcp.ssrc.cum_nr == 7 && rtcp.ssrc.ext_high == 65535 && rtcp.ssrc.jitter == 256'
expect "3" 'rtcp.pt == 205 && rtcp.rtpfb.fmt == 1 && rtcp.rtpfb.nack_pid == 1000 &&
  rtcp.rtpfb.nack_blp == 0x0005'
expect "4" 'rtcp.pt == 206 && rtcp.psfb.fmt == 1 && rtcp.senderssrc == 0xaaa'
expect "5" 'rtcp.psfb.fmt == 4 && rtcp.psfb.fir.fci.ssrc == 0xddd && rtcp.psfb.fir.fci.csn == 7'
expect "6" 'rtcp.psfb.fmt == 15 && rtcp.psfb.remb.identifier == "REMB" &&
  rtcp.psfb.remb.fci.br_exp == 2 && rtcp.psfb.remb.fci.br_mantissa == 250000 &&
  rtcp.psfb.remb.fci.ssrc == 0xddd'
# The computed bitrate is a text item, not a filterable value: check the decoded tree.
expect_text 6 'Maximum bit rate: 1000000'
expect "7" 'rtcp.pt == 203 && rtcp.ssrc.identifier == 0xaaa && rtcp.sdes.text == "call ended"'
expect "1 2 3 4 5 6 7" 'rtcp.length_check'
expect "" '_ws.expert || _ws.malformed || rtcp.length_check.bad || rtcp.bye_reason_not_padded'

if ((failures > 0)); then
  echo "$failures check(s) failed; full decode:"
  tshark -r "$pcap" -d udp.port==5005,rtcp -O rtcp 2>/dev/null || true
  exit 1
fi
echo "all tshark checks passed ($(tshark -v 2>/dev/null | head -1))"

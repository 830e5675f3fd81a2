#!/usr/bin/env python3
"""RTP probes for tandem-pbx's service extensions (run by run-services-sipp.sh).

  rtp_check.py tone PORT CODEC SECONDS
      Receives RTP on 127.0.0.1:PORT for SECONDS, decodes it (PCMU/PCMA by table, opus with
      libopus through ctypes) and checks it is one continuous 1000 Hz sine: the frequency from
      zero crossings within 2 Hz, over 90% of the energy in the 1000 Hz bin (Goertzel), 20 ms
      packets with consecutive sequence numbers and timestamps.
  rtp_check.py echo SENT.pcap CAPTURED.pcap PORT
      Compares the RTP SIPp played (SENT.pcap) with what came back to its media PORT
      (CAPTURED.pcap, from dumpcap): the same payloads in the same order, the payload type
      kept, another SSRC.
Exit 0 when the check passes; prints the figures either way.
"""
import ctypes
import ctypes.util
import math
import socket
import struct
import sys
import time


def ulaw(b):
    b = ~b & 0xFF
    t = ((b & 0x0F) << 3) + 0x84
    t <<= (b & 0x70) >> 4
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def alaw(b):
    b ^= 0x55
    t = (b & 0x0F) << 4
    seg = (b & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if b & 0x80 else -t


def rtp_fields(data):
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    cc = data[0] & 0x0F
    pt = data[1] & 0x7F
    seq, ts, ssrc = struct.unpack("!HII", data[2:12])
    off = 12 + 4 * cc
    if data[0] & 0x10:
        ext_len = struct.unpack("!H", data[off + 2:off + 4])[0]
        off += 4 + 4 * ext_len
    end = len(data) - (data[-1] if data[0] & 0x20 else 0)
    return pt, seq, ts, ssrc, data[off:end]


class Opus:
    def __init__(self):
        lib = ctypes.CDLL(ctypes.util.find_library("opus") or "libopus.so.0")
        err = ctypes.c_int()
        lib.opus_decoder_create.restype = ctypes.c_void_p
        self.lib = lib
        self.dec = lib.opus_decoder_create(48000, 1, ctypes.byref(err))
        if err.value != 0 or not self.dec:
            raise RuntimeError("opus_decoder_create failed: %d" % err.value)
        self.pcm = (ctypes.c_int16 * 5760)()

    def decode(self, payload):
        n = self.lib.opus_decode(ctypes.c_void_p(self.dec), payload, len(payload), self.pcm, 5760, 0)
        if n < 0:
            raise RuntimeError("opus_decode failed: %d" % n)
        return list(self.pcm[:n])


def tone(port, codec, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.settimeout(0.2)
    print("listening", port, flush=True)
    packets = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data = sock.recv(2048)
        except socket.timeout:
            continue
        f = rtp_fields(data)
        if f:
            packets.append(f)
    if len(packets) < 25:
        print("FAIL only %d RTP packets received" % len(packets))
        return 1
    rate = 48000 if codec == "opus" else 8000
    step = rate // 50
    pts = {p[0] for p in packets}
    seq_gaps = sum(1 for a, b in zip(packets, packets[1:]) if (b[1] - a[1]) & 0xFFFF != 1)
    ts_bad = sum(1 for a, b in zip(packets, packets[1:]) if (b[2] - a[2]) & 0xFFFFFFFF != step)
    opus = Opus() if codec == "opus" else None
    samples = []
    for p in packets:
        if opus:
            samples += opus.decode(p[4])
        else:
            table = ulaw if codec == "PCMU" else alaw
            samples += [table(b) for b in p[4]]
    x = samples[rate // 10:]  # past the codec's start-up (Opus pre-skip, the first frame)
    n = len(x)
    mean = sum(x) / n
    x = [v - mean for v in x]
    crossings = sum(1 for a, b in zip(x, x[1:]) if (a < 0) != (b < 0))
    freq = crossings / 2 / (n / rate)
    w = 2 * math.pi * 1000 / rate
    coeff = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + coeff * s1 - s2, s1
    bin_power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    energy = sum(v * v for v in x)
    share = 2 * bin_power / (n * energy) if energy else 0
    rms = math.sqrt(energy / n)
    print("packets=%d pt=%s seq_gaps=%d ts_steps_off=%d samples=%d freq=%.1fHz share_1000Hz=%.3f "
          "rms=%.0f" % (len(packets), sorted(pts), seq_gaps, ts_bad, n, freq, share, rms))
    ok = len(pts) == 1 and seq_gaps == 0 and ts_bad == 0 and abs(freq - 1000) <= 2 and \
        share > 0.9 and rms > 1000
    return 0 if ok else 1


def pcap_udp(path):
    """(src port, dst port, payload) of every UDP/IPv4 packet in a classic pcap file."""
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    link = {1: 14, 113: 16, 0: 4, 101: 0, 228: 0, 276: 20}.get(linktype)
    if link is None:
        raise RuntimeError("%s: link type %d" % (path, linktype))
    out = []
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[link:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        sport, dport, length = struct.unpack("!HHH", ip[ihl:ihl + 6])
        out.append((sport, dport, ip[ihl + 8:ihl + length]))
    return out


def echo(sent_path, captured_path, port):
    sent = [rtp_fields(p) for _, _, p in pcap_udp(sent_path)]
    sent = [f for f in sent if f]
    back = [rtp_fields(p) for _, d, p in pcap_udp(captured_path) if d == port]
    back = [f for f in back if f]
    if not sent or not back:
        print("FAIL sent=%d echoed=%d" % (len(sent), len(back)))
        return 1
    same = sum(1 for s, b in zip(sent, back) if s[4] == b[4])
    pt_kept = all(b[0] == sent[0][0] for b in back)
    ssrcs = {b[3] for b in back}
    new_ssrc = sent[0][3] not in ssrcs
    print("sent=%d echoed=%d same_payload_in_order=%d pt_kept=%s echo_ssrcs=%d new_ssrc=%s" %
          (len(sent), len(back), same, pt_kept, len(ssrcs), new_ssrc))
    ok = same == len(back) and len(back) >= 0.95 * len(sent) and pt_kept and len(ssrcs) == 1 \
        and new_ssrc
    return 0 if ok else 1


def main(argv):
    if len(argv) == 5 and argv[1] == "tone":
        return tone(int(argv[2]), argv[3], float(argv[4]))
    if len(argv) == 5 and argv[1] == "echo":
        return echo(argv[2], argv[3], int(argv[4]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

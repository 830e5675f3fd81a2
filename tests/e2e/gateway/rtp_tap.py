#!/usr/bin/env python3
"""RTP tap for the gateway e2e tests: what the SIP side really received.

Sniffs UDP on the loopback interface of the test's network namespace (AF_PACKET, needs the
namespace's root) until SIGTERM/SIGINT, then prints one JSON object: for every UDP flow that
carried RTP ("src_port>dst_port"), the packet count, payload types, SSRCs, sequence gaps,
for G.711 (PT 0/8) the dominant frequency of the decoded audio (Goertzel scan), so a test can
check that e.g. the SIPp UAS received the browser's tone transcoded to PCMU, and the RFC 4733
events (a payload type whose every payload is 4 bytes) one entry per event timestamp.

  rtp_tap.py PORT_LOW PORT_HIGH [SIP_LOG]   only flows with an end in [LOW, HIGH] are kept;
                                           SIP datagrams among them are appended to SIP_LOG
"""
import json
import math
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4  # lo shows each datagram twice: keep the incoming copy


def ulaw(b):
    b = ~b & 0xFF
    t = ((b & 0x0F) << 3) + 0x84
    t <<= (b & 0x70) >> 4
    return (0x84 - t) if (b & 0x80) else (t - 0x84)


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
    return t if (b & 0x80) else -t


ULAW = [ulaw(i) for i in range(256)]
ALAW = [alaw(i) for i in range(256)]


def goertzel(samples, hz, rate=8000):
    w = 2.0 * math.pi * hz / rate
    coeff = 2.0 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def dominant(samples):
    """Dominant frequency (Hz) and RMS of 8 kHz samples: 10 Hz scan, then 1 Hz around the peak."""
    if len(samples) < 800:
        return None, 0.0
    rms = math.sqrt(sum(x * x for x in samples) / len(samples))
    best = max(range(100, 3900, 10), key=lambda f: goertzel(samples, f))
    best = max(range(best - 10, best + 11), key=lambda f: goertzel(samples, f))
    return best, rms


class Flow:
    def __init__(self):
        self.packets = 0
        self.pts = {}
        self.ssrcs = set()
        self.last_seq = None
        self.gaps = 0
        self.audio = []  # decoded G.711 samples, capped
        self.short = {}  # pt -> [(timestamp, marker, 4-byte payload)]
        self.long_pts = set()  # payload types seen with a payload other than 4 bytes

    def add(self, data):
        v_p_x_cc, m_pt, seq, ts, ssrc = struct.unpack('!BBHII', data[:12])
        pt = m_pt & 0x7F
        self.packets += 1
        self.pts[pt] = self.pts.get(pt, 0) + 1
        self.ssrcs.add(ssrc)
        if self.last_seq is not None and seq != (self.last_seq + 1) & 0xFFFF:
            self.gaps += 1
        self.last_seq = seq
        offset = 12 + 4 * (v_p_x_cc & 0x0F)
        if v_p_x_cc & 0x10 and len(data) >= offset + 4:  # header extension
            offset += 4 + 4 * struct.unpack('!H', data[offset + 2:offset + 4])[0]
        payload = data[offset:]
        if len(payload) == 4 and pt >= 96:
            self.short.setdefault(pt, []).append((ts, m_pt >> 7, payload))
        else:
            self.long_pts.add(pt)
        if pt in (0, 8) and len(self.audio) < 8000 * 30:
            table = ULAW if pt == 0 else ALAW
            self.audio.extend(table[b] for b in data[offset:])

    def events(self):
        out = []
        for pt, packets in self.short.items():
            if pt in self.long_pts:
                continue
            for ts, marker, p in packets:
                if not out or out[-1]['ts'] != ts or out[-1]['pt'] != pt:
                    out.append({'pt': pt, 'ts': ts, 'event': p[0], 'marker': marker, 'end': False, 'packets': 0,
                                'duration': 0})
                e = out[-1]
                e['packets'] += 1
                e['end'] = e['end'] or bool(p[1] & 0x80)
                e['duration'] = max(e['duration'], struct.unpack('!H', p[2:4])[0])
        return out

    def summary(self):
        # Skip the first half second (jitter buffers and transcoders settle), analyse 0.5 s.
        hz, rms = dominant(self.audio[4000:8000] if len(self.audio) >= 8000 else self.audio[-4000:])
        return {'packets': self.packets, 'payload_types': self.pts, 'ssrcs': len(self.ssrcs),
                'sequence_gaps': self.gaps, 'g711_samples': len(self.audio),
                'dominant_hz': hz, 'rms': round(rms, 1), 'events': self.events()}


def looks_like_rtp(data):
    return len(data) >= 12 and data[0] >> 6 == 2 and not 72 <= (data[1] & 0x7F) <= 79  # not RTCP


def main():
    low, high = int(sys.argv[1]), int(sys.argv[2])
    sip_log = open(sys.argv[3], 'a', encoding='utf-8', errors='replace') if len(sys.argv) > 3 else None
    flows = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
    sock.bind(('lo', 0))
    sock.settimeout(0.2)
    print('tap ready', file=sys.stderr, flush=True)
    while not stop:
        try:
            frame, addr = sock.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8:
            continue
        if struct.unpack('!H', frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            continue
        src, dst = struct.unpack('!HH', ip[ihl:ihl + 4])
        if not (low <= src <= high or low <= dst <= high):
            continue
        data = ip[ihl + 8:]
        if sip_log and data[:1].isalpha():
            stamp = time.strftime('%H:%M:%S', time.gmtime()) + f'.{int(time.time() * 1000) % 1000:03d}'
            sip_log.write(f'----- {stamp} UDP {src} -> {dst}\n{data.decode("utf-8", "replace")}\n')
            sip_log.flush()
        elif looks_like_rtp(data):
            flows.setdefault(f'{src}>{dst}', Flow()).add(data)
    print(json.dumps({k: f.summary() for k, f in flows.items()}), flush=True)


if __name__ == '__main__':
    main()

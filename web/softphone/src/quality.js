// Live call quality from RTCPeerConnection.getStats(): codec, RTT, jitter, loss, bitrate and a MOS
// estimate from a simplified ITU-T G.107 E-model (the "Cole & Rosenbluth" reduction).
export function mosFromEmodel({ rttMs, jitterMs, lossPct, codec }) {
  // One-way delay: half the RTT plus a jitter buffer of twice the jitter plus ~10 ms codec delay.
  const delay = (rttMs || 0) / 2 + 2 * (jitterMs || 0) + 10;
  let r = 93.2 - (delay < 160 ? delay / 40 : (delay - 120) / 10);
  // Equipment impairment: Ie and Bpl per codec (G.113 App. I); Opus is treated like G.722-class.
  const [ie, bpl] = /opus/i.test(codec || '') ? [0, 20] : [0, 4.3];
  const loss = Math.max(0, lossPct || 0);
  r -= ie + (95 - ie) * (loss / (loss + bpl));
  r = Math.max(0, Math.min(100, r));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.max(1, Math.min(4.5, mos));
}

export class QualityMonitor {
  constructor() {
    this.previous = null;
  }

  // One sample: call every second or so; bitrates come from the difference with the last one.
  async sample(pc) {
    const report = await pc.getStats();
    const codecs = new Map();
    let inbound = null, outbound = null, pair = null, remoteIn = null;
    report.forEach((s) => {
      if (s.type === 'codec') codecs.set(s.id, s);
      else if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s;
      else if (s.type === 'outbound-rtp' && s.kind === 'audio') outbound = s;
      else if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') remoteIn = s;
      else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
    const codec = codecs.get((outbound || inbound || {}).codecId);
    const now = performance.now();
    const bytesIn = inbound ? inbound.bytesReceived : 0;
    const bytesOut = outbound ? outbound.bytesSent : 0;
    let kbpsIn = null, kbpsOut = null;
    if (this.previous) {
      const secs = (now - this.previous.t) / 1000;
      if (secs > 0) {
        kbpsIn = ((bytesIn - this.previous.bytesIn) * 8) / secs / 1000;
        kbpsOut = ((bytesOut - this.previous.bytesOut) * 8) / secs / 1000;
      }
    }
    this.previous = { t: now, bytesIn, bytesOut };
    const rttS = remoteIn && remoteIn.roundTripTime !== undefined ? remoteIn.roundTripTime
      : pair && pair.currentRoundTripTime !== undefined ? pair.currentRoundTripTime : null;
    const received = inbound ? inbound.packetsReceived : 0;
    const lost = inbound ? Math.max(0, inbound.packetsLost) : 0;
    const q = {
      codec: codec ? `${codec.mimeType.replace(/^audio\//, '')}/${codec.clockRate}` : null,
      rttMs: rttS === null ? null : rttS * 1000,
      jitterMs: inbound && inbound.jitter !== undefined ? inbound.jitter * 1000 : null,
      lossPct: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
      packetsReceived: received,
      kbpsIn, kbpsOut,
    };
    q.mos = mosFromEmodel(q);
    return q;
  }
}

const fmt = (v, unit, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(digits)} ${unit}`);

export function renderQuality(dl, q) {
  const set = (key, text) => { dl.querySelector(`[data-q="${key}"]`).textContent = text; };
  if (!q) {
    for (const k of ['codec', 'rtt', 'jitter', 'loss', 'bitrate', 'mos']) set(k, '–');
    return;
  }
  set('codec', q.codec || '–');
  set('rtt', fmt(q.rttMs, 'ms'));
  set('jitter', fmt(q.jitterMs, 'ms', 1));
  set('loss', fmt(q.lossPct, '%', 1));
  set('bitrate', `${fmt(q.kbpsIn, 'kbit/s')} / ${fmt(q.kbpsOut, 'kbit/s')}`);
  set('mos', q.mos.toFixed(2));
}

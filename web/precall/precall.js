// Pre-call network test against `tandem echo`: offer audio (and optionally video), POST the
// offer to /api/echo, apply the answer, play the echo, and measure with getStats() and WebAudio.
// The outcome is shown on the page and left in window.precallResult (for automated tests).
// Query parameters: ?auto=1 starts at once, &video=1 adds the camera, &seconds=N.
// Network variants (for testing a path on purpose): &transport=udp|tcp and &family=ipv4|ipv6 keep
// only the echo service's candidates of that kind; &turn=<turn: URL>&turnUser=..&turnCredential=..
// adds a TURN server, and &policy=relay makes the browser use nothing else.
'use strict';

const $ = (id) => document.getElementById(id);

function setText(id, text, cls) {
  const el = $(id);
  el.textContent = text;
  if (cls !== undefined) el.className = cls;
}

function status(text) {
  $('status').textContent = text;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One getStats() snapshot reduced to what the test reports.
async function snapshot(pc) {
  const report = await pc.getStats();
  const out = { audio: {}, video: {}, pair: null, local: null, remote: null };
  let pairId = null;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && (s.id === pairId || (!pairId && s.nominated && s.state === 'succeeded'))) {
      out.pair = s;
    }
    if (s.type === 'inbound-rtp') out[s.kind].inbound = s;
    if (s.type === 'outbound-rtp') out[s.kind].outbound = s;
    if (s.type === 'remote-inbound-rtp') out[s.kind].remoteInbound = s;
  });
  if (out.pair) {
    out.local = report.get(out.pair.localCandidateId) || null;
    out.remote = report.get(out.pair.remoteCandidateId) || null;
  }
  return out;
}

const candidateOf = (c) => c && {
  type: c.candidateType, protocol: c.protocol, address: c.address, port: c.port,
  relayProtocol: c.relayProtocol || null, tcpType: c.tcpType || null };

// Which path the connection took, in words the user understands: UDP (best), TCP (UDP is
// blocked: more delay under loss) or relay (through a TURN server).
function transportOf(snap) {
  if (!snap.local) return { protocol: null, relay: false, text: 'unknown' };
  const relay = snap.local.candidateType === 'relay' || (snap.remote && snap.remote.candidateType === 'relay');
  const protocol = snap.local.protocol;
  const remoteAddress = snap.remote ? snap.remote.address || '' : '';
  const family = remoteAddress.includes(':') ? 'IPv6' : 'IPv4';
  const text = relay ? `relay (TURN over ${(snap.local.relayProtocol || protocol).toUpperCase()})`
    : `${protocol.toUpperCase()} (${family}, direct)`;
  return { protocol, relay, family, text, local: candidateOf(snap.local), remote: candidateOf(snap.remote) };
}

// Keeps only the answer's candidates of the requested transport and address family, so that the
// browser can only connect that way (a test of that path; the service offers all of them).
function filterCandidates(sdp, { transport, family }) {
  const keep = (line) => {
    const m = /^a=candidate:\S+ \d+ (\S+) \d+ (\S+) /.exec(line);
    if (!m) return true;
    if (transport && m[1].toLowerCase() !== transport) return false;
    if (family === 'ipv6' && !m[2].includes(':')) return false;
    if (family === 'ipv4' && m[2].includes(':')) return false;
    return true;
  };
  return sdp.split('\r\n').filter(keep).join('\r\n');
}

// What the path means for calls, added to the verdict when it is not direct UDP.
function pathNote(t) {
  if (!t || !t.protocol) return '';
  if (t.relay) return ' Media goes through a relay (TURN) server.';
  if (t.protocol === 'tcp') return ' Connected over TCP: UDP seems blocked here, so audio may lag when packets are lost.';
  return '';
}

function verdictOf(r) {
  const v = verdictWords(r);
  return { word: v.word, text: v.text + (r.connected ? pathNote(r.transport) : '') };
}

function verdictWords(r) {
  if (!r.connected) return { word: 'poor', text: 'No connection: calls will fail on this network.' };
  if (r.packetsReceived === 0) return { word: 'poor', text: 'Connected but no media came back.' };
  const rtt = r.rttMs ?? 0, loss = r.lossPercent ?? 0, jitter = r.jitterMs ?? 0;
  if (rtt <= 150 && loss <= 1 && jitter <= 20) return { word: 'good', text: 'Good: calls should sound clear.' };
  if (rtt <= 300 && loss <= 5 && jitter <= 50) return { word: 'fair', text: 'Fair: calls may have some glitches.' };
  return { word: 'poor', text: 'Poor: expect delay or broken audio.' };
}

async function runTest({ withVideo, seconds, transport = null, family = null, iceServers = [],
                         policy = 'all' }) {
  const result = { connected: false, transport: null, connectMs: null, rttMs: null, jitterMs: null,
                   lossPercent: null, packetsReceived: 0, packetsSent: 0, frequencyHz: null,
                   level: null, verdict: null, error: null, session: null, video: null,
                   remoteCandidates: [] };
  window.precallResult = undefined;
  const started = performance.now();
  let pc = null;
  let stream = null;
  try {
    status('Asking for the microphone…');
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: withVideo });
    pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const remote = new MediaStream();
    const player = new Audio();
    player.autoplay = true;
    pc.ontrack = (e) => {
      remote.addTrack(e.track);
      if (e.track.kind === 'audio') {
        player.srcObject = new MediaStream([e.track]);
        player.play().catch(() => {});
      } else {
        const video = $('remote-video');
        video.hidden = false;
        video.srcObject = new MediaStream([e.track]);
        video.play().catch(() => {});
      }
    };
    const connected = new Promise((resolve, reject) => {
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected') resolve();
        if (pc.connectionState === 'failed') reject(new Error('ICE/DTLS connection failed'));
      };
    });

    status('Connecting to the echo service…');
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const response = await fetch('/api/echo', {
      method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
    const body = await response.json();
    if (!response.ok) throw new Error(`echo service: ${body.error || response.status}`);
    result.session = body.session;
    const answer = transport || family ? filterCandidates(body.sdp, { transport, family }) : body.sdp;
    result.remoteCandidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'))
      .map((l) => l.slice('a=candidate:'.length)).filter((l, i, all) => all.indexOf(l) === i);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await Promise.race([connected, sleep(10000).then(() => { throw new Error('no connection within 10 s'); })]);
    result.connected = true;
    result.connectMs = Math.round(performance.now() - started);
    setText('connected', `Yes (${result.connectMs} ms)`);
    setText('connect-time', `${result.connectMs} ms`);
    result.transport = transportOf(await snapshot(pc));
    setText('transport', result.transport.text);

    status(`Measuring for ${seconds} s…`);
    const audioTrack = remote.getAudioTracks()[0];
    const tone = audioTrack ? window.dominantFrequency(new MediaStream([audioTrack]), Math.min(2000, seconds * 500)) : null;
    let snap = null;
    for (let i = 0; i < seconds; i++) {
      await sleep(1000);
      snap = await snapshot(pc);
      const ri = snap.audio.remoteInbound;
      setText('rtt', ri && ri.roundTripTime !== undefined ? `${(ri.roundTripTime * 1000).toFixed(1)} ms` : 'waiting…');
      setText('packets', `${snap.audio.inbound ? snap.audio.inbound.packetsReceived : 0}`);
    }
    const t = transportOf(snap);
    result.transport = t;
    setText('transport', t.text);
    const inbound = snap.audio.inbound || {};
    const ri = snap.audio.remoteInbound || {};
    result.packetsReceived = inbound.packetsReceived || 0;
    result.packetsSent = snap.audio.outbound ? snap.audio.outbound.packetsSent : 0;
    result.rttMs = typeof ri.roundTripTime === 'number' ? ri.roundTripTime * 1000 : null;
    result.rttMeasurements = ri.roundTripTimeMeasurements ?? null;
    // Jitter and loss both ways: what the echo service reports about our sending (remote-inbound)
    // and what we measure on the echo (inbound); the worse one counts.
    const jitters = [ri.jitter, inbound.jitter].filter((v) => typeof v === 'number');
    result.jitterMs = jitters.length ? Math.max(...jitters) * 1000 : null;
    const lostIn = inbound.packetsLost || 0;
    const lossIn = result.packetsReceived + lostIn > 0 ? (100 * lostIn) / (result.packetsReceived + lostIn) : 0;
    const lossOut = typeof ri.fractionLost === 'number' ? 100 * ri.fractionLost : 0;
    result.lossPercent = Math.max(lossIn, lossOut);
    if (snap.video.inbound) {
      result.video = { packetsReceived: snap.video.inbound.packetsReceived || 0,
                       framesDecoded: snap.video.inbound.framesDecoded || 0,
                       rttMs: snap.video.remoteInbound && typeof snap.video.remoteInbound.roundTripTime === 'number'
                         ? snap.video.remoteInbound.roundTripTime * 1000 : null };
    }
    if (tone) {
      const f = await tone;
      result.frequencyHz = f.hz;
      result.level = f.rms;
      setText('frequency', `${f.hz.toFixed(0)} Hz (level ${(20 * Math.log10(f.rms || 1e-9)).toFixed(0)} dBFS)`);
    }
    setText('rtt', result.rttMs === null ? 'not reported' : `${result.rttMs.toFixed(1)} ms`);
    setText('jitter', result.jitterMs === null ? 'not reported' : `${result.jitterMs.toFixed(1)} ms`);
    setText('loss', `${result.lossPercent.toFixed(1)} %`);
    setText('packets', `${result.packetsReceived}`);
  } catch (e) {
    result.error = String(e && e.message ? e.message : e);
    if (!result.connected) setText('connected', 'No');
    status(`Test failed: ${result.error}`);
  } finally {
    const v = verdictOf(result);
    result.verdict = v.word;
    setText('verdict', v.text, v.word);
    if (!result.error) status('Test finished.');
    if (pc) pc.close();
    $('remote-video').hidden = true;  // its track ended with the connection
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (result.session) fetch(`/api/echo/${result.session}`, { method: 'DELETE' }).catch(() => {});
    window.precallResult = result;
  }
  return result;
}

$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  $('start').disabled = true;
  runTest({ withVideo: $('with-video').checked, seconds: Number($('duration').value) || 5,
            ...variantOf(params) })
    .finally(() => { $('start').disabled = false; });
});

const params = new URLSearchParams(location.search);
// Path variants from the query string (see the header); the form keeps the defaults.
function variantOf(p) {
  const v = { transport: p.get('transport'), family: p.get('family'), iceServers: [],
              policy: p.get('policy') === 'relay' ? 'relay' : 'all' };
  if (p.get('turn')) {
    v.iceServers.push({ urls: p.get('turn'), username: p.get('turnUser') || undefined,
                        credential: p.get('turnCredential') || undefined });
  }
  return v;
}

if (params.get('video') === '1') $('with-video').checked = true;
if (params.get('seconds')) $('duration').value = params.get('seconds');
if (params.get('auto') === '1') $('controls').requestSubmit();

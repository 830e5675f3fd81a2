// A JsSIP softphone driven by gateway.e2e.js through page.evaluate(): window.phone.* return
// plain JSON. One UA, at most one call at a time; incoming calls are answered automatically
// when start({autoAnswer: true}). Every event goes to phone.events and the page.
'use strict';
(function () {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const events = [];
  const messages = [];
  let ua = null;
  let session = null;
  let remoteStream = null;
  let audio = null;
  let autoAnswer = true;
  const t0 = performance.now();

  function note(name, detail = {}) {
    const e = { t: Math.round(performance.now() - t0), name, ...detail };
    events.push(e);
    document.getElementById('events').textContent += `${JSON.stringify(e)}\n`;
    console.log(`phone ${JSON.stringify(e)}`);
  }
  const setState = (s) => { document.getElementById('state').textContent = s; };
  const waitFor = async (pred, ms, what) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const v = pred();
      if (v) return v;
      await sleep(50);
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  };
  // JsSIP's failed/ended/registrationFailed events carry the SIP response as `message`
  // (registrationFailed: `response`).
  const causeOf = (e) => {
    const m = e.response || (e.message && e.message.status_code ? e.message : null);
    return { originator: e.originator, cause: e.cause, status: m ? m.status_code : null, reason: m ? m.reason_phrase : null,
             reasonHeader: m && m.getHeader ? m.getHeader('Reason') || null : null };
  };

  function play(track) {
    remoteStream = new MediaStream([track]);
    if (!audio) audio = new Audio();
    audio.srcObject = remoteStream;
    audio.play().catch((e) => note('audio-play-failed', { error: String(e) }));
  }

  function watchConnection(pc) {
    pc.addEventListener('track', (e) => { note('track', { kind: e.track.kind }); play(e.track); });
    pc.addEventListener('iceconnectionstatechange', () => note('ice', { state: pc.iceConnectionState }));
  }

  function attach(s) {
    session = s;
    s.on('peerconnection', (e) => watchConnection(e.peerconnection));
    if (s.connection) watchConnection(s.connection);
    for (const name of ['connecting', 'sending', 'accepted', 'confirmed', 'hold', 'unhold', 'reinvite', 'update', 'refer']) {
      s.on(name, () => note(`session-${name}`));
    }
    s.on('progress', (e) => note('session-progress', { status: e.response ? e.response.status_code : null,
                                                       sdp: !!(e.response && e.response.body) }));
    s.on('ended', (e) => { note('session-ended', causeOf(e)); setState('idle'); });
    s.on('failed', (e) => { note('session-failed', causeOf(e)); setState('idle'); });
    s.on('newDTMF', (e) => note('session-dtmf', { originator: e.originator, tone: e.dtmf.tone }));
    s.on('newInfo', (e) => note('session-info', { originator: e.originator, type: e.info.contentType, body: e.info.body }));
  }

  const last = (name) => events.filter((e) => e.name === name).pop();
  const sinceIndex = () => events.length;
  const firstSince = (i, names) => events.slice(i).find((e) => names.includes(e.name));


  window.phone = {
    events,
    messages,

    // Connects to `url` (wss://…/sip?token=…) as `user`; resolves once registered, or with why
    // not (registration failure, or the WebSocket never opened).
    async start({ url, user, domain = '127.0.0.1', autoAnswer: answer = true, register = true, timeoutMs = 10000 }) {
      autoAnswer = answer;
      JsSIP.debug.enable('JsSIP:*');
      const socket = new JsSIP.WebSocketInterface(url);
      ua = new JsSIP.UA({ sockets: [socket], uri: `sip:${user}@${domain}`, register, session_timers: false,
                          register_expires: 300, connection_recovery_min_interval: 30, connection_recovery_max_interval: 60,
                          user_agent: 'tandem-e2e JsSIP' });
      ua.on('connected', () => note('ws-connected'));
      ua.on('disconnected', (e) => note('ws-disconnected', { error: !!e.error, code: e.code, reason: e.reason }));
      ua.on('registered', () => { note('registered'); setState('registered'); });
      ua.on('unregistered', () => note('unregistered'));
      ua.on('registrationFailed', (e) => note('registration-failed', causeOf(e)));
      ua.on('newMessage', (e) => {
        if (e.originator !== 'remote') return;
        messages.push(e.request.body);
        note('message', { body: e.request.body });
      });
      ua.on('newRTCSession', (e) => {
        if (e.originator !== 'remote') return;
        note('incoming', { from: e.request.from.uri.user, sdp: !!e.request.body });
        attach(e.session);
        if (autoAnswer) {
          e.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
        }
      });
      ua.start();
      const outcome = await waitFor(() => events.find((e) => ['registered', 'registration-failed', 'ws-disconnected'].includes(e.name) ||
                                                            (!register && e.name === 'ws-connected')),
                                    timeoutMs, 'registration').catch(() => ({ name: 'timeout' }));
      return { outcome: outcome.name, ...outcome, events: events.slice() };
    },

    // Sends INVITE to `target`; resolves on `until` ('confirmed', or 'progress' for early media /
    // CANCEL tests) or on failure, with the events of the call so far.
    async call(target, { domain = '127.0.0.1', until = 'confirmed', timeoutMs = 15000 } = {}) {
      const from = sinceIndex();
      const s = ua.call(`sip:${target}@${domain}`, { mediaConstraints: { audio: true, video: false },
                                                    pcConfig: { iceServers: [] }, rtcOfferConstraints: { offerToReceiveAudio: true } });
      attach(s);
      setState(`calling ${target}`);
      const want = until === 'progress' ? ['session-progress'] : ['session-confirmed'];
      const end = await waitFor(() => firstSince(from, [...want, 'session-failed', 'session-ended']), timeoutMs, `call ${until}`)
        .catch(() => ({ name: 'timeout' }));
      if (end.name === 'session-confirmed') setState(`in call with ${target}`);
      return { outcome: end.name, ...end, events: events.slice(from) };
    },

    // Waits for an incoming call to be confirmed (auto-answered).
    async waitIncoming(timeoutMs = 15000) {
      const end = await waitFor(() => events.find((e) => ['session-confirmed', 'session-failed'].includes(e.name) &&
                                                         events.some((x) => x.name === 'incoming')), timeoutMs, 'incoming call')
        .catch(() => ({ name: 'timeout' }));
      return { outcome: end.name, ...end, events: events.slice() };
    },

    async waitEnd(timeoutMs = 15000) {
      const end = await waitFor(() => (!session || session.isEnded()) && (last('session-ended') || last('session-failed')),
                                timeoutMs, 'the call to end').catch(() => ({ name: 'timeout' }));
      return { outcome: end.name, ...end };
    },

    async hangup(timeoutMs = 10000) {
      const from = sinceIndex();
      if (!session || session.isEnded()) return { outcome: 'no-call' };
      session.terminate();
      const end = await waitFor(() => firstSince(from, ['session-ended', 'session-failed']), timeoutMs, 'hangup')
        .catch(() => ({ name: 'timeout' }));
      return { outcome: end.name, ...end };
    },

    async hold(on = true, timeoutMs = 10000) {
      const from = sinceIndex();
      const ok = on ? session.hold() : session.unhold();
      if (!ok) return { outcome: 'refused-locally' };
      const end = await waitFor(() => firstSince(from, [on ? 'session-hold' : 'session-unhold', 'session-ended', 'session-failed']),
                                timeoutMs, on ? 'hold' : 'unhold').catch(() => ({ name: 'timeout' }));
      // Give the re-INVITE transaction time to finish (JsSIP fires hold when it sends it).
      await waitFor(() => session.isReadyToReOffer(), timeoutMs, 're-INVITE done').catch(() => {});
      return { outcome: end.name, direction: session.connection.getTransceivers()[0].currentDirection, ...session.isOnHold() };
    },

    // RFC 4733 ('RFC2833') or SIP INFO ('INFO') digits.
    async dtmf(tones, transportType = 'RFC2833') {
      session.sendDTMF(tones, { transportType, duration: 160, interToneGap: 120 });
      await sleep(tones.length * 300 + 300);
      return { sent: tones, transportType };
    },

    // The first event `name` at or after index `from` of phone.events, or null.
    async waitEvent(name, timeoutMs = 10000, from = 0) {
      return waitFor(() => events.slice(from).find((x) => x.name === name), timeoutMs, name).catch(() => null);
    },

    async measure(ms = 1500) {
      if (!remoteStream) return { error: 'no remote audio track' };
      return window.dominantFrequency(remoteStream, ms);
    },

    async measureMicrophone(ms = 1000) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const r = await window.dominantFrequency(stream, ms);
      stream.getTracks().forEach((t) => t.stop());
      return r;
    },

    // Audio RTP counters and codecs from getStats().
    async stats() {
      if (!session || !session.connection) return null;
      const report = await session.connection.getStats();
      const out = { inbound: null, outbound: null, codecs: {} };
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.inbound = { packets: s.packetsReceived, lost: s.packetsLost, codecId: s.codecId, energy: s.totalAudioEnergy };
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.outbound = { packets: s.packetsSent, codecId: s.codecId };
        if (s.type === 'codec') out.codecs[s.id] = s.mimeType;
      });
      out.inboundCodec = out.inbound && out.codecs[out.inbound.codecId];
      return out;
    },

    setAutoAnswer(on) { autoAnswer = on; },

    async stop() {
      if (!ua) return;
      ua.stop();
      await waitFor(() => last('ws-disconnected') || last('unregistered'), 5000, 'stop').catch(() => {});
    },
  };
  setState('ready');
})();

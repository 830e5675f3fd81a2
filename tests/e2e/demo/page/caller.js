// The demo e2e test's caller, served by tandem from the demo's web root (demo.e2e.js copies it
// to <web root>/e2e-caller/): it logs in the way the softphone's demo login does (POST
// /api/demo/token), registers through tandem's WSS with that token, calls an extension and
// measures the dominant frequency of what it hears. window.caller.* return plain JSON.
'use strict';
(function () {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const events = [];
  let ua = null;
  let session = null;
  let remote = null;

  function note(name, detail = {}) {
    const e = { t: Math.round(performance.now()), name, ...detail };
    events.push(e);
    document.getElementById('events').textContent += `${JSON.stringify(e)}\n`;
    console.log(`caller ${JSON.stringify(e)}`);
  }
  const waitFor = async (pred, ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const v = pred();
      if (v) return v;
      await sleep(50);
    }
    return { name: 'timeout' };
  };
  const since = (i, names) => () => events.slice(i).find((e) => names.includes(e.name));


  function hear(pc) {
    pc.addEventListener('track', (t) => {
      remote = new MediaStream([t.track]);
      const audio = new Audio();
      audio.srcObject = remote;
      audio.play().catch(() => {});
      note('track');
    });
  }

  function watch(s) {
    if (s.connection) hear(s.connection);
    else s.on('peerconnection', (e) => hear(e.peerconnection));
    s.on('confirmed', () => note('session-confirmed'));
    s.on('failed', (e) => note('session-failed', { cause: e.cause }));
    s.on('ended', (e) => note('session-ended', { cause: e.cause }));
  }

  window.caller = {
    events,

    // GET /api/demo, then POST /api/demo/token for `user`: what the softphone's demo login does.
    async login(user) {
      const info = await (await fetch('/api/demo', { cache: 'no-store' })).json();
      const r = await fetch('/api/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' },
                                                 body: JSON.stringify({ user }) });
      const body = await r.json();
      return { info, status: r.status, token: body.token || null, expiresIn: body.expires_in || null };
    },

    async register({ token, user, domain }) {
      const url = new URL('/sip', location.href);
      url.protocol = 'wss:';
      url.searchParams.set('token', token);
      ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(url.toString())], uri: `sip:${user}@${domain}`,
                          register: true, session_timers: false, user_agent: 'tandem-demo-e2e JsSIP' });
      ua.on('registered', () => note('registered'));
      ua.on('registrationFailed', (e) => note('registration-failed', { cause: e.cause,
                                                                        status: e.response ? e.response.status_code : null }));
      ua.on('disconnected', () => note('ws-disconnected'));
      // Incoming calls are answered at once (the second tab of the demo's "call 1001").
      ua.on('newRTCSession', (e) => {
        if (e.originator !== 'remote') return;
        note('incoming', { from: e.request.from.uri.user });
        session = e.session;
        watch(session);
        session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
      });
      ua.start();
      const e = await waitFor(since(0, ['registered', 'registration-failed']), 10000);
      document.getElementById('state').textContent = e.name;
      return e;
    },

    async call(target, domain) {
      const from = events.length;
      session = ua.call(`sip:${target}@${domain}`, { mediaConstraints: { audio: true, video: false },
                                                    pcConfig: { iceServers: [] } });
      // JsSIP creates an outgoing call's RTCPeerConnection inside ua.call(): it is there already.
      watch(session);
      return waitFor(since(from, ['session-confirmed', 'session-failed', 'session-ended']), 15000);
    },

    // Resolves once an answered incoming call is confirmed (or fails).
    async incoming() {
      return waitFor(since(0, ['session-confirmed', 'session-failed']), 15000);
    },

    async measure(ms) {
      if (!remote) return { error: 'no remote track' };
      return window.dominantFrequency(remote, ms);
    },

    async hangup() {
      const from = events.length;
      session.terminate();
      return waitFor(since(from, ['session-ended', 'session-failed']), 5000);
    },
  };
  document.getElementById('state').textContent = 'ready';
})();

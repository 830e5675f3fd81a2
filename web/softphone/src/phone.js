// The JsSIP side of the softphone: one user agent registered through Tandem's WebSocket, at most
// one call. UI code listens through the `on*` callbacks; nothing here touches the DOM except the
// remote <audio> element.
import JsSIP from 'jssip';

// "486 Busy Here", or the JsSIP cause when no SIP response came (e.g. "Canceled").
export function describeEnd(e) {
  const m = e.response || (e.message && e.message.status_code ? e.message : null);
  if (m) {
    const reason = m.getHeader ? m.getHeader('Reason') : null;
    return `${m.status_code} ${m.reason_phrase}${reason ? ` (${reason})` : ''}`;
  }
  return e.cause || 'unknown cause';
}

export class Phone {
  constructor(audioElement) {
    this.audio = audioElement;
    this.ua = null;
    this.session = null;
    this.remoteStream = null;
    this.connected = false;
    // Callbacks the UI sets.
    this.onRegistration = () => {};  // (state, detail)
    this.onIncoming = () => {};      // (from)
    this.onCallState = () => {};     // (state, detail)
    this.onDtmf = () => {};          // (tone, originator)
    this.onMessage = () => {};       // (text)
    // A blind transfer of the current call (REFER): (target, accept(media), reject).
    this.onReferred = (target, accept, reject) => reject();
    this.adopting = null;  // the session a REFER we accepted is creating: it replaces ours
  }

  start({ wsUrl, user, domain }) {
    const socket = new JsSIP.WebSocketInterface(wsUrl);
    this.domain = domain;
    const ua = new JsSIP.UA({
      sockets: [socket], uri: `sip:${user}@${domain}`, register: true, session_timers: false,
      register_expires: 300, connection_recovery_min_interval: 5, connection_recovery_max_interval: 60,
      user_agent: 'Tandem softphone (JsSIP)' });
    this.ua = ua;
    // Events of a user agent stopped by stop() (signed out) are not reported.
    const report = (state, detail) => { if (this.ua === ua) this.onRegistration(state, detail); };
    this.ua.on('connecting', () => report('connecting'));
    this.ua.on('connected', () => { this.connected = true; report('connected'); });
    this.ua.on('disconnected', (e) => {
      const was = this.connected;
      this.connected = false;
      report('disconnected', { code: e.code, reason: e.reason, wasConnected: was });
    });
    this.ua.on('registered', () => report('registered'));
    this.ua.on('unregistered', () => report('unregistered'));
    this.ua.on('registrationFailed', (e) => report('failed', { why: describeEnd(e) }));
    this.ua.on('newRTCSession', (e) => this.newSession(e));
    this.ua.on('newMessage', (e) => {
      if (e.originator === 'remote') this.onMessage(e.request.body || '');
    });
    this.ua.start();
  }

  stop() {
    if (!this.ua) return;
    if (this.session && !this.session.isEnded()) this.session.terminate();
    this.ua.stop();
    this.ua = null;
  }

  newSession(e) {
    if (e.session === this.adopting) {
      // The transferred call replaces the current one; the transferor ends the old dialog
      // (RFC 5589), whose events are no longer reported (ended() checks the session).
      this.adopting = null;
    } else if (this.session && !this.session.isEnded()) {
      // One call at a time: a second incoming call is busy (the UI disables Call during a call).
      e.session.terminate(e.originator === 'remote' ? { status_code: 486, reason_phrase: 'Busy Here' } : {});
      return;
    }
    const s = e.session;
    this.session = s;
    this.remoteStream = null;
    if (s.connection) this.watch(s.connection);
    // Only the current session reports: a transferred call's old one ends quietly.
    const mine = (f) => (...args) => { if (s === this.session) f(...args); };
    s.on('peerconnection', mine((p) => this.watch(p.peerconnection)));
    s.on('progress', mine((p) => this.onCallState('ringing', { status: p.response ? p.response.status_code : null })));
    s.on('confirmed', mine(() => this.onCallState('confirmed')));
    s.on('hold', mine(() => this.onCallState('hold')));
    s.on('unhold', mine(() => this.onCallState('unhold')));
    s.on('ended', (x) => this.ended(s, 'ended', describeEnd(x), x.originator));
    s.on('failed', (x) => this.ended(s, 'failed', describeEnd(x), x.originator));
    s.on('newDTMF', mine((x) => this.onDtmf(x.dtmf.tone, x.originator)));
    s.on('newInfo', mine((x) => {
      if (x.originator === 'remote') this.onMessage(`INFO ${x.info.contentType}: ${x.info.body}`);
    }));
    s.on('refer', (r) => this.referred(s, r));
    if (e.originator === 'remote') {
      const from = e.request.from;
      this.onIncoming(from.display_name ? `${from.display_name} <${from.uri.user}>` : from.uri.user);
    }
  }

  ended(s, how, why, originator) {
    if (s !== this.session) return;
    this.onCallState(how, { why, originator });
  }

  watch(pc) {
    this.pc = pc;
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio') return;
      this.remoteStream = e.streams[0] || new MediaStream([e.track]);
      this.audio.srcObject = this.remoteStream;
      this.audio.play().catch(() => {});
    });
  }

  target(number) {
    return number.includes('@') ? `sip:${number.replace(/^sip:/, '')}` : `sip:${number}@${this.domain}`;
  }

  call(number, { mediaStream, iceServers }) {
    this.ua.call(this.target(number), {
      mediaStream, pcConfig: { iceServers }, rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false } });
  }

  answer({ mediaStream, iceServers }) {
    this.session.answer({ mediaStream, pcConfig: { iceServers } });
  }

  reject() {
    this.session.terminate({ status_code: 603, reason_phrase: 'Decline' });
  }

  hangup() {
    if (this.session && !this.session.isEnded()) this.session.terminate();
  }

  setMuted(on) {
    if (on) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
  }

  // false when JsSIP cannot re-offer right now (another re-INVITE is in progress).
  setHeld(on) {
    return on ? this.session.hold() : this.session.unhold();
  }

  dtmf(tone, transportType) {
    this.session.sendDTMF(tone, { transportType, duration: 160, interToneGap: 120 });
  }

  // Blind transfer (REFER); `report(text, ok, final)` gets the answer to the REFER and the
  // NOTIFYs (RFC 3515); `final` once the transferee's new call was answered or failed.
  transfer(number, report) {
    this.session.refer(this.target(number), {
      eventHandlers: {
        requestSucceeded: (x) => report(`Transfer accepted (${x.response.status_code} ${x.response.reason_phrase}); waiting for the new call…`, true, false),
        requestFailed: (x) => report(`Transfer refused: ${x.response ? `${x.response.status_code} ${x.response.reason_phrase}` : x.cause}`, false, true),
        trying: () => report('Transfer: the new call is being set up…', true, false),
        progress: (x) => report(`Transfer: the new call is ringing (${x.status_line.status_code})…`, true, false),
        accepted: (x) => report(`Transfer completed (${x.status_line.status_code} ${x.status_line.reason_phrase}).`, true, true),
        failed: (x) => report(`Transfer failed: ${x.status_line ? `${x.status_line.status_code} ${x.status_line.reason_phrase}` : 'the new call failed'}`, false, true),
      },
    });
  }

  // We are being transferred (REFER on our call): JsSIP answered 202; the UI accepts with
  // fresh media, and JsSIP calls the Refer-To target and NOTIFYs the transferor of its progress.
  referred(s, r) {
    if (s !== this.session || this.adopting) { r.reject(); return; }
    const uri = r.request.refer_to.uri;
    const target = uri.user || uri.toString();
    this.onReferred(target, ({ mediaStream, iceServers }) => {
      if (s !== this.session || s.isEnded()) return false;
      r.accept((next) => { this.adopting = next; }, {
        mediaStream, pcConfig: { iceServers }, rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false } });
      return true;
    }, () => r.reject());
  }
}

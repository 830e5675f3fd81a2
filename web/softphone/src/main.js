// The softphone page: login (token or demo), registration status, dial pad, the call panel.
import { ApiError, demoInfo, demoToken, fetchIceServers, gatewayFrom, tokenSubject } from './api.js';
import { Devices } from './devices.js';
import { Phone } from './phone.js';
import { QualityMonitor, renderQuality } from './quality.js';
import { Ringtone } from './ringtone.js';

const $ = (id) => document.getElementById(id);
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

const gateway = gatewayFrom(window.location);
const phone = new Phone($('remote-audio'));
const ringtone = new Ringtone();
const devices = new Devices($('mic'), $('speaker'), $('speaker-note'), $('remote-audio'));
let token = null;
let localStream = null;
let callTimer = null;
let qualityTimer = null;
let muted = false;
let held = false;
let transferredTo = null;  // where we transferred the call we are hanging up

function showError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

function setStatus(text, state) {
  $('reg-status').textContent = text;
  $('reg-status').dataset.state = state;
}

function setCallState(text) {
  $('call-state').textContent = text;
}

// --- login ------------------------------------------------------------------------------------

async function login(newToken) {
  showError('');
  token = newToken.trim();
  setStatus('Checking the token…', 'connecting');
  try {
    await fetchIceServers(gateway.base, token);  // the token's refusal reason, if any
  } catch (e) {
    setStatus('Not connected', 'failed');
    showError(e.message);
    return;
  }
  const user = tokenSubject(token);
  if (!user) {
    setStatus('Not connected', 'failed');
    showError('The access token names no user ("sub" claim).');
    return;
  }
  $('identity').textContent = `(${user})`;
  $('login').hidden = true;
  $('phone').hidden = false;
  phone.start({ wsUrl: gateway.wsUrl(token), user, domain: gateway.domain });
  devices.refresh();
}

phone.onRegistration = (state, d = {}) => {
  if (state === 'connecting') setStatus('Connecting…', 'connecting');
  else if (state === 'connected') setStatus('Connected, registering…', 'connecting');
  else if (state === 'registered') { setStatus(`Registered as ${tokenSubject(token)}`, 'registered'); showError(''); }
  else if (state === 'unregistered') {
    if (phone.connected) setStatus('Unregistered', 'offline');  // else "Gateway unreachable" stays
  }
  else if (state === 'failed') {
    setStatus('Registration failed', 'failed');
    showError(`Registration failed: ${d.why}`);
  } else if (state === 'disconnected') {
    setStatus('Gateway unreachable', 'failed');
    showError(d.wasConnected ? 'The connection to the gateway was lost; reconnecting…'
                             : `The gateway is unreachable (${gateway.wsUrl('…')}, WebSocket closed with ${d.code || 'no code'}).`);
    explainDisconnect();
  }
};

// A closed WebSocket says nothing about why; if the token is the reason (it expired while
// signed in), say so and stop reconnecting with it.
async function explainDisconnect() {
  try {
    await fetchIceServers(gateway.base, token);
  } catch (e) {
    if (e.code === 'unreachable' || e.code === 'http') return;
    logout();
    showError(e.message);
  }
}

function logout() {
  phone.stop();
  stopCall();
  $('phone').hidden = true;
  $('login').hidden = false;
  setStatus('Not connected', 'offline');
}

// --- calls ------------------------------------------------------------------------------------

// Fresh TURN credentials and the microphone, or a clear error.
async function mediaForCall() {
  const iceServers = await fetchIceServers(gateway.base, token);
  try {
    localStream = await navigator.mediaDevices.getUserMedia(devices.constraints());
  } catch (e) {
    const denied = e.name === 'NotAllowedError' || e.name === 'SecurityError';
    throw new ApiError(denied ? 'Microphone access was denied. Allow the microphone for this page and try again.'
                              : `No microphone could be opened (${e.name}: ${e.message}).`, 'microphone');
  }
  devices.refresh();  // device labels are only readable once the microphone was granted
  return { iceServers, mediaStream: localStream };
}

function showCall(peer, state) {
  $('call-peer').textContent = peer;
  setCallState(state);
  $('call-panel').hidden = false;
  $('phone').hidden = true;  // the call panel replaces the dial pad while a call lasts
  $('call').disabled = true;
  $('dtmf-sent').textContent = '';
  $('dtmf-received').textContent = '';
  $('transfer-result').textContent = '';
  $('call-notice').textContent = '';
  $('call-notice').hidden = true;
  muted = held = false;
  for (const id of ['mute', 'hold']) $(id).setAttribute('aria-pressed', 'false');
  $('mute').textContent = 'Mute';
  $('hold').textContent = 'Hold';
}

async function startCall(number) {
  showError('');
  setStatusLine('');
  number = number.trim();
  if (!number) return;
  showCall(number, 'Preparing…');
  try {
    phone.call(number, await mediaForCall());
    setCallState('Calling…');
  } catch (e) {
    showError(e.message);
    stopCall();
  }
}

function startTimer() {
  const t0 = Date.now();
  const tick = () => {
    const s = Math.floor((Date.now() - t0) / 1000);
    $('call-timer').textContent = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  tick();
  callTimer = setInterval(tick, 1000);
  const monitor = new QualityMonitor();
  qualityTimer = setInterval(async () => {
    if (!phone.pc) return;
    try {
      window.softphone.quality = await monitor.sample(phone.pc);
      renderQuality($('quality'), window.softphone.quality);
    } catch { /* the connection closed meanwhile */ }
  }, 1000);
}

function stopCall() {
  ringtone.stop();
  clearInterval(callTimer);
  clearInterval(qualityTimer);
  callTimer = qualityTimer = null;
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  localStream = null;
  $('incoming').hidden = true;
  $('call-panel').hidden = true;
  $('phone').hidden = !$('login').hidden;
  $('call').disabled = false;
  $('call-timer').textContent = '00:00';
  renderQuality($('quality'), null);
}

phone.onIncoming = (from) => {
  $('incoming-from').textContent = `From ${from}`;
  $('incoming').hidden = false;
  $('call').disabled = true;  // one call at a time
  ringtone.start();
  $('answer').focus();
};

phone.onCallState = (state, d = {}) => {
  if (state === 'ringing') setCallState(d.status === 183 ? 'Early media…' : 'Ringing…');
  else if (state === 'confirmed') { setCallState('Connected'); startTimer(); }
  else if (state === 'hold') setCallState('On hold');
  else if (state === 'unhold') setCallState('Connected');
  else if (state === 'ended') {
    if (transferredTo) setStatusLine(`Call transferred to ${transferredTo}`);
    else setStatusLine(`Call ended (${d.originator === 'local' ? 'you hung up' : d.why === 'Terminated' ? 'the other side hung up' : d.why})`);
    transferredTo = null;
    stopCall();
  }
  else if (state === 'failed') {
    transferredTo = null;
    if (!$('incoming').hidden) setStatusLine(`Missed call (${$('incoming-from').textContent}; ${d.why})`);
    else if (d.originator !== 'local') showError(`Call failed: ${d.why}`);
    else setStatusLine(`Call ended (${d.why})`);
    stopCall();
  }
};

// The other side transfers us (REFER): the call panel switches to the new call to `target`,
// with fresh TURN credentials and microphone; the old call ends when the transferor hangs up.
phone.onReferred = async (target, accept, reject) => {
  const old = localStream;
  try {
    const media = await mediaForCall();
    if (!accept(media)) throw new ApiError('The call ended before the transfer could start.', 'transfer');
  } catch (e) {
    if (localStream !== old && localStream) localStream.getTracks().forEach((t) => t.stop());
    localStream = old;
    showError(`Transfer to ${target} failed: ${e.message}`);
    reject();
    return;
  }
  if (old) old.getTracks().forEach((t) => t.stop());
  clearInterval(callTimer);
  clearInterval(qualityTimer);
  callTimer = qualityTimer = null;
  showCall(target, 'Calling…');
  $('call-notice').textContent = `Transferred to ${target}`;
  $('call-notice').hidden = false;
};

// The outcome of the last call stays visible under the dial pad once the call panel closes.
function setStatusLine(text) {
  $('last-call').textContent = text;
}

phone.onDtmf = (tone, originator) => {
  if (originator === 'remote') $('dtmf-received').textContent += tone;
};

phone.onMessage = (text) => {
  $('messages-card').hidden = false;
  const li = document.createElement('li');
  li.textContent = text;
  $('messages').append(li);
};

// --- wiring -----------------------------------------------------------------------------------

function keypad(container, onKey) {
  for (const k of KEYS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = k;
    b.setAttribute('aria-label', k === '*' ? 'star' : k === '#' ? 'pound' : k);
    b.addEventListener('click', () => onKey(k));
    container.append(b);
  }
}

function sendDtmf(k) {
  const mode = document.querySelector('input[name="dtmf-mode"]:checked').value;
  phone.dtmf(k, mode);
  $('dtmf-sent').textContent += k;
}

keypad($('keypad'), (k) => { $('number').value += k; });
keypad($('dtmf-pad'), sendDtmf);
$('backspace').addEventListener('click', () => { $('number').value = $('number').value.slice(0, -1); });
$('token-form').addEventListener('submit', (e) => { e.preventDefault(); login($('token').value); });
$('demo-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    login(await demoToken(gateway.base, $('demo-user').value));
  } catch (x) {
    showError(x.message);
  }
});
$('dial-form').addEventListener('submit', (e) => { e.preventDefault(); startCall($('number').value); });
$('unregister').addEventListener('click', logout);
$('hangup').addEventListener('click', () => phone.hangup());
$('answer').addEventListener('click', async () => {
  ringtone.stop();
  $('incoming').hidden = true;
  showCall($('incoming-from').textContent.replace(/^From /, ''), 'Answering…');
  try {
    phone.answer(await mediaForCall());
  } catch (e) {
    showError(e.message);
    phone.reject();
  }
});
$('reject').addEventListener('click', () => {
  $('incoming').hidden = true;  // not a missed call
  phone.reject();
  stopCall();
});
$('mute').addEventListener('click', () => {
  muted = !muted;
  phone.setMuted(muted);
  $('mute').setAttribute('aria-pressed', String(muted));
  $('mute').textContent = muted ? 'Unmute' : 'Mute';
});
$('hold').addEventListener('click', () => {
  if (!phone.setHeld(!held)) {
    showError('Hold/resume is not possible right now (another re-INVITE is in progress); try again.');
    return;
  }
  held = !held;
  $('hold').setAttribute('aria-pressed', String(held));
  $('hold').textContent = held ? 'Resume' : 'Hold';
});
$('transfer-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const to = $('transfer-to').value.trim();
  $('transfer-result').textContent = `Transferring to ${to}…`;
  phone.transfer(to, (text, ok, final) => {
    $('transfer-result').textContent = text;
    $('transfer-result').dataset.ok = String(ok);
    // The transferee is talking to `to` now: our part is over (RFC 5589 §6).
    if (final && ok) {
      transferredTo = to;
      phone.hangup();
    }
  });
});
// Digits typed anywhere but in a text field go to the active call as DTMF.
document.addEventListener('keydown', (e) => {
  if (!KEYS.includes(e.key) || $('call-panel').hidden || !callTimer) return;
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
  sendDtmf(e.key);
});
$('precall-link').href = `${gateway.base}/precall/`;

// Test and debugging handle (read-only use): the remote stream and the last quality sample.
window.softphone = { phone, gateway, ringtone, quality: null, remoteStream: () => phone.remoteStream };

(async () => {
  const demo = await demoInfo(gateway.base);
  if (demo) {
    for (const u of demo.users || []) $('demo-user').add(new Option(u, u));
    $('demo-form').hidden = false;
  }
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    // Keep the token out of the address bar and history once read.
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
    $('token').value = fromUrl;
    login(fromUrl);
  }
})();

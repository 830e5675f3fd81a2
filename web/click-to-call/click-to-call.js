// Tandem click-to-call: one <script> tag adds a call button to any page.
//   <script src="https://gw.example.com/click-to-call/click-to-call.js"
//           data-token="JWT from `tandem token --sub web --allow sales`" data-target="sales"
//           data-label="Call sales" defer></script>
// Optional: data-server (the gateway's https origin; default: where the script came from),
// data-domain (the SIP domain of the URIs; any value, tandem rewrites them), data-into (a CSS
// selector of the element to put the button in; default: right after the script tag).
// The token should allow only data-target (`--allow`), so the page cannot call anything else.
import JsSIP from 'jssip';
import { fetchIceServers, tokenSubject } from '../softphone/src/api.js';
import { describeEnd } from '../softphone/src/phone.js';

const script = document.currentScript;

const STYLE = `.tandem-c2c{display:inline-flex;gap:.5rem;align-items:center;font:16px system-ui,sans-serif}
.tandem-c2c button{min-height:2.75rem;padding:.4rem 1rem;border-radius:1.4rem;border:0;background:#137333;color:#fff;font:inherit;cursor:pointer}
.tandem-c2c button[data-active="true"]{background:#b3261e}
.tandem-c2c button:focus-visible{outline:3px solid #f9a825;outline-offset:2px}`;

function mount(cfg) {
  const style = document.createElement('style');
  style.textContent = STYLE;
  document.head.append(style);
  const box = document.createElement('span');
  box.className = 'tandem-c2c';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = cfg.label;
  const status = document.createElement('span');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  box.append(button, status);
  const into = cfg.into && document.querySelector(cfg.into);
  if (into) into.append(box);
  else script.after(box);

  const audio = new Audio();
  let ua = null;
  let session = null;
  let mic = null;
  const idle = (text) => {
    button.dataset.active = 'false';
    button.textContent = cfg.label;
    status.textContent = text;
    if (mic) mic.getTracks().forEach((t) => t.stop());
    mic = null;
    session = null;
    if (ua) ua.stop();
    ua = null;
  };

  async function call() {
    button.dataset.active = 'true';
    button.textContent = 'Hang up';
    status.textContent = 'Connecting…';
    try {
      const iceServers = await fetchIceServers(cfg.server, cfg.token);
      mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false }).catch((e) => {
        throw new Error(e.name === 'NotAllowedError' ? 'Microphone access was denied.' : `No microphone (${e.name}).`);
      });
      const ws = new URL('/sip', cfg.server);
      ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
      ws.searchParams.set('token', cfg.token);
      ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(ws.href)], register: false, session_timers: false,
                          uri: `sip:${tokenSubject(cfg.token) || 'web'}@${cfg.domain}`, user_agent: 'Tandem click-to-call' });
      // Call once the WebSocket is open: a refused upgrade (bad token) or no gateway fails here.
      await new Promise((resolve, reject) => {
        ua.on('connected', resolve);
        ua.on('disconnected', (e) => reject(new Error(`The gateway is unreachable (WebSocket ${e.code || 'closed'}).`)));
        ua.start();
      });
      session = ua.call(`sip:${cfg.target}@${cfg.domain}`, { mediaStream: mic, pcConfig: { iceServers } });
      session.connection.addEventListener('track', (e) => { audio.srcObject = e.streams[0] || new MediaStream([e.track]); audio.play().catch(() => {}); });
      session.on('progress', () => { status.textContent = 'Ringing…'; });
      session.on('confirmed', () => { status.textContent = 'Connected'; });
      session.on('ended', (e) => idle(e.originator === 'local' ? 'Call ended.' : `Call ended (${describeEnd(e)}).`));
      session.on('failed', (e) => {
        console.warn('tandem click-to-call: call failed', e.originator, e.cause, describeEnd(e));
        idle(e.originator === 'local' ? 'Call cancelled.' : `Call failed: ${describeEnd(e)}.`);
      });
    } catch (e) {
      idle(e.message);
    }
  }

  button.addEventListener('click', () => {
    if (button.dataset.active !== 'true') call();
    else if (session && !session.isEnded()) session.terminate();
    else idle('');
  });
}

const d = script ? script.dataset : {};
if (!d.token || !d.target) {
  console.error('tandem click-to-call: the <script> tag needs data-token and data-target');
} else {
  mount({ token: d.token, target: d.target, label: d.label || `Call ${d.target}`, into: d.into || null,
          server: d.server || new URL(script.src, window.location.href).origin, domain: d.domain || 'tandem.invalid' });
}

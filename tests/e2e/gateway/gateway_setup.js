// What every gateway group starts with: Kamailio, tandem-pbx, SIPp 2000 registered (its UAS is
// started per call), `tandem --config` toward Kamailio, and a JsSIP page registered through it.
'use strict';
const sipp = require('./sipp');
const { PORTS } = require('./rig');
const { openPage } = require('./browser');

const wssUrl = (token) => `wss://127.0.0.1:${PORTS.wss}/sip${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

async function gatewayUp(rig, checks) {
  // Every SIP datagram between Kamailio, tandem-pbx, SIPp and tandem, for the artefacts.
  await rig.startTap('sip-trace', 5060, 5099, `${rig.out}/sip-trace.log`);
  await rig.startKamailio();
  await rig.startPbx();
  const reg = await sipp.register(rig, { user: '2000' });
  if (reg !== 0) throw new Error(`SIPp could not register 2000 at Kamailio (exit ${reg}); see sipp-register-*.log`);
  rig.config = rig.writeTandemConfig();
  rig.tandem = await rig.startTandem(rig.config);
  checks.check(true, `tandem --config started (wss 127.0.0.1:${PORTS.wss})`);
}

// A page registered as `user` with a token minted for `sub` (default: the same user), checking
// Kamailio got the binding; with `refusedWith` the REGISTER must fail with that status instead.
async function registeredPhone(rig, checks, { name = 'phone', user = '1000', sub = user, allow = null, autoAnswer = true,
                                             refusedWith = null } = {}) {
  const args = ['--sub', sub, '--ttl', '10m'];
  if (allow) args.push('--allow', allow);
  const token = rig.token(rig.config, args);
  rig.tokens = [...(rig.tokens || []), token];
  const page = await openPage(rig, name);
  const r = await page.evaluate((o) => window.phone.start(o), { url: wssUrl(token), user, autoAnswer });
  const contacts = rig.contacts(user);
  const seen = `${r.outcome}${r.status ? ` ${r.status}` : ''}; Kamailio contacts of ${user}: ${contacts.join(' ') || 'none'}`;
  if (refusedWith === null) {
    checks.check(r.outcome === 'registered' && contacts.length > 0, `${name}: JsSIP ${user} registers through tandem (${seen})`);
  } else {
    checks.check(r.outcome === 'registration-failed' && r.status === refusedWith && contacts.length === 0,
                 `${name}: REGISTER as ${user} with a token for ${sub} is refused with ${refusedWith} (${seen})`);
  }
  page.registration = r;
  return page;
}

// Places a call from `page` to `target` and checks it is answered.
async function callAnswered(page, checks, target, what) {
  const r = await page.evaluate((t) => window.phone.call(t), target);
  checks.check(r.outcome === 'session-confirmed', `${what}: call to ${target} answered (${r.outcome}${r.status ? ` ${r.status}` : ''}${r.cause ? ` ${r.cause}` : ''})`);
  return r.outcome === 'session-confirmed';
}

async function measure(page, ms = 1500) {
  return page.evaluate((m) => window.phone.measure(m), ms);
}

async function hangup(page, checks, what) {
  const r = await page.evaluate(() => window.phone.hangup());
  checks.check(r.outcome === 'session-ended', `${what}: the browser hangs up (BYE) (${r.outcome})`);
}

module.exports = { wssUrl, gatewayUp, registeredPhone, callAnswered, measure, hangup };

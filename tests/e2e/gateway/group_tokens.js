// Group 5 of issue 5's e2e tests, token cases: a missing, expired, forged (bad signature, other
// key) or wrong-audience token gets HTTP 401 at the WebSocket upgrade (no upgrade; the JsSIP page
// sees its WebSocket fail) and GET /api/ice-servers with it answers 401 with a reason; a token for
// another subject gets 403 on REGISTER; a token with an allow list gets 403 for any other
// destination and reaches the allowed one. Tokens never appear in tandem's log.
'use strict';
const ws = require('./wsclient');
const { sleep } = require('./rig');
const { openPage } = require('./browser');
const { gatewayUp, registeredPhone, callAnswered, hangup, wssUrl } = require('./gateway_setup');

// Flips one character of the signature (the last part of the JWT).
function tamper(token) {
  const i = token.length - 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

async function refusedAtUpgrade(rig, checks, what, token, reasonPattern) {
  const conn = await ws.upgrade(token === null ? '/sip' : `/sip?token=${encodeURIComponent(token)}`);
  checks.check(conn.status === 401, `${what}: WebSocket upgrade refused with 401 (got ${conn.status})`);
  conn.socket.destroy();
  const bearer = await ws.upgrade('/sip', token === null ? {} : { Authorization: `Bearer ${token}` });
  checks.check(bearer.status === 401, `${what}: same with Authorization: Bearer (got ${bearer.status})`);
  bearer.socket.destroy();
  const api = await ws.iceServers(token);
  checks.check(api.status === 401 && reasonPattern.test(api.body),
               `${what}: /api/ice-servers answers 401 with the reason (${api.status} ${JSON.stringify(api.body.slice(0, 200))})`);
}

async function pageRefused(rig, checks, what, token) {
  const page = await openPage(rig, `refused-${what.replace(/\W+/g, '-')}`);
  const r = await page.evaluate((o) => window.phone.start(o), { url: wssUrl(token), user: '1000', timeoutMs: 8000 });
  const connected = r.events.some((e) => e.name === 'ws-connected');
  checks.check(r.outcome === 'ws-disconnected' && !connected, `${what}: the JsSIP page's WebSocket fails, never registers (${r.outcome})`);
  await page.evaluate(() => window.phone.stop());
  await page.done();
}

module.exports = async function tokens(rig, checks) {
  await gatewayUp(rig, checks);
  const valid = rig.token(rig.config, ['--sub', '1000', '--ttl', '10m']);
  const ok = await ws.upgrade(`/sip?token=${encodeURIComponent(valid)}`);
  checks.check(ok.status === 101, `valid token: WebSocket upgrade succeeds (got ${ok.status})`);
  ok.socket.destroy();
  const api = await ws.iceServers(valid);
  let servers = null;
  try { servers = JSON.parse(api.body); } catch { /* reported below */ }
  checks.check(api.status === 200 && servers !== null, `valid token: /api/ice-servers answers 200 JSON (${api.status} ${api.body.slice(0, 200)})`);

  const expired = rig.token(rig.config, ['--sub', '1000', '--ttl', '1s']);
  const otherKey = rig.token(rig.writeTandemConfig('other-key.toml', { secret: 'a-different-hs256-secret-0123456789abcdef' }), ['--sub', '1000', '--ttl', '10m']);
  const otherAudience = rig.token(rig.config, ['--sub', '1000', '--ttl', '10m', '--aud', 'someone-else']);
  await sleep(3500);  // past exp + the 1 s clock skew of the config
  const cases = [
    ['missing token', null, /token|missing|authori/i],
    ['expired token', expired, /expir/i],
    ['forged token (signature altered)', tamper(valid), /signature|invalid|forged|verif/i],
    ['forged token (another key)', otherKey, /signature|invalid|forged|verif/i],
    ['token for another audience', otherAudience, /aud/i],
  ];
  for (const [what, token, reason] of cases) await refusedAtUpgrade(rig, checks, what, token, reason);
  await pageRefused(rig, checks, 'missing token', null);
  await pageRefused(rig, checks, 'expired token', expired);

  // sub 1001 registering as 1000: 403 on REGISTER, no binding at Kamailio.
  const wrongSub = await registeredPhone(rig, checks, { name: 'wrong-sub', user: '1000', sub: '1001', refusedWith: 403 });
  await wrongSub.evaluate(() => window.phone.stop());
  await wrongSub.done();

  // allow list: 601 only.
  const page = await registeredPhone(rig, checks, { name: 'allow-601', user: '1000', allow: '601' });
  const denied = await page.evaluate(() => window.phone.call('600'));
  checks.check(denied.outcome === 'session-failed' && denied.status === 403,
               `allow list 601: a call to 600 gets 403 (${denied.outcome} ${denied.status} ${denied.cause})`);
  if (await callAnswered(page, checks, '601', 'allow list 601')) await hangup(page, checks, 'allow list 601');
  await page.evaluate(() => window.phone.stop());
  await page.done();

  const tandemLog = rig.tandem.text;
  const leaked = (rig.tokens || []).concat([valid, expired, otherAudience]).filter((t) => tandemLog.includes(t) || tandemLog.includes(t.split('.')[2]));
  checks.check(leaked.length === 0, `no token (nor its signature) appears in tandem's log (${leaked.length} found)`);
};

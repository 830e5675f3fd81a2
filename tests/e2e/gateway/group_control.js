// Group 4 of issue 5's e2e tests, call control through the gateway: early media (183 with SDP,
// the browser hears the SIP side before the answer), hold/resume (re-INVITE to tandem-pbx 600:
// the echo stops while held and comes back), CANCEL from the browser, BYE from each side, a
// busy callee (486 reaches the browser), DTMF browser → PBX as RFC 4733 and as SIP INFO
// (tandem-pbx 602 logs the digits; the RTP tap checks the events on the PBX leg), SIP INFO →
// browser, CANCEL from the SIP caller while the browser rings, and the PBX down (408/503).
'use strict';
const sipp = require('./sipp');
const { sleep } = require('./rig');
const { TONE_HZ } = require('./browser');
const { gatewayUp, registeredPhone, callAnswered, measure, hangup } = require('./gateway_setup');

const inboundPackets = async (page) => {
  const s = await page.evaluate(() => window.phone.stats());
  return s && s.inbound ? s.inbound.packets : 0;
};

async function earlyMedia(rig, checks, page) {
  const uas = sipp.uas(rig, { codec: 'g711', earlyMs: 4000 }, 'sipp-uas-early');
  await sleep(500);
  const r = await page.evaluate(() => window.phone.call('2000', { until: 'progress' }));
  checks.check(r.outcome === 'session-progress' && r.status === 183 && r.sdp,
               `early media: the browser gets 183 with SDP (${r.outcome} ${r.status} sdp=${r.sdp})`);
  const heard = await measure(page, 1200);
  const answered = await page.evaluate(() => window.phone.events.some((e) => e.name === 'session-confirmed'));
  checks.check(!answered, 'early media: measured before the 200 OK');
  checks.near(heard.hz, TONE_HZ, 'early media: the browser hears the SIP side (echo) during 183');
  const c = await page.evaluate(() => window.phone.waitEvent('session-confirmed', 8000));
  checks.check(c !== null, 'early media: the call is then answered');
  await hangup(page, checks, 'early media');
  if (r.outcome !== 'session-progress') return void (await uas.stop());
  const code = await uas.exited;
  checks.check(code === 0, `early media: the SIPp UAS flow completed (exit ${code})`);
}

async function holdResume(rig, checks, page) {
  if (!(await callAnswered(page, checks, '600', 'hold/resume'))) return;
  checks.near((await measure(page)).hz, TONE_HZ, 'hold/resume: tandem-pbx 600 echoes the browser before hold');
  const held = await page.evaluate(() => window.phone.hold(true));
  checks.check(held.outcome === 'session-hold' && held.local === true,
               `hold/resume: the browser's hold re-INVITE succeeds (${held.outcome}, transceiver ${held.direction})`);
  await sleep(500);
  const p0 = await inboundPackets(page);
  await sleep(1500);
  const p1 = await inboundPackets(page);
  checks.check(p1 - p0 < 10, `hold/resume: no echo while held (${p1 - p0} packets in 1.5 s)`);
  const resumed = await page.evaluate(() => window.phone.hold(false));
  checks.check(resumed.outcome === 'session-unhold' && resumed.direction === 'sendrecv',
               `hold/resume: the resume re-INVITE succeeds (${resumed.outcome}, transceiver ${resumed.direction})`);
  checks.near((await measure(page)).hz, TONE_HZ, 'hold/resume: the echo is back after resume');
  await hangup(page, checks, 'hold/resume');
}

async function cancel(rig, checks, page) {
  const uas = sipp.uas(rig, { codec: 'g711', mode: 'cancel' }, 'sipp-uas-cancel');
  await sleep(500);
  const r = await page.evaluate(() => window.phone.call('2000', { until: 'progress' }));
  checks.check(r.outcome === 'session-progress' && r.status === 180, `CANCEL: the browser hears 180 (${r.outcome} ${r.status})`);
  const end = await page.evaluate(() => window.phone.hangup());
  checks.check(end.outcome === 'session-failed' && end.cause === 'Canceled', `CANCEL: the browser's call ends as canceled (${end.outcome} ${end.cause})`);
  if (r.outcome !== 'session-progress') return void (await uas.stop());
  const code = await uas.exited;
  checks.check(code === 0, `CANCEL: the SIPp UAS received CANCEL and answered 487 (exit ${code}; ${uas.logPath})`);
}

async function byeFromSip(rig, checks, page) {
  const uas = sipp.uas(rig, { codec: 'g711', mode: 'bye', byeAfterMs: 3000 }, 'sipp-uas-bye');
  await sleep(500);
  const answered = await callAnswered(page, checks, '2000', 'BYE from the SIP side');
  if (answered) {
    const end = await page.evaluate(() => window.phone.waitEnd(10000));
    checks.check(end.outcome === 'session-ended' && end.originator === 'remote',
                 `BYE from the SIP side: the browser's call ends (${end.outcome}, ${end.originator})`);
  }
  if (!answered) return void (await uas.stop());
  const code = await uas.exited;
  checks.check(code === 0, `BYE from the SIP side: the UAS's BYE got 200 (exit ${code}; ${uas.logPath})`);
}

async function busy(rig, checks, page) {
  const uas = sipp.uas(rig, { codec: 'g711', mode: 'reject', rejectCode: 486 }, 'sipp-uas-busy');
  await sleep(500);
  const r = await page.evaluate(() => window.phone.call('2000'));
  checks.check(r.outcome === 'session-failed' && r.status === 486, `busy: PBX 486 reaches the browser as 486 (${r.outcome} ${r.status} ${r.cause})`);
  await (r.status === 486 ? uas.exited : uas.stop());
}

const EVENT_DIGITS = '0123456789*#';

async function dtmf(rig, checks, page) {
  for (const [digits, type] of [['123#', 'RFC2833'], ['*90', 'INFO']]) {
    const what = `DTMF ${type === 'INFO' ? 'SIP INFO' : 'RFC 4733'}`;
    const tap = await rig.startTap(`tap-dtmf-${type}`, 30000, 30999);
    if (!(await callAnswered(page, checks, '602', what))) {
      await tap.stop();
      continue;
    }
    await sleep(500);
    const pbx = rig.children.find((c) => c.name === 'tandem-pbx');
    const logFrom = pbx.text.length;
    const [before, fromEvent] = await page.evaluate(() => [window.phone.messages.length, window.phone.events.length]);
    await page.evaluate(([d, t]) => window.phone.dtmf(d, t), [digits, type]);
    await page.evaluate((from) => window.phone.waitEvent('message', 6000, from), fromEvent);
    // 602's report: its log line per digit, and a MESSAGE back in the dialog once it is quiet.
    const logged = [...pbx.text.slice(logFrom).matchAll(/602 digit (\S)/g)].map((m) => m[1]).join('');
    checks.check(logged === digits, `${what}: tandem-pbx 602 received "${digits}" (its log: "${logged}")`);
    const got = await page.evaluate((n) => window.phone.messages.slice(n), before);
    const reported = got.join(' ').replace(/^DTMF/, '').replace(/[^0-9*#]/g, '');
    // Not a check: tandem-pbx's proxy refuses to relay in-dialog requests from the services
    // beyond its own Route (proxy.cpp "no relaying beyond our users"), so behind Kamailio the
    // MESSAGE gets 404 (see sip-trace.log).
    console.log(`note ${what}: 602's MESSAGE ${got.length ? `reached the browser: "${reported}"` : 'did not reach the browser'}`);
    await hangup(page, checks, what);
    // What the PBX side received on the wire: one RFC 4733 event (own timestamp, end bit) per digit.
    const flows = await tap.result();
    const key = Object.keys(flows).find((k) => /^\d+>3\d{4}$/.test(k));
    const events = key ? flows[key].events : [];
    const onWire = events.map((e) => EVENT_DIGITS[e.event] || '?').join('');
    checks.check(onWire === digits && events.every((e) => e.end),
                 `${what}: the PBX leg carries one RFC 4733 event per digit, each ended ("${onWire}": ${JSON.stringify(events)})`);
  }
}

// SIP side → browser: INFO dtmf-relay from the SIP caller reaches JsSIP as a DTMF event.
async function dtmfToBrowser(rig, checks, page) {
  const from = await page.evaluate(() => window.phone.events.length);
  const uac = sipp.uac(rig, { target: '1000', holdMs: 2000, infoDigit: '7', name: 'sipp-uac-info' });
  const r = await page.evaluate((i) => window.phone.waitEvent('session-confirmed', 15000, i), from);
  checks.check(r !== null, 'DTMF to the browser: the SIP caller 2001 is auto-answered');
  const digit = await page.evaluate((i) => window.phone.waitEvent('session-dtmf', 8000, i), from);
  checks.check(digit && digit.tone === '7' && digit.originator === 'remote',
               `DTMF to the browser: the SIP caller's INFO digit 7 reaches JsSIP (${JSON.stringify(digit)})`);
  const code = await uac.exited;
  checks.check(code === 0, `DTMF to the browser: the UAC's INFO got 200 and its call ended normally (exit ${code}; ${uac.logPath})`);
}

// SIP caller CANCELs while the browser rings (no auto-answer): the browser's call ends canceled.
async function cancelFromSip(rig, checks, page) {
  await page.evaluate(() => window.phone.setAutoAnswer(false));
  const from = await page.evaluate(() => window.phone.events.length);
  const uac = sipp.uac(rig, { target: '1000', cancelAfterMs: 1500, name: 'sipp-uac-cancel' });
  const failed = await page.evaluate((i) => window.phone.waitEvent('session-failed', 15000, i), from);
  checks.check(failed && failed.originator === 'remote' && failed.cause === 'Canceled',
               `CANCEL from the SIP side: the ringing browser call ends canceled (${JSON.stringify(failed)})`);
  const code = await uac.exited;
  checks.check(code === 0, `CANCEL from the SIP side: 200 for the CANCEL and 487 for the INVITE reach the caller (exit ${code}; ${uac.logPath})`);
  await page.evaluate(() => window.phone.setAutoAnswer(true));
}

async function pbxDown(rig, checks, page) {
  const kamailio = rig.children.find((c) => c.name === 'kamailio');
  await kamailio.stop();
  const t0 = Date.now();
  const r = await page.evaluate(() => window.phone.call('2000', { timeoutMs: 45000 }));
  checks.check(r.outcome === 'session-failed' && [408, 503].includes(r.status) && !!r.reasonHeader,
               `PBX down: the browser's INVITE fails with 408/503 and a Reason (${r.outcome} ${r.status} ${r.reason}; ` +
               `Reason: ${r.reasonHeader}) after ${Date.now() - t0} ms`);
}

module.exports = async function callControl(rig, checks) {
  await gatewayUp(rig, checks);
  const page = await registeredPhone(rig, checks);
  await earlyMedia(rig, checks, page);
  await holdResume(rig, checks, page);
  await cancel(rig, checks, page);
  await byeFromSip(rig, checks, page);
  await busy(rig, checks, page);
  await dtmf(rig, checks, page);
  await dtmfToBrowser(rig, checks, page);
  await cancelFromSip(rig, checks, page);
  await pbxDown(rig, checks, page);
  await page.done();
};

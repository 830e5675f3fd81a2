// Groups 1-3 of issue 5's e2e tests: audio through the gateway, proven at both ends. The browser
// measures what it hears (AnalyserNode); the RTP tap measures what the SIP peer received.
//   outbound: browser → tandem → Kamailio → SIPp UAS echo (PCMU/PCMA answer: transcoding), and
//             → tandem-pbx 601 (1000 Hz tone)
//   inbound:  SIPp UAC 2001 → Kamailio → tandem → browser 1000 (auto-answer), tones both ways
//   codecs:   SIP peer answers Opus (passthrough), PCMU only, PCMA only; tandem-pbx 601 on Opus
'use strict';
const sipp = require('./sipp');
const { PORTS, sleep } = require('./rig');
const { TONE_HZ } = require('./browser');
const { gatewayUp, registeredPhone, callAnswered, measure, hangup } = require('./gateway_setup');

const PT_NAMES = { 0: 'PCMU', 8: 'PCMA' };
const describe = (flow) => (flow ? `${flow.key}: ${flow.packets} packets, PT ${JSON.stringify(flow.payload_types)}` : 'no RTP');

// One call to the SIPp UAS answering `codec`, echoing. Checks the echo at the browser and what
// the UAS received on the wire; `pt` is the payload type the SIP side must see (null: Opus's).
async function echoCall(rig, checks, page, codec, pt) {
  const what = `echo via SIPp (${codec})`;
  const tap = await rig.startTap(`tap-${codec}`, PORTS.uasMedia, PORTS.uasMedia + 1);
  const uas = sipp.uas(rig, { codec }, `sipp-uas-${codec}`);
  await sleep(500);  // SIPp binds its ports
  const answered = await callAnswered(page, checks, '2000', what);
  if (answered) {
    const heard = await measure(page);
    checks.near(heard.hz, TONE_HZ, `${what}: the browser hears its tone echoed by the SIP peer`);
    const stats = await page.evaluate(() => window.phone.stats());
    checks.check(stats && stats.inbound && stats.inbound.packets > 50, `${what}: browser RTP in ${stats && stats.inbound && stats.inbound.packets}, out ${stats && stats.outbound && stats.outbound.packets} (${stats && stats.inboundCodec})`);
    await hangup(page, checks, what);
  }
  // Without the call the UAS would wait for its 90 s timeout.
  const code = answered ? await uas.exited : await uas.stop();
  if (answered) checks.check(code === 0, `${what}: the SIPp UAS saw INVITE/ACK/BYE as scripted (exit ${code}; ${uas.logPath})`);
  const flows = await tap.result();
  const toUas = checks.flowTo(flows, PORTS.uasMedia);
  const types = toUas ? Object.keys(toUas.payload_types).map(Number) : [];
  if (pt === null) {
    checks.check(toUas && toUas.packets > 50 && types.length >= 1 && types.every((t) => t >= 96),
                 `${what}: the SIP side receives Opus, no G.711 (${describe(toUas)})`);
  } else {
    checks.check(toUas && toUas.packets > 50 && types.includes(pt) && types.every((t) => t === pt || t >= 96),
                 `${what}: the SIP side receives ${PT_NAMES[pt]} (${describe(toUas)})`);
    checks.near(toUas && toUas.dominant_hz, TONE_HZ, `${what}: the ${PT_NAMES[pt]} the SIP peer received decodes to the browser's tone`);
    checks.check(toUas && toUas.sequence_gaps <= 2, `${what}: continuous RTP toward the SIP peer (${toUas && toUas.sequence_gaps} sequence gaps)`);
  }
  return toUas;
}

// tandem-pbx 601 through Kamailio: the browser hears 1000 Hz. Returns the tap's flow from the pbx.
async function toneCall(rig, checks, page, what) {
  const tap = await rig.startTap('tap-601', 30000, 30999);
  if (await callAnswered(page, checks, '601', what)) {
    const heard = await measure(page);
    checks.near(heard.hz, 1000, `${what}: the browser hears tandem-pbx 601's tone`);
    await hangup(page, checks, what);
  }
  const flows = await tap.result();
  const key = Object.keys(flows).find((k) => /^3\d{4}>/.test(k));
  return key ? { key, ...flows[key] } : null;
}

async function outbound(rig, checks) {
  await gatewayUp(rig, checks);
  const page = await registeredPhone(rig, checks);
  await echoCall(rig, checks, page, 'g711', 0);
  const fromPbx = await toneCall(rig, checks, page, 'tandem-pbx 601');
  checks.check(fromPbx && fromPbx.packets > 50, `tandem-pbx 601 sent RTP to tandem (${describe(fromPbx)})`);
  await page.evaluate(() => window.phone.stop());
  await page.done();
}

async function inbound(rig, checks) {
  await gatewayUp(rig, checks);
  const page = await registeredPhone(rig, checks, { autoAnswer: true });
  const tap = await rig.startTap('tap-inbound', PORTS.uacMedia, PORTS.uacMedia + 1);
  const uac = sipp.uac(rig, { target: '1000', hz: 700, holdMs: 6000 });
  const r = await page.evaluate(() => window.phone.waitIncoming(15000));
  checks.check(r.outcome === 'session-confirmed', `SIPp 2001 → Kamailio → tandem → browser 1000: auto-answered (${r.outcome})`);
  if (r.outcome === 'session-confirmed') {
    const heard = await measure(page);
    checks.near(heard.hz, 700, "inbound: the browser hears the SIP caller's 700 Hz tone");
    const end = await page.evaluate(() => window.phone.waitEnd(15000));
    checks.check(end.outcome === 'session-ended' && end.originator === 'remote',
                 `inbound: the SIP caller's BYE ends the browser's call (${end.outcome}, ${end.originator})`);
  }
  const code = await uac.exited;
  checks.check(code === 0, `inbound: the SIPp UAC's call went as scripted (exit ${code}; ${uac.logPath})`);
  const flows = await tap.result();
  const toUac = checks.flowTo(flows, PORTS.uacMedia);
  checks.check(toUac && toUac.packets > 100, `inbound: the SIP caller receives RTP (${describe(toUac)})`);
  checks.near(toUac && toUac.dominant_hz, TONE_HZ, "inbound: what the SIP caller received decodes to the browser's tone");
  await page.evaluate(() => window.phone.stop());
  await page.done();
}

async function codecs(rig, checks) {
  await gatewayUp(rig, checks);
  const page = await registeredPhone(rig, checks);
  await echoCall(rig, checks, page, 'opus', null);
  await echoCall(rig, checks, page, 'pcmu', 0);
  await echoCall(rig, checks, page, 'pcma', 8);
  // tandem-pbx keeps the caller's codec order: tandem offers Opus first, so 601 runs on Opus.
  const fromPbx = await toneCall(rig, checks, page, 'tandem-pbx 601 on Opus');
  const types = fromPbx ? Object.keys(fromPbx.payload_types).map(Number) : [];
  checks.check(fromPbx && types.length > 0 && types.every((t) => t >= 96), `tandem-pbx 601 answered Opus: Opus on the SIP leg (${describe(fromPbx)})`);
  // The wire cannot tell passthrough from decode + re-encode; tandem's call log says which.
  const log = rig.tandem.text;
  const count = (what) => log.split(`media: ${what}`).length - 1;
  checks.check(count('Opus passthrough') === 2, `tandem bridged the two Opus calls without transcoding (log: ${count('Opus passthrough')} × "media: Opus passthrough")`);
  checks.check(count('transcoding Opus <-> PCMU') === 1 && count('transcoding Opus <-> PCMA') === 1,
               `tandem transcoded the PCMU and the PCMA call (log: ${count('transcoding Opus <-> PCMU')} PCMU, ${count('transcoding Opus <-> PCMA')} PCMA)`);
  await page.evaluate(() => window.phone.stop());
  await page.done();
}

module.exports = { outbound, inbound, codecs, echoCall, toneCall };

// UI tests of the bundled softphone (issue 6): headless Chromium drives web/softphone (built by
// web/softphone/build.sh, served by tandem's [listen] web_root) against the real stack of
// stack.js: tandem (WSS, JWT, demo mode) → tandem-pbx (users 1000-1009, 600 echo, 601 1000 Hz,
// 602 DTMF readback). Must run inside a loopback-only network namespace (run.sh makes one).
//   node softphone.e2e.js <tandem> <tandem-pbx> <build.sh> <node dir> <artefact dir>
// A screenshot of every step is saved as <artefact dir>/NN-<page>-<step>.png.
'use strict';
const fs = require('fs');
const path = require('path');
const { Stack } = require('./stack');
const { Checks } = require('../gateway/checks');
const { launch, openSoftphone, measureRemote, packetsReceived } = require('./ui');

const TONE_A = 440;  // browser A's fake microphone (not 1000 Hz: 601 sends that)
const TONE_B = 660;  // browser B's

async function clickKeys(ui, group, digits) {
  for (const d of digits) {
    const name = d === '*' ? 'star' : d === '#' ? 'pound' : d;
    await ui.page.getByRole('group', { name: group }).getByRole('button', { name, exact: true }).click();
  }
}

async function waitConnected(ui, checks, what) {
  const state = await ui.waitText('#call-state', /^Connected$|failed|ended/i, 15000);
  const error = await ui.text('#error');
  return checks.check(state === 'Connected', `${what}: the call panel says "${state}"${error ? ` (error: ${error})` : ''}`);
}

async function hangUp(ui, checks, what) {
  await ui.page.getByRole('button', { name: 'Hang up' }).click();
  await ui.page.locator('#call-panel').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  const last = await ui.text('#last-call');
  checks.check(await ui.page.locator('#call-panel').isHidden() && last === 'Call ended (you hung up)',
               `${what}: Hang up closes the call panel ("${last}")`);
}

// Expired token → the reason from /api/ice-servers' 401; then the demo login as 1000.
async function login(stack, checks, ui) {
  await ui.page.getByLabel('Access token').fill(stack.expiredToken('1000'));
  await ui.page.getByRole('button', { name: 'Register' }).click();
  const err = await ui.waitText('#error', /expired/i, 8000);
  checks.check(/expired/i.test(err), `an expired token is refused with the reason from /api/ice-servers ("${err}")`);
  await ui.shot('expired-token');
  const demo = ui.page.locator('#demo-form');
  checks.check(await demo.isVisible(), 'demo mode is on: the demo login is offered');
  checks.check(/demo only/i.test(await demo.textContent()), 'the demo login is marked demo-only');
  await ui.page.getByLabel('Demo extension').selectOption('1000');
  await ui.page.getByRole('button', { name: 'Sign in as demo user' }).click();
  const st = await ui.waitText('#reg-status', /Registered as 1000|failed|unreachable/, 10000);
  checks.check(st === 'Registered as 1000', `demo login as 1000 registers through tandem ("${st}")`);
  checks.check(await ui.page.locator('#error').isHidden(), 'the error banner is cleared once registered');
  await ui.page.getByText('Audio devices').click();
  const mics = await ui.page.getByLabel('Microphone').locator('option').allTextContents();
  checks.check(mics.length >= 2, `the microphone list shows the browser's devices (${mics.join(', ')})`);
  await ui.shot('registered');
  await ui.page.getByText('Audio devices').click();
}

async function echo600(checks, ui) {
  await clickKeys(ui, 'Dial pad', '600');
  await ui.page.getByRole('button', { name: 'Call', exact: true }).click();
  if (!(await waitConnected(ui, checks, 'call 600'))) return;
  checks.near((await measureRemote(ui.page)).hz, TONE_A, 'call 600: the echo of the microphone tone');
  // Quality panel: a few getStats() samples.
  await ui.page.waitForTimeout(2500);
  const codec = await ui.text('[data-q="codec"]');
  const mos = parseFloat(await ui.text('[data-q="mos"]'));
  const timer = await ui.text('#call-timer');
  checks.check(/opus|PCMU|PCMA/i.test(codec), `call 600: the quality panel shows the codec ("${codec}")`);
  checks.check(mos >= 3.5 && mos <= 4.5, `call 600: estimated MOS on loopback is good (${mos})`);
  checks.check(/^00:0[2-9]$/.test(timer), `call 600: the call timer runs ("${timer}")`);
  await ui.shot('call-600');
  // Phone-sized screen: nothing wider than 320 px while the call panel is open.
  await ui.page.setViewportSize({ width: 320, height: 640 });
  const width = await ui.page.evaluate(() => document.documentElement.scrollWidth);
  checks.check(width <= 320, `call 600: the call panel fits a 320 px wide screen (scrollWidth ${width})`);
  await ui.shot('call-600-320px');
  await ui.page.setViewportSize({ width: 420, height: 900 });
  await hangUp(ui, checks, 'call 600');
}

async function tone601(checks, ui) {
  // Keyboard only: type the number, Enter submits the dial form.
  await ui.page.getByLabel('Number').fill('601');
  await ui.page.getByLabel('Number').press('Enter');
  if (!(await waitConnected(ui, checks, 'call 601'))) return;
  checks.near((await measureRemote(ui.page)).hz, 1000, 'call 601: the 1000 Hz tone');
  await ui.shot('call-601');
  await hangUp(ui, checks, 'call 601');
}

async function dtmf602(stack, checks, ui) {
  await ui.page.getByLabel('Number').fill('602');
  await ui.page.getByRole('button', { name: 'Call', exact: true }).click();
  if (!(await waitConnected(ui, checks, 'call 602'))) return;
  for (const [mode, label, digits] of [['RFC 4733', 'RFC 4733 (in media)', '123#'], ['SIP INFO', 'SIP INFO', '45*']]) {
    const from = stack.pbx.text.length;
    const messages = await ui.page.locator('#messages li').count();
    await ui.page.getByLabel(label).check();
    await clickKeys(ui, 'DTMF keypad', digits);
    const sent = await ui.text('#dtmf-sent');
    checks.check(sent.endsWith(digits), `602 ${mode}: the UI shows the digits sent ("${sent}")`);
    await ui.page.locator('#messages li').nth(messages).waitFor({ timeout: 8000 }).catch(() => {});
    const logged = [...stack.pbx.text.slice(from).matchAll(/602 digit (\S)/g)].map((m) => m[1]).join('');
    checks.check(logged === digits, `602 ${mode}: tandem-pbx 602 received "${digits}" (its log: "${logged}")`);
    const shown = (await ui.page.locator('#messages li').allTextContents()).slice(messages).join(' ');
    checks.check(shown.replace(/[^0-9*#]/g, '') === digits,
                 `602 ${mode}: 602's report reaches the softphone's Messages ("${shown}")`);
  }
  await ui.shot('dtmf-602');
  await hangUp(ui, checks, 'call 602');
}

async function failedCall(checks, ui) {
  await ui.page.getByLabel('Number').fill('1009');  // a demo user nobody registered
  await ui.page.getByRole('button', { name: 'Call', exact: true }).click();
  const err = await ui.waitText('#error', /Call failed: \d{3} /, 15000);
  checks.check(/^Call failed: [4-6]\d\d /.test(err), `a call to unregistered 1009 fails with the SIP status and reason ("${err}")`);
  await ui.shot('call-failed');
}

async function twoBrowsers(stack, checks, a, b) {
  await b.page.getByLabel('Access token').fill(stack.token('1001'));
  await b.page.getByRole('button', { name: 'Register' }).click();
  const st = await b.waitText('#reg-status', /Registered as 1001|failed|unreachable/, 10000);
  checks.check(st === 'Registered as 1001', `second browser: token login as 1001 registers ("${st}")`);
  await a.page.getByLabel('Number').fill('1001');
  await a.page.getByRole('button', { name: 'Call', exact: true }).click();
  const incoming = b.page.getByRole('alertdialog', { name: 'Incoming call' });
  await incoming.waitFor({ timeout: 15000 }).catch(() => {});
  const from = await b.text('#incoming-from');
  checks.check(await incoming.isVisible() && /1000/.test(from), `1001 sees the incoming call dialog ("${from}")`);
  checks.check(await b.page.evaluate(() => document.activeElement && document.activeElement.id === 'answer'),
               'the Answer button has the keyboard focus while ringing');
  const ring = await b.page.evaluate(() => ({ on: window.softphone.ringtone.timer !== null,
                                              state: window.softphone.ringtone.ctx && window.softphone.ringtone.ctx.state }));
  checks.check(ring.on && ring.state === 'running', `the WebAudio ringtone plays while ringing (AudioContext ${ring.state})`);
  await b.shot('incoming');
  await b.page.keyboard.press('Enter');  // answer from the keyboard
  checks.check(await b.page.evaluate(() => window.softphone.ringtone.timer === null), 'the ringtone stops on answer');
  if (!(await waitConnected(b, checks, '1001 answers')) || !(await waitConnected(a, checks, '1000 → 1001'))) return;
  await a.page.waitForTimeout(500);
  const [ha, hb] = await Promise.all([measureRemote(a.page), measureRemote(b.page)]);
  checks.near(ha.hz, TONE_B, '1000 hears 1001');
  checks.near(hb.hz, TONE_A, '1001 hears 1000');
  await a.shot('call-1001');
  await b.shot('call-1000');

  await a.page.getByRole('button', { name: 'Hold' }).click();
  const held = await a.waitText('#call-state', /On hold/, 8000);
  await a.page.waitForTimeout(700);  // let the re-INVITE complete
  const p0 = await packetsReceived(a.page);
  await a.page.waitForTimeout(1500);
  const p1 = await packetsReceived(a.page);
  checks.check(held === 'On hold' && await a.page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed') === 'true',
               `Hold: the UI shows the call on hold ("${held}")`);
  checks.check(p1 - p0 < 10, `Hold: no audio reaches 1000 while held (${p1 - p0} packets in 1.5 s)`);
  await a.shot('hold');
  await a.page.getByRole('button', { name: 'Resume' }).click();
  const resumed = await a.waitText('#call-state', /^Connected$/, 8000);
  await a.page.waitForTimeout(800);
  const [ra, rb] = await Promise.all([measureRemote(a.page), measureRemote(b.page)]);
  checks.check(resumed === 'Connected', `Resume: the UI shows the call connected again ("${resumed}")`);
  checks.near(ra.hz, TONE_B, 'Resume: 1000 hears 1001 again');
  checks.near(rb.hz, TONE_A, 'Resume: 1001 hears 1000 again');

  await a.page.getByRole('button', { name: 'Mute' }).click();
  await a.page.waitForTimeout(600);
  const mutedB = await measureRemote(b.page, 1000);
  checks.check(await a.page.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed') === 'true' &&
               mutedB.rms < rb.rms / 20, `Mute: 1001 hears silence (RMS ${mutedB.rms.toFixed(4)}, was ${rb.rms.toFixed(4)})`);
  await a.page.getByRole('button', { name: 'Unmute' }).click();
  await a.page.waitForTimeout(600);
  checks.near((await measureRemote(b.page, 1000)).hz, TONE_A, 'Unmute: 1001 hears 1000 again');

  // Blind transfer (REFER through tandem and tandem-pbx): 1000 sends 1001 to 600, the echo.
  await a.page.getByLabel('Blind transfer to').fill('600');
  await a.page.getByRole('button', { name: 'Transfer' }).click();
  const notice = await b.waitText('#call-notice', /Transferred/, 10000);
  checks.check(notice === 'Transferred to 600', `Transfer: 1001's call panel says "${notice}"`);
  await a.page.locator('#call-panel').waitFor({ state: 'hidden', timeout: 15000 }).catch(() => {});
  const result = await a.text('#transfer-result');
  const done = await a.text('#last-call');
  checks.check(await a.page.locator('#call-panel').isHidden() && done === 'Call transferred to 600',
               `Transfer: 1000's call ends once the NOTIFY says 200 ("${done}"; last transfer status "${result}")`);
  await a.shot('transferred');
  if (!(await waitConnected(b, checks, 'Transfer: 1001 → 600'))) return;
  const peer = await b.text('#call-peer');
  checks.check(peer === '600', `Transfer: 1001's call panel shows the new call to 600 ("${peer}")`);
  await b.page.waitForTimeout(800);
  checks.near((await measureRemote(b.page)).hz, TONE_B, 'Transfer: 1001 hears the 600 echo of its own tone');
  await b.shot('transferred-600');
  await hangUp(b, checks, '1001 → 600 (transferred)');
}

// The click-to-call widget on its example page, with a token that may call only 601.
async function clickToCall(stack, checks, browser, out) {
  const token = stack.token('web', '10m', '601');
  for (const [target, want] of [['601', /^Connected$/], ['600', /^Call failed: 403 /]]) {
    const url = `${stack.url}click-to-call/example.html?token=${encodeURIComponent(token)}&target=${target}`;
    const ui = await openSoftphone(browser, out, `click-to-call-${target}`, url, { width: 800, height: 400 }, true);
    await ui.page.getByRole('button', { name: 'Call sales' }).click();
    const status = await ui.waitText('.tandem-c2c [role="status"]', /Connected|failed|ended|denied|unreachable/i, 15000);
    checks.check(want.test(status), `click-to-call to ${target} with a token allowing only 601: "${status}"`);
    await ui.shot('status');
    if (target === '601' && status === 'Connected') {
      checks.near((await measureRemote(ui.page, 1500, true)).hz, 1000, 'click-to-call to 601: the widget plays the 1000 Hz tone');
      await ui.page.getByRole('button', { name: 'Hang up' }).click();
      const ended = await ui.waitText('.tandem-c2c [role="status"]', /ended/i, 8000);
      checks.check(ended === 'Call ended.', `click-to-call: Hang up ends the call ("${ended}")`);
    }
    await ui.close();
  }
}

// 1001 rejects a call from 1000: the caller sees 603 Decline.
async function rejected(checks, a, b) {
  await a.page.getByLabel('Number').fill('1001');
  await a.page.getByRole('button', { name: 'Call', exact: true }).click();
  const incoming = b.page.getByRole('alertdialog', { name: 'Incoming call' });
  await incoming.waitFor({ timeout: 15000 }).catch(() => {});
  await b.page.getByRole('button', { name: 'Reject' }).click();
  const err = await a.waitText('#error', /Call failed/, 10000);
  const last = await b.text('#last-call');
  checks.check(/^Call failed: 603 Decline/.test(err), `1001 rejects: 1000 sees "${err}"`);
  checks.check(await incoming.isHidden() && await b.page.evaluate(() => window.softphone.ringtone.timer === null) &&
               !/Missed/.test(last), `1001 rejects: the ringing panel and ringtone stop ("${last}")`);
  await a.shot('rejected');
}

// A browser whose user blocked the microphone: the call is not placed and the page says why.
async function micDenied(stack, checks, browser, out) {
  const ui = await openSoftphone(browser, out, 'mic-denied', stack.url);
  await ui.page.getByLabel('Access token').fill(stack.token('1002'));
  await ui.page.getByRole('button', { name: 'Register' }).click();
  await ui.waitText('#reg-status', /Registered as 1002|failed|unreachable/, 10000);
  await ui.page.getByLabel('Number').fill('600');
  await ui.page.getByRole('button', { name: 'Call', exact: true }).click();
  const err = await ui.waitText('#error', /microphone/i, 10000);
  checks.check(/Microphone access was denied/.test(err), `microphone blocked: the page says so and places no call ("${err}")`);
  await ui.shot('mic-denied');
  await ui.close();
}

// tandem stops while 1000 is signed in: the page says the connection is lost.
async function gatewayGone(stack, checks, ui) {
  await stack.tandem.stop();
  const err = await ui.waitText('#error', /lost|unreachable/, 10000);
  const st = await ui.text('#reg-status');
  checks.check(/connection to the gateway was lost/.test(err) && /unreachable/i.test(st),
               `tandem stopped: the page says so ("${st}": "${err}")`);
  await ui.shot('gateway-gone');
}

async function signOut(checks, ui) {
  await ui.page.getByRole('button', { name: 'Sign out' }).click();
  const st = await ui.waitText('#reg-status', /Not connected|Unregistered/, 8000);
  checks.check(await ui.page.locator('#login').isVisible() && await ui.page.locator('#error').isHidden(),
               `Sign out returns to the login, no error shown ("${st}")`);
}

async function main() {
  const [tandem, tandemPbx, buildScript, nodeDir, outArg] = process.argv.slice(2);
  const out = path.resolve(outArg || '.');
  fs.rmSync(out, { recursive: true, force: true });
  const stack = new Stack(out, { tandem, tandemPbx, buildScript, nodeDir });
  const checks = new Checks();
  const browsers = [];
  const t0 = Date.now();
  try {
    stack.buildSoftphone();
    checks.check(fs.existsSync(path.join(stack.www, 'softphone.js')), `web/softphone/build.sh built the softphone into ${stack.www}`);
    await stack.startPbx();
    stack.writeConfig();
    await stack.startTandem();
    browsers.push(await launch(out, TONE_A), await launch(out, TONE_B));
    const a = await openSoftphone(browsers[0], out, '1000', stack.url);
    await login(stack, checks, a);
    await echo600(checks, a);
    await tone601(checks, a);
    await dtmf602(stack, checks, a);
    await failedCall(checks, a);
    const b = await openSoftphone(browsers[1], out, '1001', stack.url);
    await twoBrowsers(stack, checks, a, b);
    await rejected(checks, a, b);
    await signOut(checks, b);
    await clickToCall(stack, checks, browsers[0], out);
    browsers.push(await launch(out, TONE_A, { micDenied: true }));
    await micDenied(stack, checks, browsers[2], out);
    await gatewayGone(stack, checks, a);
  } catch (e) {
    checks.fail(`stopped early: ${e.stack || e}`);
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    await stack.stopAll();
  }
  for (const c of stack.children) {
    if (/ERROR: AddressSanitizer|runtime error:/.test(c.text)) checks.fail(`${c.name} reported a sanitizer error (${c.logPath})`);
  }
  console.log(`e2e softphone: ${((Date.now() - t0) / 1000).toFixed(1)} s, artefacts in ${out}`);
  process.exit(checks.summary());
}

main().catch((e) => { console.error(e); process.exit(1); });

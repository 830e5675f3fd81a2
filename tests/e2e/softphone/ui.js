// Headless Debian Chromium driving the softphone UI the way a user does: by the labels and roles
// of its controls (playwright-core locators), never through the page's internals. Only audio
// measurement reads the remote MediaStream (window.dominantFrequency, injected from web/precall).
// Each browser has a fake microphone playing its own tone.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { toneWav } = require('../make-tone');
const { addPageHelpers } = require('../support/page_helpers');

const CHROMIUM = process.env.CHROMIUM || '/usr/lib/chromium/chromium';

// `micDenied`: no auto-accepted permission prompt, and every prompt denied, as a user who
// clicks "Block" does.
async function launch(out, toneHz, { micDenied = false } = {}) {
  const wav = path.join(out, `tone${toneHz}-48k.wav`);
  fs.writeFileSync(wav, toneWav(toneHz, 30, 48000));
  const permission = micDenied ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream';
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--disable-gpu', '--use-fake-device-for-media-stream', permission,
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--no-first-run', '--no-default-browser-check', '--disable-dev-shm-usage',
           '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
           '--ignore-certificate-errors', `--use-file-for-fake-audio-capture=${wav}`] });
}

// A softphone page; `ui.shot(name)` saves <out>/<nn>-<name>.png.
async function openSoftphone(browser, out, name, url, viewport = { width: 420, height: 900 }, tap = false) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
  await addPageHelpers(context);
  const page = await context.newPage();
  if (tap) await tapPeerConnections(page);
  const log = fs.createWriteStream(path.join(out, `page-${name}.log`));
  page.on('console', (m) => log.write(`${new Date().toISOString()} [${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`${new Date().toISOString()} [pageerror] ${e.stack || e}\n`));
  await page.goto(url);
  const ui = { page, name, shots: 0 };
  ui.shot = async (step) => {
    openSoftphone.counter = (openSoftphone.counter || 0) + 1;
    const file = path.join(out, `${String(openSoftphone.counter).padStart(2, '0')}-${name}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    return file;
  };
  ui.close = async () => { await context.close().catch(() => {}); log.end(); };
  ui.text = async (selector) => (await page.locator(selector).textContent()) || '';
  // Waits until `selector`'s text matches `re`; resolves with the text (or what it was at timeout).
  ui.waitText = async (selector, re, ms = 15000) => {
    const end = Date.now() + ms;
    let t = '';
    while (Date.now() < end) {
      t = await ui.text(selector).catch(() => '');
      if (re.test(t)) return t;
      await page.waitForTimeout(100);
    }
    return t;
  };
  return ui;
}

// Dominant frequency and RMS of the remote audio over `ms` (parabolic peak of the spectrum).
// `fromWidget`: the click-to-call widget keeps its stream private, so the audio is read from the
// receivers of the peer connections that tapPeerConnections() recorded.
async function measureRemote(page, ms = 1500, fromWidget = false) {
  return page.evaluate(async ([m, widget]) => {
    const receiver = widget && window.__pcs.flatMap((pc) => pc.getReceivers()).find((r) => r.track && r.track.kind === 'audio');
    const stream = widget ? receiver && new MediaStream([receiver.track]) : window.softphone.remoteStream();
    if (!stream) return { error: 'no remote stream' };
    return window.dominantFrequency(stream, m);
  }, [ms, fromWidget]);
}

// Before any page script runs: record every RTCPeerConnection the page creates in window.__pcs.
async function tapPeerConnections(page) {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = function (...args) {
      const pc = new Native(...args);
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, Native);
  });
}

// Audio packets received so far on the call (getStats inbound-rtp).
async function packetsReceived(page) {
  return page.evaluate(async () => {
    const pc = window.softphone.phone.pc;
    if (!pc) return 0;
    let n = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') n = s.packetsReceived; });
    return n;
  });
}

module.exports = { launch, openSoftphone, measureRemote, packetsReceived };

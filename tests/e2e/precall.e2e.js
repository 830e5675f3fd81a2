// End-to-end: `tandem echo` + headless Debian Chromium (playwright-core) running the pre-call
// page. Must run inside a loopback-only network namespace (run-precall.sh makes one).
// Usage: node precall.e2e.js <tandem binary> <web dir> <artefact dir> [--no-video]
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { toneWav } = require('./make-tone');

const [tandemBin, webDir, outDir, ...flags] = process.argv.slice(2);
const withVideo = !flags.includes('--no-video');
const HTTP = '127.0.0.1:8088';
const MEDIA = '127.0.0.1:40000';
const TONE_HZ = 1000;
const CHROMIUM = process.env.CHROMIUM || '/usr/lib/chromium/chromium';

function startTandem() {
  const child = spawn(tandemBin, ['echo', '--http', HTTP, '--media', MEDIA, '--workers', '2', '--web-dir', webDir],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem did not start:\n${log}`)), 10000);
    child.stdout.on('data', (d) => {
      log += d;
      if (log.includes('tandem echo: http://')) { clearTimeout(timer); resolve(); }
    });
    child.stderr.on('data', (d) => { log += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`tandem exited ${code}:\n${log}`)); });
  });
  return { child, ready, log: () => log };
}

function stopTandem(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, 5000);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve(signal ? signal : code); });
    child.kill('SIGTERM');
  });
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const wav = path.join(outDir, `tone${TONE_HZ}-48k.wav`);
  fs.writeFileSync(wav, toneWav(TONE_HZ, 10, 48000));

  const tandem = startTandem();
  await tandem.ready;
  const failures = [];
  let result = null;
  let stats = null;
  let browser = null;
  const t0 = Date.now();
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--no-first-run', '--no-default-browser-check', '--disable-dev-shm-usage',
             '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
             `--use-file-for-fake-audio-capture=${wav}`] });
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
    await page.goto(`http://${HTTP}/precall/?auto=1&seconds=5${withVideo ? '&video=1' : ''}`);
    // Server-side view while the session is alive (the page deletes it when done).
    await page.waitForFunction(() => /Measuring/.test(document.getElementById('status').textContent),
                               null, { timeout: 20000 });
    await new Promise((r) => setTimeout(r, 3000));
    stats = await (await fetch(`http://${HTTP}/api/echo/stats`)).json();
    await page.waitForFunction(() => window.precallResult !== undefined, null, { timeout: 30000 });
    result = await page.evaluate(() => window.precallResult);
    await page.screenshot({ path: path.join(outDir, 'precall.png'), fullPage: true });
  } finally {
    if (browser) await browser.close();
  }
  const exit = await stopTandem(tandem.child);

  const check = (ok, what) => { if (!ok) failures.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
  console.log(JSON.stringify({ result, stats }, null, 2));
  check(result && result.error === null, `no error in the page (${result && result.error})`);
  check(result && result.connected, `ICE+DTLS connected (${result && result.connectMs} ms from start)`);
  check(result && result.packetsReceived > 0, `echoed audio packets received (${result && result.packetsReceived})`);
  check(result && typeof result.frequencyHz === 'number' && Math.abs(result.frequencyHz - TONE_HZ) < 25,
        `echoed tone ≈ ${TONE_HZ} Hz (${result && result.frequencyHz && result.frequencyHz.toFixed(1)} Hz)`);
  check(result && typeof result.rttMs === 'number' && Number.isFinite(result.rttMs),
        `remote-inbound RTT is a number (${result && result.rttMs} ms)`);
  if (withVideo) {
    check(result && result.video && result.video.packetsReceived > 0,
          `echoed video packets received (${result && result.video && result.video.packetsReceived}, ` +
          `frames decoded ${result && result.video && result.video.framesDecoded})`);
  }
  const session = stats && stats.sessions && stats.sessions[0];
  check(session && session.dtls === 'connected' && session.srtp_profile !== '',
        `server: DTLS connected, SRTP ${session && session.srtp_profile}`);
  check(exit === 0, `tandem exited 0 on SIGTERM (${exit})`);
  console.log(`e2e precall: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${8 - failures.length - (withVideo ? 0 : 1)} passed, ${failures.length} failed`);
  if (failures.length) {
    console.log(`--- tandem log ---\n${tandem.log()}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

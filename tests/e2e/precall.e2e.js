// End-to-end: `tandem echo` + headless Debian Chromium (playwright-core) running the pre-call
// page. Must run inside a loopback-only network namespace (run-precall.sh makes one).
// Usage: node precall.e2e.js <tandem binary> <web dir> <artefact dir> [--no-video]
//          [--transport=tcp|udp] [--family=ipv6|ipv4] [--relay]
// --transport/--family make the page drop the answer's other candidates, so the browser can only
// connect that way (ICE-TCP: RFC 6544; IPv6 on ::1); --relay starts coturn and makes the page use
// iceTransportPolicy 'relay' with TURN REST credentials. Each variant checks the path it forced.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const { toneWav } = require('./make-tone');
const { startTurn, turnCredentials } = require('./turn');

const [tandemBin, webDir, outDir, ...flags] = process.argv.slice(2);
const withVideo = !flags.includes('--no-video');
const flagValue = (name) => { const f = flags.find((x) => x.startsWith(`--${name}=`)); return f ? f.split('=')[1] : null; };
const transport = flagValue('transport');
const family = flagValue('family');
const relay = flags.includes('--relay');
const HTTP = '127.0.0.1:8088';
const MEDIA = '127.0.0.1:40000';
const TONE_HZ = 1000;
const CHROMIUM = process.env.CHROMIUM || '/usr/lib/chromium/chromium';

function startTandem() {
  const args = ['echo', '--http', HTTP, '--media', MEDIA, '--workers', '2', '--web-dir', webDir];
  if (family === 'ipv6') args.push('--media6', '::1');
  const child = spawn(tandemBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

  let turn = null;
  const query = new URLSearchParams({ auto: '1', seconds: '5' });
  if (withVideo) query.set('video', '1');
  if (transport) query.set('transport', transport);
  if (family) {
    query.set('family', family);
    console.log(`netns addresses:\n${execFileSync('ip', ['addr'], { encoding: 'utf8' })}`);
  }
  if (relay) {
    turn = startTurn(path.join(outDir, 'turn'));
    await turn.ready;
    const ice = turnCredentials();
    query.set('turn', ice.urls);
    query.set('turnUser', ice.username);
    query.set('turnCredential', ice.credential);
    query.set('policy', 'relay');
  }
  const tandem = startTandem();
  await tandem.ready;
  const failures = [];
  let result = null;
  let stats = null;
  let shown = null;
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
    await page.goto(`http://${HTTP}/precall/?${query}`);
    // Server-side view while the session is alive (the page deletes it when done).
    await page.waitForFunction(() => /Measuring/.test(document.getElementById('status').textContent) ||
                               window.precallResult !== undefined, null, { timeout: 20000 });
    await new Promise((r) => setTimeout(r, 3000));
    stats = await (await fetch(`http://${HTTP}/api/echo/stats`)).json();
    await page.waitForFunction(() => window.precallResult !== undefined, null, { timeout: 30000 });
    result = await page.evaluate(() => window.precallResult);
    shown = await page.evaluate(() => document.getElementById('transport').textContent);
    await page.screenshot({ path: path.join(outDir, 'precall.png'), fullPage: true });
  } finally {
    if (browser) await browser.close();
  }
  const exit = await stopTandem(tandem.child);
  if (turn) {
    await stopTandem(turn.child);
    fs.writeFileSync(path.join(outDir, 'turnserver.log'), turn.log());
  }

  let checks = 0;
  const check = (ok, what) => { checks++; if (!ok) failures.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
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
  // The path: what the browser selected (getStats), what the page showed, what the server used.
  const t = (result && result.transport) || {};
  const local = t.local || {};
  const remote = t.remote || {};
  const offered = (result && result.remoteCandidates) || [];
  check(offered.some((c) => / tcp \d+ \S+ \d+ typ host tcptype passive/.test(c)) || transport === 'udp',
        `the answer offered an ICE-TCP passive candidate (${offered.join(' | ')})`);
  if (transport === 'tcp') {
    check(local.protocol === 'tcp' && remote.protocol === 'tcp' && remote.tcpType === 'passive',
          `selected pair is TCP (local ${local.protocol}/${local.tcpType}, remote ${remote.protocol}/${remote.tcpType})`);
    check(session && session.selected_transport === 'tcp', `server: selected path is TCP (${session && session.selected_path} ${session && session.selected_transport})`);
    check(/^TCP/.test(shown), `the page shows the TCP path ("${shown}")`);
  } else if (relay) {
    check(local.type === 'relay' && local.relayProtocol === 'udp',
          `selected local candidate is a TURN relay (${local.type} ${local.address}:${local.port} relay=${local.relayProtocol})`);
    check(session && session.selected_path.startsWith('127.0.0.2:') && session.selected_transport === 'udp',
          `server: media comes from coturn's relay address (${session && session.selected_path})`);
    check(/^relay/.test(shown), `the page shows the relay path ("${shown}")`);
    const allocations = (turn.log().match(/ALLOCATE processed, success/g) || []).length;
    check(allocations > 0, `coturn logged ${allocations} successful allocation(s)`);
  } else {
    check(local.protocol === 'udp' && remote.protocol === 'udp', `selected pair is UDP (${local.protocol}/${remote.protocol})`);
    check(/^UDP/.test(shown), `the page shows the UDP path ("${shown}")`);
  }
  if (family === 'ipv6') {
    // The browser may use ::1 or the namespace's fd00:e2e::1 as its side; ours is ::1.
    check(remote.address === '::1' && local.address && local.address.includes(':') &&
          session && session.selected_path.startsWith('['),
          `connected over IPv6 (browser ${local.address} -> ${remote.address}, server path ${session && session.selected_path})`);
  }
  check(exit === 0, `tandem exited 0 on SIGTERM (${exit})`);
  console.log(`e2e precall: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${checks - failures.length} passed, ${failures.length} failed`);
  if (failures.length) {
    console.log(`--- tandem log ---\n${tandem.log()}`);
    if (turn) console.log(`--- turnserver log ---\n${turn.log().slice(-4000)}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

// Headless Debian Chromium (playwright-core) for the gateway e2e tests: fake microphone from a
// WAV of a known tone, loopback candidates allowed (rig NOTES §1), the self-signed WSS
// certificate accepted. Each page gets its own browser context, its console in
// <artefacts>/page-<name>.log and a screenshot on close.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { toneWav } = require('../make-tone');
const { addPageHelpers } = require('../support/page_helpers');

const CHROMIUM = process.env.CHROMIUM || '/usr/lib/chromium/chromium';
// Not 1000 Hz: tandem-pbx 601 sends 1000 Hz, and the browser must tell the tone from its own echo.
const TONE_HZ = 440;

async function launch(rig) {
  if (rig.browser) return rig.browser;
  const wav = path.join(rig.out, `tone${TONE_HZ}-48k.wav`);
  fs.writeFileSync(wav, toneWav(TONE_HZ, 20, 48000));
  rig.browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--no-first-run', '--no-default-browser-check', '--disable-dev-shm-usage',
           '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
           '--ignore-certificate-errors', `--use-file-for-fake-audio-capture=${wav}`] });
  return rig.browser;
}

// A page of page/index.html with window.phone ready; `page.done()` saves the screenshot.
async function openPage(rig, name) {
  if (!rig.pageUrl) rig.pageUrl = await rig.servePage();
  const browser = await launch(rig);
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await addPageHelpers(context);
  const page = await context.newPage();
  const log = fs.createWriteStream(path.join(rig.out, `page-${name}.log`));
  page.on('console', (m) => log.write(`${new Date().toISOString()} [${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`${new Date().toISOString()} [pageerror] ${e.stack || e}\n`));
  await page.goto(rig.pageUrl);
  await page.waitForFunction(() => window.phone !== undefined, null, { timeout: 10000 });
  page.done = async () => {
    await page.screenshot({ path: path.join(rig.out, `page-${name}.png`), fullPage: true }).catch(() => {});
    await context.close().catch(() => {});
    log.end();
  };
  return page;
}

module.exports = { launch, openPage, TONE_HZ };

// Writes a mono 16-bit PCM WAV with a sine tone, for Chromium's
// --use-file-for-fake-audio-capture. Usage: node make-tone.js out.wav [hz=1000] [seconds=10] [rate=48000]
'use strict';
const fs = require('fs');

function toneWav(hz, seconds, rate, amplitude = 0.5) {
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);      // fmt chunk size
  header.writeUInt16LE(1, 20);       // PCM
  header.writeUInt16LE(1, 22);       // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);  // byte rate
  header.writeUInt16LE(2, 32);       // block align
  header.writeUInt16LE(16, 34);      // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

module.exports = { toneWav };

if (require.main === module) {
  const [out, hz = '1000', seconds = '10', rate = '48000'] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node make-tone.js out.wav [hz] [seconds] [rate]');
    process.exit(2);
  }
  fs.writeFileSync(out, toneWav(Number(hz), Number(seconds), Number(rate)));
}

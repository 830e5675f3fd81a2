// window.dominantFrequency(stream, ms): listens to a MediaStream for `ms` with a WebAudio
// AnalyserNode and returns { hz, peakDb, rms }: the strongest frequency, by FFT with parabolic
// interpolation of the peak, its level, and the RMS of the last window. The pre-call page shows
// the echoed tone with it; the e2e tests inject this same file into their pages
// (tests/e2e/support/page_helpers.js).
'use strict';
window.dominantFrequency = async function dominantFrequency(stream, ms = 1000) {
  const ctx = new AudioContext();
  await ctx.resume();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 16384;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const spectrum = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(spectrum);
  const wave = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(wave);
  let rms = 0;
  for (const v of wave) rms += v * v;
  rms = Math.sqrt(rms / wave.length);
  let peak = 2;  // above DC and the lowest bin
  for (let i = 2; i < spectrum.length - 1; i++) if (spectrum[i] > spectrum[peak]) peak = i;
  const a = spectrum[peak - 1], b = spectrum[peak], c = spectrum[peak + 1];
  const denom = a - 2 * b + c;
  const offset = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  const hz = ((peak + offset) * ctx.sampleRate) / analyser.fftSize;
  source.disconnect();
  await ctx.close();
  return { hz, peakDb: b, rms };
};

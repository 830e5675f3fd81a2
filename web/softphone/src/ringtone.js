// A ringtone synthesised with WebAudio (no audio files): the 400+450 Hz UK-style double ring,
// 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
export class Ringtone {
  constructor() {
    this.ctx = null;
    this.timer = null;
  }

  start() {
    if (this.timer) return;
    try {
      this.ctx = new AudioContext();
    } catch {
      return;  // no WebAudio: the visual alert remains
    }
    const burst = (at) => {
      const gain = this.ctx.createGain();
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.15, at + 0.02);
      gain.gain.setValueAtTime(0.15, at + 0.38);
      gain.gain.linearRampToValueAtTime(0, at + 0.4);
      gain.connect(this.ctx.destination);
      for (const hz of [400, 450]) {
        const osc = this.ctx.createOscillator();
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start(at);
        osc.stop(at + 0.4);
      }
    };
    const cycle = () => {
      const t = this.ctx.currentTime + 0.05;
      burst(t);
      burst(t + 0.6);
    };
    this.ctx.resume().catch(() => {});
    cycle();
    this.timer = setInterval(cycle, 3000);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.ctx) this.ctx.close().catch(() => {});
    this.ctx = null;
  }
}

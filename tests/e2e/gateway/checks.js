// Verdicts of the gateway e2e tests: every check prints "ok" or "FAIL" with what it saw.
'use strict';

class Checks {
  constructor() { this.passed = 0; this.failed = []; }

  check(ok, what) {
    if (ok) this.passed++; else this.failed.push(what);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    return ok;
  }

  fail(what) { return this.check(false, what); }

  // A frequency within `tolerance` Hz of `expected`.
  near(hz, expected, what, tolerance = 25) {
    const ok = typeof hz === 'number' && Math.abs(hz - expected) <= tolerance;
    return this.check(ok, `${what}: ${typeof hz === 'number' ? hz.toFixed(1) : hz} Hz (want ${expected} ± ${tolerance})`);
  }

  // The RTP tap's flow toward `port` (and its payload types) — the SIP side's view.
  flowTo(tap, port) {
    const key = Object.keys(tap).find((k) => k.endsWith(`>${port}`));
    return key ? { key, ...tap[key] } : null;
  }

  flowFrom(tap, port) {
    const key = Object.keys(tap).find((k) => k.startsWith(`${port}>`));
    return key ? { key, ...tap[key] } : null;
  }

  summary() {
    console.log(`${this.passed} passed, ${this.failed.length} failed`);
    for (const f of this.failed) console.log(`  failed: ${f}`);
    return this.failed.length ? 1 : 0;
  }
}

module.exports = { Checks };

// Simulated time for the demo cluster: starts at real time and runs `speed` times faster, so a
// rollout that takes minutes on a real cluster takes seconds in demos and tests. Every delay in
// sim/ goes through this clock so one factor scales them all.

export interface TimerHandle {
  cancel(): void;
}

export class Clock {
  private baseReal: number;
  private baseSim: number;
  private _speed: number;

  constructor(speed: number = 1) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`clock speed must be a positive number, got ${speed}`);
    this._speed = speed;
    this.baseReal = Date.now();
    this.baseSim = this.baseReal;
  }

  get speed(): number {
    return this._speed;
  }

  /** Changing the speed keeps simulated time continuous (no jump); pending timers keep their real deadline. */
  set speed(v: number) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`clock speed must be a positive number, got ${v}`);
    const now = this.nowMs();
    this.baseReal = Date.now();
    this.baseSim = now;
    this._speed = v;
  }

  nowMs(): number {
    return this.baseSim + (Date.now() - this.baseReal) * this._speed;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** RFC 3339 with seconds precision, as Kubernetes serialises metav1.Time. */
  nowIso(): string {
    return Clock.iso(this.nowMs());
  }

  static iso(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** Real milliseconds for a simulated duration. */
  realMs(simMs: number): number {
    return Math.max(0, simMs / this._speed);
  }

  setTimeout(fn: () => void, simMs: number): TimerHandle {
    const t = setTimeout(fn, this.realMs(simMs));
    // Timers must never keep a finished process (a test, a CLI) alive on their own.
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }

  setInterval(fn: () => void, simMs: number): TimerHandle {
    const t = setInterval(fn, Math.max(1, this.realMs(simMs)));
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.realMs(simMs)));
  }
}

/**
 * Fleet-level outage heuristic (clients.md "Fleet view"): when most of the fleet (≥ 80 % of the
 * clients that were online, at least 3) goes silent within one grace window, it is a broker or
 * network outage, not a device problem: one alert instead of one per client. Pure.
 */
export type OfflineVerdict = 'single' | 'outage' | 'suppressed';

export interface OutageOptions {
  windowMs: number; // one grace window
  ratio?: number; // share of the online fleet that must go silent
  minimum?: number; // clients, at least
}

export class OutageDetector {
  #recent: number[] = []; // times clients went offline, within the window
  #onlineBefore = 0; // online clients when the current outage started
  active = false;
  #opts: Required<OutageOptions>;

  constructor(opts: OutageOptions) {
    this.#opts = { ratio: 0.8, minimum: 3, ...opts };
  }

  /** A client went offline at `at`; `onlineNow` counts online clients after it left. */
  wentOffline(at: number, onlineNow: number): OfflineVerdict {
    this.#recent = this.#recent.filter((t) => at - t < this.#opts.windowMs);
    this.#recent.push(at);
    if (this.active) return 'suppressed';
    const silent = this.#recent.length;
    const wereOnline = onlineNow + silent;
    if (silent >= this.#opts.minimum && silent >= this.#opts.ratio * wereOnline) {
      this.active = true;
      this.#onlineBefore = wereOnline;
      return 'outage';
    }
    return 'single';
  }

  /** A client came back; answers true when this ends a suspected outage (half the fleet is back). */
  cameOnline(onlineNow: number): boolean {
    if (this.active && onlineNow >= this.#onlineBefore / 2) {
      this.active = false;
      this.#recent = [];
      return true;
    }
    return false;
  }
}

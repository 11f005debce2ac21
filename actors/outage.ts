/**
 * Fleet-level outage heuristic (docs/clients-screens.md "Outage alerts"): when most of the fleet (≥ 80 % of
 * the clients that were online, at least 3) goes silent within one grace window, it is a broker or
 * network outage, not a device problem: one alert instead of one per client. Pure.
 *
 * The silent set is kept per client and a client leaves it when it reports again, so a client that
 * went offline and came back is not counted twice (once as silent, once as online).
 */
export type OfflineVerdict = 'single' | 'outage' | 'suppressed';

/** Clients heartbeat about every 65 s: a fleet that goes silent at once goes offline spread over this. */
export const HEARTBEAT_WINDOW_MS = 65_000;

/**
 * How long a per-client offline alert waits (ms) after that client went offline: one heartbeat
 * window plus a margin, so every client of a fleet that went silent together has gone offline (and
 * the heuristic has decided) before the first per-client alert could be shown.
 */
export const OFFLINE_ALERT_SETTLE_MS = HEARTBEAT_WINDOW_MS + 10_000;

export interface OutageOptions {
  windowMs: number; // one grace window
  ratio?: number; // share of the online fleet that must go silent
  minimum?: number; // clients, at least
}

export class OutageDetector {
  #recent = new Map<string, number>(); // client → when it went offline, within the window, still silent
  #onlineBefore = 0; // online clients when the current outage started
  active = false;
  #opts: Required<OutageOptions>;

  constructor(opts: OutageOptions) {
    this.#opts = { ratio: 0.8, minimum: 3, ...opts };
  }

  /** Client `uuid` went offline at `at`; `onlineNow` counts online clients after it left. */
  wentOffline(uuid: string, at: number, onlineNow: number): OfflineVerdict {
    // Insertion order is time order (a re-entry moves to the end), so expired entries are at the
    // front: pruning stops at the first one in the window (O(1) per call when 50,000 go offline).
    for (const [id, t] of this.#recent) {
      if (at - t < this.#opts.windowMs) break;
      this.#recent.delete(id);
    }
    this.#recent.delete(uuid);
    this.#recent.set(uuid, at);
    if (this.active) return 'suppressed';
    const silent = this.#recent.size;
    const wereOnline = onlineNow + silent;
    if (silent >= this.#opts.minimum && silent >= this.#opts.ratio * wereOnline) {
      this.active = true;
      this.#onlineBefore = wereOnline;
      return 'outage';
    }
    return 'single';
  }

  /** The clients in the silent set (went offline within the window, not back yet). */
  silent(): IterableIterator<string> {
    return this.#recent.keys();
  }

  /** Client `uuid` came back; answers true when this ends a suspected outage (half the fleet is back). */
  cameOnline(uuid: string, onlineNow: number): boolean {
    this.#recent.delete(uuid);
    if (this.active && onlineNow >= this.#onlineBefore / 2) {
      this.active = false;
      this.#recent.clear();
      return true;
    }
    return false;
  }
}

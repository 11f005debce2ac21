/**
 * Counters for dropped MQTT input (docs/mqtt.md "Bad input": counted, logged once per client per
 * minute, dropped). Totals per reason, plus a bounded per-client map for the admin view. The
 * `snapshot()` holds aggregates only (it is shown by the unauthenticated /health); per-client
 * detail comes from `topClients()` / `forClient()` for authenticated routes (/api/broker).
 */
import { logger, rateLimiter, type Logger } from '../lib/logger.ts';

export const DROP_REASONS = ['bad_topic', 'bad_json', 'bad_payload', 'too_large', 'handler_error'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface DropCounts {
  total: number;
  byReason: Record<DropReason, number>;
  lastAt: number | null;
}

export interface ClientDrops extends DropCounts {
  uuid: string;
  lastReason: DropReason | null;
  lastDetail: string | null;
}

export interface DropSnapshot extends DropCounts {
  /** Clients with at least one drop still tracked (bounded by `maxClients`). */
  clients: number;
}

export interface DropCounterOptions {
  maxClients?: number; // per-client entries kept; the least recently dropping one is evicted (default 10,000)
  logWindowMs?: number; // one log line per client per window (default 60,000 ms, docs/mqtt.md)
  now?: () => number;
  log?: Logger;
}

const zero = (): Record<DropReason, number> => ({ bad_topic: 0, bad_json: 0, bad_payload: 0, too_large: 0, handler_error: 0 });

/** Key for input that cannot be tied to a client (bad topic, discovery without a valid uuid). */
const UNATTRIBUTED = '(no client)';

export class DropCounter {
  #total: DropCounts = { total: 0, byReason: zero(), lastAt: null };
  #clients = new Map<string, ClientDrops>();
  #max: number;
  #now: () => number;
  #log: Logger;
  #shouldLog: (key: string, now?: number) => boolean;

  constructor(opts: DropCounterOptions = {}) {
    this.#max = opts.maxClients ?? 10_000;
    this.#now = opts.now ?? Date.now;
    this.#log = opts.log ?? logger('mqtt-drops');
    this.#shouldLog = rateLimiter(opts.logWindowMs ?? 60_000, this.#max + 1);
  }

  /** Count one dropped message. `uuid` is the canonical client uuid when the topic had one. */
  record(reason: DropReason, uuid: string | null, detail?: string): void {
    const at = this.#now();
    bump(this.#total, reason, at);
    if (uuid !== null) {
      let c = this.#clients.get(uuid);
      if (c) this.#clients.delete(uuid); // re-insert: Map order = least recently dropping first
      else {
        if (this.#clients.size >= this.#max) this.#clients.delete(this.#clients.keys().next().value!);
        c = { uuid, total: 0, byReason: zero(), lastAt: null, lastReason: null, lastDetail: null };
      }
      bump(c, reason, at);
      c.lastReason = reason;
      c.lastDetail = detail ?? null;
      this.#clients.set(uuid, c);
    }
    const key = uuid ?? UNATTRIBUTED;
    if (this.#shouldLog(key, at)) {
      this.#log.warn(`dropped MQTT input from ${key}: ${reason}${detail ? ` (${detail})` : ''}; further drops from it are counted silently for a minute`);
    }
  }

  snapshot(): DropSnapshot {
    const t = this.#total;
    return { total: t.total, byReason: { ...t.byReason }, lastAt: t.lastAt, clients: this.#clients.size };
  }

  forClient(uuid: string): ClientDrops | null {
    const c = this.#clients.get(uuid);
    return c ? { ...c, byReason: { ...c.byReason } } : null;
  }

  /** Clients with the most drops, most first. */
  topClients(limit = 20): ClientDrops[] {
    return [...this.#clients.values()]
      .sort((a, b) => b.total - a.total || (b.lastAt ?? 0) - (a.lastAt ?? 0))
      .slice(0, limit)
      .map((c) => ({ ...c, byReason: { ...c.byReason } }));
  }
}

function bump(c: DropCounts, reason: DropReason, at: number): void {
  c.total++;
  c.byReason[reason]++;
  c.lastAt = at;
}

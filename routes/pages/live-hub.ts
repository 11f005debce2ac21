/**
 * The live hub (docs/http.md "Live updates"): one bus subscription per app (built by the composition, runtime.ts); connections (the dashboard's
 * HTML stream and the JSON `/api/stream`) subscribe here. Bus events are coalesced per client and
 * delivered in batches:
 *
 * - the main lane flushes at most every `flushMs` (500 ms), leading edge: a quiet fleet's first
 *   change goes out at once, a busy one's at most twice a second, each client at most once per
 *   batch (≤ 1 update per client per 500 ms);
 * - "last seen" alone moves every ~5 s for every healthy client (docs/mqtt.md health cadence) and is
 *   the bulk of all events, so it has its own slower lane (`seenFlushMs`); relative times are
 *   kept fresh in the browser anyway.
 *
 * Every batch bumps `version`; a connection that reconnects with an older version is resynced
 * (sent the current state) instead of being replayed a gap. Resync renders are shared the same
 * way as batch renders (`once`): a fleet of browsers reconnecting together (server restart,
 * Wi-Fi back) costs one render per view, not one per browser. Timers run only while something is
 * pending or someone is connected, and are unref'd: an idle hub never keeps a process alive.
 */
import type { BusEvent, EventBus } from '../../lib/bus.ts';
import { realClock, type Clock } from '../../lib/clock.ts';

export type AlertEvent = Extract<BusEvent, { type: 'alert' }>;
export type CommandEvent = Extract<BusEvent, { type: 'command' }>;
export type StatusEvent = Extract<BusEvent, { type: 'client-status' }>;

export interface Batch {
  version: number;
  /** Clients whose record changed (status, meta, anything but freshness). */
  changed: Set<string>;
  removed: Set<string>;
  /** Freshness only: uuid → lastAlive. */
  seen: Map<string, number>;
  /** The latest status event per client. */
  statuses: Map<string, StatusEvent>;
  alerts: AlertEvent[];
  /** The latest transition per command. */
  commands: Map<string, CommandEvent>;
  outageChanged: boolean;
  /** Render cache shared by every connection for this batch (same fragment, same language). */
  cache: Map<string, unknown>;
}

export interface LiveSink {
  deliver(batch: Batch): void;
  /** Keep-alive tick (every `keepAliveMs`). */
  ping(): void;
  /** The hub is closing (server shutdown): end the stream. */
  close(): void;
}

export interface LiveHubOptions {
  flushMs?: number; // main lane, ms
  seenFlushMs?: number; // last-seen lane, ms
  keepAliveMs?: number; // comment line interval, ms (docs/http.md: every 25 s)
  /** Timers and "now" (tests pass XState's SimulatedClock, so no test depends on the machine's speed). */
  clock?: Clock;
}

const unref = <T>(t: T): T => ((t as { unref?: () => void } | null)?.unref?.(), t);

export class LiveHub {
  readonly flushMs: number;
  readonly seenFlushMs: number;
  readonly keepAliveMs: number;
  readonly #clock: Clock;
  #sinks = new Set<LiveSink>();
  #off: (() => void) | null;
  #version = 0;
  #outage = false;
  #main = emptyPending();
  #seen = new Map<string, number>();
  #mainTimer: unknown = null;
  #seenTimer: unknown = null;
  #pingTimer: unknown = null;
  #lastMainFlush = -Infinity;
  #closed = false;
  #resync: { version: number; until: number; cache: Map<string, unknown> } | null = null;

  constructor(bus: EventBus | undefined, opts: LiveHubOptions = {}) {
    this.flushMs = opts.flushMs ?? 500;
    this.seenFlushMs = opts.seenFlushMs ?? 5000;
    this.keepAliveMs = opts.keepAliveMs ?? 25_000;
    this.#clock = opts.clock ?? realClock;
    this.#off = bus ? bus.on((e) => this.#onEvent(e)) : null;
  }

  /** Bumped by every delivered batch. */
  get version(): number {
    return this.#version;
  }

  /** The supervisor's outage heuristic, as last announced on the bus (docs/clients.md "Fleet view"). */
  get outageSuspected(): boolean {
    return this.#outage;
  }

  get connections(): number {
    return this.#sinks.size;
  }

  /**
   * The render cache for connect-time resyncs: one per version and flush window. Whatever a
   * resync rendered stays correct for a browser connecting later in the same window: every change
   * since is still pending in this hub and reaches that browser with the next batch (it subscribed
   * before its resync, sse.ts).
   */
  resyncCache(): Pick<Batch, 'cache'> {
    const now = this.#clock.now();
    const r = this.#resync;
    if (r && r.version === this.#version && now < r.until) return r;
    this.#resync = { version: this.#version, until: now + this.flushMs, cache: new Map() };
    return this.#resync;
  }

  subscribe(sink: LiveSink): () => void {
    if (this.#closed) {
      sink.close();
      return () => {};
    }
    this.#sinks.add(sink);
    this.#schedulePing();
    return () => {
      this.#sinks.delete(sink);
      if (this.#sinks.size === 0) this.#idle();
    };
  }

  /** Ends every stream and stops listening (runtime shutdown). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#off?.();
    const sinks = [...this.#sinks];
    this.#sinks.clear();
    this.#idle();
    for (const s of sinks) safely(() => s.close());
  }

  #idle(): void {
    // Whatever was pending is dropped undelivered: the next connection must resync.
    this.#version++;
    for (const t of [this.#mainTimer, this.#seenTimer, this.#pingTimer]) if (t !== null) this.#clock.clearTimeout(t);
    this.#mainTimer = this.#seenTimer = this.#pingTimer = null;
    this.#main = emptyPending();
    this.#seen.clear();
    this.#resync = null;
  }

  #onEvent(e: BusEvent): void {
    if (e.type === 'alert' && (e.kind === 'outage-suspected' || e.kind === 'outage-resolved')) {
      this.#outage = e.kind === 'outage-suspected';
      this.#main.outageChanged = true;
    }
    // Nobody listening: nothing to coalesce (the next connection resyncs from the live records).
    if (this.#sinks.size === 0) {
      if (e.type !== 'client-seen') this.#version++;
      return;
    }
    const m = this.#main;
    switch (e.type) {
      case 'client-seen':
        this.#seen.set(e.uuid, e.lastAlive);
        this.#scheduleSeen();
        return;
      case 'client-status':
        m.statuses.set(e.uuid, e);
        m.changed.add(e.uuid);
        m.removed.delete(e.uuid);
        break;
      case 'client-changed':
        m.changed.add(e.uuid);
        m.removed.delete(e.uuid);
        break;
      case 'client-removed':
        m.removed.add(e.uuid);
        m.changed.delete(e.uuid);
        m.statuses.delete(e.uuid);
        this.#seen.delete(e.uuid);
        break;
      case 'alert':
        m.alerts.push(e);
        break;
      case 'command':
        m.commands.set(e.commandId, e);
        break;
    }
    this.#scheduleMain();
  }

  #scheduleMain(): void {
    if (this.#mainTimer !== null) return;
    const wait = Math.max(0, this.#lastMainFlush + this.flushMs - this.#clock.now());
    this.#mainTimer = unref(this.#clock.setTimeout(() => this.#flushMain(), wait));
  }

  #scheduleSeen(): void {
    this.#seenTimer ??= unref(this.#clock.setTimeout(() => this.#flushSeen(), this.seenFlushMs));
  }

  /** Keep-alive as a re-armed timeout (the Clock interface has no interval). */
  #schedulePing(): void {
    this.#pingTimer ??= unref(
      this.#clock.setTimeout(() => {
        this.#pingTimer = null;
        this.#sinks.forEach((s) => safely(() => s.ping()));
        if (this.#sinks.size) this.#schedulePing();
      }, this.keepAliveMs),
    );
  }

  #flushMain(): void {
    this.#mainTimer = null;
    this.#lastMainFlush = this.#clock.now();
    const p = this.#main;
    this.#main = emptyPending();
    this.#deliver({ ...p, seen: new Map() });
  }

  #flushSeen(): void {
    this.#seenTimer = null;
    if (this.#seen.size === 0) return;
    const seen = this.#seen;
    this.#seen = new Map();
    this.#deliver({ ...emptyPending(), seen });
  }

  #deliver(b: Omit<Batch, 'version' | 'cache'>): void {
    const batch: Batch = { ...b, version: ++this.#version, cache: new Map() };
    for (const s of this.#sinks) safely(() => s.deliver(batch));
  }
}

function emptyPending() {
  return {
    changed: new Set<string>(),
    removed: new Set<string>(),
    seen: new Map<string, number>(),
    statuses: new Map<string, StatusEvent>(),
    alerts: [] as AlertEvent[],
    commands: new Map<string, CommandEvent>(),
    outageChanged: false,
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('[live] connection failed', err);
  }
}

/** Computes a value once per batch for every connection (counts, fragments per language). */
export function cached<T>(batch: Pick<Batch, 'cache'>, key: string, make: () => T): T {
  if (batch.cache.has(key)) return batch.cache.get(key) as T;
  const value = make();
  batch.cache.set(key, value);
  return value;
}

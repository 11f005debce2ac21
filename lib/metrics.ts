/**
 * Fleet activity metrics: messages, commands and errors per minute over
 * the last hour, in a fixed ring of one bucket per minute (no allocation on the hot path, memory
 * independent of traffic). Fed three ways:
 * - `message(topic)` from the MQTT receive path (one call per message; `…/logs/error` also counts
 *   as an error);
 * - the bus (`attachBus`): a command issued counts as a command, one that ends failed, timed out,
 *   expired or needing manual intervention as an error;
 * - cumulative counters sampled on `sample()` / `series()` (`track`), e.g. MQTT input dropped as
 *   invalid (broker/drops.ts keeps totals only; its delta since the last sample lands in the
 *   minute current at sampling time).
 * Time comes from an injected `now` (lib/clock.ts in tests: no sleeps).
 */
import type { EventBus } from './bus.ts';

export const METRIC_KINDS = ['messages', 'commands', 'errors'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export interface MinuteBucket {
  /** Start of the minute, epoch ms. */
  at: number;
  messages: number;
  commands: number;
  errors: number;
}

export interface MetricsSnapshot {
  /** One bucket per minute, oldest first; the last one is the current, still growing minute. */
  minutes: MinuteBucket[];
  totals: Record<MetricKind, number>;
  /** Largest single-minute value of any kind (the chart's scale). */
  peak: number;
}

export interface ActivityMetricsOptions {
  now: () => number;
  minutes?: number; // window length in minutes (default 60)
}

const MINUTE = 60_000;
/** Command states that count as an error when a command settles in them (docs/commands.md "States"). */
const FAILED_COMMAND = new Set(['failed', 'timed_out', 'expired', 'manual_intervention_required']);

export class ActivityMetrics {
  readonly minutes: number;
  #now: () => number;
  #stamp: Float64Array; // minute number held by each slot (-1 = empty)
  #counts: Record<MetricKind, Float64Array>;
  #tracked: { kind: MetricKind; read: () => number; last: number }[] = [];
  #ticks = 0;

  constructor(opts: ActivityMetricsOptions) {
    this.minutes = opts.minutes ?? 60;
    this.#now = opts.now;
    this.#stamp = new Float64Array(this.minutes).fill(-1);
    this.#counts = { messages: new Float64Array(this.minutes), commands: new Float64Array(this.minutes), errors: new Float64Array(this.minutes) };
  }

  /** Count `n` of `kind` in the current minute. */
  add(kind: MetricKind, n = 1): void {
    this.#counts[kind][this.#slot(Math.floor(this.#now() / MINUTE))] += n;
  }

  /** One MQTT message received (the hot path: a division, a compare, two increments at most). */
  message(topic: string): void {
    const slot = this.#slot(Math.floor(this.#now() / MINUTE));
    this.#counts.messages[slot]++;
    if (topic.endsWith('/logs/error')) this.#counts.errors[slot]++;
  }

  /** Count the growth of a cumulative counter as `kind` (sampled, see the module comment). */
  track(kind: MetricKind, read: () => number): void {
    this.#tracked.push({ kind, read, last: read() });
  }

  /** Moves tracked counters' growth into the current minute. */
  sample(): void {
    for (const t of this.#tracked) {
      const v = t.read();
      if (v > t.last) this.add(t.kind, v - t.last);
      t.last = v;
    }
  }

  /** A periodic tick (startMetricsTicker): sample, and let live charts know they are due a redraw. */
  tick(): void {
    this.sample();
    this.#ticks++;
  }

  /** Number of ticks so far: a live chart redraws when it moved. */
  get ticks(): number {
    return this.#ticks;
  }

  /** The window ending with the current minute. */
  snapshot(): MetricsSnapshot {
    this.sample();
    const current = Math.floor(this.#now() / MINUTE);
    const out: MinuteBucket[] = [];
    const totals = { messages: 0, commands: 0, errors: 0 };
    let peak = 0;
    for (let m = current - this.minutes + 1; m <= current; m++) {
      const i = mod(m, this.minutes);
      const live = this.#stamp[i] === m;
      const b = {
        at: m * MINUTE,
        messages: live ? this.#counts.messages[i] : 0,
        commands: live ? this.#counts.commands[i] : 0,
        errors: live ? this.#counts.errors[i] : 0,
      };
      for (const k of METRIC_KINDS) {
        totals[k] += b[k];
        if (b[k] > peak) peak = b[k];
      }
      out.push(b);
    }
    return { minutes: out, totals, peak };
  }

  #slot(minute: number): number {
    const i = mod(minute, this.minutes);
    if (this.#stamp[i] !== minute) {
      // The slot last held a minute an hour (or more) ago: start it afresh.
      this.#stamp[i] = minute;
      for (const k of METRIC_KINDS) this.#counts[k][i] = 0;
    }
    return i;
  }
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Commands issued and commands that failed, from the bus (actors/commands.ts emits every transition). */
export function attachBus(metrics: ActivityMetrics, bus: EventBus): () => void {
  return bus.on((e) => {
    if (e.type !== 'command') return;
    if (e.from === null) metrics.add('commands');
    if (FAILED_COMMAND.has(e.to) && e.from !== e.to) metrics.add('errors');
  });
}

/**
 * Every `everyMs`: sample the tracked counters and announce `metrics` on the bus, so live pages
 * redraw their chart even when the fleet is quiet (the live hub forwards it as a batch).
 */
export function startMetricsTicker(metrics: ActivityMetrics, bus: EventBus, everyMs = 10_000, now: () => number = Date.now): () => void {
  const t = setInterval(() => {
    metrics.tick();
    bus.emit({ type: 'metrics', at: now() });
  }, everyMs);
  (t as { unref?: () => void }).unref?.();
  return () => clearInterval(t);
}

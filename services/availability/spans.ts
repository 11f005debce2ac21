/**
 * Connectivity spans (docs/availability.md "Spans"): a screen's recorded changes and the server's
 * own runs turned into online / offline / unknown spans over a window, and the sums the report
 * shows. Pure; every interval is half-open.
 */
import type { Change, Connectivity, Interval, ServerRun, Span } from './types.ts';

/** Sorts, merges overlapping or touching intervals and clips them to [from, to). */
export function mergeIntervals(list: readonly Interval[], from: number, to: number): Interval[] {
  const sorted = list
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/**
 * When the server was up within [from, to). A run counts from its start to its last "alive" mark
 * (a crash loses at most one lease renewal: that time is unknown). The newest run that has not
 * ended is the server answering now (one server per database, docs/operations.md): up until `now`.
 */
export function upIntervals(runs: readonly ServerRun[], from: number, to: number, now: number): Interval[] {
  let newest: ServerRun | null = null;
  for (const r of runs) if (!newest || r.startedAt >= newest.startedAt) newest = r;
  const spans = runs.map((r) => ({ start: r.startedAt, end: r === newest && r.endedAt === null ? Math.max(r.aliveUntil, now) : r.aliveUntil }));
  return mergeIntervals(spans, from, to);
}

/**
 * The spans of one screen over [from, to): the state recorded last before `from` (`before`, null
 * when nothing was recorded yet: unknown), then each change in order. Outside the server's up time
 * the state is unknown, never offline: nobody was watching. Adjacent spans of one state are merged.
 */
export function connectivitySpans(before: Connectivity | null, changes: readonly Change[], up: readonly Interval[], from: number, to: number): Span[] {
  const out: Span[] = [];
  const push = (start: number, end: number, state: Connectivity) => {
    if (end <= start) return;
    const last = out.at(-1);
    if (last && last.state === state && last.end === start) last.end = end;
    else out.push({ start, end, state });
  };
  let u = 0; // first up interval that may still overlap
  const emit = (start: number, end: number, state: Connectivity) => {
    let cursor = start;
    while (u < up.length && up[u].end <= cursor) u++;
    for (let k = u; k < up.length && up[k].start < end && cursor < end; k++) {
      const s = Math.max(up[k].start, cursor);
      push(cursor, s, 'unknown');
      const e = Math.min(up[k].end, end);
      push(s, e, state);
      cursor = e;
    }
    push(cursor, end, 'unknown');
  };
  let cursor = from;
  let state: Connectivity = before ?? 'unknown';
  for (const c of changes) {
    if (c.at >= to) break;
    if (c.at > cursor) {
      emit(cursor, c.at, state);
      cursor = c.at;
    }
    state = c.state;
  }
  emit(cursor, to, state);
  return out;
}

/** The parts of `spans` inside `mask` (sorted, merged intervals); `null` = no mask, all of them. */
export function clipSpans(spans: readonly Span[], mask: readonly Interval[] | null): Span[] {
  if (!mask) return spans.slice();
  const out: Span[] = [];
  let m = 0;
  for (const s of spans) {
    while (m < mask.length && mask[m].end <= s.start) m++;
    for (let k = m; k < mask.length && mask[k].start < s.end; k++) {
      const start = Math.max(s.start, mask[k].start);
      const end = Math.min(s.end, mask[k].end);
      if (end > start) out.push({ start, end, state: s.state });
    }
  }
  return out;
}

export interface Totals {
  onlineMs: number;
  offlineMs: number;
  unknownMs: number;
  /** Offline spans that reach into the counted time (an outage across a closed night counts once). */
  incidents: number;
  /** The most counted time of one offline span. */
  longestOutageMs: number;
}

/**
 * Sums over the spans, counting only time inside `mask` (null: all of it). Availability is online
 * time over known time: unknown time (server down, screen never heard from) counts for neither.
 */
export function totals(spans: readonly Span[], mask: readonly Interval[] | null): Totals {
  const t: Totals = { onlineMs: 0, offlineMs: 0, unknownMs: 0, incidents: 0, longestOutageMs: 0 };
  let m = 0;
  for (const s of spans) {
    let inside = s.end - s.start;
    if (mask) {
      inside = 0;
      while (m < mask.length && mask[m].end <= s.start) m++;
      for (let k = m; k < mask.length && mask[k].start < s.end; k++) inside += Math.min(s.end, mask[k].end) - Math.max(s.start, mask[k].start);
    }
    if (inside <= 0) continue;
    if (s.state === 'online') t.onlineMs += inside;
    else if (s.state === 'unknown') t.unknownMs += inside;
    else {
      t.offlineMs += inside;
      t.incidents++;
      t.longestOutageMs = Math.max(t.longestOutageMs, inside);
    }
  }
  return t;
}

/** Online share of the known time in percent, floored to 0.01 (never shows 100 with an outage); null without known time. */
export function availabilityPct(onlineMs: number, offlineMs: number): number | null {
  const known = onlineMs + offlineMs;
  return known > 0 ? Math.floor((onlineMs / known) * 10_000) / 100 : null;
}

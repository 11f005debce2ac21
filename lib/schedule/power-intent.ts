/**
 * TV power intent per group (docs/scheduler.md "TV power intent"): pure decisions, no I/O.
 * - `on` while any event is active; the window is the merged run of back-to-back or overlapping
 *   occurrences around now, so there is no `off` between adjacent events.
 * - A semantic change (desired_state or reason) gets a new intent_id; anything else keeps it.
 * - expires_at = issued_at + max(multiplier × poll interval, minimum expiry).
 */
import type { Occurrence } from './types.ts';

export interface IntentSemantics {
  desiredState: 'on' | 'off';
  reason: 'active_event' | 'no_active_event';
  activeEventIds: number[];
  windowStart: number | null;
  windowEnd: number | null;
}

export interface IntentState extends IntentSemantics {
  intentId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface IntentPolicy {
  pollSeconds: number; // POLL_INTERVAL_SECONDS
  expiryMultiplier: number; // POWER_INTENT_EXPIRY_MULTIPLIER (3)
  minExpirySeconds: number; // POWER_INTENT_MIN_EXPIRY_SECONDS (90)
}

export function expirySeconds(p: IntentPolicy): number {
  return Math.max(p.expiryMultiplier * p.pollSeconds, p.minExpirySeconds);
}

/**
 * What the group's TVs should do at `now`, from its occurrences (active events only, any order).
 * The window merges every occurrence that overlaps or touches the run containing now.
 */
export function desiredIntent(occurrences: Occurrence[], now: number): IntentSemantics {
  const active = occurrences.filter((o) => o.event.isActive && o.start <= now && now < o.end);
  if (active.length === 0) return { desiredState: 'off', reason: 'no_active_event', activeEventIds: [], windowStart: null, windowEnd: null };
  const spans = occurrences.filter((o) => o.event.isActive).sort((a, b) => a.start - b.start);
  let start = Infinity;
  let end = -Infinity;
  for (const o of spans) {
    if (o.start > end) {
      // A gap before this occurrence: the run containing now is finished once it started before now.
      if (start <= now && now < end) break;
      start = o.start;
      end = o.end;
    } else if (o.end > end) end = o.end;
  }
  const ids = [...new Set(active.map((o) => o.event.id))].sort((a, b) => a - b);
  return { desiredState: 'on', reason: 'active_event', activeEventIds: ids, windowStart: start, windowEnd: end };
}

export function sameSemantics(a: IntentSemantics, b: IntentSemantics): boolean {
  return a.desiredState === b.desiredState && a.reason === b.reason;
}

/** Same content apart from the timestamps and the id: nothing to publish at once. */
export function sameContent(a: IntentSemantics, b: IntentSemantics): boolean {
  return (
    sameSemantics(a, b) &&
    a.windowStart === b.windowStart &&
    a.windowEnd === b.windowEnd &&
    a.activeEventIds.length === b.activeEventIds.length &&
    a.activeEventIds.every((id, i) => id === b.activeEventIds[i])
  );
}

export interface IntentStep {
  state: IntentState;
  /** desired_state or reason changed (or there was no previous intent): a new intent_id. */
  transition: boolean;
  /** Anything but the timestamps changed: publish at once, not only at the heartbeat. */
  changed: boolean;
}

/** The next intent: a new id on a semantic change, otherwise the previous id with fresh timestamps. */
export function nextIntent(prev: IntentState | null, wanted: IntentSemantics, now: number, policy: IntentPolicy, newId: () => string): IntentStep {
  const transition = prev === null || !sameSemantics(prev, wanted);
  const state: IntentState = {
    ...wanted,
    intentId: transition ? newId() : prev!.intentId,
    issuedAt: now,
    expiresAt: now + expirySeconds(policy) * 1000,
  };
  return { state, transition, changed: transition || !sameContent(prev!, wanted) };
}

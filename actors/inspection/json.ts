/**
 * The JSON view of inspected actors and their history rows (the `/api/inspector/*` twin of the
 * pages; times UTC ISO 8601 like every API answer, docs/http.md). Context is included raw only in the
 * single-actor view, through `contextJson`'s safe serialisation.
 */
import { iso } from '../../lib/time.ts';
import type { HistoryRow, InspectedActor } from './feed.ts';
import { contextSummary, eventSummary, valueDiff } from './summary.ts';

export function actorJson(a: InspectedActor) {
  return {
    id: a.id,
    kind: a.kind,
    machine: a.machineId,
    status: a.status,
    value: a.value,
    states: a.paths,
    startedAt: iso(a.startedAt),
    changedAt: iso(a.changedAt),
    updatedAt: iso(a.updatedAt),
    summary: contextSummary(a.context),
  };
}

export function rowJson(r: HistoryRow) {
  const { left, entered } = valueDiff(r.from, r.to);
  return {
    seq: r.seq,
    at: iso(r.at),
    since: iso(r.since),
    event: r.event.type,
    payload: eventSummary(r.event),
    transition: r.transition,
    folded: r.folded,
    from: r.from,
    to: r.to,
    left,
    entered,
    status: r.status,
  };
}

/** Context through a JSON round trip that cannot throw (Maps, cycles, refs: see contextJson). */
export function plainContext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

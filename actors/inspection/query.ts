/**
 * Questions the inspector pages and API ask the feed (docs/inspector.md "The contract"): actors filtered
 * by machine, state and a search text (client uuid, command id), and counts per machine and state.
 * Plain scans: with 50,000 clients one scan takes a few milliseconds, and only superadmins with
 * the page open ask.
 */
import type { InspectedActor, InspectionFeed } from './feed.ts';
import { matchesState } from './summary.ts';

export interface ActorQuery {
  machine?: string;
  /** A state path: `process.crashed`, `live`, `connectivity.offline`. */
  state?: string;
  /** Part of the actor id or of the client uuid / command id in its context. */
  q?: string;
  /** Recently stopped actors instead of live ones. */
  stopped?: boolean;
  limit?: number;
  offset?: number;
}

export interface ActorPage {
  total: number;
  actors: InspectedActor[];
}

const SEARCH_FIELDS = ['clientUuid', 'uuid', 'commandId', 'runId'] as const;

function matchesSearch(a: InspectedActor, q: string): boolean {
  if (a.id.toLowerCase().includes(q)) return true;
  const ctx = a.context as Record<string, unknown> | null;
  if (!ctx || typeof ctx !== 'object') return false;
  for (const k of SEARCH_FIELDS) {
    const v = ctx[k];
    if (typeof v === 'string' && v.toLowerCase().includes(q)) return true;
  }
  return false;
}

/** Matching actors, most recently changed first. */
export function queryActors(feed: InspectionFeed, query: ActorQuery): ActorPage {
  const q = query.q?.trim().toLowerCase() ?? '';
  const out: InspectedActor[] = [];
  for (const a of query.stopped ? feed.stopped() : feed.live()) {
    if (query.machine && a.machineId !== query.machine) continue;
    if (query.state && !matchesState(a.paths, query.state)) continue;
    if (q && !matchesSearch(a, q)) continue;
    out.push(a);
  }
  out.sort((x, y) => y.changedAt - x.changedAt || (x.id < y.id ? -1 : 1));
  const offset = query.offset ?? 0;
  return { total: out.length, actors: out.slice(offset, offset + (query.limit ?? out.length)) };
}

export interface MachineCount {
  machineId: string;
  total: number;
  /** Per leaf state path, in the order first seen. */
  states: Array<{ path: string; count: number }>;
}

export function countByMachine(feed: InspectionFeed): MachineCount[] {
  const by = new Map<string, { total: number; states: Map<string, number> }>();
  for (const id of feed.machines.ids()) by.set(id, { total: 0, states: new Map() });
  for (const a of feed.live()) {
    let m = by.get(a.machineId);
    if (!m) by.set(a.machineId, (m = { total: 0, states: new Map() }));
    m.total++;
    for (const p of a.paths) m.states.set(p, (m.states.get(p) ?? 0) + 1);
  }
  return [...by.entries()].map(([machineId, m]) => ({
    machineId,
    total: m.total,
    states: [...m.states.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([path, count]) => ({ path, count })),
  }));
}

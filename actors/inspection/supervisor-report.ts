/**
 * What the supervisor knows right now, for its inspector page and `GET /api/inspector/actors/supervisor`
 * (docs/inspector.md): client actors by derived status and by region state, commands in flight by
 * status, running bulk runs, and its own story (restore, failures isolated, outage state) from the
 * supervisor actor. Computed on request with one pass over the registry: only superadmins with the
 * page open ask, and the live aggregates would cost the hot path if they were kept up to date.
 */
import type { ClientRecord } from '../../domain/client.types.ts';
import type { CommandRecord } from '../../domain/command.types.ts';
import type { SupervisorContext } from '../supervisor.machine.ts';

export interface SupervisorSource {
  list(): ClientRecord[];
  stateCounts(): Record<string, number>;
  readonly onlineCount: number;
  readonly outageSuspected: boolean;
  readonly story: { getSnapshot(): { value: unknown; context: SupervisorContext } };
}

export interface SupervisorReport {
  clients: {
    total: number;
    online: number;
    /** Derived status: healthy, warning, critical, offline. */
    byStatus: Record<string, number>;
    /** Per region of the client machine, from the actors' snapshots: state → count (`process: {running: 9, crashed: 1}`). */
    byRegion: Record<string, Record<string, number>>;
  };
  commands: { inFlight: number; byStatus: Record<string, number> };
  bulkRuns: { running: number };
  outage: { suspected: boolean; since: number | null; count: number; lastEnded: number | null };
  restore: { clients: number; ms: number | null; at: number | null };
  failures: { isolated: number; last: SupervisorContext['lastFailure'] };
  state: unknown;
}

const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

export function supervisorReport(
  supervisor: SupervisorSource,
  commands?: { live(): CommandRecord[] },
  bulkRuns?: { list(): Array<{ status: string }> },
): SupervisorReport {
  const byStatus: Record<string, number> = { healthy: 0, warning: 0, critical: 0, offline: 0 };
  const records = supervisor.list();
  for (const r of records) bump(byStatus, r.status);
  const regions: Record<string, Record<string, number>> = {};
  for (const [path, n] of Object.entries(supervisor.stateCounts()).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const dot = path.indexOf('.');
    const region = dot < 0 ? path : path.slice(0, dot);
    (regions[region] ??= {})[dot < 0 ? path : path.slice(dot + 1)] = n;
  }
  const cmdStatus: Record<string, number> = {};
  const live = commands?.live() ?? [];
  for (const c of live) bump(cmdStatus, c.status);
  const snap = supervisor.story.getSnapshot();
  const ctx = snap.context;
  return {
    clients: { total: records.length, online: supervisor.onlineCount, byStatus, byRegion: regions },
    commands: { inFlight: live.length, byStatus: cmdStatus },
    bulkRuns: { running: (bulkRuns?.list() ?? []).filter((r) => r.status === 'running').length },
    outage: { suspected: supervisor.outageSuspected, since: ctx.outageSince, count: ctx.outages, lastEnded: ctx.lastOutageEnded },
    restore: { clients: ctx.restored, ms: ctx.restoreMs, at: ctx.restoredAt },
    failures: { isolated: ctx.failuresIsolated, last: ctx.lastFailure },
    state: snap.value,
  };
}

/**
 * What `/monitoring` shows (docs/clients.md "Fleet view"), apart from how: the crashed/unreachable
 * panel, the service-failed panel, the status table's pages, the newest live command per crashed
 * row. No database read: the page and its live stream (live-monitoring.ts) both build on this.
 */
import type { ClientRecord } from '../../domain/client.types.ts';
import type { CommandRecord } from '../../domain/command.types.ts';
import { isAlive } from '../client-json.ts';
import { bySeverity } from './overview.model.ts';
import type { PageDeps } from './kit.ts';

export const TABLE_PAGE = 100; // rows per page of the status table

export interface CrashedEntry {
  r: ClientRecord;
  reason: 'process_crashed' | 'heartbeat_stale';
}

/** Why a client is in the crashed/unreachable panel (a crashed process wins over a stale heartbeat). */
export const crashReason = (r: Pick<ClientRecord, 'processStatus'>): CrashedEntry['reason'] => (r.processStatus === 'crashed' ? 'process_crashed' : 'heartbeat_stale');

/** docs/clients.md "Fleet view": active clients whose process crashed or whose heartbeat is stale. */
export function crashedList(records: ClientRecord[], graceSeconds: number, now: number): CrashedEntry[] {
  return records
    .filter((r) => r.isActive && (r.processStatus === 'crashed' || !isAlive(r, graceSeconds, now)))
    .map((r) => ({ r, reason: crashReason(r) }))
    .sort((a, b) => (a.reason === b.reason ? bySeverity(a.r, b.r) : a.reason === 'process_crashed' ? -1 : 1));
}

/** Newest failure first (docs/clients.md "Fleet view"). */
export function serviceFailedList(records: ClientRecord[]): ClientRecord[] {
  return records.filter((r) => r.serviceFailedAt !== null).sort((a, b) => b.serviceFailedAt! - a.serviceFailedAt!);
}

export function tablePage(records: ClientRecord[], page: number) {
  const pages = Math.max(1, Math.ceil(records.length / TABLE_PAGE));
  const p = Math.min(Math.max(1, page), pages);
  const rows = [...records].sort(bySeverity).slice((p - 1) * TABLE_PAGE, p * TABLE_PAGE);
  return { page: p, pages, rows };
}

export function parsePage(raw: string | undefined): number {
  return raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
}

/** The command shown in a crashed row: its action and where it stands. */
export type RowCommand = Pick<CommandRecord, 'action' | 'status'>;

/**
 * The newest live command per client among `uuids` (actors/commands.ts `live()`, newest first;
 * not in the routes' CommandsApi pick, hence the optional lookup). Settled commands leave the
 * registry; the row then shows the last transition the live stream delivered.
 */
export function latestLiveCommands(deps: PageDeps, uuids: Iterable<string>): Map<string, RowCommand> {
  const want = new Set(uuids);
  const out = new Map<string, RowCommand>();
  const registry = deps.commands as { live?: () => CommandRecord[] } | undefined;
  if (!want.size || !registry?.live) return out;
  for (const c of registry.live()) if (want.has(c.clientUuid) && !out.has(c.clientUuid)) out.set(c.clientUuid, { action: c.action, status: c.status });
  return out;
}

/** The panels and the table (no database read: the live stream re-renders these). */
export function monitoringLive(deps: PageDeps, page: number) {
  const version = deps.hub.version;
  const records = deps.fleet.list();
  const t = deps.now();
  const table = tablePage(records, page);
  const crashed = crashedList(records, deps.fleet.graceSeconds, t);
  return {
    counts: deps.fleet.counts(),
    crashed,
    latestCommands: latestLiveCommands(deps, crashed.map((x) => x.r.uuid)),
    commandsEnabled: !!deps.commands,
    serviceFailed: serviceFailedList(records),
    ...table,
    liveUrl: `/live/monitoring?page=${table.page}&v=${version}`,
  };
}

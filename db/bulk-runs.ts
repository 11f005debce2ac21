/**
 * Named queries for bulk runs (docs/commands.md "Bulk actions"). A run's commands are ordinary
 * client_commands rows tagged with `bulk_run_id`.
 *
 * A group "exists" when a `groups` row has its id or any client is assigned to it (clients may
 * carry an id without a row); the client half is checked by the caller against the live fleet.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { CommandAction, CommandRecord } from '../domain/command.types.ts';
import type { BulkCounts, StopReason } from '../domain/bulk-run.types.ts';
import { rowToCommand } from './commands.ts';
import { fromIso, iso } from '../lib/time.ts';

/** A run as saved by actors/bulk-runs.ts (migration 0011) after each change. */
export interface BulkRunRow {
  id: string;
  groupId: number;
  action: CommandAction;
  reason: string;
  requestedBy: number | null;
  targets: number;
  status: 'running' | 'done';
  issuing: boolean; // more commands were still to be issued
  counts: BulkCounts;
  stop: StopReason | null;
  startedAt: number;
  finishedAt: number | null;
}

const COLUMNS = 'id, group_id, action, reason, requested_by, targets, status, issuing, counts, stop_code, stop_params, started_at, finished_at';

export function upsertBulkRunStatement(r: BulkRunRow): InStatement {
  const { code, ...params } = r.stop ?? { code: null };
  return {
    sql:
      `INSERT INTO bulk_runs (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET ` +
      'status = excluded.status, issuing = excluded.issuing, counts = excluded.counts, stop_code = excluded.stop_code, ' +
      'stop_params = excluded.stop_params, finished_at = excluded.finished_at',
    args: [
      r.id, r.groupId, r.action, r.reason, r.requestedBy, r.targets, r.status, r.issuing ? 1 : 0, JSON.stringify(r.counts),
      code, code === null ? null : JSON.stringify(params), iso(r.startedAt), iso(r.finishedAt),
    ],
  };
}

function rowToBulkRun(row: Row): BulkRunRow {
  const code = row.stop_code as StopReason['code'] | null;
  return {
    id: String(row.id),
    groupId: Number(row.group_id),
    action: row.action as CommandAction,
    reason: String(row.reason),
    requestedBy: row.requested_by === null ? null : Number(row.requested_by),
    targets: Number(row.targets),
    status: row.status === 'done' ? 'done' : 'running',
    issuing: Number(row.issuing) === 1,
    counts: JSON.parse(String(row.counts)) as BulkCounts,
    stop: code === null ? null : ({ code, ...JSON.parse(String(row.stop_params ?? '{}')) } as StopReason),
    startedAt: fromIso(row.started_at as string)!,
    finishedAt: fromIso(row.finished_at as string | null),
  };
}

/** One saved run, or null. */
export async function getBulkRun(db: Db, id: string): Promise<BulkRunRow | null> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM bulk_runs WHERE id = ?`, args: [id] });
  return rs.rows.length ? rowToBulkRun(rs.rows[0]) : null;
}

/** The newest saved runs, newest first. */
export async function listBulkRuns(db: Db, limit: number): Promise<BulkRunRow[]> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM bulk_runs ORDER BY started_at DESC, id LIMIT ?`, args: [limit] });
  return rs.rows.map(rowToBulkRun);
}

/** Every command of one bulk run, in creation order. */
export async function commandsOfBulkRun(db: Db, runId: string): Promise<CommandRecord[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM client_commands WHERE bulk_run_id = ? ORDER BY created_at, id', args: [runId] });
  return rs.rows.map(rowToCommand);
}

export async function groupRowExists(db: Db, id: number): Promise<boolean> {
  const rs = await db.execute({ sql: 'SELECT 1 FROM groups WHERE id = ?', args: [id] });
  return rs.rows.length > 0;
}

/**
 * Named queries for persisted alerts (0005_alerts.sql): one row per deduplicated group
 * (services/alerts/center.ts). Writes are statements for the one writer (docs/architecture.md "One writer").
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertRow {
  id: string;
  kind: string;
  severity: Severity;
  message: string;
  clientUuid: string | null;
  commandId: string | null;
  params: Record<string, string>;
  count: number;
  firstAt: number;
  lastAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: number | null;
}

export function insertAlertStatement(a: AlertRow): InStatement {
  return {
    sql: `INSERT INTO alerts (id, kind, severity, message, client_uuid, command_id, params, count, first_at, last_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [a.id, a.kind, a.severity, a.message, a.clientUuid, a.commandId, JSON.stringify(a.params), a.count, iso(a.firstAt), iso(a.lastAt)],
  };
}

/** A repeat inside the dedup window: latest message, severity and parameters, one more in the counter. */
export function repeatAlertStatement(a: Pick<AlertRow, 'id' | 'severity' | 'message' | 'commandId' | 'params' | 'count' | 'lastAt'>): InStatement {
  return {
    sql: 'UPDATE alerts SET severity = ?, message = ?, command_id = ?, params = ?, count = ?, last_at = ? WHERE id = ?',
    args: [a.severity, a.message, a.commandId, JSON.stringify(a.params), a.count, iso(a.lastAt), a.id],
  };
}

/** Acknowledges the given alerts (already acknowledged ones keep who and when). */
export function ackAlertsStatement(ids: string[], by: number, at: number): InStatement {
  return {
    sql: `UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE acknowledged_at IS NULL AND id IN (${ids.map(() => '?').join(', ')})`,
    args: [iso(at), by, ...ids],
  };
}

function toAlert(r: Row): AlertRow {
  let params: Record<string, string> = {};
  try {
    const p = JSON.parse(String(r.params ?? '{}'));
    if (p && typeof p === 'object') params = p;
  } catch {
    // a broken row still lists
  }
  return {
    id: String(r.id),
    kind: String(r.kind),
    severity: String(r.severity) as Severity,
    message: String(r.message),
    clientUuid: r.client_uuid === null ? null : String(r.client_uuid),
    commandId: r.command_id === null ? null : String(r.command_id),
    params,
    count: Number(r.count),
    firstAt: fromIso(r.first_at) ?? 0,
    lastAt: fromIso(r.last_at) ?? 0,
    acknowledgedAt: fromIso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by === null ? null : Number(r.acknowledged_by),
  };
}

export async function getAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM alerts WHERE id = ?', args: [id] });
  return rs.rows[0] ? toAlert(rs.rows[0]) : undefined;
}

export interface AlertFilter {
  open?: boolean; // only unacknowledged
  acknowledged?: boolean; // only acknowledged
  kind?: string;
  severity?: Severity;
  clientUuid?: string;
  /** Only alerts whose latest occurrence is at or after this time (ms). */
  since?: number;
  limit: number;
  offset: number;
}

/** Newest first (by latest occurrence), paged. */
export async function listAlerts(db: Db, f: AlertFilter): Promise<{ alerts: AlertRow[]; total: number; open: number }> {
  const where: string[] = [];
  const args: string[] = [];
  if (f.open) where.push('acknowledged_at IS NULL');
  if (f.acknowledged) where.push('acknowledged_at IS NOT NULL');
  if (f.kind) (where.push('kind = ?'), args.push(f.kind));
  if (f.severity) (where.push('severity = ?'), args.push(f.severity));
  if (f.clientUuid) (where.push('client_uuid = ?'), args.push(f.clientUuid));
  if (f.since !== undefined) (where.push('last_at >= ?'), args.push(new Date(f.since).toISOString()));
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const [rows, count, open] = await Promise.all([
    db.execute({ sql: `SELECT * FROM alerts${clause} ORDER BY last_at DESC, id LIMIT ? OFFSET ?`, args: [...args, f.limit, f.offset] }),
    db.execute({ sql: `SELECT COUNT(*) AS n FROM alerts${clause}`, args }),
    db.execute('SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NULL'),
  ]);
  return { alerts: rows.rows.map(toAlert), total: Number(count.rows[0]?.n ?? 0), open: Number(open.rows[0]?.n ?? 0) };
}

/** Ids of every unacknowledged alert (acknowledge all). */
export async function openAlertIds(db: Db): Promise<string[]> {
  const rs = await db.execute('SELECT id FROM alerts WHERE acknowledged_at IS NULL');
  return rs.rows.map((r) => String(r.id));
}

/** Ids of the unacknowledged alerts of one kind for one client (monitoring's acknowledge of a service failure). */
export async function openAlertIdsOf(db: Db, kind: string, clientUuid: string): Promise<string[]> {
  const rs = await db.execute({ sql: 'SELECT id FROM alerts WHERE acknowledged_at IS NULL AND kind = ? AND client_uuid = ?', args: [kind, clientUuid] });
  return rs.rows.map((r) => String(r.id));
}

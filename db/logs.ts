/**
 * Named queries for client logs (clients.md "Logs, screenshots, retention"; http.md client-logs).
 *
 * Two clocks: `timestamp` is the client's (what operators read, what `since` and the summary
 * windows filter on, as in the original API); `received_at` is the server's, used where our own
 * timing matters: retention (a client with a broken clock cannot keep rows forever) and
 * `recentLogLevels` (the actors count logs by arrival time). Writes are statements for the writer.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { LogEntry } from '../broker/ingest.port.ts';
import type { LogLevel } from '../actors/client.types.ts';
import { fromIso } from '../lib/time.ts';

export const LOG_LEVELS: readonly LogLevel[] = ['ERROR', 'WARN', 'INFO', 'DEBUG'];

export interface LogJson {
  id: number;
  timestamp: string; // ISO Z, the client's clock
  level: LogLevel;
  message: string;
  context: unknown; // parsed JSON, or null
}

export interface Writes {
  enqueue(...statements: InStatement[]): void;
  drain(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function parseContext(raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  try {
    return JSON.parse(String(raw));
  } catch {
    return String(raw);
  }
}

/** A client_logs row as the API returns it (also used by log-pages.ts). */
export function toLog(r: Row): LogJson {
  return {
    id: Number(r.id),
    timestamp: String(r.timestamp),
    level: String(r.level) as LogLevel,
    message: String(r.message),
    context: parseContext(r.context),
  };
}

export function insertLogStatement(uuid: string, entry: LogEntry, receivedAt: number): InStatement {
  const context = entry.context === undefined || entry.context === null ? null : JSON.stringify(entry.context);
  return {
    sql: 'INSERT INTO client_logs (client_uuid, level, timestamp, received_at, message, context) VALUES (?, ?, ?, ?, ?, ?)',
    args: [uuid, entry.level, iso(entry.timestamp), iso(receivedAt), entry.message, context],
  };
}

export interface LogQuery {
  level?: LogLevel;
  limit: number;
  since?: number; // epoch ms, compared with the client's timestamp
}

/** One client's logs, newest first. */
export async function listLogs(db: Db, uuid: string, q: LogQuery): Promise<LogJson[]> {
  const where = ['client_uuid = ?'];
  const args: (string | number)[] = [uuid];
  if (q.level) where.push('level = ?'), args.push(q.level);
  if (q.since !== undefined) where.push('timestamp >= ?'), args.push(iso(q.since));
  args.push(q.limit);
  const rs = await db.execute({
    sql: `SELECT id, timestamp, level, message, context FROM client_logs WHERE ${where.join(' AND ')}
          ORDER BY timestamp DESC, id DESC LIMIT ?`,
    args,
  });
  return rs.rows.map(toLog);
}

export type LevelCounts = { ERROR: number; WARN: number; INFO: number };

/** Per client ERROR/WARN/INFO counts since `sinceMs` (only clients with at least one log). */
export async function logSummary(db: Db, sinceMs: number): Promise<Record<string, LevelCounts>> {
  const rs = await db.execute({
    sql: `SELECT client_uuid, level, COUNT(*) AS n FROM client_logs
          WHERE level IN ('ERROR', 'WARN', 'INFO') AND timestamp >= ? GROUP BY client_uuid, level`,
    args: [iso(sinceMs)],
  });
  const out: Record<string, LevelCounts> = {};
  for (const r of rs.rows) {
    const counts = (out[String(r.client_uuid)] ??= { ERROR: 0, WARN: 0, INFO: 0 });
    counts[String(r.level) as keyof LevelCounts] = Number(r.n);
  }
  return out;
}

export interface RecentError extends LogJson {
  uuid: string;
  clientName: string; // description, else hostname, else uuid
  description: string | null;
  hostname: string | null;
}

/** Newest ERROR logs across the fleet with the client's names. */
export async function recentErrors(db: Db, limit: number): Promise<RecentError[]> {
  const rs = await db.execute({
    sql: `SELECT l.id, l.client_uuid, l.timestamp, l.level, l.message, l.context, c.description, c.hostname
          FROM client_logs l LEFT JOIN clients c ON c.uuid = l.client_uuid
          WHERE l.level = 'ERROR' ORDER BY l.timestamp DESC, l.id DESC LIMIT ?`,
    args: [limit],
  });
  return rs.rows.map((r) => {
    const description = r.description === null ? null : String(r.description);
    const hostname = r.hostname === null ? null : String(r.hostname);
    const uuid = String(r.client_uuid);
    return { ...toLog(r), uuid, description, hostname, clientName: description || hostname || uuid };
  });
}

export interface ClientLogOverview {
  errorCount: number;
  warnCount: number;
  latestLog: LogJson | null;
  latestError: LogJson | null;
}

/**
 * For the monitoring overview: per client ERROR/WARN counts, latest log and latest error since
 * `sinceMs`. Three grouped queries over the window instead of one per client. SQLite fills the
 * bare columns of a `MAX()` aggregate from the row holding the maximum.
 */
export async function logOverview(db: Db, sinceMs: number): Promise<Map<string, ClientLogOverview>> {
  const since = iso(sinceMs);
  const out = new Map<string, ClientLogOverview>();
  const entry = (uuid: string) => {
    let e = out.get(uuid);
    if (!e) out.set(uuid, (e = { errorCount: 0, warnCount: 0, latestLog: null, latestError: null }));
    return e;
  };
  const counts = await db.execute({
    sql: `SELECT client_uuid, level, COUNT(*) AS n FROM client_logs
          WHERE level IN ('ERROR', 'WARN') AND timestamp >= ? GROUP BY client_uuid, level`,
    args: [since],
  });
  for (const r of counts.rows) {
    const e = entry(String(r.client_uuid));
    if (r.level === 'ERROR') e.errorCount = Number(r.n);
    else e.warnCount = Number(r.n);
  }
  const latest = (levelFilter: string) =>
    db.execute({
      sql: `SELECT client_uuid, id, timestamp, level, message, context, MAX(timestamp) AS max_ts FROM client_logs
            WHERE timestamp >= ? ${levelFilter} GROUP BY client_uuid`,
      args: [since],
    });
  for (const r of (await latest('')).rows) entry(String(r.client_uuid)).latestLog = toLog(r);
  for (const r of (await latest("AND level = 'ERROR'")).rows) entry(String(r.client_uuid)).latestError = toLog(r);
  return out;
}

/** ERROR/WARN arrivals since `sinceMs` (server clock), oldest first: replayed into actors at restore. */
export async function recentLogLevels(db: Db, sinceMs: number): Promise<{ uuid: string; level: 'ERROR' | 'WARN'; at: number }[]> {
  const rs = await db.execute({
    sql: `SELECT client_uuid, level, received_at FROM client_logs
          WHERE received_at >= ? AND level IN ('ERROR', 'WARN') ORDER BY received_at, id`,
    args: [iso(sinceMs)],
  });
  return rs.rows.map((r) => ({
    uuid: String(r.client_uuid),
    level: String(r.level) as 'ERROR' | 'WARN',
    at: fromIso(r.received_at) ?? 0,
  }));
}

/** Ids of up to `limit` logs received before `olderThanMs` (uses idx_client_logs_received). */
export async function expiredLogIds(db: Db, olderThanMs: number, limit: number): Promise<number[]> {
  const rs = await db.execute({
    sql: 'SELECT id FROM client_logs WHERE received_at < ? LIMIT ?',
    args: [iso(olderThanMs), limit],
  });
  return rs.rows.map((r) => Number(r.id));
}

export function deleteLogsStatement(ids: number[]): InStatement {
  return { sql: `DELETE FROM client_logs WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids };
}

/**
 * One bounded purge step through the writer: select up to `batchSize` expired ids (a read), then
 * delete exactly those in one write. Answers the number of rows deleted (0: nothing left).
 */
export async function purgeOldLogs(db: Db, writer: Writes, olderThanMs: number, batchSize: number): Promise<number> {
  const ids = await expiredLogIds(db, olderThanMs, batchSize);
  if (ids.length === 0) return 0;
  writer.enqueue(deleteLogsStatement(ids));
  await writer.drain();
  return ids.length;
}

/** Everything stored about a client besides its row: logs and commands (http.md DELETE client). */
export function deleteClientData(uuid: string): InStatement[] {
  return [
    { sql: 'DELETE FROM client_logs WHERE client_uuid = ?', args: [uuid] },
    { sql: 'DELETE FROM client_commands WHERE client_uuid = ?', args: [uuid] },
  ];
}

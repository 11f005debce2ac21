/**
 * One page of a client's logs for the dashboard (newest first, optional level), with keyset
 * paging: the cursor is the last row's (timestamp, id), so pages stay stable while new logs
 * arrive and deep pages cost the same as the first (idx_client_logs_client_time).
 */
import type { Db } from './client.ts';
import type { LogLevel } from '../domain/client.types.ts';
import { LOG_COLUMNS, LOG_HTML_PAGE_BYTES, toLog, withinBytes, type LogJson } from './logs.ts';

export interface LogPage {
  logs: LogJson[];
  /** Cursor for the next (older) page, or null on the last page. */
  next: string | null;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_(\d{1,15})$/;

export const isLogCursor = (s: string) => CURSOR.test(s);

export async function logPage(db: Db, uuid: string, q: { level?: LogLevel; before?: string; limit: number }): Promise<LogPage> {
  const where = ['client_uuid = ?'];
  const args: (string | number)[] = [uuid];
  if (q.level) where.push('level = ?'), args.push(q.level);
  const m = q.before ? CURSOR.exec(q.before) : null;
  if (m) where.push('(timestamp < ? OR (timestamp = ? AND id < ?))'), args.push(m[1], m[1], Number(m[2]));
  args.push(q.limit + 1);
  const rs = await db.execute({
    sql: `SELECT ${LOG_COLUMNS} FROM client_logs WHERE ${where.join(' AND ')}
          ORDER BY timestamp DESC, id DESC LIMIT ?`,
    args,
  });
  const rows = rs.rows.map(toLog);
  // A page ends at its row count or at its byte budget, whichever comes first; the cursor follows.
  const logs = withinBytes(rows.slice(0, q.limit), LOG_HTML_PAGE_BYTES);
  const more = rows.length > logs.length;
  const last = logs.at(-1);
  return { logs, next: more && last ? `${last.timestamp}_${last.id}` : null };
}

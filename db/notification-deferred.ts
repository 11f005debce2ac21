/**
 * Named queries for deferred notifications (0017_notification_deferred.sql): the alerts quiet
 * hours and rate caps hold for a digest, one row each, so they survive a restart. Writes are
 * statements for the one writer (docs/architecture.md "One writer").
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';
import type { NoticeAlert } from '../domain/notifications.ts';

export interface DeferredRow {
  bucket: string;
  item: string;
  channelId: number;
  ruleId: number | null;
  dueAt: number;
  alert: NoticeAlert | null;
  resolved: number;
}

export const RESOLVED_ITEM = '#resolved';

/** One deferred alert (or the bucket's count row); a later state of the same item replaces it in place. */
export function deferStatement(r: DeferredRow): InStatement {
  return {
    sql: `INSERT INTO notification_deferred (bucket, item, channel_id, rule_id, due_at, alert, resolved) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (bucket, item) DO UPDATE SET alert = excluded.alert, resolved = excluded.resolved, due_at = excluded.due_at`,
    args: [r.bucket, r.item, r.channelId, r.ruleId, iso(r.dueAt), r.alert ? JSON.stringify(r.alert) : null, r.resolved],
  };
}

export function undeferStatement(bucket: string, item: string): InStatement {
  return { sql: 'DELETE FROM notification_deferred WHERE bucket = ? AND item = ?', args: [bucket, item] };
}

/** The digest went into the outbox (in the same batch): the bucket is done. */
export function clearDeferredStatement(bucket: string): InStatement {
  return { sql: 'DELETE FROM notification_deferred WHERE bucket = ?', args: [bucket] };
}

/** Everything deferred, in the order it was deferred (a replaced row keeps its place). */
export async function listDeferred(db: Db): Promise<DeferredRow[]> {
  const rs = await db.execute('SELECT * FROM notification_deferred ORDER BY rowid');
  const rows: DeferredRow[] = [];
  for (const r of rs.rows) {
    let alert: NoticeAlert | null = null;
    try {
      alert = r.alert === null ? null : (JSON.parse(String(r.alert)) as NoticeAlert);
    } catch {
      continue; // unreadable: skipped rather than failing the start
    }
    rows.push({ bucket: String(r.bucket), item: String(r.item), channelId: Number(r.channel_id), ruleId: r.rule_id === null ? null : Number(r.rule_id), dueAt: fromIso(r.due_at) ?? 0, alert, resolved: Number(r.resolved) });
  }
  return rows;
}

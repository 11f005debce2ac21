/**
 * The named queries GET /metrics asks at scrape time (docs/operations.md "Metrics"): counts only,
 * each served by an index (idx_alerts_open, idx_notification_outbox_due), so a scrape stays cheap
 * however long the history is.
 */
import type { Db } from './client.ts';

const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** Unacknowledged alerts per severity (every severity present, 0 when none). */
export async function openAlertsBySeverity(db: Db): Promise<Record<(typeof SEVERITIES)[number], number>> {
  const rs = await db.execute('SELECT severity, COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NULL GROUP BY severity');
  const out = { info: 0, warning: 0, critical: 0 };
  for (const r of rs.rows) if ((SEVERITIES as readonly string[]).includes(String(r.severity))) out[r.severity as keyof typeof out] = Number(r.n);
  return out;
}

/** Notifications waiting in the outbox: `pending` (due now or later) and `sending` (an attempt under way). */
export async function outboxWaiting(db: Db): Promise<{ pending: number; sending: number }> {
  const rs = await db.execute("SELECT status, COUNT(*) AS n FROM notification_outbox WHERE status IN ('pending', 'sending') GROUP BY status");
  const out = { pending: 0, sending: 0 };
  for (const r of rs.rows) out[r.status as keyof typeof out] = Number(r.n);
  return out;
}

/** When the previous server was last known alive (docs/high-availability.md "Commands across a failover"). */
import type { Db } from './client.ts';

/** The latest "alive until" (or clean end) of every run but `runId`, or null on a first start. */
export async function previousServerAliveUntil(db: Db, runId: string): Promise<number | null> {
  const rs = await db.execute({ sql: 'SELECT max(coalesce(ended_at, alive_until)) AS t FROM server_runs WHERE id <> ?', args: [runId] });
  const t = rs.rows[0]?.t;
  return t === null || t === undefined ? null : Number(t);
}

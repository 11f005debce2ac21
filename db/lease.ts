/**
 * The instance lease: at most one server per database (docs/operations.md "One instance per
 * database"). Two servers on one database would each keep their own actors and split the fleet.
 *
 * Taking the lease is one conditional upsert (atomic in SQLite and on a libSQL server): it
 * succeeds when nobody holds the row, when the holder's last renewal is older than `staleMs`, or
 * when the holder is a process of this host that no longer exists (a crash or kill -9: restart at
 * once, without waiting for the lease to go stale). The holder renews every `renewMs` through the
 * writer and deletes the row on a clean shutdown.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';

export const LEASE_RENEW_MS = 10_000;
export const LEASE_STALE_MS = 3 * LEASE_RENEW_MS;

export interface Holder {
  holder: string;
  host: string;
  pid: number;
  startedAt: string;
  renewedAt: string;
}

export interface LeaseClaim {
  id: string;
  host: string;
  pid: number;
  now: number;
  /** Whether a pid of this host is still running (a dead holder's lease is taken at once). */
  alive: (pid: number) => boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function currentHolder(db: Db): Promise<Holder | null> {
  const rs = await db.execute('SELECT holder, host, pid, started_at, renewed_at FROM instance_lease WHERE id = 1');
  const r = rs.rows[0];
  return r ? { holder: String(r.holder), host: String(r.host), pid: Number(r.pid), startedAt: String(r.started_at), renewedAt: String(r.renewed_at) } : null;
}

/** Takes the lease, or answers the instance holding it. */
export async function takeLease(db: Db, c: LeaseClaim): Promise<{ ok: true } | { ok: false; holder: Holder }> {
  const before = await currentHolder(db);
  // A holder on this host whose process is gone crashed: its lease may be taken now.
  const deadHolder = before && before.host === c.host && before.pid !== c.pid && !c.alive(before.pid) ? before.holder : '';
  await db.execute({
    sql: `INSERT INTO instance_lease (id, holder, host, pid, started_at, renewed_at) VALUES (1, :id, :host, :pid, :now, :now)
          ON CONFLICT (id) DO UPDATE SET holder = :id, host = :host, pid = :pid, started_at = :now, renewed_at = :now
          WHERE instance_lease.renewed_at < :stale OR instance_lease.holder = :id OR instance_lease.holder = :dead`,
    args: { id: c.id, host: c.host, pid: c.pid, now: iso(c.now), stale: iso(c.now - LEASE_STALE_MS), dead: deadHolder },
  });
  const after = await currentHolder(db);
  return after?.holder === c.id ? { ok: true } : { ok: false, holder: after ?? before! };
}

export function renewLeaseStatement(id: string, now: number): InStatement {
  return { sql: 'UPDATE instance_lease SET renewed_at = ? WHERE id = 1 AND holder = ?', args: [iso(now), id] };
}

export function releaseLeaseStatement(id: string): InStatement {
  return { sql: 'DELETE FROM instance_lease WHERE id = 1 AND holder = ?', args: [id] };
}

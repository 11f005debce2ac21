/**
 * The instance lease: at most one server per database (docs/operations.md "One instance per
 * database", docs/high-availability.md). Two servers on one database would each keep their own
 * actors and split the fleet.
 *
 * Taking the lease is one conditional upsert (atomic in SQLite and on a libSQL server): it
 * succeeds when nobody holds the row, when the holder's last renewal is older than `staleMs`, or
 * when the holder is a process of this host that no longer exists (a crash or kill -9: restart at
 * once, without waiting for the lease to go stale). Every take raises `epoch` (fencing): the
 * holder's write batches start with `fenceStatement(epoch)`, which fails once another server took
 * the lease (migration 0024), so a stale holder cannot write even between two renewals. A clean
 * shutdown releases the row (holder '') without lowering the epoch.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';

/** Lease timing (docs/high-availability.md "Timing"): all in ms. */
export interface LeaseTiming {
  renewMs: number; // the holder renews this often
  ttlMs: number; // a holder whose last renewal is older stops itself
  staleMs: number; // another server takes the lease over after this: ttlMs + a clock margin
}

/** Without HIGH_AVAILABILITY: renew every 10 s, taken over after 30 s (a restart on another host). */
export const SINGLE_TIMING: LeaseTiming = { renewMs: 10_000, ttlMs: 30_000, staleMs: 30_000 };

/** With HIGH_AVAILABILITY (or LEASE_SECONDS): a short lease renewed five times per term. */
export function leaseTiming(leaseSeconds: number | undefined, highAvailability: boolean): LeaseTiming {
  if (leaseSeconds === undefined && !highAvailability) return SINGLE_TIMING;
  const ttlMs = (leaseSeconds ?? 10) * 1000;
  return { renewMs: ttlMs / 5, ttlMs, staleMs: ttlMs + Math.min(2000, ttlMs / 5) };
}

export interface Holder {
  holder: string;
  host: string;
  pid: number;
  startedAt: string;
  renewedAt: string;
  epoch: number;
}

export interface LeaseClaim {
  id: string;
  host: string;
  pid: number;
  now: number;
  staleMs: number;
  /** Whether a pid of this host is still running (a dead holder's lease is taken at once). */
  alive: (pid: number) => boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The holder, or null when the lease is free (never taken, or released). */
export async function currentHolder(db: Db): Promise<Holder | null> {
  const rs = await db.execute("SELECT holder, host, pid, started_at, renewed_at, epoch FROM instance_lease WHERE id = 1 AND holder <> ''");
  const r = rs.rows[0];
  return r
    ? { holder: String(r.holder), host: String(r.host), pid: Number(r.pid), startedAt: String(r.started_at), renewedAt: String(r.renewed_at), epoch: Number(r.epoch) }
    : null;
}

/** Takes the lease (answering the new epoch), or answers the instance holding it. */
export async function takeLease(db: Db, c: LeaseClaim): Promise<{ ok: true; epoch: number } | { ok: false; holder: Holder }> {
  const before = await currentHolder(db);
  // A holder on this host whose process is gone crashed: its lease may be taken now.
  const deadHolder = before && before.host === c.host && before.pid !== c.pid && !c.alive(before.pid) ? before.holder : '';
  const rs = await db.execute({
    sql: `INSERT INTO instance_lease (id, holder, host, pid, started_at, renewed_at, epoch) VALUES (1, :id, :host, :pid, :now, :now, 1)
          ON CONFLICT (id) DO UPDATE SET holder = :id, host = :host, pid = :pid, started_at = :now, renewed_at = :now, epoch = instance_lease.epoch + 1
          WHERE instance_lease.holder = '' OR instance_lease.renewed_at < :stale OR instance_lease.holder = :id OR instance_lease.holder = :dead
          RETURNING epoch`,
    args: { id: c.id, host: c.host, pid: c.pid, now: iso(c.now), stale: iso(c.now - c.staleMs), dead: deadHolder },
  });
  if (rs.rows.length === 1) return { ok: true, epoch: Number(rs.rows[0].epoch) };
  const after = await currentHolder(db);
  return { ok: false, holder: after ?? before! };
}

/** The first statement of every write batch of the holder: fails the batch once the lease moved on. */
export function fenceStatement(epoch: number): InStatement {
  return { sql: 'UPDATE lease_fence SET epoch = ? WHERE id = 1', args: [epoch] };
}

/** True for the error of a batch the fence refused (the lease is another server's now). */
export function isFenced(err: unknown): boolean {
  for (let e = err as { message?: unknown; cause?: unknown } | null, i = 0; e && typeof e === 'object' && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.message === 'string' && e.message.includes('fenced: the instance lease')) return true;
  }
  return false;
}

export function renewLeaseStatement(id: string, epoch: number, now: number): InStatement {
  return { sql: 'UPDATE instance_lease SET renewed_at = ? WHERE id = 1 AND holder = ? AND epoch = ?', args: [iso(now), id, epoch] };
}

export function releaseLeaseStatement(id: string, epoch: number): InStatement {
  return { sql: "UPDATE instance_lease SET holder = '' WHERE id = 1 AND holder = ? AND epoch = ?", args: [id, epoch] };
}

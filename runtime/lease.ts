/**
 * Holding the instance lease for a running server (db/lease.ts): take it at start-up (refusing
 * with a StartupError naming the holder), renew it through the writer, release it on close.
 */
import { hostname } from 'node:os';
import process from 'node:process';
import type { Db } from '../db/client.ts';
import { LEASE_RENEW_MS, LEASE_STALE_MS, releaseLeaseStatement, renewLeaseStatement, takeLease } from '../db/lease.ts';
import { StartupError } from '../lib/startup-error.ts';

export interface HeldLease {
  stop(): Promise<void>;
}

/** Whether `pid` runs on this host (signal 0 only checks; EPERM means it exists under another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function holdLease(db: Db, enqueue: (s: ReturnType<typeof renewLeaseStatement>) => void): Promise<HeldLease> {
  const id = crypto.randomUUID();
  const taken = await takeLease(db, { id, host: hostname(), pid: process.pid, now: Date.now(), alive: pidAlive });
  if (!taken.ok) {
    const h = taken.holder;
    throw new StartupError(
      'DATABASE_URL',
      `another infoscreen-server (host ${h.host}, pid ${h.pid}, started ${h.startedAt}) is using this database; ` +
        `stop it first (a crashed instance on another host releases it ${LEASE_STALE_MS / 1000} s after its last renewal, ${h.renewedAt})`,
    );
  }
  const timer = setInterval(() => enqueue(renewLeaseStatement(id, Date.now())), LEASE_RENEW_MS);
  (timer as { unref?: () => void }).unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await db.execute(releaseLeaseStatement(id)).catch(() => {}); // a stale lease is taken over anyway
    },
  };
}

/**
 * Holding the instance lease for a running server (db/lease.ts, docs/high-availability.md): take it
 * at start-up, refusing with a StartupError naming the holder, or with HIGH_AVAILABILITY waiting as
 * a standby until the holder is gone; renew it through the writer; stop the server at once when a
 * renewal is fenced or none succeeded within the lease time; release it on close.
 */
import { hostname } from 'node:os';
import process from 'node:process';
import type { InStatement } from '@libsql/client';
import type { Db } from '../db/client.ts';
import { fenceStatement, releaseLeaseStatement, renewLeaseStatement, takeLease, type Holder, type LeaseTiming } from '../db/lease.ts';
import { FencedError } from '../db/writer.ts';
import { StartupError } from '../lib/startup-error.ts';
import { logger } from '../lib/logger.ts';

const log = logger('lease');

export interface LeaseOptions {
  timing: LeaseTiming;
  /** HIGH_AVAILABILITY: wait as a standby instead of refusing when another server holds it. */
  standby: boolean;
  /** Told while waiting as a standby (and again when the holder changes): /health shows it. */
  onStandby?: (holder: Holder) => void;
  now?: () => number;
  /** Waits between standby polls (tests pass a quicker one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface RenewOptions {
  /** Stores statements through the one writer (resolves once stored; FencedError once fenced). */
  write: (...stmts: InStatement[]) => Promise<void>;
  /** Statements renewed with the lease (the run's "alive until", docs/availability.md). */
  extra?: () => InStatement[];
  /** The lease is lost: the caller stops the server at once. Called at most once. */
  onLost: (reason: string) => void;
}

export interface HeldLease {
  epoch: number;
  /** The guard every write batch starts with (BatchedWriter `fence`). */
  fence: InStatement;
  /** Starts renewing; a fenced or overdue renewal calls `onLost`. */
  renew(opts: RenewOptions): void;
  stop(): Promise<void>;
}

/** Whether `pid` runs on this host (signal 0 only checks; EPERM means it exists under another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function refusal(h: Holder, timing: LeaseTiming): StartupError {
  return new StartupError(
    'DATABASE_URL',
    `another infoscreen-server (host ${h.host}, pid ${h.pid}, started ${h.startedAt}) is using this database; ` +
      `stop it first (a crashed instance on another host releases it ${timing.staleMs / 1000} s after its last renewal, ${h.renewedAt}), ` +
      'or set HIGH_AVAILABILITY=true to wait as its standby',
  );
}

/** Takes the lease; with `standby`, waits (polling every renewal period) until it is free. */
async function acquire(db: Db, id: string, o: LeaseOptions): Promise<number> {
  const now = o.now ?? Date.now;
  let shown = '';
  for (;;) {
    const taken = await takeLease(db, { id, host: hostname(), pid: process.pid, now: now(), staleMs: o.timing.staleMs, alive: pidAlive });
    if (taken.ok) {
      if (shown) log.info(`standby: took over the database (lease epoch ${taken.epoch}); starting`);
      return taken.epoch;
    }
    if (!o.standby) throw refusal(taken.holder, o.timing);
    const h = taken.holder;
    if (shown !== h.holder) {
      log.warn(`standby: the database is held by host ${h.host}, pid ${h.pid} (since ${h.startedAt}); waiting to take over ${o.timing.staleMs / 1000} s after its last renewal`);
      shown = h.holder;
    }
    o.onStandby?.(h);
    await (o.sleep ?? wait)(o.timing.renewMs);
  }
}

export async function holdLease(db: Db, o: LeaseOptions): Promise<HeldLease> {
  const id = crypto.randomUUID();
  const now = o.now ?? Date.now;
  const epoch = await acquire(db, id, o);
  let timer: ReturnType<typeof setInterval> | null = null;
  let lost = false;
  return {
    epoch,
    fence: fenceStatement(epoch),
    renew(r) {
      let confirmed = now(); // the lease row holds the time the last successful renewal started
      let inFlight = false;
      const lose = (reason: string) => {
        if (lost) return;
        lost = true;
        if (timer) clearInterval(timer);
        log.error(`lease lost, stopping: ${reason}`);
        r.onLost(reason);
      };
      timer = setInterval(() => {
        // Checked on every tick, even while a renewal hangs: a standby takes over after staleMs.
        if (now() - confirmed > o.timing.ttlMs) return lose(`no renewal succeeded for ${((now() - confirmed) / 1000).toFixed(1)} s (lease ${o.timing.ttlMs / 1000} s)`);
        if (inFlight) return;
        inFlight = true;
        const at = now();
        r.write(renewLeaseStatement(id, epoch, at), ...(r.extra?.() ?? []))
          .then(() => void (confirmed = Math.max(confirmed, at)))
          .catch((err) => (err instanceof FencedError ? lose(err.message) : log.warn(`lease renewal failed, retrying: ${(err as Error).message}`)))
          .finally(() => void (inFlight = false));
      }, o.timing.renewMs);
      (timer as { unref?: () => void }).unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (lost) return;
      await db.execute(releaseLeaseStatement(id, epoch)).catch(() => {}); // a stale lease is taken over anyway
    },
  };
}

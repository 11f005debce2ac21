/**
 * Step 1 of the runtime (runtime.ts): the database, migrated, held by this one server (the lease),
 * and the one writer (docs/architecture.md "One writer"). With HIGH_AVAILABILITY a held database
 * is waited for here, as a standby: nothing after this step (the singletons) runs before the lease.
 * The writer is not started here: the actors' restore queues its changes first (runtime/actors.ts
 * calls `start`, which also starts renewing the lease).
 */
import type { Config } from '../config.ts';
import { isFileUrl, openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter, type WriterDb } from '../db/writer.ts';
import { openWriteThread, type WriteThread } from '../db/write-thread.ts';
import { upsertClientStatement } from '../db/clients.ts';
import { serverAliveStatement, serverRunEndStatement, serverRunStartStatement, startBaselineStatement } from '../db/connectivity.ts';
import type { Clock } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';
import { leaseTiming, type Holder } from '../db/lease.ts';
import { onceLeaseLost } from '../lib/lease-loss.ts';
import { holdLease, type HeldLease } from './lease.ts';
import type { Loop } from './loop.ts';

const log = logger('runtime');

export interface Store {
  db: Db;
  writer: BatchedWriter;
  /** Where the writer's batches run: a thread of their own for a file database (WRITE_THREAD), else `db`. */
  writerDb: WriterDb;
  /** This run's id (server_runs): the previous run's "alive until" is read against it. */
  runId: string;
  /** Starts the writer and the lease renewal (which also moves this run's "alive until" on). */
  start(): void;
  /** Ends this run: its end mark, the final flush, the lease released (the database stays open). */
  stop(): Promise<void>;
  /** Closes the database (the very last step of a shutdown). */
  close(): void;
}

export interface LeaseHooks {
  /** HIGH_AVAILABILITY: told while this server waits as a standby (docs/high-availability.md). */
  onStandby?: (holder: Holder) => void;
  /** The lease was lost and the runtime closed; default: exit with code 3 (lib/lease-loss.ts). */
  onLeaseLost?: (reason: string) => void;
}

export async function openStore(config: Readonly<Config>, clock: Clock, loop: Loop, startedAt: number, hooks: LeaseHooks = {}): Promise<Store> {
  const db = await openDatabase(config.DATABASE_URL!, config.DATABASE_AUTH_TOKEN);
  const applied = await migrate(db);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
  // This run's up-time for the availability report (docs/availability.md): "alive until" moves on
  // with every lease renewal, so time the server was down reads as unknown, not offline.
  const runId = crypto.randomUUID();
  // One server per database: a second one would keep actors of its own and split the fleet.
  let lease: HeldLease;
  try {
    // With HIGH_AVAILABILITY a held database is waited for here: nothing below (the singletons) runs on a standby.
    lease = await holdLease(db, { timing: leaseTiming(config.LEASE_SECONDS, config.HIGH_AVAILABILITY), standby: config.HIGH_AVAILABILITY, onStandby: hooks.onStandby });
  } catch (err) {
    db.close();
    throw err;
  }
  // A fenced batch or a failed renewal: stop writing, close the runtime (bound last, runtime.ts), exit.
  const leaseLost = onceLeaseLost(() => writer, () => loop.close.get()(), hooks.onLeaseLost);
  const thread = await writeThreadFor(config);
  const writerDb: WriterDb = thread ?? db;
  const writer = new BatchedWriter(writerDb, {
    fence: lease.fence,
    onFenced: leaseLost,
    flushMs: config.WRITE_FLUSH_MS,
    freshnessMs: config.FRESHNESS_WRITE_SECONDS * 1000,
    now: () => clock.now(),
    // Rows are built at flush time from the live actors (none before the supervisor exists).
    clientUpsert: (uuid) => {
      const record = loop.supervisor.peek()?.get(uuid);
      return record ? upsertClientStatement(record, clock.now()) : null;
    },
  });
  // Before the restore: every client's persisted state as a baseline, then the changes restoring makes.
  writer.enqueue(serverRunStartStatement(runId, startedAt), startBaselineStatement(startedAt));
  return {
    db,
    writer,
    writerDb,
    runId,
    start() {
      writer.start();
      lease.renew({ write: (...s) => writer.write(...s), extra: () => [serverAliveStatement(runId, clock.now())], onLost: leaseLost });
    },
    async stop() {
      writer.enqueue(serverRunEndStatement(runId, clock.now()));
      await writer.stop();
      await lease.stop();
    },
    close: () => {
      void thread?.close();
      db.close();
    },
  };
}

/**
 * A file database's batches run on a thread of their own (db/write-thread.ts): SQLite's work on the
 * rows then no longer holds the event loop. Not for `:memory:` (a second connection is a second
 * database) nor a libSQL server (its I/O is asynchronous already).
 */
async function writeThreadFor(config: Readonly<Config>): Promise<WriteThread | null> {
  const url = config.DATABASE_URL!;
  if (!config.WRITE_THREAD || !isFileUrl(url) || url.includes(':memory:')) return null;
  try {
    return await openWriteThread(url);
  } catch (err) {
    log.warn(`write thread not started, the writer runs on the main thread: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Step 1 of the runtime (runtime.ts): the database, migrated, held by this one server (the lease),
 * and the one writer (docs/architecture.md "One writer"). The writer is not started here: the
 * actors' restore queues its changes first (runtime/actors.ts starts it).
 */
import type { Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { upsertClientStatement } from '../db/clients.ts';
import { serverAliveStatement, serverRunEndStatement, serverRunStartStatement, startBaselineStatement } from '../db/connectivity.ts';
import type { Clock } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';
import { holdLease, type HeldLease } from './lease.ts';
import type { Loop } from './loop.ts';

const log = logger('runtime');

export interface Store {
  db: Db;
  writer: BatchedWriter;
  /** Ends this run: its end mark, the final flush, the lease released (the database stays open). */
  stop(): Promise<void>;
  /** Closes the database (the very last step of a shutdown). */
  close(): void;
}

export async function openStore(config: Readonly<Config>, clock: Clock, loop: Loop, startedAt: number): Promise<Store> {
  const db = await openDatabase(config.DATABASE_URL!, config.DATABASE_AUTH_TOKEN);
  const applied = await migrate(db);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
  // This run's up-time for the availability report (docs/availability.md): "alive until" moves on
  // with every lease renewal, so time the server was down reads as unknown, not offline.
  const runId = crypto.randomUUID();
  const writer = new BatchedWriter(db, {
    flushMs: config.WRITE_FLUSH_MS,
    freshnessMs: config.FRESHNESS_WRITE_SECONDS * 1000,
    now: () => clock.now(),
    // Rows are built at flush time from the live actors (none before the supervisor exists).
    clientUpsert: (uuid) => {
      const record = loop.supervisor.peek()?.get(uuid);
      return record ? upsertClientStatement(record, clock.now()) : null;
    },
  });
  // One server per database: a second one would keep actors of its own and split the fleet.
  let lease: HeldLease;
  try {
    lease = await holdLease(db, (s) => writer.enqueue(s, serverAliveStatement(runId, clock.now())));
  } catch (err) {
    db.close();
    throw err;
  }
  // Before the restore: every client's persisted state as a baseline, then the changes restoring makes.
  writer.enqueue(serverRunStartStatement(runId, startedAt), startBaselineStatement(startedAt));
  return {
    db,
    writer,
    async stop() {
      writer.enqueue(serverRunEndStatement(runId, clock.now()));
      await writer.stop();
      await lease.stop();
    },
    close: () => db.close(),
  };
}

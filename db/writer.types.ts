/** The one writer's options, stats and store status (db/writer.ts), and what a caller may ask of it. */
import type { InStatement, TransactionMode } from '@libsql/client';

export interface WriterOptions {
  flushMs: number; // ms between flushes
  freshnessMs: number; // ms: freshness-only updates per client at most this often
  maxBatch?: number; // statements per batch
  maxPending?: number; // queued statements kept while the store fails; beyond it the oldest log rows go
  retryMinMs?: number; // first retry after a store failure; doubles up to retryMaxMs
  retryMaxMs?: number;
  now?: () => number;
  /** The upsert for a client's current row, or null when the client no longer exists. */
  clientUpsert: (uuid: string) => InStatement | null;
  /** The lease guard every batch starts with (db/lease.ts fenceStatement); none: unguarded. */
  fence?: InStatement | null;
  /** Called once when a batch was fenced: this server no longer holds the database. */
  onFenced?: (reason: string) => void;
}

/** A writer that can write a group of statements as one transaction (BatchedWriter.writeAtomic). */
export interface AtomicWrites {
  writeAtomic(statements: InStatement[]): Promise<void>;
}

export function canWriteAtomic(writer: object): writer is AtomicWrites {
  return typeof (writer as Partial<AtomicWrites>).writeAtomic === 'function';
}

export interface WriterStats {
  flushes: number;
  statementsWritten: number;
  clientRowsWritten: number;
  failedStatements: number; // dropped because the statement itself failed (constraint, …)
  droppedLogRows: number; // dropped because the queue hit maxPending while the store failed
  storeFailures: number; // flushes that hit a failing store
  lastFlushMs: number;
  pendingStatements: number;
  pendingLogRows: number;
  pendingClients: number;
}

/** What /health shows about the store. */
export interface StoreStatus {
  ok: boolean;
  reason: string | null; // the store's last error while failing
  since: number | null; // epoch ms of the first failure of this outage
  pendingStatements: number;
  pendingLogRows: number;
  pendingClients: number;
  droppedLogRows: number;
  failedStatements: number;
}

/** What the writer needs of a database: batches and single statements (a `Db`, or db/write-thread.ts). */
export interface WriterDb {
  batch(statements: InStatement[], mode?: TransactionMode): Promise<unknown>;
  execute(statement: InStatement): Promise<unknown>;
}

/**
 * The one writer (decisions 3 and 4). libSQL fails a concurrent in-process write at once with
 * SQLITE_BUSY, so every write of the running system goes through this queue, which flushes all due
 * client rows and all queued statements in one `batch(…, 'write')` every `flushMs`.
 *
 * Client rows are pulled from their owner (the actor) at flush time, so a row is always written with
 * its latest state. A state change is due at the next flush; pure freshness (`last_alive` moving) is
 * due at most every `freshnessMs` per client. `writeAtomic` writes one group of statements as its
 * own transaction (all or nothing) in the same queue order.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import { logger } from '../lib/logger.ts';

const log = logger('writer');

export interface WriterOptions {
  flushMs: number; // ms between flushes
  freshnessMs: number; // ms: freshness-only updates per client at most this often
  maxBatch?: number; // statements per batch
  now?: () => number;
  /** The upsert for a client's current row, or null when the client no longer exists. */
  clientUpsert: (uuid: string) => InStatement | null;
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
  failedStatements: number;
  lastFlushMs: number;
  pendingStatements: number;
  pendingClients: number;
}

export class BatchedWriter {
  #db: Db;
  #opts: Required<WriterOptions>;
  #due = new Map<string, number>(); // uuid → time the row must be written by
  #lastWritten = new Map<string, number>();
  #queue: InStatement[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #flushing: Promise<void> | null = null;
  stats: WriterStats = {
    flushes: 0,
    statementsWritten: 0,
    clientRowsWritten: 0,
    failedStatements: 0,
    lastFlushMs: 0,
    pendingStatements: 0,
    pendingClients: 0,
  };

  constructor(db: Db, opts: WriterOptions) {
    this.#db = db;
    this.#opts = { maxBatch: 5000, now: () => Date.now(), ...opts };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), this.#opts.flushMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Mark a client row for writing: `urgent` for state changes, otherwise freshness only. */
  markClient(uuid: string, urgent: boolean): void {
    const now = this.#opts.now();
    const due = urgent ? now : Math.max(now, (this.#lastWritten.get(uuid) ?? 0) + this.#opts.freshnessMs);
    const prev = this.#due.get(uuid);
    if (prev === undefined || due < prev) this.#due.set(uuid, due);
  }

  /** Drop a client's pending row (it was deleted); its delete statement is enqueued separately. */
  forgetClient(uuid: string): void {
    this.#due.delete(uuid);
    this.#lastWritten.delete(uuid);
  }

  /** Queue a statement; statements run in order, after the client rows of the same flush. */
  enqueue(...statements: InStatement[]): void {
    this.#queue.push(...statements);
  }

  /** Resolves after the next flush that includes everything queued so far. */
  async drain(): Promise<void> {
    await this.flush(true);
  }

  /** Write what is due (or everything with `all`). Flushes never overlap. */
  async flush(all = false): Promise<void> {
    if (this.#flushing) {
      await this.#flushing;
      if (!all) return;
    }
    await this.#exclusive(() => this.#flushOnce(all));
  }

  /**
   * Writes `statements` as one transaction of their own, for writes that must be all or nothing
   * (the holiday CSV import, docs/scheduler.md "Holidays"): everything queued before goes first (a
   * full flush), then the group, never split at `maxBatch` and never retried statement by statement.
   * Rejects, with nothing of the group written, when the transaction fails.
   */
  async writeAtomic(statements: InStatement[]): Promise<void> {
    let failure: { error: unknown } | null = null;
    await this.#exclusive(async () => {
      await this.#flushOnce(true);
      if (statements.length === 0) return;
      try {
        await this.#db.batch(statements, 'write');
        this.stats.statementsWritten += statements.length;
      } catch (error) {
        log.warn(`atomic group of ${statements.length} failed, nothing of it written: ${(error as Error).message}`);
        failure = { error };
      }
    });
    if (failure) throw (failure as { error: unknown }).error;
  }

  /** Runs `work` while no flush runs, and holds off every other flush until it is done. */
  async #exclusive(work: () => Promise<void>): Promise<void> {
    // Another waiter may have started the next flush first: wait until none runs.
    while (this.#flushing) await this.#flushing;
    this.#flushing = work().finally(() => {
      this.#flushing = null;
    });
    await this.#flushing;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush(true);
  }

  async #flushOnce(all: boolean): Promise<void> {
    const started = performance.now();
    const now = this.#opts.now();
    const rows: InStatement[] = [];
    let clientRows = 0;
    for (const [uuid, due] of this.#due) {
      if (!all && due > now) continue;
      this.#due.delete(uuid);
      const stmt = this.#opts.clientUpsert(uuid);
      if (!stmt) continue;
      rows.push(stmt);
      this.#lastWritten.set(uuid, now);
      clientRows++;
    }
    const statements = rows.concat(this.#queue);
    this.#queue = [];
    for (let i = 0; i < statements.length; i += this.#opts.maxBatch) {
      await this.#write(statements.slice(i, i + this.#opts.maxBatch));
    }
    this.stats.flushes++;
    this.stats.clientRowsWritten += clientRows;
    this.stats.statementsWritten += statements.length;
    this.stats.lastFlushMs = performance.now() - started;
    this.stats.pendingStatements = this.#queue.length;
    this.stats.pendingClients = this.#due.size;
  }

  /**
   * One atomic batch; if it fails, each statement is retried alone so one bad row cannot block
   * (or take down) every other write. Statements that still fail are counted and logged.
   */
  async #write(batch: InStatement[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.#db.batch(batch, 'write');
      return;
    } catch (err) {
      log.warn(`batch of ${batch.length} failed, retrying one by one: ${(err as Error).message}`);
    }
    for (const stmt of batch) {
      try {
        await this.#db.execute(stmt);
      } catch (err) {
        this.stats.failedStatements++;
        log.error('statement dropped', { error: (err as Error).message, sql: typeof stmt === 'string' ? stmt : stmt.sql });
      }
    }
  }
}

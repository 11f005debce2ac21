/**
 * The one writer (docs/architecture.md "One writer"). libSQL fails a concurrent in-process write at once with
 * SQLITE_BUSY, so every write of the running system goes through this queue, which flushes all due
 * client rows and all queued statements in one `batch(…, 'write')` every `flushMs`.
 *
 * Client rows are pulled from their owner (the actor) at flush time, so a row is always written with
 * its latest state. A state change is due at the next flush; pure freshness (`last_alive` moving) is
 * due at most every `freshnessMs` per client. `writeAtomic` writes one group of statements as its
 * own transaction (all or nothing) in the same queue order.
 *
 * Store failures (docs/reliability.md "Storage faults", db/writer.failure.ts): nothing is dropped;
 * the writer retries with backoff, in order, and `write`/`writeAtomic` reject with
 * StoreUnavailableError meanwhile.
 *
 * Two ways to write (docs/architecture.md "One writer"): `write(…)` when the caller needs the row
 * stored before it goes on (a request's answer, a check that reads it back): it resolves when its
 * own statements are; `enqueue(…)` for fire-and-forget rows (telemetry, transitions), stored by
 * the next flush. `settled()` is the one read barrier, for the few reads of rows another part
 * queued fire-and-forget. The queue is
 * bounded: beyond `maxPending` the oldest log rows are dropped and counted, never other statements
 * (client rows are not even in the queue: their state lives in the actors).
 *
 * Fencing (docs/high-availability.md, db/writer.fence.ts): a fenced batch stops the writer for
 * good and calls `onFenced`.
 */
import type { InStatement } from '@libsql/client';
import { logger } from '../lib/logger.ts';
import { errorText, isStoreFailure, StoreUnavailableError } from './store-errors.ts';
import { writeBatch, type BatchHost, type Queued } from './writer.batch.ts';
import { DueClientRows } from './writer.client-rows.ts';
import { isFenced } from './lease.ts';
import { FencedError, guarded } from './writer.fence.ts';
import { StoreFailures } from './writer.failure.ts';
import { DurabilityBarrier } from './writer.durability.ts';
import type { StoreStatus, WriterDb, WriterOptions, WriterStats } from './writer.types.ts';

const log = logger('writer');
/** After the pending I/O callbacks (Node, Deno 2's Node globals); a zero timeout elsewhere. */
const afterIo: (f: () => void) => void = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ?? ((f) => void setTimeout(f, 0));

export { FencedError } from './writer.fence.ts';
export { canWriteAtomic, type AtomicWrites, type StoreStatus, type WriterDb, type WriterOptions, type WriterStats } from './writer.types.ts';

export class BatchedWriter {
  #db: WriterDb;
  #opts: Required<Omit<WriterOptions, 'fence' | 'onFenced'>>;
  #fence: InStatement | null;
  #onFenced: (reason: string) => void;
  #fencedReason: string | null = null;
  #clientRows: DueClientRows;
  #batchHost: BatchHost; // what writing a batch reports back (db/writer.batch.ts)
  #queue: Queued[] = [];
  #logsQueued = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #flushing: Promise<void> | null = null;
  #failures = new StoreFailures();
  #barrier = new DurabilityBarrier(); // sequence numbers of queued statements, and who waits for them
  #soon = false; // an early flush for durable waiters is scheduled
  stats: WriterStats = {
    flushes: 0,
    statementsWritten: 0,
    clientRowsWritten: 0,
    failedStatements: 0,
    droppedLogRows: 0,
    storeFailures: 0,
    lastFlushMs: 0,
    pendingStatements: 0,
    pendingLogRows: 0,
    pendingClients: 0,
  };

  constructor(db: WriterDb, opts: WriterOptions) {
    this.#db = db;
    const { fence, onFenced, ...rest } = opts;
    this.#opts = { maxBatch: 5000, maxPending: 200_000, retryMinMs: 250, retryMaxMs: 5000, now: () => Date.now(), ...rest };
    this.#fence = fence ?? null;
    this.#clientRows = new DueClientRows(this.#opts.freshnessMs);
    this.#batchHost = {
      db,
      fence: this.#fence,
      fenced: () => Boolean(this.#fencedReason),
      fencedAt: (err) => this.#fencedAt(err),
      storeFailed: (err) => this.#failed(err),
      dropped: () => void this.stats.failedStatements++,
    };
    this.#onFenced = onFenced ?? (() => {});
  }

  get #failure() {
    return this.#failures.current;
  }

  /** Why this writer stopped for good (its lease passed to another server), or null. */
  get fenced(): string | null {
    return this.#fencedReason;
  }

  /** Stops every further write at once (a lost lease): nothing queued is written any more. */
  halt(reason: string): void {
    if (this.#fencedReason) return;
    this.#fencedReason = reason;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    log.error(`writes stopped: ${reason}`);
    this.#onFenced(reason);
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), this.#opts.flushMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Mark a client row for writing: `urgent` for state changes, otherwise freshness only. */
  markClient(uuid: string, urgent: boolean): void {
    this.#clientRows.mark(uuid, urgent, this.#opts.now());
  }

  /** Drop a client's pending row (it was deleted); its delete statement is enqueued separately. */
  forgetClient(uuid: string): void {
    this.#clientRows.forget(uuid);
  }

  /** Queue a statement; statements run in order, after the client rows of the same flush. */
  enqueue(...statements: InStatement[]): void {
    for (const stmt of statements) this.#queue.push({ stmt, log: false });
    this.#barrier.enqueued += statements.length;
  }

  /** Queue a device log row: like `enqueue`, but the first to go if the bound is hit during an outage. */
  enqueueLog(stmt: InStatement): void {
    this.#queue.push({ stmt, log: true });
    this.#logsQueued++;
    this.#barrier.enqueued++;
    if (this.#queue.length > this.#opts.maxPending) this.#dropOldestLogs();
  }

  /**
   * Queues `statements` and resolves once they, and everything queued before them (order is kept),
   * are stored: written, or dropped as bad (a failing statement is logged and counted, as with
   * `enqueue`). Statements queued while its flush runs go to the next flush: a write never waits
   * for them. Concurrent writes share one flush. With no statements it is the strict barrier for
   * what is queued so far. Rejects with StoreUnavailableError while the store fails (the statements
   * stay queued and are written, in order, once it is back), so a request answers 503.
   */
  async write(...statements: InStatement[]): Promise<void> {
    this.enqueue(...statements);
    const seq = this.#barrier.enqueued;
    for (;;) {
      if (this.#fencedReason) throw new FencedError(this.#fencedReason);
      if (this.#failures.waiting(() => this.#opts.now())) throw new StoreUnavailableError(this.#failure!.reason);
      if (this.#barrier.written >= seq) return;
      // A flush that started before our statements were queued does not hold them: wait for it,
      // then the next one (ours, or another writer's that took ours along) does.
      if (this.#flushing) await this.#flushing;
      // Only the client rows that are due go along: a write is a barrier for statements, and
      // writing every client's freshness row with it (a poll calls write() every second) cost more
      // than all the statements together (docs/performance.md "Client rows").
      else await this.#exclusive(() => this.#flushOnce(false));
      if (this.#fencedReason) throw new FencedError(this.#fencedReason);
      if (this.#failure) throw new StoreUnavailableError(this.#failure.reason);
    }
  }

  /**
   * The read barrier, for a read of rows another part queued fire-and-forget a moment ago (a
   * command's transition, an alert an actor raised): resolves after a flush of everything queued
   * and every due client row. While the store fails it resolves at once instead of failing the read,
   * which then sees what is stored (writes answer 503; reads keep working). Most reads need none:
   * what a request wrote itself was stored by its `write`, and live state comes from the actors.
   */
  async settled(): Promise<void> {
    if (this.#failures.waiting(() => this.#opts.now())) return;
    await this.flush(true);
  }

  /**
   * Resolves once everything queued so far is written, or after `timeoutMs` with false. The
   * durable acknowledgement of a device's QoS 1 message waits on it, so it does not wait for the
   * timer: a flush starts as soon as the current I/O callbacks are done (everything that arrived
   * with them shares it), or right after the running one (group commit: the longer a flush takes,
   * the more the next one carries).
   */
  durable(timeoutMs: number): Promise<boolean> {
    const done = this.#barrier.durable(timeoutMs);
    this.#flushSoon();
    return done;
  }

  /** One early flush for the waiters of `durable`, never overlapping another. */
  #flushSoon(): void {
    if (this.#soon || !this.#barrier.waiting || this.#fencedReason) return;
    this.#soon = true;
    afterIo(() => {
      this.#soon = false;
      if (this.#flushing) return; // that flush ends with #flushSoon again
      void this.flush();
    });
  }

  storeStatus(): StoreStatus {
    const f = this.#failure;
    return {
      ok: f === null,
      reason: f?.reason ?? null,
      since: f?.since ?? null,
      pendingStatements: this.#queue.length,
      pendingLogRows: this.#logsQueued,
      pendingClients: this.#clientRows.size,
      droppedLogRows: this.stats.droppedLogRows,
      failedStatements: this.stats.failedStatements,
    };
  }

  /** True while the store fails (the HTTP guard refuses writes up front then). */
  get failing(): boolean {
    return this.#failure !== null;
  }

  /** Write what is due (or everything with `all`). Flushes never overlap. */
  async flush(all = false): Promise<void> {
    if (this.#flushing) {
      await this.#flushing;
      if (!all) return;
    }
    // While the store fails, the timer's flushes wait for the backoff (settled and stop try at once).
    if (!all && this.#failures.waiting(() => this.#opts.now())) return;
    await this.#exclusive(() => this.#flushOnce(all || this.#failure !== null));
  }

  /**
   * Writes `statements` as one transaction of their own, for writes that must be all or nothing
   * (the holiday CSV import, docs/scheduler.md "Holidays"): everything queued before goes first (a
   * full flush), then the group, never split at `maxBatch` and never retried statement by statement.
   * Rejects, with nothing of the group written, when the transaction fails; with
   * StoreUnavailableError when the store fails.
   */
  async writeAtomic(statements: InStatement[]): Promise<void> {
    let failure: { error: unknown } | null = null;
    await this.#exclusive(async () => {
      await this.#flushOnce(true);
      if (this.#failure) {
        failure = { error: new StoreUnavailableError(this.#failure.reason) };
        return;
      }
      if (this.#fencedReason) {
        failure = { error: new FencedError(this.#fencedReason) };
        return;
      }
      if (statements.length === 0) return;
      try {
        await this.#db.batch(guarded(this.#fence, statements), 'write');
        this.stats.statementsWritten += statements.length;
      } catch (error) {
        if (isFenced(error)) {
          this.halt(errorText(error));
          failure = { error: new FencedError(errorText(error)) };
          return;
        }
        log.warn(`atomic group of ${statements.length} failed, nothing of it written: ${errorText(error)}`);
        if (isStoreFailure(error)) {
          this.#failed(error);
          failure = { error: new StoreUnavailableError(errorText(error)) };
        } else failure = { error };
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
      this.#flushSoon(); // durable waiters that came during this flush: the next one, now
    });
    await this.#flushing;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush(true);
    if (this.#failure) {
      log.error(`store still failing at shutdown: ${this.#queue.length} statements (${this.#logsQueued} log rows) and ${this.#clientRows.size} client rows not written`, { reason: this.#failure.reason });
    }
  }

  async #flushOnce(all: boolean): Promise<void> {
    if (this.#fencedReason) return; // another server holds the database: write nothing more
    const started = performance.now();
    const now = this.#opts.now();
    const { rows, uuids } = this.#clientRows.take(all, now, (uuid) => this.#opts.clientUpsert(uuid));
    const queued = this.#queue;
    const upTo = this.#barrier.enqueued;
    this.#barrier.seal(); // durable waiters from now on belong to the next flush
    this.#queue = [];
    this.#logsQueued = 0;
    const entries = rows.concat(queued);
    let done = 0;
    while (done < entries.length) {
      const size = Math.min(this.#opts.maxBatch, entries.length - done);
      const n = await writeBatch(this.#batchHost, entries.slice(done, done + size));
      done += n;
      if (n < size) break; // the store failed
    }
    if (done < entries.length) {
      // Keep everything not written, in order, ahead of what arrived meanwhile. Client rows are not
      // kept as statements: marking them due again writes their latest state next time.
      const rest = entries.slice(done);
      const restRows = Math.max(0, rows.length - done);
      for (const uuid of uuids.slice(uuids.length - restRows)) this.markClient(uuid, true);
      const keep = rest.slice(restRows);
      this.#queue = keep.concat(this.#queue);
      this.#logsQueued += keep.reduce((n, q) => n + (q.log ? 1 : 0), 0);
      if (this.#queue.length > this.#opts.maxPending) this.#dropOldestLogs();
    } else {
      this.#failures.recovered(() => this.#opts.now());
      this.#barrier.advance(upTo);
    }
    const writtenRows = Math.min(done, rows.length);
    this.#clientRows.written(uuids.slice(0, writtenRows), now);
    this.stats.flushes++;
    this.stats.clientRowsWritten += writtenRows;
    this.stats.statementsWritten += done;
    this.stats.lastFlushMs = performance.now() - started;
    this.stats.pendingStatements = this.#queue.length;
    this.stats.pendingLogRows = this.#logsQueued;
    this.stats.pendingClients = this.#clientRows.size;
  }

  /** A fenced batch: not a store failure, never retried; the writer stops (nothing counts as written). */
  #fencedAt(err: unknown): number {
    this.halt(errorText(err));
    return 0;
  }

  #failed(err: unknown): void {
    const now = this.#opts.now();
    this.stats.storeFailures++;
    this.#failures.failed(err, now, this.#opts.retryMinMs, this.#opts.retryMaxMs);
  }

  /** Over the bound: drop the oldest tenth of the queued log rows at once (amortised), counted. */
  #dropOldestLogs(): void {
    let toDrop = Math.max(1, Math.ceil(this.#logsQueued / 10), this.#queue.length - this.#opts.maxPending);
    toDrop = Math.min(toDrop, this.#logsQueued);
    if (toDrop === 0) return; // only non-log statements: they are never dropped
    const kept: Queued[] = [];
    let dropped = 0;
    for (const q of this.#queue) {
      if (q.log && dropped < toDrop) dropped++;
      else kept.push(q);
    }
    this.#queue = kept;
    this.#logsQueued -= dropped;
    this.stats.droppedLogRows += dropped;
    log.warn(`write queue over ${this.#opts.maxPending} while the store fails: dropped the ${dropped} oldest log rows (${this.stats.droppedLogRows} in all)`);
  }
}

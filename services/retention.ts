/**
 * Background retention (docs/clients.md "Logs, screenshots, retention"): logs older than
 * LOG_RETENTION_DAYS are deleted in bounded batches, yielding between batches so the telemetry
 * writer and the API keep running; expired sessions, and audit entries older than
 * AUDIT_RETENTION_DAYS (when given), go in the same pass. Runs at start-up and then
 * every `intervalMs`. Deletes go through the one writer (docs/architecture.md "One writer").
 */
import type { Db } from '../db/client.ts';
import { purgeOldLogs, type Writes } from '../db/logs.ts';
import { deleteExpiredSessionsStatement } from '../db/sessions.ts';
import { purgeAuditStatement } from '../db/audit.ts';
import { logger } from '../lib/logger.ts';

const log = logger('retention');

export interface RetentionOptions {
  db: Db;
  writer: Writes;
  retentionDays: number; // LOG_RETENTION_DAYS
  auditRetentionDays?: number; // AUDIT_RETENTION_DAYS; unset: the audit log is kept
  batchSize?: number; // rows per delete (default 1000)
  intervalMs?: number; // ms between passes (default 1 h)
  pauseMs?: number; // ms yielded between batches (default 20)
  now?: () => number;
}

export interface PurgeResult {
  logs: number;
  batches: number;
}

export class Retention {
  #o: Required<RetentionOptions>;
  #timer: ReturnType<typeof setInterval> | null = null;
  #running: Promise<PurgeResult> | null = null;
  #stopping = false;

  constructor(opts: RetentionOptions) {
    this.#o = { auditRetentionDays: 0, batchSize: 1000, intervalMs: 3_600_000, pauseMs: 20, now: () => Date.now(), ...opts };
  }

  /** First pass now (in the background), then one per interval. */
  start(): void {
    if (this.#timer) return;
    this.#stopping = false;
    const tick = () => void this.runOnce().catch((err) => log.error('purge failed', err));
    this.#timer = setInterval(tick, this.#o.intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
    tick();
  }

  /** Stops the timer; a pass in progress ends after its current batch. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }

  /** One full pass; concurrent calls share the pass in progress. */
  runOnce(): Promise<PurgeResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(): Promise<PurgeResult> {
    const { db, writer, batchSize, pauseMs } = this.#o;
    const now = this.#o.now();
    const cutoff = now - this.#o.retentionDays * 86_400_000;
    const result: PurgeResult = { logs: 0, batches: 0 };
    while (!this.#stopping) {
      const deleted = await purgeOldLogs(db, writer, cutoff, batchSize);
      if (deleted === 0) break;
      result.logs += deleted;
      result.batches++;
      if (deleted < batchSize) break;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    await writer.write(deleteExpiredSessionsStatement(now));
    if (this.#o.auditRetentionDays > 0) await writer.write(purgeAuditStatement(now - this.#o.auditRetentionDays * 86_400_000));
    if (result.logs > 0) log.info(`purged ${result.logs} logs older than ${this.#o.retentionDays} days in ${result.batches} batches`);
    return result;
  }
}

/**
 * The writer's store-failure bookkeeping (docs/reliability.md "Storage faults"): while the store
 * itself fails, nothing is dropped and the writer retries with a doubling backoff until it is back;
 * this keeps the reason, the outage's start and when the next retry may run.
 */
import { logger } from '../lib/logger.ts';
import { errorText } from './store-errors.ts';

const log = logger('writer');

export interface StoreFailure {
  reason: string;
  since: number; // epoch ms of the first failure of this outage
  retryAt: number;
  backoffMs: number;
}

export class StoreFailures {
  current: StoreFailure | null = null;

  /** True while the store fails and its backoff has not run out (no retry yet). */
  waiting(now: () => number): boolean {
    return this.current !== null && now() < this.current.retryAt;
  }

  /** The store failed (again): the next retry waits twice as long, up to `maxMs`. */
  failed(err: unknown, now: number, minMs: number, maxMs: number): void {
    const reason = errorText(err);
    const f = this.current;
    const backoffMs = f ? Math.min(f.backoffMs * 2, maxMs) : minMs;
    if (!f) log.error(`store failing, keeping writes and retrying: ${reason}`);
    this.current = { reason, since: f?.since ?? now, retryAt: now + backoffMs, backoffMs };
  }

  /** A flush wrote everything: the outage (if any) is over. */
  recovered(now: () => number): void {
    if (!this.current) return;
    log.info(`store is back after ${((now() - this.current.since) / 1000).toFixed(1)} s; kept writes written`);
    this.current = null;
  }
}

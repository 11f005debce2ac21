/**
 * How the writer writes one batch of queued statements: atomically, and when one of its statements
 * makes it fail, each alone, so one bad row cannot block (or take down) every other write.
 */
import type { InStatement } from '@libsql/client';
import { logger } from '../lib/logger.ts';
import { errorText, isStoreFailure } from './store-errors.ts';
import { isFenced } from './lease.ts';
import { guarded } from './writer.fence.ts';
import { coalesceInserts } from './writer.coalesce.ts';
import type { WriterDb } from './writer.types.ts';

const log = logger('writer');

export interface Queued {
  stmt: InStatement;
  log: boolean; // a device log row: the only kind dropped when the bound is hit
}

/** What writing a batch reports back to the writer. */
export interface BatchHost {
  db: WriterDb;
  fence: InStatement | null;
  /** The writer was fenced: write nothing. */
  fenced: () => boolean;
  /** A fenced batch: the writer stops; answers how many count as done (none). */
  fencedAt: (err: unknown) => number;
  storeFailed: (err: unknown) => void;
  /** A statement that failed on its own was dropped (counted). */
  dropped: () => void;
}

/**
 * One atomic batch (runs of the same INSERT merged into multi-row statements: db/writer.coalesce.ts);
 * if it fails because of one of its statements, each is retried alone: those
 * that still fail are dropped, counted and logged. Returns how many statements are done (written
 * or dropped as bad); fewer than given means the store failed and the rest must be kept.
 */
export async function writeBatch(host: BatchHost, batch: Queued[]): Promise<number> {
  if (batch.length === 0 || host.fenced()) return 0;
  try {
    await host.db.batch(guarded(host.fence, coalesceInserts(batch.map((q) => q.stmt))), 'write');
    return batch.length;
  } catch (err) {
    if (isFenced(err)) return host.fencedAt(err);
    if (isStoreFailure(err)) {
      host.storeFailed(err);
      return 0;
    }
    log.warn(`batch of ${batch.length} failed, retrying one by one: ${errorText(err)}`);
  }
  for (let i = 0; i < batch.length; i++) {
    const { stmt } = batch[i];
    try {
      if (host.fence) await host.db.batch([host.fence, stmt], 'write');
      else await host.db.execute(stmt);
    } catch (err) {
      if (isFenced(err)) return host.fencedAt(err);
      if (isStoreFailure(err)) {
        host.storeFailed(err);
        return i;
      }
      host.dropped();
      log.error('statement dropped', { error: errorText(err), sql: typeof stmt === 'string' ? stmt : stmt.sql });
    }
  }
  return batch.length;
}

/**
 * What waits for a digest (docs/notifications.md "Rules": quiet hours, rate cap): per rule the
 * alerts announced inside its quiet hours, per channel the notices over its rate cap. Kept in
 * memory for the engine and, row by row, in `notification_deferred`, so a restart before the
 * digest is due drops nothing ("never dropped"); `restore` reads them back at start.
 */
import type { InStatement } from '@libsql/client';
import { clearDeferredStatement, deferStatement, RESOLVED_ITEM, undeferStatement, type DeferredRow } from '../../db/notification-deferred.ts';
import type { NoticeAlert } from '../../domain/notifications.ts';

/** A digest whose time has come; `clear` goes into the same write as its outbox row. */
export interface DueDigest {
  reason: 'quiet-hours' | 'rate-cap';
  channelId: number;
  ruleId: number | null;
  alerts: NoticeAlert[];
  resolved: number;
  clear: InStatement;
}

interface Bucket {
  channelId: number;
  ruleId: number | null;
  dueAt: number;
  alerts: Map<string, NoticeAlert>; // quiet: by fingerprint; rate: by sequence number
  resolved: number; // quiet: opened and closed again within the quiet hours
}

const quietKey = (ruleId: number) => `quiet:${ruleId}`;
const rateKey = (channelId: number) => `rate:${channelId}`;

export class Deferrals {
  #buckets = new Map<string, Bucket>();
  #persist: (...s: InStatement[]) => void;

  constructor(persist: (...s: InStatement[]) => void) {
    this.#persist = persist;
  }

  /** Quiet hours: the latest state per alert until `until`; opened and closed meanwhile = counted, not listed. */
  holdQuiet(rule: { id: number; channelId: number }, until: number, alerts: NoticeAlert[]): void {
    const key = quietKey(rule.id);
    const b = this.#bucket(key, rule.channelId, rule.id, until);
    const writes: InStatement[] = [];
    for (const a of alerts) {
      const before = b.alerts.get(a.fingerprint);
      if (a.status === 'resolved' && before?.status === 'firing') {
        b.alerts.delete(a.fingerprint);
        b.resolved++;
        writes.push(undeferStatement(key, a.fingerprint), this.#row(key, b, RESOLVED_ITEM, null));
      } else {
        b.alerts.set(a.fingerprint, a); // (an update keeps its place, in memory and in the table)
        writes.push(this.#row(key, b, a.fingerprint, a));
      }
    }
    this.#persist(...writes);
  }

  /** Whether the channel is over its cap and folding until the window ends. */
  folding(channelId: number): boolean {
    return this.#buckets.has(rateKey(channelId));
  }

  /**
   * Rate cap: notices of the channel fold into one digest at `flushAt` (set by the first one).
   * `also` (e.g. the clearing of a quiet-hours bucket whose digest folds here) goes into the same write.
   */
  fold(channelId: number, ruleId: number | null, flushAt: number, alerts: NoticeAlert[], also: InStatement[] = []): void {
    const key = rateKey(channelId);
    const b = this.#bucket(key, channelId, ruleId, flushAt);
    const writes: InStatement[] = [...also];
    for (const a of alerts) {
      const item = String(b.alerts.size).padStart(6, '0');
      b.alerts.set(item, a);
      writes.push(this.#row(key, b, item, a));
    }
    this.#persist(...writes);
  }

  /** Digests due at `now`, taken out of memory; their rows go with `clear`. */
  due(now: number): DueDigest[] {
    const out: DueDigest[] = [];
    for (const [key, b] of this.#buckets) {
      if (b.dueAt > now) continue;
      this.#buckets.delete(key);
      out.push({ reason: key.startsWith('quiet:') ? 'quiet-hours' : 'rate-cap', channelId: b.channelId, ruleId: b.ruleId, alerts: [...b.alerts.values()], resolved: b.resolved, clear: clearDeferredStatement(key) });
    }
    return out;
  }

  /** Rules or channels were deleted: their digests go (the rows with them). */
  keepOnly(ruleIds: Set<number>, channelIds: Set<number>): void {
    for (const [key, b] of this.#buckets) {
      const gone = !channelIds.has(b.channelId) || (key.startsWith('quiet:') && (b.ruleId === null || !ruleIds.has(b.ruleId)));
      if (!gone) continue;
      this.#buckets.delete(key);
      this.#persist(clearDeferredStatement(key));
    }
  }

  /** After a restart: the stored rows, in the order they were deferred. */
  restore(rows: DeferredRow[]): void {
    for (const r of rows) {
      const b = this.#bucket(r.bucket, r.channelId, r.ruleId, r.dueAt);
      if (r.item === RESOLVED_ITEM) b.resolved = r.resolved;
      else if (r.alert) b.alerts.set(r.item, r.alert);
    }
  }

  #bucket(key: string, channelId: number, ruleId: number | null, dueAt: number): Bucket {
    let b = this.#buckets.get(key);
    if (!b) this.#buckets.set(key, (b = { channelId, ruleId, dueAt, alerts: new Map(), resolved: 0 }));
    return b;
  }

  #row(bucket: string, b: Bucket, item: string, alert: NoticeAlert | null): InStatement {
    return deferStatement({ bucket, item, channelId: b.channelId, ruleId: b.ruleId, dueAt: b.dueAt, alert, resolved: b.resolved });
  }
}

/**
 * The writer's due client rows: pulled from their owner (the actor) at flush time, so a row is
 * always written with its latest state. A state change is due at the next flush; pure freshness
 * at most every `freshnessMs` per client.
 *
 * Rows wait in buckets by due time, so a flush looks only at the rows that are due: with a
 * device's QoS 1 messages the writer flushes as often as it can (group commit, db/writer.ts
 * `durable`), and a scan of every marked client per flush grew with the fleet.
 */
import type { InStatement } from '@libsql/client';
import type { Queued } from './writer.batch.ts';

const BUCKET_MS = 100;

export class DueClientRows {
  #freshnessMs: number;
  #due = new Map<string, number>(); // uuid → time the row must be written by
  #buckets = new Map<number, Set<string>>(); // floor(due / BUCKET_MS) → uuids
  #lastWritten = new Map<string, number>();

  constructor(freshnessMs: number) {
    this.#freshnessMs = freshnessMs;
  }

  get size(): number {
    return this.#due.size;
  }

  mark(uuid: string, urgent: boolean, now: number): void {
    const due = urgent ? now : Math.max(now, (this.#lastWritten.get(uuid) ?? 0) + this.#freshnessMs);
    const prev = this.#due.get(uuid);
    if (prev !== undefined && due >= prev) return;
    if (prev !== undefined) this.#unbucket(uuid, prev);
    this.#due.set(uuid, due);
    const key = Math.floor(due / BUCKET_MS);
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.add(uuid);
    else this.#buckets.set(key, new Set([uuid]));
  }

  forget(uuid: string): void {
    const prev = this.#due.get(uuid);
    if (prev !== undefined) this.#unbucket(uuid, prev);
    this.#due.delete(uuid);
    this.#lastWritten.delete(uuid);
  }

  /** Takes the rows due by `now` (every one with `all`), as statements from `upsert`; gone clients are skipped. */
  take(all: boolean, now: number, upsert: (uuid: string) => InStatement | null): { rows: Queued[]; uuids: string[] } {
    const rows: Queued[] = [];
    const uuids: string[] = [];
    const nowKey = Math.floor(now / BUCKET_MS);
    for (const [key, bucket] of this.#buckets) {
      if (!all && key > nowKey) continue;
      for (const uuid of bucket) {
        if (!all && this.#due.get(uuid)! > now) continue; // the current bucket: only what is due
        bucket.delete(uuid);
        this.#due.delete(uuid);
        const stmt = upsert(uuid);
        if (!stmt) continue;
        rows.push({ stmt, log: false });
        uuids.push(uuid);
      }
      if (bucket.size === 0) this.#buckets.delete(key);
    }
    return { rows, uuids };
  }

  written(uuids: string[], now: number): void {
    for (const uuid of uuids) this.#lastWritten.set(uuid, now);
  }

  #unbucket(uuid: string, due: number): void {
    const key = Math.floor(due / BUCKET_MS);
    const bucket = this.#buckets.get(key);
    if (!bucket) return;
    bucket.delete(uuid);
    if (bucket.size === 0) this.#buckets.delete(key);
  }
}

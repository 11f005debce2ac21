/**
 * The writer's due client rows: pulled from their owner (the actor) at flush time, so a row is
 * always written with its latest state. A state change is due at the next flush; pure freshness
 * at most every `freshnessMs` per client.
 */
import type { InStatement } from '@libsql/client';
import type { Queued } from './writer.batch.ts';

export class DueClientRows {
  #freshnessMs: number;
  #due = new Map<string, number>(); // uuid → time the row must be written by
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
    if (prev === undefined || due < prev) this.#due.set(uuid, due);
  }

  forget(uuid: string): void {
    this.#due.delete(uuid);
    this.#lastWritten.delete(uuid);
  }

  /** Takes the rows due by `now` (every one with `all`), as statements from `upsert`; gone clients are skipped. */
  take(all: boolean, now: number, upsert: (uuid: string) => InStatement | null): { rows: Queued[]; uuids: string[] } {
    const rows: Queued[] = [];
    const uuids: string[] = [];
    for (const [uuid, due] of this.#due) {
      if (!all && due > now) continue;
      this.#due.delete(uuid);
      const stmt = upsert(uuid);
      if (!stmt) continue;
      rows.push({ stmt, log: false });
      uuids.push(uuid);
    }
    return { rows, uuids };
  }

  written(uuids: string[], now: number): void {
    for (const uuid of uuids) this.#lastWritten.set(uuid, now);
  }
}

/**
 * Ids for new rows of the scheduling tables. Every write goes through the one writer (docs/architecture.md "One writer"),
 * which answers no `lastInsertRowid`, so a create allocates its id up front: from the table's
 * AUTOINCREMENT sequence (deleted ids are never reused, like AUTOINCREMENT itself) once per
 * process, then in memory. Only this process writes these tables, and only through its one
 * allocator: the composition (runtime.ts) creates it and hands it to every service that creates rows.
 */
import type { Db } from './client.ts';

export type IdTable = 'groups' | 'events' | 'holidays' | 'academic_periods' | 'notification_channels' | 'notification_rules' | 'notification_mutes';

async function load(db: Db, table: IdTable): Promise<{ next: number }> {
  const max = await db.execute(`SELECT COALESCE(MAX(id), 0) AS n FROM ${table}`);
  let n = Number(max.rows[0].n);
  const hasSeq = await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
  if (hasSeq.rows.length) {
    const seq = await db.execute({ sql: 'SELECT seq FROM sqlite_sequence WHERE name = ?', args: [table] });
    if (seq.rows.length) n = Math.max(n, Number(seq.rows[0].seq));
  }
  return { next: n + 1 };
}

/** The id allocator of one database: one per process, shared by everything that creates rows. */
export class IdAllocator {
  #counters = new Map<IdTable, Promise<{ next: number }>>();
  constructor(private readonly db: Db) {}

  /** The next id of `table` (unique within this allocator; written rows advance the sequence). */
  async next(table: IdTable): Promise<number> {
    let counter = this.#counters.get(table);
    if (!counter) this.#counters.set(table, (counter = load(this.db, table)));
    const c = await counter;
    return c.next++;
  }
}

/**
 * Ids for new rows of the scheduling tables. Every write goes through the one writer (docs/architecture.md "One writer"),
 * which answers no `lastInsertRowid`, so a create allocates its id up front: from the table's
 * AUTOINCREMENT sequence (deleted ids are never reused, like AUTOINCREMENT itself) once per
 * process, then in memory. Only this process writes these tables.
 */
import type { Db } from './client.ts';

export type IdTable = 'groups' | 'events' | 'holidays' | 'academic_periods' | 'notification_channels' | 'notification_rules' | 'notification_mutes';

const counters = new WeakMap<Db, Map<IdTable, Promise<{ next: number }>>>();

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

/** The next id of `table` (unique within this process; written rows advance the sequence). */
export async function nextId(db: Db, table: IdTable): Promise<number> {
  let byTable = counters.get(db);
  if (!byTable) counters.set(db, (byTable = new Map()));
  let counter = byTable.get(table);
  if (!counter) byTable.set(table, (counter = load(db, table)));
  const c = await counter;
  return c.next++;
}

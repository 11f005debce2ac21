/**
 * Named queries for groups (docs/scheduler.md "The contract in short": id, name, description, display order). Reads
 * query; writes are statements for the one writer. Deleting a group deletes its events and their
 * exceptions too (no foreign keys: see 0004_scheduler.sql).
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';
import type { Group } from '../lib/schedule/types.ts';

const COLUMNS = 'id, name, description, display_order, created_at, updated_at';

function toGroup(r: Row): Group {
  return {
    id: Number(r.id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    displayOrder: Number(r.display_order),
    createdAt: fromIso(r.created_at) ?? 0,
    updatedAt: fromIso(r.updated_at) ?? 0,
  };
}

/** Every group in display order (then name). */
export async function listGroups(db: Db): Promise<Group[]> {
  const rs = await db.execute(`SELECT ${COLUMNS} FROM groups ORDER BY display_order, name COLLATE NOCASE, id`);
  return rs.rows.map(toGroup);
}

export async function getGroup(db: Db, id: number): Promise<Group | null> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM groups WHERE id = ?`, args: [id] });
  return rs.rows[0] ? toGroup(rs.rows[0]) : null;
}

/** The group with this name ignoring case (names are unique: the table says so, case-sensitively). */
export async function findGroupByName(db: Db, name: string): Promise<Group | null> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM groups WHERE name = ? COLLATE NOCASE LIMIT 1`, args: [name] });
  return rs.rows[0] ? toGroup(rs.rows[0]) : null;
}

export async function maxDisplayOrder(db: Db): Promise<number> {
  const rs = await db.execute('SELECT COALESCE(MAX(display_order), -1) AS m FROM groups');
  return Number(rs.rows[0].m);
}

export function insertGroupStatement(id: number, g: { name: string; description: string | null; displayOrder: number }, now: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: 'INSERT INTO groups (id, name, description, display_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    args: [id, g.name, g.description, g.displayOrder, at, at],
  };
}

export function updateGroupStatement(id: number, g: { name: string; description: string | null }, now: number): InStatement {
  return {
    sql: 'UPDATE groups SET name = ?, description = ?, updated_at = ? WHERE id = ?',
    args: [g.name, g.description, new Date(now).toISOString(), id],
  };
}

/** `ids` in their new display order (0, 1, 2, …). */
export function orderStatements(ids: number[], now: number): InStatement[] {
  const at = new Date(now).toISOString();
  return ids.map((id, i) => ({ sql: 'UPDATE groups SET display_order = ?, updated_at = ? WHERE id = ?', args: [i, at, id] }));
}

export function deleteGroupStatements(id: number): InStatement[] {
  return [
    { sql: 'DELETE FROM event_exceptions WHERE event_id IN (SELECT id FROM events WHERE group_id = ?)', args: [id] },
    { sql: 'DELETE FROM events WHERE group_id = ?', args: [id] },
    { sql: 'DELETE FROM groups WHERE id = ?', args: [id] },
  ];
}

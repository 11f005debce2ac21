/**
 * Named queries for holidays (docs/scheduler.md "The contract in short"). `planStatements` turns a merge plan
 * (lib/schedule/holidays.ts) into the statements of one import, which lib/schedule/holiday-edits.ts
 * hands to the writer as one atomic group (`BatchedWriter.writeAtomic`: all of them or none).
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { nextId } from './ids.ts';
import type { HolidayDraft, HolidayPlan } from '../lib/schedule/holidays.ts';
import type { Holiday } from '../lib/schedule/types.ts';

function toHoliday(r: Row): Holiday {
  return { id: Number(r.id), name: String(r.name), region: String(r.region ?? ''), startDate: String(r.start_date), endDate: String(r.end_date) };
}

/** Every holiday by start date; with `from`/`to` (YYYY-MM-DD) only those overlapping that range. */
export async function listHolidays(db: Db, range: { from?: string; to?: string } = {}): Promise<Holiday[]> {
  const rs = await db.execute({
    sql: `SELECT id, name, region, start_date, end_date FROM holidays
          WHERE (? IS NULL OR end_date >= ?) AND (? IS NULL OR start_date <= ?) ORDER BY start_date, id`,
    args: [range.from ?? null, range.from ?? null, range.to ?? null, range.to ?? null],
  });
  return rs.rows.map(toHoliday);
}

export async function getHoliday(db: Db, id: number): Promise<Holiday | null> {
  const rs = await db.execute({ sql: 'SELECT id, name, region, start_date, end_date FROM holidays WHERE id = ?', args: [id] });
  return rs.rows[0] ? toHoliday(rs.rows[0]) : null;
}

export function insertHolidayStatement(id: number, h: HolidayDraft, now: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: 'INSERT INTO holidays (id, name, region, start_date, end_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [id, h.name, h.region, h.startDate, h.endDate, at, at],
  };
}

export function updateHolidayStatement(id: number, h: Partial<HolidayDraft>, now: number): InStatement {
  return {
    sql: `UPDATE holidays SET name = COALESCE(?, name), region = COALESCE(?, region), start_date = COALESCE(?, start_date),
          end_date = COALESCE(?, end_date), updated_at = ? WHERE id = ?`,
    args: [h.name ?? null, h.region ?? null, h.startDate ?? null, h.endDate ?? null, new Date(now).toISOString(), id],
  };
}

export function deleteHolidayStatement(id: number): InStatement {
  return { sql: 'DELETE FROM holidays WHERE id = ?', args: [id] };
}

/** The statements of a plan, with ids allocated for its new rows (returned in plan order). */
export async function planStatements(db: Db, plan: HolidayPlan, now: number): Promise<{ statements: InStatement[]; insertedIds: number[] }> {
  const statements: InStatement[] = [];
  const insertedIds: number[] = [];
  for (const id of plan.deletes) statements.push(deleteHolidayStatement(id));
  for (const u of plan.updates) statements.push(updateHolidayStatement(u.id, { startDate: u.startDate, endDate: u.endDate }, now));
  for (const h of plan.inserts) {
    const id = await nextId(db, 'holidays');
    insertedIds.push(id);
    statements.push(insertHolidayStatement(id, h, now));
  }
  return { statements, insertedIds };
}

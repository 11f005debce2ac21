/**
 * Named queries for holidays (docs/scheduler.md "The contract in short"). `planStatements` turns a merge plan
 * (lib/schedule/holidays.ts) into the statements of one import, which services/schedule/holiday-edits.ts
 * hands to the writer as one atomic group (`BatchedWriter.writeAtomic`: all of them or none).
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { IdAllocator } from './ids.ts';
import type { HolidayDraft, HolidayPlan } from '../lib/schedule/holidays.ts';
import type { Holiday } from '../lib/schedule/types.ts';

const COLUMNS = 'id, name, region, start_date, end_date, academic_period_id';

function toHoliday(r: Row): Holiday {
  return {
    id: Number(r.id), name: String(r.name), region: String(r.region ?? ''), startDate: String(r.start_date), endDate: String(r.end_date),
    academicPeriodId: r.academic_period_id === null ? null : Number(r.academic_period_id),
  };
}

/**
 * Every holiday by start date; with `from`/`to` (YYYY-MM-DD) only those overlapping that range;
 * with `academicPeriodId` only those kept for that period (null: those kept for none).
 */
export async function listHolidays(db: Db, range: { from?: string; to?: string; academicPeriodId?: number | null } = {}): Promise<Holiday[]> {
  const byPeriod = range.academicPeriodId === undefined ? '' : range.academicPeriodId === null ? 'AND academic_period_id IS NULL' : 'AND academic_period_id = ?';
  const rs = await db.execute({
    sql: `SELECT ${COLUMNS} FROM holidays
          WHERE (? IS NULL OR end_date >= ?) AND (? IS NULL OR start_date <= ?) ${byPeriod} ORDER BY start_date, id`,
    args: [range.from ?? null, range.from ?? null, range.to ?? null, range.to ?? null, ...(typeof range.academicPeriodId === 'number' ? [range.academicPeriodId] : [])],
  });
  return rs.rows.map(toHoliday);
}

export async function getHoliday(db: Db, id: number): Promise<Holiday | null> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM holidays WHERE id = ?`, args: [id] });
  return rs.rows[0] ? toHoliday(rs.rows[0]) : null;
}

/** `periodId`: the academic period the holiday is kept for (docs/periods.md "Holidays"). */
export function insertHolidayStatement(id: number, h: HolidayDraft, now: number, periodId: number | null = null): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: 'INSERT INTO holidays (id, name, region, start_date, end_date, created_at, updated_at, academic_period_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    args: [id, h.name, h.region, h.startDate, h.endDate, at, at, periodId],
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

/** The statements of a plan, with ids allocated for its new rows (returned in plan order), kept for `periodId`. */
export async function planStatements(ids: Pick<IdAllocator, 'next'>, plan: HolidayPlan, now: number, periodId: number | null = null): Promise<{ statements: InStatement[]; insertedIds: number[] }> {
  const statements: InStatement[] = [];
  const insertedIds: number[] = [];
  for (const id of plan.deletes) statements.push(deleteHolidayStatement(id));
  for (const u of plan.updates) statements.push(updateHolidayStatement(u.id, { startDate: u.startDate, endDate: u.endDate }, now));
  for (const h of plan.inserts) {
    const id = await ids.next('holidays');
    insertedIds.push(id);
    statements.push(insertHolidayStatement(id, h, now, periodId));
  }
  return { statements, insertedIds };
}

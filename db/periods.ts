/**
 * Named queries for academic periods (0019_academic_periods.sql, docs/periods.md) and what links to
 * them (events, holidays, media). Writes are statements for the one writer; the service
 * (services/periods/service.ts) checks the rules before it hands them over.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';
import type { AcademicPeriod, PeriodType } from '../domain/periods.ts';

const COLUMNS = 'id, name, display_name, start_date, end_date, period_type, is_active, is_archived, archived_at, archived_by, created_at, updated_at';

/** What a create or an update writes. */
export interface PeriodDraft {
  name: string;
  displayName: string | null;
  startDate: string;
  endDate: string;
  periodType: PeriodType;
}

function toPeriod(r: Row): AcademicPeriod {
  return {
    id: Number(r.id),
    name: String(r.name),
    displayName: r.display_name === null ? null : String(r.display_name),
    startDate: String(r.start_date),
    endDate: String(r.end_date),
    periodType: String(r.period_type) as PeriodType,
    isActive: Number(r.is_active) === 1,
    isArchived: Number(r.is_archived) === 1,
    archivedAt: fromIso(r.archived_at),
    archivedBy: r.archived_by === null ? null : Number(r.archived_by),
    createdAt: fromIso(r.created_at) ?? 0,
    updatedAt: fromIso(r.updated_at) ?? 0,
  };
}

/** Every period (archived ones only when asked) by start date, then id. */
export async function listPeriods(db: Db, opts: { includeArchived?: boolean } = {}): Promise<AcademicPeriod[]> {
  const where = opts.includeArchived ? '' : 'WHERE is_archived = 0';
  const rs = await db.execute(`SELECT ${COLUMNS} FROM academic_periods ${where} ORDER BY start_date, id`);
  return rs.rows.map(toPeriod);
}

/** One period by id, archived or not. */
export async function getPeriod(db: Db, id: number): Promise<AcademicPeriod | null> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM academic_periods WHERE id = ?`, args: [id] });
  return rs.rows[0] ? toPeriod(rs.rows[0]) : null;
}

export function insertPeriodStatement(id: number, d: PeriodDraft, now: number): InStatement {
  return {
    sql: `INSERT INTO academic_periods (id, name, display_name, start_date, end_date, period_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [id, d.name, d.displayName, d.startDate, d.endDate, d.periodType, iso(now), iso(now)],
  };
}

export function updatePeriodStatement(id: number, d: PeriodDraft, now: number): InStatement {
  return {
    sql: 'UPDATE academic_periods SET name = ?, display_name = ?, start_date = ?, end_date = ?, period_type = ?, updated_at = ? WHERE id = ?',
    args: [d.name, d.displayName, d.startDate, d.endDate, d.periodType, iso(now), id],
  };
}

/** Makes `id` the one active period (the others first: the unique index allows one at a time); null deactivates all. */
export function activateStatements(id: number | null, now: number): InStatement[] {
  const off: InStatement = { sql: 'UPDATE academic_periods SET is_active = 0, updated_at = ? WHERE is_active = 1 AND id IS NOT ?', args: [iso(now), id] };
  if (id === null) return [off];
  return [off, { sql: 'UPDATE academic_periods SET is_active = 1, updated_at = ? WHERE id = ? AND is_archived = 0', args: [iso(now), id] }];
}

export function archiveStatement(id: number, by: number | null, now: number): InStatement {
  return {
    sql: 'UPDATE academic_periods SET is_archived = 1, is_active = 0, archived_at = ?, archived_by = ?, updated_at = ? WHERE id = ?',
    args: [iso(now), by, iso(now), id],
  };
}

export function restoreStatement(id: number, now: number): InStatement {
  return { sql: 'UPDATE academic_periods SET is_archived = 0, archived_at = NULL, archived_by = NULL, updated_at = ? WHERE id = ?', args: [iso(now), id] };
}

/**
 * Deletes a period for good: its holidays go with it (they were kept for it alone), media items
 * that named it are unlinked, then the row. Events are never touched here: a period with linked
 * events is not deleted at all.
 */
export function deletePeriodStatements(id: number): InStatement[] {
  return [
    { sql: 'DELETE FROM holidays WHERE academic_period_id = ?', args: [id] },
    { sql: 'UPDATE event_media SET academic_period_id = NULL WHERE academic_period_id = ?', args: [id] },
    { sql: 'DELETE FROM academic_periods WHERE id = ?', args: [id] },
  ];
}

/** How much links to a period: events, holidays and media items of the library. */
export async function periodLinks(db: Db, id: number): Promise<{ events: number; holidays: number; media: number }> {
  const rs = await db.execute({
    sql: `SELECT (SELECT COUNT(*) FROM events WHERE academic_period_id = ?) AS events,
                 (SELECT COUNT(*) FROM holidays WHERE academic_period_id = ?) AS holidays,
                 (SELECT COUNT(*) FROM event_media WHERE academic_period_id = ?) AS media`,
    args: [id, id, id],
  });
  const r = rs.rows[0];
  return { events: Number(r.events), holidays: Number(r.holidays), media: Number(r.media) };
}

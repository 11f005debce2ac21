/**
 * Holiday writes (docs/scheduler.md "The contract in short"; docs/scheduler.md "Holidays"), shared by `/api/holidays`
 * and the `/holidays` page. One planner (holidays.ts) serves single holidays and the CSV import:
 * the same normalised name + region merge, an overlap with a different holiday is a conflict.
 * Holiday writes are atomic groups of the writer (`writeAtomic`): an import is parsed and planned
 * whole, then written in one transaction or not at all (docs/architecture.md "Memory holds freshness, the database its durable copy", docs/scheduler.md).
 * Holidays are kept per academic period (docs/periods.md "Holidays"): merges and conflicts are
 * planned among the holidays of the same period (or of none), and a period's holidays must lie
 * within its dates; an import with a row outside them imports nothing and names the rows.
 */
import { deleteHolidayStatement, getHoliday, listHolidays, planStatements, updateHolidayStatement } from '../../db/holidays.ts';
import { getPeriod } from '../../db/periods.ts';
import { outsidePeriod, type AcademicPeriod } from '../../domain/periods.ts';
import { parseHolidaysCsv } from '../../lib/schedule/holidays-csv.ts';
import { daysBetween, MAX_HOLIDAY_DAYS, planHolidays, type HolidayDraft, type HolidayPlan, type ImportReport } from '../../lib/schedule/holidays.ts';
import type { Holiday } from '../../lib/schedule/types.ts';
import { conflict, invalid, issue, notFound, ok, rejected, type EditResult, type EditWrites, type Issue, type ScheduleEditDeps } from './edit-result.ts';

export type HolidayOutcome = 'inserted' | 'merged' | 'skipped';
export type HolidayInput = { name: string; region?: string; startDate: string; endDate?: string; academicPeriodId?: number | null };

/** The import's report plus the number of data rows read (good and bad). */
export type ImportResult = ImportReport & { rows: number };

function rangeIssues(h: HolidayDraft): Issue[] {
  if (h.endDate < h.startDate) return [issue('endDate', 'holiday_end_before_start')];
  if (daysBetween(h.startDate, h.endDate) >= MAX_HOLIDAY_DAYS) return [issue('endDate', 'holiday_too_long', { days: MAX_HOLIDAY_DAYS })];
  return [];
}

const overlap = (plan: HolidayPlan) => conflict('holiday_overlap', undefined, plan.report.conflicts[0]);

const span = (p: Pick<AcademicPeriod, 'name' | 'startDate' | 'endDate'>) => `"${p.name}" (${p.startDate} – ${p.endDate})`;

/** The period holidays are written for: it exists and is not archived; null when none is named. */
async function periodFor(d: ScheduleEditDeps, id: number | null | undefined): Promise<EditResult<AcademicPeriod | null>> {
  if (id === null || id === undefined) return ok(null);
  const p = await getPeriod(d.db, id);
  if (!p) return rejected('period_missing', { id }, 'academicPeriodId');
  return p.isArchived ? rejected('period_archived', { id, name: span(p) }, 'academicPeriodId') : ok(p);
}

/** A period's holidays lie within its dates (docs/periods.md "Holidays"). */
function outside(p: AcademicPeriod | null, h: HolidayDraft): EditResult<null> {
  return p && outsidePeriod(p, [h]).length ? rejected('holiday_outside_period', { period: span(p) }, 'startDate') : ok(null);
}

export function holidayEdits(d: ScheduleEditDeps, w: EditWrites) {
  const reload = async (id: number): Promise<Holiday> => (await getHoliday(d.db, id))!;
  const changed = { holidays: true } as const;

  return {
    /** One holiday: inserted, merged into the same holiday, already covered (skipped), or a conflict. */
    async addHoliday(input: HolidayInput): Promise<EditResult<{ holiday: Holiday; outcome: HolidayOutcome }>> {
      const draft: HolidayDraft = { name: input.name, region: input.region ?? '', startDate: input.startDate, endDate: input.endDate ?? input.startDate };
      const issues = rangeIssues(draft);
      if (issues.length) return invalid(issues);
      const period = await periodFor(d, input.academicPeriodId);
      if (!period.ok) return period;
      const within = outside(period.value, draft);
      if (!within.ok) return within;
      const periodId = period.value?.id ?? null;
      const plan = planHolidays(await listHolidays(d.db, { academicPeriodId: periodId }), [draft]);
      const outcome = plan.outcomes[0];
      if (outcome.outcome === 'conflict') return overlap(plan);
      const { statements, insertedIds } = await planStatements(d.ids, plan, d.now(), periodId);
      await w.writeAtomic(statements, statements.length ? changed : null);
      return ok({ holiday: await reload(outcome.id ?? insertedIds[0]), outcome: outcome.outcome });
    },

    /**
     * Partial; planned like a new holiday against all the others, so it may merge into another
     * entry, which then stays while this one goes (the answer carries the surviving holiday).
     */
    async updateHoliday(id: number, patch: Partial<HolidayInput>): Promise<EditResult<{ holiday: Holiday; outcome: HolidayOutcome }>> {
      const h = await getHoliday(d.db, id);
      if (!h) return notFound('holiday_not_found');
      const draft: HolidayDraft = {
        name: patch.name ?? h.name,
        region: patch.region ?? h.region,
        startDate: patch.startDate ?? h.startDate,
        endDate: patch.endDate ?? (patch.startDate && patch.startDate > h.endDate ? patch.startDate : h.endDate),
      };
      const issues = rangeIssues(draft);
      if (issues.length) return invalid(issues);
      const periodId = h.academicPeriodId ?? null;
      const within = outside(periodId === null ? null : await getPeriod(d.db, periodId), draft);
      if (!within.ok) return within;
      const plan = planHolidays((await listHolidays(d.db, { academicPeriodId: periodId })).filter((o) => o.id !== h.id), [draft]);
      const outcome = plan.outcomes[0];
      if (outcome.outcome === 'conflict') return overlap(plan);
      const t = d.now();
      if (outcome.outcome === 'inserted') {
        await w.writeAtomic([updateHolidayStatement(h.id, draft, t)], changed);
        return ok({ holiday: await reload(h.id), outcome: outcome.outcome });
      }
      // Merged into (or covered by) another entry of the same holiday: that one stays, this one goes.
      const { statements } = await planStatements(d.ids, plan, t, periodId);
      await w.writeAtomic([...statements, deleteHolidayStatement(h.id)], changed);
      return ok({ holiday: await reload(outcome.id!), outcome: outcome.outcome });
    },

    async deleteHoliday(id: number): Promise<EditResult<Holiday>> {
      const h = await getHoliday(d.db, id);
      if (!h) return notFound('holiday_not_found');
      await w.write([deleteHolidayStatement(id)], changed);
      return ok(h);
    },

    /**
     * A CSV import: bad rows are reported with their line and left out; a fatal error (unreadable
     * file, no usable header) is `rejected` and writes nothing; `dryRun` reports without writing.
     * Rejects (nothing written) when the database refuses the import's transaction. For a period
     * (`academicPeriodId`), a row outside its dates is fatal too, and the answer names those rows.
     */
    async importHolidays(csv: string, opts: { dryRun?: boolean; academicPeriodId?: number | null } = {}): Promise<EditResult<ImportResult>> {
      const period = await periodFor(d, opts.academicPeriodId);
      if (!period.ok) return period;
      const parsed = parseHolidaysCsv(csv);
      if (!parsed.ok) return rejected(parsed.error.code, parsed.error.params);
      const p = period.value;
      const out = p ? outsidePeriod(p, parsed.rows) : [];
      if (p && out.length) {
        const rows = out.map((r) => `line ${r.line} "${r.name}" ${r.startDate} – ${r.endDate}`).join('; ');
        return rejected('rows_outside_period', { count: out.length, rowsLie: out.length === 1 ? 'row lies' : 'rows lie', period: span(p), rows });
      }
      const periodId = p?.id ?? null;
      const plan = planHolidays(await listHolidays(d.db, { academicPeriodId: periodId }), parsed.rows);
      const report: ImportResult = { ...plan.report, errors: parsed.errors, rows: parsed.rows.length + parsed.errors.length };
      if (!opts.dryRun) {
        const { statements } = await planStatements(d.ids, plan, d.now(), periodId);
        await w.writeAtomic(statements, statements.length ? changed : null);
      }
      return ok(report);
    },
  };
}

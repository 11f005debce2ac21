/**
 * Holiday writes (docs/scheduler.md "The contract in short"; docs/scheduler.md "Holidays"), shared by `/api/holidays`
 * and the `/holidays` page. One planner (holidays.ts) serves single holidays and the CSV import:
 * the same normalised name + region merge, an overlap with a different holiday is a conflict.
 * Holiday writes are atomic groups of the writer (`writeAtomic`): an import is parsed and planned
 * whole, then written in one transaction or not at all (docs/architecture.md "Memory holds freshness, the database its durable copy", docs/scheduler.md).
 */
import { deleteHolidayStatement, getHoliday, listHolidays, planStatements, updateHolidayStatement } from '../../db/holidays.ts';
import { parseHolidaysCsv } from './holidays-csv.ts';
import { daysBetween, MAX_HOLIDAY_DAYS, planHolidays, type HolidayDraft, type HolidayPlan, type ImportReport } from './holidays.ts';
import type { Holiday } from './types.ts';
import { conflict, invalid, issue, notFound, ok, rejected, type EditResult, type EditWrites, type Issue, type ScheduleEditDeps } from './edit-result.ts';

export type HolidayOutcome = 'inserted' | 'merged' | 'skipped';
export type HolidayInput = { name: string; region?: string; startDate: string; endDate?: string };

/** The import's report plus the number of data rows read (good and bad). */
export type ImportResult = ImportReport & { rows: number };

function rangeIssues(h: HolidayDraft): Issue[] {
  if (h.endDate < h.startDate) return [issue('endDate', 'holiday_end_before_start')];
  if (daysBetween(h.startDate, h.endDate) >= MAX_HOLIDAY_DAYS) return [issue('endDate', 'holiday_too_long', { days: MAX_HOLIDAY_DAYS })];
  return [];
}

const overlap = (plan: HolidayPlan) => conflict('holiday_overlap', undefined, plan.report.conflicts[0]);

export function holidayEdits(d: ScheduleEditDeps, w: EditWrites) {
  const reload = async (id: number): Promise<Holiday> => (await getHoliday(d.db, id))!;
  const changed = { holidays: true } as const;

  return {
    /** One holiday: inserted, merged into the same holiday, already covered (skipped), or a conflict. */
    async addHoliday(input: HolidayInput): Promise<EditResult<{ holiday: Holiday; outcome: HolidayOutcome }>> {
      const draft: HolidayDraft = { name: input.name, region: input.region ?? '', startDate: input.startDate, endDate: input.endDate ?? input.startDate };
      const issues = rangeIssues(draft);
      if (issues.length) return invalid(issues);
      const plan = planHolidays(await listHolidays(d.db), [draft]);
      const outcome = plan.outcomes[0];
      if (outcome.outcome === 'conflict') return overlap(plan);
      const { statements, insertedIds } = await planStatements(d.db, plan, d.now());
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
      const plan = planHolidays((await listHolidays(d.db)).filter((o) => o.id !== h.id), [draft]);
      const outcome = plan.outcomes[0];
      if (outcome.outcome === 'conflict') return overlap(plan);
      const t = d.now();
      if (outcome.outcome === 'inserted') {
        await w.writeAtomic([updateHolidayStatement(h.id, draft, t)], changed);
        return ok({ holiday: await reload(h.id), outcome: outcome.outcome });
      }
      // Merged into (or covered by) another entry of the same holiday: that one stays, this one goes.
      const { statements } = await planStatements(d.db, plan, t);
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
     * Rejects (nothing written) when the database refuses the import's transaction.
     */
    async importHolidays(csv: string, opts: { dryRun?: boolean } = {}): Promise<EditResult<ImportResult>> {
      const parsed = parseHolidaysCsv(csv);
      if (!parsed.ok) return rejected(parsed.error.code, parsed.error.params);
      const plan = planHolidays(await listHolidays(d.db), parsed.rows);
      const report: ImportResult = { ...plan.report, errors: parsed.errors, rows: parsed.rows.length + parsed.errors.length };
      if (!opts.dryRun) {
        const { statements } = await planStatements(d.db, plan, d.now());
        await w.writeAtomic(statements, statements.length ? changed : null);
      }
      return ok(report);
    },
  };
}

/**
 * Academic periods on behalf of a person (docs/periods.md): list, look up, usage with the exact
 * blockers of each action, create, update, activate, archive, restore, delete, and the start-up
 * activation of the period covering today. The rules are rules.ts; this file loads, asks, writes
 * through the one writer (docs/architecture.md "One writer") and answers typed results that the
 * API maps to 400/404/409 and the page to its messages.
 */
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { canWriteAtomic } from '../../db/writer.ts';
import type { IdAllocator } from '../../db/ids.ts';
import { listEvents } from '../../db/events.ts';
import { listHolidays } from '../../db/holidays.ts';
import {
  activateStatements, archiveStatement, deletePeriodStatements, getPeriod, insertPeriodStatement, listPeriods,
  periodLinks, restoreStatement, updatePeriodStatement, type PeriodDraft,
} from '../../db/periods.ts';
import type { AcademicPeriod } from '../../domain/periods.ts';
import { holidayDates } from '../../lib/schedule/holidays.ts';
import { localDate } from '../../lib/schedule/zone.ts';
import type { InStatement } from '@libsql/client';
import type { PeriodCreateInput, PeriodUpdateInput } from './inputs.ts';
import { liveSeries } from './live-series.ts';
import {
  activateBlockers, archiveBlockers, blockerMessage, createBlockers, deleteBlockers, periodForDate, restoreBlockers, updateBlockers,
  type Blocker, type LiveSeries,
} from './rules.ts';

export interface PeriodDeps {
  db: Db;
  /** The process's one id allocator (db/ids.ts), shared with every other creator of rows. */
  ids: Pick<IdAllocator, 'next'>;
  writer: Writes;
  now: () => number;
  /** "Today" is the calendar day in the schedule's zone. */
  config: { readonly SCHEDULE_TIMEZONE: string };
  /** A deleted period takes its holidays along: the scheduler republishes (docs/scheduler.md "Publishing"). */
  scheduler?: { changed(change: { holidays?: boolean }): Promise<void> };
}

export type PeriodFailure =
  | { ok: false; status: 400; rule: 'date_range'; error: string; issues: Array<{ path: string; message: string }> }
  | { ok: false; status: 404; rule: 'not_found' | 'no_period' | 'no_active_period'; error: string }
  | { ok: false; status: 409; rule: Blocker['rule']; error: string; blockers: Blocker[] };

export type PeriodResult<T> = { ok: true; value: T } | PeriodFailure;

/** What links to a period and what each action would meet now (the page shows it before a click). */
export interface PeriodUsage {
  period: AcademicPeriod;
  links: { events: number; holidays: number; media: number };
  liveSeries: LiveSeries[];
  blockers: { activate: Blocker[]; archive: Blocker[]; restore: Blocker[]; delete: Blocker[] };
}

const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const notFound = (): PeriodFailure => ({ ok: false, status: 404, rule: 'not_found', error: 'academic period not found' });
const blocked = (blockers: Blocker[]): PeriodFailure => ({ ok: false, status: 409, rule: blockers[0].rule, error: blockers.map(blockerMessage).join('; '), blockers });
const badRange = (): PeriodFailure => ({
  ok: false, status: 400, rule: 'date_range', error: 'startDate must not be after endDate',
  issues: [{ path: 'endDate', message: 'must not be before startDate' }],
});

export function periodService(d: PeriodDeps) {
  const today = () => localDate(d.now(), d.config.SCHEDULE_TIMEZONE);
  const write = async (statements: InStatement[], atomic = false) => {
    if (atomic && canWriteAtomic(d.writer)) return d.writer.writeAtomic(statements);
    await d.writer.write(...statements);
  };
  const load = async (id: number): Promise<PeriodResult<AcademicPeriod>> => {
    const p = await getPeriod(d.db, id);
    return p ? ok(p) : notFound();
  };
  const reload = async (id: number) => (await getPeriod(d.db, id))!;

  /** Recurring events of the period with an occurrence now or later (the archive blocker). */
  async function live(id: number): Promise<LiveSeries[]> {
    const [events, holidays] = await Promise.all([listEvents(d.db, { academicPeriodId: id }), listHolidays(d.db)]);
    return liveSeries(events, d.now(), holidayDates(holidays));
  }

  async function usage(id: number): Promise<PeriodResult<PeriodUsage>> {
    const found = await load(id);
    if (!found.ok) return found;
    const period = found.value;
    const [links, series, all] = await Promise.all([periodLinks(d.db, id), live(id), listPeriods(d.db)]);
    return ok({
      period, links, liveSeries: series,
      blockers: {
        activate: activateBlockers(period),
        archive: archiveBlockers(period, series),
        restore: restoreBlockers(period, all),
        delete: deleteBlockers(period, links.events),
      },
    });
  }

  return {
    today,
    list: (opts: { includeArchived?: boolean } = {}) => listPeriods(d.db, opts),
    get: load,
    usage,

    async active(): Promise<PeriodResult<AcademicPeriod>> {
      const p = (await listPeriods(d.db)).find((x) => x.isActive);
      return p ? ok(p) : { ok: false, status: 404, rule: 'no_active_period', error: 'no academic period is active' };
    },

    /** The non-archived period covering `date` (YYYY-MM-DD): rules.ts `periodForDate`. */
    async forDate(date: string): Promise<PeriodResult<AcademicPeriod>> {
      const p = periodForDate(await listPeriods(d.db), date);
      return p ? ok(p) : { ok: false, status: 404, rule: 'no_period', error: `no academic period covers ${date}` };
    },

    async create(input: PeriodCreateInput): Promise<PeriodResult<AcademicPeriod>> {
      const draft: PeriodDraft = { ...input, displayName: input.displayName || null };
      if (draft.startDate > draft.endDate) return badRange();
      const blockers = createBlockers(await listPeriods(d.db), draft);
      if (blockers.length) return blocked(blockers);
      const id = await d.ids.next('academic_periods');
      await write([insertPeriodStatement(id, draft, d.now())]);
      return ok(await reload(id));
    },

    /** Partial: the merged period is checked whole (not while archived). */
    async update(id: number, patch: PeriodUpdateInput): Promise<PeriodResult<AcademicPeriod>> {
      const found = await load(id);
      if (!found.ok) return found;
      const p = found.value;
      const draft: PeriodDraft = {
        name: patch.name ?? p.name,
        displayName: patch.displayName !== undefined ? patch.displayName || null : p.displayName,
        startDate: patch.startDate ?? p.startDate,
        endDate: patch.endDate ?? p.endDate,
        periodType: patch.periodType ?? p.periodType,
      };
      if (!p.isArchived && draft.startDate > draft.endDate) return badRange();
      const blockers = updateBlockers(p, await listPeriods(d.db), draft);
      if (blockers.length) return blocked(blockers);
      await write([updatePeriodStatement(id, draft, d.now())]);
      return ok(await reload(id));
    },

    /** Exactly one active: the others are deactivated in the same transaction. */
    async activate(id: number): Promise<PeriodResult<AcademicPeriod>> {
      const found = await load(id);
      if (!found.ok) return found;
      const blockers = activateBlockers(found.value);
      if (blockers.length) return blocked(blockers);
      if (!found.value.isActive) await write(activateStatements(id, d.now()), true);
      return ok(await reload(id));
    },

    async archive(id: number, by: number | null): Promise<PeriodResult<AcademicPeriod>> {
      const found = await load(id);
      if (!found.ok) return found;
      const blockers = archiveBlockers(found.value, found.value.isArchived ? [] : await live(id));
      if (blockers.length) return blocked(blockers);
      await write([archiveStatement(id, by, d.now())]);
      return ok(await reload(id));
    },

    async restore(id: number): Promise<PeriodResult<AcademicPeriod>> {
      const found = await load(id);
      if (!found.ok) return found;
      const blockers = restoreBlockers(found.value, await listPeriods(d.db));
      if (blockers.length) return blocked(blockers);
      await write([restoreStatement(id, d.now())]);
      return ok(await reload(id));
    },

    /** For good, with its holidays (media are unlinked): only archived, inactive, without events. */
    async remove(id: number): Promise<PeriodResult<AcademicPeriod>> {
      const found = await load(id);
      if (!found.ok) return found;
      const links = await periodLinks(d.db, id);
      const blockers = deleteBlockers(found.value, links.events);
      if (blockers.length) return blocked(blockers);
      await write(deletePeriodStatements(id), true);
      if (links.holidays) await d.scheduler?.changed({ holidays: true });
      return found;
    },

    /**
     * Start-up (docs/periods.md "Start-up"): when no period is active, the one covering today is
     * activated; a period that is active already stays so (an admin's choice outlives a restart).
     */
    async activateForToday(): Promise<{ outcome: 'activated' | 'already_active' | 'none_covers' | 'no_periods'; period: AcademicPeriod | null; today: string }> {
      const periods = await listPeriods(d.db);
      const day = today();
      if (!periods.length) return { outcome: 'no_periods', period: null, today: day };
      const active = periods.find((p) => p.isActive);
      if (active) return { outcome: 'already_active', period: active, today: day };
      const p = periodForDate(periods, day);
      if (!p) return { outcome: 'none_covers', period: null, today: day };
      await write(activateStatements(p.id, d.now()), true);
      return { outcome: 'activated', period: await reload(p.id), today: day };
    },
  };
}

export type PeriodService = ReturnType<typeof periodService>;

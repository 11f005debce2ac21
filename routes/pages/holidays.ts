/**
 * `/holidays` (docs/http.md "Dashboard pages"), admin for the page and every fragment:
 * the holidays by start date, a CSV upload (multipart, field `file`) answered with its import
 * report (inserted / merged / skipped / conflicts / bad lines with their line numbers; a fatal
 * error imports nothing), and delete. The import is the API's own (services/schedule/edits.ts): all or nothing.
 * The upload may name an academic period (docs/periods.md "Holidays"): lines outside its dates are
 * named in the reader's language and nothing is imported.
 */
import { Hono, type Context } from 'hono';
import { getHoliday, listHolidays } from '../../db/holidays.ts';
import { failureIssues, scheduleEdits } from '../../services/schedule/edits.ts';
import type { ImportReport } from '../../lib/schedule/holidays.ts';
import { isHtmx, render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { dateLabels } from './schedule/view.ts';
import { getPeriod, listPeriods } from '../../db/periods.ts';
import { outsidePeriod } from '../../domain/periods.ts';
import { parseHolidaysCsv } from '../../lib/schedule/holidays-csv.ts';
import { problemsText, problemText } from './schedule/issue-text.ts';
import { audit } from '../audit-record.ts';
import { holidayJson } from '../event-json.ts';

export const MAX_CSV_BYTES = 512 * 1024; // far above a country's holidays for years; the app's body limit is 1 MiB

export function holidayPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const edits = scheduleEdits(deps); // the same edits as /api/holidays

  const page = async (c: Context<AppEnv>, extra: { notice?: string | null; report?: ImportReport; fileError?: string; status?: 200 | 400 } = {}) => {
    const it = pageContext(c, deps);
    const periods = await listPeriods(deps.db);
    const data = {
      ...it, title: it.t('holidays.title'), holidays: await listHolidays(deps.db), dateLabel: dateLabels(it.lang).date,
      periods, periodName: new Map(periods.map((p) => [p.id, p.name])),
      notice: extra.notice ?? null, report: extra.report ?? null, fileError: extra.fileError ?? null,
      rowProblems: (x: ImportReport['errors'][number]) => problemsText(it, x.problems),
    };
    return render(c, { page: 'holidays', fragment: 'schedule-holidays', data, status: extra.status });
  };

  app.get('/holidays', admin, async (c) => page(c, { notice: c.req.query('done') === 'deleted' ? pageContext(c, deps).t('holidays.deleted') : null }));

  // The report is the answer itself (no redirect): it only exists for this upload.
  app.post('/holidays/upload', admin, async (c) => {
    const it = pageContext(c, deps);
    const t = it.t;
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return page(c, { fileError: t('holidays.err.file'), status: 400 });
    if (file.size > MAX_CSV_BYTES) return page(c, { fileError: t('holidays.fatal', { message: problemText(it, { code: 'csv_too_large', params: { kib: MAX_CSV_BYTES / 1024 } }) }), status: 400 });
    const text = await file.text();
    const periodId = typeof body.academicPeriodId === 'string' && /^\d{1,9}$/.test(body.academicPeriodId) ? Number(body.academicPeriodId) : null;
    const outside = periodId === null ? null : await outsideLines(periodId, text, dateLabels(it.lang).date, t);
    if (outside) return page(c, { fileError: outside, status: 400 });
    const result = await edits.importHolidays(text, { academicPeriodId: periodId });
    if (!result.ok) return page(c, { fileError: t('holidays.fatal', { message: problemsText(it, failureIssues(result)) }), status: 400 });
    await audit(c, deps, 'holidays.import', null, { academicPeriodId: periodId, inserted: result.value.inserted, merged: result.value.merged, errors: result.value.errors.length });
    return page(c, { report: result.value });
  });

  /** The lines of an import that lie outside the period, as the reader's sentence; null when all fit (or the file is unreadable: the import says so). */
  async function outsideLines(periodId: number, text: string, date: (d: string) => string, t: ReturnType<typeof pageContext>['t']): Promise<string | null> {
    const p = await getPeriod(deps.db, periodId);
    const parsed = parseHolidaysCsv(text);
    if (!p || !parsed.ok) return null;
    const out = outsidePeriod(p, parsed.rows);
    if (!out.length) return null;
    const lines = out.map((r) => t('periods.holidays.line', { n: r.line, from: date(r.startDate), to: date(r.endDate) })).join(', ');
    return t('periods.holidays.outside', { period: p.name, from: date(p.startDate), to: date(p.endDate), lines });
  }

  app.post('/holidays/:id/delete', admin, async (c) => {
    const raw = c.req.param('id');
    const h = /^\d{1,9}$/.test(raw) ? await getHoliday(deps.db, Number(raw)) : null;
    if (!h) return errorPage(c, deps, 404);
    const r = await edits.deleteHoliday(h.id);
    if (r.ok) await audit(c, deps, 'holidays.delete', h.id, { before: holidayJson(h) });
    if (isHtmx(c)) return page(c, { notice: pageContext(c, deps).t('holidays.deleted') });
    return c.redirect('/holidays?done=deleted', 303);
  });

  return app;
}

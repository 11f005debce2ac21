/**
 * `/holidays` (docs/http.md "Dashboard pages"), admin for the page and every fragment:
 * the holidays by start date, a CSV upload (multipart, field `file`) answered with its import
 * report (inserted / merged / skipped / conflicts / bad lines with their line numbers; a fatal
 * error imports nothing), and delete. The import is the API's own (lib/schedule/edits.ts): all or nothing.
 */
import { Hono, type Context } from 'hono';
import { getHoliday, listHolidays } from '../../db/holidays.ts';
import { scheduleEdits } from '../../lib/schedule/edits.ts';
import type { ImportReport } from '../../lib/schedule/holidays.ts';
import { isHtmx, render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { dateLabels } from './schedule/view.ts';

export const MAX_CSV_BYTES = 512 * 1024; // far above a country's holidays for years; the app's body limit is 1 MiB

export function holidayPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const edits = scheduleEdits(deps); // the same edits as /api/holidays

  const page = async (c: Context<AppEnv>, extra: { notice?: string | null; report?: ImportReport; fileError?: string; status?: 200 | 400 } = {}) => {
    const it = pageContext(c, deps);
    const data = {
      ...it, title: it.t('holidays.title'), holidays: await listHolidays(deps.db), dateLabel: dateLabels(it.lang).date,
      notice: extra.notice ?? null, report: extra.report ?? null, fileError: extra.fileError ?? null,
    };
    return render(c, { page: 'holidays', fragment: 'schedule-holidays', data, status: extra.status });
  };

  app.get('/holidays', admin, async (c) => page(c, { notice: c.req.query('done') === 'deleted' ? pageContext(c, deps).t('holidays.deleted') : null }));

  // The report is the answer itself (no redirect): it only exists for this upload.
  app.post('/holidays/upload', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const file = (await c.req.parseBody()).file;
    if (!(file instanceof File) || file.size === 0) return page(c, { fileError: t('holidays.err.file'), status: 400 });
    if (file.size > MAX_CSV_BYTES) return page(c, { fileError: t('holidays.fatal', { message: `> ${MAX_CSV_BYTES / 1024} KiB` }), status: 400 });
    const result = await edits.importHolidays(await file.text());
    if (!result.ok) return page(c, { fileError: t('holidays.fatal', { message: result.reason === 'rejected' ? result.message : result.reason }), status: 400 });
    return page(c, { report: result.value });
  });

  app.post('/holidays/:id/delete', admin, async (c) => {
    const raw = c.req.param('id');
    const h = /^\d{1,9}$/.test(raw) ? await getHoliday(deps.db, Number(raw)) : null;
    if (!h) return errorPage(c, deps, 404);
    await edits.deleteHoliday(h.id);
    if (isHtmx(c)) return page(c, { notice: pageContext(c, deps).t('holidays.deleted') });
    return c.redirect('/holidays?done=deleted', 303);
  });

  return app;
}

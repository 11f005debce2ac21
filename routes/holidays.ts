/**
 * `/api/holidays` (docs/http.md endpoint table: admin only; docs/scheduler.md "The contract in short"). One planner
 * (lib/schedule/holidays.ts) serves single holidays and the CSV import: overlapping holidays with
 * the same normalised name + region merge, an overlap with a different holiday is a conflict (409
 * for one holiday, reported and left out by the import). An import is parsed and planned whole
 * before anything is written; a fatal error (unreadable file, missing header) writes nothing, and
 * the import is written in one transaction of its own (all or nothing). Writes are the schedule
 * edits (services/schedule/edits.ts), shared with the dashboard. Holidays may be kept for an academic
 * period (docs/periods.md "Holidays"): `academicPeriodId` in the body, `academic_period_id` in the
 * query of the list and the upload; a period's holidays lie within its dates (400 otherwise, an
 * import naming the rows outside).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { getHoliday, listHolidays } from '../db/holidays.ts';
import { scheduleEdits } from '../services/schedule/edits.ts';
import { parseDate } from '../lib/schedule/holidays-csv.ts';
import type { Holiday } from '../lib/schedule/types.ts';
import { holidayJson } from './event-json.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { failureAnswer, pathId } from './schedule-failure.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Holidays');

const date = z.string().transform((v, ctx) => {
  const d = parseDate(v);
  if (d) return d;
  ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
  return z.NEVER;
});
const fields = z.object({
  name: z.string().trim().min(1).max(200),
  region: z.string().trim().max(100).default(''),
  startDate: date,
  endDate: date.optional(), // default: the start date (a one-day holiday)
  academicPeriodId: z.number().int().positive().nullable().optional(),
});
const periodParam = z.string().regex(/^\d{1,9}$/, 'must be an academic period id').transform(Number);
const rangeQuery = z.object({ from: date.optional(), to: date.optional(), academic_period_id: periodParam.optional() });
const uploadQuery = z.object({ dry_run: z.string().optional(), academic_period_id: periodParam.optional() });

export function holidaysRoutes(deps: RouteDeps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');
  app.use('*', admin);
  const edits = scheduleEdits(deps);
  const id = (raw: string) => pathId(raw) ?? -1; // -1: no holiday, answered 404 like an unknown id

  const find = async (raw: string): Promise<Holiday> => {
    const h = await getHoliday(db, id(raw));
    if (!h) throw new HTTPException(404, { message: 'holiday not found' });
    return h;
  };

  app.get('/', doc('List the holidays (optionally in a range)', 'The holidays'), validate('query', rangeQuery), async (c) => {
    const { academic_period_id, ...range } = c.req.valid('query');
    return c.json((await listHolidays(db, { ...range, academicPeriodId: academic_period_id })).map(holidayJson));
  });

  // One holiday: inserted (201), merged into the same holiday (200), already covered (200), or 409.
  app.post('/', doc('Create a holiday', 'The holiday', { status: 201 }), validate('json', fields), async (c) => {
    const r = await edits.addHoliday(c.req.valid('json'));
    if (!r.ok) return failureAnswer(c, r);
    const { holiday, outcome } = r.value;
    await audit(c, deps, 'holidays.create', holiday.id, { outcome, after: holidayJson(holiday) });
    return c.json({ ...holidayJson(holiday), outcome }, outcome === 'inserted' ? 201 : 200);
  });

  // CSV upload: multipart field `file` (or a text/csv body); `?dry_run=1` reports without writing;
  // `?academic_period_id=N` (or the multipart field `academicPeriodId`) keeps the holidays for that period.
  app.post('/upload', doc('Import holidays from a CSV file', 'What was imported', { body: { type: 'text/csv', description: 'The CSV itself, or multipart/form-data with the field `file`' } }), validate('query', uploadQuery), async (c) => {
    const type = c.req.header('content-type') ?? '';
    let text: string;
    let periodId = c.req.valid('query').academic_period_id;
    if (type.startsWith('multipart/form-data')) {
      const body = await c.req.parseBody();
      const file = body['file'];
      if (!(file instanceof File)) return c.json({ error: 'expected a multipart field "file" with the CSV' }, 400);
      const field = body['academicPeriodId'];
      if (periodId === undefined && typeof field === 'string' && field !== '') {
        const parsed = periodParam.safeParse(field);
        if (!parsed.success) return c.json({ error: 'invalid academicPeriodId: must be an academic period id' }, 400);
        periodId = parsed.data;
      }
      text = await file.text();
    } else if (/^text\/(csv|plain)\b/i.test(type)) text = await c.req.text();
    else return c.json({ error: 'expected multipart/form-data (field "file") or Content-Type: text/csv' }, 415);
    const dryRun = /^(1|true|yes)$/.test(c.req.valid('query').dry_run ?? '');
    const r = await edits.importHolidays(text, { dryRun, academicPeriodId: periodId });
    if (!r.ok) return c.json({ error: `nothing imported: ${r.reason === 'rejected' ? r.message : r.reason}`, fatal: true }, 400);
    // The rows' problem codes are for the dashboard's translated report; the API keeps its English lines.
    const report = { ...r.value, errors: r.value.errors.map(({ line, message }) => ({ line, message })) };
    if (!dryRun) await audit(c, deps, 'holidays.import', null, { academicPeriodId: periodId ?? null, inserted: r.value.inserted, merged: r.value.merged, errors: r.value.errors.length });
    return c.json({ success: true, dryRun, report });
  });

  app.get('/:id', doc('One holiday', 'The holiday'), async (c) => c.json(holidayJson(await find(c.req.param('id')))));

  // An edit is planned like a new holiday against all the others: it may merge into one of them.
  app.put('/:id', doc('Change a holiday', 'The holiday'), validate('json', fields.omit({ academicPeriodId: true }).partial()), async (c) => { // a holiday stays in its period
    const before = await getHoliday(db, id(c.req.param('id')));
    const r = await edits.updateHoliday(id(c.req.param('id')), c.req.valid('json'));
    if (r.ok) await audit(c, deps, 'holidays.update', r.value.holiday.id, { before: before && holidayJson(before), after: holidayJson(r.value.holiday), outcome: r.value.outcome });
    return r.ok ? c.json({ ...holidayJson(r.value.holiday), outcome: r.value.outcome }) : failureAnswer(c, r);
  });

  app.delete('/:id', doc('Delete a holiday'), async (c) => {
    const before = await getHoliday(db, id(c.req.param('id')));
    const r = await edits.deleteHoliday(id(c.req.param('id')));
    if (r.ok) await audit(c, deps, 'holidays.delete', id(c.req.param('id')), { before: before && holidayJson(before) });
    return r.ok ? c.json({ success: true }) : failureAnswer(c, r);
  });

  return app;
}

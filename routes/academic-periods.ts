/**
 * `/api/academic_periods` (docs/periods.md "API"; docs/http.md endpoint table): every signed-in
 * user reads, admins change. A refused change answers 400/404/409 `{error, rule}` naming the rule
 * (409 also lists the `blockers`); the rules and writes are services/periods, shared with the page.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AcademicPeriod } from '../domain/periods.ts';
import { iso } from '../lib/time.ts';
import { periodCreateInput, periodDate, periodUpdateInput } from '../services/periods/inputs.ts';
import { blockerMessage, type Blocker } from '../services/periods/rules.ts';
import { periodService, type PeriodFailure, type PeriodUsage } from '../services/periods/service.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathId } from './schedule-failure.ts';
import { validate } from './validate.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Academic periods');

/** camelCase like the original's API (startDate, periodType, isActive, isArchived, archivedAt, archivedBy). */
export function periodJson(p: AcademicPeriod) {
  return {
    id: p.id, name: p.name, displayName: p.displayName, startDate: p.startDate, endDate: p.endDate, periodType: p.periodType,
    isActive: p.isActive, isArchived: p.isArchived, archivedAt: iso(p.archivedAt), archivedBy: p.archivedBy,
    createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt),
  };
}

export function blockerJson(b: Blocker) {
  const base = { rule: b.rule, message: blockerMessage(b) };
  if (b.rule === 'recurring_future') return { ...base, events: b.events.map((e) => ({ id: e.id, title: e.title, next: iso(e.next) })) };
  if (b.rule === 'linked_events') return { ...base, count: b.count };
  if (b.rule === 'name_taken') return { ...base, period: b.period };
  if (b.rule === 'overlap') return { ...base, periods: b.periods };
  return base;
}

function usageJson(u: PeriodUsage) {
  const blockers = Object.fromEntries(Object.entries(u.blockers).map(([k, list]) => [k, list.map(blockerJson)]));
  return {
    period: periodJson(u.period),
    linkedEvents: u.links.events, linkedHolidays: u.links.holidays, linkedMedia: u.links.media,
    liveSeries: u.liveSeries.map((e) => ({ id: e.id, title: e.title, next: iso(e.next) })),
    blockers,
    can: Object.fromEntries(Object.entries(u.blockers).map(([k, list]) => [k, list.length === 0])),
  };
}

export function periodFailure(c: Context, f: PeriodFailure) {
  if (f.status === 409) return c.json({ error: f.error, rule: f.rule, blockers: f.blockers.map(blockerJson) }, 409);
  if (f.status === 400) return c.json({ error: f.error, rule: f.rule, issues: f.issues }, 400);
  return c.json({ error: f.error, rule: f.rule, ...(f.rule === 'not_found' ? {} : { period: null }) }, 404);
}

const yes = z.enum(['1', 'true', 'yes', '0', 'false', 'no']).optional();
const listQuery = z.object({ include_archived: yes, includeArchived: yes });
const dateQuery = z.object({ date: periodDate });

export function academicPeriodsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const user = requireRole('user');
  const admin = requireRole('admin');
  const periods = periodService(deps);
  const id = (c: Context) => pathId(c.req.param('id') ?? '') ?? -1; // -1: no period, answered 404 like an unknown id
  const answer = async (c: Context, r: Awaited<ReturnType<typeof periods.get>>, status: 200 | 201 = 200) =>
    r.ok ? c.json(periodJson(r.value), status) : periodFailure(c, r);
  type PeriodResult = Awaited<ReturnType<typeof periods.get>>;
  const current = async (c: Context) => {
    const r = await periods.get(id(c));
    return r.ok ? periodJson(r.value) : null;
  };
  // Audited answer: the record (with the period before, for edits) once the change is done.
  const done = async (c: Context<AppEnv>, action: string, r: PeriodResult, before: ReturnType<typeof periodJson> | null = null, status: 200 | 201 = 200) => {
    if (r.ok) await audit(c, deps, `periods.${action}`, r.value.id, { ...(before ? { before } : {}), after: periodJson(r.value) });
    return answer(c, r, status);
  };

  app.get('/', doc('List the academic periods', 'The periods'), user, validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const includeArchived = /^(1|true|yes)$/.test(q.include_archived ?? q.includeArchived ?? '');
    return c.json((await periods.list({ includeArchived })).map(periodJson));
  });
  app.get('/active', doc('The active period', 'The period'), user, async (c) => answer(c, await periods.active()));
  app.get('/for_date', doc('The period a date falls in', 'The period'), user, validate('query', dateQuery), async (c) => answer(c, await periods.forDate(c.req.valid('query').date)));
  // The original's dashboard sets the active period this way: `{id}` in the body.
  app.post('/active', doc('Activate a period (by id in the body)', 'The period'), admin, validate('json', z.object({ id: z.number().int().positive() })), async (c) => done(c, 'activate', await periods.activate(c.req.valid('json').id)));

  app.post('/', doc('Create a period', 'The period', { status: 201 }), admin, validate('json', periodCreateInput), async (c) => done(c, 'create', await periods.create(c.req.valid('json')), null, 201));
  app.get('/:id', doc('One period', 'The period'), user, async (c) => answer(c, await periods.get(id(c))));
  app.get('/:id/usage', doc('What belongs to a period (events, holidays)', 'The counts'), user, async (c) => {
    const r = await periods.usage(id(c));
    return r.ok ? c.json(usageJson(r.value)) : periodFailure(c, r);
  });
  app.put('/:id', doc('Change a period', 'The period'), admin, validate('json', periodUpdateInput), async (c) => {
    const before = await current(c);
    return done(c, 'update', await periods.update(id(c), c.req.valid('json')), before);
  });
  app.post('/:id/activate', doc('Activate a period', 'The period'), admin, async (c) => done(c, 'activate', await periods.activate(id(c))));
  app.post('/:id/archive', doc('Archive a period', 'The period'), admin, async (c) => done(c, 'archive', await periods.archive(id(c), c.var.user!.id)));
  app.post('/:id/restore', doc('Restore an archived period', 'The period'), admin, async (c) => done(c, 'restore', await periods.restore(id(c))));
  app.delete('/:id', doc('Delete a period'), admin, async (c) => {
    const before = await current(c);
    const r = await periods.remove(id(c));
    if (r.ok) await audit(c, deps, 'periods.delete', id(c), { before });
    return r.ok ? c.json({ success: true }) : periodFailure(c, r);
  });
  return app;
}

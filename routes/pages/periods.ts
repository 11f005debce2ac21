/**
 * `/periods` (docs/periods.md "The page"): every signed-in user sees the periods with their badges
 * (active, archived, type) and what links to them; admins create, edit, activate, archive, restore
 * and delete. Each action's blockers are computed before it is offered (services/periods usage),
 * so a blocked button is disabled with the exact reason beside it. Plain forms: every POST answers
 * the page again with a notice or the error, checked by the same service as the JSON API.
 *   POST /periods · /periods/{id} · /periods/{id}/activate|archive|restore|delete
 */
import { Hono, type Context } from 'hono';
import type { ZodError } from 'zod';
import { PERIOD_TYPES, type AcademicPeriod } from '../../domain/periods.ts';
import { periodCreateInput, periodUpdateInput } from '../../services/periods/inputs.ts';
import type { Blocker } from '../../services/periods/rules.ts';
import { periodService, type PeriodFailure, type PeriodUsage } from '../../services/periods/service.ts';
import type { MessageKey } from '../../views/i18n/index.ts';
import { render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { pageContext, pageRole, type PageContext, type PageDeps } from './kit.ts';
import { dateLabels } from './schedule/view.ts';
import { audit } from '../audit-record.ts';
import { periodJson } from '../academic-periods.ts';

type Body = Record<string, string | File | (string | File)[]>;
const str = (b: Body, k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
const fieldsOf = (e: ZodError) => [...new Set(e.issues.map((i) => i.path.join('.') || 'body'))].join(', ');
const ACTIONS = ['activate', 'archive', 'restore', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

/** A blocker in the reader's language (the API's English sentence is rules.ts `blockerMessage`). */
export function blockerText(it: PageContext, b: Blocker): string {
  const date = dateLabels(it.lang).date;
  const span = (p: { name: string; startDate: string; endDate: string }) => `"${p.name}" (${date(p.startDate)} – ${date(p.endDate)})`;
  switch (b.rule) {
    case 'recurring_future': {
      const events = b.events.map((e) => it.t('periods.block.next', { title: e.title, when: it.dateTime(e.next) })).join(', ');
      return it.t(b.events.length === 1 ? 'periods.block.recurring_future.one' : 'periods.block.recurring_future.other', { count: b.events.length, events });
    }
    case 'linked_events':
      return it.t(b.count === 1 ? 'periods.block.linked_events.one' : 'periods.block.linked_events.other', { count: b.count });
    case 'name_taken':
      return it.t('periods.block.name_taken', { name: b.period.name });
    case 'overlap':
      return it.t('periods.block.overlap', { periods: b.periods.map(span).join(', ') });
    default:
      return it.t(`periods.block.${b.rule}` as MessageKey);
  }
}

function failureText(it: PageContext, f: PeriodFailure): string {
  if (f.status === 409) return f.blockers.map((b) => blockerText(it, b)).join(' ');
  return f.status === 400 ? it.t('periods.err.date_range') : it.t('periods.err.not_found');
}

export function periodPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const admin = pageRole('admin', deps);
  const periods = periodService(deps);

  const page = async (c: Context<AppEnv>, o: { notice?: string; error?: string; status?: 200 | 400 | 404 | 409 } = {}) => {
    const it = pageContext(c, deps);
    const showArchived = c.req.query('archived') === '1';
    const list = await periods.list({ includeArchived: showArchived });
    const rows = [];
    for (const p of list) {
      const u = await periods.usage(p.id);
      if (!u.ok) continue; // deleted meanwhile
      rows.push(rowOf(it, u.value));
    }
    const data = {
      ...it, title: it.t('periods.title'), rows, types: PERIOD_TYPES, showArchived, date: dateLabels(it.lang).date,
      notice: o.notice ?? null, error: o.error ?? null,
    };
    return render(c, { page: 'periods', data, status: o.status });
  };

  app.get('/periods', user, (c) => page(c));

  app.post('/periods', admin, async (c) => {
    const it = pageContext(c, deps);
    const parsed = periodCreateInput.safeParse(formInput(await c.req.parseBody()));
    if (!parsed.success) return page(c, { error: it.t('periods.err.input', { fields: fieldsOf(parsed.error) }), status: 400 });
    const r = await periods.create(parsed.data);
    if (r.ok) await audit(c, deps, 'periods.create', r.value.id, { after: periodJson(r.value) });
    return r.ok ? page(c, { notice: it.t('periods.done.created', { name: r.value.name }) }) : page(c, { error: failureText(it, r), status: r.status });
  });

  app.post('/periods/:id', admin, async (c) => {
    const it = pageContext(c, deps);
    const parsed = periodUpdateInput.safeParse(formInput(await c.req.parseBody()));
    if (!parsed.success) return page(c, { error: it.t('periods.err.input', { fields: fieldsOf(parsed.error) }), status: 400 });
    const before = await periods.get(idOf(c));
    const r = await periods.update(idOf(c), parsed.data);
    if (r.ok) await audit(c, deps, 'periods.update', r.value.id, { before: before.ok ? periodJson(before.value) : null, after: periodJson(r.value) });
    return r.ok ? page(c, { notice: it.t('periods.done.updated', { name: r.value.name }) }) : page(c, { error: failureText(it, r), status: r.status });
  });

  for (const action of ACTIONS) {
    app.post(`/periods/:id/${action}`, admin, async (c) => {
      const it = pageContext(c, deps);
      const r = await run(action, idOf(c), c.var.user!.id);
      const done = `periods.done.${action === 'delete' ? 'deleted' : `${action}d`}` as MessageKey;
      if (!r.ok) return page(c, { error: failureText(it, r), status: r.status });
      await audit(c, deps, `periods.${action}`, r.value.id, action === 'delete' ? { before: periodJson(r.value) } : { after: periodJson(r.value) });
      return page(c, { notice: it.t(done, { name: r.value.name }) });
    });
  }

  const run = (action: Action, id: number, by: number) =>
    action === 'activate' ? periods.activate(id) : action === 'archive' ? periods.archive(id, by) : action === 'restore' ? periods.restore(id) : periods.remove(id);

  return app;
}

const idOf = (c: Context) => {
  const raw = c.req.param('id') ?? '';
  return /^\d{1,9}$/.test(raw) ? Number(raw) : -1;
};

/** Form fields → the API's input (an empty short name clears it; 01/09/2025 is read day first, like the page writes it in English). */
function formInput(b: Body) {
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'startDate', 'endDate', 'periodType'] as const) if (str(b, k) !== '') out[k] = str(b, k);
  for (const k of ['startDate', 'endDate'] as const) if (typeof out[k] === 'string') out[k] = (out[k] as string).replace(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, '$1.$2.$3');
  if ('displayName' in b) out.displayName = str(b, 'displayName') || null;
  return out;
}

/** One table row: the period, its links, and each action's blockers as text. */
function rowOf(it: PageContext, u: PeriodUsage) {
  const blocked = (list: Blocker[]) => list.map((b) => blockerText(it, b));
  const blockers: Record<Action, string[]> = {
    activate: blocked(u.blockers.activate),
    archive: blocked(u.blockers.archive),
    restore: blocked(u.blockers.restore),
    delete: blocked(u.blockers.delete),
  };
  return { p: u.period as AcademicPeriod, links: u.links, blockers };
}

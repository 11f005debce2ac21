/**
 * `/reports/availability` (role user, like `GET /api/reports/availability`; docs/availability.md
 * "Page"): the filter form (local days in SCHEDULE_TIMEZONE, group, all or scheduled hours, day or
 * hour cells), the groups and the screens worst first with one strip per screen, and the CSV/JSON
 * downloads of the same query. A plain GET form: works without JavaScript.
 */
import { Hono } from 'hono';
import { addDays } from '../../lib/schedule/holidays.ts';
import { localDate } from '../../lib/schedule/zone.ts';
import { render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { loadAvailability } from '../reports.ts';
import { parseAvailabilityQuery } from '../reports-query.ts';
import { pageContext, pageRole, type PageDeps } from './kit.ts';
import { availabilityView, SHOWN_SCREENS } from './reports.view.ts';

const FIELDS = ['from', 'to', 'group', 'scheduled', 'bucket'] as const;
/** The form label naming each field in an error message. */
const LABELS = { from: 'reports.filter.from', to: 'reports.filter.to', group: 'reports.filter.group', scheduled: 'reports.filter.hours', bucket: 'reports.filter.bucket' } as const;

export function reportPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  app.get('/reports/availability', pageRole('user', deps), async (c) => {
    const tz = deps.config.SCHEDULE_TIMEZONE;
    const now = deps.now();
    // Default: the last seven local days, today included.
    const today = localDate(now, tz);
    const defaults: Record<string, string> = { from: addDays(today, -6), to: today, scheduled: 'all', bucket: 'day', group: '' };
    const form: Record<string, string> = {};
    for (const k of FIELDS) form[k] = (c.req.query(k) ?? '').trim() || defaults[k];
    const it = pageContext(c, deps);
    const title = it.t('reports.title');
    const groups = await deps.groups.list();
    const parsed = parseAvailabilityQuery((k) => (k === 'format' || k === 'client' ? undefined : form[k] || undefined), now, tz);
    const search = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== '')).toString();
    const base = { ...it, title, form, groups, search, shownMax: SHOWN_SCREENS };
    if ('issues' in parsed) {
      const fields = [...new Set(parsed.issues.map((i) => i.path as keyof typeof LABELS))].map((f) => it.t(LABELS[f] ?? 'reports.filter.from')).join(', ');
      return render(c, { page: 'availability', data: { ...base, error: it.t('reports.invalid', { fields }), view: null }, status: 400 });
    }
    const report = (await loadAvailability(deps, parsed.query))!;
    const view = availabilityView(report, parsed.query.unit, it);
    c.header('Cache-Control', 'no-store');
    return render(c, { page: 'availability', data: { ...base, error: null, view, unit: parsed.query.unit } });
  });
  return app;
}

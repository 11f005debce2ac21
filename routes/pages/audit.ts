/**
 * `/audit` (docs/http.md "Audit trail"; admin): the audit log newest first, filtered by actor and
 * action, 50 a page, with a link to the same list as CSV (`GET /api/audit?format=csv`).
 */
import { Hono } from 'hono';
import { countAudit, listAudit } from '../../db/audit.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import { auditQuery } from '../audit.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';

const PAGE = 50;

export function auditPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  app.get('/audit', pageRole('admin', deps), async (c) => {
    const parsed = auditQuery.safeParse({ ...c.req.query(), limit: String(PAGE) });
    if (!parsed.success) return errorPage(c, deps, 400);
    const { actor, action, offset } = parsed.data;
    const f = { actor, action, offset, limit: PAGE };
    const [items, total] = await Promise.all([listAudit(deps.db, f), countAudit(deps.db, f)]);
    const search = (o: Record<string, string | number | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries({ actor, action, ...o })) if (v !== undefined && v !== '') p.set(k, String(v));
      return p.toString();
    };
    const it = pageContext(c, deps);
    const data = {
      ...it, title: it.t('audit.title'), items, total, actor: actor ?? '', action: action ?? '',
      newer: offset > 0 ? `/audit?${search({ offset: Math.max(0, offset - PAGE) })}` : null,
      older: offset + PAGE < total ? `/audit?${search({ offset: offset + PAGE })}` : null,
      csv: `/api/audit?${search({ format: 'csv' })}`,
    };
    return render(c, { page: 'audit', data });
  });
  return app;
}

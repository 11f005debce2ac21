/**
 * `/` fleet overview (docs/http.md "Dashboard pages"; role user): counts, one card per group with its
 * health bar and clients (worst first, last seen), filters and search. An htmx request (the
 * search form) gets the `#fleet` fragment, which also carries the live connection for the new
 * selection. The live view (live-overview.ts) renders with the same data builder (overview.model.ts).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import { overviewData, parseOverviewQuery } from './overview.model.ts';
import { pageContext, pageRole, type PageDeps } from './kit.ts';

export function overviewPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', pageRole('user', deps), async (c) => {
    const query = parseOverviewQuery((k) => c.req.query(k));
    const it = pageContext(c, deps);
    const data = await overviewData(deps, it, query);
    return render(c, { page: 'overview', fragment: 'fleet', data: { ...it, title: it.t('overview.title'), ...data } });
  });
  return app;
}

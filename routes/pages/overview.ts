/**
 * `/` fleet overview (docs/http.md "Dashboard pages"; role user): counts, one card per group with its
 * health bar and clients (worst first, last seen), filters and search. An htmx request (the
 * search form) gets the `#fleet` fragment, which also carries the live connection for the new
 * selection. The live view (live-views.ts) renders with the same data builder.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/session.ts';
import { type ViewContext } from '../../views/render.ts';
import { render } from './hx.ts';
import { CARD_LIMIT, FILTERS, buildCards, moreLinkFor, overviewSearch, parseOverviewQuery, type EventOf, type OverviewQuery } from './overview.model.ts';
import { pageContext, pageRole, type PageDeps } from './kit.ts';

/** The scheduler's answer to "what does this group show now" (null without a scheduler). */
export function eventOf(deps: PageDeps): EventOf {
  const now = deps.now();
  return (id) => deps.scheduler?.activeEvent?.(id, now) ?? null;
}

/** Everything the overview templates need besides the view context. */
export async function overviewData(deps: PageDeps, it: ViewContext, query: OverviewQuery) {
  const groups = await deps.groups.list();
  // The version before the read: a change during the render makes the stream resync.
  const version = deps.hub.version;
  const records = deps.fleet.list();
  const cards = buildCards(records, groups, query, CARD_LIMIT, eventOf(deps));
  const scoped = query.group === null ? null : query.group === 'none' ? null : groups.find((g) => g.id === query.group);
  return {
    query,
    filters: FILTERS,
    cards,
    total: records.length,
    counts: deps.fleet.counts(),
    groupName: scoped ? scoped.name : it.t('overview.unassigned'),
    moreLink: moreLinkFor(query),
    clearGroupLink: overviewSearch({ ...query, group: null }),
    liveUrl: `/live/overview${overviewSearch(query, { v: String(version) })}`,
  };
}

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

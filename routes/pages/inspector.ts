/**
 * The actor inspector pages (docs/inspector.md; superadmin only, pages, fragments and streams alike):
 * - `/inspector?machine=&state=&q=&stopped=`: every live actor, counts per machine and state,
 *   filters; an htmx request gets the list fragment (re-fetched on the stream's `refresh`);
 * - `/inspector/{actorId}?at=`: the statechart with the current state highlighted, the current
 *   state and context, the history, the machine JSON; `?at=<seq>` opens it as it was after that
 *   row (read-only time travel), and `/inspector/{actorId}/at/{seq}` is that panel as a fragment;
 * - `/live/inspector`, `/live/inspector/{actorId}`: the SSE streams (inspector-live.ts).
 */
import { Hono, type Context } from 'hono';
import type { InspectionFeed } from '../../actors/inspection/feed.ts';
import { HISTORY_SIZE } from '../../actors/inspection/feed.ts';
import { countByMachine, queryActors } from '../../actors/inspection/query.ts';
import { chartFor, machineJson, svgFor } from '../../lib/statechart/index.ts';
import { pickLanguage } from '../../views/i18n/index.ts';
import { detachedContext, partial } from '../../views/render.ts';
import { fragment, isHtmx, render } from './hx.ts';
import type { AppEnv } from '../middleware/session.ts';
import { LIST_LIMIT } from '../inspector.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { actorHref, listItemView, nowHtml, nowView, pastView, rowHtml, rowView } from './inspector-views.ts';
import { actorStream, listStream } from './inspector-live.ts';

interface Filter {
  machine: string;
  state: string;
  q: string;
  stopped: boolean;
}

const clean = (v: string | undefined, max: number) => (v ?? '').trim().slice(0, max);

function parseFilter(c: Context): Filter {
  return {
    machine: clean(c.req.query('machine'), 100),
    state: clean(c.req.query('state'), 200),
    q: clean(c.req.query('q'), 200),
    stopped: c.req.query('stopped') === '1' || c.req.query('stopped') === 'true',
  };
}

function filterQuery(f: Filter): string {
  const p = new URLSearchParams();
  if (f.machine) p.set('machine', f.machine);
  if (f.state) p.set('state', f.state);
  if (f.q) p.set('q', f.q);
  if (f.stopped) p.set('stopped', '1');
  const s = p.toString();
  return s ? `?${s}` : '';
}

const seqOf = (raw: string | undefined) => (raw && /^\d{1,12}$/.test(raw) ? Number(raw) : null);

export function inspectorPages(deps: PageDeps & { inspector?: InspectionFeed }) {
  const app = new Hono<AppEnv>();
  const feed = deps.inspector;
  if (!feed) return app;
  const superadmin = pageRole('superadmin', deps);

  app.get('/inspector', superadmin, (c) => {
    const it = pageContext(c, deps);
    const filter = parseFilter(c);
    const page = queryActors(feed, { machine: filter.machine || undefined, state: filter.state || undefined, q: filter.q || undefined, stopped: filter.stopped, limit: LIST_LIMIT });
    const counts = countByMachine(feed);
    const data = {
      ...it,
      title: it.t('inspector.title'),
      filter,
      counts,
      machines: feed.machines.ids(),
      statePaths: [...new Set(counts.flatMap((m) => m.states.map((s) => s.path)))].sort(),
      total: page.total,
      actors: page.actors.map(listItemView),
      actorHref,
      liveUrl: '/live/inspector',
      toastsStream: true, // the inspector's streams carry no toasts: the layout opens /live/toasts too
      listUrl: `/inspector${filterQuery(filter)}`,
    };
    return render(c, { page: 'inspector', fragment: 'inspector-list', data });
  });

  app.get('/inspector/:actorId', superadmin, async (c) => {
    const actor = feed.get(c.req.param('actorId'));
    const machine = actor && feed.machines.get(actor.machineId);
    if (!actor || !machine) return errorPage(c, deps, 404);
    const it = pageContext(c, deps);
    const at = seqOf(c.req.query('at'));
    const row = at === null ? undefined : actor.history.find((r) => r.seq === at);
    const rows = actor.history.toArray().reverse();
    const data = {
      ...it,
      title: actor.id,
      actor,
      href: actorHref(actor.id),
      svg: await svgFor(machine, row ? row.to : actor.value, actor.machineId),
      state: nowView(feed, actor),
      at,
      past: row ? pastView(feed, actor, row) : null,
      rows: rows.map(rowView),
      historySize: HISTORY_SIZE,
      definition: JSON.stringify(machineJson(chartFor(machine)), null, 2),
      liveUrl: `/live${actorHref(actor.id)}?after=${rows[0]?.seq ?? 0}`,
      toastsStream: true,
      // The supervisor's actor holds its story; what it supervises right now is counted on request.
      report: actor.id === 'supervisor' ? (deps.supervisorReport?.() ?? null) : null,
    };
    return render(c, { page: 'inspector-actor', data });
  });

  app.get('/inspector/:actorId/at/:seq', superadmin, (c) => {
    const actor = feed.get(c.req.param('actorId'));
    const seq = seqOf(c.req.param('seq'));
    if (!actor || seq === null) return errorPage(c, deps, 404);
    if (!isHtmx(c)) return c.redirect(`${actorHref(actor.id)}?at=${seq}`, 303);
    const row = actor.history.find((r) => r.seq === seq);
    const it = pageContext(c, deps);
    return fragment(c, partial('inspector-past', { ...it, past: row ? pastView(feed, actor, row) : null }), row ? 200 : 404);
  });

  app.get('/live/inspector', superadmin, (c) => listStream(c, deps.streams, feed));

  app.get('/live/inspector/:actorId', superadmin, (c) => {
    const actor = feed.get(c.req.param('actorId'));
    if (!actor) return errorPage(c, deps, 404);
    const after = seqOf(c.req.header('last-event-id')) ?? seqOf(c.req.query('after')) ?? 0;
    const user = c.var.user!;
    const lang = pickLanguage(user.language, c.req.header('accept-language'));
    const ctx = () => detachedContext(lang, user.role, deps.now());
    return actorStream(c, deps.streams, feed, actor.id, after, {
      row: (r) => rowHtml(ctx(), actor.id, r),
      now: (a) => nowHtml(ctx(), feed, a),
    });
  });

  return app;
}

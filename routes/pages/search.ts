/**
 * `/search` (role user): the search-first home for someone in
 * front of a dark screen with a phone. One field matches name (description or hostname), room
 * (the description), UUID and IP; exact matches first, then prefixes, then anywhere, worst status
 * first within each. Without a query it lists the screens that need attention. A plain GET form
 * (works without JavaScript); with htmx the results swap in as you type (`#search-results`).
 * The same form sits at the top of the overview on phones (views/partials/phone-search.eta).
 */
import { Hono } from 'hono';
import type { ClientRecord } from '../../domain/client.types.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import { bySeverity } from './overview.model.ts';
import { pageContext, pageRole, type PageDeps } from './kit.ts';

/** Results shown at once: a phone screenful or three; more means "type more". */
export const SEARCH_LIMIT = 30;

export interface SearchResults {
  q: string;
  rows: ClientRecord[];
  /** All matches (rows holds at most the limit). */
  count: number;
}

/** 0 = some field equals the needle, 1 = starts with it, 2 = contains it, null = no match. */
function rank(r: ClientRecord, needle: string): number | null {
  let best: number | null = null;
  for (const v of [r.description, r.hostname, r.uuid, r.ip]) {
    if (!v) continue;
    const hay = v.toLowerCase();
    if (hay === needle) return 0;
    if (hay.startsWith(needle)) best = 1;
    else if (best === null && hay.includes(needle)) best = 2;
  }
  return best;
}

export function searchClients(records: ClientRecord[], rawQuery: string, limit = SEARCH_LIMIT): SearchResults {
  const q = rawQuery.trim().slice(0, 100);
  const needle = q.toLowerCase();
  if (!needle) {
    const rows = records.filter((r) => r.status !== 'healthy').sort(bySeverity);
    return { q, rows: rows.slice(0, limit), count: rows.length };
  }
  const hits: { r: ClientRecord; rank: number }[] = [];
  for (const r of records) {
    const k = rank(r, needle);
    if (k !== null) hits.push({ r, rank: k });
  }
  hits.sort((a, b) => a.rank - b.rank || bySeverity(a.r, b.r));
  return { q, rows: hits.slice(0, limit).map((h) => h.r), count: hits.length };
}

export function searchPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  app.get('/search', pageRole('user', deps), (c) => {
    const it = pageContext(c, deps);
    const results = searchClients(deps.fleet.list(), c.req.query('q') ?? '');
    return render(c, { page: 'search', fragment: 'search-results', data: { ...it, title: it.t('search.title'), ...results } });
  });
  return app;
}

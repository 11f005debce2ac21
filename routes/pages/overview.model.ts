/**
 * The fleet overview's selection (docs/http.md "Dashboard pages": counts, one card per group, filters
 * All / Online / Offline / Warnings, search by name/room/uuid/ip). The selection is pure: the page,
 * its fragment and the live stream all select with these functions, so a live update can tell
 * whether a client belongs on a given browser's page; `overviewData` gathers it for the page.
 */
import { clientName, type ClientRecord, type ClientStatus } from '../../domain/client.types.ts';
import type { GroupName } from '../../db/group-names.ts';
import type { ActiveEvent } from '../../actors/scheduler.ts';
import type { ViewContext } from '../../views/render.ts';
import type { PageDeps } from './kit.ts';

export const FILTERS = ['all', 'online', 'offline', 'warnings'] as const;
export type Filter = (typeof FILTERS)[number];

export interface OverviewQuery {
  filter: Filter;
  q: string;
  /** One group only (`none`: unassigned), or every group. */
  group: number | 'none' | null;
}

/**
 * Clients listed per card before "show all" (a page for 10,000 screens must stay small): the
 * worst first, so what needs attention is always listed. 12, not more: every structural live
 * update re-sends the cards to every browser (bench:dashboard, README "Benchmarks").
 */
export const CARD_LIMIT = 12;
/** One group alone ("show all"): still a window, for fleets that put thousands in one group (or none). */
export const GROUP_LIMIT = 300;

/** Worst first: what needs attention leads every list. */
export const SEVERITY: Record<ClientStatus, number> = { critical: 0, offline: 1, warning: 2, healthy: 3 };

export function parseOverviewQuery(get: (k: string) => string | undefined): OverviewQuery {
  const f = get('filter');
  const filter = (FILTERS as readonly string[]).includes(f ?? '') ? (f as Filter) : 'all';
  const q = (get('q') ?? '').trim().slice(0, 100);
  const g = get('group');
  const group = g === 'none' ? 'none' : g && /^\d{1,9}$/.test(g) ? Number(g) : null;
  return { filter, q, group };
}

/** The query string of a selection (links, the live stream's URL), defaults left out. */
export function overviewSearch(q: OverviewQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (q.filter !== 'all') p.set('filter', q.filter);
  if (q.q) p.set('q', q.q);
  if (q.group !== null) p.set('group', String(q.group));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}


export function matches(r: ClientRecord, q: OverviewQuery): boolean {
  if (q.group !== null && (q.group === 'none' ? r.groupId !== null : r.groupId !== q.group)) return false;
  if (q.filter === 'online' && r.connectivity !== 'online') return false;
  if (q.filter === 'offline' && r.status !== 'offline') return false;
  if (q.filter === 'warnings' && r.status !== 'warning' && r.status !== 'critical') return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const hay = [r.description, r.hostname, r.uuid, r.ip];
    if (!hay.some((v) => v !== null && v.toLowerCase().includes(needle))) return false;
  }
  return true;
}

export function bySeverity(a: ClientRecord, b: ClientRecord): number {
  return SEVERITY[a.status] - SEVERITY[b.status] || clientName(a).localeCompare(clientName(b)) || a.uuid.localeCompare(b.uuid);
}

export interface GroupCard {
  /** DOM id of the card (`g-12`, `g-none`). */
  key: string;
  id: number | null;
  name: string | null;
  /** The whole group, whatever the filter: the health bar. */
  total: number;
  online: number;
  offline: number;
  /** Matching clients, worst first, at most `limit` (unless one group is selected). */
  clients: ClientRecord[];
  /** Matching clients beyond the limit. */
  more: number;
  /** The event the group shows now (the scheduler's view), null when none or unassigned. */
  event: ActiveEvent | null;
}

/** The event a group shows now; the overview passes the scheduler's, tests and bare apps none. */
export type EventOf = (groupId: number) => ActiveEvent | null;

export const cardKey = (groupId: number | null) => (groupId === null ? 'g-none' : `g-${groupId}`);

/**
 * One card per group in display order, "Unassigned" last. Cards without a match are left out
 * while a filter or search is active; a client whose group no longer exists counts as unassigned.
 */
export function buildCards(records: ClientRecord[], groups: GroupName[], q: OverviewQuery, limit = CARD_LIMIT, eventOf: EventOf = () => null): GroupCard[] {
  const known = new Set(groups.map((g) => g.id));
  const cards = new Map<number | null, GroupCard>();
  for (const g of groups) cards.set(g.id, { key: cardKey(g.id), id: g.id, name: g.name, total: 0, online: 0, offline: 0, clients: [], more: 0, event: null });
  const unassigned: GroupCard = { key: cardKey(null), id: null, name: null, total: 0, online: 0, offline: 0, clients: [], more: 0, event: null };
  for (const r of records) {
    const card = (r.groupId !== null && known.has(r.groupId) ? cards.get(r.groupId) : undefined) ?? unassigned;
    card.total++;
    if (r.connectivity === 'online') card.online++;
    if (r.status === 'offline') card.offline++;
    if (matches(r, { ...q, group: null })) card.clients.push(r);
  }
  const narrowed = q.filter !== 'all' || q.q !== '';
  const out: GroupCard[] = [];
  for (const card of [...cards.values(), unassigned]) {
    if (q.group !== null && card.id !== (q.group === 'none' ? null : q.group)) continue;
    if (card.clients.length === 0 && (narrowed || card.id === null)) continue;
    card.clients.sort(bySeverity);
    if (card.id !== null) card.event = eventOf(card.id);
    const cap = q.group !== null ? GROUP_LIMIT : limit;
    card.more = Math.max(0, card.clients.length - cap);
    if (card.more) card.clients = card.clients.slice(0, cap);
    out.push(card);
  }
  return out;
}

/** "Show all N screens" of a card: the same selection, narrowed to that group. */
export function moreLinkFor(query: OverviewQuery): (g: Pick<GroupCard, 'id'>) => string {
  return (g) => overviewSearch({ ...query, group: g.id ?? 'none' });
}

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

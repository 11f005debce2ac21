/**
 * What each dashboard page receives over its live stream (docs/http.md "Live updates"): the fragments
 * a batch touched, as `<hx-partial>` swaps in one unnamed SSE message (htmx 4 + hx-sse, see
 * docs/architecture.md "htmx 4"). Only affected fragments move: a client row, its last-seen time, a group's health bar, the
 * counters, a panel. When the set of rows on a page would change (a client enters or leaves the
 * selection, a new or removed client), that page's list is re-rendered once instead.
 * Fragments are rendered once per batch per view (language, role, selection), whatever the number
 * of browsers; so are connect-time resyncs, once per version and flush window (`once`). On the
 * overview only the cards a batch touched are re-rendered, the whole list only when the set of
 * cards itself changes.
 */
import { clientName, type ClientRecord } from '../../domain/client.types.ts';
import type { Role } from '../../domain/users.ts';
import type { Lang } from '../../views/i18n/index.ts';
import { detachedContext, partial, type ViewContext } from '../../views/render.ts';
import { cached, type AlertEvent, type Batch, type CommandEvent } from './live-hub.ts';
import type { Frame, StreamView } from './sse.ts';
import { clientNowData, type PageDeps } from './kit.ts';
import { CARD_LIMIT, buildCards, bySeverity, cardKey, matches, moreLinkFor, type GroupCard, type OverviewQuery } from './overview.model.ts';
import { eventOf } from './overview.ts';
import { TABLE_PAGE, crashedList, monitoringLive, serviceFailedList } from './monitoring.ts';
import { alertText, isCommandAlert } from './alert-text.ts';
import { historyHtml } from './client-commands.ts';

export interface Viewer {
  lang: Lang;
  role: Role;
}

/** One `<hx-partial>`: targets are ids we build from validated UUIDs and fixed names. */
export const hxPartial = (target: string, swap: string, html: string) => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;

const frames = (parts: string[], named: Frame[] = []): Frame[] => (parts.length ? [{ data: parts.join('\n') }, ...named] : named);

/**
 * A fragment rendered once for every browser with the same view: per batch for updates, per
 * version and flush window for resyncs (live-hub.ts `resyncCache`).
 */
function once<T>(deps: PageDeps, b: Batch | null, key: string, make: () => T): T {
  return cached(b ?? deps.hub.resyncCache(), key, make);
}

function ctxFor(deps: PageDeps, v: Viewer): ViewContext & { outage: boolean } {
  return { ...detachedContext(v.lang, v.role, deps.now()), outage: deps.hub.outageSuspected };
}

/** Shared by every page: outage banner, counters, toasts (live-toasts.ts for pages without a view here). */
export function common(deps: PageDeps, v: Viewer, b: Batch | null, withCounts: boolean): string[] {
  const key = `${v.lang}|${v.role}`;
  const out: string[] = [];
  if (!b || b.outageChanged) out.push(once(deps, b, `outage|${key}`, () => hxPartial('#outage', 'outerHTML', partial('outage-banner', ctxFor(deps, v)))));
  if (withCounts && (!b || b.changed.size || b.removed.size)) {
    out.push(once(deps, b, `counts|${key}`, () => hxPartial('#fleet-counts', 'outerHTML', partial('fleet-counts', { ...ctxFor(deps, v), counts: deps.fleet.counts() }))));
  }
  for (const a of b?.alerts ?? []) {
    const html = cached(b!, `toast|${key}|${b!.alerts.indexOf(a)}`, () => toast(deps, v, a));
    if (html) out.push(html);
  }
  return out;
}

/**
 * A toast per alert, in the viewer's language, carrying its dedup key and counter (services/alerts/center.ts:
 * same kind + client within 5 min; the browser keeps only the newest toast per key, admin.js).
 */
function toast(deps: PageDeps, v: Viewer, a: AlertEvent): string {
  const it = ctxFor(deps, v);
  if (isCommandAlert(a.kind) && !it.can('admin')) return '';
  const info = deps.alerts.lookup(a);
  const r = a.uuid ? deps.fleet.get(a.uuid) : undefined;
  const text = alertText(it, a, info?.params ?? {}, r ? clientName(r) : (a.uuid ?? ''));
  const data = { ...it, severity: a.severity, text, uuid: r ? r.uuid : null, key: info?.key ?? '', count: info?.count ?? 1 };
  return hxPartial('#toasts', 'beforeend', partial('toast', data));
}

/** Last-seen times of the shown clients; `idOf` names the `<time>` element on that page. */
function seenParts(deps: PageDeps, v: Viewer, b: Batch, idOf: (uuid: string) => string, shown: (uuid: string) => boolean): string[] {
  const out: string[] = [];
  for (const [uuid, at] of b.seen) {
    if (!shown(uuid)) continue;
    const id = idOf(uuid);
    out.push(cached(b, `seen|${v.lang}|${id}`, () => hxPartial(`#${id}`, 'outerHTML', partial('seen', { ...ctxFor(deps, v), id, at }))));
  }
  return out;
}

/** `/` : rows of the selected clients, group health bars, counters. */
export function overviewView(deps: PageDeps, v: Viewer, query: OverviewQuery): StreamView {
  // What this browser shows: uuid → {groupId as rendered, its card}; the cards in order.
  const shown = new Map<string, { groupId: number | null; card: string }>();
  let cardOrder = '';
  // Cards cut at CARD_LIMIT: their last listed client (a hidden client only enters by sorting before it).
  const capped = new Map<string, ClientRecord>();
  // The event line each card shows (card key → event id and end): an event starting or ending
  // changes every client of the group (EXPECTED_EVENT) in place, so only the line is re-sent.
  const shownEvent = new Map<string, string>();
  const eventKey = (card: Pick<GroupCard, 'event'>) => (card.event ? `${card.event.eventId}|${card.event.until}|${card.event.others}` : '');
  const qkey = `${v.lang}|${v.role}|${JSON.stringify(query)}`;
  const skey = JSON.stringify(query); // the selection alone: cards are the same in every language

  /** The cards of this selection now (computed once per batch / resync window for every browser). */
  const cardsNow = (b: Batch | null) =>
    once(deps, b, `cards|${skey}`, async () => {
      const cards = buildCards(deps.fleet.list(), await deps.groups.list(), query, CARD_LIMIT, eventOf(deps));
      return { cards, byKey: new Map(cards.map((c) => [c.key, c])), order: cards.map((c) => c.key).join(' ') };
    });

  /** Remembers what a rendered card lists (replacing what it listed before). */
  const track = (card: GroupCard) => {
    for (const [uuid, s] of shown) if (s.card === card.key) shown.delete(uuid);
    for (const r of card.clients) shown.set(r.uuid, { groupId: r.groupId, card: card.key });
    if (card.more) capped.set(card.key, { ...card.clients[card.clients.length - 1] });
    else capped.delete(card.key);
    shownEvent.set(card.key, eventKey(card));
  };

  /** This browser now shows these cards. */
  const adopt = (now: Awaited<ReturnType<typeof cardsNow>>) => {
    shown.clear();
    capped.clear();
    shownEvent.clear();
    now.cards.forEach(track);
    cardOrder = now.order;
  };

  const groupsHtml = async (b: Batch | null) => {
    const now = await cardsNow(b);
    const html = once(deps, b, `groups|${qkey}`, () => {
      const it = ctxFor(deps, v);
      return hxPartial('#groups', 'outerHTML', partial('groups', { ...it, cards: now.cards, total: deps.fleet.size(), query, moreLink: moreLinkFor(query) }));
    });
    adopt(now);
    return html;
  };

  /**
   * A structural change: the cards that listed or now list a touched client, or count it, are
   * re-rendered alone; the whole list only when cards appear, vanish or move.
   */
  const structuralParts = async (b: Batch, touched: string[]): Promise<{ parts: string[]; redone: Set<string> | 'all' }> => {
    const now = await cardsNow(b);
    if (now.order !== cardOrder) return { parts: [await groupsHtml(b)], redone: 'all' };
    const keys = new Set<string>();
    for (const uuid of touched) {
      const before = shown.get(uuid);
      if (before) keys.add(before.card);
      const r = deps.fleet.get(uuid);
      if (r) keys.add(cardOfNow(now.byKey, r));
    }
    const it = ctxFor(deps, v);
    const moreLink = moreLinkFor(query);
    const out: string[] = [];
    for (const key of keys) {
      const card = now.byKey.get(key);
      if (!card) continue;
      out.push(once(deps, b, `card|${qkey}|${key}`, () => hxPartial(`#${key}`, 'outerHTML', partial('group-card', { ...it, card, query, moreLink }))));
      track(card);
    }
    return { parts: out, redone: keys };
  };

  const entersCard = (r: ClientRecord) => {
    const last = capped.get(cardKey(r.groupId));
    return !last || bySeverity(r, last) < 0;
  };

  /** The event lines of the cards of clients changed in place, where the group's event changed. */
  const eventParts = (b: Batch, rows: ClientRecord[]): string[] => {
    const out: string[] = [];
    const now = eventOf(deps);
    for (const groupId of new Set(rows.map((r) => r.groupId))) {
      if (groupId === null) continue;
      const key = cardKey(groupId);
      if (!shownEvent.has(key)) continue; // not a card of this page (or an unknown group)
      const g = { key, id: groupId, event: now(groupId) };
      const k = eventKey(g);
      if (k === shownEvent.get(key)) continue;
      shownEvent.set(key, k);
      out.push(cached(b, `event|${v.lang}|${key}|${k}`, () => hxPartial(`#${key}-event`, 'outerHTML', partial('group-event', { ...ctxFor(deps, v), g }))));
    }
    return out;
  };

  return {
    resync: async () => frames([...common(deps, v, null, true), await groupsHtml(null)]),
    prime: async () => adopt(await cardsNow(null)), // what the page shows; nothing to render
    update: async (b) => {
      const parts = common(deps, v, b, true);
      const moved: string[] = []; // entered, left or changed card: its cards are re-rendered
      let rows: ClientRecord[] = []; // changed in place: the row alone
      for (const uuid of b.changed) {
        const r = deps.fleet.get(uuid);
        const was = shown.get(uuid);
        const match = !!r && matches(r, query);
        if (was && match && was.groupId === r!.groupId) rows.push(r!);
        else if (was || (match && entersCard(r!))) moved.push(uuid);
      }
      for (const uuid of b.removed) if (shown.has(uuid)) moved.push(uuid);
      if (moved.length) {
        const { parts: cards, redone } = await structuralParts(b, moved);
        parts.push(...cards);
        rows = redone === 'all' ? [] : rows.filter((r) => !redone.has(shown.get(r.uuid)?.card ?? ''));
      }
      if (rows.length) {
        const it = ctxFor(deps, v);
        for (const r of rows) parts.push(cached(b, `row|${v.lang}|${v.role}|${r.uuid}`, () => hxPartial(`#c-${r.uuid}`, 'outerHTML', partial('client-item', { ...it, r }))));
        parts.push(...barParts(deps, v, b, rows));
        parts.push(...eventParts(b, rows));
      }
      parts.push(...seenParts(deps, v, b, (u) => `seen-${u}`, (u) => shown.has(u)));
      return frames(parts);
    },
  };
}

/** The card a client counts in now (buildCards: an unknown group counts as unassigned). */
function cardOfNow(byKey: Map<string, GroupCard>, r: ClientRecord): string {
  const key = cardKey(r.groupId);
  return byKey.has(key) ? key : cardKey(null);
}

/** Health bars of the groups whose clients changed (whole-fleet stats computed once per batch). */
function barParts(deps: PageDeps, v: Viewer, b: Batch, rows: ClientRecord[]): string[] {
  const stats = cached(b, 'group-stats', () => {
    const m = new Map<string, { total: number; online: number }>();
    for (const r of deps.fleet.list()) {
      const s = m.get(cardKey(r.groupId)) ?? { total: 0, online: 0 };
      s.total++;
      if (r.connectivity === 'online') s.online++;
      m.set(cardKey(r.groupId), s);
    }
    return m;
  });
  const keys = new Set(rows.map((r) => cardKey(r.groupId)));
  const it = ctxFor(deps, v);
  return [...keys].map((key) =>
    cached(b, `bar|${v.lang}|${key}`, () => {
      const s = stats.get(key) ?? { total: 0, online: 0 };
      return hxPartial(`#${key}-bar`, 'outerHTML', partial('group-bar', { ...it, key, ...s }));
    }),
  );
}

/** `/monitoring`: counters, both panels, the rows of the table page, last seen. */
export function monitoringView(deps: PageDeps, v: Viewer, page: number): StreamView {
  const shown = new Set<string>();
  let lastRow: ClientRecord | null = null; // a full page only changes when a client sorts before its last row
  let crashed = new Set<string>();
  let failed = new Set<string>();
  const key = `${v.lang}|${v.role}`;

  const panels = (b: Batch | null, which: { crashed: boolean; failed: boolean; table: boolean }) => {
    const data = once(deps, b, `mon|${page}`, () => monitoringLive(deps, page));
    const it = { ...ctxFor(deps, v), ...data };
    const out: string[] = [];
    const render = (name: string, target: string, swapTarget = target) => hxPartial(swapTarget, 'outerHTML', partial(name, it));
    if (which.crashed) {
      crashed = new Set(data.crashed.map((x) => x.r.uuid));
      out.push(once(deps, b, `crashed|${key}|${page}`, () => render('monitoring-crashed', '#crashed')));
    }
    if (which.failed) {
      failed = new Set(data.serviceFailed.map((r) => r.uuid));
      out.push(once(deps, b, `failed|${key}|${page}`, () => render('monitoring-service', '#service-failed')));
    }
    if (which.table) {
      shown.clear();
      for (const r of data.rows) shown.add(r.uuid);
      lastRow = data.rows.length >= TABLE_PAGE ? { ...data.rows[data.rows.length - 1] } : null;
      out.push(once(deps, b, `rows|${key}|${page}`, () => render('monitoring-rows', '#status-rows')));
    }
    return out;
  };

  return {
    resync: () => frames([...common(deps, v, null, true), ...panels(null, { crashed: true, failed: true, table: true })]),
    prime: () => void panels(null, { crashed: true, failed: true, table: true }),
    update: (b) => {
      const parts = common(deps, v, b, true);
      const touched = [...b.changed, ...b.removed];
      if (touched.length) {
        const t = deps.now();
        const records = touched.map((u) => deps.fleet.get(u)).filter((r): r is ClientRecord => !!r);
        const nowCrashed = new Set(crashedList(records, deps.fleet.graceSeconds, t).map((x) => x.r.uuid));
        const nowFailed = new Set(serviceFailedList(records).map((r) => r.uuid));
        const which = {
          crashed: touched.some((u) => crashed.has(u) || nowCrashed.has(u)),
          failed: touched.some((u) => failed.has(u) || nowFailed.has(u)),
          table: [...b.removed].some((u) => shown.has(u)) || records.some((r) => !shown.has(r.uuid) && (!lastRow || bySeverity(r, lastRow) < 0)),
        };
        parts.push(...panels(b, which));
        if (!which.table) {
          const it = ctxFor(deps, v);
          for (const r of records) {
            if (!shown.has(r.uuid)) continue;
            parts.push(cached(b, `mrow|${key}|${r.uuid}`, () => hxPartial(`#m-${r.uuid}`, 'outerHTML', partial('monitoring-row', { ...it, r }))));
          }
        }
      }
      parts.push(...crashedCommandParts(deps, v, b, crashed));
      parts.push(...seenParts(deps, v, b, (u) => `ms-${u}`, (u) => shown.has(u)));
      return frames(parts);
    },
  };
}

/**
 * The command badge of each crashed/unreachable row whose client's command moved (per-row
 * restart, docs/http.md "Dashboard pages"): the newest transition per client, from the bus event itself.
 * After the panel (if it was re-rendered in this batch) so a settled status is not lost.
 */
function crashedCommandParts(deps: PageDeps, v: Viewer, b: Batch, crashed: Set<string>): string[] {
  const latest = new Map<string, CommandEvent>();
  for (const c of b.commands.values()) {
    const prev = latest.get(c.uuid);
    if (crashed.has(c.uuid) && (!prev || c.at >= prev.at)) latest.set(c.uuid, c);
  }
  return [...latest.values()].map((c) =>
    cached(b, `crc|${v.lang}|${v.role}|${c.uuid}`, () =>
      hxPartial(`#crc-${c.uuid}`, 'outerHTML', partial('monitoring-command', { ...ctxFor(deps, v), uuid: c.uuid, command: { action: c.action, status: c.to } })),
    ),
  );
}

/** `/clients/{uuid}`: head, "now" card, status card, last seen; command transitions as DOM events. */
export function clientView(deps: PageDeps, v: Viewer, uuid: string): StreamView {
  const key = `${v.lang}|${v.role}|${uuid}`;
  const render = () => {
    const r = deps.fleet.get(uuid);
    const it = ctxFor(deps, v);
    if (!r) return [hxPartial('#client-head', 'outerHTML', partial('client-removed', it))];
    return [
      hxPartial('#client-head', 'outerHTML', partial('client-head', { ...it, r })),
      hxPartial('#client-now', 'outerHTML', partial('client-now', { ...it, ...clientNowData(deps, r, it.now) })),
      hxPartial('#client-status', 'outerHTML', partial('client-status', { ...it, r })),
    ];
  };
  // The command history (admins, client-commands.ts) is re-read when one of its commands moved.
  const commands = async () => {
    const it = ctxFor(deps, v);
    if (!it.can('admin') || !deps.commands || !deps.fleet.get(uuid)) return [];
    return [hxPartial('#client-commands', 'outerHTML', await historyHtml(deps, it, { uuid }))];
  };
  return {
    resync: async () => frames([...common(deps, v, null, false), ...once(deps, null, `client|${key}`, render), ...(await once(deps, null, `client-commands|${key}`, commands))]),
    update: async (b) => {
      const parts = common(deps, v, b, false);
      if (b.changed.has(uuid) || b.removed.has(uuid)) parts.push(...cached(b, `client|${key}`, render));
      else parts.push(...seenParts(deps, v, b, () => 'client-seen', (u) => u === uuid));
      if ([...b.commands.values()].some((c) => c.uuid === uuid)) parts.push(...(await cached(b, `client-commands|${key}`, commands)));
      // Also as named events (a DOM event "command" on #live) for anything else that wants them.
      const named: Frame[] = [...b.commands.values()]
        .filter((c) => c.uuid === uuid)
        .map((c) => ({ event: 'command', data: JSON.stringify({ commandId: c.commandId, action: c.action, status: c.to, from: c.from }) }));
      return frames(parts, named);
    },
  };
}

/**
 * What each dashboard page receives over its live stream (http.md "Live updates"): the fragments
 * a batch touched, as `<hx-partial>` swaps in one unnamed SSE message (htmx 4 + hx-sse: tech brief
 * §1). Only affected fragments move: a client row, its last-seen time, a group's health bar, the
 * counters, a panel. When the set of rows on a page would change (a client enters or leaves the
 * selection, a new or removed client), that page's list is re-rendered once instead.
 * Fragments are rendered once per batch per language and role, whatever the number of browsers.
 */
import type { ClientRecord } from '../../actors/client.types.ts';
import type { Role } from '../../db/users.ts';
import type { Lang } from '../../views/i18n/index.ts';
import { detachedContext, partial, type ViewContext } from '../../views/render.ts';
import { cached, type AlertEvent, type Batch } from './live-hub.ts';
import type { Frame, StreamView } from './sse.ts';
import type { PageDeps } from './kit.ts';
import { buildCards, bySeverity, cardKey, displayName, matches, moreLinkFor, type OverviewQuery } from './overview.model.ts';
import { TABLE_PAGE, crashedList, monitoringLive, serviceFailedList } from './monitoring.ts';

export interface Viewer {
  lang: Lang;
  role: Role;
}

/** One `<hx-partial>`: targets are ids we build from validated UUIDs and fixed names. */
export const hxPartial = (target: string, swap: string, html: string) => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;

const frames = (parts: string[], named: Frame[] = []): Frame[] => (parts.length ? [{ data: parts.join('\n') }, ...named] : named);

function ctxFor(deps: PageDeps, v: Viewer): ViewContext & { outage: boolean } {
  return { ...detachedContext(v.lang, v.role, deps.now()), outage: deps.hub.outageSuspected };
}

/** Shared by every page: outage banner, counters, toasts. */
function common(deps: PageDeps, v: Viewer, b: Batch | null, withCounts: boolean): string[] {
  const key = `${v.lang}|${v.role}`;
  const out: string[] = [];
  if (!b || b.outageChanged) out.push(hxPartial('#outage', 'outerHTML', partial('outage-banner', ctxFor(deps, v))));
  if (withCounts && (!b || b.changed.size || b.removed.size)) {
    const render = () => hxPartial('#fleet-counts', 'outerHTML', partial('fleet-counts', { ...ctxFor(deps, v), counts: deps.fleet.counts() }));
    out.push(b ? cached(b, `counts|${key}`, render) : render());
  }
  for (const a of b?.alerts ?? []) out.push(cached(b!, `toast|${key}|${b!.alerts.indexOf(a)}`, () => toast(deps, v, a)));
  return out;
}

/** A toast per alert, in the viewer's language (dedup with a counter is issue 5's alerts work). */
function toast(deps: PageDeps, v: Viewer, a: AlertEvent): string {
  const it = ctxFor(deps, v);
  const r = a.uuid ? deps.fleet.get(a.uuid) : undefined;
  // Known kinds are translated; anything else shows the supervisor's (English) message.
  const message = it.code('alert', a.kind, { name: r ? displayName(r) : (a.uuid ?? '') });
  const text = message === a.kind ? a.message : message;
  return hxPartial('#toasts', 'beforeend', partial('toast', { ...it, severity: a.severity, text, uuid: r ? r.uuid : null }));
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
  const shown = new Map<string, number | null>(); // uuid → groupId as rendered
  // Cards cut at CARD_LIMIT: their last listed client (a hidden client only enters by sorting before it).
  const capped = new Map<string, ClientRecord>();
  const qkey = `${v.lang}|${v.role}|${JSON.stringify(query)}`;

  const groupsHtml = async (b: Batch | null) => {
    const render = async () => {
      const groups = await deps.groups.list();
      const records = deps.fleet.list();
      const cards = buildCards(records, groups, query);
      const it = ctxFor(deps, v);
      return { cards, html: hxPartial('#groups', 'outerHTML', partial('groups', { ...it, cards, total: records.length, query, moreLink: moreLinkFor(query) })) };
    };
    const res = b ? await cached(b, `groups|${qkey}`, render) : await render();
    shown.clear();
    capped.clear();
    for (const card of res.cards) {
      for (const r of card.clients) shown.set(r.uuid, r.groupId);
      if (card.more) capped.set(card.key, { ...card.clients[card.clients.length - 1] });
    }
    return res.html;
  };

  const entersCard = (r: ClientRecord) => {
    const last = capped.get(cardKey(r.groupId));
    return !last || bySeverity(r, last) < 0;
  };

  return {
    resync: async () => frames([...common(deps, v, null, true), await groupsHtml(null)]),
    prime: async () => void (await groupsHtml(null)),
    update: async (b) => {
      const parts = common(deps, v, b, true);
      let structural = false;
      const rows: ClientRecord[] = [];
      for (const uuid of b.changed) {
        const r = deps.fleet.get(uuid);
        const isShown = shown.has(uuid);
        const match = !!r && matches(r, query);
        if (isShown && match && shown.get(uuid) === r!.groupId) rows.push(r!);
        else if (isShown || (match && entersCard(r!))) structural = true;
      }
      for (const uuid of b.removed) if (shown.has(uuid)) structural = true;
      if (structural) parts.push(await groupsHtml(b));
      else if (rows.length) {
        const it = ctxFor(deps, v);
        for (const r of rows) parts.push(cached(b, `row|${v.lang}|${v.role}|${r.uuid}`, () => hxPartial(`#c-${r.uuid}`, 'outerHTML', partial('client-item', { ...it, r }))));
        parts.push(...barParts(deps, v, b, rows));
      }
      parts.push(...seenParts(deps, v, b, (u) => `seen-${u}`, (u) => shown.has(u)));
      return frames(parts);
    },
  };
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
    const data = b ? cached(b, `mon|${page}`, () => monitoringLive(deps, page)) : monitoringLive(deps, page);
    const it = { ...ctxFor(deps, v), ...data };
    const out: string[] = [];
    const render = (name: string, target: string, swapTarget = target) => hxPartial(swapTarget, 'outerHTML', partial(name, it));
    if (which.crashed) {
      crashed = new Set(data.crashed.map((x) => x.r.uuid));
      out.push(b ? cached(b, `crashed|${key}`, () => render('monitoring-crashed', '#crashed')) : render('monitoring-crashed', '#crashed'));
    }
    if (which.failed) {
      failed = new Set(data.serviceFailed.map((r) => r.uuid));
      out.push(b ? cached(b, `failed|${key}`, () => render('monitoring-service', '#service-failed')) : render('monitoring-service', '#service-failed'));
    }
    if (which.table) {
      shown.clear();
      for (const r of data.rows) shown.add(r.uuid);
      lastRow = data.rows.length >= TABLE_PAGE ? { ...data.rows[data.rows.length - 1] } : null;
      out.push(b ? cached(b, `rows|${key}|${page}`, () => render('monitoring-rows', '#status-rows')) : render('monitoring-rows', '#status-rows'));
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
      parts.push(...seenParts(deps, v, b, (u) => `ms-${u}`, (u) => shown.has(u)));
      return frames(parts);
    },
  };
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
      hxPartial('#client-now', 'outerHTML', partial('client-now', { ...it, r })),
      hxPartial('#client-status', 'outerHTML', partial('client-status', { ...it, r })),
    ];
  };
  return {
    resync: () => frames([...common(deps, v, null, false), ...render()]),
    update: (b) => {
      const parts = common(deps, v, b, false);
      if (b.changed.has(uuid) || b.removed.has(uuid)) parts.push(...cached(b, `client|${key}`, render));
      else parts.push(...seenParts(deps, v, b, () => 'client-seen', (u) => u === uuid));
      // The command history (issue 4 UI) listens for these: hx-trigger="command from:#live".
      const named: Frame[] = [...b.commands.values()]
        .filter((c) => c.uuid === uuid)
        .map((c) => ({ event: 'command', data: JSON.stringify({ commandId: c.commandId, action: c.action, status: c.to, from: c.from }) }));
      return frames(parts, named);
    },
  };
}

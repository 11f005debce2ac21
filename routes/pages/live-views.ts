/**
 * What each dashboard page receives over its live stream (docs/http.md "Live updates"): the fragments
 * a batch touched, as `<hx-partial>` swaps in one unnamed SSE message (htmx 4 + hx-sse, see
 * docs/architecture.md "htmx 4"). Only affected fragments move: a client row, its last-seen time, a group's health bar, the
 * counters, a panel. When the set of rows on a page would change (a client enters or leaves the
 * selection, a new or removed client), that page's list is re-rendered once instead.
 * Fragments are rendered once per batch per view (language, role, selection), whatever the number
 * of browsers; so are connect-time resyncs, once per version and flush window (`once`).
 * This file holds what every page's stream shares (outage banner, counters, toasts, last-seen
 * times) and the client page's view; live-overview.ts and live-monitoring.ts the two list pages'.
 */
import { clientName } from '../../domain/client.types.ts';
import type { Role } from '../../domain/users.ts';
import type { Lang } from '../../views/i18n/index.ts';
import { detachedContext, partial, type ViewContext } from '../../views/render.ts';
import { cached, type AlertEvent, type Batch } from './live-hub.ts';
import type { Frame, StreamView } from './sse.ts';
import { clientNowData, type PageDeps } from './kit.ts';
import { alertText, isCommandAlert } from './alert-text.ts';
import { historyHtml } from './client-commands.ts';
import { hxPartial } from './hx.ts';

export interface Viewer {
  lang: Lang;
  role: Role;
}

export const frames = (parts: string[], named: Frame[] = []): Frame[] => (parts.length ? [{ data: parts.join('\n') }, ...named] : named);

/**
 * A fragment rendered once for every browser with the same view: per batch for updates, per
 * version and flush window for resyncs (live-hub.ts `resyncCache`).
 */
export function once<T>(deps: PageDeps, b: Batch | null, key: string, make: () => T): T {
  return cached(b ?? deps.hub.resyncCache(), key, make);
}

export function ctxFor(deps: PageDeps, v: Viewer): ViewContext & { outage: boolean } {
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
export function seenParts(deps: PageDeps, v: Viewer, b: Batch, idOf: (uuid: string) => string, shown: (uuid: string) => boolean): string[] {
  const out: string[] = [];
  for (const [uuid, at] of b.seen) {
    if (!shown(uuid)) continue;
    const id = idOf(uuid);
    out.push(cached(b, `seen|${v.lang}|${id}`, () => hxPartial(`#${id}`, 'outerHTML', partial('seen', { ...ctxFor(deps, v), id, at }))));
  }
  return out;
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

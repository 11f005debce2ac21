/**
 * The monitoring page's live stream (`/live/monitoring`, docs/http.md "Live updates"; the shared
 * parts are in live-views.ts): a panel is re-rendered when a client enters or leaves it, the table
 * page when its set of rows would change, otherwise the touched rows alone; the command badge of a
 * crashed row follows its command.
 */
import type { ClientRecord } from '../../domain/client.types.ts';
import { partial } from '../../views/render.ts';
import { cached, type Batch, type CommandEvent } from './live-hub.ts';
import type { StreamView } from './sse.ts';
import type { PageDeps } from './kit.ts';
import { bySeverity } from './overview.model.ts';
import { TABLE_PAGE, crashedList, monitoringLive, serviceFailedList } from './monitoring.model.ts';
import { hxPartial } from './hx.ts';
import { common, ctxFor, frames, once, seenParts, type Viewer } from './live-views.ts';

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

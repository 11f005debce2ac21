/**
 * What the inspector templates receive (views/pages/inspector*.eta, views/partials/inspector-*.eta):
 * plain data made from feed entries, so templates only print. Shared by the pages, the fragments
 * and the live stream (routes/pages/inspector.ts, inspector-live.ts).
 */
import type { HistoryRow, InspectedActor, InspectionFeed } from '../../actors/inspection/feed.ts';
import { contextJson, contextSummary, eventSummary, valueDiff } from '../../actors/inspection/summary.ts';
import { activeStateIds, chartFor } from '../../lib/statechart/index.ts';
import { partial, type ViewContext } from '../../views/render.ts';

export interface RowView {
  seq: number;
  at: number;
  since: number;
  event: string;
  payload: string;
  /** Folded row: `HEALTH ×12, HEARTBEAT ×3` and the total. */
  folded: string | null;
  foldedCount: number;
  started: boolean;
  left: string[];
  entered: string[];
  status: string;
}

export interface StateView {
  actorId: string;
  paths: string[];
  /** Space-separated state ids to highlight in the diagram (inspector.js). */
  active: string;
  status: string;
  context: string;
}

export function rowView(r: HistoryRow): RowView {
  const { left, entered } = valueDiff(r.from, r.to);
  const counts = r.folded ? Object.entries(r.folded) : [];
  return {
    seq: r.seq,
    at: r.at,
    since: r.since,
    event: r.event.type,
    payload: eventSummary(r.event),
    folded: r.folded ? counts.map(([type, n]) => `${type} ×${n}`).join(', ') : null,
    foldedCount: counts.reduce((s, [, n]) => s + n, 0),
    started: r.from === null,
    left,
    entered,
    status: r.status,
  };
}

function activeIds(feed: InspectionFeed, machineId: string, value: unknown): string {
  const m = feed.machines.get(machineId);
  return m ? [...activeStateIds(chartFor(m), value)].join(' ') : '';
}

export function nowView(feed: InspectionFeed, a: InspectedActor): StateView & { changedAt: number } {
  return {
    actorId: a.id,
    paths: a.paths,
    active: activeIds(feed, a.machineId, a.value),
    status: a.status,
    context: contextJson(a.context),
    changedAt: a.changedAt,
  };
}

export function pastView(feed: InspectionFeed, a: InspectedActor, r: HistoryRow): StateView & { seq: number; at: number } {
  return {
    actorId: a.id,
    paths: valueDiff(null, r.to).entered,
    active: activeIds(feed, a.machineId, r.to),
    status: r.status,
    context: contextJson(r.context),
    seq: r.seq,
    at: r.at,
  };
}

export function listItemView(a: InspectedActor) {
  return { id: a.id, machineId: a.machineId, paths: a.paths, status: a.status, changedAt: a.changedAt, summary: contextSummary(a.context) };
}

/** `/inspector/client:…` (ids contain colons: kept readable, everything else encoded). */
export const actorHref = (id: string) => `/inspector/${encodeURIComponent(id).replace(/%3A/gi, ':')}`;

export function rowHtml(it: ViewContext, actorId: string, r: HistoryRow): string {
  return partial('inspector-row', { ...it, actorId, href: actorHref(actorId), row: rowView(r) });
}

export function nowHtml(it: ViewContext, feed: InspectionFeed, a: InspectedActor): string {
  return partial('inspector-now', { ...it, state: nowView(feed, a) });
}

/**
 * The inspector's live streams (docs/inspector.md: "current state highlighted and updated live over
 * SSE"), each bound to the inspection feed (not the dashboard's live hub: the feed is per actor).
 *
 * - One actor: every new history row is prepended (`<hx-partial … hx-swap="afterbegin">`), a row
 *   that folded more events is replaced, and the current-state panel (which carries the state ids
 *   inspector.js highlights in the diagram) is swapped. Rows carry their sequence number as the
 *   SSE id: the page connects with `?after=<newest row it shows>`, a reconnect sends
 *   `Last-Event-ID`, and the stream starts with whatever the browser has not seen yet.
 * - The list: a `refresh` event at most every 2 s while actors start, stop or change state; the
 *   page re-fetches its list fragment on it.
 *
 * Changes are coalesced (150 ms) and written one batch at a time, so a busy actor or a slow phone
 * costs at most one pending entry per row, never an unbounded queue.
 */
import type { Context } from 'hono';
import type { HistoryRow, InspectedActor, InspectionFeed } from '../../actors/inspection/feed.ts';
import { eventStream, formatFrame } from './sse.ts';
import type { StreamGate } from './stream-gate.ts';

const COALESCE_MS = 150;
const LIST_REFRESH_MS = 2000;

export interface ActorRenderer {
  row(r: HistoryRow): string;
  now(a: InspectedActor): string;
}

export function actorStream(c: Context, gate: StreamGate, feed: InspectionFeed, actorId: string, after: number, render: ActorRenderer): Response {
  return eventStream(c, gate, (write, stop) => {
    let known = after; // newest row the browser has
    const pending = new Map<number, HistoryRow>();
    let nowDirty = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let writing = false;

    const flush = async () => {
      timer = null;
      if (writing) return schedule();
      const actor = feed.get(actorId);
      if (!actor || (pending.size === 0 && !nowDirty)) return;
      const rows = [...pending.values()].sort((a, b) => a.seq - b.seq);
      pending.clear();
      nowDirty = false;
      const parts: string[] = [];
      for (const r of rows) {
        if (r.seq > known) {
          parts.push(`<hx-partial hx-target="#inspector-history" hx-swap="afterbegin">${render.row(r)}</hx-partial>`);
          known = r.seq;
        } else parts.push(`<hx-partial hx-target="#h-${r.seq}" hx-swap="outerHTML">${render.row(r)}</hx-partial>`);
      }
      parts.push(`<hx-partial hx-target="#inspector-now" hx-swap="innerHTML">${render.now(actor)}</hx-partial>`);
      writing = true;
      try {
        await write(formatFrame({ data: parts.join('') }, known));
      } catch {
        stop();
      } finally {
        writing = false;
      }
    };
    const schedule = () => {
      timer ??= setTimeout(() => void flush(), COALESCE_MS);
      (timer as { unref?: () => void }).unref?.();
    };

    // What happened between the page render (or the last frame) and now.
    const actor = feed.get(actorId);
    if (actor) {
      for (const r of actor.history.toArray()) if (r.seq >= known) pending.set(r.seq, r);
      nowDirty = pending.size > 0;
      if (nowDirty) schedule();
    }
    const unsubscribe = feed.watch(actorId, {
      notify: (_a, row) => {
        pending.set(row.seq, row);
        nowDirty = true;
        schedule();
      },
      close: stop,
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  });
}

export function listStream(c: Context, gate: StreamGate, feed: InspectionFeed): Response {
  return eventStream(c, gate, (write, stop) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const unsubscribe = feed.watchAll({
      notify: () => {
        if (timer) return;
        timer = setTimeout(() => {
          timer = null;
          last = Date.now();
          write(formatFrame({ event: 'refresh', data: '' })).catch(stop);
        }, Math.max(0, last + LIST_REFRESH_MS - Date.now()));
        (timer as { unref?: () => void }).unref?.();
      },
      close: stop,
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  });
}

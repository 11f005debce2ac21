/**
 * Toasts on every dashboard page (docs/http.md "Live updates"): what every page shares (outage
 * banner, alert toasts) as a stream view of its own, for pages without a live view
 * (`/live/toasts`, opened by layout.eta), and added to views that only update their own list
 * (the command audit, the alerts page).
 */
import type { Frame, StreamView } from './sse.ts';
import type { PageDeps } from './kit.ts';
import { common, type Viewer } from './live-views.ts';

const frames = (parts: string[]): Frame[] => (parts.length ? [{ data: parts.join('\n') }] : []);

/** Outage banner and toasts only. */
export function toastsView(deps: PageDeps, v: Viewer): StreamView {
  return {
    resync: () => frames(common(deps, v, null, false)),
    update: (b) => frames(common(deps, v, b, false)),
  };
}

/** `view` with the toasts and the outage banner of every page in front of its own frames. */
export function withToasts(deps: PageDeps, v: Viewer, view: StreamView): StreamView {
  const shared = toastsView(deps, v);
  return {
    resync: async () => [...(await shared.resync()), ...(await view.resync())],
    ...(view.prime ? { prime: () => view.prime!() } : {}),
    update: async (b) => [...(await shared.update(b)), ...(await view.update(b))],
  };
}

/**
 * The one home of htmx's conventions on the server side (style.md point 6, docs/architecture.md
 * "htmx 4"): whether a request comes from htmx, the page-or-fragment answer, a fragment answered
 * to htmx alone, out-of-band `<hx-partial>` swaps, and sending the whole page elsewhere. Every
 * answer that depends on `HX-Request` says so (`Vary: HX-Request`), and none may be cached: every
 * view shows live state.
 */
import type { Context } from 'hono';
import { eta, partial, type ViewContext } from '../../views/render.ts';

export const isHtmx = (c: Context) => c.req.header('hx-request') === 'true';

type Status = 200 | 202 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;

export interface RenderOptions {
  /** `pages/<page>.eta`, rendered inside the layout for a normal request. */
  page: string;
  /** `partials/<fragment>.eta`, rendered alone for an htmx request; without it htmx gets the page. */
  fragment?: string;
  data: ViewContext & Record<string, unknown>;
  status?: Status;
}

/**
 * The one page-or-fragment helper: a request from htmx (`HX-Request: true`) gets the page's
 * fragment partial, any other request the whole page inside `layout.eta`.
 */
export function render(c: Context, opts: RenderOptions): Response {
  const html = opts.fragment && isHtmx(c) ? partial(opts.fragment, opts.data) : eta.render(`/pages/${opts.page}`, opts.data);
  return fragment(c, html, opts.status);
}

/**
 * HTML answered to htmx alone: a route that has no page for it sent plain requests elsewhere
 * first (typically `if (!isHtmx(c)) return c.redirect(…, 303)`).
 */
export function fragment(c: Context, html: string, status: Status = 200): Response {
  c.header('Vary', 'HX-Request');
  c.header('Cache-Control', 'no-store');
  return c.html(html, status as 200);
}

/** One `<hx-partial>`: targets are ids we build from validated UUIDs and fixed names. */
export const hxPartial = (target: string, swap: string, html: string) => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;

/** htmx loads `url` as a whole page instead of swapping the answer (`HX-Redirect`). */
export function hxRedirect(c: Context, url: string): void {
  c.header('HX-Redirect', url);
}

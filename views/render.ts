/**
 * Rendering core (style.md point 6): one Eta instance over `views/`, and the one helper that picks
 * page or fragment. A request from htmx (`HX-Request: true`) gets the page's fragment partial; any
 * other request the whole page inside `layout.eta`. Both vary on that header, and neither may be
 * cached: every view shows live state.
 *
 * Templates receive `it` = the view context (user, language, `t`, formatters) plus the page data.
 * `<%= %>` escapes (device strings are hostile input); `<%~ %>` only prints composed HTML.
 */
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Context } from 'hono';
import { roleRank, type Role, type User } from '../domain/users.ts';
import { i18n, pickLanguage, type I18n } from './i18n/index.ts';
import { assetUrl } from './assets.ts';
import { clientName } from '../domain/client.types.ts';

const VIEWS = fileURLToPath(new URL('.', import.meta.url));

// Compiled templates are cached (Eta's default is off).
export const eta = new Eta({ views: VIEWS, cache: true, autoEscape: true });

export interface ViewContext extends I18n {
  user: Pick<User, 'id' | 'username' | 'role' | 'language'> | null;
  /** Request path, for the navigation's current page. */
  path: string;
  now: number;
  can: (role: Role) => boolean;
  /** Page title (set by the route). */
  title?: string;
  /** Hashed URL of a static file (views/assets.ts). */
  asset: (path: string) => string;
  /** A client's display name (domain/client.types.ts `clientName`). */
  clientName: typeof clientName;
}

/** The view context of a request: the signed-in user, their language, the clock. */
export function viewContext(c: Context, user: User | null, now: number): ViewContext {
  const lang = pickLanguage(user?.language, c.req.header('accept-language'));
  return {
    ...i18n(lang, now),
    user: user && { id: user.id, username: user.username, role: user.role, language: user.language },
    path: new URL(c.req.url).pathname,
    now,
    can: (role) => !!user && roleRank(user.role) >= roleRank(role),
    asset: assetUrl,
    clientName,
  };
}

/** A view context built without a request (live fragments rendered once per language and role). */
export function detachedContext(lang: I18n['lang'], role: Role | null, now: number): ViewContext {
  return {
    ...i18n(lang, now),
    user: null,
    path: '',
    now,
    can: (r) => role !== null && roleRank(role) >= roleRank(r),
    asset: assetUrl,
    clientName,
  };
}

export const isHtmx = (c: Context) => c.req.header('hx-request') === 'true';

export interface RenderOptions {
  /** `pages/<page>.eta`, rendered inside the layout for a normal request. */
  page: string;
  /** `partials/<fragment>.eta`, rendered alone for an htmx request; without it htmx gets the page. */
  fragment?: string;
  data: ViewContext & Record<string, unknown>;
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
}

/** The one page-or-fragment helper. */
export function render(c: Context, opts: RenderOptions): Response {
  const fragment = opts.fragment && isHtmx(c);
  const html = fragment ? partial(opts.fragment!, opts.data) : eta.render(`/pages/${opts.page}`, opts.data);
  c.header('Vary', 'HX-Request');
  c.header('Cache-Control', 'no-store');
  return c.html(html, opts.status ?? 200);
}

/** One partial alone (htmx responses, live fragments, tests). */
export function partial(name: string, data: object): string {
  return eta.render(`/partials/${name}`, data);
}

/**
 * Rendering core (style.md point 6): one Eta instance over `views/`, the view context of a request
 * or of a live fragment, and partials. Which one a request gets, page or fragment, is chosen in
 * routes/pages/hx.ts.
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

/** One partial alone (htmx responses, live fragments, tests). */
export function partial(name: string, data: object): string {
  return eta.render(`/partials/${name}`, data);
}

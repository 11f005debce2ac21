/**
 * Session middleware (docs/http.md "Roles and sessions"): reads the `sid` cookie, looks up the SHA-256
 * of its token, and puts the active user (or null) into `c.var.user`. Expiry slides: at most once
 * a minute a request moves `last_seen_at`/`expires_at` (a queued write, not awaited: freshness
 * only, like docs/architecture.md "Memory holds freshness, the database its durable copy") and re-issues the cookie with a fresh Max-Age.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getSessionWithUser, hashToken, touchSessionStatement } from '../../db/sessions.ts';
import type { User } from '../../domain/users.ts';
import type { Scope } from '../../domain/api-tokens.ts';
import type { RouteDeps } from '../deps.ts';

export const SESSION_COOKIE = 'sid';
const TOUCH_EVERY_MS = 60_000;

export type AppEnv = {
  Variables: {
    user: User | null;
    sessionId: string | null; // the stored id (hash), never the token
    /** A Bearer request's token scopes and id (routes/middleware/bearer.ts); null for cookie sessions. */
    scopes: Scope[] | null;
    tokenId: number | null;
  };
};

/** Secure cookies: always, never, or (`auto`) when the request came over https, directly or via a proxy. */
export function isSecureRequest(c: Context, mode: 'auto' | 'true' | 'false'): boolean {
  if (mode !== 'auto') return mode === 'true';
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0].trim().toLowerCase();
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:';
}

export function setSessionCookie(c: Context, token: string, deps: Pick<RouteDeps, 'config'>): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c, deps.config.COOKIE_SECURE),
    path: '/',
    maxAge: deps.config.SESSION_TTL_HOURS * 3600,
  });
}

export function clearSessionCookie(c: Context, deps: Pick<RouteDeps, 'config'>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c, deps.config.COOKIE_SECURE) });
}

/** Does the request carry `Authorization: Bearer …` (whatever follows)? */
export function hasBearer(c: Context): boolean {
  return /^bearer(\s|$)/i.test(c.req.header('authorization') ?? '');
}

export function sessionMiddleware(deps: Pick<RouteDeps, 'db' | 'writer' | 'config' | 'now'>): MiddlewareHandler<AppEnv> {
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3_600_000;
  return async (c, next) => {
    c.set('user', null);
    c.set('sessionId', null);
    c.set('scopes', null);
    c.set('tokenId', null);
    // A Bearer request is the token's alone (routes/middleware/bearer.ts): its cookie is never read,
    // which is what lets it skip the cross-site check.
    if (hasBearer(c)) return next();
    const token = getCookie(c, SESSION_COOKIE);
    // 43 base64url chars = 32 random bytes; anything else cannot be ours, skip the lookup.
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) {
      const now = deps.now();
      const found = await getSessionWithUser(deps.db, hashToken(token), now);
      if (found && found.user.isActive) {
        c.set('user', found.user);
        c.set('sessionId', found.session.id);
        if (now - found.session.lastSeenAt >= TOUCH_EVERY_MS) {
          deps.writer.enqueue(touchSessionStatement(found.session.id, now, ttlMs));
          setSessionCookie(c, token, deps);
        }
      }
    }
    await next();
  };
}

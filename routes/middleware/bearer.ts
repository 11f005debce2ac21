/**
 * API tokens on requests (docs/http.md "API tokens"): `Authorization: Bearer ist_…` puts the token's
 * owner into `c.var.user` (the same shape a session gives, so every `requireRole` applies) with the
 * role lowered to what the needed scope allows, and the scopes into `c.var.scopes`.
 *   401 + `WWW-Authenticate: Bearer error="invalid_token"`: malformed, unknown, revoked, expired, or
 *       an owner who is gone or deactivated;
 *   403 `{error: "insufficient_scope", scope}`: the request needs a scope the token lacks;
 *   429 + Retry-After: past API_TOKEN_RATE / API_TOKEN_BURST for this token.
 * Last use (time, address) is written at most once a minute per token, queued, never awaited.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { findApiToken, touchApiTokenStatement } from '../../db/api-tokens.ts';
import { requiredScope, scopeCap, scopeCovers, TOKEN_PATTERN, type Scope } from '../../domain/api-tokens.ts';
import { ROLES, roleRank, type Role } from '../../domain/users.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import { clientAddress } from './client-address.ts';
import { hasBearer, type AppEnv } from './session.ts';
import type { RouteDeps } from '../deps.ts';

const TOUCH_EVERY_MS = 60_000;

function invalid(c: Context, why: string): Response {
  c.header('WWW-Authenticate', `Bearer error="invalid_token", error_description="${why}"`);
  return c.json({ error: 'invalid_token', message: why }, 401);
}

function insufficient(c: Context, scope: Scope): Response {
  c.header('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
  return c.json({ error: 'insufficient_scope', scope, message: `this token lacks scope ${scope}` }, 403);
}

/** The Bearer value as sent, or '' when the header has none. */
export function bearerToken(c: Context): string {
  return /^bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
}

export function bearerAuth(deps: Pick<RouteDeps, 'db' | 'writer' | 'config' | 'now'>): MiddlewareHandler<AppEnv> {
  const buckets = new Map<number, TokenBucket>();
  const touched = new Map<number, number>(); // token id → when its last use was queued
  return async (c, next) => {
    if (!hasBearer(c)) return next();
    const sent = bearerToken(c);
    if (!TOKEN_PATTERN.test(sent)) return invalid(c, 'malformed token');
    const now = deps.now();
    const found = await findApiToken(deps.db, sent);
    if (!found) return invalid(c, 'unknown token');
    const { token, owner } = found;
    if (token.revokedAt !== null) return invalid(c, 'token revoked');
    if (token.expiresAt <= now) return invalid(c, 'token expired');
    if (!owner || !owner.isActive) return invalid(c, 'token owner deactivated');

    let bucket = buckets.get(token.id);
    if (!bucket) buckets.set(token.id, (bucket = new TokenBucket(deps.config.API_TOKEN_RATE, deps.config.API_TOKEN_BURST, now)));
    if (!bucket.take(now)) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(bucket.waitMs() / 1000))));
      return c.json({ error: 'rate limited', message: 'too many requests with this token' }, 429);
    }

    const need = requiredScope(c.req.method, c.req.path);
    if (!scopeCovers(token.scopes, need)) return insufficient(c, need);

    const address = clientAddress(c, deps.config.TRUST_PROXY);
    if (now - Math.max(token.lastUsedAt ?? 0, touched.get(token.id) ?? 0) >= TOUCH_EVERY_MS) {
      touched.set(token.id, now);
      deps.writer.enqueue(touchApiTokenStatement(token.id, now, address)); // freshness only
    }
    // Rights = scopes ∩ the owner's current role: the owner's role, lowered to the scope's cap.
    const cap = scopeCap(token.scopes, need);
    const role: Role = cap === null ? owner.role : ROLES[Math.min(roleRank(owner.role), roleRank(cap))];
    c.set('user', { ...owner, role });
    c.set('scopes', token.scopes);
    c.set('tokenId', token.id);
    await next();
  };
}

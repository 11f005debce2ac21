/**
 * API token scopes (docs/http.md "API tokens"): which scope a request needs, and how far each scope
 * lets a token act for its owner. Effective rights = the token's scopes ∩ the owner's current role.
 */
import type { Role } from './users.ts';

export const SCOPES = ['read', 'schedule', 'commands', 'admin', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

/** `ist_` + 43 base64url characters (32 random bytes): a secret scanner can recognise it. */
export const TOKEN_PREFIX = 'ist_';
export const TOKEN_PATTERN = /^ist_[A-Za-z0-9_-]{43}$/;
/** Characters of the token stored in clear, to tell tokens apart and to find the row. */
export const TOKEN_SHOWN_CHARS = 12;

/** The highest role a request under this scope acts with ('admin' scope: whatever the owner has). */
const SCOPE_CAP: Record<Exclude<Scope, 'admin'>, Role> = { read: 'user', schedule: 'editor', commands: 'admin', metrics: 'admin' };

/** The least role an owner needs for a scope to mean anything (refused at creation below it). */
export function scopeMinRole(scope: Scope): Role {
  return scope === 'admin' || scope === 'read' ? 'user' : SCOPE_CAP[scope];
}

const COMMAND_WRITE = /^\/api\/(clients\/[^/]+\/(restart|restart_app|shutdown)|clients\/commands\/|commands\b|bulk-runs\/|groups\/[^/]+\/restart$)/;
const SCHEDULE_WRITE = /^\/api\/(groups|events|holidays|eventmedia|conversions|academic_periods)(\/|$)/;

/** The scope a request needs: GET /metrics → metrics; other reads → read; command and schedule writes; the rest → admin. */
export function requiredScope(method: string, path: string): Scope {
  const read = method === 'GET' || method === 'HEAD';
  if (read) return path === '/metrics' ? 'metrics' : 'read';
  if (COMMAND_WRITE.test(path)) return 'commands';
  if (SCHEDULE_WRITE.test(path)) return 'schedule';
  return 'admin';
}

/** Does a token with `scopes` cover a request needing `need`? ('admin' covers everything but is still capped by the role.) */
export function scopeCovers(scopes: readonly Scope[], need: Scope): boolean {
  return scopes.includes(need) || scopes.includes('admin');
}

/** The highest role a request under `need` acts with (null: the owner's own, for the 'admin' scope). */
export function scopeCap(scopes: readonly Scope[], need: Scope): Role | null {
  return scopes.includes('admin') || need === 'admin' ? null : SCOPE_CAP[need];
}

/** Parses the stored comma list, dropping anything unknown. */
export function parseScopes(raw: string): Scope[] {
  return raw.split(',').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

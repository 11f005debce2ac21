/**
 * API tokens on behalf of a person (docs/http.md "API tokens"), shared by `/api/tokens` and the
 * settings page: create (the secret exists only in this answer), list (never a secret), revoke.
 * Creation and revocation are audited here, the one place, through the caller's recorder.
 */
import { randomBytes } from 'node:crypto';
import type { InStatement } from '@libsql/client';
import { findApiToken, getApiToken, insertApiTokenStatement, listApiTokens, revokeApiTokenStatement, type ApiToken } from '../db/api-tokens.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import { scopeMinRole, SCOPES, TOKEN_PREFIX, type Scope } from '../domain/api-tokens.ts';
import { roleRank, type User } from '../domain/users.ts';
import { iso } from '../lib/time.ts';

/** Builds the audit record of an action (routes/audit-record.ts `auditEntry`, bound to the request). */
export type AuditRecorder = (action: string, target: string | number | null, change?: Record<string, unknown>) => InStatement;

export interface TokenDeps {
  db: Db;
  writer: Writes;
  now: () => number;
  maxDays: number; // API_TOKEN_MAX_DAYS
}

export interface NewTokenInput {
  name: string;
  scopes: Scope[];
  expiresInDays: number;
}

export type TokenResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'not_found' | 'forbidden'; message: string };

/** The JSON of a token: never the secret nor its hash. */
export function tokenJson(t: ApiToken & { owner?: string | null }) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    owner: t.owner ?? undefined,
    createdAt: iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedFrom: t.lastUsedFrom,
  };
}

/** Why these scopes cannot be given (unknown, empty, beyond the owner's role), or null. */
function scopeProblem(owner: User, scopes: readonly string[]): string | null {
  if (scopes.length === 0) return 'at least one scope is needed';
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) return `unknown scope ${s} (known: ${SCOPES.join(', ')})`;
    if (roleRank(owner.role) < roleRank(scopeMinRole(s as Scope))) return `scope ${s} needs role ${scopeMinRole(s as Scope)}`;
  }
  return null;
}

export function apiTokens(d: TokenDeps) {
  return {
    list: (owner: User, all = false) => listApiTokens(d.db, all && roleRank(owner.role) >= roleRank('admin') ? null : owner.id),

    async create(owner: User, input: NewTokenInput, record: AuditRecorder): Promise<TokenResult<{ token: string; record: ApiToken }>> {
      const problem = scopeProblem(owner, input.scopes);
      if (problem) return { ok: false, reason: 'invalid', message: problem };
      if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > d.maxDays) {
        return { ok: false, reason: 'invalid', message: `expiresInDays must be 1 to ${d.maxDays} (API_TOKEN_MAX_DAYS)` };
      }
      const scopes = SCOPES.filter((s) => input.scopes.includes(s)); // de-duplicated, in a fixed order
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const now = d.now();
      await d.writer.write(insertApiTokenStatement({ userId: owner.id, name: input.name, token, scopes, expiresAt: now + input.expiresInDays * 86_400_000 }, now));
      const stored = (await findApiToken(d.db, token))!.token;
      await d.writer.write(record('tokens.create', stored.id, { after: tokenJson(stored) }));
      return { ok: true, value: { token, record: stored } };
    },

    /** Own tokens; an admin may revoke anyone's. Revoking twice is fine (nothing changes). */
    async revoke(by: User, id: number, record: AuditRecorder): Promise<TokenResult<ApiToken>> {
      const t = Number.isSafeInteger(id) ? await getApiToken(d.db, id) : undefined;
      if (!t || (t.userId !== by.id && roleRank(by.role) < roleRank('admin'))) return { ok: false, reason: 'not_found', message: 'token not found' };
      if (t.revokedAt !== null) return { ok: true, value: t };
      const now = d.now();
      await d.writer.write(revokeApiTokenStatement(t.id, by.id, now), record('tokens.revoke', t.id, { before: tokenJson(t), name: t.name }));
      return { ok: true, value: { ...t, revokedAt: now, revokedBy: by.id } };
    },
  };
}

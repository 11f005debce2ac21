/**
 * Named queries for API tokens (docs/http.md "API tokens"). Only the SHA-256 of a token is stored,
 * next to its first characters (`prefix`) to find the row; the hash is then compared in constant
 * time. Writes are statements for the one writer (docs/architecture.md "One writer").
 */
import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';
import { toUser } from './users.ts';
import { parseScopes, TOKEN_SHOWN_CHARS, type Scope } from '../domain/api-tokens.ts';
import type { User } from '../domain/users.ts';

export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: number | null;
  lastUsedAt: number | null;
  lastUsedFrom: string | null;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toToken(r: Row): ApiToken {
  return {
    id: Number(r.t_id),
    userId: Number(r.t_user_id),
    name: String(r.t_name),
    prefix: String(r.t_prefix),
    scopes: parseScopes(String(r.t_scopes)),
    createdAt: fromIso(r.t_created_at) ?? 0,
    expiresAt: fromIso(r.t_expires_at) ?? 0,
    revokedAt: fromIso(r.t_revoked_at),
    revokedBy: r.t_revoked_by === null ? null : Number(r.t_revoked_by),
    lastUsedAt: fromIso(r.t_last_used_at),
    lastUsedFrom: r.t_last_used_from === null ? null : String(r.t_last_used_from),
  };
}

const COLUMNS = `t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, t.prefix AS t_prefix, t.scopes AS t_scopes,
  t.created_at AS t_created_at, t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, t.revoked_by AS t_revoked_by,
  t.last_used_at AS t_last_used_at, t.last_used_from AS t_last_used_from`;

export interface NewApiToken {
  userId: number;
  name: string;
  token: string;
  scopes: readonly Scope[];
  expiresAt: number;
}

export function insertApiTokenStatement(t: NewApiToken, now: number): InStatement {
  return {
    sql: `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [t.userId, t.name, hashApiToken(t.token), t.token.slice(0, TOKEN_SHOWN_CHARS), t.scopes.join(','), iso(now), iso(t.expiresAt)],
  };
}

/** The row of a token as sent (revoked and expired ones too: the caller tells them apart), with its owner when it still exists. */
export async function findApiToken(db: Db, token: string): Promise<{ token: ApiToken; owner: User | null } | undefined> {
  const rs = await db.execute({
    sql: `SELECT ${COLUMNS}, t.token_hash AS t_hash, u.* FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.prefix = ?`,
    args: [token.slice(0, TOKEN_SHOWN_CHARS)],
  });
  const sent = Buffer.from(hashApiToken(token), 'hex');
  for (const r of rs.rows) {
    const stored = Buffer.from(String(r.t_hash), 'hex');
    if (stored.length === sent.length && timingSafeEqual(stored, sent)) return { token: toToken(r), owner: r.id === null ? null : toUser(r) };
  }
  return undefined;
}

/** One person's tokens (or everyone's with `userId` null), newest first, with the owner's name. */
export async function listApiTokens(db: Db, userId: number | null): Promise<Array<ApiToken & { owner: string | null }>> {
  const rs = await db.execute({
    sql: `SELECT ${COLUMNS}, u.username AS owner FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
          ${userId === null ? '' : 'WHERE t.user_id = ?'} ORDER BY t.id DESC LIMIT 1000`,
    args: userId === null ? [] : [userId],
  });
  return rs.rows.map((r) => ({ ...toToken(r), owner: r.owner === null ? null : String(r.owner) }));
}

export async function getApiToken(db: Db, id: number): Promise<ApiToken | undefined> {
  const rs = await db.execute({ sql: `SELECT ${COLUMNS} FROM api_tokens t WHERE t.id = ?`, args: [id] });
  return rs.rows[0] ? toToken(rs.rows[0]) : undefined;
}

export function revokeApiTokenStatement(id: number, by: number, now: number): InStatement {
  return { sql: 'UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', args: [iso(now), by, id] };
}

export function touchApiTokenStatement(id: number, now: number, address: string): InStatement {
  return { sql: 'UPDATE api_tokens SET last_used_at = ?, last_used_from = ? WHERE id = ?', args: [iso(now), address.slice(0, 64), id] };
}

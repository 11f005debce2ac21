/**
 * The one way a route records an admin action in the audit log (docs/http.md "Audit trail"):
 * `await audit(c, deps, 'groups.update', 'group:3', {before, after})`, called once the action is done.
 * Who: the signed-in user (and the API token, when one was used); from where: the request's address.
 */
import type { Context } from 'hono';
import type { InStatement } from '@libsql/client';
import { auditStatement } from '../db/audit.ts';
import { clientAddress } from './middleware/client-address.ts';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';

export interface AuditChange {
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping (a reason, a count); never a secret. */
  [key: string]: unknown;
}

/** `user:<id>:<name>` of the signed-in user ('anonymous' cannot happen behind a role guard). */
export function actorOf(c: Context<AppEnv>): string {
  const u = c.var.user;
  return u ? `user:${u.id}:${u.username}` : 'anonymous';
}

/** The statement, for a route that writes its change and the record in one batch. */
export function auditEntry(c: Context<AppEnv>, deps: Pick<RouteDeps, 'config' | 'now'>, action: string, target: string | number | null, change: AuditChange = {}): InStatement {
  const tokenId = c.var.tokenId ?? null;
  const detail = { ...change, ...(tokenId !== null ? { apiTokenId: tokenId } : {}) };
  return auditStatement(
    { actor: actorOf(c), action, target: target === null ? null : String(target), detail: Object.keys(detail).length ? detail : undefined, address: clientAddress(c, deps.config.TRUST_PROXY) },
    deps.now(),
  );
}

/** Records a done action (awaited: the answer goes out once the record is stored). */
export async function audit(c: Context<AppEnv>, deps: Pick<RouteDeps, 'config' | 'now' | 'writer'>, action: string, target: string | number | null, change: AuditChange = {}): Promise<void> {
  await deps.writer.write(auditEntry(c, deps, action, target, change));
}

/** Who acts and from where, for a service that writes its own audit row (domain/audit.ts AuditBy). */
export function auditBy(c: Context<AppEnv>, deps: Pick<RouteDeps, 'config'>): { actor: string; address: string | null } {
  return { actor: actorOf(c), address: clientAddress(c, deps.config.TRUST_PROXY) };
}

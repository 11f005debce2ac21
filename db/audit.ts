/**
 * The audit log (every provisioning action, "who, when, what; never the password").
 * Writes are statements for the one writer; `detail` is JSON and must never hold a secret.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';

export interface AuditInput {
  actor: string; // 'user:<id>:<name>', 'cli:<os user>' or 'system'
  action: string; // e.g. credentials.create
  target?: string | null; // client uuid
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends Required<Omit<AuditInput, 'detail'>> {
  id: number;
  at: number;
  detail: Record<string, unknown> | null;
}

/** Keys that must never reach the log, whatever a caller passes. */
const SECRET = /pass|secret|token|hash/i;

export function auditStatement(e: AuditInput, now: number): InStatement {
  const detail = e.detail ? Object.fromEntries(Object.entries(e.detail).filter(([k]) => !SECRET.test(k))) : null;
  return {
    sql: 'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)',
    args: [iso(now), e.actor, e.action, e.target ?? null, detail ? JSON.stringify(detail) : null],
  };
}

function toEntry(r: Row): AuditEntry {
  let detail: Record<string, unknown> | null = null;
  try {
    detail = r.detail === null ? null : JSON.parse(String(r.detail));
  } catch {
    detail = null;
  }
  return {
    id: Number(r.id),
    at: fromIso(r.at) ?? 0,
    actor: String(r.actor),
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    detail,
  };
}

/** Newest first; optionally one target's entries only. */
export async function listAudit(db: Db, opts: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 1000);
  const rs = opts.target
    ? await db.execute({ sql: 'SELECT * FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT ?', args: [opts.target, limit] })
    : await db.execute({ sql: 'SELECT * FROM audit_log ORDER BY id DESC LIMIT ?', args: [limit] });
  return rs.rows.map(toEntry);
}

/**
 * The audit log (docs/http.md "Audit trail"): every admin action, "who, when, what (before/after
 * for edits), from which address; never a password, hash or token". Writes are statements for
 * the one writer; `detail` is JSON, with secret-looking keys removed at any depth.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';

export interface AuditInput {
  actor: string; // 'user:<id>:<name>', 'cli:<os user>' or 'system'
  action: string; // e.g. credentials.create, users.update
  target?: string | null; // what it acted on: a client uuid, 'group:3', a username…
  detail?: Record<string, unknown>; // for edits {before, after}
  address?: string | null; // the request's address (null: not from a request)
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
}

/** Keys that must never reach the log, whatever a caller passes (`apiTokenId` is only an id). */
const SECRET = /pass|secret|hash|token(?!id)/i;

function scrub(v: unknown, depth = 0): unknown {
  if (depth > 8 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  return Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET.test(k)).map(([k, x]) => [k, scrub(x, depth + 1)]));
}

export function auditStatement(e: AuditInput, now: number): InStatement {
  const detail = e.detail ? JSON.stringify(scrub(e.detail)) : null;
  return {
    sql: 'INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)',
    args: [iso(now), e.actor, e.action, e.target ?? null, detail, e.address ?? null],
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
    address: r.address === null || r.address === undefined ? null : String(r.address),
    detail,
  };
}

export interface AuditFilter {
  target?: string;
  /** An actor as stored ('user:3:anna', 'system') or a username ('anna'). */
  actor?: string;
  /** An action ('users.update') or its family ('users' matches users.*). */
  action?: string;
  limit?: number;
  offset?: number;
}

function where(f: AuditFilter): { clause: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  if (f.target) (parts.push('target = ?'), args.push(f.target));
  if (f.actor) {
    // 'user:<id>:<name>' ends with ':<name>': a username finds its entries without a LIKE pattern.
    parts.push("(actor = ? OR (actor LIKE 'user:%' AND substr(actor, -length(?) - 1) = ':' || ?))");
    args.push(f.actor, f.actor, f.actor);
  }
  if (f.action) {
    parts.push("(action = ? OR substr(action, 1, length(?) + 1) = ? || '.')");
    args.push(f.action, f.action, f.action);
  }
  return { clause: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', args };
}

/** Newest first, filtered and paged. */
export async function listAudit(db: Db, f: AuditFilter = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 1000);
  const { clause, args } = where(f);
  const rs = await db.execute({ sql: `SELECT * FROM audit_log${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, args: [...args, limit, Math.max(f.offset ?? 0, 0)] });
  return rs.rows.map(toEntry);
}

export async function countAudit(db: Db, f: AuditFilter = {}): Promise<number> {
  const { clause, args } = where(f);
  const rs = await db.execute({ sql: `SELECT COUNT(*) AS n FROM audit_log${clause}`, args });
  return Number(rs.rows[0]?.n ?? 0);
}

/** Entries older than the cutoff go (AUDIT_RETENTION_DAYS, services/retention.ts). */
export function purgeAuditStatement(cutoff: number): InStatement {
  return { sql: 'DELETE FROM audit_log WHERE at < ?', args: [iso(cutoff)] };
}
